#!/usr/bin/env bash
# utils/bench-acl.sh -- what an ACL check costs: SET and GET at -P 1 and
# -P 16 as a restricted user against the default user, on redis-kv and on
# Redis 7.0.15 side by side (issue 22's ACL figures).
#
#   cpulock utils/bench-acl.sh                  # 3 rounds of ~2 s per figure
#   ROUNDS=1 SECS=0.3 utils/bench-acl.sh        # a smoke run
#
# The restricted user is `ACL SETUSER bench on >bp ~key:* +set +get +ping`:
# every command of the load is checked against a key pattern and a command
# list.  Both servers run with their defaults (redis-server: --save ''
# --appendonly yes --appendfsync everysec, as redis-kv's durability), on
# free loopback ports from PORT_BASE, and are stopped by PID at the end.
# Settings (environment): ROUNDS (3), SECS (2), CLIENTS (50), KEYSPACE
# (100000), REDIS_SERVER, KV_SERVER, BENCH, PORT_BASE (29150).
set -u

ROUNDS=${ROUNDS:-3}
SECS=${SECS:-2}
CLIENTS=${CLIENTS:-50}
KEYSPACE=${KEYSPACE:-100000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
KV_SERVER=${KV_SERVER:-$HERE/src/redis-kv-server}
BENCH=${BENCH:-redis-benchmark}
CLI=${CLI:-redis-cli}
PORT_BASE=${PORT_BASE:-29150}

for bin in "$REDIS_SERVER" "$KV_SERVER"; do
    [ -x "$bin" ] || { echo "bench-acl: $bin is not executable" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-acl.XXXXXX") || exit 2
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

freePort() {
    local p=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}

# startServer NAME BIN PORT ARGS...: starts it, waits for PING.
startServer() {
    local name=$1 bin=$2 port=$3
    shift 3
    mkdir -p "$TMP/$name"
    "$bin" --port "$port" --bind 127.0.0.1 --dir "$TMP/$name" "$@" >"$TMP/$name.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        "$CLI" -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "bench-acl: $name did not start" >&2
    exit 1
}

# rps PORT N TEST PIPELINE [AUTH...]: requests per second of one run.
rps() {
    local port=$1 n=$2 test=$3 pipe=$4
    shift 4
    "$BENCH" -p "$port" "$@" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" -P "$pipe" -t "$test" -q \
        2>/dev/null | tr '\r' '\n' | awk '/requests per second/ {v = $2} END {print v + 0}'
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

kport=$(freePort "$PORT_BASE")
startServer kv "$KV_SERVER" "$kport"
rport=$(freePort $((kport + 1)))
startServer redis "$REDIS_SERVER" "$rport" --save '' --appendonly yes --appendfsync everysec
for port in "$kport" "$rport"; do
    "$CLI" -p "$port" acl setuser bench on '>bp' '~key:*' +set +get +ping >/dev/null
done

printf '%-12s %-10s %12s %12s %12s %12s\n' figure user redis-kv redis kv/redis "user/default"
for test in set get; do
    for pipe in 1 16; do
        declare -A med=()
        for user in default bench; do
            auth=()
            [ "$user" = bench ] && auth=(--user bench -a bp)
            for name in kv redis; do
                port=$kport
                [ "$name" = redis ] && port=$rport
                probe=$(rps "$port" $((20000 * pipe)) "$test" "$pipe" "${auth[@]}")
                n=$(awk -v r="$probe" -v s="$SECS" 'BEGIN {n = int(r * s); print (n < 10000 ? 10000 : n)}')
                runs=()
                for _ in $(seq "$ROUNDS"); do runs+=("$(rps "$port" "$n" "$test" "$pipe" "${auth[@]}")"); done
                med[$name.$user]=$(median "${runs[@]}")
            done
            printf '%-12s %-10s %12.0f %12.0f %12.2f' "$test -P $pipe" "$user" \
                "${med[kv.$user]}" "${med[redis.$user]}" \
                "$(awk -v a="${med[kv.$user]}" -v b="${med[redis.$user]}" 'BEGIN {print (b ? a / b : 0)}')"
            if [ "$user" = bench ]; then
                printf ' %12.2f' "$(awk -v a="${med[kv.bench]}" -v b="${med[kv.default]}" 'BEGIN {print (b ? a / b : 0)}')"
            fi
            printf '\n'
        done
        unset med
    done
done
