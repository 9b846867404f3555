# Cold reads: a request whose values are not in memory waits for them off
# the event loop (command/coldwait.h, store/coldread.c).  DEBUG COLD-READS
# COLD <ms> makes every value count as not in memory and each cold read
# sleep <ms> first, so a test can watch a request wait: other clients are
# served meanwhile, a client's pipeline keeps its order, transactions and
# scripts wait before they start and run atomically, and what waits is
# answered with the value it would have read at once.  redis-kv only.

proc cold_waiting {} { server_info_field r storage_cold_requests_waiting }
proc cold_parked {} { server_info_field r storage_cold_requests_parked }

# Runs one command with every value counted out of memory again first
# (a fetch brings in whole pages, which often hold the next command's
# values too); returns {reply parks}: its reply, and whether it waited.
proc cold_run {args} {
    r debug cold-reads cold 20
    set before [cold_parked]
    set reply [r {*}$args]
    list $reply [expr {[cold_parked] - $before}]
}

# Waits until n requests are parked.
proc cold_wait_parked {n} {
    wait_for_condition 200 10 {[cold_waiting] == $n} else {
        fail "storage_cold_requests_waiting is [cold_waiting], not $n"
    }
}

start_server {tags {coldread}} {

test {A cold GET waits off the loop while other clients are served} {
    r set cold1 v1
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd get cold1
    cold_wait_parked 1
    # Served while the GET waits: a ping, and a key written since (its
    # page is in memory: the write put it there).
    assert_equal PONG [r ping]
    r set hot1 h
    assert_equal h [r get hot1]
    assert_equal 1 [cold_waiting]
    assert_equal v1 [$rd read]
    assert_equal 0 [cold_waiting]
    assert_morethan [server_info_field r storage_cold_requests_parked] 0
    assert_morethan [server_info_field r storage_cold_reads] 0
    r debug cold-reads normal
    $rd close
}

test {A parked client's pipeline is answered in order} {
    r mset pa a pb b
    r del pcount
    r debug cold-reads cold 100
    set rd [redis_deferring_client]
    foreach cmd {{get pa} {incr pcount} {get pb} {set pc c} {get pc} {mget pa pb} {ping}} {
        $rd {*}$cmd
    }
    cold_wait_parked 1
    assert_equal a [$rd read]
    assert_equal 1 [$rd read]
    assert_equal b [$rd read]
    assert_equal OK [$rd read]
    assert_equal c [$rd read]
    assert_equal {a b} [$rd read]
    assert_equal PONG [$rd read]
    r debug cold-reads normal
    $rd close
}

test {A transaction waits for its values before it starts, then sees one state} {
    r mset tx1 old1 tx2 old2
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd multi
    $rd get tx1
    $rd get tx2
    $rd exec
    assert_equal OK [$rd read]
    assert_equal QUEUED [$rd read]
    assert_equal QUEUED [$rd read]
    cold_wait_parked 1
    # A write while EXEC waits lands before the transaction, whole.
    r mset tx1 new1 tx2 new2
    assert_equal {new1 new2} [$rd read]
    r debug cold-reads normal
    $rd close
}

test {WATCH judges what happened while EXEC waited} {
    r set wk before
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd watch wk
    $rd multi
    $rd get wk
    $rd exec
    assert_equal OK [$rd read]
    assert_equal OK [$rd read]
    assert_equal QUEUED [$rd read]
    cold_wait_parked 1
    r set wk changed
    assert_equal {} [$rd read]
    r debug cold-reads normal
    $rd close
}

test {EVAL waits for its declared keys, then runs} {
    r set sk scripted
    r debug cold-reads cold 100
    set rd [redis_deferring_client]
    $rd eval {return redis.call('get', KEYS[1]) .. '!'} 1 sk
    cold_wait_parked 1
    assert_equal PONG [r ping]
    assert_equal scripted! [$rd read]
    r debug cold-reads normal
    $rd close
}

test {Writes that change the old value in place wait for it: INCR, SETRANGE, GETSET} {
    r set n 10
    r set s hello
    assert_equal {11 1} [cold_run incr n]
    assert_equal {5 1} [cold_run setrange s 0 J]
    assert_equal {Jello 1} [cold_run getset s new]
    assert_equal {7 1} [cold_run incrby n -4]
    # SET's key flags depend on its arguments: with GET it reads.
    assert_equal {new 1} [cold_run set s newer get]
    assert_equal {{55 0} 1} [cold_run bitfield n get u8 0 get u8 200]
    r debug cold-reads normal
}

test {Writes that only overwrite, insert or delete do not wait} {
    r set ow old
    assert_equal {OK 0} [cold_run set ow new]
    assert_equal {OK 0} [cold_run mset ow a ow2 b]
    assert_equal {2 0} [cold_run append ow x]
    assert_equal {1 0} [cold_run del ow2]
    assert_equal {1 0} [cold_run rpush wl a]
    assert_equal {1 0} [cold_run hset wh f v]
    r debug cold-reads normal
}

test {Hash and list reads wait for their elements} {
    r del h l
    r hset h f1 v1 f2 v2
    r rpush l a b c
    assert_equal {v2 1} [cold_run hget h f2]
    assert_equal {{f1 v1 f2 v2} 1} [cold_run hgetall h]
    assert_equal {{a b c} 1} [cold_run lrange l 0 -1]
    assert_equal {a 1} [cold_run lpop l]
    r debug cold-reads normal
}

test {A large hash fetches the fields the request names} {
    r del bigh
    for {set i 0} {$i < 300} {incr i} { r hset bigh f$i v$i }
    assert_equal {v123 1} [cold_run hget bigh f123]
    assert_equal {{v1 v299} 1} [cold_run hmget bigh f1 f299]
    # A field that does not exist needs nothing.
    assert_equal {{} 0} [cold_run hget bigh nosuchfield]
    r debug cold-reads normal
}

test {A large list fetches its ends} {
    r del bigl
    for {set i 0} {$i < 300} {incr i} { r rpush bigl e$i }
    assert_equal {e0 1} [cold_run lpop bigl]
    assert_equal {e299 1} [cold_run rpop bigl]
    assert_equal {e1 1} [cold_run lindex bigl 0]
    r debug cold-reads normal
}

test {Sets, sorted sets, lengths, types and existence never wait: they are in memory} {
    r del st zs
    r sadd st a b
    r zadd zs 1 a 2 b
    r set len123 abc
    assert_equal {{a b} 0} [cold_run sort st alpha]
    assert_equal {{a 1 b 2} 0} [cold_run zrange zs 0 -1 withscores]
    assert_equal {3 0} [cold_run strlen len123]
    assert_equal {1 0} [cold_run exists len123]
    assert_equal {string 0} [cold_run type len123]
    r debug cold-reads normal
}

test {A large value waits and comes back whole} {
    set big [string repeat abcdefgh 131072]
    r set bigv $big
    r debug cold-reads cold 50
    assert_equal $big [r get bigv]
    assert_equal [string range $big 1000 1009] [r getrange bigv 1000 1009]
    r debug cold-reads normal
}

test {A missing key does not wait} {
    r debug cold-reads cold 1000
    set before [server_info_field r storage_cold_requests_parked]
    assert_equal {} [r get no-such-key]
    assert_equal $before [server_info_field r storage_cold_requests_parked]
    r debug cold-reads normal
}

test {A client that goes away while parked is forgotten} {
    r set gone v
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd get gone
    cold_wait_parked 1
    $rd close
    wait_for_condition 100 10 {[cold_waiting] == 0} else {
        fail "the parked client was not forgotten"
    }
    # Its fetch still completes, harmlessly.
    after 400
    assert_equal PONG [r ping]
    r debug cold-reads normal
}

test {DEBUG RELOAD while a request waits: it runs on the new data set} {
    r set rl reloaded
    r debug cold-reads cold 500
    set rd [redis_deferring_client]
    $rd get rl
    cold_wait_parked 1
    r debug reload
    assert_equal reloaded [$rd read]
    assert_equal 0 [cold_waiting]
    $rd close
}

test {Many clients wait at once, each gets its own value} {
    for {set i 0} {$i < 20} {incr i} { r set many$i val$i }
    r debug cold-reads cold 200
    set clients {}
    for {set i 0} {$i < 20} {incr i} {
        set rd [redis_deferring_client]
        $rd get many$i
        lappend clients $rd
    }
    cold_wait_parked 20
    set i 0
    foreach rd $clients {
        assert_equal val$i [$rd read]
        $rd close
        incr i
    }
    r debug cold-reads normal
}

test {FLUSHALL while a GET waits: it answers what is there when it runs} {
    r set fl v
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd get fl
    cold_wait_parked 1
    r flushall
    assert_equal {} [$rd read]
    r debug cold-reads normal
    $rd close
}

test {SWAPDB while a GET waits: it reads its database as it is when it runs} {
    r select 9
    r set sw in9
    r select 0
    r set sw in0
    r debug cold-reads cold 300
    set rd [redis_deferring_client]
    $rd get sw
    cold_wait_parked 1
    r swapdb 0 9
    assert_equal in9 [$rd read]
    r swapdb 0 9
    r debug cold-reads normal
    $rd close
    r flushall
}

}

start_server {tags {coldread} overrides {segment-size 64kb compact-garbage-percent 0}} {

test {A compaction that moves the value while a GET waits: the GET gets it} {
    # Several small segments, most of them garbage, so that the compaction
    # copies the live values to new segments and deletes the old ones.
    for {set i 0} {$i < 400} {incr i} { r set junk$i [string repeat x 500] }
    r set moved [string repeat m 300]
    for {set i 0} {$i < 400} {incr i} { r del junk$i }
    r debug cold-reads cold 500
    set rd [redis_deferring_client]
    $rd get moved
    cold_wait_parked 1
    set before [server_info_field r storage_compaction_keys_moved]
    r bgrewriteaof
    wait_for_condition 500 20 {[server_info_field r aof_rewrite_in_progress] == 0} else {
        fail "the compaction did not end"
    }
    assert_morethan [server_info_field r storage_compaction_keys_moved] $before
    assert_equal [string repeat m 300] [$rd read]
    # And read again from its new place, cold.
    r debug cold-reads cold 10
    assert_equal [string repeat m 300] [r get moved]
    r debug cold-reads normal
    $rd close
}

test {After NORMAL, the page map comes from the kernel again and nothing waits} {
    r set after1 x
    r debug cold-reads normal
    wait_for_condition 100 20 {[server_info_field r storage_pages_not_in_memory] == 0} else {
        fail "pages still counted out of memory"
    }
    set before [server_info_field r storage_cold_requests_parked]
    assert_equal x [r get after1]
    assert_equal $before [server_info_field r storage_cold_requests_parked]
    assert_morethan [server_info_field r storage_residency_sweeps] 0
    assert_morethan [server_info_field r storage_pages_in_memory] 0
    assert_morethan_equal [server_info_field r storage_event_loop_major_faults] 0
    assert_morethan [server_info_field r storage_process_disk_read_bytes] -1
}

test {DEBUG COLD-READS: errors} {
    assert_error {*nknown subcommand*} {r debug cold-reads}
    assert_error {*nknown subcommand*} {r debug cold-reads lukewarm}
    assert_error {*nknown subcommand*} {r debug cold-reads normal extra}
    assert_error {*not an integer*} {r debug cold-reads cold soon}
    assert_error {*between 0 and 60000*} {r debug cold-reads cold -1}
    assert_error {*between 0 and 60000*} {r debug cold-reads cold 60001}
}

test {cold-read-threads is read at start only} {
    assert_equal {cold-read-threads 16} [r config get cold-read-threads]
    assert_error {*can't set immutable config*} {r config set cold-read-threads 4}
}

}

start_server {tags {coldread} overrides {cold-read-threads 0}} {

test {cold-read-threads 0: reads stay on the loop, the hook says so} {
    r set k v
    assert_error {*cold reads are off*} {r debug cold-reads cold 10}
    assert_equal v [r get k]
    assert_equal 0 [server_info_field r storage_cold_read_threads]
    assert_equal 0 [server_info_field r storage_cold_requests_parked]
}

}

start_server {tags {coldread}} {

test {cold-read-threads: out of range is refused at start} {
    foreach bad {-1 257 x} {
        set out [run_tool [server_binary] --port 0 --cold-read-threads $bad]
        assert_equal 1 [lindex $out 0]
        assert_match {*cold-read-threads*} [lindex $out 1]
    }
}

}
