#!/bin/sh
# deps/setup.sh -- make sure the build and test dependencies of redis-kv exist.
#
# Run by `make deps`, and therefore by every `make run` and `make test`.
# When everything is present it prints nothing and exits 0 within a few
# milliseconds (file tests plus `cc -print-file-name`, no compiling).
#
# What is checked:
#   toolchain   a C compiler ($CC, default cc) and make
#   jemalloc    jemalloc/jemalloc.h + libjemalloc      (Debian: libjemalloc-dev)
#   libbsd      bsd/string.h + libbsd                  (Debian: libbsd-dev)
#   hiredis     hiredis/hiredis.h + libhiredis          (Debian: libhiredis-dev)
#               used only by utils/redis-kv-load and the tests
#   tcl         tclsh 8.6 or newer, runs the test suite (Debian: tcl)
#   pkg-config  pkg-config                              (Debian: pkg-config)
#
# When something is missing:
#   - as root on a system with apt-get: `apt-get update` once, then
#     `apt-get install -y --no-install-recommends <missing packages>`
#     non-interactively, and a report of what was installed;
#   - otherwise: the exact command to run is printed and the exit code is 1.
#
# Testing hooks (environment variables):
#   DEPS_FORCE_MISSING="hiredis tcl"   pretend these are missing (names from
#       the list above: toolchain jemalloc libbsd hiredis tcl pkg-config,
#       separated by spaces or commas; "all" means every one). The check that
#       follows an installation ignores this variable, so the install path
#       can be exercised without uninstalling anything.
#   DEPS_NO_INSTALL=1   never install, even as root: take the
#       "print the command and exit 1" path.
#
# Exit status: 0 when everything is present (possibly after installing),
# 1 when something is still missing.

# Package lists are deliberately unquoted: they are split into words.
# shellcheck disable=SC2086

CC_CMD=${CC:-cc}          # may carry words, e.g. "ccache gcc"
CC_BIN=${CC_CMD%% *}
FORCED=$(printf '%s' "${DEPS_FORCE_MISSING:-}" | tr ',' ' ')
INCDIRS="/usr/include /usr/local/include /opt/homebrew/include"

# forced NAME: true when DEPS_FORCE_MISSING names NAME (or "all") and
# forcing is still enabled (USE_FORCE=1).
USE_FORCE=1
forced() {
    [ "$USE_FORCE" = 1 ] || return 1
    for f in $FORCED; do
        [ "$f" = "$1" ] || [ "$f" = all ] && return 0
    done
    return 1
}

# have_cmd NAME: true when NAME is an executable on PATH.
have_cmd() {
    command -v "$1" >/dev/null 2>&1
}

# have_header REL: true when REL (e.g. hiredis/hiredis.h) exists under one of
# the standard include directories.
have_header() {
    for d in $INCDIRS; do
        [ -f "$d/$1" ] && return 0
    done
    return 1
}

# have_lib NAME: true when the linker would find libNAME (shared or static).
# `cc -print-file-name` echoes the bare name back when it finds nothing.
# Without a working compiler, fall back to the dynamic linker cache.
have_lib() {
    if have_cmd "$CC_BIN"; then
        for ext in so a dylib; do
            p=$($CC_CMD -print-file-name="lib$1.$ext" 2>/dev/null)
            [ -n "$p" ] && [ "$p" != "lib$1.$ext" ] && [ -e "$p" ] && return 0
        done
        return 1
    fi
    have_cmd ldconfig && ldconfig -p 2>/dev/null | grep -q "lib$1\.so"
}

# have_tcl86: true when tclsh8.6 exists, or tclsh reports version >= 8.6.
have_tcl86() {
    have_cmd tclsh8.6 && return 0
    have_cmd tclsh || return 1
    v=$(echo 'puts [package vsatisfies [info tclversion] 8.6-]' | tclsh 2>/dev/null)
    [ "$v" = 1 ]
}

# check NAME: true when dependency NAME is present (and not forced missing).
check() {
    forced "$1" && return 1
    case $1 in
        toolchain)  have_cmd "$CC_BIN" && have_cmd make ;;
        jemalloc)   have_header jemalloc/jemalloc.h && have_lib jemalloc ;;
        libbsd)     have_header bsd/string.h && have_lib bsd ;;
        hiredis)    have_header hiredis/hiredis.h && have_lib hiredis ;;
        tcl)        have_tcl86 ;;
        pkg-config) have_cmd pkg-config ;;
        *)          return 1 ;;
    esac
}

ALL="toolchain jemalloc libbsd hiredis tcl pkg-config"

# missing_deps: print the names of the missing dependencies, space separated.
missing_deps() {
    out=""
    for d in $ALL; do
        check "$d" || out="$out $d"
    done
    printf '%s' "${out# }"
}

# pkgs_for MANAGER NAMES...: print the package names providing NAMES for the
# given package manager (apt, dnf, apk, pacman, brew).
pkgs_for() {
    pm=$1; shift
    out=""
    for d in "$@"; do
        case $pm:$d in
            apt:toolchain)    p="gcc make libc6-dev" ;;
            apt:jemalloc)     p=libjemalloc-dev ;;
            apt:libbsd)       p=libbsd-dev ;;
            apt:hiredis)      p=libhiredis-dev ;;
            apt:tcl)          p=tcl ;;
            apt:pkg-config)   p=pkg-config ;;
            dnf:toolchain)    p="gcc make" ;;
            dnf:jemalloc)     p=jemalloc-devel ;;
            dnf:libbsd)       p=libbsd-devel ;;
            dnf:hiredis)      p=hiredis-devel ;;
            dnf:tcl)          p=tcl ;;
            dnf:pkg-config)   p=pkgconf-pkg-config ;;
            apk:toolchain)    p="gcc make musl-dev" ;;
            apk:jemalloc)     p=jemalloc-dev ;;
            apk:libbsd)       p=libbsd-dev ;;
            apk:hiredis)      p=hiredis-dev ;;
            apk:tcl)          p=tcl ;;
            apk:pkg-config)   p=pkgconf ;;
            pacman:toolchain) p="gcc make" ;;
            pacman:pkg-config) p=pkgconf ;;
            pacman:*)         p=$d ;;
            brew:toolchain)   p="make" ;;
            brew:tcl)         p=tcl-tk ;;
            brew:*)           p=$d ;;
            *)                p=$d ;;
        esac
        out="$out $p"
    done
    printf '%s' "${out# }"
}

MISSING=$(missing_deps)
[ -z "$MISSING" ] && exit 0

echo "deps/setup.sh: missing: $MISSING" >&2
case " $MISSING " in
    *" toolchain "*) echo "deps/setup.sh: a C compiler ($CC_CMD) and make are needed to build redis-kv" >&2 ;;
esac

if have_cmd apt-get && [ "$(id -u)" = 0 ] && [ "${DEPS_NO_INSTALL:-0}" != 1 ]; then
    PKGS=$(pkgs_for apt $MISSING)
    echo "deps/setup.sh: installing: $PKGS" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update -qq; then
        echo "deps/setup.sh: apt-get update failed" >&2
        exit 1
    fi
    if ! apt-get install -y -qq --no-install-recommends $PKGS; then
        echo "deps/setup.sh: apt-get install failed: $PKGS" >&2
        exit 1
    fi
    USE_FORCE=0
    STILL=$(missing_deps)
    if [ -n "$STILL" ]; then
        echo "deps/setup.sh: still missing after install: $STILL" >&2
        exit 1
    fi
    echo "deps/setup.sh: installed: $PKGS" >&2
    exit 0
fi

# Cannot install here: say exactly what to run.
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo "
if have_cmd apt-get; then
    CMD="${SUDO}apt-get update && ${SUDO}apt-get install -y --no-install-recommends $(pkgs_for apt $MISSING)"
elif have_cmd dnf; then
    CMD="${SUDO}dnf install -y $(pkgs_for dnf $MISSING)"
elif have_cmd yum; then
    CMD="${SUDO}yum install -y $(pkgs_for dnf $MISSING)"
elif have_cmd apk; then
    CMD="${SUDO}apk add $(pkgs_for apk $MISSING)"
elif have_cmd pacman; then
    CMD="${SUDO}pacman -S --needed $(pkgs_for pacman $MISSING)"
elif have_cmd brew; then
    CMD="brew install $(pkgs_for brew $MISSING)"
else
    CMD="apt-get update && apt-get install -y --no-install-recommends $(pkgs_for apt $MISSING)   (Debian/Ubuntu package names)"
fi
echo "deps/setup.sh: please run:" >&2
echo "    $CMD" >&2
exit 1
