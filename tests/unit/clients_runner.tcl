# tests/clients/run.tcl, the runner of `make test-clients`: made-up scenario
# directories show how it counts a scenario that passes, fails, hangs, needs
# a command the server lacks or takes the server down, and that the totals
# it ends with are honest.
#
# The made-up scenarios are small Tcl programs in files named *.py: the
# runner runs *.py with CLIENTS_PYTHON, which these tests point at tclsh,
# so they need neither node nor redis-py.  Each runner run starts its own
# server (the binary under test), so the file is skipped with --host/--port.

set ::cr_root [file dirname $::test::tests_dir]
set ::cr_runner [file join $::cr_root tests clients run.tcl]
set ::cr_client [file join $::cr_root tests helpers redis.tcl]

# A directory of scenarios: pairs of name and body.  A body may use $r, a
# client of the server under test; "# needs: ..." lines go in the body.
proc cr_scenarios {pairs} {
    set d [new_tmpdir]
    foreach {name body} $pairs {
        set f [open [file join $d $name.py] w]
        puts $f [join [list \
            "source [list $::cr_client]" \
            {set r [::redis::connect 127.0.0.1 $::env(REDIS_PORT) 0]} \
            $body] \n]
        close $f
    }
    return $d
}

# Runs the runner on dir with more options; returns {exitcode output}.
proc cr_run {dir args} {
    set saved [expr {[info exists ::env(CLIENTS_PYTHON)] ? $::env(CLIENTS_PYTHON) : ""}]
    set ::env(CLIENTS_PYTHON) [info nameofexecutable]
    try {
        set out [run_tool [info nameofexecutable] $::cr_runner --dir $dir \
                     --server-cmd [list [server_binary]] {*}$args]
    } finally {
        if {$saved eq ""} { unset ::env(CLIENTS_PYTHON) } else { set ::env(CLIENTS_PYTHON) $saved }
    }
    return $out
}

# The runner's last line (exec's own note on a non-zero exit left out).
proc cr_last_line {out} {
    set lines [split [string trimright $out \n] \n]
    if {[lindex $lines end] eq "child process exited abnormally"} { set lines [lrange $lines 0 end-1] }
    lindex $lines end
}

set ::cr_pass {
    # needs: ping
    if {[$r ping] ne "PONG"} { exit 1 }
    puts "ok - ping"
    puts "ok - pong"
}

tags {clients-runner} {
    if {[using_external_server]} {
        test {clients runner: not run against an external server} { skip "starts its own servers" }
    } else {
    test {clients runner: passed, failed and skipped, one line each, totals last} {
        set d [cr_scenarios [list a $::cr_pass \
                                 b {puts "boom"; exit 3} \
                                 c "# needs: ping nosuchcommand\nexit 0"]]
        lassign [cr_run $d] rc out
        assert_equal 1 $rc
        assert_match "*\na: passed (2 checks)\n*" $out
        assert_match "*boom*\nb: FAILED (exit status 3, after 0 checks)\n*" $out
        assert_match "*\nc: skipped: needs nosuchcommand\n*" $out
        cr_last_line $out
    } {1 passed, 1 failed, 1 skipped}

    test {clients runner: exit status 0 when nothing failed, skips apart} {
        set d [cr_scenarios [list a $::cr_pass c "# needs: nosuchcommand\nexit 1"]]
        lassign [cr_run $d] rc out
        list $rc [cr_last_line $out]
    } {0 {1 passed, 0 failed, 1 skipped}}

    test {clients runner: every scenario starts on an empty server} {
        set d [cr_scenarios {
            a1 {$r set left-behind 1; puts "ok - wrote"}
            a2 {if {[$r dbsize] != 0} { puts "dbsize [$r dbsize]"; exit 1 }; puts "ok - empty"}
        }]
        lassign [cr_run $d] rc out
        list $rc [cr_last_line $out]
    } {0 {2 passed, 0 failed, 0 skipped}}

    test {clients runner: --only runs the named scenarios alone} {
        set d [cr_scenarios [list a $::cr_pass b {exit 1}]]
        lassign [cr_run $d --only a] rc out
        assert_no_match "*b:*" $out
        list $rc [cr_last_line $out]
    } {0 {1 passed, 0 failed, 0 skipped}}

    test {clients runner: a hung scenario is killed at --timeout and fails} {
        set d [cr_scenarios {hang {puts "ok - started"; flush stdout; after 60000}}]
        lassign [cr_run $d --timeout 1] rc out
        assert_equal 1 $rc
        assert_match "*\nhang: FAILED (killed after 1 s, after 1 checks)\n*" $out
        cr_last_line $out
    } {0 passed, 1 failed, 0 skipped}

    test {clients runner: a server that went down is named, the next scenario gets a new one} {
        set d [cr_scenarios [list a {catch {$r shutdown nosave}; exit 1} b $::cr_pass]]
        lassign [cr_run $d] rc out
        assert_equal 1 $rc
        assert_match "*\na: FAILED (exit status 1; the server died, after 0 checks)\n*" $out
        assert_match "*\nb: passed (2 checks)\n*" $out
        cr_last_line $out
    } {1 passed, 1 failed, 0 skipped}

    test {clients runner: a server that cannot start fails every scenario} {
        set d [cr_scenarios [list a $::cr_pass]]
        lassign [cr_run $d --server-cmd /bin/false] rc out
        assert_equal 1 $rc
        assert_match "*cannot start the server: the server exited at start-up*" $out
        assert_match "*\na: FAILED (no server: the server exited at start-up)\n*" $out
        cr_last_line $out
    } {0 passed, 1 failed, 0 skipped}

    test {clients runner: a sanitizer report in the server's log is one more failure} {
        set d [cr_scenarios [list a $::cr_pass]]
        set wrapper [file join [new_tmpdir] server.sh]
        set f [open $wrapper w]
        # The report is put together when it runs: this file itself must not
        # read as one to the harness's own check of its temporary files.
        puts $f "#!/bin/sh\necho '==1==ERROR: Leak''Sanitizer: detected memory leaks' >&2"
        puts $f "exec [list [server_binary]] \"\$@\""
        close $f
        file attributes $wrapper -permissions 0755
        lassign [cr_run $d --server-cmd $wrapper] rc out
        assert_equal 1 $rc
        assert_match "*\na: passed (2 checks)\n*" $out
        assert_match "*\nserver: FAILED (sanitizer report in server1/server.log)\n*" $out
        cr_last_line $out
    } {1 passed, 1 failed, 0 skipped}

    test {clients runner: usage errors exit 2 before starting anything} {
        set d [cr_scenarios [list a $::cr_pass]]
        set codes {}
        foreach args {{--bogus} {--timeout soon} {--only nosuch} {--server-cmd "\{"}} {
            lassign [cr_run $d {*}$args] rc out
            assert_match "*usage:*" $out
            lappend codes $rc
        }
        set codes
    } {2 2 2 2}
    }
}
