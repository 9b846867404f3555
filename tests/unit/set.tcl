# Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
# SRANDMEMBER SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF
# SDIFFSTORE SSCAN; their RESP2 and RESP3 reply forms (RESP3 sets ~ for
# SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count; arrays for
# SRANDMEMBER with a count and SMISMEMBER), arity and WRONGTYPE errors (a
# string or a hash given to each command, sets given to string and hash
# commands), counts of 0 and negatives, empty, binary and 1 MB members, the
# rule that an emptied set is deleted, STORE destinations of any type,
# OBJECT ENCODING (intset / hashtable and set-max-intset-entries: Redis 7.0
# has no listpack sets), keyspace notifications, WATCH, and the keyspace
# commands (RENAME COPY MOVE EXPIRE SWAPDB SCAN TYPE) applied to sets.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/set
# Nothing here is redis-kv-only.  The DEBUG RELOAD tests are in their own
# block tagged needs:own-server (skipped with --host/--port).  Member order
# is never assumed: replies that list members are compared sorted.  Never
# send SRANDMEMBER a huge negative count: Redis 7.0 would try to reply that
# many members and hang.

# ------------------------------------------------------------------ helpers

set ::set_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

start_server {tags {set}} {
    r null_value (nil)

    # ---------------------------------------------------------- SADD/SREM
    test {SADD creates a set and replies the number of new members} {
        r del s
        assert_equal 3 [r sadd s a b c]
        assert_equal set [r type s]
        assert_equal 1 [r sadd s c d]
        assert_equal 0 [r sadd s a b]
        assert_equal {a b c d} [lsort [r smembers s]]
        assert_equal ":0\r\n" [raw_reply sadd s a]
        assert_equal ":1\r\n" [raw_reply3 sadd s e]
    }

    test {SADD of a member named twice counts it once} {
        r del s
        assert_equal 1 [r sadd s a a a]
        assert_equal 2 [r sadd s b a b c]
        assert_equal 3 [r scard s]
    }

    test {SADD, SMISMEMBER and SREM with 1000 members in one command} {
        r del s
        set members {}
        for {set i 0} {$i < 1000} {incr i} { lappend members m$i }
        assert_equal 1000 [r sadd s {*}$members]
        assert_equal 0 [r sadd s {*}$members]
        assert_equal [lrepeat 1000 1] [r smismember s {*}$members]
        assert_equal 1000 [r srem s {*}$members]
        assert_equal 0 [r exists s]
    }

    test {SADD keeps the exact bytes: numbers in any spelling are distinct} {
        r del s
        set members {1 01 +1 " 1" "1 " 1.0 -0 0 "" 9223372036854775807
                     9223372036854775808 -9223372036854775808 0x1}
        assert_equal [llength $members] [r sadd s {*}$members]
        assert_equal [lsort $members] [lsort [r smembers s]]
        foreach m $members { assert_equal 1 [r sismember s $m] "member '$m'" }
        assert_equal 0 [r sismember s 2]
    }

    test {SADD and SISMEMBER with binary members} {
        r del s
        set all [all_bytes]
        set m1 "a\r\nb\x00c"
        assert_equal 3 [r sadd s $all $m1 "\x00"]
        assert_equal 1 [r sismember s $all]
        assert_equal 1 [r sismember s $m1]
        assert_equal 1 [r sismember s "\x00"]
        assert_equal 0 [r sismember s "a\r\nb"]
        assert_equal [lsort [list $all $m1 "\x00"]] [lsort [r smembers s]]
        assert_equal 2 [r srem s $all "\x00"]
        assert_equal [list $m1] [r smembers s]
    }

    test {A 1 MB member} {
        r del s
        set big [big_random_value 1048576]
        assert_equal 2 [r sadd s $big small]
        assert_equal 1 [r sismember s $big]
        assert_equal [lsort [list $big small]] [lsort [r smembers s]]
        assert_equal 0 [r sadd s $big]
        assert_equal 1 [r srem s $big]
        assert_equal {small} [r smembers s]
    }

    test {SREM removes members and replies how many existed} {
        r del s
        r sadd s a b c d
        assert_equal 1 [r srem s a]
        assert_equal 0 [r srem s a]
        assert_equal 2 [r srem s b c x y]
        assert_equal 1 [r srem s d d d]
        assert_equal 0 [r srem nokey a]
        assert_equal ":0\r\n" [raw_reply srem nokey a]
    }

    test {SREM of the last member deletes the key} {
        r flushdb
        r sadd s a b
        assert_equal 2 [r srem s a b x]
        assert_equal 0 [r exists s]
        assert_equal none [r type s]
        assert_equal 0 [r scard s]
        assert_equal {} [r smembers s]
        assert_equal 0 [r dbsize]
        assert_equal OK [r set s str]
        assert_equal str [r get s]
    }

    test {SADD and SREM arity} {
        foreach cmd {sadd srem} {
            assert_arity_error $cmd {} {s}
        }
        r del s
        assert_error_equal "ERR wrong number of arguments for 'sadd' command" {r sadd s}
        assert_equal 0 [r exists s]
    }

    test {A set of 10000 members} {
        foreach {kind prefix} {hashtable member: intset ""} {
            r del s
            set c [redis_client]
            set cmds {}
            for {set i 0} {$i < 10000} {incr i} { lappend cmds [list sadd s $prefix$i] }
            set replies [pipeline_replies $c $cmds]
            $c close
            assert_equal [lrepeat 10000 1] $replies $kind
            assert_equal 10000 [r scard s] $kind
            assert_equal 10000 [llength [lsort -unique [r smembers s]]] $kind
            assert_equal 1 [r sismember s ${prefix}9999] $kind
            assert_equal 0 [r sismember s ${prefix}10000] $kind
            assert_equal hashtable [r object encoding s] $kind
            assert_equal 1 [r del s] $kind
        }
    }

    # ------------------------------------------- SMEMBERS SISMEMBER SCARD
    test {SMEMBERS is an array in RESP2 and a set in RESP3} {
        r del s nokey
        r sadd s m
        assert_equal "*1\r\n\$1\r\nm\r\n" [raw_reply smembers s]
        assert_equal "~1\r\n\$1\r\nm\r\n" [raw_reply3 smembers s]
        assert_equal "*0\r\n" [raw_reply smembers nokey]
        assert_equal "~0\r\n" [raw_reply3 smembers nokey]
        r sadd s n o
        set c [redis_client]
        $c hello 3
        assert_equal {m n o} [lsort [$c smembers s]]
        assert_equal ~ [$c last_type]
        $c close
    }

    test {SISMEMBER, SMISMEMBER and SCARD} {
        r del s nokey
        r sadd s a b ""
        assert_equal 1 [r sismember s a]
        assert_equal 1 [r sismember s ""]
        assert_equal 0 [r sismember s c]
        assert_equal 0 [r sismember nokey a]
        assert_equal {1 0 1 1} [r smismember s a c "" a]
        assert_equal {0 0} [r smismember nokey a b]
        assert_equal "*2\r\n:1\r\n:0\r\n" [raw_reply smismember s a c]
        assert_equal "*2\r\n:1\r\n:0\r\n" [raw_reply3 smismember s a c]
        assert_equal ":1\r\n" [raw_reply3 sismember s a]
        assert_equal 3 [r scard s]
        assert_equal 0 [r scard nokey]
        assert_equal ":3\r\n" [raw_reply3 scard s]
    }

    test {SMEMBERS, SISMEMBER, SMISMEMBER, SCARD arity} {
        foreach {cmd arglists} {smembers {{} {s x}} sismember {{} {s} {s m n}}
                                smismember {{} {s}} scard {{} {s x}}} {
            assert_arity_error $cmd {*}$arglists
        }
    }

    # ----------------------------------------------------------------- SPOP
    test {SPOP without a count removes and returns one member} {
        r del s nokey
        r sadd s a b c
        set popped {}
        for {set i 0} {$i < 3} {incr i} { lappend popped [r spop s] }
        assert_equal {a b c} [lsort $popped]
        assert_equal 0 [r exists s]
        assert_equal (nil) [r spop s]
        assert_equal "\$-1\r\n" [raw_reply spop nokey]
        assert_equal "_\r\n" [raw_reply3 spop nokey]
        r sadd s m
        assert_equal [resp_bulk m] [raw_reply3 spop s]
        assert_equal 0 [r exists s]
    }

    test {SPOP with a count: distinct members, removed from the set} {
        foreach {kind prefix} {hashtable m intset ""} {
            r del s
            for {set i 0} {$i < 100} {incr i} { r sadd s $prefix$i }
            assert_equal $kind [r object encoding s]
            set got [r spop s 10]
            assert_equal 10 [llength $got] $kind
            assert_equal 10 [llength [lsort -unique $got]] $kind
            foreach m $got { assert_equal 0 [r sismember s $m] $kind }
            assert_equal 90 [r scard s] $kind
            # Large counts relative to the size take other paths in Redis.
            set got2 [r spop s 80]
            assert_equal 80 [llength [lsort -unique $got2]] $kind
            assert_equal 10 [r scard s] $kind
            set rest [r smembers s]
            set all [lsort [concat $got $got2 $rest]]
            set want {}
            for {set i 0} {$i < 100} {incr i} { lappend want $prefix$i }
            assert_equal [lsort $want] $all $kind
        }
    }

    test {SPOP with a count of the size or more empties and deletes the set} {
        foreach count {3 4 1000} {
            r del s
            r sadd s a b c
            assert_equal {a b c} [lsort [r spop s $count]] "count $count"
            assert_equal 0 [r exists s] "count $count"
        }
    }

    test {SPOP with a count of 0, and with a count on a missing key} {
        r del s nokey
        r sadd s a
        assert_equal {} [r spop s 0]
        assert_equal "*0\r\n" [raw_reply spop s 0]
        assert_equal "~0\r\n" [raw_reply3 spop s 0]
        assert_equal {a} [r smembers s]
        assert_equal "*0\r\n" [raw_reply spop nokey 0]
        assert_equal "*0\r\n" [raw_reply spop nokey 5]
        assert_equal "~0\r\n" [raw_reply3 spop nokey 5]
    }

    test {SPOP with a count is a set in RESP3} {
        r del s
        r sadd s m
        assert_equal "*1\r\n\$1\r\nm\r\n" [raw_reply spop s 1]
        r sadd s m
        assert_equal "~1\r\n\$1\r\nm\r\n" [raw_reply3 spop s 1]
        r sadd s m
        assert_equal "~1\r\n\$1\r\nm\r\n" [raw_reply3 spop s 5]
    }

    test {SPOP errors: the count must be a non-negative integer} {
        r del s
        r sadd s a
        foreach bad {-1 abc 1.5 "" -0 " 1" 9223372036854775808} {
            assert_error_equal "ERR value is out of range, must be positive" \
                {r spop s $bad} "count '$bad'"
        }
        assert_error_equal "ERR value is out of range, must be positive" {r spop nokey -1}
        assert_error_equal "ERR syntax error" {r spop s 1 2}
        assert_error_equal "ERR wrong number of arguments for 'spop' command" {r spop}
        assert_equal {a} [r smembers s]
    }

    test {SPOP without a count returns every member over many runs} {
        set seen {}
        for {set i 0} {$i < 300} {incr i} {
            r del s
            r sadd s a b c d e
            dict incr seen [r spop s]
        }
        assert_equal {a b c d e} [lsort [dict keys $seen]]
    }

    test {SPOP with a count returns every member over many runs} {
        set seen {}
        for {set i 0} {$i < 200} {incr i} {
            r del s
            r sadd s a b c d e f g h i j
            foreach m [r spop s 2] { dict incr seen $m }
        }
        assert_equal {a b c d e f g h i j} [lsort [dict keys $seen]]
    }

    # ---------------------------------------------------------- SRANDMEMBER
    test {SRANDMEMBER without a count returns a member and changes nothing} {
        r del s nokey
        r sadd s a b c
        for {set i 0} {$i < 20} {incr i} {
            assert {[r srandmember s] in {a b c}}
        }
        assert_equal 3 [r scard s]
        assert_equal (nil) [r srandmember nokey]
        assert_equal "\$-1\r\n" [raw_reply srandmember nokey]
        assert_equal "_\r\n" [raw_reply3 srandmember nokey]
    }

    test {SRANDMEMBER without a count returns every member over many calls} {
        r del s
        for {set i 0} {$i < 10} {incr i} { r sadd s m$i }
        set seen {}
        for {set i 0} {$i < 1000} {incr i} { dict incr seen [r srandmember s] }
        assert_equal [lsort [r smembers s]] [lsort [dict keys $seen]]
    }

    test {SRANDMEMBER with a positive count: distinct members, at most the whole set} {
        foreach size {5 300} {
            r del s
            for {set i 0} {$i < $size} {incr i} { r sadd s m$i }
            foreach count [list 1 2 3 [expr {$size - 1}] $size [expr {$size + 1}] 1000] {
                set got [r srandmember s $count]
                set want [expr {min($count, $size)}]
                assert_equal $want [llength $got] "size $size count $count"
                assert_equal $want [llength [lsort -unique $got]] "size $size count $count"
                foreach m $got { assert_equal 1 [r sismember s $m] }
            }
            assert_equal [lsort [r smembers s]] [lsort [r srandmember s $size]]
            assert_equal $size [r scard s]
        }
    }

    test {SRANDMEMBER with a positive count returns every member over many calls} {
        foreach {kind prefix} {hashtable m intset ""} {
            r del s
            for {set i 0} {$i < 20} {incr i} { r sadd s $prefix$i }
            set seen {}
            for {set i 0} {$i < 300} {incr i} {
                foreach m [r srandmember s 3] { dict incr seen $m }
            }
            assert_equal [lsort [r smembers s]] [lsort [dict keys $seen]] $kind
        }
    }

    test {SRANDMEMBER with a negative count: exactly |count| members, repetitions allowed} {
        r del s
        r sadd s a b c
        set got [r srandmember s -100]
        assert_equal 100 [llength $got]
        foreach m $got { assert {$m in {a b c}} }
        assert_equal {a b c} [lsort -unique $got]
        r del s
        r sadd s only
        assert_equal {only only only} [r srandmember s -3]
        assert_equal 1 [r scard s]
    }

    test {SRANDMEMBER with a count is an array (also in RESP3); count 0; missing key} {
        r del s nokey
        r sadd s m
        assert_equal "*1\r\n\$1\r\nm\r\n" [raw_reply3 srandmember s 1]
        assert_equal "*2\r\n\$1\r\nm\r\n\$1\r\nm\r\n" [raw_reply3 srandmember s -2]
        assert_equal "*0\r\n" [raw_reply srandmember s 0]
        assert_equal "*0\r\n" [raw_reply3 srandmember s 0]
        foreach count {3 -3 0} {
            assert_equal "*0\r\n" [raw_reply srandmember nokey $count] "count $count"
            assert_equal "*0\r\n" [raw_reply3 srandmember nokey $count] "count $count"
        }
    }

    test {SRANDMEMBER errors} {
        r del s
        r sadd s a
        foreach bad {abc 1.5 "" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r srandmember s $bad} "count '$bad'"
        }
        assert_error_equal "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807" \
            {r srandmember s -9223372036854775808}
        assert_error_equal "ERR syntax error" {r srandmember s 1 2}
        assert_error_equal "ERR wrong number of arguments for 'srandmember' command" {r srandmember}
    }

    # ---------------------------------------------------------------- SMOVE
    test {SMOVE moves a member; an emptied source is deleted} {
        r del a b
        r sadd a x y
        r sadd b z
        assert_equal 1 [r smove a b x]
        assert_equal {y} [r smembers a]
        assert_equal {x z} [lsort [r smembers b]]
        assert_equal 1 [r smove a b y]
        assert_equal 0 [r exists a]
        assert_equal {x y z} [lsort [r smembers b]]
        assert_equal ":1\r\n" [raw_reply3 smove b a x]
    }

    test {SMOVE creates the destination} {
        r del a b
        r sadd a x
        assert_equal 1 [r smove a b x]
        assert_equal set [r type b]
        assert_equal {x} [r smembers b]
        assert_equal 0 [r exists a]
    }

    test {SMOVE of a member the destination already has removes it from the source} {
        r del a b
        r sadd a x y
        r sadd b x
        assert_equal 1 [r smove a b x]
        assert_equal {y} [r smembers a]
        assert_equal {x} [r smembers b]
    }

    test {SMOVE of a missing member or from a missing key replies 0} {
        r del a b nokey
        r sadd a x
        assert_equal 0 [r smove a b nope]
        assert_equal 0 [r exists b]
        assert_equal 0 [r smove nokey a x]
        assert_equal 0 [r exists nokey]
        assert_equal ":0\r\n" [raw_reply smove a b nope]
    }

    test {SMOVE with the same source and destination changes nothing} {
        r del a
        r sadd a x y
        assert_equal 1 [r smove a a x]
        assert_equal 0 [r smove a a nope]
        assert_equal {x y} [lsort [r smembers a]]
    }

    test {SMOVE type checks: source first, then destination, even for a missing member} {
        r del a st h nokey
        r sadd a x
        r set st v
        r hset h f v
        assert_error_equal $::set_wrongtype {r smove st a x}
        assert_error_equal $::set_wrongtype {r smove a st x}
        assert_error_equal $::set_wrongtype {r smove a h x}
        assert_error_equal $::set_wrongtype {r smove a st nope}
        assert_error_equal $::set_wrongtype {r smove st st x}
        # A missing source is checked before the type of the destination.
        assert_equal 0 [r smove nokey st x]
        assert_equal {x} [r smembers a]
        assert_equal v [r get st]
    }

    test {SMOVE arity} {
        assert_arity_error smove {} {a} {a b} {a b m n}
    }

    # ------------------------------------------------ SINTER SUNION SDIFF
    test {SINTER, SUNION, SDIFF of several sets} {
        r flushdb
        r sadd a 1 2 3 4 x
        r sadd b 2 3 5 x y
        r sadd c 3 x z
        assert_equal {3 x} [lsort [r sinter a b c]]
        assert_equal {2 3 x} [lsort [r sinter a b]]
        assert_equal {1 2 3 4 5 x y z} [lsort [r sunion a b c]]
        assert_equal {1 4} [lsort [r sdiff a b c]]
        assert_equal {1 4} [lsort [r sdiff a b]]
        assert_equal {5 y} [lsort [r sdiff b a]]
    }

    test {SINTER, SUNION, SDIFF of a single set, and of a set with itself} {
        r flushdb
        r sadd a 1 2 x
        foreach cmd {sinter sunion sdiff} {
            assert_equal {1 2 x} [lsort [r $cmd a]] $cmd
        }
        assert_equal {1 2 x} [lsort [r sinter a a]]
        assert_equal {1 2 x} [lsort [r sunion a a]]
        assert_equal {} [r sdiff a a]
    }

    test {SINTER, SUNION, SDIFF with missing keys (empty sets)} {
        r flushdb
        r sadd a 1 2
        assert_equal {} [r sinter a nokey]
        assert_equal {} [r sinter nokey a]
        assert_equal {} [r sinter nokey]
        assert_equal {1 2} [lsort [r sunion nokey a nokey2]]
        assert_equal {} [r sunion nokey]
        assert_equal {1 2} [lsort [r sdiff a nokey]]
        assert_equal {} [r sdiff nokey a]
        assert_equal {} [r sdiff nokey]
    }

    test {SINTER, SUNION, SDIFF are sets in RESP3} {
        r flushdb
        r sadd a m
        foreach cmd {sinter sunion sdiff} {
            assert_equal "*1\r\n\$1\r\nm\r\n" [raw_reply $cmd a] $cmd
            assert_equal "~1\r\n\$1\r\nm\r\n" [raw_reply3 $cmd a] $cmd
            assert_equal "~0\r\n" [raw_reply3 $cmd nokey] $cmd
            assert_equal "*0\r\n" [raw_reply $cmd nokey] $cmd
        }
        assert_equal "~0\r\n" [raw_reply3 sinter a nokey]
        assert_equal "~0\r\n" [raw_reply3 sdiff a a]
    }

    test {SINTER, SUNION, SDIFF of intset and hashtable sets together} {
        r flushdb
        r sadd ints 1 2 3 4
        r sadd mixed 3 4 five six
        assert_equal intset [r object encoding ints]
        assert_equal hashtable [r object encoding mixed]
        assert_equal {3 4} [lsort [r sinter ints mixed]]
        assert_equal {3 4} [lsort [r sinter mixed ints]]
        assert_equal {1 2 3 4 five six} [lsort [r sunion ints mixed]]
        assert_equal {1 2} [lsort [r sdiff ints mixed]]
        assert_equal {five six} [lsort [r sdiff mixed ints]]
    }

    test {SINTER, SUNION, SDIFF arity} {
        foreach cmd {sinter sunion sdiff} {
            assert_error_equal "ERR wrong number of arguments for '$cmd' command" {r $cmd}
        }
    }

    # ----------------------------------------------------------- SINTERCARD
    test {SINTERCARD counts the intersection} {
        r flushdb
        r sadd a 1 2 3 x
        r sadd b 2 3 x y
        assert_equal 3 [r sintercard 2 a b]
        assert_equal 4 [r sintercard 1 a]
        assert_equal 0 [r sintercard 2 a nokey]
        assert_equal 0 [r sintercard 1 nokey]
        assert_equal 4 [r sintercard 2 a a]
        assert_equal ":3\r\n" [raw_reply sintercard 2 a b]
        assert_equal ":3\r\n" [raw_reply3 sintercard 2 a b]
    }

    test {SINTERCARD LIMIT stops counting at the limit; 0 means no limit} {
        r flushdb
        r sadd a 1 2 3 x
        r sadd b 2 3 x y
        assert_equal 2 [r sintercard 2 a b limit 2]
        assert_equal 1 [r sintercard 2 a b LIMIT 1]
        assert_equal 3 [r sintercard 2 a b limit 3]
        assert_equal 3 [r sintercard 2 a b limit 100]
        assert_equal 3 [r sintercard 2 a b limit 0]
        # Repeated, the last LIMIT wins.
        assert_equal 2 [r sintercard 2 a b limit 1 limit 2]
    }

    test {SINTERCARD errors: numkeys and LIMIT} {
        r flushdb
        r sadd a 1
        foreach bad {0 -1 abc "" 1.5 9223372036854775808} {
            assert_error_equal "ERR numkeys should be greater than 0" \
                {r sintercard $bad a} "numkeys '$bad'"
        }
        assert_error_equal "ERR Number of keys can't be greater than number of args" \
            {r sintercard 2 a}
        assert_error_equal "ERR Number of keys can't be greater than number of args" \
            {r sintercard 3 a a}
        assert_error_equal "ERR Number of keys can't be greater than number of args" \
            {r sintercard 9223372036854775807 a}
        assert_error_equal "ERR syntax error" {r sintercard 1 a a}
        assert_error_equal "ERR syntax error" {r sintercard 1 a limit}
        assert_error_equal "ERR syntax error" {r sintercard 1 a foo 1}
        foreach bad {-1 abc 1.5} {
            assert_error_equal "ERR LIMIT can't be negative" \
                {r sintercard 1 a limit $bad} "limit '$bad'"
        }
        assert_arity_error sintercard {} {1}
    }

    # ------------------------------------------------------- ...STORE forms
    test {SINTERSTORE, SUNIONSTORE, SDIFFSTORE store the result and reply its size} {
        r flushdb
        r sadd a 1 2 3 x
        r sadd b 2 3 y
        assert_equal 2 [r sinterstore d1 a b]
        assert_equal {2 3} [lsort [r smembers d1]]
        assert_equal 5 [r sunionstore d2 a b]
        assert_equal {1 2 3 x y} [lsort [r smembers d2]]
        assert_equal 2 [r sdiffstore d3 a b]
        assert_equal {1 x} [lsort [r smembers d3]]
        assert_equal set [r type d3]
        assert_equal ":2\r\n" [raw_reply3 sinterstore d1 a b]
        # The stored set is a copy: changing it leaves the sources alone.
        r sadd d2 new
        assert_equal {1 2 3 x} [lsort [r smembers a]]
    }

    test {A STORE destination of any type is overwritten} {
        r flushdb
        r sadd a 1 2
        r sadd b 2 3
        foreach {cmd want} {sinterstore {2} sunionstore {1 2 3} sdiffstore {1}} {
            r set d str
            assert_equal [llength $want] [r $cmd d a b] $cmd
            assert_equal set [r type d] $cmd
            assert_equal $want [lsort [r smembers d]] $cmd
            r del d
            r hset d f v
            assert_equal [llength $want] [r $cmd d a b] $cmd
            assert_equal $want [lsort [r smembers d]] $cmd
            r sadd d other
            assert_equal [llength $want] [r $cmd d a b] $cmd
            assert_equal $want [lsort [r smembers d]] $cmd
        }
    }

    test {An empty result deletes the destination, whatever its type} {
        r flushdb
        r sadd a 1
        r sadd b 2
        foreach {cmd args} {sinterstore {a b} sunionstore {nokey} sdiffstore {a a}
                            sinterstore {a nokey} sdiffstore {nokey a}} {
            r set d str
            assert_equal 0 [r $cmd d {*}$args] "$cmd $args"
            assert_equal 0 [r exists d] "$cmd $args"
            r sadd d x
            assert_equal 0 [r $cmd d {*}$args] "$cmd $args"
            assert_equal 0 [r exists d] "$cmd $args"
            assert_equal 0 [r $cmd d {*}$args] "$cmd $args"
            assert_equal 0 [r exists d] "$cmd $args"
        }
    }

    test {A STORE destination may be one of the sources} {
        r flushdb
        r sadd a 1 2 3
        r sadd b 3 4
        assert_equal 4 [r sunionstore a a b]
        assert_equal {1 2 3 4} [lsort [r smembers a]]
        assert_equal 2 [r sinterstore b a b]
        assert_equal {3 4} [lsort [r smembers b]]
        assert_equal 2 [r sdiffstore a a b]
        assert_equal {1 2} [lsort [r smembers a]]
        assert_equal 0 [r sdiffstore a a a]
        assert_equal 0 [r exists a]
    }

    test {STORE commands: WRONGTYPE in a source leaves the destination untouched} {
        r flushdb
        r sadd a 1
        r set st v
        r sadd d keep
        foreach cmd {sinterstore sunionstore sdiffstore} {
            assert_error_equal $::set_wrongtype {r $cmd d a st} $cmd
            assert_error_equal $::set_wrongtype {r $cmd d st a} $cmd
            assert_error_equal $::set_wrongtype {r $cmd d nokey st} $cmd
        }
        assert_equal {keep} [r smembers d]
    }

    test {SINTERSTORE, SUNIONSTORE, SDIFFSTORE arity} {
        foreach cmd {sinterstore sunionstore sdiffstore} {
            assert_arity_error $cmd {} {d}
        }
    }

    # ----------------------------------------------------------------- SSCAN
    test {SSCAN returns every member, and cursor 0 at the end} {
        foreach {kind prefix} {hashtable m intset ""} {
            r del s
            for {set i 0} {$i < 1000} {incr i} { r sadd s $prefix$i }
            set got [lsort -unique [coll_scan_all sscan s 10]]
            assert_equal 1000 [llength $got] $kind
            for {set i 0} {$i < 1000} {incr i} {
                assert_equal 1 [expr {"$prefix$i" in $got}] "$kind $prefix$i"
            }
        }
    }

    test {SSCAN of a small set and of a missing key} {
        r del s nokey
        r sadd s a b
        assert_equal {a b} [lsort [coll_scan_all sscan s]]
        r del s
        r sadd s 1 2
        assert_equal {1 2} [lsort [coll_scan_all sscan s]]
        assert_equal {0 {}} [r sscan nokey 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply sscan nokey 0]
        assert_equal "*2\r\n\$1\r\n0\r\n*0\r\n" [raw_reply3 sscan nokey 0]
        r del s
        r sadd s m
        assert_equal "*2\r\n\$1\r\n0\r\n*1\r\n\$1\r\nm\r\n" [raw_reply3 sscan s 0]
    }

    test {SSCAN MATCH filters the members by a glob pattern} {
        r del s
        for {set i 0} {$i < 200} {incr i} { r sadd s key:$i other:$i }
        set got [lsort -unique [coll_scan_all sscan s 10 match key:*]]
        assert_equal 200 [llength $got]
        foreach m $got { assert_match key:* $m }
        assert_equal {} [coll_scan_all sscan s 10 match nothing*]
        r del s
        for {set i 0} {$i < 100} {incr i} { r sadd s $i }
        assert_equal intset [r object encoding s]
        assert_equal {1 10 11 12 13 14 15 16 17 18 19} \
            [lsort [coll_scan_all sscan s 10 MATCH 1*]]
    }

    test {SSCAN: every member present for the whole scan is returned at least once} {
        r del s
        for {set i 0} {$i < 500} {incr i} { r sadd s stable$i volatile$i }
        set cursor 0
        set seen {}
        set step 0
        while 1 {
            lassign [r sscan s $cursor count 20] cursor page
            foreach m $page { dict set seen $m 1 }
            # Between the calls, members come and go (and the set grows).
            incr step
            for {set j 0} {$j < 30} {incr j} { r sadd s added$step.$j }
            for {set j 0} {$j < 10} {incr j} {
                r srem s volatile[expr {($step * 10 + $j) % 500}]
            }
            if {$cursor eq "0"} break
        }
        for {set i 0} {$i < 500} {incr i} {
            assert {[dict exists $seen stable$i]} "stable$i not returned"
        }
        foreach m [dict keys $seen] {
            assert {[regexp {^(stable|volatile|added)} $m]} "unknown member $m"
        }
    }

    test {SSCAN errors} {
        r del s
        r sadd s a
        foreach bad {abc 1.5 " 1" 18446744073709551616} {
            assert_error_equal "ERR invalid cursor" {r sscan s $bad} "cursor '$bad'"
        }
        assert_error_equal "ERR syntax error" {r sscan s 0 count 0}
        assert_error_equal "ERR value is not an integer or out of range" {r sscan s 0 count x}
        assert_error_equal "ERR syntax error" {r sscan s 0 match}
        assert_error_equal "ERR syntax error" {r sscan s 0 type set}
        assert_error_equal "ERR syntax error" {r sscan s 0 foo bar}
        assert_arity_error sscan {} {s}
    }

    # ------------------------------------------------------------ WRONGTYPE
    test {Every set command on a string key is WRONGTYPE} {
        r flushdb
        r set st v
        r sadd a m
        foreach cmd {
            {sadd st m} {srem st m} {smembers st} {sismember st m} {smismember st m}
            {scard st} {spop st} {spop st 2} {spop st 0} {srandmember st}
            {srandmember st 2} {srandmember st -2} {smove st a m}
            {sinter st} {sinter a st} {sinter nokey st} {sintercard 1 st}
            {sintercard 2 nokey st} {sinterstore d st} {sunion st} {sunion a st}
            {sunionstore d st} {sdiff st} {sdiff a st} {sdiff nokey st}
            {sdiffstore d st} {sdiffstore d a st} {sscan st 0}
        } {
            assert_error_equal $::set_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal v [r get st]
        assert_equal 0 [r exists d]
    }

    test {Every set command on a hash key is WRONGTYPE} {
        r flushdb
        r hset h f v
        r sadd a m
        foreach cmd {
            {sadd h m} {srem h m} {smembers h} {sismember h m} {smismember h m}
            {scard h} {spop h} {spop h 2} {srandmember h} {srandmember h 2}
            {smove h a m} {smove a h m} {sinter a h} {sintercard 2 a h}
            {sinterstore d a h} {sunion a h} {sunionstore d h} {sdiff a h}
            {sdiffstore d h a} {sscan h 0}
        } {
            assert_error_equal $::set_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal {f v} [r hgetall h]
        assert_equal {m} [r smembers a]
    }

    test {String and hash commands on a set key are WRONGTYPE} {
        r flushdb
        r sadd s m
        foreach cmd {
            {get s} {getset s x} {getdel s} {incr s} {decr s} {incrby s 1}
            {incrbyfloat s 1} {append s x} {strlen s} {getrange s 0 1}
            {setrange s 0 x} {hset s f v} {hget s f} {hgetall s} {hlen s}
            {hdel s f} {hincrby s f 1} {hscan s 0}
        } {
            assert_error_equal $::set_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal {(nil)} [r mget s]
        assert_equal {m} [r smembers s]
        assert_equal OK [r set s str]
        assert_equal string [r type s]
    }

    # ------------------------------------------------------ keyspace commands
    test {RENAME, COPY and MOVE of sets} {
        r flushdb
        r select 9
        r flushdb
        r select 0
        r sadd s a b
        r set dst str
        assert_equal OK [r rename s dst]
        assert_equal set [r type dst]
        assert_equal 0 [r exists s]
        assert_equal 1 [r copy dst c]
        r sadd c x
        assert_equal {a b} [lsort [r smembers dst]]
        assert_equal {a b x} [lsort [r smembers c]]
        assert_equal 0 [r copy dst c]
        assert_equal 1 [r copy dst c replace]
        assert_equal {a b} [lsort [r smembers c]]
        assert_equal 1 [r move c 9]
        r select 9
        assert_equal {a b} [lsort [r smembers c]]
        r flushdb
        r select 0
        r flushdb
    }

    test {SADD on an expired set starts a new set without a TTL} {
        r flushdb
        r sadd s old
        r pexpire s 1
        after 20
        assert_equal 1 [r sadd s new]
        assert_equal {new} [r smembers s]
        assert_equal -1 [r ttl s]
    }

    test {EXPIRE, PERSIST and SWAPDB with sets} {
        r flushdb
        r select 9
        r flushdb
        r select 0
        r sadd s a
        assert_equal 1 [r expire s 100]
        r sadd s b
        assert_range [r ttl s] 1 100
        assert_equal 1 [r persist s]
        assert_equal -1 [r ttl s]
        r expire s 100
        r srem s a b
        assert_equal -2 [r ttl s]
        r sadd s x
        assert_equal -1 [r ttl s]
        r pexpire s 1
        after 20
        assert_equal 0 [r exists s]
        assert_equal 0 [r scard s]
        r sadd s in0
        assert_equal OK [r swapdb 0 9]
        assert_equal 0 [r exists s]
        r select 9
        assert_equal {in0} [r smembers s]
        r flushdb
        r select 0
    }

    test {SCAN TYPE set returns only the sets} {
        r flushdb
        for {set i 0} {$i < 30} {incr i} {
            r sadd set$i m
            r sadd iset$i 1
            r set str$i v
            r hset hash$i f v
        }
        set cursor 0
        set keys {}
        while 1 {
            lassign [r scan $cursor type set count 10] cursor page
            lappend keys {*}$page
            if {$cursor eq "0"} break
        }
        set keys [lsort -unique $keys]
        assert_equal 60 [llength $keys]
        foreach k $keys { assert_match *set* $k }
        r flushdb
    }

    # ---------------------------------------------------------------- WATCH
    test {WATCH: writes to the watched set abort EXEC} {
        set sa {{sadd k a}}
        foreach {setup cmd} [list \
            $sa {sadd k b} $sa {srem k a} $sa {spop k} $sa {spop k 1} \
            [list {sadd k a} {sadd j b}] {smove j k b} $sa {smove k j a} \
            [list {sadd j b}] {sunionstore k j} $sa {sinterstore k nokey} \
            $sa {sdiffstore k k} $sa {del k}] {
            assert_equal 1 [watch_aborts $setup $cmd] "$setup | $cmd"
        }
    }

    test {WATCH: commands that change nothing do not abort EXEC} {
        set sa {{sadd k a}}
        foreach {setup cmd} [list \
            $sa {sadd k a} $sa {srem k x} $sa {smove k k a} $sa {spop k 0} \
            $sa {smembers k} $sa {srandmember k -5} \
            [list {sadd j a}] {sunionstore k nokey} $sa {smove j k a}] {
            assert_equal 0 [watch_aborts $setup $cmd] "$setup | $cmd"
        }
    }

    test {Client tracking: SMEMBERS tracks the key, SADD invalidates it, SADD of an existing member does not} {
        r flushdb
        r sadd k a
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd smembers k
        $rd read
        r sadd k a
        # Nothing changes: no invalidation before the PONG.
        $rd ping
        assert_equal PONG [$rd read]
        r sadd k b
        $rd ping
        assert_equal {invalidate k} [$rd read]
        assert_equal > [$rd last_type]
        assert_equal PONG [$rd read]
        $rd close
    }

    # -------------------------------------------------------- notifications
    test {Keyspace events of SADD, SREM, SPOP; del when emptied} {
        r flushdb
        set ev [keyspace_events_of KA {
            r sadd s a b c d
            r sadd s a
            r srem s nope
            r srem s a
            r spop s
            r spop s 0
            r spop s 1
            r spop s 5
            r sadd t 1 2 3
            r spop t 3
            r sadd u 1
            r srem u 1
        }]
        set want {{s sadd} {s srem} {s spop} {s spop} {s spop} {s del}}
        lappend want {t sadd} {t spop} {t del} {u sadd} {u srem} {u del}
        assert_equal $want $ev
    }

    test {Keyspace events of SMOVE: srem (and del) of the source, then sadd} {
        r flushdb
        set ev [keyspace_events_of KA {
            r sadd a 1 2 3
            r sadd b 2
            r smove a b 1
            r smove a b 2
            r smove a a 3
            r smove a b nope
            r smove a b 3
        }]
        set want {{a sadd} {b sadd} {a srem} {b sadd} {a srem}}
        lappend want {a srem} {a del} {b sadd}
        assert_equal $want $ev
    }

    test {Keyspace events of the STORE commands; del when the result is empty} {
        r flushdb
        set ev [keyspace_events_of KA {
            r sadd x 1 2
            r sinterstore d x x
            r sunionstore d x
            r sdiffstore d x
            r sdiffstore d x x
            r sinterstore d x nokey
            r set d str
            r sunionstore d x
            r sinterstore d x nokey
        }]
        set want {{x sadd} {d sinterstore} {d sunionstore} {d sdiffstore} {d del}}
        lappend want {d set} {d sunionstore} {d del}
        assert_equal $want $ev
    }

    test {"new" comes before the event of the command that creates a set} {
        r flushdb
        set ev [keyspace_events_of KAn {
            r sadd s a b
            r sadd s c
            r smove s t a
            r sinterstore d t
            r sunionstore d s
            r set str x
            r sdiffstore str s
        }]
        set want {{s new} {s sadd} {s sadd} {s srem} {t new} {t sadd}}
        lappend want {d new} {d sinterstore} {d sunionstore} {str new} {str set}
        lappend want {str sdiffstore}
        assert_equal $want $ev
    }

    test {keymiss: reading a missing set sends it, writing does not} {
        r flushdb
        r sadd s a
        set reads {{smembers nokey} {sismember nokey a} {smismember nokey a b}
                   {scard nokey} {srandmember nokey} {srandmember nokey 3}
                   {sinter nokey} {sunion nokey} {sdiff nokey} {sintercard 1 nokey}
                   {sinterstore d nokey} {sunionstore d nokey} {sdiffstore d nokey}
                   {sscan nokey 0}}
        foreach cmd $reads {
            set ev [keyspace_events_of Km { r {*}$cmd }]
            assert_equal {{nokey keymiss}} $ev $cmd
        }
        set ev [keyspace_events_of Km { r sunion s nokey nokey2 }]
        assert_equal {{nokey keymiss} {nokey2 keymiss}} $ev
        # Commands that look the key up to write it send nothing.
        foreach cmd {{srem nokey a} {spop nokey} {spop nokey 2} {smove nokey s a}
                     {sismember s x}} {
            set ev [keyspace_events_of Km { r {*}$cmd }]
            assert_equal {} $ev $cmd
        }
    }

    test {The class s has the set events; the del of an emptied set is class g} {
        r flushdb
        set ev [keyspace_events_of Ks {
            r sadd s a
            r srem s a
            r set str v
        }]
        set ev2 [keyspace_events_of Kg {
            r sadd s a
            r spop s
        }]
        assert_equal {{s sadd} {s srem}} $ev
        assert_equal {{s del}} $ev2
    }

    # ------------------------------------------------------------ encodings
    test {Sets of integers are intset, others hashtable; TYPE is set for both} {
        r flushdb
        r sadd i 1 2 -3 9223372036854775807 -9223372036854775808
        assert_equal intset [r object encoding i]
        r sadd h a
        assert_equal hashtable [r object encoding h]
        assert_equal set [r type i]
        assert_equal set [r type h]
    }

    test {Only canonical 64-bit integers keep a set intset} {
        foreach m {9223372036854775808 -9223372036854775809 01 -0 +1 " 1" "1 " 1.0 "" 0x1} {
            r del s
            r sadd s 1 $m
            assert_equal hashtable [r object encoding s] "member '$m'"
            assert_equal 1 [r sismember s $m] "member '$m'"
        }
    }

    test {Adding a non-integer converts an intset; removing it does not convert back} {
        r flushdb
        r sadd s 1 2 3
        assert_equal intset [r object encoding s]
        r sadd s abc
        assert_equal hashtable [r object encoding s]
        r srem s abc
        assert_equal hashtable [r object encoding s]
        assert_equal {1 2 3} [lsort [r smembers s]]
    }

    test {set-max-intset-entries: default 512, more members make a hashtable} {
        r flushdb
        assert_equal {set-max-intset-entries 512} [r config get set-max-intset-entries]
        for {set i 0} {$i < 512} {incr i} { r sadd s $i }
        assert_equal intset [r object encoding s]
        r sadd s 512
        assert_equal hashtable [r object encoding s]
        with_config {set-max-intset-entries 3} {
            r sadd t 1 2 3
            assert_equal intset [r object encoding t]
            r sadd t 4
            assert_equal hashtable [r object encoding t]
        }
    }

    test {Redis 7.0 sets have no listpack encoding} {
        assert_equal {} [r config get set-max-listpack-entries]
        assert_error_equal "ERR Unknown option or number of arguments for CONFIG SET - 'set-max-listpack-entries'" \
            {r config set set-max-listpack-entries 128}
    }

    test {The result of a STORE command is intset when it holds only integers} {
        r flushdb
        r sadd i 1 2 3
        r sadd m 2 3 x
        r sinterstore d1 i m
        assert_equal intset [r object encoding d1]
        r sunionstore d2 i m
        assert_equal hashtable [r object encoding d2]
        r sdiffstore d3 m i
        assert_equal hashtable [r object encoding d3]
        r sunionstore d4 i
        assert_equal intset [r object encoding d4]
    }

    test {Sets of both encodings answer every command the same way} {
        r flushdb
        with_config {set-max-intset-entries 0} {
            r sadd big 1 2 3
        }
        r sadd small 1 2 3
        assert_equal intset [r object encoding small]
        assert_equal hashtable [r object encoding big]
        assert_equal {1 2 3} [lsort [r sinter small big]]
        assert_equal {1 2 3} [lsort [r sinter big small]]
        assert_equal {} [r sdiff small big]
        assert_equal {} [r sdiff big small]
        foreach s {small big} {
            assert_equal {1 2 3} [lsort [r smembers $s]] $s
            assert_equal {1 0} [r smismember $s 2 9] $s
            assert_equal 3 [r scard $s] $s
            assert_equal 3 [llength [r srandmember $s 10]] $s
            assert_equal {1 2 3} [lsort [coll_scan_all sscan $s 1]] $s
            assert_equal {1 2 3} [lsort [r sunion $s nokey]] $s
            assert_equal 1 [r srem $s 1] $s
            assert_equal 2 [llength [r spop $s 2]] $s
            assert_equal 0 [r exists $s] $s
        }
    }
}

start_server {tags {set needs:own-server}} {
    r null_value (nil)

    test {DEBUG RELOAD keeps sets, their members and encodings} {
        r flushall
        r sadd ints 1 2 3 -9223372036854775808
        r sadd strs a "" "\x00\xff\r\n"
        for {set i 0} {$i < 600} {incr i} { r sadd many $i }
        set before [list [lsort [r smembers ints]] [lsort [r smembers strs]] \
                        [lsort [r smembers many]]]
        assert_equal OK [r debug reload]
        assert_equal $before [list [lsort [r smembers ints]] [lsort [r smembers strs]] \
                                  [lsort [r smembers many]]]
        assert_equal intset [r object encoding ints]
        assert_equal hashtable [r object encoding strs]
        assert_equal hashtable [r object encoding many]
        assert_equal set [r type many]
    }

    test {DEBUG RELOAD stores a set of integers back as intset} {
        r flushall
        r sadd s 1 2 x
        r srem s x
        assert_equal hashtable [r object encoding s]
        r debug reload
        assert_equal intset [r object encoding s]
        assert_equal {1 2} [lsort [r smembers s]]
    }
}
