# Hashes and sets in the log, through the real protocol: every element is
# a record of its own (store/record.h RECORD_ELEMENT), and what was
# acknowledged reads back exactly after kill -9 with `appendfsync always`
# under a pipelined HSET/SADD load, with no command half applied; across a
# compaction (BGREWRITEAOF) running while the collections are written,
# DEBUG RELOAD, a BGSAVE backup restored with BACKUP RESTORE; and a write
# that does not fit on a full disk is refused whole.
#
# redis-kv only (tags redis-kv-only needs:own-server): the tests restart
# their own servers, started with spawn_server; only those PIDs are
# signalled.  Each test keeps a model of the collections in Tcl.

set ::cl_skip ""

proc cl_require {} {
    if {$::cl_skip ne ""} { skip $::cl_skip }
}

# The hash KEY on client C as a sorted field/value list.
proc cl_hash {c key} {
    set pairs {}
    foreach {f v} [$c hgetall $key] { lappend pairs [list $f $v] }
    return [lsort -index 0 $pairs]
}

# A data set of every shape: small and large hashes (listpack and
# hashtable), intsets and hashtable sets, an expiring hash, values with
# every byte, and strings written over a hash and a set.  Returns the
# model: a dict key -> {type contents}.
proc cl_write_dataset {c} {
    set m [dict create]
    set bytes ""
    for {set i 0} {$i < 256} {incr i} { append bytes [format %c $i] }
    $c hset small a 1 b 2 c ""
    dict set m small [list hash [cl_hash $c small]]
    $c hset binhash bin $bytes "key\x00with\x01bytes" v
    dict set m binhash [list hash [cl_hash $c binhash]]
    for {set i 0} {$i < 300} {incr i} { $c hset big f$i [string repeat v $i] }
    $c hdel big f7 f8
    dict set m big [list hash [cl_hash $c big]]
    $c sadd ints 3 1 2 -5 1000000
    dict set m ints [list set [lsort [$c smembers ints]]]
    for {set i 0} {$i < 600} {incr i} { $c sadd words w$i }
    $c srem words w1 w2
    dict set m words [list set [lsort [$c smembers words]]]
    $c hset ttlhash x y
    $c expire ttlhash 10000
    dict set m ttlhash [list hash [cl_hash $c ttlhash]]
    $c sadd gone a
    $c srem gone a
    for {set i 0} {$i < 300} {incr i} { $c hset wasbig f$i v }
    $c set wasbig "a string over a hashtable hash"
    dict set m wasbig [list string [$c get wasbig]]
    $c sadd wasints 1 2 3
    $c set wasints "a string over an intset"
    dict set m wasints [list string [$c get wasints]]
    return $m
}

# Asserts that client C holds exactly the model M (and nothing named
# "gone").
proc cl_assert_dataset {c m when} {
    dict for {key tc} $m {
        lassign $tc type contents
        assert_equal $type [$c type $key] "TYPE $key $when"
        if {$type eq "hash"} {
            assert_equal $contents [cl_hash $c $key] "$key $when"
        } elseif {$type eq "string"} {
            assert_equal $contents [$c get $key] "$key $when"
        } else {
            assert_equal $contents [lsort [$c smembers $key]] "$key $when"
        }
    }
    assert_equal 0 [$c exists gone] "gone $when"
    assert_range [$c ttl ttlhash] 9000 10000
    assert_equal listpack [$c object encoding small]
    assert_equal hashtable [$c object encoding binhash] ;# a value past 64 bytes
    assert_equal hashtable [$c object encoding big]
    assert_equal intset [$c object encoding ints]
    assert_equal hashtable [$c object encoding words]
}

start_server {tags {collections redis-kv-only needs:own-server}} {
    if {[using_external_server]} { set ::cl_skip "needs its own servers" }

    test {Hashes and sets read back after a graceful restart and after kill -9} {
        cl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set m [cl_write_dataset $c]
        cl_assert_dataset $c $m "before"
        set s [restart_server $s]
        cl_assert_dataset [dict get $s client] $m "after a restart"
        stop_server $s -kill9
        set s [restart_server $s]
        cl_assert_dataset [dict get $s client] $m "after kill -9"
        stop_server $s
    }

    test {One HSET writes one element to the log, not the hash} {
        cl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        for {set i 0} {$i < 2000} {incr i} { $c hset h field:$i [string repeat x 100] }
        set before [server_info_field $c storage_total_bytes]
        $c hset h field:7 y
        set grew [expr {[server_info_field $c storage_total_bytes] - $before}]
        # 44 header + 5 element header + 1 key + 7 field + 1 value
        assert_equal 58 $grew
        stop_server $s
    }

    test {kill -9 under pipelined HSET/SADD with appendfsync always: no acknowledged element lost, no command half applied} {
        cl_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
        set next 1
        set acked 0
        # Each command i writes field a:i and b:i of h, and members i and
        # -i of s: both or neither must survive.
        set until [expr {[clock milliseconds] + 800}]
        while {[clock milliseconds] < $until} {
            set first $next
            for {set j 0} {$j < 20} {incr j} {
                $rd write [::redis::__format_command [list hset h a:$next $next b:$next $next]]
                $rd write [::redis::__format_command [list sadd s $next -$next]]
                incr next
            }
            $rd flush
            for {set i $first} {$i < $next} {incr i} {
                assert_equal 2 [$rd read]
                assert_equal 2 [$rd read]
                set acked $i
            }
        }
        set first $next
        for {set j 0} {$j < 300} {incr j} {
            $rd write [::redis::__format_command [list hset h a:$next $next b:$next $next]]
            $rd write [::redis::__format_command [list sadd s $next -$next]]
            incr next
        }
        flush [$rd channel]
        for {set i $first} {$i < $first + 5} {incr i} {
            assert_equal 2 [$rd read]
            assert_equal 2 [$rd read]
            set acked $i
        }
        stop_server $s -kill9
        $rd close
        set s [restart_server $s]
        set c [dict get $s client]
        set fields [$c hlen h]
        set members [$c scard s]
        assert {$fields % 2 == 0} "an HSET half applied: $fields fields"
        assert {$members % 2 == 0} "an SADD half applied: $members members"
        set hsets [expr {$fields / 2}]
        assert {$hsets >= $acked} "$hsets HSETs survived, $acked were acknowledged"
        for {set i 1} {$i <= $hsets} {incr i} {
            assert_equal $i [$c hget h a:$i]
            assert_equal $i [$c hget h b:$i]
        }
        assert {[$c sismember s $acked] && [$c sismember s -$acked]}
        stop_server $s
    }

    test {BGREWRITEAOF while hashes and sets are written loses nothing, now or after a restart} {
        cl_require
        set s [spawn_durable_server "" {segment-size 64kb}]
        set c [dict get $s client]
        set m [cl_write_dataset $c]
        for {set round 0} {$round < 5} {incr round} {
            for {set i 0} {$i < 300} {incr i} { $c hset churn f$i r$round }
        }
        $c bgrewriteaof
        for {set i 0} {$i < 200} {incr i} {
            $c hset churn f$i during
            $c sadd words extra$i
        }
        wait_for_condition 3000 20 {
            [server_info_field $c aof_rewrite_in_progress] == 0
        } else {
            fail "the compaction did not end"
        }
        dict set m words [list set [lsort [$c smembers words]]]
        dict set m churn [list hash [cl_hash $c churn]]
        cl_assert_dataset $c $m "after the compaction"
        stop_server $s -kill9
        set s [restart_server $s]
        cl_assert_dataset [dict get $s client] $m "after the compaction and kill -9"
        stop_server $s
    }

    test {DEBUG RELOAD and BACKUP RESTORE bring hashes and sets back} {
        cl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set m [cl_write_dataset $c]
        assert_equal OK [$c debug reload]
        cl_assert_dataset $c $m "after DEBUG RELOAD"
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 3000 20 {
            [server_info_field $c rdb_bgsave_in_progress] == 0
        } else {
            fail "the BGSAVE did not end"
        }
        set id [dict get [lindex [$c backup list] end] id]
        $c hset small a changed
        $c del words
        $c backup restore $id
        cl_assert_dataset $c $m "after BACKUP RESTORE"
        stop_server $s
    }

    test {RENAME, COPY and MOVE carry a whole hash or set, TTL included} {
        cl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set m [cl_write_dataset $c]
        assert_equal 1 [$c copy big big2]
        assert_equal OK [$c rename big big3]
        assert_equal 1 [$c move words 1]
        assert_equal OK [$c rename ttlhash ttl2]
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal [lindex [dict get $m big] 1] [cl_hash $c big2]
        assert_equal [lindex [dict get $m big] 1] [cl_hash $c big3]
        assert_equal 0 [$c exists big words ttlhash]
        assert_range [$c ttl ttl2] 9000 10000
        $c select 1
        assert_equal [lindex [dict get $m words] 1] [lsort [$c smembers words]]
        stop_server $s
    }

    test {redis-kv-check verifies, counts and dumps element records} {
        cl_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set c [dict get $s client]
        $c hset h field1 value1
        $c sadd s member1
        $c srem s member1
        stop_server $s
        set out [exec [file join $::repo_root utils redis-kv-check] $dir --dump]
        assert_match {*type=element db=0 key="h" field="field1"*value="value1"*} $out
        assert_match {*type=element db=0 key="s" member="member1"*} $out
        assert_match {*type=element-del db=0 key="s" member="member1"*} $out
        set stats [exec [file join $::repo_root utils redis-kv-check] $dir --stats]
        assert_match {*element 2, element-del 1*} $stats
        assert_match {*keys: 1 *} $stats
    }
}
