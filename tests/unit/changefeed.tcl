# The change feed (redis-kv's own, cmd/changefeed.c): a stream that
# receives one entry {db key event seq} for each change the server
# commits, written in the change's own batch.  Its five parameters
# (changefeed-key, -db, -events, -keys, -maxlen: defaults, CONFIG SET,
# errors, redis-kv.conf, the command line, CONFIG REWRITE); the entries
# (fields in order, event names equal to the keyspace notifications of the
# same commands, seq growing, one per event, none for reads or for writes
# that change nothing); the filters; expiry (active and lazy), FLUSHDB,
# FLUSHALL, SWAPDB, BACKUP RESTORE, MULTI/EXEC and scripts (one seq for
# the whole batch); blocked clients (a served BLPOP, a consumer blocked
# on the feed); approximate retention; and a crash test: writers under
# load with appendfsync always, kill -9 again and again, a consumer group
# that acknowledges as it goes -- afterwards the feed delivered exactly
# the changes that survived, each once, in log order.
#
# redis-kv only: every test skips itself when INFO server has no
# redis_kv_version (a real Redis has no feed).  The blocks that need
# servers of their own (config files, restarts, kill -9) are tagged
# needs:own-server and signal only the PIDs they started.
#   tests/runtest --single unit/changefeed
# CHANGEFEED_CRASH_SEED=N replays the crash test's seed (a failure names it).

set ::cf_skip ""
proc cf_require {} {
    if {$::cf_skip ne ""} { skip $::cf_skip }
}

# Sets ::cf_skip for a server that is not redis-kv (client C, default r).
proc cf_probe {{c r}} {
    if {![regexp -line {^redis_kv_version:} [$c info server]]} {
        set ::cf_skip "the change feed is redis-kv's own"
    }
}

# A clean slate on the server `r` talks to: the feed off while every
# database is flushed, then the feed on as `feed` in db 0 with the
# default filters, plus the parameters of ARGS (name value ...).
proc cf_reset {args} {
    r select 0
    r config set changefeed-key ""
    r flushall
    r config set changefeed-db 0 changefeed-events A changefeed-keys * \
        changefeed-maxlen 0
    foreach {k v} $args { r config set $k $v }
    r config set changefeed-key feed
}

# The entries of the feed KEY (in the current database of `r`, or of
# client C), each as {db key event seq}, in stream order.
proc cf_entries {{key feed} {c r}} {
    set out {}
    foreach e [$c xrange $key - +] {
        lassign $e id fields
        lappend out [list [dict get $fields db] [dict get $fields key] \
                         [dict get $fields event] [dict get $fields seq]]
    }
    return $out
}

# The same without seq: {db key event} each.
proc cf_events {{key feed} {c r}} {
    set out {}
    foreach e [cf_entries $key $c] { lappend out [lrange $e 0 2] }
    return $out
}

# The seq fields of the feed KEY, in stream order.
proc cf_seqs {{key feed}} {
    set out {}
    foreach e [cf_entries $key] { lappend out [lindex $e 3] }
    return $out
}

# The feed's entries of database DB as {key event} pairs, the form
# keyspace_events_of (helpers/util.tcl) gives the notifications in.
proc cf_db_events {db} {
    set out {}
    foreach e [cf_events] {
        if {[lindex $e 0] eq $db} { lappend out [lrange $e 1 2] }
    }
    return $out
}

# 1 when stream ID A is less than stream ID B.
proc cf_id_less {a b} {
    lassign [split $a -] ams aseq
    lassign [split $b -] bms bseq
    return [expr {$ams < $bms || ($ams == $bms && $aseq < $bseq)}]
}

# Every element of the list L is greater than the one before (numbers).
proc cf_assert_increasing {l what} {
    set prev ""
    foreach v $l {
        if {$prev ne "" && $v <= $prev} {
            fail "$what: $v comes after $prev (not increasing) in {$l}"
        }
        set prev $v
    }
}

# BGSAVE on `r`, waited for; returns the id of the backup it made.
proc cf_backup {} {
    set n0 [server_info_field r rdb_saves]
    r bgsave
    wait_for_condition 1500 20 {
        [server_info_field r rdb_saves] > $n0 && [server_info_field r rdb_bgsave_in_progress] == 0
    } else {
        fail "BGSAVE made no backup"
    }
    return [dict get [lindex [r backup list] end] id]
}

# The changefeed-* parameters of client C (default r), as a dict sorted
# by name.
proc cf_config {{c r}} {
    return [lsort -stride 2 -index 0 [$c config get changefeed-*]]
}

set ::cf_defaults [list changefeed-db 0 changefeed-events A changefeed-key {} \
                       changefeed-keys * changefeed-maxlen 0]

# ------------------------------------------------------------ the config

start_server {tags {changefeed redis-kv-only}} {
    cf_probe

    test {Change feed parameters: defaults, and the feed is off} {
        cf_require
        assert_equal $::cf_defaults [cf_config]
        r flushall
        r set a 1
        r lpush l x
        assert_equal {a l} [lsort [r keys *]]
    }

    test {CONFIG SET of each changefeed parameter reads back with CONFIG GET} {
        cf_require
        assert_equal OK [r config set changefeed-key "my feed"]
        assert_equal {changefeed-key {my feed}} [r config get changefeed-key]
        assert_equal OK [r config set changefeed-db 5]
        assert_equal {changefeed-db 5} [r config get changefeed-db]
        assert_equal OK [r config set changefeed-events g\$l]
        assert_equal [list changefeed-events g\$l] [r config get changefeed-events]
        assert_equal OK [r config set changefeed-events Ax]
        assert_equal {changefeed-events A} [r config get changefeed-events]
        assert_equal OK [r config set changefeed-events ""]
        assert_equal {changefeed-events {}} [r config get changefeed-events]
        assert_equal OK [r config set changefeed-keys user:*]
        assert_equal {changefeed-keys user:*} [r config get changefeed-keys]
        assert_equal OK [r config set changefeed-maxlen 1000]
        assert_equal {changefeed-maxlen 1000} [r config get changefeed-maxlen]
        # several at once
        assert_equal OK [r config set changefeed-key feed changefeed-db 0 changefeed-events A \
                             changefeed-keys * changefeed-maxlen 0]
        assert_equal [dict replace $::cf_defaults changefeed-key feed] [cf_config]
        r config set changefeed-key ""
    }

    test {changefeed-events refuses K, E, m and unknown classes, and keeps its value} {
        cf_require
        r config set changefeed-events g\$
        foreach bad {K E m ? Km KEA Ag? gE x!} {
            assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'changefeed-events') - Invalid event class character. Use 'Ag\$lshzxetdn'." \
                {r config set changefeed-events $bad} $bad
        }
        assert_equal [list changefeed-events g\$] [r config get changefeed-events]
        r config set changefeed-events A
    }

    test {changefeed-maxlen and changefeed-db refuse negative and non-numbers} {
        cf_require
        r config set changefeed-key "" changefeed-maxlen 0 changefeed-db 0
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'changefeed-maxlen') - argument must be between 0 and 9223372036854775807 inclusive" \
            {r config set changefeed-maxlen -1}
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'changefeed-db') - argument must be between 0 and 2147483647 inclusive" \
            {r config set changefeed-db -1}
        assert_error "*changefeed-maxlen*" {r config set changefeed-maxlen ten}
        assert_error "*changefeed-db*" {r config set changefeed-db 1.5}
        # a refused CONFIG SET of several parameters changes none of them
        assert_error "*changefeed-maxlen*" {r config set changefeed-key feed changefeed-maxlen -5}
        assert_equal {changefeed-key {}} [r config get changefeed-key]
        assert_equal {changefeed-maxlen 0} [r config get changefeed-maxlen]
        assert_equal {changefeed-db 0} [r config get changefeed-db]
    }

    test {changefeed-events: n with A reads back (CONFIG GET keeps the n)} {
        cf_require
        # The feed does record `new` with "An" (see the filter tests), so
        # CONFIG GET and CONFIG REWRITE must not drop the n.
        r config set changefeed-events An
        set got [lindex [r config get changefeed-events] 1]
        r config set changefeed-events A
        assert_match *n* $got "CONFIG GET changefeed-events after CONFIG SET ... An"
    }
}

start_server {tags {changefeed redis-kv-only needs:own-server}} {
    cf_probe

    test {changefeed-* in redis-kv.conf: read at start, the feed is on} {
        cf_require
        set s [spawn_server -client -overrides {changefeed-key "the feed" changefeed-db 2
            changefeed-events g$ changefeed-keys k:* changefeed-maxlen 500}]
        set c [dict get $s client]
        assert_equal [list changefeed-db 2 changefeed-events g\$ changefeed-key {the feed} \
                          changefeed-keys k:* changefeed-maxlen 500] [cf_config $c]
        $c set k:1 v
        $c set other v
        $c lpush k:list v
        $c del k:1
        $c select 2
        assert_equal {{0 k:1 set} {0 k:1 del}} [cf_events "the feed" $c]
        stop_server $s
    }

    test {changefeed-* on the command line} {
        cf_require
        set s [spawn_server -client -cmdline {--changefeed-key cmdfeed --changefeed-events $g
                                              --changefeed-keys * --changefeed-maxlen 7}]
        set c [dict get $s client]
        assert_equal [list changefeed-db 0 changefeed-events g\$ changefeed-key cmdfeed \
                          changefeed-keys * changefeed-maxlen 7] [cf_config $c]
        $c set a 1
        $c rpush l 1
        assert_equal {{0 a set}} [cf_events cmdfeed $c]
        stop_server $s
    }

    test {CONFIG REWRITE keeps the changefeed parameters, and a restart reads them} {
        cf_require
        set s [spawn_server -client -overrides {appendfsync always}]
        set c [dict get $s client]
        set conffile [dict get $s config_file]
        $c config set changefeed-key "rw feed" changefeed-db 1 changefeed-events "g\$h" \
            changefeed-keys "a*" changefeed-maxlen 300
        set want [cf_config $c]
        assert_equal OK [$c config rewrite]
        set conf [file_tail $conffile 1000]
        foreach line [list {changefeed-key "rw feed"} {changefeed-db 1} {changefeed-keys "a*"} \
                          {changefeed-maxlen 300} "changefeed-events g\$h"] {
            assert_match "*$line*" $conf "the rewritten config file"
        }
        # the rewritten file, started again (--port and --dir after it win)
        stop_server $s
        set s [spawn_server -client -dir [dict get $s dir] -cmdline [list $conffile]]
        set c [dict get $s client]
        assert_equal $want [cf_config $c]
        $c set a1 x
        $c set b1 x
        $c hset a2 f v
        $c select 1
        assert_equal {{0 a1 set} {0 a2 hset}} [cf_events "rw feed" $c]
        # off again, rewritten as off
        $c config set changefeed-key ""
        assert_equal OK [$c config rewrite]
        stop_server $s
        set s [spawn_server -client -dir [dict get $s dir] -cmdline [list $conffile]]
        set c [dict get $s client]
        assert_equal [dict replace $want changefeed-key {}] [cf_config $c]
        stop_server $s
    }
}

# ------------------------------------------------------------ the entries

start_server {tags {changefeed redis-kv-only}} {
    cf_probe

    test {One entry per change, with the fields db, key, event, seq in that order} {
        cf_require
        cf_reset
        r set a 1
        r lpush list x y
        r select 3
        r hset h f v
        r select 0
        set entries [r xrange feed - +]
        assert_equal 3 [llength $entries]
        foreach e $entries {
            assert_equal {db key event seq} [dict keys [lindex $e 1]] "fields of $e"
            assert_match {[0-9]*-[0-9]*} [lindex $e 0]
            assert {[string is wideinteger -strict [dict get [lindex $e 1] seq]]} $e
        }
        assert_equal {{0 a set} {0 list lpush} {3 h hset}} [cf_events]
        cf_assert_increasing [cf_seqs] "seq"
    }

    test {Event names are the keyspace notification names of the same commands} {
        cf_require
        cf_reset
        set got [keyspace_events_of KEA {
            r set s1 v
            r set s2 v ex 100
            r setex s3 100 v
            r set s1 w keepttl
            r append s1 x
            r incr n
            r incrbyfloat f 1.5
            r decr n
            r setrange s1 0 ab
            r getdel s1
            r getex s2 persist
            r mset a 1 b 2
            r expire a 100
            r persist a
            r rename a a2
            r copy b b2
            r del b b2 nokey
            r lpush l 1 2 3
            r rpop l
            r lset l 0 z
            r linsert l before z y
            r ltrim l 0 0
            r lrem l 0 y
            r rpush q 1 2 3
            r lmove q q2 left right
            r hset h f 1 g 2
            r hincrby h f 2
            r hincrbyfloat h g 0.5
            r hdel h f g
            r sadd st a b c
            r srem st a b
            r spop st
            r sadd st 1 2
            r smove st st2 1
            r sinterstore st3 st2 st2
            r sunionstore st4 st3 st2
            r zadd z 1 a 2 b 3 c
            r zincrby z 1 a
            r zrem z a
            r zpopmin z
            r zremrangebyscore z 3 3
            r zadd zz 1 a 2 b
            r zrangestore zd zz 0 -1
            r zunionstore zu 1 zz
            r xadd x 1-1 f v
            r xadd x maxlen 1 2-1 f v
            r xgroup create x g \$
            r xgroup createconsumer x g c
            r xgroup delconsumer x g c
            r xgroup setid x g 0
            r xsetid x 5-0
            r xgroup destroy x g
            r xtrim x maxlen 0
            r pfadd hl a
            r setbit bt 1 1
            r geoadd geo 1 1 p
            r unlink hl bt
            r expire geo 0
            r sort l store sorted
            r select 1
            r set one 1
            r move one 0
            r select 0
            r setnx nx 1
            r expireat nx 1
        }]
        # redis-server 7.0.15 publishes the same 74 events in db 0 for
        # this script (and set, move_from in db 1)
        assert_equal 74 [llength $got] "the keyspace events of the script"
        assert_equal $got [cf_db_events 0]
        assert_equal {{one set} {one move_from}} [cf_db_events 1]
    }

    test {seq grows with each change; the events of one command share its seq} {
        cf_require
        cf_reset
        r set a 1
        r set b 2 ex 100
        r xadd x maxlen 1 1-1 f v
        r xadd x maxlen 1 2-1 f v
        r incr n
        set entries [cf_entries]
        assert_equal {{0 a set} {0 b set} {0 b expire} {0 x xadd} {0 x xadd} {0 x xtrim} {0 n incrby}} \
            [cf_events]
        lassign [cf_seqs] sa sb1 sb2 sx1 sx2 sx3 sn
        assert_equal $sb1 $sb2 "SET ... EX: set and expire"
        assert_equal $sx2 $sx3 "XADD MAXLEN: xadd and xtrim"
        cf_assert_increasing [list $sa $sb1 $sx1 $sx2 $sn] "seq of separate commands"
    }

    test {No entry for reads, nor for writes that change nothing} {
        cf_require
        cf_reset
        r set ex 1
        r rpush exl a
        r hset exh f v
        r sadd exs a
        set before [r xlen feed]
        set got [keyspace_events_of KEA {
            r get ex
            r exists ex nokey
            r lrange exl 0 -1
            r hgetall exh
            r scan 0
            r ttl ex
            r del nokey
            r unlink nokey
            r set ex 2 nx
            r set nokey 1 xx
            r lpushx nol 1
            r rpushx nol 1
            r srem exs zz
            r srem nos a
            r hdel exh zz
            r expire nokey 10
            r persist ex
            r getex ex
            r lrem exl 0 zz
            r zadd noz xx 1 a
            r xtrim nox maxlen 0
            r msetnx ex 1 other 2
            catch {r rename nokey x2}
            r copy ex ex2 
            r copy ex ex2
            r lpop nol
            r spop nos
            r zpopmin noz
            r multi
            r get ex
            r exec
            r eval {return redis.call('get', KEYS[1])} 1 ex
        }]
        # the one change: the first COPY
        assert_equal {{ex2 copy_to}} $got
        assert_equal {{0 ex2 copy_to}} [lrange [cf_events] $before end]
    }
}

# ------------------------------------------------------------ the filters

start_server {tags {changefeed redis-kv-only}} {
    cf_probe

    test {changefeed-events g: only the generic events} {
        cf_require
        cf_reset changefeed-events g
        r set a 1
        r expire a 100
        r lpush l x
        r rename l l2
        r del a
        r incr n
        assert_equal {{0 a expire} {0 l rename_from} {0 l2 rename_to} {0 a del}} [cf_events]
    }

    test {changefeed-events $: only the string events} {
        cf_require
        cf_reset changefeed-events \$
        r set a 1
        r expire a 100
        r lpush l x
        r incr n
        r append a x
        r del a
        r select 1
        r flushdb
        r select 0
        assert_equal {{0 a set} {0 n incrby} {0 a append}} [cf_events]
    }

    test {changefeed-events A: every class but n; An adds new before the command's event} {
        cf_require
        cf_reset
        r set a 1
        r set a 2
        assert_equal {{0 a set} {0 a set}} [cf_events]
        cf_reset changefeed-events An
        r set a 1
        r set a 2
        r lpush l x
        r lpush l y
        assert_equal {{0 a new} {0 a set} {0 a set} {0 l new} {0 l lpush} {0 l lpush}} [cf_events]
        lassign [cf_seqs] s1 s2
        assert_equal $s1 $s2 "new and set of one SET"
    }

    test {changefeed-events with l and x: lists and expiry only} {
        cf_require
        cf_reset changefeed-events lx
        r lpush l x
        r set a 1 px 1
        r hset h f v
        wait_for_condition 200 10 {[r exists a] == 0} else { fail "a did not expire" }
        assert_equal {{0 l lpush} {0 a expired}} [cf_events]
    }

    test {changefeed-keys: only the keys that match the pattern} {
        cf_require
        cf_reset changefeed-keys user:*
        r set user:1 a
        r set order:1 b
        r hset user:2 f v
        r mset user:3 x order:2 y
        r rename user:1 order:3
        assert_equal {{0 user:1 set} {0 user:2 hset} {0 user:3 set} {0 user:1 rename_from}} \
            [cf_events]
        cf_reset changefeed-keys {user:[0-9]}
        r set user:1 a
        r set user:10 a
        r set User:2 a
        assert_equal {{0 user:1 set}} [cf_events]
    }

    test {The feed's own stream is never fed} {
        cf_require
        cf_reset
        r set a 1
        set own [r xadd feed * my own]
        r xgroup create feed g 0
        r xreadgroup group g c streams feed >
        r xtrim feed maxlen 100
        r xdel feed $own
        r set b 1
        assert_equal {{0 a set} {0 b set}} [cf_events]
        assert_equal 1 [llength [r xinfo groups feed]] "the group made on the feed"
        # the same name in another database is an ordinary key
        r select 4
        r set feed x
        r del feed
        r select 0
        assert_equal {{0 a set} {0 b set} {4 feed set} {4 feed del}} [cf_events]
        # deleting the feed is not fed either: the next change starts it again
        r del feed
        r set c 1
        assert_equal {{0 c set}} [cf_events]
    }

    test {A feed key that holds another type is left alone, the change goes through} {
        cf_require
        cf_reset
        r config set changefeed-key ""
        r set feed "not a stream"
        r config set changefeed-key feed
        assert_equal OK [r set a 1]
        assert_equal 1 [r lpush l x]
        assert_equal "not a stream" [r get feed]
        assert_equal 1 [r get a]
        r del feed
        r set b 1
        assert_equal {{0 b set}} [cf_events]
    }

    test {changefeed-db: the feed lives in another database and records every one} {
        cf_require
        cf_reset changefeed-db 2
        r set a 1
        r select 5
        r set b 1
        r select 2
        r set c 1
        assert_equal {{0 a set} {5 b set} {2 c set}} [cf_events]
        r select 0
        assert_equal 0 [r exists feed]
        # a changefeed-db beyond the databases writes nothing, harms nothing
        r config set changefeed-db 100
        assert_equal OK [r set d 1]
        r select 2
        assert_equal 3 [r xlen feed]
        r select 0
    }

    test {CONFIG SET changefeed-key "" turns the feed off, and on again} {
        cf_require
        cf_reset
        r set a 1
        r config set changefeed-key ""
        r set b 1
        r del a
        assert_equal {{0 a set}} [cf_events]
        r config set changefeed-key feed
        r set c 1
        assert_equal {{0 a set} {0 c set}} [cf_events]
        # another key: the old feed stays as it is
        r config set changefeed-key feed2
        r set d 1
        assert_equal {{0 d set}} [cf_events feed2]
        assert_equal {{0 a set} {0 c set}} [cf_events]
    }
}

# ------------------------------------------------------------ expiry, database-wide changes, batches

start_server {tags {changefeed redis-kv-only}} {
    cf_probe

    test {Active expiry: a key with PX 50 gives an "expired" entry} {
        cf_require
        cf_reset
        r set k v px 50
        wait_for_condition 200 10 {[r xlen feed] == 3} else {
            fail "no expired entry: [cf_events]"
        }
        assert_equal {{0 k set} {0 k expire} {0 k expired}} [cf_events]
        assert_equal 0 [r exists k]
        cf_assert_increasing [lsort -unique [cf_seqs]] "seq"
        assert_equal 2 [llength [lsort -unique [cf_seqs]]]
    }

    test {Lazy expiry: a GET of an expired key gives an "expired" entry} {
        cf_require
        cf_reset
        r debug set-active-expire 0
        r set k v px 1
        r hset h f v
        r pexpire h 1
        after 20
        assert_equal {} [r get k]
        assert_equal 0 [r exists h]
        r debug set-active-expire 1
        assert_equal {{0 k set} {0 k expire} {0 h hset} {0 h expire} {0 k expired} {0 h expired}} \
            [cf_events]
    }

    test {FLUSHDB gives one entry with an empty key, after the flush} {
        cf_require
        cf_reset
        r select 1
        r set a 1
        r set b 1
        r flushdb
        r set c 1
        r select 0
        assert_equal {{1 a set} {1 b set} {1 {} flushdb} {1 c set}} [cf_events]
        cf_assert_increasing [cf_seqs] "seq"
        # FLUSHDB of the feed's database empties the feed too: its entry
        # is the first of the new feed
        r set d 1
        r flushdb
        assert_equal {{0 {} flushdb}} [cf_events]
    }

    test {FLUSHALL gives one entry with db "all", the first of the new feed} {
        cf_require
        cf_reset
        r set a 1
        r select 3
        r set b 1
        r select 0
        r flushall
        assert_equal {{all {} flushall}} [cf_events]
        r flushall async
        assert_equal {{all {} flushall}} [cf_events]
    }

    test {SWAPDB gives two entries, one per database, with one seq} {
        cf_require
        cf_reset
        r select 1
        r set a 1
        r swapdb 1 2
        r select 0
        assert_equal {{1 a set} {1 {} swapdb} {2 {} swapdb}} [cf_events]
        lassign [cf_seqs] s0 s1 s2
        assert_equal $s1 $s2
        assert {$s1 > $s0}
    }

    test {BACKUP RESTORE gives a "restore" entry after the restore, with the new seq} {
        cf_require
        cf_reset
        r set a 1
        r set b 1
        set id [cf_backup]
        r set c 1
        r del a
        lassign [r backup restore $id] rid rseq
        assert_equal $id $rid
        # the data and the feed are the backup's, then the restore's entry
        assert_equal {1 1 0} [list [r get a] [r get b] [r exists c]]
        assert_equal {{0 a set} {0 b set} {all {} restore}} [cf_events]
        assert_equal $rseq [lindex [cf_seqs] end]
        r set d 1
        assert_equal {0 d set} [lindex [cf_events] end]
        assert {[lindex [cf_seqs] end] > $rseq}
    }

    test {BACKUP RESTORE rewinds a consumer group on the feed with the data} {
        cf_require
        cf_reset
        r xgroup create feed g \$ mkstream
        r set a 1
        set ida [lindex [r xreadgroup group g c streams feed >] 0 1 0 0]
        r set b 1
        set id [cf_backup]
        set idb [lindex [r xreadgroup group g c streams feed >] 0 1 0 0]
        r xack feed g $ida $idb
        r set c 1
        r backup restore $id
        # the group is the backup's: a pending, b not yet delivered; then
        # the restore's entry, which tells the consumer what happened
        assert_equal [list $ida] [lmap p [r xpending feed g - + 10] {lindex $p 0}]
        set got [lindex [r xreadgroup group g c streams feed >] 0 1]
        assert_equal $idb [lindex $got 0 0]
        assert_equal {{0 b set} {all {} restore}} \
            [lmap e $got {lrange [dict values [lindex $e 1]] 0 2}]
    }

    test {MULTI/EXEC: one entry per change, one seq for the whole transaction} {
        cf_require
        cf_reset
        r set before 1
        r multi
        r set a 1
        r incr a
        r get a
        r lpush l x
        r del nokey
        r del a
        r exec
        r set after 1
        assert_equal {{0 before set} {0 a set} {0 a incrby} {0 l lpush} {0 a del} {0 after set}} \
            [cf_events]
        set seqs [cf_seqs]
        assert_equal 1 [llength [lsort -unique [lrange $seqs 1 4]]] "one seq in $seqs"
        cf_assert_increasing [lsort -unique $seqs] "seq"
        assert_equal 3 [llength [lsort -unique $seqs]]
        # a transaction that changes nothing adds nothing
        r multi
        r get a
        r exec
        assert_equal 6 [r xlen feed]
    }

    test {FLUSHDB and SWAPDB inside MULTI/EXEC and scripts keep their place in the feed} {
        cf_require
        # A consumer that replays the feed must see the flush between b and
        # c (c exists afterwards), and the swap between x and y.
        cf_reset
        r multi
        r select 1
        r set b 1
        r flushdb
        r set c 1
        r swapdb 1 2
        r set d 1
        r select 0
        r exec
        assert_equal {{1 b set} {1 {} flushdb} {1 c set} {1 {} swapdb} {2 {} swapdb} {1 d set}} \
            [cf_events] "MULTI/EXEC"
        cf_reset
        r eval {
            redis.call('select', 3)
            redis.call('set', 'x', 1)
            redis.call('flushdb')
            redis.call('set', 'y', 1)
            return 1
        } 0
        assert_equal {{3 x set} {3 {} flushdb} {3 y set}} [cf_events] "a script"
    }

    test {Every database-wide change of a transaction has its entry, however many} {
        cf_require
        cf_reset
        r multi
        for {set i 0} {$i < 6} {incr i} { r swapdb 1 2 }
        r exec
        assert_equal 12 [r xlen feed] "6 SWAPDBs in one MULTI/EXEC: [cf_events]"
        cf_reset
        r eval {
            redis.call('select', 3)
            for i = 1, 10 do redis.call('flushdb') end
            return 1
        } 0
        assert_equal 10 [r xlen feed] "10 FLUSHDBs in one script"
    }

    test {A script's writes: one entry per change, one seq for the script} {
        cf_require
        cf_reset
        r eval {
            redis.call('set', KEYS[1], 1)
            redis.call('lpush', KEYS[2], 'x', 'y')
            redis.call('get', KEYS[1])
            redis.call('expire', KEYS[1], 100)
            return 1
        } 2 a l
        r set after 1
        assert_equal {{0 a set} {0 l lpush} {0 a expire} {0 after set}} [cf_events]
        set seqs [cf_seqs]
        assert_equal 1 [llength [lsort -unique [lrange $seqs 0 2]]] "one seq in $seqs"
        assert {[lindex $seqs 3] > [lindex $seqs 0]}
        # a function's writes too
        r function load {#!lua name=cflib
            redis.register_function('cfset', function(keys, args)
                redis.call('set', keys[1], args[1])
                redis.call('set', keys[2], args[1])
                return 1
            end)}
        r fcall cfset 2 f1 f2 v
        assert_equal {{0 f1 set} {0 f2 set}} [lrange [cf_events] end-1 end]
        assert_equal 1 [llength [lsort -unique [lrange [cf_seqs] end-1 end]]]
        r function delete cflib
    }
}

# ------------------------------------------------------------ blocked clients, retention

start_server {tags {changefeed redis-kv-only}} {
    cf_probe

    test {A BLPOP served by an LPUSH: the lpush's entry, then the pop's} {
        cf_require
        cf_reset
        set rd [blocked_client 2 1 blpop bl 0]
        r lpush bl v
        assert_equal {bl v} [$rd read]
        $rd close
        assert_equal {{0 bl lpush} {0 bl lpop} {0 bl del}} [cf_events]
        lassign [cf_seqs] spush spop sdel
        assert_equal $spop $sdel "the pop and its del: one change"
        assert {$spush < $spop}
        # served inside a transaction: the pop comes after the EXEC's batch
        set rd [blocked_client 2 1 blmove bl dst left right 0]
        r multi
        r rpush bl a b
        r set k 1
        r exec
        assert_equal a [$rd read]
        $rd close
        # (redis-server 7.0.15 publishes the push to dst before the pop)
        assert_equal {{0 bl rpush} {0 k set} {0 dst rpush} {0 bl lpop}} [lrange [cf_events] 3 end]
        lassign [lrange [cf_seqs] 3 end] s1 s2 s3 s4
        assert_equal [list $s1 $s3] [list $s2 $s4]
        assert {$s1 < $s3}
    }

    test {A consumer blocked in XREADGROUP on the feed is woken by any change} {
        cf_require
        cf_reset
        r xgroup create feed g \$ mkstream
        # a change in another database
        set rd [blocked_client 2 1 xreadgroup group g c block 0 streams feed >]
        r select 6
        r hset h f v
        r select 0
        set reply [$rd read]
        assert_equal feed [lindex $reply 0 0]
        set entries [lindex $reply 0 1]
        assert_equal 1 [llength $entries]
        lassign [lindex $entries 0] id1 fields
        assert_equal {6 h hset} [list [dict get $fields db] [dict get $fields key] [dict get $fields event]]
        assert_equal 1 [r xack feed g $id1]
        # a database-wide change
        $rd xreadgroup group g c block 0 streams feed >
        wait_for_blocked_clients_count 1
        r select 7
        r set x 1
        r select 0
        set first [lindex [$rd read] 0 1 0]
        assert_equal {7 x set} [lrange [dict values [lindex $first 1]] 0 2]
        $rd xreadgroup group g c block 0 streams feed >
        wait_for_blocked_clients_count 1
        r swapdb 8 9
        set got [lindex [$rd read] 0 1]
        assert_equal {{8 {} swapdb} {9 {} swapdb}} \
            [lmap e $got {lrange [dict values [lindex $e 1]] 0 2}]
        # a plain XREAD of the feed is woken too
        $rd xread block 0 streams feed \$
        wait_for_blocked_clients_count 1
        r incr n
        assert_equal {0 n incrby} [lrange [dict values [lindex [$rd read] 0 1 0 1]] 0 2]
        $rd close
    }

    test {A consumer blocked on the feed is woken by an expiry of the active cycle} {
        cf_require
        cf_reset changefeed-events x
        r xgroup create feed g \$ mkstream
        set rd [blocked_client 2 1 xreadgroup group g c block 0 streams feed >]
        # The SET is not fed (x only); its expiry, by the active cycle, is.
        # No command may reach the server until the consumer is served:
        # any command would serve it as a side effect.
        r set gone v px 20
        $rd io_timeout 3
        if {[catch {$rd read} reply]} {
            $rd close
            fail "not woken within 3 s by the entry the active expire cycle wrote: $reply\
                  (feed now: [cf_events])"
        }
        $rd close
        assert_equal {0 gone expired} [lrange [dict values [lindex $reply 0 1 0 1]] 0 2]
    }

    test {changefeed-maxlen N keeps about N entries (approximate trimming)} {
        cf_require
        foreach node {100 10} {
            r config set stream-node-max-entries $node
            cf_reset changefeed-maxlen 100
            set cmds {}
            for {set i 0} {$i < 1000} {incr i} { lappend cmds [list set k$i $i] }
            set c [redis_client]
            pipeline_replies $c $cmds
            set last [lindex [cf_entries] end]
            assert_equal {0 k999 set} [lrange $last 0 2] "node size $node"
            $c close
            assert_range [r xlen feed] 100 [expr {100 + $node}] "XLEN with node size $node"
            assert_equal 1000 [dict get [r xinfo stream feed] entries-added]
        }
        r config set stream-node-max-entries 100
        # maxlen 0: no trimming
        cf_reset
        for {set i 0} {$i < 300} {incr i} { r set k$i $i }
        assert_equal 300 [r xlen feed]
    }
}

# ------------------------------------------------------------ the crash test
#
# A server with appendfsync always and the feed on; writer clients each
# pipeline SETs of keys of their own (cf:<writer>:<n>, each key written
# once, with a value naming it); a consumer group g on the feed whose one
# consumer reads with XREADGROUP (first its pending entries from ID 0,
# after each restart, then > with a short BLOCK) and XACKs each batch it
# read.  The server is killed with kill -9 from a separate process (a
# shell that sleeps a seeded random time, then signals the server's PID),
# so the kill lands wherever the server is; then it restarts on its
# directory, and the clients start again.  The loop is one Tcl thread: in
# each step the consumer's read goes out, then every writer's batch, then
# the replies are read in that order, then the XACK.
#
# Replies that reached the socket before the kill count as acknowledged
# (the server replies only once the write is on disk).  A SET in flight
# at the kill may have survived (its key then exists, with its value, and
# its change is in the feed) or not (neither).  An entry the consumer read
# may come again from its pending entries when its XACK was in flight at
# the kill: that is a redelivery of the same ID, not a second change.
# Checked after each restart: every acknowledged SET is there with its
# value, no entry whose XACK was acknowledged is pending again.  Checked
# at the end, after the consumer drained the feed:
#   - every acknowledged SET was delivered, exactly once (one feed entry);
#   - every delivered change is a SET a writer sent, whose key exists now
#     with that value (none invented, none from a write that was lost);
#   - no key has two entries; no ID came twice by >;
#   - the delivered entries' IDs and seqs increase in the order the
#     consumer first read them (log order);
#   - the keys of the data set are exactly the keys delivered, and the
#     feed holds exactly the entries delivered.

set ::cfc_rounds 6           ;# kill -9 and restart this many times
set ::cfc_writers 3
set ::cfc_pipeline 8         ;# SETs each writer sends in one go
set ::cfc_min_ms 300         ;# traffic before each kill: from ...
set ::cfc_max_ms 700         ;# ... to this many milliseconds
set ::cfc_seed [expr {[info exists ::env(CHANGEFEED_CRASH_SEED)] &&
                      $::env(CHANGEFEED_CRASH_SEED) ne ""
                      ? $::env(CHANGEFEED_CRASH_SEED) : [clock milliseconds] % 1000000}]

proc cfc_fail {msg} {
    fail "$msg (seed $::cfc_seed; replay with CHANGEFEED_CRASH_SEED=$::cfc_seed)"
}

proc cfc_reset_model {} {
    set ::cfc_sent [dict create]      ;# key -> value: every SET sent
    set ::cfc_acked [dict create]     ;# key -> 1: the SETs whose OK arrived
    set ::cfc_handled [dict create]   ;# feed ID -> {db key event seq}: read by the consumer
    set ::cfc_order {}                ;# those IDs, in the order first read
    set ::cfc_xacked [dict create]    ;# feed ID -> 1: its XACK was acknowledged
    set ::cfc_errors {}
    set ::cfc_stats [dict create sets 0 acked 0 unanswered 0 redelivered 0]
    for {set w 0} {$w < $::cfc_writers} {incr w} { set ::cfc_next($w) 0 }
}

# Records the entries of the consumer's XREADGROUP REPLY (FROM: pending
# or new); returns their IDs.
proc cfc_consume {reply from} {
    set ids {}
    foreach stream $reply {
        foreach e [lindex $stream 1] {
            lassign $e id fields
            lappend ids $id
            if {[dict exists $::cfc_xacked $id]} {
                lappend ::cfc_errors "$id read again ($from) after its XACK was acknowledged"
            }
            if {[dict exists $::cfc_handled $id]} {
                if {$from eq "new"} { lappend ::cfc_errors "$id read twice by >" }
                dict incr ::cfc_stats redelivered
                continue
            }
            if {[llength $fields] != 8} {
                lappend ::cfc_errors "$id has the fields {$fields}"
                continue
            }
            dict set ::cfc_handled $id [list [dict get $fields db] [dict get $fields key] \
                                            [dict get $fields event] [dict get $fields seq]]
            lappend ::cfc_order $id
        }
    }
    return $ids
}

# One life of server S: traffic until the kill, which comes after a random
# time.  The server is dead afterwards.
proc cfc_round {s round} {
    set pid [dict get $s pid]
    set writers {}
    for {set w 0} {$w < $::cfc_writers} {incr w} {
        set c [redis_deferring_client $s]
        $c io_timeout 10
        lappend writers $c
        set inflight($w) {}
    }
    set cons [redis_deferring_client $s]
    $cons io_timeout 10
    set from 0                  ;# pending entries first, from this ID
    set ms [expr {$::cfc_min_ms + int(rand() * ($::cfc_max_ms - $::cfc_min_ms))}]
    set t0 [clock milliseconds]
    set killer [exec /bin/sh -c "sleep [format %.3f [expr {$ms / 1000.0}]]; kill -KILL $pid 2>/dev/null" &]
    set phase start
    set rc [catch {
        while 1 {
            if {$from ne ""} {
                $cons xreadgroup group g c count 100 streams feed $from
            } else {
                $cons xreadgroup group g c count 100 block 50 streams feed >
            }
            set w 0
            foreach c $writers {
                set buf ""
                for {set i 0} {$i < $::cfc_pipeline} {incr i} {
                    set key cf:$w:[incr ::cfc_next($w)]
                    set val "v-$key-r$round"
                    dict set ::cfc_sent $key $val
                    append buf [::redis::__format_command [list set $key $val]]
                    lappend inflight($w) $key
                    dict incr ::cfc_stats sets
                }
                $c write $buf
                $c flush
                incr w
            }
            set phase sets
            set w 0
            foreach c $writers {
                while {[llength $inflight($w)]} {
                    set reply [$c read]
                    set key [lindex $inflight($w) 0]
                    set inflight($w) [lrange $inflight($w) 1 end]
                    if {$reply ne "OK"} { lappend ::cfc_errors "SET $key replied '$reply'" }
                    dict set ::cfc_acked $key 1
                    dict incr ::cfc_stats acked
                }
                incr w
            }
            set phase xreadgroup
            set reply [$cons read]
            set ids [cfc_consume $reply [expr {$from eq "" ? "new" : "pending"}]]
            if {$from ne ""} {
                set from [expr {[llength $ids] ? [lindex $ids end] : ""}]
            }
            if {[llength $ids]} {
                $cons xack feed g {*}$ids
                set phase xack
                set n [$cons read]
                if {$n != [llength $ids]} {
                    lappend ::cfc_errors "XACK of [llength $ids] entries read replied $n"
                }
                foreach id $ids { dict set ::cfc_xacked $id 1 }
            }
        }
    } err]
    set lost [clock milliseconds]
    foreach c $writers { catch {$c close} }
    catch {$cons close}
    if {$rc == 1 && ![string match "I/O error*" $err]} {
        catch {exec kill -KILL $killer}
        cfc_fail "round $round: $err"
    }
    if {$lost < $t0 + $ms} {
        catch {exec kill -KILL $killer}
        cfc_fail "round $round: the server went away [expr {$lost - $t0}] ms into the round,\
            before the kill at $ms ms\n[file_tail [dict get $s stdout] 20]"
    }
    if {![wait_server_exit $s 10] || ![::server::wait_exit $killer 10]} {
        cfc_fail "round $round: the server (pid $pid) survived kill -9"
    }
    for {set w 0} {$w < $::cfc_writers} {incr w} {
        dict incr ::cfc_stats unanswered [llength $inflight($w)]
    }
    dict incr ::cfc_stats killed-in-$phase
}

# The values of KEYS on client C, MGET in slices.
proc cfc_mget {c keys} {
    set out {}
    for {set i 0} {$i < [llength $keys]} {incr i 500} {
        lappend out {*}[$c mget {*}[lrange $keys $i [expr {$i + 499}]]]
    }
    return $out
}

# After a restart: every acknowledged SET is there, no entry whose XACK
# was acknowledged is pending.
proc cfc_check_restart {c round} {
    set keys [dict keys $::cfc_acked]
    set bad {}
    foreach k $keys v [cfc_mget $c $keys] {
        if {$v ne [dict get $::cfc_sent $k]} { lappend bad "$k (SET acknowledged) is '$v'" }
    }
    foreach p [$c xpending feed g - + 1000000] {
        if {[dict exists $::cfc_xacked [lindex $p 0]]} {
            lappend bad "[lindex $p 0] (XACK acknowledged) is pending again"
        }
    }
    if {[llength $bad]} {
        cfc_fail "after round $round ([llength $bad] violations):\n[join [lrange $bad 0 19] \n]"
    }
}

# The consumer reads what is left: its pending entries, then every new one.
proc cfc_drain {c} {
    foreach {from kind} {0 pending > new} {
        while 1 {
            set ids [cfc_consume [$c xreadgroup group g c count 1000 streams feed $from] $kind]
            if {![llength $ids]} break
            assert_equal [llength $ids] [$c xack feed g {*}$ids]
            foreach id $ids { dict set ::cfc_xacked $id 1 }
            if {$kind eq "pending"} { set from [lindex $ids end] }
        }
    }
}

# The checks of the end (see above); returns the violations.
proc cfc_violations {c} {
    set bad {}
    # what was delivered, per key
    set delivered [dict create]
    dict for {id e} $::cfc_handled {
        lassign $e db key event seq
        if {$db ne "0" || $event ne "set"} {
            lappend bad "$id is {$e}: not a SET of the writers"
            continue
        }
        if {![dict exists $::cfc_sent $key]} {
            lappend bad "$id is a change of $key, which no writer sent"
            continue
        }
        if {[dict exists $delivered $key]} {
            lappend bad "$key delivered twice: [dict get $delivered $key] and $id"
        }
        dict set delivered $key $id
    }
    # the data set
    set data [dict create]
    set keys [lsort [$c keys cf:*]]
    foreach k $keys v [cfc_mget $c $keys] { dict set data $k $v }
    dict for {key id} $delivered {
        if {![dict exists $data $key]} {
            lappend bad "$key delivered ($id) but not in the data set"
        } elseif {[dict get $data $key] ne [dict get $::cfc_sent $key]} {
            lappend bad "$key delivered ($id) but holds '[dict get $data $key]'"
        }
    }
    dict for {key v} $data {
        if {![dict exists $delivered $key]} {
            lappend bad "$key is in the data set but its change was never delivered"
        }
    }
    dict for {key _} $::cfc_acked {
        if {![dict exists $delivered $key]} {
            lappend bad "$key (SET acknowledged) was never delivered"
        }
    }
    # log order
    set prev_id ""
    set prev_seq ""
    foreach id $::cfc_order {
        set seq [lindex [dict get $::cfc_handled $id] 3]
        if {$prev_id ne "" && ![cf_id_less $prev_id $id]} {
            lappend bad "$id was read after $prev_id"
        }
        if {$prev_seq ne "" && $seq <= $prev_seq} {
            lappend bad "$id has seq $seq, read after seq $prev_seq"
        }
        set prev_id $id
        set prev_seq $seq
    }
    # the feed holds exactly what was delivered, and nothing is pending
    set feed {}
    foreach e [$c xrange feed - +] { lappend feed [lindex $e 0] }
    if {$feed ne $::cfc_order} {
        set i 0
        while {[lindex $feed $i] eq [lindex $::cfc_order $i]} { incr i }
        lappend bad "the feed holds [llength $feed] entries, [llength $::cfc_order] were delivered;\
            entry $i of the feed is '[lindex $feed $i]', of the delivered '[lindex $::cfc_order $i]'"
    }
    if {[lindex [$c xpending feed g] 0] != 0} {
        lappend bad "[lindex [$c xpending feed g] 0] entries still pending after the drain"
    }
    return $bad
}

start_server {tags {changefeed redis-kv-only needs:own-server}} {
    cf_probe

    test {Change feed under kill -9: each surviving change delivered once, in log order} {
        cf_require
        expr {srand($::cfc_seed)}
        cfc_reset_model
        set s [spawn_durable_server "" {changefeed-key feed}]
        set c [dict get $s client]
        assert_equal OK [$c xgroup create feed g \$ mkstream]
        set log {}
        for {set round 1} {$round <= $::cfc_rounds} {incr round} {
            cfc_round $s $round
            if {[llength $::cfc_errors]} {
                cfc_fail "round $round, replies before the kill:\n[join [lrange $::cfc_errors 0 9] \n]"
            }
            set s [restart_server $s]
            set c [dict get $s client]
            cfc_check_restart $c $round
            lappend log "after round $round: [dict get $::cfc_stats sets] SETs sent,\
                [dict get $::cfc_stats acked] acknowledged, [dict size $::cfc_handled] delivered,\
                [dict get $::cfc_stats redelivered] read again; $::cfc_stats"
        }
        cfc_drain $c
        if {[llength $::cfc_errors]} {
            cfc_fail "draining the feed:\n[join [lrange $::cfc_errors 0 9] \n]"
        }
        set bad [cfc_violations $c]
        if {[llength $bad]} {
            cfc_fail "[llength $bad] violations:\n[join [lrange $bad 0 19] \n]"
        }
        set survived [expr {[dict size $::cfc_handled] - [dict size $::cfc_acked]}]
        lappend log "in all: [dict get $::cfc_stats sets] SETs sent, [dict size $::cfc_acked]\
            acknowledged, [dict get $::cfc_stats unanswered] unanswered at a kill\
            ($survived of them survived), [dict size $::cfc_handled] changes delivered once,\
            [dict get $::cfc_stats redelivered] pending entries read again (seed $::cfc_seed)"
        stop_server $s
        if {$::test::verbose} { puts [join $log \n] }
        assert_morethan [dict size $::cfc_acked] 0 "acknowledged SETs"
    }
}
