#!/usr/bin/env python3
"""The guest agent's ping round trip by the request's length, with no Java in the path.

Boots one guest under QEMU (TCG) with the arguments dispool's QemuVm gives it (192 MiB, 1 vCPU,
the agent on the second serial port behind a Unix socket), then, round after round so that the
machine's load falls on every length alike, for each request length from 8 to 21 bytes
("<id> ping\\n", the id's digits making up the length): one ping on the running guest, and one
ping written to the paused guest followed by QMP cont (a hand-out's unpause, paused 0 s).
Prints the medians per length and writes every round trip to CSV_FILE.

    agent-ping-sizes.py GUEST_DIR CSV_FILE [ROUNDS]     (ROUNDS default 30)
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

guest, csv_file = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
SIZES = range(8, 22)
d = tempfile.mkdtemp(prefix="agent-ping")
agent_path, qmp_path = os.path.join(d, "agent.sock"), os.path.join(d, "qmp.sock")
subprocess.run(["qemu-system-x86_64", "-accel", "tcg", "-m", "192", "-smp", "1", "-nodefaults",
                "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", os.path.join(guest, "vmlinuz"), "-initrd", os.path.join(guest, "initramfs.img"),
                "-append", "console=ttyS0 quiet panic=-1", "-serial", "file:" + os.path.join(d, "console.log"),
                "-chardev", "socket,id=agent,server=on,wait=off,path=" + agent_path, "-serial", "chardev:agent",
                "-qmp", "unix:" + qmp_path + ",server=on,wait=off", "-pidfile", os.path.join(d, "pid"),
                "-daemonize"], check=True)
pid = int(open(os.path.join(d, "pid")).read())
agent = socket.socket(socket.AF_UNIX)
agent.connect(agent_path)
qmp = socket.socket(socket.AF_UNIX)
qmp.connect(qmp_path)
qmp_in = qmp.makefile("rb")
pending = bytearray()


def agent_line(deadline):
    """One line from the agent's port; TimeoutError past the deadline (time.monotonic())."""
    global pending
    while b"\n" not in pending:
        agent.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            chunk = agent.recv(4096)
        except socket.timeout:
            raise TimeoutError
        if not chunk:
            sys.exit("the guest's agent port closed (console: " + os.path.join(d, "console.log") + ")")
        pending += chunk
    line, _, rest = bytes(pending).partition(b"\n")
    pending = bytearray(rest)
    return line


def qmp_call(cmd):
    qmp.sendall(json.dumps({"execute": cmd}).encode() + b"\n")
    while b'"return"' not in qmp_in.readline():
        pass


def ping(request_id, meanwhile=None, timeout=10.0):
    """ms from the request written to its answer read; meanwhile runs between the two."""
    t0 = time.perf_counter()
    agent.sendall(b"%d ping\n" % request_id)
    if meanwhile:
        meanwhile()
    deadline = time.monotonic() + timeout
    while not agent_line(deadline).startswith(b"%d 0" % request_id):
        pass
    return (time.perf_counter() - t0) * 1e3


def unpause(request_id):
    qmp_call("stop")
    return ping(request_id, lambda: qmp_call("cont"))


try:
    qmp_in.readline()
    qmp_call("qmp_capabilities")
    boot_id, boot_deadline = 10 ** 15, time.monotonic() + 180
    while True:  # a booting guest's port drops what came before its agent: ping until it answers
        boot_id += 1
        try:
            ping(boot_id, timeout=0.1)
            break
        except TimeoutError:
            if time.monotonic() > boot_deadline:
                sys.exit("no answer from the guest's agent in 180 s")
    ping(boot_id + 1)  # the pings piled up while it booted are answered before this one
    rows = []
    serial = {size: 0 for size in SIZES}
    for r in range(rounds):
        for size in SIZES:
            for kind, timed in (("running", ping), ("paused 0 s + cont", unpause)):
                serial[size] += 1
                digits = size - len(" ping\n")
                request_id = 10 ** (digits - 1) + serial[size]  # exactly `digits` digits
                rows.append((r, size, kind, timed(request_id)))
    qmp_call("quit")
finally:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    shutil.rmtree(d, ignore_errors=True)

with open(csv_file, "w") as f:
    f.write("round,request bytes,condition,ms\n")
    f.writelines(f"{r},{size},{kind},{ms:.3f}\n" for r, size, kind, ms in rows)
props = dict(l.split("=", 1) for l in open(os.path.join(guest, "guest.properties")).read().split())
print(f"guest {os.path.basename(os.path.normpath(guest))} ({props.get('kernel-package')}, agent {props.get('agent')}), "
      f"{rounds} rounds, load {open('/proc/loadavg').read().split()[0]} at the end; medians, ms")
print(f"{'request bytes':>14} {'running':>9} {'paused 0 s + cont':>18}")
for size in SIZES:
    med = [statistics.median(ms for _, s, k, ms in rows if s == size and k == kind)
           for kind in ("running", "paused 0 s + cont")]
    print(f"{size:>14} {med[0]:>9.2f} {med[1]:>18.2f}")
