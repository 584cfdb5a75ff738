#!/bin/sh
# Builds dispool's packages from the app that `mvn package` built, one command:
#     deploy/package/build.sh            (after mvn -B package -DskipTests)
# into target/packages/:
#   dispool-VERSION-1.noarch.rpm            dom0 or a Fedora management qube's TemplateVM
#   dispool-policy-VERSION-1.noarch.rpm     dom0, when dispool runs in a management qube
#   dispool-app-qube-VERSION-1.noarch.rpm   Fedora app qubes' TemplateVM (Open in preloaded DisposableVM)
#   dispool-app-qube_VERSION-1_all.deb      Debian app qubes' TemplateVM
# and checks them with rpmlint and lintian when those are installed. Needs rpmbuild (Debian: apt-get
# install rpm), dpkg-deb, asciidoctor (the man pages) and java; picocli-codegen (the man page
# generator) comes from the local Maven repository, where the build puts it (pom.xml, test scope). Every file is staged under
# target/packages/stage first; the specs copy that tree. Files are packaged as they are in deploy/.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/deploy/package
app=$root/target/quarkus-app
out=$root/target/packages
codegen_version=4.7.7

die() { echo "build.sh: $*" >&2; exit 1; }
[ -f "$app/quarkus-run.jar" ] || die "no built app in $app: run mvn -B package -DskipTests first"
for tool in rpmbuild dpkg-deb asciidoctor java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (Debian: apt-get install rpm dpkg asciidoctor default-jre-headless)"
done
# 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT: '~' sorts before the release in both rpm and dpkg
pom_version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -n 1)
version=$(printf '%s' "$pom_version" | tr '-' '~')
rm -rf "$out/stage" "$out/rpmbuild" "$out/man" "$out"/*.rpm "$out"/*.deb
mkdir -p "$out/tools"

# the local Maven repository has it once the build ran (pom.xml lists it, test scope); else Maven fetches it
codegen=${MAVEN_REPOSITORY:-$HOME/.m2/repository}/info/picocli/picocli-codegen/$codegen_version/picocli-codegen-$codegen_version.jar
if [ ! -f "$codegen" ]; then
    codegen=$out/tools/picocli-codegen-$codegen_version.jar
fi
if [ ! -f "$codegen" ]; then
    (cd "$root" && mvn -B -q dependency:copy -Dartifact="info.picocli:picocli-codegen:$codegen_version" \
        -DoutputDirectory="$out/tools") || die "could not fetch picocli-codegen $codegen_version"
fi

# --- dispool: service, units, policy, qrexec services, CLI ------------------------------------
s=$out/stage/dispool
put() { # put MODE SOURCE DEST: a file of the stage, its directories 0755
    mkdir -p "$(dirname "$s/$3")"
    install -m "$1" "$2" "$s/$3"
}
mkdir -p "$s/usr/share/dispool" "$s/var/lib/dispool"
cp -a "$app" "$s/usr/share/dispool/quarkus-app"
put 0755 "$root/deploy/dispool" usr/share/dispool/bin/dispool
put 0755 "$here/dispool.sh" usr/bin/dispool
put 0644 "$root/deploy/dispool.service" usr/lib/systemd/system/dispool.service
put 0644 "$root/deploy/dispool-mgmt.service" usr/lib/systemd/system/dispool-mgmt.service
put 0755 "$root/deploy/dispool-sleep" usr/lib/systemd/system-sleep/dispool-sleep
put 0644 "$here/dispool.sysusers" usr/lib/sysusers.d/dispool.conf
put 0644 "$here/dispool.tmpfiles" usr/lib/tmpfiles.d/dispool.conf
put 0644 "$here/application.properties" etc/dispool/application.properties
put 0644 "$here/50_dispool.conf" etc/qubes-bind-dirs.d/50_dispool.conf
put 0644 "$root/config/application.properties" usr/share/doc/dispool/application.properties
put 0644 "$root/docs/install.md" usr/share/doc/dispool/install.md
for f in "$root"/deploy/qubes-rpc/*; do put 0755 "$f" "etc/qubes-rpc/$(basename "$f")"; done

# bash completion and man pages, both from the picocli model of the command line (CommandDocs.java)
mkdir -p "$s/usr/share/bash-completion/completions" "$s/usr/share/man/man1" "$out/man"
java -cp "$app/app/*:$app/lib/main/*:$codegen" "$here/CommandDocs.java" "$out/man" \
    "$s/usr/share/bash-completion/completions/dispool"
chmod 0644 "$s/usr/share/bash-completion/completions/dispool"
for adoc in "$out"/man/*.adoc; do
    page=$(basename "$adoc" .adoc)
    asciidoctor -b manpage -a reproducible -o "$s/usr/share/man/man1/$page.1" "$adoc"
    gzip -9n "$s/usr/share/man/man1/$page.1"
done
chmod 0644 "$s"/usr/share/man/man1/*

rpm_build() { # rpm_build SPEC STAGE
    rpmbuild -bb --quiet --define "_topdir $out/rpmbuild" --define "stage $2" --define "pkg_version $version" \
        --define "_binary_payload w19.zstdio" --define "__brp_mangle_shebangs %{nil}" --define "__brp_compress %{nil}" "$1"
}
rpm_build "$here/dispool.spec" "$s"

# --- dispool-policy: dom0's qrexec policy for a management qube -----------------------------------
p=$out/stage/dispool-policy
mkdir -p "$p/etc/qubes/policy.d"
install -m 0644 "$root"/deploy/qubes-policy/*.policy "$p/etc/qubes/policy.d/"
mkdir -p "$p/usr/share/doc/dispool-policy"
install -m 0644 "$root/deploy/qubes-policy/README.md" "$p/usr/share/doc/dispool-policy/README.md"
rpm_build "$here/dispool-policy.spec" "$p"

# --- dispool-app-qube: the app qube's wrapper, stream helper and desktop entries ------------------
a=$out/stage/dispool-app-qube
mkdir -p "$a/usr/bin" "$a/usr/lib/dispool" "$a/usr/share/applications" "$a/usr/share/doc/dispool-app-qube"
install -m 0755 "$root/deploy/app-qube/dispool-open-in-dvm" "$a/usr/bin/dispool-open-in-dvm"
install -m 0755 "$root/deploy/app-qube/dispool-open-stream" "$a/usr/lib/dispool/dispool-open-stream"
install -m 0644 "$root"/deploy/app-qube/*.desktop "$a/usr/share/applications/"
install -m 0644 "$here/app-qube-README" "$a/usr/share/doc/dispool-app-qube/README"
rpm_build "$here/dispool-app-qube.spec" "$a"
find "$out/rpmbuild/RPMS" -name '*.rpm' -exec mv {} "$out/" \;

# the same tree as a .deb, with what Debian policy asks of every package
d=$out/stage/deb
cp -a "$a" "$d"
install -m 0644 "$here/app-qube-copyright" "$d/usr/share/doc/dispool-app-qube/copyright"
sed "s/@VERSION@/$version-1/" "$here/app-qube-changelog" | gzip -9n >"$d/usr/share/doc/dispool-app-qube/changelog.Debian.gz"
mkdir -p "$d/DEBIAN"
sed "s/@VERSION@/$version-1/" "$here/app-qube-control" >"$d/DEBIAN/control"
(cd "$d" && find usr -type f -exec md5sum {} + | sort -k 2 >DEBIAN/md5sums)
chmod 0644 "$d/DEBIAN/control" "$d/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$d" "$out/dispool-app-qube_${version}-1_all.deb" >/dev/null

ls -1 "$out"/*.rpm "$out"/*.deb
if command -v rpmlint >/dev/null 2>&1; then
    rpmlint -c "$here/rpmlint.toml" "$out"/*.rpm || die "rpmlint found errors"
fi
if command -v lintian >/dev/null 2>&1; then
    lintian --suppress-tags-from-file "$here/lintian-overrides" "$out"/*.deb || die "lintian found errors"
fi
