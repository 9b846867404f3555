# Compaction (merge) of the segmented log, started by BGREWRITEAOF or by
# itself past compact-garbage-percent, and the configs that go with it:
#   - BGREWRITEAOF replies as in Redis 7.0.15 (started, already in
#     progress when two arrive in one packet, wrong arity);
#   - a compaction of a data set with overwrites, DELs, expiry changes, a
#     FLUSHDB, several databases, binary / empty / 1 MB values keeps every
#     key and expiry exactly (PEXPIRETIME), drops what is gone, and shrinks
#     the log (INFO storage / persistence fields);
#   - writes of every kind while a compaction runs, against a Tcl model;
#   - graceful restart, kill -9 and utils/redis-kv-check after it;
#   - kill -9 at several moments of a running compaction (appendfsync
#     always): every acknowledged write survives, no *.tmp file is left;
#   - automatic compaction (compact-garbage-percent, compact-min-size);
#   - CONFIG GET/SET of compact-garbage-percent, compact-min-size,
#     appendonly and save, error texts as Redis 7.0.15 gives them;
#   - a full disk (a small tmpfs, root only) during a compaction.
#
# Nothing here asserts a timing: the tests poll INFO with
# wait_for_condition, and commands that must run while a compaction is in
# progress are sent in the same packet as the BGREWRITEAOF that starts it
# (the server executes a whole packet before it serves the worker thread,
# which cannot finish without it).
#
# Tags redis-kv-only needs:own-server (the tmpfs test also diskfull).  The
# tests skip themselves when the server under test is not redis-kv (INFO
# has no redis_kv_version).  Only the servers spawned here are signalled,
# by PID; a tmpfs mounted here is unmounted in a `finally`.

# ------------------------------------------------------------------ helpers

set ::cp_tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]
set ::cp_skip ""
# Values are cut from a random binary pool, so that every one differs.
set ::cp_pool [string repeat [randstring 1021 1021 binary] 8]
set ::cp_seq 0

proc cp_require {} {
    if {$::cp_skip ne ""} { skip $::cp_skip }
}

# A LEN-byte value that starts with TAG (when it fits) and is unique.
proc cp_value {tag len} {
    set off [expr {([incr ::cp_seq] * 131) % 1021}]
    set tl [string length $tag]
    if {$len <= $tl + 1} {
        return [string range $::cp_pool $off [expr {$off + $len - 1}]]
    }
    return "$tag|[string range $::cp_pool $off [expr {$off + $len - $tl - 2}]]"
}

# A durable server (spawn_durable_server) with segment-size 64kb, plus
# OVERRIDES.
proc cp_start {{dir ""} {overrides {}}} {
    return [spawn_durable_server $dir [dict merge {segment-size 64kb} $overrides]]
}

# Waits (bounded, polling) until no compaction runs on the server of C.
proc cp_wait_done {c {what "the compaction"}} {
    wait_for_condition 3000 20 {
        [server_info_field $c aof_rewrite_in_progress] == 0
    } else {
        fail "$what did not end: [server_info_fields $c storage_segments storage_compacting aof_current_rewrite_time_sec]"
    }
    assert_equal 0 [server_info_field $c storage_compacting]
}

# Like pipeline_replies (util.tcl), in chunks of N commands (a pipeline that cannot fill the
# socket buffers of both sides).
proc cp_pipe_chunked {c cmds {n 200}} {
    set out {}
    for {set i 0} {$i < [llength $cmds]} {incr i $n} {
        lappend out {*}[pipeline_replies $c [lrange $cmds $i [expr {$i + $n - 1}]]]
    }
    return $out
}

proc cp_tmp_files {dir} {
    return [lsort [glob -nocomplain -directory $dir -tails *.tmp]]
}

proc cp_listing {dir} {
    set l {}
    foreach f [lsort [glob -nocomplain -directory $dir *]] {
        lappend l "[file tail $f]:[file size $f]"
    }
    return [join $l " "]
}

# utils/redis-kv-check DIR must exit 0 (no server may run on DIR).
proc cp_check_dir {dir when} {
    if {![file executable $::cp_tool]} {
        fail "utils/redis-kv-check is not built ($::cp_tool)"
    }
    set rc 0
    if {[catch {exec $::cp_tool $dir < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    if {$rc != 0} {
        fail "utils/redis-kv-check $dir exited $rc $when:\n$out\nfiles: [cp_listing $dir]"
    }
    return $out
}

# ---- the model: what the server must hold
#   ::cp_m  db -> {key -> value}
#   ::cp_x  db -> {key -> PEXPIRETIME} (keys with an expiry)
#   ::cp_a  db -> {key -> 1}          keys that must not exist
#   ::cp_maybe db -> {key -> value}   unacknowledged SETs of new keys (kill
#                                     -9 in flight): absent or exactly this
proc m_reset {} {
    set ::cp_m {} ; set ::cp_x {} ; set ::cp_a {} ; set ::cp_maybe {}
}
# SET without KEEPTTL (EXP -1): the expiry goes.
proc m_set {db k v {exp -1}} {
    dict set ::cp_m $db $k $v
    if {$exp == -1} {
        if {[dict exists $::cp_x $db $k]} { dict unset ::cp_x $db $k }
    } else {
        dict set ::cp_x $db $k $exp
    }
    if {[dict exists $::cp_a $db $k]} { dict unset ::cp_a $db $k }
}
proc m_del {db k} {
    if {[dict exists $::cp_m $db $k]} { dict unset ::cp_m $db $k }
    if {[dict exists $::cp_x $db $k]} { dict unset ::cp_x $db $k }
    dict set ::cp_a $db $k 1
}
proc m_exp {db k exp} {
    if {![dict exists $::cp_m $db $k]} return
    if {$exp == -1} {
        if {[dict exists $::cp_x $db $k]} { dict unset ::cp_x $db $k }
    } else {
        dict set ::cp_x $db $k $exp
    }
}
proc m_flush {db} {
    if {[dict exists $::cp_m $db]} {
        foreach k [dict keys [dict get $::cp_m $db]] { m_del $db $k }
    }
}
proc m_has {db k} { return [dict exists $::cp_m $db $k] }
# (never through expr: it would turn a value like "+1" or "0x10" into a number)
proc m_get {db k {default ""}} {
    if {[dict exists $::cp_m $db $k]} { return [dict get $::cp_m $db $k] }
    return $default
}
proc m_expiry {db k} {
    if {[dict exists $::cp_x $db $k]} { return [dict get $::cp_x $db $k] }
    return -1
}
proc m_db {d db} {
    if {[dict exists $d $db]} { return [dict get $d $db] }
    return {}
}
proc m_size {} {
    set n 0
    dict for {db kv} $::cp_m { incr n [dict size $kv] }
    return $n
}

# Checks every database of the server of C against the model: values
# (MGET), expiries (exact PEXPIRETIME), absent keys (EXISTS, which also
# reclaims a key whose expiry passed), then DBSIZE.  WHEN names the moment
# in the messages.
proc cp_verify {c when {dbs 16}} {
    for {set db 0} {$db < $dbs} {incr db} {
        $c select $db
        set kv [m_db $::cp_m $db]
        set keys [dict keys $kv]
        for {set i 0} {$i < [llength $keys]} {incr i 100} {
            set chunk [lrange $keys $i [expr {$i + 99}]]
            set got [$c mget {*}$chunk]
            foreach k $chunk g $got {
                set v [dict get $kv $k]
                if {$g ne $v} {
                    assert_equal [string length $g] [string length $v] \
                        "length of db $db key '[::test::trunc $k 60]' $when"
                    assert_equal $g $v "db $db key '[::test::trunc $k 60]' $when"
                }
            }
        }
        set cmds {}
        foreach k $keys { lappend cmds [list pexpiretime $k] }
        set got [cp_pipe_chunked $c $cmds]
        foreach k $keys g $got {
            set want [m_expiry $db $k]
            assert_equal $g $want "PEXPIRETIME of db $db key '[::test::trunc $k 60]' $when"
        }
        if {[dict exists $::cp_x $db]} {
            foreach k [dict keys [dict get $::cp_x $db]] {
                set ttl [$c ttl $k]
                set left [expr {([dict get $::cp_x $db $k] - [clock milliseconds]) / 1000 + 1}]
                assert_range $ttl 0 $left "TTL of db $db key '[::test::trunc $k 60]' $when"
            }
        }
        set absent [dict keys [m_db $::cp_a $db]]
        set cmds {}
        foreach k $absent { lappend cmds [list exists $k] }
        foreach k $absent g [cp_pipe_chunked $c $cmds] {
            assert_equal 0 $g "db $db key '[::test::trunc $k 60]' must not exist $when"
        }
        # Unacknowledged SETs of new keys: absent, or there exactly.
        set extra 0
        if {[dict exists $::cp_maybe $db]} {
            dict for {k v} [dict get $::cp_maybe $db] {
                set g [$c get $k]
                if {$g eq "(nil)"} continue
                assert_equal $g $v "unacknowledged db $db key '$k' $when"
                incr extra
            }
        }
        assert_equal [expr {[llength $keys] + $extra}] [$c dbsize] "DBSIZE of db $db $when"
    }
    $c select 0
}

# Pipelined SETs of N keys PREFIX0.. of LEN bytes into database DB
# (each written ROUNDS times, the model keeps the last).
proc cp_load {c db prefix n len {rounds 1}} {
    $c select $db
    for {set r 1} {$r <= $rounds} {incr r} {
        set cmds {}
        set vals {}
        for {set i 0} {$i < $n} {incr i} {
            set v [cp_value "$prefix$i/r$r" $len]
            lappend cmds [list set $prefix$i $v]
            lappend vals $v
        }
        foreach rep [cp_pipe_chunked $c $cmds] { assert_equal OK $rep }
        for {set i 0} {$i < $n} {incr i} { m_set $db $prefix$i [lindex $vals $i] }
    }
}

# The standard data set (see the tests): returns the ms deadline after
# which the short TTLs have passed.
proc cp_dataset {c} {
    m_reset
    $c flushall
    # ---- db 0: 300 keys written three times, a third of them deleted
    cp_load $c 0 k: 300 900 3
    set cmds {}
    for {set i 0} {$i < 300} {incr i 3} {
        lappend cmds [list del k:$i]
        m_del 0 k:$i
    }
    foreach rep [pipeline_replies $c $cmds] { assert_equal 1 $rep }
    # values of every kind
    set all [all_bytes]
    $c set $all $all
    m_set 0 $all $all
    set bin "[randstring 2000 2000 binary]\x00\r\n\x00"
    $c set "bin\x00key" $bin
    m_set 0 "bin\x00key" $bin
    $c set empty ""
    m_set 0 empty ""
    $c set "" "empty key name"
    m_set 0 "" "empty key name"
    # 1 MB values (far larger than a segment): one overwritten, one deleted
    $c set big1 [big_random_value 1048576]
    set big1 [big_random_value 1048577]
    $c set big1 $big1
    m_set 0 big1 $big1
    set big2 [big_random_value 1000000]
    $c set big2 $big2
    m_set 0 big2 $big2
    $c set bigdel [big_random_value 1048576]
    $c del bigdel
    m_del 0 bigdel
    $c set counter 0
    for {set i 0} {$i < 50} {incr i} { $c incr counter }
    m_set 0 counter 50
    $c set appended hello
    $c append appended " world"
    $c append appended "\x00!"
    m_set 0 appended "hello world\x00!"
    $c mset m1 one m2 two m3 three
    m_set 0 m1 one ; m_set 0 m2 two ; m_set 0 m3 three
    $c set unlinked x
    $c unlink unlinked
    m_del 0 unlinked

    # ---- db 2: expiries
    $c select 2
    $c set ex:set v EX 100000
    m_set 2 ex:set v [$c pexpiretime ex:set]
    set at [expr {[clock milliseconds] + 123456789}]
    $c set ex:pxat v PXAT $at
    m_set 2 ex:pxat v $at
    $c set ex:expire v
    $c expire ex:expire 200000
    m_set 2 ex:expire v [$c pexpiretime ex:expire]
    $c set ex:changed v EX 100
    $c pexpireat ex:changed [expr {$at + 1}]
    m_set 2 ex:changed v [expr {$at + 1}]
    $c set ex:persisted v EX 100000
    assert_equal 1 [$c persist ex:persisted]
    m_set 2 ex:persisted v
    $c set ex:cleared v EX 100000
    $c set ex:cleared v2
    m_set 2 ex:cleared v2
    $c set ex:getex v
    $c getex ex:getex PX 50000000
    m_set 2 ex:getex v [$c pexpiretime ex:getex]
    $c set ex:getexpersist v PX 50000000
    $c getex ex:getexpersist PERSIST
    m_set 2 ex:getexpersist v
    # expired before the compaction: must be gone after it
    $c set ex:past v
    $c pexpireat ex:past 1
    m_del 2 ex:past
    $c set ex:short v PX 100
    $c psetex ex:short2 100 v
    set short_deadline [expr {[clock milliseconds] + 100}]
    m_del 2 ex:short
    m_del 2 ex:short2
    # many keys with an expiry, some of them rewritten
    for {set i 0} {$i < 100} {incr i} {
        $c set ex:many:$i [cp_value ex:many:$i 500] EX [expr {100000 + $i}]
    }
    for {set i 0} {$i < 100} {incr i} {
        set v [cp_value ex:many:$i 500]
        if {$i % 2} {
            $c set ex:many:$i $v KEEPTTL
        } else {
            $c set ex:many:$i $v PXAT [expr {$at + $i}]
        }
        m_set 2 ex:many:$i $v [$c pexpiretime ex:many:$i]
    }

    # ---- db 3: a lot written, FLUSHDB, one key written again
    cp_load $c 3 f: 200 700
    $c flushdb
    m_flush 3
    $c set afterflush yes
    m_set 3 afterflush yes
    # ---- db 7: flushed, nothing after
    cp_load $c 7 g: 50 700
    $c flushdb
    m_flush 7

    # ---- dbs 1, 5, 15: the same key names, different values
    foreach db {1 5 15} {
        $c select $db
        $c mset shared "db$db" "only$db" $db
        m_set $db shared "db$db"
        m_set $db "only$db" $db
        cp_load $c $db s: 40 1200 2
    }
    $c select 0
    return $short_deadline
}

proc cp_wait_past {deadline} {
    set left [expr {$deadline + 20 - [clock milliseconds]}]
    if {$left > 0} { after $left }
}

# Random writes of every kind through C into database 0 or 1, over keys
# PREFIX0..PREFIX(NKEYS-1) (and k:0..k:299, big:0..big:5999 of db 0, the
# keys the tests load before a compaction), updating the model.  N
# operations, sent in one pipeline; returns the number of commands.
proc cp_random_writes {c n {nkeys 200} {prefix w:}} {
    set cmds {}
    set effects {}
    set db [expr {int(rand() * 2)}]
    lappend cmds [list select $db]
    lappend effects {}
    for {set i 0} {$i < $n} {incr i} {
        set k "$prefix[expr {int(rand() * $nkeys)}]"
        set op [expr {int(rand() * 10)}]
        switch $op {
            0 - 1 {
                set v [cp_value $k [expr {int(rand() * 3000)}]]
                lappend cmds [list set $k $v]
                lappend effects [list set $db $k $v]
            }
            2 {
                lappend cmds [list del $k]
                lappend effects [list del $db $k]
            }
            3 {
                lappend cmds [list incr ctr:$k]
                lappend effects [list incr $db ctr:$k]
            }
            4 {
                set t "+[expr {int(rand() * 1000)}]"
                lappend cmds [list append $k $t]
                lappend effects [list append $db $k $t]
            }
            5 {
                set at [expr {[clock milliseconds] + 100000000 + int(rand() * 1000000)}]
                lappend cmds [list pexpireat $k $at]
                lappend effects [list exp $db $k $at]
            }
            6 {
                lappend cmds [list persist $k]
                lappend effects [list exp $db $k -1]
            }
            7 {
                set args {}
                set kvs {}
                for {set j 0} {$j < 5} {incr j} {
                    set mk "$prefix[expr {int(rand() * $nkeys)}]"
                    set v [cp_value $mk [expr {int(rand() * 500)}]]
                    lappend args $mk $v
                }
                lappend cmds [list mset {*}$args]
                lappend effects [list mset $db $args]
            }
            8 {
                set v [cp_value $k 100]
                set at [expr {[clock milliseconds] + 200000000}]
                lappend cmds [list set $k $v PXAT $at]
                lappend effects [list setx $db $k $v $at]
            }
            9 {
                # a key that was there before the compaction started
                set lk [expr {rand() < 0.5 ? "k:[expr {int(rand() * 300)}]" : "big:[expr {int(rand() * 6000)}]"}]
                lappend cmds {select 0}
                lappend effects {}
                switch [expr {int(rand() * 4)}] {
                    0 - 1 {
                        set v [cp_value $lk 800]
                        lappend cmds [list set $lk $v]
                        lappend effects [list set 0 $lk $v]
                    }
                    2 {
                        lappend cmds [list del $lk]
                        lappend effects [list del 0 $lk]
                    }
                    3 {
                        set at [expr {[clock milliseconds] + 300000000 + int(rand() * 1000000)}]
                        lappend cmds [list pexpireat $lk $at]
                        lappend effects [list exp 0 $lk $at]
                    }
                }
                lappend cmds [list select $db]
                lappend effects {}
            }
        }
    }
    lappend cmds [list select 0]
    lappend effects {}
    set replies [pipeline_replies $c $cmds]
    foreach e $effects r $replies {
        if {[string match "ERR!*" $r]} { fail "[lindex $e 0] failed: $r" }
        cp_apply $e $r
    }
    return [llength $cmds]
}

# Applies one effect (see cp_random_writes) with the server's reply R.
proc cp_apply {e r} {
    if {![llength $e]} return
    lassign $e op db k v at
    switch $op {
        set { m_set $db $k $v }
        setx { m_set $db $k $v $at }
        del {
            assert_equal [expr {[m_has $db $k] ? 1 : 0}] $r "DEL $k in db $db"
            m_del $db $k
        }
        incr {
            set old [m_get $db $k 0]
            assert_equal [expr {$old + 1}] $r "INCR $k in db $db"
            set exp [m_expiry $db $k]
            m_set $db $k $r $exp
        }
        append {
            set old [m_get $db $k ""]
            set exp [m_expiry $db $k]
            m_set $db $k "$old$v" $exp
            assert_equal [string length "$old$v"] $r "APPEND $k in db $db"
        }
        exp {
            assert_equal [expr {[m_has $db $k] && ($v != -1 || [dict exists $::cp_x $db $k]) ? 1 : 0}] \
                $r "expiry change of $k in db $db"
            m_exp $db $k $v
        }
        mset {
            foreach {mk mv} $k { m_set $db $mk $mv }
        }
    }
}

# Sends BGREWRITEAOF and CMDS in one packet on C: CMDS run while the
# compaction is in progress.  Returns the replies of CMDS.
proc cp_bgrewrite_with {c cmds} {
    set replies [pipeline_replies $c [linsert $cmds 0 bgrewriteaof]]
    assert_equal "Background append only file rewriting started" [lindex $replies 0]
    return [lrange $replies 1 end]
}

# The exact bytes of the reply to one command on a fresh connection to S.
proc cp_raw_reply {s args} {
    set rd [redis_deferring_client $s]
    $rd {*}$args
    set raw [$rd read_raw]
    $rd close
    return $raw
}

# One round of SETs of 1 KB values to the same 100 keys of db 0 (model
# updated); returns storage_compactions.
proc cp_overwrite_round {c} {
    incr ::cp_rounds
    $c select 0
    set cmds {}
    set vals {}
    for {set i 0} {$i < 100} {incr i} {
        set v [cp_value "ow:$i" 1000]
        lappend cmds [list set ow:$i $v]
        lappend vals $v
    }
    foreach r [pipeline_replies $c $cmds] { assert_equal OK $r }
    for {set i 0} {$i < 100} {incr i} { m_set 0 ow:$i [lindex $vals $i] }
    return [server_info_field $c storage_compactions]
}

# ------------------------------------------------------------------ tests

try {
start_server {tags {compaction redis-kv-only needs:own-server}} {
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::cp_skip "the server under test is not redis-kv"
    }

    # ---------------- BGREWRITEAOF replies (as Redis 7.0.15)

    test {BGREWRITEAOF: started, then already in progress when two arrive in one packet} {
        cp_require
        set s [cp_start]
        set c [dict get $s client]
        $c set a 1
        set rd [redis_deferring_client $s]
        # One write, so both commands are read and run in the same
        # event-loop iteration: the first compaction cannot have ended.
        $rd write "BGREWRITEAOF\r\nBGREWRITEAOF\r\n"
        $rd flush
        assert_equal "+Background append only file rewriting started\r\n" [$rd read_raw]
        assert_equal "-ERR Background append only file rewriting already in progress\r\n" \
            [$rd read_raw]
        # Plain and RESP3 replies of a successful start.
        cp_wait_done $c
        assert_equal "+Background append only file rewriting started\r\n" \
            [cp_raw_reply $s bgrewriteaof]
        cp_wait_done $c
        $rd hello 3
        $rd read
        $rd bgrewriteaof
        assert_equal "+Background append only file rewriting started\r\n" [$rd read_raw]
        $rd close
        cp_wait_done $c
        assert_equal 3 [server_info_field $c aof_rewrites]
        assert_equal 3 [server_info_field $c storage_compactions]
        assert_equal 1 [$c get a]
        stop_server $s
    }

    test {BGREWRITEAOF: wrong number of arguments} {
        cp_require
        set s [cp_start]
        set c [dict get $s client]
        assert_error_equal "ERR wrong number of arguments for 'bgrewriteaof' command" \
            {$c bgrewriteaof now}
        assert_error_equal "ERR wrong number of arguments for 'bgrewriteaof' command" \
            {$c bgrewriteaof a b}
        assert_equal 0 [server_info_field $c aof_rewrites]
        assert_equal 0 [server_info_field $c aof_rewrite_in_progress]
        stop_server $s
    }

    test {BGREWRITEAOF on an empty data set} {
        cp_require
        set s [cp_start]
        set c [dict get $s client]
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        set f [server_info_fields $c aof_last_bgrewrite_status storage_compactions \
                   storage_compactions_failed aof_rewrites_consecutive_failures]
        assert_equal {aof_last_bgrewrite_status ok storage_compactions 1 storage_compactions_failed 0 aof_rewrites_consecutive_failures 0} $f
        assert_equal 0 [$c dbsize]
        $c set after 1
        set s [restart_server $s -kill9]
        assert_equal 1 [[dict get $s client] get after]
        assert_equal {} [cp_tmp_files [dict get $s dir]]
        stop_server $s
    }

    # ---------------- a compaction keeps the data set exactly

    test {Compaction keeps every key, value and expiry, drops what is gone, and shrinks the log} {
        cp_require
        set s [cp_start]
        set c [dict get $s client]
        set before [server_info_fields $c aof_rewrites aof_last_rewrite_time_sec \
                        aof_current_rewrite_time_sec aof_last_bgrewrite_status \
                        storage_compactions aof_rewrite_in_progress]
        assert_equal {aof_rewrites 0 aof_last_rewrite_time_sec -1 aof_current_rewrite_time_sec -1 aof_last_bgrewrite_status ok storage_compactions 0 aof_rewrite_in_progress 0} $before
        set short_deadline [cp_dataset $c]
        cp_wait_past $short_deadline
        # The two short-TTL keys: deleted now (a read of an expired key
        # deletes it), not by the active expiry cycle at some moment
        # between the live-bytes figure below and the compaction.
        $c select 2
        assert_equal 0 [$c exists ex:short ex:short2]
        $c select 0
        set st0 [server_info_fields $c storage_segments storage_dead_bytes storage_total_bytes \
                     storage_live_bytes]
        # segment-size 64kb: the data set spans many segments
        assert_morethan [dict get $st0 storage_segments] 20
        assert_morethan [dict get $st0 storage_dead_bytes] 1000000

        # INFO in the same packet: the compaction is running
        lassign [cp_bgrewrite_with $c {{info persistence} {info storage}}] pers stor
        assert_match "*aof_rewrite_in_progress:1\r\n*" $pers
        assert_match "*aof_current_rewrite_time_sec:*" $pers
        assert_no_match "*aof_current_rewrite_time_sec:-1\r\n*" $pers
        assert_match "*storage_compacting:1\r\n*" $stor
        cp_wait_done $c

        # (INFO before any read: reading a key whose expiry passed deletes it)
        set st1 [server_info_fields $c storage_segments storage_dead_bytes storage_total_bytes \
                     storage_live_bytes storage_compactions storage_compactions_failed \
                     storage_compaction_keys_moved storage_compaction_bytes_written \
                     storage_last_compaction_ms aof_rewrites aof_last_bgrewrite_status \
                     aof_rewrites_consecutive_failures aof_last_rewrite_time_sec \
                     aof_current_rewrite_time_sec aof_base_size aof_current_size]
        assert_lessthan [dict get $st1 storage_segments] [dict get $st0 storage_segments]
        assert_lessthan [dict get $st1 storage_dead_bytes] [dict get $st0 storage_dead_bytes]
        # Only segment headers are left that are not live data.
        assert_lessthan [dict get $st1 storage_dead_bytes] \
            [expr {[dict get $st1 storage_segments] * 4096}] $st1
        assert_lessthan [dict get $st1 storage_total_bytes] [dict get $st0 storage_total_bytes]
        assert_equal [dict get $st0 storage_live_bytes] [dict get $st1 storage_live_bytes]
        assert_equal 1 [dict get $st1 storage_compactions]
        assert_equal 0 [dict get $st1 storage_compactions_failed]
        assert_equal 1 [dict get $st1 aof_rewrites]
        assert_equal ok [dict get $st1 aof_last_bgrewrite_status]
        assert_equal 0 [dict get $st1 aof_rewrites_consecutive_failures]
        assert_morethan_equal [dict get $st1 aof_last_rewrite_time_sec] 0
        assert_equal -1 [dict get $st1 aof_current_rewrite_time_sec]
        # every key that was live was moved (the expired ones may be too)
        assert_morethan_equal [dict get $st1 storage_compaction_keys_moved] [m_size]
        # what was copied is exactly what was live
        assert_equal [dict get $st0 storage_live_bytes] [dict get $st1 storage_compaction_bytes_written]
        # nothing written since: the base is the whole log
        assert_equal [dict get $st1 aof_base_size] [dict get $st1 aof_current_size]
        assert_equal [dict get $st1 storage_total_bytes] [dict get $st1 aof_current_size]
        assert_equal {} [cp_tmp_files [dict get $s dir]]
        cp_verify $c "after the compaction"

        # Writes after the compaction work, and a second one keeps it all.
        cp_random_writes $c 300
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        assert_equal 2 [server_info_field $c storage_compactions]
        cp_verify $c "after the second compaction"
        set ::cp_saved [dict create dir [dict get $s dir] m $::cp_m x $::cp_x a $::cp_a s $s]
    }

    test {After a compaction: graceful restart, kill -9, redis-kv-check} {
        cp_require
        if {![info exists ::cp_saved]} { fail "not run: the previous test failed" }
        set s [dict get $::cp_saved s]
        set dir [dict get $::cp_saved dir]
        set s [restart_server $s]
        set c [dict get $s client]
        cp_verify $c "after a graceful restart"
        assert_equal 0 [server_info_field $c storage_torn_bytes_cut]
        assert_equal 0 [server_info_field $c storage_damage_reports]
        $c set after:restart 1
        m_set 0 after:restart 1
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        cp_verify $c "after kill -9"
        assert_equal {} [cp_tmp_files $dir]
        # compact what the restarts wrote, then check the files offline
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        stop_server $s
        set out [cp_check_dir $dir "after a graceful stop"]
        assert_match "*result: clean*" $out
        set s [restart_server $s]
        cp_verify [dict get $s client] "after the last restart"
        stop_server $s
    }

    # ---------------- writes while a compaction runs

    test {Writes of every kind while a compaction runs end up exactly as a model says} {
        cp_require
        set s [cp_start]
        set c [dict get $s client]
        m_reset
        # ~12 MB in 64kb segments: 6000 keys x 1 KB, written twice
        cp_load $c 0 k: 300 800 2
        cp_load $c 0 big: 6000 1000 2
        cp_load $c 1 big: 1000 1000 1
        cp_load $c 4 flushme: 500 500 1
        $c select 0
        set segs0 [server_info_field $c storage_segments]
        assert_morethan $segs0 100

        # The same packet: writes of every kind, guaranteed to run while
        # the compaction is in progress.
        set t0 [list {select 0} {set k:1 during} {del k:2} {incr ctr:k:3} \
                    {append k:4 +tail} {pexpireat k:5 9999999999999} {persist k:5} \
                    {pexpireat k:6 8888888888888} {mset k:7 m7 k:8 m8 newkey nv} \
                    {select 4} {flushdb} {set flushme:1 again} {select 0} \
                    {info persistence}]
        set r [cp_bgrewrite_with $c $t0]
        assert_equal {OK OK 1 1} [lrange $r 0 3]
        assert_equal [expr {[string length [m_get 0 k:4]] + 5}] [lindex $r 4]
        assert_equal {1 1 1 OK OK OK OK OK} [lrange $r 5 12]
        assert_match "*aof_rewrite_in_progress:1\r\n*" [lindex $r 13]
        m_set 0 k:1 during
        m_del 0 k:2
        m_set 0 ctr:k:3 1
        m_set 0 k:4 "[m_get 0 k:4]+tail"
        m_exp 0 k:6 8888888888888
        m_set 0 k:7 m7 ; m_set 0 k:8 m8 ; m_set 0 newkey nv
        m_flush 4
        m_set 4 flushme:1 again

        # From another client, until the compaction ends.
        set c2 [redis_client $s]
        $c2 null_value (nil)
        set during 0
        set rounds 0
        # At most 40 rounds of writes: the compaction (which yields half
        # of its time to the server) may outlast them, and the segments
        # the writes add must stay well below what the compaction removes.
        while {$rounds < 40} {
            set n [cp_random_writes $c2 50 400]
            incr rounds
            if {[server_info_field $c aof_rewrite_in_progress] == 0} break
            incr during $n
        }
        cp_wait_done $c
        assert_equal 1 [server_info_field $c storage_compactions]
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        assert_lessthan [server_info_field $c storage_segments] $segs0
        cp_verify $c2 "after the compaction ($during commands while it ran)"
        # And the same on disk.
        $c2 close
        set s [restart_server $s -kill9]
        cp_verify [dict get $s client] "after kill -9 and a restart"
        set s [restart_server $s]
        cp_verify [dict get $s client] "after a graceful restart"
        stop_server $s
        cp_check_dir [dict get $s dir] "after a graceful stop"
    }

    # ---------------- kill -9 in the middle of a compaction

    test {kill -9 at several moments of a compaction: every acknowledged write survives} {
        cp_require
        set s [cp_start]
        set dir [dict get $s dir]
        set c [dict get $s client]
        m_reset
        cp_load $c 0 k: 300 800 2
        cp_load $c 0 big: 6000 1000 2
        cp_load $c 2 d2: 1000 700 2
        set seen {}
        # The moments: right after the start; once keys were moved; with
        # the main thread frozen by DEBUG SLEEP mid-copy; once input
        # segments were given up (deletion phase); after random delays.
        foreach moment {start moved frozen giveup random random} {
            set c [dict get $s client]
            $c select 0
            set segs0 [server_info_field $c storage_segments]
            set moved0 [server_info_field $c storage_compaction_keys_moved]
            set r [cp_bgrewrite_with $c {{set during:start x} {del k:0}}]
            assert_equal OK [lindex $r 0]
            m_set 0 during:start x
            m_del 0 k:0
            set phase "?"
            set deadline [expr {[clock milliseconds] + 200 + int(rand() * 300)}]
            while {1} {
                cp_random_writes $c 20 400
                set f [server_info_fields $c aof_rewrite_in_progress storage_compaction_keys_moved \
                           storage_segments]
                if {[dict get $f aof_rewrite_in_progress] == 0} { set phase done ; break }
                set moved [expr {[dict get $f storage_compaction_keys_moved] - $moved0}]
                set gaveup [expr {[dict get $f storage_segments] < $segs0 - 1}]
                if {$moment eq "start"} { set phase start ; break }
                if {$moment eq "moved" && $moved > 0} { set phase "moved $moved" ; break }
                if {$moment eq "frozen" && $moved > 3000} {
                    set frz [redis_deferring_client $s]
                    $frz debug sleep 2
                    after 300
                    set phase "frozen after $moved"
                    break
                }
                if {$moment eq "giveup" && $gaveup} { set phase "deleting inputs" ; break }
                if {$moment eq "random" && [clock milliseconds] > $deadline} {
                    set phase "random (moved $moved, gave up $gaveup)"
                    break
                }
            }
            # In flight at the kill: SETs of new keys, a few acknowledged.
            set rd2 [redis_deferring_client $s]
            set buf ""
            for {set i 0} {$i < 50} {incr i} {
                set k "inflight:$moment:[llength $seen]:$i"
                set v [cp_value $k 300]
                append buf [::redis::__format_command [list set $k $v]]
                dict set ::cp_maybe 0 $k $v
            }
            $rd2 write $buf
            flush [$rd2 channel]
            lappend seen "$moment: $phase, files [llength [cp_tmp_files $dir]] tmp"
            stop_server $s -kill9
            catch {$rd2 close}
            if {[info exists frz]} { catch {$frz close} ; unset frz }

            set s [restart_server $s]
            set c [dict get $s client]
            assert_equal {} [cp_tmp_files $dir] "*.tmp files after the restart ($phase)"
            assert_equal 0 [server_info_field $c aof_rewrite_in_progress]
            cp_verify $c "after kill -9 ($moment: $phase)"
            # What came back of the in-flight SETs is now acknowledged.
            dict for {k v} [dict get $::cp_maybe 0] {
                if {[$c exists $k]} { m_set 0 $k $v } else { m_del 0 $k }
            }
            set ::cp_maybe {}
        }
        # After all that, a compaction runs to its end and keeps it all.
        set c [dict get $s client]
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        cp_verify $c "after a complete compaction"
        stop_server $s
        cp_check_dir $dir "after the kill -9 series and a graceful stop"
        set s [restart_server $s]
        cp_verify [dict get $s client] "after the last restart"
        stop_server $s
        if {$::test::verbose} { puts "    (kill -9 moments: [join $seen {; }])" }
    }

    test {A graceful stop (SIGTERM or SHUTDOWN) in the middle of a compaction loses nothing} {
        cp_require
        set s [cp_start]
        set dir [dict get $s dir]
        set c [dict get $s client]
        m_reset
        cp_load $c 0 big: 6000 1000 2
        cp_load $c 3 three: 500 600 2
        $c select 0
        # SIGTERM once keys are being moved
        set moved0 [server_info_field $c storage_compaction_keys_moved]
        cp_bgrewrite_with $c {}
        wait_for_condition 2000 2 {
            [server_info_field $c storage_compaction_keys_moved] > $moved0 ||
            [server_info_field $c aof_rewrite_in_progress] == 0
        } else {
            fail "the compaction neither moved keys nor ended"
        }
        cp_random_writes $c 30 100
        stop_server $s
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {} [cp_tmp_files $dir]
        cp_verify $c "after SIGTERM during a compaction"
        # SHUTDOWN in the same packet as BGREWRITEAOF (the replies before
        # it may not be sent: the SET is not acknowledged)
        set rd [redis_deferring_client $s]
        $rd write "BGREWRITEAOF\r\nSET after:bg 1\r\nSHUTDOWN\r\n"
        $rd flush
        dict set ::cp_maybe 0 after:bg 1
        assert_closed $rd 20
        $rd close
        if {![wait_server_exit $s 20]} { fail "no exit after SHUTDOWN" }
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {} [cp_tmp_files $dir]
        cp_verify $c "after SHUTDOWN during a compaction"
        stop_server $s
        cp_check_dir $dir "after the graceful stops"
    }

    test {FLUSHALL, FLUSHDB and keys expiring while a compaction runs} {
        cp_require
        set s [cp_start]
        set dir [dict get $s dir]
        set c [dict get $s client]
        m_reset
        cp_load $c 0 big: 4000 1000 2
        cp_load $c 1 one: 1000 1000 1
        cp_load $c 2 two: 500 500 1
        # keys whose expiry passes during (or right after) the compaction
        $c select 5
        set cmds {}
        for {set i 0} {$i < 300} {incr i} {
            lappend cmds [list set exp:$i v$i PX [expr {50 + $i * 2}]]
            m_del 5 exp:$i
        }
        set deadline [expr {[clock milliseconds] + 50 + 300 * 2}]
        pipeline_replies $c $cmds
        $c select 0
        set r [cp_bgrewrite_with $c {{flushall} {set new:0 a} {select 2} {set two:0 again}
            {select 1} {set one:1 again} {flushdb} {set one:2 third} {select 0}}]
        assert_equal {OK OK OK OK OK OK OK OK OK} $r
        foreach db {0 1 2} { m_flush $db }
        m_set 0 new:0 a
        m_set 2 two:0 again
        m_set 1 one:2 third
        m_del 1 one:1
        cp_random_writes $c 100 50
        cp_wait_done $c
        cp_wait_past $deadline
        cp_verify $c "after the compaction"
        # a second compaction leaves nothing but the live keys
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        set f [server_info_fields $c storage_live_bytes storage_total_bytes storage_dead_bytes storage_segments]
        assert_lessthan [dict get $f storage_total_bytes] 1000000 $f
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        cp_verify $c "after kill -9"
        assert_morethan [server_info_field $c storage_segments_from_hints] 0
        stop_server $s
        cp_check_dir $dir "after a graceful stop"
    }

    # ---------------- automatic compaction

    test {Automatic compaction starts past compact-garbage-percent and keeps the data} {
        cp_require
        set s [cp_start "" {compact-garbage-percent 50 compact-min-size 0}]
        set c [dict get $s client]
        m_reset
        cp_load $c 1 other: 200 500
        # Overwrite the same 100 keys (one round: ~100 KB, under two
        # segments) until a compaction has run by itself.
        set ::cp_rounds 0
        wait_for_condition 1000 5 {
            [cp_overwrite_round $c] >= 1
        } else {
            fail "no automatic compaction after $::cp_rounds rounds of overwrites: [server_info_fields $c storage_segments storage_garbage_ratio storage_compacting aof_rewrites]"
        }
        # more overwrites while it (or the next one) may run
        for {set i 0} {$i < 5} {incr i} { cp_overwrite_round $c }
        cp_wait_done $c "the automatic compaction"
        assert_morethan_equal [server_info_field $c aof_rewrites] 1
        assert_equal 0 [server_info_field $c storage_compactions_failed]
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        cp_verify $c "after the automatic compaction ($::cp_rounds rounds)"
        set s [restart_server $s -kill9]
        cp_verify [dict get $s client] "after kill -9"
        stop_server $s
    }

    test {compact-garbage-percent 0 and a high compact-min-size keep it from starting; setting them back starts it} {
        cp_require
        set s [cp_start "" {compact-garbage-percent 0 compact-min-size 0}]
        set c [dict get $s client]
        m_reset
        # Overwrites for about a second and a half (the server checks ten
        # times a second): the log ends up nearly all garbage.
        set ::cp_rounds 0
        set until [expr {[clock milliseconds] + 1500}]
        while {[clock milliseconds] < $until} {
            assert_equal 0 [cp_overwrite_round $c] "storage_compactions with compact-garbage-percent 0"
            assert_equal 0 [server_info_field $c storage_compacting]
        }
        set f [server_info_fields $c storage_garbage_ratio aof_rewrites storage_compactions]
        assert_morethan [dict get $f storage_garbage_ratio] 0.5
        assert_equal 0 [dict get $f aof_rewrites]

        # percent 50 but compact-min-size above the log's size: still no
        $c config set compact-min-size 1gb
        $c config set compact-garbage-percent 50
        set until [expr {[clock milliseconds] + 1000}]
        while {[clock milliseconds] < $until} {
            assert_equal 0 [cp_overwrite_round $c] "storage_compactions with compact-min-size 1gb"
        }
        assert_equal 0 [server_info_field $c aof_rewrites]

        # compact-min-size 0: it starts by itself, without another write
        $c config set compact-min-size 0
        wait_for_condition 500 20 {
            [server_info_field $c storage_compactions] >= 1
        } else {
            fail "no automatic compaction after CONFIG SET: [server_info_fields $c storage_segments storage_garbage_ratio aof_rewrites]"
        }
        cp_wait_done $c
        cp_verify $c "after the compaction"
        stop_server $s
    }

    # ---------------- configs

    test {CONFIG GET / SET compact-garbage-percent} {
        cp_require
        set s [cp_start "" {}]
        set c [dict get $s client]
        $c config set compact-garbage-percent 50
        assert_equal {compact-garbage-percent 50} [$c config get compact-garbage-percent]
        foreach v {0 100 37 1} {
            assert_equal OK [$c config set compact-garbage-percent $v]
            assert_equal [list compact-garbage-percent $v] [$c config get compact-garbage-percent]
        }
        foreach v {101 -1 1000 -100} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'compact-garbage-percent') - argument must be between 0 and 100 inclusive" \
                {$c config set compact-garbage-percent $v}
        }
        foreach v {abc 50% 5.5 {} { 5} 050 0x10 99999999999999999999} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'compact-garbage-percent') - argument couldn't be parsed into an integer" \
                {$c config set compact-garbage-percent $v} "value '$v'"
        }
        assert_equal {compact-garbage-percent 1} [$c config get compact-garbage-percent]
        # the same words as for another int config
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive" \
            {$c config set port 70000}
        stop_server $s
    }

    test {CONFIG GET / SET compact-min-size (a memory value, read back in bytes)} {
        cp_require
        set s [cp_start "" {}]
        set c [dict get $s client]
        set s0 [spawn_server -timeout 30 -client]
        assert_equal {compact-min-size 67108864} [[dict get $s0 client] config get compact-min-size]
        assert_equal {compact-garbage-percent 50} [[dict get $s0 client] config get compact-garbage-percent]
        assert_equal [lsort {compact-garbage-percent 50 compact-min-size 67108864}] \
            [lsort [[dict get $s0 client] config get compact-*]]
        stop_server $s0
        # (as Redis, "" is 0)
        foreach {v want} {1mb 1048576 10k 10000 1kb 1024 0 0 1GB 1073741824 {} 0 123 123} {
            assert_equal OK [$c config set compact-min-size $v]
            assert_equal [list compact-min-size $want] [$c config get compact-min-size]
        }
        foreach v {-1 abc 1zb 1.5mb { 5}} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'compact-min-size') - argument must be a memory value" \
                {$c config set compact-min-size $v} "value '$v'"
        }
        assert_equal {compact-min-size 123} [$c config get compact-min-size]
        stop_server $s
    }

    test {CONFIG SET appendonly: yes and no accepted (always reads back yes), anything else is Redis's error} {
        cp_require
        set s [cp_start "" {}]
        set c [dict get $s client]
        assert_equal {appendonly yes} [$c config get appendonly]
        foreach v {yes no YES No} {
            assert_equal OK [$c config set appendonly $v]
            assert_equal {appendonly yes} [$c config get appendonly]
        }
        # Redis 7.0.15's words
        foreach v {maybe {} 1 0 true} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'" \
                {$c config set appendonly $v} "value '$v'"
        }
        assert_error_equal "ERR syntax error" {$c config set appendonly yes no}
        # "no" is ignored, with a warning in the log
        set log [dict get $s stdout]
        wait_for_condition 100 20 {
            [string first "appendonly no ignored" [file_tail $log 200]] >= 0
        } else {
            fail "no warning about appendonly no in the log:\n[file_tail $log 20]"
        }
        stop_server $s
    }

    test {CONFIG SET save: Redis's validation and error text} {
        cp_require
        set s [cp_start "" {}]
        set c [dict get $s client]
        assert_equal OK [$c config set save ""]
        assert_equal {save {}} [$c config get save]
        # Redis 7.0.15: an odd count, anything but digits, seconds < 1 or
        # changes < 0 are refused and change nothing
        foreach v {1 {900 1 300} x {1 x} {-1 5} {0 5} {5 -1} {0x10 1} {1.5 1} { }} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters" \
                {$c config set save $v} "value '$v'"
            assert_equal {save {}} [$c config get save] "after the value '$v'"
        }
        assert_error_equal "ERR syntax error" {$c config set save 900 1}
        stop_server $s
    }

    test {CONFIG SET save: several save points in one value, as Redis 7 takes them} {
        cp_require
        set s [cp_start "" {}]
        set c [dict get $s client]
        foreach {v want} {{900 1} {900 1} {3600 1 300 100 60 10000} {3600 1 300 100 60 10000}
                          {900 1 900 1} {900 1 900 1} {+5 1} {5 1} {} {}} {
            assert_equal OK [$c config set save $v] "value '$v'"
            assert_equal [list save $want] [$c config get save] "after the value '$v'"
        }
        stop_server $s
    }

    test {save and appendonly in a config file: lines add up, "" clears, appendonly no loads} {
        cp_require
        foreach {lines want} {
            {{save 900 1} {save 300 10}} {900 1 300 10}
            {{save 900 1} {save 300 10} {save ""}} {}
            {{save 900 1} {save ""} {save 60 10000}} {60 10000}
            {{save "3600 1 300 100"}} {3600 1 300 100}
            {{appendonly no} {save 900 1}} {900 1}
        } {
            set dir [new_tmpdir]
            set conf [file join $dir extra.conf]
            set f [open $conf w]
            puts $f "appendfsync always"
            foreach l $lines { puts $f $l }
            close $f
            set s [spawn_server -cmdline [list $conf] -dir $dir -timeout 30 -client]
            set c [dict get $s client]
            assert_equal [list save $want] [$c config get save] "config lines: $lines"
            assert_equal {appendonly yes} [$c config get appendonly] "config lines: $lines"
            stop_server $s
        }
    }

    test {A config file with invalid save points does not start, as in Redis} {
        cp_require
        foreach l {{save 900} {save 900 x} {save 0 1} {save -5 1}} {
            set dir [new_tmpdir]
            set conf [file join $dir bad.conf]
            set f [open $conf w]
            puts $f "port [free_port]"
            puts $f "dir $dir"
            puts $f $l
            close $f
            lassign [run_server $conf] rc out
            assert_equal 1 $rc "exit status with '$l', output: $out"
            assert_match "*Invalid save parameters*" $out "'$l'"
        }
    }
}

# ---------------- a full disk during a compaction (root: a small tmpfs)

start_server {tags {compaction diskfull redis-kv-only needs:own-server}} {
    set ::cp_dfskip $::cp_skip
    if {$::cp_dfskip ne ""} {
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::cp_dfskip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::cp_dfskip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::cp_dfskip "cannot unmount a test tmpfs: $p" }
    }

    test {Full disk during a compaction: it fails, the server serves every key, a later one succeeds} {
        if {$::cp_dfskip ne ""} { skip $::cp_dfskip }
        set misconf "MISCONF Errors writing to the AOF file: No space left on device"
        m_reset
        set dir [tmpfs_mount 4m]
        set s [cp_start $dir {}]
        set c [dict get $s client]
        # 150 live keys of 4 KB written three times, then filler until
        # the disk is full, then smaller and smaller values.
        cp_load $c 0 live: 150 4000 3
        set n 0
        foreach len {4000 1000 100 10 1} {
            for {set i 0} {1} {incr i} {
                set k "fill:$len:$i"
                set v [cp_value $k $len]
                if {[catch {$c set $k $v} err]} {
                    assert_equal $misconf $err
                    m_del 0 $k
                    break
                }
                m_set 0 $k $v
                incr n
                if {$i > 100000} { fail "the disk does not get full" }
            }
        }
        set st0 [server_info_fields $c storage_total_bytes storage_segments]

        # 1. No room at all: refused at once, or started and failed.
        set r [catch {$c bgrewriteaof} err]
        if {$r} {
            # Redis 7.0.15 on a full disk (it cannot start its new AOF
            # file): this error, aof_last_bgrewrite_status:err, no rewrite
            # counted
            assert_equal "ERR Can't execute an AOF background rewriting. Please check the server logs for more information." $err
            set f [server_info_fields $c aof_rewrite_in_progress aof_last_bgrewrite_status aof_rewrites \
                       aof_rewrites_consecutive_failures]
            assert_equal {aof_rewrite_in_progress 0 aof_last_bgrewrite_status err aof_rewrites 0 aof_rewrites_consecutive_failures 0} $f
        } else {
            assert_equal "Background append only file rewriting started" $err
            cp_wait_done $c
            assert_equal err [server_info_field $c aof_last_bgrewrite_status]
        }
        assert_equal 0 [server_info_field $c storage_compactions]
        assert_equal PONG [$c ping]
        cp_verify $c "after BGREWRITEAOF on the full disk"

        # 2. Room for the new segment, not for the copy: it starts and
        #    fails half way.
        exec mount -o remount,size=[expr {[fs_used_kb $dir] + 48}]k $dir
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        set f [server_info_fields $c aof_last_bgrewrite_status storage_compactions_failed \
                   aof_rewrites_consecutive_failures storage_compactions]
        assert_equal err [dict get $f aof_last_bgrewrite_status] $f
        assert_morethan_equal [dict get $f storage_compactions_failed] 1
        assert_morethan_equal [dict get $f aof_rewrites_consecutive_failures] 1
        assert_equal 0 [dict get $f storage_compactions]
        assert {[is_alive [dict get $s pid]]}
        assert_equal PONG [$c ping]
        cp_verify $c "after the failed compaction"

        # 3. A crash now: the partial copy goes, the data stays.
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        assert_equal {} [cp_tmp_files $dir]
        cp_verify $c "after the failed compaction and kill -9"
        # and once more, failing again
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        assert_equal err [server_info_field $c aof_last_bgrewrite_status]
        cp_verify $c "after the second failed compaction"

        # 4. Room again: the next compaction succeeds and frees space.
        exec mount -o remount,size=32m $dir
        set v [cp_value after:room 1000]
        assert_equal OK [$c set after:room $v]
        m_set 0 after:room $v
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        cp_wait_done $c
        set f [server_info_fields $c aof_last_bgrewrite_status storage_compactions \
                   aof_rewrites_consecutive_failures storage_total_bytes]
        assert_equal ok [dict get $f aof_last_bgrewrite_status]
        assert_equal 1 [dict get $f storage_compactions]
        assert_equal 0 [dict get $f aof_rewrites_consecutive_failures]
        assert_lessthan [dict get $f storage_total_bytes] [dict get $st0 storage_total_bytes]
        assert_equal {} [cp_tmp_files $dir]
        cp_verify $c "after the successful compaction"

        # 5. Restarts.
        set s [restart_server $s]
        cp_verify [dict get $s client] "after a graceful restart"
        set s [restart_server $s -kill9]
        cp_verify [dict get $s client] "after kill -9"
        stop_server $s
        cp_check_dir $dir "after the last graceful stop"
        set p [tmpfs_umount $dir]
        if {$p ne ""} { fail $p }
    }
}
} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs mounts of unit/compaction" $p }
}
