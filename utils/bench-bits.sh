#!/usr/bin/env bash
# utils/bench-bits.sh -- bitmap (and HyperLogLog) throughput of redis-kv next
# to Redis 7.0.15, with redis-benchmark.
#
#   utils/bench-bits.sh                 # 3 rounds of ~2 s per command
#   ROUNDS=1 SECS=0.5 utils/bench-bits.sh   # a quick check
#
# Starts its own two servers on free loopback ports (from PORT_BASE, default
# 21050) with throw-away data directories, and stops them (by PID) at the end:
#   redis-server --appendonly yes --appendfsync everysec --save ''
#   src/redis-kv-server with its default configuration
# Settings (environment): ROUNDS (3), SECS (2: target seconds per run),
# CLIENTS (50), REDIS_SERVER (/usr/bin/redis-server), KV_SERVER
# (src/redis-kv-server), BENCH (redis-benchmark), PORT_BASE.
#
# For every command, at -P 1 and -P 16: a probe run sizes -n to about SECS
# seconds on each server, then ROUNDS runs give the median rate.  A command
# that a server answers with an error (not implemented yet, e.g. PF*) is
# skipped on that server and shown as "-".
#
# redis-benchmark writes __rand_int__ as 12 zero-padded digits, which is not
# a valid bit offset (Redis's integers allow no leading zeros), so random
# numbers go into key names or set elements only:
#   SETBIT 1MB       SETBIT on one bit of a 1 MB bitmap (after the first call
#                    the bit no longer changes: measures the no-write path)
#   SETBIT new key   SETBIT creating a fresh one-byte key each call
#   BITFIELD INCRBY  INCRBY u8 in the middle of the 1 MB bitmap: a real
#                    one-byte change every call
# At the end, the log bytes one SETBIT adds on a 1 MB bitmap: 1000 SETBITs
# that each flip a different bit, the growth of redis-kv's log
# (INFO storage_total_bytes, automatic compaction off) and of Redis's AOF
# (aof_current_size), / 1000.
set -u

ROUNDS=${ROUNDS:-3}
SECS=${SECS:-2}
CLIENTS=${CLIENTS:-50}
HERE=$(cd "$(dirname "$0")/.." && pwd)
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
KV_SERVER=${KV_SERVER:-$HERE/src/redis-kv-server}
BENCH=${BENCH:-redis-benchmark}
CLI=${CLI:-redis-cli}
PORT_BASE=${PORT_BASE:-21050}

for bin in "$REDIS_SERVER" "$KV_SERVER"; do
    [ -x "$bin" ] || { echo "bench-bits: $bin is not executable" >&2; exit 2; }
done
command -v "$BENCH" >/dev/null || { echo "bench-bits: $BENCH not found" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-bits.XXXXXX") || exit 2
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The first port from $1 on that nothing listens on.
free_port() {
    local p=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}

wait_ready() {
    for _ in $(seq 100); do
        "$CLI" -p "$1" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "bench-bits: server on port $1 did not start" >&2
    exit 2
}

RPORT=$(free_port "$PORT_BASE")
mkdir -p "$TMP/redis" "$TMP/kv"
"$REDIS_SERVER" --port "$RPORT" --bind 127.0.0.1 --dir "$TMP/redis" --appendonly yes \
    --appendfsync everysec --save '' >"$TMP/redis.log" 2>&1 &
PIDS+=($!)
wait_ready "$RPORT"
KPORT=$(free_port $((RPORT + 1)))
"$KV_SERVER" --port "$KPORT" --bind 127.0.0.1 --dir "$TMP/kv" >"$TMP/kv.log" 2>&1 &
PIDS+=($!)
wait_ready "$KPORT"

# The data every command works on: two 1 MB bitmaps and three HLLs.
setup() {
    local port=$1
    "$CLI" -p "$port" flushall >/dev/null
    "$CLI" -p "$port" setbit bm 8388607 1 >/dev/null
    "$CLI" -p "$port" setbit bm2 8388607 1 >/dev/null
    "$CLI" -p "$port" setrange bm 1000 "some bits set here and there" >/dev/null
    for h in hll hll2 hll3; do
        "$CLI" -p "$port" pfadd "$h" a b c d e f g "$h" >/dev/null 2>&1
    done
}

# name | redis-benchmark arguments (-r included where __rand_int__ is used)
COMMANDS=(
    "SETBIT 1MB|setbit bm 4194303 1"
    "SETBIT new key|-r 100000000 setbit sb:__rand_int__ 7 1"
    "GETBIT 1MB|getbit bm 4194303"
    "BITCOUNT 1MB|bitcount bm"
    "BITOP AND 2x1MB|bitop and bdst bm bm2"
    "BITFIELD INCRBY|bitfield bm incrby u8 4194296 1"
    "PFADD|-r 100000000 pfadd hll __rand_int__"
    "PFCOUNT 1 key|pfcount hll"
    "PFCOUNT 3 keys|pfcount hll hll2 hll3"
    "PFMERGE 3 keys|pfmerge hlld hll hll2 hll3"
)

# Whether the server on $1 accepts the command in the remaining arguments
# (the __rand_int__ placeholder replaced by 1).
accepts() {
    local port=$1; shift
    local args=()
    for a in "$@"; do args+=("${a//__rand_int__/1}"); done
    local out
    out=$("$CLI" -p "$port" "${args[@]}" 2>&1)
    case "$out" in ERR*|WRONGTYPE*|*"unknown command"*) return 1 ;; esac
    return 0
}

# Requests per second of one redis-benchmark run: port, pipeline, n, args.
rate() {
    local port=$1 pipe=$2 n=$3; shift 3
    "$BENCH" -p "$port" -c "$CLIENTS" -P "$pipe" -n "$n" --csv "$@" 2>/dev/null |
        awk -F'"' 'NR > 1 && $4 != "" { print $4; exit }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A request count that takes about `secs` seconds at `rate` (at least min).
count_for() {
    awk -v r="$1" -v s="$2" -v m="$3" 'BEGIN { n = int(r * s); if (n < m) n = m; print n }'
}

# Median rate over ROUNDS runs, each sized to about SECS seconds.  A small
# probe first (so a slow command such as BITOP on 1 MB values is not run
# thousands of times just to be sized), then a ~0.2 s one if it was too
# short to trust.
measure() {
    local port=$1 pipe=$2; shift 2
    local probe n rates=()
    n=$((100 * pipe))
    probe=$(rate "$port" "$pipe" "$n" "$@")
    [ -n "$probe" ] || { echo "-"; return; }
    if awk -v r="$probe" -v n="$n" 'BEGIN { exit !(n / r < 0.05) }'; then
        probe=$(rate "$port" "$pipe" "$(count_for "$probe" 0.2 "$n")" "$@")
        [ -n "$probe" ] || { echo "-"; return; }
    fi
    n=$(count_for "$probe" "$SECS" 100)
    for _ in $(seq "$ROUNDS"); do rates+=("$(rate "$port" "$pipe" "$n" "$@")"); done
    median "${rates[@]}"
}

setup "$RPORT"
setup "$KPORT"
printf '%-18s %4s %14s %14s %8s\n' command P "redis ops/s" "redis-kv ops/s" "kv/redis"
for entry in "${COMMANDS[@]}"; do
    name=${entry%%|*}
    read -r -a args <<<"${entry#*|}"
    cmd=("${args[@]}")
    [ "${cmd[0]}" = "-r" ] && cmd=("${cmd[@]:2}")
    for pipe in 1 16; do
        r="-"; k="-"
        accepts "$RPORT" "${cmd[@]}" && r=$(measure "$RPORT" "$pipe" "${args[@]}")
        accepts "$KPORT" "${cmd[@]}" && k=$(measure "$KPORT" "$pipe" "${args[@]}")
        ratio=$(awk -v r="$r" -v k="$k" 'BEGIN { if (r + 0 > 0 && k + 0 > 0) printf "%.2f", k / r; else print "-" }')
        printf '%-18s %4s %14s %14s %8s\n' "$name" "$pipe" "$r" "$k" "$ratio"
    done
done

# Log bytes per SETBIT on a 1 MB bitmap: 1000 SETBITs, each flipping a
# different, so far clear bit of a fresh bitmap.
setbit_log_bytes() {
    local port=$1 field=$2 before after
    "$CLI" -p "$port" del lb >/dev/null
    "$CLI" -p "$port" setbit lb 8388607 1 >/dev/null
    sleep 1.2
    before=$("$CLI" -p "$port" info all | tr -d '\r' | awk -F: -v f="$field" '$1 == f { print $2 }')
    awk 'BEGIN { for (i = 0; i < 1000; i++) printf "SETBIT lb %d 1\n", i * 8191 }' |
        "$CLI" -p "$port" >/dev/null
    sleep 1.2 # let appendfsync everysec flush Redis's AOF
    after=$("$CLI" -p "$port" info all | tr -d '\r' | awk -F: -v f="$field" '$1 == f { print $2 }')
    awk -v a="$after" -v b="$before" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%.1f", (a - b) / 1000 }'
}

# No compaction may shrink redis-kv's log while it is measured: turn the
# automatic one off and let a running one finish.
"$CLI" -p "$KPORT" config set compact-garbage-percent 0 >/dev/null 2>&1
for _ in $(seq 600); do
    "$CLI" -p "$KPORT" info storage | grep -q '^storage_compacting:1' || break
    sleep 0.1
done

echo
echo "log bytes per SETBIT on a 1 MB bitmap (1000 SETBITs):"
echo "  redis    (aof_current_size):     $(setbit_log_bytes "$RPORT" aof_current_size)"
echo "  redis-kv (storage_total_bytes):  $(setbit_log_bytes "$KPORT" storage_total_bytes)"
