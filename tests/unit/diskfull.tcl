# Disk full: redis-kv with its data directory on a small tmpfs.
#
# README ("Storage and durability"): a write that cannot be stored is
# answered with "-MISCONF Errors writing to the AOF file: <reason>", the
# partial record is cut off the file, reads keep working, and the next
# write tries again, so the server recovers by itself when the disk has
# room.  These tests fill a 2 MB tmpfs (segment-size 256kb, so segments
# rotate on the way) with ~10 KB values until a write fails, then check:
#   - the exact error text, that the server stays up and serves every
#     acknowledged key, INFO aof_last_write_status:err and
#     storage_write_errors > 0;
#   - that writes of every kind (MSET, MSETNX, SET, GETSET, APPEND,
#     SETRANGE, INCR, multi-key DEL/UNLINK, RENAME, RENAMENX, COPY, MOVE)
#     fail as a whole and change nothing while the disk is full, while the
#     same commands answer as usual when they have nothing to write;
#   - that after `mount -o remount,size=8m` the next write succeeds in the
#     same server process (aof_last_write_status:ok again);
#   - that after a graceful stop and after kill -9 (also while the disk is
#     still full) every acknowledged key reads back exactly, the failed
#     ones are absent, and `utils/redis-kv-check DIR` exits 0 (run only
#     while no server runs on the directory).
# Scenario A runs with appendfsync always, scenario B with everysec.
#
# Tags redis-kv-only needs:own-server diskfull.  Skipped when the server
# under test is not redis-kv (INFO has no redis_kv_version), when not
# running as root, or when a tmpfs cannot be mounted.  Only the servers this
# file spawns (spawn_server) are signalled (by PID), always before their
# tmpfs is unmounted; every mount is undone in a `finally` that also runs
# when a test or the file itself fails.

# ------------------------------------------------------------------ helpers

set ::df_tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]
set ::df_skip ""
set ::df_misconf "MISCONF Errors writing to the AOF file: No space left on device"
# Values are cut from a random binary pool so that every one is different.
set ::df_pool [string repeat [randstring 1021 1021 binary] 12]
set ::df_seq 0

proc df_require {} {
    if {$::df_skip ne ""} { skip $::df_skip }
}

# Scenario state: the name of a global dict with dir, s (server), step.
# A step of a scenario needs the previous one to have completed.
proc df_need {var step} {
    upvar #0 $var st
    if {![info exists st] || [dict get $st step] < $step} {
        fail "not run: an earlier step of this scenario failed"
    }
}
proc df_done {var step} {
    upvar #0 $var st
    dict set st step $step
}

proc df_remount {dir size} {
    exec mount -o remount,size=$size $dir < /dev/null 2>@1
}

# Starts scenario VAR (::dfA or ::dfB): a fresh model, a 2 MB tmpfs and a
# server on it with appendfsync FSYNC; returns the server's client.
proc df_begin {var fsync} {
    upvar #0 $var st
    df_model_reset
    set dir [tmpfs_mount 2m]
    set s [spawn_server -dir $dir -overrides [list appendfsync $fsync segment-size 256kb] \
               -timeout 20 -client]
    set st [dict create dir $dir s $s step 0]
    return [dict get $s client]
}

# Stops the server of scenario VAR (SIGTERM, or kill -9 with -kill9), checks
# its directory with redis-kv-check (WHEN: "after ..."), starts it again on
# the directory and returns the new server's client.
proc df_restart {var when args} {
    upvar #0 $var st
    stop_server [dict get $st s] {*}$args
    df_check_dir [dict get $st dir] $when
    dict set st s [restart_server [dict get $st s]]
    return [dict get $st s client]
}

# utils/redis-kv-check DIR must exit 0 (no server may run on DIR).
proc df_check_dir {dir when} {
    if {![file executable $::df_tool]} {
        fail "utils/redis-kv-check is not built ($::df_tool)"
    }
    set rc 0
    if {[catch {exec $::df_tool $dir < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    if {$rc != 0} {
        set listing {}
        foreach f [lsort [glob -nocomplain -directory $dir *]] {
            lappend listing "[file tail $f] [file size $f]"
        }
        fail "utils/redis-kv-check $dir exited $rc $when:\n$out\nfiles: [join $listing {, }]"
    }
}

# A LEN-byte value unique to TAG (its first bytes are the tag when it fits).
proc df_value {tag len} {
    set off [expr {([incr ::df_seq] * 97) % 1021}]
    set tl [string length $tag]
    if {$len <= $tl + 1} {
        return [string range $::df_pool $off [expr {$off + $len - 1}]]
    }
    return "$tag|[string range $::df_pool $off [expr {$off + $len - $tl - 2}]]"
}

# The model of what must be in the database: a dict key -> value (the
# acknowledged writes) and a list of keys that must not exist.
proc df_model_reset {} {
    set ::df_model [dict create]
    set ::df_absent {}
}
proc df_acked {k v} {
    dict set ::df_model $k $v
    set i [lsearch -exact $::df_absent $k]
    if {$i >= 0} { set ::df_absent [lreplace $::df_absent $i $i] }
}
proc df_failed {k} {
    if {![dict exists $::df_model $k] && $k ni $::df_absent} { lappend ::df_absent $k }
}
proc df_deleted {k} {
    dict unset ::df_model $k
    if {$k ni $::df_absent} { lappend ::df_absent $k }
}

proc df_verify {c when} {
    dict for {k v} $::df_model {
        set got [$c get $k]
        if {$got ne $v} {
            assert_equal [string length $got] [string length $v] "length of '$k' $when"
            assert_equal $got $v "value of '$k' $when"
        }
    }
    foreach k $::df_absent {
        assert_equal 0 [$c exists $k] "'$k' (never acknowledged or deleted) must not exist $when"
    }
    assert_equal [dict size $::df_model] [$c dbsize] "DBSIZE $when"
}

# SETs values of LEN bytes under PREFIX0, PREFIX1, ... until one fails;
# returns {number-acknowledged error-text}.
proc df_fill {c prefix len maxn} {
    for {set i 0} {$i < $maxn} {incr i} {
        set k "$prefix$i"
        set v [df_value $k $len]
        if {[catch {$c set $k $v} r]} {
            df_failed $k
            return [list $i $r]
        }
        assert_equal OK $r "SET $k ($len bytes)"
        df_acked $k $v
    }
    fail "no write failed after $maxn SETs of $len bytes: is the data directory really on the 2 MB tmpfs?"
}

# After the first failure: smaller and smaller values until even a 1-byte
# one fails, so that no multi-record write can fit any more.
proc df_top_off {c} {
    foreach len {4096 1024 256 64 16 1} {
        lassign [df_fill $c "t$len:" $len 5000] n err
        assert_equal $err $::df_misconf "the SET that failed after $n SETs of $len bytes"
    }
}

proc df_info_field {c section field} {
    set info [$c info $section]
    if {![regexp -line "^$field:(\[^\r\n\]*)" $info -> v]} {
        fail "INFO $section has no $field field"
    }
    return $v
}

# Fill a fresh server to the brim and check the first failure.
proc df_fill_to_full {c} {
    lassign [df_fill $c k: 10240 1000] n err
    assert_equal $err $::df_misconf "the first SET that failed (after $n acknowledged 10 KB SETs)"
    # 2 MB hold at most 204 values of 10 KB; far fewer means something else
    # failed (e.g. at the start).
    assert_range $n 100 204 "acknowledged 10 KB SETs on a 2 MB tmpfs"
    # Nothing changed: the next write tries again and fails the same way.
    set k k:$n
    assert_error_equal $::df_misconf {$c set $k [df_value $k 10240]}
    df_top_off $c
    return $n
}

# ------------------------------------------------------------------ tests

try {
start_server {tags {diskfull redis-kv-only needs:own-server}} {
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::df_skip "the server under test is not redis-kv"
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::df_skip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::df_skip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::df_skip "cannot unmount a test tmpfs: $p" }
    }

    # ---------------- scenario A: appendfsync always, recovery in place

    test {Full disk: a write fails with the exact MISCONF error, the server stays up and serves every acknowledged key} {
        df_require
        set c [df_begin ::dfA always]
        set s [dict get $::dfA s]
        set n [df_fill_to_full $c]

        # The exact bytes on the wire.
        set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
        $rd write [::redis::__format_command [list set k:$n [df_value k:$n 10240]]]
        $rd flush
        assert_equal "-$::df_misconf\r\n" [$rd read_raw]
        $rd close
        df_failed k:$n

        # Still up, on this connection and on a new one.
        assert_equal PONG [$c ping]
        set c2 [::redis::connect [dict get $s host] [dict get $s port] 0]
        assert_equal PONG [$c2 ping]
        $c2 close
        assert {[is_alive [dict get $s pid]]}

        # Reads keep working: every acknowledged key, exactly.
        df_verify $c "while the disk is full"
        assert_equal [list [dict get $::df_model k:0] (nil) [dict get $::df_model k:1]] \
            [$c mget k:0 k:$n k:1]
        assert_equal 10240 [$c strlen k:5]
        assert_equal [string range [dict get $::df_model k:7] 100 199] [$c getrange k:7 100 199]

        assert_equal err [df_info_field $c persistence aof_last_write_status]
        assert_morethan [df_info_field $c storage storage_write_errors] 0
        # segment-size 256kb: the log rotated on the way.
        assert_morethan [df_info_field $c storage storage_segments] 1
        df_done ::dfA 1
    }

    test {Full disk: MSET and every other kind of write fail as a whole and change nothing} {
        df_require
        df_need ::dfA 1
        set c [dict get $::dfA s client]
        set errs0 [df_info_field $c storage storage_write_errors]
        set nerr 0
        # Keyspace notifications: a write that fails (a batch rolled back)
        # publishes nothing; checked at the end of the test.
        $c config set notify-keyspace-events KEAn
        set sub [redis_deferring_client [dict get $::dfA s]]
        $sub psubscribe __key*__:*
        $sub read

        # MSET of new keys: none of them may exist afterwards.
        set args {}
        foreach k {m:1 m:2 m:3 m:4 m:5} { lappend args $k [df_value $k 10240] }
        assert_error_equal $::df_misconf {$c mset {*}$args}
        incr nerr
        foreach k {m:1 m:2 m:3 m:4 m:5} { df_failed $k }
        assert_equal 0 [$c exists m:1 m:2 m:3 m:4 m:5]

        # Tiny values: the batch does not fit either.
        assert_error_equal $::df_misconf {$c mset s:1 a s:2 b s:3 c}
        incr nerr
        foreach k {s:1 s:2 s:3} { df_failed $k }
        assert_equal 0 [$c exists s:1 s:2 s:3]

        # MSET mixing existing and new keys: the existing keys keep their
        # values, the new ones do not appear.
        set args [list k:3 [df_value k:3 10240] x:1 [df_value x:1 100] \
                      k:4 [df_value k:4 50] x:2 y]
        assert_error_equal $::df_misconf {$c mset {*}$args}
        incr nerr
        foreach k {x:1 x:2} { df_failed $k }
        assert_equal [dict get $::df_model k:3] [$c get k:3]
        assert_equal [dict get $::df_model k:4] [$c get k:4]
        assert_equal 0 [$c exists x:1 x:2]

        assert_error_equal $::df_misconf {$c msetnx n:1 [df_value n:1 5000] n:2 b}
        incr nerr
        foreach k {n:1 n:2} { df_failed $k }
        assert_equal 0 [$c exists n:1 n:2]

        # Single-key writes on existing keys.
        assert_error_equal $::df_misconf {$c set k:10 [df_value k:10 10240]}
        assert_error_equal $::df_misconf {$c set k:10 [df_value k:10 10240] EX 1000}
        assert_error_equal $::df_misconf {$c getset k:11 [df_value k:11 10240]}
        assert_error_equal $::df_misconf {$c append k:12 tail}
        assert_error_equal $::df_misconf {$c setrange k:13 5 xyz}
        incr nerr 5
        assert_equal -1 [$c ttl k:10]
        # A new counter with a long name.
        set longkey "counter:[string repeat c 300]"
        assert_error_equal $::df_misconf {$c incr $longkey}
        incr nerr
        df_failed $longkey

        # Multi-key deletes are one batch: all or nothing.
        assert_error_equal $::df_misconf {$c del k:20 k:21 k:22}
        assert_error_equal $::df_misconf {$c unlink k:23 k:24}
        incr nerr 2
        assert_equal 5 [$c exists k:20 k:21 k:22 k:23 k:24]

        # RENAME, RENAMENX, COPY and MOVE write one batch (value + delete):
        # all or nothing.
        assert_error_equal $::df_misconf {$c rename k:30 k:31}
        assert_error_equal $::df_misconf {$c rename k:30 renamed:1}
        assert_error_equal $::df_misconf {$c renamenx k:30 renamed:2}
        assert_error_equal $::df_misconf {$c copy k:32 copied:1}
        assert_error_equal $::df_misconf {$c copy k:32 k:33 REPLACE}
        assert_error_equal $::df_misconf {$c copy k:32 k:32 DB 1}
        assert_error_equal $::df_misconf {$c move k:34 1}
        incr nerr 7
        foreach k {renamed:1 renamed:2 copied:1} { df_failed $k }
        $c select 1
        assert_equal 0 [$c exists k:32 k:34]
        $c select 0
        # With nothing to write they answer as usual.
        assert_error_equal "ERR no such key" {$c rename nokey x}
        assert_equal OK [$c rename k:30 k:30]
        assert_equal 0 [$c renamenx k:30 k:31]
        assert_equal 0 [$c copy k:32 k:33]
        assert_equal 0 [$c move nokey 1]

        # MULTI/EXEC is one batch: EXEC answers MISCONF instead of its
        # replies and nothing of the transaction is applied.
        $c multi
        $c set k:40 [df_value k:40 10240]
        $c set tx:1 a
        $c del k:41
        $c get k:42
        assert_error_equal $::df_misconf {$c exec}
        incr nerr
        df_failed tx:1
        assert_equal 0 [$c exists tx:1]
        assert_equal 1 [$c exists k:41]
        # With nothing to write it answers as usual.
        $c multi
        $c get k:42
        $c exists tx:1
        assert_equal [list [dict get $::df_model k:42] 0] [$c exec]

        # Not one event for all of the failed writes above: the first frame
        # the subscriber gets is this marker.
        $c publish __keyspace@0__:marker end
        assert_equal {pmessage __key*__:* __keyspace@0__:marker end} [$sub read]
        $sub close
        $c config set notify-keyspace-events ""

        df_verify $c "after the failed writes"
        assert_equal err [df_info_field $c persistence aof_last_write_status]
        set errs1 [df_info_field $c storage storage_write_errors]
        assert_morethan_equal [expr {$errs1 - $errs0}] $nerr \
            "storage_write_errors went from $errs0 to $errs1 over $nerr failed writes"
        assert_equal PONG [$c ping]
        df_done ::dfA 2
    }

    test {Full disk: once the disk has room the next write succeeds, without a restart} {
        df_require
        df_need ::dfA 2
        set s [dict get $::dfA s]
        set c [dict get $s client]
        set pid [dict get $s pid]
        df_remount [dict get $::dfA dir] 8m

        set v [df_value r:0 10240]
        assert_equal OK [$c set r:0 $v]
        df_acked r:0 $v
        assert_equal ok [df_info_field $c persistence aof_last_write_status]
        assert {[is_alive $pid]}
        assert_equal $pid [df_info_field $c server process_id]

        # Batches and every other kind of write work again.
        set args {}
        foreach k {r:1 r:2 r:3 r:4} {
            set v [df_value $k 10240]
            lappend args $k $v
            df_acked $k $v
        }
        assert_equal OK [$c mset {*}$args]
        assert_equal 3 [$c del k:20 k:21 k:22]
        foreach k {k:20 k:21 k:22} { df_deleted $k }
        assert_equal 10244 [$c append k:12 tail]
        df_acked k:12 "[dict get $::df_model k:12]tail"
        assert_equal 1 [$c incr counter]
        df_acked counter 1
        set v [df_value k:10 10240]
        assert_equal OK [$c set k:10 $v]
        df_acked k:10 $v
        assert_equal OK [$c rename k:30 renamed:1]
        df_acked renamed:1 [dict get $::df_model k:30]
        df_deleted k:30
        assert_equal 1 [$c copy k:32 copied:1]
        df_acked copied:1 [dict get $::df_model k:32]
        set moved [dict get $::df_model k:34]
        assert_equal 1 [$c move k:34 1]
        df_deleted k:34
        $c select 1
        assert_equal $moved [$c get k:34]
        $c select 0

        # About 1 MB more, across several segments.
        set segs0 [df_info_field $c storage storage_segments]
        for {set i 5} {$i < 105} {incr i} {
            set v [df_value r:$i 10240]
            assert_equal OK [$c set r:$i $v]
            df_acked r:$i $v
        }
        assert_morethan [df_info_field $c storage storage_segments] $segs0
        assert_equal ok [df_info_field $c persistence aof_last_write_status]
        df_verify $c "after the disk got room"
        df_done ::dfA 3
    }

    test {Full disk: after a graceful restart every acknowledged key reads back and redis-kv-check passes} {
        df_require
        df_need ::dfA 3
        set c [df_restart ::dfA "after the graceful stop"]
        df_verify $c "after the graceful restart"
        assert_equal ok [df_info_field $c persistence aof_last_write_status]
        set v [df_value after:term 10240]
        assert_equal OK [$c set after:term $v]
        df_acked after:term $v
        df_done ::dfA 4
    }

    test {Full disk: after kill -9 every acknowledged key reads back and redis-kv-check passes} {
        df_require
        df_need ::dfA 4
        set dir [dict get $::dfA dir]
        set c [dict get $::dfA s client]
        assert_equal OK [$c mset b:1 one b:2 two]
        df_acked b:1 one
        df_acked b:2 two
        set c [df_restart ::dfA "after kill -9" -kill9]
        df_verify $c "after kill -9 and a restart"
        stop_server [dict get $::dfA s]
        df_check_dir $dir "after the last graceful stop"
        df_done ::dfA 5
    }

    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs of scenario A" $p }

    # ---------------- scenario B: appendfsync everysec, stopped while full

    test {Full disk: killed (-9) while the disk is full, the server restarts on it, serves its data and refuses writes} {
        df_require
        set c [df_begin ::dfB everysec]
        df_fill_to_full $c
        df_verify $c "while the disk is full"
        # Killed: the failed writes left nothing behind (no torn tail).
        set c [df_restart ::dfB "after kill -9 on the full disk" -kill9]
        df_verify $c "after the restart on the full disk"
        assert_error_equal $::df_misconf {$c set k:0 [df_value k:0 10240]}
        assert_error_equal $::df_misconf {$c mset z:1 a z:2 b}
        df_failed z:1
        df_failed z:2
        assert_equal err [df_info_field $c persistence aof_last_write_status]
        df_verify $c "after more failed writes"
        df_done ::dfB 1
    }

    test {Full disk: stopped gracefully while the disk is full, the server restarts on it and recovers when it gets room} {
        df_require
        df_need ::dfB 1
        set dir [dict get $::dfB dir]
        set c [df_restart ::dfB "after a graceful stop on the full disk"]
        df_verify $c "after the graceful restart on the full disk"
        assert_error_equal $::df_misconf {$c set k:1 [df_value k:1 10240]}

        df_remount $dir 8m
        set v [df_value k:1 10240]
        assert_equal OK [$c set k:1 $v]
        df_acked k:1 $v
        assert_equal ok [df_info_field $c persistence aof_last_write_status]
        assert_equal OK [$c mset z:1 a z:2 b]
        df_acked z:1 a
        df_acked z:2 b
        df_verify $c "after the disk got room"
        set c [df_restart ::dfB "after kill -9 once the disk had room" -kill9]
        df_verify $c "after the last restart"
        stop_server [dict get $::dfB s]
        df_check_dir $dir "after the last graceful stop"
        df_done ::dfB 2
    }
}
} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs mounts of unit/diskfull" $p }
}
