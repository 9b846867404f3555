# Sorted set commands: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZCOUNT
# ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK, ZRANGE with BYSCORE BYLEX REV
# LIMIT WITHSCORES and the older ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX
# ZREVRANGEBYLEX ZREVRANGE, ZRANGESTORE, ZREMRANGEBYRANK/SCORE/LEX,
# ZPOPMIN ZPOPMAX ZMPOP, ZRANDMEMBER, ZUNION ZINTER ZDIFF ZINTERCARD and
# their STORE forms (WEIGHTS, AGGREGATE, plain sets as inputs), ZSCAN,
# SORT and SORT_RO on sorted sets, DUMP/RESTORE.  Scores: inf and -inf,
# "(" exclusive bounds, NaN refused, the exact text of a score in RESP2
# (%.17g, e.g. 0.1 reads 0.10000000000000001) and the RESP3 double reply
# (",0.1..."), checked byte for byte where the form matters.  Every error
# path with Redis's text, OBJECT ENCODING listpack / skiplist and the
# zset-max-listpack-* limits (and their ziplist aliases), 3000 random
# commands that must answer the same on a listpack and a skiplist key,
# keyspace events of the z class, WATCH, tracking, and ranks and ranges on
# 100,000 members against a Tcl model.  At the end, redis-kv-only tests of
# sorted sets in the log (restart, kill -9, a batch cut by DEBUG
# CRASH-AFTER-PARTIAL-BATCH, log bytes per write).
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/zset
#   tests/runtest --host 127.0.0.1 --port P --single unit/zset
# Nothing here is redis-kv-only.  The blocks that change the config are
# tagged needs:own-server (skipped with --host/--port).  Never send
# ZRANDMEMBER a huge negative count without WITHSCORES: Redis 7.0 would
# try to reply that many members.

set ::zs_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

# The member/score pairs of KEY as a flat list, in rank order.
proc zs_all {key} { return [r zrange $key 0 -1 withscores] }

# Sorted set KEY made afresh from the flat score/member list ARGS.
proc zs_make {key args} {
    r del $key
    if {[llength $args]} { r zadd $key {*}$args }
}

# OBJECT ENCODING of z must be listpack up to ENTRIES members of up to
# VALUE bytes, skiplist past either, and stay skiplist when it shrinks.
proc zs_check_encoding_limits {entries value} {
    r del z
    for {set i 0} {$i < $entries} {incr i} { r zadd z $i m$i }
    assert_equal listpack [r object encoding z] "$entries members"
    r zadd z $entries one-more
    assert_equal skiplist [r object encoding z] "[expr {$entries + 1}] members"
    r zrem z one-more m0 m1
    assert_equal skiplist [r object encoding z] "after ZREM"
    r del z
    r zadd z 1 [string repeat a $value]
    assert_equal listpack [r object encoding z] "a $value-byte member"
    r zadd z 1 [string repeat a [expr {$value + 1}]]
    assert_equal skiplist [r object encoding z] "a [expr {$value + 1}]-byte member"
    r zrem z [string repeat a [expr {$value + 1}]]
    assert_equal skiplist [r object encoding z] "after ZREM of the long member"
}

# ---- a Tcl model of a sorted set: a list of {score member} pairs kept in
# Redis's order (score, then member bytes).
proc zs_model_sort {pairs} {
    return [lsort -command zs_model_cmp $pairs]
}
proc zs_model_cmp {a b} {
    set sa [lindex $a 0]
    set sb [lindex $b 0]
    if {$sa < $sb} { return -1 }
    if {$sa > $sb} { return 1 }
    return [string compare [lindex $a 1] [lindex $b 1]]
}

start_server {tags {zset}} {
    r null_value (nil)

    # ---------------------------------------------------------------- ZADD
    test {ZADD creates a sorted set and replies the number of new members} {
        r del z
        assert_equal 3 [r zadd z 1 a 2 b 3 c]
        assert_equal zset [r type z]
        assert_equal 3 [r zcard z]
        assert_equal 1 [r zadd z 4 d 1 a]
        assert_equal {a 1 b 2 c 3 d 4} [zs_all z]
        assert_equal ":0\r\n" [raw_reply zadd z 5 a]
        assert_equal ":1\r\n" [raw_reply3 zadd z 5 e]
    }

    test {ZADD of an existing member moves it to its new score} {
        zs_make z 1 a 2 b 3 c
        assert_equal 0 [r zadd z 10 a]
        assert_equal {b 2 c 3 a 10} [zs_all z]
        assert_equal 0 [r zadd z -1 c]
        assert_equal {c -1 b 2 a 10} [zs_all z]
    }

    test {ZADD of a member named twice keeps the last score} {
        r del z
        assert_equal 1 [r zadd z 1 a 2 a 3 a]
        assert_equal {a 3} [zs_all z]
        # CH counts every change, the same member twice too.
        assert_equal 2 [r zadd z ch 5 a 4 a]
        assert_equal {a 4} [zs_all z]
    }

    test {Members of equal score are ordered by their bytes} {
        zs_make z 1 b 1 a 1 B 1 "" 1 aa 1 "a\x00" 0 z
        assert_equal [list z "" B a "a\x00" aa b] [r zrange z 0 -1]
        assert_equal 7 [r zcard z]
    }

    test {ZADD CH counts changed scores too} {
        zs_make z 1 a 2 b
        assert_equal 3 [r zadd z ch 1 a 5 b 6 c 7 d]
        assert_equal 0 [r zadd z ch 1 a 5 b]
        assert_equal 1 [r zadd z CH 0 a]
    }

    test {ZADD NX only adds, XX only updates} {
        zs_make z 1 a 2 b
        assert_equal 1 [r zadd z nx 10 a 3 c]
        assert_equal {a 1 b 2 c 3} [zs_all z]
        assert_equal 0 [r zadd z xx 20 a 4 d]
        assert_equal {b 2 c 3 a 20} [zs_all z]
        assert_equal 1 [r zadd z xx ch 0 b 4 d]
        assert_equal 0 [r exists nokey]
        assert_equal 0 [r zadd nokey xx 1 a]
        assert_equal 0 [r exists nokey]
    }

    test {ZADD GT and LT only move a score up or down, and still add new members} {
        zs_make z 5 a 5 b
        assert_equal 1 [r zadd z gt 3 a 7 b 1 c]
        assert_equal {c 1 a 5 b 7} [zs_all z]
        assert_equal 2 [r zadd z lt ch 3 a 9 b 0 d]
        assert_equal {d 0 c 1 a 3 b 7} [zs_all z]
        assert_equal 0 [r zadd z xx gt 1 a 10 e]
        assert_equal 1 [r zadd z xx gt ch 8 b 10 e]
        assert_equal {d 0 c 1 a 3 b 8} [zs_all z]
        assert_equal 1 [r zadd z xx lt ch 2 a 10 e]
        assert_equal 2 [r zscore z a]
    }

    test {ZADD option conflicts} {
        zs_make z 1 a
        assert_error_equal "ERR XX and NX options at the same time are not compatible" {r zadd z nx xx 1 a}
        assert_error_equal "ERR XX and NX options at the same time are not compatible" {r zadd z xx nx incr 1 a}
        foreach opts {{gt lt} {gt nx} {lt nx} {nx gt} {lt gt ch}} {
            assert_error_equal "ERR GT, LT, and/or NX options at the same time are not compatible" \
                {r zadd z {*}$opts 1 a} $opts
        }
        assert_error_equal "ERR INCR option supports a single increment-element pair" {r zadd z incr 1 a 2 b}
        assert_error_equal "ERR INCR option supports a single increment-element pair" {r zadd z xx incr 1 a 2 b}
        assert_error_equal "ERR syntax error" {r zadd z 1 a 2}
        assert_error_equal "ERR syntax error" {r zadd z foo 1 a}
        assert_error_equal "ERR syntax error" {r zadd z nx 1}
        assert_arity_error zadd {} {z} {z 1}
        assert_equal {a 1} [zs_all z]
    }

    test {ZADD refuses a score that is not a float, and adds nothing} {
        zs_make z 1 a
        foreach bad {abc nan NaN "" " 1" "1 " 1x 1e 0x} {
            assert_error_equal "ERR value is not a valid float" {r zadd z $bad b} "score '$bad'"
        }
        assert_error_equal "ERR value is not a valid float" {r zadd z 2 b nan c}
        assert_error_equal "ERR value is not a valid float" {r zadd new nan c}
        assert_equal {a 1} [zs_all z]
        assert_equal 0 [r exists new]
    }

    test {ZADD scores: infinities, exponents, signs} {
        r del z
        assert_equal 6 [r zadd z inf a -inf b +inf c -INF d 1e3 e -1.5E-2 f]
        assert_equal {b -inf d -inf f -0.014999999999999999 e 1000 a inf c inf} [zs_all z]
        assert_equal 1 [r zadd z 0x10 g]
        assert_equal 16 [r zscore z g]
        assert_equal 1 [r zadd z +5 h]
        assert_equal 5 [r zscore z h]
    }

    test {Scores read back in %.17g in RESP2 and as doubles in RESP3} {
        zs_make z 0.1 a 1e300 b 1.5 c 3 d -2.25 e inf f -inf g
        foreach {m text} {a 0.10000000000000001 b 1.0000000000000001e+300 c 1.5 d 3
                          e -2.25 f inf g -inf} {
            assert_equal "\$[string length $text]\r\n$text\r\n" [raw_reply zscore z $m] $m
            assert_equal ",$text\r\n" [raw_reply3 zscore z $m] $m
        }
        assert_equal "\$-1\r\n" [raw_reply zscore z nx]
        assert_equal "_\r\n" [raw_reply3 zscore z nx]
        assert_equal "_\r\n" [raw_reply3 zscore nokey a]
    }

    test {Scores of every magnitude read back as %.17g gives them, in both encodings} {
        set table {
            1e20 1e+20  9007199254740993 9007199254740992  123456789012345678 1.2345678901234568e+17
            0.5 0.5  1.0000000000000002 1.0000000000000002  5e-324 4.9406564584124654e-324
            -1.7976931348623157e308 -1.7976931348623157e+308  1e-5 1.0000000000000001e-05
            100 100  2.5e+2 250  -7 -7  0.1 0.10000000000000001  1e16 10000000000000000
            1e17 1e+17
        }
        # A member longer than zset-max-listpack-value (64) makes the key
        # a skiplist; the other stays a listpack.
        r del lp sl
        r zadd sl 0 [string repeat x 100]
        set i 0
        foreach {in out} $table {
            r zadd lp $in m$i
            r zadd sl $in m$i
            assert_equal $out [r zscore lp m$i] "listpack: $in"
            assert_equal $out [r zscore sl m$i] "skiplist: $in"
            assert_equal ",$out\r\n" [raw_reply3 zscore lp m$i] "RESP3: $in"
            incr i
        }
        assert_equal listpack [r object encoding lp]
        assert_equal skiplist [r object encoding sl]
        assert_error_equal "ERR value is not a valid float" {r zadd lp 1e309 big}
        assert_error_equal "ERR value is not a valid float" {r zadd lp -1e400 big}
    }

    test {Members sort by unsigned bytes: "\x00" first, "\xff" after "z"} {
        zs_make z 0 z 0 "\xff" 0 "\x00" 0 "\x7f" 0 "\x80" 0 A 0 ""
        assert_equal [list "" "\x00" A z "\x7f" "\x80" "\xff"] [r zrange z 0 -1]
        assert_equal [list "\x80" "\xff"] [r zrangebylex z "(\x7f" +]
        assert_equal [list "" "\x00" A] [r zrangebylex z - "\[A"]
        assert_equal 1 [r zlexcount z "\[\xff" +]
    }

    test {ZADD INCR replies the new score, or nil when the member is not touched} {
        zs_make z 1 a
        assert_equal 3 [r zadd z incr 2 a]
        assert_equal 5 [r zadd z incr 5 b]
        assert_equal ",4.5\r\n" [raw_reply3 zadd z incr 1.5 a]
        assert_equal "\$3\r\n5.5\r\n" [raw_reply zadd z incr 1 a]
        assert_equal (nil) [r zadd z nx incr 1 a]
        assert_equal "_\r\n" [raw_reply3 zadd z nx incr 1 a]
        assert_equal "\$-1\r\n" [raw_reply zadd z xx incr 1 nope]
        assert_equal (nil) [r zadd z gt incr -1 a]
        assert_equal (nil) [r zadd z lt incr 1 a]
        assert_equal 6.5 [r zadd z gt incr 1 a]
        assert_equal (nil) [r zscore z nope]
        assert_equal {b 5 a 6.5} [zs_all z]
    }

    test {ZADD INCR to NaN is refused} {
        zs_make z inf a
        assert_error_equal "ERR resulting score is not a number (NaN)" {r zadd z incr -inf a}
        assert_equal inf [r zscore z a]
    }

    test {ZADD on a key of another type} {
        r del s
        r set s x
        assert_error_equal $::zs_wrongtype {r zadd s 1 a}
        assert_error_equal $::zs_wrongtype {r zadd s incr 1 a}
        assert_equal x [r get s]
    }

    # ------------------------------------------------------------- ZINCRBY
    test {ZINCRBY creates the member and adds to its score} {
        r del z
        assert_equal 5 [r zincrby z 5 a]
        assert_equal 3.5 [r zincrby z -1.5 a]
        assert_equal 1 [r zincrby z 1 b]
        assert_equal {b 1 a 3.5} [zs_all z]
        assert_equal "\$18\r\n3.6000000000000001\r\n" [raw_reply zincrby z 0.1 a]
        assert_equal ",4.5999999999999996\r\n" [raw_reply3 zincrby z 1 a]
        assert_equal inf [r zincrby z inf b]
    }

    test {ZINCRBY errors} {
        zs_make z inf a
        assert_error_equal "ERR resulting score is not a number (NaN)" {r zincrby z -inf a}
        assert_error_equal "ERR value is not a valid float" {r zincrby z abc a}
        assert_error_equal "ERR value is not a valid float" {r zincrby z nan a}
        assert_arity_error zincrby {} {z} {z 1} {z 1 a b}
        r set s x
        assert_error_equal $::zs_wrongtype {r zincrby s 1 a}
        assert_equal inf [r zscore z a]
    }

    # ---------------------------------------------------------------- ZREM
    test {ZREM removes members and replies how many existed} {
        zs_make z 1 a 2 b 3 c 4 d
        assert_equal 1 [r zrem z a]
        assert_equal 0 [r zrem z a]
        assert_equal 2 [r zrem z b c x]
        assert_equal 1 [r zrem z d d d]
        assert_equal 0 [r exists z]
        assert_equal 0 [r zrem nokey a]
        assert_arity_error zrem {} {z}
        r set s x
        assert_error_equal $::zs_wrongtype {r zrem s a}
    }

    # ------------------------------------------------ ZCARD ZSCORE ZMSCORE
    test {ZCARD, ZSCORE and ZMSCORE} {
        zs_make z 1 a 2.5 b
        assert_equal 2 [r zcard z]
        assert_equal 0 [r zcard nokey]
        assert_equal 2.5 [r zscore z b]
        assert_equal (nil) [r zscore z x]
        assert_equal (nil) [r zscore nokey x]
        assert_equal {1 (nil) 2.5} [r zmscore z a x b]
        assert_equal "*2\r\n\$1\r\n1\r\n\$-1\r\n" [raw_reply zmscore z a x]
        assert_equal "*2\r\n,1\r\n_\r\n" [raw_reply3 zmscore z a x]
        assert_equal "*2\r\n_\r\n_\r\n" [raw_reply3 zmscore nokey a x]
        assert_arity_error zcard {} {z z}
        assert_arity_error zscore {} {z} {z a b}
        assert_arity_error zmscore {} {z}
        r set s x
        foreach cmd {{zcard s} {zscore s a} {zmscore s a}} {
            assert_error_equal $::zs_wrongtype {r {*}$cmd} $cmd
        }
    }

    # -------------------------------------------------------- ZRANK ZREVRANK
    test {ZRANK and ZREVRANK} {
        zs_make z 1 a 2 b 3 c
        assert_equal {0 1 2} [list [r zrank z a] [r zrank z b] [r zrank z c]]
        assert_equal {2 1 0} [list [r zrevrank z a] [r zrevrank z b] [r zrevrank z c]]
        assert_equal (nil) [r zrank z x]
        assert_equal (nil) [r zrevrank nokey x]
        assert_equal "\$-1\r\n" [raw_reply zrank z x]
        assert_equal "_\r\n" [raw_reply3 zrank z x]
        assert_equal ":1\r\n" [raw_reply3 zrevrank z b]
        r zadd z 0 c
        assert_equal 0 [r zrank z c]
        assert_arity_error zrank {} {z} {z a withscore}
        assert_arity_error zrevrank {} {z} {z a b}
        r set s x
        assert_error_equal $::zs_wrongtype {r zrank s a}
        assert_error_equal $::zs_wrongtype {r zrevrank s a}
    }

    # --------------------------------------------------- ZCOUNT ZLEXCOUNT
    test {ZCOUNT with inclusive, exclusive and infinite bounds} {
        zs_make z -inf n 1 a 2 b 3 c 4 d inf p
        assert_equal 6 [r zcount z -inf +inf]
        assert_equal 3 [r zcount z 1 3]
        assert_equal 2 [r zcount z (1 3]
        assert_equal 1 [r zcount z (1 (3]
        assert_equal 0 [r zcount z (2 (3]
        assert_equal 0 [r zcount z 3 1]
        assert_equal 1 [r zcount z (4 inf]
        assert_equal 0 [r zcount z (inf +inf]
        assert_equal 1 [r zcount z -inf (1]
        assert_equal 0 [r zcount nokey -inf inf]
        foreach {min max} {a 1 1 b 1 (x (a 1 nan 1 1 NaN} {
            assert_error_equal "ERR min or max is not a float" {r zcount z $min $max} "$min $max"
        }
        assert_arity_error zcount {} {z} {z 1} {z 1 2 3}
    }

    test {ZLEXCOUNT with [ ( - + bounds} {
        zs_make z 0 a 0 b 0 c 0 d 0 e
        assert_equal 5 [r zlexcount z - +]
        assert_equal 3 [r zlexcount z \[b \[d]
        assert_equal 2 [r zlexcount z (b \[d]
        assert_equal 1 [r zlexcount z (b (d]
        assert_equal 0 [r zlexcount z + -]
        assert_equal 2 [r zlexcount z - (c]
        assert_equal 2 [r zlexcount z (c (zzz]
        assert_equal 5 [r zlexcount z \[ +]
        assert_equal 0 [r zlexcount nokey - +]
        foreach {min max} {a b - c \[a x {} + "" ""} {
            assert_error_equal "ERR min or max not valid string range item" {r zlexcount z $min $max} "'$min' '$max'"
        }
        assert_arity_error zlexcount {} {z} {z - } {z - + x}
    }

    # --------------------------------------------------- ZRANGE by rank
    test {ZRANGE by rank: negative indexes and indexes past the ends} {
        zs_make z 1 a 2 b 3 c 4 d
        assert_equal {a b c d} [r zrange z 0 -1]
        assert_equal {b c} [r zrange z 1 2]
        assert_equal {c d} [r zrange z -2 -1]
        assert_equal {a b c d} [r zrange z -100 100]
        assert_equal {} [r zrange z 2 1]
        assert_equal {} [r zrange z 5 10]
        assert_equal {} [r zrange z -1 -2]
        assert_equal {d} [r zrange z 3 3]
        assert_equal {a 1 b 2} [r zrange z 0 1 withscores]
        assert_equal {d c b a} [r zrange z 0 -1 rev]
        assert_equal {c 3 b 2} [r zrange z 1 2 rev withscores]
        assert_equal {d c b a} [r zrevrange z 0 -1]
        assert_equal {d 4} [r zrevrange z 0 0 withscores]
        assert_equal {} [r zrange nokey 0 -1]
        assert_error_equal "ERR value is not an integer or out of range" {r zrange z a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r zrevrange z 0 1.5}
    }

    test {ZRANGE WITHSCORES reply forms in RESP2 and RESP3} {
        zs_make z 1 a 2.5 b
        assert_equal "*4\r\n\$1\r\na\r\n\$1\r\n1\r\n\$1\r\nb\r\n\$3\r\n2.5\r\n" [raw_reply zrange z 0 -1 withscores]
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n,1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n" [raw_reply3 zrange z 0 -1 withscores]
        assert_equal "*2\r\n\$1\r\na\r\n\$1\r\nb\r\n" [raw_reply3 zrange z 0 -1]
        assert_equal "*1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n" [raw_reply3 zrangebyscore z 2 3 withscores]
        assert_equal "*1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n" [raw_reply3 zrevrange z 0 0 withscores]
        assert_equal "*0\r\n" [raw_reply3 zrange nokey 0 -1 withscores]
    }

    # --------------------------------------------------- ZRANGE BYSCORE
    test {ZRANGE BYSCORE, REV and LIMIT} {
        zs_make z -inf n 1 a 2 b 3 c 4 d 5 e inf p
        assert_equal {a b c} [r zrange z 1 3 byscore]
        assert_equal {b c} [r zrange z (1 3 byscore]
        assert_equal {n a b c d e p} [r zrange z -inf +inf byscore]
        assert_equal {a 1 b 2} [r zrange z 1 (3 byscore withscores]
        assert_equal {c b a} [r zrange z 3 1 byscore rev]
        assert_equal {} [r zrange z 1 3 byscore rev]
        assert_equal {b c} [r zrange z 1 5 byscore limit 1 2]
        assert_equal {b c d e p} [r zrange z 1 +inf byscore limit 1 -1]
        assert_equal {d c} [r zrange z 5 1 byscore rev limit 1 2]
        assert_equal {} [r zrange z 1 5 byscore limit 10 2]
        assert_equal {} [r zrange z 1 5 byscore limit 0 0]
        assert_equal {} [r zrange z 1 5 byscore limit -1 2]
        assert_equal {c 3 d 4} [r zrange z 1 5 byscore limit 2 2 withscores]
        assert_equal {} [r zrange z 3 1 byscore]
        assert_equal {} [r zrange z (3 (3 byscore]
        assert_equal {c} [r zrange z 3 3 byscore]
    }

    test {ZRANGEBYSCORE and ZREVRANGEBYSCORE} {
        zs_make z 1 a 2 b 3 c 4 d 5 e
        assert_equal {a b c} [r zrangebyscore z -inf 3]
        assert_equal {b 2 c 3} [r zrangebyscore z (1 (4 withscores]
        assert_equal {c d} [r zrangebyscore z 1 5 limit 2 2]
        assert_equal {c 3 d 4} [r zrangebyscore z 1 5 WITHSCORES LIMIT 2 2]
        assert_equal {c 3 d 4} [r zrangebyscore z 1 5 limit 2 2 withscores]
        assert_equal {e d c} [r zrevrangebyscore z +inf 3]
        assert_equal {d 4 c 3} [r zrevrangebyscore z (5 (2 withscores]
        assert_equal {c b} [r zrevrangebyscore z 5 1 limit 2 2]
        assert_equal {} [r zrevrangebyscore z 1 5]
        assert_equal {} [r zrangebyscore nokey 1 5]
        assert_error_equal "ERR min or max is not a float" {r zrangebyscore z a 1}
        assert_error_equal "ERR min or max is not a float" {r zrevrangebyscore z 1 (b}
        assert_error_equal "ERR syntax error" {r zrangebyscore z 0 1 limit 0}
        assert_error_equal "ERR syntax error" {r zrangebyscore z 0 1 foo}
        assert_error_equal "ERR value is not an integer or out of range" {r zrangebyscore z 0 1 limit a 1}
        assert_error_equal "ERR syntax error" {r zrevrange z 0 1 foo}
        assert_arity_error zrangebyscore {} {z} {z 1}
        assert_arity_error zrevrangebyscore {z 1}
        assert_arity_error zrevrange {z 1}
    }

    # --------------------------------------------------- ZRANGE BYLEX
    test {ZRANGE BYLEX, REV and LIMIT, and ZRANGEBYLEX / ZREVRANGEBYLEX} {
        zs_make z 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega
        assert_equal {alpha bar cool} [r zrange z - \[cool bylex]
        assert_equal {bar cool} [r zrange z (alpha \[cool bylex]
        assert_equal {cool bar alpha} [r zrange z \[cool - bylex rev]
        assert_equal {bar cool} [r zrange z - + bylex limit 1 2]
        assert_equal {hill great} [r zrange z + - bylex rev limit 1 2]
        assert_equal {alpha bar cool} [r zrangebylex z - (down]
        assert_equal {bar cool} [r zrangebylex z - + limit 1 2]
        assert_equal {omega hill great foo elephant} [r zrevrangebylex z + \[elephant]
        assert_equal {hill great} [r zrevrangebylex z + - limit 1 2]
        assert_equal {} [r zrangebylex z + -]
        assert_equal {} [r zrangebylex z (cool (cool]
        assert_equal {} [r zrangebylex nokey - +]
        assert_error_equal "ERR min or max not valid string range item" {r zrange z a b bylex}
        assert_error_equal "ERR min or max not valid string range item" {r zrangebylex z - c}
        assert_error_equal "ERR min or max not valid string range item" {r zrevrangebylex z a -}
        assert_error_equal "ERR syntax error" {r zrangebylex z - + limit 0}
        assert_error_equal "ERR syntax error, WITHSCORES not supported in combination with BYLEX" {r zrangebylex z - + withscores}
        assert_arity_error zrangebylex {} {z} {z -}
        assert_arity_error zrevrangebylex {z -}
    }

    test {ZRANGE syntax errors} {
        zs_make z 1 a 2 b
        assert_error_equal "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" \
            {r zrange z 0 1 limit 0 1}
        assert_error_equal "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" \
            {r zrange z 0 -1 withscores limit 0 1}
        assert_error_equal "ERR syntax error, WITHSCORES not supported in combination with BYLEX" \
            {r zrange z - + bylex withscores}
        assert_error_equal "ERR syntax error" {r zrange z 0 1 byscore bylex}
        assert_error_equal "ERR syntax error" {r zrange z 0 1 rev rev}
        assert_error_equal "ERR syntax error" {r zrange z 0 1 foo}
        assert_error_equal "ERR syntax error" {r zrange z 0 1 limit 0}
        assert_error_equal "ERR min or max is not a float" {r zrange z a 1 byscore}
        assert_error_equal "ERR min or max not valid string range item" {r zrange z 0 1 bylex}
        assert_arity_error zrange {} {z} {z 0}
        r set s x
        foreach cmd {zrange zrevrange} {
            assert_error_equal $::zs_wrongtype {r $cmd s 0 -1} $cmd
        }
        foreach cmd {zrangebyscore zrevrangebyscore} {
            assert_error_equal $::zs_wrongtype {r $cmd s 0 1} $cmd
        }
        foreach cmd {zrangebylex zrevrangebylex} {
            assert_error_equal $::zs_wrongtype {r $cmd s - +} $cmd
        }
        # The last LIMIT counts.
        assert_equal {a b} [r zrange z 0 5 limit 0 1 limit 0 5 byscore]
    }

    # ------------------------------------------------------- ZRANGESTORE
    test {ZRANGESTORE stores a range and replies its length} {
        zs_make z 1 a 2 b 3 c 4 d
        r del d
        assert_equal 2 [r zrangestore d z 1 2]
        assert_equal {b 2 c 3} [zs_all d]
        assert_equal 3 [r zrangestore d z (1 +inf byscore]
        assert_equal {b 2 c 3 d 4} [zs_all d]
        assert_equal 2 [r zrangestore d z 4 1 byscore rev limit 1 2]
        assert_equal {b 2 c 3} [zs_all d]
        assert_equal 2 [r zrangestore d z \[b (d bylex]
        assert_equal {b 2 c 3} [zs_all d]
        r set d str
        assert_equal 1 [r zrangestore d z 0 0]
        assert_equal zset [r type d]
        assert_equal 0 [r zrangestore d z 10 20]
        assert_equal 0 [r exists d]
        r set d str
        assert_equal 0 [r zrangestore d nokey 0 -1]
        assert_equal 0 [r exists d]
        assert_equal 4 [r zrangestore z z 0 -1 rev]
        assert_equal {a 1 b 2 c 3 d 4} [zs_all z]
    }

    test {ZRANGESTORE errors} {
        zs_make z 1 a
        assert_error_equal "ERR syntax error" {r zrangestore d z 0 -1 withscores}
        assert_error_equal "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX" \
            {r zrangestore d z 0 -1 limit 0 1}
        assert_arity_error zrangestore {} {d} {d z} {d z 0}
        r set s x
        assert_error_equal $::zs_wrongtype {r zrangestore d s 0 -1}
        assert_equal 0 [r exists d]
    }

    # ---------------------------------------------------- ZREMRANGEBY*
    test {ZREMRANGEBYRANK} {
        zs_make z 1 a 2 b 3 c 4 d 5 e
        assert_equal 2 [r zremrangebyrank z 1 2]
        assert_equal {a d e} [r zrange z 0 -1]
        assert_equal 1 [r zremrangebyrank z -1 -1]
        assert_equal 0 [r zremrangebyrank z 5 10]
        assert_equal 0 [r zremrangebyrank z 1 0]
        assert_equal 2 [r zremrangebyrank z -100 100]
        assert_equal 0 [r exists z]
        assert_equal 0 [r zremrangebyrank nokey 0 -1]
        assert_error_equal "ERR value is not an integer or out of range" {r zremrangebyrank z a b}
    }

    test {ZREMRANGEBYSCORE} {
        zs_make z -inf n 1 a 2 b 3 c 4 d inf p
        assert_equal 2 [r zremrangebyscore z (1 3]
        assert_equal {n a d p} [r zrange z 0 -1]
        assert_equal 1 [r zremrangebyscore z -inf -inf]
        assert_equal 0 [r zremrangebyscore z 5 1]
        assert_equal 1 [r zremrangebyscore z (4 +inf]
        assert_equal 2 [r zremrangebyscore z -inf +inf]
        assert_equal 0 [r exists z]
        assert_error_equal "ERR min or max is not a float" {r zremrangebyscore z a b}
    }

    test {ZREMRANGEBYLEX} {
        zs_make z 0 a 0 b 0 c 0 d 0 e
        assert_equal 2 [r zremrangebylex z (a \[c]
        assert_equal {a d e} [r zrange z 0 -1]
        assert_equal 0 [r zremrangebylex z + -]
        assert_equal 3 [r zremrangebylex z - +]
        assert_equal 0 [r exists z]
        assert_error_equal "ERR min or max not valid string range item" {r zremrangebylex z a b}
    }

    test {ZREMRANGEBY* arity and wrong type} {
        foreach cmd {zremrangebyrank zremrangebyscore zremrangebylex} {
            assert_arity_error $cmd {} {z} {z 0} {z 0 1 2}
        }
        r set s x
        assert_error_equal $::zs_wrongtype {r zremrangebyrank s 0 1}
        assert_error_equal $::zs_wrongtype {r zremrangebyscore s 0 1}
        assert_error_equal $::zs_wrongtype {r zremrangebylex s - +}
    }

    # -------------------------------------------------- ZPOPMIN ZPOPMAX
    test {ZPOPMIN and ZPOPMAX with and without a count} {
        zs_make z 1 a 2 b 3 c 4 d 5 e
        assert_equal {a 1} [r zpopmin z]
        assert_equal {e 5} [r zpopmax z]
        assert_equal {b 2 c 3} [r zpopmin z 2]
        assert_equal {} [r zpopmin z 0]
        assert_equal {d 4} [r zpopmax z 10]
        assert_equal 0 [r exists z]
        assert_equal {} [r zpopmin nokey]
        assert_equal {} [r zpopmax nokey 3]
    }

    test {ZPOPMIN and ZPOPMAX reply forms in RESP2 and RESP3} {
        zs_make z 1 a 2.5 b 3 c
        assert_equal "*2\r\n\$1\r\na\r\n,1\r\n" [raw_reply3 zpopmin z]
        assert_equal "*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n" [raw_reply zpopmax z]
        zs_make z 1 a 2.5 b 3 c
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n,1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n" [raw_reply3 zpopmin z 2]
        assert_equal "*1\r\n*2\r\n\$1\r\nc\r\n,3\r\n" [raw_reply3 zpopmax z 1]
        assert_equal "*0\r\n" [raw_reply zpopmin nokey]
        assert_equal "*0\r\n" [raw_reply3 zpopmax nokey]
        assert_equal "*0\r\n" [raw_reply3 zpopmax nokey 2]
    }

    test {ZPOPMIN and ZPOPMAX errors} {
        zs_make z 1 a
        assert_error_equal "ERR value is out of range, must be positive" {r zpopmin z -1}
        assert_error_equal "ERR value is out of range, must be positive" {r zpopmax z abc}
        assert_arity_error zpopmin {}
        assert_arity_error zpopmax {}
        assert_error_equal "ERR syntax error" {r zpopmin z 1 2}
        r set s x
        assert_error_equal $::zs_wrongtype {r zpopmin s}
        assert_error_equal $::zs_wrongtype {r zpopmax s 2}
        assert_equal {a 1} [zs_all z]
    }

    # --------------------------------------------------------------- ZMPOP
    test {ZMPOP pops from the first non-empty key} {
        r del z1 z2
        zs_make z2 1 a 2 b 3 c
        assert_equal {z2 {{a 1}}} [r zmpop 2 z1 z2 min]
        assert_equal {z2 {{c 3} {b 2}}} [r zmpop 2 z1 z2 max count 5]
        assert_equal 0 [r exists z2]
        assert_equal (nil) [r zmpop 2 z1 z2 min]
        zs_make z1 1 x
        zs_make z2 1 y
        assert_equal {z1 {{x 1}}} [r zmpop 2 z1 z2 MIN COUNT 1]
    }

    test {ZMPOP reply forms in RESP2 and RESP3} {
        zs_make z 1 a 2.5 b
        assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n" [raw_reply zmpop 1 z min]
        assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\nb\r\n,2.5\r\n" [raw_reply3 zmpop 1 z max]
        assert_equal "*-1\r\n" [raw_reply zmpop 1 nokey min]
        assert_equal "_\r\n" [raw_reply3 zmpop 1 nokey min]
    }

    test {ZMPOP errors} {
        zs_make z 1 a
        assert_error_equal "ERR numkeys should be greater than 0" {r zmpop 0 z min}
        assert_error_equal "ERR numkeys should be greater than 0" {r zmpop -1 z min}
        assert_error_equal "ERR numkeys should be greater than 0" {r zmpop abc z min}
        assert_error_equal "ERR syntax error" {r zmpop 2 z min}
        assert_error_equal "ERR syntax error" {r zmpop 1 z foo}
        assert_error_equal "ERR syntax error" {r zmpop 1 z min count 1 count 2}
        assert_error_equal "ERR syntax error" {r zmpop 1 z min extra}
        assert_error_equal "ERR count should be greater than 0" {r zmpop 1 z min count 0}
        assert_error_equal "ERR count should be greater than 0" {r zmpop 1 z min count -1}
        assert_arity_error zmpop {} {1} {1 z}
        r set s x
        assert_error_equal $::zs_wrongtype {r zmpop 2 s z min}
        assert_equal {a 1} [zs_all z]
    }

    # -------------------------------------------------------- ZRANDMEMBER
    test {ZRANDMEMBER without a count} {
        zs_make z 1 a 2 b 3 c
        for {set i 0} {$i < 20} {incr i} {
            assert {[r zrandmember z] in {a b c}}
        }
        assert_equal (nil) [r zrandmember nokey]
        assert_equal "\$-1\r\n" [raw_reply zrandmember nokey]
        assert_equal "_\r\n" [raw_reply3 zrandmember nokey]
    }

    test {ZRANDMEMBER with a positive count gives distinct members} {
        zs_make z 1 a 2 b 3 c 4 d 5 e
        foreach n {1 3 5} {
            set got [r zrandmember z $n]
            assert_equal $n [llength $got]
            assert_equal $n [llength [lsort -unique $got]]
        }
        assert_equal {a b c d e} [lsort [r zrandmember z 100]]
        assert_equal {} [r zrandmember z 0]
        assert_equal {} [r zrandmember nokey 5]
        assert_equal "*0\r\n" [raw_reply3 zrandmember nokey 5]
        set ws [r zrandmember z 3 withscores]
        assert_equal 6 [llength $ws]
        foreach {m s} $ws { assert_equal [r zscore z $m] $s $m }
    }

    test {ZRANDMEMBER with a negative count may repeat members} {
        zs_make z 1 a 2 b
        set got [r zrandmember z -50]
        assert_equal 50 [llength $got]
        assert_equal {a b} [lsort -unique $got]
        set ws [r zrandmember z -10 withscores]
        assert_equal 20 [llength $ws]
        foreach {m s} $ws { assert_equal [r zscore z $m] $s $m }
        zs_make z 1 a
        assert_equal {a a a} [r zrandmember z -3]
    }

    test {ZRANDMEMBER WITHSCORES reply forms} {
        zs_make z 2.5 a
        assert_equal "*2\r\n\$1\r\na\r\n\$3\r\n2.5\r\n" [raw_reply zrandmember z 1 withscores]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,2.5\r\n" [raw_reply3 zrandmember z 1 withscores]
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n,2.5\r\n*2\r\n\$1\r\na\r\n,2.5\r\n" [raw_reply3 zrandmember z -2 withscores]
        assert_equal "*1\r\n\$1\r\na\r\n" [raw_reply3 zrandmember z 1]
    }

    test {ZRANDMEMBER errors} {
        zs_make z 1 a
        assert_error_equal "ERR value is not an integer or out of range" {r zrandmember z x}
        assert_error_equal "ERR syntax error" {r zrandmember z 1 foo}
        assert_error_equal "ERR value is out of range" {r zrandmember z -9223372036854775807 withscores}
        assert_error_equal "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" \
            {r zrandmember z -9223372036854775808}
        assert_arity_error zrandmember {}
        assert_error_equal "ERR syntax error" {r zrandmember z 1 withscores x}
        r set s x
        assert_error_equal $::zs_wrongtype {r zrandmember s}
        assert_error_equal $::zs_wrongtype {r zrandmember s 2}
    }

    test {ZRANDMEMBER picks every member about as often (loose check)} {
        # Each of 10 members is expected 1000 times in 10000 draws; a fair
        # pick falls outside 700..1300 with negligible probability.
        foreach {enc n} {small 10} {
            r del z
            for {set i 0} {$i < $n} {incr i} { r zadd z $i m$i }
            set counts [dict create]
            foreach m [r zrandmember z -10000] { dict incr counts $m }
            assert_equal $n [dict size $counts]
            dict for {m c} $counts { assert_range $c 700 1300 "$m drawn $c times" }
        }
        # Positive counts: every member of a 200-member set is drawn at
        # least once in 600 draws of 20 (each is expected 60 times; Redis's
        # pick is not quite fair, its rarest member still comes ~25 times).
        r del z
        for {set i 0} {$i < 200} {incr i} { r zadd z $i m$i }
        set seen [dict create]
        for {set i 0} {$i < 600} {incr i} {
            foreach m [r zrandmember z 20] { dict set seen $m 1 }
        }
        assert_equal 200 [dict size $seen]
    }

    # -------------------------------------------- ZUNION ZINTER ZDIFF
    test {ZUNION and ZUNIONSTORE sum scores by default} {
        zs_make z1 1 a 2 b 3 c
        zs_make z2 10 b 20 c 30 d
        assert_equal {a b c d} [r zunion 2 z1 z2]
        assert_equal {a 1 b 12 c 23 d 30} [r zunion 2 z1 z2 withscores]
        r del d
        assert_equal 4 [r zunionstore d 2 z1 z2]
        assert_equal {a 1 b 12 c 23 d 30} [zs_all d]
        assert_equal {a 1 b 12 c 23 d 30} [r zunion 3 z1 nokey z2 withscores]
    }

    test {WEIGHTS and AGGREGATE SUM MIN MAX} {
        zs_make z1 1 a 2 b 3 c
        zs_make z2 10 b 20 c 30 d
        assert_equal {a 2 b 14 c 26 d 30} [r zunion 2 z1 z2 weights 2 1 withscores]
        assert_equal {a 1 b 2 c 3 d 30} [r zunion 2 z1 z2 aggregate min withscores]
        assert_equal {a 1 b 10 c 20 d 30} [r zunion 2 z1 z2 aggregate max withscores]
        assert_equal {d -30 c -17 b -8 a 1} [r zunion 2 z1 z2 weights 1 -1 aggregate sum withscores]
        assert_equal {b 12 c 23} [r zinter 2 z1 z2 withscores]
        assert_equal {b 2 c 3} [r zinter 2 z1 z2 aggregate min withscores]
        assert_equal {b 1 c 1.5} [r zinter 2 z1 z2 weights 0.5 0 aggregate max withscores]
        assert_equal 2 [r zinterstore d 2 z1 z2 weights 1 2]
        assert_equal {b 22 c 43} [zs_all d]
        assert_equal 4 [r zunionstore d 2 z1 z2 AGGREGATE MAX WEIGHTS 1 1]
        assert_equal {a 1 b 10 c 20 d 30} [zs_all d]
    }

    test {Infinite scores and weights: inf - inf and inf * 0 make 0} {
        zs_make i1 inf a
        zs_make i2 -inf a
        assert_equal {a 0} [r zunion 2 i1 i2 withscores]
        assert_equal {a inf} [r zinter 2 i1 i2 aggregate max withscores]
        assert_equal {a -inf} [r zinter 2 i1 i2 aggregate min withscores]
        assert_equal {a 0} [r zunion 1 i1 weights 0 withscores]
        zs_make z 1 a 2 b
        assert_equal {a inf b inf} [r zunion 1 z weights inf withscores]
    }

    test {Plain sets are inputs with a score of 1} {
        r del s z d
        r sadd s a b c
        r zadd z 5 b 10 x
        assert_equal {a 1 c 1 b 6 x 10} [r zunion 2 s z withscores]
        assert_equal {b 6} [r zinter 2 s z withscores]
        assert_equal {b 13} [r zinter 2 s z weights 3 2 withscores]
        assert_equal {a 1 c 1} [r zdiff 2 s z withscores]
        assert_equal 3 [r zunionstore d 1 s]
        assert_equal {a 1 b 1 c 1} [zs_all d]
        assert_equal 1 [r zintercard 2 s z]
        r sadd ints 1 2 3
        assert_equal {1 2 2 2 3 2} [r zunion 2 ints ints withscores]
    }

    test {ZDIFF and ZDIFFSTORE keep the members of the first key only} {
        zs_make z1 1 a 2 b 3 c 4 d
        zs_make z2 0 b
        zs_make z3 0 d 0 x
        assert_equal {a c} [r zdiff 3 z1 z2 z3]
        assert_equal {a 1 c 3} [r zdiff 3 z1 z2 z3 withscores]
        assert_equal {a 1 b 2 c 3 d 4} [r zdiff 2 z1 nokey withscores]
        assert_equal {} [r zdiff 2 nokey z1]
        assert_equal 2 [r zdiffstore d 3 z1 z2 z3]
        assert_equal {a 1 c 3} [zs_all d]
        assert_equal 0 [r zdiffstore d 2 z1 z1]
        assert_equal 0 [r exists d]
    }

    test {ZINTER with an empty or missing input is empty; STORE of nothing deletes the destination} {
        zs_make z1 1 a
        assert_equal {} [r zinter 2 z1 nokey]
        assert_equal {} [r zunion 1 nokey]
        r set d str
        assert_equal 0 [r zinterstore d 2 z1 nokey]
        assert_equal 0 [r exists d]
        r set d str
        assert_equal 0 [r zunionstore d 1 nokey]
        assert_equal 0 [r exists d]
        r set d str
        assert_equal 1 [r zunionstore d 1 z1]
        assert_equal zset [r type d]
    }

    test {A STORE replaces its destination whole: type, members and TTL} {
        zs_make src 3 b
        r del d
        r sadd d a b
        assert_equal 1 [r zunionstore d 1 src]
        assert_equal {b 3} [zs_all d]
        zs_make d 1 a
        r expire d 100
        assert_equal 1 [r zinterstore d 1 src]
        assert_equal -1 [r ttl d]
        r expire d 100
        assert_equal 1 [r zrangestore d src 0 -1]
        assert_equal -1 [r ttl d]
        r set d str
        assert_error_equal $::zs_wrongtype {r zunionstore d 2 src d}
        assert_equal str [r get d]
    }

    test {A STORE whose destination is one of its inputs} {
        zs_make z 1 a 2 b
        zs_make y 5 b 6 c
        assert_equal 3 [r zunionstore z 2 z y]
        assert_equal {a 1 c 6 b 7} [zs_all z]
        assert_equal 2 [r zinterstore z 2 z y]
        assert_equal {b 12 c 12} [zs_all z]
    }

    test {ZUNION ZINTER ZDIFF reply forms in RESP2 and RESP3} {
        zs_make z 1.5 a
        assert_equal "*2\r\n\$1\r\na\r\n\$3\r\n1.5\r\n" [raw_reply zunion 1 z withscores]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,1.5\r\n" [raw_reply3 zunion 1 z withscores]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,3\r\n" [raw_reply3 zinter 2 z z withscores]
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n,1.5\r\n" [raw_reply3 zdiff 1 z withscores]
        assert_equal "*1\r\n\$1\r\na\r\n" [raw_reply3 zinter 1 z]
        assert_equal ":1\r\n" [raw_reply3 zunionstore d 1 z]
    }

    test {ZUNION ZINTER ZDIFF and their STORE forms: errors} {
        zs_make z 1 a
        foreach cmd {zunion zinter zdiff} {
            assert_error_equal "ERR at least 1 input key is needed for '$cmd' command" {r $cmd 0 z}
            assert_error_equal "ERR at least 1 input key is needed for '${cmd}store' command" {r ${cmd}store d 0 z}
            assert_error_equal "ERR syntax error" {r $cmd 2 z}
            assert_error_equal "ERR syntax error" {r ${cmd}store d 3 z z}
            assert_error_equal "ERR value is not an integer or out of range" {r $cmd x z}
            assert_arity_error $cmd {} {1}
            assert_arity_error ${cmd}store {} {d} {d 1}
        }
        assert_error_equal "ERR at least 1 input key is needed for 'zinter' command" {r zinter -1 z}
        foreach cmd {zunion zinter} {
            assert_error_equal "ERR syntax error" {r $cmd 1 z weights 1 2}
            assert_error_equal "ERR syntax error" {r $cmd 2 z z weights 1}
            assert_error_equal "ERR weight value is not a float" {r $cmd 1 z weights x}
            assert_error_equal "ERR weight value is not a float" {r $cmd 1 z weights nan}
            assert_error_equal "ERR syntax error" {r $cmd 1 z aggregate foo}
            assert_error_equal "ERR syntax error" {r $cmd 1 z aggregate}
            assert_error_equal "ERR syntax error" {r $cmd 1 z foo}
            assert_error_equal "ERR syntax error" {r ${cmd}store d 1 z withscores}
        }
        assert_error_equal "ERR syntax error" {r zdiff 1 z weights 1}
        assert_error_equal "ERR syntax error" {r zdiff 1 z aggregate sum}
        assert_equal {a 1} [r zunion 1 z withscores withscores]
        r set str x
        r hset h f v
        foreach k {str h} {
            assert_error_equal $::zs_wrongtype {r zunion 2 z $k} $k
            assert_error_equal $::zs_wrongtype {r zinter 2 z $k} $k
            assert_error_equal $::zs_wrongtype {r zdiff 2 z $k} $k
            assert_error_equal $::zs_wrongtype {r zunionstore d 2 z $k} $k
            assert_error_equal $::zs_wrongtype {r zintercard 2 z $k} $k
        }
    }

    test {ZINTERCARD with and without LIMIT} {
        zs_make z1 1 a 2 b 3 c 4 d
        zs_make z2 0 b 0 c 0 d 0 e
        assert_equal 3 [r zintercard 2 z1 z2]
        assert_equal 3 [r zintercard 2 z1 z2 limit 0]
        assert_equal 2 [r zintercard 2 z1 z2 limit 2]
        assert_equal 3 [r zintercard 2 z1 z2 limit 10]
        assert_equal 0 [r zintercard 2 z1 nokey]
        assert_equal 4 [r zintercard 1 z1]
        assert_error_equal "ERR at least 1 input key is needed for 'zintercard' command" {r zintercard 0 z1}
        assert_error_equal "ERR LIMIT can't be negative" {r zintercard 1 z1 limit -1}
        assert_error_equal "ERR LIMIT can't be negative" {r zintercard 1 z1 limit x}
        assert_error_equal "ERR syntax error" {r zintercard 2 z1}
        assert_error_equal "ERR syntax error" {r zintercard 1 z1 foo}
        assert_arity_error zintercard {} {1}
    }

    # ---------------------------------------------------------------- ZSCAN
    test {ZSCAN returns every member with its score} {
        zs_make z 1 a 2.5 b inf c
        lassign [r zscan z 0] cursor items
        assert_equal 0 $cursor
        assert_equal {a 1 b 2.5 c inf} $items
        r del z
        set want {}
        for {set i 0} {$i < 1000} {incr i} {
            r zadd z $i m$i
            lappend want [list m$i $i]
        }
        set got {}
        foreach {m s} [coll_scan_all zscan z 37] { lappend got [list $m $s] }
        assert_equal [lsort $want] [lsort -unique $got]
        set got {}
        foreach {m s} [coll_scan_all zscan z 100 match m99*] { lappend got $m }
        assert_equal {m99 m990 m991 m992 m993 m994 m995 m996 m997 m998 m999} [lsort -unique $got]
    }

    test {ZSCAN errors} {
        zs_make z 1 a
        assert_error_equal "ERR invalid cursor" {r zscan z abc}
        assert_error_equal "ERR syntax error" {r zscan z 0 count 0}
        assert_error_equal "ERR syntax error" {r zscan z 0 match}
        assert_error_equal "ERR value is not an integer or out of range" {r zscan z 0 count x}
        assert_equal {0 {}} [r zscan nokey 0]
        assert_arity_error zscan {} {z}
        r set s x
        assert_error_equal $::zs_wrongtype {r zscan s 0}
    }

    # -------------------------------------------------------------- SORT
    test {SORT and SORT_RO on a sorted set} {
        zs_make z 3 x 1 y 2 w
        assert_equal {y w x} [r sort z by nosort]
        assert_equal {x w y} [r sort z by nosort desc]
        assert_equal {w} [r sort z by nosort limit 1 1]
        assert_equal {w x y} [r sort z alpha]
        assert_equal {y x w} [r sort_ro z alpha desc]
        assert_equal {x w y} [r sort_ro z by nosort desc]
        zs_make n 1 10 2 7 3 2
        assert_equal {2 7 10} [r sort n]
        assert_error_equal "ERR One or more scores can't be converted into double" {r sort z}
        r del d
        assert_equal 3 [r sort n store d]
        assert_equal {2 7 10} [r lrange d 0 -1]
        r mset wx 3 wy 1 ww 2
        assert_equal {y w x} [r sort z by w*]
    }

    # --------------------------------------------------------- DUMP RESTORE
    test {DUMP and RESTORE of a small and a large sorted set} {
        foreach n {3 500} {
            r del z z2
            for {set i 0} {$i < $n} {incr i} { r zadd z [expr {$i * 1.5}] member:$i }
            r zadd z inf top -inf bottom 0.1 tenth
            set p [r dump z]
            assert_equal OK [r restore z2 0 $p]
            assert_equal [zs_all z] [zs_all z2] "$n members"
            assert_equal [r object encoding z] [r object encoding z2]
            assert_equal 0.10000000000000001 [r zscore z2 tenth]
            assert_error_equal "BUSYKEY Target key name already exists." {r restore z2 0 $p}
            assert_equal OK [r restore z2 0 $p replace]
        }
    }

    test {OBJECT ENCODING at the default limits: 128 members, 64-byte members} {
        zs_check_encoding_limits 128 64
    }

    # ------------------------------------------------- keyspace and types
    test {An emptied sorted set is deleted, whatever empties it} {
        foreach cmd {{zrem z a b} {zpopmin z 5} {zpopmax z 2} {zremrangebyrank z 0 -1}
                     {zremrangebyscore z -inf inf} {zremrangebylex z - +} {zmpop 1 z min count 9}} {
            zs_make z 0 a 0 b
            r {*}$cmd
            assert_equal 0 [r exists z] $cmd
        }
    }

    test {Sorted sets under the keyspace commands} {
        r flushdb
        zs_make z 1 a 2 b
        assert_equal OK [r rename z y]
        assert_equal {a 1 b 2} [zs_all y]
        assert_equal 1 [r copy y x]
        r zadd x 3 c
        assert_equal 2 [r zcard y]
        assert_equal 1 [r expire x 100]
        assert_range [r ttl x] 1 100
        r zadd x 4 d
        assert_range [r ttl x] 1 100
        assert_equal {x} [lindex [r scan 0 type zset match x] 1]
    }

    test {Wrong type: sorted sets given to string, list, set and hash commands} {
        zs_make z 1 a
        foreach cmd {{get z} {lpush z a} {sadd z a} {hset z f v} {incr z} {smembers z} {lrange z 0 -1}} {
            assert_error_equal $::zs_wrongtype {r {*}$cmd} $cmd
        }
    }

    # ------------------------------------------------------ WATCH, tracking
    test {Writes to a sorted set dirty a WATCHed key; reads and no-ops do not} {
        foreach cmd {{zadd k 5 x} {zadd k 2 a} {zincrby k 1 a} {zrem k a} {zpopmin k}
                     {zpopmax k} {zmpop 1 k max} {zremrangebyrank k 0 0} {zremrangebyscore k 1 1}
                     {zremrangebylex k - +} {zunionstore k 1 other} {zinterstore k 1 other}
                     {zdiffstore k 1 other} {zrangestore k other 0 -1} {zadd k incr 1 a}} {
            assert_equal 1 [watch_aborts {{zadd k 1 a 2 b} {zadd other 1 o}} $cmd] $cmd
        }
        foreach cmd {{zscore k a} {zrange k 0 -1} {zcard k} {zadd k nx 5 a} {zadd k xx 5 nope}
                     {zrem k nope} {zremrangebyscore k 10 20} {zadd k gt 0 a} {zrank k a}} {
            assert_equal 0 [watch_aborts {{zadd k 1 a 2 b}} $cmd] $cmd
        }
    }

    test {Tracking: a write to a sorted set invalidates it} {
        set rd [redis_client]
        $rd hello 3
        $rd client tracking on
        $rd deferred 1
        foreach cmd {{zadd k 2 a} {zincrby k 1 a} {zpopmin k} {zrem k a}} {
            r del k
            r zadd k 1 a
            $rd zscore k a
            assert_equal 1 [$rd read]
            {*}[list r {*}$cmd]
            $rd ping
            assert_equal {invalidate k} [$rd read] $cmd
            assert_equal PONG [$rd read]
        }
        $rd close
    }

    # --------------------------------------------------------------- events
    test {Keyspace events of the z class, in Redis's order} {
        r flushdb
        set ev [keyspace_events_of KEA {
            r zadd k 1 a 2 b
            r zadd k nx 1 a
            r zadd k incr 1 a
            r zincrby k 1 b
            r zrem k nope
            r zrem k a
            r zadd k 1 a 2 c 3 d 4 e
            r zremrangebyscore k 1 1
            r zremrangebyrank k 0 0
            r zremrangebylex k - +
            r zremrangebylex k - +
            r zadd k 0 a 0 b 0 c
            r zremrangebylex k - (b
            r zpopmin k
            r zadd k 1 x 2 y
            r zpopmax k
            r zmpop 1 k min
            r zadd k 1 a
            r zadd o 1 b
            r zunionstore d 2 k o
            r zinterstore d 2 k o
            r zdiffstore d 1 k
            r zrangestore d k 0 -1
            r zrangestore d k 5 6
            r zpopmin o
        }]
        assert_equal [list {*}{k zadd k zincr k zincr k zrem k zadd
            k zremrangebyscore k zremrangebyrank k zremrangebylex k del
            k zadd k zremrangebylex k zpopmin k zadd k zpopmax
            k zpopmin k zadd o zadd d zunionstore d del d zdiffstore
            d zrangestore d del o zpopmin o del}] [join $ev]
    }

    # ----------------------------------------------- the two encodings agree
    test {The same 3000 random commands on a listpack and a skiplist key give the same replies} {
        # sl is made a skiplist by a long member, removed again: a sorted
        # set never goes back to a listpack.  lp stays a listpack (short
        # members, fewer than 128).  Every reply must be the same on both.
        r del lp sl
        r zadd lp 0 m0
        r zadd sl 0 m0 0 [string repeat x 100]
        r zrem sl [string repeat x 100]
        assert_equal skiplist [r object encoding sl]
        expr {srand(7)}
        for {set n 0} {$n < 3000} {incr n} {
            set m "m[randomInt 40]"
            set sc [expr {[randomInt 20] - 10 + ([randomInt 2] ? 0.5 : 0)}]
            set lo [expr {[randomInt 24] - 12}]
            set hi [expr {$lo + [randomInt 10]}]
            switch [randomInt 12] {
                0 { set cmd [list zadd K $sc $m [expr {$sc + 1}] "m[randomInt 40]"] }
                1 { set cmd [list zadd K [lindex {nx xx gt lt ch} [randomInt 5]] $sc $m] }
                2 { set cmd [list zincrby K $sc $m] }
                3 { set cmd [list zrem K $m "m[randomInt 40]"] }
                4 { set cmd [list zrangebyscore K ($lo $hi withscores limit [randomInt 3] [randomInt 5]] }
                5 { set cmd [list zrevrangebyscore K $hi ($lo withscores] }
                6 { set cmd [list zcount K $lo ($hi] }
                7 { set cmd [list zrank K $m] }
                8 { set cmd [list zrevrank K $m] }
                9 { set cmd [list zrange K [expr {[randomInt 10] - 5}] [expr {[randomInt 10] - 5}] withscores] }
                10 { set cmd [list zremrangebyscore K $hi $hi] }
                11 { set cmd [list zmscore K $m "m[randomInt 40]"] }
            }
            set a [lreplace $cmd 1 1 lp]
            set b [lreplace $cmd 1 1 sl]
            set ra [r {*}$a]
            set rb [r {*}$b]
            assert_equal $ra $rb "command $n: $cmd"
        }
        assert_equal listpack [r object encoding lp]
        assert_equal skiplist [r object encoding sl]
        set l1 [r zrange lp 0 -1 withscores]
        assert_equal $l1 [r zrange sl 0 -1 withscores]
        assert_morethan [llength $l1] 20
        # The order is the model's: score, then member bytes.
        set pairs {}
        foreach {mm ss} $l1 { lappend pairs [list $ss $mm] }
        assert_equal [zs_model_sort $pairs] $pairs
    }

    test {The same 2000 random lex commands on a listpack and a skiplist key give the same replies} {
        # All scores 0, so that the lex ranges are defined; members of one
        # or two letters from a small alphabet make many boundary hits.
        r del lp sl
        r zadd lp 0 a
        r zadd sl 0 a 0 [string repeat x 100]
        r zrem sl [string repeat x 100]
        expr {srand(11)}
        set letters {a b c d e f}
        for {set n 0} {$n < 2000} {incr n} {
            set ms {}
            foreach _ {1 2 3} {
                set m [lindex $letters [randomInt 6]]
                if {[randomInt 2]} { append m [lindex $letters [randomInt 6]] }
                lappend ms $m
            }
            lassign $ms m1 m2 m3
            set lo [lindex [list "\[$m1" "($m1" - +] [randomInt 4]]
            set hi [lindex [list "\[$m2" "($m2" + -] [randomInt 4]]
            switch [randomInt 7] {
                0 - 1 { set cmd [list zadd K 0 $m1 0 $m2] }
                2 { set cmd [list zrem K $m3] }
                3 { set cmd [list zrangebylex K $lo $hi limit [randomInt 3] [expr {[randomInt 6] - 1}]] }
                4 { set cmd [list zrevrangebylex K $hi $lo] }
                5 { set cmd [list zlexcount K $lo $hi] }
                6 { set cmd [list zremrangebylex K "\[$m3" "\[$m3"] }
            }
            set ra [r {*}[lreplace $cmd 1 1 lp]]
            set rb [r {*}[lreplace $cmd 1 1 sl]]
            assert_equal $ra $rb "command $n: $cmd"
        }
        assert_equal [r zrange lp 0 -1] [r zrange sl 0 -1]
        assert_equal listpack [r object encoding lp]
        assert_equal skiplist [r object encoding sl]
    }

    # ------------------------------------------------------------- big sets
    test {Ranks, ranges and counts on 100,000 members against a Tcl model} {
        r del big
        set n 100000
        set pairs {}
        set c [redis_client]
        set cmds {}
        set argv [list zadd big]
        for {set i 0} {$i < $n} {incr i} {
            # Many ties (scores 0..999) so that byte order matters.
            set s [expr {($i * 7919) % 1000}]
            set m "m[format %06d [expr {($i * 104729) % $n}]]"
            lappend pairs [list $s $m]
            lappend argv $s $m
            if {[llength $argv] >= 2002} { lappend cmds $argv ; set argv [list zadd big] }
        }
        if {[llength $argv] > 2} { lappend cmds $argv }
        set added 0
        foreach r [pipeline_replies $c $cmds] { incr added $r }
        $c close
        assert_equal $n $added
        set model [zs_model_sort $pairs]
        assert_equal $n [r zcard big]
        assert_equal skiplist [r object encoding big]
        foreach rank {0 1 999 50000 77777 99998 99999} {
            lassign [lindex $model $rank] s m
            assert_equal $rank [r zrank big $m] $m
            assert_equal [expr {$n - 1 - $rank}] [r zrevrank big $m] $m
            assert_equal [list $m $s] [r zrange big $rank $rank withscores] "rank $rank"
        }
        set want {}
        foreach p [lrange $model 60000 60009] { lappend want [lindex $p 1] }
        assert_equal $want [r zrange big 60000 60009]
        assert_equal [lreverse $want] [r zrange big [expr {$n-60010}] [expr {$n-60001}] rev]
        # Every score has exactly 100 members (7919 is prime to 1000).
        assert_equal 100 [r zcount big 500 500]
        assert_equal 1000 [r zcount big (9 19]
        set want {}
        foreach p $model { if {[lindex $p 0] == 123} { lappend want [lindex $p 1] } }
        assert_equal [lrange $want 10 14] [r zrange big 123 123 byscore limit 10 5]
        assert_equal 1000 [r zremrangebyrank big 0 999]
        assert_equal [lindex $model 1000 1] [lindex [r zrange big 0 0] 0]
        assert_equal 0 [r zrank big [lindex $model 1000 1]]
        r del big
    }
}

start_server {tags {zset needs:own-server}} {
    test {OBJECT ENCODING: listpack up to zset-max-listpack-entries, then skiplist} {
        r config set zset-max-listpack-entries 4
        r config set zset-max-listpack-value 10
        zs_check_encoding_limits 4 10
        r del z
        r zadd z 1 [string repeat x 11]
        assert_equal skiplist [r object encoding z]
        r del z
        r zincrby z 1 [string repeat y 11]
        assert_equal skiplist [r object encoding z]
    }

    test {Results of STORE commands and ZRANGESTORE take the encoding their size calls for} {
        r config set zset-max-listpack-entries 4
        r config set zset-max-listpack-value 10
        r del a b d
        r zadd a 1 x 2 y 3 z
        r zadd b 4 w 5 v 6 u
        r zunionstore d 2 a b
        assert_equal skiplist [r object encoding d]
        r zinterstore d 2 a a
        assert_equal listpack [r object encoding d]
        r zrangestore d b 0 -1
        assert_equal listpack [r object encoding d]
        r zadd b 7 t 8 s
        r zrangestore d b 0 -1
        assert_equal skiplist [r object encoding d]
        r zrangestore d b 0 1
        assert_equal listpack [r object encoding d]
    }

    test {zset-max-listpack-entries 0: every sorted set is a skiplist} {
        r config set zset-max-listpack-entries 0
        r del z
        r zadd z 1 a
        assert_equal skiplist [r object encoding z]
        r zunionstore d 1 z
        assert_equal skiplist [r object encoding d]
        r config set zset-max-listpack-entries 128
        r del z
        r zadd z 1 a
        assert_equal listpack [r object encoding z]
    }

    test {zset-max-ziplist-entries and -value are aliases of the listpack names} {
        assert_equal OK [r config set zset-max-ziplist-entries 7]
        assert_equal {zset-max-listpack-entries 7} [r config get zset-max-listpack-entries]
        assert_equal {zset-max-ziplist-entries 7} [r config get zset-max-ziplist-entries]
        assert_equal OK [r config set zset-max-ziplist-value 33]
        assert_equal {zset-max-listpack-value 33} [r config get zset-max-listpack-value]
        assert_equal {zset-max-ziplist-value 33} [r config get zset-max-ziplist-value]
        r config set zset-max-listpack-entries 128
        r config set zset-max-listpack-value 64
        assert_equal {zset-max-listpack-entries 128 zset-max-listpack-value 64} \
            [lsort -stride 2 -index 0 [r config get zset-max-listpack*]]
    }

    test {DUMP/RESTORE and DEBUG RELOAD keep members, scores and encodings} {
        r config set zset-max-listpack-entries 128
        r flushall
        r zadd small 1 a 0.1 b inf c
        for {set i 0} {$i < 300} {incr i} { r zadd large [expr {$i / 3.0}] m$i }
        set s1 [zs_all small]
        set s2 [zs_all large]
        r debug reload
        assert_equal $s1 [zs_all small]
        assert_equal $s2 [zs_all large]
        assert_equal listpack [r object encoding small]
        assert_equal skiplist [r object encoding large]
    }
}

# ------------------------------------------------------------ durability
# redis-kv only (tags redis-kv-only needs:own-server): these tests start
# their own servers with spawn_durable_server (appendfsync always) and
# signal only those PIDs.  They skip themselves when the server under test
# has no redis_kv_version in INFO server (a real Redis).

set ::zs_dur_skip ""
proc zs_dur_require {} {
    if {$::zs_dur_skip ne ""} { skip $::zs_dur_skip }
}

# Every sorted set of client C in the current database: a dict key ->
# {encoding ttl-set? members-with-scores}.
proc zs_dur_snapshot {c} {
    set out [dict create]
    foreach k [lsort [$c keys *]] {
        if {[$c type $k] ne "zset"} continue
        dict set out $k [list [$c object encoding $k] [expr {[$c ttl $k] > 0}] \
                             [$c zrange $k 0 -1 withscores]]
    }
    return $out
}

# The log bytes that SCRIPT (run in the caller) adds on client C.
proc zs_dur_log_growth {c script} {
    set before [server_info_field $c storage_total_bytes]
    uplevel 1 $script
    return [expr {[server_info_field $c storage_total_bytes] - $before}]
}

# check_restarts's VERIFY for the first durability test.
proc zs_dur_verify {c when} {
    assert_equal $::zs_dur_want [zs_dur_snapshot $c] $when
    assert_equal 0 [$c exists gone] $when
    assert_equal "a string now" [$c get was] $when
    assert_equal {{2.35219806432723999 48.8565995303492997}} [$c geopos geo paris] $when
}

start_server {tags {zset redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::zs_dur_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::zs_dur_skip "the server under test is not redis-kv"
    }

    test {Sorted sets written every way read back after a restart and after kill -9} {
        zs_dur_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set c [dict get $s client]
        $c zadd small 1 a 0.1 b inf c -inf d 2 "" 3 [all_bytes]
        $c zincrby small 5 a
        $c zadd small xx ch 7 b
        $c zrem small d
        for {set i 0} {$i < 500} {incr i} { $c zadd large [expr {$i * 0.5}] member:$i }
        $c zrem large member:10 member:11
        $c zpopmin large 3
        $c zpopmax large
        $c zremrangebyrank large 100 109
        $c zremrangebyscore large 200 (210
        $c zadd lex 0 a 0 b 0 c 0 d 0 e
        $c zremrangebylex lex (a \[c
        $c zadd gone 1 x
        $c zpopmin gone
        $c zadd ttl 1 x 2 y
        $c expire ttl 100000
        $c zadd ttl 3 z
        $c zunionstore union 2 small large weights 2 1
        $c zinterstore inter 2 large large aggregate max
        $c zdiffstore diff 2 large small
        $c zrangestore range large 10 20 byscore
        $c geoadd geo 2.3522 48.8566 paris -0.1276 51.5072 london
        $c set overwritten x
        $c zadd was 1 a
        $c set was "a string now"
        set want [zs_dur_snapshot $c]
        assert_equal 0 [$c exists gone]
        set ::zs_dur_want $want
        stop_server $s
        check_restarts $s $dir zs_dur_verify
    }

    test {kill -9 under pipelined ZADD: no acknowledged member lost, no command half applied} {
        zs_dur_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
        # Command i adds a:i and b:i with score i: both or neither.  All
        # 3000 are sent in one go; the server is killed once 500 replies
        # have been read, with more commands still arriving.
        set total 3000
        set buf ""
        for {set i 1} {$i <= $total} {incr i} {
            append buf [::redis::__format_command [list zadd z $i a:$i $i b:$i]]
        }
        $rd write $buf
        $rd flush
        for {set acked 1} {$acked <= 500} {incr acked} {
            assert_equal 2 [$rd read] "reply $acked"
        }
        incr acked -1
        stop_server $s -kill9
        $rd close
        set s [restart_server $s]
        set c [dict get $s client]
        set got [dict create]
        foreach {m sc} [$c zrange z 0 -1 withscores] { dict set got $m $sc }
        for {set i 1} {$i <= $total} {incr i} {
            set ha [dict exists $got a:$i]
            assert_equal $ha [dict exists $got b:$i] "command $i half applied"
            if {$i <= $acked} { assert_equal 1 $ha "acknowledged command $i lost" }
            if {$ha} { assert_equal $i [dict get $got a:$i] "score of a:$i" }
        }
        stop_server $s
    }

    test {A ZUNIONSTORE that crashes in the middle of its batch leaves the destination whole} {
        zs_dur_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        for {set i 0} {$i < 400} {incr i} {
            $c zadd s1 $i m$i
            $c zadd s2 [expr {$i * 2}] m[expr {$i + 200}]
        }
        for {set i 0} {$i < 300} {incr i} { $c zadd dst $i old$i }
        set old [$c zrange dst 0 -1 withscores]
        assert_equal OK [$c debug crash-after-partial-batch]
        catch {$c zunionstore dst 2 s1 s2}
        assert {[wait_server_exit $s 10]} "the server did not exit while writing the batch"
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal $old [$c zrange dst 0 -1 withscores]
        # Made again, the union is all there after a restart.
        assert_equal 600 [$c zunionstore dst 2 s1 s2]
        set new [$c zrange dst 0 -1 withscores]
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal $new [$c zrange dst 0 -1 withscores]
        assert_equal 600 [$c zcard dst]
        stop_server $s
    }

    test {A ZADD of 1000 members that crashes in the middle of its batch adds none} {
        zs_dur_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        $c zadd z 1 keep
        set argv [list zadd z]
        for {set i 0} {$i < 1000} {incr i} { lappend argv $i new$i }
        assert_equal OK [$c debug crash-after-partial-batch]
        catch {$c {*}$argv}
        assert {[wait_server_exit $s 10]} "the server did not exit while writing the batch"
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {keep 1} [$c zrange z 0 -1 withscores]
        stop_server $s
    }

    test {One write to a sorted set logs the members it touches, not the set} {
        zs_dur_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        $c zadd small 1 a 2 b 3 c
        set argv [list zadd big]
        for {set i 0} {$i < 10000} {incr i} { lappend argv $i member:$i }
        $c {*}$argv
        foreach key {small big} {
            set grew [dict create]
            dict set grew zadd-new [zs_dur_log_growth $c { $c zadd $key 5 newone }]
            dict set grew zadd-move [zs_dur_log_growth $c { $c zadd $key 6 newone }]
            dict set grew zincrby [zs_dur_log_growth $c { $c zincrby $key 1.5 newone }]
            dict set grew zrem [zs_dur_log_growth $c { $c zrem $key newone }]
            dict set grew zpopmin [zs_dur_log_growth $c { $c zpopmin $key }]
            dict for {cmd bytes} $grew {
                assert_morethan $bytes 0 "$cmd on $key wrote nothing"
                assert_lessthan $bytes 160 "$cmd of one member of $key added $bytes bytes to the log ($grew)"
            }
        }
        # A read or a write that changes nothing logs nothing.
        assert_equal 0 [zs_dur_log_growth $c {
            $c zscore big member:5
            $c zrange big 0 10
            $c zadd big nx 1 member:5
            $c zrem big nothere
        }]
        stop_server $s
    }
}
