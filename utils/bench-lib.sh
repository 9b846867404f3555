# utils/bench-lib.sh -- the set-up the Python-backed benchmarks share,
# sourced (`BENCH_NAME=name; . utils/bench-lib.sh`) from the repository root by
# utils/bench-collections.sh and utils/bench-lists.sh before their Python
# part, which imports utils/bench_lib.py.  Builds the plain server (and
# the utils), exports the settings bench_lib.serversFromEnv reads with
# their defaults, and makes TMP, a temporary directory removed on exit:
#   KV            src/redis-kv-server
#   KV_ARGS       --appendfsync everysec (redis-kv's default durability)
#   REDIS_SERVER  redis-server
#   REDIS_ARGS    --save '' --appendonly yes --appendfsync everysec
#   SCALE         1 (multiplies every data set and request count)
make -s >/dev/null
export KV=${KV:-./src/redis-kv-server}
export REDIS_SERVER=${REDIS_SERVER:-redis-server}
export KV_ARGS=${KV_ARGS:---appendfsync everysec}
export REDIS_ARGS=${REDIS_ARGS:-"--save '' --appendonly yes --appendfsync everysec"}
export SCALE=${SCALE:-1}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/${BENCH_NAME:-bench}.XXXXXX")
export TMP
trap 'rm -rf "$TMP"' EXIT INT TERM
