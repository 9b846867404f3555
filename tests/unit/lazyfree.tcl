# Lazy freeing: which deletes hand a collection to the lazy-free thread
# (UNLINK; DEL, FLUSHDB/FLUSHALL, implicit and expiry deletes per the
# lazyfree-lazy-* directives), the rule that only a hashtable of more
# than 64 elements is worth it (Redis's LAZYFREE_THRESHOLD: listpacks,
# intsets, strings and small tables are freed at once), and INFO's
# lazyfree_pending_objects / lazyfreed_objects (a collection counts 1, a
# flushed database its number of keys; CONFIG RESETSTAT zeroes the
# second).  Replies never depend on the mode: the key is gone before the
# reply either way.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/lazyfree
# Nothing here is redis-kv-only.  A test never asserts a timing: it waits
# until nothing is pending and then compares the counter.

# ------------------------------------------------------------------ helpers

# Waits until the lazy-free thread has nothing queued, then returns
# lazyfreed_objects.
proc lazyfreed {} {
    wait_for_condition 100 50 {
        [server_info_field r lazyfree_pending_objects] == 0
    } else {
        fail "lazyfree_pending_objects never went back to 0"
    }
    return [server_info_field r lazyfreed_objects]
}

# Fills KEY with N set members (integers from 0; past set-max-intset-entries
# that is a hashtable), SADD'ed 1000 at a time.
proc fill_set {key n {prefix ""}} {
    for {set i 0} {$i < $n} {incr i 1000} {
        set args {}
        for {set j $i} {$j < $n && $j < $i + 1000} {incr j} { lappend args $prefix$j }
        r sadd $key {*}$args
    }
}

# Fills KEY with N hash fields f0.. (values v0..), HSET 1000 at a time.
proc fill_hash {key n} {
    for {set i 0} {$i < $n} {incr i 1000} {
        set args {}
        for {set j $i} {$j < $n && $j < $i + 1000} {incr j} { lappend args f$j v$j }
        r hset $key {*}$args
    }
}

# Runs BODY with lazyfree-lazy-OPT yes, then back to no (the default).
proc with_lazy {opt body} {
    r config set lazyfree-lazy-$opt yes
    try { uplevel 1 $body } finally { r config set lazyfree-lazy-$opt no }
}

set ::lazyfree_options {
    lazyfree-lazy-eviction lazyfree-lazy-expire lazyfree-lazy-server-del
    lazyfree-lazy-user-del lazyfree-lazy-user-flush
}

start_server {tags {lazyfree}} {
    # ------------------------------------------------------------- UNLINK

    test {UNLINK of a 100,000-member set answers 1 and frees it in the background} {
        r flushall
        fill_set myset 100000
        assert_equal 100000 [r scard myset]
        assert_equal hashtable [r object encoding myset]
        set before [lazyfreed]
        assert_equal 1 [r unlink myset]
        assert_equal 0 [r exists myset]
        assert_equal 0 [r scard myset]
        wait_for_condition 100 50 {
            [server_info_field r lazyfreed_objects] == $before + 1
        } else {
            fail "lazyfreed_objects did not grow by 1"
        }
        assert_equal 0 [server_info_field r lazyfree_pending_objects]
    }

    test {UNLINK of a big hash is lazy too} {
        fill_hash myhash 1000
        assert_equal hashtable [r object encoding myhash]
        set before [lazyfreed]
        assert_equal 1 [r unlink myhash]
        assert_equal 0 [r exists myhash]
        assert_equal [expr {$before + 1}] [lazyfreed]
    }

    test {UNLINK of a small set, an intset, a listpack hash or a string frees at once} {
        r sadd small a b c
        fill_set ints 500
        assert_equal intset [r object encoding ints]
        r hset lp f1 v1 f2 v2
        assert_equal listpack [r object encoding lp]
        r set str hello
        set before [lazyfreed]
        assert_equal 4 [r unlink small ints lp str]
        assert_equal 0 [r exists small ints lp str]
        assert_equal $before [lazyfreed]
    }

    test {UNLINK: 64 elements in a hashtable are freed at once, 65 lazily} {
        fill_set s64 64 m
        fill_set s65 65 m
        assert_equal hashtable [r object encoding s64]
        set before [lazyfreed]
        assert_equal 1 [r unlink s64]
        assert_equal $before [lazyfreed]
        assert_equal 1 [r unlink s65]
        assert_equal [expr {$before + 1}] [lazyfreed]
    }

    test {UNLINK counts each key once, missing ones not at all} {
        fill_set a 100 m
        fill_set b 100 m
        set before [lazyfreed]
        assert_equal 2 [r unlink a nosuchkey b a]
        assert_equal [expr {$before + 2}] [lazyfreed]
    }

    test {UNLINK inside MULTI is lazy} {
        fill_set inmulti 1000
        set before [lazyfreed]
        r multi
        r unlink inmulti
        r exists inmulti
        assert_equal {1 0} [r exec]
        assert_equal [expr {$before + 1}] [lazyfreed]
    }

    test {UNLINK errors: arity} {
        assert_error {ERR wrong number of arguments for 'unlink' command} {r unlink}
    }

    # ---------------------------------------------------------------- DEL

    test {DEL of a big set frees at once by default} {
        assert_equal no [lindex [r config get lazyfree-lazy-user-del] 1]
        fill_set delset 1000
        set before [lazyfreed]
        assert_equal 1 [r del delset]
        assert_equal 0 [r exists delset]
        assert_equal $before [lazyfreed]
    }

    test {DEL with lazyfree-lazy-user-del yes is lazy, and keeps the threshold} {
        with_lazy user-del {
            fill_set delset 1000
            fill_set smallset 10 m
            set before [lazyfreed]
            assert_equal 2 [r del delset smallset]
            assert_equal 0 [r exists delset smallset]
            assert_equal [expr {$before + 1}] [lazyfreed]
        }
    }

    # ----------------------------------------------------- FLUSHDB/FLUSHALL

    test {FLUSHALL ASYNC frees every database's keys in the background} {
        r flushall
        fill_hash bighash 20000
        r set s1 a
        r set s2 b
        r select 9
        r set other x
        r select 0
        set before [lazyfreed]
        assert_equal OK [r flushall async]
        assert_equal 0 [r dbsize]
        assert_equal 0 [r exists bighash]
        r select 9
        assert_equal 0 [r dbsize]
        r select 0
        # Redis counts a flushed database by its keys: 3 + 1.
        assert_equal [expr {$before + 4}] [lazyfreed]
    }

    test {FLUSHDB ASYNC frees only the selected database's keys} {
        fill_set bigset 5000
        r set k v
        r select 9
        r set other x
        set before [lazyfreed]
        assert_equal OK [r flushdb async]
        assert_equal 0 [r dbsize]
        r select 0
        assert_equal 2 [r dbsize]
        assert_equal [expr {$before + 1}] [lazyfreed]
        assert_equal OK [r flushdb ASYNC]
        assert_equal [expr {$before + 3}] [lazyfreed]
    }

    test {FLUSHALL and FLUSHDB free at once by default and with SYNC} {
        fill_set bigset 5000
        set before [lazyfreed]
        assert_equal OK [r flushall]
        fill_set bigset 5000
        assert_equal OK [r flushdb sync]
        fill_set bigset 5000
        assert_equal OK [r flushall SYNC]
        assert_equal 0 [r dbsize]
        assert_equal $before [lazyfreed]
    }

    test {lazyfree-lazy-user-flush yes makes a plain FLUSHALL lazy, not a SYNC one} {
        with_lazy user-flush {
            fill_set bigset 5000
            r set k v
            set before [lazyfreed]
            assert_equal OK [r flushall]
            assert_equal 0 [r dbsize]
            assert_equal [expr {$before + 2}] [lazyfreed]
            fill_set bigset 5000
            assert_equal OK [r flushdb]
            assert_equal [expr {$before + 3}] [lazyfreed]
            fill_set bigset 5000
            assert_equal OK [r flushall sync]
            assert_equal [expr {$before + 3}] [lazyfreed]
        }
    }

    test {FLUSHALL ASYNC of an empty server counts nothing} {
        r flushall
        set before [lazyfreed]
        assert_equal OK [r flushall async]
        assert_equal $before [lazyfreed]
    }

    test {FLUSHALL and FLUSHDB errors: syntax} {
        assert_error {ERR syntax error} {r flushall lazy}
        assert_error {ERR syntax error} {r flushall async sync}
        assert_error {ERR syntax error} {r flushdb async async}
    }

    # ------------------------------------------------ implicit deletes

    test {SET over a big set frees it at once by default} {
        fill_set over 1000
        set before [lazyfreed]
        assert_equal OK [r set over x]
        assert_equal x [r get over]
        assert_equal $before [lazyfreed]
    }

    test {SET over a big set with lazyfree-lazy-server-del yes is lazy} {
        with_lazy server-del {
            fill_set over2 1000
            set before [lazyfreed]
            assert_equal OK [r set over2 x]
            assert_equal x [r get over2]
            assert_equal string [r type over2]
            assert_equal [expr {$before + 1}] [lazyfreed]
        }
    }

    test {lazyfree-lazy-server-del: RENAME, COPY REPLACE and SUNIONSTORE destinations} {
        with_lazy server-del {
            r flushall
            fill_set src 10 m
            fill_set dst 1000
            set before [lazyfreed]
            assert_equal OK [r rename src dst]
            assert_equal 10 [r scard dst]
            assert_equal [expr {$before + 1}] [lazyfreed]

            fill_set dst2 1000
            assert_equal 1 [r copy dst dst2 replace]
            assert_equal 10 [r scard dst2]
            assert_equal [expr {$before + 2}] [lazyfreed]

            fill_set dst3 1000
            assert_equal 10 [r sunionstore dst3 dst]
            assert_equal 10 [r scard dst3]
            assert_equal [expr {$before + 3}] [lazyfreed]

            # An empty result deletes the destination: lazily too.
            fill_set dst4 1000
            assert_equal 0 [r sunionstore dst4 nosuchkey]
            assert_equal 0 [r exists dst4]
            assert_equal [expr {$before + 4}] [lazyfreed]
        }
    }

    test {Without lazyfree-lazy-server-del a RENAME destination is freed at once} {
        r flushall
        fill_set src 10 m
        fill_set dst 1000
        set before [lazyfreed]
        assert_equal OK [r rename src dst]
        assert_equal $before [lazyfreed]
    }

    # ------------------------------------------------------------- expiry

    test {EXPIRE in the past frees at once by default, lazily with lazyfree-lazy-expire yes} {
        fill_set exp 1000
        set before [lazyfreed]
        assert_equal 1 [r expire exp -1]
        assert_equal 0 [r exists exp]
        assert_equal $before [lazyfreed]
        with_lazy expire {
            fill_set exp 1000
            assert_equal 1 [r expire exp -1]
            assert_equal 0 [r exists exp]
            assert_equal [expr {$before + 1}] [lazyfreed]
        }
    }

    test {A big set that expires is freed lazily with lazyfree-lazy-expire yes} {
        with_lazy expire {
            fill_set exp2 1000
            set before [lazyfreed]
            assert_equal 1 [r pexpire exp2 20]
            wait_for_condition 100 20 {
                [r exists exp2] == 0
            } else {
                fail "exp2 did not expire"
            }
            assert_equal [expr {$before + 1}] [lazyfreed]
        }
    }

    # ------------------------------------------------------------- config

    test {CONFIG GET of each lazyfree-lazy-* directive: Redis 7.0's default no} {
        foreach opt $::lazyfree_options {
            assert_equal [list $opt no] [r config get $opt]
        }
        assert_equal 10 [llength [r config get lazyfree-lazy-*]]
    }

    test {CONFIG SET of each lazyfree-lazy-* directive: yes and no, any case} {
        foreach opt $::lazyfree_options {
            assert_equal OK [r config set $opt yes]
            assert_equal [list $opt yes] [r config get $opt]
            assert_equal OK [r config set $opt NO]
            assert_equal [list $opt no] [r config get $opt]
        }
    }

    test {CONFIG SET of a lazyfree-lazy-* directive refuses a value that is not a boolean} {
        foreach opt $::lazyfree_options {
            assert_error "ERR CONFIG SET failed (possibly related to argument '$opt') - argument must be 'yes' or 'no'" {
                r config set $opt maybe
            }
            assert_equal [list $opt no] [r config get $opt]
        }
    }

    # -------------------------------------------------------------- stats

    test {INFO reports both counters in the memory section} {
        set mem [r info memory]
        assert_match "*lazyfree_pending_objects:*" $mem
        assert_match "*lazyfreed_objects:*" $mem
    }

    test {CONFIG RESETSTAT zeroes lazyfreed_objects} {
        fill_set big 1000
        r unlink big
        assert_morethan [lazyfreed] 0
        r config resetstat
        assert_equal 0 [lazyfreed]
    }
}

# redis-kv only: the log records of a lazily freed collection stop being
# live once the lazy-free thread has tallied them, so storage_live_bytes
# goes back to what it was and a compaction gives up every segment they
# were in.  Skipped against a server without the storage section.
start_server {tags {lazyfree redis-kv-only needs:own-server}} {
    test {After UNLINK and FLUSHALL ASYNC the live bytes drop and compaction frees the log} {
        if {[catch {server_info_field r storage_live_bytes}]} { skip "not redis-kv" }
        r config set segment-size 64kb
        r config set compact-garbage-percent 0
        r flushall
        r set keep v
        set live0 [server_info_field r storage_live_bytes]
        fill_set big 50000
        fill_hash bighash 20000
        assert_morethan [server_info_field r storage_live_bytes] [expr {$live0 + 1000000}]
        assert_morethan [server_info_field r storage_segments] 20
        assert_equal 1 [r unlink big]
        r select 9
        fill_set other 5000
        assert_equal OK [r flushdb async]
        r select 0
        assert_equal 1 [r unlink bighash]
        lazyfreed
        wait_for_condition 100 50 {
            [server_info_field r storage_live_bytes] == $live0
        } else {
            fail "live bytes stay at [server_info_field r storage_live_bytes], not $live0"
        }
        assert_equal {Background append only file rewriting started} [r bgrewriteaof]
        wait_for_condition 3000 20 {
            [server_info_field r aof_rewrite_in_progress] == 0
        } else {
            fail "the compaction did not end"
        }
        assert_equal 0 [server_info_field r storage_compactions_failed]
        assert_lessthan [server_info_field r storage_segments] 5
        assert_equal $live0 [server_info_field r storage_live_bytes]
        assert_equal v [r get keep]
    }
}

# The threshold for lists is redis-kv's own count: chunks of 255 elements,
# where Redis counts quicklist nodes of up to 8 KB.
start_server {tags {lazyfree redis-kv-only}} {
    test {UNLINK of a list of more than 64 chunks is lazy, a smaller list is not} {
        # 255 elements a chunk: 65 chunks are past the threshold, 64 not
        r del biglist smalllist
        for {set i 0} {$i < 65 * 255} {incr i 255} {
            set args {}
            for {set j 0} {$j < 255} {incr j} { lappend args [expr {$i + $j}] }
            r rpush biglist {*}$args
            if {$i < 64 * 255} { r rpush smalllist {*}$args }
        }
        set before [lazyfreed]
        assert_equal 1 [r unlink smalllist]
        assert_equal $before [lazyfreed]
        assert_equal 1 [r unlink biglist]
        assert_equal 0 [r exists biglist]
        wait_for_condition 100 50 {
            [server_info_field r lazyfreed_objects] == $before + 1
        } else {
            fail "lazyfreed_objects did not grow by 1"
        }
    }
}
