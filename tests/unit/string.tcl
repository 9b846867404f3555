# String commands: GET SET (EX PX EXAT PXAT NX XX KEEPTTL GET) SETNX SETEX
# PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN GETRANGE SUBSTR
# SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT LCS; binary safety, large
# values, expiry as seen through GET, RESP2/RESP3 reply forms, error texts.
#
# Checked against a real redis-server 7.0.15 (tests/runtest --server
# /usr/bin/redis-server --single unit/string).  Apart from HELLO/CONFIG,
# only the string commands and DEL EXISTS DBSIZE FLUSHDB FLUSHALL SELECT are
# used.  Tests that read TTL/PTTL (or use EXPIRE/PERSIST) are tagged
# needs:expire; every other expiry check observes it with `after` + GET.
# Exact replies are checked with the raw protocol bytes where the type of
# the reply matters (nil vs empty string, integer vs bulk).

# ------------------------------------------------------------------ helpers

proc str_bulk {s} { return "\$[string length $s]\r\n$s\r\n" }

# Nil replies read as "(nil)" on the default client of this file, so that a
# nil is never mistaken for an empty string.
proc str_init_client {} {
    r null_value (nil)
}

start_server {tags {string}} {
    str_init_client

    # --------------------------------------------------------------- GET/SET
    test {SET and GET a simple value} {
        r flushdb
        assert_equal OK [r set foo bar]
        assert_equal bar [r get foo]
        assert_equal "+OK\r\n" [raw_reply set foo bar]
        assert_equal "\$3\r\nbar\r\n" [raw_reply get foo]
    }

    test {GET of a missing key is nil (RESP2 $-1, RESP3 _)} {
        r del nokey
        assert_equal (nil) [r get nokey]
        assert_equal "\$-1\r\n" [raw_reply get nokey]
        assert_equal "_\r\n" [raw_reply3 get nokey]
    }

    test {SET overwrites, and the key is created once} {
        r flushdb
        r set k v1
        r set k v2
        r set k v3
        assert_equal v3 [r get k]
        assert_equal 1 [r dbsize]
        assert_equal 1 [r exists k]
    }

    test {SET and GET an empty value and an empty key name} {
        r set empty ""
        assert_equal "" [r get empty]
        assert_equal "\$0\r\n\r\n" [raw_reply get empty]
        assert_equal 1 [r exists empty]
        r set "" emptykey
        assert_equal emptykey [r get ""]
        r set "" ""
        assert_equal "\$0\r\n\r\n" [raw_reply get ""]
        r del ""
        assert_equal (nil) [r get ""]
    }

    test {SET and GET values that look like numbers keep their exact bytes} {
        foreach v {0 -0 00 01 +1 1.0 1e3 " 1" "1 " 9223372036854775807
                   -9223372036854775808 9223372036854775808 123456789012345678901234567890
                   0x10 3.14159 -1} {
            r set n $v
            assert_equal $v [r get n] "value '$v'"
            assert_equal [str_bulk $v] [raw_reply get n] "value '$v'"
        }
    }

    test {Command names and SET options are case insensitive} {
        r del k
        assert_equal OK [r SeT k v Ex 100]
        assert_equal v [r GeT k]
        assert_equal v [r set k w get]
        assert_equal w [r set k x GeT Xx pX 10000]
        assert_equal x [r get k]
        assert_equal (nil) [r set k y nX]
        assert_equal OK [r set k y keepTTL]
    }

    # ---------------------------------------------------------------- NX/XX
    test {SET NX sets only a missing key; otherwise replies nil} {
        r del k
        assert_equal OK [r set k v1 NX]
        assert_equal (nil) [r set k v2 NX]
        assert_equal v1 [r get k]
        assert_equal "\$-1\r\n" [raw_reply set k v3 nx]
        assert_equal "_\r\n" [raw_reply3 set k v3 nx]
        assert_equal v1 [r get k]
    }

    test {SET XX sets only an existing key; otherwise replies nil} {
        r del k
        assert_equal (nil) [r set k v1 XX]
        assert_equal 0 [r exists k]
        assert_equal "\$-1\r\n" [raw_reply set k v1 xx]
        assert_equal 0 [r exists k]
        r set k v1
        assert_equal OK [r set k v2 XX]
        assert_equal v2 [r get k]
    }

    test {SET NX/XX with an expiry} {
        r del k
        assert_equal OK [r set k v1 NX EX 100]
        assert_equal (nil) [r set k v2 NX PX 100000]
        assert_equal OK [r set k v3 XX PX 100000]
        assert_equal v3 [r get k]
        r del k
        assert_equal (nil) [r set k v XX EX 100]
        assert_equal 0 [r exists k]
    }

    # ------------------------------------------------------------------ GET
    test {SET GET returns the old value, or nil when there was none} {
        r del k
        assert_equal (nil) [r set k v1 GET]
        assert_equal "\$-1\r\n" [raw_reply set k2 v GET]
        r del k2
        assert_equal v1 [r get k]
        assert_equal v1 [r set k v2 GET]
        assert_equal v2 [r get k]
        r set k ""
        assert_equal "\$0\r\n\r\n" [raw_reply set k v3 get]
        assert_equal v3 [r get k]
    }

    test {SET GET with NX (allowed since 7.0) and XX} {
        r del k
        # NX GET on a missing key: nil, and the key is set.
        assert_equal (nil) [r set k v1 NX GET]
        assert_equal v1 [r get k]
        # NX GET on an existing key: the old value, and nothing changes.
        assert_equal v1 [r set k v2 NX GET]
        assert_equal v1 [r get k]
        # XX GET on an existing key: the old value, and the key is set.
        assert_equal v1 [r set k v3 XX GET]
        assert_equal v3 [r get k]
        # XX GET on a missing key: nil, and nothing is created.
        r del k
        assert_equal (nil) [r set k v4 XX GET]
        assert_equal 0 [r exists k]
        # Option order does not matter.
        assert_equal (nil) [r set k v5 GET NX]
        assert_equal v5 [r set k v6 GET XX EX 100]
        assert_equal v6 [r set k v7 PX 100000 GET]
        assert_equal v7 [r get k]
    }

    # --------------------------------------------------------- option errors
    test {SET syntax errors} {
        r set k orig
        foreach opts {
            {NX XX} {XX NX} {EX 10 PX 100} {PX 100 EX 10} {EX 10 EXAT 9999999999}
            {PX 100 PXAT 9999999999999} {EXAT 9999999999 PXAT 9999999999999}
            {EX 10 KEEPTTL} {KEEPTTL PX 100} {KEEPTTL EXAT 9999999999}
            {PXAT 9999999999999 KEEPTTL} {EX} {PX} {EXAT} {PXAT} {NX EX}
            {PERSIST} {FOO} {GET FOO} {NX foo} {EX 10 20} {10} {v2}
        } {
            assert_error_equal "ERR syntax error" {r set k v {*}$opts} "SET k v $opts"
        }
        # Nothing was changed by the failed commands.
        assert_equal orig [r get k]
        r del k
        assert_error_equal "ERR syntax error" {r set k v NX XX}
        assert_equal 0 [r exists k]
    }

    test {SET accepts a repeated option (the last expiry wins)} {
        r del k
        assert_equal OK [r set k v NX NX]
        assert_equal OK [r set k v2 XX XX]
        assert_equal v2 [r get k]
        assert_equal OK [r set k v EX 10 EX 20]
        assert_equal OK [r set k v PX 10 PX 100000]
        assert_equal OK [r set k v KEEPTTL KEEPTTL]
        assert_equal v [r set k w GET GET]
        assert_equal w [r get k]
    }

    test {SET: a non-integer expire time} {
        r set k orig
        foreach opt {EX PX EXAT PXAT} {
            foreach bad {abc 1.5 "" " 10" "10 " 1e3 0x10 9223372036854775808 --1} {
                assert_error_equal "ERR value is not an integer or out of range" \
                    {r set k v $opt $bad} "SET k v $opt '$bad'"
            }
        }
        assert_equal orig [r get k]
    }

    test {SET: invalid expire time (zero, negative, overflow)} {
        r set k orig
        set msg "ERR invalid expire time in 'set' command"
        foreach {opt t} {
            EX 0 EX -1 EX -100 EX -9223372036854775808
            PX 0 PX -1 PX -9223372036854775808
            EXAT 0 EXAT -1 PXAT 0 PXAT -1 PXAT -9223372036854775808
            EX 9223372036854775807 EX 9223372036854775 EX 9223372036854774
            EX 9223372036854776 PX 9223372036854775807 PX 9223372036854775000
            EXAT 9223372036854776 EXAT 9223372036854775807
        } {
            assert_error_equal $msg {r set k v $opt $t} "SET k v $opt $t"
        }
        # The error wins over NX/XX/GET whatever the key's state.
        assert_error_equal $msg {r set k v NX EX 0}
        assert_error_equal $msg {r set k v XX PX -5}
        assert_error_equal $msg {r set k v GET EX 0}
        assert_error_equal $msg {r set missing v EX 0}
        assert_equal 0 [r exists missing]
        assert_equal orig [r get k]
    }

    test {SET: the largest absolute expire times are accepted} {
        r del k
        assert_equal OK [r set k v PXAT 9223372036854775807]
        assert_equal v [r get k]
        assert_equal OK [r set k v EXAT 9223372036854775]
        assert_equal v [r get k]
        assert_equal OK [r set k v EX 100000000]
        assert_equal v [r get k]
    }

    # ----------------------------------------------------- expiry via GET
    test {SET EX/PX/EXAT/PXAT: the key is there, then gone} {
        r flushdb
        set now [clock milliseconds]
        r set px v PX 400
        r set ex v EX 1
        r set pxat v PXAT [expr {$now + 400}]
        r set exat v EXAT [expr {[clock seconds] + 1}]
        r set long v PX 100000
        r set keep v
        foreach k {px pxat long keep} { assert_equal v [r get $k] "key $k" }
        after 600
        assert_equal (nil) [r get px]
        assert_equal (nil) [r get pxat]
        assert_equal 0 [r exists px pxat]
        assert_equal v [r get long]
        assert_equal v [r get keep]
        after 1500
        assert_equal (nil) [r get ex]
        assert_equal (nil) [r get exat]
        assert_equal v [r get long]
    }

    test {SET with EXAT/PXAT in the past: OK, and the key is gone} {
        r set k old
        assert_equal OK [r set k v PXAT 1]
        assert_equal (nil) [r get k]
        assert_equal 0 [r exists k]
        r set k old
        assert_equal OK [r set k v EXAT 1]
        assert_equal (nil) [r get k]
        # With GET the old value is still returned.
        r set k old
        assert_equal old [r set k v EXAT 1 GET]
        assert_equal (nil) [r get k]
        assert_equal OK [r set k v PXAT [expr {[clock milliseconds] - 1000}]]
        assert_equal (nil) [r get k]
    }

    test {An expired key counts as missing for NX, XX and GET} {
        r set k v PX 100
        after 300
        assert_equal (nil) [r set k v2 XX GET]
        assert_equal 0 [r exists k]
        r set k v PX 100
        after 300
        assert_equal (nil) [r set k v3 NX GET]
        assert_equal v3 [r get k]
    }

    test {A plain SET removes the TTL; KEEPTTL keeps it} {
        r flushdb
        r set plain v PX 300
        r set plain v2
        r set kept v PX 300
        assert_equal OK [r set kept v2 KEEPTTL]
        r set xx v PX 300
        assert_equal OK [r set xx v2 XX]
        r set getter v PX 300
        assert_equal v [r set getter v2 GET]
        r set keptget v PX 300
        assert_equal v [r set keptget v2 GET KEEPTTL]
        r set nxfail v PX 300
        assert_equal (nil) [r set nxfail v2 NX]
        # KEEPTTL on a key without a TTL: stays without.
        r set nottl v
        r set nottl v2 KEEPTTL
        # KEEPTTL on a missing key: no TTL.
        r set newkeep v KEEPTTL
        after 600
        assert_equal v2 [r get plain]
        assert_equal (nil) [r get kept]
        assert_equal v2 [r get xx]
        assert_equal v2 [r get getter]
        assert_equal (nil) [r get keptget]
        assert_equal (nil) [r get nxfail]
        assert_equal v2 [r get nottl]
        assert_equal v [r get newkeep]
    }

    test {APPEND, SETRANGE, INCR* and a failed MSETNX keep the TTL; GETSET, MSET, SETEX drop it} {
        r flushdb
        r set append v PX 300
        assert_equal 2 [r append append x]
        r set setrange vvv PX 300
        assert_equal 3 [r setrange setrange 1 x]
        r set incr 1 PX 300
        assert_equal 2 [r incr incr]
        r set decrby 10 PX 300
        assert_equal 7 [r decrby decrby 3]
        r set incrbyfloat 1.5 PX 300
        assert_equal 2 [r incrbyfloat incrbyfloat 0.5]
        r set getset v PX 300
        assert_equal v [r getset getset v2]
        r set mset v PX 300
        r mset mset v2 other o
        r set msetnx v PX 300
        assert_equal 0 [r msetnx msetnx v2 newkey n]
        r set setex v PX 300
        r setex setex 100 v2
        r set psetex v PX 300
        r psetex psetex 300 v2
        after 600
        foreach k {append setrange incr decrby incrbyfloat msetnx psetex} {
            assert_equal (nil) [r get $k] "key $k"
        }
        assert_equal v2 [r get getset]
        assert_equal v2 [r get mset]
        assert_equal v2 [r get setex]
        assert_equal 0 [r exists newkey]
    }

    test {Reads do not change the TTL; a key in another database is independent} {
        r flushdb
        r set k v PX 300
        r get k
        r strlen k
        r getrange k 0 -1
        r mget k
        r exists k
        r select 1
        r set k other
        r select 0
        after 600
        assert_equal (nil) [r get k]
        r select 1
        assert_equal other [r get k]
        r del k
        r select 0
    }

    # ------------------------------------------------ TTL (needs:expire)
    tags {needs:expire} {
        test {SET EX/PX/EXAT/PXAT set the TTL (TTL/PTTL)} {
            r flushdb
            r set k v EX 100
            assert_range [r ttl k] 99 100
            r set k v PX 100000
            assert_range [r pttl k] 99000 100000
            r set k v EXAT [expr {[clock seconds] + 100}]
            assert_range [r ttl k] 98 100
            r set k v PXAT [expr {[clock milliseconds] + 100000}]
            assert_range [r pttl k] 98000 100000
            r set k v
            assert_equal -1 [r ttl k]
            assert_equal -1 [r pttl k]
            assert_equal -2 [r ttl missing]
            assert_equal -2 [r pttl missing]
        }

        test {KEEPTTL keeps the TTL, a plain SET / GETSET clears it (TTL)} {
            r set k v EX 100
            r set k v2 KEEPTTL
            assert_range [r ttl k] 99 100
            r set k v3 GET KEEPTTL
            assert_range [r ttl k] 99 100
            r append k x
            assert_range [r ttl k] 99 100
            r setrange k 0 y
            assert_range [r ttl k] 99 100
            r set k v4
            assert_equal -1 [r ttl k]
            r set k v EX 100
            r getset k v2
            assert_equal -1 [r ttl k]
            r set k 1 EX 100
            r incr k
            r incrbyfloat k 1.5
            assert_range [r ttl k] 99 100
        }

        test {SETEX/PSETEX set the TTL} {
            r setex k 100 v
            assert_range [r ttl k] 99 100
            r psetex k 100000 v
            assert_range [r pttl k] 99000 100000
        }

        test {GETEX EX/PX/EXAT/PXAT set the TTL, PERSIST removes it} {
            r set k v
            assert_equal v [r getex k EX 100]
            assert_range [r ttl k] 99 100
            assert_equal v [r getex k PX 200000]
            assert_range [r pttl k] 199000 200000
            assert_equal v [r getex k EXAT [expr {[clock seconds] + 300}]]
            assert_range [r ttl k] 298 300
            assert_equal v [r getex k PXAT [expr {[clock milliseconds] + 400000}]]
            assert_range [r pttl k] 398000 400000
            assert_equal v [r getex k]
            assert_range [r pttl k] 398000 400000
            assert_equal v [r getex k PERSIST]
            assert_equal -1 [r ttl k]
            assert_equal v [r getex k EX 10 EX 20]
            assert_range [r ttl k] 19 20
        }

        test {EXPIRE then SET clears it, PERSIST keeps a key} {
            r set k v
            r expire k 100
            assert_range [r ttl k] 99 100
            r set k v2
            assert_equal -1 [r ttl k]
            r set k v PX 300
            r persist k
            after 500
            assert_equal v [r get k]
        }
    }

    # ---------------------------------------------------------------- SETNX
    test {SETNX} {
        r del k
        assert_equal 1 [r setnx k v1]
        assert_equal 0 [r setnx k v2]
        assert_equal v1 [r get k]
        assert_equal ":1\r\n" [raw_reply setnx k2 v]
        assert_equal ":0\r\n" [raw_reply setnx k2 v]
        r del k2
        # An expired key is missing for SETNX.
        r set k v PX 100
        after 300
        assert_equal 1 [r setnx k v3]
        assert_equal v3 [r get k]
        # A TTL set earlier does not survive SETNX on an expired key.
        after 300
        assert_equal v3 [r get k]
    }

    # -------------------------------------------------------- SETEX/PSETEX
    test {SETEX and PSETEX set the value with an expiry} {
        r del k1 k2
        assert_equal OK [r setex k1 1 v1]
        assert_equal OK [r psetex k2 300 v2]
        assert_equal v1 [r get k1]
        assert_equal v2 [r get k2]
        after 500
        assert_equal (nil) [r get k2]
        after 800
        assert_equal (nil) [r get k1]
        # They overwrite an existing key.
        r set k v
        assert_equal OK [r setex k 100 w]
        assert_equal w [r get k]
        assert_equal OK [r psetex k 100000 x]
        assert_equal x [r get k]
    }

    test {SETEX and PSETEX errors} {
        r set k orig
        foreach t {0 -1 -100 9223372036854775807 9223372036854775 -9223372036854775808} {
            assert_error_equal "ERR invalid expire time in 'setex' command" {r setex k $t v} "SETEX $t"
        }
        foreach t {0 -1 9223372036854775807 -9223372036854775808} {
            assert_error_equal "ERR invalid expire time in 'psetex' command" {r psetex k $t v} "PSETEX $t"
        }
        foreach t {abc 1.5 "" " 1" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" {r setex k $t v}
            assert_error_equal "ERR value is not an integer or out of range" {r psetex k $t v}
        }
        assert_equal orig [r get k]
        assert_error_equal "ERR invalid expire time in 'setex' command" {r setex missing 0 v}
        assert_equal 0 [r exists missing]
    }

    # --------------------------------------------------------------- GETSET
    test {GETSET} {
        r del k
        assert_equal (nil) [r getset k v1]
        assert_equal "\$-1\r\n" [raw_reply getset k2 v]
        r del k2
        assert_equal v1 [r get k]
        assert_equal v1 [r getset k v2]
        assert_equal v2 [r get k]
        assert_equal v2 [r getset k ""]
        assert_equal "" [r getset k v3]
        assert_equal v3 [r get k]
    }

    # --------------------------------------------------------------- GETDEL
    test {GETDEL} {
        r del k
        r set k v
        assert_equal v [r getdel k]
        assert_equal 0 [r exists k]
        assert_equal (nil) [r getdel k]
        assert_equal "\$-1\r\n" [raw_reply getdel k]
        assert_equal "_\r\n" [raw_reply3 getdel k]
        r set k ""
        assert_equal "\$0\r\n\r\n" [raw_reply getdel k]
        assert_equal 0 [r exists k]
        # An expired key is nil.
        r set k v PX 100
        after 300
        assert_equal (nil) [r getdel k]
    }

    # ---------------------------------------------------------------- GETEX
    test {GETEX without options is GET} {
        r set k v
        assert_equal v [r getex k]
        assert_equal (nil) [r getex missing]
        assert_equal "\$-1\r\n" [raw_reply getex missing]
        assert_equal "_\r\n" [raw_reply3 getex missing]
        assert_equal 0 [r exists missing]
    }

    test {GETEX EX/PX/EXAT/PXAT: the key expires; PERSIST removes the expiry} {
        r flushdb
        r set px v
        r set ex v
        r set pxat v
        r set exat v
        r set persist v PX 300
        r set plain v PX 300
        assert_equal v [r getex px PX 300]
        assert_equal v [r getex ex EX 1]
        assert_equal v [r getex pxat PXAT [expr {[clock milliseconds] + 300}]]
        assert_equal v [r getex exat EXAT [expr {[clock seconds] + 1}]]
        assert_equal v [r getex persist PERSIST]
        assert_equal v [r getex plain]
        assert_equal v [r get px]
        after 600
        assert_equal (nil) [r get px]
        assert_equal (nil) [r get pxat]
        assert_equal v [r get persist]
        assert_equal (nil) [r get plain]
        after 1500
        assert_equal (nil) [r get ex]
        assert_equal (nil) [r get exat]
        assert_equal v [r get persist]
    }

    test {GETEX with EXAT/PXAT in the past returns the value and deletes the key} {
        r set k v
        assert_equal v [r getex k EXAT 1]
        assert_equal 0 [r exists k]
        r set k v
        assert_equal v [r getex k PXAT [expr {[clock milliseconds] - 1000}]]
        assert_equal (nil) [r get k]
    }

    test {GETEX syntax errors} {
        r set k v
        foreach opts {
            {PERSIST EX 10} {EX 10 PERSIST} {EX 10 PX 100} {PX 100 EXAT 9999999999}
            {EXAT 9999999999 PXAT 9999999999999} {KEEPTTL} {NX} {XX} {GET}
            {EX} {PX} {EXAT} {PXAT} {FOO} {PERSIST FOO} {EX 10 20}
        } {
            assert_error_equal "ERR syntax error" {r getex k {*}$opts} "GETEX k $opts"
        }
        # Syntax is checked before the key is looked up.
        assert_error_equal "ERR syntax error" {r getex missing FOO}
        assert_error_equal "ERR syntax error" {r getex missing PERSIST EX 10}
        # Repeated options are accepted.
        assert_equal v [r getex k PERSIST PERSIST]
        assert_equal v [r getex k EX 10 EX 20]
        assert_equal v [r get k]
    }

    test {GETEX: invalid expire time (checked only when the key exists)} {
        r set k v
        set msg "ERR invalid expire time in 'getex' command"
        foreach {opt t} {
            EX 0 EX -1 PX 0 PX -1 EXAT 0 EXAT -1 PXAT 0 PXAT -1
            EX 9223372036854775807 PX 9223372036854775807 EXAT 9223372036854776
        } {
            assert_error_equal $msg {r getex k $opt $t} "GETEX k $opt $t"
        }
        foreach opt {EX PX EXAT PXAT} {
            assert_error_equal "ERR value is not an integer or out of range" {r getex k $opt abc}
        }
        assert_equal v [r get k]
        # Redis 7.0 looks the key up first: a missing key gives nil even
        # with an invalid time.
        assert_equal (nil) [r getex missing EX 0]
        assert_equal (nil) [r getex missing PX -1]
        assert_equal (nil) [r getex missing EX abc]
        assert_equal 0 [r exists missing]
        assert_equal v [r getex k PXAT 9223372036854775807]
        assert_equal v [r get k]
    }

    # ------------------------------------------------------ MGET/MSET/MSETNX
    test {MGET: missing keys are nil} {
        r flushdb
        r set a 1
        r set c ""
        assert_equal {1 (nil) {} (nil)} [r mget a b c d]
        assert_equal "*4\r\n\$1\r\n1\r\n\$-1\r\n\$0\r\n\r\n\$-1\r\n" [raw_reply mget a b c d]
        assert_equal "*4\r\n\$1\r\n1\r\n_\r\n\$0\r\n\r\n_\r\n" [raw_reply3 mget a b c d]
        assert_equal {(nil)} [r mget nokey]
        assert_equal {1 1 1} [r mget a a a]
    }

    test {MGET of an expired key is nil} {
        r set e v PX 100
        r set f w
        after 300
        assert_equal {(nil) w} [r mget e f]
    }

    test {MSET sets every pair; a repeated key takes the last value} {
        r flushdb
        assert_equal OK [r mset a 1 b 2 c 3]
        assert_equal {1 2 3} [r mget a b c]
        assert_equal "+OK\r\n" [raw_reply mset a 4]
        assert_equal OK [r mset x 1 x 2 x 3]
        assert_equal 3 [r get x]
        assert_equal 4 [r dbsize]
        assert_equal OK [r mset a "" b "with space" c "line\r\nbreak"]
        assert_equal [list "" "with space" "line\r\nbreak"] [r mget a b c]
    }

    test {MSETNX: all or nothing} {
        r flushdb
        assert_equal 1 [r msetnx a 1 b 2]
        assert_equal {1 2} [r mget a b]
        # One existing key: nothing is set.
        assert_equal 0 [r msetnx c 3 b 20 d 4]
        assert_equal {1 2 (nil) (nil)} [r mget a b c d]
        assert_equal 2 [r dbsize]
        assert_equal ":0\r\n" [raw_reply msetnx a 1]
        assert_equal ":1\r\n" [raw_reply msetnx c 3 d 4]
        assert_equal {3 4} [r mget c d]
        # The same key twice: set, with the last value.
        assert_equal 1 [r msetnx x 1 x 2]
        assert_equal 2 [r get x]
        # An expired key counts as missing.
        r set e v PX 100
        after 300
        assert_equal 1 [r msetnx e new f new]
        assert_equal {new new} [r mget e f]
    }

    test {MSET/MSETNX with an odd number of arguments} {
        r flushdb
        assert_error_equal "ERR wrong number of arguments for 'mset' command" {r mset a 1 b}
        assert_error_equal "ERR wrong number of arguments for 'mset' command" {r mset a}
        assert_error_equal "ERR wrong number of arguments for 'msetnx' command" {r msetnx a 1 b}
        assert_error_equal "ERR wrong number of arguments for 'msetnx' command" {r msetnx a}
        assert_equal 0 [r dbsize]
    }

    test {MSET/MGET with many keys} {
        r flushdb
        set args {}
        set keys {}
        set vals {}
        for {set i 0} {$i < 1000} {incr i} {
            lappend args key:$i val:$i
            lappend keys key:$i
            lappend vals val:$i
        }
        assert_equal OK [r mset {*}$args]
        assert_equal 1000 [r dbsize]
        assert_equal $vals [r mget {*}$keys]
        r flushdb
        assert_equal 1 [r msetnx {*}$args]
        assert_equal $vals [r mget {*}$keys]
    }

    # -------------------------------------------------------- APPEND/STRLEN
    test {APPEND creates, extends and returns the new length} {
        r del k
        assert_equal 5 [r append k hello]
        assert_equal hello [r get k]
        assert_equal 11 [r append k " world"]
        assert_equal "hello world" [r get k]
        assert_equal 11 [r append k ""]
        assert_equal ":11\r\n" [raw_reply append k ""]
        assert_equal "hello world" [r get k]
        r del k
        assert_equal 0 [r append k ""]
        assert_equal 1 [r exists k]
        assert_equal "" [r get k]
    }

    test {APPEND to a number, and INCR after APPEND} {
        r set n 1
        assert_equal 2 [r append n 0]
        assert_equal 11 [r incr n]
        assert_equal 4 [r append n .5]
        assert_equal 11.5 [r get n]
        assert_error_equal "ERR value is not an integer or out of range" {r incr n}
    }

    test {APPEND many small pieces} {
        r del k
        set expected ""
        for {set i 0} {$i < 1000} {incr i} {
            set piece [randstring 0 10 binary]
            append expected $piece
            assert_equal [string length $expected] [r append k $piece]
        }
        assert_equal $expected [r get k]
    }

    test {STRLEN} {
        r del k
        assert_equal 0 [r strlen k]
        assert_equal ":0\r\n" [raw_reply strlen k]
        r set k hello
        assert_equal 5 [r strlen k]
        r set k ""
        assert_equal 0 [r strlen k]
        r set k 12345
        assert_equal 5 [r strlen k]
        r set k -1
        assert_equal 2 [r strlen k]
        r incrbyfloat k 0.25
        assert_equal 5 [r strlen k]
        r set k "a\x00b\xff"
        assert_equal 4 [r strlen k]
    }

    # ------------------------------------------------------ GETRANGE/SUBSTR
    test {GETRANGE: positive and negative indexes} {
        r set s "Hello World"
        assert_equal Hello [r getrange s 0 4]
        assert_equal "Hello World" [r getrange s 0 -1]
        assert_equal World [r getrange s -5 -1]
        assert_equal d [r getrange s -1 -1]
        assert_equal H [r getrange s 0 0]
        assert_equal "lo Wor" [r getrange s 3 -3]
        assert_equal "\$5\r\nWorld\r\n" [raw_reply getrange s 6 10]
    }

    test {GETRANGE: out of range and empty results} {
        r set s hello
        assert_equal hello [r getrange s 0 100]
        assert_equal hello [r getrange s -100 100]
        assert_equal hello [r getrange s -5 -1]
        assert_equal o [r getrange s 4 10]
        assert_equal "" [r getrange s 5 10]
        assert_equal "" [r getrange s 3 1]
        assert_equal "" [r getrange s -1 -5]
        assert_equal "" [r getrange s -3 -100]
        assert_equal "" [r getrange s -100 -200]
        assert_equal "" [r getrange s 9223372036854775807 9223372036854775807]
        assert_equal "\$0\r\n\r\n" [raw_reply getrange s 3 1]
        assert_equal "\$0\r\n\r\n" [raw_reply3 getrange s 3 1]
    }

    test {GETRANGE: a negative end before the start is clamped to 0 (Redis 7.0)} {
        # start 0, end -100: end becomes 0 after clamping, so the first byte
        # is returned (unless both are negative and start > end).
        r set s hello
        assert_equal h [r getrange s 0 -100]
        assert_equal h [r getrange s 0 -6]
        assert_equal h [r getrange s 0 -5]
        assert_equal h [r getrange s -100 -100]
        assert_equal h [r getrange s -9223372036854775808 -9223372036854775808]
        assert_equal h [r getrange s -100 -5]
        assert_equal "" [r getrange s 1 -100]
    }

    test {GETRANGE of a missing key or an empty value is empty} {
        r del nokey
        r set e ""
        assert_equal "" [r getrange nokey 0 -1]
        assert_equal "\$0\r\n\r\n" [raw_reply getrange nokey 0 -1]
        assert_equal "\$0\r\n\r\n" [raw_reply3 getrange nokey 0 -1]
        assert_equal "" [r getrange nokey 5 10]
        assert_equal "" [r getrange e 0 -1]
        assert_equal "" [r getrange e 0 0]
        assert_equal "" [r getrange e -1 -1]
        assert_equal 0 [r exists nokey]
    }

    test {GETRANGE of a number, binary data} {
        r set n 12345
        assert_equal 23 [r getrange n 1 2]
        r set b "a\x00b\r\nc\xff"
        assert_equal "\x00b\r" [r getrange b 1 3]
        assert_equal "\xff" [r getrange b -1 -1]
    }

    test {GETRANGE/SUBSTR: non-integer indexes} {
        r set s hello
        foreach {a b} {a 1 1 a 1.5 2 "" 1 0 9223372036854775808 " 1" 2} {
            assert_error_equal "ERR value is not an integer or out of range" {r getrange s $a $b} "GETRANGE s '$a' '$b'"
            assert_error_equal "ERR value is not an integer or out of range" {r substr s $a $b}
        }
        # Checked even for a missing key.
        assert_error_equal "ERR value is not an integer or out of range" {r getrange nokey a 1}
    }

    test {SUBSTR is GETRANGE} {
        r set s "Hello World"
        foreach {a b} {0 4 -5 -1 0 -1 3 1 0 100 -100 -200 0 -100 5 10 20 30} {
            assert_equal [r getrange s $a $b] [r substr s $a $b] "range $a $b"
        }
        assert_equal ell [r substr s 1 3]
        assert_equal "" [r substr nokey 0 -1]
    }

    # ------------------------------------------------------------- SETRANGE
    test {SETRANGE overwrites in place and returns the new length} {
        r set s hello
        assert_equal 5 [r setrange s 1 ELL]
        assert_equal hELLo [r get s]
        assert_equal 7 [r setrange s 5 "!!"]
        assert_equal "hELLo!!" [r get s]
        assert_equal 7 [r setrange s 0 H]
        assert_equal "HELLo!!" [r get s]
        assert_equal ":7\r\n" [raw_reply setrange s 0 H]
    }

    test {SETRANGE pads with zero bytes} {
        r del k
        assert_equal 5 [r setrange k 3 ab]
        assert_equal "\x00\x00\x00ab" [r get k]
        r set s hi
        assert_equal 10 [r setrange s 8 xy]
        assert_equal "hi\x00\x00\x00\x00\x00\x00xy" [r get s]
        r del k
        assert_equal 1 [r setrange k 0 x]
        assert_equal x [r get k]
    }

    test {SETRANGE with an empty value} {
        r del k
        # On a missing key: 0, and no key is created (whatever the offset).
        assert_equal 0 [r setrange k 0 ""]
        assert_equal 0 [r setrange k 10 ""]
        assert_equal 0 [r setrange k 9223372036854775807 ""]
        assert_equal 0 [r exists k]
        # On an existing key: the length, unchanged value.
        r set k hello
        assert_equal 5 [r setrange k 100 ""]
        assert_equal 5 [r setrange k 9223372036854775807 ""]
        assert_equal hello [r get k]
        r set k ""
        assert_equal 0 [r setrange k 3 ""]
        assert_equal "" [r get k]
    }

    test {SETRANGE on a number, and on binary data} {
        r set n 1234
        assert_equal 4 [r setrange n 1 9]
        assert_equal 1934 [r get n]
        assert_equal 1935 [r incr n]
        r set b "a\x00b"
        assert_equal 3 [r setrange b 1 "\xff"]
        assert_equal "a\xffb" [r get b]
    }

    test {SETRANGE errors} {
        r set s hello
        assert_error_equal "ERR offset is out of range" {r setrange s -1 x}
        assert_error_equal "ERR offset is out of range" {r setrange s -9223372036854775808 x}
        assert_error_equal "ERR offset is out of range" {r setrange nokey -1 x}
        assert_error_equal "ERR offset is out of range" {r setrange nokey -1 ""}
        foreach bad {a 1.5 "" " 1" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" {r setrange s $bad x} "offset '$bad'"
        }
        set msg "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
        assert_error_equal $msg {r setrange s 9223372036854775807 x}
        assert_error_equal $msg {r setrange s 536870912 x}
        assert_error_equal $msg {r setrange s 536870911 xx}
        assert_error_equal $msg {r setrange nokey 536870912 x}
        assert_equal hello [r get s]
        assert_equal 0 [r exists nokey]
    }

    test {APPEND, SETRANGE and LCS obey proto-max-bulk-len} {
        set old [lindex [r config get proto-max-bulk-len] 1]
        r config set proto-max-bulk-len 1048576
        set msg "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
        set rc [catch {
            r del k
            # A string of exactly the limit is allowed, one byte more is not.
            assert_equal 1048576 [r setrange k 1048575 x]
            assert_equal 1048576 [r strlen k]
            assert_error_equal $msg {r setrange k 1048576 x}
            assert_error_equal $msg {r setrange k 1048575 xy}
            assert_error_equal $msg {r append k y}
            assert_equal 1048576 [r strlen k]
            assert_equal 1048576 [r setrange k 0 abc]
            assert_equal 1048576 [r append k ""]
            assert_error_equal $msg {r setrange nokey 1048576 x}
            assert_equal 0 [r exists nokey]
            r del k
            # LCS needs (len1+1)*(len2+1) 4-byte cells: 512*512*4 is 1 MB.
            r set a [string repeat a 511]
            r set b [string repeat a 511]
            assert_equal 511 [r lcs a b len]
            r set b [string repeat a 512]
            assert_error_equal "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len" {r lcs a b len}
            assert_error_equal "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len" {r lcs b a}
            r del a b
        } err opts]
        r config set proto-max-bulk-len $old
        return -options $opts $err
    }

    # ------------------------------------------------------------ INCR/DECR
    test {INCR/DECR/INCRBY/DECRBY on a missing key start from 0} {
        r del a b c d
        assert_equal 1 [r incr a]
        assert_equal -1 [r decr b]
        assert_equal 5 [r incrby c 5]
        assert_equal -5 [r decrby d 5]
        assert_equal {1 -1 5 -5} [r mget a b c d]
        assert_equal ":2\r\n" [raw_reply incr a]
        assert_equal ":3\r\n" [raw_reply3 incr a]
    }

    test {INCR/DECR/INCRBY/DECRBY on existing values} {
        r set n 10
        assert_equal 11 [r incr n]
        assert_equal 10 [r decr n]
        assert_equal 110 [r incrby n 100]
        assert_equal 10 [r decrby n 100]
        assert_equal -90 [r incrby n -100]
        assert_equal 10 [r decrby n -100]
        assert_equal 10 [r incrby n 0]
        assert_equal 10 [r get n]
        r set n -1
        assert_equal 0 [r incr n]
        assert_equal 0 [r get n]
        r set n 0
        assert_equal -1 [r decr n]
    }

    test {INCR/DECR produce the same string as SET of that number} {
        r set n 99
        r incr n
        assert_equal 100 [r get n]
        assert_equal 3 [r strlen n]
        r set n 17179869184
        assert_equal 17179869185 [r incr n]
        assert_equal 17179869185 [r get n]
        r set n -100
        assert_equal -99 [r incr n]
        assert_equal "\$3\r\n-99\r\n" [raw_reply get n]
    }

    test {INCR family on values that are not integers} {
        set msg "ERR value is not an integer or out of range"
        foreach v {abc "" " 1" "1 " " " +1 01 -0 00 1.0 1.5 1e3 0x10 "1\x00"
                   9223372036854775808 -9223372036854775809
                   123456789012345678901234567890 "1 2"} {
            r set n $v
            assert_error_equal $msg {r incr n} "INCR on '$v'"
            assert_error_equal $msg {r decr n} "DECR on '$v'"
            assert_error_equal $msg {r incrby n 1} "INCRBY on '$v'"
            assert_error_equal $msg {r decrby n 1} "DECRBY on '$v'"
            assert_equal $v [r get n]
        }
    }

    test {INCRBY/DECRBY with an increment that is not an integer} {
        set msg "ERR value is not an integer or out of range"
        r set n 5
        foreach inc {abc "" 1.5 " 1" "1 " +1 01 1e3 9223372036854775808 -9223372036854775809} {
            assert_error_equal $msg {r incrby n $inc} "INCRBY '$inc'"
            assert_error_equal $msg {r decrby n $inc} "DECRBY '$inc'"
        }
        assert_equal 5 [r get n]
        # Checked before the key: nothing is created.
        assert_error_equal $msg {r incrby nokey abc}
        assert_equal 0 [r exists nokey]
    }

    test {INCR family at the limits of a 64-bit integer} {
        set msg "ERR increment or decrement would overflow"
        r set n 9223372036854775806
        assert_equal 9223372036854775807 [r incr n]
        assert_error_equal $msg {r incr n}
        assert_error_equal $msg {r incrby n 1}
        assert_error_equal $msg {r decrby n -1}
        assert_equal 9223372036854775807 [r incrby n 0]
        assert_equal 9223372036854775807 [r get n]
        r set n -9223372036854775807
        assert_equal -9223372036854775808 [r decr n]
        assert_error_equal $msg {r decr n}
        assert_error_equal $msg {r decrby n 1}
        assert_error_equal $msg {r incrby n -1}
        assert_equal -9223372036854775808 [r get n]
        r set n 1
        assert_error_equal $msg {r incrby n 9223372036854775807}
        r set n -1
        assert_equal 9223372036854775806 [r incrby n 9223372036854775807]
        r set n 0
        assert_equal -9223372036854775808 [r incrby n -9223372036854775808]
        r set n 10
        assert_equal -9223372036854775797 [r decrby n 9223372036854775807]
        r set n -2
        assert_error_equal $msg {r decrby n 9223372036854775807}
        # The overflow leaves the value unchanged.
        assert_equal -2 [r get n]
    }

    test {DECRBY of the smallest integer: "decrement would overflow"} {
        r set n 0
        assert_error_equal "ERR decrement would overflow" {r decrby n -9223372036854775808}
        r del nokey
        assert_error_equal "ERR decrement would overflow" {r decrby nokey -9223372036854775808}
        assert_equal 0 [r exists nokey]
        assert_equal 0 [r get n]
    }

    # ---------------------------------------------------------- INCRBYFLOAT
    test {INCRBYFLOAT: basic results and formatting} {
        r del f
        assert_equal 0.1 [r incrbyfloat f 0.1]
        assert_equal 0.3 [r incrbyfloat f 0.2]
        r set f 10.5
        assert_equal 10.6 [r incrbyfloat f 0.1]
        assert_equal 10.6 [r get f]
        r set f 5.0e3
        assert_equal 5200 [r incrbyfloat f 200]
        assert_equal 5200 [r get f]
        r set f 1.5
        assert_equal 3 [r incrbyfloat f 1.5]
        r set f 1
        assert_equal 0 [r incrbyfloat f -1]
        r set f -10
        assert_equal -7.5 [r incrbyfloat f 2.5]
        r set f 0
        assert_equal 15000000000 [r incrbyfloat f 1.5e10]
        r set f 1e2
        assert_equal 101 [r incrbyfloat f 1]
        r set f 0
        assert_equal 5000 [r incrbyfloat f 5.0e3]
        r set f 3
        assert_equal 3.00001 [r incrbyfloat f 1e-5]
        r set f 10
        assert_equal 10.000001 [r incrbyfloat f 0.000001]
    }

    test {INCRBYFLOAT replies with a bulk string (RESP2 and RESP3)} {
        r set f 10.5
        assert_equal "\$4\r\n10.6\r\n" [raw_reply incrbyfloat f 0.1]
        assert_equal "\$4\r\n10.7\r\n" [raw_reply3 incrbyfloat f 0.1]
        r set f 1
        assert_equal "\$1\r\n2\r\n" [raw_reply3 incrbyfloat f 1]
    }

    test {INCRBYFLOAT: precision and long double range} {
        r set f 10
        assert_equal 11.23456789012345679 [r incrbyfloat f 1.23456789012345678901]
        r set f 1.5
        assert_equal 3 [r incrbyfloat f 1.5]
        # Too small to show in 17 decimals.
        assert_equal 3 [r incrbyfloat f 1e-20]
        # Beyond the range of a double but fine for a long double.
        r set f 1e308
        set v [r incrbyfloat f 1e308]
        assert_match 19999999999999999999* $v
        assert_equal 309 [string length $v]
        r del f
        set v [r incrbyfloat f 1e400]
        assert_match 10000000000000000000* $v
        assert_equal 401 [string length $v]
    }

    test {INCRBYFLOAT: accepted number syntaxes} {
        r set f -10
        assert_equal -9 [r incrbyfloat f +1]
        assert_equal -8.5 [r incrbyfloat f .5]
        assert_equal -3.5 [r incrbyfloat f 5.]
        assert_equal 12.5 [r incrbyfloat f 0x10]
        assert_equal 13.5 [r incrbyfloat f 1E0]
        # Negative zero is shown as 0.
        r set f 0
        assert_equal 0 [r incrbyfloat f -0.0]
        r set f 1
        assert_equal 0 [r incrbyfloat f -1]
        assert_equal 0 [r incrbyfloat f -0.0]
    }

    test {INCRBYFLOAT: integer values, and INCR after INCRBYFLOAT} {
        r set n 17179869184
        assert_equal 17179869185.5 [r incrbyfloat n 1.5]
        assert_error_equal "ERR value is not an integer or out of range" {r incr n}
        r set n 5
        assert_equal 6 [r incrbyfloat n 1.0]
        # An integral result is stored without a fraction, so INCR works.
        assert_equal 7 [r incr n]
    }

    test {INCRBYFLOAT: "value is not a valid float"} {
        set msg "ERR value is not a valid float"
        r set f 1
        set incs [list abc "" " 1" "1 " 1.0.0 nan NaN -nan 1e "1\x00" [string repeat 1 6000]]
        foreach inc $incs {
            assert_error_equal $msg {r incrbyfloat f $inc} "increment '[string range $inc 0 20]'"
        }
        foreach v {abc "" " 1" "1 " "1.0 " nan 1e "1\x00"} {
            r set f $v
            assert_error_equal $msg {r incrbyfloat f 1} "value '$v'"
            assert_equal $v [r get f]
        }
        r del nokey
        assert_error_equal $msg {r incrbyfloat nokey abc}
        assert_equal 0 [r exists nokey]
    }

    test {INCRBYFLOAT: "increment would produce NaN or Infinity"} {
        set msg "ERR increment would produce NaN or Infinity"
        r set f 1
        assert_error_equal $msg {r incrbyfloat f inf}
        assert_error_equal $msg {r incrbyfloat f -inf}
        assert_error_equal $msg {r incrbyfloat f +inf}
        assert_error_equal $msg {r incrbyfloat f Infinity}
        assert_equal 1 [r get f]
        r set f inf
        assert_error_equal $msg {r incrbyfloat f 1}
        assert_equal inf [r get f]
        r del nokey
        assert_error_equal $msg {r incrbyfloat nokey inf}
        assert_equal 0 [r exists nokey]
    }

    # ------------------------------------------------------------------ LCS
    test {LCS: the longest common subsequence} {
        r flushdb
        r mset k1 ohmytext k2 mynewtext
        assert_equal mytext [r lcs k1 k2]
        assert_equal "\$6\r\nmytext\r\n" [raw_reply lcs k1 k2]
        assert_equal ohmytext [r lcs k1 k1]
        r mset a abc b def
        assert_equal "" [r lcs a b]
        # Missing keys are empty strings.
        assert_equal "" [r lcs k1 nokey]
        assert_equal "" [r lcs nokey1 nokey2]
        assert_equal "\$0\r\n\r\n" [raw_reply lcs nokey1 nokey2]
        r mset x "a\x00b\xffc" y "\x00\xff"
        assert_equal "\x00\xff" [r lcs x y]
    }

    test {LCS LEN} {
        r mset k1 ohmytext k2 mynewtext
        assert_equal 6 [r lcs k1 k2 LEN]
        assert_equal ":6\r\n" [raw_reply lcs k1 k2 len]
        assert_equal ":6\r\n" [raw_reply3 lcs k1 k2 len]
        assert_equal 0 [r lcs k1 nokey len]
        assert_equal 6 [r lcs k1 k2 LEN LEN]
        # MINMATCHLEN does not change LEN.
        assert_equal 6 [r lcs k1 k2 len minmatchlen 4]
        # WITHMATCHLEN alone has no effect.
        assert_equal mytext [r lcs k1 k2 withmatchlen]
    }

    test {LCS IDX} {
        r mset k1 ohmytext k2 mynewtext
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs k1 k2 IDX]
        assert_equal {matches {{{4 7} {5 8}}} len 6} [r lcs k1 k2 idx minmatchlen 4]
        assert_equal {matches {{{4 7} {5 8} 4} {{2 3} {0 1} 2}} len 6} [r lcs k1 k2 idx withmatchlen]
        assert_equal {matches {{{4 7} {5 8} 4}} len 6} [r lcs k1 k2 idx minmatchlen 4 withmatchlen]
        assert_equal {matches {{{4 7} {5 8} 4}} len 6} [r lcs k1 k2 withmatchlen minmatchlen 4 idx]
        # A MINMATCHLEN of 0 or below filters nothing.
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs k1 k2 minmatchlen -5 idx]
        assert_equal {matches {{{4 7} {5 8}} {{2 3} {0 1}}} len 6} [r lcs k1 k2 idx minmatchlen 0]
        # The last MINMATCHLEN wins.
        assert_equal {matches {{{4 7} {5 8}}} len 6} [r lcs k1 k2 idx minmatchlen 1 minmatchlen 3]
        # Filtered matches still count in len.
        r mset a a b a
        assert_equal {matches {} len 1} [r lcs a b idx minmatchlen 2]
        assert_equal {matches {{{0 0} {0 0} 1}} len 1} [r lcs a b idx withmatchlen]
        assert_equal {matches {} len 0} [r lcs nokey1 nokey2 idx]
        r mset a abc b def
        assert_equal {matches {} len 0} [r lcs a b idx]
    }

    test {LCS: which subsequence is chosen when several are longest} {
        r mset a ab b ba
        assert_equal b [r lcs a b]
        assert_equal a [r lcs b a]
        assert_equal {matches {{{1 1} {0 0} 1}} len 1} [r lcs a b idx withmatchlen]
        r mset a abcXdef b defYabc
        assert_equal def [r lcs a b]
        assert_equal {matches {{{4 6} {0 2} 3}} len 3} [r lcs a b idx withmatchlen]
        r mset a aaaa b aa
        assert_equal {matches {{{2 3} {0 1} 2}} len 2} [r lcs a b idx withmatchlen]
        r mset a 1234567 b 7654321
        assert_equal 7 [r lcs a b]
        r mset a abcabcabc b cbacbacba
        assert_equal cbabc [r lcs a b]
        assert_equal {matches {{{8 8} {6 6} 1} {{7 7} {4 4} 1} {{6 6} {2 2} 1} {{4 4} {1 1} 1} {{2 2} {0 0} 1}} len 5} \
            [r lcs a b idx withmatchlen]
    }

    test {LCS IDX: exact RESP2 and RESP3 replies} {
        r mset k1 ohmytext k2 mynewtext
        set m1 "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        set m2 "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
        assert_equal "*4\r\n\$7\r\nmatches\r\n*2\r\n$m1$m2\$3\r\nlen\r\n:6\r\n" [raw_reply lcs k1 k2 idx]
        assert_equal "%2\r\n\$7\r\nmatches\r\n*2\r\n$m1$m2\$3\r\nlen\r\n:6\r\n" [raw_reply3 lcs k1 k2 idx]
        set w1 "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        assert_equal "*4\r\n\$7\r\nmatches\r\n*1\r\n$w1\$3\r\nlen\r\n:6\r\n" [raw_reply lcs k1 k2 idx minmatchlen 4 withmatchlen]
        assert_equal "%2\r\n\$7\r\nmatches\r\n*1\r\n$w1\$3\r\nlen\r\n:6\r\n" [raw_reply3 lcs k1 k2 idx minmatchlen 4 withmatchlen]
        assert_equal "*4\r\n\$7\r\nmatches\r\n*0\r\n\$3\r\nlen\r\n:0\r\n" [raw_reply lcs nokey1 nokey2 idx]
        assert_equal "%2\r\n\$7\r\nmatches\r\n*0\r\n\$3\r\nlen\r\n:0\r\n" [raw_reply3 lcs nokey1 nokey2 idx]
    }

    test {LCS errors} {
        r mset k1 ohmytext k2 mynewtext
        set both "ERR If you want both the length and indexes, please just use IDX."
        assert_error_equal $both {r lcs k1 k2 len idx}
        assert_error_equal $both {r lcs k1 k2 IDX LEN}
        assert_error_equal $both {r lcs nokey1 nokey2 idx len}
        foreach opts {{foo} {k3} {minmatchlen} {idx minmatchlen} {len foo}} {
            assert_error_equal "ERR syntax error" {r lcs k1 k2 {*}$opts} "LCS k1 k2 $opts"
        }
        foreach bad {abc 1.5 "" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" {r lcs k1 k2 idx minmatchlen $bad}
        }
    }

    test {LCS of longer random strings agrees with a reference implementation} {
        # Classic dynamic programming, for the length only.
        proc str_lcs_len {a b} {
            set la [string length $a]
            set lb [string length $b]
            set prev [lrepeat [expr {$lb+1}] 0]
            for {set i 1} {$i <= $la} {incr i} {
                set cur [list 0]
                set ca [string index $a [expr {$i-1}]]
                for {set j 1} {$j <= $lb} {incr j} {
                    if {$ca eq [string index $b [expr {$j-1}]]} {
                        lappend cur [expr {[lindex $prev [expr {$j-1}]] + 1}]
                    } else {
                        lappend cur [expr {max([lindex $prev $j], [lindex $cur end])}]
                    }
                }
                set prev $cur
            }
            return [lindex $prev end]
        }
        for {set round 0} {$round < 5} {incr round} {
            set a [randstring 50 150 compr]
            set b [randstring 50 150 compr]
            r mset a $a b $b
            set len [str_lcs_len $a $b]
            assert_equal $len [r lcs a b len]
            set s [r lcs a b]
            assert_equal $len [string length $s]
            set idx [r lcs a b idx withmatchlen]
            assert_equal $len [dict get $idx len]
            # The matches cover exactly the common subsequence, in reverse.
            set total 0
            set rebuilt ""
            foreach m [dict get $idx matches] {
                lassign $m ra rb mlen
                lassign $ra a0 a1
                lassign $rb b0 b1
                assert_equal $mlen [expr {$a1 - $a0 + 1}]
                assert_equal $mlen [expr {$b1 - $b0 + 1}]
                assert_equal [string range $a $a0 $a1] [string range $b $b0 $b1]
                set rebuilt "[string range $a $a0 $a1]$rebuilt"
                incr total $mlen
            }
            assert_equal $len $total
            assert_equal $s $rebuilt
        }
    }

    # -------------------------------------------------------- binary safety
    test {Keys and values with every byte value} {
        r flushdb
        set all [all_bytes]
        r set $all $all
        assert_equal $all [r get $all]
        assert_equal 256 [r strlen $all]
        assert_equal [str_bulk $all] [raw_reply get $all]
        r del $all
        # Every single byte as a key and as a value.
        for {set i 0} {$i < 256} {incr i} {
            set b [format %c $i]
            r set $b "v$b"
        }
        assert_equal 256 [r dbsize]
        for {set i 0} {$i < 256} {incr i} {
            set b [format %c $i]
            assert_equal "v$b" [r get $b] "byte $i"
        }
        r flushdb
    }

    test {Binary values through SET GETSET MSET MGET APPEND GETRANGE SETRANGE GETDEL} {
        r flushdb
        set v1 "a\x00b\r\n\x00\xff\x80$\r\n*1\r\n"
        set v2 "\r\n\r\n\x00"
        r set k $v1
        assert_equal $v1 [r get k]
        assert_equal $v1 [r getset k $v2]
        assert_equal $v2 [r get k]
        r mset "k\x00a" $v1 "k\x00b" $v2
        assert_equal [list $v1 $v2] [r mget "k\x00a" "k\x00b"]
        assert_equal 2 [r exists "k\x00a" "k\x00b"]
        assert_equal 3 [r dbsize] "the key names are not cut at the NUL byte"
        assert_equal [expr {[string length $v1] + [string length $v2]}] [r append "k\x00a" $v2]
        assert_equal "$v1$v2" [r get "k\x00a"]
        assert_equal [string range $v1 1 5] [r getrange "k\x00a" 1 5]
        r setrange "k\x00a" 2 "\x00\x00\x00"
        assert_equal "a\x00\x00\x00\x00[string range $v1 5 end]$v2" [r get "k\x00a"]
        assert_equal $v2 [r getdel "k\x00b"]
        assert_equal 0 [r exists "k\x00b"]
    }

    test {Random binary values round trip} {
        r flushdb
        set data {}
        for {set i 0} {$i < 200} {incr i} {
            set k [randstring 1 30 binary]
            set v [randstring 0 300 binary]
            r set $k $v
            dict set data $k $v
        }
        dict for {k v} $data {
            assert_equal $v [r get $k]
        }
        assert_equal [dict size $data] [r dbsize]
    }

    test {A 10 MB value round trip} {
        r del big
        set v [big_random_value 10485760]
        assert_equal OK [r set big $v]
        assert_equal 10485760 [r strlen big]
        set got [r get big]
        assert_equal [string length $v] [string length $got]
        assert {$got eq $v} "the 10 MB value differs at offset [::test::first_difference $got $v]"
        assert_equal [string range $v end-99 end] [r getrange big -100 -1]
        assert_equal [string range $v 5000000 5000099] [r getrange big 5000000 5000099]
        assert_equal 10485763 [r append big xyz]
        assert_equal "[string range $v end-2 end]xyz" [r getrange big -6 -1]
        assert_equal 10485763 [r setrange big 0 ABC]
        assert_equal "ABC[string range $v 3 9]" [r getrange big 0 9]
        set got [r getdel big]
        assert_equal 10485763 [string length $got]
        assert_equal 0 [r exists big]
    }

    test {Values of many sizes round trip} {
        r flushdb
        foreach len {0 1 2 15 16 17 31 32 33 63 64 65 127 128 129 255 256 257
                     511 512 513 1023 1024 1025 4095 4096 4097 65535 65536 65537
                     1048575 1048576 1048577} {
            if {$len < 2000} {
                set v [randstring $len $len binary]
            } else {
                set v [big_random_value $len]
            }
            r set k$len $v
            assert_equal $len [r strlen k$len] "length $len"
            assert_equal $v [r get k$len] "length $len"
        }
        r flushdb
    }

    # -------------------------------------------------------------- SELECT
    test {String keys live in the selected database} {
        r flushall
        r select 0
        r set k db0
        r select 1
        assert_equal (nil) [r get k]
        r set k db1
        assert_equal 1 [r incr n]
        assert_equal 8 [r append k "-more"]
        r select 15
        r mset k db15 n 100
        assert_equal {db15 100} [r mget k n]
        r select 0
        assert_equal db0 [r get k]
        assert_equal (nil) [r get n]
        assert_equal 1 [r dbsize]
        r select 1
        assert_equal {db1-more 1} [r mget k n]
        assert_equal db1-more [r getdel k]
        r select 0
        assert_equal db0 [r get k]
        r select 15
        assert_equal 0 [r msetnx k x other y]
        assert_equal 1 [r msetnx other y]
        r flushall
        r select 0
    }

    # -------------------------------------------------------- wrong arity
    test {Wrong number of arguments for every string command} {
        foreach {name forms} {
            get {{} {a b}}
            set {{} {a}}
            setnx {{} {a} {a b c}}
            setex {{} {a} {a 10} {a 10 v x}}
            psetex {{} {a} {a 10} {a 10 v x}}
            getset {{} {a} {a b c}}
            getdel {{} {a b}}
            getex {{}}
            mget {{}}
            mset {{} {a}}
            msetnx {{} {a}}
            append {{} {a} {a b c}}
            strlen {{} {a b}}
            getrange {{} {a} {a 0} {a 0 1 2}}
            substr {{} {a} {a 0} {a 0 1 2}}
            setrange {{} {a} {a 0} {a 0 v x}}
            incr {{} {a b}}
            decr {{} {a b}}
            incrby {{} {a} {a 1 2}}
            decrby {{} {a} {a 1 2}}
            incrbyfloat {{} {a} {a 1 2}}
            lcs {{} {a}}
        } {
            foreach args $forms {
                assert_error_equal "ERR wrong number of arguments for '$name' command" \
                    {r $name {*}$args} "$name $args"
                # The name is reported in lower case, whatever was sent.
                assert_error_equal "ERR wrong number of arguments for '$name' command" \
                    {r [string toupper $name] {*}$args} "[string toupper $name] $args"
            }
        }
        # No key was created by the failed commands.
        r select 0
        assert_equal 0 [r exists a]
    }
}
