# Hash commands: HSET HSETNX HGET HMGET HMSET HGETALL HDEL HLEN HSTRLEN
# HEXISTS HINCRBY HINCRBYFLOAT HKEYS HVALS HSCAN HRANDFIELD; their RESP2 and
# RESP3 reply forms, arity and WRONGTYPE errors (both ways: string and set
# keys given to hash commands, hashes given to string and set commands),
# number parsing and overflow, empty, binary and 1 MB fields and values,
# the rule that an emptied hash is deleted, OBJECT ENCODING (listpack /
# hashtable, hash-max-listpack-* and their ziplist aliases), keyspace
# notifications, WATCH, and the keyspace commands (DEL EXISTS TYPE RENAME
# COPY MOVE EXPIRE PERSIST SWAPDB FLUSHDB SCAN TYPE) applied to hashes.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/hash
# Nothing here is redis-kv-only.  The DEBUG RELOAD tests are in their own
# block tagged needs:own-server (skipped with --host/--port).  Field order
# is never assumed: replies that list fields are compared sorted.  Never
# send HRANDFIELD a huge negative count: Redis 7.0 would try to reply that
# many fields and hang.

# ------------------------------------------------------------------ helpers

# A flat field/value list sorted by field, to compare HGETALL-like replies.
proc hash_sorted {flat} { return [lsort -stride 2 $flat] }

set ::hash_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

start_server {tags {hash}} {
    r null_value (nil)

    # ---------------------------------------------------------------- HSET
    test {HSET creates a hash and replies the number of new fields} {
        r del h
        assert_equal 2 [r hset h a 1 b 2]
        assert_equal hash [r type h]
        assert_equal 1 [r exists h]
        assert_equal 1 [r hset h b 20 c 3]
        assert_equal 0 [r hset h a 10]
        assert_equal [hash_sorted {a 10 b 20 c 3}] [hash_sorted [r hgetall h]]
        assert_equal ":0\r\n" [raw_reply hset h a 11]
        assert_equal ":1\r\n" [raw_reply3 hset h d 4]
    }

    test {HSET with a field named twice keeps the last value and counts it once} {
        r del h
        assert_equal 1 [r hset h a 1 a 2]
        assert_equal 2 [r hget h a]
        assert_equal 1 [r hlen h]
        assert_equal 1 [r hset h b 1 a 3 b 2]
        assert_equal {3 2} [r hmget h a b]
    }

    test {HSET needs an even number of field/value arguments} {
        assert_arity_error hset {} {h} {h f} {h f v f2} {h f v f2 v2 f3}
        r del h
        assert_error_equal "ERR wrong number of arguments for 'hset' command" {r hset h f v g}
        assert_equal 0 [r exists h]
    }

    test {HSET with an empty field name and an empty value} {
        r del h
        assert_equal 2 [r hset h "" v f ""]
        assert_equal v [r hget h ""]
        assert_equal "" [r hget h f]
        assert_equal [resp_bulk ""] [raw_reply hget h f]
        assert_equal 0 [r hstrlen h f]
        assert_equal 1 [r hexists h ""]
        assert_equal 2 [r hlen h]
    }

    test {HSET keeps the exact bytes of values that look like numbers} {
        r del h
        set vals {0 -0 007 +1 1.0 1.50 1e3 " 1" "1 " 0x10 -123
                  9223372036854775807 -9223372036854775808 9223372036854775808
                  123456789012345678901234567890 inf nan}
        set i 0
        foreach v $vals { r hset h f[incr i] $v }
        set i 0
        foreach v $vals {
            incr i
            assert_equal $v [r hget h f$i] "value '$v'"
            assert_equal [string length $v] [r hstrlen h f$i] "value '$v'"
        }
    }

    test {HSET, HGET, HGETALL with binary fields and values} {
        r del h
        set all [all_bytes]
        set f1 "a\r\nb\x00c"
        set v1 "\x00\xff\r\n\x01"
        r hset h $all $f1 $f1 $v1 "\x00" "\x00"
        assert_equal $f1 [r hget h $all]
        assert_equal $v1 [r hget h $f1]
        assert_equal "\x00" [r hget h "\x00"]
        assert_equal [string length $f1] [r hstrlen h $all]
        assert_equal [hash_sorted [list $all $f1 $f1 $v1 "\x00" "\x00"]] \
            [hash_sorted [r hgetall h]]
        assert_equal 1 [r hexists h $all]
        assert_equal 0 [r hexists h "a\r\nb"]
        assert_equal 2 [r hdel h $all "\x00"]
        assert_equal [list $f1] [r hkeys h]
    }

    test {HSET and HGET of a 1 MB field and a 1 MB value} {
        r del h
        set bigf [big_random_value 1048576]
        set bigv [big_random_value 1048576]
        assert_equal 2 [r hset h $bigf $bigv small x]
        assert_equal $bigv [r hget h $bigf]
        assert_equal 1048576 [r hstrlen h $bigf]
        assert_equal 1 [r hexists h $bigf]
        assert_equal [lsort [list $bigf small]] [lsort [r hkeys h]]
        assert_equal [list $bigv x] [r hmget h $bigf small]
        set all [r hgetall h]
        assert_equal $bigv [dict get $all $bigf]
        assert_equal 1 [r hdel h $bigf]
        assert_equal {small x} [r hgetall h]
    }

    test {HSET and HMGET with 1000 fields in one command} {
        r del h
        set args {}
        set fields {}
        for {set i 0} {$i < 1000} {incr i} {
            lappend args f$i v$i
            lappend fields f$i
        }
        assert_equal 1000 [r hset h {*}$args]
        assert_equal 0 [r hset h {*}$args]
        set vals [r hmget h {*}$fields]
        assert_equal 1000 [llength $vals]
        assert_equal {v0 v999} [list [lindex $vals 0] [lindex $vals end]]
        assert_equal 1000 [r hdel h {*}$fields]
        assert_equal 0 [r exists h]
    }

    test {Field names are compared byte for byte (case matters)} {
        r del h
        r hset h F upper f lower "f " space
        assert_equal 3 [r hlen h]
        assert_equal {upper lower space (nil)} [r hmget h F f "f " "F "]
    }

    test {A hash of 10000 fields} {
        r del h
        set c [redis_client]
        set cmds {}
        for {set i 0} {$i < 10000} {incr i} { lappend cmds [list hset h field:$i $i] }
        set replies [pipeline_replies $c $cmds]
        $c close
        assert_equal [lrepeat 10000 1] $replies
        assert_equal 10000 [r hlen h]
        set all [r hgetall h]
        assert_equal 20000 [llength $all]
        assert_equal 4567 [dict get $all field:4567]
        assert_equal 10000 [llength [lsort -unique [r hkeys h]]]
        assert_equal 9999 [r hget h field:9999]
        assert_equal hashtable [r object encoding h]
        assert_equal 1 [r del h]
    }

    # ------------------------------------------------------- HSETNX / HMSET
    test {HSETNX sets a field only when it is missing} {
        r del h
        assert_equal 1 [r hsetnx h a 1]
        assert_equal hash [r type h]
        assert_equal 0 [r hsetnx h a 2]
        assert_equal 1 [r hget h a]
        assert_equal 1 [r hsetnx h b ""]
        assert_equal "" [r hget h b]
        assert_equal ":0\r\n" [raw_reply hsetnx h b x]
    }

    test {HSETNX arity} {
        assert_arity_error hsetnx {} {h} {h f} {h f v x}
    }

    test {HMSET sets several fields and replies OK} {
        r del h
        assert_equal OK [r hmset h a 1 b 2]
        assert_equal "+OK\r\n" [raw_reply hmset h b 3 c 4]
        assert_equal "+OK\r\n" [raw_reply3 hmset h d 5]
        assert_equal [hash_sorted {a 1 b 3 c 4 d 5}] [hash_sorted [r hgetall h]]
        assert_arity_error hmset {} {h} {h f} {h f v g}
    }

    # -------------------------------------------------------- HGET / HMGET
    test {HGET of a missing field or a missing key is nil (RESP2 $-1, RESP3 _)} {
        r del h nokey
        r hset h a 1
        assert_equal (nil) [r hget h b]
        assert_equal (nil) [r hget nokey a]
        assert_equal "\$-1\r\n" [raw_reply hget h b]
        assert_equal "_\r\n" [raw_reply3 hget h b]
        assert_equal "_\r\n" [raw_reply3 hget nokey b]
        assert_equal [resp_bulk 1] [raw_reply3 hget h a]
    }

    test {HMGET replies one entry per field, nil for the missing ones} {
        r del h nokey
        r hset h a 1 b ""
        assert_equal {1 (nil) {} 1} [r hmget h a x b a]
        assert_equal {(nil) (nil)} [r hmget nokey a b]
        assert_equal "*3\r\n\$1\r\n1\r\n\$-1\r\n\$0\r\n\r\n" [raw_reply hmget h a x b]
        assert_equal "*3\r\n\$1\r\n1\r\n_\r\n\$0\r\n\r\n" [raw_reply3 hmget h a x b]
        assert_equal "*1\r\n\$-1\r\n" [raw_reply hmget nokey a]
    }

    test {HGET and HMGET arity} {
        assert_arity_error hget {} {h} {h f g}
        assert_arity_error hmget {} {h}
    }

    # ----------------------------------------------- HGETALL / HKEYS / HVALS
    test {HGETALL is a flat array in RESP2 and a map in RESP3} {
        r del h nokey
        r hset h f v
        assert_equal "*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [raw_reply hgetall h]
        assert_equal "%1\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [raw_reply3 hgetall h]
        assert_equal "*0\r\n" [raw_reply hgetall nokey]
        assert_equal "%0\r\n" [raw_reply3 hgetall nokey]
        r hset h g w
        set c [redis_client]
        $c hello 3
        assert_equal [hash_sorted {f v g w}] [hash_sorted [$c hgetall h]]
        assert_equal % [$c last_type]
        $c close
    }

    test {HKEYS and HVALS list the fields and the values in the same order} {
        r del h nokey
        for {set i 0} {$i < 50} {incr i} { r hset h field$i value$i }
        set keys [r hkeys h]
        set vals [r hvals h]
        assert_equal 50 [llength $keys]
        foreach k $keys v $vals {
            assert_equal [string map {field value} $k] $v
        }
        set all [r hgetall h]
        assert_equal $keys [dict keys $all]
        assert_equal $vals [dict values $all]
        assert_equal "*0\r\n" [raw_reply hkeys nokey]
        assert_equal "*0\r\n" [raw_reply3 hvals nokey]
        r del h
        r hset h f v
        assert_equal "*1\r\n\$1\r\nf\r\n" [raw_reply3 hkeys h]
        assert_equal "*1\r\n\$1\r\nv\r\n" [raw_reply3 hvals h]
    }

    test {HGETALL, HKEYS, HVALS arity} {
        foreach cmd {hgetall hkeys hvals} {
            assert_arity_error $cmd {} {h x}
        }
    }

    # ------------------------------------------------- HDEL and empty hashes
    test {HDEL removes fields and replies how many existed} {
        r del h
        r hset h a 1 b 2 c 3 d 4
        assert_equal 1 [r hdel h a]
        assert_equal 0 [r hdel h a]
        assert_equal 2 [r hdel h b c x y]
        assert_equal 1 [r hlen h]
        assert_equal {d 4} [r hgetall h]
        assert_equal 0 [r hdel nokey a]
        assert_equal ":0\r\n" [raw_reply hdel h zz]
    }

    test {HDEL of a field named twice counts it once} {
        r del h
        r hset h a 1 b 2
        assert_equal 1 [r hdel h a a a]
        assert_equal {b 2} [r hgetall h]
    }

    test {HDEL of the last field deletes the key} {
        r flushdb
        r hset h a 1 b 2
        assert_equal 2 [r hdel h a b]
        assert_equal 0 [r exists h]
        assert_equal none [r type h]
        assert_equal 0 [r hlen h]
        assert_equal {} [r hgetall h]
        r hset h a 1
        assert_equal 1 [r hdel h a x]
        assert_equal 0 [r exists h]
        assert_equal 0 [r dbsize]
    }

    test {A key emptied by HDEL can be reused as any type} {
        r del h
        r hset h a 1
        r hdel h a
        assert_equal OK [r set h str]
        assert_equal str [r get h]
        r del h
        r hset h a 1
        r hdel h a
        assert_equal 1 [r sadd h m]
        assert_equal set [r type h]
        r del h
    }

    test {HDEL arity} {
        assert_arity_error hdel {} {h}
    }

    # --------------------------------------------- HLEN HSTRLEN HEXISTS
    test {HLEN counts the fields; 0 for a missing key} {
        r del h nokey
        assert_equal 0 [r hlen nokey]
        for {set i 0} {$i < 100} {incr i} { r hset h f$i v }
        assert_equal 100 [r hlen h]
        r hset h f0 w
        assert_equal 100 [r hlen h]
        r hdel h f0 f1
        assert_equal 98 [r hlen h]
        assert_equal ":98\r\n" [raw_reply3 hlen h]
    }

    test {HSTRLEN is the length of the value; 0 for a missing field or key} {
        r del h nokey
        r hset h s hello n -123 z 007 e "" big [string repeat x 1000]
        assert_equal 5 [r hstrlen h s]
        assert_equal 4 [r hstrlen h n]
        assert_equal 3 [r hstrlen h z]
        assert_equal 0 [r hstrlen h e]
        assert_equal 1000 [r hstrlen h big]
        assert_equal 0 [r hstrlen h missing]
        assert_equal 0 [r hstrlen nokey f]
        r hincrby h n 100000
        assert_equal 5 [r hstrlen h n]
        assert_equal ":5\r\n" [raw_reply hstrlen h s]
    }

    test {HEXISTS replies 1 or 0} {
        r del h nokey
        r hset h a 1 e ""
        assert_equal 1 [r hexists h a]
        assert_equal 1 [r hexists h e]
        assert_equal 0 [r hexists h b]
        assert_equal 0 [r hexists nokey a]
        assert_equal ":1\r\n" [raw_reply hexists h a]
        assert_equal ":0\r\n" [raw_reply3 hexists h b]
    }

    test {HLEN, HSTRLEN, HEXISTS arity} {
        foreach {cmd arglists} {hlen {{} {h x}} hstrlen {{} {h} {h f g}}
                                hexists {{} {h} {h f g}}} {
            assert_arity_error $cmd {*}$arglists
        }
    }

    # -------------------------------------------------------------- HINCRBY
    test {HINCRBY creates the key and the field, then adds} {
        r del h
        assert_equal 5 [r hincrby h f 5]
        assert_equal hash [r type h]
        assert_equal 3 [r hincrby h f -2]
        assert_equal 3 [r hincrby h f 0]
        assert_equal -7 [r hincrby h f -10]
        assert_equal -7 [r hget h f]
        assert_equal -1 [r hincrby h g -1]
        assert_equal ":-6\r\n" [raw_reply hincrby h f 1]
        assert_equal ":-5\r\n" [raw_reply3 hincrby h f 1]
    }

    test {HINCRBY reaches the int64 limits and refuses to overflow} {
        r del h
        r hset h max 9223372036854775807 min -9223372036854775808
        assert_error_equal "ERR increment or decrement would overflow" {r hincrby h max 1}
        assert_error_equal "ERR increment or decrement would overflow" {r hincrby h min -1}
        assert_equal 9223372036854775807 [r hget h max]
        assert_equal -9223372036854775808 [r hget h min]
        assert_equal 9223372036854775806 [r hincrby h max -1]
        assert_equal 9223372036854775807 [r hincrby h max 1]
        assert_equal -1 [r hincrby h min 9223372036854775807]
        assert_equal -9223372036854775808 [r hincrby h x -9223372036854775808]
        assert_error_equal "ERR increment or decrement would overflow" {r hincrby h x -1}
        assert_error_equal "ERR increment or decrement would overflow" \
            {r hincrby h max 9223372036854775807}
    }

    test {HINCRBY: the increment must be a 64-bit integer in canonical form} {
        r del h
        r hset h f 10
        foreach bad {abc "" 1.0 1.5 " 1" "1 " +1 01 -0 0x10 1e3
                     9223372036854775808 -9223372036854775809} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r hincrby h f $bad} "increment '$bad'"
        }
        assert_equal 10 [r hget h f]
        r del h
        assert_error_equal "ERR value is not an integer or out of range" {r hincrby h f x}
        assert_equal 0 [r exists h]
    }

    test {HINCRBY: the stored value must be an integer in canonical form} {
        r del h
        set i 0
        foreach v {abc "" 1.5 " 1" "1 " +5 007 -0 1e3 9223372036854775808} {
            r hset h f[incr i] $v
        }
        set i 0
        foreach v {abc "" 1.5 " 1" "1 " +5 007 -0 1e3 9223372036854775808} {
            incr i
            assert_error_equal "ERR hash value is not an integer" \
                {r hincrby h f$i 1} "value '$v'"
            assert_equal $v [r hget h f$i]
        }
    }

    test {HINCRBY arity} {
        assert_arity_error hincrby {} {h} {h f} {h f 1 2}
    }

    # --------------------------------------------------------- HINCRBYFLOAT
    test {HINCRBYFLOAT creates the field and replies a bulk string (also in RESP3)} {
        r del h
        assert_equal 1.5 [r hincrbyfloat h f 1.5]
        assert_equal hash [r type h]
        assert_equal 1.5 [r hget h f]
        assert_equal [resp_bulk 2.5] [raw_reply hincrbyfloat h f 1]
        assert_equal [resp_bulk 3.5] [raw_reply3 hincrbyfloat h f 1]
        assert_equal 3.5 [r hget h f]
    }

    test {HINCRBYFLOAT formats results without trailing zeros or exponents} {
        r del h
        assert_equal 0.1 [r hincrbyfloat h a 0.1]
        assert_equal 0.3 [r hincrbyfloat h a 0.2]
        assert_equal 3 [r hincrbyfloat h b 3.0]
        assert_equal 103 [r hincrbyfloat h b 1e2]
        assert_equal 10.5 [r hincrbyfloat h c 10.50]
        assert_equal 11 [r hincrbyfloat h c .5]
        assert_equal 11 [r hincrbyfloat h c -0]
        assert_equal 0 [r hincrbyfloat h c -11]
        assert_equal 100000000000000000 [r hincrbyfloat h d 1e17]
        assert_equal 5000 [r hincrbyfloat h e 5.0e3]
        assert_equal 0 [r hincrbyfloat h g 3.0e-300]
        assert_equal -9.75 [r hincrbyfloat h i -9.75]
    }

    test {HINCRBYFLOAT works on integer values and integers beyond int64} {
        r del h
        r hset h i 10 max 9223372036854775807
        assert_equal 10.25 [r hincrbyfloat h i 0.25]
        assert_equal 9223372036854775808 [r hincrbyfloat h max 1]
        assert_equal 12345678901234567890 [r hincrbyfloat h big 12345678901234567890]
        # The result is now a float, not an integer any more.
        assert_error_equal "ERR hash value is not an integer" {r hincrby h i 1}
    }

    test {HINCRBYFLOAT uses long double precision (beyond the range of a double)} {
        r del h
        r hset h f 1.7e308
        set v [r hincrbyfloat h f 1.7e308]
        assert_match 34000000000000000* $v
        assert_equal 309 [string length $v]
        assert_equal $v [r hget h f]
    }

    test {HINCRBYFLOAT parses the increment like strtold: hex and a leading dot} {
        r del h
        assert_equal 16 [r hincrbyfloat h f 0x10]
        assert_equal 16.5 [r hincrbyfloat h f .5]
        assert_equal 15.5 [r hincrbyfloat h f -1E0]
        r hset h g 1.5
        assert_equal 2.5 [r hincrbyfloat h g 1]
    }

    test {HINCRBYFLOAT: an invalid increment} {
        r del h
        r hset h f 1
        foreach bad {abc "" " 1" "1 " nan 1e5000 1.5.5 --1} {
            assert_error_equal "ERR value is not a valid float" \
                {r hincrbyfloat h f $bad} "increment '$bad'"
        }
        foreach bad {inf +inf -inf Infinity} {
            assert_error_equal "ERR value is NaN or Infinity" \
                {r hincrbyfloat h f $bad} "increment '$bad'"
        }
        assert_equal 1 [r hget h f]
        r del h
        assert_error_equal "ERR value is NaN or Infinity" {r hincrbyfloat h f inf}
        assert_equal 0 [r exists h]
    }

    test {HINCRBYFLOAT: a stored value that is not a float} {
        r del h
        r hset h a abc b "" c " 1.5" d "1.5 " e 1.5x
        foreach f {a b c d e} {
            assert_error_equal "ERR hash value is not a float" \
                {r hincrbyfloat h $f 1} "field $f"
        }
        assert_equal " 1.5" [r hget h c]
    }

    test {HINCRBYFLOAT refuses a result that would be infinite} {
        r del h
        r hset h inf inf huge 1e4932
        assert_error_equal "ERR increment would produce NaN or Infinity" \
            {r hincrbyfloat h inf 1}
        assert_error_equal "ERR increment would produce NaN or Infinity" \
            {r hincrbyfloat h huge 1e4932}
        assert_equal inf [r hget h inf]
        assert_equal 1e4932 [r hget h huge]
    }

    test {HINCRBYFLOAT arity} {
        assert_arity_error hincrbyfloat {} {h} {h f} {h f 1 2}
    }

    # ---------------------------------------------------------------- HSCAN
    test {HSCAN returns every field with its value, and cursor 0 at the end} {
        r del h
        for {set i 0} {$i < 1000} {incr i} { r hset h f$i v$i }
        set all [coll_scan_all hscan h 10]
        set seen [dict create {*}$all]
        assert_equal 1000 [dict size $seen]
        for {set i 0} {$i < 1000} {incr i} {
            assert_equal v$i [dict get $seen f$i]
        }
    }

    test {HSCAN of a small hash and of a missing key} {
        r del h nokey
        r hset h a 1 b 2
        assert_equal [hash_sorted {a 1 b 2}] [hash_sorted [coll_scan_all hscan h]]
        assert_equal {0 {}} [r hscan nokey 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply hscan nokey 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply3 hscan nokey 0]
        r del h
        r hset h f v
        assert_equal "*2\r\n\$1\r\n0\r\n*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" \
            [raw_reply3 hscan h 0]
    }

    test {HSCAN MATCH filters the fields by a glob pattern} {
        r del h
        for {set i 0} {$i < 200} {incr i} { r hset h key:$i $i other:$i $i }
        set all [coll_scan_all hscan h 10 match key:*]
        set fields [lsort -unique [dict keys $all]]
        assert_equal 200 [llength $fields]
        foreach f $fields { assert_match key:* $f }
        assert_equal {} [coll_scan_all hscan h 10 match nothing*]
        set one [coll_scan_all hscan h 10 match key:1?]
        assert_equal [lsort {key:10 key:11 key:12 key:13 key:14 key:15 key:16 key:17 key:18 key:19}] \
            [lsort -unique [dict keys $one]]
        # Options are case insensitive and may be repeated (the last wins).
        set again [coll_scan_all hscan h 10 MATCH nothing* MATCH key:*]
        assert_equal 200 [llength [lsort -unique [dict keys $again]]]
    }

    test {HSCAN: every field present for the whole scan is returned at least once} {
        r del h
        for {set i 0} {$i < 500} {incr i} { r hset h stable$i x }
        for {set i 0} {$i < 500} {incr i} { r hset h volatile$i x }
        set cursor 0
        set seen {}
        set step 0
        while 1 {
            lassign [r hscan h $cursor count 20] cursor page
            foreach {f v} $page { dict set seen $f 1 }
            # Between the calls, fields come and go (and the hash grows).
            incr step
            for {set j 0} {$j < 30} {incr j} { r hset h added$step.$j y }
            for {set j 0} {$j < 10} {incr j} {
                r hdel h volatile[expr {($step * 10 + $j) % 500}]
            }
            if {$cursor eq "0"} break
        }
        for {set i 0} {$i < 500} {incr i} {
            assert {[dict exists $seen stable$i]} "stable$i not returned"
        }
        foreach f [dict keys $seen] {
            assert {[regexp {^(stable|volatile|added)} $f]} "unknown field $f"
        }
    }

    test {HSCAN errors: cursor, COUNT, MATCH and unknown options} {
        r del h
        r hset h a 1
        foreach bad {abc 1.5 " 1" "1 " -x 18446744073709551616} {
            assert_error_equal "ERR invalid cursor" {r hscan h $bad} "cursor '$bad'"
        }
        assert_error_equal "ERR syntax error" {r hscan h 0 count 0}
        assert_error_equal "ERR syntax error" {r hscan h 0 count -1}
        assert_error_equal "ERR value is not an integer or out of range" {r hscan h 0 count abc}
        assert_error_equal "ERR syntax error" {r hscan h 0 count}
        assert_error_equal "ERR syntax error" {r hscan h 0 match}
        assert_error_equal "ERR syntax error" {r hscan h 0 foo bar}
        # TYPE is a SCAN option only, NOVALUES does not exist in 7.0.
        assert_error_equal "ERR syntax error" {r hscan h 0 type hash}
        assert_error_equal "ERR syntax error" {r hscan h 0 novalues}
        assert_arity_error hscan {} {h}
    }

    test {HSCAN accepts any unsigned 64-bit cursor (and an empty one, read as 0)} {
        r del h
        r hset h a 1
        assert_equal [r hscan h 0] [r hscan h ""]
        foreach c {0 18446744073709551615 12345} {
            set reply [r hscan h $c]
            assert_equal 2 [llength $reply]
        }
    }

    # ----------------------------------------------------------- HRANDFIELD
    test {HRANDFIELD without a count: one field, nil for a missing key} {
        r del h nokey
        r hset h a 1 b 2 c 3
        for {set i 0} {$i < 20} {incr i} {
            assert {[r hrandfield h] in {a b c}}
        }
        assert_equal (nil) [r hrandfield nokey]
        assert_equal "\$-1\r\n" [raw_reply hrandfield nokey]
        assert_equal "_\r\n" [raw_reply3 hrandfield nokey]
        r del h
        r hset h f v
        assert_equal [resp_bulk f] [raw_reply3 hrandfield h]
    }

    test {HRANDFIELD without a count returns every field over many calls} {
        r del h
        for {set i 0} {$i < 10} {incr i} { r hset h f$i v }
        set seen {}
        for {set i 0} {$i < 1000} {incr i} { dict incr seen [r hrandfield h] }
        assert_equal [lsort [r hkeys h]] [lsort [dict keys $seen]]
    }

    test {HRANDFIELD with a positive count: distinct fields, at most the whole hash} {
        foreach size {5 300} {
            r del h
            for {set i 0} {$i < $size} {incr i} { r hset h f$i v$i }
            foreach count [list 1 2 3 [expr {$size - 1}] $size [expr {$size + 1}] 1000] {
                set got [r hrandfield h $count]
                set want [expr {min($count, $size)}]
                assert_equal $want [llength $got] "size $size count $count"
                assert_equal $want [llength [lsort -unique $got]] "size $size count $count"
                foreach f $got { assert_equal 1 [r hexists h $f] }
            }
            assert_equal [lsort [r hkeys h]] [lsort [r hrandfield h $size]]
        }
    }

    test {HRANDFIELD with a positive count returns every field over many calls} {
        r del h
        for {set i 0} {$i < 20} {incr i} { r hset h f$i v }
        set seen {}
        for {set i 0} {$i < 300} {incr i} {
            foreach f [r hrandfield h 3] { dict incr seen $f }
        }
        assert_equal [lsort [r hkeys h]] [lsort [dict keys $seen]]
    }

    test {HRANDFIELD with a negative count: exactly |count| fields, repetitions allowed} {
        r del h
        r hset h a 1 b 2 c 3
        set got [r hrandfield h -100]
        assert_equal 100 [llength $got]
        foreach f $got { assert {$f in {a b c}} }
        # Over many picks every field shows up.
        assert_equal {a b c} [lsort -unique $got]
        assert_equal 1 [llength [r hrandfield h -1]]
        r del h
        r hset h only v
        assert_equal {only only only} [r hrandfield h -3]
    }

    test {HRANDFIELD with a count of 0, and with a count on a missing key} {
        r del h nokey
        r hset h a 1
        assert_equal {} [r hrandfield h 0]
        assert_equal "*0\r\n" [raw_reply hrandfield h 0]
        assert_equal "*0\r\n" [raw_reply hrandfield h 0 withvalues]
        assert_equal "*0\r\n" [raw_reply3 hrandfield h 0]
        foreach args {{2} {-2} {0} {2 withvalues} {-2 withvalues}} {
            assert_equal "*0\r\n" [raw_reply hrandfield nokey {*}$args] "$args"
            assert_equal "*0\r\n" [raw_reply3 hrandfield nokey {*}$args] "$args"
        }
    }

    test {HRANDFIELD WITHVALUES: flat in RESP2, field/value pairs in RESP3} {
        r del h
        r hset h f v
        assert_equal "*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [raw_reply hrandfield h 1 withvalues]
        assert_equal "*1\r\n*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [raw_reply3 hrandfield h 1 withvalues]
        assert_equal "*2\r\n*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" \
            [raw_reply3 hrandfield h -2 WITHVALUES]
        # Without WITHVALUES, a count gives a plain array.
        assert_equal "*1\r\n\$1\r\nf\r\n" [raw_reply3 hrandfield h 1]
    }

    test {HRANDFIELD WITHVALUES pairs every field with its own value} {
        r del h
        for {set i 0} {$i < 20} {incr i} { r hset h f$i v$i }
        foreach count {5 20 50 -50} {
            set got [r hrandfield h $count withvalues]
            assert_equal [expr {2 * ($count < 0 ? -$count : min($count, 20))}] [llength $got]
            foreach {f v} $got {
                assert_equal [string map {f v} $f] $v
            }
        }
        set c [redis_client]
        $c hello 3
        foreach pair [$c hrandfield h -10 withvalues] {
            assert_equal 2 [llength $pair]
            assert_equal [r hget h [lindex $pair 0]] [lindex $pair 1]
        }
        $c close
    }

    test {HRANDFIELD errors: count, options, range} {
        r del h
        r hset h a 1
        foreach bad {abc 1.5 "" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r hrandfield h $bad} "count '$bad'"
        }
        assert_error_equal "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" \
            {r hrandfield h -9223372036854775808}
        assert_error_equal "ERR value is out of range" \
            {r hrandfield h -4611686018427387904 withvalues}
        assert_error_equal "ERR value is out of range" \
            {r hrandfield h 4611686018427387904 withvalues}
        assert_error_equal "ERR syntax error" {r hrandfield h 1 withvalue}
        assert_error_equal "ERR syntax error" {r hrandfield h 1 withvalues x}
        assert_error_equal "ERR syntax error" {r hrandfield nokey 1 foo}
        assert_error_equal "ERR value is not an integer or out of range" {r hrandfield nokey abc}
        assert_error_equal "ERR wrong number of arguments for 'hrandfield' command" {r hrandfield}
    }

    # ------------------------------------------------------------ WRONGTYPE
    test {Every hash command on a string key is WRONGTYPE} {
        r del s
        r set s v
        foreach cmd {
            {hset s f v} {hsetnx s f v} {hget s f} {hmget s f} {hmset s f v}
            {hgetall s} {hdel s f} {hlen s} {hstrlen s f} {hexists s f}
            {hincrby s f 1} {hincrbyfloat s f 1} {hkeys s} {hvals s}
            {hscan s 0} {hrandfield s} {hrandfield s 2} {hrandfield s 2 withvalues}
        } {
            assert_error_equal $::hash_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal v [r get s]
    }

    test {Every hash command on a set key is WRONGTYPE} {
        r del st
        r sadd st m
        foreach cmd {
            {hset st f v} {hsetnx st f v} {hget st f} {hmget st f} {hmset st f v}
            {hgetall st} {hdel st f} {hlen st} {hstrlen st f} {hexists st f}
            {hincrby st f 1} {hincrbyfloat st f 1} {hkeys st} {hvals st}
            {hscan st 0} {hrandfield st} {hrandfield st -2}
        } {
            assert_error_equal $::hash_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal {m} [r smembers st]
    }

    test {String and set commands on a hash key are WRONGTYPE} {
        r del h
        r hset h f v
        foreach cmd {
            {get h} {getset h x} {getdel h} {getex h} {incr h} {decr h} {incrby h 1}
            {incrbyfloat h 1} {append h x} {strlen h} {getrange h 0 1}
            {setrange h 0 x} {mget h} {sadd h m} {srem h m} {smembers h}
            {sismember h m} {scard h} {spop h} {srandmember h} {sinter h}
            {sunion h} {sdiff h} {sscan h 0}
        } {
            if {$cmd eq {mget h}} {
                # MGET never fails: a key of another type reads as nil.
                assert_equal {(nil)} [r mget h]
                continue
            }
            assert_error_equal $::hash_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal {f v} [r hgetall h]
    }

    test {SET replaces a hash; HSET on a missing key after that is a new hash} {
        r del h
        r hset h f v
        assert_equal OK [r set h str]
        assert_equal string [r type h]
        assert_error_equal $::hash_wrongtype {r hget h f}
        r del h
        r hset h g w
        assert_equal {g w} [r hgetall h]
    }

    # ------------------------------------------------------ keyspace commands
    test {DEL, EXISTS, TYPE, DBSIZE and FLUSHDB with hashes} {
        r flushdb
        r hset h1 a 1
        r hset h2 a 1 b 2
        assert_equal hash [r type h1]
        assert_equal 2 [r exists h1 h2]
        assert_equal 2 [r dbsize]
        assert_equal 1 [r del h1]
        assert_equal 0 [r exists h1]
        assert_equal OK [r flushdb]
        assert_equal 0 [r exists h2]
        assert_equal 0 [r hlen h2]
    }

    test {RENAME moves a hash and replaces a destination of any type} {
        r flushdb
        r hset h a 1 b 2
        r set dst str
        assert_equal OK [r rename h dst]
        assert_equal 0 [r exists h]
        assert_equal hash [r type dst]
        assert_equal [hash_sorted {a 1 b 2}] [hash_sorted [r hgetall dst]]
        r hset h2 x y
        assert_equal 0 [r renamenx dst h2]
        assert_equal {x y} [r hgetall h2]
    }

    test {COPY of a hash is an independent hash; REPLACE and DB} {
        r flushdb
        r hset h a 1 b 2
        assert_equal 1 [r copy h h2]
        r hset h2 c 3
        r hdel h a
        assert_equal {b 2} [r hgetall h]
        assert_equal [hash_sorted {a 1 b 2 c 3}] [hash_sorted [r hgetall h2]]
        assert_equal 0 [r copy h h2]
        assert_equal 1 [r copy h h2 replace]
        assert_equal {b 2} [r hgetall h2]
        assert_equal 1 [r copy h hc db 9]
        r select 9
        assert_equal hash [r type hc]
        assert_equal {b 2} [r hgetall hc]
        r flushdb
        r select 0
    }

    test {MOVE a hash to another database} {
        r flushdb
        r select 9
        r flushdb
        r select 0
        r hset h a 1
        assert_equal 1 [r move h 9]
        assert_equal 0 [r exists h]
        r hset h a 2
        assert_equal 0 [r move h 9]
        r select 9
        assert_equal {a 1} [r hgetall h]
        r flushdb
        r select 0
    }

    test {EXPIRE and PERSIST on a hash; an expired hash is gone} {
        r flushdb
        r hset h a 1
        assert_equal 1 [r expire h 100]
        assert_range [r ttl h] 1 100
        r hset h b 2
        # Changing fields keeps the TTL.
        assert_range [r ttl h] 1 100
        assert_equal 1 [r persist h]
        assert_equal -1 [r ttl h]
        r pexpire h 1
        after 20
        assert_equal 0 [r exists h]
        assert_equal (nil) [r hget h a]
        assert_equal 0 [r hlen h]
    }

    test {HSET on an expired hash starts a new hash without a TTL} {
        r flushdb
        r hset h old 1
        r pexpire h 1
        after 20
        assert_equal 1 [r hset h new 2]
        assert_equal {new 2} [r hgetall h]
        assert_equal -1 [r ttl h]
        r hset h2 n 5
        r pexpire h2 1
        after 20
        assert_equal 1 [r hincrby h2 n 1]
    }

    test {HDEL of the last field drops the TTL with the key} {
        r flushdb
        r hset h a 1
        r expire h 100
        r hdel h a
        assert_equal -2 [r ttl h]
        r hset h a 1
        assert_equal -1 [r ttl h]
    }

    test {SWAPDB exchanges hashes between databases} {
        r flushdb
        r select 9
        r flushdb
        r hset h in 9
        r select 0
        r hset h in 0
        assert_equal OK [r swapdb 0 9]
        assert_equal {in 9} [r hgetall h]
        r select 9
        assert_equal {in 0} [r hgetall h]
        r flushdb
        r select 0
        r flushdb
    }

    test {SCAN TYPE hash returns only the hashes} {
        r flushdb
        for {set i 0} {$i < 30} {incr i} {
            r hset hash$i f v
            r set str$i v
            r sadd set$i m
        }
        set cursor 0
        set keys {}
        while 1 {
            lassign [r scan $cursor type hash count 10] cursor page
            lappend keys {*}$page
            if {$cursor eq "0"} break
        }
        set keys [lsort -unique $keys]
        assert_equal 30 [llength $keys]
        foreach k $keys { assert_match hash* $k }
        r flushdb
    }

    # ---------------------------------------------------------------- WATCH
    test {WATCH: HSET on the watched key aborts EXEC, even with the same value} {
        assert_equal 1 [watch_aborts {{hset k a 1}} {hset k a 1}]
    }

    test {WATCH: HINCRBY, HINCRBYFLOAT, HDEL, HMSET, DEL abort EXEC} {
        foreach cmd {{hincrby k a 0} {hincrbyfloat k a 0} {hdel k a} {hmset k a 2}
                     {hsetnx k b 1} {del k}} {
            assert_equal 1 [watch_aborts {{hset k a 1}} $cmd] $cmd
        }
    }

    test {WATCH: reads and commands that change nothing do not abort EXEC} {
        foreach cmd {{hget k a} {hgetall k} {hsetnx k a 2} {hdel k nofield}
                     {hexists k a} {hrandfield k} {hincrby k a x}} {
            assert_equal 0 [watch_aborts {{hset k a 1}} $cmd] $cmd
        }
    }

    test {Client tracking: HGET tracks the key, HSET invalidates it, HSETNX of an existing field does not} {
        r flushdb
        r hset k a 1
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd hget k a
        $rd read
        r hsetnx k a 3
        # Nothing changes: no invalidation before the PONG.
        $rd ping
        assert_equal PONG [$rd read]
        r hset k a 2
        $rd ping
        assert_equal {invalidate k} [$rd read]
        assert_equal > [$rd last_type]
        assert_equal PONG [$rd read]
        $rd close
    }

    # -------------------------------------------------------- notifications
    test {Keyspace events of the hash commands, in order} {
        r flushdb
        set ev [keyspace_events_of KA {
            r hset h a 1 b 2
            r hset h a 1
            r hsetnx h a 1
            r hsetnx h c 3
            r hmset h d 4
            r hdel h nofield
            r hdel h a b
            r hincrby h n 1
            r hincrbyfloat h f 1.5
            catch {r hincrby h n abc}
            catch {r hincrby h f 1}
            r hget h c
            r hdel h c d n f
        }]
        set want {{h hset} {h hset} {h hset} {h hset} {h hdel} {h hincrby}}
        lappend want {h hincrbyfloat} {h hdel} {h del}
        assert_equal $want $ev
    }

    test {The class h has the hash events; the del of an emptied hash is class g} {
        r flushdb
        set ev [keyspace_events_of Kh {
            r hset h a 1
            r hincrby h a 1
            r hdel h a
            r set s v
        }]
        set ev2 [keyspace_events_of Kg {
            r hset h a 1
            r hdel h a
        }]
        assert_equal {{h hset} {h hincrby} {h hdel}} $ev
        assert_equal {{h del}} $ev2
    }

    test {"new" comes before the event of the command that creates a hash} {
        r flushdb
        set ev [keyspace_events_of KAn {
            r hset h a 1
            r hset h b 1
            r hincrby h2 f 1
            r hincrbyfloat h3 f 1
            r hsetnx h4 f 1
            r hsetnx h4 f 2
        }]
        set want {{h new} {h hset} {h hset} {h2 new} {h2 hincrby}}
        lappend want {h3 new} {h3 hincrbyfloat} {h4 new} {h4 hset}
        assert_equal $want $ev
    }

    test {keymiss: reading a missing hash sends it, writing does not} {
        r flushdb
        r hset h a 1
        set reads {{hget nokey f} {hmget nokey f g} {hgetall nokey} {hkeys nokey}
                   {hvals nokey} {hlen nokey} {hstrlen nokey f} {hexists nokey f}
                   {hscan nokey 0} {hrandfield nokey} {hrandfield nokey 2}}
        foreach cmd $reads {
            set ev [keyspace_events_of Km { r {*}$cmd }]
            assert_equal {{nokey keymiss}} $ev $cmd
        }
        # A missing field of an existing hash is no key miss.
        foreach cmd {{hdel nokey f} {hget h nofield} {hmget h x} {hexists h x}} {
            set ev [keyspace_events_of Km { r {*}$cmd }]
            assert_equal {} $ev $cmd
        }
    }

    test {Keyevent channel names of the hash events} {
        r flushdb
        r config set notify-keyspace-events Eh
        set rd [redis_deferring_client]
        $rd psubscribe __keyevent@0__:*
        $rd read
        r hset h a 1
        r hincrbyfloat h a 1
        set out {}
        for {set i 0} {$i < 2} {incr i} {
            set f [$rd read]
            lappend out [lrange $f 2 3]
        }
        $rd close
        r config set notify-keyspace-events ""
        assert_equal {{__keyevent@0__:hset h} {__keyevent@0__:hincrbyfloat h}} $out
    }

    # ------------------------------------------------------------ encodings
    test {Small hashes are listpack, TYPE is hash} {
        r flushdb
        r hset h a 1
        assert_equal hash [r type h]
        assert_equal listpack [r object encoding h]
        assert_equal "+hash\r\n" [raw_reply type h]
    }

    test {hash-max-listpack-entries and -value default to 512 and 64} {
        assert_equal {hash-max-listpack-entries 512} [r config get hash-max-listpack-entries]
        assert_equal {hash-max-listpack-value 64} [r config get hash-max-listpack-value]
        assert_equal {hash-max-ziplist-entries 512} [r config get hash-max-ziplist-entries]
        assert_equal {hash-max-ziplist-value 64} [r config get hash-max-ziplist-value]
    }

    test {A hash with more fields than hash-max-listpack-entries becomes hashtable} {
        r flushdb
        for {set i 0} {$i < 512} {incr i} { r hset h f$i v }
        assert_equal listpack [r object encoding h]
        r hset h f512 v
        assert_equal hashtable [r object encoding h]
        # It never goes back, even when it shrinks.
        for {set i 0} {$i < 510} {incr i} { r hdel h f$i }
        assert_equal hashtable [r object encoding h]
        assert_equal 3 [r hlen h]
    }

    test {A field or value longer than hash-max-listpack-value makes a hashtable} {
        r flushdb
        set at [string repeat x 64]
        set over [string repeat x 65]
        r hset h1 $at $at
        assert_equal listpack [r object encoding h1]
        r hset h1 f $over
        assert_equal hashtable [r object encoding h1]
        r hset h2 $over v
        assert_equal hashtable [r object encoding h2]
        assert_equal v [r hget h2 $over]
        assert_equal $over [r hget h1 f]
    }

    test {Every writing command converts past the limits (lowered with CONFIG SET)} {
        r flushdb
        with_config {hash-max-listpack-value 4 hash-max-listpack-entries 3} {
            r hset h1 f 9999
            assert_equal listpack [r object encoding h1]
            r hincrby h1 f 1
            assert_equal hashtable [r object encoding h1]
            assert_equal 10000 [r hget h1 f]
            r hset h2 f 1
            r hincrbyfloat h2 f 0.125
            assert_equal 1.125 [r hget h2 f]
            assert_equal hashtable [r object encoding h2]
            r hsetnx h3 abcde 1
            assert_equal hashtable [r object encoding h3]
            r hmset h4 f abcde
            assert_equal hashtable [r object encoding h4]
            r hincrby h5 abcde 1
            assert_equal hashtable [r object encoding h5]
            r hset h6 a 1 b 2 c 3
            assert_equal listpack [r object encoding h6]
            r hsetnx h6 d 4
            assert_equal hashtable [r object encoding h6]
            assert_equal [hash_sorted {a 1 b 2 c 3 d 4}] [hash_sorted [r hgetall h6]]
        }
    }

    test {COPY keeps the encoding of a hash} {
        r flushdb
        with_config {hash-max-listpack-entries 1} {
            r hset big a 1 b 2
        }
        r hset small a 1 b 2
        r copy big big2
        r copy small small2
        assert_equal hashtable [r object encoding big2]
        assert_equal listpack [r object encoding small2]
    }

    test {hash-max-ziplist-* are aliases of hash-max-listpack-*} {
        r flushdb
        with_config {hash-max-listpack-entries 512 hash-max-listpack-value 64} {
            r config set hash-max-ziplist-entries 2
            r config set hash-max-ziplist-value 10
            assert_equal {hash-max-listpack-entries 2} [r config get hash-max-listpack-entries]
            assert_equal {hash-max-listpack-value 10} [r config get hash-max-listpack-value]
            r hset h a 1 b 2
            assert_equal listpack [r object encoding h]
            r hset h c 3
            assert_equal hashtable [r object encoding h]
        }
    }

    test {With hash-max-listpack-entries 0 every hash is a hashtable} {
        r flushdb
        with_config {hash-max-listpack-entries 0} {
            r hset h a 1
            assert_equal hashtable [r object encoding h]
            r hincrby h2 a 1
            assert_equal hashtable [r object encoding h2]
        }
    }

    test {Hashes of both encodings answer every command the same way} {
        r flushdb
        with_config {hash-max-listpack-entries 0} {
            r hset big a 1 b 2.5 c ""
        }
        r hset small a 1 b 2.5 c ""
        assert_equal listpack [r object encoding small]
        assert_equal hashtable [r object encoding big]
        foreach h {small big} {
            assert_equal [hash_sorted {a 1 b 2.5 c {}}] [hash_sorted [r hgetall $h]] $h
            assert_equal {1 (nil) {}} [r hmget $h a x c] $h
            assert_equal 3 [r hlen $h] $h
            assert_equal 3 [r hstrlen $h b] $h
            assert_equal 3 [r hincrby $h a 2] $h
            assert_equal 3 [r hincrbyfloat $h b 0.5] $h
            assert_equal {a b c} [lsort [r hkeys $h]] $h
            assert_equal {{} 3 3} [lsort [r hvals $h]] $h
            assert_equal 3 [llength [r hrandfield $h 10]] $h
            assert_equal [hash_sorted {a 3 b 3 c {}}] [hash_sorted [coll_scan_all hscan $h 1]] $h
            assert_equal 3 [r hdel $h a b c] $h
            assert_equal 0 [r exists $h] $h
        }
    }
}

start_server {tags {hash needs:own-server}} {
    r null_value (nil)

    test {DEBUG RELOAD keeps hashes, their fields, values and encodings} {
        r flushall
        r hset small a 1 e "" bin "\x00\xff\r\n"
        for {set i 0} {$i < 600} {incr i} { r hset big f$i v$i }
        r hset wide f [string repeat y 100]
        set before [list [hash_sorted [r hgetall small]] [hash_sorted [r hgetall big]] \
                        [r hgetall wide]]
        assert_equal OK [r debug reload]
        assert_equal $before [list [hash_sorted [r hgetall small]] \
                                  [hash_sorted [r hgetall big]] [r hgetall wide]]
        assert_equal listpack [r object encoding small]
        assert_equal hashtable [r object encoding big]
        assert_equal hashtable [r object encoding wide]
        assert_equal hash [r type big]
        assert_equal 600 [r hlen big]
    }

    test {DEBUG RELOAD stores a hash that shrank back within the limits as listpack} {
        r flushall
        with_config {hash-max-listpack-entries 2} {
            r hset h a 1 b 2 c 3
        }
        r hdel h c
        assert_equal hashtable [r object encoding h]
        r debug reload
        assert_equal listpack [r object encoding h]
        assert_equal [hash_sorted {a 1 b 2}] [hash_sorted [r hgetall h]]
    }
}
