#!/bin/sh
# bench-scripts.sh -- scripts in redis-kv against redis-server 7
# (appendonly yes, appendfsync everysec), side by side in one run, medians
# of ROUNDS rounds.  A benchmark, never a test (make test does not run
# it): run it ALONE on the machine, under cpulock; 3 rounds take about
# 2 minutes on 2 cores.
#
#   utils/bench-scripts.sh [ROUNDS]          # ROUNDS default 3
#   SCALE=0.01 utils/bench-scripts.sh 1      # a quick smoke run
#
# The script of every row reads a key and writes it, the shape of a lock
# or a rate limiter:
#     local v = redis.call('GET', KEYS[1])
#     redis.call('SET', KEYS[1], ARGV[1])
#     return v
# EVALSHA runs it from the script cache (SCRIPT LOAD first), FCALL as the
# function of a library (FUNCTION LOAD first), each through
# redis-benchmark -c 50 at -P 1 and -P 16 with keys and values from
# __rand_int__ over 100,000 keys.  Ratios are redis-kv / Redis:
# throughput wants > 1.  The A/A noise band of this machine for rates
# is 0.91-1.11 (utils/bench-lists.sh).
#
# Settings (environment): SCALE, KV_ARGS, REDIS_ARGS, KVPORT, RPORT, KV,
# REDIS_SERVER, as utils/bench-lib.sh says.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-scripts
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import sys

sys.path.insert(0, "utils")
from bench_lib import cli, printRateTable, rateRound, scaled, serversFromEnv
import os

rounds = int(sys.argv[1])
servers = serversFromEnv(os.environ["TMP"])
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}
BODY = ("local v = redis.call('GET', KEYS[1]) "
        "redis.call('SET', KEYS[1], ARGV[1]) return v")
LIBRARY = ("#!lua name=benchlib\n"
           "redis.register_function('getset', function(keys, args) "
           "local v = redis.call('GET', keys[1]) "
           "redis.call('SET', keys[1], args[1]) return v end)")
tput = {}
try:
    shas = set()
    for s in servers:
        s.start(fresh=True)
        shas.add(cli(s.port, "script", "load", BODY).strip())
        cli(s.port, "function", "load", "replace", LIBRARY)
    if len(shas) != 1:
        sys.exit(f"the servers name the script differently: {shas}")
    sha = shas.pop()
    ROWS = [("EVALSHA", ["evalsha", sha, "1", "key:__rand_int__", "__rand_int__"]),
            ("FCALL", ["fcall", "getset", "1", "key:__rand_int__", "__rand_int__"])]
    for r in range(1, rounds + 1):
        for p in (1, 16):
            for name, argv in ROWS:
                rateRound(servers, r, name, p, REQ[p], ["-r", "100000"] + argv, tput)
finally:
    for s in servers:
        s.kill9()
print()
printRateTable("requests/s, one GET and one SET per call (median of "
               f"{rounds} rounds)", [(n, p) for p in (1, 16) for n in ("EVALSHA", "FCALL")], tput)
PY
