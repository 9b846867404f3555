#!/bin/sh
# bench-changefeed.sh -- what the change feed costs: SET throughput of
# redis-kv with the feed off against redis-kv with it on, side by side in
# one run, medians of ROUNDS rounds.  A benchmark, never a test: run it
# ALONE on the machine, under cpulock (3 rounds take about a minute).
#
#   utils/bench-changefeed.sh [ROUNDS]        # ROUNDS default 3
#   SCALE=0.01 utils/bench-changefeed.sh 1    # a quick smoke run
#
# Both servers are redis-kv (appendfsync everysec); the second runs with
# --changefeed-key feed --changefeed-maxlen 1000000, so each SET also
# appends a feed entry in its batch (and trims it now and then).  In the
# tables the "redis-kv" column is the feed off, the "redis 7" column the
# feed ON: the ratio is off / on, so 1.25 means the feed costs 20%.
# redis-benchmark -c 50, SET of 16-byte values on 1,000,000 random keys,
# at -P 1 and -P 16; the last line of each run is XLEN of the feed.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-changefeed
export REDIS_SERVER=./src/redis-kv-server
export REDIS_ARGS="--appendfsync everysec --changefeed-key feed --changefeed-maxlen 1000000"
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import os, sys

sys.path.insert(0, "utils")
from bench_lib import cli, printRateTable, rateRound, scaled, serversFromEnv

rounds = int(sys.argv[1])
servers = serversFromEnv(os.environ["TMP"])
servers[0].name, servers[1].name = "redis-kv", "redis 7"
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}
ARGS = ["-r", "1000000", "-d", "16", "-t", "set"]
tput = {}
try:
    for s in servers:
        s.start(fresh=True)
    for r in range(1, rounds + 1):
        for p in (1, 16):
            rateRound(servers, r, "SET", p, REQ[p], ARGS, tput)
    print("feed length:", cli(servers[1].port, "xlen", "feed"))
    printRateTable("== SET/s, feed off (redis-kv column) / feed on (redis 7 column)",
                   [("SET", 1), ("SET", 16)], tput)
finally:
    for s in servers:
        s.kill9()
PY
