# Test definition, tags and result counting for the redis-kv test suite.
#
# Writing a test file (tests/unit/NAME.tcl; run with tests/runtest --single unit/NAME):
#
#   start_server {tags {mytag}} {                 ;# see server.tcl for options
#       test {PING replies PONG} {
#           assert_equal PONG [r ping]            ;# r = default client
#           assert_error_equal "ERR wrong number of arguments for 'echo' command" {r echo}
#           set rd [redis_deferring_client]       ;# see redis.tcl for methods
#           $rd write "PING\r\n" ; $rd flush
#           assert_equal PONG [$rd read]
#           $rd close
#       }
#       test {short form: the result must equal/glob-match} { r echo x } {x}
#   }
#
#   test "name" { body }                 ;# pass unless the body raises
#   test "name" { body } {expected}      ;# also: result must equal / glob-match
#   tags {slow foo} { ... tests ... }    ;# tags apply to every test inside
#   skip "reason"                        ;# inside a body: count as skipped
#
# Assertions (util.tcl): assert, assert_equal, assert_not_equal, assert_match,
# assert_no_match, assert_error PATTERN {code}, assert_error_equal TEXT {code},
# assert_range, assert_morethan(_equal), assert_lessthan(_equal),
# assert_closed CLIENT ?SECS?, assert_open CLIENT, fail MSG,
# wait_for_condition MAXTRIES DELAYMS {expr} else {script}.
# Failures print "[err]: name", the reason and "at unit/FILE.tcl:LINE".
#
# A test is run when none of its tags is excluded (--tags -x) and, if any
# tags are required (--tags x), at least one of its tags is among them.
# After a failure, if the server is dead or does not answer PING, the
# remaining tests of its start_server block are reported failed at once.

namespace eval ::test {
    variable tags {}            ;# tag stack of the enclosing tags/start_server
    variable allowtags {}
    variable denytags {}
    variable verbose 0
    variable dump_logs 0
    variable skip_depth 0       ;# >0: inside a block that is skipped entirely
    variable skip_reason ""
    variable current_test ""
    variable current_test_loc ""
    variable last_error_loc {}  ;# {message location} of the last assertion / client error
    variable passed 0
    variable failed 0
    variable skipped 0
    variable file_passed 0
    variable file_failed 0
    variable file_skipped 0
    variable failures {}        ;# list of "file: test name"
    variable curfile ""
}

proc ::test::tags_acceptable {tags {errvar ""}} {
    if {$errvar ne ""} { upvar 1 $errvar err }
    foreach t $::test::denytags {
        if {$t in $tags} {
            set err "tag $t excluded"
            return 0
        }
    }
    if {[llength $::test::allowtags]} {
        foreach t $::test::allowtags {
            if {$t in $tags} { return 1 }
        }
        set err "no required tag"
        return 0
    }
    return 1
}

proc tags {tags code} {
    set saved $::test::tags
    lappend ::test::tags {*}$tags
    set rc [catch {uplevel 1 $code} res opts]
    set ::test::tags $saved
    return -options $opts $res
}

proc ::test::count_skip {name reason} {
    incr ::test::skipped
    incr ::test::file_skipped
    if {$::test::verbose} {
        puts "\[skip\]: $name ($reason)"
    }
}

proc ::test::count_fail {name msg {details ""}} {
    incr ::test::failed
    incr ::test::file_failed
    lappend ::test::failures "$::test::curfile: $name"
    puts "\[err\]: $name"
    foreach line [split $msg "\n"] { puts "    $line" }
    if {$details ne ""} {
        foreach line [split $details "\n"] { puts "    | $line" }
    }
    flush stdout
}

# Called by the client on every error it raises (server error replies and
# I/O errors) so a failing command can be located in the test file.
proc ::test::client_error_hook {msg} {
    set ::test::last_error_loc [list $msg [::test::location_string]]
}

proc test {name code {okpattern __undefined__}} {
    if {$::test::skip_depth > 0} {
        ::test::count_skip $name $::test::skip_reason
        return
    }
    if {![::test::tags_acceptable $::test::tags why]} {
        ::test::count_skip $name $why
        return
    }
    set broken [::test::server_broken]
    if {$broken ne ""} {
        ::test::count_fail $name "Not run: $broken"
        return
    }
    if {$::test::verbose} {
        puts "\[test\]: $name"
        flush stdout
    }
    set ::test::current_test $name
    set ::test::current_test_loc ""
    set ::test::current_test_loc [lindex [::test::user_location] end]
    set ::test::last_error_loc {}
    set start [clock milliseconds]
    set rc [catch {uplevel 1 $code} result opts]
    set elapsed [expr {[clock milliseconds] - $start}]
    set testloc $::test::current_test_loc
    set ::test::current_test ""
    set ::test::current_test_loc ""

    if {$rc == 1 && [dict get $opts -errorcode] eq "SKIP"} {
        ::test::count_skip $name $result
        return
    }
    if {$rc == 0 || $rc == 2} {
        if {$okpattern eq "__undefined__" || $okpattern eq $result ||
            [string match $okpattern $result]} {
            incr ::test::passed
            incr ::test::file_passed
            puts "\[ok\]: $name ($elapsed ms)"
            flush stdout
        } else {
            ::test::count_fail $name \
                "Expected the result to equal or match '[::test::trunc $okpattern]' but got '[::test::trunc $result]'\n(test at $testloc)"
        }
    } else {
        if {$rc == 1} {
            set ecode [dict get $opts -errorcode]
            if {[llength $::test::last_error_loc] &&
                [lindex $::test::last_error_loc 0] eq $result &&
                [lindex $::test::last_error_loc 1] ne ""} {
                set where [lindex $::test::last_error_loc 1]
            } else {
                set where [::test::errorinfo_location $testloc [dict get $opts -errorinfo]]
            }
            if {$ecode eq "ASSERTION"} {
                set msg "Assertion failed: [::test::trunc $result 2000]\n$where"
                set details ""
            } else {
                set msg "Error: [::test::trunc $result 2000]\n$where"
                set details ""
                if {$::test::verbose || ![string match "*unit/*:*" $where]} {
                    set details [dict get $opts -errorinfo]
                }
            }
        } else {
            set msg "Unexpected return code $rc (break/continue outside a loop?)\n(test at $testloc)"
            set details ""
        }
        set alive [::test::check_servers_alive]
        if {$alive ne ""} { append msg "\n$alive" }
        ::test::count_fail $name $msg $details
        ::test::check_server_health
        set broken [::test::server_broken]
        if {$broken ne ""} {
            puts "    (the remaining tests of this server block will not run: $broken)"
        }
        if {$::test::dump_logs} { ::test::dump_server_logs }
    }
}

# Best effort: "at unit/foo.tcl:LINE" from an errorInfo trace.
proc ::test::errorinfo_location {testloc einfo} {
    set line ""
    foreach {-> n} [regexp -all -inline {\("uplevel" body line (\d+)\)} $einfo] {
        set line $n
    }
    if {$line ne "" && [regexp {^(.*):(\d+)$} $testloc -> f l]} {
        return "at $f:[expr {$l + $line - 1}]"
    }
    return "(test at $testloc)"
}

# Report failures that happen outside of any test (e.g. inside a
# start_server body but between tests).
proc ::test::exception {what msg {einfo ""}} {
    ::test::count_fail "($what)" $msg $einfo
}
