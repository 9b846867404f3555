# SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: full iterations
# with every COUNT, MATCH and TYPE filters, the reply in RESP2 and RESP3,
# cursor and option errors (and their order), expired keys (never returned,
# deleted on the way), databases, binary keys, and Redis's guarantee: every
# key present for the whole iteration is returned at least once while keys
# are added and deleted and the table grows and shrinks in between calls.
#
# Checked against a real redis-server 7.0.15 (tests/runtest --server
# /usr/bin/redis-server --single unit/scan).  Cursor values are not
# compared: they depend on the hash function and the table size.

# ------------------------------------------------------------------ helpers

# Runs a whole SCAN iteration with ARGS (options after the cursor) through
# client C; returns the keys returned, duplicates removed, sorted.  BETWEEN,
# when given, is a script run (at the caller's level) after every call but
# the last, with the variable `step` set to the call number.
proc scan_all {c args} {
    set between ""
    if {[llength $args] && [lindex $args 0] eq "-between"} {
        set between [lindex $args 1]
        set args [lrange $args 2 end]
    }
    set cursor 0
    set seen {}
    set step 0
    while 1 {
        lassign [$c scan $cursor {*}$args] cursor keys
        foreach k $keys { dict set seen $k 1 }
        if {$cursor == 0} break
        incr step
        if {$between ne ""} {
            uplevel 1 [list set step $step]
            uplevel 1 $between
        }
        if {$step > 1000000} { error "SCAN did not end" }
    }
    return [lsort [dict keys $seen]]
}

# MSETs N keys PREFIX:0 .. PREFIX:N-1 through client C.
proc scan_fill {c prefix n {from 0}} {
    set args {}
    for {set i $from} {$i < $from + $n} {incr i} { lappend args $prefix:$i $i }
    if {[llength $args]} { $c mset {*}$args }
}

proc scan_names {prefix n {from 0}} {
    set out {}
    for {set i $from} {$i < $from + $n} {incr i} { lappend out $prefix:$i }
    return $out
}

# Fails unless every key of EXPECTED is in the sorted list GOT.
proc scan_assert_all_seen {got expected what} {
    set missing {}
    foreach k $expected {
        if {[lsearch -sorted -exact $got $k] < 0} { lappend missing $k }
    }
    if {[llength $missing]} {
        assert_failed "$what: [llength $missing] keys never returned, e.g. [lrange $missing 0 4]"
    }
}

start_server {tags {scan}} {
    r null_value (nil)

    test {SCAN of an empty database: cursor 0, no keys (RESP2 and RESP3)} {
        r flushall
        assert_equal {0 {}} [r scan 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply scan 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply3 scan 0]
        r set a 1
        assert_equal "*2\r\n\$1\r\n0\r\n*1\r\n\$1\r\na\r\n" [raw_reply scan 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*1\r\n\$1\r\na\r\n" [raw_reply3 scan 0]
    }

    test {SCAN returns every key, whatever the COUNT} {
        r flushall
        scan_fill r key 1000
        set all [lsort [scan_names key 1000]]
        assert_equal $all [scan_all r]
        foreach count {1 5 10 100 1000 100000} {
            assert_equal $all [scan_all r COUNT $count] "COUNT $count"
        }
    }

    test {SCAN COUNT is a hint: one call returns about COUNT keys} {
        r flushall
        scan_fill r key 1000
        lassign [r scan 0 COUNT 20] cursor keys
        assert {$cursor != 0}
        assert_range [llength $keys] 1 60
        # A COUNT above the number of buckets finishes in one call.
        r flushall
        scan_fill r key 100
        lassign [r scan 0 COUNT 1000] cursor keys
        assert_equal 0 $cursor
        assert_equal 100 [llength $keys]
    }

    test {SCAN MATCH filters the keys} {
        r flushall
        scan_fill r key 1000
        scan_fill r other 100
        set expected {}
        foreach k [scan_names key 1000] {
            if {[string match {key:1*} $k]} { lappend expected $k }
        }
        assert_equal [lsort $expected] [scan_all r MATCH key:1*]
        assert_equal [lsort [scan_names other 100]] [scan_all r MATCH other:* COUNT 50]
        assert_equal {} [scan_all r MATCH nomatch*]
        assert_equal 111 [llength [scan_all r MATCH {key:7*}]]
        assert_equal [list key:777] [scan_all r MATCH {key:7*} MATCH {key:7[7]7}]
        assert_equal 1100 [llength [scan_all r MATCH *]]
    }

    test {SCAN MATCH * returns the empty key name, other patterns do not} {
        r flushall
        r set "" empty
        r set a 1
        assert_equal [lsort [list "" a]] [scan_all r MATCH *]
        assert_equal [list a] [scan_all r MATCH **]
        assert_equal [list ""] [scan_all r MATCH ""]
    }

    test {SCAN with binary keys and patterns} {
        r flushall
        r set "bin\x00ary" 1
        r set "\xff\xfe" 2
        r set "new\r\nline" 3
        assert_equal 3 [llength [scan_all r]]
        assert_equal [list "bin\x00ary"] [scan_all r MATCH "bin\x00*"]
        assert_equal [list "\xff\xfe"] [scan_all r MATCH "\[\xfe-\xff\]?"]
        assert_equal [list "new\r\nline"] [scan_all r MATCH "*\n*"]
    }

    test {SCAN TYPE: string (any case) returns the keys, none or an unknown type nothing} {
        r flushall
        scan_fill r key 100
        set all [lsort [scan_names key 100]]
        assert_equal $all [scan_all r TYPE string]
        assert_equal $all [scan_all r TYPE STRING]
        assert_equal $all [scan_all r type String COUNT 7]
        assert_equal {} [scan_all r TYPE none]
        assert_equal {} [scan_all r TYPE list]
        assert_equal {} [scan_all r TYPE foo]
        assert_equal [list key:42] [scan_all r MATCH key:42 TYPE string]
    }

    test {SCAN options in any order, repeated (the last wins), any case} {
        r flushall
        scan_fill r key 100
        assert_equal [list key:5] [scan_all r count 3 match key:5 type string]
        assert_equal [list key:5] [scan_all r TYPE string COUNT 3 MATCH key:5]
        assert_equal [list key:5] [scan_all r MATCH nomatch MATCH key:5]
        assert_equal {} [scan_all r MATCH key:5 MATCH nomatch]
        assert_equal [list key:5] [scan_all r TYPE foo TYPE string MATCH key:5]
        assert_equal 100 [llength [scan_all r COUNT 1 COUNT 1000]]
    }

    test {SCAN only sees the selected database} {
        r flushall
        scan_fill r db0 50
        r select 9
        scan_fill r db9 30
        assert_equal [lsort [scan_names db9 30]] [scan_all r]
        r select 0
        assert_equal [lsort [scan_names db0 50]] [scan_all r]
    }

    test {SCAN cursor errors} {
        r flushall
        r set a 1
        foreach cursor {abc " 0" "0 " 1.5 0x1 18446744073709551616 "\t1" "1a"} {
            assert_error_equal "ERR invalid cursor" {r scan $cursor} "cursor '$cursor'"
        }
        # The cursor is checked before the options.
        assert_error_equal "ERR invalid cursor" {r scan abc COUNT 0}
        assert_error_equal "ERR invalid cursor" {r scan abc foo}
        assert_equal "-ERR invalid cursor\r\n" [raw_reply scan x]
        # strtoul's forms are accepted: "" is 0, a sign, leading zeros, and
        # -1 wraps around to the largest cursor.
        foreach cursor {"" 00 +0 18446744073709551615 -1} {
            assert_equal 2 [llength [r scan $cursor]] "cursor '$cursor'"
        }
        assert_equal {0 a} [r scan ""]
    }

    test {SCAN option errors} {
        r flushall
        foreach opts {{COUNT 0} {COUNT -1} {COUNT -9223372036854775808} {COUNT} {MATCH}
                      {TYPE} {foo} {foo bar} {COUNT 10 MATCH} {MATCH * COUNT}
                      {COUNT 10 foo} {MATCH a COUNT 0}} {
            assert_error_equal "ERR syntax error" {r scan 0 {*}$opts} "SCAN 0 $opts"
        }
        foreach opts {{COUNT x} {COUNT 1.5} {COUNT ""} {COUNT 99999999999999999999}
                      {COUNT 10 COUNT x} {COUNT x foo}} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r scan 0 {*}$opts} "SCAN 0 $opts"
        }
        # The options are checked in order: the first bad one is reported.
        assert_error_equal "ERR syntax error" {r scan 0 foo COUNT x}
        # A huge COUNT is fine.
        r set a 1
        assert_equal {0 a} [r scan 0 COUNT 9223372036854775807]
    }

    test {SCAN wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'scan' command" {r scan}
    }

    test {SCAN never returns expired keys and deletes them on the way} {
        r flushall
        r debug set-active-expire 0
        scan_fill r live 100
        for {set i 0} {$i < 100} {incr i} { r set gone:$i v PX 1 }
        after 20
        assert_equal 200 [r dbsize]
        assert_equal [lsort [scan_names live 100]] [scan_all r COUNT 7]
        # Every expired key was met and deleted.
        assert_equal 100 [r dbsize]
        for {set i 0} {$i < 100} {incr i} { r set gone:$i v PX 1 }
        after 20
        assert_equal {} [scan_all r MATCH gone:*]
        assert_equal {} [scan_all r TYPE none]
        r debug set-active-expire 1
    }

    test {SCAN guarantee: keys present throughout are returned while others come and go} {
        r flushall
        scan_fill r key 1000
        # Half of the first keys are deleted after the first call, 1000 new
        # ones added; the other half must all be returned.
        set gone {}
        set kept {}
        for {set i 0} {$i < 1000} {incr i} {
            if {$i % 2} { lappend gone key:$i } else { lappend kept key:$i }
        }
        set got [scan_all r -between {
            if {$step == 1} {
                r del {*}$gone
                scan_fill r new 1000
            }
        } COUNT 10]
        scan_assert_all_seen $got $kept "after deleting half and adding 1000"
        assert_equal 1500 [r dbsize]
    }

    test {SCAN guarantee across growing and shrinking tables} {
        r flushall
        scan_fill r stay 200
        set stay [scan_names stay 200]
        # Grows from 200 to 20200 keys in steps while the iteration runs
        # (several resizes and rehashes), then shrinks back.
        set last 0
        set got [scan_all r -between {
            set last $step
            if {$step <= 20} {
                scan_fill r grow 1000 [expr {($step - 1) * 1000}]
            } elseif {$step <= 40} {
                r del {*}[scan_names grow 1000 [expr {($step - 21) * 1000}]]
            }
        } COUNT 5]
        assert_morethan $last 40 "calls of the iteration (the shrinking must have happened during it)"
        scan_assert_all_seen $got [lsort $stay] "while the table grew and shrank"
        # And a fresh iteration on the final table sees exactly what is there.
        assert_equal [lsort [r keys *]] [scan_all r COUNT 3]
    }

    test {SCAN guarantee while keys change at every call} {
        r flushall
        scan_fill r stay 500
        scan_fill r churn 500
        set stay [lsort [scan_names stay 500]]
        set n 500
        set got [scan_all r -between {
            # Delete two churn keys and add three new ones per call.
            r del churn:[expr {$step * 2}] churn:[expr {$step * 2 + 1}]
            scan_fill r churn 3 [expr {$n}]
            incr n 3
        } COUNT 3]
        scan_assert_all_seen $got $stay "with keys changing at every call"
    }
}
