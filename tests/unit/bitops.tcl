# Bitmap commands: SETBIT GETBIT BITCOUNT (start end BYTE|BIT) BITPOS (bit
# start end BYTE|BIT) BITOP AND/OR/XOR/NOT; bit numbering, index rules,
# every error text, RESP2/RESP3 replies, keyspace events, the change
# counter, MULTI/EXEC, WATCH, TTLs and proto-max-bulk-len limits.
# BITFIELD and BITFIELD_RO are in unit/bitfield.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/bitops
# Nothing here is redis-kv-only.

# ------------------------------------------------------------------ helpers

# The bits of string s as a string of 0/1, most significant bit first.
proc bo_bits {s} {
    binary scan $s B* b
    return $b
}

# Set bits among bit indexes first..last of s (Tcl's own count).
proc bo_count {s {first 0} {last end}} {
    string length [string map {0 {}} [string range [bo_bits $s] $first $last]]
}

# Index of the first `bit` among bits first..last of s, or -1.
proc bo_find {s bit {first 0} {last end}} {
    set i [string first $bit [string range [bo_bits $s] $first $last]]
    expr {$i < 0 ? -1 : $i + $first}
}

# BITOP computed in Tcl: sources zero-padded to the longest.
proc bo_op {op args} {
    set max 0
    foreach s $args { if {[string length $s] > $max} { set max [string length $s] } }
    set out {}
    for {set i 0} {$i < $max} {incr i} {
        set acc -1
        foreach s $args {
            set b 0
            if {$i < [string length $s]} { binary scan [string index $s $i] cu b }
            switch $op {
                and { set acc [expr {$acc < 0 ? $b : $acc & $b}] }
                or  { set acc [expr {$acc < 0 ? $b : $acc | $b}] }
                xor { set acc [expr {$acc < 0 ? $b : $acc ^ $b}] }
                not { set acc [expr {~$b & 255}] }
            }
        }
        append out [binary format c $acc]
    }
    return $out
}

# The next n keyspace events a psubscribed deferring client got, as
# {key event} pairs (db 9 is the test database).
proc bo_events {rd n} {
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        set f [$rd read]
        lappend out [list [string range [lindex $f 2] 15 end] [lindex $f 3]]
    }
    return $out
}

proc bo_dirty {} { server_info_field r rdb_changes_since_last_save }

start_server {tags {bitops}} {
    r select 9

    # ------------------------------------------------------------ SETBIT
    test {SETBIT creates the key, numbers bits from the top of byte 0, answers the old bit} {
        r del k
        assert_equal 0 [r setbit k 1 1]
        assert_equal "\x40" [r get k]
        assert_equal 0 [r setbit k 7 1]
        assert_equal 1 [r setbit k 7 1]
        assert_equal "\x41" [r get k]
        assert_equal 1 [r setbit k 1 0]
        assert_equal "\x01" [r get k]
    }

    test {SETBIT past the end zero-pads the value} {
        r set k "A"
        assert_equal 0 [r setbit k 23 1]
        assert_equal "A\x00\x01" [r get k]
        assert_equal 3 [r strlen k]
    }

    test {SETBIT with 0 on a missing key still creates a zero byte} {
        r del k
        assert_equal 0 [r setbit k 10 0]
        assert_equal "\x00\x00" [r get k]
    }

    test {SETBIT keeps the key's TTL} {
        r set k abc ex 1000
        r setbit k 0 1
        assert_range [r ttl k] 900 1000
    }

    test {SETBIT argument errors} {
        assert_error_equal "ERR bit offset is not an integer or out of range" {r setbit k -1 1}
        assert_error_equal "ERR bit offset is not an integer or out of range" {r setbit k x 1}
        assert_error_equal "ERR bit offset is not an integer or out of range" {r setbit k 4294967296 1}
        assert_error_equal "ERR bit offset is not an integer or out of range" {r setbit k #1 1}
        assert_error_equal "ERR bit is not an integer or out of range" {r setbit k 0 2}
        assert_error_equal "ERR bit is not an integer or out of range" {r setbit k 0 -1}
        assert_error_equal "ERR bit is not an integer or out of range" {r setbit k 0 x}
        assert_error_equal "ERR wrong number of arguments for 'setbit' command" {r setbit k 0}
        assert_error_equal "ERR wrong number of arguments for 'setbit' command" {r setbit k 0 1 1}
    }

    test {SETBIT offsets are limited by proto-max-bulk-len} {
        set old [lindex [r config get proto-max-bulk-len] 1]
        r config set proto-max-bulk-len 1048576
        r del k
        assert_equal 0 [r setbit k 8388607 1]
        assert_equal 1048576 [r strlen k]
        assert_error_equal "ERR bit offset is not an integer or out of range" {r setbit k 8388608 1}
        r config set proto-max-bulk-len $old
        r del k
    }

    test {SETBIT at a large offset grows the value to that byte} {
        r del k
        r setbit k [expr {8 * 1000000 + 3}] 1
        assert_equal 1000001 [r strlen k]
        assert_equal 1 [r getbit k 8000003]
        assert_equal 1 [r bitcount k]
        r del k
    }

    # ------------------------------------------------------------ GETBIT
    test {GETBIT reads bits, 0 past the end and for a missing key} {
        r set k "\x80\x01"
        assert_equal 1 [r getbit k 0]
        assert_equal 0 [r getbit k 1]
        assert_equal 1 [r getbit k 15]
        assert_equal 0 [r getbit k 16]
        assert_equal 0 [r getbit k 4294967295]
        r del nokey
        assert_equal 0 [r getbit nokey 3]
    }

    test {GETBIT argument errors} {
        assert_error_equal "ERR bit offset is not an integer or out of range" {r getbit k -1}
        assert_error_equal "ERR bit offset is not an integer or out of range" {r getbit k 1.5}
        assert_error_equal "ERR bit offset is not an integer or out of range" {r getbit k 4294967296}
        assert_error_equal "ERR wrong number of arguments for 'getbit' command" {r getbit k}
    }

    test {SETBIT and GETBIT reply integers in RESP2 and RESP3} {
        r del k
        assert_equal ":0\r\n" [raw_reply setbit k 3 1]
        assert_equal ":1\r\n" [raw_reply3 getbit k 3]
    }

    # ---------------------------------------------------------- BITCOUNT
    test {BITCOUNT of a whole value, of an empty one, of a missing key} {
        r set k foobar
        assert_equal [bo_count foobar] [r bitcount k]
        r set k ""
        assert_equal 0 [r bitcount k]
        r del k
        assert_equal 0 [r bitcount k]
    }

    test {BITCOUNT byte ranges: negative indexes, clamping, empty ranges} {
        r set k foobar
        assert_equal [bo_count oo] [r bitcount k 1 2]
        assert_equal [bo_count ooba] [r bitcount k 1 -2]
        assert_equal [bo_count ar] [r bitcount k -2 -1]
        assert_equal [bo_count foobar] [r bitcount k -100 100]
        assert_equal 0 [r bitcount k 4 2]
        assert_equal 0 [r bitcount k 6 10]
        assert_equal 0 [r bitcount k -1 -2]
        assert_equal [bo_count ooba] [r bitcount k 1 -2 BYTE]
    }

    test {BITCOUNT bit ranges} {
        r set k foobar
        foreach {s e} {0 0 0 7 3 12 5 45 -9 -1 -48 -40 10 1000 -1000 3 7 7 20 19} {
            set n [llength [list x]]
            set tot [expr {6 * 8}]
            set ts [expr {$s < 0 ? $tot + $s : $s}]
            set te [expr {$e < 0 ? $tot + $e : $e}]
            if {$ts < 0} { set ts 0 }
            if {$te >= $tot} { set te [expr {$tot - 1}] }
            set want [expr {$ts > $te ? 0 : [bo_count foobar $ts $te]}]
            assert_equal $want [r bitcount k $s $e bit] "range $s $e"
        }
    }

    test {BITCOUNT over random values matches a Tcl count} {
        for {set i 0} {$i < 50} {incr i} {
            set v [randstring 0 300]
            r set k $v
            set bits [expr {[string length $v] * 8}]
            assert_equal [bo_count $v] [r bitcount k]
            set s [randomInt [expr {$bits + 1}]]
            set e [randomInt [expr {$bits + 1}]]
            if {$s > $e} { lassign [list $e $s] s e }
            set want [expr {$s >= $bits ? 0 : [bo_count $v $s $e]}]
            assert_equal $want [r bitcount k $s $e bit]
        }
    }

    test {BITCOUNT argument errors, and the checks a missing key skips} {
        r set k foobar
        assert_error_equal "ERR syntax error" {r bitcount k 0}
        assert_error_equal "ERR syntax error" {r bitcount k 0 1 bits}
        assert_error_equal "ERR syntax error" {r bitcount k 0 1 bit x}
        assert_error_equal "ERR value is not an integer or out of range" {r bitcount k a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r bitcount k 0 1.0}
        assert_error_equal "ERR wrong number of arguments for 'bitcount' command" {r bitcount}
        # Two negative indexes with start > end answer 0 before the unit.
        assert_equal 0 [r bitcount k -1 -2 nonsense]
        # A missing key answers 0 whatever follows.
        r del nokey
        assert_equal 0 [r bitcount nokey 0]
        assert_equal 0 [r bitcount nokey a b c d]
    }

    # ------------------------------------------------------------ BITPOS
    test {BITPOS finds the first set and clear bits} {
        r set k "\x00\x0f\xff"
        assert_equal 12 [r bitpos k 1]
        assert_equal 0 [r bitpos k 0]
        r set k "\xff\xf0\x00"
        assert_equal 12 [r bitpos k 0]
        assert_equal 0 [r bitpos k 1]
    }

    test {BITPOS of a missing key: 0 for a clear bit, -1 for a set one} {
        r del nokey
        assert_equal 0 [r bitpos nokey 0]
        assert_equal -1 [r bitpos nokey 1]
        assert_equal 0 [r bitpos nokey 0 5 7 bit]
        assert_equal 0 [r bitpos nokey 0 not-a-number]
    }

    test {BITPOS of an empty value is -1 for either bit} {
        r set k ""
        assert_equal -1 [r bitpos k 0]
        assert_equal -1 [r bitpos k 1]
        assert_equal -1 [r bitpos k 0 0]
    }

    test {BITPOS for a clear bit in an all-ones value: past the end unless an end is given} {
        r set k "\xff\xff"
        assert_equal 16 [r bitpos k 0]
        assert_equal 16 [r bitpos k 0 1]
        assert_equal -1 [r bitpos k 0 0 -1]
        assert_equal -1 [r bitpos k 0 0 -1 bit]
        assert_equal -1 [r bitpos k 1 2]
    }

    test {BITPOS byte and bit ranges} {
        r set k "\x00\xff\x00"
        assert_equal 8 [r bitpos k 1 1]
        assert_equal -1 [r bitpos k 1 2]
        assert_equal 16 [r bitpos k 0 1]
        assert_equal -1 [r bitpos k 0 1 1]
        assert_equal 8 [r bitpos k 1 5 -1 bit]
        assert_equal 10 [r bitpos k 1 10 12 bit]
        assert_equal 16 [r bitpos k 0 8 -1 bit]
        assert_equal -1 [r bitpos k 1 3 1]
        assert_equal 8 [r bitpos k 1 -2 -2 BYTE]
        assert_equal 3 [r bitpos k 0 3 3 bit]
    }

    test {BITPOS over random values matches a Tcl search} {
        for {set i 0} {$i < 50} {incr i} {
            set v [randstring 1 200]
            r set k $v
            set bits [expr {[string length $v] * 8}]
            foreach bit {0 1} {
                set s [randomInt $bits]
                set e [randomInt $bits]
                if {$s > $e} { lassign [list $e $s] s e }
                assert_equal [bo_find $v $bit $s $e] [r bitpos k $bit $s $e bit]
            }
        }
    }

    test {BITPOS argument errors} {
        r set k abc
        assert_error_equal "ERR The bit argument must be 1 or 0." {r bitpos k 2}
        assert_error_equal "ERR The bit argument must be 1 or 0." {r bitpos nokey -1}
        assert_error_equal "ERR value is not an integer or out of range" {r bitpos k x}
        assert_error_equal "ERR value is not an integer or out of range" {r bitpos k 1 x}
        assert_error_equal "ERR value is not an integer or out of range" {r bitpos k 1 0 x}
        assert_error_equal "ERR syntax error" {r bitpos k 1 0 1 bytes}
        assert_error_equal "ERR syntax error" {r bitpos k 1 0 1 bit x}
        assert_error_equal "ERR wrong number of arguments for 'bitpos' command" {r bitpos k}
    }

    # ------------------------------------------------------------- BITOP
    test {BITOP AND, OR, XOR zero-pad shorter sources; the reply is the result length} {
        r set a "\x0f\xf0\xaa"
        r set b "\xff\x0f"
        foreach op {and or xor} {
            assert_equal 3 [r bitop $op dest a b]
            assert_equal [bo_op $op "\x0f\xf0\xaa" "\xff\x0f"] [r get dest]
        }
    }

    test {BITOP NOT flips every bit of its one source} {
        r set a "\x00\xff\x5a"
        assert_equal 3 [r bitop not dest a]
        assert_equal "\xff\x00\xa5" [r get dest]
        assert_equal 3 [r bitop not a a]
        assert_equal "\xff\x00\xa5" [r get a]
    }

    test {BITOP with missing sources reads them as empty strings} {
        r del nokey
        r set a "\x01\x02"
        assert_equal 2 [r bitop and dest nokey a]
        assert_equal "\x00\x00" [r get dest]
        assert_equal 2 [r bitop or dest nokey a nokey]
        assert_equal "\x01\x02" [r get dest]
    }

    test {BITOP with an empty result deletes the destination} {
        r set dest something
        r del nokey
        assert_equal 0 [r bitop or dest nokey nokey]
        assert_equal 0 [r exists dest]
        r set e ""
        assert_equal 0 [r bitop not dest e]
        assert_equal 0 [r exists dest]
    }

    test {BITOP replaces the destination and drops its TTL} {
        r set dest old ex 1000
        r set a x
        r bitop or dest a
        assert_equal x [r get dest]
        assert_equal -1 [r ttl dest]
    }

    test {BITOP over random sources matches a Tcl computation} {
        foreach op {and or xor} {
            for {set i 0} {$i < 10} {incr i} {
                set vals {}
                set keys {}
                for {set j 0} {$j < 1 + [randomInt 5]} {incr j} {
                    set v [randstring 0 100]
                    lappend vals $v
                    lappend keys src$j
                    r set src$j $v
                }
                r bitop $op dest {*}$keys
                if {[string length [bo_op $op {*}$vals]] == 0} {
                    assert_equal 0 [r exists dest]
                } else {
                    assert_equal [bo_op $op {*}$vals] [r get dest]
                }
            }
        }
    }

    test {BITOP argument errors} {
        assert_error_equal "ERR syntax error" {r bitop nand dest a}
        assert_error_equal "ERR BITOP NOT must be called with a single source key." {r bitop not dest a b}
        assert_error_equal "ERR wrong number of arguments for 'bitop' command" {r bitop and dest}
        assert_equal 1 [r bitop AnD dest a]
    }

    # ---------------------------------------------- events and bookkeeping
    test {Keyspace events: setbit when a bit or the length changes, set/del for BITOP, keymiss for readers} {
        r config set notify-keyspace-events KAm
        r del k nokey dest
        set rd [redis_deferring_client]
        $rd psubscribe __keyspace@9__:*
        $rd read
        r setbit k 0 1
        r setbit k 0 1      ;# no change: no event
        r setbit k 20 0     ;# grows: event
        r bitop not dest k
        r del k
        r bitop and dest k  ;# empty result: dest deleted
        r getbit nokey 0
        r bitcount nokey
        r bitpos nokey 1
        assert_equal {{k setbit} {k setbit} {dest set} {k del} {k keymiss} {dest del} {nokey keymiss} {nokey keymiss} {nokey keymiss}} [bo_events $rd 9]
        $rd close
        r config set notify-keyspace-events ""
    }

    test {SETBIT counts a change only when the bit or the length changed} {
        r del k
        set d [bo_dirty]
        r setbit k 0 0
        assert_equal [expr {$d + 1}] [bo_dirty]
        r setbit k 0 0
        r setbit k 7 0
        assert_equal [expr {$d + 1}] [bo_dirty]
        r setbit k 7 1
        r setbit k 15 0
        assert_equal [expr {$d + 3}] [bo_dirty]
    }

    test {SETBIT and BITOP inside MULTI/EXEC} {
        r del k dest
        r multi
        r setbit k 0 1
        r setbit k 0 0
        r bitop not dest k
        r getbit dest 0
        assert_equal {0 1 1 1} [r exec]
    }

    test {WATCH sees SETBIT, and a SETBIT that changes nothing does not touch the key} {
        r set k "\x80"
        r watch k
        r setbit k 0 1
        r multi
        r ping
        assert_equal PONG [r exec]
        r watch k
        r setbit k 0 0
        r multi
        r ping
        assert_equal {} [r exec]
    }

    test {Client tracking: bitmap reads are tracked, SETBIT and BITOP invalidate} {
        r set tk1 x
        r set tk2 x
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd select 9
        $rd read
        $rd client tracking on
        $rd read
        $rd getbit tk1 0
        $rd read
        $rd bitcount tk2
        $rd read
        r setbit tk1 0 1
        assert_equal {invalidate tk1} [$rd read]
        r bitop not tk2 tk1
        assert_equal {invalidate tk2} [$rd read]
        $rd close
    }

    test {Bitmaps survive DEBUG RELOAD} {
        r del k
        r setbit k 100 1
        r setbit k 3 1
        r debug reload
        assert_equal 1 [r getbit k 100]
        assert_equal 2 [r bitcount k]
        assert_equal 3 [r bitpos k 1]
    }
}
