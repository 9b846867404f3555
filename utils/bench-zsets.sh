#!/bin/sh
# bench-zsets.sh -- sorted sets in redis-kv against redis-server 7
# (appendonly yes, appendfsync everysec), side by side in one run, medians
# of ROUNDS rounds.  A benchmark, never a test (make test does not run
# it): run it ALONE on the machine, under cpulock; 3 rounds at full size
# take about 6 minutes on 2 cores.
#
#   utils/bench-zsets.sh [ROUNDS]          # ROUNDS default 3
#   SCALE=0.01 utils/bench-zsets.sh 1      # a quick smoke run
#
# 1. Memory, measured as utils/bench-lists.sh does (fresh server, data
#    piped with redis-cli --pipe, VmRSS and used_memory once settled):
#      (g) one sorted set of 1,000,000 members "member:<12 digits>" (19
#          bytes, the form redis-benchmark's __rand_int__ makes, so the
#          random members of the throughput rounds exist), score = the
#          member's number
#      (h) 100,000 sorted sets of 10 such members
# 2. Throughput on the big set (g), redis-benchmark -c 50 at -P 1 and
#    -P 16, random members over the 1,000,000 (-r): ZADD (a score change
#    of an existing member), ZINCRBY, ZSCORE, ZRANK, and ZRANGE of 10
#    members from a random score (BYSCORE LIMIT 0 10).
# Ratios are redis-kv / Redis: memory wants < 1, throughput > 1.  The
# machine's A/A noise band for rates is 0.91-1.11 (bench-lists.sh).
#
# Settings (environment): SCALE, KV_ARGS, REDIS_ARGS, KVPORT, RPORT, KV,
# REDIS_SERVER, as utils/bench-lib.sh says.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-zsets
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import os, sys

sys.path.insert(0, "utils")
from bench_lib import bulk, memoryThenRates, scaled, serversFromEnv, writeDatasets

rounds = int(sys.argv[1])
tmp = os.environ["TMP"]
NG = scaled(1_000_000, 200)     # (g) members of one sorted set
NH = scaled(100_000, 100)       # (h) sorted sets of 10 members
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}

def genG():
    head = "".join(bulk(w) for w in ("ZADD", "bigz"))
    for start in range(0, NG, 100):
        end = min(NG, start + 100)
        yield f"*{2 + 2 * (end - start)}\r\n" + head + "".join(
            bulk(str(i)) + f"$19\r\nmember:{i:012d}\r\n" for i in range(start, end))

def genH():
    tmpl = "*22\r\n$4\r\nZADD\r\n$14\r\nz:{k}\r\n" + "".join(
        bulk(str(j)) + f"$19\r\nmember:{{k2}}{j:02d}\r\n" for j in range(10))
    for i in range(NH):
        yield tmpl.format(k=f"{i:012d}", k2=f"{i:010d}")

DATASETS = [
    ("g", f"(g) 1 zset x {NG} members", genG, (["zcard", "bigz"], str(NG))),
    ("h", f"(h) {NH} zsets x 10 members", genH, (["dbsize"], str(NH))),
]
files = writeDatasets(DATASETS, tmp, rounds)
servers = serversFromEnv(tmp)
R = str(NG)
TESTS = [
    ("ZADD", ["zadd", "bigz", "__rand_int__", "member:__rand_int__"]),
    ("ZINCRBY", ["zincrby", "bigz", "1", "member:__rand_int__"]),
    ("ZSCORE", ["zscore", "bigz", "member:__rand_int__"]),
    ("ZRANK", ["zrank", "bigz", "member:__rand_int__"]),
    ("ZRANGE_10", ["zrange", "bigz", "__rand_int__", "+inf", "byscore", "limit", "0", "10"]),
]
memoryThenRates(DATASETS, files, servers, rounds, TESTS, REQ, R)
PY
