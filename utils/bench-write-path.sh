#!/bin/sh
# bench-write-path.sh -- the write-path table of issue 14: redis-kv against
# redis-server 7 in three set-ups, each through utils/bench-vs-redis.sh
# (both servers in one run, rounds alternating, medians and ratios).
#
#   utils/bench-write-path.sh [ROUNDS]
#
#   everysec   redis-server --appendonly yes --appendfsync everysec
#              against redis-kv's default (appendfsync everysec)
#   nopersist  redis-server --appendonly no against redis-kv's default
#   always     both with appendfsync always
#
# Rows: SET/GET/INCR/MSET of 16-byte values at pipeline 16, SET/GET/INCR
# of 16 bytes at pipeline 1, SET/GET of 1 KiB at pipelines 1 and 16; 50
# clients, keyspace 1,000,000.  Then PUBLISH to one subscriber at pipeline
# 1 (utils/bench-pubsub.sh; nothing is persisted, so once).  A benchmark,
# never a test: run it alone on the machine (about fifteen minutes with 3
# rounds).
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
run() {
    echo "== $1: $2"
    shift 2
    utils/bench-vs-redis.sh "$ROUNDS" "$@" | tail -n +3
}
for setup in everysec nopersist always; do
    case $setup in
    everysec)  export REDIS_ARGS="--save '' --appendonly yes --appendfsync everysec"; export KV_ARGS="" ;;
    nopersist) export REDIS_ARGS="--save '' --appendonly no"; export KV_ARGS="" ;;
    always)    export REDIS_ARGS="--save '' --appendonly yes --appendfsync always"
               export KV_ARGS="--appendfsync always" ;;
    esac
    run "$setup" "16 B, P16" -t set,get,incr,mset -d 16 -c 50 -P 16 -n 2000000 -r 1000000
    run "$setup" "16 B, P1" -t set,get,incr -d 16 -c 50 -n 300000 -r 1000000
    run "$setup" "1 KiB, P16" -t set,get -d 1024 -c 50 -P 16 -n 1000000 -r 1000000
    run "$setup" "1 KiB, P1" -t set,get -d 1024 -c 50 -n 300000 -r 1000000
done
echo "== PUBLISH to 1 subscriber, P1"
utils/bench-pubsub.sh "$ROUNDS" 1 300000
