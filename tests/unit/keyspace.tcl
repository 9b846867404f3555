# Keyspace commands: DEL, UNLINK, EXISTS, DBSIZE, FLUSHDB, FLUSHALL (with
# ASYNC/SYNC), and the independence of the databases chosen with SELECT.
#
# Checked against a real redis-server 7.0.15 (tests/runtest --server
# /usr/bin/redis-server --single unit/keyspace).  Keys are written with the
# string commands (SET MSET GET MGET); no TTL commands are used.

# DBSIZE of every database 0..N-1 (the default client ends up in db 0).
proc ks_sizes {{n 16}} {
    set out {}
    for {set i 0} {$i < $n} {incr i} {
        r select $i
        lappend out [r dbsize]
    }
    r select 0
    return $out
}

start_server {tags {keyspace}} {
    r null_value (nil)

    # ------------------------------------------------------------------ DEL
    test {DEL of one key} {
        r flushall
        r set a 1
        assert_equal 1 [r del a]
        assert_equal (nil) [r get a]
        assert_equal 0 [r del a]
        assert_equal 0 [r dbsize]
    }

    test {DEL of several keys returns how many existed} {
        r flushall
        r mset a 1 b 2 c 3
        assert_equal 2 [r del a b x y]
        assert_equal {(nil) (nil) 3} [r mget a b c]
        assert_equal 0 [r del a b x y]
        assert_equal 1 [r dbsize]
        assert_equal ":1\r\n" [raw_reply del c]
        assert_equal ":0\r\n" [raw_reply del c]
    }

    test {DEL of a key named twice counts it once} {
        r flushall
        r mset a 1 b 2
        assert_equal 1 [r del a a]
        assert_equal 1 [r del b b b x x]
        assert_equal 0 [r dbsize]
    }

    test {DEL of an expired key returns 0} {
        r flushall
        r set e v PX 100
        r set f v
        after 300
        assert_equal 1 [r del e f]
        assert_equal 0 [r dbsize]
    }

    test {DEL of many keys} {
        r flushall
        set args {}
        set keys {}
        for {set i 0} {$i < 2000} {incr i} {
            lappend args key:$i $i
            lappend keys key:$i
        }
        r mset {*}$args
        assert_equal 2000 [r dbsize]
        assert_equal 1000 [r del {*}[lrange $keys 0 999] nokey]
        assert_equal 1000 [r dbsize]
        assert_equal 1000 [r del {*}$keys]
        assert_equal 0 [r dbsize]
    }

    test {DEL with binary and empty key names} {
        r flushall
        r set "" empty
        r set "a\x00b" nul
        r set "a" plain
        r set "\xff\r\n" crlf
        assert_equal 1 [r del "a\x00b"]
        assert_equal plain [r get a]
        assert_equal 2 [r del "" "\xff\r\n"]
        assert_equal 1 [r dbsize]
        assert_equal 1 [r del a]
    }

    test {A deleted key can be created again} {
        r flushall
        r set k v1
        r del k
        assert_equal (nil) [r get k]
        r set k v2
        assert_equal v2 [r get k]
        assert_equal 1 [r dbsize]
    }

    # --------------------------------------------------------------- UNLINK
    test {UNLINK removes keys and returns the count, like DEL} {
        r flushall
        r mset a 1 b 2 c 3
        assert_equal 2 [r unlink a b x]
        assert_equal {(nil) (nil) 3} [r mget a b c]
        assert_equal 0 [r unlink a b x]
        assert_equal 1 [r unlink c c]
        assert_equal 0 [r dbsize]
        r set d 4
        assert_equal ":1\r\n" [raw_reply unlink d]
        assert_equal ":0\r\n" [raw_reply unlink d]
    }

    test {UNLINK of a large value and of an expired key} {
        r flushall
        r set big [string repeat x 3000000]
        r set e v PX 100
        after 300
        assert_equal 1 [r unlink big e]
        assert_equal 0 [r dbsize]
        assert_equal (nil) [r get big]
    }

    # --------------------------------------------------------------- EXISTS
    test {EXISTS counts existing keys} {
        r flushall
        r mset a 1 b 2
        assert_equal 1 [r exists a]
        assert_equal 0 [r exists x]
        assert_equal 2 [r exists a b]
        assert_equal 2 [r exists a x b y]
        assert_equal ":2\r\n" [raw_reply exists a b]
        assert_equal ":0\r\n" [raw_reply exists x]
    }

    test {EXISTS counts a key named several times each time} {
        r flushall
        r set a 1
        assert_equal 2 [r exists a a]
        assert_equal 3 [r exists a a a]
        assert_equal 3 [r exists a x a x a]
        assert_equal 0 [r exists x x]
    }

    test {EXISTS of an empty value, an empty name and an expired key} {
        r flushall
        r set empty ""
        r set "" v
        r set e v PX 100
        assert_equal 1 [r exists empty]
        assert_equal 1 [r exists ""]
        after 300
        assert_equal 0 [r exists e]
        assert_equal 2 [r exists empty "" e]
    }

    # --------------------------------------------------------------- DBSIZE
    test {DBSIZE counts the keys of the selected database} {
        r flushall
        assert_equal 0 [r dbsize]
        assert_equal ":0\r\n" [raw_reply dbsize]
        r mset a 1 b 2 c 3
        assert_equal 3 [r dbsize]
        r set a 10
        assert_equal 3 [r dbsize]
        r select 1
        assert_equal 0 [r dbsize]
        r set a 1
        assert_equal 1 [r dbsize]
        r select 0
        assert_equal 3 [r dbsize]
        assert_equal ":3\r\n" [raw_reply dbsize]
    }

    test {DBSIZE of every database} {
        r flushall
        for {set i 0} {$i < 16} {incr i} {
            r select $i
            for {set j 0} {$j < $i} {incr j} { r set key:$j $i }
        }
        r select 0
        assert_equal {0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15} [ks_sizes]
    }

    # --------------------------------------------------------------- SELECT
    test {Keys in different databases are independent} {
        r flushall
        r set k db0
        r select 1
        assert_equal (nil) [r get k]
        assert_equal 0 [r exists k]
        r set k db1
        r select 15
        r set k db15
        r select 0
        assert_equal db0 [r get k]
        r select 1
        assert_equal db1 [r get k]
        # DEL in one database leaves the others alone.
        assert_equal 1 [r del k]
        assert_equal 0 [r exists k]
        r select 0
        assert_equal db0 [r get k]
        r select 15
        assert_equal db15 [r get k]
        assert_equal 1 [r unlink k]
        r select 0
        assert_equal 1 [r exists k]
        assert_equal {1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0} [ks_sizes]
    }

    test {The selected database belongs to the connection} {
        r flushall
        set c1 [redis_client]
        set c2 [redis_client]
        $c1 select 3
        $c1 set k in3
        $c2 set k in0
        assert_equal in3 [$c1 get k]
        assert_equal in0 [$c2 get k]
        assert_equal in0 [r get k]
        assert_equal 1 [$c1 dbsize]
        $c2 select 3
        assert_equal in3 [$c2 get k]
        assert_equal 1 [$c2 del k]
        assert_equal 0 [$c1 exists k]
        $c1 close
        $c2 close
        # A new connection starts in database 0.
        set c3 [redis_client]
        assert_equal in0 [$c3 get k]
        $c3 close
    }

    test {SELECT errors keep the current database} {
        r flushall
        r select 2
        r set k two
        assert_error_equal "ERR DB index is out of range" {r select 16}
        assert_error_equal "ERR DB index is out of range" {r select -1}
        assert_error_equal "ERR value is not an integer or out of range" {r select abc}
        assert_error_equal "ERR value is not an integer or out of range" {r select 0.5}
        # A 64-bit integer outside the int range has its own message (sic).
        assert_error_equal "ERR value is out of range, value must between -2147483648 and 2147483647" {r select 4294967296}
        assert_error_equal "ERR value is out of range, value must between -2147483648 and 2147483647" {r select -2147483649}
        assert_error_equal "ERR DB index is out of range" {r select 2147483647}
        assert_error_equal "ERR value is not an integer or out of range" {r select 9223372036854775808}
        assert_equal two [r get k]
        r select 0
        assert_equal 0 [r exists k]
    }

    # -------------------------------------------------------------- FLUSHDB
    test {FLUSHDB empties only the selected database} {
        r flushall
        foreach db {0 1 2 15} {
            r select $db
            r mset a $db b $db c $db
        }
        r select 1
        assert_equal OK [r flushdb]
        assert_equal 0 [r dbsize]
        assert_equal {(nil) (nil)} [r mget a b]
        assert_equal {3 0 3 0 0 0 0 0 0 0 0 0 0 0 0 3} [ks_sizes]
        r select 2
        assert_equal {2 2 2} [r mget a b c]
        r select 0
        assert_equal {0 0 0} [r mget a b c]
        assert_equal "+OK\r\n" [raw_reply flushdb]
        assert_equal {0 0 3 0 0 0 0 0 0 0 0 0 0 0 0 3} [ks_sizes]
    }

    test {FLUSHDB ASYNC and SYNC (any case)} {
        r flushall
        foreach opt {ASYNC SYNC async sync Async sYnC} {
            r mset a 1 b 2 big [string repeat x 100000]
            r select 5
            r set other 5
            r select 0
            assert_equal OK [r flushdb $opt] "FLUSHDB $opt"
            assert_equal 0 [r dbsize]
            assert_equal (nil) [r get a]
            r select 5
            assert_equal 5 [r get other]
            r select 0
        }
    }

    test {FLUSHDB of an empty database, and writing after FLUSHDB} {
        r flushall
        assert_equal OK [r flushdb]
        assert_equal OK [r flushdb]
        r set k v
        r flushdb
        r set k v2
        assert_equal v2 [r get k]
        assert_equal 1 [r dbsize]
    }

    test {FLUSHDB syntax errors flush nothing} {
        r flushall
        r set k v
        foreach opts {{foo} {async sync} {sync sync} {async async} {async foo} {1}} {
            assert_error_equal "ERR syntax error" {r flushdb {*}$opts} "FLUSHDB $opts"
        }
        assert_equal v [r get k]
        assert_equal 1 [r dbsize]
    }

    # ------------------------------------------------------------- FLUSHALL
    test {FLUSHALL empties every database} {
        r flushall
        foreach db {0 3 7 15} {
            r select $db
            r mset a $db b $db
        }
        r select 7
        assert_equal OK [r flushall]
        assert_equal 0 [r dbsize]
        assert_equal {0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0} [ks_sizes]
        r select 15
        assert_equal {(nil) (nil)} [r mget a b]
        r select 0
        assert_equal "+OK\r\n" [raw_reply flushall]
    }

    test {FLUSHALL ASYNC and SYNC (any case)} {
        foreach opt {ASYNC SYNC async sync} {
            r mset a 1 big [string repeat x 100000]
            r select 9
            r set other 9
            r select 0
            assert_equal OK [r flushall $opt] "FLUSHALL $opt"
            assert_equal {0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0} [ks_sizes]
        }
    }

    test {FLUSHALL syntax errors flush nothing} {
        r flushall
        r set k v
        r select 4
        r set k v4
        r select 0
        foreach opts {{foo} {async sync} {sync sync} {async async} {0}} {
            assert_error_equal "ERR syntax error" {r flushall {*}$opts} "FLUSHALL $opts"
        }
        assert_equal {1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0} [ks_sizes]
    }

    test {Keys written after FLUSHALL are kept, in every database} {
        r flushall
        r set k old
        r flushall
        r set k new
        r select 8
        r set k new8
        r select 0
        assert_equal new [r get k]
        assert_equal {1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0} [ks_sizes]
    }

    test {FLUSHDB/FLUSHALL are seen by other connections at once} {
        r flushall
        set c [redis_client]
        $c select 6
        r select 6
        r mset a 1 b 2
        assert_equal 2 [$c dbsize]
        r flushdb
        assert_equal 0 [$c dbsize]
        $c set a 1
        r select 0
        r flushall
        assert_equal 0 [$c dbsize]
        assert_equal 0 [$c exists a]
        $c close
    }

    # ---------------------------------------------------------- wrong arity
    test {Wrong number of arguments} {
        foreach {name forms} {
            del {{}}
            unlink {{}}
            exists {{}}
            dbsize {{a} {a b}}
            select {{} {1 2}}
        } {
            foreach args $forms {
                assert_error_equal "ERR wrong number of arguments for '$name' command" \
                    {r $name {*}$args} "$name $args"
            }
        }
    }
}

# A server with fewer databases: the last one is usable, the next is not.
start_server {tags {keyspace} overrides {databases 4}} {
    test {databases 4: SELECT 0..3, DBSIZE and FLUSHALL cover exactly those} {
        r flushall
        for {set i 0} {$i < 4} {incr i} {
            r select $i
            r set k $i
        }
        assert_error_equal "ERR DB index is out of range" {r select 4}
        # The failed SELECT kept database 3.
        assert_equal 3 [r get k]
        assert_equal {1 1 1 1} [ks_sizes 4]
        r select 3
        r flushdb
        assert_equal {1 1 1 0} [ks_sizes 4]
        r flushall
        assert_equal {0 0 0 0} [ks_sizes 4]
    }
}
