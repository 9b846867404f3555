#!/bin/sh
# bench-vs-redis.sh -- redis-benchmark against redis-kv and redis-server 7,
# side by side in one run, several rounds, medians and ratios.
#
#   utils/bench-vs-redis.sh [ROUNDS] [redis-benchmark args...]
#   utils/bench-vs-redis.sh 5 -t ping_inline,ping_mbulk -c 50 -n 1000000 -P 16
#
# Both servers start on free ports in temporary directories and are
# stopped by PID at the end.  redis-server runs with REDIS_ARGS (default:
# no persistence; for durable comparisons use
# REDIS_ARGS="--appendonly yes --appendfsync everysec"), redis-kv with
# KV_ARGS (default: none, i.e. appendfsync everysec).  Rounds alternate
# between the servers so machine noise hits both alike.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- -t ping_inline,ping_mbulk -c 50 -n 1000000 -P 16
# The plain build: after `make test SANITIZE=address`, src/redis-kv-server is
# the sanitizer build, which runs at about half speed.
make -s >/dev/null
KV=./src/redis-kv-server
REDIS=${REDIS_SERVER:-redis-server}
TMP=$(mktemp -d)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KVPORT=$(freeport); RPORT=$(freeport)
REDIS_ARGS=${REDIS_ARGS:---save '' --appendonly no}
KV_ARGS=${KV_ARGS:-}
mkdir -p "$TMP/kv" "$TMP/redis"
eval "exec \$KV --port $KVPORT --bind 127.0.0.1 --dir $TMP/kv --logfile $TMP/kv.log $KV_ARGS" & KVPID=$!
eval "exec \$REDIS --port $RPORT --bind 127.0.0.1 --dir $TMP/redis --logfile $TMP/r.log $REDIS_ARGS" & RPID=$!
trap 'kill $KVPID $RPID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
for p in $KVPORT $RPORT; do
  i=0; until redis-cli -p "$p" ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 50 ] && exit 1; sleep 0.1; done
done
for r in $(seq "$ROUNDS"); do
  redis-benchmark -p "$KVPORT" --csv "$@" 2>/dev/null | tail -n +2 | cut -d, -f1,2 | tr -d '"' | sed "s/^/kv,/" >> "$TMP/res"
  redis-benchmark -p "$RPORT" --csv "$@" 2>/dev/null | tail -n +2 | cut -d, -f1,2 | tr -d '"' | sed "s/^/redis,/" >> "$TMP/res"
done
python3 - "$TMP/res" "$ROUNDS" "$*" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, test, rps = line.strip().split(",")
    rows[(test, who)].append(float(rps))
print(f"redis-benchmark {sys.argv[3]}  ({sys.argv[2]} rounds, medians)")
print(f"{'test':<14}{'redis-kv':>14}{'redis 7':>14}{'ratio':>8}")
for test in sorted({t for t, _ in rows}):
    kv = statistics.median(rows[(test, 'kv')]); rd = statistics.median(rows[(test, 'redis')])
    print(f"{test:<14}{kv:>14.0f}{rd:>14.0f}{kv/rd:>8.3f}")
PY
