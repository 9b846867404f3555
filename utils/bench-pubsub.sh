#!/bin/sh
# bench-pubsub.sh -- PUBLISH throughput of redis-kv and redis-server 7 with
# N real subscribers, side by side in one run, medians of ROUNDS rounds.
#
#   utils/bench-pubsub.sh [ROUNDS] [SUBSCRIBER-COUNTS] [REQUESTS-PER-SUBSCRIBER-COUNT]
#   utils/bench-pubsub.sh 3 "1 100" "200000 20000"
#
# For each subscriber count N, N processes `redis-cli -p PORT subscribe ch
# > /dev/null` are started (and waited for with PUBSUB NUMSUB), then
#   redis-benchmark -p PORT -c 50 -n REQUESTS -q PUBLISH ch x
# measures requests/s; the subscribers are killed by PID after each
# measurement.  Rounds alternate between the servers.  Both servers start
# on free ports in temporary directories and are stopped by PID.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SUBS=${2:-"1 100"}
REQS=${3:-"200000 20000"}
KV=./src/redis-kv-server
REDIS=${REDIS_SERVER:-redis-server}
TMP=$(mktemp -d)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KVPORT=$(freeport); RPORT=$(freeport)
mkdir -p "$TMP/kv" "$TMP/redis"
$KV --port $KVPORT --bind 127.0.0.1 --dir $TMP/kv --logfile $TMP/kv.log & KVPID=$!
$REDIS --port $RPORT --bind 127.0.0.1 --dir $TMP/redis --logfile $TMP/r.log --save '' --appendonly no & RPID=$!
SUBPIDS=""
cleanup() {
  for p in $SUBPIDS; do kill "$p" 2>/dev/null || true; done
  kill $KVPID $RPID 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
for p in $KVPORT $RPORT; do
  i=0; until redis-cli -p "$p" ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 50 ] && exit 1; sleep 0.1; done
done
measure() { # name port nsubs nreq
  SUBPIDS=""
  for i in $(seq "$3"); do
    redis-cli -p "$2" subscribe ch >/dev/null 2>&1 & SUBPIDS="$SUBPIDS $!"
  done
  i=0
  until [ "$(redis-cli -p "$2" pubsub numsub ch | tail -n 1)" = "$3" ]; do
    i=$((i+1)); [ $i -gt 200 ] && { echo "subscribers did not come up" >&2; exit 1; }; sleep 0.05
  done
  rps=$(redis-benchmark -p "$2" -c 50 -n "$4" --csv PUBLISH ch x 2>/dev/null | tail -n 1 | cut -d, -f2 | tr -d '"')
  echo "$1,$3,$rps" >> "$TMP/res"
  for p in $SUBPIDS; do kill "$p" 2>/dev/null || true; done
  for p in $SUBPIDS; do wait "$p" 2>/dev/null || true; done
  SUBPIDS=""
}
for r in $(seq "$ROUNDS"); do
  set -- $REQS
  for n in $SUBS; do
    measure kv $KVPORT "$n" "$1"
    measure redis $RPORT "$n" "$1"
    [ $# -gt 1 ] && shift
  done
done
python3 - "$TMP/res" "$ROUNDS" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, n, rps = line.strip().split(",")
    rows[(int(n), who)].append(float(rps))
print("PUBLISH ch x, redis-benchmark -c 50, median of %s rounds (requests/s)" % sys.argv[2])
print("%12s %12s %12s %8s" % ("subscribers", "redis-kv", "redis", "kv/redis"))
for n in sorted(set(k[0] for k in rows)):
    kv = statistics.median(rows[(n, "kv")]); rd = statistics.median(rows[(n, "redis")])
    print("%12d %12.0f %12.0f %8.2f" % (n, kv, rd, kv / rd))
    print("%12s %s | %s" % ("rounds:", " ".join("%.0f" % x for x in rows[(n, "kv")]),
                            " ".join("%.0f" % x for x in rows[(n, "redis")])))
PY
