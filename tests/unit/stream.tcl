# Streams without consumer groups: XADD (NOMKSTREAM, MAXLEN and MINID
# with = and ~ and LIMIT, explicit, `*` and `ms-*` IDs), XLEN, XRANGE and
# XREVRANGE (`-` `+`, incomplete IDs, `(` exclusive bounds, COUNT), XDEL,
# XTRIM, XSETID (ENTRIESADDED, MAXDELETEDID), XREAD with and without BLOCK
# (served by XADD, after EXEC and after a script, FIFO among waiters,
# timeouts, CLIENT UNBLOCK, MULTI), XINFO STREAM (plain and FULL), TYPE and
# OBJECT ENCODING, every error path with Redis's text, keyspace events of
# the t class, WATCH, client tracking, the RESP2 and RESP3 forms of the
# replies (checked byte for byte where the form matters), approximate
# trimming at several stream-node-max-entries, and a stream of 10,000
# entries walked page by page against a Tcl model.  At the end,
# redis-kv-only tests of streams in the log (restart, kill -9, compaction,
# BACKUP RESTORE, log bytes per XADD).
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/stream
#   tests/runtest --host 127.0.0.1 --port P --single unit/stream
# The blocks that change the config are tagged needs:own-server (skipped
# with --host/--port); the durability block skips itself on a server
# without redis_kv_version in INFO server.  No test asserts a time: a
# timeout is only checked to end with the timeout reply.  Explicit IDs
# are used wherever a value is compared, so that no test depends on the
# clock.

set ::st_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"
set ::st_badid "ERR Invalid stream ID specified as stream command argument"
set ::st_maxid "18446744073709551615-18446744073709551615"

# Stream KEY made afresh with one entry {f<ms> v<ms>} per ms-seq ID of
# ARGS (each an explicit ID).
proc st_make {key args} {
    r del $key
    foreach id $args { r xadd $key $id f v$id }
}

# The IDs of KEY from XRANGE - + (or the entries of any XRANGE-shaped
# reply REPLY), in order.
proc st_ids {key} { return [st_reply_ids [r xrange $key - +]] }
proc st_reply_ids {reply} {
    set out {}
    foreach e $reply { lappend out [lindex $e 0] }
    return $out
}

# XINFO STREAM KEY as a dict (field names as Redis gives them).
proc st_info {key {c r}} { return [$c xinfo stream $key] }

# The XINFO STREAM fields that describe a stream's content and history
# (not its in-memory layout: radix-tree-keys and -nodes are left out).
proc st_info_core {key {c r}} {
    set info [$c xinfo stream $key]
    set out {}
    foreach f {length last-generated-id max-deleted-entry-id entries-added
               recorded-first-entry-id groups first-entry last-entry} {
        lappend out $f [dict get $info $f]
    }
    return $out
}

# Sends every command of ARGS (argument lists) on the deferring client RD
# in one write, reading no reply.
proc st_send {rd args} {
    $rd write [join [lmap argv $args { ::redis::__format_command $argv }] ""]
    $rd flush
}

proc st_close {args} { foreach rd $args { $rd close } }

# 1 when the stream ID ID lies in the XRANGE bounds A B (each "-", "+",
# an ID, an incomplete ID, or either prefixed with "(").
proc st_model_in {id a b} {
    lassign [split $id -] ms seq
    set lo [st_model_bound $a 0]
    set hi [st_model_bound $b 1]
    set v [list $ms $seq]
    set cl [st_cmp $v [lindex $lo 0]]
    set ch [st_cmp $v [lindex $hi 0]]
    if {[lindex $lo 1] ? $cl <= 0 : $cl < 0} { return 0 }
    if {[lindex $hi 1] ? $ch >= 0 : $ch > 0} { return 0 }
    return 1
}
# {{ms seq} exclusive?} of a bound; an incomplete ID is seq 0 as a start
# and the last seq as an end.
proc st_model_bound {b isend} {
    set excl 0
    if {[string index $b 0] eq "("} { set excl 1 ; set b [string range $b 1 end] }
    if {$b eq "-"} { return [list {0 0} 0] }
    if {$b eq "+"} { return [list {18446744073709551615 18446744073709551615} 0] }
    if {[string first - $b] >= 0} { return [list [split $b -] $excl] }
    return [list [list $b [expr {$isend ? 18446744073709551615 : 0}]] $excl]
}
proc st_cmp {x y} {
    foreach a $x b $y {
        if {$a < $b} { return -1 }
        if {$a > $b} { return 1 }
    }
    return 0
}

start_server {tags {stream}} {
    r null_value (nil)

    # ---------------------------------------------------------------- XADD
    test {XADD with an explicit ID creates a stream and replies the ID} {
        r del s
        assert_equal 1-1 [r xadd s 1-1 name alice age 30]
        assert_equal stream [r type s]
        assert_equal 1 [r xlen s]
        assert_equal {{1-1 {name alice age 30}}} [r xrange s - +]
        assert_equal "\$3\r\n2-0\r\n" [raw_reply xadd s 2-0 a 1]
        assert_equal "\$3\r\n3-0\r\n" [raw_reply3 xadd s 3-0 a 1]
    }

    test {XADD of an incomplete explicit ID means sequence 0} {
        r del s
        assert_equal 5-0 [r xadd s 5 a 1]
        assert_equal 6-0 [r xadd s 6 a 1]
        assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
            {r xadd s 6 a 1}
    }

    test {XADD keeps fields in the order given, repeated fields and binary values too} {
        r del s
        set bin [all_bytes]
        r xadd s 1-0 b 2 a 1 b 3 "" empty $bin "\x00key"
        assert_equal [list [list 1-0 [list b 2 a 1 b 3 "" empty $bin "\x00key"]]] [r xrange s - +]
    }

    test {XADD with * makes IDs that always grow} {
        r del s
        set last 0-0
        for {set i 0} {$i < 50} {incr i} {
            set id [r xadd s * n $i]
            assert_match {*-*} $id
            lassign [split $id -] ms seq
            lassign [split $last -] lms lseq
            assert {$ms > $lms || ($ms == $lms && $seq > $lseq)} "$id after $last"
            set last $id
        }
        assert_equal 50 [r xlen s]
        assert_equal $last [dict get [st_info s] last-generated-id]
    }

    test {XADD with * after an explicit ID far in the future keeps growing from it} {
        r del s
        r xadd s 99999999999999-5 a 1
        assert_equal 99999999999999-6 [r xadd s * a 2]
        assert_equal 99999999999999-7 [r xadd s * a 3]
    }

    test {XADD with ms-* takes the next sequence of that millisecond, or 0} {
        r del s
        assert_equal 5-0 [r xadd s 5-* a 1]
        assert_equal 5-1 [r xadd s 5-* a 2]
        assert_equal 5-2 [r xadd s 5-* a 3]
        assert_equal 7-0 [r xadd s 7-* a 4]
        assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
            {r xadd s 6-* a 1}
        assert_equal {5-0 5-1 5-2 7-0} [st_ids s]
        r del s
        assert_equal 0-1 [r xadd s 0-* a 1]
        assert_equal 0-2 [r xadd s 0-* a 1]
    }

    test {XADD of an ID equal to or smaller than the top item is refused} {
        st_make s 10-5
        foreach id {10-5 10-4 10 9-99 1-0} {
            assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
                {r xadd s $id a 1} $id
        }
        # The top is the last ID ever made, even when that entry is gone.
        r xadd s 20-0 a 1
        r xdel s 20-0
        assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
            {r xadd s 15-0 a 1}
        assert_equal 20-1 [r xadd s 20-* a 1]
        assert_equal {10-5 20-1} [st_ids s]
    }

    test {XADD 0-0 is refused, on a new stream and on an existing one} {
        r del s
        assert_error_equal "ERR The ID specified in XADD must be greater than 0-0" {r xadd s 0-0 a 1}
        assert_error_equal "ERR The ID specified in XADD must be greater than 0-0" {r xadd s 0 a 1}
        assert_equal 0 [r exists s]
        r xadd s 1-0 a 1
        assert_error_equal "ERR The ID specified in XADD must be greater than 0-0" {r xadd s 0-0 a 1}
        assert_equal 0-1 [r xadd new 0-1 a 1]
    }

    test {XADD: IDs that do not parse} {
        r del s
        foreach id {abc 1-x - + 1- -1 -1-0 1-2-3 {} 18446744073709551616-0
                    1-18446744073709551616 x-* *-1 (1 1.5-0 "1-0 " 1-0x} {
            assert_error_equal $::st_badid {r xadd s $id a 1} "'$id'"
        }
        assert_equal 0 [r exists s]
    }

    test {XADD at the largest ID: then * and ms-* have no ID left} {
        r del s
        assert_equal $::st_maxid [r xadd s $::st_maxid a 1]
        assert_error_equal "ERR The stream has exhausted the last possible ID, unable to add more items" \
            {r xadd s * a 1}
        assert_error_equal "ERR The stream has exhausted the last possible ID, unable to add more items" \
            {r xadd s 18446744073709551615-* a 1}
        assert_equal 1 [r xlen s]
        # The last sequence of a millisecond: ms-* has nothing left in it.
        r del s
        r xadd s 5-18446744073709551615 a 1
        assert_error_equal "ERR Elements are too large to be stored" {r xadd s 5-* a 1}
        assert_equal 6-0 [r xadd s 6-* a 1]
    }

    test {XADD with an odd number of field and value arguments} {
        r del s
        assert_arity_error xadd {} {s} {s *} {s * f} {s * f v f} {s maxlen} {s 1-0 a 1 b}
        assert_arity_error xadd {s maxlen 5 * f} {s nomkstream * a 1 b}
        assert_equal 0 [r exists s]
    }

    test {XADD NOMKSTREAM adds to a stream but does not create one} {
        r del s
        assert_equal (nil) [r xadd s nomkstream * a 1]
        assert_equal 0 [r exists s]
        assert_equal "\$-1\r\n" [raw_reply xadd s nomkstream * a 1]
        assert_equal "_\r\n" [raw_reply3 xadd s NOMKSTREAM * a 1]
        assert_equal 0 [r exists s]
        r xadd s 1-0 a 1
        assert_equal 2-0 [r xadd s NOMKSTREAM 2-0 b 2]
        assert_equal {1-0 2-0} [st_ids s]
        # NOMKSTREAM still checks its other arguments on a missing key.
        r del s
        assert_error_equal $::st_badid {r xadd s nomkstream foo a 1}
    }

    test {XADD MAXLEN = N keeps exactly the last N entries} {
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 6-0 [r xadd s maxlen 3 6-0 f v]
        assert_equal {4-0 5-0 6-0} [st_ids s]
        assert_equal 7-0 [r xadd s MAXLEN = 2 7-0 f v]
        assert_equal {6-0 7-0} [st_ids s]
        assert_equal 8-0 [r xadd s maxlen 10 8-0 f v]
        assert_equal {6-0 7-0 8-0} [st_ids s]
    }

    test {XADD MAXLEN 0 keeps an empty stream with its history} {
        st_make s 1-0 2-0
        assert_equal 3-0 [r xadd s maxlen 0 3-0 f v]
        assert_equal 0 [r xlen s]
        assert_equal 1 [r exists s]
        assert_equal {} [r xrange s - +]
        set info [st_info s]
        assert_equal 3-0 [dict get $info last-generated-id]
        assert_equal 3 [dict get $info entries-added]
        # Trimming is not deleting: max-deleted-entry-id is XDEL's only.
        assert_equal 0-0 [dict get $info max-deleted-entry-id]
    }

    test {XADD MINID = ID drops the entries below the ID} {
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 6-0 [r xadd s minid 3 6-0 f v]
        assert_equal {3-0 4-0 5-0 6-0} [st_ids s]
        assert_equal 7-0 [r xadd s MINID = 5-0 7-0 f v]
        assert_equal {5-0 6-0 7-0} [st_ids s]
        assert_equal 8-0 [r xadd s minid 1 8-0 f v]
        assert_equal {5-0 6-0 7-0 8-0} [st_ids s]
        # A MINID past the new entry removes the new entry too.
        assert_equal 9-0 [r xadd s minid 100 9-0 f v]
        assert_equal 0 [r xlen s]
    }

    test {XADD MAXLEN ~ and MINID ~ on a small stream trim nothing} {
        # The entries are all in one node (stream-node-max-entries 100):
        # approximate trimming only ever removes whole nodes.
        st_make s 1-0 2-0 3-0 4-0 5-0
        r xadd s maxlen ~ 1 6-0 f v
        assert_equal 6 [r xlen s]
        r xadd s minid ~ 6 7-0 f v
        assert_equal 7 [r xlen s]
        r xadd s maxlen ~ 1 limit 1000 8-0 f v
        assert_equal 8 [r xlen s]
    }

    test {XADD trimming options: errors, and nothing added on an error} {
        st_make s 1-0
        assert_error_equal "ERR value is not an integer or out of range" {r xadd s maxlen abc * a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r xadd s maxlen ~ 1.5 * a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r xadd s maxlen 9223372036854775808 * a 1}
        assert_error_equal "ERR The MAXLEN argument must be >= 0." {r xadd s maxlen -1 * a 1}
        assert_error_equal "ERR The MAXLEN argument must be >= 0." {r xadd s maxlen ~ -5 * a 1}
        assert_error_equal $::st_badid {r xadd s minid abc * a 1}
        assert_error_equal $::st_badid {r xadd s minid ~ - * a 1}
        assert_error_equal "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" \
            {r xadd s maxlen 1 minid 0 * a 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xadd s maxlen 2 limit 10 * a 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xadd s maxlen = 2 limit 10 * a 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xadd s minid = 2 limit 10 * a 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy" \
            {r xadd s limit 5 * a 1}
        assert_error_equal "ERR The LIMIT argument must be >= 0." {r xadd s maxlen ~ 2 limit -1 * a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r xadd s maxlen ~ 2 limit abc * a 1}
        assert_equal {1-0} [st_ids s]
        # Options are case-insensitive and may come in any order.
        assert_equal 2-0 [r xadd s MaxLen ~ 10 LiMiT 5 NoMkStream 2-0 a 1]
        assert_equal {1-0 2-0} [st_ids s]
    }

    test {XADD: an ID that is not valid is refused before the trimming happens} {
        st_make s 5-0 6-0 7-0
        assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
            {r xadd s maxlen 1 3-0 a 1}
        assert_equal {5-0 6-0 7-0} [st_ids s]
    }

    # ---------------------------------------------------------------- XLEN
    test {XLEN counts entries; a missing key is 0} {
        st_make s 1-0 2-0 3-0
        assert_equal 3 [r xlen s]
        r xdel s 2-0
        assert_equal 2 [r xlen s]
        assert_equal 0 [r xlen nokey]
        assert_equal ":2\r\n" [raw_reply xlen s]
        assert_equal ":0\r\n" [raw_reply3 xlen nokey]
        assert_arity_error xlen {} {s s}
    }

    # ------------------------------------------------------ XRANGE, XREVRANGE
    test {XRANGE and XREVRANGE with - and + give every entry} {
        st_make s 1-0 1-1 2-0 2-1 3-0
        assert_equal {1-0 1-1 2-0 2-1 3-0} [st_ids s]
        assert_equal {3-0 2-1 2-0 1-1 1-0} [st_reply_ids [r xrevrange s + -]]
        assert_equal {{1-1 {f v1-1}}} [r xrange s 1-1 1-1]
        assert_equal {} [r xrange nokey - +]
        assert_equal {} [r xrevrange nokey + -]
        assert_equal "*0\r\n" [raw_reply xrange nokey - +]
        assert_equal "*0\r\n" [raw_reply3 xrevrange nokey + -]
    }

    test {XRANGE bounds: incomplete IDs cover the whole millisecond} {
        st_make s 1-0 1-1 2-0 2-1 2-2 3-0 3-1
        assert_equal {2-0 2-1 2-2} [st_reply_ids [r xrange s 2 2]]
        assert_equal {1-0 1-1 2-0 2-1 2-2} [st_reply_ids [r xrange s - 2]]
        assert_equal {2-0 2-1 2-2 3-0 3-1} [st_reply_ids [r xrange s 2 +]]
        assert_equal {2-2 2-1 2-0} [st_reply_ids [r xrevrange s 2 2]]
        assert_equal {3-1 3-0 2-2 2-1 2-0} [st_reply_ids [r xrevrange s + 2]]
        assert_equal {2-1 2-2 3-0} [st_reply_ids [r xrange s 2-1 3-0]]
        assert_equal {1-0 1-1} [st_reply_ids [r xrange s 0 1]]
    }

    test {XRANGE and XREVRANGE: a start after the end gives nothing} {
        st_make s 1-0 2-0 3-0
        assert_equal {} [r xrange s 3 2]
        assert_equal {} [r xrevrange s 2 3]
        assert_equal {} [r xrevrange s - +]
        assert_equal {} [r xrange s + -]
        assert_equal {} [r xrange s 9223372036854775807 +]
    }

    test {XRANGE and XREVRANGE with ( exclusive bounds} {
        st_make s 1-0 1-1 2-0 2-1 3-0 3-1
        assert_equal {2-1 3-0} [st_reply_ids [r xrange s (2-0 (3-1]]
        # (1 is (1-0 as a start.
        assert_equal {1-1 2-0 2-1} [st_reply_ids [r xrange s (1 2]]
        assert_equal {1-0 1-1} [st_reply_ids [r xrange s - (2-0]]
        assert_equal {3-0 2-1} [st_reply_ids [r xrevrange s (3-1 (2]]
        assert_equal {3-1 3-0} [st_reply_ids [r xrevrange s + (2-1]]
        # An incomplete ID: sequence 0 as a start, the last sequence as an end.
        assert_equal {2-1 3-0 3-1} [st_reply_ids [r xrange s (2 +]]
        assert_equal {1-0 1-1 2-0 2-1} [st_reply_ids [r xrange s - (2]]
        assert_equal {3-1 3-0 2-1} [st_reply_ids [r xrevrange s + (2]]
        assert_equal {2-1 2-0 1-1 1-0} [st_reply_ids [r xrevrange s (2 -]]
        assert_equal {} [r xrange s (2-0 (2-1]
        assert_equal {} [r xrange s (2-0 2-0]
        # Exclusive past the last sequence of a millisecond is the next one.
        assert_equal {2-0} [st_reply_ids [r xrange s (1-18446744073709551615 2-0]]
        assert_equal {1-1} [st_reply_ids [r xrevrange s (2-0 (1-0]]
    }

    test {XRANGE ( bounds at 0-0 and at the largest ID} {
        st_make s 1-0 2-0
        assert_equal {1-0 2-0} [st_reply_ids [r xrange s (0-0 +]]
        assert_equal {1-0 2-0} [st_reply_ids [r xrange s - (18446744073709551615-18446744073709551615]]
        assert_error_equal "ERR invalid end ID for the interval" {r xrange s - (0-0}
        assert_error_equal "ERR invalid start ID for the interval" \
            {r xrange s (18446744073709551615-18446744073709551615 +}
        assert_equal {2-0 1-0} [st_reply_ids [r xrevrange s (18446744073709551615-18446744073709551615 -]]
        assert_equal {2-0 1-0} [st_reply_ids [r xrevrange s + (0-0]]
        assert_error_equal "ERR invalid end ID for the interval" {r xrevrange s (0-0 -}
        assert_error_equal "ERR invalid start ID for the interval" \
            {r xrevrange s + (18446744073709551615-18446744073709551615}
        # The same errors on a missing key.
        assert_error_equal "ERR invalid end ID for the interval" {r xrange nokey - (0-0}
    }

    test {XRANGE bounds that do not parse} {
        st_make s 1-0
        foreach {a b} {(- + - (+ ( + ((1 + abc + 1-x + - 0x1 1-0 +count}   {
            assert_error_equal $::st_badid {r xrange s $a $b} "$a $b"
            assert_error_equal $::st_badid {r xrevrange s $b $a} "$b $a"
        }
        assert_error_equal $::st_badid {r xrange nokey abc +}
    }

    test {XRANGE and XREVRANGE COUNT} {
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal {1-0 2-0} [st_reply_ids [r xrange s - + count 2]]
        assert_equal {5-0 4-0} [st_reply_ids [r xrevrange s + - COUNT 2]]
        assert_equal {3-0 4-0 5-0} [st_reply_ids [r xrange s 3 + count 100]]
        # COUNT 0 and a negative COUNT give a null array.
        assert_equal (nil) [r xrange s - + count 0]
        assert_equal (nil) [r xrange s - + count -1]
        assert_equal (nil) [r xrevrange s + - count 0]
        assert_equal (nil) [r xrevrange s + - count -5]
        assert_equal "*-1\r\n" [raw_reply xrange s - + count 0]
        assert_equal "_\r\n" [raw_reply3 xrevrange s + - count -1]
        # On a missing key the reply is the empty array, COUNT or not.
        assert_equal "*0\r\n" [raw_reply xrange nokey - + count 0]
        # The last COUNT wins.
        assert_equal {1-0 2-0} [st_reply_ids [r xrange s - + count 1 count 2]]
    }

    test {XRANGE and XREVRANGE errors: arity, COUNT, syntax} {
        st_make s 1-0
        assert_arity_error xrange {} {s} {s -}
        assert_arity_error xrevrange {} {s} {s +}
        assert_error_equal "ERR value is not an integer or out of range" {r xrange s - + count abc}
        assert_error_equal "ERR value is not an integer or out of range" {r xrevrange s + - count 1.5}
        assert_error_equal "ERR syntax error" {r xrange s - + count}
        assert_error_equal "ERR syntax error" {r xrange s - + foo 1}
        assert_error_equal "ERR syntax error" {r xrevrange s + - count 1 x}
    }

    test {XRANGE reply forms in RESP2 and RESP3: an array of [id, [field, value ...]]} {
        r del s
        r xadd s 1-0 a 1 b 2
        r xadd s 2-0 c 3
        set want "*2\r\n*2\r\n\$3\r\n1-0\r\n*4\r\n\$1\r\na\r\n\$1\r\n1\r\n\$1\r\nb\r\n\$1\r\n2\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n"
        assert_equal $want [raw_reply xrange s - +]
        assert_equal $want [raw_reply3 xrange s - +]
        assert_equal "*1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\nc\r\n\$1\r\n3\r\n" [raw_reply3 xrevrange s + - count 1]
    }

    # ---------------------------------------------------------------- XDEL
    test {XDEL deletes the entries given and counts those that existed} {
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 1 [r xdel s 2-0 2-0 9-0]
        assert_equal {1-0 3-0 4-0 5-0} [st_ids s]
        assert_equal 2 [r xdel s 1 5-0]
        assert_equal {3-0 4-0} [st_ids s]
        assert_equal 0 [r xdel s 1-0]
        assert_equal 0 [r xdel nokey 1-0]
        assert_equal 0 [r exists nokey]
        assert_equal ":0\r\n" [raw_reply3 xdel s 100-0]
    }

    test {XDEL of every entry leaves an empty stream, which keeps its top ID} {
        st_make s 1-0 2-0
        assert_equal 2 [r xdel s 1-0 2-0]
        assert_equal 1 [r exists s]
        assert_equal 0 [r xlen s]
        assert_equal stream [r type s]
        set info [st_info s]
        assert_equal 2-0 [dict get $info last-generated-id]
        assert_equal 2-0 [dict get $info max-deleted-entry-id]
        assert_equal 2 [dict get $info entries-added]
        assert_equal 3-0 [r xadd s 3-0 a 1]
    }

    test {XDEL errors: arity, IDs that do not parse, and nothing deleted then} {
        st_make s 1-0 2-0 3-0
        assert_arity_error xdel {} {s}
        assert_error_equal $::st_badid {r xdel s abc}
        assert_error_equal $::st_badid {r xdel s 1-0 2-0 abc}
        assert_error_equal $::st_badid {r xdel s -}
        assert_error_equal $::st_badid {r xdel s (1-0}
        assert_equal {1-0 2-0 3-0} [st_ids s]
    }

    # --------------------------------------------------------------- XTRIM
    test {XTRIM MAXLEN and MINID, exact: the number of entries removed} {
        st_make s 1-0 2-0 3-0 4-0 5-0 6-0
        assert_equal 2 [r xtrim s maxlen 4]
        assert_equal {3-0 4-0 5-0 6-0} [st_ids s]
        assert_equal 0 [r xtrim s maxlen = 4]
        assert_equal 1 [r xtrim s MAXLEN = 3]
        assert_equal 1 [r xtrim s minid 5]
        assert_equal {5-0 6-0} [st_ids s]
        assert_equal 0 [r xtrim s minid = 5-0]
        assert_equal 0 [r xtrim s minid 0]
        assert_equal 2 [r xtrim s maxlen 0]
        assert_equal 0 [r xlen s]
        assert_equal 1 [r exists s]
        assert_equal ":0\r\n" [raw_reply xtrim s maxlen 0]
    }

    test {XTRIM and XADD at the limits of MAXLEN and MINID} {
        st_make s 1-0 2-0 3-0
        assert_equal 4-0 [r xadd s maxlen 9223372036854775807 4-0 f v]
        assert_equal 0 [r xtrim s maxlen ~ 9223372036854775807]
        assert_equal 4 [r xlen s]
        assert_equal 4 [r xtrim s minid $::st_maxid]
        assert_equal 0 [r xlen s]
    }

    test {XTRIM MINID skips the IDs that XDEL removed} {
        st_make s 1-0 2-0 3-0 4-0 5-0
        r xdel s 2-0 3-0
        assert_equal 2 [r xtrim s minid 5-0]
        assert_equal {5-0} [st_ids s]
    }

    test {XTRIM on a missing key is 0 and does not create it} {
        r del nokey
        assert_equal 0 [r xtrim nokey maxlen 0]
        assert_equal 0 [r xtrim nokey minid ~ 10]
        assert_equal 0 [r exists nokey]
    }

    test {XTRIM ~ on a small stream removes its one node or nothing; LIMIT 0 is no limit} {
        # stream-node-max-entries is 100: the five entries are one node.
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 0 [r xtrim s maxlen ~ 1]
        assert_equal 0 [r xtrim s minid ~ 5]
        assert_equal 0 [r xtrim s maxlen ~ 0 limit 3]
        assert_equal 5 [r xlen s]
        assert_equal 5 [r xtrim s maxlen ~ 0 limit 0]
        assert_equal 0 [r xlen s]
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 5 [r xtrim s minid ~ 6]
        st_make s 1-0 2-0 3-0 4-0 5-0
        assert_equal 5 [r xtrim s maxlen ~ 0]
    }

    test {XTRIM errors} {
        st_make s 1-0 2-0 3-0
        assert_arity_error xtrim {} {s} {s maxlen}
        assert_error_equal "ERR syntax error" {r xtrim s foo 1}
        assert_error_equal "ERR syntax error" {r xtrim s maxlen 1 foo}
        assert_error_equal "ERR syntax error" {r xtrim s maxlen 1 nomkstream}
        assert_error_equal "ERR The MAXLEN argument must be >= 0." {r xtrim s maxlen -1}
        assert_error_equal "ERR value is not an integer or out of range" {r xtrim s maxlen x}
        assert_error_equal $::st_badid {r xtrim s minid abc}
        assert_error_equal "ERR syntax error, MAXLEN and MINID options at the same time are not compatible" \
            {r xtrim s maxlen 1 minid 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xtrim s maxlen = 0 limit 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xtrim s minid 5 limit 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy" \
            {r xtrim s limit 1}
        assert_error_equal "ERR syntax error, LIMIT cannot be used without the special ~ option" \
            {r xtrim s limit 1 maxlen 1}
        assert_error_equal "ERR The LIMIT argument must be >= 0." {r xtrim s maxlen ~ 0 limit -1}
        assert_equal {1-0 2-0 3-0} [st_ids s]
        # LIMIT may come before the strategy.
        assert_equal 0 [r xtrim s limit 10 maxlen ~ 1]
    }

    # -------------------------------------------------------------- XSETID
    test {XSETID moves the top ID up; XADD must then go past it} {
        st_make s 1-0 5-0
        assert_equal OK [r xsetid s 5-0]
        assert_equal OK [r xsetid s 10]
        assert_equal 10-0 [dict get [st_info s] last-generated-id]
        assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
            {r xadd s 9-0 a 1}
        assert_equal 10-1 [r xadd s 10-* a 1]
        assert_equal {1-0 5-0 10-1} [st_ids s]
    }

    test {XSETID below the last entry is refused; on an empty stream it may go down} {
        st_make s 1-0 5-0
        assert_error_equal "ERR The ID specified in XSETID is smaller than the target stream top item" \
            {r xsetid s 4-0}
        assert_error_equal "ERR The ID specified in XSETID is smaller than the target stream top item" \
            {r xsetid s 0-0}
        # With entries deleted, the last entry still present is the bound.
        r xsetid s 9-0
        assert_equal OK [r xsetid s 5-0]
        r xdel s 1-0 5-0
        assert_equal OK [r xsetid s 3-0]
        assert_equal 3-0 [dict get [st_info s] last-generated-id]
        assert_equal OK [r xsetid s 0-0]
        assert_equal 0-1 [r xadd s 0-1 a 1]
    }

    test {XSETID ENTRIESADDED and MAXDELETEDID} {
        st_make s 1-0 2-0 3-0
        assert_equal OK [r xsetid s 5-0 entriesadded 10 maxdeletedid 4-0]
        set info [st_info s]
        assert_equal 5-0 [dict get $info last-generated-id]
        assert_equal 10 [dict get $info entries-added]
        assert_equal 4-0 [dict get $info max-deleted-entry-id]
        assert_equal OK [r xsetid s 5-0 ENTRIESADDED 3]
        assert_equal 3 [dict get [st_info s] entries-added]
        assert_equal OK [r xsetid s 5-0 MAXDELETEDID 5-0]
        assert_equal 5-0 [dict get [st_info s] max-deleted-entry-id]
        # MAXDELETEDID 0-0 leaves it as it was.
        assert_equal OK [r xsetid s 6-0 maxdeletedid 0-0]
        assert_equal 5-0 [dict get [st_info s] max-deleted-entry-id]
        assert_equal {1-0 2-0 3-0} [st_ids s]
    }

    test {XSETID errors} {
        st_make s 1-0 2-0 3-0
        r xsetid s 5-0 entriesadded 3 maxdeletedid 0-0
        set before [st_info_core s]
        assert_arity_error xsetid {} {s}
        assert_error_equal "ERR no such key" {r xsetid nokey 1-0}
        assert_equal 0 [r exists nokey]
        assert_error_equal $::st_badid {r xsetid s abc}
        assert_error_equal $::st_badid {r xsetid s 6-0 maxdeletedid abc}
        assert_error_equal "ERR syntax error" {r xsetid s 6-0 foo 1}
        assert_error_equal "ERR syntax error" {r xsetid s 6-0 entriesadded}
        assert_error_equal "ERR syntax error" {r xsetid s 6-0 maxdeletedid}
        assert_error_equal "ERR value is not an integer or out of range" {r xsetid s 6-0 entriesadded abc}
        assert_error_equal "ERR entries_added must be positive" {r xsetid s 6-0 entriesadded -1}
        assert_error_equal "ERR The entries_added specified in XSETID is smaller than the target stream length" \
            {r xsetid s 6-0 entriesadded 2}
        assert_error_equal "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id" \
            {r xsetid s 6-0 maxdeletedid 7-0}
        assert_error_equal "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id" \
            {r xsetid s 6-0 entriesadded 10 maxdeletedid 6-1}
        assert_equal $before [st_info_core s]
    }

    # ---------------------------------------------------------------- XREAD
    test {XREAD gives the entries after the ID, for each key in order} {
        r del a b
        r xadd a 1-0 f 1
        r xadd a 2-0 f 2
        r xadd b 1-5 g 1
        assert_equal {{a {{1-0 {f 1}} {2-0 {f 2}}}}} [r xread streams a 0]
        assert_equal {{a {{2-0 {f 2}}}}} [r xread streams a 1-0]
        assert_equal {{a {{2-0 {f 2}}}}} [r xread streams a 1]
        assert_equal {{b {{1-5 {g 1}}}} {a {{2-0 {f 2}}}}} [r xread streams b a 0 1-0]
        # A key named twice is read twice, each time after its own ID.
        assert_equal {{a {{2-0 {f 2}}}} {a {{1-0 {f 1}} {2-0 {f 2}}}}} [r xread streams a a 1-0 0]
        # Only the keys with something new are in the reply.
        assert_equal {{b {{1-5 {g 1}}}}} [r xread streams a nokey b 2-0 0 0]
    }

    test {XREAD COUNT limits each key; 0 and negative mean no limit} {
        r del a b
        for {set i 1} {$i <= 5} {incr i} { r xadd a $i-0 f $i ; r xadd b $i-0 g $i }
        assert_equal {{a {{1-0 {f 1}}}} {b {{1-0 {g 1}}}}} [r xread count 1 streams a b 0 0]
        assert_equal {{a {{3-0 {f 3}} {4-0 {f 4}}}}} [r xread COUNT 2 streams a 2-0]
        assert_equal 5 [llength [lindex [r xread count 0 streams a 0] 0 1]]
        assert_equal 5 [llength [lindex [r xread count -1 streams a 0] 0 1]]
        assert_equal 2 [llength [lindex [r xread count 1 count 2 streams a 0] 0 1]]
    }

    test {XREAD of nothing new, of $, of IDs beyond the end: a null reply} {
        r del a
        r xadd a 1-0 f 1
        r xadd a 2-0 f 2
        foreach id {2-0 2 99-0 $ 18446744073709551615-18446744073709551615} {
            assert_equal (nil) [r xread streams a $id] $id
        }
        assert_equal (nil) [r xread streams nokey 0]
        assert_equal (nil) [r xread count 3 streams nokey a 0 $]
        assert_equal "*-1\r\n" [raw_reply xread streams a 2-0]
        assert_equal "_\r\n" [raw_reply3 xread streams a 2-0]
    }

    test {XREAD reply forms: an array of [key, entries] in RESP2, a map in RESP3} {
        r del a b
        r xadd a 1-0 f 1
        r xadd b 2-0 g 2
        set ea "*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$1\r\n1\r\n"
        set eb "*1\r\n*2\r\n\$3\r\n2-0\r\n*2\r\n\$1\r\ng\r\n\$1\r\n2\r\n"
        assert_equal "*2\r\n*2\r\n\$1\r\na\r\n$ea*2\r\n\$1\r\nb\r\n$eb" [raw_reply xread streams a b 0 0]
        assert_equal "%2\r\n\$1\r\na\r\n$ea\$1\r\nb\r\n$eb" [raw_reply3 xread streams a b 0 0]
        assert_equal "%1\r\n\$1\r\nb\r\n$eb" [raw_reply3 xread streams a b 1-0 0]
    }

    test {XREAD errors} {
        r del a
        r xadd a 1-0 f 1
        assert_arity_error xread {} {streams} {streams a} {count 1}
        assert_error_equal "ERR syntax error" {r xread count 1 streams}
        assert_error_equal "ERR syntax error" {r xread count 1 block}
        assert_error_equal "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified." \
            {r xread streams a b 0}
        assert_error_equal "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified." \
            {r xread streams a b c 0 0}
        assert_error_equal "ERR value is not an integer or out of range" {r xread count abc streams a 0}
        assert_error_equal "ERR timeout is not an integer or out of range" {r xread block abc streams a 0}
        assert_error_equal "ERR timeout is not an integer or out of range" {r xread block 1.5 streams a 0}
        assert_error_equal "ERR timeout is negative" {r xread block -1 streams a 0}
        assert_error_equal "ERR syntax error" {r xread foo streams a 0}
        foreach id {abc + - (1-0 1-x} {
            assert_error_equal $::st_badid {r xread streams a $id} $id
        }
        assert_error_equal "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option." \
            {r xread streams a >}
        assert_error_equal "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead." \
            {r xread noack streams a 0}
        assert_equal 0 [server_info_field r blocked_clients]
    }

    # ---------------------------------------------------------- XREAD BLOCK
    test {XREAD BLOCK answers at once when there is something to read} {
        r del a
        r xadd a 1-0 f 1
        assert_equal {{a {{1-0 {f 1}}}}} [r xread block 0 streams a 0]
        assert_equal {{a {{1-0 {f 1}}}}} [r xread block 10 count 5 streams nokey a 0 0]
        assert_equal 0 [server_info_field r blocked_clients]
    }

    test {XREAD BLOCK is served by an XADD to the key, with the new entry only} {
        r del a
        r xadd a 1-0 f 1
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r xadd a 2-0 f 2
        assert_equal {{a {{2-0 {f 2}}}}} [$rd read]
        assert_equal 0 [server_info_field r blocked_clients]
        $rd close
    }

    test {XREAD BLOCK with $ on a missing key is served by the XADD that creates it} {
        r del a
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r xadd a 1-0 f 1
        assert_equal {{a {{1-0 {f 1}}}}} [$rd read]
        $rd close
    }

    test {XREAD BLOCK $ means newer than the last entry when it blocked} {
        r del a
        r xadd a 1-0 f 1
        set rd [redis_deferring_client]
        st_send $rd {xread block 0 streams a $} {xread block 0 streams a $}
        wait_for_blocked_clients_count 1
        r xadd a 2-0 f 2
        assert_equal {{a {{2-0 {f 2}}}}} [$rd read]
        # The second XREAD blocks again: its $ is now 2-0.
        wait_for_blocked_clients_count 1
        r xadd a 3-0 f 3
        assert_equal {{a {{3-0 {f 3}}}}} [$rd read]
        $rd close
    }

    test {XREAD BLOCK with an ID beyond the end waits for an entry past that ID} {
        r del a
        r xadd a 5-0 f 5
        set rd [blocked_client 2 1 xread block 0 streams a 100-0]
        r xadd a 50-0 f 50
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        r xadd a 150-0 f 150
        assert_equal {{a {{150-0 {f 150}}}}} [$rd read]
        $rd close
    }

    test {XREAD BLOCK on several keys is served by the key that got an entry} {
        r del a b c
        r xadd a 1-0 f 1
        set rd [blocked_client 2 1 xread block 0 streams a b c {$} {$} {$}]
        r xadd c 7-0 h 7
        assert_equal {{c {{7-0 {h 7}}}}} [$rd read]
        $rd close
    }

    test {XREAD BLOCK served in RESP3 gets a map} {
        r del a
        set rd [blocked_client 3 1 xread block 0 streams a {$}]
        r xadd a 1-0 f 1
        assert_equal "%1\r\n\$1\r\na\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$1\r\n1\r\n" [$rd read_raw]
        $rd close
    }

    test {XREAD BLOCK COUNT caps what a served client gets} {
        r del a
        r xadd a 1-0 f 1
        set rd [blocked_client 2 1 xread block 0 count 2 streams a {$}]
        r multi
        r xadd a 2-0 f 2
        r xadd a 3-0 f 3
        r xadd a 4-0 f 4
        r exec
        assert_equal {{a {{2-0 {f 2}} {3-0 {f 3}}}}} [$rd read]
        $rd close
    }

    test {XADD inside MULTI serves the blocked client after EXEC, with the whole transaction} {
        r del a
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r multi
        r xadd a 1-0 f 1
        r xadd a 2-0 f 2
        r exec
        assert_equal {{a {{1-0 {f 1}} {2-0 {f 2}}}}} [$rd read]
        $rd close
    }

    test {A transaction that adds to two of the waited keys serves the first one it touched} {
        r del a b
        r xadd a 1-0 f 1
        set rd [blocked_client 2 1 xread block 0 streams a b {$} {$}]
        r multi
        r xadd b 1-0 g 1
        r xadd a 2-0 f 2
        r exec
        assert_equal {{b {{1-0 {g 1}}}}} [$rd read]
        $rd close
    }

    test {An entry trimmed or deleted before the client is served still wakes it, with no entries} {
        r del a
        r xadd a 1-0 f 1
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r xadd a maxlen 0 2-0 f 2
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n*0\r\n" [$rd read_raw]
        $rd xread block 0 streams a {$}
        wait_for_blocked_clients_count 1
        r multi
        r xadd a 3-0 f 3
        r xdel a 3-0
        r exec
        assert_equal "*1\r\n*2\r\n\$1\r\na\r\n*0\r\n" [$rd read_raw]
        $rd close
    }

    test {XADD inside a script serves the blocked client after the script} {
        if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
        r del a
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r eval {
            redis.call('xadd', KEYS[1], '1-0', 'f', '1')
            redis.call('xadd', KEYS[1], '2-0', 'f', '2')
        } 1 a
        assert_equal {{a {{1-0 {f 1}} {2-0 {f 2}}}}} [$rd read]
        $rd close
    }

    test {XREAD BLOCK is refused in a script; XREAD without BLOCK works there} {
        if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
        r del a
        r xadd a 1-0 f 1
        assert_error "ERR xread command is not allowed with BLOCK option from scripts*" \
            {r eval {return redis.call('xread', 'block', '0', 'streams', KEYS[1], '$')} 1 a}
        assert_error "ERR xread command is not allowed with BLOCK option from scripts*" \
            {r eval {return redis.call('xread', 'block', '0', 'streams', KEYS[1], '0')} 1 a}
        assert_equal {{a {{1-0 {f 1}}}}} [r eval {return redis.call('xread', 'streams', KEYS[1], '0')} 1 a]
        assert_equal 0 [server_info_field r blocked_clients]
    }

    test {Inside MULTI XREAD BLOCK answers at once} {
        r del a
        set cmds [list [list xread block 0 streams a {$}] [list xread block 0 streams a 0]]
        assert_equal "*2\r\n*-1\r\n*-1\r\n" [exec_reply_raw 2 $cmds]
        assert_equal "*2\r\n_\r\n_\r\n" [exec_reply_raw 3 $cmds]
        r xadd a 1-0 f 1
        r multi
        r xread block 0 streams a {$}
        r xread block 0 streams a 0
        assert_equal {(nil) {{a {{1-0 {f 1}}}}}} [r exec]
        assert_equal 0 [server_info_field r blocked_clients]
    }

    test {XREAD BLOCK timeout: a null array in RESP2, a null in RESP3} {
        r del a
        r xadd a 1-0 f 1
        assert_equal "*-1\r\n" [raw_reply xread block 10 streams a {$}]
        assert_equal "_\r\n" [raw_reply3 xread block 10 streams a {$}]
        assert_equal "*-1\r\n" [raw_reply xread block 10 streams nokey 0]
        assert_equal 0 [server_info_field r blocked_clients]
    }

    test {A client whose timeout passed is not served any more} {
        r del a
        set rd [redis_deferring_client]
        $rd null_value (nil)
        assert_equal {(nil) next} [pipeline_replies $rd {{xread block 20 streams a $} {echo next}}]
        r xadd a 1-0 f 1
        assert_equal 0 [server_info_field r blocked_clients]
        $rd close
    }

    test {BLOCK 0 waits until served, however many other writes come first} {
        r del a other
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        for {set i 0} {$i < 20} {incr i} { r set other $i ; r xadd o * x $i }
        assert_equal 1 [server_info_field r blocked_clients]
        r xadd a 1-0 f 1
        assert_equal {{a {{1-0 {f 1}}}}} [$rd read]
        r del o
        $rd close
    }

    test {Clients blocked on one key are all served, first come first served} {
        r del a order
        set rds {}
        for {set i 1} {$i <= 3} {incr i} {
            set rd [redis_deferring_client]
            # What a served client runs next shows the order they were served.
            st_send $rd {xread block 0 streams a $} [list rpush order $i]
            wait_for_blocked_clients_count $i
            lappend rds $rd
        }
        r xadd a 1-0 f 1
        foreach rd $rds {
            assert_equal {{a {{1-0 {f 1}}}}} [$rd read]
            $rd read
        }
        assert_equal {1 2 3} [r lrange order 0 -1]
        st_close {*}$rds
    }

    test {XDEL, XTRIM and XSETID serve nobody} {
        r del a
        r xadd a 1-0 f 1
        r xadd a 2-0 f 2
        set rd [redis_deferring_client]
        # Not blocked: 0-0 has entries after it.
        $rd xread block 0 streams a 0-0
        assert_equal 2 [llength [lindex [$rd read] 0 1]]
        $rd xread block 0 streams a {$}
        wait_for_blocked_clients_count 1
        r xdel a 1-0
        r xtrim a maxlen 0
        r xsetid a 10-0
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        r xadd a 11-0 f 11
        assert_equal {{a {{11-0 {f 11}}}}} [$rd read]
        $rd close
    }

    test {A DEL or a change of type keeps the client waiting; the ID it waits past stays} {
        r del a
        r xadd a 5-0 f 5
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        r del a
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        # A new stream under the key: its entry must still be past 5-0.
        r xadd a 1-0 f 1
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        r del a
        r set a string
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        r del a
        r rpush a x
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        r del a
        r xadd a 6-0 f 6
        assert_equal {{a {{6-0 {f 6}}}}} [$rd read]
        $rd close
    }

    test {A client waits on its own database's key only} {
        set c [redis_client]
        $c select 9
        $c del a
        set rd [redis_deferring_client]
        $rd select 9
        $rd read
        $rd xread block 0 streams a {$}
        wait_for_blocked_clients_count 1
        r del a
        r xadd a 1-0 f other-db
        after 50
        assert_equal 1 [server_info_field r blocked_clients]
        $c xadd a 1-0 f mine
        assert_equal {{a {{1-0 {f mine}}}}} [$rd read]
        r del a
        $c del a
        st_close $c $rd
    }

    test {CLIENT UNBLOCK: TIMEOUT answers as a timeout, ERROR with -UNBLOCKED} {
        r del a
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        foreach how {{} timeout error} {
            assert_unblocked_by_client_unblock $rd $id {xread block 0 streams a $} $how
        }
        assert_equal 0 [r client unblock $id]
        assert_equal 0 [server_info_field r blocked_clients]
        r xadd a 1-0 f 1
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test {A served client runs its pipelined requests afterwards, in order} {
        r del a
        set rd [redis_deferring_client]
        st_send $rd {xread block 0 streams a $} {xlen a} {echo after}
        wait_for_blocked_clients_count 1
        r xadd a 1-0 f 1
        assert_equal {{a {{1-0 {f 1}}}}} [$rd read]
        assert_equal 1 [$rd read]
        assert_equal after [$rd read]
        $rd close
    }

    # ---------------------------------------------------------- XINFO STREAM
    test {XINFO STREAM: fields, their order and values} {
        r del s
        r xadd s 1-0 a 1 b 2
        r xadd s 2-0 c 3
        r xadd s 3-0 d 4
        r xdel s 2-0
        set info [st_info s]
        assert_equal [list length radix-tree-keys radix-tree-nodes last-generated-id \
            max-deleted-entry-id entries-added recorded-first-entry-id groups \
            first-entry last-entry] [dict keys $info]
        assert_equal 2 [dict get $info length]
        assert {[string is integer -strict [dict get $info radix-tree-keys]]}
        assert {[string is integer -strict [dict get $info radix-tree-nodes]]}
        assert_equal 3-0 [dict get $info last-generated-id]
        assert_equal 2-0 [dict get $info max-deleted-entry-id]
        assert_equal 3 [dict get $info entries-added]
        assert_equal 1-0 [dict get $info recorded-first-entry-id]
        assert_equal 0 [dict get $info groups]
        assert_equal {1-0 {a 1 b 2}} [dict get $info first-entry]
        assert_equal {3-0 {d 4}} [dict get $info last-entry]
    }

    test {XINFO STREAM: recorded-first-entry-id follows the first entry; an empty stream} {
        st_make s 1-0 2-0 3-0
        r xdel s 1-0
        assert_equal 2-0 [dict get [st_info s] recorded-first-entry-id]
        r xtrim s maxlen 1
        assert_equal 3-0 [dict get [st_info s] recorded-first-entry-id]
        assert_equal 1-0 [dict get [st_info s] max-deleted-entry-id]
        r xdel s 3-0
        set info [st_info s]
        assert_equal 0 [dict get $info length]
        assert_equal 0-0 [dict get $info recorded-first-entry-id]
        assert_equal 3-0 [dict get $info max-deleted-entry-id]
        assert_equal 3 [dict get $info entries-added]
        assert_equal (nil) [dict get $info first-entry]
        assert_equal (nil) [dict get $info last-entry]
        # A new stream has no deleted entry yet.
        st_make t 1-0
        assert_equal 0-0 [dict get [st_info t] max-deleted-entry-id]
    }

    test {XINFO STREAM: entries-added counts every entry ever added} {
        r del s
        for {set i 1} {$i <= 10} {incr i} { r xadd s maxlen 3 $i-0 f v }
        set info [st_info s]
        assert_equal 3 [dict get $info length]
        assert_equal 10 [dict get $info entries-added]
        assert_equal 0-0 [dict get $info max-deleted-entry-id]
        assert_equal 8-0 [dict get $info recorded-first-entry-id]
    }

    test {XINFO STREAM FULL: fields, their order, and the entries} {
        r del s
        r xadd s 1-0 a 1 b 2
        r xadd s 2-0 c 3
        r xadd s 3-0 d 4
        set info [r xinfo stream s full]
        assert_equal [list length radix-tree-keys radix-tree-nodes last-generated-id \
            max-deleted-entry-id entries-added recorded-first-entry-id entries \
            groups] [dict keys $info]
        assert_equal 3 [dict get $info length]
        assert_equal 3-0 [dict get $info last-generated-id]
        assert_equal 0-0 [dict get $info max-deleted-entry-id]
        assert_equal 3 [dict get $info entries-added]
        assert_equal 1-0 [dict get $info recorded-first-entry-id]
        assert_equal [r xrange s - +] [dict get $info entries]
        assert_equal {} [dict get $info groups]
        assert_equal [r xrange s - + count 2] [dict get [r xinfo stream s full count 2] entries]
        # COUNT 0 (and a negative COUNT) mean every entry.
        assert_equal [r xrange s - +] [dict get [r xinfo stream s FULL COUNT 0] entries]
        assert_equal [r xrange s - +] [dict get [r xinfo stream s full count -1] entries]
    }

    test {XINFO STREAM FULL COUNT defaults to 10 entries} {
        r del s
        for {set i 1} {$i <= 15} {incr i} { r xadd s $i-0 f $i }
        set entries [dict get [r xinfo stream s full] entries]
        assert_equal [r xrange s - + count 10] $entries
        assert_equal 15 [llength [dict get [r xinfo stream s full count 100] entries]]
    }

    test {XINFO STREAM reply forms: maps in RESP3, null entries of an empty stream} {
        r del s
        r xadd s 1-0 a 1
        set raw3 [raw_reply3 xinfo stream s]
        assert_match "%10\r\n\$6\r\nlength\r\n:1\r\n\$15\r\nradix-tree-keys\r\n:*" $raw3
        assert_match "*\$17\r\nlast-generated-id\r\n\$3\r\n1-0\r\n\$20\r\nmax-deleted-entry-id\r\n\$3\r\n0-0\r\n\$13\r\nentries-added\r\n:1\r\n\$23\r\nrecorded-first-entry-id\r\n\$3\r\n1-0\r\n\$6\r\ngroups\r\n:0\r\n\$11\r\nfirst-entry\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n\$10\r\nlast-entry\r\n*2\r\n*" $raw3
        assert_match "*20\r\n\$6\r\nlength\r\n:1\r\n*" [raw_reply xinfo stream s]
        set full3 [raw_reply3 xinfo stream s full]
        assert_match "%9\r\n\$6\r\nlength\r\n*\$7\r\nentries\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\na\r\n\$1\r\n1\r\n\$6\r\ngroups\r\n*0\r\n" $full3
        assert_match "*18\r\n*" [raw_reply xinfo stream s full]
        r xdel s 1-0
        assert_match "*\$11\r\nfirst-entry\r\n\$-1\r\n\$10\r\nlast-entry\r\n\$-1\r\n" [raw_reply xinfo stream s]
        assert_match "*\$11\r\nfirst-entry\r\n_\r\n\$10\r\nlast-entry\r\n_\r\n" [raw_reply3 xinfo stream s]
        assert_match "*\$7\r\nentries\r\n*0\r\n\$6\r\ngroups\r\n*0\r\n" [raw_reply3 xinfo stream s full]
    }

    test {XINFO STREAM errors} {
        r del s
        r xadd s 1-0 a 1
        set usage "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP."
        assert_error_equal "ERR no such key" {r xinfo stream nokey}
        assert_error_equal "ERR no such key" {r xinfo stream nokey full}
        assert_error_equal $usage {r xinfo stream s foo}
        assert_error_equal $usage {r xinfo stream s count 1}
        assert_error_equal $usage {r xinfo stream s full count}
        assert_error_equal $usage {r xinfo stream s full foo 1}
        assert_error_equal "ERR value is not an integer or out of range" {r xinfo stream s full count abc}
        assert_error_equal "ERR wrong number of arguments for 'xinfo' command" {r xinfo}
        assert_error_equal "ERR wrong number of arguments for 'xinfo|stream' command" {r xinfo stream}
        assert_error_equal "ERR unknown subcommand 'foo'. Try XINFO HELP." {r xinfo foo}
        r set str x
        assert_error_equal $::st_wrongtype {r xinfo stream str}
        assert_error_equal $::st_wrongtype {r xinfo stream str full}
    }

    test {XINFO HELP lists STREAM} {
        set help [r xinfo help]
        assert_match {XINFO <subcommand>*} [lindex $help 0]
        assert {[lsearch -glob $help {STREAM <key> \[FULL \[COUNT <count>\]*}] >= 0} $help
    }

    # ------------------------------------------- type, wrong type, keyspace
    test {TYPE and OBJECT ENCODING of a stream; SCAN TYPE stream} {
        st_make s 1-0
        assert_equal stream [r type s]
        assert_equal stream [r object encoding s]
        assert_equal "+stream\r\n" [raw_reply type s]
        assert_equal {s} [lindex [r scan 0 type stream match s] 1]
        r xdel s 1-0
        assert_equal stream [r type s]
    }

    test {WRONGTYPE: stream commands on other types} {
        r del str lst
        r set str x
        r rpush lst a
        foreach key {str lst} {
            foreach cmd {{xadd KEY * f v} {xadd KEY nomkstream * f v} {xlen KEY}
                         {xrange KEY - +} {xrevrange KEY + -} {xdel KEY 1-0}
                         {xtrim KEY maxlen 0} {xsetid KEY 1-0} {xread streams KEY 0}
                         {xread block 0 streams KEY $} {xinfo stream KEY}} {
                set argv [string map [list KEY $key] $cmd]
                assert_error_equal $::st_wrongtype {r {*}$argv} $argv
            }
        }
        # XREAD: any key of another type is refused, even after a stream.
        st_make s 1-0
        assert_error_equal $::st_wrongtype {r xread streams s str 0 0}
        assert_equal x [r get str]
        assert_equal 0 [server_info_field r blocked_clients]
    }

    test {WRONGTYPE: a stream given to string, list, set, hash and sorted set commands} {
        st_make s 1-0
        foreach cmd {{get s} {append s x} {incr s} {lpush s a} {lrange s 0 -1} {sadd s a}
                     {smembers s} {hset s f v} {hgetall s} {zadd s 1 a} {zrange s 0 -1}} {
            assert_error_equal $::st_wrongtype {r {*}$cmd} $cmd
        }
        assert_equal {1-0} [st_ids s]
    }

    test {Streams under the keyspace commands: RENAME, COPY, EXPIRE, DEL, EXISTS} {
        r del s s2 s3
        st_make s 1-0 2-0
        r xsetid s 5-0 entriesadded 7 maxdeletedid 3-0
        set core [st_info_core s]
        assert_equal OK [r rename s s2]
        assert_equal 0 [r exists s]
        assert_equal $core [st_info_core s2]
        assert_equal 1 [r copy s2 s3]
        assert_equal $core [st_info_core s3]
        r xadd s3 6-0 f v
        assert_equal {1-0 2-0} [st_ids s2]
        assert_equal 1 [r expire s2 100]
        assert_range [r ttl s2] 1 100
        r xadd s2 7-0 f v
        assert_range [r ttl s2] 1 100
        assert_equal 2 [r del s2 s3]
    }

    test {DUMP and RESTORE of a stream keep its entries and history} {
        r del s s2
        for {set i 1} {$i <= 300} {incr i} { r xadd s $i-0 f $i g [string repeat x [expr {$i % 40}]] }
        r xdel s 7-0 100-0
        r xtrim s maxlen 250
        r xsetid s 400-0
        set dump [r dump s]
        assert_equal OK [r restore s2 0 $dump]
        assert_equal [r xrange s - +] [r xrange s2 - +]
        assert_equal [st_info_core s] [st_info_core s2]
        r del s s2
    }

    # ------------------------------------------------------ WATCH, tracking
    test {XADD, XDEL, XTRIM and XSETID dirty a WATCHed stream} {
        foreach cmd {{xadd k * f v} {xadd k nomkstream * f v} {xadd k maxlen 0 * f v}
                     {xdel k 1-0} {xtrim k maxlen 1} {xtrim k minid 2} {xtrim k maxlen ~ 0}
                     {del k}} {
            assert_equal 1 [watch_aborts {{xadd k 1-0 f v} {xadd k 2-0 f v}} $cmd] $cmd
        }
    }

    test {Reads and writes that change nothing do not dirty a WATCHed stream} {
        foreach cmd {{xlen k} {xrange k - +} {xrevrange k + -} {xread streams k 0}
                     {xinfo stream k} {xdel k 9-0} {xtrim k maxlen 5} {xtrim k minid 1}
                     {xtrim k maxlen ~ 1} {xadd k 1-0 f v} {xadd other * f v}} {
            assert_equal 0 [watch_aborts {{xadd k 1-0 f v} {xadd k 2-0 f v}} $cmd] $cmd
        }
        assert_equal 0 [watch_aborts {} {xadd k nomkstream * f v}]
    }

    test {Tracking: a write to a stream invalidates the readers' keys} {
        set rd [redis_client]
        $rd hello 3
        $rd client tracking on
        $rd deferred 1
        set readers {{xrange k - +} {xrevrange k + -} {xlen k} {xread streams k 0}}
        set writers {{xadd k 9-0 f v} {xdel k 1-0} {xtrim k maxlen 0} {xadd k maxlen 1 * f v}}
        foreach read $readers write $writers {
            st_make k 1-0 2-0
            $rd {*}$read
            $rd read
            r {*}$write
            $rd ping
            assert_equal {invalidate k} [$rd read] "$read then $write"
            assert_equal PONG [$rd read]
        }
        $rd close
    }

    test {XSETID, as in Redis 7.0.15, dirties no WATCH and invalidates no tracked key} {
        # Redis 7.0.15 sends the xsetid event but does not signal the key
        # as modified; redis-kv answers as it does.
        assert_equal 0 [watch_aborts {{xadd k 1-0 f v}} {xsetid k 9-0}]
        assert_equal 0 [watch_aborts {{xadd k 1-0 f v}} {xsetid k 9-0 entriesadded 5 maxdeletedid 1-0}]
        set rd [redis_client]
        $rd hello 3
        $rd client tracking on
        $rd deferred 1
        st_make k 1-0
        $rd xlen k
        assert_equal 1 [$rd read]
        r xsetid k 9-0
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    # --------------------------------------------------------------- events
    test {Keyspace events of the t class, in Redis's order} {
        r flushdb
        set ev [keyspace_events_of KEA {
            r xadd s 1-0 a 1
            r xadd s 2-0 a 1
            r xadd s 3-0 a 1
            r xadd s maxlen 1 4-0 a 1
            r xadd s maxlen 5 5-0 a 1
            r xtrim s maxlen 5
            r xtrim s maxlen 1
            r xdel s 99-0
            r xdel s 5-0
            r xsetid s 10-0
            r xadd n nomkstream 1-0 a 1
            r xadd s minid 20 20-0 a 1
            r xadd s minid 21 21-0 a 1
            catch {r xadd s 1-0 a 1}
            r xrange s - +
            r xread streams s 0
            r del s
        }]
        assert_equal [list {*}{s xadd s xadd s xadd s xadd s xtrim s xadd s xtrim
            s xdel s xsetid s xadd s xadd s xtrim s del}] [join $ev]
    }

    test {Only the t class sends stream events; KEt, KEA and Kt agree} {
        r flushdb
        set cmds {
            r xadd s 1-0 a 1
            r xadd s maxlen 0 2-0 a 1
        }
        assert_equal {{s xadd} {s xadd} {s xtrim}} [keyspace_events_of Kt $cmds]
        r flushdb
        assert_equal {} [keyspace_events_of Kg $cmds]
        r flushdb
        assert_equal {} [keyspace_events_of Kl $cmds]
    }

    test {A served XREAD BLOCK sends no event of its own} {
        r del a
        set rd [blocked_client 2 1 xread block 0 streams a {$}]
        set ev [keyspace_events_of KEA {
            r xadd a 1-0 f 1
            assert_equal {{a {{1-0 {f 1}}}}} [$rd read]
        }]
        assert_equal {{a xadd}} $ev
        $rd close
    }

    # ----------------------------------------------------------- big streams
    test {10,000 entries: XRANGE and XREVRANGE pages with exclusive bounds walk every entry once} {
        r del big
        # IDs ms-seq with three entries per millisecond, so that both parts
        # of an ID matter; the model is a list of {id fields}.
        set n 10000
        set model {}
        set cmds {}
        for {set i 0} {$i < $n} {incr i} {
            set id "[expr {1000 + $i / 3}]-[expr {$i % 3}]"
            set fields [list n $i p [string repeat x [expr {$i % 17}]]]
            lappend model [list $id $fields]
            lappend cmds [list xadd big $id {*}$fields]
        }
        set c [redis_client]
        set ids [pipeline_replies $c $cmds]
        $c close
        assert_equal [st_reply_ids $model] $ids
        assert_equal $n [r xlen big]
        # Delete every 7th entry, in the model too.
        set del {}
        set kept {}
        foreach e $model {
            if {[lindex $e 1 1] % 7 == 0} { lappend del [lindex $e 0] } else { lappend kept $e }
        }
        assert_equal [llength $del] [r xdel big {*}$del]
        set model $kept
        assert_equal [llength $model] [r xlen big]
        # Forward pages of 97 from "-" then "(last".
        set got {}
        set start -
        set pages 0
        while 1 {
            set page [r xrange big $start + count 97]
            if {![llength $page]} break
            incr pages
            lappend got {*}$page
            set start "([lindex $page end 0]"
        }
        assert_equal [llength $model] [llength $got]
        assert_equal $model $got
        assert_equal [expr {([llength $model] + 96) / 97}] $pages
        # Backward pages of 113 from "+" then "(last".
        set got {}
        set end +
        while 1 {
            set page [r xrevrange big $end - count 113]
            if {![llength $page]} break
            lappend got {*}$page
            set end "([lindex $page end 0]"
        }
        assert_equal [lreverse $model] $got
        # XREAD pages (its ID is exclusive by nature).
        set got {}
        set last 0-0
        while 1 {
            set r [r xread count 500 streams big $last]
            if {$r eq "(nil)"} break
            set page [lindex $r 0 1]
            lappend got {*}$page
            set last [lindex $page end 0]
        }
        assert_equal $model $got
    }

    test {10,000 entries: ranges with incomplete and exclusive IDs against the model} {
        # Uses the stream of the test above.
        set model {}
        foreach e [r xrange big - +] { lappend model $e }
        foreach {a b} {1500 1600 (1500 1600 1500 (1600 2000-1 2001-0 (2000-1 (2001-0
                       - 1003 4000 + 4332-2 + 1000-1 1000-1} {
            set want {}
            foreach e $model {
                set id [lindex $e 0]
                if {[st_model_in $id $a $b]} { lappend want $e }
            }
            assert_equal $want [r xrange big $a $b] "xrange $a $b"
            assert_equal [lreverse $want] [r xrevrange big $b $a] "xrevrange $b $a"
        }
        r del big
    }

    test {XTRIM MAXLEN = and MINID = on 10,000 entries} {
        r del big
        set cmds {}
        for {set i 1} {$i <= 10000} {incr i} { lappend cmds [list xadd big $i-1 f $i] }
        set c [redis_client]
        pipeline_replies $c $cmds
        $c close
        assert_equal 2500 [r xtrim big maxlen 7500]
        assert_equal 2501-1 [lindex [r xrange big - + count 1] 0 0]
        assert_equal 2500 [r xtrim big minid 5001]
        assert_equal 5001-1 [lindex [r xrange big - + count 1] 0 0]
        assert_equal 5000 [r xlen big]
        assert_equal 10000 [dict get [st_info big] entries-added]
        assert_equal 0-0 [dict get [st_info big] max-deleted-entry-id]
        r del big
    }
}

# ------------------------------------------------ stream-node-max-entries
start_server {tags {stream needs:own-server}} {
    test {stream-node-max-entries and -bytes: defaults, CONFIG SET and GET} {
        assert_equal {stream-node-max-entries 100} [r config get stream-node-max-entries]
        assert_equal {stream-node-max-bytes 4096} [r config get stream-node-max-bytes]
        assert_equal OK [r config set stream-node-max-entries 10]
        assert_equal {stream-node-max-entries 10} [r config get stream-node-max-entries]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'stream-node-max-entries')*" \
            {r config set stream-node-max-entries abc}
        assert_equal {stream-node-max-entries 10} [r config get stream-node-max-entries]
        r config set stream-node-max-entries 100
    }

    # Per node size: XLEN after 100 XADD MAXLEN ~ 25; then, on 1000
    # entries, what XTRIM MAXLEN ~ 0 removes (at most 100 nodes' worth by
    # default), then LIMIT 25, then MAXLEN ~ 555.
    foreach {size xlen trim0 limit25 trim555} {
        1 25 100 25 100
        2 26 200 24 200
        3 25 300 24 120
        5 25 500 25 0
        7 30 700 21 0
        10 30 1000 0 0
        100 100 1000 0 0
    } {
        test "stream-node-max-entries $size: what ~ trimming keeps and removes" {
            r config set stream-node-max-entries $size
            r del s
            for {set i 1} {$i <= 100} {incr i} { r xadd s maxlen ~ 25 $i-0 f v }
            assert_equal $xlen [r xlen s] "XLEN after XADD MAXLEN ~ 25"
            r del s
            set c [redis_client]
            set cmds {}
            for {set i 1} {$i <= 1000} {incr i} { lappend cmds [list xadd s $i-0 f v] }
            pipeline_replies $c $cmds
            $c close
            assert_equal $trim0 [r xtrim s maxlen ~ 0] "MAXLEN ~ 0"
            assert_equal $limit25 [r xtrim s maxlen ~ 0 limit 25] "MAXLEN ~ 0 LIMIT 25"
            assert_equal $trim555 [r xtrim s maxlen ~ 555] "MAXLEN ~ 555"
            set left [expr {1000 - $trim0 - $limit25 - $trim555}]
            assert_equal $left [r xlen s]
            # What is left is the tail of the stream, in order.
            if {$left} {
                assert_equal [expr {1001 - $left}]-0 [lindex [r xrange s - + count 1] 0 0]
            }
            r config set stream-node-max-entries 100
        }
    }

    test {MINID ~ removes only whole nodes below the ID} {
        r config set stream-node-max-entries 10
        r del s
        for {set i 1} {$i <= 100} {incr i} { r xadd s $i-0 f v }
        # Nodes hold 1-10, 11-20 ...: MINID 35 removes the first three.
        assert_equal 30 [r xtrim s minid ~ 35]
        assert_equal 31-0 [lindex [r xrange s - + count 1] 0 0]
        assert_equal 0 [r xtrim s minid ~ 35]
        assert_equal 70 [r xlen s]
        # XADD MINID ~ does the same on the way.
        assert_equal 101-0 [r xadd s minid ~ 55 101-0 f v]
        assert_equal 51-0 [lindex [r xrange s - + count 1] 0 0]
        # LIMIT stops before a node that does not fit in it.
        assert_equal 10 [r xtrim s minid ~ 95 limit 15]
        assert_equal 61-0 [lindex [r xrange s - + count 1] 0 0]
        r config set stream-node-max-entries 100
    }

    test {Entries deleted with XDEL still fill their node} {
        r config set stream-node-max-entries 10
        r del s
        for {set i 1} {$i <= 30} {incr i} { r xadd s $i-0 f v }
        r xdel s 1-0 2-0 3-0 4-0 5-0 6-0 7-0 8-0 9-0
        # First node: only 10-0 is left in it; MAXLEN ~ 20 can drop it.
        assert_equal 1 [r xtrim s maxlen ~ 20]
        assert_equal 11-0 [lindex [r xrange s - + count 1] 0 0]
        assert_equal 20 [r xlen s]
        r config set stream-node-max-entries 100
    }

    test {DEBUG RELOAD keeps entries and history} {
        r config set stream-node-max-entries 7
        r del s e
        for {set i 1} {$i <= 50} {incr i} { r xadd s $i-0 f $i }
        r xdel s 3-0 20-0
        r xtrim s maxlen 40
        r xsetid s 60-0 entriesadded 70 maxdeletedid 20-0
        r xadd e 1-0 f v
        r xdel e 1-0
        set want [list [r xrange s - +] [st_info_core s] [st_info_core e]]
        assert_equal OK [r debug reload]
        assert_equal $want [list [r xrange s - +] [st_info_core s] [st_info_core e]]
        assert_equal 60-1 [r xadd s 60-* f v]
        r config set stream-node-max-entries 100
    }

    test {stream-node-max-entries 0: no limit on entries, the byte limit still splits} {
        r config set stream-node-max-entries 0
        r config set stream-node-max-bytes 4096
        r del s
        # Values of about 500 bytes: a node is full after a few entries.
        for {set i 1} {$i <= 40} {incr i} { r xadd s $i-0 f [string repeat v 500] }
        set removed [r xtrim s maxlen ~ 10]
        assert_morethan $removed 0
        assert_lessthan_equal [expr {40 - $removed}] 40
        assert_morethan_equal [r xlen s] 10
        r config set stream-node-max-entries 100
    }
}

# ------------------------------------------------------------ durability
# Streams in redis-kv's log.  A real Redis has no such log, so the block
# is tagged redis-kv-only needs:own-server and each test first calls
# st_dur_require, which skips it there (no redis_kv_version in INFO
# server) and in --host/--port mode.  The servers are spawned here
# (spawn_durable_server: appendfsync always) and only their PIDs are
# signalled.

set ::st_dur_skip ""
proc st_dur_require {} { if {$::st_dur_skip ne ""} { skip $::st_dur_skip } }

# Every stream of client C in the current database: a dict key ->
# {entries xinfo-core ttl-set?}.
proc st_dur_snapshot {c} {
    set out [dict create]
    foreach k [lsort [$c keys *]] {
        if {[$c type $k] ne "stream"} continue
        dict set out $k [list [$c xrange $k - +] [$c xlen $k] [st_info_core $k $c] \
                             [expr {[$c ttl $k] > 0}]]
    }
    return $out
}

# Writes streams every way on client C: entries with every byte, XDEL,
# XTRIM exact and approximate, XADD with MAXLEN and MINID, XSETID with
# its options, an emptied stream, an expiring one, a deleted one, a
# stream overwritten by a string.  Returns the snapshot.
proc st_dur_write {c} {
    $c xadd small 1-0 a 1 b 2
    $c xadd small 2-0 bin [all_bytes] "" empty
    $c xadd small 2-* c 3
    for {set i 1} {$i <= 1000} {incr i} {
        $c xadd large $i-[expr {$i % 3}] n $i pad [string repeat p [expr {$i % 30}]]
    }
    $c xdel large 5-2 6-0 500-2
    $c xtrim large maxlen 900
    $c xtrim large minid 150
    $c xtrim large maxlen ~ 700
    $c xadd large maxlen 850 2000-0 last 1
    $c xadd large minid = 200 2001-0 last 2
    $c xsetid large 3000-0 entriesadded 5000 maxdeletedid 201-0
    $c xadd emptied 1-0 a 1
    $c xadd emptied 2-0 a 2
    $c xdel emptied 1-0 2-0
    $c xsetid emptied 7-7
    $c xadd trimmed 1-0 a 1
    $c xtrim trimmed maxlen 0
    $c xadd ttl 1-0 a 1
    $c expire ttl 100000
    $c xadd ttl 2-0 a 2
    $c xadd gone 1-0 a 1
    $c del gone
    $c xadd was 1-0 a 1
    $c set was "a string now"
    return [st_dur_snapshot $c]
}

# check_restarts's VERIFY for the streams of st_dur_write.
proc st_dur_verify {c when} {
    assert_equal $::st_dur_want [st_dur_snapshot $c] $when
    assert_equal 0 [$c exists gone] $when
    assert_equal "a string now" [$c get was] $when
    # The history is there too: an ID below the top is still refused.
    assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
        {$c xadd large 2999-0 f v} $when
    assert_error_equal "ERR The ID specified in XADD is equal or smaller than the target stream top item" \
        {$c xadd emptied 7-7 f v} $when
}

# The log bytes that SCRIPT (run in the caller) adds on client C.
proc st_dur_log_growth {c script} {
    set before [server_info_field $c storage_total_bytes]
    uplevel 1 $script
    return [expr {[server_info_field $c storage_total_bytes] - $before}]
}

start_server {tags {stream redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::st_dur_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::st_dur_skip "the server under test is not redis-kv"
    }

    test {Streams written every way read back after a restart and after kill -9} {
        st_dur_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir]
        set c [dict get $s client]
        set ::st_dur_want [st_dur_write $c]
        assert_equal {emptied large small trimmed ttl} [dict keys $::st_dur_want]
        stop_server $s
        check_restarts $s $dir st_dur_verify
    }

    test {kill -9 under pipelined XADD: no acknowledged entry lost, none invented} {
        st_dur_require
        set s [spawn_durable_server]
        set rd [redis_deferring_client $s]
        # Command i adds entry i-1 with two fields.  All 3000 go in one
        # write; the server is killed once 500 replies have been read.
        set cmds {}
        for {set i 1} {$i <= 3000} {incr i} {
            lappend cmds [list xadd s $i-1 a $i b [expr {$i * 2}]]
        }
        st_send $rd {*}$cmds
        for {set acked 1} {$acked <= 500} {incr acked} {
            assert_equal $acked-1 [$rd read] "reply $acked"
        }
        incr acked -1
        stop_server $s -kill9
        $rd close
        set s [restart_server $s]
        set c [dict get $s client]
        set entries [$c xrange s - +]
        set n [llength $entries]
        assert {$n >= $acked} "$n entries survived, $acked were acknowledged"
        # Every entry survived whole, and they are 1..n with no gap.
        set i 0
        foreach e $entries {
            incr i
            assert_equal [list $i-1 [list a $i b [expr {$i * 2}]]] $e
        }
        assert_equal $n [$c xlen s]
        set info [st_info s $c]
        assert_equal $n-1 [dict get $info last-generated-id]
        assert_equal $n [dict get $info entries-added]
        # The stream goes on from where it was.
        assert_equal $n-2 [$c xadd s $n-* x y]
        stop_server $s
    }

    test {A compaction keeps streams whole, now and after kill -9} {
        st_dur_require
        set dir [new_tmpdir]
        set s [spawn_durable_server $dir {segment-size 64kb}]
        set c [dict get $s client]
        st_dur_write $c
        # Garbage for the compaction to drop: a stream written and trimmed
        # over and over.
        for {set round 0} {$round < 5} {incr round} {
            for {set i 0} {$i < 300} {incr i} {
                $c xadd churn * r $round i $i pad [string repeat c 100]
            }
            $c xtrim churn maxlen 10
        }
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        for {set i 0} {$i < 100} {incr i} { $c xadd churn * during $i }
        $c xdel small 1-0
        wait_compaction_end $c
        set ::st_dur_want [st_dur_snapshot $c]
        st_dur_verify $c "after the compaction"
        stop_server $s -kill9
        set s [restart_server $s]
        st_dur_verify [dict get $s client] "after the compaction and kill -9"
        stop_server $s
    }

    test {BACKUP RESTORE brings streams back as they were at the backup} {
        st_dur_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        set ::st_dur_want [st_dur_write $c]
        set saves [server_info_field $c rdb_saves]
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 3000 20 {[server_info_field $c rdb_saves] > $saves} else {
            fail "the BGSAVE made no backup"
        }
        set id [dict get [lindex [$c backup list] end] id]
        # Change every stream after the backup.
        $c xadd small 9-0 after 1
        $c xdel large 2000-0
        $c xtrim large maxlen 10
        $c xsetid emptied 8-0
        $c del ttl
        $c xadd gone 1-0 back 1
        assert_equal $id [lindex [$c backup restore $id] 0]
        st_dur_verify $c "after BACKUP RESTORE"
        set s [restart_server $s]
        st_dur_verify [dict get $s client] "after BACKUP RESTORE and a restart"
        stop_server $s
    }

    test {One XADD of a small entry writes a small record, whatever the stream's size} {
        st_dur_require
        set s [spawn_durable_server]
        set c [dict get $s client]
        $c xadd small 1-0 f v
        set cmds {}
        for {set i 1} {$i <= 10000} {incr i} { lappend cmds [list xadd big $i-0 field:$i value:$i] }
        pipeline_replies $c $cmds
        foreach key {small big} {
            set grew [dict create]
            dict set grew xadd [st_dur_log_growth $c { $c xadd $key 20000-0 f v }]
            dict set grew xadd-auto [st_dur_log_growth $c { $c xadd $key * f v }]
            dict set grew xdel [st_dur_log_growth $c { $c xdel $key 20000-0 }]
            dict set grew xtrim [st_dur_log_growth $c { $c xtrim $key minid 2 }]
            dict set grew xsetid [st_dur_log_growth $c { $c xsetid $key 99999999999999-0 }]
            # One record each (under 160 bytes), but XDEL: its tombstone and the
            # stream's counters (the max deleted ID) are a batch of two records,
            # with the batch's begin and commit markers (under 300 bytes).
            dict for {cmd bytes} $grew {
                set bound [expr {$cmd eq "xdel" ? 300 : 160}]
                assert_morethan $bytes 0 "$cmd on $key wrote nothing"
                assert_lessthan $bytes $bound "$cmd of one entry of $key added $bytes bytes to the log ($grew)"
            }
        }
        # A read, or a write that changes nothing, logs nothing.
        assert_equal 0 [st_dur_log_growth $c {
            $c xrange big - + count 10
            $c xread streams big small 0 0
            $c xlen big
            $c xinfo stream big full
            $c xdel big 1-0
            $c xtrim big maxlen 1000000
            $c xadd nokey nomkstream * f v
        }]
        stop_server $s
    }
}
