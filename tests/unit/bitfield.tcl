# BITFIELD and BITFIELD_RO: GET/SET/INCRBY on signed i1..i64 and unsigned
# u1..u63 fields, #N offsets, OVERFLOW WRAP/SAT/FAIL (null for a refused
# write in RESP2 and RESP3), several operations in one call, every error
# text, keyspace events, the change counter, MULTI/EXEC and COMMAND
# GETKEYSANDFLAGS.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/bitfield
# Nothing here is redis-kv-only.

# What a field of `bits` bits (signed when sign is 1) holds after adding
# incr to value under WRAP: the exact sum reduced modulo 2^bits into the
# field's range.
proc bf_wrap {sign bits value incr} {
    set range [expr {2 ** $bits}]
    set r [expr {($value + $incr) % $range}]
    if {$r < 0} { incr r $range }
    if {$sign && $r >= $range / 2} { set r [expr {$r - $range}] }
    return $r
}

# The limits of a field, as {min max}.
proc bf_limits {sign bits} {
    if {$sign} { return [list [expr {-(2 ** ($bits - 1))}] [expr {2 ** ($bits - 1) - 1}]] }
    return [list 0 [expr {2 ** $bits - 1}]]
}

proc bf_dirty {} { server_info_field r rdb_changes_since_last_save }

start_server {tags {bitfield}} {
    test {BITFIELD SET answers the old value, GET reads the new one} {
        r del k
        assert_equal {0} [r bitfield k set u8 0 200]
        assert_equal {200} [r bitfield k set u8 0 7]
        assert_equal {7} [r bitfield k get u8 0]
        assert_equal "\x07" [r get k]
    }

    test {BITFIELD signed fields read two's complement} {
        r del k
        r bitfield k set i8 0 -2
        assert_equal "\xfe" [r get k]
        assert_equal {-2 254 -1 14} [r bitfield k get i8 0 get u8 0 get i4 0 get u4 4]
    }

    test {BITFIELD fields at unaligned offsets span bytes} {
        r del k
        r bitfield k set u12 4 4095
        assert_equal "\x0f\xff" [r get k]
        assert_equal {255 15 -1} [r bitfield k get u8 4 get u4 12 get i12 4]
    }

    test {BITFIELD #N offsets count in units of the field width} {
        r del k
        r bitfield k set u8 #0 72 set u8 #1 105 set u8 #2 33
        assert_equal "Hi!" [r get k]
        r bitfield k set u4 #1 15
        assert_equal {79} [r bitfield k get u8 #0]
        # N * width wraps around 2^64 as in Redis: this is offset 8.
        assert_equal [r bitfield k get u8 8] [r bitfield k get u8 #2305843009213693953]
    }

    test {BITFIELD 64-bit signed and 63-bit unsigned extremes} {
        r del k
        r bitfield k set i64 0 -9223372036854775808
        assert_equal {-9223372036854775808 -9223372036854775808} [r bitfield k get i64 0 set i64 0 9223372036854775807]
        assert_equal {9223372036854775807} [r bitfield k get i64 0]
        r bitfield k set u63 0 9223372036854775807
        assert_equal {9223372036854775807 -1} [r bitfield k get u63 0 get i64 0]
    }

    test {BITFIELD runs several operations in order, one reply each} {
        r del k
        assert_equal {0 20 20 20} [r bitfield k set u8 0 10 incrby u8 0 10 get u8 0 incrby u8 0 0]
    }

    test {BITFIELD GET past the end of the value, or on a missing key, reads zeros} {
        r set k "\xff"
        assert_equal {0 240} [r bitfield k get u8 8 get u8 4]
        r del nokey
        assert_equal {0 0} [r bitfield nokey get i64 0 get u1 1000]
        assert_equal 0 [r exists nokey]
    }

    test {BITFIELD with no operation answers an empty array} {
        assert_equal {} [r bitfield k]
        assert_equal "*0\r\n" [raw_reply bitfield k]
        assert_equal "*0\r\n" [raw_reply bitfield k overflow sat]
    }

    test {BITFIELD OVERFLOW WRAP, SAT and FAIL on increments} {
        r del k
        r bitfield k set u8 0 250 set i8 8 120
        assert_equal {4} [r bitfield k incrby u8 0 10]
        assert_equal {-126} [r bitfield k incrby i8 8 10]
        assert_equal {255 127} [r bitfield k overflow sat incrby u8 0 1000 incrby i8 8 1000]
        assert_equal {0 -128} [r bitfield k overflow sat incrby u8 0 -1000 incrby i8 8 -1000]
        assert_equal {{} {}} [r bitfield k overflow fail incrby u8 0 -1 incrby i8 8 -1]
        assert_equal {0 -128} [r bitfield k get u8 0 get i8 8]
    }

    test {BITFIELD OVERFLOW applies to the operations after it, and changes at will} {
        r del k
        r bitfield k set u8 0 255
        assert_equal {0 {} 255} [r bitfield k incrby u8 0 1 overflow fail incrby u8 0 -1 overflow sat incrby u8 0 255]
    }

    test {BITFIELD OVERFLOW on SET: values outside the field's range} {
        r del k
        assert_equal {0 44} [r bitfield k set u8 0 300 get u8 0]
        assert_equal {44 255} [r bitfield k overflow sat set u8 0 300 get u8 0]
        assert_equal {{} 255} [r bitfield k overflow fail set u8 0 256 get u8 0]
        assert_equal {255 255} [r bitfield k overflow sat set u8 0 -1 get u8 0]
        assert_equal {-1 127} [r bitfield k overflow sat set i8 0 200 get i8 0]
        assert_equal {127 -128} [r bitfield k overflow sat set i8 0 -200 get i8 0]
    }

    test {BITFIELD FAIL answers null in RESP2 and RESP3} {
        r del k
        r bitfield k set u8 0 255
        assert_equal "*1\r\n\$-1\r\n" [raw_reply bitfield k overflow fail incrby u8 0 1]
        assert_equal "*2\r\n_\r\n:255\r\n" [raw_reply3 bitfield k overflow fail incrby u8 0 1 get u8 0]
    }

    test {BITFIELD overflow rules over random fields match a Tcl model} {
        r del k
        for {set i 0} {$i < 300} {incr i} {
            set bits [expr {1 + [randomInt 64]}]
            set sign [expr {$bits == 64 ? 1 : [randomInt 2]}]
            set type [expr {$sign ? "i" : "u"}]$bits
            lassign [bf_limits $sign $bits] min max
            # entier, not randomInt's int(): int() keeps only 64 bits.
            set value [expr {min($max, $min + entier(rand() * ($max - $min + 1)))}]
            set incr [expr {$min - $max + entier(rand() * (2 * ($max - $min) + 1))}]
            if {$incr > 9223372036854775807} { set incr 9223372036854775807 }
            if {$incr < -9223372036854775808} { set incr -9223372036854775808 }
            set sum [expr {$value + $incr}]
            r bitfield k set $type 0 $value
            set wrap [lindex [r bitfield k overflow wrap incrby $type 0 $incr] 0]
            assert_equal [bf_wrap $sign $bits $value $incr] $wrap "wrap $type $value+$incr"
            r bitfield k set $type 0 $value
            set sat [lindex [r bitfield k overflow sat incrby $type 0 $incr] 0]
            set want [expr {$sum > $max ? $max : ($sum < $min ? $min : $sum)}]
            assert_equal $want $sat "sat $type $value+$incr"
            r bitfield k set $type 0 $value
            set fail [lindex [r bitfield k overflow fail incrby $type 0 $incr] 0]
            set want [expr {$sum > $max || $sum < $min ? {} : $sum}]
            assert_equal $want $fail "fail $type $value+$incr"
        }
    }

    test {BITFIELD grows the value to its highest written bit, even when every write fails} {
        r del k
        assert_equal {{}} [r bitfield k overflow fail set u8 16 1000]
        assert_equal "\x00\x00\x00" [r get k]
        r set k "\x01"
        assert_equal {0} [r bitfield k set u1 31 0]
        assert_equal "\x01\x00\x00\x00" [r get k]
    }

    test {BITFIELD writes far apart land in one value} {
        r del k
        r bitfield k set u8 0 1 set u8 800000 2
        assert_equal 100001 [r strlen k]
        assert_equal {1 2 0} [r bitfield k get u8 0 get u8 800000 get u8 400000]
    }

    test {BITFIELD keeps the key's TTL} {
        r set k abc ex 1000
        r bitfield k set u8 0 1
        assert_range [r ttl k] 900 1000
    }

    test {BITFIELD argument errors} {
        set typeErr "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
        set offErr "ERR bit offset is not an integer or out of range"
        assert_error_equal $typeErr {r bitfield k get u64 0}
        assert_error_equal $typeErr {r bitfield k get i65 0}
        assert_error_equal $typeErr {r bitfield k get i0 0}
        assert_error_equal $typeErr {r bitfield k get I8 0}
        assert_error_equal $typeErr {r bitfield k get x8 0}
        assert_error_equal $typeErr {r bitfield k get u 0}
        assert_error_equal $offErr {r bitfield k get u8 -1}
        assert_error_equal $offErr {r bitfield k get u8 #-1}
        assert_error_equal $offErr {r bitfield k get u8 #}
        assert_error_equal $offErr {r bitfield k get u8 x}
        assert_error_equal $offErr {r bitfield k set u8 4294967296 1}
        assert_error_equal $offErr {r bitfield k set u8 #536870912 1}
        assert_error_equal "ERR value is not an integer or out of range" {r bitfield k set u8 0 x}
        assert_error_equal "ERR value is not an integer or out of range" {r bitfield k incrby u8 0 1.5}
        assert_error_equal "ERR Invalid OVERFLOW type specified" {r bitfield k overflow none}
        assert_error_equal "ERR syntax error" {r bitfield k overflow}
        assert_error_equal "ERR syntax error" {r bitfield k get u8}
        assert_error_equal "ERR syntax error" {r bitfield k set u8 0}
        assert_error_equal "ERR syntax error" {r bitfield k incrby u8 0}
        assert_error_equal "ERR syntax error" {r bitfield k del u8 0}
        assert_error_equal "ERR wrong number of arguments for 'bitfield' command" {r bitfield}
    }

    test {BITFIELD checks every argument before doing anything} {
        r del k
        assert_error_equal "ERR syntax error" {r bitfield k set u8 0 1 bogus}
        assert_equal 0 [r exists k]
    }

    test {BITFIELD_RO reads like BITFIELD GET and refuses writes} {
        r set k "\x12\x34"
        assert_equal {18 52 4660} [r bitfield_ro k get u8 0 get u8 8 get u16 0]
        assert_equal {} [r bitfield_ro k]
        assert_equal {18} [r bitfield_ro k overflow wrap get u8 0]
        assert_error_equal "ERR BITFIELD_RO only supports the GET subcommand" {r bitfield_ro k set u8 0 1}
        assert_error_equal "ERR BITFIELD_RO only supports the GET subcommand" {r bitfield_ro k get u8 0 incrby u8 0 1}
        assert_error_equal "ERR syntax error" {r bitfield_ro k get u8 0 set u8 0}
        assert_error_equal "ERR wrong number of arguments for 'bitfield_ro' command" {r bitfield_ro}
        assert_equal "\x12\x34" [r get k]
    }

    test {Keyspace events: one setbit per changing BITFIELD, keymiss for a read of a missing key} {
        r config set notify-keyspace-events KAm
        r del k nokey
        set rd [redis_deferring_client]
        $rd psubscribe __keyspace@0__:*
        $rd read
        r bitfield k set u8 0 1 set u8 8 2 incrby u8 0 1
        r bitfield k set u8 0 2             ;# same value: no event
        r bitfield k overflow fail incrby u8 0 1000
        r bitfield nokey get u8 0
        r bitfield_ro nokey get u8 0
        r bitfield k incrby u8 0 1
        set got {}
        for {set i 0} {$i < 4} {incr i} { lappend got [lrange [$rd read] 2 3] }
        assert_equal {{__keyspace@0__:k setbit} {__keyspace@0__:nokey keymiss} {__keyspace@0__:nokey keymiss} {__keyspace@0__:k setbit}} $got
        $rd close
        r config set notify-keyspace-events ""
    }

    test {BITFIELD counts one change per changing operation} {
        r del k
        set d [bf_dirty]
        r bitfield k set u8 0 1 set u8 8 2
        assert_equal [expr {$d + 2}] [bf_dirty]
        r bitfield k set u8 0 1 incrby u8 8 0 get u8 0
        assert_equal [expr {$d + 2}] [bf_dirty]
        r bitfield k set u8 0 5 set u8 0 5
        assert_equal [expr {$d + 3}] [bf_dirty]
        r bitfield k set u8 100 0
        assert_equal [expr {$d + 4}] [bf_dirty]
    }

    test {BITFIELD inside MULTI/EXEC} {
        r del k
        r multi
        r bitfield k set u8 0 9
        r bitfield k incrby u8 0 1 get u8 0
        assert_equal {0 {10 10}} [r exec]
    }
}
