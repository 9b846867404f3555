# Durability across restarts: data written to a redis-kv server is read back
# exactly after a graceful stop (SIGTERM) and after kill -9, on the same data
# directory, with `appendfsync always`: plain, binary, empty and 5 MB
# values, keys with a TTL far in the future, keys whose TTL runs out while
# the server is down, several databases, FLUSHDB / FLUSHALL, deletes and
# TTL changes; MSET batches are all-or-nothing when the server is killed in
# the middle of a load.
#
# redis-kv only (tags redis-kv-only needs:own-server): real Redis keeps no
# data across a restart without appendonly, so the tests skip themselves
# when INFO has no redis_kv_version.  To check the tests themselves against
# real Redis with its append-only file, run them with
#   RESTART_TCL_ON_REDIS=1 tests/runtest --server /usr/bin/redis-server --single unit/restart
# which adds `appendonly yes` to the config (it was checked that way against
# redis-server 7.0.15).  The servers are started with the harness's
# spawn_server and only those PIDs are signalled.

# ------------------------------------------------------------------ helpers

set ::rs_on_redis [expr {[info exists ::env(RESTART_TCL_ON_REDIS)] &&
                         $::env(RESTART_TCL_ON_REDIS) ne "" &&
                         $::env(RESTART_TCL_ON_REDIS) ne "0"}]
set ::rs_skip ""

# Inside a test body: skip unless the server under test keeps its data.
proc rs_require {} {
    if {$::rs_skip ne ""} { skip $::rs_skip }
}

# Start a server on DATADIR, a fresh temp dir (removed with the other temp
# dirs when the file passes) unless given; returns the spawn_server dict
# with a `client` entry (a blocking client whose nil replies read "(nil)").
# restart_server brings it back on the same directory.
proc rs_start {{datadir ""}} {
    if {$datadir eq ""} { set datadir [new_tmpdir] }
    set overrides [list appendfsync always]
    if {$::rs_on_redis} { lappend overrides appendonly yes }
    return [spawn_server -dir $datadir -overrides $overrides -timeout 30 -client]
}

# Write the standard data set through client C. Returns a dict:
#   keep  {db key value ...}  keys that must read back exactly
#   gone  {db key ...}        keys that must not exist
#   expired {db key ...}      keys whose short TTL must have passed after
#                             the restart (they exist before the stop)
#   sizes {db size ...}       exact DBSIZE of these databases
#   short_deadline            ms time after which the short TTLs have passed
# Keys whose TTL runs out are all in database 2, whose DBSIZE is not
# checked (an expired key may still be counted until it is reclaimed).
proc rs_write_dataset {c} {
    set keep {}
    set gone {}
    set big [big_random_value 5242880]
    set all [all_bytes]
    set bin "[randstring 1000 1000 binary]\x00\r\n\x00"

    $c flushall
    # ---- database 0: values of every kind
    $c select 0
    $c set plain hello
    $c set $all $all
    $c set "bin\x00key" $bin
    $c set empty ""
    $c set "" "empty key name"
    $c set large $big
    $c set overwritten v1
    $c set overwritten v2
    $c set overwritten v3
    $c set deleted x
    $c del deleted
    $c set unlinked x
    $c unlink unlinked
    $c set getdeleted x
    $c getdel getdeleted
    $c set counter 0
    for {set i 0} {$i < 100} {incr i} { $c incr counter }
    $c decrby counter 58
    $c set float 10.5
    $c incrbyfloat float 0.1
    $c set appended hello
    $c append appended " world"
    $c append appended "\x00!"
    $c set ranged hello
    $c setrange ranged 8 xy
    $c setrange ranged 0 H
    $c mset m1 one m2 two m3 three
    $c msetnx m3 other m4 four
    $c setnx setnx first
    $c setnx setnx second
    $c getset getset new
    lappend keep 0 plain hello 0 $all $all 0 "bin\x00key" $bin 0 empty "" \
        0 "" "empty key name" 0 large $big 0 overwritten v3 0 counter 42 \
        0 float 10.6 0 appended "hello world\x00!" \
        0 ranged "Hello\x00\x00\x00xy" 0 m1 one 0 m2 two 0 m3 three \
        0 setnx first 0 getset new
    lappend gone 0 deleted 0 unlinked 0 getdeleted 0 m4 0 bin
    set sizes [list 0 16]

    # ---- database 2: expiry
    $c select 2
    set now [clock milliseconds]
    $c set farpx far PX 100000000
    $c set farexat far EXAT [expr {[clock seconds] + 100000}]
    $c set farpxat far PXAT [expr {$now + 100000000}]
    $c setex farsetex 100000 far
    $c set fargetex far
    $c getex fargetex PX 100000000
    # TTLs that run out while the server is down (checked before the stop).
    $c set short v PX 1500
    $c psetex shortpsetex 1500 v
    $c set shortgetex v
    $c getex shortgetex PX 1500
    $c set shortkeepttl v PX 1500
    $c set shortkeepttl v2 KEEPTTL
    $c set shortappend v PX 1500
    $c append shortappend x
    # TTLs that were removed again: the keys stay.
    $c set cleared v PX 1500
    $c set cleared v2
    $c set persisted v PX 1500
    $c getex persisted PERSIST
    $c set getsetcleared v PX 1500
    $c getset getsetcleared v2
    set short_deadline [expr {[clock milliseconds] + 1500}]
    # An expiry already in the past when written.
    $c set past v PXAT 1
    lappend keep 2 farpx far 2 farexat far 2 farpxat far 2 farsetex far \
        2 fargetex far 2 cleared v2 2 persisted v 2 getsetcleared v2
    lappend gone 2 past
    set expired {2 short 2 shortpsetex 2 shortgetex 2 shortkeepttl 2 shortappend}

    # ---- database 3: flushed, then one key written again
    $c select 3
    $c mset f1 1 f2 2 f3 3
    $c flushdb
    $c set afterflush yes
    lappend keep 3 afterflush yes
    lappend gone 3 f1 3 f2 3 f3
    lappend sizes 3 1

    # ---- databases 1, 5, 15: the same key names, different values
    foreach db {1 5 15} {
        $c select $db
        $c mset shared "db$db" "only$db" $db
        lappend keep $db shared "db$db" $db "only$db" $db
        lappend sizes $db 2
    }
    # ---- the other databases stay empty
    foreach db {4 6 7 8 9 10 11 12 13 14} { lappend sizes $db 0 }
    $c select 0
    return [dict create keep $keep gone $gone expired $expired sizes $sizes \
                short_deadline $short_deadline]
}

# Before stopping: the keys with a short TTL are still there.
proc rs_check_short_present {c} {
    $c select 2
    foreach k {short shortpsetex shortgetex shortappend} {
        assert_equal 1 [$c exists $k] "key $k before the stop"
    }
    assert_equal v2 [$c get shortkeepttl]
    $c select 0
}

# Check a data set (as returned by rs_write_dataset) through client C;
# the short-TTL keys are checked only after the restart.
proc rs_check_dataset {c ds {when "after the restart"}} {
    set gone [dict get $ds gone]
    if {$when eq "after the restart"} { lappend gone {*}[dict get $ds expired] }
    foreach {db k v} [dict get $ds keep] {
        $c select $db
        set got [$c get $k]
        assert_equal [string length $v] [string length $got] "length of db $db key '[::test::trunc $k 40]' $when"
        assert_equal $v $got "db $db key '[::test::trunc $k 40]' $when"
    }
    foreach {db k} $gone {
        $c select $db
        assert_equal (nil) [$c get $k] "db $db key '[::test::trunc $k 40]' must be gone $when"
        assert_equal 0 [$c exists $k] "db $db key '[::test::trunc $k 40]' must be gone $when"
    }
    foreach {db n} [dict get $ds sizes] {
        $c select $db
        assert_equal $n [$c dbsize] "DBSIZE of db $db $when"
    }
    $c select 0
}

# Wait (with the server down) until the short TTLs have certainly passed.
proc rs_wait_past {deadline} {
    set left [expr {$deadline + 200 - [clock milliseconds]}]
    if {$left > 0} { after $left }
}

start_server {tags {restart redis-kv-only needs:own-server}} {
    if {![regexp -line {^redis_kv_version:} [r info server]] && !$::rs_on_redis} {
        set ::rs_skip "real Redis without appendonly keeps no data across a restart"
    }

    test {Everything reads back after a graceful restart (SIGTERM)} {
        rs_require
        stop_spawned_servers
        set s [rs_start]
        set c [dict get $s client]
        set ds [rs_write_dataset $c]
        rs_check_short_present $c
        rs_check_dataset $c $ds "before the stop"
        stop_server $s
        rs_wait_past [dict get $ds short_deadline]
        set s [restart_server $s]
        rs_check_dataset [dict get $s client] $ds
        stop_server $s
    }

    test {Everything reads back after kill -9} {
        rs_require
        stop_spawned_servers
        set s [rs_start]
        set c [dict get $s client]
        set ds [rs_write_dataset $c]
        rs_check_short_present $c
        stop_server $s -kill9
        rs_wait_past [dict get $ds short_deadline]
        set s [restart_server $s]
        rs_check_dataset [dict get $s client] $ds
        stop_server $s -kill9
    }

    test {Writes after a restart survive the next restarts too} {
        rs_require
        stop_spawned_servers
        set s [rs_start]
        set c [dict get $s client]
        $c mset a 1 b 2 c 3
        $c select 7
        $c set seven 7
        stop_server $s -kill9

        # Second life: change what the first one wrote.
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {1 2 3} [$c mget a b c]
        $c set a 10
        $c del b
        $c append c 3
        $c incr counter
        $c select 7
        assert_equal 7 [$c get seven]
        $c set seven seven
        $c select 8
        $c set eight 8
        stop_server $s

        # Third life: the changes are there; change again and crash.
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {10 (nil) 33 1} [$c mget a b c counter]
        assert_equal 3 [$c dbsize]
        $c select 7
        assert_equal seven [$c get seven]
        $c select 8
        assert_equal 8 [$c get eight]
        $c select 0
        $c set b again
        $c incr counter
        $c flushdb
        $c set a last
        stop_server $s -kill9

        # Fourth life.
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {last (nil) (nil) (nil)} [$c mget a b c counter]
        assert_equal 1 [$c dbsize]
        $c select 7
        assert_equal seven [$c get seven]
        $c select 8
        assert_equal 8 [$c get eight]
        stop_server $s
    }

    test {FLUSHALL is durable: only the keys written after it come back} {
        rs_require
        stop_spawned_servers
        set s [rs_start]
        set c [dict get $s client]
        foreach db {0 1 9 15} {
            $c select $db
            $c mset a $db b $db big [string repeat $db 100000]
        }
        $c flushall
        $c select 9
        $c set after nine
        $c select 0
        $c set after zero
        stop_server $s -kill9

        set s [restart_server $s]
        set c [dict get $s client]
        set sizes {}
        for {set db 0} {$db < 16} {incr db} {
            $c select $db
            lappend sizes [$c dbsize]
        }
        assert_equal {1 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0} $sizes
        $c select 9
        assert_equal {(nil) (nil) (nil) nine} [$c mget a b big after]
        $c select 0
        assert_equal {(nil) (nil) (nil) zero} [$c mget a b big after]
        # A FLUSHALL followed by a graceful restart.
        $c flushall
        stop_server $s
        set s [restart_server $s]
        set c [dict get $s client]
        for {set db 0} {$db < 16} {incr db} {
            $c select $db
            assert_equal 0 [$c dbsize] "db $db"
        }
        stop_server $s
    }

    test {A 5 MB value and every byte value survive kill -9, unchanged} {
        rs_require
        stop_spawned_servers
        set s [rs_start]
        set c [dict get $s client]
        set big [big_random_value 5242880]
        $c set big1 $big
        $c set big2 "$big$big"
        $c append big1 tail
        for {set i 0} {$i < 256} {incr i} {
            set b [format %c $i]
            $c set "k$b" "v$b"
        }
        stop_server $s -kill9
        set s [restart_server $s]
        set c [dict get $s client]
        assert {[$c get big1] eq "${big}tail"} "big1 differs after the restart"
        assert {[$c get big2] eq "$big$big"} "big2 differs after the restart"
        assert_equal [expr {2*5242880}] [$c strlen big2]
        for {set i 0} {$i < 256} {incr i} {
            set b [format %c $i]
            assert_equal "v$b" [$c get "k$b"] "byte $i"
        }
        assert_equal 258 [$c dbsize]
        stop_server $s -kill9
    }

    test {MSET batches are all-or-nothing across kill -9 under load} {
        rs_require
        stop_spawned_servers
        set dir [new_tmpdir]
        set keys {}
        for {set k 1} {$k <= 10} {incr k} { lappend keys k$k }
        set pad [string repeat x 3000]
        set next 1          ;# the next i to send
        for {set round 1} {$round <= 3} {incr round} {
            set s [rs_start $dir]
            set c [dict get $s client]
            set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
            set acked 0
            # Pipelines of 20 MSETs for about a second, every reply read.
            set until [expr {[clock milliseconds] + 1000}]
            while {[clock milliseconds] < $until} {
                set first $next
                for {set j 0} {$j < 20} {incr j} {
                    set args {}
                    foreach k $keys { lappend args $k "$next:$k:$pad" }
                    $rd write [::redis::__format_command [list mset {*}$args]]
                    incr next
                }
                $rd flush
                for {set i $first} {$i < $next} {incr i} {
                    assert_equal OK [$rd read]
                    set acked $i
                }
            }
            # Then 200 more in flight: read a few replies and kill the server
            # while it works on the rest.
            set first $next
            for {set j 0} {$j < 200} {incr j} {
                set args {}
                foreach k $keys { lappend args $k "$next:$k:$pad" }
                $rd write [::redis::__format_command [list mset {*}$args]]
                incr next
            }
            # A plain flush of the non-blocking channel: the event loop keeps
            # sending while the replies are read.
            flush [$rd channel]
            for {set i $first} {$i < $first + 5} {incr i} {
                assert_equal OK [$rd read]
                set acked $i
            }
            stop_server $s -kill9
            $rd close
            set sent [expr {$next - 1}]

            set s [restart_server $s]
            set c [dict get $s client]
            set vals [$c mget {*}$keys]
            set ids {}
            set k 1
            foreach v $vals {
                assert {$v ne "(nil)"} "round $round: k$k is missing"
                set parts [split $v :]
                assert_equal "k$k" [lindex $parts 1] "round $round: value of k$k"
                assert_equal $pad [lindex $parts 2] "round $round: value of k$k"
                lappend ids [lindex $parts 0]
                incr k
            }
            assert_equal 1 [llength [lsort -unique $ids]] "round $round: the ten keys come from different MSETs: $ids"
            set got [lindex $ids 0]
            assert {$got >= $acked} "round $round: value $got but MSET $acked was acknowledged"
            assert {$got <= $sent} "round $round: value $got but only $sent were sent"
            assert_equal 10 [$c dbsize]
            if {$round == 3} { stop_server $s } else { stop_server $s -kill9 }
        }
    }

    tags {needs:expire} {
        test {TTLs are absolute: PTTL after a restart counts the time spent down} {
            rs_require
            stop_spawned_servers
            set s [rs_start]
            set c [dict get $s client]
            $c set px v PX 100000
            $c set exat v EXAT [expr {[clock seconds] + 200}]
            $c set cleared v PX 100000
            $c set cleared v2
            $c set persisted v EX 100
            $c persist persisted
            $c set expired v EX 100
            $c expire expired 1000
            stop_server $s -kill9
            after 1200
            set s [restart_server $s]
            set c [dict get $s client]
            assert_range [$c pttl px] 90000 98800
            assert_range [$c ttl exat] 190 199
            assert_equal -1 [$c ttl cleared]
            assert_equal -1 [$c ttl persisted]
            assert_range [$c ttl expired] 990 999
            assert_equal -2 [$c ttl nokey]
            stop_server $s
        }
    }

    # Rotations leave their fsyncs to the group commit (always) or to the
    # background thread (everysec, no): a kill -9 right after many of them
    # must still find every acknowledged write, in every mode.
    foreach mode {always everysec no} {
        test "Writes across many segment rotations survive kill -9 (appendfsync $mode)" {
            rs_require
            if {$::rs_on_redis} { skip "redis-kv's segment-size" }
            stop_spawned_servers
            set s [spawn_server -dir [new_tmpdir] -timeout 30 -client \
                       -overrides [list appendfsync $mode segment-size 4kb]]
            set c [dict get $s client]
            set val [string repeat x 300]
            for {set i 0} {$i < 200} {incr i} { $c set "r$i" "$val$i" }
            set segments [server_info_field $c storage_segments]
            assert {$segments > 10}
            stop_server $s -kill9
            set s [restart_server $s]
            set c [dict get $s client]
            for {set i 0} {$i < 200} {incr i} {
                assert_equal "$val$i" [$c get "r$i"] "key r$i after kill -9"
            }
            assert_equal 200 [$c dbsize]
            stop_server $s
        }
    }

    stop_spawned_servers
}
