# Scripts and functions in redis-kv's log (issue 17): what a crash, a full
# disk, a compaction and a backup do to them.
#   - A script is atomic in the log: the writes of one EVAL or FCALL
#     (SET, HSET, RPUSH, DEL, SADD, INCR; also SELECT, FLUSHDB and SWAPDB
#     over several databases) are one batch, so when the process dies in
#     the middle of writing it (DEBUG CRASH-AFTER-PARTIAL-BATCH) none of
#     them is there after the restart and what was there before is; a
#     torn FUNCTION LOAD REPLACE, FUNCTION RESTORE FLUSH, or EXEC holding
#     FUNCTION LOAD / DELETE, FCALL and EVAL leaves the old state.
#   - kill -9 under pipelined EVAL / FCALL (appendfsync always, and
#     everysec: a process crash) loses no acknowledged script and applies
#     none by halves; the same for pipelined FUNCTION LOADs.  A script
#     that raises an error after writing keeps those writes, as in Redis.
#   - Functions are data: after FUNCTION LOAD, LOAD REPLACE, DELETE,
#     FLUSH, RESTORE (FLUSH, REPLACE, APPEND), each acknowledged and
#     followed by kill -9, the libraries are exactly the acknowledged ones
#     (FUNCTION LIST WITHCODE, FUNCTION DUMP, FCALL); FLUSHALL, FLUSHDB and
#     SWAPDB never touch them.
#   - Functions survive compaction (library changes in its packet, kill -9
#     while it may run, a quiet one after); BACKUP RESTORE brings back the
#     backup's libraries (one loaded after the backup is gone, one deleted
#     after it is back, FCALL works at once), also for a slow backup whose
#     libraries change while it is taken; redis-kv-check --restore --at
#     rebuilds the libraries of that moment.
#   - SCRIPT LOAD's cache (and EVAL's) is not persisted: NOSCRIPT after a
#     restart.
#   - utils/redis-kv-check lists the libraries (its metadata lines).
#   - A full disk (a small tmpfs, root only): FUNCTION LOAD / DELETE /
#     FLUSH / RESTORE, an EVAL, an FCALL and an EXEC that write get the
#     MISCONF error, the server stays up, earlier libraries and keys are
#     intact, read-only scripts run, and once there is room both work in
#     the same process.
#
# redis-kv only (tags redis-kv-only needs:own-server, the tmpfs block also
# diskfull): the tests start their own servers with spawn_server and
# signal only those PIDs; a tmpfs mounted here is unmounted in a
# `finally`.  Nothing asserts a timing: commands that must run while a
# compaction or a snapshot is in progress go in the packet of the
# BGREWRITEAOF or BGSAVE that starts it (compaction.tcl says why that
# works).

# ------------------------------------------------------------------ helpers

set ::sd_skip ""
set ::sd_misconf "MISCONF Errors writing to the AOF file: No space left on device"
set ::sd_noscript "NOSCRIPT No matching script. Please use EVAL."

proc sd_require {} {
    if {$::sd_skip ne ""} { skip $::sd_skip }
}

# The body shared by the EVAL script and the function `many`: six writes
# of five kinds on keys[1..6] (string, hash, list, a DEL, set, counter),
# args[2] a big value so that the batch spans many pages; returns the
# counter.
set ::sd_many_body {
    redis.call('SET', keys[1], args[1])
    redis.call('HSET', keys[2], 'f', args[1], 'big', args[2])
    redis.call('RPUSH', keys[3], args[1], args[2])
    redis.call('DEL', keys[4])
    redis.call('SADD', keys[5], args[1])
    return redis.call('INCR', keys[6])
}
set ::sd_many_eval "local keys, args = KEYS, ARGV\n$::sd_many_body"
# The library wlib: many (above) and one (one write per call, the load
# tests: RPUSH p, RPUSH q, INCR n, SET last; returns n).
set ::sd_one_body {
    redis.call('RPUSH', keys[1], args[1])
    redis.call('RPUSH', keys[2], args[1])
    redis.call('SET', keys[4], args[1])
    return redis.call('INCR', keys[3])
}
set ::sd_one_eval "local keys, args = KEYS, ARGV\n$::sd_one_body"
set ::sd_wlib "#!lua name=wlib
redis.register_function('many', function(keys, args)
$::sd_many_body
end)
redis.register_function('one', function(keys, args)
$::sd_one_body
end)
redis.register_function{function_name='peek', flags={'no-writes'},
    callback=function(keys, args) return redis.call('GET', keys\[1\]) end}
"

# The code of library NAME at VERSION: NAME_ver returns "NAME vVERSION",
# NAME_put sets keys[1] to args[1].
proc sd_lib {name {version 1}} {
    return [string map [list @N $name @V $version] {#!lua name=@N
-- version @V
redis.register_function('@N_ver', function(keys, args) return '@N v@V' end)
redis.register_function('@N_put', function(keys, args)
    return redis.call('SET', keys[1], args[1])
end)
}]
}

# The libraries the server must hold: ::sd_libs, a dict name -> version.
proc sd_libs_reset {} { set ::sd_libs [dict create] }

# The start of a test: skips it when it cannot run, empties the model and
# starts a durable server (spawn_durable_server, plus OVERRIDES) on a new
# directory; sets dir, s (the server) and c (its client) in the caller.
proc sd_begin {{overrides {}}} {
    sd_require
    sd_libs_reset
    upvar 1 dir dir s s c c
    set dir [new_tmpdir]
    set s [spawn_durable_server $dir $overrides]
    set c [dict get $s client]
}

# FUNCTION LOAD [REPLACE] of library NAME at VERSION on C, acknowledged.
proc sd_load {c name {version 1} {replace 0}} {
    set argv [list function load]
    if {$replace} { lappend argv replace }
    assert_equal $name [$c {*}$argv [sd_lib $name $version]] "FUNCTION $argv $name"
    dict set ::sd_libs $name $version
}

# The server of C holds exactly the libraries of the model: FUNCTION LIST
# names and codes, and every NAME_ver answers its version; a library of
# GONE (names) is not there and its functions are not found.  EXTRA
# names libraries not made by sd_lib that must be there too (checked by
# name only).
proc sd_verify_libs {c when {gone {}} {extra {}}} {
    set list [$c function list withcode]
    set names {}
    foreach lib $list {
        set name [dict get $lib library_name]
        lappend names $name
        if {[dict exists $::sd_libs $name]} {
            assert_equal [sd_lib $name [dict get $::sd_libs $name]] \
                [dict get $lib library_code] "the code of $name $when"
        }
    }
    assert_equal [lsort [concat [dict keys $::sd_libs] $extra]] [lsort $names] "the libraries $when"
    dict for {name v} $::sd_libs {
        assert_equal "$name v$v" [$c fcall ${name}_ver 0] "FCALL ${name}_ver $when"
    }
    foreach name $gone {
        assert_error_equal "ERR Function not found" {$c fcall ${name}_ver 0} \
            "FCALL ${name}_ver $when"
    }
}

# FUNCTION LIST WITHCODE and FUNCTION DUMP of C: what must read back the
# same after a restart.
proc sd_lib_state {c} {
    return [list [$c function list withcode] [$c function dump]]
}

# Kills the server S with -9, restarts it and checks that it holds the
# model's libraries (GONE and EXTRA as for sd_verify_libs) and the state
# STATE (sd_lib_state) exactly; returns the new server.
proc sd_kill_and_check {s state when {gone {}} {extra {}}} {
    set s [restart_server $s -kill9]
    set c [dict get $s client]
    sd_verify_libs $c "after kill -9 $when" $gone $extra
    assert_equal $state [sd_lib_state $c] "FUNCTION LIST WITHCODE and DUMP after kill -9 $when"
    return $s
}

# Keys of the script `many`, and the data set before it ran.
set ::sd_many_keys {s h l d set n}
proc sd_many_before {c} {
    $c set s old
    $c hset h f old
    $c rpush l a b
    $c set d keep
    $c sadd set m
    $c set n 10
}
proc sd_many_verify_before {c when} {
    assert_equal old [$c get s] "s $when"
    assert_equal {f old} [$c hgetall h] "h $when"
    assert_equal {a b} [$c lrange l 0 -1] "l $when"
    assert_equal keep [$c get d] "d $when"
    assert_equal {m} [$c smembers set] "set $when"
    assert_equal 10 [$c get n] "n $when"
}
# The data set after `many` ran once with args V BIG (a verify prefix for
# check_restarts: the client and the moment come last).
proc sd_many_verify_after {v big c when} {
    assert_equal $v [$c get s] "s $when"
    assert_equal [list big $big f $v] [lsort -stride 2 [$c hgetall h]] "h $when"
    assert_equal [list a b $v $big] [$c lrange l 0 -1] "l $when"
    assert_equal 0 [$c exists d] "d $when"
    assert_equal [lsort [list m $v]] [lsort [$c smembers set]] "set $when"
    assert_equal 11 [$c get n] "n $when"
}

# A script over databases 0 to 4 (the caller's is 0): a SET in each of 0
# and 1, a FLUSHDB of 2, a SWAPDB of 3 and 4, then a big value (ARGV[1])
# in 3.
set ::sd_dbs_script {
    redis.call('SET', 'in0', '1')
    redis.call('SELECT', 1)
    redis.call('SET', 'a', 'new')
    redis.call('SELECT', 2)
    redis.call('FLUSHDB')
    redis.call('SWAPDB', 3, 4)
    redis.call('SELECT', 3)
    redis.call('SET', 'x2', ARGV[1])
    return 'done'
}
# On client C (left in database 0): sd_dbs_before writes the data set
# before the script, the verify procs check it before and after.
proc sd_dbs_before {c} {
    $c select 1
    $c set a old
    $c select 2
    $c mset k1 1 k2 2 k3 3
    $c select 3
    $c set x three
    $c select 4
    $c set x four
    $c select 0
}
proc sd_dbs_verify_before {c when} {
    sd_dbs_verify $c {0 {} 1 {a old} 2 {k1 1 k2 2 k3 3} 3 {x three} 4 {x four}} $when
}
proc sd_dbs_verify_after {big c when} {
    sd_dbs_verify $c [list 0 {in0 1} 1 {a new} 2 {} 3 [list x four x2 $big] 4 {x three}] $when
}
# WANT: a dict database -> its string keys and values, sorted by key.
proc sd_dbs_verify {c want when} {
    dict for {db kv} $want {
        $c select $db
        set got {}
        foreach k [lsort [$c keys *]] { lappend got $k [$c get $k] }
        assert_equal $kv $got "db $db $when"
    }
    $c select 0
}

# Arms DEBUG CRASH-AFTER-PARTIAL-BATCH on the server S, sends ARGV (its
# reply, if any, is ignored: the process dies writing the batch), waits
# for the exit and restarts the server; returns the new server.
proc sd_crash_during {s argv} {
    set c [dict get $s client]
    assert_equal OK [$c debug crash-after-partial-batch]
    catch {$c {*}$argv}
    assert {[wait_server_exit $s 10]} "the server did not exit while writing the batch of [lindex $argv 0]"
    return [restart_server $s]
}

# Pipelines ROUNDS packets of 20 commands made by MAKE (called with the
# number i = 1, 2, ...; returns {argv reply}), reading and checking every
# reply, then a last packet of 300 of which only 5 replies are read, and
# kills the server S with -9.  Returns the number acknowledged.
proc sd_pipeline_then_kill {s make rounds} {
    set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
    set next 1
    set acked 0
    for {set r 0} {$r <= $rounds} {incr r} {
        set first $next
        set n [expr {$r < $rounds ? 20 : 300}]
        for {set j 0} {$j < $n} {incr j} {
            $rd write [::redis::__format_command [lindex [{*}$make $next] 0]]
            incr next
        }
        flush [$rd channel]
        set last [expr {$r < $rounds ? $next - 1 : $first + 4}]
        for {set i $first} {$i <= $last} {incr i} {
            lassign [{*}$make $i] argv want
            assert_equal $want [$rd read] "reply to [lindex $argv 0] number $i"
            set acked $i
        }
    }
    stop_server $s -kill9
    $rd close
    return $acked
}

# The I-th write of the load tests: EVAL for odd I, FCALL one for even;
# {argv reply} for sd_pipeline_then_kill.
proc sd_load_write {i} {
    if {$i % 2} {
        return [list [list eval $::sd_one_eval 4 p q n last $i] $i]
    }
    return [list [list fcall one 4 p q n last $i] $i]
}

# After the load: N scripts applied, each whole and in order, N >= ACKED.
proc sd_load_verify {c acked when} {
    set n [$c get n]
    assert {$n >= $acked} "$n scripts survived $when, $acked were acknowledged"
    set want {}
    for {set i 1} {$i <= $n} {incr i} { lappend want $i }
    assert_equal $want [$c lrange p 0 -1] "p $when"
    assert_equal $want [$c lrange q 0 -1] "q $when"
    assert_equal $n [$c get last] "last $when"
    return $n
}

# The FUNCTION LOAD of the I-th library of the pipelined-load test (its
# function answers I), as {argv reply} for sd_pipeline_then_kill.
proc sd_numbered_load {i} {
    set code "#!lua name=nl$i\nredis.register_function('nl${i}_id', function() return $i end)"
    return [list [list function load $code] nl$i]
}

# The metadata block of redis-kv-check's output: the "metadata:" line and
# the "meta:" lines, names only (vlen kept: the code's length).
proc sd_check_meta {out} {
    set lines {}
    foreach l [split $out \n] {
        if {[string match "metadata: *" $l]} {
            regexp {^(metadata: \d+ entries, \d+ value bytes)} $l -> head
            lappend lines $head
        } elseif {[regexp {^meta: (\S+) vlen=(\d+) } $l -> name vlen]} {
            lappend lines "$name $vlen"
        }
    }
    return $lines
}

# What sd_check_meta must give for the model's libraries.
proc sd_want_meta {} {
    set bytes 0
    set entries {}
    foreach name [lsort [dict keys $::sd_libs]] {
        set len [string length [sd_lib $name [dict get $::sd_libs $name]]]
        incr bytes $len
        lappend entries "\"function:$name\" $len"
    }
    return [list "metadata: [dict size $::sd_libs] entries, $bytes value bytes" {*}[lsort $entries]]
}

# BGSAVE on C, waited for; returns the id of the backup it made.
proc sd_bgsave {c} {
    set n0 [server_info_field $c rdb_saves]
    assert_equal "Background saving started" [$c bgsave]
    return [sd_wait_backup $c $n0]
}

# Waits until C's server has made more than N0 snapshots and runs none;
# returns the id of the newest backup.
proc sd_wait_backup {c n0} {
    wait_for_condition 1500 20 {
        [server_info_field $c rdb_saves] > $n0 && [server_info_field $c rdb_bgsave_in_progress] == 0
    } else {
        fail "the backup was not made"
    }
    assert_equal ok [server_info_field $c rdb_last_bgsave_status]
    return [dict get [lindex [$c backup list] end] id]
}

# Garbage around the libraries for the compaction tests: VERSIONS
# versions of library la (each replacing the last), each followed by a
# new library ALSO<version> when ALSO is given and by an overwrite of the
# keys k0 .. k<NKEYS-1> with the version repeated 400 times.
proc sd_churn {c versions nkeys {also ""}} {
    for {set v 1} {$v <= $versions} {incr v} {
        sd_load $c la $v [expr {$v > 1}]
        if {$also ne ""} { sd_load $c $also$v 1 }
        for {set i 0} {$i < $nkeys} {incr i} { $c set k$i [string repeat $v 400] }
    }
}

# What the compaction test must find (its model in ::sd_libs, plus wlib).
proc sd_verify_compacted {c when} {
    sd_verify_libs $c $when {gone lx} {wlib}
    assert_equal x [$c get during]
    assert_equal 1 [$c get cnt]
    assert_equal [string repeat 20 400] [$c get k7]
    assert_equal [$c get n] [$c fcall_ro peek 1 n]
}

# ------------------------------------------------------------------ tests

start_server {tags {scripting redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::sd_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::sd_skip "the server under test is not redis-kv"
    }

    test {A crash in the middle of an EVAL's batch: after restart none of its writes is there, earlier data is} {
        sd_begin
        sd_many_before $c
        set big [big_random_value 60000]
        set s [sd_crash_during $s [list eval $::sd_many_eval 6 {*}$::sd_many_keys new $big]]
        set c [dict get $s client]
        sd_many_verify_before $c "after the crash"
        assert_equal 6 [$c dbsize]
        # The same script, acknowledged, is all there after restarts.
        assert_equal 11 [$c eval $::sd_many_eval 6 {*}$::sd_many_keys new $big]
        sd_many_verify_after new $big $c "after the script"
        stop_server $s
        check_restarts $s $dir [list sd_many_verify_after new $big]
    }

    test {A crash in the middle of an FCALL's batch: the library stays, none of the call's writes is there} {
        sd_begin
        assert_equal wlib [$c function load $::sd_wlib]
        sd_many_before $c
        set big [big_random_value 60000]
        set s [sd_crash_during $s [list fcall many 6 {*}$::sd_many_keys new $big]]
        set c [dict get $s client]
        sd_many_verify_before $c "after the crash"
        assert_equal old [$c fcall_ro peek 1 s]
        assert_equal 11 [$c fcall many 6 {*}$::sd_many_keys new $big]
        sd_many_verify_after new $big $c "after the call"
        stop_server $s
        check_restarts $s $dir [list sd_many_verify_after new $big]
    }

    test {A crash in the middle of FUNCTION LOAD REPLACE or FUNCTION RESTORE FLUSH leaves the old libraries} {
        sd_begin
        sd_load $c la 1
        sd_load $c lb 1
        set state [sd_lib_state $c]
        # A payload with other libraries, the size of many pages.
        set other [spawn_durable_server]
        set oc [dict get $other client]
        for {set i 0} {$i < 30} {incr i} {
            $oc function load "[sd_lib lr$i]-- [string repeat x 3000]\n"
        }
        set payload [$oc function dump]
        stop_server $other

        set s [sd_crash_during $s [list function load replace "[sd_lib la 2]-- [string repeat y 50000]\n"]]
        set c [dict get $s client]
        sd_verify_libs $c "after a crash in FUNCTION LOAD REPLACE"
        assert_equal $state [sd_lib_state $c]

        set s [sd_crash_during $s [list function restore $payload flush]]
        set c [dict get $s client]
        sd_verify_libs $c "after a crash in FUNCTION RESTORE FLUSH" {lr0 lr29}
        assert_equal $state [sd_lib_state $c]

        # Made again, the restore is all there.
        assert_equal OK [$c function restore $payload flush]
        assert_equal 30 [llength [$c function list]]
        assert_equal {lr7 v1} [$c fcall lr7_ver 0]
        set state [sd_lib_state $c]
        set s [restart_server $s -kill9]
        assert_equal $state [sd_lib_state [dict get $s client]]
        stop_server $s
    }

    test {A crash in the middle of a script over several databases (SELECT, FLUSHDB, SWAPDB): none of it is there} {
        sd_begin
        sd_dbs_before $c
        set big [big_random_value 40000]
        set s [sd_crash_during $s [list eval $::sd_dbs_script 0 $big]]
        set c [dict get $s client]
        sd_dbs_verify_before $c "after the crash"
        assert_equal done [$c eval $::sd_dbs_script 0 $big]
        # The caller's database is still 0.
        assert_equal 1 [$c get in0]
        sd_dbs_verify_after $big $c "after the script"
        stop_server $s
        check_restarts $s $dir [list sd_dbs_verify_after $big]
    }

    test {A crash in the middle of EXEC with FUNCTION LOAD, FCALL and EVAL: neither the library nor a write is there} {
        sd_begin
        sd_load $c la 1
        $c set k old
        set state [sd_lib_state $c]
        set big [big_random_value 30000]
        assert_equal OK [$c debug crash-after-partial-batch]
        $c multi
        $c function load [sd_lib lb 1]
        $c fcall lb_put 1 k new
        $c eval {return redis.call('SET', KEYS[1], ARGV[1])} 1 big $big
        $c function delete la
        catch {$c exec}
        assert {[wait_server_exit $s 10]} "the server did not exit"
        set s [restart_server $s]
        set c [dict get $s client]
        sd_verify_libs $c "after the crash" {lb}
        assert_equal $state [sd_lib_state $c]
        assert_equal {old 0} [list [$c get k] [$c exists big]]
        # Acknowledged, the same transaction is all there after kill -9.
        $c multi
        $c function load [sd_lib lb 1]
        $c fcall lb_put 1 k new
        $c eval {return redis.call('SET', KEYS[1], ARGV[1])} 1 big $big
        $c function delete la
        assert_equal {lb OK OK OK} [$c exec]
        sd_libs_reset
        dict set ::sd_libs lb 1
        set s [sd_kill_and_check $s [sd_lib_state $c] "after the transaction" {la}]
        set c [dict get $s client]
        assert_equal new [$c get k]
        assert_equal $big [$c get big]
        stop_server $s
    }

    test {A script that fails after some writes keeps them, as in Redis, across kill -9} {
        sd_begin
        assert_error {ERR value is not an integer or out of range script: *} \
            {$c eval {redis.call('SET', KEYS[1], 'x') redis.call('RPUSH', KEYS[2], 'a') return redis.call('INCR', KEYS[1])} 2 ek el}
        assert_equal {ERR value is not an integer or out of range} \
            [$c eval {redis.call('SET', KEYS[1], 'y') local r = redis.pcall('INCR', KEYS[1]) return r['err']} 1 ek2]
        assert_equal wlib [$c function load $::sd_wlib]
        # one: RPUSH p, RPUSH q, then SET and INCR fail on a hash at n.
        $c hset n f v
        assert_error {WRONGTYPE *} {$c fcall one 4 p q n last 7}
        set s [restart_server $s -kill9]
        set c [dict get $s client]
        assert_equal {x a y} [list [$c get ek] [$c lrange el 0 -1] [$c get ek2]]
        assert_equal {7 7 7} [list [$c lrange p 0 -1] [$c lrange q 0 -1] [$c get last]]
        assert_equal {f v} [$c hgetall n]
        stop_server $s
    }

    foreach fsync {always everysec} {
        test "kill -9 under pipelined EVAL and FCALL (appendfsync $fsync): every acknowledged script is there, none by halves" {
            sd_begin [list appendfsync $fsync]
            assert_equal wlib [$c function load $::sd_wlib]
            set acked [sd_pipeline_then_kill $s sd_load_write 30]
            set s [restart_server $s]
            set c [dict get $s client]
            set n [sd_load_verify $c $acked "after kill -9"]
            # Writes after the restart continue the sequence.
            set rd [::redis::connect [dict get $s host] [dict get $s port] 0]
            for {set i 1} {$i <= 20} {incr i} {
                assert_equal [expr {$n + $i}] [$rd {*}[lindex [sd_load_write [expr {$n + $i}]] 0]]
            }
            $rd close
            set s [restart_server $s -kill9]
            sd_load_verify [dict get $s client] [expr {$n + 20}] "after the second kill -9"
            stop_server $s
            assert_match "*result: clean*" [redis_kv_check "after the kills" $dir]
        }
    }

    test {kill -9 under pipelined FUNCTION LOADs: every acknowledged library is there and callable} {
        sd_require
        set s [spawn_durable_server]
        set acked [sd_pipeline_then_kill $s sd_numbered_load 2]
        set s [restart_server $s]
        set c [dict get $s client]
        set names [lsort -dictionary [lmap lib [$c function list] {dict get $lib library_name}]]
        set n [llength $names]
        assert {$n >= $acked} "$n libraries survived, $acked were acknowledged"
        set want {}
        for {set i 1} {$i <= $n} {incr i} { lappend want nl$i }
        assert_equal $want $names "the libraries are the first ones loaded"
        foreach i [list 1 $acked $n] {
            assert_equal $i [$c fcall nl${i}_id 0]
        }
        stop_server $s
    }

    test {FUNCTION LOAD, LOAD REPLACE, DELETE, FLUSH and RESTORE survive kill -9 exactly as acknowledged} {
        sd_begin
        sd_load $c la 1
        sd_load $c lb 1
        sd_load $c lc 1
        # Libraries are not keys.
        assert_equal 0 [$c dbsize]
        set s [sd_kill_and_check $s [sd_lib_state $c] "after three loads"]
        set c [dict get $s client]
        assert_equal 0 [$c dbsize]

        sd_load $c la 2 1
        assert_equal OK [$c function delete lb]
        dict unset ::sd_libs lb
        set s [sd_kill_and_check $s [sd_lib_state $c] "after LOAD REPLACE and DELETE" {lb}]
        set c [dict get $s client]
        set dump [$c function dump]

        # A refused load (the library exists) and a refused delete change
        # nothing.
        assert_error_equal "ERR Library 'la' already exists" {$c function load [sd_lib la 3]}
        assert_error_equal "ERR Library not found" {$c function delete lb}
        set s [sd_kill_and_check $s [sd_lib_state $c] "after refused changes" {lb}]
        set c [dict get $s client]

        assert_equal OK [$c function flush]
        sd_libs_reset
        set s [sd_kill_and_check $s [sd_lib_state $c] "after FUNCTION FLUSH" {la lc}]
        set c [dict get $s client]
        assert_equal {} [$c function list]

        # RESTORE FLUSH drops a library loaded meanwhile.
        sd_load $c ld 1
        assert_equal OK [$c function restore $dump flush]
        sd_libs_reset
        dict set ::sd_libs la 2
        dict set ::sd_libs lc 1
        set s [sd_kill_and_check $s [sd_lib_state $c] "after FUNCTION RESTORE FLUSH" {ld lb}]
        set c [dict get $s client]
        assert_equal $dump [$c function dump]

        # RESTORE REPLACE of an older version, RESTORE (APPEND) of a new
        # library.
        assert_equal OK [$c function flush]
        sd_libs_reset
        sd_load $c la 1
        sd_load $c le 1
        set dump2 [$c function dump]
        assert_equal OK [$c function restore $dump flush]
        assert_equal OK [$c function delete lc]
        assert_equal OK [$c function restore $dump2 replace]
        sd_libs_reset
        dict set ::sd_libs la 1
        dict set ::sd_libs le 1
        set s [sd_kill_and_check $s [sd_lib_state $c] "after FUNCTION RESTORE REPLACE" {lc}]
        set c [dict get $s client]
        assert_error_equal "ERR Library la already exists" {$c function restore $dump}
        assert_equal OK [$c function delete la]
        assert_equal OK [$c function restore $dump]
        dict set ::sd_libs la 2
        dict set ::sd_libs lc 1
        set s [sd_kill_and_check $s [sd_lib_state $c] "after FUNCTION RESTORE"]
        stop_server $s
        assert_match "*result: clean*" [redis_kv_check "after the kills" $dir]
    }

    test {FLUSHALL, FLUSHDB and SWAPDB never touch the libraries, before or after a restart} {
        sd_begin
        sd_load $c la 1
        sd_load $c lb 3
        assert_equal OK [$c fcall la_put 1 k v0]
        $c select 1
        assert_equal OK [$c fcall lb_put 1 k v1]
        $c select 0
        set state [sd_lib_state $c]
        assert_equal OK [$c swapdb 0 1]
        assert_equal v1 [$c get k]
        assert_equal OK [$c flushdb]
        assert_equal OK [$c flushall]
        assert_equal OK [$c flushall async]
        assert_equal 0 [$c dbsize]
        sd_verify_libs $c "after FLUSHALL"
        assert_equal $state [sd_lib_state $c]
        stop_server $s
        set s [restart_server $s]
        set c [dict get $s client]
        sd_verify_libs $c "after a graceful restart"
        assert_equal 0 [$c dbsize]
        assert_equal OK [$c fcall la_put 1 k again]
        assert_equal OK [$c swapdb 0 1]
        assert_equal OK [$c flushall]
        set s [sd_kill_and_check $s $state "after SWAPDB and FLUSHALL"]
        assert_equal 0 [[dict get $s client] dbsize]
        stop_server $s
    }

    test {Functions survive compaction, with library changes in flight and a quiet compaction after} {
        sd_begin {segment-size 64kb}
        # Dead records around the libraries: keys overwritten many times,
        # libraries replaced many times and deleted.
        sd_churn $c 20 50
        sd_load $c lb 1
        sd_load $c gone 1
        assert_equal OK [$c function delete gone]
        dict unset ::sd_libs gone
        sd_load $c lx 1
        assert_equal wlib [$c function load $::sd_wlib]
        assert_morethan [server_info_field $c storage_segments] 3
        set dead0 [server_info_field $c storage_dead_bytes]

        # Library changes and scripts in the packet of BGREWRITEAOF run
        # while it is in progress.
        set during [list bgrewriteaof \
            [list function load [sd_lib lc 1]] \
            [list function load replace [sd_lib lb 2]] \
            [list function delete lx] \
            [list fcall la_put 1 during x] \
            [list eval {return redis.call('INCR', KEYS[1])} 1 cnt]]
        set got [pipeline_replies $c $during]
        assert_equal {{Background append only file rewriting started} lc lb OK OK 1} $got
        dict set ::sd_libs lc 1
        dict set ::sd_libs lb 2
        dict unset ::sd_libs lx
        wait_compaction_end $c
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        assert_lessthan [server_info_field $c storage_dead_bytes] $dead0
        sd_verify_compacted $c "after the compaction"

        # A quiet compaction leaves the live library records only.
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        wait_compaction_end $c
        set state [sd_lib_state $c]
        stop_server $s
        set out [redis_kv_check "after the compactions" $dir]
        assert_match "*metadata: 4 entries,*" $out
        set s [restart_server $s]
        set c [dict get $s client]
        sd_verify_compacted $c "after a restart"
        assert_equal $state [sd_lib_state $c]
        stop_server $s
        check_restarts $s $dir sd_verify_compacted
    }

    test {BACKUP RESTORE brings back the backup's libraries: later ones gone, deleted ones back, FCALL at once} {
        sd_begin
        sd_load $c la 1
        sd_load $c lb 1
        assert_equal OK [$c fcall la_put 1 k before]
        set want [sd_lib_state $c]
        set wantlibs $::sd_libs
        set id [sd_bgsave $c]

        # After the backup: a new library, one deleted, one replaced.
        sd_load $c lc 1
        assert_equal OK [$c function delete lb]
        sd_load $c la 2 1
        assert_equal OK [$c fcall la_put 1 k after]

        # The restore and an FCALL in one packet: the call sees the
        # backup's libraries.
        set got [pipeline_replies $c [list [list backup restore $id] \
            {fcall la_ver 0} {fcall lb_ver 0} {fcall lc_ver 0} {get k}]]
        assert_equal $id [lindex [lindex $got 0] 0]
        assert_equal {{la v1} {lb v1} {ERR!ERR Function not found} before} [lrange $got 1 end]
        set ::sd_libs $wantlibs
        sd_verify_libs $c "after BACKUP RESTORE" {lc}
        assert_equal $want [sd_lib_state $c]
        # Other clients see the same at once.
        set c2 [redis_client [dict create host [dict get $s host] port [dict get $s port]]]
        assert_equal {lb v1} [$c2 fcall lb_ver 0]
        $c2 close
        # And so they stay.
        set s [sd_kill_and_check $s $want "after the restore" {lc}]
        set c [dict get $s client]
        # The libraries still take changes.
        sd_load $c lc 5
        assert_equal {lc v5} [$c fcall lc_ver 0]
        set s [restart_server $s]
        sd_verify_libs [dict get $s client] "after a change that followed the restore"
        stop_server $s
    }

    test {A slow backup holds the libraries of its BGSAVE, whatever changes them meanwhile} {
        sd_begin {segment-size 1kb}
        sd_load $c la 1
        sd_load $c lb 1
        sd_load $c lc 1
        set want [sd_lib_state $c]
        set wantlibs $::sd_libs
        # A snapshot that links 10 files of one key each, 0.1 s apiece.
        for {set i 0} {$i < 10} {incr i} { $c set slow:$i [string repeat $i 2000] }
        $c config set rdb-key-save-delay 100000
        set n0 [server_info_field $c rdb_saves]
        # The changes go in the packet of the BGSAVE: they run while it does.
        set got [pipeline_replies $c [list bgsave \
            [list function load [sd_lib lnew 1]] {function delete la} \
            [list function load replace [sd_lib lb 2]] {info persistence}]]
        assert_equal {{Background saving started} lnew OK lb} [lrange $got 0 3]
        assert_match "*rdb_bgsave_in_progress:1\r\n*" [lindex $got end]
        assert_equal OK [$c function flush]
        sd_load $c lafter 1
        $c config set rdb-key-save-delay 0
        set id [sd_wait_backup $c $n0]
        assert_equal $id [lindex [$c backup restore $id] 0]
        set ::sd_libs $wantlibs
        sd_verify_libs $c "after restoring the slow backup" {lnew lafter}
        assert_equal $want [sd_lib_state $c]
        set s [sd_kill_and_check $s $want "after the restore" {lnew lafter}]
        stop_server $s
    }

    test {kill -9 while a compaction runs, with library changes in its packet: the libraries are as acknowledged} {
        sd_begin {segment-size 64kb}
        sd_churn $c 10 100 del
        set gone {}
        for {set v 1} {$v <= 5} {incr v} {
            assert_equal OK [$c function delete del$v]
            dict unset ::sd_libs del$v
            lappend gone del$v
        }
        set during [list bgrewriteaof \
            [list function load replace [sd_lib la 11]] \
            [list function delete del6] \
            [list function load [sd_lib new 1]]]
        assert_equal {{Background append only file rewriting started} la OK new} \
            [pipeline_replies $c $during]
        dict set ::sd_libs la 11
        dict unset ::sd_libs del6
        lappend gone del6
        dict set ::sd_libs new 1
        set state [sd_lib_state $c]
        set s [sd_kill_and_check $s $state "during a compaction" $gone]
        set c [dict get $s client]
        assert_equal [string repeat 10 400] [$c get k99]
        # The next compaction, and its result after kill -9.
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        wait_compaction_end $c
        set s [sd_kill_and_check $s $state "after the next compaction" $gone]
        stop_server $s
        assert_match "*result: clean*" [redis_kv_check "after the compactions" $dir]
    }

    test {redis-kv-check --restore --at: the libraries as they were at that moment} {
        sd_begin
        sd_load $c la 1
        sd_load $c lb 1
        set inBackup $::sd_libs
        set bk [file join $dir backups [sd_bgsave $c]]
        assert {[file isdirectory $bk]} "no backup directory $bk"
        # After the backup, up to the moment: a load, a delete, a replace.
        sd_load $c lc 1
        assert_equal OK [$c function delete lb]
        dict unset ::sd_libs lb
        sd_load $c la 2 1
        set atMoment $::sd_libs
        after 10
        set at [clock milliseconds]
        after 10
        # After the moment: everything flushed, another library.
        assert_equal OK [$c function flush]
        assert_equal ld [$c function load [sd_lib ld 1]]
        stop_server $s

        set tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]
        foreach {name at want gone} [list moment $at $atMoment {lb ld} backup "" $inBackup {lc ld}] {
            set to [file join [new_tmpdir] $name]
            set args [list --restore $bk --to $to]
            if {$at ne ""} { lappend args --at $at }
            lassign [run_tool $tool {*}$args] rc out
            assert_equal 0 $rc $out
            set r [spawn_durable_server $to]
            set ::sd_libs $want
            sd_verify_libs [dict get $r client] "restored to the $name" $gone
            stop_server $r
        }
    }

    test {SCRIPT LOAD's cache is not persisted: EVALSHA gets NOSCRIPT after a restart and after kill -9} {
        sd_begin
        set loaded {return redis.call('INCR', KEYS[1])}
        set evaled {return 'evaled'}
        set sha1 [$c script load $loaded]
        assert_equal 1 [$c evalsha $sha1 1 x]
        assert_equal evaled [$c eval $evaled 0]
        set sha2 [$c script load $evaled]
        assert_equal evaled [$c evalsha $sha2 0]
        assert_equal wlib [$c function load $::sd_wlib]
        foreach how {{} -kill9} {
            set s [restart_server $s {*}$how]
            set c [dict get $s client]
            assert_equal {0 0} [$c script exists $sha1 $sha2] "SCRIPT EXISTS after restart $how"
            assert_error_equal $::sd_noscript {$c evalsha $sha1 1 x}
            assert_error_equal $::sd_noscript {$c evalsha_ro $sha2 0}
            # The write of the script is there, and the functions.
            assert_equal 1 [$c get x]
            assert_equal 1 [$c fcall_ro peek 1 x]
            # Loaded again, it runs.
            assert_equal $sha1 [$c script load $loaded]
            assert_equal 2 [$c evalsha $sha1 1 x]
            $c decr x
        }
        stop_server $s
    }

    test {redis-kv-check lists the libraries of a data directory} {
        sd_begin
        $c set plain 1
        stop_server $s
        set out [redis_kv_check "without libraries" $dir]
        assert_equal [list "metadata: 0 entries, 0 value bytes"] [sd_check_meta $out]

        set s [restart_server $s]
        set c [dict get $s client]
        sd_load $c la 1
        sd_load $c lb 1
        sd_load $c la 2 1
        sd_load $c gone 1
        assert_equal OK [$c function delete gone]
        dict unset ::sd_libs gone
        stop_server $s
        set out [redis_kv_check "with libraries" $dir]
        assert_match "*result: clean*" $out
        assert_equal [sd_want_meta] [sd_check_meta $out] $out
        # Four library writes and a delete: the records applied.
        assert_match "*(records applied: meta 4, meta-del 1)*" $out
        # --stats: the totals line only.
        set stats [redis_kv_check "with libraries (--stats)" --stats $dir]
        assert_equal [lrange [sd_want_meta] 0 0] [sd_check_meta $stats]

        # After FUNCTION FLUSH: none.
        set s [restart_server $s]
        assert_equal OK [[dict get $s client] function flush]
        stop_server $s
        set out [redis_kv_check "after FUNCTION FLUSH" $dir]
        assert_equal [list "metadata: 0 entries, 0 value bytes"] [sd_check_meta $out]
    }
}

# ------------------------------------------------------------ full disk

set ::sd_df_skip ""

# SETs values of LEN bytes under PREFIX0, PREFIX1, ... on C until one
# fails; returns {acknowledged-keys error}.  The keys are added to the
# dict in the variable KEYSVAR of the caller (key -> value).
proc sd_fill {c prefix len maxn keysvar} {
    upvar 1 $keysvar keys
    for {set i 0} {$i < $maxn} {incr i} {
        set v "$prefix$i|[string repeat [format %c [expr {97 + $i % 26}]] $len]"
        if {[catch {$c set $prefix$i $v} r]} { return [list $i $r] }
        assert_equal OK $r
        dict set keys $prefix$i $v
    }
    fail "no write failed after $maxn SETs of $len bytes: is the data directory on the 2 MB tmpfs?"
}

try {
start_server {tags {scripting diskfull redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::sd_df_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::sd_df_skip "the server under test is not redis-kv"
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::sd_df_skip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::sd_df_skip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::sd_df_skip "cannot unmount a test tmpfs: $p" }
    }

    test {Full disk: FUNCTION LOAD and writing scripts get the MISCONF error, libraries and keys stay, both work once there is room} {
        if {$::sd_df_skip ne ""} { skip $::sd_df_skip }
        sd_libs_reset
        set dir [tmpfs_mount 2m]
        set s [spawn_server -dir $dir -overrides {appendfsync always segment-size 256kb} \
                   -timeout 20 -client]
        set c [dict get $s client]
        sd_load $c la 1
        assert_equal wlib [$c function load $::sd_wlib]
        assert_equal OK [$c fcall la_put 1 k before]
        set keys [dict create k before]
        # Fill the disk, then top it off with smaller values until even a
        # one-byte SET fails.
        foreach {prefix len} {big: 10240 t4k: 4096 t1k: 1024 t64: 64 t1: 1} {
            lassign [sd_fill $c $prefix $len 1000 keys] n err
            assert_equal $::sd_misconf $err "the SET that failed after $n SETs of $len bytes"
        }

        # Library changes fail and change nothing.
        assert_error_equal $::sd_misconf {$c function load [sd_lib lz 1]}
        assert_error_equal $::sd_misconf {$c function load replace [sd_lib la 2]}
        assert_error_equal $::sd_misconf {$c function delete la}
        assert_error_equal $::sd_misconf {$c function flush}
        assert_error_equal $::sd_misconf {$c function restore [$c function dump] replace}
        # In one packet: no reply may show a library change that did not
        # reach the log (FCALL and FUNCTION LIST read the libraries the
        # failed writes changed for a moment; they answer MISCONF too).
        set replies [pipeline_replies $c [list \
            [list function load [sd_lib lz 1]] [list fcall lz_ver 0] [list function list] \
            [list function delete la] [list fcall la_ver 0]]]
        foreach r $replies what {"load lz" "fcall lz_ver" list "delete la" "fcall la_ver"} {
            assert_equal "ERR!$::sd_misconf" $r "$what in the packet of failed library changes"
        }
        assert_equal {la v1} [$c fcall la_ver 0]
        assert_error "*Function not found*" {$c fcall lz_ver 0}
        # Scripts that write fail as a whole.
        assert_error_equal $::sd_misconf {$c eval $::sd_many_eval 6 {*}$::sd_many_keys new x}
        assert_error_equal $::sd_misconf {$c fcall many 6 {*}$::sd_many_keys new x}
        assert_error_equal $::sd_misconf {$c fcall la_put 1 k changed}
        assert_error_equal $::sd_misconf \
            {$c eval {redis.call('SET', KEYS[1], 'v') return redis.call('GET', KEYS[1])} 1 k}
        # A transaction with library changes fails as a whole.
        $c multi
        $c function load [sd_lib lz 1]
        $c fcall la_put 1 k changed
        $c function delete la
        assert_error_equal $::sd_misconf {$c exec}

        # Still up; reads and read-only scripts work; nothing changed.
        assert {[is_alive [dict get $s pid]]}
        assert_equal PONG [$c ping]
        sd_verify_libs $c "while the disk is full" {lz} {wlib}
        assert_equal before [$c fcall_ro peek 1 k]
        assert_equal before [$c eval_ro {return redis.call('GET', KEYS[1])} 1 k]
        foreach k $::sd_many_keys { assert_equal 0 [$c exists $k] "$k after the failed scripts" }
        assert_equal [dict size $keys] [$c dbsize]
        dict for {k v} $keys { assert_equal $v [$c get $k] "$k while the disk is full" }
        assert_equal err [server_info_field $c aof_last_write_status]

        # Room again: the next library change and the next script work in
        # the same process.
        exec mount -o remount,size=8m $dir < /dev/null 2>@1
        sd_load $c lz 1
        sd_load $c la 2 1
        assert_equal 1 [$c eval $::sd_many_eval 6 {*}$::sd_many_keys new x]
        assert_equal OK [$c fcall la_put 1 k after]
        assert_equal ok [server_info_field $c aof_last_write_status]
        sd_verify_libs $c "once the disk had room" {} {wlib}
        set state [sd_lib_state $c]
        set s [sd_kill_and_check $s $state "once the disk had room" {} {wlib}]
        set c [dict get $s client]
        assert_equal after [$c get k]
        assert_equal {new 1} [list [$c get s] [$c get n]]
        dict for {k v} $keys {
            if {$k ne "k"} { assert_equal $v [$c get $k] "$k after kill -9" }
        }
        stop_server $s
        assert_match "*result: clean*" [redis_kv_check "after the full disk" $dir]
        set p [tmpfs_umount $dir]
        if {$p ne ""} { fail $p }
    }
}
} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs mounts of unit/script_durability" $p }
}
