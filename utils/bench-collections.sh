#!/bin/sh
# bench-collections.sh -- hashes and sets in redis-kv against redis-server 7
# (appendonly yes, appendfsync everysec), side by side in one run, medians
# of ROUNDS rounds.  A benchmark, never a test (make test does not run it):
# run it ALONE on the machine; with 3 rounds at full size it takes about
# 10-15 minutes on 2 cores and writes a few GB to the temporary directory.
#
#   utils/bench-collections.sh [ROUNDS]          # ROUNDS default 3
#   SCALE=0.01 utils/bench-collections.sh 1      # a quick smoke run
#
# 1. Memory.  Each data set is loaded into a fresh server (empty directory)
#    with redis-cli --pipe from a RESP file written once by this script;
#    when the server has settled (Redis's automatic AOF rewrite done,
#    redis-kv's compaction idle and every sealed segment hinted), the table
#    shows VmRSS from /proc/PID/status (the same figure for both servers;
#    it is what used_memory_rss reports) and used_memory from INFO memory:
#      (a) 1,000,000 hashes of 10 fields, 16-byte values
#      (b) one hash of 1,000,000 fields, 16-byte values
#      (c) one set of 1,000,000 16-byte members
#      (d) 100,000 sets of 10 small integers (an intset in Redis)
# 2. Throughput: redis-benchmark -c 50 at -P 1 and -P 16 on one server pair
#    preloaded with (a) and (c): HSET (random key of 100,000, random field,
#    16-byte value), HGET and HGETALL on the hashes of (a), SADD (random key
#    of 100,000, random member), SISMEMBER on the set of (c) (hits).
# 3. Restart: with (a) loaded and settled, kill -9, then the time from exec
#    to the first +PONG (Redis loads its AOF, redis-kv its log); DBSIZE is
#    checked afterwards.
# 4. Log bytes of one `HSET big f123 <16 bytes>` on the hash of (b): the
#    growth of redis-kv's INFO storage_total_bytes and of its directory;
#    of Redis's aof_current_size and of its directory.
# Ratios are redis-kv / Redis: memory and restart want < 1, throughput > 1.
#
# Settings (environment): SCALE (1: multiplies every data set and request
# count), KV_ARGS (default "--appendfsync everysec", redis-kv's default
# durability), REDIS_ARGS (default "--save '' --appendonly yes
# --appendfsync everysec"), KVPORT and RPORT (default: free ports from
# 28300), KV (default src/redis-kv-server, built with make), REDIS_SERVER.
# Servers run one at a time in temporary directories and are stopped by PID.
# The set-up and helpers (servers, INFO, RSS, settling, redis-benchmark,
# the memory table) are shared with utils/bench-lists.sh: utils/bench-lib.sh
# and utils/bench_lib.py.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BENCH_NAME=bench-coll
. utils/bench-lib.sh
python3 - "$ROUNDS" <<'PY'
import os, sys, time

sys.path.insert(0, "utils")
from bench_lib import (bulk, cli, dirBytes, info, loadAndMeasure, med, printMemoryTable,
                       printRateTable, rateRound, ratio, scaled, serversFromEnv, writeDatasets)

rounds = int(sys.argv[1])
tmp = os.environ["TMP"]

NA = scaled(1_000_000, 200)      # (a) hashes of 10 fields
NB = scaled(1_000_000, 200)      # (b) fields of one hash (f123 must exist)
NC = scaled(1_000_000, 200)      # (c) members of one set
ND = scaled(100_000, 100)        # (d) sets of 10 small integers
KEYSPACE = scaled(100_000, 100)  # HSET / SADD random keys
REQ = {1: scaled(200_000, 2000), 16: scaled(1_000_000, 10000)}
VALUE16 = "0123456789abcdef"

# ------------------------------------------------------- the data sets

def genA():
    # h:<12 digits> with fields f0..f9 and values v<12 digits>:<2 digits>
    # (16 bytes, each distinct); HGET/HGETALL h:__rand_int__ find them.
    tmpl = "*22\r\n$4\r\nHSET\r\n$14\r\nh:{k}\r\n" + "".join(
        f"$2\r\nf{j}\r\n$16\r\nv{{k}}:{j:02d}\r\n" for j in range(10))
    for i in range(NA):
        yield tmpl.format(k=f"{i:012d}")

def batched(total, per, cmdHead, item):
    """Commands of up to `per` items: cmdHead is the list of leading words."""
    head = "".join(bulk(w) for w in cmdHead)
    for start in range(0, total, per):
        end = min(total, start + per)
        items = "".join(item(i) for i in range(start, end))
        width = 2 if cmdHead[0] == "HSET" else 1
        yield f"*{len(cmdHead) + width * (end - start)}\r\n" + head + items

def genB():
    return batched(NB, 100, ["HSET", "big"],
                   lambda i: bulk(f"f{i}") + f"$16\r\nv{i:015d}\r\n")

def genC():
    # mem:<12 digits> is 16 bytes, and SISMEMBER bigset mem:__rand_int__ hits.
    return batched(NC, 100, ["SADD", "bigset"], lambda i: f"$16\r\nmem:{i:012d}\r\n")

def genD():
    # 10 distinct integers below 1000 (j * 101 mod 1000 differ for j < 10).
    for i in range(ND):
        yield "*12\r\n$4\r\nSADD\r\n$14\r\ns:%012d\r\n" % i + "".join(
            bulk(str((i * 7 + j * 101) % 1000)) for j in range(10))

# tag, title, generator, and a check of the loaded data: command, reply.
DATASETS = [
    ("a", f"(a) {NA} hashes x 10 fields", genA, (["hlen", f"h:{NA - 1:012d}"], "10")),
    ("b", f"(b) 1 hash x {NB} fields", genB, (["hlen", "big"], str(NB))),
    ("c", f"(c) 1 set x {NC} members", genC, (["scard", "bigset"], str(NC))),
    ("d", f"(d) {ND} sets x 10 ints", genD, (["dbsize"], str(ND))),
]
files = writeDatasets(DATASETS, tmp, rounds)
servers = serversFromEnv(tmp)

mem = {}       # (tag, server) -> [(VmRSS, used_memory)]
restart = {}   # server -> [seconds to first PONG]
logb = {}      # server -> [(counter growth, directory growth)]

def hsetLogBytes(s):
    """The log growth of one HSET big f123 <16 bytes> on the settled (b)."""
    counter = "storage_total_bytes" if s.name == "redis-kv" else "aof_current_size"
    section = "storage" if s.name == "redis-kv" else "persistence"
    c0, d0 = int(info(s.port, section)[counter]), dirBytes(s.dir)
    reply = cli(s.port, "hset", "big", "f123", "V123456789abcdef")
    if reply != "0":
        sys.exit(f"{s.name}: HSET big f123 (an existing field) replied {reply!r}, expected 0")
    time.sleep(1.2)  # everysec
    c1, d1 = int(info(s.port, section)[counter]), dirBytes(s.dir)
    return c1 - c0, d1 - d0

try:
    # ---------------------------------------------- 1, 3, 4: fresh servers
    for r in range(1, rounds + 1):
        for tag, title, _, (check, want) in DATASETS:
            path, ncmds = files[tag]
            for s in servers:  # alternate, so machine noise hits both alike
                rss, used, line = loadAndMeasure(s, r, title, path, ncmds, check, want)
                mem.setdefault((tag, s.name), []).append((rss, used))
                if tag == "a":
                    s.kill9()
                    ready = s.start(fresh=False)
                    keys = cli(s.port, "dbsize")
                    if keys != str(NA):
                        print(f"  !! {s.name}: DBSIZE {keys} after restart, expected {NA}")
                    restart.setdefault(s.name, []).append(ready)
                    line += f", restart {ready:.2f} s (loaded {s.loadedFigure():.2f} s)"
                if tag == "b":
                    lb = hsetLogBytes(s)
                    logb.setdefault(s.name, []).append(lb)
                    line += f", one HSET +{lb[0]} B log, +{lb[1]} B dir"
                print(line, flush=True)
                s.kill9()

    # ------------------------------------------------------ 2: throughput
    for s in servers:
        s.start(fresh=True)
        s.load(files["a"][0], files["a"][1])
        s.load(files["c"][0], files["c"][1])
        s.settle()
    benches = [
        ("HSET", ["-r", KEYSPACE, "HSET", "hs:__rand_int__", "f:__rand_int__", VALUE16]),
        ("HGET", ["-r", NA, "HGET", "h:__rand_int__", "f5"]),
        ("HGETALL", ["-r", NA, "HGETALL", "h:__rand_int__"]),
        ("SADD", ["-r", KEYSPACE, "SADD", "ss:__rand_int__", "__rand_int__"]),
        ("SISMEMBER", ["-r", NC, "SISMEMBER", "bigset", "mem:__rand_int__"]),
    ]
    # Each command once by hand first: redis-benchmark counts error replies
    # as answers, so a command a server refuses would look fast.
    for name, args in benches:
        cmd = [a.replace("__rand_int__", "000000000001") for a in map(str, args[2:])]
        for s in servers:
            out = cli(s.port, *cmd)
            if out.startswith(("ERR", "WRONGTYPE")) or (name in ("HGET", "SISMEMBER") and out in ("", "0")):
                sys.exit(f"{s.name}: {' '.join(cmd)} -> {out!r}")
    tput = {}  # (name, P, server) -> [rps]
    for r in range(1, rounds + 1):
        for name, args in benches:
            for p in (1, 16):
                rateRound(servers, r, name, p, REQ[p], args, tput)
    for s in servers:
        s.kill9()

    # -------------------------------------------------------------- tables
    kv, rd = "redis-kv", "redis 7"
    print()
    printMemoryTable(DATASETS, mem, rounds)
    print()
    printRateTable(f"== throughput, redis-benchmark -c 50, requests/s ({rounds} rounds, medians; "
                   f"-n {REQ[1]} at P1, {REQ[16]} at P16)",
                   [(name, p) for name, _ in benches for p in (1, 16)], tput)
    print()
    a, b = med(restart[kv]), med(restart[rd])
    print(f"== restart after kill -9 with (a) loaded, exec to first PONG ({rounds} rounds, medians)")
    print(f"redis-kv {a:.2f} s, redis 7 {b:.2f} s, kv/redis {ratio(a, b):.2f}")
    print()
    print(f"== log bytes for one HSET big f123 <16 B> on a hash of {NB} fields (medians)")
    kc, kd = med([x[0] for x in logb[kv]]), med([x[1] for x in logb[kv]])
    rc, rdd = med([x[0] for x in logb[rd]]), med([x[1] for x in logb[rd]])
    print(f"redis-kv storage_total_bytes +{kc:.0f}, data directory +{kd:.0f}")
    print(f"redis 7  aof_current_size +{rc:.0f}, data directory +{rdd:.0f}")
    print(f"kv/redis (counters) {ratio(kc, rc):.2f}")
finally:
    for s in servers:
        s.kill9()
PY
