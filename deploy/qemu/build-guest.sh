#!/usr/bin/env bash
# Builds the guest of dispool's QEMU host: Debian's cloud kernel and an initramfs holding a static
# busybox and dispool's agent (deploy/qemu/guest-init). Everything comes from Debian's registry
# (apt-get download + dpkg -x, no install); nothing lands in git. Idempotent: a complete guest in
# the output directory is kept. As root it also installs the host's own tools (qemu-system-x86,
# qemu-utils, cpio) when they are missing.
#
#   deploy/qemu/build-guest.sh [OUTPUT_DIR]     (default ${XDG_CACHE_HOME:-~/.cache}/dispool/guest)
#
# Prints the output directory; it holds vmlinuz, initramfs.img, disk.qcow2 (a small empty disk for
# DVM templates that want one) and guest.properties (the kernel's package and version, the agent's
# checksum), which the QEMU bench prints with its figures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/dispool/guest}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

need_tools() {
    local missing=()
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    command -v qemu-img >/dev/null || missing+=(qemu-utils)
    command -v cpio >/dev/null || missing+=(cpio)
    if ((${#missing[@]})); then
        if [[ $(id -u) -ne 0 ]]; then
            echo "build-guest: missing ${missing[*]}; install them: apt-get install ${missing[*]}" >&2
            exit 2
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }
    fi
}

# The newest 6.1 cloud kernel package Debian offers (the meta package only depends on it).
kernel_package() {
    local pkg
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9.-]*-cloud-amd64\)$/\1/p' | head -1)
    if [[ -z "$pkg" ]]; then
        apt-get update -q >&2
        pkg=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9.-]*-cloud-amd64\)$/\1/p' | head -1)
    fi
    [[ -n "$pkg" ]] || { echo "build-guest: Debian offers no linux-image-cloud-amd64 here (apt sources?)" >&2; exit 3; }
    echo "$pkg"
}

need_tools
stamp="$out/guest.properties"
agent_sum=$(cat "$here/guest-init" "$0" | sha256sum | cut -c1-16)
if [[ -f "$stamp" && -f "$out/vmlinuz" && -f "$out/initramfs.img" && -f "$out/disk.qcow2" ]] \
        && grep -qx "agent=$agent_sum" "$stamp"; then
    echo "$out"
    exit 0
fi

work="$out/work"
rm -rf "$work"
mkdir -p "$work/debs" "$work/root"
kpkg=$(kernel_package)
# Stale package lists name versions the registry no longer serves: refresh them once and retry.
if ! (cd "$work/debs" && apt-get download -q "$kpkg" busybox-static >&2); then
    apt-get update -q >&2
    kpkg=$(kernel_package)
    (cd "$work/debs" && apt-get download -q "$kpkg" busybox-static >&2)
fi
for deb in "$work"/debs/*.deb; do
    dpkg -x "$deb" "$work/x"
done
cp "$work"/x/boot/vmlinuz-* "$out/vmlinuz.tmp"

root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp "$work/x/bin/busybox" "$root/bin/busybox"
cp "$here/guest-init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner 0:0) | gzip -1 > "$out/initramfs.img.tmp"
[[ -f "$out/disk.qcow2" ]] || qemu-img create -q -f qcow2 "$out/disk.qcow2" 64M
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initramfs.img.tmp" "$out/initramfs.img"
kver=$(dpkg-deb -f "$work"/debs/"$kpkg"_*.deb Version)
printf 'kernel-package=%s\nkernel-version=%s\nagent=%s\n' "$kpkg" "$kver" "$agent_sum" > "$stamp"
rm -rf "$work"
echo "$out"
