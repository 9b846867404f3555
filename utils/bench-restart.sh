#!/bin/sh
# bench-restart.sh -- how long redis-kv (and redis-server 7 with its AOF)
# takes to serve again after a kill -9, several rounds, medians.
#
#   utils/bench-restart.sh [ROUNDS] [KEYS]
#   utils/bench-restart.sh 5 1000000
#
# Each server is filled once with redis-benchmark -t set -r KEYS -n 2*KEYS
# -P 16 -d 16 (random keys, so about 86% of KEYS distinct keys and the
# rest overwrites), then each round kill -9s it and times a start: from
# exec to the first +PONG (a socket polled every millisecond), and the
# server's own "DB loaded from disk" figure.  redis-kv runs with
# KV_ARGS (default: 64 MB segments, so the data is in sealed segments with
# hint files, no compaction, so every round loads the same files, and
# loglevel verbose, for the time of each phase of its load, printed under
# each round);
# before the first kill the script waits until every sealed segment has its
# hint.  redis-server runs with REDIS_ARGS (default: appendonly yes,
# everysec, no RDB); REDIS=0 skips it.  Ports: KVPORT and RPORT, default
# free ones.  Both servers run in a temporary directory and are stopped by
# PID.  KV names another redis-kv binary (an older build, to compare);
# KV_BASE names a second one that loads the SAME files, started in turn
# with the first in every round ("redis-kv base"): the fairest way to
# compare two builds on a machine whose load varies.
# Run it under cpulock: the figures are CPU-bound.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
KEYS=${2:-1000000}
make -s >/dev/null
export KV=${KV:-./src/redis-kv-server}
export REDIS_SERVER=${REDIS_SERVER:-redis-server}
export KV_ARGS=${KV_ARGS:---segment-size 64mb --compact-garbage-percent 0 --loglevel verbose}
export REDIS_ARGS=${REDIS_ARGS:---save '' --appendonly yes --appendfsync everysec}
export REDIS=${REDIS:-1}
export TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
python3 - "$ROUNDS" "$KEYS" <<'PY'
import os, re, shlex, socket, statistics, subprocess, sys, time, glob

rounds, keys = int(sys.argv[1]), int(sys.argv[2])
tmp = os.environ["TMP"]

def freeport():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

sys.path.insert(0, "utils")
from bench_lib import Server as BaseServer  # noqa: E402 (after the path it needs)

class Server(BaseServer):
    """bench_lib's server on a data directory of the caller's choice (two
    builds may load the same files), never emptied."""
    def __init__(self, name, argv, port, workdir):
        super().__init__(name, argv, port, workdir)
        self.dir = workdir
        self.log = os.path.join(workdir, "server.log")

    def start(self):
        return super().start(fresh=False)

    def loaded(self):
        """The server's own load time and its description, from its log."""
        for line in open(self.log, errors="replace"):
            m = re.search(r"DB loaded from (?:disk|append only file): ([0-9.]+) seconds(.*)", line)
            if m:
                return float(m.group(1)), m.group(2).strip()
        return float("nan"), ""

    def phases(self):
        """redis-kv's "Load phases" line (loglevel verbose), or ''."""
        for line in open(self.log, errors="replace"):
            m = re.search(r"Load phases: (.*)", line)
            if m:
                return m.group(1).strip()
        return ""

def fill(srv):
    subprocess.run(["redis-benchmark", "-p", str(srv.port), "-t", "set", "-r", str(keys),
                    "-n", str(2 * keys), "-P", "16", "-d", "16", "-q"],
                   check=True, stdout=subprocess.DEVNULL)

def waitHints(d):
    """Until every sealed segment (all but the newest) has its hint."""
    for _ in range(600):
        logs = sorted(glob.glob(os.path.join(d, "seg-*.log")))
        hints = glob.glob(os.path.join(d, "seg-*.hint"))
        if len(logs) >= 2 and len(hints) >= len(logs) - 1:
            return len(logs), len(hints)
        time.sleep(0.1)
    sys.exit("no hint files after 60 s")

servers = []
kvdir = os.path.join(tmp, "kv"); os.mkdir(kvdir)
servers.append(Server("redis-kv", [os.environ["KV"]] + shlex.split(os.environ["KV_ARGS"]),
                      int(os.environ.get("KVPORT") or freeport()), kvdir))
if os.environ.get("KV_BASE"):
    # same files, so no fill of its own (see the loop below)
    servers.append(Server("redis-kv base", [os.environ["KV_BASE"]] + shlex.split(os.environ["KV_ARGS"]),
                          int(os.environ.get("KVPORT") or freeport()), kvdir))
if os.environ["REDIS"] != "0":
    rdir = os.path.join(tmp, "redis"); os.mkdir(rdir)
    servers.append(Server("redis 7", [os.environ["REDIS_SERVER"]] + shlex.split(os.environ["REDIS_ARGS"]),
                          int(os.environ.get("RPORT") or freeport()), rdir))
try:
    for s in servers:
        if s.name == "redis-kv base":
            continue  # loads what redis-kv wrote
        s.start()
        fill(s)
        if s.name == "redis-kv":
            nseg, nhint = waitHints(s.dir)
            print(f"redis-kv: {nseg} segments, {nhint} hints")
        else:
            time.sleep(1.5)  # everysec: the last second reaches the file
        s.kill9()
    res = {s.name: ([], []) for s in servers}
    for r in range(rounds):
        for s in servers:  # alternate, so machine noise hits both alike
            ready = s.start()
            loaded, what = s.loaded()
            res[s.name][0].append(ready); res[s.name][1].append(loaded)
            print(f"round {r + 1} {s.name:<13} first PONG {ready:.3f} s, loaded {loaded:.3f} s {what}")
            if s.phases():
                print(f"        {s.phases()}")
            s.kill9()
    print(f"restart after kill -9, {keys} random keys x2 writes, {rounds} rounds, medians:")
    for s in servers:
        ready, loaded = res[s.name]
        print(f"  {s.name:<13} first PONG {statistics.median(ready):.3f} s, "
              f"loaded {statistics.median(loaded):.3f} s")
finally:
    for s in servers:
        if s.proc and s.proc.poll() is None:
            s.kill9()
PY
