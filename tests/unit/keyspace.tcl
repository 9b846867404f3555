# Keyspace commands: DEL, UNLINK, EXISTS, DBSIZE, FLUSHDB, FLUSHALL (with
# ASYNC/SYNC), the independence of the databases chosen with SELECT, KEYS
# (every glob construct, binary keys), RANDOMKEY, TYPE, TOUCH, RENAME,
# RENAMENX, COPY, MOVE and OBJECT: replies in RESP2 and RESP3, error texts
# and their order, TTLs carried along, expired keys never seen, and, for
# redis-kv only, RENAME/COPY/MOVE across restarts and kill -9.  SCAN has its
# own file (unit/scan).
#
# Checked against a real redis-server 7.0.15 (tests/runtest --server
# /usr/bin/redis-server --single unit/keyspace); the restart tests skip
# themselves there (tags redis-kv-only needs:own-server).  Keys are written
# with the string commands; TTLs with SET PX/EX.  Where a test needs keys
# to stay after their time has passed, active expiry is switched off with
# DEBUG SET-ACTIVE-EXPIRE 0 (and back on at the end).

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

# ------------------------------------------------------------------ helpers

# Sorted KEYS reply, so that tests do not depend on the hash order.
proc ks_keys {pattern} {
    lsort [r keys $pattern]
}

# Writes N keys KEY:0 .. KEY:N-1 (value = index) with one MSET.
proc ks_fill {prefix n} {
    set args {}
    for {set i 0} {$i < $n} {incr i} { lappend args $prefix:$i $i }
    r mset {*}$args
}

start_server {tags {keyspace}} {
    r null_value (nil)

    # ------------------------------------------------------------------ KEYS
    test {KEYS with * returns every key, and only of the selected database} {
        r flushall
        r mset foo 1 foobar 2 bar 3 baz 4
        r select 1
        r set other 1
        r select 0
        assert_equal {bar baz foo foobar} [ks_keys *]
        r select 1
        assert_equal {other} [ks_keys *]
        r select 0
        assert_equal "*0\r\n" [raw_reply keys nomatch*]
    }

    test {KEYS: prefix, suffix and infix stars} {
        r flushall
        r mset foo 1 foobar 2 barfoo 3 xfoox 4 bar 5
        assert_equal {foo foobar} [ks_keys foo*]
        assert_equal {barfoo foo} [ks_keys *foo]
        assert_equal {barfoo foo foobar xfoox} [ks_keys *foo*]
        assert_equal {foo} [ks_keys foo]
        assert_equal {bar barfoo} [ks_keys b*r*]
        assert_equal {foo foobar} [ks_keys f***]
        assert_equal {} [ks_keys fo]
    }

    test {KEYS: ? matches exactly one byte} {
        r flushall
        r mset a 1 ab 2 abc 3 b 4 "\x00" 5
        assert_equal [lsort [list a b "\x00"]] [ks_keys ?]
        assert_equal {ab} [ks_keys ??]
        assert_equal {ab abc} [ks_keys a?*]
        assert_equal {abc} [ks_keys ?b?]
    }

    test {KEYS: classes, ranges, negation} {
        r flushall
        r mset hallo 1 hello 2 hillo 3 hbllo 4 "h-llo" 5 "h]llo" 6 "h^llo" 7 ha 8 h_ 9
        assert_equal {hallo hello} [ks_keys {h[ae]llo}]
        assert_equal {hallo hbllo hello} [ks_keys {h[a-e]llo}]
        # A reversed range works the same.
        assert_equal {hallo hbllo hello} [ks_keys {h[e-a]llo}]
        assert_equal [lsort {h-llo h]llo h^llo hbllo hillo}] [ks_keys {h[^ae]llo}]
        assert_equal {hillo} [ks_keys {h[^a-h^\]-]llo}]
        # Escapes inside a class.
        assert_equal [list "h\]llo"] [ks_keys {h[\]]llo}]
        assert_equal {h-llo} [ks_keys {h[\-]llo}]
        # A '-' before the ']' makes a range up to ']' (93..101 here), and
        # the class then runs on: "llo" are members, not literals.
        assert_equal [lsort {h_ ha}] [ks_keys {h[e-]llo}]
        # An unterminated class runs to the end of the pattern, and still
        # needs a byte to match.
        assert_equal {ha} [ks_keys {h[a}]
        assert_equal {} [ks_keys {hallo[}]
    }

    test {KEYS: backslash escapes the special characters} {
        r flushall
        r mset "a*b" 1 axb 2 "a?b" 3 "a\[b" 4 "a\\b" 5 "a\\" 6 ab 7
        assert_equal [list "a*b"] [r keys {a\*b}]
        assert_equal [list "a?b"] [r keys {a\?b}]
        assert_equal [list "a\[b"] [r keys {a\[b}]
        assert_equal [list "a\\b"] [r keys {a\\b}]
        assert_equal [list ab] [r keys {\a\b}]
        # A trailing backslash is a literal backslash.
        assert_equal [list "a\\"] [r keys "a\\"]
        assert_equal [lsort [list "a*b" axb "a?b" "a\[b" "a\\b"]] [ks_keys {a?b}]
    }

    test {KEYS: binary and empty key names} {
        r flushall
        r set "" empty
        r set "bin\x00ary" 1
        r set "\xff\xfe" 2
        r set "new\r\nline" 3
        # "*" alone matches every key, the empty name included; other
        # patterns never match an empty name (Redis's matcher needs a byte).
        assert_equal 4 [llength [r keys *]]
        assert_equal [lsort [list "" "bin\x00ary" "\xff\xfe" "new\r\nline"]] [ks_keys *]
        assert_equal 3 [llength [r keys **]]
        assert_equal 3 [llength [r keys {?*}]]
        # The empty pattern matches the empty name only.
        assert_equal [list ""] [r keys ""]
        assert_equal [list "bin\x00ary"] [r keys "bin\x00*"]
        assert_equal [list "bin\x00ary"] [r keys "bin?ary"]
        assert_equal [list "\xff\xfe"] [r keys "\xff*"]
        assert_equal [list "\xff\xfe"] [r keys "\[\xfe-\xff\]\xfe"]
        assert_equal [list "new\r\nline"] [r keys "*\r\n*"]
    }

    test {KEYS: a pattern nesting more than 1000 stars matches nothing, quickly} {
        r flushall
        r set [string repeat a 1100] 1
        set p [string repeat "*a" 1000]
        assert_equal 1 [llength [r keys $p]]
        set p [string repeat "*a" 1001]
        assert_equal {} [r keys $p]
        # Many stars that can never match do not take exponential time.
        r set [string repeat a 50] 2
        assert_equal {} [r keys "[string repeat *a 40]b"]
    }

    test {KEYS skips expired keys without deleting them} {
        r flushall
        r debug set-active-expire 0
        r set live 1
        r set gone1 1 PX 1
        r set gone2 1 PX 1
        after 20
        assert_equal {live} [r keys *]
        assert_equal {} [r keys gone*]
        # KEYS is read-only: the expired keys are still counted until touched.
        assert_equal 3 [r dbsize]
        assert_equal 0 [r exists gone1]
        assert_equal 2 [r dbsize]
        r debug set-active-expire 1
    }

    test {KEYS over many keys} {
        r flushall
        ks_fill key 1000
        ks_fill other 500
        assert_equal 1000 [llength [r keys key:*]]
        assert_equal 1500 [llength [r keys *]]
        assert_equal 111 [llength [r keys key:1*]]
        assert_equal 10 [llength [r keys key:?]]
    }

    # ------------------------------------------------------------- RANDOMKEY
    test {RANDOMKEY of an empty database is nil (RESP2 $-1, RESP3 _)} {
        r flushall
        assert_equal (nil) [r randomkey]
        assert_equal "\$-1\r\n" [raw_reply randomkey]
        assert_equal "_\r\n" [raw_reply3 randomkey]
    }

    test {RANDOMKEY returns each key sometimes, only keys of this database} {
        r flushall
        r mset a 1 b 2 c 3
        r select 2
        r set other 1
        r select 0
        set seen {}
        for {set i 0} {$i < 200} {incr i} { dict set seen [r randomkey] 1 }
        assert_equal {a b c} [lsort [dict keys $seen]]
        r set one 1
        r del a b c
        assert_equal one [r randomkey]
        assert_equal "\$3\r\none\r\n" [raw_reply randomkey]
        assert_equal "\$3\r\none\r\n" [raw_reply3 randomkey]
    }

    test {RANDOMKEY with binary and empty key names} {
        r flushall
        r set "" v
        assert_equal "" [r randomkey]
        r del ""
        r set "a\x00b\r\n" v
        assert_equal "a\x00b\r\n" [r randomkey]
    }

    test {RANDOMKEY never returns an expired key, and deletes those it meets} {
        r flushall
        r debug set-active-expire 0
        for {set i 0} {$i < 50} {incr i} { r set e:$i v PX 1 }
        after 20
        assert_equal 50 [r dbsize]
        # Only expired keys: nil, and every one of them was deleted.
        assert_equal (nil) [r randomkey]
        assert_equal 0 [r dbsize]
        for {set i 0} {$i < 50} {incr i} { r set e:$i v PX 1 }
        r set live v
        after 20
        for {set i 0} {$i < 20} {incr i} { assert_equal live [r randomkey] }
        r debug set-active-expire 1
    }

    test {RANDOMKEY wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'randomkey' command" {r randomkey x}
    }

    # ------------------------------------------------------------------ TYPE
    test {TYPE of a string, a missing key and an expired key} {
        r flushall
        r set s v
        r set n 12345
        r set empty ""
        r set e v PX 1
        after 20
        assert_equal string [r type s]
        assert_equal string [r type n]
        assert_equal string [r type empty]
        assert_equal none [r type missing]
        assert_equal none [r type e]
        assert_equal "+string\r\n" [raw_reply type s]
        assert_equal "+none\r\n" [raw_reply type missing]
        assert_equal "+string\r\n" [raw_reply3 type s]
        assert_equal "+none\r\n" [raw_reply3 type missing]
    }

    # ----------------------------------------------------------------- TOUCH
    test {TOUCH counts the keys that exist, each time a key is named} {
        r flushall
        r mset a 1 b 2
        r set e v PX 1
        after 20
        assert_equal 1 [r touch a]
        assert_equal 0 [r touch missing]
        assert_equal 2 [r touch a b missing]
        assert_equal 3 [r touch a a b]
        assert_equal 0 [r touch e]
        assert_equal ":2\r\n" [raw_reply touch a b]
        assert_equal ":0\r\n" [raw_reply3 touch x]
        # TOUCH changes nothing.
        assert_equal {1 2} [r mget a b]
        assert_equal -1 [r ttl a]
    }

    test {TYPE and TOUCH wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'type' command" {r type}
        assert_error_equal "ERR wrong number of arguments for 'type' command" {r type a b}
        assert_error_equal "ERR wrong number of arguments for 'touch' command" {r touch}
        assert_error_equal "ERR wrong number of arguments for 'keys' command" {r keys}
        assert_error_equal "ERR wrong number of arguments for 'keys' command" {r keys a b}
    }
}

start_server {tags {keyspace}} {
    r null_value (nil)

    # ---------------------------------------------------------------- RENAME
    test {RENAME moves the value to the new name} {
        r flushall
        r set src hello
        assert_equal OK [r rename src dst]
        assert_equal hello [r get dst]
        assert_equal 0 [r exists src]
        assert_equal 1 [r dbsize]
        r set a 1
        assert_equal "+OK\r\n" [raw_reply rename a b]
        assert_equal "+OK\r\n" [raw_reply3 rename b a]
        assert_equal 1 [r get a]
    }

    test {RENAME replaces an existing destination, TTL included} {
        r flushall
        r set src new
        r set dst old PX 100000
        assert_equal OK [r rename src dst]
        assert_equal new [r get dst]
        assert_equal -1 [r ttl dst]
        assert_equal 1 [r dbsize]
    }

    test {RENAME keeps the TTL of the source} {
        r flushall
        r set src v PX 100000
        r set dst old
        assert_equal OK [r rename src dst]
        assert_range [r pttl dst] 90000 100000
        set at [expr {[clock milliseconds] + 500000}]
        r set k v PXAT $at
        r rename k k2
        assert_equal $at [r pexpiretime k2]
    }

    test {RENAME of a missing key is an error, also onto itself} {
        r flushall
        assert_error_equal "ERR no such key" {r rename missing x}
        assert_error_equal "ERR no such key" {r rename missing missing}
        assert_equal "-ERR no such key\r\n" [raw_reply rename missing x]
        assert_equal 0 [r exists x]
    }

    test {RENAME of an expired key is an error; an expired destination is replaced} {
        r flushall
        r debug set-active-expire 0
        r set e v PX 1
        r set src v
        r set dst old PX 1
        after 20
        assert_error_equal "ERR no such key" {r rename e x}
        assert_equal OK [r rename src dst]
        assert_equal v [r get dst]
        assert_equal -1 [r pttl dst]
        r debug set-active-expire 1
    }

    test {RENAME onto itself: OK when the key exists, nothing changes} {
        r flushall
        r set k v PX 100000
        assert_equal OK [r rename k k]
        assert_equal v [r get k]
        assert_range [r pttl k] 90000 100000
        assert_equal 1 [r dbsize]
    }

    test {RENAME with binary names and a large value} {
        r flushall
        set big [big_random_value 3000000]
        r set "a\x00b" $big
        assert_equal OK [r rename "a\x00b" "\xff\r\n"]
        assert_equal 0 [r exists "a\x00b"]
        assert {[r get "\xff\r\n"] eq $big}
        r set "" empty
        assert_equal OK [r rename "" nonempty]
        assert_equal empty [r get nonempty]
        assert_equal OK [r rename nonempty ""]
        assert_equal empty [r get ""]
    }

    test {RENAME works in the selected database only} {
        r flushall
        r select 3
        r set k v3
        r select 0
        r set k v0
        r select 3
        assert_equal OK [r rename k k2]
        r select 0
        assert_equal v0 [r get k]
        assert_equal 0 [r exists k2]
        r select 3
        assert_equal v3 [r get k2]
        r select 0
    }

    # -------------------------------------------------------------- RENAMENX
    test {RENAMENX renames when the new name is free} {
        r flushall
        r set src v PX 100000
        assert_equal 1 [r renamenx src dst]
        assert_equal v [r get dst]
        assert_equal 0 [r exists src]
        assert_range [r pttl dst] 90000 100000
        r set a 1
        assert_equal ":1\r\n" [raw_reply renamenx a b]
        assert_equal ":1\r\n" [raw_reply3 renamenx b a]
    }

    test {RENAMENX returns 0 and changes nothing when the new name exists} {
        r flushall
        r set src v1
        r set dst v2 PX 100000
        assert_equal 0 [r renamenx src dst]
        assert_equal {v1 v2} [r mget src dst]
        assert_range [r pttl dst] 90000 100000
        assert_equal ":0\r\n" [raw_reply renamenx src dst]
    }

    test {RENAMENX onto itself returns 0; of a missing key is an error} {
        r flushall
        r set k v
        assert_equal 0 [r renamenx k k]
        assert_equal v [r get k]
        assert_error_equal "ERR no such key" {r renamenx missing x}
        assert_error_equal "ERR no such key" {r renamenx missing missing}
    }

    test {RENAMENX onto an expired key renames} {
        r flushall
        r debug set-active-expire 0
        r set src v
        r set dst old PX 1
        after 20
        assert_equal 1 [r renamenx src dst]
        assert_equal v [r get dst]
        r debug set-active-expire 1
    }

    # ------------------------------------------------------------------ COPY
    test {COPY copies the value, the source stays} {
        r flushall
        r set src hello
        assert_equal 1 [r copy src dst]
        assert_equal {hello hello} [r mget src dst]
        # The copies are independent.
        r append dst " world"
        assert_equal hello [r get src]
        assert_equal "hello world" [r get dst]
        r set a 1
        assert_equal ":1\r\n" [raw_reply copy a b]
        assert_equal ":1\r\n" [raw_reply3 copy a c]
    }

    test {COPY copies the TTL} {
        r flushall
        set at [expr {[clock milliseconds] + 500000}]
        r set src v PXAT $at
        assert_equal 1 [r copy src dst]
        assert_equal $at [r pexpiretime dst]
        assert_equal $at [r pexpiretime src]
        r set plain v
        r set withttl old PX 100000
        assert_equal 1 [r copy plain withttl REPLACE]
        assert_equal -1 [r ttl withttl]
    }

    test {COPY returns 0 when the source is missing or the destination exists} {
        r flushall
        assert_equal 0 [r copy missing dst]
        assert_equal 0 [r exists dst]
        r set src v1
        r set dst v2
        assert_equal 0 [r copy src dst]
        assert_equal {v1 v2} [r mget src dst]
        assert_equal ":0\r\n" [raw_reply copy src dst]
    }

    test {COPY REPLACE overwrites the destination} {
        r flushall
        r set src v1
        r set dst v2
        assert_equal 1 [r copy src dst REPLACE]
        assert_equal {v1 v1} [r mget src dst]
        assert_equal 1 [r copy src dst replace replace]
        # REPLACE with a missing source: 0, the destination stays.
        assert_equal 0 [r copy missing dst REPLACE]
        assert_equal v1 [r get dst]
    }

    test {COPY onto itself in the same database is an error} {
        r flushall
        r set k v
        assert_error_equal "ERR source and destination objects are the same" {r copy k k}
        assert_error_equal "ERR source and destination objects are the same" {r copy k k REPLACE}
        assert_error_equal "ERR source and destination objects are the same" {r copy k k DB 0}
        # Checked before the source is looked up.
        assert_error_equal "ERR source and destination objects are the same" {r copy missing missing}
    }

    test {COPY DB copies to another database} {
        r flushall
        r set k v PX 100000
        assert_equal 1 [r copy k k DB 1]
        assert_equal 1 [r copy k other DB 15]
        assert_equal v [r get k]
        r select 1
        assert_equal v [r get k]
        assert_range [r pttl k] 90000 100000
        r set k changed
        r select 0
        assert_equal 0 [r copy k k DB 1]
        assert_equal 1 [r copy k k db 1 replace]
        r select 1
        assert_equal v [r get k]
        r select 15
        assert_equal v [r get other]
        r select 0
        # The last DB given counts.
        assert_equal 1 [r copy k x DB 1 DB 2]
        r select 2
        assert_equal v [r get x]
        r select 1
        assert_equal 0 [r exists x]
        r select 0
    }

    test {COPY option errors, reported in argument order} {
        r flushall
        r set k v
        assert_error_equal "ERR syntax error" {r copy k dst foo}
        assert_error_equal "ERR syntax error" {r copy k dst DB}
        assert_error_equal "ERR syntax error" {r copy k dst REPLACE DB}
        assert_error_equal "ERR DB index is out of range" {r copy k dst DB 16}
        assert_error_equal "ERR DB index is out of range" {r copy k dst DB -1}
        assert_error_equal "ERR value is not an integer or out of range" {r copy k dst DB x}
        assert_error_equal "ERR value is not an integer or out of range" {r copy k dst DB 1.5}
        assert_error_equal "ERR value is out of range, value must between -2147483648 and 2147483647" {r copy k dst DB 99999999999}
        # The first bad argument wins, even with a missing source.
        assert_error_equal "ERR DB index is out of range" {r copy missing dst DB 99 foo}
        assert_error_equal "ERR syntax error" {r copy missing dst foo DB 99}
        assert_equal 1 [r dbsize]
    }

    test {COPY of an expired source returns 0, onto an expired destination copies} {
        r flushall
        r debug set-active-expire 0
        r set e v PX 1
        r set src v
        r set dst old PX 1
        after 20
        assert_equal 0 [r copy e x]
        assert_equal 1 [r copy src dst]
        assert_equal v [r get dst]
        assert_equal -1 [r ttl dst]
        r debug set-active-expire 1
    }

    # ------------------------------------------------------------------ MOVE
    test {MOVE moves a key to another database, with its TTL} {
        r flushall
        r set k v PX 100000
        assert_equal 1 [r move k 1]
        assert_equal 0 [r exists k]
        r select 1
        assert_equal v [r get k]
        assert_range [r pttl k] 90000 100000
        assert_equal 1 [r move k 15]
        r select 15
        assert_equal v [r get k]
        assert_equal 1 [r move k 0]
        r select 0
        assert_equal v [r get k]
        assert_equal ":1\r\n" [raw_reply move k 2]
        r select 2
        assert_equal 1 [r move k 0]
        r select 0
        assert_equal ":1\r\n" [raw_reply3 move k 2]
    }

    test {MOVE returns 0 when the key is missing or exists in the target} {
        r flushall
        assert_equal 0 [r move missing 1]
        r set k here
        r select 1
        r set k there
        r select 0
        assert_equal 0 [r move k 1]
        assert_equal here [r get k]
        r select 1
        assert_equal there [r get k]
        r select 0
        assert_equal ":0\r\n" [raw_reply move k 1]
    }

    test {MOVE errors: same database, index out of range, not an integer} {
        r flushall
        r set k v
        assert_error_equal "ERR source and destination objects are the same" {r move k 0}
        # Checked before the key is looked up.
        assert_error_equal "ERR source and destination objects are the same" {r move missing 0}
        assert_error_equal "ERR DB index is out of range" {r move k 16}
        assert_error_equal "ERR DB index is out of range" {r move k -1}
        assert_error_equal "ERR value is not an integer or out of range" {r move k x}
        assert_error_equal "ERR value is not an integer or out of range" {r move k ""}
        assert_error_equal "ERR value is out of range, value must between -2147483648 and 2147483647" {r move k 99999999999}
        assert_equal v [r get k]
        r select 5
        assert_error_equal "ERR source and destination objects are the same" {r move k 5}
        r select 0
    }

    test {MOVE of an expired key returns 0; onto an expired key moves} {
        r flushall
        r debug set-active-expire 0
        r set e v PX 1
        r set k v
        r select 1
        r set k old PX 1
        r select 0
        after 20
        assert_equal 0 [r move e 1]
        assert_equal 1 [r move k 1]
        r select 1
        assert_equal v [r get k]
        assert_equal -1 [r ttl k]
        r select 0
        r debug set-active-expire 1
    }

    test {RENAME, RENAMENX, COPY, MOVE wrong number of arguments} {
        foreach {name forms} {
            rename {{} {a} {a b c}}
            renamenx {{} {a} {a b c}}
            copy {{} {a}}
            move {{} {a} {a 1 2}}
        } {
            foreach args $forms {
                assert_error_equal "ERR wrong number of arguments for '$name' command" \
                    {r $name {*}$args} "$name $args"
            }
        }
    }
}

start_server {tags {keyspace}} {
    r null_value (nil)

    # ---------------------------------------------------------------- OBJECT
    test {OBJECT ENCODING: int, embstr and raw, as Redis stores a SET value} {
        r flushall
        foreach {value enc} [list \
                0 int 1 int 100 int 9999 int 10000 int 123456 int -1 int \
                -9223372036854775808 int 9223372036854775807 int \
                9223372036854775808 embstr 99999999999999999999 embstr \
                012 embstr -0 embstr " 1" embstr "1 " embstr +1 embstr 1.5 embstr \
                "" embstr hello embstr [string repeat x 44] embstr \
                [string repeat x 45] raw [string repeat 1 45] raw \
                [string repeat x 1000] raw] {
            r set k $value
            assert_equal $enc [r object encoding k] "value '$value'"
        }
        r set k 1
        assert_equal "\$3\r\nint\r\n" [raw_reply object encoding k]
        assert_equal "\$3\r\nint\r\n" [raw_reply3 object encoding k]
    }

    test {OBJECT REFCOUNT: shared integers 0..9999, else 1} {
        r flushall
        foreach {value rc} {0 2147483647 1 2147483647 9999 2147483647 10000 1
                            -1 1 123456 1 hello 1 012 1} {
            r set k $value
            assert_equal $rc [r object refcount k] "value '$value'"
        }
        r set k [string repeat x 100]
        assert_equal 1 [r object refcount k]
        assert_equal ":1\r\n" [raw_reply object refcount k]
    }

    test {OBJECT IDLETIME is a number of seconds that grows while the key is left alone} {
        r flushall
        r set k v
        assert_range [r object idletime k] 0 1
        after 2100
        assert_range [r object idletime k] 2 10
        r set k v2
        assert_range [r object idletime k] 0 1
        assert_match ":*\r\n" [raw_reply object idletime k]
    }

    test {OBJECT FREQ without an LFU maxmemory policy is an error} {
        r flushall
        r set k v
        assert_error_equal "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust." {r object freq k}
    }

    test {OBJECT of a missing or expired key is nil (RESP2 $-1, RESP3 _)} {
        r flushall
        r debug set-active-expire 0
        r set e v PX 1
        after 20
        foreach sub {encoding refcount idletime freq} {
            foreach k {missing e} {
                assert_equal (nil) [r object $sub $k] "OBJECT $sub $k"
            }
            assert_equal "\$-1\r\n" [raw_reply object $sub missing]
            assert_equal "_\r\n" [raw_reply3 object $sub missing]
        }
        r debug set-active-expire 1
    }

    test {OBJECT HELP} {
        set help [r object help]
        assert_equal {OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} [lindex $help 0]
        assert_equal {ENCODING <key>} [lindex $help 1]
        assert_equal {    Return the kind of internal representation used in order to store the value} [lindex $help 2]
        assert_equal {FREQ <key>} [lindex $help 4]
        assert_equal {IDLETIME <key>} [lindex $help 7]
        assert_equal {REFCOUNT <key>} [lindex $help 10]
        assert_equal {HELP} [lindex $help end-1]
        assert_equal {    Prints this help.} [lindex $help end]
        assert_equal 15 [llength $help]
        assert_match "\\*15\r\n+OBJECT <subcommand>*+    Prints this help.\r\n" [raw_reply object help]
        assert_match "\\*15\r\n+OBJECT <subcommand>*" [raw_reply3 object help]
    }

    test {OBJECT errors: unknown subcommand, wrong number of arguments} {
        r set k v
        assert_error_equal "ERR wrong number of arguments for 'object' command" {r object}
        assert_error_equal "ERR unknown subcommand 'foo'. Try OBJECT HELP." {r object foo}
        assert_error_equal "ERR unknown subcommand 'foo'. Try OBJECT HELP." {r object foo k}
        foreach sub {encoding refcount idletime freq} {
            assert_error_equal "ERR wrong number of arguments for 'object|$sub' command" {r object $sub}
            assert_error_equal "ERR wrong number of arguments for 'object|$sub' command" {r object $sub k k}
        }
        assert_error_equal "ERR wrong number of arguments for 'object|help' command" {r object help x}
        # Subcommand names in any case.
        assert_equal embstr [r OBJECT Encoding k]
    }
}

# ------------------------------------------------ durability (redis-kv only)

# Checked against real Redis with its append-only file by running
#   KEYSPACE_TCL_ON_REDIS=1 tests/runtest --server /usr/bin/redis-server --single unit/keyspace
# which adds `appendonly yes` to the config.  Only the PIDs of the servers
# started here are signalled.
set ::ks_on_redis [expr {[info exists ::env(KEYSPACE_TCL_ON_REDIS)] &&
                         $::env(KEYSPACE_TCL_ON_REDIS) ne "" &&
                         $::env(KEYSPACE_TCL_ON_REDIS) ne "0"}]

proc ks_start {{dir ""}} {
    if {$dir eq ""} { set dir [new_tmpdir] }
    set overrides [list appendfsync always]
    if {$::ks_on_redis} { lappend overrides appendonly yes }
    return [spawn_server -dir $dir -overrides $overrides -timeout 30 -client]
}

start_server {tags {keyspace redis-kv-only needs:own-server}} {
    set ::ks_skip ""
    if {![regexp -line {^redis_kv_version:} [r info server]] && !$::ks_on_redis} {
        set ::ks_skip "real Redis without appendonly keeps no data across a restart"
    }

    foreach signal {TERM KILL} {
        test "RENAME, RENAMENX, COPY and MOVE survive a restart (SIG$signal), TTLs included" {
            if {$::ks_skip ne ""} { skip $::ks_skip }
            stop_spawned_servers
            set how [dict get {TERM {} KILL -kill9} $signal]
            set s [ks_start]
            set c [dict get $s client]
            set at [expr {[clock milliseconds] + 1000000}]
            $c set r1 one PXAT $at
            $c rename r1 r2
            $c set n1 two
            $c renamenx n1 n2
            $c set c1 three PXAT $at
            $c copy c1 c2
            $c copy c1 c3 DB 4
            $c set m1 four PXAT $at
            $c move m1 7
            $c set over old
            $c set src new
            $c rename src over
            stop_server $s {*}$how
            set s [restart_server $s]
            set c [dict get $s client]
            assert_equal {(nil) one (nil) two three three (nil) (nil) new} \
                [$c mget r1 r2 n1 n2 c1 c2 m1 src over]
            assert_equal $at [$c pexpiretime r2]
            assert_equal $at [$c pexpiretime c1]
            assert_equal $at [$c pexpiretime c2]
            assert_equal -1 [$c ttl n2]
            assert_equal -1 [$c ttl over]
            assert_equal 5 [$c dbsize]
            $c select 4
            assert_equal three [$c get c3]
            assert_equal $at [$c pexpiretime c3]
            $c select 7
            assert_equal four [$c get m1]
            assert_equal $at [$c pexpiretime m1]
            $c select 0
            stop_server $s
        }
    }

    test {kill -9 during a stream of RENAMEs and MOVEs never leaves both keys or neither} {
        if {$::ks_skip ne ""} { skip $::ks_skip }
        stop_spawned_servers
        set dir [new_tmpdir]
        set value [string repeat "renamed value " 200]
        set s [ks_start $dir]
        set c [dict get $s client]
        $c set a $value EX 100000
        $c set m $value
        for {set round 1} {$round <= 3} {incr round} {
            set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
            # Which name holds the value now; the renames go back and forth.
            set from [expr {[$c exists a] ? "a" : "b"}]
            set to [expr {$from eq "a" ? "b" : "a"}]
            $c select 0
            set mdb [expr {[$c exists m] ? 0 : 1}]
            set sent 0
            for {set i 0} {$i < 3000} {incr i} {
                $rd write [::redis::__format_command [list rename $from $to]]
                lassign [list $to $from] from to
                $rd write [::redis::__format_command [list select $mdb]]
                $rd write [::redis::__format_command [list move m [expr {1 - $mdb}]]]
                set mdb [expr {1 - $mdb}]
                $rd write [::redis::__format_command [list select 0]]
                incr sent
            }
            flush [$rd channel]
            # Read a few replies, then kill the server while it works on the rest.
            for {set i 0} {$i < 40} {incr i} { $rd read }
            stop_server $s -kill9
            $rd close
            set s [restart_server $s]
            set c [dict get $s client]
            set both [$c exists a b]
            assert_equal 1 $both "round $round: exactly one of a and b must exist"
            set name [expr {[$c exists a] ? "a" : "b"}]
            assert {[$c get $name] eq $value} "round $round: value of $name"
            assert_range [$c ttl $name] 90000 100000
            set in0 [$c exists m]
            $c select 1
            set in1 [$c exists m]
            set mval [$c get m]
            $c select 0
            assert_equal 1 [expr {$in0 + $in1}] "round $round: m must be in exactly one of db 0 and db 1"
            if {$in0} { set mval [$c get m] }
            assert {$mval eq $value} "round $round: value of m"
        }
        stop_server $s
    }

    stop_spawned_servers
}
