# List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (with a count) LLEN
# LINDEX LRANGE LSET LINSERT LREM LTRIM LPOS (RANK COUNT MAXLEN) LMOVE
# RPOPLPUSH LMPOP; their RESP2 and RESP3 reply forms (the null replies
# differ), every error (arity, WRONGTYPE both ways, index and option
# errors in Redis's words), negative and out-of-range indexes, binary, empty
# and 1 MB elements, lists of 10,000+ elements, the rule that an emptied
# list is deleted, LMOVE onto the same key (a rotation) and onto a key of
# another type, TYPE and OBJECT ENCODING (Redis 7.0 calls every list
# "quicklist"), CONFIG of list-max-listpack-size (alias
# list-max-ziplist-size) and list-compress-depth, keyspace events of class
# l in Redis's order, keymiss, WATCH, client tracking, MULTI/EXEC, expiry,
# and a seeded random walk of a few thousand operations checked against a
# Tcl model.
#
# Checked against a real redis-server 7.0.15, both ways:
#   redis-server --port P --save '' --appendonly no &
#   tests/runtest --host 127.0.0.1 --port P --single unit/list
#   tests/runtest --server /usr/bin/redis-server --single unit/list
# Nothing here is redis-kv-only.  The DEBUG RELOAD test is in its own
# block tagged needs:own-server (skipped with --host/--port); restarts,
# kill -9 and compaction are in list_durability.tcl.  Blocking commands
# (BLPOP ...) and SORT have their own files.

# ------------------------------------------------------------------ helpers

set ::list_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

# The RESP2 bytes of an array of bulk strings.
proc lt_resp_array {items} {
    set out "*[llength $items]\r\n"
    foreach i $items { append out [resp_bulk $i] }
    return $out
}

# Builds the list KEY afresh from the elements ITEMS (head first).
proc lt_make {key items} {
    r del $key
    if {[llength $items]} { r rpush $key {*}$items }
}

# LPOS on the Tcl list L: the indexes of the matches of V for RANK,
# COUNT (0: all) and MAXLEN (0: no limit).
proc lt_model_lpos {l v rank count maxlen} {
    set len [llength $l]
    set out {}
    set skip [expr {abs($rank) - 1}]
    for {set n 0} {$n < $len} {incr n} {
        if {$maxlen && $n >= $maxlen} break
        set i [expr {$rank > 0 ? $n : $len - 1 - $n}]
        if {[lindex $l $i] ne $v} continue
        if {$skip > 0} { incr skip -1 ; continue }
        lappend out $i
        if {$count && [llength $out] == $count} break
    }
    return $out
}

start_server {tags {list}} {
    r null_value (nil)

    # ------------------------------------------------------- LPUSH / RPUSH
    test {LPUSH and RPUSH create a list and reply its new length} {
        r del l
        assert_equal 1 [r rpush l b]
        assert_equal list [r type l]
        assert_equal 1 [r exists l]
        assert_equal 2 [r lpush l a]
        assert_equal 3 [r rpush l c]
        assert_equal {a b c} [r lrange l 0 -1]
        assert_equal ":4\r\n" [raw_reply rpush l d]
        assert_equal ":5\r\n" [raw_reply3 lpush l z]
        assert_equal {z a b c d} [r lrange l 0 -1]
    }

    test {LPUSH of several values pushes them one by one (the last ends up first)} {
        r del l
        assert_equal 3 [r lpush l a b c]
        assert_equal {c b a} [r lrange l 0 -1]
        assert_equal 6 [r rpush l x y z]
        assert_equal {c b a x y z} [r lrange l 0 -1]
        assert_equal 8 [r lpush l 1 2]
        assert_equal {2 1 c b a x y z} [r lrange l 0 -1]
    }

    test {A list keeps duplicates, empty strings and the exact bytes of numbers} {
        r del l
        set vals [list a a "" "" 0 -0 007 +1 1.0 " 1" 9223372036854775808 a]
        assert_equal [llength $vals] [r rpush l {*}$vals]
        assert_equal $vals [r lrange l 0 -1]
        assert_equal [resp_bulk ""] [raw_reply lindex l 2]
        assert_equal 007 [r lindex l 6]
    }

    test {LPUSH and RPUSH with 1000 values in one command} {
        r del l
        set vals {}
        for {set i 0} {$i < 1000} {incr i} { lappend vals v$i }
        assert_equal 1000 [r rpush l {*}$vals]
        assert_equal 2000 [r lpush l {*}$vals]
        assert_equal [concat [lreverse $vals] $vals] [r lrange l 0 -1]
    }

    test {LPUSH and RPUSH arity} {
        assert_arity_error lpush {} {l}
        assert_arity_error rpush {} {l}
    }

    # ----------------------------------------------------- LPUSHX / RPUSHX
    test {LPUSHX and RPUSHX push only onto an existing list} {
        r del l nokey
        assert_equal 0 [r lpushx nokey a]
        assert_equal 0 [r rpushx nokey a b]
        assert_equal 0 [r exists nokey]
        assert_equal ":0\r\n" [raw_reply lpushx nokey a]
        r rpush l m
        assert_equal 2 [r lpushx l b]
        assert_equal 3 [r rpushx l n]
        assert_equal 5 [r lpushx l x a]
        assert_equal 7 [r rpushx l y z]
        assert_equal {a x b m n y z} [r lrange l 0 -1]
        assert_equal ":8\r\n" [raw_reply3 rpushx l end]
    }

    test {LPUSHX and RPUSHX arity and WRONGTYPE} {
        assert_arity_error lpushx {} {l}
        assert_arity_error rpushx {} {l}
        r del s
        r set s v
        assert_error_equal $::list_wrongtype {r lpushx s a}
        assert_error_equal $::list_wrongtype {r rpushx s a}
        assert_equal v [r get s]
    }

    # ------------------------------------------------------- LPOP / RPOP
    test {LPOP and RPOP without a count pop one element as a bulk string} {
        lt_make l {a b c d}
        assert_equal a [r lpop l]
        assert_equal d [r rpop l]
        assert_equal [resp_bulk b] [raw_reply lpop l]
        assert_equal [resp_bulk c] [raw_reply3 rpop l]
        assert_equal 0 [r exists l]
    }

    test {LPOP and RPOP of a missing key: nil (RESP2 $-1, RESP3 _)} {
        r del nokey
        assert_equal (nil) [r lpop nokey]
        assert_equal (nil) [r rpop nokey]
        assert_equal "\$-1\r\n" [raw_reply lpop nokey]
        assert_equal "\$-1\r\n" [raw_reply rpop nokey]
        assert_equal "_\r\n" [raw_reply3 lpop nokey]
        assert_equal "_\r\n" [raw_reply3 rpop nokey]
    }

    test {LPOP and RPOP with a count reply an array, in pop order} {
        lt_make l {a b c d e f g}
        assert_equal {a b} [r lpop l 2]
        assert_equal {g f e} [r rpop l 3]
        assert_equal {c d} [r lrange l 0 -1]
        assert_equal [lt_resp_array {c}] [raw_reply lpop l 1]
        assert_equal [lt_resp_array {d}] [raw_reply3 rpop l 1]
        assert_equal 0 [r exists l]
    }

    test {LPOP and RPOP with a count larger than the list pop it all and delete the key} {
        lt_make l {a b c}
        assert_equal {a b c} [r lpop l 10]
        assert_equal 0 [r exists l]
        lt_make l {a b c}
        assert_equal {c b a} [r rpop l 9223372036854775807]
        assert_equal 0 [r exists l]
    }

    test {LPOP and RPOP with a count on a missing key: a null array (RESP2 *-1, RESP3 _)} {
        r del nokey
        assert_equal (nil) [r lpop nokey 2]
        assert_equal "*-1\r\n" [raw_reply lpop nokey 1]
        assert_equal "*-1\r\n" [raw_reply rpop nokey 5]
        assert_equal "_\r\n" [raw_reply3 lpop nokey 1]
        assert_equal "_\r\n" [raw_reply3 rpop nokey 5]
    }

    test {LPOP key 0: an empty array on a list, a null array on a missing key} {
        lt_make l {a b}
        r del nokey
        assert_equal {} [r lpop l 0]
        assert_equal "*0\r\n" [raw_reply lpop l 0]
        assert_equal "*0\r\n" [raw_reply3 rpop l 0]
        assert_equal {a b} [r lrange l 0 -1]
        assert_equal "*-1\r\n" [raw_reply lpop nokey 0]
        assert_equal "*-1\r\n" [raw_reply rpop nokey 0]
        assert_equal "_\r\n" [raw_reply3 lpop nokey 0]
        assert_equal 0 [r exists nokey]
    }

    test {LPOP and RPOP: a negative or non-integer count is refused, nothing popped} {
        lt_make l {a b}
        foreach bad {-1 -100 abc 1.5 "" " 1" +1 01 9223372036854775808} {
            assert_error_equal "ERR value is out of range, must be positive" \
                {r lpop l $bad} "count '$bad'"
            assert_error_equal "ERR value is out of range, must be positive" \
                {r rpop l $bad} "count '$bad'"
        }
        assert_equal {a b} [r lrange l 0 -1]
        r del nokey
        assert_error_equal "ERR value is out of range, must be positive" {r lpop nokey -1}
    }

    test {LPOP and RPOP arity} {
        assert_arity_error lpop {} {l 1 2}
        assert_arity_error rpop {} {l 1 2}
    }

    # ---------------------------------------------------------------- LLEN
    test {LLEN counts the elements; 0 for a missing key} {
        r del l nokey
        assert_equal 0 [r llen nokey]
        assert_equal ":0\r\n" [raw_reply3 llen nokey]
        r rpush l a b c
        assert_equal 3 [r llen l]
        r lpop l
        assert_equal 2 [r llen l]
        assert_equal ":2\r\n" [raw_reply llen l]
        assert_arity_error llen {} {l x}
    }

    # -------------------------------------------------------------- LINDEX
    test {LINDEX with positive and negative indexes} {
        lt_make l {a b c d}
        assert_equal {a b c d} [list [r lindex l 0] [r lindex l 1] [r lindex l 2] [r lindex l 3]]
        assert_equal {d c b a} [list [r lindex l -1] [r lindex l -2] [r lindex l -3] [r lindex l -4]]
        assert_equal [resp_bulk c] [raw_reply3 lindex l -2]
    }

    test {LINDEX out of range or on a missing key is nil (RESP2 $-1, RESP3 _)} {
        lt_make l {a b c d}
        r del nokey
        foreach i {4 5 100 -5 -100 9223372036854775807 -9223372036854775808} {
            assert_equal (nil) [r lindex l $i] "index $i"
        }
        assert_equal (nil) [r lindex nokey 0]
        assert_equal "\$-1\r\n" [raw_reply lindex l 4]
        assert_equal "\$-1\r\n" [raw_reply lindex nokey 0]
        assert_equal "_\r\n" [raw_reply3 lindex l -5]
        assert_equal "_\r\n" [raw_reply3 lindex nokey 0]
    }

    test {LINDEX: an index that is not an integer} {
        lt_make l {a b}
        foreach bad {abc 1.5 "" " 1" 1x -0 +1 01 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r lindex l $bad} "index '$bad'"
        }
        assert_arity_error lindex {} {l} {l 0 1}
    }

    # -------------------------------------------------------------- LRANGE
    test {LRANGE with positive, negative and mixed indexes} {
        lt_make l {0 1 2 3 4 5 6 7 8 9}
        assert_equal {0 1 2 3 4 5 6 7 8 9} [r lrange l 0 -1]
        assert_equal {2 3 4} [r lrange l 2 4]
        assert_equal {7 8 9} [r lrange l -3 -1]
        assert_equal {3 4 5 6} [r lrange l 3 -4]
        assert_equal {6 7} [r lrange l -4 7]
        assert_equal {5} [r lrange l 5 5]
        assert_equal {9} [r lrange l -1 -1]
        assert_equal [lt_resp_array {1 2}] [raw_reply lrange l 1 2]
        assert_equal [lt_resp_array {1 2}] [raw_reply3 lrange l 1 2]
    }

    test {LRANGE clamps indexes out of range; start after end is empty} {
        lt_make l {0 1 2 3 4 5 6 7 8 9}
        assert_equal {0 1 2} [r lrange l -100 2]
        assert_equal {8 9} [r lrange l 8 100]
        assert_equal {0 1 2 3 4 5 6 7 8 9} [r lrange l -100 100]
        assert_equal {0 1 2 3 4 5 6 7 8 9} [r lrange l -9223372036854775808 9223372036854775807]
        assert_equal {} [r lrange l 5 4]
        assert_equal {} [r lrange l -1 -2]
        assert_equal {} [r lrange l 10 20]
        assert_equal {} [r lrange l 100 -1]
        assert_equal {} [r lrange l -100 -50]
        assert_equal {} [r lrange l 3 -9]
        assert_equal {0} [r lrange l -100 -10]
        assert_equal {} [r lrange l -100 -11]
        assert_equal "*0\r\n" [raw_reply lrange l 5 4]
        assert_equal "*0\r\n" [raw_reply3 lrange l 10 20]
    }

    test {LRANGE of a missing key is an empty array (RESP2 and RESP3)} {
        r del nokey
        assert_equal {} [r lrange nokey 0 -1]
        assert_equal "*0\r\n" [raw_reply lrange nokey 0 -1]
        assert_equal "*0\r\n" [raw_reply3 lrange nokey 0 -1]
    }

    test {LRANGE: indexes that are not integers} {
        lt_make l {a b}
        foreach {s e} {a 1 0 b 1.0 2 0 "" "" -1 " 0" 1 0 9223372036854775808 -0 1 0 +1 01 2} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r lrange l $s $e} "lrange '$s' '$e'"
        }
        r del nokey
        assert_error_equal "ERR value is not an integer or out of range" {r lrange nokey x 1}
        assert_arity_error lrange {} {l} {l 0} {l 0 1 2}
    }

    # ---------------------------------------------------------------- LSET
    test {LSET replaces an element by index, negative from the end} {
        lt_make l {a b c}
        assert_equal OK [r lset l 0 A]
        assert_equal OK [r lset l -1 C]
        assert_equal OK [r lset l 1 ""]
        assert_equal {A {} C} [r lrange l 0 -1]
        assert_equal "+OK\r\n" [raw_reply lset l -3 x]
        assert_equal "+OK\r\n" [raw_reply3 lset l 2 y]
        assert_equal {x {} y} [r lrange l 0 -1]
        assert_equal 3 [r llen l]
    }

    test {LSET out of range: "ERR index out of range", nothing changed} {
        lt_make l {a b c}
        foreach i {3 4 -4 100 -100 9223372036854775807 -9223372036854775808} {
            assert_error_equal "ERR index out of range" {r lset l $i x} "index $i"
        }
        assert_equal {a b c} [r lrange l 0 -1]
    }

    test {LSET on a missing key: "ERR no such key" (before the index is parsed)} {
        r del nokey
        assert_error_equal "ERR no such key" {r lset nokey 0 x}
        assert_error_equal "ERR no such key" {r lset nokey -1 x}
        assert_error_equal "ERR no such key" {r lset nokey abc x}
        assert_equal 0 [r exists nokey]
    }

    test {LSET: an index that is not an integer; arity} {
        lt_make l {a b}
        foreach bad {abc 1.5 "" " 0" -0 +1 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r lset l $bad x} "index '$bad'"
        }
        assert_equal {a b} [r lrange l 0 -1]
        assert_arity_error lset {} {l} {l 0} {l 0 x y}
    }

    # ------------------------------------------------------------- LINSERT
    test {LINSERT BEFORE and AFTER the first occurrence of the pivot} {
        lt_make l {a b c b}
        assert_equal 5 [r linsert l before b X]
        assert_equal {a X b c b} [r lrange l 0 -1]
        assert_equal 6 [r linsert l after b Y]
        assert_equal {a X b Y c b} [r lrange l 0 -1]
        # BEFORE and AFTER in any case; before the head it becomes the head.
        assert_equal 7 [r linsert l BEFORE a first]
        assert_equal 8 [r linsert l aFtEr b last]
        assert_equal {first a X b last Y c b} [r lrange l 0 -1]
        # After the last element (a unique pivot): it becomes the tail.
        r rpush l end
        assert_equal 10 [r linsert l after end tail]
        assert_equal {end tail} [r lrange l -2 -1]
        assert_equal ":11\r\n" [raw_reply linsert l before tail t]
        assert_equal ":12\r\n" [raw_reply3 linsert l before tail t]
    }

    test {LINSERT: pivot missing -1, key missing 0 (and no key created)} {
        lt_make l {a b}
        r del nokey
        assert_equal -1 [r linsert l before zz x]
        assert_equal ":-1\r\n" [raw_reply linsert l after zz x]
        assert_equal {a b} [r lrange l 0 -1]
        assert_equal 0 [r linsert nokey before a x]
        assert_equal ":0\r\n" [raw_reply3 linsert nokey after a x]
        assert_equal 0 [r exists nokey]
    }

    test {LINSERT compares the pivot byte for byte} {
        lt_make l {abc ABC "abc " "\x00"}
        assert_equal -1 [r linsert l before Abc x]
        assert_equal -1 [r linsert l before ab x]
        assert_equal 5 [r linsert l after "\x00" nul]
        assert_equal 6 [r linsert l before "abc " sp]
        assert_equal [list abc ABC sp "abc " "\x00" nul] [r lrange l 0 -1]
    }

    test {LINSERT: where must be BEFORE or AFTER ("ERR syntax error"); arity} {
        lt_make l {a b}
        r del nokey
        foreach bad {middle befor "" afterr 0} {
            assert_error_equal "ERR syntax error" {r linsert l $bad a x} "where '$bad'"
        }
        assert_error_equal "ERR syntax error" {r linsert nokey middle a x}
        assert_equal {a b} [r lrange l 0 -1]
        assert_arity_error linsert {} {l} {l before} {l before a} {l before a x y}
    }

    # ---------------------------------------------------------------- LREM
    test {LREM with a positive count removes from the head} {
        lt_make l {a x b x c x d x}
        assert_equal 2 [r lrem l 2 x]
        assert_equal {a b c x d x} [r lrange l 0 -1]
        assert_equal 2 [r lrem l 100 x]
        assert_equal {a b c d} [r lrange l 0 -1]
    }

    test {LREM with a negative count removes from the tail} {
        lt_make l {a x b x c x d x}
        assert_equal 3 [r lrem l -3 x]
        assert_equal {a x b c d} [r lrange l 0 -1]
        assert_equal 1 [r lrem l -1 x]
        assert_equal {a b c d} [r lrange l 0 -1]
    }

    test {LREM with count 0 removes every occurrence} {
        lt_make l {x a x x b x}
        assert_equal 4 [r lrem l 0 x]
        assert_equal {a b} [r lrange l 0 -1]
        assert_equal ":0\r\n" [raw_reply lrem l 0 x]
        assert_equal ":1\r\n" [raw_reply3 lrem l 0 a]
    }

    test {LREM of nothing, of a missing key, and of every element (the key is deleted)} {
        lt_make l {a a a}
        r del nokey
        assert_equal 0 [r lrem l 0 b]
        assert_equal 0 [r lrem l 1 A]
        assert_equal 0 [r lrem nokey 0 a]
        assert_equal 0 [r exists nokey]
        assert_equal 3 [r lrem l -5 a]
        assert_equal 0 [r exists l]
        assert_equal none [r type l]
    }

    test {LREM: a count that is not an integer; arity} {
        lt_make l {a b}
        foreach bad {abc 1.5 "" " 1" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r lrem l $bad a} "count '$bad'"
        }
        assert_equal {a b} [r lrange l 0 -1]
        assert_arity_error lrem {} {l} {l 0} {l 0 a b}
    }

    # --------------------------------------------------------------- LTRIM
    test {LTRIM keeps the range, with the same index rules as LRANGE} {
        foreach {s e} {0 -1 0 0 2 4 -3 -1 3 -4 -100 2 8 100 -100 100 5 5 -1 -1} {
            lt_make l {0 1 2 3 4 5 6 7 8 9}
            set want [r lrange l $s $e]
            assert_equal OK [r ltrim l $s $e]
            assert_equal $want [r lrange l 0 -1] "ltrim $s $e"
        }
        assert_equal "+OK\r\n" [raw_reply ltrim l 0 -1]
        assert_equal "+OK\r\n" [raw_reply3 ltrim l 0 -1]
    }

    test {LTRIM to an empty range deletes the list} {
        foreach {s e} {5 4 -1 -2 10 20 100 -1 -100 -50 3 -9} {
            lt_make l {0 1 2 3 4 5 6 7 8 9}
            assert_equal OK [r ltrim l $s $e]
            assert_equal 0 [r exists l] "ltrim $s $e"
        }
    }

    test {LTRIM of a missing key is OK and creates nothing} {
        r del nokey
        assert_equal OK [r ltrim nokey 0 1]
        assert_equal 0 [r exists nokey]
    }

    test {LTRIM: indexes that are not integers; arity} {
        lt_make l {a b}
        foreach {s e} {a 1 0 b 1.0 2 "" 0 0 9223372036854775808 -0 -1 0 +1} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r ltrim l $s $e} "ltrim '$s' '$e'"
        }
        assert_equal {a b} [r lrange l 0 -1]
        assert_arity_error ltrim {} {l} {l 0} {l 0 1 2}
    }

    # ---------------------------------------------------------------- LPOS
    test {LPOS finds the first match; nil when there is none} {
        lt_make l {a b c 1 2 3 c c}
        assert_equal 2 [r lpos l c]
        assert_equal 0 [r lpos l a]
        assert_equal 4 [r lpos l 2]
        assert_equal (nil) [r lpos l x]
        assert_equal ":2\r\n" [raw_reply lpos l c]
        assert_equal "\$-1\r\n" [raw_reply lpos l x]
        assert_equal "_\r\n" [raw_reply3 lpos l x]
    }

    test {LPOS RANK: the Nth match, negative from the tail} {
        lt_make l {a b c 1 2 3 c c}
        assert_equal 2 [r lpos l c rank 1]
        assert_equal 6 [r lpos l c rank 2]
        assert_equal 7 [r lpos l c rank 3]
        assert_equal (nil) [r lpos l c rank 4]
        assert_equal 7 [r lpos l c rank -1]
        assert_equal 6 [r lpos l c rank -2]
        assert_equal 2 [r lpos l c rank -3]
        assert_equal (nil) [r lpos l c rank -4]
        assert_equal 0 [r lpos l a rank -1]
    }

    test {LPOS COUNT: an array of matches, COUNT 0 for all of them} {
        lt_make l {a b c 1 2 3 c c}
        assert_equal {2 6} [r lpos l c count 2]
        assert_equal {2 6 7} [r lpos l c count 0]
        assert_equal {2 6 7} [r lpos l c count 100]
        assert_equal {2} [r lpos l c count 1]
        assert_equal {6 7} [r lpos l c rank 2 count 0]
        assert_equal {7 6} [r lpos l c rank -1 count 2]
        assert_equal {6 2} [r lpos l c rank -2 count 0]
        assert_equal {} [r lpos l x count 0]
        assert_equal {} [r lpos l c rank 4 count 0]
        assert_equal "*2\r\n:2\r\n:6\r\n" [raw_reply lpos l c count 2]
        assert_equal "*2\r\n:2\r\n:6\r\n" [raw_reply3 lpos l c count 2]
        assert_equal "*0\r\n" [raw_reply lpos l x count 1]
        assert_equal "*0\r\n" [raw_reply3 lpos l x count 1]
    }

    test {LPOS MAXLEN: compare at most that many elements (0: all)} {
        lt_make l {a b c 1 2 3 c c}
        assert_equal (nil) [r lpos l c maxlen 2]
        assert_equal 2 [r lpos l c maxlen 3]
        assert_equal 2 [r lpos l c maxlen 0]
        assert_equal {2} [r lpos l c count 0 maxlen 6]
        assert_equal {2 6} [r lpos l c count 0 maxlen 7]
        assert_equal {7 6} [r lpos l c rank -1 count 0 maxlen 2]
        assert_equal {} [r lpos l a rank -1 count 0 maxlen 7]
        assert_equal {0} [r lpos l a rank -1 count 0 maxlen 8]
        assert_equal (nil) [r lpos l c rank 2 maxlen 6]
        assert_equal 6 [r lpos l c rank 2 maxlen 7]
        # Options may come in any order and any case.
        assert_equal {7 6} [r lpos l c MAXLEN 0 COUNT 2 Rank -1]
    }

    test {LPOS: an option given twice counts with its last value} {
        lt_make l {a b c a}
        assert_equal 0 [r lpos l a rank 2 rank 1]
        assert_equal {0 3} [r lpos l a count 1 count 0]
        assert_equal 0 [r lpos l a maxlen 1 maxlen 0]
        assert_equal (nil) [r lpos l c maxlen 0 maxlen 2]
    }

    test {LPOS of a missing key: nil, or an empty array with COUNT} {
        r del nokey
        assert_equal (nil) [r lpos nokey a]
        assert_equal "\$-1\r\n" [raw_reply lpos nokey a]
        assert_equal "_\r\n" [raw_reply3 lpos nokey a]
        assert_equal "*0\r\n" [raw_reply lpos nokey a count 2]
        assert_equal "*0\r\n" [raw_reply3 lpos nokey a count 0]
    }

    test {LPOS errors: RANK 0, negative COUNT and MAXLEN, non-integers, syntax} {
        lt_make l {a b c}
        assert_error_equal "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list" \
            {r lpos l a rank 0}
        assert_error_equal "ERR COUNT can't be negative" {r lpos l a count -1}
        assert_error_equal "ERR MAXLEN can't be negative" {r lpos l a maxlen -1}
        # RANK that is not an integer gets the usual error; COUNT and
        # MAXLEN get their "can't be negative" error (Redis 7.0's words).
        foreach bad {abc 1.5 "" 9223372036854775808} {
            assert_error_equal "ERR value is not an integer or out of range" \
                {r lpos l a rank $bad} "rank '$bad'"
            assert_error_equal "ERR COUNT can't be negative" \
                {r lpos l a count $bad} "count '$bad'"
            assert_error_equal "ERR MAXLEN can't be negative" \
                {r lpos l a maxlen $bad} "maxlen '$bad'"
        }
        assert_error_equal "ERR syntax error" {r lpos l a rank}
        assert_error_equal "ERR syntax error" {r lpos l a count}
        assert_error_equal "ERR syntax error" {r lpos l a foo 1}
        assert_error_equal "ERR syntax error" {r lpos l a count 1 maxlen}
        # The options are checked even when the key is missing.
        r del nokey
        assert_error_equal "ERR COUNT can't be negative" {r lpos nokey a count -1}
        assert_error_equal "ERR syntax error" {r lpos nokey a foo 1}
        assert_arity_error lpos {} {l}
    }

    # ---------------------------------------------------------------- LMOVE
    test {LMOVE in all four directions} {
        lt_make src {a b c d}
        lt_make dst {x y}
        assert_equal a [r lmove src dst left left]
        assert_equal {a x y} [r lrange dst 0 -1]
        assert_equal b [r lmove src dst LEFT RIGHT]
        assert_equal {a x y b} [r lrange dst 0 -1]
        assert_equal d [r lmove src dst right left]
        assert_equal {d a x y b} [r lrange dst 0 -1]
        assert_equal c [r lmove src dst Right Right]
        assert_equal {d a x y b c} [r lrange dst 0 -1]
        assert_equal 0 [r exists src]
    }

    test {LMOVE creates the destination; the emptied source is deleted} {
        r del src dst
        r rpush src only
        assert_equal only [r lmove src dst left right]
        assert_equal {only} [r lrange dst 0 -1]
        assert_equal list [r type dst]
        assert_equal 0 [r exists src]
        assert_equal [resp_bulk only] [raw_reply lmove dst src right left]
        assert_equal [resp_bulk only] [raw_reply3 lmove src dst right left]
    }

    test {LMOVE with the same key as source and destination rotates the list} {
        lt_make l {a b c d}
        assert_equal a [r lmove l l left right]
        assert_equal {b c d a} [r lrange l 0 -1]
        assert_equal a [r lmove l l right left]
        assert_equal {a b c d} [r lrange l 0 -1]
        assert_equal a [r lmove l l left left]
        assert_equal {a b c d} [r lrange l 0 -1]
        assert_equal d [r lmove l l right right]
        assert_equal {a b c d} [r lrange l 0 -1]
        lt_make one {x}
        assert_equal x [r lmove one one left right]
        assert_equal {x} [r lrange one 0 -1]
        assert_equal 1 [r exists one]
    }

    test {LMOVE of a missing source is nil and touches nothing} {
        r del nokey dst
        r set str v
        assert_equal (nil) [r lmove nokey dst left right]
        assert_equal "\$-1\r\n" [raw_reply lmove nokey dst left right]
        assert_equal "_\r\n" [raw_reply3 lmove nokey dst right left]
        assert_equal 0 [r exists dst]
        # The destination's type is not looked at when there is nothing to move.
        assert_equal (nil) [r lmove nokey str left left]
        assert_equal v [r get str]
    }

    test {LMOVE to a destination of another type: WRONGTYPE, nothing changed} {
        lt_make src {a b}
        r del str h
        r set str v
        r hset h f v
        assert_error_equal $::list_wrongtype {r lmove src str left right}
        assert_error_equal $::list_wrongtype {r lmove src h right left}
        assert_equal {a b} [r lrange src 0 -1]
        assert_equal v [r get str]
        assert_equal {f v} [r hgetall h]
        assert_error_equal $::list_wrongtype {r lmove str src left right}
        assert_equal {a b} [r lrange src 0 -1]
    }

    test {LMOVE: directions must be LEFT or RIGHT; arity} {
        lt_make src {a}
        foreach {f t} {up left left down l r "" left} {
            assert_error_equal "ERR syntax error" {r lmove src dst $f $t} "lmove $f $t"
        }
        assert_equal {a} [r lrange src 0 -1]
        assert_arity_error lmove {} {src} {src dst} {src dst left} {src dst left right x}
    }

    # ------------------------------------------------------------ RPOPLPUSH
    test {RPOPLPUSH moves the tail of the source to the head of the destination} {
        lt_make src {a b c}
        lt_make dst {x}
        assert_equal c [r rpoplpush src dst]
        assert_equal b [r rpoplpush src dst]
        assert_equal {b c x} [r lrange dst 0 -1]
        assert_equal [resp_bulk a] [raw_reply rpoplpush src dst]
        assert_equal 0 [r exists src]
        assert_equal {a b c x} [r lrange dst 0 -1]
    }

    test {RPOPLPUSH on one key rotates the list; a missing source is nil} {
        lt_make l {a b c}
        assert_equal c [r rpoplpush l l]
        assert_equal {c a b} [r lrange l 0 -1]
        r del nokey
        assert_equal (nil) [r rpoplpush nokey l]
        assert_equal "\$-1\r\n" [raw_reply rpoplpush nokey l]
        assert_equal "_\r\n" [raw_reply3 rpoplpush nokey l]
        assert_equal {c a b} [r lrange l 0 -1]
    }

    test {RPOPLPUSH: WRONGTYPE on either key, nothing changed; arity} {
        lt_make l {a b}
        r del str
        r set str v
        assert_error_equal $::list_wrongtype {r rpoplpush l str}
        assert_error_equal $::list_wrongtype {r rpoplpush str l}
        assert_equal {a b} [r lrange l 0 -1]
        assert_equal v [r get str]
        assert_arity_error rpoplpush {} {l} {l l l}
    }

    # ---------------------------------------------------------------- LMPOP
    test {LMPOP pops from the first non-empty list of the keys} {
        r del a b c
        r rpush b 1 2 3
        r rpush c x
        assert_equal {b 1} [r lmpop 3 a b c left]
        assert_equal {b {3 2}} [r lmpop 3 a b c right count 2]
        assert_equal 0 [r exists b]
        assert_equal {c x} [r lmpop 3 a b c LEFT COUNT 10]
        assert_equal 0 [r exists c]
        assert_equal (nil) [r lmpop 3 a b c left]
    }

    test {LMPOP reply forms: [key, [values]] in RESP2 and RESP3, null when nothing} {
        r del a nokey
        r rpush a v1 v2
        set want "*2\r\n\$1\r\na\r\n*1\r\n\$2\r\nv1\r\n"
        assert_equal $want [raw_reply lmpop 1 a left]
        set want "*2\r\n\$1\r\na\r\n*1\r\n\$2\r\nv2\r\n"
        assert_equal $want [raw_reply3 lmpop 1 a left count 1]
        assert_equal "*-1\r\n" [raw_reply lmpop 2 nokey a left]
        assert_equal "_\r\n" [raw_reply3 lmpop 2 nokey a right count 3]
    }

    test {LMPOP with a key named twice, and with a count larger than the list} {
        r del a
        r rpush a 1 2
        assert_equal {a {1 2}} [r lmpop 2 a a left count 5]
        assert_equal 0 [r exists a]
    }

    test {LMPOP: WRONGTYPE when the first key that holds something is not a list} {
        r del nokey str l
        r set str v
        r rpush l a
        assert_error_equal $::list_wrongtype {r lmpop 2 str l left}
        assert_error_equal $::list_wrongtype {r lmpop 3 nokey str l left}
        # A list before it is popped and the later key never looked at.
        assert_equal {l a} [r lmpop 2 l str left]
        assert_equal v [r get str]
    }

    test {LMPOP errors: numkeys, direction, COUNT} {
        lt_make l {a b}
        foreach bad {0 -1 x 1.5 01 +1} {
            assert_error_equal "ERR numkeys should be greater than 0" \
                {r lmpop $bad l left} "numkeys '$bad'"
        }
        assert_error_equal "ERR syntax error" {r lmpop 2 l left}
        assert_error_equal "ERR syntax error" {r lmpop 9223372036854775807 l left}
        assert_error_equal "ERR syntax error" {r lmpop 1 l middle}
        assert_error_equal "ERR syntax error" {r lmpop 1 l left foo}
        assert_error_equal "ERR syntax error" {r lmpop 1 l left count}
        assert_error_equal "ERR syntax error" {r lmpop 1 l left count 1 count 2}
        foreach bad {0 -1} {
            assert_error_equal "ERR count should be greater than 0" \
                {r lmpop 1 l left count $bad} "count $bad"
        }
        assert_error_equal "ERR count should be greater than 0" {r lmpop 1 l left count x}
        assert_error_equal "ERR count should be greater than 0" {r lmpop 1 l left count +2}
        assert_equal {a b} [r lrange l 0 -1]
        assert_arity_error lmpop {} {1} {1 l}
    }

    # --------------------------------------------------- TYPE and encodings
    test {TYPE is list; OBJECT ENCODING is quicklist for every list} {
        r del l big nokey
        r rpush l a
        assert_equal list [r type l]
        assert_equal "+list\r\n" [raw_reply type l]
        assert_equal quicklist [r object encoding l]
        set vals {}
        for {set i 0} {$i < 1000} {incr i} { lappend vals $i }
        r rpush big {*}$vals [string repeat x 10000]
        assert_equal quicklist [r object encoding big]
        assert_equal (nil) [r object encoding nokey]
        with_config {list-max-listpack-size 1 list-compress-depth 1} {
            r rpush l b c d
            assert_equal quicklist [r object encoding l]
        }
    }

    test {list-max-listpack-size (alias list-max-ziplist-size) and list-compress-depth} {
        assert_equal {list-max-listpack-size -2} [r config get list-max-listpack-size]
        assert_equal {list-max-ziplist-size -2} [r config get list-max-ziplist-size]
        assert_equal {list-compress-depth 0} [r config get list-compress-depth]
        set d [r config get list-*]
        assert_equal {list-compress-depth list-max-listpack-size list-max-ziplist-size} \
            [lsort [dict keys $d]]
        with_config {list-max-listpack-size -2 list-compress-depth 0} {
            assert_equal OK [r config set list-max-listpack-size 5]
            assert_equal {list-max-ziplist-size 5} [r config get list-max-ziplist-size]
            assert_equal OK [r config set list-max-ziplist-size -5]
            assert_equal {list-max-listpack-size -5} [r config get list-max-listpack-size]
            foreach v {0 -1 -6 100000 2147483647 -2147483648} {
                assert_equal OK [r config set list-max-listpack-size $v]
                assert_equal [list list-max-listpack-size $v] [r config get list-max-listpack-size]
            }
            assert_equal OK [r config set list-compress-depth 3]
            assert_equal {list-compress-depth 3} [r config get list-compress-depth]
            assert_equal OK [r config set list-compress-depth 2147483647]
        }
        assert_equal {list-max-listpack-size -2} [r config get list-max-listpack-size]
    }

    test {CONFIG SET of the list parameters refuses values out of their range} {
        set pfx "ERR CONFIG SET failed (possibly related to argument"
        assert_error_equal "$pfx 'list-max-listpack-size') - argument couldn't be parsed into an integer" \
            {r config set list-max-listpack-size abc}
        assert_error_equal "$pfx 'list-max-listpack-size') - argument must be between -2147483648 and 2147483647 inclusive" \
            {r config set list-max-listpack-size 2147483648}
        assert_error_equal "$pfx 'list-compress-depth') - argument must be between 0 and 2147483647 inclusive" \
            {r config set list-compress-depth -1}
        assert_error_equal "$pfx 'list-compress-depth') - argument must be between 0 and 2147483647 inclusive" \
            {r config set list-compress-depth 2147483648}
        assert_error_equal "$pfx 'list-compress-depth') - argument couldn't be parsed into an integer" \
            {r config set list-compress-depth x}
        assert_equal {list-max-listpack-size -2} [r config get list-max-listpack-size]
        assert_equal {list-compress-depth 0} [r config get list-compress-depth]
    }

    # ----------------------------------------------------------- WRONGTYPE
    test {Every list command on a string key is WRONGTYPE, nothing changed} {
        r del s d
        r set s v
        foreach cmd {
            {lpush s a} {rpush s a} {lpushx s a} {rpushx s a} {lpop s} {rpop s}
            {lpop s 2} {rpop s 0} {llen s} {lindex s 0} {lrange s 0 -1}
            {lset s 0 x} {linsert s before a x} {lrem s 0 a} {ltrim s 0 1}
            {lpos s a} {lpos s a count 0} {lmove s d left right} {rpoplpush s d}
            {lmpop 1 s left}
        } {
            assert_error_equal $::list_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal v [r get s]
        assert_equal 0 [r exists d]
    }

    test {List commands on a hash and a set are WRONGTYPE} {
        r del h st
        r hset h f v
        r sadd st m
        foreach k {h st} {
            foreach cmd {{lpush K a} {rpop K} {llen K} {lrange K 0 -1} {lindex K 0}
                         {lset K 0 x} {linsert K after a b} {lrem K 1 a} {ltrim K 0 0}
                         {lpos K a} {lmove K d left left} {lmpop 1 K right}} {
                set cmd [string map [list K $k] $cmd]
                assert_error_equal $::list_wrongtype {r {*}$cmd} $cmd
            }
        }
    }

    test {String, hash and set commands on a list key are WRONGTYPE} {
        lt_make l {a b}
        foreach cmd {
            {get l} {getset l x} {getdel l} {getex l} {incr l} {decrby l 1}
            {incrbyfloat l 1} {append l x} {strlen l} {getrange l 0 1}
            {setrange l 0 x} {setbit l 0 1} {bitcount l}
            {hset l f v} {hget l f} {hgetall l} {hlen l} {hdel l f}
            {sadd l a} {srem l a} {smembers l} {scard l} {sismember l a} {sinter l}
        } {
            assert_error_equal $::list_wrongtype {r {*}$cmd} $cmd
        }
        # MGET never fails: a key of another type reads as nil.
        assert_equal {(nil)} [r mget l]
        assert_equal {a b} [r lrange l 0 -1]
    }

    test {SET replaces a list; pushing onto the string is WRONGTYPE} {
        lt_make l {a b}
        assert_equal OK [r set l str]
        assert_equal string [r type l]
        assert_error_equal $::list_wrongtype {r rpush l x}
        r del l
        assert_equal 1 [r rpush l x]
        assert_equal {x} [r lrange l 0 -1]
    }

    # ------------------------------------------------- binary and big values
    test {Elements with every byte value, CR LF and NUL} {
        r del l
        set all [all_bytes]
        set odd "a\r\nb\x00c"
        r rpush l $all $odd "\x00" "\r\n"
        assert_equal [list $all $odd "\x00" "\r\n"] [r lrange l 0 -1]
        assert_equal $odd [r lindex l 1]
        assert_equal 1 [r lpos l $odd]
        assert_equal 3 [r lpos l "\r\n"]
        assert_equal (nil) [r lpos l "a\r\nb"]
        assert_equal 5 [r linsert l after "\x00" $all]
        assert_equal 2 [r lrem l 0 $all]
        assert_equal [list $odd "\x00" "\r\n"] [r lrange l 0 -1]
        assert_equal OK [r lset l 0 $all]
        assert_equal $all [r lpop l]
    }

    test {A 1 MB element through every command} {
        r del l dst
        set big [big_random_value 1048576]
        set big2 [big_random_value 1048576]
        assert_equal 3 [r rpush l small $big small2]
        assert_equal $big [r lindex l 1]
        assert_equal [list small $big small2] [r lrange l 0 -1]
        assert_equal 1 [r lpos l $big]
        assert_equal 4 [r linsert l before $big $big2]
        assert_equal [list small $big2 $big small2] [r lrange l 0 -1]
        assert_equal OK [r lset l 0 $big]
        assert_equal {0 2} [r lpos l $big count 0]
        assert_equal 1 [r lrem l 1 $big]
        assert_equal [list $big2 $big small2] [r lrange l 0 -1]
        assert_equal $big2 [r lmove l dst left right]
        assert_equal $big2 [r lindex dst 0]
        assert_equal [list $big small2] [r lpop l 2]
        assert_equal 0 [r exists l]
        assert_equal 2 [r lpushx dst $big]
        r del dst
    }

    test {A list of 10000 elements built by one RPUSH} {
        r del l
        set vals {}
        for {set i 0} {$i < 10000} {incr i} { lappend vals $i }
        assert_equal 10000 [r rpush l {*}$vals]
        assert_equal 10000 [r llen l]
        assert_equal $vals [r lrange l 0 -1]
        assert_equal {0 5000 9999 9999 9998} \
            [list [r lindex l 0] [r lindex l 5000] [r lindex l 9999] [r lindex l -1] [r lindex l -2]]
        assert_equal {5000 5001 5002} [r lrange l 5000 5002]
        assert_equal {9997 9998 9999} [r lrange l -3 -1]
        assert_equal 7777 [r lpos l 7777]
        assert_equal (nil) [r lpos l 7777 maxlen 7777]
        assert_equal 7777 [r lpos l 7777 maxlen 7778]
        assert_equal 7001 [r lpos l 7001 rank -1 maxlen 2999]
        assert_equal (nil) [r lpos l 7000 rank -1 maxlen 2999]
        # Changes in the middle.
        assert_equal OK [r lset l 5000 mid]
        assert_equal 10001 [r linsert l after mid mid2]
        assert_equal 1 [r lrem l 0 4000]
        set model [lreplace $vals 5000 5000 mid mid2]
        set model [lreplace $model 4000 4000]
        assert_equal $model [r lrange l 0 -1]
        assert_equal OK [r ltrim l 100 -101]
        assert_equal [lrange $model 100 end-100] [r lrange l 0 -1]
        assert_equal 9800 [r llen l]
        assert_equal [lrange $model 100 1099] [r lpop l 1000]
        assert_equal [lreverse [lrange $model end-1099 end-100]] [r rpop l 1000]
        assert_equal 7800 [r llen l]
        r del l
    }

    test {A list of 20000 elements built by pipelined LPUSH and RPUSH} {
        r del l
        set c [redis_client]
        set cmds {}
        for {set i 0} {$i < 10000} {incr i} {
            lappend cmds [list lpush l h$i] [list rpush l t$i]
        }
        set replies [pipeline_replies $c $cmds]
        $c close
        assert_equal 20000 [lindex $replies end]
        assert_equal 20000 [r llen l]
        assert_equal {h9999 h9998} [r lrange l 0 1]
        assert_equal {t9998 t9999} [r lrange l -2 -1]
        assert_equal {h0 t0} [r lrange l 9999 10000]
        assert_equal 10000 [r lpos l t0]
        assert_equal 9 [r lpos l h9990]
        r del l
    }

    # ----------------------------------------------------- emptied lists
    test {Every command that takes the last element deletes the key} {
        set ways {
            {lpop l} {rpop l} {lpop l 5} {rpop l 1} {lrem l 0 x} {lrem l -1 x}
            {ltrim l 1 0} {ltrim l 5 10} {lmove l other left right}
            {rpoplpush l other} {lmpop 1 l left} {lmpop 1 l right count 3}
        }
        foreach cmd $ways {
            r del l other
            r rpush l x
            r {*}$cmd
            assert_equal 0 [r exists l] $cmd
            assert_equal none [r type l] $cmd
            assert_equal 0 [r llen l] $cmd
            assert_equal {} [r lrange l 0 -1] $cmd
            # The key is free for any type.
            assert_equal OK [r set l s] $cmd
        }
        r del l other
    }

    test {A key emptied and pushed again is a new list} {
        r del l
        r rpush l a b
        r expire l 1000
        r lpop l 2
        assert_equal -2 [r ttl l]
        r rpush l c
        assert_equal -1 [r ttl l]
        assert_equal {c} [r lrange l 0 -1]
    }

    # ------------------------------------------------- keyspace commands
    test {RENAME, COPY and MOVE carry a whole list in its order} {
        r flushdb
        r rpush l a b c
        assert_equal 1 [r copy l l2]
        r rpush l2 d
        assert_equal {a b c} [r lrange l 0 -1]
        assert_equal {a b c d} [r lrange l2 0 -1]
        assert_equal OK [r rename l2 l3]
        assert_equal {a b c d} [r lrange l3 0 -1]
        assert_equal 0 [r exists l2]
        assert_equal 1 [r move l3 9]
        r select 9
        assert_equal {a b c d} [r lrange l3 0 -1]
        assert_equal list [r type l3]
        r flushdb
        r select 0
    }

    test {SCAN TYPE list returns only the lists} {
        r flushdb
        for {set i 0} {$i < 20} {incr i} {
            r rpush list$i a
            r set str$i v
            r hset hash$i f v
        }
        # A COUNT beyond the size of the keyspace: one call sees it all.
        lassign [r scan 0 type list count 1000] cursor keys
        assert_equal 0 $cursor
        set want {}
        for {set i 0} {$i < 20} {incr i} { lappend want list$i }
        assert_equal [lsort $want] [lsort $keys]
        r flushdb
    }

    # -------------------------------------------------------- notifications
    test {Keyspace events of the list commands, in Redis's order} {
        r flushdb
        set ev [keyspace_events_of Kgl {
            r lpush l a b
            r rpush l c d e
            r lpushx l z
            r rpushx l y
            r lpushx nokey a
            r lpop l
            r rpop l 2
            r lpop l 0
            r lset l 0 A
            catch {r lset l 100 x}
            r linsert l before A B
            r linsert l after nothere x
            r lrem l 1 B
            r lrem l 0 nothere
            r ltrim l 0 -1
            r ltrim nokey 0 1
            r lrange l 0 -1
            r lpos l A
            r lmove l d left right
            r rpoplpush l d
            r lmove d d left right
            r lmpop 2 nokey l left count 10
        }]
        set want {{l lpush} {l rpush} {l lpush} {l rpush} {l lpop} {l rpop}}
        lappend want {l lset} {l linsert} {l lrem} {l ltrim}
        # LMOVE and RPOPLPUSH: the push on the destination comes first.
        lappend want {d rpush} {l lpop} {d lpush} {l rpop} {d rpush} {d lpop}
        lappend want {l lpop} {l del}
        assert_equal $want $ev
    }

    test {Events of a list emptied by each command: the command's event, then del} {
        set cases {
            {lpop l} {{l lpop} {l del}}
            {rpop l 5} {{l rpop} {l del}}
            {lrem l 0 x} {{l lrem} {l del}}
            {ltrim l 1 0} {{l ltrim} {l del}}
            {lmove l d right left} {{d lpush} {l rpop} {l del}}
            {rpoplpush l d} {{d lpush} {l rpop} {l del}}
            {lmpop 1 l right} {{l rpop} {l del}}
        }
        foreach {cmd want} $cases {
            r flushdb
            r rpush l x
            set ev [keyspace_events_of Kgl { r {*}$cmd }]
            assert_equal $want $ev $cmd
        }
    }

    test {The class l has the list events; del of an emptied list is class g; new is n} {
        r flushdb
        set ev [keyspace_events_of Kl {
            r rpush l a
            r lpop l
        }]
        assert_equal {{l rpush} {l lpop}} $ev
        set ev [keyspace_events_of Kg {
            r rpush l a
            r lpop l
        }]
        assert_equal {{l del}} $ev
        set ev [keyspace_events_of Kln {
            r rpush l a
            r rpush l b
            r lmove l d left left
        }]
        assert_equal {{l new} {l rpush} {l rpush} {d new} {d lpush} {l lpop}} $ev
    }

    test {Keyevent channel names of the list events} {
        r flushdb
        r config set notify-keyspace-events El
        set rd [redis_deferring_client]
        $rd psubscribe __keyevent@0__:*
        $rd read
        r rpush l a b
        r linsert l before a x
        set out {}
        for {set i 0} {$i < 2} {incr i} {
            lappend out [lrange [$rd read] 2 3]
        }
        $rd close
        r config set notify-keyspace-events ""
        assert_equal {{__keyevent@0__:rpush l} {__keyevent@0__:linsert l}} $out
    }

    # ---------------------------------------------------------------- WATCH
    test {WATCH: every list write on the watched key aborts EXEC} {
        foreach cmd {
            {lpush k x} {rpush k x} {lpushx k x} {rpushx k x} {lpop k} {rpop k}
            {lpop k 2} {rpop k 10} {lset k 0 a} {lset k 1 b} {linsert k before a x}
            {lrem k 1 a} {lrem k 0 c} {ltrim k 1 -1} {ltrim k 0 -1} {ltrim k 5 1}
            {lmove k k left right} {lmove k other right left} {rpoplpush k other}
            {lmpop 1 k left} {del k}
        } {
            assert_equal 1 [watch_aborts {{rpush k a b c}} $cmd] $cmd
        }
    }

    test {WATCH: the destination of LMOVE and RPOPLPUSH is modified too} {
        assert_equal 1 [watch_aborts {{rpush k a} {rpush src x}} {lmove src k left right}]
        assert_equal 1 [watch_aborts {{rpush src x}} {rpoplpush src k}]
        assert_equal 1 [watch_aborts {{rpush src x}} {lmove src k left left}]
    }

    test {WATCH: reads and writes that change nothing do not abort EXEC} {
        foreach cmd {
            {lrange k 0 -1} {lindex k 0} {llen k} {lpos k a} {lpop k 0}
            {linsert k before zz x} {lrem k 0 zz} {lset k 10 x} {lpushx nokey x}
            {lmove nokey k left left} {lpop k abc} {lmpop 1 nokey left}
        } {
            assert_equal 0 [watch_aborts {{rpush k a b c}} $cmd] $cmd
        }
    }

    # ------------------------------------------------ RESP3, MULTI, expiry
    test {A RESP3 client (HELLO 3) reads the null replies of the list commands as nulls} {
        r del nokey l
        set c [redis_client]
        $c hello 3
        $c null_value NULL
        foreach cmd {{lpop nokey} {rpop nokey 2} {lpop nokey 0} {lindex nokey 0}
                     {lpos nokey a} {lmove nokey x left left} {rpoplpush nokey x}
                     {lmpop 1 nokey left}} {
            assert_equal NULL [$c {*}$cmd] $cmd
            assert_equal _ [$c last_type] $cmd
        }
        $c rpush l a b c
        assert_equal {l {a b}} [$c lmpop 1 l left count 2]
        assert_equal * [$c last_type]
        assert_equal {} [$c lpos l x count 0]
        assert_equal * [$c last_type]
        $c close
        r del l
    }

    test {List commands in MULTI/EXEC; a WRONGTYPE inside does not stop the others} {
        r flushdb
        r multi
        assert_equal QUEUED [r rpush l a b c]
        assert_equal QUEUED [r lpop l]
        assert_equal QUEUED [r lmove l l left right]
        assert_equal QUEUED [r lrange l 0 -1]
        assert_equal {3 a b {c b}} [r exec]
        r set s v
        set rd [redis_deferring_client]
        foreach cmd {multi {rpush l x} {lpush s x} {rpop l} exec} { $rd {*}$cmd }
        foreach _ {1 2 3 4} { $rd read }
        assert_equal "*3\r\n:3\r\n-$::list_wrongtype\r\n\$1\r\nx\r\n" [$rd read_raw]
        $rd close
        assert_equal {c b} [r lrange l 0 -1]
        assert_equal v [r get s]
    }

    test {An expired list is gone; a push onto it starts a new list without a TTL} {
        r flushdb
        r rpush l a b
        r pexpire l 1
        after 20
        assert_equal 0 [r exists l]
        assert_equal 0 [r llen l]
        assert_equal (nil) [r lpop l]
        r rpush l2 a
        r pexpire l2 1
        after 20
        assert_equal 1 [r rpush l2 c]
        assert_equal -1 [r ttl l2]
        assert_equal {c} [r lrange l2 0 -1]
        assert_equal 0 [r lpushx l x]
        r flushdb
    }

    test {keymiss: reading a missing list sends it; pops, moves and writes do not} {
        r flushdb
        foreach cmd {{llen nokey} {lrange nokey 0 -1} {lindex nokey 0} {lpos nokey a}
                     {lpos nokey a count 0}} {
            assert_equal {{nokey keymiss}} [keyspace_events_of Km { r {*}$cmd }] $cmd
        }
        foreach cmd {{lpop nokey} {rpop nokey 1} {lmove nokey d left left}
                     {rpoplpush nokey d} {lmpop 1 nokey left} {linsert nokey before a b}
                     {lrem nokey 0 a} {ltrim nokey 0 1} {lpushx nokey a}} {
            assert_equal {} [keyspace_events_of Km { r {*}$cmd }] $cmd
        }
        r rpush l a
        assert_equal {} [keyspace_events_of Km { r lindex l 5 }]
        r flushdb
    }

    test {Client tracking: LRANGE tracks the key, LPUSH invalidates it, a write that changes nothing does not} {
        r flushdb
        r rpush k a
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd lrange k 0 -1
        $rd read
        r linsert k before zz x
        r lrem k 0 zz
        r lpushx nokey x
        $rd ping
        assert_equal PONG [$rd read]
        r lpush k b
        $rd ping
        assert_equal {invalidate k} [$rd read]
        assert_equal > [$rd last_type]
        assert_equal PONG [$rd read]
        $rd close
    }

    test {COPY onto an existing key needs REPLACE; the copy is independent} {
        r flushdb
        r rpush l a b
        r rpush other x
        assert_equal 0 [r copy l other]
        assert_equal {x} [r lrange other 0 -1]
        assert_equal 1 [r copy l other replace]
        r lset other 0 A
        assert_equal {a b} [r lrange l 0 -1]
        assert_equal {A b} [r lrange other 0 -1]
        r flushdb
    }

    # ------------------------------------------------------- random walk
    test {A seeded random walk over a list of thousands of unique elements matches a Tcl model} {
        # Inserts, removals and pops in the middle and across the ends of a
        # big list, runs of inserts at one spot, refills when it runs low.
        r del big
        expr {srand(42)}
        set model {}
        for {set i 0} {$i < 3000} {incr i} { lappend model u$i }
        set next 3000
        r rpush big {*}$model
        for {set step 0} {$step < 3000} {incr step} {
            set len [llength $model]
            set j [randomInt $len]
            set op [randomInt 9]
            switch $op {
                0 {
                    set where [lindex {before after} [randomInt 2]]
                    set at [expr {$where eq "before" ? $j : $j + 1}]
                    set model [linsert $model $at u$next]
                    assert_equal [llength $model] [r linsert big $where [lindex $model [expr {$where eq "before" ? $j + 1 : $j}]] u$next]
                    incr next
                }
                1 {
                    assert_equal 1 [r lrem big [lindex {0 1 -1} [randomInt 3]] [lindex $model $j]]
                    set model [lreplace $model $j $j]
                }
                2 {
                    set i [expr {[randomInt 2] ? $j : $j - $len}]
                    assert_equal OK [r lset big $i u$next]
                    lset model $j u$next
                    incr next
                }
                3 {
                    set n [expr {1 + [randomInt 300]}]
                    if {[randomInt 2]} {
                        assert_equal [lrange $model 0 $n-1] [r lpop big $n]
                        set model [lrange $model $n end]
                    } else {
                        assert_equal [lreverse [lrange $model end-[expr {$n - 1}] end]] [r rpop big $n]
                        set model [lrange $model 0 end-$n]
                    }
                }
                4 {
                    set s [randomInt 50]
                    set e [expr {-1 - [randomInt 50]}]
                    assert_equal OK [r ltrim big $s $e]
                    set model [lrange $model $s end-[expr {-1 - $e}]]
                }
                5 {
                    set vs {}
                    for {set k [randomInt 300]} {$k >= 0} {incr k -1} { lappend vs u$next ; incr next }
                    if {[randomInt 2]} {
                        r lpush big {*}$vs
                        set model [concat [lreverse $vs] $model]
                    } else {
                        r rpush big {*}$vs
                        set model [concat $model $vs]
                    }
                }
                6 {
                    set n [randomInt 400]
                    assert_equal [lrange $model $j [expr {$j + $n}]] [r lrange big $j [expr {$j + $n}]]
                    assert_equal [lindex $model $j] [r lindex big [expr {$j - $len}]]
                }
                7 {
                    assert_equal $j [r lpos big [lindex $model $j] rank [lindex {1 -1} [randomInt 2]]]
                }
                8 {
                    set pivot [lindex $model $j]
                    set vs {}
                    for {set k 0} {$k < 50} {incr k} {
                        r linsert big before $pivot u$next
                        lappend vs u$next
                        incr next
                    }
                    set model [linsert $model $j {*}$vs]
                }
            }
            if {[llength $model] < 500} {
                set vs {}
                for {set k 0} {$k < 1000} {incr k} { lappend vs u$next ; incr next }
                r rpush big {*}$vs
                lappend model {*}$vs
            }
            if {$step % 100 == 0 || $step == 2999} {
                assert_equal [llength $model] [r llen big] "LLEN after step $step (op $op)"
                set got [r lrange big 0 -1]
                if {$got ne $model} {
                    assert_equal $model $got "LRANGE after step $step (op $op)"
                }
            }
        }
        r del big
    }

    test {A seeded random walk of 4000 operations matches a Tcl model} {
        r del l other
        expr {srand(20261207)}
        set model {}
        set pool {a b c d e f g h "" "\x00\xff" "x y"}
        for {set step 0} {$step < 4000} {incr step} {
            set len [llength $model]
            set v [lindex $pool [randomInt [llength $pool]]]
            set op [randomInt 15]
            switch $op {
                0 - 1 {
                    set vs [list $v [lindex $pool [randomInt [llength $pool]]]]
                    set vs [lrange $vs 0 [randomInt 2]]
                    assert_equal [expr {$len + [llength $vs]}] [r lpush l {*}$vs]
                    set model [concat [lreverse $vs] $model]
                }
                2 - 3 {
                    assert_equal [expr {$len + 1}] [r rpush l $v]
                    lappend model $v
                }
                4 {
                    set got [r lpushx l $v]
                    if {$len} {
                        set model [linsert $model 0 $v]
                        assert_equal [expr {$len + 1}] $got
                    } else {
                        assert_equal 0 $got
                    }
                }
                5 {
                    if {[randomInt 2]} {
                        set n [randomInt 4]
                        set got [r lpop l $n]
                        if {!$len} {
                            assert_equal (nil) $got
                        } else {
                            assert_equal [lrange $model 0 $n-1] $got
                            set model [lrange $model $n end]
                        }
                    } else {
                        set want [expr {$len ? [lindex $model end] : "(nil)"}]
                        assert_equal $want [r rpop l]
                        set model [lrange $model 0 end-1]
                    }
                }
                6 {
                    set i [expr {[randomInt [expr {2 * $len + 3}]] - $len - 1}]
                    set j [expr {$i < 0 ? $len + $i : $i}]
                    if {!$len} {
                        assert_error_equal "ERR no such key" {r lset l $i $v}
                    } elseif {$j < 0 || $j >= $len} {
                        assert_error_equal "ERR index out of range" {r lset l $i $v}
                    } else {
                        assert_equal OK [r lset l $i $v]
                        lset model $j $v
                    }
                }
                7 - 8 {
                    set pivot [lindex $pool [randomInt [llength $pool]]]
                    set where [lindex {before after} [randomInt 2]]
                    set got [r linsert l $where $pivot $v]
                    set at [lsearch -exact $model $pivot]
                    if {!$len} {
                        assert_equal 0 $got
                    } elseif {$at < 0} {
                        assert_equal -1 $got
                    } else {
                        if {$where eq "after"} { incr at }
                        set model [linsert $model $at $v]
                        assert_equal [llength $model] $got
                    }
                }
                9 {
                    set count [expr {[randomInt 7] - 3}]
                    lassign [list_model_lrem $model $count $v] model removed
                    assert_equal $removed [r lrem l $count $v]
                }
                10 {
                    # Mostly a gentle trim, sometimes one that empties.
                    set s [expr {[randomInt 5] - 2}]
                    set e [expr {-1 - [randomInt 4]}]
                    if {[randomInt 20] == 0} { set e [expr {$s - 1}] }
                    set range [list_index_range $len $s $e]
                    assert_equal OK [r ltrim l $s $e]
                    if {$range eq {}} {
                        set model {}
                    } else {
                        set model [lrange $model {*}$range]
                    }
                }
                11 {
                    set s [expr {[randomInt [expr {2 * $len + 5}]] - $len - 2}]
                    set e [expr {[randomInt [expr {2 * $len + 5}]] - $len - 2}]
                    set range [list_index_range $len $s $e]
                    set want [expr {$range eq {} ? {} : [lrange $model {*}$range]}]
                    assert_equal $want [r lrange l $s $e] "lrange $s $e"
                    set i [expr {[randomInt [expr {2 * $len + 3}]] - $len - 1}]
                    set j [expr {$i < 0 ? $len + $i : $i}]
                    set want [expr {$j >= 0 && $j < $len ? [lindex $model $j] : "(nil)"}]
                    assert_equal $want [r lindex l $i] "lindex $i"
                }
                12 {
                    set rank [expr {[randomInt 2] ? 1 + [randomInt 3] : -1 - [randomInt 3]}]
                    set count [randomInt 4]
                    set maxlen [randomInt [expr {$len + 2}]]
                    assert_equal [lt_model_lpos $model $v $rank $count $maxlen] \
                        [r lpos l $v rank $rank count $count maxlen $maxlen] \
                        "lpos $v rank $rank count $count maxlen $maxlen"
                }
                13 {
                    set from [lindex {left right} [randomInt 2]]
                    set to [lindex {left right} [randomInt 2]]
                    set got [r lmove l l $from $to]
                    if {!$len} {
                        assert_equal (nil) $got
                    } else {
                        set e [expr {$from eq "left" ? [lindex $model 0] : [lindex $model end]}]
                        assert_equal $e $got
                        set model [expr {$from eq "left" ? [lrange $model 1 end] : [lrange $model 0 end-1]}]
                        set model [linsert $model [expr {$to eq "left" ? 0 : "end"}] $e]
                    }
                }
                14 {
                    # Through another key and back.
                    set got [r rpoplpush l other]
                    if {$len} {
                        assert_equal [lindex $model end] $got
                        assert_equal $got [r lmove other l left left]
                        set model [linsert [lrange $model 0 end-1] 0 $got]
                    } else {
                        assert_equal (nil) $got
                    }
                    assert_equal 0 [r exists other]
                }
            }
            if {$step % 50 == 0 || $step == 3999} {
                assert_equal $model [r lrange l 0 -1] "LRANGE after step $step (op $op)"
                assert_equal [llength $model] [r llen l] "LLEN after step $step"
                assert_equal [expr {[llength $model] > 0}] [r exists l] "EXISTS after step $step"
            }
        }
        r del l
    }
}

start_server {tags {list needs:own-server}} {
    r null_value (nil)

    test {DEBUG RELOAD keeps every list in its order, with TYPE, encoding and TTL} {
        r flushall
        r rpush small a b "" "\x00\xff\r\n"
        set vals {}
        for {set i 0} {$i < 5000} {incr i} { lappend vals v$i }
        r rpush big {*}$vals
        for {set i 0} {$i < 40} {incr i} { r linsert big before v2500 ins$i }
        r lset big 0 first
        r lrem big 0 v10
        r ltrim big 1 -2
        r rpush ttl x
        r pexpireat ttl 4000000000000
        set before [list [r lrange small 0 -1] [r lrange big 0 -1] [r lrange ttl 0 -1]]
        assert_equal OK [r debug reload]
        assert_equal $before [list [r lrange small 0 -1] [r lrange big 0 -1] [r lrange ttl 0 -1]]
        assert_equal 5037 [r llen big]
        assert_equal list [r type big]
        assert_equal quicklist [r object encoding small]
        assert_equal quicklist [r object encoding big]
        assert_equal 4000000000000 [r pexpiretime ttl]
    }
}
