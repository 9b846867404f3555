# The reliable-queue pattern under kill -9: no acknowledged job is lost,
# duplicated or invented.
#
# Producers LPUSH numbered jobs (one to three per command) onto `queue`;
# workers take them with BLMOVE queue processing RIGHT LEFT <timeout> and
# then LREM them from `processing`.  The server runs with appendfsync
# always and is killed with kill -9 at random moments (a seeded delay, a
# new one each round), then restarted on the same data directory.  After
# every restart each job is in exactly one place:
#   - a job whose LPUSH was acknowledged is in `queue`, in `processing`, or
#     done: a job whose LREM was acknowledged is in neither list;
#   - a job whose BLMOVE was acknowledged is not in `queue` any more;
#   - no job is in both lists, none appears twice, none that no producer
#     ever sent appears, and a multi-job LPUSH is there whole or not at all;
#   - each producer's jobs keep their order: newest first in `queue` and
#     in `processing`, and all of its jobs in `processing` are older than
#     all of its jobs in `queue`.
# An operation in flight at the kill (no reply read) may have happened or
# not: its LPUSH may be there (whole), its LREM may have removed the job,
# and each in-flight BLMOVE may have moved one job from the tail of
# `queue` into `processing` (so at most that many jobs are found moved
# without an acknowledgement).  Replies that reached the client's socket
# before the kill still count as acknowledged: the server sends a reply
# only after the write is on disk.  After the checks the model is set to
# what the server holds, and the next round goes on from there (jobs left
# in `processing` by a worker that died with the server stay there).
#
# The clients are deferring clients driven by the Tcl event loop, one
# command in flight each: a reply is read when its socket is readable,
# recorded, and the next command is sent.  The kill comes from a separate
# process at the chosen moment, so it lands while the server works; the
# round ends when every client has seen its connection close.  Some rounds flood the queue,
# in others the producers pace their pushes so that the workers wait in
# BLMOVE and are served by an LPUSH.
#
# redis-kv only (tags redis-kv-only needs:own-server): the test starts
# its own servers with spawn_server and signals only their PIDs.  It
# also runs against real Redis, where `appendonly yes` is added:
#   tests/runtest --server /usr/bin/redis-server --single unit/list_crash
# LIST_CRASH_SEED=N replays a seed (each failure message names its seed).
# A server without LPUSH or BLMOVE skips the test (it never falls back
# silently); LIST_CRASH_LMOVE=1 uses LMOVE instead of BLMOVE, for a server
# that has no blocking commands yet (the workers then poll).

# ------------------------------------------------------------------ settings

set ::lc_rounds 8           ;# kill -9 and restart this many times
set ::lc_producers 2
set ::lc_workers 3
set ::lc_min_ms 400         ;# traffic before each kill: from ...
set ::lc_max_ms 2000        ;# ... to this many milliseconds
set ::lc_block_timeout 0.2  ;# BLMOVE timeout, seconds

set ::lc_seed [expr {[info exists ::env(LIST_CRASH_SEED)] && $::env(LIST_CRASH_SEED) ne ""
                     ? $::env(LIST_CRASH_SEED) : [clock milliseconds] % 1000000}]
set ::lc_use_lmove [expr {[info exists ::env(LIST_CRASH_LMOVE)] &&
                          $::env(LIST_CRASH_LMOVE) ni {"" 0}}]

# ------------------------------------------------------------------ the model
#
# ::lc_state   dict job -> queue | processing | done: the last acknowledged
#              place of each job the test knows to exist (or gone: an
#              LPUSH in flight at a kill that did not happen)
# ::lc_sent    dict job -> 1 for every job any producer ever sent
# ::lc_group   dict job -> the jobs of the LPUSH that sent it
# ::lc_unknown what was in flight at the kill: push {groups} moves N
#              rems {jobs}
# ::lc_errors  anomalies seen in replies (a failed test lists them)
# ::lc_stats   counts for the log line of each round

proc lc_reset_model {} {
    set ::lc_state [dict create]
    set ::lc_sent [dict create]
    set ::lc_group [dict create]
    set ::lc_errors {}
    set ::lc_stats [dict create pushed 0 moved 0 done 0 empty 0 unknown 0 took 0]
    for {set p 0} {$p < $::lc_producers} {incr p} { set ::lc_next($p) 1 }
}

# A job's name is job:<producer>:<number>; numbers grow per producer.
proc lc_job {p n} { return "job:$p:$n" }
proc lc_job_parts {job} {
    if {![regexp {^job:(\d+):(\d+)$} $job -> p n]} { return {} }
    return [list $p $n]
}

proc lc_error {msg} {
    lappend ::lc_errors $msg
}

proc lc_fail {msg} {
    fail "$msg (seed $::lc_seed; replay with LIST_CRASH_SEED=$::lc_seed)"
}

# ------------------------------------------------------------------ the clients
#
# ::lc_client(C) = {role index}; ::lc_inflight(C) = {op jobs} of the command
# sent and not yet answered ({} when none).

proc lc_open_clients {s} {
    array unset ::lc_client
    array unset ::lc_inflight
    for {set p 0} {$p < $::lc_producers} {incr p} {
        set c [redis_deferring_client $s]
        set ::lc_client($c) [list producer $p]
        set ::lc_inflight($c) {}
    }
    for {set w 0} {$w < $::lc_workers} {incr w} {
        set c [redis_deferring_client $s]
        $c null_value (nil)
        set ::lc_client($c) [list worker $w]
        set ::lc_inflight($c) {}
    }
}

proc lc_close_clients {} {
    foreach c [array names ::lc_client] { catch {$c close} }
    array unset ::lc_client
    array unset ::lc_inflight
}

# Sends C's next command and waits (in the event loop) for its reply.
proc lc_send {c {jobs {}}} {
    lassign $::lc_client($c) role idx
    if {$role eq "producer"} {
        set n [expr {1 + int(rand() * 3)}]
        set jobs {}
        for {set i 0} {$i < $n} {incr i} {
            set job [lc_job $idx $::lc_next($idx)]
            incr ::lc_next($idx)
            dict set ::lc_sent $job 1
            lappend jobs $job
        }
        foreach job $jobs { dict set ::lc_group $job $jobs }
        set ::lc_inflight($c) [list push $jobs]
        $c lpush queue {*}$jobs
    } elseif {[llength $jobs]} {
        # Done with the job: LREM it from the head, the tail or everywhere.
        set count [lindex {1 -1 0} [expr {int(rand() * 3)}]]
        set ::lc_inflight($c) [list rem $jobs]
        $c lrem processing $count [lindex $jobs 0]
    } else {
        set ::lc_inflight($c) [list move {}]
        if {$::lc_use_lmove} {
            $c lmove queue processing RIGHT LEFT
        } else {
            $c blmove queue processing RIGHT LEFT $::lc_block_timeout
        }
    }
    fileevent [$c channel] readable [list lc_on_reply $c]
}

# C's socket is readable: read and record the reply, send the next command.
# Replies that reach the socket before the kill are read like any other;
# then the read fails on the closed connection, and the command in
# flight stays unanswered.
proc lc_on_reply {c} {
    fileevent [$c channel] readable {}
    if {[catch {$c read} reply]} {
        if {![string match "I/O error*" $reply]} {
            lc_error "[lindex $::lc_inflight($c) 0] [lindex $::lc_inflight($c) 1]: $reply"
        }
        lc_connection_lost $c
        return
    }
    set next [lc_ack $c $reply]
    lassign $::lc_client($c) role
    if {$role eq "producer" && $::lc_pace_ms > 0} {
        after [expr {int(rand() * $::lc_pace_ms)}] [list lc_send $c]
    } elseif {$role eq "worker" && $::lc_use_lmove && $reply eq "(nil)"} {
        after 5 [list lc_send $c]     ;# LMOVE polls an empty queue
    } else {
        lc_send $c $next
    }
}

# Records the reply to C's command in flight.  Returns the job a worker
# must LREM next ({} for none).
proc lc_ack {c reply} {
    lassign $::lc_inflight($c) op jobs
    set ::lc_inflight($c) {}
    switch -- $op {
        push {
            if {![string is integer -strict $reply] || $reply < [llength $jobs]} {
                lc_error "LPUSH queue $jobs replied '$reply'"
            }
            # A job may already have been moved (and its BLMOVE answered)
            # before this reply was read.
            foreach job $jobs {
                if {![dict exists $::lc_state $job]} { dict set ::lc_state $job queue }
            }
            dict incr ::lc_stats pushed [llength $jobs]
        }
        move {
            if {$reply eq "(nil)"} {
                dict incr ::lc_stats empty
                return {}
            }
            if {![dict exists $::lc_sent $reply]} {
                lc_error "BLMOVE returned '$reply', which no producer sent"
                return {}
            }
            if {[dict exists $::lc_state $reply] &&
                [dict get $::lc_state $reply] ne "queue"} {
                lc_error "BLMOVE returned $reply, which was [dict get $::lc_state $reply]"
            }
            dict set ::lc_state $reply processing
            dict incr ::lc_stats moved
            return [list $reply]
        }
        rem {
            if {$reply ne "1"} {
                lc_error "LREM processing ... [lindex $jobs 0] replied '$reply', expected 1"
            }
            dict set ::lc_state [lindex $jobs 0] done
            dict incr ::lc_stats done
        }
    }
    return {}
}

# C's connection is gone.  When every client has lost its connection the
# event loop of the round ends.
proc lc_connection_lost {c} {
    if {$::lc_first_loss eq ""} { set ::lc_first_loss [clock milliseconds] }
    if {[incr ::lc_lost] == [array size ::lc_client]} { set ::lc_done 1 }
}

# After the kill: what is still unanswered goes to ::lc_unknown.
proc lc_collect_unknown {} {
    set ::lc_unknown [dict create push {} moves 0 rems {}]
    foreach c [array names ::lc_client] {
        if {![llength $::lc_inflight($c)]} continue
        lassign $::lc_inflight($c) op jobs
        dict incr ::lc_stats unknown
        switch -- $op {
            push { dict lappend ::lc_unknown push $jobs }
            move { dict incr ::lc_unknown moves }
            rem { dict lappend ::lc_unknown rems [lindex $jobs 0] }
        }
    }
}

# ------------------------------------------------------------------ the checks

# Checks the lists Q and P (as LRANGE 0 -1 returns them) against the model
# and what was in flight; returns a list of violations (empty: all good).
proc lc_violations {q p} {
    set bad {}
    set where [dict create]
    foreach {name list} [list queue $q processing $p] {
        foreach job $list {
            if {![dict exists $::lc_sent $job]} {
                lappend bad "$job is in $name but no producer ever sent it"
                continue
            }
            if {[dict exists $where $job]} {
                lappend bad "$job is twice: in [dict get $where $job] and in $name"
                continue
            }
            dict set where $job $name
        }
    }
    set unknown_rems [dict get $::lc_unknown rems]
    set surprise {}
    dict for {job state} $::lc_state {
        set at [expr {[dict exists $where $job] ? [dict get $where $job] : "neither list"}]
        switch -- $state {
            queue {
                if {$at eq "processing"} {
                    lappend surprise $job
                } elseif {$at ne "queue"} {
                    lappend bad "$job (LPUSH acknowledged) is in $at"
                }
            }
            processing {
                if {$at eq "neither list" && $job in $unknown_rems} continue
                if {$at ne "processing"} {
                    lappend bad "$job (BLMOVE acknowledged) is in $at"
                }
            }
            done {
                if {$at ne "neither list"} {
                    lappend bad "$job (LREM acknowledged) is in $at"
                }
            }
            gone {
                if {$at ne "neither list"} {
                    lappend bad "$job (LPUSH in flight, absent after an earlier restart) is in $at"
                }
            }
        }
    }
    # An LPUSH in flight happened whole or not at all.
    foreach jobs [dict get $::lc_unknown push] {
        set there {}
        foreach job $jobs {
            if {[dict exists $where $job] || [dict exists $::lc_state $job]} {
                lappend there $job
            }
            if {[dict exists $where $job] && ![dict exists $::lc_state $job] &&
                [dict get $where $job] eq "processing"} {
                lappend surprise $job
            }
        }
        if {[llength $there] && [llength $there] != [llength $jobs]} {
            lappend bad "LPUSH queue $jobs (in flight) left only $there"
        }
    }
    set moves [dict get $::lc_unknown moves]
    # How many commands in flight took effect (for the log of the round).
    set took [llength $surprise]
    foreach jobs [dict get $::lc_unknown push] {
        if {[dict exists $where [lindex $jobs 0]]} { incr took }
    }
    foreach job $unknown_rems {
        if {![dict exists $where $job]} { incr took }
    }
    dict incr ::lc_stats took $took
    if {[llength $surprise] > $moves} {
        lappend bad "[llength $surprise] jobs moved to processing without an acknowledged BLMOVE ($surprise), but only $moves BLMOVEs were in flight"
    }
    # Each producer's jobs: newest first in both lists, and every one in
    # processing older than every one in queue.
    foreach {name list} [list queue $q processing $p] {
        foreach job $list {
            lassign [lc_job_parts $job] prod n
            if {$prod eq ""} continue
            if {[info exists last($name,$prod)] && $n >= $last($name,$prod)} {
                lappend bad "in $name, $job comes after job:$prod:$last($name,$prod) (wrong order)"
            }
            set last($name,$prod) $n
            if {$name eq "processing" && (![info exists newest_p($prod)] || $n > $newest_p($prod))} {
                set newest_p($prod) $n
            }
        }
    }
    foreach prod [array names newest_p] {
        # last(queue,P) is P's oldest job in queue.
        if {[info exists last(queue,$prod)] && $newest_p($prod) >= $last(queue,$prod)} {
            lappend bad "job:$prod:$newest_p($prod) is in processing but the older job:$prod:$last(queue,$prod) is still in queue"
        }
    }
    return $bad
}

# After the checks: the model becomes what the server holds.
proc lc_rebase {q p} {
    set state [dict create]
    foreach job $q { dict set state $job queue }
    foreach job $p { dict set state $job processing }
    dict for {job st} $::lc_state {
        if {![dict exists $state $job]} { dict set state $job done }
    }
    # An LPUSH lost in flight must not come back later.
    foreach jobs [dict get $::lc_unknown push] {
        foreach job $jobs {
            if {![dict exists $state $job]} { dict set state $job gone }
        }
    }
    set ::lc_state $state
    set ::lc_unknown [dict create push {} moves 0 rems {}]
}

# ------------------------------------------------------------------ a round

# Traffic on S for a random time, then kill -9.  The kill comes from a
# separate process (a shell that sleeps, then kills S's PID), so that it
# lands wherever the server is, not between two replies the test reads.
# Returns nothing; the server is dead afterwards.
proc lc_round {s round} {
    set ::lc_done 0
    set ::lc_lost 0
    set ::lc_first_loss ""
    # Half the rounds flood the queue; the others pace the producers so the
    # workers wait in BLMOVE and are served by an LPUSH.
    set ::lc_pace_ms [expr {rand() < 0.5 ? 0 : 20}]
    lc_open_clients $s
    set ms [expr {$::lc_min_ms + int(rand() * ($::lc_max_ms - $::lc_min_ms))}]
    set pid [dict get $s pid]
    set t0 [clock milliseconds]
    set killer [exec /bin/sh -c "sleep [format %.3f [expr {$ms / 1000.0}]]; kill -KILL $pid 2>/dev/null" &]
    foreach c [array names ::lc_client] { lc_send $c }
    set guard [after [expr {$ms + 20000}] {set ::lc_done timeout}]
    vwait ::lc_done
    after cancel $guard
    if {$::lc_done eq "timeout"} {
        lc_fail "round $round: the clients still had connections 20 s after the kill"
    }
    if {$::lc_first_loss < $t0 + $ms} {
        # The server died by itself: the sleeping shell must not signal its
        # PID later (by then it may be another process's).
        catch {exec kill -KILL $killer}
        lc_fail "round $round: the server went away [expr {$::lc_first_loss - $t0}] ms into\
            the round, before the kill at $ms ms\n[file_tail [dict get $s stdout] 20]"
    }
    if {![wait_server_exit $s 10] || ![::server::wait_exit $killer 10]} {
        lc_fail "round $round: the server (pid $pid) survived kill -9"
    }
    lc_collect_unknown
    lc_close_clients
    # Paced sends scheduled before the kill do nothing now; drop them.
    foreach id [after info] {
        if {[string match "lc_send *" [lindex [after info $id] 0]]} { after cancel $id }
    }
}

# ------------------------------------------------------------------ the test

start_server {tags {list list_crash redis-kv-only needs:own-server}} {
    set ::lc_overrides [list appendfsync always]
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        # Real Redis keeps nothing across a restart without its AOF.
        lappend ::lc_overrides appendonly yes
    }

    test {Reliable queue: kill -9 never loses, duplicates or invents a job} {
        stop_spawned_servers
        expr {srand($::lc_seed)}
        lc_reset_model
        set ::lc_unknown [dict create push {} moves 0 rems {}]
        set s [spawn_server -dir [new_tmpdir] -overrides $::lc_overrides -timeout 30]
        set c [redis_client $s]
        set probe [expr {$::lc_use_lmove ? {lmove lc:probe lc:probe2 RIGHT LEFT}
                                         : {blmove lc:probe lc:probe2 RIGHT LEFT 0.01}}]
        foreach cmd [list {lpush lc:probe x} $probe] {
            if {[catch {$c {*}$cmd} e] && [string match "*unknown command*" $e]} {
                $c close
                stop_server $s
                skip "[string toupper [lindex $cmd 0]] is not implemented"
            }
        }
        $c del lc:probe lc:probe2
        $c close
        set log {}
        for {set round 1} {$round <= $::lc_rounds} {incr round} {
            lc_round $s $round
            if {[llength $::lc_errors]} {
                lc_fail "round $round, replies before the kill:\n[join [lrange $::lc_errors 0 9] \n]"
            }
            set s [restart_server $s]
            set c [redis_client $s]
            $c null_value (nil)
            set q [$c lrange queue 0 -1]
            set p [$c lrange processing 0 -1]
            set bad [lc_violations $q $p]
            if {[llength $bad]} {
                lc_fail "round $round, after the restart ([llength $bad] violations):\n[join [lrange $bad 0 19] \n]"
            }
            assert_equal [llength $q] [$c llen queue] "LLEN queue after round $round"
            assert_equal [llength $p] [$c llen processing] "LLEN processing after round $round"
            lappend log "after round $round, in all: [dict get $::lc_stats pushed] pushed,\
                [dict get $::lc_stats moved] moved, [dict get $::lc_stats done] done,\
                [dict get $::lc_stats unknown] unanswered ([dict get $::lc_stats took] took effect);\
                queue [llength $q], processing [llength $p]"
            lc_rebase $q $p
            $c close
        }
        # The last life takes writes too.
        set c [redis_client $s]
        assert_equal 1 [$c lpush lc:after x]
        $c close
        stop_server $s
        if {$::test::verbose} { puts [join $log \n] }
        # Every round did some work (else the test proved nothing).
        assert_morethan [dict get $::lc_stats done] 0 "jobs done over all rounds"
    }
}
