#!/usr/bin/env python3
"""The guest agent's ping round trip with no Java in the path, two ways.

Boots one guest under QEMU (TCG) with the arguments dispool's QemuVm gives it (192 MiB, 1 vCPU,
the agent on the second serial port behind a Unix socket), then, round after round, so that the
machine's load falls on every condition alike:

  sizes: for each request length from 8 to 21 bytes ("<id> ping\n", the id's digits making up
         the length), one ping on the running guest, and one ping written to the paused guest
         followed by QMP cont (a hand-out's unpause, paused 0 s);
  pause: for each pause length in HELD, QMP stop, the pause held, a 16-byte ping written to the
         paused guest, QMP cont: cont's reply and the answer, from the ping written.

Prints the medians and writes every round trip to CSV_FILE.

    agent-ping.py sizes|pause GUEST_DIR CSV_FILE [ROUNDS]     (ROUNDS default 30)
"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

if len(sys.argv) < 4 or sys.argv[1] not in ("sizes", "pause"):
    sys.exit("usage: agent-ping.py sizes|pause GUEST_DIR CSV_FILE [ROUNDS]")
mode, guest, csv_file = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 30
SIZES = range(8, 22)
HELD = (0.0, 0.2, 0.5, 1.0, 2.0)
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


def unpause(request_id, held):
    """One hand-out's unpause after a pause of `held` s: (cont's reply, the answer), ms from the ping written."""
    qmp_call("stop")
    time.sleep(held)  # the pause itself is the condition measured
    t = {}

    def cont():
        t0 = time.perf_counter()
        qmp_call("cont")
        t["cont"] = (time.perf_counter() - t0) * 1e3

    total = ping(request_id, cont)
    return t["cont"], total


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
    if mode == "sizes":
        serial = {size: 0 for size in SIZES}
        for r in range(rounds):
            for size in SIZES:
                serial[size] += 1
                request_id = 10 ** (size - len(" ping\n") - 1) + serial[size]  # exactly size - 6 digits
                rows.append((r, size, "running", ping(request_id)))
                serial[size] += 1
                request_id = 10 ** (size - len(" ping\n") - 1) + serial[size]
                rows.append((r, size, "paused 0 s + cont", unpause(request_id, 0.0)[1]))
    else:
        request_id = 10 ** 9  # ten digits: a 16-byte ping, as the host's
        for r in range(rounds):
            for held in HELD:
                request_id += 1
                rows.append((r, held) + unpause(request_id, held))
    qmp_call("quit")
finally:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    shutil.rmtree(d, ignore_errors=True)



def report_sizes():
    with open(csv_file, "w") as f:
        f.write("round,request bytes,condition,ms\n")
        f.writelines(f"{r},{size},{kind},{ms:.3f}\n" for r, size, kind, ms in rows)
    print(f"{'request bytes':>14} {'running':>9} {'paused 0 s + cont':>18}")
    for size in SIZES:
        med = [statistics.median(ms for _, s, k, ms in rows if s == size and k == kind)
               for kind in ("running", "paused 0 s + cont")]
        print(f"{size:>14} {med[0]:>9.2f} {med[1]:>18.2f}")


def report_pause():
    with open(csv_file, "w") as f:
        f.write("round,paused s,cont reply ms,answer ms\n")
        f.writelines(f"{r},{h},{c:.3f},{ms:.3f}\n" for r, h, c, ms in rows)
    for held in HELD:
        c = [x for _, h, x, _ in rows if h == held]
        v = [ms for _, h, _, ms in rows if h == held]
        print(f"paused {held:.1f} s: cont reply p50 {statistics.median(c):.2f} ms; ping written + cont -> answer "
              f"p50 {statistics.median(v):.2f} ms (min {min(v):.2f}, n {len(v)})")


props = dict(line.split("=", 1) for line in open(os.path.join(guest, "guest.properties")).read().split())
print(f"guest {os.path.basename(os.path.normpath(guest))} ({props.get('kernel-package')} {props.get('kernel-version', '')}, "
      f"agent {props.get('agent')}), {mode}, {rounds} rounds, load {open('/proc/loadavg').read().split()[0]} at the end; "
      f"medians, ms")
if mode == "sizes":
    report_sizes()
else:
    report_pause()
