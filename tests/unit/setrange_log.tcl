# In-place string changes through the real protocol: SETRANGE and APPEND
# on an existing value log only the bytes they write (a PATCH record,
# store/record.h), and the value reads back exactly whatever mix of SET
# and patch records made it: after kill -9 with `appendfsync always`,
# across a compaction (BGREWRITEAOF) running while the value is patched,
# DEBUG RELOAD, and a BGSAVE backup restored with BACKUP RESTORE.
#
# redis-kv only (tags redis-kv-only needs:own-server): the tests look at
# INFO storage and restart their own servers, started with spawn_server;
# only those PIDs are signalled.  Every test keeps a model of the value in
# Tcl and compares the whole value byte for byte.

set ::sl_skip ""

proc sl_require {} {
    if {$::sl_skip ne ""} { skip $::sl_skip }
}

# A server (spawn_durable_server) whose key `big` holds LEN random bytes patched N
# times; returns {server client model}.
proc sl_start_patched {len n} {
    set s [spawn_durable_server]
    set c [dict get $s client]
    set v [big_random_value $len]
    $c set big $v
    return [list $s $c [sl_patch $c big $v $n]]
}

# Redis's SETRANGE on the model string V: BYTES at OFF, zero-padded.
proc sl_setrange {v off bytes} {
    set len [string length $v]
    if {$off > $len} { append v [string repeat "\x00" [expr {$off - $len}]] }
    set end [expr {$off + [string length $bytes]}]
    if {$end >= [string length $v]} {
        return "[string range $v 0 [expr {$off - 1}]]$bytes"
    }
    return [string replace $v $off [expr {$end - 1}] $bytes]
}

# Asserts that KEY on client C holds exactly WANT (reporting the first
# differing offset rather than a megabyte of bytes).
proc sl_assert_value {c key want {when ""}} {
    set got [$c get $key]
    if {$got eq $want} { return }
    set n [expr {min([string length $got], [string length $want])}]
    set i 0
    while {$i < $n && [string index $got $i] eq [string index $want $i]} { incr i }
    fail "$key $when: [string length $got] bytes read, [string length $want] expected, first difference at offset $i"
}

# Waits (bounded, polling) until the compaction of C has ended.
proc sl_wait_compaction {c what} {
    wait_for_condition 3000 20 {
        [server_info_field $c aof_rewrite_in_progress] == 0
    } else {
        fail "$what did not end"
    }
}

# Some GETRANGE reads of KEY against the model WANT.
proc sl_assert_ranges {c key want} {
    set len [string length $want]
    foreach {start n} [list 0 10 [expr {$len / 3}] 1000 [expr {$len - 5}] 5 \
                           [expr {$len / 2}] 70000 0 $len] {
        set end [expr {$start + $n - 1}]
        assert_equal [string range $want $start $end] [$c getrange $key $start $end] \
            "GETRANGE $key $start $end"
    }
    assert_equal $len [$c strlen $key]
}

# N random 1-byte SETRANGEs (some past the end) and 3-byte APPENDs of KEY
# through C; returns the model after them.
proc sl_patch {c key v n} {
    for {set i 0} {$i < $n} {incr i} {
        set len [string length $v]
        if {$i % 10 == 9} {
            set bytes [format "%c%c%c" [randomInt 256] [randomInt 256] [randomInt 256]]
            assert_equal [expr {$len + 3}] [$c append $key $bytes]
            append v $bytes
        } else {
            set off [randomInt [expr {$len + ($i % 7 == 0 ? 100 : 0)}]]
            set b [format %c [randomInt 256]]
            set v [sl_setrange $v $off $b]
            assert_equal [string length $v] [$c setrange $key $off $b]
        }
    }
    return $v
}

set ::sl_tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]

# utils/redis-kv-check on DIR: {exitcode output}.
proc sl_check {args} { run_tool $::sl_tool {*}$args }

start_server {tags {setrange redis-kv-only needs:own-server}} {
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::sl_skip "the log of partial writes is redis-kv's (INFO storage)"
    }

    test {SETRANGE and APPEND on a 1 MB value write a small fraction of it to the log} {
        sl_require
        lassign [sl_start_patched 1048576 0] s c v
        set before [server_info_field $c storage_total_bytes]
        set v [sl_patch $c big $v 200]
        set grown [expr {[server_info_field $c storage_total_bytes] - $before}]
        # a SET of the whole value per write would be 200 MB; checkpoints
        # (a whole SET once per chain of patches) keep it to a few MB
        assert {$grown < 200 * 1048576 / 8} "the log grew by $grown bytes for 200 small writes"
        sl_assert_value $c big $v
        sl_assert_ranges $c big $v
        assert_equal 0 [server_info_field $c storage_damage_reports]
        stop_server $s
    }

    test {kill -9 with appendfsync always keeps every acknowledged SETRANGE and APPEND, TTL too} {
        sl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set v [big_random_value 1048576]
        set w [big_random_value 70000]
        $c set big $v
        $c set ttl $w ex 100000
        set v [sl_patch $c big $v 120]
        set w [sl_patch $c ttl $w 50]
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        sl_assert_value $c big $v "after kill -9"
        sl_assert_value $c ttl $w "after kill -9"
        sl_assert_ranges $c big $v
        assert_range [$c ttl ttl] 99000 100000
        assert_equal -1 [$c ttl big]
        assert_equal 0 [server_info_field $c storage_damage_reports]
        # the chain goes on after the restart, and survives the next one
        set v [sl_patch $c big $v 40]
        stop_server $s -kill9
        set s [restart_server $s]
        sl_assert_value [dict get $s client] big $v "after the second kill -9"
        stop_server $s
    }

    test {BGREWRITEAOF while the value is patched loses no byte, now or after a restart} {
        sl_require
        set s [spawn_durable_server "" {segment-size 256kb}]
        set c [dict get $s client]
        set v [big_random_value 1048576]
        $c set big $v
        set v [sl_patch $c big $v 10]
        for {set i 0} {$i < 50} {incr i} { $c set filler:$i [string repeat x 20000] }
        for {set i 0} {$i < 50} {incr i} { $c del filler:$i }
        set done0 [server_info_field $c storage_compactions]
        $c bgrewriteaof
        set rounds 0
        while {[server_info_field $c aof_rewrite_in_progress] == 1 && $rounds < 2000} {
            set v [sl_patch $c big $v 3]
            incr rounds
        }
        sl_wait_compaction $c "the compaction"
        assert_morethan [server_info_field $c storage_compactions] $done0
        sl_assert_value $c big $v "after the compaction"
        set v [sl_patch $c big $v 20]
        sl_assert_value $c big $v "patched after the compaction"
        # a second merge, with nothing racing it, leaves one record
        $c bgrewriteaof
        sl_wait_compaction $c "the second compaction"
        sl_assert_value $c big $v "after the second compaction"
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        sl_assert_value $c big $v "after kill -9"
        assert_equal 0 [server_info_field $c storage_damage_reports]
        stop_server $s
    }

    test {DEBUG RELOAD keeps a patched value and its chain goes on} {
        sl_require
        lassign [sl_start_patched 300000 15] s c v
        assert_equal OK [$c debug reload]
        sl_assert_value $c big $v "after DEBUG RELOAD"
        set v [sl_patch $c big $v 15]
        sl_assert_value $c big $v "patched after DEBUG RELOAD"
        stop_server $s
    }

    test {BACKUP RESTORE of a BGSAVE brings back the patched value as it was then} {
        sl_require
        lassign [sl_start_patched 500000 25] s c v
        set n0 [server_info_field $c rdb_saves]
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 3000 20 {
            [server_info_field $c rdb_saves] > $n0 &&
            [server_info_field $c rdb_bgsave_in_progress] == 0
        } else {
            fail "the BGSAVE did not end"
        }
        set id [dict get [lindex [$c backup list] end] id]
        set later [sl_patch $c big $v 25]
        sl_assert_value $c big $later "patched after the backup"
        $c backup restore $id
        sl_assert_value $c big $v "after BACKUP RESTORE"
        set v [sl_patch $c big $v 10]
        stop_server $s -kill9
        set s [restart_server $s]
        sl_assert_value [dict get $s client] big $v "after the restore and kill -9"
        stop_server $s
    }

    test {SETRANGE and APPEND on an expired key start afresh; RENAME, COPY and DEL of a patched key} {
        sl_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        $c set gone [string repeat a 1000] px 50
        after 120
        assert_equal 4 [$c setrange gone 2 xy]
        assert_equal "\x00\x00xy" [$c get gone]
        assert_equal -1 [$c ttl gone]
        $c set gone2 [string repeat b 1000] px 50
        after 120
        assert_equal 3 [$c append gone2 xyz]
        assert_equal xyz [$c get gone2]
        set v [big_random_value 100000]
        $c set p $v ex 5000
        set v [sl_patch $c p $v 10]
        assert_equal 1 [$c copy p p2]
        assert_equal OK [$c rename p p3]
        assert_equal 0 [$c exists p]
        sl_assert_value $c p2 $v "copied"
        sl_assert_value $c p3 $v "renamed"
        assert_range [$c ttl p3] 4900 5000
        set w [sl_patch $c p3 $v 10]
        sl_assert_value $c p2 $v "the copy after the original was patched"
        assert_equal 1 [$c del p2]
        $c set p3 plain
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal 0 [$c exists p2 p]
        assert_equal plain [$c get p3]
        assert_equal "\x00\x00xy" [$c get gone]
        stop_server $s
    }

    test {redis-kv-check verifies, counts and dumps patch records} {
        sl_require
        if {![file executable $::sl_tool]} { skip "utils/redis-kv-check is not built" }
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set c [dict get $s client]
        $c set k [string repeat v 5000]
        $c setrange k 10 PATCHED
        $c append k END
        stop_server $s
        lassign [sl_check $dir] rc out
        assert_equal 0 $rc $out
        assert_match "*patches: 2 applied, 1 keys patched, 0 without their base*" $out
        assert_match "*result: clean*" $out
        lassign [sl_check $dir --dump] rc out
        assert_equal 0 $rc $out
        assert_match {*type=patch db=0 key="k" patches=seq:* at=10 len=5000*value="PATCHED"*} $out
        assert_match {*type=patch db=0 key="k" patches=seq:* at=5000 len=5003*value="END"*} $out
    }
}
