#!/bin/sh
# Run every test suite of redis-kv and print one grand total.
#
#   sh tests/run-all.sh [DIR]
#
# 1. Every executable file in DIR (the C unit test binaries), in name order.
#    Each must end its output with a line like "test_dict: 42 passed, 0 failed".
#    A binary that prints no such line, or exits non-zero while reporting no
#    failure (crash, sanitizer error, ...), counts as 1 failed.
# 2. The layer check (utils/check-layers.tcl, as `make check-layers` runs
#    it): 1 passed or 1 failed.
# 3. The Tcl integration suite: tclsh tests/runtest $TEST_ARGS
#
# Prints each suite's summary line, and as the very last line the grand total
# "N passed, M failed". Exit status is non-zero if anything failed.

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

dir=""
if [ $# -ge 1 ]; then
    case "$1" in
        /*) dir="$1" ;;
        *) dir="$(pwd)/$1" ;;
    esac
fi

cd "$root" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redis-kv-tests.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

total_passed=0
total_failed=0
summary=""

# parse_counts FILE -> prints "N M" from the last non-empty line, or nothing.
parse_counts() {
    grep -v '^[[:space:]]*$' "$1" | tail -n 1 | awk '
        {
            for (i = 2; i <= NF; i++) {
                if ($i == "passed," || $i == "passed") p = $(i-1)
                if ($i == "failed" || $i == "failed," || $i == "failed.") f = $(i-1)
            }
        }
        END {
            if (p ~ /^[0-9]+$/ && f ~ /^[0-9]+$/) print p, f
        }'
}

add_summary() {
    summary="$summary$1
"
}

if command -v timeout >/dev/null 2>&1; then
    run_limited="timeout 1200"
else
    run_limited=""
fi

# ---- C unit tests ----
if [ -n "$dir" ]; then
    if [ -d "$dir" ]; then
        for bin in "$dir"/*; do
            [ -f "$bin" ] && [ -x "$bin" ] || continue
            name=$(basename "$bin")
            $run_limited "$bin" >"$tmp/out" 2>&1
            rc=$?
            counts=$(parse_counts "$tmp/out")
            if [ -z "$counts" ]; then
                p=0
                f=1
                line="$name: 0 passed, 1 failed (crashed: exit status $rc, no summary line)"
            else
                p=${counts% *}
                f=${counts#* }
                line=$(grep -v '^[[:space:]]*$' "$tmp/out" | tail -n 1)
                if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
                    f=1
                    line="$line (but exit status $rc: counted as 1 failed)"
                fi
            fi
            if [ "$f" -ne 0 ]; then
                echo "===== $name output (last 60 lines) ====="
                tail -n 60 "$tmp/out"
                echo "===== end of $name output ====="
            fi
            echo "$line"
            add_summary "$line"
            total_passed=$((total_passed + p))
            total_failed=$((total_failed + f))
        done
    else
        line="(no C unit test directory: $dir)"
        echo "$line"
        add_summary "$line"
    fi
fi

# ---- Layer check ----
if tclsh utils/check-layers.tcl --extra build/gen/command_table.c=command >"$tmp/layers.out" 2>&1; then
    p=1
    f=0
else
    p=0
    f=1
fi
cat "$tmp/layers.out"
line="check-layers: $p passed, $f failed"
add_summary "$line"
total_passed=$((total_passed + p))
total_failed=$((total_failed + f))

# ---- Tcl integration suite ----
# shellcheck disable=SC2086
{ tclsh tests/runtest $TEST_ARGS; echo $? >"$tmp/tcl.rc"; } 2>&1 | tee "$tmp/tcl.out"
rc=$(cat "$tmp/tcl.rc" 2>/dev/null || echo 1)
counts=$(parse_counts "$tmp/tcl.out")
if [ -z "$counts" ]; then
    p=0
    f=1
    line="tcl: 0 passed, 1 failed (runtest crashed: exit status $rc, no summary line)"
else
    p=${counts% *}
    f=${counts#* }
    line="tcl: $(grep -v '^[[:space:]]*$' "$tmp/tcl.out" | tail -n 1)"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        line="$line (but exit status $rc: counted as 1 failed)"
    fi
fi
add_summary "$line"
total_passed=$((total_passed + p))
total_failed=$((total_failed + f))

echo
echo "===== Summary ====="
printf '%s' "$summary"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
