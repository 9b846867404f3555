#!/bin/sh
# bench-lists.sh -- lists in redis-kv against redis-server 7 (appendonly
# yes, appendfsync everysec), side by side in one run, medians of ROUNDS
# rounds.  A benchmark, never a test (make test does not run it): run it
# ALONE on the machine, under cpulock; with 3 rounds at full size it takes
# about 5 minutes on 2 cores.
#
#   utils/bench-lists.sh [ROUNDS]          # ROUNDS default 3
#   SCALE=0.01 utils/bench-lists.sh 1      # a quick smoke run
#
# 1. Memory.  Each data set is loaded into a fresh server (empty
#    directory) with pipelined RPUSH (redis-cli --pipe, 100 elements per
#    command for the big list); when the server has settled the table
#    shows VmRSS from /proc/PID/status and used_memory from INFO memory,
#    measured as utils/bench-collections.sh does:
#      (e) one list of 1,000,000 16-byte elements
#      (f) 100,000 lists of 10 16-byte elements
# 2. Throughput: redis-benchmark -c 50 -d 16 at -P 1 and -P 16 on one
#    server pair, its own tests LPUSH, RPOP and LRANGE_100 (the first 100
#    elements; redis-benchmark fills its list with LPUSH first).  RPOP
#    runs right after LPUSH with the same -n, so every RPOP finds an
#    element.
# 3. Hand-off latency: utils/list-handoff with 50 workers blocked in BRPOP
#    on one queue and a producer sending LPUSH every 200 us for
#    HANDOFF_SECS seconds: p50 and p99 of (pop time - push time).
# Ratios are redis-kv / Redis: memory and latency want < 1, throughput > 1.
# How much is noise: an A/A run (redis-server in both places, 3 rounds)
# gave 1.00-1.02 for memory, 0.91-1.11 for the rates, 1.00 for the
# hand-off p50 and 0.40 for its p99; p99 on 2 shared cores is noise-bound.
#
# A row whose command a server answers with "unknown command" (a command
# not implemented yet) is skipped on that server, shown as "-", and named
# at the end; the other rows still run.
#
# Settings (environment): SCALE (1: multiplies every data set and request
# count), HANDOFF_SECS (3), KV_ARGS (default "--appendfsync everysec",
# redis-kv's default durability), REDIS_ARGS (default "--save ''
# --appendonly yes --appendfsync everysec"), KVPORT and RPORT (default:
# free ports from 28300), KV (default src/redis-kv-server, built with
# make), REDIS_SERVER.  Servers run in temporary directories and are
# stopped by PID.  The set-up and helpers are shared with
# utils/bench-collections.sh: utils/bench-lib.sh and utils/bench_lib.py.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-lists
. utils/bench-lib.sh
export HANDOFF_SECS=${HANDOFF_SECS:-3}
python3 - "$ROUNDS" <<'PY'
import os, re, subprocess, sys

sys.path.insert(0, "utils")
from bench_lib import (bulk, cli, fmt, loadAndMeasure, med, printMemoryTable, printRateTable,
                       rateRound, ratio, scaled, serversFromEnv, writeDatasets)

rounds = int(sys.argv[1])
tmp = os.environ["TMP"]
handoffSecs = os.environ["HANDOFF_SECS"]

NE = scaled(1_000_000, 200)      # (e) elements of one list
NF = scaled(100_000, 100)        # (f) lists of 10 elements
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}

# ------------------------------------------------------- the data sets

def genE():
    # el:<13 digits> is 16 bytes; 100 elements per RPUSH.
    head = "".join(bulk(w) for w in ("RPUSH", "biglist"))
    for start in range(0, NE, 100):
        end = min(NE, start + 100)
        yield f"*{2 + end - start}\r\n" + head + "".join(
            f"$16\r\nel:{i:013d}\r\n" for i in range(start, end))

def genF():
    # l:<12 digits> holding v<12 digits>:<2 digits> (16 bytes, distinct).
    tmpl = "*12\r\n$5\r\nRPUSH\r\n$14\r\nl:{k}\r\n" + "".join(
        f"$16\r\nv{{k}}:{j:02d}\r\n" for j in range(10))
    for i in range(NF):
        yield tmpl.format(k=f"{i:012d}")

# tag, title, generator, and a check of the loaded data: command, reply.
DATASETS = [
    ("e", f"(e) 1 list x {NE} elements", genE, (["llen", "biglist"], str(NE))),
    ("f", f"(f) {NF} lists x 10 elements", genF, (["dbsize"], str(NF))),
]
files = writeDatasets(DATASETS, tmp, rounds)
servers = serversFromEnv(tmp)

# ------------------------------------------- commands a server lacks

skipped = {}  # (row, server name) -> the reply that made it skip

def supports(s, row, *argv):
    """False (and the row noted as skipped) when S answers ARGV with
    "unknown command"; any other reply, errors included, is support."""
    out = cli(s.port, *argv, check=False)
    if "unknown command" in out.lower():
        skipped[(row, s.name)] = f"{' '.join(argv)} -> {(out.splitlines() or [''])[0]}"
        return False
    return True

mem = {}       # (tag, server) -> [(VmRSS, used_memory)]
tput = {}      # (test, P, server) -> [rps]
handoff = {}   # server -> [(p50_us, p99_us)]
TESTS = [("LPUSH", "lpush", [["lpush", "bench:probe", "x"]]),
         ("RPOP", "rpop", [["rpop", "bench:probe"]]),
         ("LRANGE_100", "lrange_100", [["lpush", "bench:probe", "x"], ["lrange", "bench:probe", "0", "99"]])]

def handoffRun(s):
    r = subprocess.run(["utils/list-handoff", "-p", str(s.port), "-w", "50", "-i", "200",
                        "-d", handoffSecs], capture_output=True, text=True)
    got = dict(re.findall(r"^(\w+): ([0-9.]+)$", r.stdout, re.M))
    if r.returncode != 0 or "p99_us" not in got:
        sys.exit(f"{s.name}: utils/list-handoff failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return float(got["p50_us"]), float(got["p99_us"])

try:
    # ------------------------------------------------- 1: fresh servers
    for s in servers:
        s.start(fresh=True)
        supports(s, "memory", "rpush", "bench:probe", "x")
        s.kill9()
    for r in range(1, rounds + 1):
        for tag, title, _, (check, want) in DATASETS:
            path, ncmds = files[tag]
            for s in servers:  # alternate, so machine noise hits both alike
                if ("memory", s.name) in skipped:
                    continue
                rss, used, line = loadAndMeasure(s, r, title, path, ncmds, check, want)
                mem.setdefault((tag, s.name), []).append((rss, used))
                print(line, flush=True)
                s.kill9()

    # ---------------------------------------- 2, 3: one running pair
    for s in servers:
        s.start(fresh=True)
        for name, _, probes in TESTS:
            for argv in probes:
                if not supports(s, name, *argv):
                    break
        supports(s, "hand-off", "brpop", "bench:probe:empty", "0.01")
        cli(s.port, "del", "bench:probe")
    for r in range(1, rounds + 1):
        for p in (1, 16):
            for name, test, _ in TESTS:
                rateRound(servers, r, name, p, REQ[p], ["-d", "16", "-t", test], tput,
                          skip={n for (row, n) in skipped if row == name})
        got = []
        for s in servers:
            if ("hand-off", s.name) in skipped:
                got.append("-")
                continue
            p50, p99 = handoffRun(s)
            handoff.setdefault(s.name, []).append((p50, p99))
            got.append(f"p50 {p50:.0f} us p99 {p99:.0f} us")
        print(f"round {r} hand-off   redis-kv {got[0]}  redis 7 {got[1]}", flush=True)
    for s in servers:
        s.kill9()

    # -------------------------------------------------------------- tables
    kv, rd = "redis-kv", "redis 7"
    print()
    printMemoryTable(DATASETS, mem, rounds)
    print()
    printRateTable(f"== throughput, redis-benchmark -c 50 -d 16 -t TEST, requests/s ({rounds} rounds, "
                   f"medians; -n {REQ[1]} at P1, {REQ[16]} at P16)",
                   [(name, p) for p in (1, 16) for name, _, _ in TESTS], tput)
    print()
    print(f"== hand-off LPUSH -> BRPOP, 50 blocked workers, one LPUSH every 200 us for "
          f"{handoffSecs} s (utils/list-handoff; {rounds} rounds, medians; microseconds)")
    print(f"{'quantile':<12}{'redis-kv':>12}{'redis 7':>12}{'kv/redis':>10}")
    for i, q in enumerate(("p50", "p99")):
        a = med([x[i] for x in handoff.get(kv, [])]); b = med([x[i] for x in handoff.get(rd, [])])
        print(f"{q:<12}{fmt(a, '12.0f'):>12}{fmt(b, '12.0f'):>12}{fmt(ratio(a, b), '10.2f'):>10}")
    if skipped:
        print()
        print("skipped (the server answers with \"unknown command\"):")
        for (row, name), why in sorted(skipped.items()):
            print(f"  {row:<11} on {name}: {why}")
finally:
    for s in servers:
        s.kill9()
PY
