# Snapshots and backups: BGSAVE, SAVE, LASTSAVE, the save points, INFO
# persistence's rdb_* fields, and redis-kv's own BACKUP LIST | DELETE |
# RESTORE | HELP with the configs backup-dir and backup-keep.
#
# The first block is about Redis commands only and passes against real
# Redis 7.0 too (checked against redis-server 7.0.15 with
#   tests/runtest --server /usr/bin/redis-server --single unit/backup
# where the redis-kv blocks skip themselves): replies of BGSAVE [SCHEDULE],
# SAVE and LASTSAVE, their errors while a snapshot or an "AOF rewrite"
# (here: a compaction) runs, inside MULTI/EXEC, the rdb_* INFO fields and
# the save points.
#
# The other blocks are redis-kv only (tags redis-kv-only needs:own-server;
# they skip themselves when INFO has no redis_kv_version): the backups a
# snapshot leaves in backup-dir, BACKUP's replies and errors, a restore
# (the data set becomes exactly the backup's, clients are told), a backup
# taken during a write load, backup-keep, restarts, kill -9 in the middle
# of a snapshot, damaged backups and a full disk (a small tmpfs, root
# only).
#
# Nothing here asserts a timing.  A snapshot is kept "in progress" with
# rdb-key-save-delay (redis-kv: microseconds per file the snapshot links;
# Redis: per key it writes) and a small segment-size, and the commands that
# must see it running are sent in the same packet as the BGSAVE that
# starts it.  Only the servers spawned here are signalled, by PID; a tmpfs
# mounted here is unmounted in a `finally`.

# ------------------------------------------------------------------ helpers

set ::bk_skip ""

proc bk_require {} {
    if {$::bk_skip ne ""} { skip $::bk_skip }
}

proc bk_is_kv {c} { return [regexp -line {^redis_kv_version:} [$c info server]] }

# The value of FIELD in an INFO text.
proc bk_info_value {info field} {
    if {![regexp -line "^$field:(\[^\r\n\]*)" $info -> v]} {
        fail "INFO has no $field field"
    }
    return $v
}

# Waits (bounded, polling) until no snapshot and no compaction runs or is
# scheduled on the server of C.
proc bk_wait_idle {c {what "the snapshot"}} {
    wait_for_condition 1500 20 {
        [dict values [server_info_fields $c rdb_bgsave_in_progress aof_rewrite_in_progress aof_rewrite_scheduled]] eq {0 0 0}
    } else {
        fail "$what did not end: [server_info_fields $c rdb_bgsave_in_progress rdb_current_bgsave_time_sec aof_rewrite_in_progress aof_rewrite_scheduled]"
    }
}

# Waits until rdb_saves is above N0 (a snapshot was made) and none runs.
proc bk_wait_saves {c n0 {what "the snapshot"}} {
    wait_for_condition 1500 20 {
        [server_info_field $c rdb_saves] > $n0 && [server_info_field $c rdb_bgsave_in_progress] == 0
    } else {
        fail "$what was not made: [server_info_fields $c rdb_saves rdb_bgsave_in_progress rdb_last_bgsave_status aof_rewrite_in_progress]"
    }
}

# A BACKUP RESTORE of backup ID sent while something else ran may be
# refused (an error) or done: returns the data set to expect then, CUR
# (unchanged) or WANT (the backup's).
proc bk_restore_outcome {restore id want cur what} {
    if {[string match "ERR!*" $restore]} {
        puts "    (BACKUP RESTORE $what: [string range $restore 4 end])"
        assert_match "ERR!ERR *" $restore
        return $cur
    }
    assert_equal $id [lindex $restore 0] "reply $restore"
    return $want
}

# The raw BACKUP LIST reply expected for ENTRIES (dicts), each entry
# starting with HEADER ("*10" in RESP2, "%5" in RESP3).
proc bk_list_raw {entries header} {
    set out "*[llength $entries]\r\n"
    foreach e $entries {
        append out "$header\r\n"
        foreach k {id time seq keys bytes} {
            append out "\$[string length $k]\r\n$k\r\n:[dict get $e $k]\r\n"
        }
    }
    return $out
}

# pipeline_replies (util.tcl) on a fresh deferring connection to the
# spawn_server dict S ("" = the innermost start_server).
proc bk_packet {s cmds} {
    if {$s eq ""} { set rd [redis_deferring_client] } else { set rd [redis_deferring_client $s] }
    set out [pipeline_replies $rd $cmds]
    $rd close
    return $out
}

# Makes the next snapshot slow: NKEYS values of 2000 bytes (on redis-kv
# with segment-size 1kb, so each one is a segment of its own) and
# rdb-key-save-delay DELAY.
proc bk_make_slow {c nkeys {delay 200000}} {
    if {[bk_is_kv $c]} { $c config set segment-size 1kb }
    for {set i 0} {$i < $nkeys} {incr i} {
        $c set slow:$i [string repeat [format %c [expr {65 + $i % 26}]] 2000]
    }
    $c config set rdb-key-save-delay $delay
}

# Starts a redis-kv server on DIR (a fresh temp dir by default) with
# appendfsync always and no automatic compaction, plus OVERRIDES; returns
# the spawn_server dict with its blocking client (nil reads "(nil)").
proc bk_start {{dir ""} {overrides {}}} {
    if {$dir eq ""} { set dir [new_tmpdir] }
    set o [dict create appendfsync always compact-garbage-percent 0]
    foreach {k v} $overrides { dict set o $k $v }
    return [spawn_server -dir $dir -overrides $o -timeout 30 -client]
}

# BACKUP LIST of C (each entry a dict: id time seq keys bytes).
proc bk_list {c} { return [$c backup list] }

proc bk_ids {c} {
    set ids {}
    foreach e [bk_list $c] { lappend ids [dict get $e id] }
    return $ids
}

# BGSAVE on C, waits for it and returns the id of the backup it made.
proc bk_bgsave {c} {
    set n0 [server_info_field $c rdb_saves]
    set before [bk_ids $c]
    assert_equal "Background saving started" [$c bgsave]
    bk_wait_saves $c $n0
    assert_equal ok [server_info_field $c rdb_last_bgsave_status]
    set ids [bk_ids $c]
    set id [lindex $ids end]
    assert {$id ni $before} "BGSAVE made no new backup: before {$before}, after {$ids}"
    return $id
}

# The exact bytes of the reply to one command on a fresh connection to S.
proc bk_raw {s args} {
    set rd [redis_deferring_client $s]
    $rd {*}$args
    set raw [$rd read_raw]
    $rd close
    return $raw
}

# A server whose BGSAVE (made slow) is half way when it is killed with
# kill -9, restarted on its data dir.  Returns {s id1 list want tmp}: the
# new server, the backup made before, BACKUP LIST before the crash, the
# data set, the name of the <id>.tmp directory seen before the crash.
proc bk_crash_mid_bgsave {} {
    set s [bk_start]
    set c [dict get $s client]
    $c set a 1
    set id1 [bk_bgsave $c]
    set list [bk_list $c]
    bk_make_slow $c 30
    set want [bk_dump $c]
    assert_equal "Background saving started" [$c bgsave]
    # wait until the snapshot is half way: its <id>.tmp exists
    wait_for_condition 500 10 {
        [llength [bk_tmp_dirs $s]] > 0
    } else {
        fail "no .tmp backup directory while a BGSAVE runs: [bk_listing [bk_dir $s]]"
    }
    assert_equal 1 [server_info_field $c rdb_bgsave_in_progress]
    assert_equal $list [bk_list $c] "while the BGSAVE runs"
    set tmp [lindex [bk_tmp_dirs $s] 0]
    set s [restart_server $s -kill9]
    return [list $s $id1 $list $want $tmp]
}

# The backup directory of server S.
proc bk_dir {s} { return [file join [dict get $s dir] backups] }

proc bk_tmp_dirs {s} {
    return [lsort [glob -nocomplain -directory [bk_dir $s] -tails *.tmp]]
}

proc bk_listing {dir} {
    set l {}
    foreach f [lsort [glob -nocomplain -directory $dir *]] {
        lappend l "[file tail $f]:[file size $f]"
    }
    return [join $l " "]
}

# The whole data set of C: a dict db -> sorted list of {key value
# pexpiretime}, databases 0..DBS-1 (empty ones left out).
proc bk_dump {c {dbs 16}} {
    set out {}
    for {set db 0} {$db < $dbs} {incr db} {
        $c select $db
        set keys [lsort [$c keys *]]
        if {![llength $keys]} continue
        set cmds {}
        foreach k $keys {
            lappend cmds [list get $k] [list pexpiretime $k]
        }
        set replies {}
        for {set i 0} {$i < [llength $cmds]} {incr i 400} {
            lappend replies {*}[pipeline_replies $c [lrange $cmds $i [expr {$i + 399}]]]
        }
        set l {}
        foreach k $keys {v exp} $replies {
            lappend l [list $k $v $exp]
        }
        dict set out $db $l
    }
    $c select 0
    return $out
}

# Compares two bk_dump results, naming the first difference.
proc bk_assert_dump {got want when} {
    if {$got eq $want} return
    foreach db [lsort -integer -unique [concat [dict keys $got] [dict keys $want]]] {
        set g [expr {[dict exists $got $db] ? [dict get $got $db] : {}}]
        set w [expr {[dict exists $want $db] ? [dict get $want $db] : {}}]
        if {$g eq $w} continue
        assert_equal [llength $g] [llength $w] "number of keys in db $db $when"
        foreach ge $g we $w {
            assert_equal [::test::trunc $ge 120] [::test::trunc $we 120] "db $db $when"
        }
    }
    fail "data sets differ $when"
}

# The standard data set: several databases, binary, empty and large
# values, keys with an expiry far in the future.
proc bk_dataset {c} {
    $c flushall
    set at [expr {[clock milliseconds] + 100000000}]
    $c select 0
    $c set plain hello
    set all [all_bytes]
    $c set $all $all
    $c set "bin\x00key" "[randstring 500 500 binary]\x00\r\n"
    $c set empty ""
    $c set "" "empty key name"
    $c set large [big_random_value 300000]
    $c set counter 41
    $c incr counter
    $c set ttl:px v PXAT $at
    $c set ttl:ex v EX 500000
    $c set overwritten old
    $c set deleted-later x
    for {set i 0} {$i < 200} {incr i} { $c set k:$i [bk_value $i] }
    $c select 1
    $c mset one 1 shared db1
    $c set ttl:1 v PXAT [expr {$at + 1}]
    $c select 5
    $c mset five 5 shared db5
    $c set ttl:5 v PXAT [expr {$at + 5}]
    $c select 15
    $c set last-db yes
    $c select 0
}

proc bk_value {i} { return "value-$i-[string repeat x [expr {$i % 50}]]" }

# Writes to every kind of change after a backup of bk_dataset.
proc bk_mess_up {c} {
    $c select 0
    $c set overwritten new
    $c del deleted-later plain
    $c set new:key 1
    $c persist ttl:px
    $c pexpireat ttl:ex [expr {[clock milliseconds] + 900000000}]
    $c append counter 0
    for {set i 0} {$i < 200} {incr i 3} { $c del k:$i }
    for {set i 1} {$i < 200} {incr i 3} { $c set k:$i changed }
    $c select 5
    $c flushdb
    $c select 7
    $c set in:db7 new
    $c swapdb 1 2
    $c select 0
}

# ------------------------------------------------------------------ tests

try {

# ---------------- Redis commands (the same replies as Redis 7.0.15)

start_server {tags {backup}} {
    r null_value (nil)

    test {INFO persistence and LASTSAVE before any save} {
        set f [server_info_fields r rdb_changes_since_last_save rdb_bgsave_in_progress \
                   rdb_last_bgsave_status rdb_last_bgsave_time_sec \
                   rdb_current_bgsave_time_sec rdb_saves]
        assert_equal {rdb_changes_since_last_save 0 rdb_bgsave_in_progress 0 rdb_last_bgsave_status ok rdb_last_bgsave_time_sec -1 rdb_current_bgsave_time_sec -1 rdb_saves 0} $f
        # LASTSAVE: the start-up time (an integer, unix seconds)
        set last [r lastsave]
        assert {[string is integer -strict $last]}
        assert_range $last [expr {[clock seconds] - 300}] [expr {[clock seconds] + 1}]
        assert_equal $last [server_info_field r rdb_last_save_time]
        assert_equal ":$last\r\n" [raw_reply lastsave]
        assert_equal ":$last\r\n" [raw_reply3 lastsave]
        assert_error_equal "ERR wrong number of arguments for 'lastsave' command" {r lastsave x}
    }

    test {rdb_changes_since_last_save counts the writes} {
        r set a 1
        assert_equal 1 [server_info_field r rdb_changes_since_last_save]
        r incr a
        r incr a
        assert_equal 3 [server_info_field r rdb_changes_since_last_save]
        # reads are no change
        r get a
        r exists a
        assert_equal 3 [server_info_field r rdb_changes_since_last_save]
    }

    test {BGSAVE: started, then the changes are saved} {
        assert_equal "+Background saving started\r\n" [raw_reply bgsave]
        bk_wait_saves r 0
        set f [server_info_fields r rdb_changes_since_last_save rdb_bgsave_in_progress \
                   rdb_last_bgsave_status rdb_current_bgsave_time_sec rdb_saves]
        assert_equal {rdb_changes_since_last_save 0 rdb_bgsave_in_progress 0 rdb_last_bgsave_status ok rdb_current_bgsave_time_sec -1 rdb_saves 1} $f
        assert_morethan_equal [server_info_field r rdb_last_bgsave_time_sec] 0
        assert_equal [r lastsave] [server_info_field r rdb_last_save_time]
        # RESP3: the same simple string
        assert_equal "+Background saving started\r\n" [raw_reply3 bgsave]
        bk_wait_saves r 1
        assert_equal 2 [server_info_field r rdb_saves]
    }

    test {BGSAVE SCHEDULE when nothing runs: started at once} {
        set n0 [server_info_field r rdb_saves]
        r set b 1
        assert_equal "Background saving started" [r bgsave schedule]
        bk_wait_saves r $n0
        assert_equal 0 [server_info_field r rdb_changes_since_last_save]
        # the option is case-insensitive
        set n0 [server_info_field r rdb_saves]
        assert_equal "Background saving started" [r bgsave ScHeDuLe]
        bk_wait_saves r $n0
    }

    test {BGSAVE: syntax errors} {
        bk_wait_idle r
        set n0 [server_info_field r rdb_saves]
        foreach args {x {schedule x} {schedule schedule} {x schedule} {now}} {
            assert_error_equal "ERR syntax error" {r bgsave {*}$args} "BGSAVE $args"
        }
        assert_equal 0 [server_info_field r rdb_bgsave_in_progress]
        assert_equal $n0 [server_info_field r rdb_saves]
    }

    test {SAVE: OK, the changes are saved, LASTSAVE follows} {
        set last0 [r lastsave]
        set n0 [server_info_field r rdb_saves]
        r set c 1
        assert_equal 1 [server_info_field r rdb_changes_since_last_save]
        assert_equal "+OK\r\n" [raw_reply save]
        set f [server_info_fields r rdb_changes_since_last_save rdb_bgsave_in_progress rdb_saves]
        assert_equal [list rdb_changes_since_last_save 0 rdb_bgsave_in_progress 0 rdb_saves [expr {$n0 + 1}]] $f
        set last [r lastsave]
        assert_morethan_equal $last $last0
        assert_equal $last [server_info_field r rdb_last_save_time]
        assert_equal OK [r save]
        assert_error_equal "ERR wrong number of arguments for 'save' command" {r save x}
        assert_error_equal "ERR wrong number of arguments for 'save' command" {r save nosave now}
    }

    test {SAVE is refused inside MULTI and dooms the transaction} {
        r set d before
        r multi
        assert_error_equal "ERR Command not allowed inside a transaction" {r save}
        r set d after
        assert_error_equal "EXECABORT Transaction discarded because of previous errors." {r exec}
        assert_equal before [r get d]
    }

    test {BGSAVE inside MULTI/EXEC: "Background saving scheduled", and it runs after EXEC} {
        bk_wait_idle r
        foreach args {{} schedule} {
            set n0 [server_info_field r rdb_saves]
            r set e $args
            assert_equal OK [r multi]
            assert_equal QUEUED [r bgsave {*}$args]
            assert_equal QUEUED [r get e]
            assert_equal [list "Background saving scheduled" $args] [r exec] "BGSAVE $args"
            bk_wait_saves r $n0 "the scheduled BGSAVE $args"
            bk_wait_idle r
            assert_equal ok [server_info_field r rdb_last_bgsave_status]
            assert_equal 0 [server_info_field r rdb_changes_since_last_save]
        }
    }

    test {While a BGSAVE runs: BGSAVE, BGSAVE SCHEDULE and SAVE are refused, BGREWRITEAOF is scheduled} {
        bk_wait_idle r
        bk_make_slow r 12
        set last0 [r lastsave]
        set n0 [server_info_field r rdb_saves]
        set rw0 [server_info_field r aof_rewrites]
        set replies [bk_packet "" {bgsave bgsave {bgsave schedule} save bgrewriteaof
                                   {info persistence} lastsave
                                   {set during 1} {incr during} {del slow:0}}]
        lassign $replies started again sched save rewrite info last
        assert_equal {OK 2 1} [lrange $replies end-2 end]
        assert_equal "Background saving started" $started
        assert_equal "ERR!ERR Background save already in progress" $again
        assert_equal "ERR!ERR Background save already in progress" $sched
        assert_equal "ERR!ERR Background save already in progress" $save
        assert_equal "Background append only file rewriting scheduled" $rewrite
        assert_equal 1 [bk_info_value $info rdb_bgsave_in_progress]
        assert_morethan_equal [bk_info_value $info rdb_current_bgsave_time_sec] 0
        assert_equal 1 [bk_info_value $info aof_rewrite_scheduled]
        assert_equal 0 [bk_info_value $info aof_rewrite_in_progress]
        assert_equal $last0 $last
        # still running on another connection (rdb-key-save-delay)
        assert_error_equal "ERR Background save already in progress" {r bgsave}
        assert_equal 1 [server_info_field r rdb_bgsave_in_progress]
        r config set rdb-key-save-delay 0
        # the snapshot ends, then the scheduled compaction runs; the three
        # writes made while the snapshot ran are not in it: still counted
        bk_wait_idle r "the snapshot and the scheduled compaction"
        set f [server_info_fields r rdb_last_bgsave_status rdb_current_bgsave_time_sec rdb_saves \
                   rdb_changes_since_last_save aof_rewrites aof_last_bgrewrite_status]
        assert_equal [list rdb_last_bgsave_status ok rdb_current_bgsave_time_sec -1 \
                          rdb_saves [expr {$n0 + 1}] rdb_changes_since_last_save 3 \
                          aof_rewrites [expr {$rw0 + 1}] aof_last_bgrewrite_status ok] $f
        assert_morethan_equal [r lastsave] $last0
        assert_equal [r lastsave] [server_info_field r rdb_last_save_time]
    }

    test {While a compaction (AOF rewrite) runs: BGSAVE refused, BGSAVE SCHEDULE scheduled and run after it} {
        bk_wait_idle r
        set n0 [server_info_field r rdb_saves]
        r set f 1
        set replies [bk_packet "" {bgrewriteaof bgsave {bgsave schedule} {info persistence}}]
        lassign $replies rewrite bgsave sched info
        assert_equal "Background append only file rewriting started" $rewrite
        assert_equal "ERR!ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible." $bgsave
        assert_equal "Background saving scheduled" $sched
        assert_equal 1 [bk_info_value $info aof_rewrite_in_progress]
        assert_equal 0 [bk_info_value $info rdb_bgsave_in_progress]
        # the scheduled snapshot runs once the compaction has ended
        bk_wait_saves r $n0 "the scheduled BGSAVE"
        bk_wait_idle r
        set f [server_info_fields r rdb_saves rdb_last_bgsave_status rdb_changes_since_last_save]
        assert_equal [list rdb_saves [expr {$n0 + 1}] rdb_last_bgsave_status ok rdb_changes_since_last_save 0] $f
    }

    test {SAVE while a compaction (AOF rewrite) runs: +OK, the changes are saved} {
        bk_wait_idle r
        set n0 [server_info_field r rdb_saves]
        r set h 1
        set replies [bk_packet "" {bgrewriteaof save {info persistence}}]
        lassign $replies rewrite save info
        assert_equal "Background append only file rewriting started" $rewrite
        assert_equal OK $save
        assert_equal 0 [bk_info_value $info rdb_changes_since_last_save]
        assert_equal [expr {$n0 + 1}] [bk_info_value $info rdb_saves]
        bk_wait_idle r "the compaction"
        assert_equal ok [server_info_field r aof_last_bgrewrite_status]
        assert_equal [r lastsave] [server_info_field r rdb_last_save_time]
    }

    test {Save points: CONFIG SET save "1 1" takes a snapshot by itself after a write} {
        bk_wait_idle r
        set n0 [server_info_field r rdb_saves]
        r config set save "1 1"
        r set g 1
        wait_for_condition 500 20 {
            [server_info_field r rdb_saves] > $n0 && [server_info_field r rdb_changes_since_last_save] == 0
        } else {
            fail "no snapshot by the save point: [server_info_fields r rdb_saves rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time]"
        }
        r config set save ""
        bk_wait_idle r
        assert_equal ok [server_info_field r rdb_last_bgsave_status]
    }
}

# ---------------- redis-kv: backups

start_server {tags {backup redis-kv-only needs:own-server}} {
    if {![bk_is_kv r]} {
        set ::bk_skip "backups are redis-kv's own"
    }

    test {backup-dir and backup-keep: defaults, CONFIG GET / SET} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        assert_equal {backup-dir backups} [$c config get backup-dir]
        assert_equal {backup-keep 3} [$c config get backup-keep]
        assert_equal OK [$c config set backup-keep 0]
        assert_equal {backup-keep 0} [$c config get backup-keep]
        assert_equal OK [$c config set backup-keep 5]
        assert_equal {backup-keep 5} [$c config get backup-keep]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'backup-keep')*" \
            {$c config set backup-keep abc}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'backup-keep')*" \
            {$c config set backup-keep -1}
        assert_equal {backup-keep 5} [$c config get backup-keep]
        stop_server $s
    }

    test {BACKUP LIST: empty, then one entry per BGSAVE / SAVE, oldest first} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        assert_equal {} [bk_list $c]
        assert_equal "*0\r\n" [bk_raw $s backup list]
        $c mset a 1 b 2 c 3 d 4 e 5
        $c select 3
        $c mset x 1 y 2
        $c select 0
        set t0 [clock milliseconds]
        set id1 [bk_bgsave $c]
        set t1 [clock milliseconds]
        set l [bk_list $c]
        assert_equal 1 [llength $l]
        set e [lindex $l 0]
        assert_equal {id time seq keys bytes} [dict keys $e]
        foreach k {id time seq keys bytes} {
            assert {[string is wideinteger -strict [dict get $e $k]]} "$k: [dict get $e $k]"
        }
        assert_equal $id1 [dict get $e id]
        assert_equal 7 [dict get $e keys]
        assert_morethan [dict get $e bytes] 0
        # the clock of the snapshot, in unix ms (clock sanity, not a timing)
        assert_range [dict get $e time] [expr {$t0 - 2000}] [expr {$t1 + 2000}]
        # nothing was written since: its seq is the last one
        assert_equal [server_info_field $c storage_last_seq] [dict get $e seq]
        # on disk: backups/<id>/MANIFEST
        assert {[file isfile [file join [bk_dir $s] $id1 MANIFEST]]} [bk_listing [bk_dir $s]]

        # a write, then SAVE: a second entry, after the first
        $c set f 6
        assert_equal OK [$c save]
        set l [bk_list $c]
        assert_equal 2 [llength $l]
        lassign $l e1 e2
        assert_equal $e $e1
        assert_morethan [dict get $e2 id] $id1
        assert_equal 8 [dict get $e2 keys]
        assert_morethan [dict get $e2 seq] [dict get $e1 seq]
        assert_morethan_equal [dict get $e2 time] [dict get $e1 time]
        assert {[file isfile [file join [bk_dir $s] [dict get $e2 id] MANIFEST]]}

        # the exact replies: RESP2 flat arrays, RESP3 maps
        set id2 [dict get $e2 id]
        set raw2 [bk_raw $s backup list]
        assert_equal [bk_list_raw [list $e1 $e2] "*10"] $raw2
        set rd [redis_deferring_client $s]
        $rd hello 3
        $rd read
        $rd backup list
        set raw3 [$rd read_raw]
        $rd close
        assert_equal [bk_list_raw [list $e1 $e2] "%5"] $raw3
        stop_server $s
    }

    test {BACKUP DELETE} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set a 1
        set id1 [bk_bgsave $c]
        $c set a 2
        set id2 [bk_bgsave $c]
        assert_equal [list $id1 $id2] [bk_ids $c]
        assert_equal OK [$c backup delete $id1]
        assert_equal [list $id2] [bk_ids $c]
        assert {![file exists [file join [bk_dir $s] $id1]]} [bk_listing [bk_dir $s]]
        assert_error_equal "ERR no such backup" {$c backup delete $id1}
        assert_error_equal "ERR no such backup" {$c backup delete 999999}
        foreach bad {abc 1x {} 1.5 -x} {
            assert_error_equal "ERR invalid backup id" {$c backup delete $bad} "id '$bad'"
        }
        # the live data is not touched
        assert_equal 2 [$c get a]
        assert_equal OK [$c backup delete $id2]
        assert_equal {} [bk_list $c]
        assert_equal 2 [$c get a]
        stop_server $s
    }

    test {BACKUP: errors as Redis's container commands, HELP, not inside MULTI} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        assert_error_equal "ERR wrong number of arguments for 'backup' command" {$c backup}
        assert_error_equal "ERR unknown subcommand 'foo'. Try BACKUP HELP." {$c backup foo}
        assert_error_equal "ERR unknown subcommand 'Foo'. Try BACKUP HELP." {$c backup Foo}
        assert_error_equal "ERR wrong number of arguments for 'backup|list' command" {$c backup list x}
        assert_error_equal "ERR wrong number of arguments for 'backup|delete' command" {$c backup delete}
        assert_error_equal "ERR wrong number of arguments for 'backup|delete' command" {$c backup delete 1 2}
        assert_error_equal "ERR wrong number of arguments for 'backup|restore' command" {$c backup restore}
        assert_error_equal "ERR wrong number of arguments for 'backup|restore' command" {$c backup restore 1 2}
        assert_error_equal "ERR wrong number of arguments for 'backup|help' command" {$c backup help x}
        # no backup yet
        assert_error_equal "ERR no such backup" {$c backup restore 1}
        assert_error_equal "ERR no such backup" {$c backup restore latest}
        assert_error_equal "ERR no such backup" {$c backup restore LATEST}
        assert_error_equal "ERR invalid backup id" {$c backup restore abc}
        # HELP: an array of strings naming every subcommand
        set help [$c backup help]
        assert_morethan [llength $help] 4
        assert_match "BACKUP <subcommand>*" [lindex $help 0]
        foreach sub {LIST DELETE RESTORE HELP} {
            assert_match "*$sub*" [join $help "\n"] "HELP mentions $sub"
        }
        assert_match "\*[llength $help]\r\n+BACKUP <subcommand>*" [bk_raw $s backup help]
        # inside MULTI: refused as other no-multi commands, the EXEC aborts
        $c set k v
        foreach sub {list {delete 1} {restore latest}} {
            assert_equal OK [$c multi]
            assert_error_equal "ERR Command not allowed inside a transaction" {$c backup {*}$sub} "BACKUP $sub"
            $c set k v2
            assert_error_equal "EXECABORT Transaction discarded because of previous errors." {$c exec}
        }
        assert_equal v [$c get k]
        # the transaction is over, BACKUP LIST works again
        assert_equal {} [bk_list $c]
        stop_server $s
    }

    test {BACKUP RESTORE: the data set becomes exactly the backup's, in every database, with the TTLs} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        bk_dataset $c
        set want [bk_dump $c]
        set id [bk_bgsave $c]
        bk_mess_up $c
        assert_not_equal $want [bk_dump $c]
        set seq0 [server_info_field $c storage_last_seq]
        set r [$c backup restore $id]
        assert_equal 2 [llength $r]
        lassign $r rid seq
        assert_equal $id $rid
        assert_morethan $seq $seq0
        assert_equal $seq [server_info_field $c storage_last_seq]
        bk_assert_dump [bk_dump $c] $want "after BACKUP RESTORE $id"
        foreach db {0 1 2 5 7 15} {
            set n [expr {[dict exists $want $db] ? [llength [dict get $want $db]] : 0}]
            $c select $db
            assert_equal $n [$c dbsize] "DBSIZE of db $db"
        }
        $c select 0
        # the backup is still listed and unchanged
        assert_equal [list $id] [bk_ids $c]
        # writes go on, with later sequence numbers
        $c set after:restore 1
        assert_morethan [server_info_field $c storage_last_seq] $seq
        $c del after:restore
        # it survives a restart and a crash
        set s [restart_server $s]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $want "after the restore and a restart"
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $want "after the restore and kill -9"
        assert_morethan_equal [server_info_field $c storage_last_seq] $seq
        stop_server $s
    }

    test {BACKUP RESTORE LATEST and an older id; FLUSHALL undone; the reply's exact bytes} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set v 1
        set id1 [bk_bgsave $c]
        set d1 [bk_dump $c]
        $c set v 2
        $c set w 2
        set id2 [bk_bgsave $c]
        set d2 [bk_dump $c]
        $c flushall
        assert_equal 0 [$c dbsize]
        lassign [$c backup restore LATEST] rid seq1
        assert_equal $id2 $rid
        bk_assert_dump [bk_dump $c] $d2 "after RESTORE LATEST"
        lassign [$c backup restore $id1] rid seq2
        assert_equal $id1 $rid
        assert_morethan $seq2 $seq1
        bk_assert_dump [bk_dump $c] $d1 "after RESTORE $id1"
        lassign [$c backup restore latest] rid seq3
        assert_equal $id2 $rid
        assert_morethan $seq3 $seq2
        bk_assert_dump [bk_dump $c] $d2 "after RESTORE latest"
        # RESP2 and RESP3: an array of two integers
        set raw [bk_raw $s backup restore $id1]
        assert_match "\*2\r\n:$id1\r\n:*\r\n" $raw
        set rd [redis_deferring_client $s]
        $rd hello 3
        $rd read
        $rd backup restore $id2
        assert_match "\*2\r\n:$id2\r\n:*\r\n" [$rd read_raw]
        $rd close
        bk_assert_dump [bk_dump $c] $d2 "after the last restore"
        stop_server $s
    }

    test {BACKUP RESTORE tells every client: tracking, __redis-kv__:restore, WATCH; clients stay connected} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set k old
        $c set same same
        $c select 3
        $c set k3 old3
        $c select 0
        set id [bk_bgsave $c]
        $c set k new
        $c set extra 1
        $c select 3
        $c set k3 new3
        $c select 0

        # a RESP3 tracking client that read a key
        set t3 [redis_deferring_client $s]
        $t3 hello 3 ; $t3 read
        $t3 client tracking on ; $t3 read
        $t3 get k ; assert_equal new [$t3 read]
        # a RESP3 BCAST client
        set tb [redis_deferring_client $s]
        $tb hello 3 ; $tb read
        $tb client tracking on bcast ; $tb read
        # a RESP2 tracking client redirecting to a subscriber
        set rr [redis_deferring_client $s]
        $rr client id ; set rrid [$rr read]
        $rr subscribe __redis__:invalidate ; $rr read
        set t2 [redis_client $s]
        $t2 client tracking on redirect $rrid
        $t2 get k
        # subscribers of the restore channel
        set sub [redis_deferring_client $s]
        $sub subscribe __redis-kv__:restore
        assert_equal {subscribe __redis-kv__:restore 1} [$sub read]
        set psub [redis_deferring_client $s]
        $psub psubscribe __redis-kv__:*
        assert_equal {psubscribe __redis-kv__:* 1} [$psub read]
        # a client watching a key, one watching a key of db 3, one
        # watching a key that the restore does not change
        set wu [redis_client $s]
        $wu null_value (nil)
        assert_equal OK [$wu watch same]
        set w [redis_client $s]
        $w null_value (nil)
        assert_equal OK [$w watch k]
        set w3 [redis_client $s]
        $w3 null_value (nil)
        $w3 select 3
        assert_equal OK [$w3 watch k3]
        # a plain client in db 3
        set other [redis_client $s]
        $other null_value (nil)
        $other select 3
        set otherid [$other client id]

        lassign [$c backup restore $id] rid seq
        assert_equal $id $rid

        assert_equal {invalidate {}} [$t3 read] "RESP3 tracking client"
        assert_equal > [$t3 last_type]
        assert_equal {invalidate {}} [$tb read] "RESP3 BCAST client"
        assert_equal "*3\r\n\$7\r\nmessage\r\n\$20\r\n__redis__:invalidate\r\n\$-1\r\n" [$rr read_raw] \
            "RESP2 redirect"
        assert_equal [list message __redis-kv__:restore "$id $seq"] [$sub read]
        assert_equal [list pmessage __redis-kv__:* __redis-kv__:restore "$id $seq"] [$psub read]
        assert_equal OK [$w multi]
        assert_equal QUEUED [$w get k]
        assert_equal (nil) [$w exec] "EXEC of a client that watched k"
        assert_equal OK [$w3 multi]
        assert_equal QUEUED [$w3 set k3 mine]
        assert_equal (nil) [$w3 exec] "EXEC of a client that watched db 3's k3"
        assert_equal OK [$wu multi]
        assert_equal QUEUED [$wu get same]
        assert_equal (nil) [$wu exec] "EXEC of a client that watched a key the restore left as it was (every WATCH is aborted)"
        # the others are still there, in their database, and see the backup
        assert_equal $otherid [$other client id]
        assert_equal old3 [$other get k3]
        assert_equal (nil) [$other get extra]
        $other select 0
        assert_equal old [$other get k]
        assert_equal (nil) [$other get extra]
        assert_equal PONG [$t2 ping]
        assert_equal old [$t2 get k]
        # tracking goes on after the restore
        $t3 get k ; assert_equal old [$t3 read]
        $c set k newer
        assert_equal {invalidate k} [$t3 read]
        # and a WATCH after the restore works as before
        assert_equal OK [$w watch k]
        assert_equal OK [$w multi]
        assert_equal QUEUED [$w get k]
        assert_equal newer [$w exec]
        foreach cl [list $t3 $tb $rr $t2 $sub $psub $w $w3 $wu $other] { $cl close }
        stop_server $s
    }

    test {A backup taken during a write load is the data set at its sequence number} {
        bk_require
        set s [bk_start "" {appendfsync everysec}]
        set c [dict get $s client]
        set rd [redis_deferring_client $s]
        set n 30000
        set ids {}
        # MSET key:$i $i last $i, pipelined; three BGSAVEs in the middle
        set per [expr {$n / 4}]
        for {set part 0} {$part < 4} {incr part} {
            set buf ""
            for {set i [expr {$part * $per + 1}]} {$i <= ($part + 1) * $per} {incr i} {
                append buf [::redis::__format_command [list mset key:$i $i last $i]]
            }
            $rd write $buf
            $rd flush
            if {$part < 3} {
                set n0 [server_info_field $c rdb_saves]
                assert_equal "Background saving started" [$c bgsave]
                bk_wait_saves $c $n0
                lappend ids [lindex [bk_ids $c] end]
            }
        }
        for {set i 0} {$i < $n} {incr i} {
            assert_equal OK [$rd read]
        }
        $rd close
        assert_equal $n [$c get last]
        assert_equal 3 [llength [lsort -unique $ids]] "backups $ids"
        set lasts {}
        foreach id $ids {
            $c backup restore $id
            set last [$c get last]
            if {$last eq "(nil)"} { set last 0 }
            lappend lasts $last
            assert_range $last 0 $n
            # key:1..last are there with their values, key:last+1 is not
            set want [expr {$last + ($last > 0 ? 1 : 0)}]
            assert_equal $want [$c dbsize] "DBSIZE after restoring backup $id (last $last)"
            for {set i 1} {$i <= $last} {incr i 1000} {
                set keys {}
                set vals {}
                for {set j $i} {$j < $i + 1000 && $j <= $last} {incr j} {
                    lappend keys key:$j
                    lappend vals $j
                }
                assert_equal $vals [$c mget {*}$keys] "backup $id (last $last), keys from key:$i"
            }
            assert_equal 0 [$c exists key:[expr {$last + 1}]] "backup $id (last $last)"
            set e [lindex [bk_list $c] [lsearch -exact [bk_ids $c] $id]]
            assert_equal $want [dict get $e keys] "keys of backup $id in BACKUP LIST"
        }
        # the later backups hold more
        assert_equal $lasts [lsort -integer $lasts]
        puts "    (backups taken at last = $lasts of $n)"
        stop_server $s
    }

    test {backup-keep: only the newest N backups are kept after each snapshot; 0 keeps all} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        # default 3
        set made {}
        for {set i 0} {$i < 4} {incr i} {
            $c set round $i
            lappend made [bk_bgsave $c]
        }
        assert_equal [lrange $made end-2 end] [bk_ids $c]
        $c config set backup-keep 2
        set made {}
        for {set i 0} {$i < 4} {incr i} {
            $c set round2 $i
            lappend made [bk_bgsave $c]
        }
        assert_equal [lrange $made end-1 end] [bk_ids $c]
        # only those two are on disk
        set dirs [lsort -integer [glob -nocomplain -directory [bk_dir $s] -tails -type d {[0-9]*}]]
        assert_equal [lrange $made end-1 end] $dirs [bk_listing [bk_dir $s]]
        # SAVE counts as a snapshot too
        $c set round3 x
        assert_equal OK [$c save]
        assert_equal 2 [llength [bk_ids $c]]
        assert_equal [lindex $made end] [lindex [bk_ids $c] 0]
        # the newest one is the data set
        assert_equal x [$c get round3]
        $c config set backup-keep 0
        set before [bk_ids $c]
        for {set i 0} {$i < 3} {incr i} {
            $c set round4 $i
            lappend before [bk_bgsave $c]
        }
        assert_equal $before [bk_ids $c]
        assert_equal 5 [llength $before]
        # a lower keep prunes at the next snapshot
        $c config set backup-keep 1
        set last [bk_bgsave $c]
        assert_equal [list $last] [bk_ids $c]
        stop_server $s
    }

    test {Backups survive a restart and kill -9; a restore works afterwards} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        bk_dataset $c
        set want [bk_dump $c]
        set id1 [bk_bgsave $c]
        $c set later 1
        set id2 [bk_bgsave $c]
        set list [bk_list $c]
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal $list [bk_list $c] "after a restart"
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        assert_equal $list [bk_list $c] "after kill -9"
        bk_mess_up $c
        lassign [$c backup restore $id1] rid seq
        assert_equal $id1 $rid
        bk_assert_dump [bk_dump $c] $want "after restoring $id1 after the restarts"
        # a new backup gets a new id
        set id3 [bk_bgsave $c]
        assert_morethan $id3 $id2
        assert_equal [list $id1 $id2 $id3] [bk_ids $c]
        assert_equal {} [bk_tmp_dirs $s]
        stop_server $s
    }

    test {kill -9 during a slow BGSAVE: the half backup is never listed, the data is intact, snapshots work again} {
        bk_require
        lassign [bk_crash_mid_bgsave] s id1 list want tmp
        set c [dict get $s client]
        assert_equal $list [bk_list $c] "after kill -9 during the BGSAVE"
        bk_assert_dump [bk_dump $c] $want "after kill -9 during the BGSAVE"
        assert_equal 0 [server_info_field $c rdb_bgsave_in_progress]
        assert_error_equal "ERR no such backup" {$c backup restore [string range $tmp 0 end-4]}
        # snapshots work again (the delay was not kept: CONFIG SET only)
        set id2 [bk_bgsave $c]
        assert_equal [list $id1 $id2] [bk_ids $c]
        assert_equal {} [bk_tmp_dirs $s]
        bk_mess_up $c
        $c backup restore $id2
        bk_assert_dump [bk_dump $c] $want "after restoring the backup made after the crash"
        stop_server $s
    }

    test {kill -9 during a slow BGSAVE: the leftover <id>.tmp directory is gone after the restart} {
        bk_require
        lassign [bk_crash_mid_bgsave] s id1 list want tmp
        set c [dict get $s client]
        assert_equal $list [bk_list $c] "after kill -9 during the BGSAVE"
        # (no snapshot is taken here: the start-up must remove it)
        wait_for_condition 200 20 {
            [bk_tmp_dirs $s] eq {}
        } else {
            fail "the leftover $tmp of the interrupted BGSAVE is still there after the restart: [bk_listing [bk_dir $s]]"
        }
        stop_server $s
    }

    test {A graceful stop during a slow BGSAVE: no half backup either} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        set id1 [bk_bgsave $c]
        set list [bk_list $c]
        bk_make_slow $c 8
        set want [bk_dump $c]
        assert_equal "Background saving started" [$c bgsave]
        set s [restart_server $s]
        set c [dict get $s client]
        # either the snapshot was finished before the exit (then it is
        # complete), or it is not listed
        set l [bk_list $c]
        set finished 0
        if {$l ne $list} {
            assert_equal $list [lrange $l 0 end-1] "after a stop during the BGSAVE"
            set finished [dict get [lindex $l end] id]
        }
        wait_for_condition 200 20 {
            [bk_tmp_dirs $s] eq {}
        } else {
            fail "a .tmp backup directory is left: [bk_listing [bk_dir $s]]"
        }
        bk_assert_dump [bk_dump $c] $want "after a stop during the BGSAVE"
        if {$finished} {
            $c flushall
            $c backup restore $finished
            bk_assert_dump [bk_dump $c] $want "after restoring the backup finished at the stop"
        }
        stop_server $s
    }

    test {A slow snapshot is the data set at its BGSAVE, whatever is written, flushed or compacted meanwhile} {
        bk_require
        set s [bk_start "" {segment-size 1kb}]
        set c [dict get $s client]
        bk_dataset $c
        bk_make_slow $c 10 100000
        set want [bk_dump $c]
        set n0 [server_info_field $c rdb_saves]
        # in the same packet as the BGSAVE: it runs for sure
        set replies [bk_packet $s {bgsave {set plain changed} {del counter} {set brand:new 1}
                                   {info persistence}}]
        assert_equal "Background saving started" [lindex $replies 0]
        assert_match "*rdb_bgsave_in_progress:1\r\n*" [lindex $replies end]
        # more while it runs: overwrites, FLUSHALL, a compaction
        bk_mess_up $c
        for {set i 0} {$i < 10} {incr i} { $c set slow:$i other }
        $c flushall
        $c set after:flush 1
        assert_equal "Background append only file rewriting scheduled" [$c bgrewriteaof]
        assert_equal 1 [server_info_field $c rdb_bgsave_in_progress] "(the snapshot ended too early for this test)"
        $c config set rdb-key-save-delay 0
        bk_wait_saves $c $n0
        bk_wait_idle $c "the snapshot and the compaction"
        assert_equal ok [server_info_field $c rdb_last_bgsave_status]
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        set id [lindex [bk_ids $c] end]
        $c backup restore $id
        bk_assert_dump [bk_dump $c] $want "after restoring the slow snapshot"
        set s [restart_server $s -kill9]
        bk_assert_dump [bk_dump [dict get $s client]] $want "after kill -9"
        stop_server $s
    }

    test {A backup stays intact after it was restored: writes, a compaction, a restart, the same restore again} {
        bk_require
        set s [bk_start "" {segment-size 4kb}]
        set c [dict get $s client]
        bk_dataset $c
        set want [bk_dump $c]
        set id [bk_bgsave $c]
        set e0 [lindex [bk_list $c] 0]
        $c backup restore $id
        # overwrite everything several times, delete, compact
        for {set r 0} {$r < 3} {incr r} {
            for {set i 0} {$i < 200} {incr i} { $c set k:$i "round $r [string repeat y 300]" }
        }
        $c del plain large
        $c set plain other
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        bk_wait_idle $c "the compaction"
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        assert_equal [list $e0] [bk_list $c]
        $c backup restore $id
        bk_assert_dump [bk_dump $c] $want "after the second restore"
        # the same after a restart, with writes appended to the restored log
        $c set appended:after 1
        $c del appended:after
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $want "after kill -9"
        assert_equal [list $e0] [bk_list $c]
        $c flushall
        $c backup restore $id
        bk_assert_dump [bk_dump $c] $want "after the third restore"
        stop_server $s
    }

    test {After a restart: rdb_saves 0, no BGSAVE time yet, LASTSAVE the start-up time} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set a 1
        bk_bgsave $c
        set last0 [$c lastsave]
        set s [restart_server $s]
        set c [dict get $s client]
        set f [server_info_fields $c rdb_saves rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec \
                   rdb_bgsave_in_progress rdb_last_bgsave_status rdb_changes_since_last_save]
        assert_equal {rdb_saves 0 rdb_last_bgsave_time_sec -1 rdb_current_bgsave_time_sec -1 rdb_bgsave_in_progress 0 rdb_last_bgsave_status ok rdb_changes_since_last_save 0} $f
        assert_morethan_equal [$c lastsave] $last0
        assert_equal [$c lastsave] [server_info_field $c rdb_last_save_time]
        stop_server $s
    }

    test {SHUTDOWN saves as Redis: SAVE always, NOSAVE never, SIGTERM and plain SHUTDOWN when there are save points} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        set n 0
        # (as Redis 7.0.15: without save points, SIGTERM and SHUTDOWN save nothing)
        foreach {save how wantnew} {
            {} sigterm 0
            {} shutdown 0
            {} {shutdown save} 1
            {900 1} {shutdown nosave} 0
            {900 1} shutdown 1
            {900 1} sigterm 1
        } {
            set c [dict get $s client]
            $c config set save $save
            $c set k [incr n]
            set before [bk_ids $c]
            if {$how eq "sigterm"} {
                stop_server $s
            } else {
                catch {$c {*}$how}
                if {![wait_server_exit $s 20]} { fail "$how: the server did not exit" }
            }
            set s [restart_server $s]
            set c [dict get $s client]
            set after [bk_ids $c]
            if {$wantnew} {
                assert_equal [expr {[llength $before] + 1}] [llength $after] "backups after $how with save '$save': before {$before} after {$after}"
                set e [lindex [bk_list $c] end]
                assert_equal 1 [dict get $e keys] "$how with save '$save'"
            } else {
                assert_equal $before $after "backups after $how with save '$save'"
            }
            assert_equal $n [$c get k]
        }
        stop_server $s
    }

    test {BGSAVE inside MULTI/EXEC: the backup holds the whole transaction} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set x 0
        set n0 [server_info_field $c rdb_saves]
        assert_equal OK [$c multi]
        $c set x 1
        $c bgsave
        $c set y 2
        $c incr x
        assert_equal {OK {Background saving scheduled} OK 2} [$c exec]
        bk_wait_saves $c $n0 "the BGSAVE scheduled by EXEC"
        set want [bk_dump $c]
        set id [lindex [bk_ids $c] end]
        $c flushall
        $c backup restore $id
        bk_assert_dump [bk_dump $c] $want "after restoring the backup of the EXEC"
        stop_server $s
    }

    test {BACKUP RESTORE: keys whose TTL passed since the backup are gone, the others keep their expiry} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        set at [expr {[clock milliseconds] + 100000000}]
        $c set short v PX 300
        $c set long v PXAT $at
        $c set plain v
        set deadline [expr {[clock milliseconds] + 300}]
        set id [bk_bgsave $c]
        $c flushall
        set left [expr {$deadline + 50 - [clock milliseconds]}]
        if {$left > 0} { after $left }
        $c backup restore $id
        assert_equal (nil) [$c get short]
        assert_equal 0 [$c exists short]
        assert_equal $at [$c pexpiretime long]
        assert_equal -1 [$c pexpiretime plain]
        assert_equal 2 [$c dbsize]
        stop_server $s
    }

    test {BACKUP RESTORE is durable when it replies (appendfsync everysec, kill -9 at once)} {
        bk_require
        set s [bk_start "" {appendfsync everysec}]
        set c [dict get $s client]
        bk_dataset $c
        set want [bk_dump $c]
        set id [bk_bgsave $c]
        bk_mess_up $c
        $c backup restore $id
        set s [restart_server $s -kill9]
        bk_assert_dump [bk_dump [dict get $s client]] $want "after kill -9 right after the restore"
        stop_server $s
    }

    test {BACKUP RESTORE while a compaction runs: done or refused, never half, and it survives kill -9} {
        bk_require
        set s [bk_start "" {segment-size 4kb}]
        set c [dict get $s client]
        bk_dataset $c
        set want [bk_dump $c]
        set id [bk_bgsave $c]
        bk_mess_up $c
        for {set r 0} {$r < 3} {incr r} {
            for {set i 0} {$i < 200} {incr i} { $c set k:$i "r$r [string repeat z 200]" }
        }
        set cur [bk_dump $c]
        lassign [bk_packet $s [list bgrewriteaof {info persistence} [list backup restore $id] \
                                   {info persistence}]] rewrite info restore info2
        assert_equal "Background append only file rewriting started" $rewrite
        assert_match "*aof_rewrite_in_progress:1\r\n*" $info
        set expect [bk_restore_outcome $restore $id $want $cur "during a compaction"]
        bk_wait_idle $c "the compaction"
        bk_assert_dump [bk_dump $c] $expect "after BACKUP RESTORE during a compaction"
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $expect "after BACKUP RESTORE during a compaction and kill -9"
        # a compaction now, and the backup again
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        bk_wait_idle $c "the compaction"
        $c backup restore $id
        bk_assert_dump [bk_dump $c] $want "after restoring again"
        stop_server $s
    }

    test {BACKUP RESTORE while a slow BGSAVE runs: done or refused; the new backup is the data set at its BGSAVE} {
        bk_require
        set s [bk_start "" {segment-size 1kb}]
        set c [dict get $s client]
        $c mset a 1 b 1
        set id1 [bk_bgsave $c]
        set want1 [bk_dump $c]
        $c mset a 2 c 2
        bk_make_slow $c 8 100000
        set cur [bk_dump $c]
        set n0 [server_info_field $c rdb_saves]
        lassign [bk_packet $s [list bgsave {info persistence} [list backup restore $id1] \
                                   {info persistence}]] bgsave info restore info2
        assert_equal "Background saving started" $bgsave
        assert_match "*rdb_bgsave_in_progress:1\r\n*" $info
        set expect [bk_restore_outcome $restore $id1 $want1 $cur "during a BGSAVE"]
        $c config set rdb-key-save-delay 0
        bk_wait_idle $c
        bk_assert_dump [bk_dump $c] $expect "after BACKUP RESTORE during a BGSAVE"
        if {[server_info_field $c rdb_saves] > $n0 && [server_info_field $c rdb_last_bgsave_status] eq "ok"} {
            set id2 [lindex [bk_ids $c] end]
            assert_morethan $id2 $id1
            $c backup restore $id2
            bk_assert_dump [bk_dump $c] $cur "after restoring the backup of the BGSAVE"
        } else {
            puts "    (the BGSAVE did not complete: [server_info_fields $c rdb_saves rdb_last_bgsave_status])"
        }
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        assert_equal {} [bk_tmp_dirs $s]
        stop_server $s
    }

    test {A damaged MANIFEST: the backup is not listed and cannot be restored} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c set a 1
        set id1 [bk_bgsave $c]
        $c set a 2
        set id2 [bk_bgsave $c]
        set want [bk_dump $c]
        # change one digit of the key count (the checksum no longer fits)
        set mf [file join [bk_dir $s] $id1 MANIFEST]
        set f [open $mf r]
        fconfigure $f -translation binary
        set text [read $f]
        close $f
        assert {[regsub -line {^keys ([0-9]+)$} $text {keys 9\1} text2]} "MANIFEST:\n$text"
        # a new file: the MANIFEST is not a link to anything live
        file delete $mf
        set f [open $mf w]
        fconfigure $f -translation binary
        puts -nonewline $f $text2
        close $f
        assert_equal [list $id2] [bk_ids $c]
        assert_error_equal "ERR no such backup" {$c backup restore $id1}
        # a truncated MANIFEST of the other one
        set mf2 [file join [bk_dir $s] $id2 MANIFEST]
        set f [open $mf2 r]
        fconfigure $f -translation binary
        set text [read $f]
        close $f
        file delete $mf2
        set f [open $mf2 w]
        fconfigure $f -translation binary
        puts -nonewline $f [string range $text 0 [expr {[string length $text] / 2}]]
        close $f
        assert_equal {} [bk_ids $c]
        assert_error_equal "ERR no such backup" {$c backup restore latest}
        bk_assert_dump [bk_dump $c] $want "after the failed restores"
        # a restart does not mind them, and the next id is a new one
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {} [bk_ids $c]
        bk_assert_dump [bk_dump $c] $want "after a restart"
        set id3 [bk_bgsave $c]
        assert_morethan $id3 $id2
        assert_equal [list $id3] [bk_ids $c]
        stop_server $s
    }

    test {A backup with a missing file: BACKUP RESTORE fails with an error, the live data is unchanged} {
        bk_require
        set s [bk_start "" {segment-size 1kb}]
        set c [dict get $s client]
        for {set i 0} {$i < 10} {incr i} { $c set k:$i [string repeat $i 1500] }
        set id [bk_bgsave $c]
        for {set i 0} {$i < 10} {incr i 2} { $c del k:$i }
        $c set new 1
        set want [bk_dump $c]
        set segs [lsort [glob -nocomplain -directory [file join [bk_dir $s] $id] seg-*.log]]
        assert_morethan [llength $segs] 2 [bk_listing [file join [bk_dir $s] $id]]
        # (a hard link of a live segment: removing the link changes nothing live)
        file delete [lindex $segs 1]
        set r [catch {$c backup restore $id} err]
        assert_equal 1 $r "BACKUP RESTORE of a backup with a missing file replied '$err'"
        assert_match "ERR *" $err
        assert_equal PONG [$c ping]
        bk_assert_dump [bk_dump $c] $want "after the failed restore"
        assert_error "ERR *" {$c backup restore latest}
        bk_assert_dump [bk_dump $c] $want "after the failed restore of latest"
        # and after a restart
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $want "after kill -9"
        stop_server $s
    }

    test {Save points take backups by themselves} {
        bk_require
        set s [bk_start]
        set c [dict get $s client]
        $c config set save "1 1"
        assert_equal {} [bk_ids $c]
        $c set a 1
        wait_for_condition 500 20 {
            [llength [bk_ids $c]] >= 1 && [server_info_field $c rdb_changes_since_last_save] == 0
        } else {
            fail "no backup by the save point: [server_info_fields $c rdb_saves rdb_changes_since_last_save rdb_bgsave_in_progress]"
        }
        $c config set save ""
        bk_wait_idle $c
        set e [lindex [bk_list $c] end]
        assert_equal 1 [dict get $e keys]
        assert_equal ok [server_info_field $c rdb_last_bgsave_status]
        stop_server $s
    }

    test {backup-dir: a relative name under dir, an absolute path} {
        bk_require
        set s [bk_start "" {backup-dir snaps}]
        set c [dict get $s client]
        $c set a 1
        set id [bk_bgsave $c]
        assert {[file isfile [file join [dict get $s dir] snaps $id MANIFEST]]} \
            [bk_listing [dict get $s dir]]
        stop_server $s
        set abs [file normalize [new_tmpdir]]
        set s [bk_start "" [list backup-dir $abs]]
        set c [dict get $s client]
        $c set a 1
        set id [bk_bgsave $c]
        assert {[file isfile [file join $abs $id MANIFEST]]} [bk_listing $abs]
        assert_equal [list $id] [bk_ids $c]
        $c set a 2
        $c backup restore $id
        assert_equal 1 [$c get a]
        stop_server $s
    }
}

# ---------------- a full disk (root: a small tmpfs)

start_server {tags {backup diskfull redis-kv-only needs:own-server}} {
    set ::bk_dfskip $::bk_skip
    if {$::bk_dfskip ne ""} {
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::bk_dfskip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::bk_dfskip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::bk_dfskip "cannot unmount a test tmpfs: $p" }
    }

    test {Full disk: SAVE and BGSAVE fail cleanly, the server and its data stay, the next one works} {
        if {$::bk_dfskip ne ""} { skip $::bk_dfskip }
        set misconf "MISCONF Errors writing to the AOF file: No space left on device"
        set dir [tmpfs_mount 4m]
        set s [bk_start $dir {segment-size 64kb}]
        set c [dict get $s client]
        for {set i 0} {$i < 100} {incr i} { $c set live:$i [string repeat [format %c [expr {65 + $i % 26}]] 4000] }
        set id1 [bk_bgsave $c]
        # fill the disk with smaller and smaller values
        foreach len {4000 1000 100 10 1} {
            for {set i 0} {1} {incr i} {
                if {[catch {$c set fill:$len:$i [string repeat x $len]} err]} {
                    assert_equal $misconf $err
                    break
                }
                if {$i > 100000} { fail "the disk does not get full" }
            }
        }
        set want [bk_dump $c]
        set list [bk_list $c]
        set n0 [server_info_field $c rdb_saves]
        set last0 [$c lastsave]
        # SAVE: an error
        assert_error "ERR*" {$c save}
        assert_equal {} [bk_tmp_dirs $s]
        assert_equal $n0 [server_info_field $c rdb_saves]
        assert_equal $list [bk_list $c]
        # BGSAVE: refused at once or started and failed; either way
        # rdb_last_bgsave_status:err
        set r [catch {$c bgsave} err]
        if {!$r} {
            assert_equal "Background saving started" $err
        } else {
            assert_match "ERR*" $err
        }
        bk_wait_idle $c
        assert_equal err [server_info_field $c rdb_last_bgsave_status]
        assert_equal $n0 [server_info_field $c rdb_saves]
        assert_equal $list [bk_list $c]
        assert_morethan [server_info_field $c rdb_changes_since_last_save] 0
        assert {[is_alive [dict get $s pid]]}
        assert_equal PONG [$c ping]
        bk_assert_dump [bk_dump $c] $want "after the failed snapshots"
        assert_equal {} [bk_tmp_dirs $s]
        # LASTSAVE is the last successful save
        assert_equal $last0 [$c lastsave]
        assert_equal $last0 [server_info_field $c rdb_last_save_time]
        # a little room, more and more: each BGSAVE works or fails, and
        # never leaves a half backup, a .tmp or a damaged data set
        $c config set backup-keep 0
        set made {}
        set outcomes {}
        foreach extra {4 8 12 16 24 32 48 64 96} {
            exec mount -o remount,size=[expr {[fs_used_kb $dir] + $extra}]k $dir
            set before [bk_ids $c]
            set r [catch {$c bgsave} err]
            bk_wait_idle $c
            set bgstatus [server_info_field $c rdb_last_bgsave_status]
            lappend outcomes "+${extra}k:$bgstatus[expr {$r ? " ($err)" : ""}]"
            set after [bk_ids $c]
            if {!$r && $bgstatus eq "ok"} {
                assert_equal [expr {[llength $before] + 1}] [llength $after] "+${extra}k"
                lappend made [lindex $after end]
            } else {
                assert_equal $before $after "+${extra}k: $err"
            }
            assert_equal {} [bk_tmp_dirs $s] "+${extra}k"
            assert_equal PONG [$c ping]
            bk_assert_dump [bk_dump $c] $want "after a BGSAVE with ${extra}k free"
        }
        puts "    (BGSAVE with a little room: $outcomes)"
        # room again: the next BGSAVE works
        exec mount -o remount,size=32m $dir
        foreach id $made {
            $c backup restore $id
            bk_assert_dump [bk_dump $c] $want "after restoring backup $id made with little room"
        }
        set id2 [bk_bgsave $c]
        assert_equal ok [server_info_field $c rdb_last_bgsave_status]
        assert_equal 0 [server_info_field $c rdb_changes_since_last_save]
        assert_equal [concat $id1 $made $id2] [bk_ids $c]
        # both backups restore: the one from before the disk got full,
        # the one made with room
        $c backup restore $id1
        assert_equal 100 [$c dbsize]
        assert_equal [string repeat B 4000] [$c get live:1]
        $c backup restore $id2
        bk_assert_dump [bk_dump $c] $want "after restoring the backup made with room"
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        bk_assert_dump [bk_dump $c] $want "after kill -9"
        assert_equal {} [bk_tmp_dirs $s]
        stop_server $s
        set p [tmpfs_umount $dir]
        if {$p ne ""} { fail $p }
    }
}

} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs mounts of unit/backup" $p }
}
