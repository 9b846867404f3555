# Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL
# PTTL EXPIRETIME PEXPIRETIME PERSIST: replies, rounding, option rules,
# error texts and their order, overflow checks, times in the past (which
# delete the key), the TTL as seen by SET KEEPTTL / SET / GETSET; active
# expiry (keys nobody touches disappear; DEBUG SET-ACTIVE-EXPIRE; paused
# while clients are paused; INFO's expiry counters and avg_ttl); and, for
# redis-kv only, TTLs across a restart.
#
# Checked against a real redis-server 7.0.15 (tests/runtest --server
# /usr/bin/redis-server --single unit/expire); the restart tests skip
# themselves there (tags redis-kv-only needs:own-server: real Redis without
# appendonly keeps no data across a restart).  Timings are checked with
# ranges wide enough for a slow machine; exact values are checked with
# absolute times (PEXPIREAT / PEXPIRETIME).

# ------------------------------------------------------------------ helpers

# "keys=N,expires=M" of database DB in INFO keyspace, or "" when the
# database is empty (avg_ttl is an estimate: see ex_avg_ttl).
proc ex_keyspace {db} {
    if {[regexp -line "^db$db:(keys=\[0-9\]+,expires=\[0-9\]+)" [r info keyspace] -> m]} {
        return $m
    }
    return ""
}

start_server {tags {expire}} {
    r null_value (nil)

    # ------------------------------------------------------ setting a TTL
    test {EXPIRE sets a TTL in seconds, TTL and PTTL read it} {
        r flushall
        r set k v
        assert_equal 1 [r expire k 100]
        assert_range [r ttl k] 99 100
        assert_range [r pttl k] 99000 100000
        assert_equal v [r get k]
        assert_equal 1 [r expire k 200]
        assert_range [r ttl k] 199 200
        # A smaller TTL replaces a larger one without options.
        assert_equal 1 [r expire k 50]
        assert_range [r ttl k] 49 50
    }

    test {PEXPIRE sets a TTL in milliseconds} {
        r set k v
        assert_equal 1 [r pexpire k 100000]
        assert_range [r pttl k] 99000 100000
        assert_range [r ttl k] 99 100
        assert_equal v [r get k]
    }

    test {EXPIREAT and PEXPIREAT set an absolute expiry time} {
        r set k v
        set at [expr {[clock seconds] + 100}]
        assert_equal 1 [r expireat k $at]
        assert_equal $at [r expiretime k]
        assert_equal [expr {$at * 1000}] [r pexpiretime k]
        assert_range [r ttl k] 98 100
        set pat [expr {[clock milliseconds] + 200123}]
        assert_equal 1 [r pexpireat k $pat]
        assert_equal $pat [r pexpiretime k]
        assert_range [r pttl k] 195000 200123
        assert_equal v [r get k]
    }

    test {A key expires when its TTL runs out} {
        r set k1 v
        r set k2 v
        r set k3 v
        r set k4 v
        assert_equal 1 [r pexpire k1 200]
        assert_equal 1 [r pexpireat k2 [expr {[clock milliseconds] + 200}]]
        assert_equal 1 [r expire k3 1]
        assert_equal 1 [r expireat k4 [expr {[clock seconds] + 1}]]
        assert_equal 4 [r exists k1 k2 k3 k4]
        after 400
        assert_equal 0 [r exists k1 k2]
        assert_equal (nil) [r get k1]
        assert_equal -2 [r ttl k1]
        assert_equal -2 [r pttl k2]
        after 1700
        assert_equal 0 [r exists k3 k4]
        assert_equal -2 [r expiretime k3]
        assert_equal -2 [r pexpiretime k4]
    }

    test {EXPIRE does not change the value} {
        r set k "hello\x00world"
        r expire k 100
        assert_equal "hello\x00world" [r get k]
        assert_equal 11 [r strlen k]
    }

    test {EXPIRE of every command on a missing key replies 0} {
        r flushall
        assert_equal 0 [r expire nokey 100]
        assert_equal 0 [r pexpire nokey 100000]
        assert_equal 0 [r expireat nokey [expr {[clock seconds] + 100}]]
        assert_equal 0 [r pexpireat nokey [expr {[clock milliseconds] + 100000}]]
        foreach opt {NX XX GT LT} {
            assert_equal 0 [r expire nokey 100 $opt] "EXPIRE ... $opt"
            assert_equal 0 [r pexpire nokey 100000 $opt] "PEXPIRE ... $opt"
        }
        assert_equal ":0\r\n" [raw_reply expire nokey 100]
        assert_equal 0 [r exists nokey]
        assert_equal 0 [r dbsize]
    }

    test {An expired key is missing for EXPIRE} {
        r set k v PX 100
        after 300
        assert_equal 0 [r expire k 100]
        assert_equal 0 [r exists k]
        assert_equal -2 [r ttl k]
    }

    # ------------------------------------------------------ TTL and PTTL
    test {TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 for a missing key, -1 without TTL} {
        r flushall
        foreach cmd {ttl pttl expiretime pexpiretime} {
            assert_equal -2 [r $cmd nokey] "$cmd of a missing key"
        }
        r set k v
        foreach cmd {ttl pttl expiretime pexpiretime} {
            assert_equal -1 [r $cmd k] "$cmd of a key without TTL"
        }
        assert_equal ":-2\r\n" [raw_reply ttl nokey]
        assert_equal ":-1\r\n" [raw_reply pttl k]
        assert_equal ":-2\r\n" [raw_reply expiretime nokey]
        assert_equal ":-1\r\n" [raw_reply pexpiretime k]
    }

    test {TTL rounds to the nearest second ((ms + 500) / 1000)} {
        r set k v
        r pexpire k 1499
        assert_equal 1 [r ttl k]
        r pexpire k 2300
        assert_equal 2 [r ttl k]
        r pexpire k 2750
        assert_equal 3 [r ttl k]
        r pexpire k 100000
        assert_equal 100 [r ttl k]
        # Below half a second left, TTL already reads 0 (the key exists).
        r pexpire k 400
        assert_equal 0 [r ttl k]
        assert_equal 1 [r exists k]
    }

    test {EXPIRETIME rounds the expiry time to the nearest second} {
        r set k v
        r pexpireat k 1999999999499
        assert_equal 1999999999 [r expiretime k]
        assert_equal 1999999999499 [r pexpiretime k]
        r pexpireat k 1999999999500
        assert_equal 2000000000 [r expiretime k]
        r pexpireat k 1999999999999
        assert_equal 2000000000 [r expiretime k]
        r pexpireat k 2000000000000
        assert_equal 2000000000 [r expiretime k]
        assert_equal 2000000000000 [r pexpiretime k]
    }

    test {Expiry times near the 64-bit limit} {
        r set k v
        assert_equal 1 [r pexpireat k 9223372036854775807]
        assert_equal 9223372036854775807 [r pexpiretime k]
        assert_equal 9223372036854776 [r expiretime k]
        assert_morethan [r pttl k] 9223370000000000000
        assert_morethan [r ttl k] 9223370000000000
        assert_equal 1 [r pexpireat k 9223372036854775307]
        assert_equal 9223372036854775 [r expiretime k]
        assert_equal 1 [r pexpireat k 9223372036854775308]
        assert_equal 9223372036854775 [r expiretime k]
        assert_equal 1 [r expireat k 9223372036854775]
        assert_equal 9223372036854775 [r expiretime k]
        assert_equal 9223372036854775000 [r pexpiretime k]
        assert_equal v [r get k]
    }

    test {TTL replies are integers in RESP2 and RESP3} {
        r set k v
        r pexpireat k 2000000000000
        assert_equal ":2000000000000\r\n" [raw_reply pexpiretime k]
        assert_equal ":2000000000000\r\n" [raw_reply3 pexpiretime k]
        assert_equal ":2000000000\r\n" [raw_reply3 expiretime k]
        assert_equal ":-2\r\n" [raw_reply3 ttl nokey]
        assert_equal ":1\r\n" [raw_reply3 expire k 100]
        set raw [raw_reply3 ttl k]
        assert {[regexp {^:([0-9]+)\r\n$} $raw -> ttl]} "TTL reply: $raw"
        assert_range $ttl 99 100
        assert_equal ":1\r\n" [raw_reply3 persist k]
        assert_equal ":-1\r\n" [raw_reply3 pttl k]
    }

    # ------------------------------------------------ times in the past
    test {A time in the past deletes the key and replies 1} {
        r flushall
        foreach {cmd t} [list expire 0 expire -1 expire -100000 pexpire 0 pexpire -1 \
                             expireat 0 expireat 1 expireat -5 \
                             expireat [expr {[clock seconds] - 10}] \
                             pexpireat 0 pexpireat 1 pexpireat -9223372036854775808 \
                             pexpireat [expr {[clock milliseconds] - 1000}] \
                             pexpire -9223372036854775808 expireat -9223372036854775] {
            r set k v EX 100
            assert_equal 1 [r $cmd k $t] "$cmd k $t"
            assert_equal 0 [r exists k] "$cmd k $t: the key must be gone"
            assert_equal -2 [r ttl k]
            assert_equal (nil) [r get k]
        }
        # A key without a TTL too.
        r set k v
        assert_equal 1 [r pexpireat k 0]
        assert_equal 0 [r exists k]
        assert_equal 0 [r dbsize]
    }

    test {A time in the past on a missing key replies 0} {
        assert_equal 0 [r expire nokey -1]
        assert_equal 0 [r pexpireat nokey 0]
        assert_equal 0 [r expireat nokey 1]
        assert_equal 0 [r exists nokey]
    }

    # ------------------------------------------------------ NX XX GT LT
    test {EXPIRE NX sets a TTL only when the key has none} {
        r set k v
        assert_equal 1 [r pexpireat k 3000000000000 NX]
        assert_equal 3000000000000 [r pexpiretime k]
        assert_equal 0 [r pexpireat k 4000000000000 NX]
        assert_equal 0 [r expire k 100 nx]
        assert_equal 3000000000000 [r pexpiretime k]
    }

    test {EXPIRE XX sets a TTL only when the key has one} {
        r set k v
        assert_equal 0 [r pexpireat k 3000000000000 XX]
        assert_equal -1 [r ttl k]
        r pexpireat k 3000000000000
        assert_equal 1 [r pexpireat k 4000000000000 XX]
        assert_equal 4000000000000 [r pexpiretime k]
        assert_equal 1 [r pexpireat k 2000000000000 xx]
        assert_equal 2000000000000 [r pexpiretime k]
    }

    test {EXPIRE GT sets a TTL only when it is greater; no TTL counts as infinite} {
        r set k v
        assert_equal 0 [r pexpireat k 3000000000000 GT]
        assert_equal 0 [r expire k 100 gt]
        assert_equal -1 [r ttl k]
        r pexpireat k 3000000000000
        assert_equal 0 [r pexpireat k 3000000000000 GT]
        assert_equal 0 [r pexpireat k 2999999999999 GT]
        assert_equal 1 [r pexpireat k 3000000000001 GT]
        assert_equal 3000000000001 [r pexpiretime k]
        # GT never deletes a key without TTL, even with a past time.
        r set k v
        assert_equal 0 [r expire k -1 GT]
        assert_equal 1 [r exists k]
    }

    test {EXPIRE LT sets a TTL only when it is smaller; no TTL counts as infinite} {
        r set k v
        assert_equal 1 [r pexpireat k 3000000000000 LT]
        assert_equal 3000000000000 [r pexpiretime k]
        assert_equal 0 [r pexpireat k 3000000000000 LT]
        assert_equal 0 [r pexpireat k 3000000000001 LT]
        assert_equal 1 [r pexpireat k 2999999999999 lt]
        assert_equal 2999999999999 [r pexpiretime k]
        # LT with a past time deletes the key, with or without a TTL.
        assert_equal 1 [r expire k -1 LT]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal 1 [r pexpire k -1 LT]
        assert_equal 0 [r exists k]
    }

    test {XX combines with GT or LT} {
        r set k v
        assert_equal 0 [r pexpireat k 3000000000000 XX GT]
        assert_equal 0 [r pexpireat k 3000000000000 XX LT]
        assert_equal -1 [r ttl k]
        r pexpireat k 3000000000000
        assert_equal 1 [r pexpireat k 3500000000000 XX GT]
        assert_equal 0 [r pexpireat k 3400000000000 GT XX]
        assert_equal 1 [r pexpireat k 3400000000000 LT XX]
        assert_equal 3400000000000 [r pexpiretime k]
        # XX with a past time deletes a key that has a TTL.
        assert_equal 1 [r pexpireat k 1 XX LT]
        assert_equal 0 [r exists k]
    }

    test {Options may be repeated and are case-insensitive} {
        r set k v
        assert_equal 1 [r pexpireat k 3000000000000 nx NX Nx]
        assert_equal 1 [r pexpireat k 3100000000000 gT Gt GT]
        assert_equal 1 [r pexpireat k 3200000000000 xx xX]
        assert_equal 1 [r pexpireat k 3000000000000 lt LT]
        assert_equal 3000000000000 [r pexpiretime k]
    }

    test {Options apply to all four commands} {
        r set k v
        set now [clock seconds]
        assert_equal 1 [r expire k 100 NX]
        assert_equal 0 [r pexpire k 100000 NX]
        assert_equal 1 [r pexpire k 200000 GT]
        assert_equal 0 [r expireat k [expr {$now + 150}] GT]
        assert_equal 1 [r expireat k [expr {$now + 150}] LT]
        assert_equal [expr {$now + 150}] [r expiretime k]
        assert_equal 1 [r pexpireat k [expr {($now + 160) * 1000}] XX]
        assert_equal [expr {$now + 160}] [r expiretime k]
    }

    # ------------------------------------------------------ errors
    test {Unsupported options} {
        r set k v
        assert_error_equal "ERR Unsupported option foo" {r expire k 100 foo}
        assert_error_equal "ERR Unsupported option FOO" {r pexpire k 100 NX FOO}
        assert_error_equal "ERR Unsupported option ex" {r expireat k 100 ex}
        assert_error_equal "ERR Unsupported option nxx" {r pexpireat k 100 nxx}
        assert_error_equal "ERR Unsupported option " {r expire k 100 ""}
        assert_error_equal "ERR Unsupported option 100" {r expire k 100 100}
        # The first unknown word is the one reported, before incompatibilities.
        assert_error_equal "ERR Unsupported option a" {r expire k 100 nx xx a b}
        assert_equal -1 [r ttl k]
    }

    test {Incompatible options} {
        r set k v
        set nxerr "ERR NX and XX, GT or LT options at the same time are not compatible"
        set gtlterr "ERR GT and LT options at the same time are not compatible"
        assert_error_equal $nxerr {r expire k 100 NX XX}
        assert_error_equal $nxerr {r pexpire k 100 nx gt}
        assert_error_equal $nxerr {r expireat k 100 NX LT}
        assert_error_equal $nxerr {r pexpireat k 100 GT NX}
        assert_error_equal $nxerr {r expire k 100 XX NX}
        assert_error_equal $nxerr {r expire k 100 NX GT LT}
        assert_error_equal $gtlterr {r expire k 100 GT LT}
        assert_error_equal $gtlterr {r pexpire k 100 lt gt}
        assert_error_equal $gtlterr {r expire k 100 XX GT LT}
        # Also on a missing key.
        assert_error_equal $gtlterr {r expire nokey 100 GT LT}
        assert_equal -1 [r ttl k]
    }

    test {The time must be an integer; options are checked first} {
        r set k v
        foreach t {abc 1.5 "" " 100" "100 " 0x10 1e3 99999999999999999999} {
            assert_error_equal "ERR value is not an integer or out of range" {r expire k $t} "EXPIRE '$t'"
        }
        assert_error_equal "ERR value is not an integer or out of range" {r pexpire k abc}
        assert_error_equal "ERR value is not an integer or out of range" {r expireat k abc NX}
        assert_error_equal "ERR value is not an integer or out of range" {r pexpireat nokey abc}
        assert_error_equal "ERR Unsupported option foo" {r expire k abc foo}
        assert_error_equal "ERR NX and XX, GT or LT options at the same time are not compatible" {r expire k abc NX XX}
        assert_equal -1 [r ttl k]
    }

    test {Times that overflow once converted to ms or added to now} {
        r set k v
        foreach {cmd t} {
            expire 9223372036854775807 expire -9223372036854775808
            expire 9223372036854775 expire -9223372036854776
            expire 9223372036854774
            pexpire 9223372036854775807
            expireat 9223372036854775807 expireat 9223372036854776
            expireat -9223372036854776
        } {
            assert_error_equal "ERR invalid expire time in '$cmd' command" {r $cmd k $t} "$cmd k $t"
            assert_equal v [r get k]
        }
        # The check comes before the key lookup and the options.
        assert_error_equal "ERR invalid expire time in 'expire' command" {r expire nokey 9223372036854775807}
        assert_error_equal "ERR invalid expire time in 'pexpire' command" {r pexpire k 9223372036854775807 XX}
        assert_error_equal "ERR invalid expire time in 'expire' command" {r EXPIRE k 9223372036854775807}
        assert_equal -1 [r ttl k]
        # The largest values that do not overflow.
        assert_equal 1 [r expireat k 9223372036854775]
        assert_equal 1 [r pexpireat k 9223372036854775807]
        assert_equal 9223372036854775807 [r pexpiretime k]
    }

    test {Arity errors} {
        foreach cmd {expire pexpire expireat pexpireat} {
            assert_error_equal "ERR wrong number of arguments for '$cmd' command" {r $cmd}
            assert_error_equal "ERR wrong number of arguments for '$cmd' command" {r $cmd k}
        }
        foreach cmd {ttl pttl expiretime pexpiretime persist} {
            assert_error_equal "ERR wrong number of arguments for '$cmd' command" {r $cmd}
            assert_error_equal "ERR wrong number of arguments for '$cmd' command" {r $cmd a b}
        }
    }

    # ------------------------------------------------------------ PERSIST
    test {PERSIST removes the TTL and replies 1, else 0} {
        r flushall
        r set k v
        assert_equal 0 [r persist k]
        assert_equal 0 [r persist nokey]
        r expire k 100
        assert_equal 1 [r persist k]
        assert_equal -1 [r ttl k]
        assert_equal -1 [r pexpiretime k]
        assert_equal 0 [r persist k]
        assert_equal v [r get k]
        assert_equal ":0\r\n" [raw_reply persist nokey]
    }

    test {A persisted key outlives its old TTL} {
        r set k v PX 300
        assert_equal 1 [r persist k]
        after 500
        assert_equal v [r get k]
        assert_equal -1 [r ttl k]
        # An expired key cannot be persisted.
        r set k2 v PX 100
        after 300
        assert_equal 0 [r persist k2]
        assert_equal 0 [r exists k2]
    }

    # --------------------------------------- the TTL and string commands
    test {SET KEEPTTL keeps the TTL set by EXPIRE, SET and GETSET clear it} {
        r set k v
        r pexpireat k 3000000000000
        r set k v2 KEEPTTL
        assert_equal 3000000000000 [r pexpiretime k]
        r set k v3 XX KEEPTTL GET
        assert_equal 3000000000000 [r pexpiretime k]
        assert_equal v3 [r get k]
        r set k v4
        assert_equal -1 [r pexpiretime k]
        r expire k 100
        r getset k v5
        assert_equal -1 [r ttl k]
        r expire k 100
        r set k v6 EX 200
        assert_range [r ttl k] 199 200
        r set k v7 NX
        assert_range [r ttl k] 199 200
    }

    test {A TTL set by EXPIRE survives APPEND, SETRANGE and INCR} {
        r set k 1
        r pexpireat k 3000000000000
        r incr k
        r append k 0
        r setrange k 0 3
        assert_equal 30 [r get k]
        assert_equal 3000000000000 [r pexpiretime k]
        r getex k PERSIST
        assert_equal -1 [r ttl k]
    }

    test {EXPIRE after a KEEPTTL SET still expires the key} {
        r set k v
        r pexpire k 200
        r set k v2 KEEPTTL
        after 400
        assert_equal (nil) [r get k]
    }

    test {INFO keyspace counts the keys with a TTL} {
        r flushall
        r mset a 1 b 2 c 3
        assert_equal "keys=3,expires=0" [ex_keyspace 0]
        r expire a 100
        r pexpireat b 3000000000000
        assert_equal "keys=3,expires=2" [ex_keyspace 0]
        r persist a
        assert_equal "keys=3,expires=1" [ex_keyspace 0]
        r expire b -1
        assert_equal "keys=2,expires=0" [ex_keyspace 0]
        r flushall
    }

    test {Expiry is per database} {
        r flushall
        r set k zero
        r select 1
        r set k one
        assert_equal 1 [r pexpireat k 3000000000000]
        assert_equal 3000000000000 [r pexpiretime k]
        r select 0
        assert_equal -1 [r ttl k]
        assert_equal 1 [r expire k -1]
        assert_equal 0 [r exists k]
        r select 1
        assert_equal one [r get k]
        assert_equal 1 [r persist k]
        r select 0
        r flushall
    }
}

# ---------------------------------------------------------- active expiry

# avg_ttl of database DB in INFO keyspace, or "" when the database is empty.
proc ex_avg_ttl {db} {
    if {[regexp -line "^db$db:keys=\[0-9\]+,expires=\[0-9\]+,avg_ttl=(\[0-9\]+)\r?$" \
             [r info keyspace] -> v]} {
        return $v
    }
    return ""
}

# A numeric field of INFO stats.
proc ex_stat {field} {
    if {![regexp -line "^$field:(\[0-9.\]+)\r?$" [r info stats] -> v]} {
        fail "INFO stats has no numeric $field field"
    }
    return $v
}

# SET PREFIX:0 .. PREFIX:N-1 with ARGS (e.g. PX 100), pipelined.
proc ex_set_many {prefix n args} {
    set rd [redis_deferring_client]
    set sel [r client info]
    regexp {db=([0-9]+)} $sel -> db
    $rd select $db
    for {set i 0} {$i < $n} {incr i} { $rd set $prefix:$i v {*}$args }
    $rd read
    for {set i 0} {$i < $n} {incr i} { assert_equal OK [$rd read] }
    $rd close
}

start_server {tags {expire}} {
    r null_value (nil)

    test {Active expiry: 1000 keys that nobody reads disappear} {
        r flushall
        set before [ex_stat expired_keys]
        ex_set_many k 1000 PX 100
        wait_for_condition 200 50 {[r dbsize] == 0} else {
            fail "[r dbsize] keys left: active expiry did not reclaim them"
        }
        assert_equal [expr {$before + 1000}] [ex_stat expired_keys]
        assert_equal "" [ex_keyspace 0]
    }

    test {Active expiry leaves keys without a TTL and keys with a later one} {
        r flushall
        ex_set_many plain 500
        ex_set_many later 200 EX 100000
        ex_set_many short 500 PX 100
        wait_for_condition 200 50 {[r dbsize] == 700} else {
            fail "DBSIZE is [r dbsize], expected 700"
        }
        assert_equal "keys=700,expires=200" [ex_keyspace 0]
        assert_equal v [r get plain:499]
        assert_range [r ttl later:0] 99000 100000
    }

    test {Active expiry in every database} {
        r flushall
        foreach db {0 5 15} {
            r select $db
            ex_set_many k 300 PX 100
            r set keep v
        }
        r select 0
        wait_for_condition 200 50 {
            [ex_keyspace 0] eq "keys=1,expires=0" &&
            [ex_keyspace 5] eq "keys=1,expires=0" &&
            [ex_keyspace 15] eq "keys=1,expires=0"
        } else {
            fail "keys left: [r info keyspace]"
        }
    }

    test {DEBUG SET-ACTIVE-EXPIRE 0: expired keys stay until touched} {
        r flushall
        r debug set-active-expire 0
        ex_set_many k 1000 PX 50
        after 500
        assert_equal 1000 [r dbsize]
        after 300
        assert_equal 1000 [r dbsize]
        assert_equal "keys=1000,expires=1000" [ex_keyspace 0]
        # Touching a key deletes it (lazy expiry).
        for {set i 0} {$i < 10} {incr i} { assert_equal (nil) [r get k:$i] }
        assert_equal 990 [r dbsize]
        assert_equal 0 [r exists k:10 k:11]
        assert_equal 988 [r dbsize]
        # Switched back on, the cycle reclaims the rest.
        assert_equal OK [r debug set-active-expire 1]
        wait_for_condition 200 50 {[r dbsize] == 0} else {
            fail "[r dbsize] keys left after DEBUG SET-ACTIVE-EXPIRE 1"
        }
    }

    test {DEBUG SET-ACTIVE-EXPIRE takes any integer (atoi): 0 or non-numeric disables} {
        r flushall
        assert_equal OK [r debug set-active-expire x]
        r set k v PX 20
        after 300
        assert_equal 1 [r dbsize]
        assert_equal OK [r debug set-active-expire 2]
        wait_for_condition 100 50 {[r dbsize] == 0} else {
            fail "the key was not reclaimed after DEBUG SET-ACTIVE-EXPIRE 2"
        }
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP." {r debug set-active-expire}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP." {r debug set-active-expire 1 2}
        assert_match "*SET-ACTIVE-EXPIRE <0|1>*" [r debug help]
        r debug set-active-expire 1
    }

    test {Active expiry is paused while clients are paused} {
        r flushall
        ex_set_many k 100 PX 50
        assert_equal OK [r client pause 100000 WRITE]
        after 500
        assert_equal 100 [r dbsize]
        assert_equal OK [r client unpause]
        wait_for_condition 200 50 {[r dbsize] == 0} else {
            fail "[r dbsize] keys left after CLIENT UNPAUSE"
        }
    }

    test {INFO stats: expired_stale_perc, expired_time_cap_reached_count, expire_cycle_cpu_milliseconds} {
        r flushall
        foreach f {expired_stale_perc expired_time_cap_reached_count expire_cycle_cpu_milliseconds} {
            assert_match "*\n$f:*" [r info stats] $f
        }
        assert_match {*.[0-9][0-9]} [ex_stat expired_stale_perc]
        set cpu [ex_stat expire_cycle_cpu_milliseconds]
        ex_set_many k 2000 PX 50
        wait_for_condition 200 50 {[r dbsize] == 0} else {
            fail "[r dbsize] keys left"
        }
        # Whole samples of expired keys were found: the moving average of
        # the stale share is above 0 for a while.
        assert_morethan [ex_stat expired_stale_perc] 0
        assert_range [ex_stat expired_stale_perc] 0 100
        assert_morethan_equal [ex_stat expire_cycle_cpu_milliseconds] $cpu
        assert_morethan_equal [ex_stat expired_time_cap_reached_count] 0
    }

    test {CONFIG RESETSTAT clears the expiry counters} {
        r flushall
        ex_set_many k 100 PX 20
        wait_for_condition 200 50 {[r dbsize] == 0} else { fail "keys left" }
        assert_morethan [ex_stat expired_keys] 0
        r config resetstat
        assert_equal 0 [ex_stat expired_keys]
        assert_equal 0 [ex_stat expired_time_cap_reached_count]
        assert_equal 0.00 [ex_stat expired_stale_perc]
    }

    test {INFO keyspace avg_ttl: the sampled average TTL, 0 without TTLs} {
        r flushall
        r set plain v
        # No key with a TTL: 0, also after some cycles.
        after 300
        assert_equal 0 [ex_avg_ttl 0]
        ex_set_many k 100 PX 1000000
        wait_for_condition 200 50 {[ex_avg_ttl 0] > 0} else {
            fail "avg_ttl stays [ex_avg_ttl 0]"
        }
        assert_range [ex_avg_ttl 0] 900000 1000000
        # Once no key has a TTL any more, the estimate goes back to 0.
        for {set i 0} {$i < 100} {incr i} { r persist k:$i }
        wait_for_condition 200 50 {[ex_avg_ttl 0] == 0} else {
            fail "avg_ttl stays [ex_avg_ttl 0] without TTLs"
        }
    }
}

# ---------------------------------------------------- restart (redis-kv)

# To check these tests against real Redis with its append-only file, run
#   EXPIRE_TCL_ON_REDIS=1 tests/runtest --server /usr/bin/redis-server --single unit/expire
# which adds `appendonly yes` to the config (checked that way against
# redis-server 7.0.15).  Only the PIDs of the servers started here are
# signalled.
set ::ex_on_redis [expr {[info exists ::env(EXPIRE_TCL_ON_REDIS)] &&
                         $::env(EXPIRE_TCL_ON_REDIS) ne "" &&
                         $::env(EXPIRE_TCL_ON_REDIS) ne "0"}]

# Start a server on a fresh data directory (appendfsync always); returns
# the spawn_server dict with a `client` entry.
proc ex_start {} {
    set overrides [list appendfsync always]
    if {$::ex_on_redis} { lappend overrides appendonly yes }
    return [spawn_server -dir [new_tmpdir] -overrides $overrides -timeout 30 -client]
}

# Write keys with TTLs through C; returns the time (ms) after which the
# short TTLs have passed.
proc ex_write_ttls {c} {
    $c flushall
    $c set far v
    $c pexpireat far 3000000000000
    $c set rel v
    $c expire rel 1000
    $c set persisted v EX 100
    $c persist persisted
    $c set deleted v
    $c expire deleted -1
    $c set short1 v
    $c pexpire short1 1000
    $c set short2 v
    $c expireat short2 [expr {[clock seconds] + 2}]
    $c set lt v EX 100
    $c pexpire lt 1000 LT
    $c set gt v PX 1000
    $c pexpireat gt 3100000000000 GT
    $c select 3
    $c set other v
    $c pexpireat other 3200000000000
    $c select 0
    return [expr {[clock milliseconds] + 2000}]
}

proc ex_check_ttls {c} {
    assert_equal 3000000000000 [$c pexpiretime far]
    assert_range [$c ttl rel] 980 1000
    assert_equal -1 [$c ttl persisted]
    assert_equal v [$c get persisted]
    assert_equal 3100000000000 [$c pexpiretime gt]
    foreach k {deleted short1 short2 lt} {
        assert_equal 0 [$c exists $k] "key $k must be gone after the restart"
        assert_equal -2 [$c ttl $k]
    }
    assert_equal 4 [$c dbsize]
    $c select 3
    assert_equal 3200000000000 [$c pexpiretime other]
    $c select 0
}

start_server {tags {expire redis-kv-only needs:own-server}} {
    set ::ex_skip ""
    if {![regexp -line {^redis_kv_version:} [r info server]] && !$::ex_on_redis} {
        set ::ex_skip "real Redis without appendonly keeps no data across a restart"
    }

    foreach signal {TERM KILL} {
        test "TTLs set by EXPIRE/PERSIST survive a restart (SIG$signal), expired keys are gone" {
            if {$::ex_skip ne ""} { skip $::ex_skip }
            stop_spawned_servers
            set how [dict get {TERM {} KILL -kill9} $signal]
            set s [ex_start]
            set c [dict get $s client]
            set deadline [ex_write_ttls $c]
            assert_equal 1 [$c exists short1]
            assert_equal 1 [$c exists short2]
            assert_equal 1 [$c exists lt]
            stop_server $s {*}$how
            set left [expr {$deadline + 200 - [clock milliseconds]}]
            if {$left > 0} { after $left }
            set s [restart_server $s]
            ex_check_ttls [dict get $s client]
            # A second restart sees the same.
            set s [restart_server $s {*}$how]
            ex_check_ttls [dict get $s client]
            stop_server $s
        }
    }

    stop_spawned_servers
}
