#!/bin/sh
# bench-evict.sh -- redis-kv as a cache (maxmemory) against redis-server 7,
# side by side in one run.  A benchmark, never a test (make test does not
# run it): run it ALONE on the machine, under cpulock; at SCALE=1 it takes
# about 3 minutes on 2 cores.
#
#   utils/bench-evict.sh                   # full size
#   SCALE=0.05 utils/bench-evict.sh        # a quick smoke run
#   KV_BEFORE=/path/to/old/redis-kv-server utils/bench-evict.sh
#                                          # also bytes per key of another build
#
# 1. Bytes per key: used_memory growth for 1,000,000 SETs of "key:<12
#    digits>" (16 bytes, redis-benchmark's keys) to a 3-byte value, on a
#    fresh server (and on KV_BEFORE, e.g. a build without the access clock).
# 2. SET throughput at the limit: maxmemory = used_memory + LIMIT_MB (32 MB
#    times SCALE), filled with random keys until it evicts, then
#    redis-benchmark -c 50 -t set over 100,000,000 random keys at -P 1 and
#    -P 16, for allkeys-lru and allkeys-lfu: every SET evicts.
# 3. Hit rate of a cache: maxmemory = used_memory + HIT_LIMIT_MB (2 MB
#    times SCALE, at least 0.5 MB: well below what the keys the load
#    touches take), a Zipf-like (s = 0.99) load over 1,000,000 keys: GET,
#    and SET of the key on a miss (cache-aside); the hit rate of the
#    second half of 1,000,000 GETs.  The limit is the same number of bytes
#    on both servers, so redis-kv, whose keys cost less memory, keeps more
#    of them: the last columns give the keys kept.
#
# Settings (environment): SCALE, KV_ARGS, REDIS_ARGS, KVPORT, RPORT, KV,
# REDIS_SERVER, as utils/bench-lib.sh says; LIMIT_MB, HIT_LIMIT_MB;
# KV_BEFORE; PARTS (default 123: which of the three parts to run).
set -eu
cd "$(dirname "$0")/.."
BENCH_NAME=bench-evict
. utils/bench-lib.sh
python3 - <<'PY'
import bisect, os, random, socket, sys, time

sys.path.insert(0, "utils")
from bench_lib import MiB, Server, benchRps, bulk, cli, info, scaled, serversFromEnv, writeResp

tmp = os.environ["TMP"]
NKEYS = scaled(1_000_000, 1000)
LIMIT = int(float(os.environ.get("LIMIT_MB", "32")) * MiB * float(os.environ["SCALE"]))
LIMIT = max(LIMIT, 8 * MiB)  # 50 clients alone take about 2 MB of buffers
HIT_LIMIT = int(float(os.environ.get("HIT_LIMIT_MB", "2")) * MiB * float(os.environ["SCALE"]))
HIT_LIMIT = max(HIT_LIMIT, MiB // 2)
PARTS = os.environ.get("PARTS", "123")
servers = serversFromEnv(tmp)
import atexit
atexit.register(lambda: [s.kill9() for s in allServers])
if os.environ.get("KV_BEFORE"):
    import shlex
    servers.append(Server("redis-kv before", [os.environ["KV_BEFORE"]] +
                          shlex.split(os.environ["KV_ARGS"]), servers[0].port, tmp))
allServers = list(servers)

def used(s):
    return int(info(s.port, "memory")["used_memory"])

# ------------------------------------------------------------ bytes per key
path = os.path.join(tmp, "keys.resp")
writeResp(path, (f"*3\r\n$3\r\nSET\r\n{bulk('key:%012d' % i)}$3\r\nxxx\r\n" for i in range(NKEYS)))
if "1" in PARTS:
  print(f"\n1. bytes per key, {NKEYS} keys of 16 bytes (used_memory growth / keys)")
  for s in servers:
    s.start(True)
    s.settle()
    u0 = used(s)
    s.load(path, NKEYS)
    s.settle()
    print(f"  {s.name:16s} {(used(s) - u0) / NKEYS:8.2f}")
    s.kill9()
servers = servers[:2]

# ------------------------------------------------- SET throughput at the limit
def limitAboveUsed(s, policy, limit=LIMIT):
    cli(s.port, "config", "set", "maxmemory-policy", policy)
    cli(s.port, "config", "set", "maxmemory", str(used(s) + limit))

def fillUntilEvicting(s):
    for _ in range(100):
        benchRps(s, 16, scaled(200_000, 20_000), ["-t", "set", "-r", 100_000_000])
        if int(info(s.port, "stats")["evicted_keys"]) > 0:
            return
    sys.exit(f"{s.name}: never reached the limit")

for policy in (("allkeys-lru", "allkeys-lfu") if "2" in PARTS else ()):
  if policy == "allkeys-lru":
    print(f"\n2. SET throughput at the limit (maxmemory = used + {LIMIT / MiB:.1f} MB), "
          f"requests/s, redis-benchmark -c 50")
    print(f"  {'policy':12s} {'P':>3s} {'redis-kv':>10s} {'redis 7':>10s} {'ratio':>6s}")
  n1, n16 = scaled(200_000, 20_000), scaled(1_000_000, 50_000)
  rates = {}
  for s in servers:
      s.start(True)
      limitAboveUsed(s, policy)
      fillUntilEvicting(s)
      for p, n in ((1, n1), (16, n16)):
          rates[(s.name, p)] = benchRps(s, p, n, ["-t", "set", "-r", 100_000_000])
      over = used(s) - int(info(s.port, "memory")["maxmemory"])
      rates[(s.name, "over")] = over
      s.kill9()
  for p in (1, 16):
      a, b = rates[("redis-kv", p)], rates[("redis 7", p)]
      print(f"  {policy:12s} {p:3d} {a:10.0f} {b:10.0f} {a / b:6.2f}")
  print(f"  {'':12s} used - maxmemory at the end: redis-kv {rates[('redis-kv', 'over')]} B, "
        f"redis 7 {rates[('redis 7', 'over')]} B")

# ---------------------------------------------------------------- hit rate
def zipfSampler(n, s, rng):
    cum, total = [], 0.0
    for k in range(1, n + 1):
        total += 1.0 / k ** s
        cum.append(total)
    return lambda: bisect.bisect_left(cum, rng.random() * total)

def cacheLoad(port, gets, sample, batch=200):
    """GET, and SET on a miss; returns the hits of the second half."""
    sock = socket.create_connection(("127.0.0.1", port))
    f = sock.makefile("rb")
    hits = done = 0
    while done < gets:
        keys = ["c:%d" % sample() for _ in range(min(batch, gets - done))]
        sock.sendall("".join(f"*2\r\n$3\r\nGET\r\n{bulk(k)}" for k in keys).encode())
        misses = []
        for k in keys:
            line = f.readline()
            if line.startswith(b"$-1"):
                misses.append(k)
            else:
                f.readline()
                if done >= gets // 2:
                    hits += 1
            done += 1
        if misses:
            sock.sendall("".join(f"*3\r\n$3\r\nSET\r\n{bulk(k)}$8\r\nxxxxxxxx\r\n"
                                 for k in misses).encode())
            for _ in misses:
                f.readline()
    sock.close()
    return hits

GETS = scaled(1_000_000, 20_000)
if "3" in PARTS:
  print(f"\n3. hit rate, Zipf s=0.99 over {NKEYS} keys, {GETS} GETs (SET on a miss), "
        f"maxmemory = used + {HIT_LIMIT / MiB:.1f} MB")
  print(f"  {'policy':12s} {'redis-kv':>9s} {'redis 7':>9s} {'keys kv':>9s} {'keys r7':>9s}")
for policy in (("allkeys-lru", "allkeys-lfu") if "3" in PARTS else ()):
    res = {}
    for s in servers:
        s.start(True)
        limitAboveUsed(s, policy, HIT_LIMIT)
        sample = zipfSampler(NKEYS, 0.99, random.Random(7))
        hits = cacheLoad(s.port, GETS, sample)
        res[s.name] = (hits / (GETS - GETS // 2), int(cli(s.port, "dbsize")))
        s.kill9()
    a, b = res["redis-kv"], res["redis 7"]
    print(f"  {policy:12s} {a[0]:9.3f} {b[0]:9.3f} {a[1]:9d} {b[1]:9d}")
PY
