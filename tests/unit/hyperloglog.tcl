# HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST and the
# hll-sparse-max-bytes config.  HLLs are strings in Redis's byte format, so
# most tests compare GET with the bytes redis-server 7.0.15 produced for the
# same commands (recorded below as hex, or as an FNV-1a checksum of the
# value for 12 KB dense values); counts are Redis's to the unit.  Also:
# corrupt values and their errors, events, WATCH, MULTI and TTLs.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/hyperloglog
# Nothing here is redis-kv-only.

# ------------------------------------------------------------------ helpers

proc hll_hex {key} { binary encode hex [r get $key] }

# FNV-1a (32 bit) of a byte string.
proc hll_fnv {bytes} {
    set h 2166136261
    binary scan $bytes cu* vals
    foreach v $vals {
        set h [expr {(($h ^ $v) * 16777619) & 0xffffffff}]
    }
    return $h
}

# Adds e-FROM .. e-TO to KEY, 1000 elements per PFADD.
proc hll_add_series {key from to} {
    for {set i $from} {$i <= $to} {incr i 1000} {
        set batch {}
        set last [expr {min($to, $i + 999)}]
        for {set j $i} {$j <= $last} {incr j} { lappend batch e-$j }
        r pfadd $key {*}$batch
    }
}

# The integers FROM .. TO.
proc hll_seq {from to} {
    set out {}
    for {set i $from} {$i <= $to} {incr i} { lappend out $i }
    return $out
}

# A deferring client subscribed to every keyspace and keyevent channel.
proc hll_subscriber {} {
    set rd [redis_deferring_client]
    $rd psubscribe __key*__:*
    $rd read
    return $rd
}

# The {channel payload} pairs RD received before the first event about the
# key END (the test touches END last, as a marker); closes RD.
proc hll_events_until {rd end} {
    set out {}
    while 1 {
        lassign [$rd read] kind pattern channel payload
        if {[string match *:$end $channel] || $payload eq $end} break
        lappend out [list $channel $payload]
    }
    $rd close
    return $out
}

# What redis-server 7.0.15 stores for these commands.
set ::hll_empty 48594c4c0100000000000000000000807fff
set ::hll_abc 48594c4c01000000000000000000008060f38050b1844bfb80425a
set ::hll_abc_counted 48594c4c01000000030000000000000060f38050b1844bfb80425a
set ::hll_abcd 48594c4c0100000003000000000000805c7b8044768050b1844bfb80425a
# PFADD e-1 .. e-100, then PFCOUNT (100).
set ::hll_100 48594c4c01000000640000000000000040d288412f80409f88408f84404390411c8840488c40d69440e680406d803f8c208c404084413e8040b88840df8842d8804095803b900b8010a040568041458041228404844071803688406584416b9040548040dd84416c8840a7800c80407a8040e28440708040cb844140844096803280409a8041748040928440418440908840508026884090803a80407388441780408184405784409c884082843788409080404584414680409d8040f184404b8035881580412984405d80405b8440b888405480208c1d800184419e8440478041318043f08037800b803e80168040ea84407d8040f5804076880e80388040808c4040941b80405f8040a480409c80404088048440688441a3803884405b84088040f1
# ... then PFADD e-101 .. e-120.
set ::hll_120 48594c4c01000000640000000000008040d288412f80409f88408f84404390411c8840488c404d8040879440e680406d803f8c208c40408440e99440538040b88840df8842d8804095803b900b8010a0405680414580412284048419844056803688406584416b90405480406a840984406684416c8840a7800c80407a8040e28440708040cb8441408440968032802494404988298041748040598c378440418440908840508026884090803a80407388404a84436e80405b804081844057844060843a88408284378840908040458440e484406080409d8040f184404b8035881580412984405d80405b8440b888405480208c1d8001842484417884404780410f80208042e18c40f1801a801c8019800b803e80168040ea84407d8040f5804076880e80388040808c4040941b80405f8040a480409c8040408804844068844071844130803884405b84088040cc84088019

start_server {tags {hll}} {

    # ---------------------------------------------------------------- bytes
    test {PFADD without elements creates an empty sparse HLL} {
        r flushdb
        assert_equal 1 [r pfadd h]
        assert_equal $::hll_empty [hll_hex h]
        assert_equal 0 [r pfadd h]
        assert_equal 0 [r pfcount h]
        assert_equal sparse [r pfdebug encoding h]
    }

    test {PFADD stores Redis's bytes and answers 1 only when a register changed} {
        r del h
        assert_equal 1 [r pfadd h a b c]
        assert_equal $::hll_abc [hll_hex h]
        assert_equal 0 [r pfadd h a b c]
        assert_equal 0 [r pfadd h a]
        assert_equal $::hll_abc [hll_hex h]
    }

    test {PFCOUNT caches the count in the header; PFADD sets only the invalid bit} {
        r del h
        r pfadd h a b c
        assert_equal 3 [r pfcount h]
        assert_equal $::hll_abc_counted [hll_hex h]
        assert_equal 3 [r pfcount h]
        r pfadd h d
        assert_equal $::hll_abcd [hll_hex h]
        assert_equal 4 [r pfcount h]
    }

    test {PFCOUNT answers the cached value without looking at the registers} {
        r del h
        r pfadd h a b c
        r pfcount h
        r setrange h 8 [binary format c 42]
        assert_equal 42 [r pfcount h]
    }

    test {100 elements: Redis's sparse bytes and count} {
        r del h
        hll_add_series h 1 100
        assert_equal 100 [r pfcount h]
        assert_equal $::hll_100 [hll_hex h]
    }

    test {A value written by Redis is read and updated as Redis does} {
        r del h
        r set h [binary decode hex $::hll_100]
        assert_equal 100 [r pfcount h]
        assert_equal 1 [r pfadd h {*}[lmap i [hll_seq 101 120] {set _ e-$i}]]
        assert_equal $::hll_120 [hll_hex h]
        assert_equal 120 [r pfcount h]
    }

    test {Counts, encodings and bytes match Redis from 1 to 100000 elements} {
        # {elements count encoding length fnv-of-value-after-PFCOUNT}
        set expect {
            {1 1 sparse 21 3173735254}
            {2 2 sparse 24 3245931824}
            {10 10 sparse 48 2955247699}
            {1000 995 sparse 1881 1143557294}
            {5000 5059 dense 12304 2214398164}
            {20000 19770 dense 12304 3145689921}
            {100000 99502 dense 12304 243732546}
        }
        set got {}
        foreach e $expect {
            lassign $e n
            r del h
            hll_add_series h 1 $n
            set card [r pfcount h]
            set v [r get h]
            lappend got [list $n $card [r pfdebug encoding h] [string length $v] [hll_fnv $v]]
        }
        assert_equal [lrange $expect 0 end] $got
    }

    test {PFADD of an empty string element (regression)} {
        r del h
        assert_equal 1 [r pfadd h ""]
        assert_equal {Z:5938 v:2,1 Z:10445} [r pfdebug decode h]
    }

    # ------------------------------------------------------------ promotion
    test {hll-sparse-max-bytes: default, memory units and range} {
        assert_equal {hll-sparse-max-bytes 3000} [r config get hll-sparse-max-bytes]
        r config set hll-sparse-max-bytes 1kb
        assert_equal {hll-sparse-max-bytes 1024} [r config get hll-sparse-max-bytes]
        r config set hll-sparse-max-bytes 9223372036854775807
        assert_equal 9223372036854775807 [lindex [r config get hll-sparse-max-bytes] 1]
        assert_error {*argument must be between 0 and 9223372036854775807 inclusive*} \
            {r config set hll-sparse-max-bytes 9223372036854775808}
        assert_error {*argument must be a memory value*} {r config set hll-sparse-max-bytes -1}
        assert_error {*argument must be a memory value*} {r config set hll-sparse-max-bytes abc}
        r config set hll-sparse-max-bytes 3000
    }

    test {A sparse HLL turns dense once it would grow past hll-sparse-max-bytes} {
        r config set hll-sparse-max-bytes 100
        r del h
        hll_add_series h 1 19
        assert_equal {sparse 75 19} [list [r pfdebug encoding h] [r strlen h] [r pfcount h]]
        r del h
        hll_add_series h 1 39
        assert_equal {dense 12304 39} [list [r pfdebug encoding h] [r strlen h] [r pfcount h]]
        r config set hll-sparse-max-bytes 3000
    }

    test {HyperLogLogs are promoted from sparse to dense with default settings} {
        r del h
        hll_add_series h 1 1000
        assert_equal sparse [r pfdebug encoding h]
        hll_add_series h 1001 5000
        assert_equal dense [r pfdebug encoding h]
    }

    test {A register above 32 makes a sparse HLL dense (PFMERGE of a dense source)} {
        r del src dst
        r pfadd src a
        r pfdebug todense src
        # Register 0 of a dense value is the low 6 bits of byte 16.
        r setrange src 16 [binary format c 40]
        r pfadd dst b
        r pfmerge dst src
        assert_equal dense [r pfdebug encoding dst]
        assert_equal 40 [lindex [r pfdebug getreg dst] 0]
    }

    # ---------------------------------------------------------------- merge
    test {PFMERGE of sparse sources stays sparse, with Redis's bytes} {
        r del x y m
        hll_add_series x 1 1000
        r pfadd y {*}[lmap i [hll_seq 1 300] {set _ f-$i}]
        assert_equal OK [r pfmerge m x y]
        set v [r get m]
        assert_equal {sparse 2391 1153955630} [list [r pfdebug encoding m] [string length $v] [hll_fnv $v]]
        assert_equal 1299 [r pfcount m]
        assert_equal 1299 [r pfcount x y]
    }

    test {PFMERGE with a dense source writes a dense destination} {
        r del small small2 sm sm2
        r pfadd small a b
        r pfadd small2 c
        r pfmerge sm small small2
        assert_equal $::hll_abc [hll_hex sm]
        r pfdebug todense small2
        r pfmerge sm2 small small2
        set v [r get sm2]
        assert_equal {dense 12304 1316241954} [list [r pfdebug encoding sm2] [string length $v] [hll_fnv $v]]
    }

    test {PFMERGE keeps the destination's own registers and invalidates its cache} {
        r del d s
        r pfadd d a b
        r pfcount d
        r pfadd s c
        r pfmerge d s nosuchkey
        # The old count (2) stays in the cache bytes, marked invalid.
        assert_equal 48594c4c01000000020000000000008060f38050b1844bfb80425a [hll_hex d]
        assert_equal OK [r pfmerge d]
        assert_equal 3 [r pfcount d]
        assert_equal OK [r pfmerge fresh]
        assert_equal $::hll_empty [hll_hex fresh]
    }

    test {PFCOUNT of several keys counts the union and writes nothing} {
        r del a b c
        r pfadd a 1 2 3
        r pfadd b 3 4 5
        set before [r get a]
        assert_equal 5 [r pfcount a b c]
        assert_equal $before [r get a]
        assert_equal 0 [r exists c]
        assert_equal 0 [r pfcount c c]
    }

    test {PFCOUNT of a missing key is 0} {
        r del nokey
        assert_equal 0 [r pfcount nokey]
        assert_equal 0 [r exists nokey]
    }

    # --------------------------------------------------------------- errors
    test {Commands refuse strings that are not HyperLogLogs} {
        r del h
        r set s bar
        r set n 123
        foreach cmd {{pfadd s 1} {pfcount s} {pfcount h s} {pfmerge h s} {pfmerge s h}
                     {pfadd n} {pfdebug encoding s} {pfcount n}} {
            assert_error {WRONGTYPE Key is not a valid HyperLogLog string value.} [list r {*}$cmd]
        }
        assert_equal 0 [r exists h]
    }

    test {Broken magic, unknown encoding and wrong dense length are WRONGTYPE} {
        foreach {offset bytes} [list 0 0123 4 x 4 [binary format c 0]] {
            r del h
            r pfadd h a b c
            r setrange h $offset $bytes
            assert_error {WRONGTYPE*} {r pfcount h}
        }
        r set h [string range [binary decode hex $::hll_abc] 0 14]
        assert_error {WRONGTYPE*} {r pfcount h}
    }

    test {A sparse list that does not add up is INVALIDOBJ} {
        r del h d
        r pfadd h a b c
        r append h hello
        assert_error {INVALIDOBJ Corrupted HLL object detected} {r pfcount h}
        assert_error {INVALIDOBJ*} {r pfcount h d}
        assert_error {INVALIDOBJ*} {r pfmerge d h}
        assert_equal 0 [r exists d]
        assert_error {INVALIDOBJ*} {r pfdebug getreg h}
        assert_error {INVALIDOBJ*} {r pfdebug todense h}
        # A header with no opcodes at all: no register can be found.
        r set h [string range [binary decode hex $::hll_empty] 0 15]
        assert_error {INVALIDOBJ*} {r pfadd h a}
    }

    test {Fuzzing corrupt dense and sparse values never breaks the server} {
        for {set j 0} {$j < 200} {incr j} {
            r del h
            set items {}
            for {set i 0} {$i < [randomInt 3000]} {incr i} { lappend items [expr {rand()}] }
            r pfadd h {*}$items
            if {rand() < 0.3} { r pfdebug todense h }
            for {set i 0} {$i < 5} {incr i} {
                set len [r strlen h]
                r setrange h [randomInt $len] [binary format c [randomInt 256]]
                if {rand() < 0.5} break
            }
            if {rand() < 0.3} { r append h [binary format c [randomInt 256]] }
            catch {r pfcount h}
            catch {r pfadd h x y z}
            catch {r pfmerge h2 h}
            catch {r pfdebug decode h}
        }
        assert_equal PONG [r ping]
    }

    test {Wrong number of arguments} {
        foreach cmd {pfadd pfcount pfmerge} {
            assert_error "ERR wrong number of arguments for '$cmd' command" [list r $cmd]
        }
        assert_error {ERR wrong number of arguments for 'pfdebug' command} {r pfdebug encoding}
        assert_error {ERR wrong number of arguments for 'pfdebug' command} {r pfdebug encoding a b}
        assert_error {ERR wrong number of arguments for 'pfselftest' command} {r pfselftest x}
    }

    # -------------------------------------------------------------- pfdebug
    test {PFDEBUG ENCODING, DECODE and TODENSE} {
        r del h
        r pfadd h a b c
        assert_equal sparse [r pfdebug encoding h]
        assert_equal {Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603} [r pfdebug decode h]
        assert_equal 1 [r pfdebug todense h]
        assert_equal 0 [r pfdebug todense h]
        assert_equal {dense 12304 3} [list [r pfdebug encoding h] [r strlen h] [r pfcount h]]
        assert_error {ERR HLL encoding is not sparse} {r pfdebug decode h}
    }

    test {PFDEBUG GETREG returns 16384 registers and stores the dense form} {
        r del h
        r pfadd h a b c
        set regs [r pfdebug getreg h]
        assert_equal 16384 [llength $regs]
        assert_equal {1 2 1} [list [lindex $regs 8436] [lindex $regs 12711] [lindex $regs 15780]]
        assert_equal 4 [tcl::mathop::+ {*}$regs]
        assert_equal dense [r pfdebug encoding h]
    }

    test {PFDEBUG errors: missing key first, then the subcommand} {
        r del nokey
        assert_error {ERR The specified key does not exist} {r pfdebug nosuch nokey}
        r pfadd h a
        assert_error {ERR Unknown PFDEBUG subcommand 'nosuch'} {r pfdebug nosuch h}
    }

    test {PFSELFTEST passes} {
        r pfselftest
    } {OK}

    # ------------------------------------------------- events, WATCH, MULTI
    test {PFADD and PFMERGE emit pfadd; PFCOUNT and no-op PFADD emit nothing} {
        r del h s d end
        r config set notify-keyspace-events KEA
        set rd [hll_subscriber]
        r pfadd h a
        r pfadd h a
        r pfcount h
        r pfcount h
        r pfadd s b
        r pfmerge d s
        r pfcount nokey
        r pfadd end x
        r config set notify-keyspace-events ""
        hll_events_until $rd end
    } {{__keyspace@0__:h pfadd} {__keyevent@0__:pfadd h} {__keyspace@0__:s pfadd} {__keyevent@0__:pfadd s} {__keyspace@0__:d pfadd} {__keyevent@0__:pfadd d}}

    test {Reads of missing keys emit keymiss (PFCOUNT and PFMERGE sources)} {
        r del a b d end
        r config set notify-keyspace-events Km
        set rd [hll_subscriber]
        r pfcount a
        r pfmerge d b
        r pfadd d x
        r pfcount end
        r config set notify-keyspace-events ""
        hll_events_until $rd end
    } {{__keyspace@0__:a keymiss} {__keyspace@0__:d keymiss} {__keyspace@0__:b keymiss}}

    test {WATCH: a changing PFADD and a recounting PFCOUNT touch the key} {
        r del h
        r pfadd h a
        set other [redis_client]
        foreach {cmd expect} {{pfadd h b} {} {pfadd h b} {OK} {pfcount h} {} {pfcount h} {OK}} {
            r watch h
            $other {*}$cmd
            r multi
            r ping
            set res [r exec]
            assert_equal $expect [expr {$res eq {} ? {} : "OK"}] "after $cmd"
        }
        $other close
    }

    test {PFADD, PFCOUNT and PFMERGE inside MULTI} {
        r del h h2
        r multi
        r pfadd h a b c
        r pfcount h
        r pfadd h2 d
        r pfmerge h h2
        r pfcount h
        assert_equal {1 3 1 OK 4} [r exec]
    }

    test {PFADD, PFCOUNT and PFMERGE keep the key's TTL} {
        r del h s
        r pfadd h a
        r expire h 1000
        r pfadd h b
        assert_range [r ttl h] 900 1000
        r pfcount h
        assert_range [r ttl h] 900 1000
        r pfadd s c
        r pfmerge h s
        assert_range [r ttl h] 900 1000
        r pfdebug todense h
        assert_range [r ttl h] 900 1000
    }
}
