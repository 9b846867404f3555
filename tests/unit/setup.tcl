# deps/setup.sh, the set-up that `make run` and `make test` start with.
#
# The real probes run here: header and library look-ups against include and
# library directories made for each test (DEPS_INCLUDE_DIRS,
# DEPS_LIBRARY_DIRS), and command look-ups on a PATH that holds only what
# the test puts there.  A stand-in `apt-get` on that PATH records every call
# and "installs" a package by creating the files the probes look for, so the
# whole path is taken: probe, install, probe again.  A stand-in `id` says
# whether we are root.  No real package manager is ever called.

# ------------------------------------------------------------------ helpers

set ::setup_script [file join [file dirname $::test::tests_dir] deps setup.sh]

# What each dependency's package leaves behind, for the stand-in apt-get.
set ::setup_stand_in {#!/bin/sh
# A stand-in apt-get: records its arguments, then "installs" packages by
# creating the files deps/setup.sh probes for.  It is not under test, so it
# may use the system's tools.
PATH=/usr/bin:/bin
echo "$*" >> "$FAKE_APT_LOG"
[ "$1" = install ] || exit 0
[ "$FAKE_APT_MODE" = fail ] && exit 100
[ "$FAKE_APT_MODE" = noop ] && exit 0
for p in "$@"; do
    case $p in
        libjemalloc-dev) mkdir -p "$FAKE_INC/jemalloc"; : > "$FAKE_INC/jemalloc/jemalloc.h"; : > "$FAKE_LIB/libjemalloc.so" ;;
        libbsd-dev)      mkdir -p "$FAKE_INC/bsd"; : > "$FAKE_INC/bsd/string.h"; : > "$FAKE_LIB/libbsd.so" ;;
        libhiredis-dev)  mkdir -p "$FAKE_INC/hiredis"; : > "$FAKE_INC/hiredis/hiredis.h"; : > "$FAKE_LIB/libhiredis.so" ;;
        liblua5.1-0-dev) mkdir -p "$FAKE_INC/lua5.1"; : > "$FAKE_INC/lua5.1/lua.h"; : > "$FAKE_LIB/liblua5.1.so" ;;
        lua-cjson-dev)   mkdir -p "$FAKE_INC/lua5.1"; : > "$FAKE_INC/lua5.1/lua-cjson.h"; : > "$FAKE_LIB/liblua5.1-cjson.so" ;;
        lua-bitop-dev)   mkdir -p "$FAKE_INC/lua5.1"; : > "$FAKE_INC/lua5.1/lua-bitop.h"; : > "$FAKE_LIB/liblua5.1-bitop.so" ;;
        libmd-dev)       : > "$FAKE_INC/sha1.h"; : > "$FAKE_LIB/libmd.so" ;;
        libssl-dev)      mkdir -p "$FAKE_INC/openssl"; : > "$FAKE_INC/openssl/ssl.h"; : > "$FAKE_LIB/libssl.so"; : > "$FAKE_LIB/libcrypto.so" ;;
        openssl)         printf '#!/bin/sh\nexit 0\n' > "$FAKE_BIN/openssl"; chmod +x "$FAKE_BIN/openssl" ;;
        tcl)             ln -sf "$REAL_TCLSH" "$FAKE_BIN/tclsh" ;;
        pkg-config)      printf '#!/bin/sh\nexit 0\n' > "$FAKE_BIN/pkg-config"; chmod +x "$FAKE_BIN/pkg-config" ;;
        gcc)             ln -sf "$REAL_CC" "$FAKE_BIN/cc" ;;
        make)            ln -sf "$REAL_MAKE" "$FAKE_BIN/make" ;;
        nodejs)          printf '#!/bin/sh\nexit 0\n' > "$FAKE_BIN/node"; chmod +x "$FAKE_BIN/node" ;;
        npm)             printf '#!/bin/sh\nexit 0\n' > "$FAKE_BIN/npm"; chmod +x "$FAKE_BIN/npm" ;;
        python3-redis)   : > "$FAKE_BIN/python3-redis.installed" ;;
    esac
done
exit 0
}

proc setup_which {name} {
    foreach dir [split $::env(PATH) :] {
        set p [file join $dir $name]
        if {[file executable $p] && ![file isdirectory $p]} { return $p }
    }
    return ""
}

proc setup_write_exec {path text} {
    set f [open $path w]
    puts -nonewline $f $text
    close $f
    file attributes $path -permissions 0755
}

# A fresh sandbox: bin/ (the PATH), inc/ and lib/ (the probed directories),
# apt.log (the stand-in's record).  'missing' names the dependencies that
# start absent: toolchain jemalloc libbsd hiredis tcl pkg-config lua
# lua-cjson lua-bitop libmd libssl openssl, and jemalloc-lib (header there, library not).  'root' is what `id -u` says.
proc setup_sandbox {missing {root 1}} {
    set d [new_tmpdir]
    foreach sub {bin inc lib} { file mkdir [file join $d $sub] }
    set bin [file join $d bin]
    setup_write_exec [file join $bin apt-get] $::setup_stand_in
    setup_write_exec [file join $bin id] \
        "#!/bin/sh\n\[ \"\$1\" = -u \] && { echo [expr {$root ? 0 : 1000}]; exit 0; }\nexit 0\n"
    if {"toolchain" ni $missing} {
        file link -symbolic [file join $bin cc] $::setup_real(cc)
        file link -symbolic [file join $bin make] $::setup_real(make)
    }
    if {"tcl" ni $missing} { file link -symbolic [file join $bin tclsh] $::setup_real(tclsh) }
    # A stand-in python3 that can import redis once python3-redis is there.
    setup_write_exec [file join $bin python3] \
        "#!/bin/sh\n\[ -e \"\$FAKE_BIN/python3-redis.installed\" \]\n"
    if {"pkg-config" ni $missing} {
        setup_write_exec [file join $bin pkg-config] "#!/bin/sh\nexit 0\n"
    }
    if {"openssl" ni $missing} {
        setup_write_exec [file join $bin openssl] "#!/bin/sh\nexit 0\n"
    }
    set files {jemalloc {jemalloc/jemalloc.h libjemalloc.so}
               libbsd {bsd/string.h libbsd.so}
               hiredis {hiredis/hiredis.h libhiredis.so}
               lua {lua5.1/lua.h liblua5.1.so}
               lua-cjson {lua5.1/lua-cjson.h liblua5.1-cjson.so}
               lua-bitop {lua5.1/lua-bitop.h liblua5.1-bitop.so}
               libmd {sha1.h libmd.so}
               libssl {openssl/ssl.h {libssl.so libcrypto.so}}}
    dict for {dep pair} $files {
        lassign $pair header libs
        if {$dep ni $missing} {
            file mkdir [file dirname [file join $d inc $header]]
            close [open [file join $d inc $header] w]
        }
        if {$dep ni $missing && "$dep-lib" ni $missing} {
            foreach lib $libs { close [open [file join $d lib $lib] w] }
        }
    }
    return $d
}

# Makes the client-suite dependencies in deps present in sandbox d (they
# start absent): any of node npm python3-redis.
proc setup_clients_present {d deps} {
    set bin [file join $d bin]
    foreach dep $deps {
        switch $dep {
            python3-redis { close [open [file join $bin python3-redis.installed] w] }
            default { setup_write_exec [file join $bin $dep] "#!/bin/sh\nexit 0\n" }
        }
    }
}

# Runs deps/setup.sh in sandbox d; returns {exitcode output apt-calls}.
# Extra environment settings come as name value pairs.
proc setup_run {d {mode ok} args} {
    setup_run_mode $d {} $mode {*}$args
}

# setup_run for `sh deps/setup.sh SCRIPT_MODE` (check, clients).
proc setup_run_mode {d script_mode {mode ok} args} {
    set names {PATH CC DEPS_INCLUDE_DIRS DEPS_LIBRARY_DIRS DEPS_NO_INSTALL DEPS_PYTHON FAKE_APT_LOG
               FAKE_APT_MODE FAKE_INC FAKE_LIB FAKE_BIN REAL_TCLSH REAL_CC REAL_MAKE}
    set saved {}
    foreach n $names {
        if {[info exists ::env($n)]} { dict set saved $n $::env($n) }
    }
    set ::env(PATH) [file join $d bin]
    set ::env(CC) cc
    set ::env(DEPS_INCLUDE_DIRS) [file join $d inc]
    set ::env(DEPS_LIBRARY_DIRS) [file join $d lib]
    set ::env(FAKE_APT_LOG) [file join $d apt.log]
    set ::env(FAKE_APT_MODE) $mode
    set ::env(FAKE_INC) [file join $d inc]
    set ::env(FAKE_LIB) [file join $d lib]
    set ::env(FAKE_BIN) [file join $d bin]
    set ::env(REAL_TCLSH) $::setup_real(tclsh)
    set ::env(REAL_CC) $::setup_real(cc)
    set ::env(REAL_MAKE) $::setup_real(make)
    unset -nocomplain ::env(DEPS_NO_INSTALL)
    set ::env(DEPS_PYTHON) [file join $d bin python3]
    foreach {k v} $args { set ::env($k) $v }
    set rc 0
    if {[catch {exec /bin/sh $::setup_script {*}$script_mode < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    foreach n $names {
        if {[dict exists $saved $n]} {
            set ::env($n) [dict get $saved $n]
        } else {
            unset -nocomplain ::env($n)
        }
    }
    set calls {}
    set log [file join $d apt.log]
    if {[file exists $log]} {
        set f [open $log]
        set calls [split [string trimright [read $f] "\n"] "\n"]
        close $f
    }
    return [list $rc $out $calls]
}

# The two calls a successful install makes, for the given package list.
proc setup_expected_calls {pkgs} {
    return [list "update -qq" "install -y -qq --no-install-recommends $pkgs"]
}

# True when every word of every recorded call is an apt-get option, verb or
# Debian package name: never a path or anything else.
proc setup_only_package_names {calls} {
    foreach call $calls {
        foreach w [split $call " "] {
            if {$w in {update install -y -qq --no-install-recommends}} continue
            if {![regexp {^[a-z0-9][a-z0-9+.-]*$} $w]} { return 0 }
        }
    }
    return 1
}

set ::setup_skip ""
foreach tool {cc make tclsh} {
    set ::setup_real($tool) [setup_which $tool]
    if {$::setup_real($tool) eq ""} { set ::setup_skip "no $tool on PATH" }
}

proc setup_require {} {
    if {$::setup_skip ne ""} { skip $::setup_skip }
}

# ------------------------------------------------------------------ tests

tags {setup} {
    # (The sandbox has no node, npm or redis-py: plain mode does not ask.)
    test {setup.sh: nothing missing, nothing printed, apt-get never called} {
        setup_require
        set d [setup_sandbox {}]
        lassign [setup_run $d] rc out calls
        list $rc $out $calls
    } {0 {} {}}

    foreach {dep pkg} {jemalloc libjemalloc-dev libbsd libbsd-dev hiredis libhiredis-dev
                       tcl tcl pkg-config pkg-config toolchain {gcc make libc6-dev}
                       lua liblua5.1-0-dev lua-cjson lua-cjson-dev lua-bitop lua-bitop-dev
                       libmd libmd-dev libssl libssl-dev openssl openssl} {
        test "setup.sh: missing $dep alone installs exactly '$pkg'" {
            setup_require
            set d [setup_sandbox [list $dep]]
            lassign [setup_run $d] rc out calls
            assert_equal 0 $rc
            assert_equal [setup_expected_calls $pkg] $calls
            assert_match "*missing: $dep*" $out
            assert_match "*installed: $pkg*" $out
            setup_only_package_names $calls
        } 1
    }

    test {setup.sh: a header without its library counts as missing} {
        setup_require
        set d [setup_sandbox {jemalloc-lib}]
        lassign [setup_run $d] rc out calls
        assert_equal 0 $rc
        assert_equal [setup_expected_calls libjemalloc-dev] $calls
        set out
    } {*missing: jemalloc*}

    test {setup.sh: the three libraries missing together, in one install} {
        setup_require
        set d [setup_sandbox {jemalloc libbsd hiredis}]
        lassign [setup_run $d] rc out calls
        assert_equal 0 $rc
        assert_equal [setup_expected_calls "libjemalloc-dev libbsd-dev libhiredis-dev"] $calls
        assert_match "*missing: jemalloc libbsd hiredis\n*" $out
        setup_only_package_names $calls
    } 1

    test {setup.sh: everything missing, one exact package list} {
        setup_require
        set d [setup_sandbox {toolchain jemalloc libbsd hiredis tcl pkg-config lua lua-cjson
                              lua-bitop libmd libssl openssl}]
        lassign [setup_run $d] rc out calls
        assert_equal 0 $rc
        assert_equal [setup_expected_calls \
            "gcc make libc6-dev libjemalloc-dev libbsd-dev libhiredis-dev tcl pkg-config\
 liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libmd-dev libssl-dev openssl"] $calls
        setup_only_package_names $calls
    } 1

    test {setup.sh: a failing apt-get install is reported, exit 1} {
        setup_require
        set d [setup_sandbox {hiredis}]
        lassign [setup_run $d fail] rc out calls
        assert_equal 1 $rc
        assert_equal [setup_expected_calls libhiredis-dev] $calls
        set out
    } {*apt-get install failed: libhiredis-dev*}

    test {setup.sh: an install that leaves the files absent is caught by the second probe} {
        setup_require
        set d [setup_sandbox {libbsd}]
        lassign [setup_run $d noop] rc out calls
        assert_equal 1 $rc
        set out
    } {*still missing after install: libbsd*}

    test {setup.sh: DEPS_NO_INSTALL prints the command and never runs apt-get} {
        setup_require
        set d [setup_sandbox {jemalloc hiredis}]
        lassign [setup_run $d ok DEPS_NO_INSTALL 1] rc out calls
        assert_equal 1 $rc
        assert_equal {} $calls
        set out
    } {*apt-get update && apt-get install -y --no-install-recommends libjemalloc-dev libhiredis-dev*}

    test {setup.sh: not root, it asks for sudo and installs nothing} {
        setup_require
        set d [setup_sandbox {libbsd} 0]
        lassign [setup_run $d] rc out calls
        assert_equal 1 $rc
        assert_equal {} $calls
        set out
    } {*sudo apt-get update && sudo apt-get install -y --no-install-recommends libbsd-dev*}

    test {setup.sh clients: node, npm and python3-redis present, nothing printed} {
        setup_require
        set d [setup_sandbox {}]
        setup_clients_present $d {node npm python3-redis}
        lassign [setup_run_mode $d clients] rc out calls
        list $rc $out $calls
    } {0 {} {}}

    test {setup.sh clients: all three missing, one exact package list} {
        setup_require
        set d [setup_sandbox {}]
        lassign [setup_run_mode $d clients] rc out calls
        assert_equal 0 $rc
        assert_equal [setup_expected_calls "nodejs npm python3-redis"] $calls
        assert_match "*missing: node npm python3-redis\n*" $out
        setup_only_package_names $calls
    } 1

    test {setup.sh clients: redis-py counts as missing until DEPS_PYTHON imports it} {
        setup_require
        set d [setup_sandbox {}]
        setup_clients_present $d {node npm}
        lassign [setup_run_mode $d clients] rc1 out1 calls1
        file delete [file join $d apt.log]
        lassign [setup_run_mode $d clients] rc2 out2 calls2
        list $rc1 $calls1 $rc2 $out2 $calls2
    } [list 0 [setup_expected_calls python3-redis] 0 {} {}]

    test {setup.sh clients: the build's dependencies are not its business} {
        setup_require
        set d [setup_sandbox {jemalloc hiredis}]
        setup_clients_present $d {node npm python3-redis}
        lassign [setup_run_mode $d clients] rc out calls
        list $rc $out $calls
    } {0 {} {}}

    test {setup.sh: after an install the next run finds everything} {
        setup_require
        set d [setup_sandbox {jemalloc libbsd hiredis tcl pkg-config lua lua-cjson lua-bitop
                              libmd libssl openssl}]
        lassign [setup_run $d] rc1 out1 calls1
        file delete [file join $d apt.log]
        lassign [setup_run $d] rc2 out2 calls2
        list $rc1 $rc2 $out2 $calls2
    } {0 0 {} {}}
}
