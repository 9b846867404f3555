#!/usr/bin/env python3
# utils/bench-lazyfree.py -- how long deleting a big collection stalls the
# event loop: DEL and UNLINK of a 1,000,000-member set, FLUSHALL and
# FLUSHALL ASYNC of that set plus 100,000 strings.  For each it prints the
# reply time and the longest PING a second connection waited meanwhile.
#
#   utils/bench-lazyfree.py SERVER [PORT] [ROUNDS]
#
# SERVER is ./src/redis-kv-server or /usr/bin/redis-server: each is started
# in a temporary directory, without persistence for Redis, and killed by
# PID.  A benchmark, never a test: run it alone on the machine.
import os, shutil, socket, subprocess, sys, tempfile, threading, time

server = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 28190
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3

def conn():
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def cmd(s, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    s.sendall(out)
    buf = b""
    while not buf.endswith(b"\r\n"):
        buf += s.recv(65536)
    if buf.startswith(b"-"):
        raise SystemExit("error reply: %r" % buf)
    return buf

def fill(c, strings):
    for i in range(0, 1000000, 10000):
        cmd(c, "SADD", "big", *["m%d" % j for j in range(i, i + 10000)])
    for i in range(0, strings, 1000):
        args = []
        for j in range(i, i + 1000):
            args += ["k%d" % j, "v"]
        cmd(c, "MSET", *args)

def timed(c, op):
    stop, worst = [False], [0.0]
    def pinger():
        p = conn()
        while not stop[0]:
            t = time.perf_counter()
            cmd(p, "PING")
            worst[0] = max(worst[0], time.perf_counter() - t)
        p.close()
    th = threading.Thread(target=pinger)
    th.start()
    time.sleep(0.05)
    t = time.perf_counter()
    cmd(c, *op)
    reply = time.perf_counter() - t
    time.sleep(0.5)
    stop[0] = True
    th.join()
    print("%-15s reply %7.1f ms, longest PING %6.1f ms" % (" ".join(op), reply * 1e3, worst[0] * 1e3))

d = tempfile.mkdtemp(prefix="bench-lazyfree.")
args = [server, "--port", str(port), "--dir", d, "--save", ""]
if "redis-server" in os.path.basename(server):
    args += ["--appendonly", "no"]
proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            c = conn()
            break
        except OSError:
            time.sleep(0.05)
    for _ in range(rounds):
        for op, strings in ((["DEL", "big"], 0), (["UNLINK", "big"], 0),
                            (["FLUSHALL"], 100000), (["FLUSHALL", "ASYNC"], 100000)):
            fill(c, strings)
            time.sleep(0.3)
            timed(c, op)
finally:
    proc.kill()
    proc.wait()
    shutil.rmtree(d, ignore_errors=True)
