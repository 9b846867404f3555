#!/bin/sh
# bench-geo.sh -- GEO in redis-kv against redis-server 7 (appendonly yes,
# appendfsync everysec), side by side in one run, medians of ROUNDS
# rounds: the GEOSEARCH figure issue 18 asks for.  A benchmark, never a
# test (make test does not run it): run it ALONE on the machine, under
# cpulock; 3 rounds at full size take about 5 minutes on 2 cores.
#
#   utils/bench-geo.sh [ROUNDS]            # ROUNDS default 3
#   SCALE=0.01 utils/bench-geo.sh 1        # a quick smoke run
#
# 1. Memory, measured as utils/bench-zsets.sh does (fresh server, data
#    piped with redis-cli --pipe, VmRSS and used_memory once settled):
#      (p) one GEO set of 1,000,000 points "member:<12 digits>" (the form
#          redis-benchmark's __rand_int__ makes, so the members the
#          throughput rounds search from exist), spread evenly by a fixed
#          pseudo-random sequence over longitudes -20..40 and latitudes
#          30..65 (about 0.2 points per square km)
# 2. Throughput on (p), redis-benchmark -c 50 at -P 1 and -P 16, from a
#    random member over the 1,000,000 (-r): GEOSEARCH FROMMEMBER BYRADIUS
#    5 km ASC (about 15 results) and 15 km ASC COUNT 10 (the ten nearest
#    of about 140 found); GEOPOS and GEODIST of random members.
# Ratios are redis-kv / Redis: memory wants < 1, throughput > 1.  The
# machine's A/A noise band for rates is 0.91-1.11 (bench-lists.sh).
#
# Settings (environment): SCALE, KV_ARGS, REDIS_ARGS, KVPORT, RPORT, KV,
# REDIS_SERVER, as utils/bench-lib.sh says.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-geo
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import os, sys

sys.path.insert(0, "utils")
from bench_lib import bulk, memoryThenRates, scaled, serversFromEnv, writeDatasets

rounds = int(sys.argv[1])
tmp = os.environ["TMP"]
NP = scaled(1_000_000, 200)     # (p) points of one GEO set
REQ = {1: scaled(100_000, 1000), 16: scaled(400_000, 4000)}

def point(i):
    """Point i: a fixed 64-bit LCG step of i, split into two fractions."""
    x = (i * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
    return -20 + 60 * ((x >> 32) / 2**32), 30 + 35 * ((x & 0xFFFFFFFF) / 2**32)

def genP():
    head = "".join(bulk(w) for w in ("GEOADD", "geo"))
    for start in range(0, NP, 100):
        end = min(NP, start + 100)
        body = []
        for i in range(start, end):
            lon, lat = point(i)
            body.append(bulk(f"{lon:.6f}") + bulk(f"{lat:.6f}") + f"$19\r\nmember:{i:012d}\r\n")
        yield f"*{2 + 3 * (end - start)}\r\n" + head + "".join(body)

DATASETS = [("p", f"(p) 1 geo set x {NP} points", genP, (["zcard", "geo"], str(NP)))]
files = writeDatasets(DATASETS, tmp, rounds)
servers = serversFromEnv(tmp)
R = str(NP)
TESTS = [
    ("GEOS_5KM", ["geosearch", "geo", "frommember", "member:__rand_int__",
                    "byradius", "5", "km", "asc"]),
    ("GEOS_15_C10", ["geosearch", "geo", "frommember", "member:__rand_int__",
                     "byradius", "15", "km", "asc", "count", "10"]),
    ("GEOPOS", ["geopos", "geo", "member:__rand_int__"]),
    ("GEODIST", ["geodist", "geo", "member:__rand_int__", "member:000000000001", "km"]),
]
memoryThenRates(DATASETS, files, servers, rounds, TESTS, REQ, R)
PY
