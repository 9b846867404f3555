# Lists in redis-kv's log, through the real protocol.  A list is a
# collection whose element names are positions (store/collection.h,
# "Lists"), so its order must come back from the records alone:
#   - after a graceful restart and after kill -9 (appendfsync always), a
#     list keeps its exact order after LPUSH/RPUSH, LINSERT (40 at the same
#     spot, which uses up the gap between two positions and makes the
#     engine respace them; inserts before the head), LSET, LREM, LTRIM,
#     pops, LMOVE and RPOPLPUSH (onto the same key too); emptied lists stay
#     gone, a list deleted and pushed again holds only its new elements;
#   - a queue (RPUSH+LPOP, LPUSH+RPOP) and a rotation run 70,000 times,
#     far beyond the span of positions one chunk holds, keep their order;
#   - kill -9 under pipelined RPUSH (two elements a command) and LMOVE: no
#     acknowledged write lost, no command half applied (an LMOVE neither
#     loses nor duplicates its element);
#   - a compaction (BGREWRITEAOF) keeps every list's order, also with
#     writes in flight while it runs, shrinks the log, and a quiet one
#     leaves one ELEMENT record per live element (redis-kv-check --stats);
#   - a command that touches a few elements of a big list writes a few
#     records, not the list: LTRIM of a 100,000-element list to 10
#     elements, LSET, LINSERT, LREM of one element, LPOP and RPOP of 1000,
#     a push and a rotation (LMOVE onto itself) each add less than 1 KB
#     to the log (INFO storage_total_bytes, as
#     collections_log.tcl measures an HSET).
#
# redis-kv only (tags redis-kv-only needs:own-server): the tests start
# their own servers with spawn_server and signal only those PIDs.  Each
# test keeps a model of its lists in Tcl (::ld_m) and checks every reply
# against it as it goes.  Nothing asserts a timing: the writes that must
# run during a compaction go in the packet of the BGREWRITEAOF that starts
# it (compaction.tcl says why that works).

# ------------------------------------------------------------------ helpers

set ::ld_skip ""

proc ld_require {} {
    if {$::ld_skip ne ""} { skip $::ld_skip }
}

# How many bytes the log grew while SCRIPT ran (in the caller).
proc ld_log_growth {c script} {
    set before [server_info_field $c storage_total_bytes]
    uplevel 1 $script
    return [expr {[server_info_field $c storage_total_bytes] - $before}]
}

# ---- the model: ::ld_m is a dict key -> the list (head first); a key
# whose list is empty must not exist.  ::ld_str is a dict key -> value of
# the string keys.

proc ld_reset {} {
    set ::ld_m [dict create]
    set ::ld_str [dict create]
}
proc ld_get {k} {
    if {[dict exists $::ld_m $k]} { return [dict get $::ld_m $k] }
    return {}
}
proc ld_put {k l} {
    dict set ::ld_m $k $l
    if {[dict exists $::ld_str $k]} { dict unset ::ld_str $k }
}

# The reply and the effect of one list write ARGV on the model; returns
# the reply the server must give.
proc ld_model {argv} {
    set args [lassign $argv cmd k]
    set cmd [string tolower $cmd]
    set l [ld_get $k]
    set len [llength $l]
    switch $cmd {
        lpush {
            foreach v $args { set l [linsert $l 0 $v] }
            ld_put $k $l
            return [llength $l]
        }
        rpush {
            lappend l {*}$args
            ld_put $k $l
            return [llength $l]
        }
        lpop - rpop {
            if {!$len} { return (nil) }
            if {![llength $args]} {
                set n 1
            } else {
                set n [lindex $args 0]
            }
            if {$cmd eq "lpop"} {
                set got [lrange $l 0 $n-1]
                ld_put $k [lrange $l $n end]
            } else {
                set got [lreverse [lrange $l end-[expr {$n - 1}] end]]
                ld_put $k [lrange $l 0 end-$n]
            }
            return [expr {[llength $args] ? $got : [lindex $got 0]}]
        }
        lset {
            lassign $args i v
            if {$i < 0} { incr i $len }
            lset l $i $v
            ld_put $k $l
            return OK
        }
        linsert {
            lassign $args where pivot v
            set at [lsearch -exact $l $pivot]
            if {!$len} { return 0 }
            if {$at < 0} { return -1 }
            if {[string tolower $where] eq "after"} { incr at }
            ld_put $k [linsert $l $at $v]
            return [expr {$len + 1}]
        }
        lrem {
            lassign [list_model_lrem $l {*}$args] l removed
            ld_put $k $l
            return $removed
        }
        ltrim {
            set range [list_index_range $len {*}$args]
            ld_put $k [expr {$range eq {} ? {} : [lrange $l {*}$range]}]
            return OK
        }
        lmove - rpoplpush {
            if {$cmd eq "rpoplpush"} {
                lassign $args dst
                set from right
                set to left
            } else {
                lassign $args dst from to
            }
            if {!$len} { return (nil) }
            if {[string tolower $from] eq "left"} {
                set v [lindex $l 0]
                ld_put $k [lrange $l 1 end]
            } else {
                set v [lindex $l end]
                ld_put $k [lrange $l 0 end-1]
            }
            set d [ld_get $dst]
            ld_put $dst [linsert $d [expr {[string tolower $to] eq "left" ? 0 : "end"}] $v]
            return $v
        }
        del {
            set n [expr {$len > 0 || [dict exists $::ld_str $k]}]
            ld_put $k {}
            return $n
        }
        set {
            if {[dict exists $::ld_m $k]} { dict unset ::ld_m $k }
            dict set ::ld_str $k [lindex $args 0]
            return OK
        }
    }
    error "ld_model: no model of $cmd"
}

# Runs the write ARGS on client C and on the model; the reply must be the
# model's.
proc ld_do {c args} {
    set want [ld_model $args]
    assert_equal $want [$c {*}$args] "reply to [::test::trunc $args 80]"
}

# The same for many writes in one pipeline (CMDS: a list of argument
# lists).
proc ld_pipe {c cmds} {
    set want {}
    foreach argv $cmds { lappend want [ld_model $argv] }
    set got [pipeline_replies $c $cmds]
    foreach w $want g $got argv $cmds {
        if {$w ne $g} {
            assert_equal $w $g "reply to [::test::trunc $argv 80]"
        }
    }
}

# Checks that the server of C holds exactly the model (database 0).
proc ld_verify {c when} {
    set n 0
    dict for {k l} $::ld_m {
        if {![llength $l]} {
            assert_equal 0 [$c exists $k] "$k must not exist $when"
            continue
        }
        incr n
        assert_equal list [$c type $k] "TYPE of $k $when"
        assert_equal [llength $l] [$c llen $k] "LLEN of $k $when"
        set got [$c lrange $k 0 -1]
        if {$got ne $l} {
            assert_equal $l $got "the order of $k $when"
        }
    }
    dict for {k v} $::ld_str {
        assert_equal string [$c type $k] "TYPE of $k $when"
        assert_equal $v [$c get $k] "$k $when"
        incr n
    }
    assert_equal $n [$c dbsize] "DBSIZE $when"
}

# The number of list elements in the model.
proc ld_elements {} {
    set n 0
    dict for {k l} $::ld_m { incr n [llength $l] }
    return $n
}


# N values "PREFIX0" .. with a 40-byte tail, as argument lists of RPUSH
# KEY of at most 1000 values each.
proc ld_bulk_rpush {key prefix n} {
    set cmds {}
    set tail [string repeat . 40]
    for {set i 0} {$i < $n} {incr i 1000} {
        set argv [list rpush $key]
        for {set j $i} {$j < min($i + 1000, $n)} {incr j} { lappend argv $prefix$j$tail }
        lappend cmds $argv
    }
    return $cmds
}

# ------------------------------------------------------------------ tests

start_server {tags {list redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::ld_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::ld_skip "the server under test is not redis-kv"
    }

    test {A list keeps its exact order after a restart and after kill -9: pushes, 40 LINSERTs at one spot, LSET, LREM, LTRIM, pops, moves} {
        ld_require
        ld_reset
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set c [dict get $s client]

        ld_do $c rpush order m0 m1 m2 m3 m4 m5 m6 m7 m8 m9
        ld_do $c lpush order h0 h1 h2 h3 h4 h5 h6 h7 h8 h9
        # 40 inserts between the same two neighbours, from both sides:
        # the gap between their positions runs out and gets respaced.
        for {set i 0} {$i < 40} {incr i} { ld_do $c linsert order before m5 b$i }
        for {set i 0} {$i < 40} {incr i} { ld_do $c linsert order after m2 a$i }
        # Inserts before the head and after the tail.
        for {set i 0} {$i < 20} {incr i} {
            ld_do $c linsert order before [lindex [ld_get order] 0] z$i
            ld_do $c linsert order AFTER [lindex [ld_get order] end] y$i
        }
        ld_do $c lset order 0 FIRST
        ld_do $c lset order -1 LAST
        ld_do $c lset order 55 middle
        ld_do $c lset order -30 ""
        ld_do $c linsert order after b17 dup
        ld_do $c linsert order before a4 dup
        ld_do $c rpush order dup
        ld_do $c lpush order dup
        ld_do $c lrem order 2 dup
        ld_do $c lrem order 0 b7
        ld_do $c lrem order -1 a3
        ld_do $c ltrim order 3 -4
        ld_do $c lpop order 2
        ld_do $c rpop order 3
        ld_do $c lpop order
        ld_do $c rpop order
        ld_do $c lmove order order left right
        ld_do $c lmove order order right left

        # A rotated list, moves between two lists.
        ld_do $c rpush rot r0 r1 r2 r3 r4 r5 r6 r7 r8 r9
        for {set i 0} {$i < 25} {incr i} { ld_do $c lmove rot rot left right }
        for {set i 0} {$i < 7} {incr i} { ld_do $c rpoplpush rot rot }
        ld_do $c rpush src s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15
        for {set i 0} {$i < 5} {incr i} {
            ld_do $c lmove src dst left right
            ld_do $c lmove src dst right left
            ld_do $c rpoplpush src dst
        }
        # Lists emptied four ways, one deleted and pushed again, one
        # replaced by a string.
        ld_do $c rpush e1 x y z
        ld_do $c lpop e1 3
        ld_do $c rpush e2 x y z
        ld_do $c ltrim e2 1 0
        ld_do $c rpush e3 x x x
        ld_do $c lrem e3 0 x
        ld_do $c rpush e4 x
        ld_do $c lmove e4 dst right right
        ld_do $c rpush again a b c
        ld_do $c del again
        ld_do $c rpush again new1 new2
        ld_do $c lpush again new0
        ld_do $c rpush overwritten a b
        ld_do $c set overwritten str
        # Binary, empty and big elements, and an expiry.
        ld_do $c rpush bin [all_bytes] "" "\r\n" "\x00"
        ld_do $c lset bin 1 X
        ld_do $c linsert bin after "\x00" tail
        ld_do $c rpush bigval [big_random_value 300000] small
        ld_do $c linsert bigval before small [big_random_value 200000]
        ld_do $c rpush ttl a b
        $c pexpireat ttl 4000000000000
        ld_verify $c "before the restart"

        set s [restart_server $s]
        set c [dict get $s client]
        ld_verify $c "after a graceful restart"
        assert_equal 4000000000000 [$c pexpiretime ttl]

        # Writes after the restart find the right places: at the ends, in
        # the respaced region again, and after the last insert.
        ld_do $c lpush order newhead
        ld_do $c rpush order newtail
        for {set i 0} {$i < 40} {incr i} { ld_do $c linsert order after b20 c$i }
        for {set i 0} {$i < 40} {incr i} { ld_do $c linsert order before a30 d$i }
        ld_do $c lset order 10 ten
        ld_do $c lmove order order left right
        ld_do $c lmove rot src left left
        ld_do $c rpush again more
        ld_verify $c "after the writes that followed the restart"

        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        ld_verify $c "after kill -9"
        assert_equal 4000000000000 [$c pexpiretime ttl]
        stop_server $s
        check_restarts $s $dir ld_verify
    }

    test {A queue and a rotation run 70,000 times keep their order, also after kill -9} {
        # Each RPUSH+LPOP takes a position one gap further right, each
        # LPUSH+RPOP one further left, each rotation moves an element from
        # the head to the tail: far beyond the span of one chunk.
        ld_require
        ld_reset
        set s [spawn_durable_server "" {appendfsync no}]
        set c [dict get $s client]
        ld_do $c rpush right start
        ld_do $c lpush left start
        ld_do $c rpush rot a b c
        set cmds {}
        for {set i 0} {$i < 70000} {incr i} {
            lappend cmds [list rpush right r$i] [list lpop right]
            lappend cmds [list lpush left l$i] [list rpop left]
            lappend cmds [list lmove rot rot left right]
            if {[llength $cmds] >= 3000} {
                ld_pipe $c $cmds
                set cmds {}
            }
        }
        ld_pipe $c $cmds
        ld_do $c linsert right before r69999 mid
        ld_do $c linsert left after l69999 mid
        ld_verify $c "after the queues ran"
        assert_equal {b c a} [$c lrange rot 0 -1]
        set s [restart_server $s]
        ld_verify [dict get $s client] "after a graceful restart"
        set c [dict get $s client]
        ld_do $c rpush right end
        ld_do $c lpush left end
        ld_do $c lmove rot rot right left
        set s [restart_server $s -kill9]
        ld_verify [dict get $s client] "after kill -9"
        stop_server $s
    }

    test {kill -9 under pipelined RPUSH of two elements: no acknowledged push lost, none half applied} {
        ld_require
        set s [spawn_durable_server]
        set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
        set next 1
        set acked 0
        set until [expr {[clock milliseconds] + 800}]
        while {[clock milliseconds] < $until} {
            set first $next
            for {set j 0} {$j < 20} {incr j} {
                $rd write [::redis::__format_command [list rpush p a:$next b:$next]]
                incr next
            }
            $rd flush
            for {set i $first} {$i < $next} {incr i} {
                assert_equal [expr {2 * $i}] [$rd read]
                set acked $i
            }
        }
        # A last packet, partly acknowledged when the server is killed.
        set first $next
        for {set j 0} {$j < 300} {incr j} {
            $rd write [::redis::__format_command [list rpush p a:$next b:$next]]
            incr next
        }
        flush [$rd channel]
        for {set i $first} {$i < $first + 5} {incr i} {
            assert_equal [expr {2 * $i}] [$rd read]
            set acked $i
        }
        stop_server $s -kill9
        $rd close
        set s [restart_server $s]
        set c [dict get $s client]
        set len [$c llen p]
        assert {$len % 2 == 0} "an RPUSH half applied: $len elements"
        set pushes [expr {$len / 2}]
        assert {$pushes >= $acked} "$pushes RPUSHes survived, $acked were acknowledged"
        set want {}
        for {set i 1} {$i <= $pushes} {incr i} { lappend want a:$i b:$i }
        assert_equal $want [$c lrange p 0 -1]
        stop_server $s
    }

    test {kill -9 under pipelined LMOVE: every element is in the source or the destination, once} {
        ld_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set orig {}
        for {set i 0} {$i < 3000} {incr i} { lappend orig e$i }
        for {set i 0} {$i < 3000} {incr i 1000} { $c rpush src {*}[lrange $orig $i [expr {$i + 999}]] }
        set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
        set acked 0
        for {set round 0} {$round < 10} {incr round} {
            for {set j 0} {$j < 20} {incr j} {
                $rd write [::redis::__format_command [list lmove src dst right left]]
            }
            $rd flush
            for {set j 0} {$j < 20} {incr j} {
                assert_equal [lindex $orig end-$acked] [$rd read]
                incr acked
            }
        }
        for {set j 0} {$j < 2000} {incr j} {
            $rd write [::redis::__format_command [list lmove src dst right left]]
        }
        flush [$rd channel]
        for {set j 0} {$j < 5} {incr j} {
            assert_equal [lindex $orig end-$acked] [$rd read]
            incr acked
        }
        stop_server $s -kill9
        $rd close
        set s [restart_server $s]
        set c [dict get $s client]
        set moved [$c llen dst]
        assert {$moved >= $acked} "$moved LMOVEs survived, $acked were acknowledged"
        assert_equal 3000 [expr {[$c llen src] + $moved}]
        # The source's head and the destination, end to end, are the
        # original list.
        assert_equal $orig [concat [$c lrange src 0 -1] [$c lrange dst 0 -1]]
        stop_server $s
    }

    test {A compaction keeps every list's order, with writes in flight, and shrinks the log} {
        ld_require
        ld_reset
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir {segment-size 64kb}]
        set c [dict get $s client]
        # Dead records of every kind: overwritten elements (LSET), removed
        # ones (LREM, LTRIM, pops), a whole list deleted, respaced inserts.
        ld_pipe $c [ld_bulk_rpush c:big v 3000]
        set cmds {}
        for {set i 0} {$i < 3000} {incr i 3} { lappend cmds [list lset c:big $i set$i] }
        ld_pipe $c $cmds
        set tail [string repeat . 40]
        ld_pipe $c [list {lrem c:big 0 set300} [list lrem c:big 0 v301$tail]]
        ld_do $c ltrim c:big 100 -101
        ld_do $c lpop c:big 200
        ld_do $c rpop c:big 200
        set cmds {}
        for {set i 0} {$i < 40} {incr i} { lappend cmds [list linsert c:big after set900 ins$i] }
        for {set i 0} {$i < 300} {incr i} { lappend cmds [list lmove c:big c:big left right] }
        ld_pipe $c $cmds
        ld_pipe $c [ld_bulk_rpush c:gone g 2000]
        ld_do $c del c:gone
        ld_pipe $c [ld_bulk_rpush c:trimmed t 5000]
        ld_do $c ltrim c:trimmed 0 9
        set cmds {}
        for {set k 0} {$k < 10} {incr k} {
            for {set i 0} {$i < 100} {incr i} {
                lappend cmds [list rpush c:small$k x$i] [list lpush c:small$k y$i]
                if {$i % 3 == 0} { lappend cmds [list lpop c:small$k] }
            }
        }
        ld_pipe $c $cmds
        ld_verify $c "before the compaction"
        set st0 [server_info_fields $c storage_segments storage_dead_bytes storage_total_bytes]
        assert_morethan [dict get $st0 storage_segments] 10
        assert_morethan [dict get $st0 storage_dead_bytes] 100000

        # Writes in the packet of BGREWRITEAOF run while it is in progress.
        set during {}
        for {set i 0} {$i < 40} {incr i} {
            lappend during [list linsert c:big before set1500 during$i]
            lappend during [list rpush c:new n$i] [list lmove c:small3 c:small3 right left]
        }
        lappend during {lset c:big 0 head} {ltrim c:small4 5 -6} {del c:small5}
        set want {}
        foreach argv $during { lappend want [ld_model $argv] }
        set got [pipeline_replies $c [linsert $during 0 bgrewriteaof]]
        assert_equal "Background append only file rewriting started" [lindex $got 0]
        assert_equal $want [lrange $got 1 end]
        wait_compaction_end $c
        assert_equal ok [server_info_field $c aof_last_bgrewrite_status]
        ld_verify $c "after the compaction"
        set st1 [server_info_fields $c storage_segments storage_dead_bytes storage_total_bytes]
        assert_lessthan [dict get $st1 storage_total_bytes] [dict get $st0 storage_total_bytes]
        assert_lessthan [dict get $st1 storage_dead_bytes] [dict get $st0 storage_dead_bytes]

        # A quiet compaction leaves only live records: one ELEMENT per
        # element of the lists.
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        wait_compaction_end $c
        set st2 [server_info_fields $c storage_segments storage_dead_bytes storage_total_bytes]
        assert_lessthan [dict get $st2 storage_dead_bytes] \
            [expr {[dict get $st2 storage_segments] * 4096}] $st2
        ld_verify $c "after the quiet compaction"
        stop_server $s
        set stats [redis_kv_check "after the compactions" $dir --stats]
        assert_match "*element [ld_elements],*" $stats
        check_restarts $s $dir ld_verify
    }

    test {Commands that touch a few elements of a 100,000-element list log less than 1 KB} {
        ld_require
        ld_reset
        set s [spawn_durable_server]
        set c [dict get $s client]
        ld_pipe $c [ld_bulk_rpush big v 100000]
        ld_pipe $c [ld_bulk_rpush trim t 100000]
        ld_pipe $c [ld_bulk_rpush mid m 100000]
        assert_equal 100000 [$c llen big]
        set tail [string repeat . 40]
        set grew {}
        dict set grew lset [ld_log_growth $c { ld_do $c lset big 50000 changed }]
        dict set grew linsert [ld_log_growth $c { ld_do $c linsert big before v70000$tail inserted }]
        dict set grew lrem [ld_log_growth $c { ld_do $c lrem big 1 v60000$tail }]
        dict set grew lpop [ld_log_growth $c { ld_do $c lpop big 1000 }]
        dict set grew rpop [ld_log_growth $c { ld_do $c rpop big 1000 }]
        dict set grew lpush [ld_log_growth $c { ld_do $c lpush big newhead }]
        dict set grew rpush [ld_log_growth $c { ld_do $c rpush big newtail }]
        dict set grew lmove [ld_log_growth $c { ld_do $c lmove big big left right }]
        dict set grew ltrim [ld_log_growth $c { ld_do $c ltrim trim 0 9 }]
        dict set grew ltrim-middle [ld_log_growth $c { ld_do $c ltrim mid 50000 50009 }]
        dict for {cmd bytes} $grew {
            assert_lessthan $bytes 1024 "$cmd on a 100,000-element list added $bytes bytes to the log ($grew)"
        }
        assert_equal 98002 [$c llen big]
        assert_equal 10 [$c llen trim]
        ld_verify $c "before the restart"
        stop_server $s -kill9
        set s [restart_server $s]
        ld_verify [dict get $s client] "after kill -9"
        stop_server $s
    }
}
