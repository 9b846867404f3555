# One log write per event-loop iteration, and what a failed one answers
# (src/command/write_outcome.h): 50 clients pipeline SETs, each followed
# by a GET of the key just set, into a data directory on a small tmpfs
# until the disk is full and well past it.  Then, after kill -9 and a
# restart:
#   - every SET answered OK is in the log (its key reads back exactly);
#   - every SET answered MISCONF is not (its key is absent);
#   - no GET answered a value whose SET is not in the log: a reader in the
#     iteration of an undone write never saw what was undone;
#   - every reply is one of those three shapes, in order, per client.
# Runs with appendfsync always and with everysec.  Tags and skips as
# unit/diskfull (root, tmpfs).

set ::wo_misconf "MISCONF Errors writing to the AOF file: No space left on device"
set ::wo_skip ""
set ::wo_clients 50
set ::wo_depth 8       ;# SET+GET pairs per client per round: 16 commands
set ::wo_pool [string repeat [randstring 1021 1021 binary] 4]

proc wo_require {} {
    if {$::wo_skip ne ""} { skip $::wo_skip }
}

# A value of about 1.5 KB that names its key.
proc wo_value {key} {
    set off [expr {[string length $key] * 7 % 1000}]
    return "$key:[string range $::wo_pool $off [expr {$off + 1500}]]"
}

# Reads one reply of a deferring client: {ok VALUE} or {err MESSAGE}.
proc wo_read {rd} {
    if {[catch {$rd read} r]} { return [list err $r] }
    return [list ok $r]
}

# One round: every client pipelines its pairs, then every reply is read.
# Updates the model arrays (::wo_acked, ::wo_failed, ::wo_seen); returns
# the number of SETs refused.
proc wo_round {clients round} {
    set refused 0
    foreach rd $clients id [lsort -integer [dict keys $::wo_ids]] {
        for {set j 0} {$j < $::wo_depth} {incr j} {
            set k "k:$id:$round:$j"
            $rd write [::redis::__format_command [list set $k [wo_value $k]]]
            $rd write [::redis::__format_command [list get $k]]
        }
        $rd flush
    }
    foreach rd $clients id [lsort -integer [dict keys $::wo_ids]] {
        for {set j 0} {$j < $::wo_depth} {incr j} {
            set k "k:$id:$round:$j"
            lassign [wo_read $rd] how set
            lassign [wo_read $rd] ghow got
            if {$how eq "ok"} {
                assert_equal OK $set "SET $k"
                set ::wo_acked($k) 1
            } else {
                assert_equal $::wo_misconf $set "SET $k"
                set ::wo_failed($k) 1
                incr refused
            }
            if {$ghow eq "ok" && $got ne ""} {
                assert_equal [wo_value $k] $got "GET $k right after its SET"
                set ::wo_seen($k) 1
            } elseif {$ghow eq "err"} {
                assert_equal $::wo_misconf $got "GET $k"
                incr ::wo_gets_refused
            }
        }
    }
    return $refused
}

proc wo_scenario {fsync} {
    array unset ::wo_acked
    array unset ::wo_failed
    array unset ::wo_seen
    set ::wo_gets_refused 0
    set dir [tmpfs_mount 2m]
    set s [spawn_server -dir $dir -timeout 20 -client \
               -overrides [list appendfsync $fsync segment-size 256kb]]
    set ::wo_ids [dict create]
    set clients {}
    for {set i 0} {$i < $::wo_clients} {incr i} {
        dict set ::wo_ids $i 1
        lappend clients [::redis::connect [dict get $s host] [dict get $s port] 1]
    }
    # Fill until SETs are refused, then three more rounds on the full disk.
    set full 0
    for {set round 0} {$round < 60 && $full < 4} {incr round} {
        if {[wo_round $clients $round] > 0 || $full > 0} { incr full }
    }
    foreach rd $clients { $rd close }
    assert {$full >= 4} "no SET was refused in 60 rounds: the tmpfs did not fill, or full-disk writes were acknowledged"
    assert {[array size ::wo_acked] > 100}
    assert {[array size ::wo_failed] > 100}
    # GETs that ran after a refused SET in its iteration were refused too.
    assert {$::wo_gets_refused > 0}

    stop_server $s -kill9
    set s [restart_server $s]
    set c [dict get $s client]
    foreach k [array names ::wo_acked] {
        assert_equal [wo_value $k] [$c get $k] "acknowledged SET $k after kill -9"
    }
    foreach k [array names ::wo_failed] {
        assert_equal 0 [$c exists $k] "refused SET $k after kill -9"
    }
    foreach k [array names ::wo_seen] {
        assert {[info exists ::wo_acked($k)]} "GET showed $k, whose SET was refused"
    }
    assert_equal [array size ::wo_acked] [$c dbsize]
    stop_server $s
    set p [tmpfs_umount $dir]
    if {$p ne ""} { fail $p }
}

try {
start_server {tags {diskfull redis-kv-only needs:own-server}} {
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::wo_skip "the server under test is not redis-kv"
    } elseif {[catch {exec id -u} uid] || $uid ne "0"} {
        set ::wo_skip "not running as root (mounting a tmpfs needs root)"
    } elseif {[catch {tmpfs_mount 1m} probe]} {
        set ::wo_skip "cannot mount a tmpfs: $probe"
    } else {
        set p [tmpfs_umount $probe]
        if {$p ne ""} { set ::wo_skip "cannot unmount a test tmpfs: $p" }
    }

    foreach fsync {always everysec} {
        test "Full disk under 50 pipelining clients: OK'd writes survive kill -9, refused ones and what they showed do not (appendfsync $fsync)" {
            wo_require
            wo_scenario $fsync
        }
    }
}
} finally {
    set p [tmpfs_cleanup]
    if {$p ne ""} { ::test::exception "unmounting the tmpfs mounts of unit/write_outcome" $p }
}
