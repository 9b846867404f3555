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
#   lua         lua5.1/lua.h + liblua5.1, the scripting  (Debian: liblua5.1-0-dev)
#               engine (EVAL, FUNCTION)
#   lua-cjson   lua5.1/lua-cjson.h + liblua5.1-cjson,    (Debian: lua-cjson-dev)
#               the cjson library scripts see
#   lua-bitop   lua5.1/lua-bitop.h + liblua5.1-bitop,    (Debian: lua-bitop-dev)
#               the bit library scripts see
#   libmd       sha1.h + libmd: SHA1 of scripts         (Debian: libmd-dev)
#   libssl      openssl/ssl.h + libssl + libcrypto: TLS (Debian: libssl-dev)
#   openssl     the openssl CLI, makes the TLS tests'   (Debian: openssl)
#               certificates
#
# When something is missing:
#   - as root on a system with apt-get: `apt-get update` once, then
#     `apt-get install -y --no-install-recommends <missing packages>`
#     non-interactively, and a report of what was installed;
#   - otherwise: the exact command to run is printed and the exit code is 1.
# Only package names ever reach the package manager: every name is checked
# against Debian's package-name syntax before apt-get is run.
#
# Environment (tests/unit/setup.tcl drives the real probes through these):
#   DEPS_INCLUDE_DIRS="dir ..."   where headers are looked for
#       (default: /usr/include /usr/local/include)
#   DEPS_LIBRARY_DIRS="dir ..."   where libraries are looked for; unset, the
#       compiler is asked (`cc -print-file-name`), which knows the
#       multiarch directories
#   DEPS_NO_INSTALL=1   never install, even as root: take the
#       "print the command and exit 1" path.
#
# `sh deps/setup.sh check` (run by `make check`) checks and installs, the
# same way, only what `make check` needs beyond `make test`:
#   clang       clang, builds the fuzz harnesses          (Debian: clang)
#   libfuzzer   clang's libFuzzer runtime                  (Debian 12:
#               libclang_rt.fuzzer-<arch>.a                 libclang-rt-dev)
#   cppcheck    the static analyser                        (Debian: cppcheck)
# Plain `make test` never asks for these.
#
# `sh deps/setup.sh clients` (run by `make test-clients`) checks and
# installs, the same way, what the client-compatibility suite
# (tests/clients/run.tcl) runs its scenarios with:
#   node        node, runs the JavaScript scenarios        (Debian: nodejs)
#   npm         npm, installs their pinned packages        (Debian: npm)
#   python3-redis  redis-py for the Python scenarios,      (Debian: python3-redis)
#               importable by $DEPS_PYTHON (default /usr/bin/python3, the
#               python Debian's package installs into)
# The npm packages themselves are installed by the runner (`npm ci`).
#
# Exit status: 0 when everything is present (possibly after installing),
# 1 when something is still missing.
#
# POSIX sh has no local variables: every function below uses loop and
# scratch variables with its own prefix, so that no function clobbers a
# caller's loop variable.

# Package lists are deliberately unquoted: they are split into words.
# shellcheck disable=SC2086

CC_CMD=${CC:-cc}          # may carry words, e.g. "ccache gcc"
CC_BIN=${CC_CMD%% *}
INCDIRS=${DEPS_INCLUDE_DIRS:-/usr/include /usr/local/include}
PYTHON_SYS=${DEPS_PYTHON:-/usr/bin/python3}
LIBDIRS=${DEPS_LIBRARY_DIRS:-}

# have_cmd NAME: true when NAME is an executable on PATH.
have_cmd() {
    command -v "$1" >/dev/null 2>&1
}

# have_header REL: true when REL (e.g. hiredis/hiredis.h) exists under one of
# the include directories.
have_header() {
    for hh_dir in $INCDIRS; do
        [ -f "$hh_dir/$1" ] && return 0
    done
    return 1
}

# have_lib NAME: true when the linker would find libNAME (shared or static).
# With DEPS_LIBRARY_DIRS set, only those directories are searched. Otherwise
# `cc -print-file-name` is asked; it echoes the bare name back when it finds
# nothing. Without a working compiler, fall back to the dynamic linker cache.
have_lib() {
    if [ -n "$LIBDIRS" ]; then
        for hl_dir in $LIBDIRS; do
            for hl_ext in so a; do
                [ -e "$hl_dir/lib$1.$hl_ext" ] && return 0
            done
        done
        return 1
    fi
    if have_cmd "$CC_BIN"; then
        for hl_ext in so a; do
            hl_path=$($CC_CMD -print-file-name="lib$1.$hl_ext" 2>/dev/null)
            [ -n "$hl_path" ] && [ "$hl_path" != "lib$1.$hl_ext" ] && [ -e "$hl_path" ] && return 0
        done
        return 1
    fi
    have_cmd ldconfig && ldconfig -p 2>/dev/null | grep -q "lib$1\.so"
}

# have_tcl86: true when tclsh8.6 exists, or tclsh reports version >= 8.6.
have_tcl86() {
    have_cmd tclsh8.6 && return 0
    have_cmd tclsh || return 1
    ht_version=$(echo 'puts [package vsatisfies [info tclversion] 8.6-]' | tclsh 2>/dev/null)
    [ "$ht_version" = 1 ]
}

# check NAME: true when dependency NAME is present.
check() {
    case $1 in
        toolchain)  have_cmd "$CC_BIN" && have_cmd make ;;
        jemalloc)   have_header jemalloc/jemalloc.h && have_lib jemalloc ;;
        libbsd)     have_header bsd/string.h && have_lib bsd ;;
        hiredis)    have_header hiredis/hiredis.h && have_lib hiredis ;;
        tcl)        have_tcl86 ;;
        pkg-config) have_cmd pkg-config ;;
        lua)        have_header lua5.1/lua.h && have_lib lua5.1 ;;
        lua-cjson)  have_header lua5.1/lua-cjson.h && have_lib lua5.1-cjson ;;
        lua-bitop)  have_header lua5.1/lua-bitop.h && have_lib lua5.1-bitop ;;
        libmd)      have_header sha1.h && have_lib md ;;
        libssl)     have_header openssl/ssl.h && have_lib ssl && have_lib crypto ;;
        openssl)    have_cmd openssl ;;
        clang)      have_cmd clang ;;
        libfuzzer)  have_libfuzzer ;;
        cppcheck)   have_cmd cppcheck ;;
        node)       have_cmd node ;;
        npm)        have_cmd npm ;;
        python3-redis) "$PYTHON_SYS" -c 'import redis' >/dev/null 2>&1 ;;
        *)          return 1 ;;
    esac
}

# have_libfuzzer: true when clang's runtime directory holds libFuzzer.
have_libfuzzer() {
    have_cmd clang || return 1
    lf_dir=$(clang -print-runtime-dir 2>/dev/null) || return 1
    [ -f "$lf_dir/libclang_rt.fuzzer-$(uname -m).a" ] ||
        [ -f "$lf_dir/libclang_rt.fuzzer.a" ]
}

ALL="toolchain jemalloc libbsd hiredis tcl pkg-config lua lua-cjson lua-bitop libmd libssl openssl"
case ${1:-} in
    check)   ALL="clang libfuzzer cppcheck" ;;
    clients) ALL="node npm python3-redis" ;;
esac

# missing_deps: print the names of the missing dependencies, space separated.
missing_deps() {
    md_out=""
    for md_dep in $ALL; do
        check "$md_dep" || md_out="$md_out $md_dep"
    done
    printf '%s' "${md_out# }"
}

# pkgs_for MANAGER NAMES...: print the package names providing NAMES for the
# given package manager (apt, dnf, apk, pacman, brew).
pkgs_for() {
    pf_pm=$1; shift
    pf_out=""
    for pf_dep in "$@"; do
        case $pf_pm:$pf_dep in
            apt:toolchain)    pf_pkg="gcc make libc6-dev" ;;
            apt:jemalloc)     pf_pkg=libjemalloc-dev ;;
            apt:libbsd)       pf_pkg=libbsd-dev ;;
            apt:hiredis)      pf_pkg=libhiredis-dev ;;
            apt:tcl)          pf_pkg=tcl ;;
            apt:pkg-config)   pf_pkg=pkg-config ;;
            apt:lua)          pf_pkg=liblua5.1-0-dev ;;
            apt:lua-cjson)    pf_pkg=lua-cjson-dev ;;
            apt:lua-bitop)    pf_pkg=lua-bitop-dev ;;
            apt:libmd)        pf_pkg=libmd-dev ;;
            apt:libssl)       pf_pkg=libssl-dev ;;
            apt:openssl)      pf_pkg=openssl ;;
            apt:clang)        pf_pkg=clang ;;
            apt:libfuzzer)    pf_pkg=libclang-rt-dev ;;
            apt:cppcheck)     pf_pkg=cppcheck ;;
            apt:node)         pf_pkg=nodejs ;;
            apt:npm)          pf_pkg=npm ;;
            apt:python3-redis) pf_pkg=python3-redis ;;
            dnf:toolchain)    pf_pkg="gcc make" ;;
            dnf:jemalloc)     pf_pkg=jemalloc-devel ;;
            dnf:libbsd)       pf_pkg=libbsd-devel ;;
            dnf:hiredis)      pf_pkg=hiredis-devel ;;
            dnf:tcl)          pf_pkg=tcl ;;
            dnf:pkg-config)   pf_pkg=pkgconf-pkg-config ;;
            dnf:lua)          pf_pkg=compat-lua-devel ;;
            dnf:libmd)        pf_pkg=libmd-devel ;;
            dnf:libssl)       pf_pkg=openssl-devel ;;
            dnf:libfuzzer)    pf_pkg=compiler-rt ;;
            dnf:node)         pf_pkg=nodejs ;;
            apk:toolchain)    pf_pkg="gcc make musl-dev" ;;
            apk:jemalloc)     pf_pkg=jemalloc-dev ;;
            apk:libbsd)       pf_pkg=libbsd-dev ;;
            apk:libssl)       pf_pkg=openssl-dev ;;
            apk:hiredis)      pf_pkg=hiredis-dev ;;
            apk:tcl)          pf_pkg=tcl ;;
            apk:pkg-config)   pf_pkg=pkgconf ;;
            apk:libfuzzer)    pf_pkg=compiler-rt ;;
            apk:node)         pf_pkg=nodejs ;;
            apk:python3-redis) pf_pkg=py3-redis ;;
            pacman:toolchain) pf_pkg="gcc make" ;;
            pacman:pkg-config) pf_pkg=pkgconf ;;
            pacman:libssl)    pf_pkg=openssl ;;
            pacman:libfuzzer) pf_pkg=compiler-rt ;;
            pacman:node)      pf_pkg=nodejs ;;
            pacman:python3-redis) pf_pkg=python-redis ;;
            pacman:*)         pf_pkg=$pf_dep ;;
            brew:toolchain)   pf_pkg="make" ;;
            brew:tcl)         pf_pkg=tcl-tk ;;
            brew:clang|brew:libfuzzer) pf_pkg=llvm ;;
            brew:*)           pf_pkg=$pf_dep ;;
            *)                pf_pkg=$pf_dep ;;
        esac
        pf_out="$pf_out $pf_pkg"
    done
    printf '%s' "${pf_out# }"
}

# all_package_names WORDS...: true when every word is a Debian package name
# (lower case letters, digits, + - and ., starting with a letter or digit).
all_package_names() {
    for ap_word in "$@"; do
        case $ap_word in
            [a-z0-9]*) ;;
            *) return 1 ;;
        esac
        case $ap_word in
            *[!a-z0-9+.-]*) return 1 ;;
        esac
    done
    return 0
}

MISSING=$(missing_deps)
[ -z "$MISSING" ] && exit 0

echo "deps/setup.sh: missing: $MISSING" >&2
case " $MISSING " in
    *" toolchain "*) echo "deps/setup.sh: a C compiler ($CC_CMD) and make are needed to build redis-kv" >&2 ;;
esac

if have_cmd apt-get && [ "$(id -u)" = 0 ] && [ "${DEPS_NO_INSTALL:-0}" != 1 ]; then
    PKGS=$(pkgs_for apt $MISSING)
    if ! all_package_names $PKGS; then
        echo "deps/setup.sh: internal error: not a package list: $PKGS" >&2
        exit 1
    fi
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
