# Hashes and sets under the durability machinery that collections_log.tcl
# does not reach:
#   - compaction run four times while two clients write big hashes and
#     sets (HSET/HDEL/SADD/SREM, whole collections deleted or overwritten
#     with a string): the contents equal a model kept here; a quiet
#     compaction then leaves exactly one ELEMENT record per live element
#     (redis-kv-check --stats), and redis-kv-check, a graceful restart and
#     kill -9 agree with the model;
#   - a point-in-time restore (redis-kv-check --restore --at) to a moment
#     between element writes: fields, values, TYPE, OBJECT ENCODING and
#     expiries exactly as they were then, and the result takes writes;
#   - a full disk (a small tmpfs, root only) under HSET, SADD, SMOVE,
#     SINTERSTORE, HINCRBY and their kin: each is refused with the MISCONF
#     error SET gets (diskfull.tcl), nothing is applied (contents,
#     encodings, listpack order, live bytes; nothing on disk either, as a
#     kill -9 on the full disk shows), no event is published, reads go on,
#     and once there is room the next write succeeds in the same process;
#     what was acknowledged survives restarts.
#
# redis-kv only (tags redis-kv-only needs:own-server, the tmpfs block also
# diskfull): the tests start their own servers with spawn_server and
# signal only those PIDs; a tmpfs mounted here is unmounted in a
# `finally`.  The tests of a scenario share its server and model, a step
# needs the one before.  Nothing asserts a timing: commands that must run
# while a compaction is in progress go in the packet of the BGREWRITEAOF
# that starts it (compaction.tcl says why that works).

# ------------------------------------------------------------------ helpers

set ::cd_skip ""
set ::cd_misconf "MISCONF Errors writing to the AOF file: No space left on device"
set ::cd_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"
# Values are cut from a random binary pool, so that they differ.
set ::cd_pool [string repeat [randstring 1021 1021 binary] 4]
set ::cd_seq 0

proc cd_require {} {
    if {$::cd_skip ne ""} { skip $::cd_skip }
}

# A value of LEN bytes (at most 1000), different from the previous ones.
proc cd_value {len} {
    set off [expr {([incr ::cd_seq] * 131) % 1021}]
    return [string range $::cd_pool $off [expr {$off + $len - 1}]]
}

# ---- the model: ::cd_m is a dict key -> {type contents}, where contents
# is a dict field -> value (hash), member -> 1 (set) or the value
# (string).  ::cd_gone lists keys that must not exist.

proc m_reset {} {
    set ::cd_m [dict create]
    set ::cd_gone {}
}
proc m_type {k} {
    if {[dict exists $::cd_m $k]} { return [lindex [dict get $::cd_m $k] 0] }
    return none
}
proc m_contents {k} {
    if {[dict exists $::cd_m $k]} { return [lindex [dict get $::cd_m $k] 1] }
    return {}
}
proc m_put {k type contents} {
    if {$type ne "string" && [dict size $contents] == 0} {
        m_del $k
        return
    }
    dict set ::cd_m $k [list $type $contents]
    set ::cd_gone [lsearch -all -inline -not -exact $::cd_gone $k]
}
proc m_del {k} {
    if {[dict exists $::cd_m $k]} { dict unset ::cd_m $k }
    if {$k ni $::cd_gone} { lappend ::cd_gone $k }
}
proc m_elements {} {
    set n 0
    dict for {k tc} $::cd_m {
        if {[lindex $tc 0] ne "string"} { incr n [dict size [lindex $tc 1]] }
    }
    return $n
}

# The hash at K on C, or in the model, as a sorted field/value list.
proc cd_hash {c k} {
    set pairs {}
    foreach {f v} [$c hgetall $k] { lappend pairs [list $f $v] }
    return [lsort -index 0 $pairs]
}
proc m_hash {k} {
    set pairs {}
    dict for {f v} [m_contents $k] { lappend pairs [list $f $v] }
    return [lsort -index 0 $pairs]
}

# Checks that the server of C holds exactly the model (database 0).
proc cd_verify {c when} {
    dict for {k tc} $::cd_m {
        lassign $tc type contents
        assert_equal $type [$c type $k] "TYPE of $k $when"
        switch $type {
            hash {
                set got [cd_hash $c $k]
                set want [m_hash $k]
                if {$got ne $want} {
                    assert_equal [llength $got] [llength $want] "HLEN of $k $when"
                    assert_equal $got $want "hash $k $when"
                }
            }
            set {
                assert_equal [lsort [dict keys $contents]] [lsort [$c smembers $k]] "set $k $when"
            }
            string { assert_equal $contents [$c get $k] "string $k $when" }
        }
    }
    foreach k $::cd_gone {
        assert_equal 0 [$c exists $k] "$k must not exist $when"
    }
    assert_equal [dict size $::cd_m] [$c dbsize] "DBSIZE $when"
}

# ---- random writes with predicted replies (the compaction scenario)

# The distinct element names of each collection (e0 .. e1199).
set ::cd_names 1200

# A field or member name of key K: one that exists most of the time
# when EXISTING is set and there are some, else any of the pool.
proc cd_pick_name {k existing} {
    set have [dict keys [m_contents $k]]
    if {$existing && [llength $have] && rand() < 0.85} {
        return [lindex $have [expr {int(rand() * [llength $have])}]]
    }
    set i [expr {int(rand() * $::cd_names)}]
    if {[string match set:0 $k]} { return $i }   ;# an intset while it is small
    return "e$i"
}

# One random write on K; updates the model and returns {argv reply}.
proc cd_random_op {k} {
    set type [m_type $k]
    set coll [expr {[string match hash:* $k] ? "hash" : "set"}]
    if {$type eq "string"} {
        if {rand() < 0.5} {
            m_del $k
            return [list [list del $k] 1]
        }
        set n [expr {1 + int(rand() * 3)}]
        set argv [list [expr {$coll eq "hash" ? "hset" : "sadd"}] $k]
        for {set i 0} {$i < $n} {incr i} {
            lappend argv e$i
            if {$coll eq "hash"} { lappend argv v }
        }
        return [list $argv "ERR!$::cd_wrongtype"]
    }
    set r [expr {rand()}]
    set contents [m_contents $k]
    if {$r < 0.80} {
        # HSET/SADD of 1-4 elements, HDEL/SREM of 1-4, or a bulk write of
        # 40 that grows a collection back after a DEL.
        set op [expr {$r < 0.40 ? "add" : ($r < 0.72 ? "del" : "bulk")}]
        set n [expr {$op eq "bulk" ? 40 : 1 + int(rand() * 4)}]
        set argv {}
        set changed 0
        for {set i 0} {$i < $n} {incr i} {
            set name [cd_pick_name $k [expr {$op eq "del"}]]
            if {$op eq "del"} {
                lappend argv $name
                if {[dict exists $contents $name]} {
                    dict unset contents $name
                    incr changed
                }
                continue
            }
            if {![dict exists $contents $name]} { incr changed }
            if {$coll eq "hash"} {
                set v [cd_value [expr {int(rand() * 150)}]]
                lappend argv $name $v
                dict set contents $name $v
            } else {
                lappend argv $name
                dict set contents $name 1
            }
        }
        set cmd [expr {$coll eq "hash" ? ($op eq "del" ? "hdel" : "hset")
                                        : ($op eq "del" ? "srem" : "sadd")}]
        m_put $k $coll $contents
        return [list [list $cmd $k {*}$argv] $changed]
    }
    if {$r < 0.93} {
        set existed [expr {$type ne "none"}]
        m_del $k
        return [list [list del $k] $existed]
    }
    set v [cd_value 50]
    m_put $k string $v
    return [list [list set $k $v] OK]
}

# Sends N random writes over KEYS on C in one packet (after PREFIX, a
# list of commands whose replies are not checked); returns the expected
# replies, to give to cd_expect once the packet was sent.
proc cd_send_ops {c keys n {prefix {}}} {
    set buf ""
    set expected {}
    foreach argv $prefix {
        append buf [::redis::__format_command $argv]
        lappend expected [list $argv *]
    }
    for {set i 0} {$i < $n} {incr i} {
        set k [lindex $keys [expr {int(rand() * [llength $keys])}]]
        lassign [cd_random_op $k] argv reply
        append buf [::redis::__format_command $argv]
        lappend expected [list $argv $reply]
    }
    $c write $buf
    $c flush
    return $expected
}

# Reads the replies of cd_send_ops on C and checks them; returns those
# of the unchecked prefix commands.
proc cd_expect {c expected} {
    set free {}
    foreach e $expected {
        lassign $e argv want
        if {[catch {$c read} got]} { set got "ERR!$got" }
        if {$want eq "*"} {
            lappend free $got
            continue
        }
        assert_equal $want $got "reply to [::test::trunc $argv 80]"
    }
    return $free
}

# Fills hash:I and set:I (I < 4) with NAMES elements each, ROUNDS times
# over (the earlier rounds are dead records), and removes a third of the
# set members and re-adds them (ELEMENT_DEL records).
proc cd_load {c rounds} {
    for {set r 0} {$r < $rounds} {incr r} {
        set cmds {}
        for {set i 0} {$i < 4} {incr i} {
            set h [m_contents hash:$i]
            set s [m_contents set:$i]
            for {set j 0} {$j < $::cd_names} {incr j 100} {
                set hargs {}
                set sargs {}
                for {set f $j} {$f < $j + 100} {incr f} {
                    set v [cd_value [expr {60 + $f % 40}]]
                    lappend hargs e$f $v
                    dict set h e$f $v
                    set m [expr {$i == 0 ? $f : "e$f"}]
                    lappend sargs $m
                    dict set s $m 1
                }
                lappend cmds [list hset hash:$i {*}$hargs] [list sadd set:$i {*}$sargs]
            }
            set gone {}
            for {set f 0} {$f < $::cd_names} {incr f 3} { lappend gone [expr {$i == 0 ? $f : "e$f"}] }
            lappend cmds [list srem set:$i {*}$gone] [list sadd set:$i {*}$gone]
            m_put hash:$i hash $h
            m_put set:$i set $s
        }
        foreach rep [pipeline_replies $c $cmds] {
            if {[string match ERR!* $rep]} { fail "loading: $rep" }
        }
    }
}

# ---- the full-disk scenario

# SETs of LEN bytes under PREFIX0.. until one fails with MISCONF; the
# acknowledged ones go into the model.  Returns how many were.
proc cd_fill {c prefix len} {
    for {set i 0} {$i < 100000} {incr i} {
        set v [cd_value $len]
        if {[catch {$c set $prefix$i $v} err]} {
            assert_equal $::cd_misconf $err "SET $prefix$i ($len bytes) on the full disk"
            m_del $prefix$i
            return $i
        }
        m_put $prefix$i string $v
    }
    fail "no SET of $len bytes failed: is the directory on the tmpfs?"
}

# The reply of every command in CMDS on C, one by one (errors as
# "ERR!text").
proc cd_each {c cmds} {
    set out {}
    foreach argv $cmds {
        if {[catch {$c {*}$argv} r]} { set r "ERR!$r" }
        lappend out $r
    }
    return $out
}

# ------------------------------------------------------------------ tests

# Scenario state: the global dict VAR holds the server (s), its directory
# (dir) and the last step that completed; a step needs the one before.
proc cd_need {var step} {
    upvar #0 $var st
    if {![info exists st] || [dict get $st step] < $step} {
        fail "not run: an earlier step of this scenario failed"
    }
}
proc cd_done {var step} {
    upvar #0 $var st
    dict set st step $step
}

try {
start_server {tags {collections compaction redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::cd_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::cd_skip "the server under test is not redis-kv"
    }

    # ---------------- compaction while big collections are written

    test {Compaction four times while two clients write big hashes and sets: the contents equal the model} {
        cd_require
        m_reset
        set s [spawn_durable_server "" {segment-size 64kb}]
        set ::cdC [dict create s $s dir [dict get $s dir] step 0]
        set c [dict get $s client]
        cd_load $c 3
        set segs0 [server_info_field $c storage_segments]
        assert_morethan $segs0 20
        cd_verify $c "after the load"

        # Two writers on disjoint keys, so each one's replies can be
        # predicted; c polls INFO.
        set w1 [redis_client $s]
        set w2 [redis_client $s]
        set keys1 {hash:0 hash:1 set:0 set:1}
        set keys2 {hash:2 hash:3 set:2 set:3}
        set during 0
        for {set round 1} {$round <= 4} {incr round} {
            # The writes in the packet of BGREWRITEAOF run while it is in
            # progress; the other writer's packet goes out at once too.
            set e1 [cd_send_ops $w1 $keys1 60 {bgrewriteaof {info persistence}}]
            set e2 [cd_send_ops $w2 $keys2 60]
            lassign [cd_expect $w1 $e1] started pers
            assert_equal "Background append only file rewriting started" $started
            assert_match "*aof_rewrite_in_progress:1\r\n*" $pers
            cd_expect $w2 $e2
            incr during 120
            # More from both, until the compaction ends (at most 40 rounds:
            # it yields half of its time to the server and may outlast them).
            for {set i 0} {$i < 40} {incr i} {
                if {[server_info_field $c aof_rewrite_in_progress] == 0} break
                set e1 [cd_send_ops $w1 $keys1 30]
                set e2 [cd_send_ops $w2 $keys2 30]
                cd_expect $w1 $e1
                cd_expect $w2 $e2
                incr during 60
            }
            wait_compaction_end $c
            assert_equal $round [server_info_field $c storage_compactions]
            assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
            cd_verify $c "after compaction $round ($during writes while they ran)"
        }
        $w1 close
        $w2 close
        cd_done ::cdC 1
    }

    test {A quiet compaction drops every dead element record: one ELEMENT per live element is left} {
        cd_require
        cd_need ::cdC 1
        set s [dict get $::cdC s]
        set dir [dict get $::cdC dir]
        set c [dict get $s client]
        # Dead element records to drop: overwritten, deleted fields and
        # members, whole collections gone.
        cd_expect $c [cd_send_ops $c {hash:0 hash:1 hash:2 hash:3 set:0 set:1 set:2 set:3} 400]
        set st0 [server_info_fields $c storage_total_bytes storage_dead_bytes storage_segments]
        assert_morethan [dict get $st0 storage_dead_bytes] 10000
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        wait_compaction_end $c
        set st1 [server_info_fields $c storage_total_bytes storage_dead_bytes storage_segments]
        assert_lessthan [dict get $st1 storage_total_bytes] [dict get $st0 storage_total_bytes]
        # only segment headers are not live data
        assert_lessthan [dict get $st1 storage_dead_bytes] \
            [expr {[dict get $st1 storage_segments] * 4096}] $st1
        cd_verify $c "after the quiet compaction"
        # The merge takes the active segment too: no ELEMENT_DEL is left,
        # and no ELEMENT but the newest of each element.
        stop_server $s
        set stats [redis_kv_check "after the compactions" $dir --stats]
        assert_match "*element [m_elements], element-del 0)*" $stats
        assert_match "*keys: [dict size $::cd_m] *" $stats
        cd_done ::cdC 2
    }

    test {After the compactions: redis-kv-check verifies, a graceful restart and kill -9 read the model back} {
        cd_require
        cd_need ::cdC 2
        set s [dict get $::cdC s]
        set dir [dict get $::cdC dir]
        check_restarts $s $dir cd_verify
    }

    # ---------------- point-in-time restore

    test {Point-in-time restore to a moment between element writes: fields, values, TYPE, the keys that were} {
        cd_require
        m_reset
        set s [spawn_durable_server]
        set dir [dict get $s dir]
        set c [dict get $s client]
        # In the backup.
        $c hset small a 1 b 2 c 3
        for {set i 0} {$i < 600} {incr i} { $c hset big f$i [cd_value 20] }
        $c sadd ints 3 1 2 -5 1000000
        for {set i 0} {$i < 600} {incr i} { $c sadd words w$i }
        $c hset ttlhash x y
        $c pexpireat ttlhash 4000000000000
        $c set was:string v
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 3000 20 {
            [server_info_field $c rdb_bgsave_in_progress] == 0
        } else {
            fail "the BGSAVE did not end"
        }
        set bk [file join $dir backups [dict get [lindex [$c backup list] end] id]]
        assert {[file isdirectory $bk]} "no backup at $bk"

        # After the backup, before the moment: only in the log.
        $c hset small b two d 4
        $c hdel small a
        $c hdel big f0 f1 f2
        $c hset big f3 changed new1 n
        $c srem words w0 w1
        $c sadd words extra
        $c sadd ints 7
        $c hset conv x 1 y 2
        $c sadd ttlset 1 2 3
        $c pexpireat ttlset 4100000000000
        $c del was:string
        $c hset was:string now a-hash
        $c multi
        $c hset tx f v
        $c sadd txset m
        $c exec
        set keys {small big ints words conv ttlhash ttlset was:string tx txset}
        set enc {}
        set exp {}
        foreach k $keys {
            set type [$c type $k]
            if {$type eq "hash"} {
                set d [dict create {*}[$c hgetall $k]]
            } else {
                set d [dict create]
                foreach m [$c smembers $k] { dict set d $m 1 }
            }
            m_put $k $type $d
            dict set enc $k [$c object encoding $k]
            dict set exp $k [$c pexpiretime $k]
        }
        assert_equal {listpack hashtable intset hashtable listpack} \
            [lmap k {small big ints words conv} { dict get $enc $k }]
        assert_equal {4000000000000 4100000000000} [list [dict get $exp ttlhash] [dict get $exp ttlset]]
        after 10
        set at [clock milliseconds]
        after 10

        # The changes to undo: elements removed, whole collections
        # deleted or overwritten with a string, encodings converted,
        # expiries changed, new collections.
        $c hdel small b d
        $c hset small z 26
        $c srem words w5 w6 extra
        $c del big
        $c set ints "a string now"
        $c hset conv long [string repeat x 100]
        $c sadd txset notanint
        $c pexpireat ttlhash 4200000000000
        $c persist ttlset
        $c hset new:hash f v
        $c sadd new:set m
        $c rename was:string renamed
        $c multi
        $c hdel tx f
        $c srem txset m
        $c exec
        assert_equal hashtable [$c object encoding conv]
        stop_server $s

        set to [file join [new_tmpdir] restored]
        set out [redis_kv_check "restoring to $at" --restore $bk --to $to --at $at]
        assert_match "restored backup * into $to*" $out
        set s2 [spawn_durable_server $to]
        set ::cdP [dict create s $s2 dir $to enc $enc exp $exp keys $keys step 0]
        foreach k {new:hash new:set renamed} { m_del $k }
        cd_verify [dict get $s2 client] "restored to the moment"
        cd_done ::cdP 1
    }

    test {Point-in-time restore: OBJECT ENCODING and the expiries as they were} {
        cd_require
        cd_need ::cdP 1
        set c [dict get $::cdP s client]
        foreach k [dict get $::cdP keys] {
            assert_equal [dict get $::cdP enc $k] [$c object encoding $k] "OBJECT ENCODING $k"
            assert_equal [dict get $::cdP exp $k] [$c pexpiretime $k] "PEXPIRETIME $k"
        }
        assert_morethan [$c ttl ttlhash] 0
        assert_equal -1 [$c ttl small]
        cd_done ::cdP 2
    }

    test {Point-in-time restore: the restored directory takes element writes and keeps them across kill -9} {
        cd_require
        cd_need ::cdP 2
        set s [dict get $::cdP s]
        assert_equal 1 [[dict get $s client] hset small after restore]
        dict set ::cd_m small [list hash [dict replace [m_contents small] after restore]]
        assert_equal 1 [[dict get $s client] srem words w7]
        dict set ::cd_m words [list set [dict remove [m_contents words] w7]]
        set s [restart_server $s -kill9]
        cd_verify [dict get $s client] "restored, written and killed"
        stop_server $s
        assert_match "*result: clean*" [redis_kv_check "after the restored server stopped" [dict get $::cdP dir]]
    }
}

# ---------------------------------------------------------------- full disk

start_server {tags {collections diskfull redis-kv-only needs:own-server}} {
    set ::cd_dfskip $::cd_skip
    if {$::cd_dfskip ne ""} {
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::cd_dfskip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::cd_dfskip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::cd_dfskip "cannot unmount a test tmpfs: $p" }
    }

    test {Full disk: every kind of collection write is refused with the MISCONF error SET gets} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        m_reset
        set dir [tmpfs_mount 2m]
        set s [spawn_durable_server $dir {segment-size 256kb}]
        set c [dict get $s client]
        # Collections of every encoding, written while there is room.
        $c hset h f1 a f2 b n 10 fl 1.5
        for {set i 0} {$i < 200} {incr i} { $c hset bigh f$i [cd_value 30] }
        $c sadd ints 1 2 3 4 5
        for {set i 0} {$i < 300} {incr i} { $c sadd words w$i }
        $c sadd other a b w1 w2 w3
        $c sadd dst x y
        foreach k {h bigh} { m_put $k hash [dict create {*}[$c hgetall $k]] }
        foreach k {ints words other dst} {
            set d [dict create]
            foreach m [$c smembers $k] { dict set d $m 1 }
            m_put $k set $d
        }
        foreach k {newh news fresh moved words2 bigh2} { m_del $k }
        set order [$c hgetall h]

        # Fill the disk: 10 KB values, then smaller and smaller ones until
        # even one byte does not fit.
        foreach len {10240 1000 100 10 1} { cd_fill $c fill:$len: $len }
        cd_verify $c "once the disk is full"
        set live0 [server_info_field $c storage_live_bytes]

        $c config set notify-keyspace-events KEA
        set sub [redis_deferring_client $s]
        $sub psubscribe __key*__:*
        $sub read

        set many {}
        for {set i 0} {$i < 100} {incr i} { lappend many new$i [cd_value 50] }
        set many600 {}
        for {set i 0} {$i < 600} {incr i} { lappend many600 x$i 1 }
        set members {}
        for {set i 0} {$i < 100} {incr i} { lappend members m$i }
        set refused [list \
            [list hset h {*}$many] \
            [list hset h {*}$many600] \
            [list hset h f9 z long [string repeat x 100]] \
            [list hset h f1 changed] \
            [list hset newh {*}$many] \
            [list hsetnx h new v] \
            [list hincrby h n 5] \
            [list hincrbyfloat h fl 1] \
            [list hdel h f1 f2] \
            [list hdel bigh f1] \
            [list sadd ints {*}$members] \
            [list sadd ints 6] \
            [list sadd words {*}$members] \
            [list sadd news a] \
            [list srem words w1 w2 w3] \
            [list smove words other w10] \
            [list smove words moved w11] \
            [list smove other words a] \
            [list sinterstore dst words other] \
            [list sinterstore fresh words other] \
            [list sinterstore dst words nokey] \
            [list sunionstore dst ints other] \
            [list sdiffstore fresh words other] \
            [list spop words] \
            [list spop words 3] \
            [list del bigh words] \
            [list rename bigh bigh2] \
            [list copy words words2]]
        foreach argv $refused r [cd_each $c $refused] {
            assert_equal "ERR!$::cd_misconf" $r "[lrange $argv 0 2] on the full disk"
        }
        # A transaction with collection writes: EXEC is refused as a whole.
        $c multi
        $c hset h f1 tx
        $c sadd words tx
        assert_error_equal $::cd_misconf {$c exec}
        set ::cdF [dict create s $s dir $dir sub $sub order $order live0 $live0 many $many \
                       members $members step 1]
    }

    test {Full disk: nothing of a refused write is applied: contents, sizes, encodings, order, live bytes} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        cd_need ::cdF 1
        set c [dict get $::cdF s client]
        cd_verify $c "after the refused writes"
        assert_equal 4 [$c hlen h]
        assert_equal 10 [$c hget h n]
        assert_equal 5 [$c scard ints]
        assert_equal 300 [$c scard words]
        assert_equal {x y} [lsort [$c smembers dst]]
        assert_equal intset [$c object encoding ints]
        assert_equal listpack [$c object encoding h]
        assert_equal hashtable [$c object encoding words]
        assert_equal [dict get $::cdF order] [$c hgetall h] "HGETALL h, in its listpack order"
        assert_equal [dict get $::cdF live0] [server_info_field $c storage_live_bytes]
        cd_done ::cdF 2
    }

    test {Full disk: no event for a refused write; reads, and writes with nothing to write, answer as usual} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        cd_need ::cdF 2
        set s [dict get $::cdF s]
        set c [dict get $s client]
        set sub [dict get $::cdF sub]
        assert_equal 0 [$c hdel h nofield]
        assert_equal 0 [$c srem ints 99]
        assert_equal 0 [$c sadd ints 1]
        assert_equal 0 [$c smove words other nomember]
        assert_equal 0 [$c sinterstore nokey2 nokey nokey3]
        assert_equal {a b (nil)} [$c hmget h f1 f2 nofield]
        assert_equal {1 0} [$c smismember other w1 w10]
        assert_equal {w1 w2 w3} [lsort [$c sinter words other]]
        assert_equal [dict get [m_contents bigh] f7] [$c hget bigh f7]
        assert_equal 200 [llength [$c hkeys bigh]]
        # The first frame the subscriber gets is this marker.
        $c publish __keyspace@0__:marker end
        assert_equal {pmessage __key*__:* __keyspace@0__:marker end} [$sub read]
        $sub close
        $c config set notify-keyspace-events ""
        assert_equal err [server_info_field $c aof_last_write_status]
        assert {[is_alive [dict get $s pid]]}
        assert_equal PONG [$c ping]
        cd_done ::cdF 3
    }

    test {Full disk: killed (-9) while full, the server comes back with exactly what was acknowledged and refuses again} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        cd_need ::cdF 3
        set s [dict get $::cdF s]
        set dir [dict get $::cdF dir]
        stop_server $s -kill9
        assert_match "*result: clean*" [redis_kv_check "after kill -9 on the full disk" $dir]
        set s [restart_server $s]
        dict set ::cdF s $s
        set c [dict get $s client]
        cd_verify $c "after kill -9 on the full disk and a restart"
        assert_error_equal $::cd_misconf {$c hset h {*}[dict get $::cdF many]}
        assert_error_equal $::cd_misconf {$c sadd ints {*}[dict get $::cdF members]}
        assert_equal 4 [$c hlen h]
        assert_equal 5 [$c scard ints]
        cd_done ::cdF 4
    }

    test {Full disk: once there is room the next collection write succeeds, in the same process} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        cd_need ::cdF 4
        set s [dict get $::cdF s]
        set c [dict get $s client]
        set pid [dict get $s pid]
        set many [dict get $::cdF many]
        set members [dict get $::cdF members]
        $c config set notify-keyspace-events KEA
        set sub [redis_deferring_client $s]
        $sub psubscribe __key*__:*
        $sub read
        exec mount -o remount,size=8m [dict get $::cdF dir]

        assert_equal 100 [$c hset h {*}$many]
        assert_equal ok [server_info_field $c aof_last_write_status]
        assert_equal 15 [$c hincrby h n 5]
        assert_equal 100 [$c sadd ints {*}$members]
        assert_equal hashtable [$c object encoding ints]
        assert_equal 1 [$c smove words other w10]
        assert_equal 1 [$c smove words moved w11]
        assert_equal 3 [$c sinterstore dst words other]
        assert_equal 2 [$c hdel h f1 f2]
        # The first event after room is the HSET's.
        assert_equal {pmessage __key*__:* __keyspace@0__:h hset} [$sub read]
        $sub close
        $c config set notify-keyspace-events ""
        assert_equal $pid [server_info_field $c process_id]

        set h [m_contents h]
        foreach {f v} $many { dict set h $f $v }
        dict set h n 15
        dict unset h f1
        dict unset h f2
        m_put h hash $h
        set d [m_contents ints]
        foreach m $members { dict set d $m 1 }
        m_put ints set $d
        m_put words set [dict remove [m_contents words] w10 w11]
        m_put other set [dict replace [m_contents other] w10 1]
        m_put moved set [dict create w11 1]
        m_put dst set [dict create w1 1 w2 1 w3 1]
        cd_verify $c "after the disk got room"
        cd_done ::cdF 5
    }

    test {Full disk: what was acknowledged survives a graceful stop and kill -9; redis-kv-check passes} {
        if {$::cd_dfskip ne ""} { skip $::cd_dfskip }
        cd_need ::cdF 5
        set s [dict get $::cdF s]
        set dir [dict get $::cdF dir]
        stop_server $s
        check_restarts $s $dir cd_verify
    }
}
} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs of unit/collections_durability" $p }
}
