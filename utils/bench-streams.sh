#!/bin/sh
# bench-streams.sh -- streams in redis-kv against redis-server 7
# (appendonly yes, appendfsync everysec), side by side in one run, medians
# of ROUNDS rounds.  A benchmark, never a test (make test does not run
# it): run it ALONE on the machine, under cpulock; 3 rounds at full size
# take a few minutes on 2 cores.
#
#   utils/bench-streams.sh [ROUNDS]          # ROUNDS default 3
#   SCALE=0.01 utils/bench-streams.sh 1      # a quick smoke run
#   KV=redis-server KV_ARGS="--save '' --appendonly yes --appendfsync everysec" \
#       utils/bench-streams.sh 1             # Redis against itself (A/A)
#
# 1. Memory and restart, each round on a fresh server:
#      (s) one stream "big" of 1,000,000 entries of 3 fields, f1 f2 f3 with
#          12-digit values (the shape redis-benchmark's __rand_int__ makes),
#          IDs "*", piped in with redis-cli --pipe.  VmRSS and used_memory
#          once settled, as utils/bench-lists.sh measures them.
#      Then BGREWRITEAOF (Redis: an RDB-preamble base; redis-kv: a
#      compaction), so that each restarts from its most compact files and
#      not from whatever split between base and increment its automatic
#      rewrite happened to leave (an A/A run varied by a third without
#      it); kill -9 once settled, start again in the same directory, and
#      time from exec until PING answers +PONG and until XLEN big is
#      1,000,000.
# 2. Throughput, both servers up, a stream "cg" of 500,000 such entries
#    loaded once:
#      XADD xadd:<round>:<P> * f1 <r> f2 <r> f3 <r>, redis-benchmark -c 50
#          -r 1000000 at -P 1 and -P 16 (a fresh key each round);
#      XREADGROUP COUNT 10 + XACK: utils/stream-consumers, 10 consumers of
#          a new group g<round> created at 0, each acknowledging its last
#          batch in the same write as its next read, until the group has
#          delivered all of "cg"; entries delivered (and acked) per second.
# Ratios are redis-kv / Redis: memory and restart want < 1, throughput
# > 1.  The machine's A/A noise band for rates is 0.91-1.11
# (bench-lists.sh).
#
# Settings (environment): SCALE, KV_ARGS, REDIS_ARGS, KVPORT, RPORT, KV,
# REDIS_SERVER, as utils/bench-lib.sh says.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-streams
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import os, socket, subprocess, sys, time

sys.path.insert(0, "utils")
from bench_lib import (bulk, cli, fmt, info, loadAndMeasure, med, printMemoryTable, printRateTable,
                       rateRound, ratio, scaled, serversFromEnv, writeDatasets)

rounds = int(sys.argv[1])
tmp = os.environ["TMP"]
NBIG = scaled(1_000_000, 200)   # (s) entries of the memory / restart stream
NCG = scaled(500_000, 1000)     # entries the consumer group reads per round
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}
CONSUMERS, COUNT = 10, 10

def genStream(key, n):
    """One XADD key * f1 v f2 v f3 v per entry, v = the entry's number in
    12 digits."""
    head = "*9\r\n$4\r\nXADD\r\n" + bulk(key) + "$1\r\n*\r\n"
    for i in range(n):
        v = f"$12\r\n{i:012d}\r\n"
        yield head + "$2\r\nf1\r\n" + v + "$2\r\nf2\r\n" + v + "$2\r\nf3\r\n" + v

DATASETS = [
    ("s", f"(s) 1 stream x {NBIG} entries", lambda: genStream("big", NBIG),
     (["xlen", "big"], str(NBIG))),
    ("c", f"(c) 1 stream x {NCG} entries", lambda: genStream("cg", NCG),
     (["xlen", "cg"], str(NCG))),
]
files = writeDatasets(DATASETS, tmp, rounds)
servers = serversFromEnv(tmp)

def xlen(port, key):
    """XLEN key over a raw socket (no redis-cli process per poll), or None
    while the server refuses connections or answers an error (-LOADING)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            c.sendall(b"*2\r\n$4\r\nXLEN\r\n" + bulk(key).encode())
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = c.recv(64)
                if not chunk:
                    return None
                reply += chunk
    except OSError:
        return None
    return int(reply[1:-2]) if reply.startswith(b":") else None

def rewriteAndSettle(s):
    """BGREWRITEAOF, then waits until no rewrite runs or is scheduled and
    the server has settled."""
    out = cli(s.port, "bgrewriteaof")
    if "rewriting" not in out:
        sys.exit(f"{s.name}: BGREWRITEAOF answered {out!r}")
    for _ in range(3000):
        p = info(s.port, "persistence")
        if p["aof_rewrite_in_progress"] == "0" and p["aof_rewrite_scheduled"] == "0":
            break
        time.sleep(0.1)
    s.settle()

def restartTimed(s, key, want):
    """Rewrite, kill -9, start in the same directory; (seconds to +PONG,
    seconds until XLEN key == want), both from exec."""
    rewriteAndSettle(s)
    s.kill9()
    t0 = time.monotonic()
    pingSecs = s.start(fresh=False)
    while xlen(s.port, key) != want:
        if time.monotonic() - t0 > 300:
            sys.exit(f"{s.name}: XLEN {key} is {xlen(s.port, key)} 300 s after the restart, "
                     f"expected {want}")
        time.sleep(0.001)
    return pingSecs, time.monotonic() - t0

def consumersRun(s, group):
    """utils/stream-consumers over "cg" with a new group; entries/s."""
    r = subprocess.run(["utils/stream-consumers", "-p", str(s.port), "-k", "cg", "-g", group,
                        "-c", str(CONSUMERS), "-n", str(COUNT), "-e", str(NCG)],
                       capture_output=True, text=True)
    out = dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)
    if r.returncode != 0 or "entries_per_sec" not in out:
        sys.exit(f"{s.name}: utils/stream-consumers failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return float(out["entries_per_sec"])

mem, restart, tput = {}, {}, {}
XADD_ARGS = ["-r", "1000000", "xadd", None, "*",
             "f1", "__rand_int__", "f2", "__rand_int__", "f3", "__rand_int__"]
CG_ROW = "XRG+XACK"
try:
    tag, title, _, (check, want) = DATASETS[0]
    path, ncmds = files[tag]
    for r in range(1, rounds + 1):
        for s in servers:
            rss, used, line = loadAndMeasure(s, r, title, path, ncmds, check, want)
            mem.setdefault((tag, s.name), []).append((rss, used))
            print(line, flush=True)
            pingSecs, readySecs = restartTimed(s, "big", NBIG)
            restart.setdefault(s.name, []).append((pingSecs, readySecs))
            print(f"round {r} restart {s.name:<8} after kill -9: PING {pingSecs:.2f} s, "
                  f"XLEN right {readySecs:.2f} s", flush=True)
            s.kill9()

    tag, title, _, (check, want) = DATASETS[1]
    path, ncmds = files[tag]
    for s in servers:
        loadAndMeasure(s, "-", title, path, ncmds, check, want)
    for r in range(1, rounds + 1):
        for p in (1, 16):
            XADD_ARGS[3] = f"xadd:{r}:{p}"
            rateRound(servers, r, "XADD", p, REQ[p], XADD_ARGS, tput)
        got = []
        for s in servers:
            subprocess.run(["redis-cli", "-p", str(s.port), "xgroup", "create", "cg", f"g{r}", "0"],
                           check=True, capture_output=True)
            rate = consumersRun(s, f"g{r}")
            tput.setdefault((CG_ROW, COUNT, s.name), []).append(rate)
            got.append(f"{rate:.0f}")
        print(f"round {r} {CG_ROW:<10} x{CONSUMERS:<3} redis-kv {got[0]:>9}  redis 7 {got[1]:>9}",
              flush=True)
finally:
    for s in servers:
        s.kill9()

kv, rd = servers[0].name, servers[1].name
print()
printMemoryTable(DATASETS[:1], mem, rounds)
print()
print(f"== restart of (s) after kill -9, seconds from exec ({rounds} rounds, medians)")
print(f"{'until':<30}{'redis-kv':>10}{'redis 7':>11}{'kv/redis':>10}")
for i, what in ((0, "PING answers"), (1, f"XLEN big = {NBIG}")):
    a = med([x[i] for x in restart.get(kv, [])])
    b = med([x[i] for x in restart.get(rd, [])])
    print(f"{what:<30}{fmt(a, '10.2f'):>10}{fmt(b, '11.2f'):>11}{fmt(ratio(a, b), '10.2f'):>10}")
print()
printRateTable(f"== XADD * (3 fields), redis-benchmark -c 50, requests/s ({rounds} rounds, "
               f"medians; -n {REQ[1]} at P1, {REQ[16]} at P16)",
               [("XADD", 1), ("XADD", 16)], tput)
print()
printRateTable(f"== XREADGROUP COUNT {COUNT} + XACK, {CONSUMERS} consumers of one group over "
               f"{NCG} entries (utils/stream-consumers), entries/s ({rounds} rounds, medians; "
               f"P = COUNT)", [(CG_ROW, COUNT)], tput)
PY
