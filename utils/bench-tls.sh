#!/usr/bin/env bash
# utils/bench-tls.sh -- SET and GET over TLS, redis-kv next to Redis 7.0.15,
# with redis-benchmark --tls.
#
#   utils/bench-tls.sh                     # 3 rounds of ~2 s per figure
#   ROUNDS=1 SECS=0.3 utils/bench-tls.sh   # a smoke run
#
# Makes a CA, a server and a client certificate with the openssl CLI in a
# temporary directory, starts both servers TLS-only (port 0, tls-port on a
# free loopback port from PORT_BASE, default 29050; client certificates
# required, the default) and stops them by PID at the end:
#   redis-server --save '' --appendonly yes --appendfsync everysec
#   src/redis-kv-server with its default configuration (appendfsync everysec)
# Settings (environment): ROUNDS (3), SECS (2: target seconds per run),
# CLIENTS (50), REDIS_SERVER (/usr/bin/redis-server), KV_SERVER
# (src/redis-kv-server), BENCH (redis-benchmark), PORT_BASE.
#
# For SET and GET at -P 1 and -P 16: a probe run sizes -n to about SECS
# seconds on each server, then ROUNDS runs give the median requests/s.
set -u

ROUNDS=${ROUNDS:-3}
SECS=${SECS:-2}
CLIENTS=${CLIENTS:-50}
HERE=$(cd "$(dirname "$0")/.." && pwd)
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
KV_SERVER=${KV_SERVER:-$HERE/src/redis-kv-server}
BENCH=${BENCH:-redis-benchmark}
CLI=${CLI:-redis-cli}
PORT_BASE=${PORT_BASE:-29050}

for bin in "$REDIS_SERVER" "$KV_SERVER"; do
    [ -x "$bin" ] || { echo "bench-tls: $bin is not executable" >&2; exit 2; }
done
for cmd in "$BENCH" "$CLI" openssl; do
    command -v "$cmd" >/dev/null || { echo "bench-tls: $cmd not found" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-tls.XXXXXX") || exit 2
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The certificates: ca.crt signs server.crt (for 127.0.0.1) and client.crt.
make_certs() {
    openssl req -x509 -new -nodes -newkey rsa:2048 -days 2 -subj "/CN=bench CA" \
        -keyout "$TMP/ca.key" -out "$TMP/ca.crt" 2>/dev/null || return 1
    echo "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$TMP/san.ext"
    for name in server client; do
        openssl req -new -nodes -newkey rsa:2048 -subj "/CN=$name" \
            -keyout "$TMP/$name.key" -out "$TMP/$name.csr" 2>/dev/null || return 1
        openssl x509 -req -in "$TMP/$name.csr" -CA "$TMP/ca.crt" -CAkey "$TMP/ca.key" \
            -CAcreateserial -days 2 -extfile "$TMP/san.ext" -out "$TMP/$name.crt" \
            2>/dev/null || return 1
    done
}
make_certs || { echo "bench-tls: openssl could not make the certificates" >&2; exit 2; }

TLS_SERVER=(--tls-cert-file "$TMP/server.crt" --tls-key-file "$TMP/server.key"
            --tls-ca-cert-file "$TMP/ca.crt")
TLS_CLIENT=(--tls --cacert "$TMP/ca.crt" --cert "$TMP/client.crt" --key "$TMP/client.key")

# The first port from $1 on that nothing listens on.
free_port() {
    local p=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}

# start NAME PORT BINARY ARGS...: starts a TLS-only server, waits for PONG.
start() {
    local name=$1 port=$2 bin=$3
    shift 3
    mkdir -p "$TMP/$name"
    "$bin" --port 0 --tls-port "$port" --dir "$TMP/$name" "${TLS_SERVER[@]}" "$@" \
        > "$TMP/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        [ "$("$CLI" "${TLS_CLIENT[@]}" -p "$port" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    echo "bench-tls: $name did not start; its log:" >&2
    tail -20 "$TMP/$name.log" >&2
    exit 2
}

# rps PORT TEST PIPELINE N: requests per second of one redis-benchmark run.
rps() {
    "$BENCH" "${TLS_CLIENT[@]}" -p "$1" -t "$2" -P "$3" -n "$4" -c "$CLIENTS" \
        -r 100000 -d 16 --csv 2>/dev/null |
        awk -F'"' 'NR > 1 && $2 != "" { print int($4); exit }'
}

# median_rps PORT TEST PIPELINE: sizes -n to about SECS seconds, then the
# median of ROUNDS runs.
median_rps() {
    local probe n
    probe=$(rps "$1" "$2" "$3" $((20000 * $3)))
    [ -n "$probe" ] && [ "$probe" -gt 0 ] || { echo "-"; return; }
    n=$(awk -v r="$probe" -v s="$SECS" 'BEGIN { n = int(r * s); print (n < 1000 ? 1000 : n) }')
    for _ in $(seq 1 "$ROUNDS"); do rps "$1" "$2" "$3" "$n"; done |
        sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

KV_PORT=$(free_port "$PORT_BASE")
start redis-kv "$KV_PORT" "$KV_SERVER"
REDIS_PORT=$(free_port $((KV_PORT + 1)))
start redis "$REDIS_PORT" "$REDIS_SERVER" --save '' --appendonly yes --appendfsync everysec

echo "SET/GET over TLS (TLSv1.3, client certificates), $CLIENTS clients, median of $ROUNDS runs of ~${SECS}s"
printf '%-10s %14s %14s %8s\n' test redis-kv redis-7.0.15 kv/redis
for test in set get; do
    for p in 1 16; do
        kv=$(median_rps "$KV_PORT" "$test" "$p")
        rd=$(median_rps "$REDIS_PORT" "$test" "$p")
        ratio=$(awk -v a="$kv" -v b="$rd" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else print "-" }')
        printf '%-10s %14s %14s %8s\n' "${test^^} -P $p" "$kv" "$rd" "$ratio"
    done
done
