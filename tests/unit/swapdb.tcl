# SWAPDB: two databases exchange their contents, with Redis 7.0's replies
# and errors (checked against redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/swapdb).
# The durability tests (restart, kill -9, after a log compaction) are
# redis-kv only: they skip themselves when INFO has no redis_kv_version.

# The value of KEY in database DB read through client C, selecting back 0.
proc sw_get {c db key} {
    $c select $db
    set v [$c get $key]
    $c select 0
    return $v
}

# True when the server under test is redis-kv.
proc sw_is_kv {c} { return [regexp -line {^redis_kv_version:} [$c info server]] }

start_server {tags {swapdb}} {
    r null_value (nil)

    test {SWAPDB exchanges the contents of two databases} {
        r flushall
        r select 0
        r set a zero
        r set common from0
        r select 1
        r set b one
        r set common from1
        r select 0
        assert_equal OK [r swapdb 0 1]
        assert_equal {(nil) one from1} [list [r get a] [r get b] [r get common]]
        assert_equal 2 [r dbsize]
        r select 1
        assert_equal {zero (nil) from0} [list [r get a] [r get b] [r get common]]
        r select 0
    }

    test {SWAPDB keeps TTLs, and writes after it go to the swapped database} {
        r flushall
        r select 2
        r set t v ex 1000
        r select 0
        r swapdb 0 2
        assert_range [r ttl t] 900 1000
        r set new x
        r select 2
        assert_equal (nil) [r get t]
        assert_equal (nil) [r get new]
        r select 0
        assert_equal x [r get new]
    }

    test {SWAPDB of a database with itself is OK and changes nothing} {
        r flushall
        r set k v
        assert_equal OK [r swapdb 0 0]
        assert_equal v [r get k]
    }

    test {SWAPDB twice is the identity} {
        r flushall
        r set k0 v0
        r select 5
        r set k5 v5
        r select 0
        r swapdb 0 5
        r swapdb 5 0
        assert_equal v0 [r get k0]
        assert_equal v5 [sw_get [srv client] 5 k5]
    }

    test {SWAPDB errors: bad indexes, out of range, arity} {
        assert_error_equal {ERR invalid first DB index} {r swapdb a 1}
        assert_error_equal {ERR invalid second DB index} {r swapdb 0 b}
        assert_error_equal {ERR invalid second DB index} {r swapdb 0 1.5}
        assert_error_equal {ERR invalid first DB index} {r swapdb "" 1}
        assert_error_equal {ERR DB index is out of range} {r swapdb 0 16}
        assert_error_equal {ERR DB index is out of range} {r swapdb -1 0}
        assert_error_equal {ERR invalid second DB index} {r swapdb 0 9999999999}
        assert_error_equal {ERR DB index is out of range} {r swapdb 2147483647 0}
        assert_error_equal {ERR wrong number of arguments for 'swapdb' command} {r swapdb 0}
        assert_error_equal {ERR wrong number of arguments for 'swapdb' command} {r swapdb 0 1 2}
    }

    test {SWAPDB of an empty database with a full one} {
        r flushall
        r select 3
        r mset x 1 y 2 z 3
        r select 0
        r swapdb 3 4
        r select 3
        assert_equal 0 [r dbsize]
        r select 4
        assert_equal 3 [r dbsize]
        assert_equal {1 2 3} [r mget x y z]
        r select 0
    }
}

start_server {tags {swapdb redis-kv-only needs:own-server}} {
    set ::sw_skip [expr {[sw_is_kv [srv client]] ? "" : "the server under test is not redis-kv"}]

    test {SWAPDB is durable: restart and kill -9} {
        if {$::sw_skip ne ""} { skip $::sw_skip }
        set s [spawn_server -overrides {appendfsync always} -client]
        set c [dict get $s client]
        $c select 0
        $c set k zero
        $c select 1
        $c set k one
        $c swapdb 0 1
        $c swapdb 1 2
        stop_server $s
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {one (nil) zero} [list [sw_get $c 0 k] [sw_get $c 1 k] [sw_get $c 2 k]]
        $c swapdb 0 2
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {zero (nil) one} [list [sw_get $c 0 k] [sw_get $c 1 k] [sw_get $c 2 k]]
        stop_server $s
    }

    test {SWAPDB survives a compaction of the log and the restart after it} {
        if {$::sw_skip ne ""} { skip $::sw_skip }
        set s [spawn_server -overrides {appendfsync always segment-size 4kb compact-garbage-percent 0} -client]
        set c [dict get $s client]
        for {set db 0} {$db < 4} {incr db} {
            $c select $db
            for {set i 0} {$i < 50} {incr i} { $c set key:$i "db$db-$i" }
        }
        $c swapdb 0 3
        $c swapdb 1 2
        $c bgrewriteaof
        wait_for_condition 100 50 {
            [regexp -line {^aof_rewrite_in_progress:0} [$c info persistence]]
        } else { fail "the compaction did not end" }
        assert_match "*aof_last_bgrewrite_status:ok*" [$c info persistence]
        $c swapdb 0 1
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        # 0 <- (1 <- old 2), 1 <- (0 <- old 3), 2 <- old 1, 3 <- old 0
        assert_equal {db2-7 db3-7 db1-7 db0-7} \
            [list [sw_get $c 0 key:7] [sw_get $c 1 key:7] [sw_get $c 2 key:7] [sw_get $c 3 key:7]]
        for {set db 0} {$db < 4} {incr db} {
            $c select $db
            assert_equal 50 [$c dbsize]
        }
        stop_server $s
    }
}
