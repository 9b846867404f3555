# DUMP and RESTORE: the serialized value of strings, hashes, sets, lists
# and streams in Redis 7.0's RDB encoding, both ways.  Round trips in every
# encoding (int-encoded, raw and LZF strings; listpack and hashtable
# hashes; intset and hashtable sets; lists of one node and of many;
# streams written every way, with groups, consumers and pending entries),
# payloads of every encoding Redis may send (RDB_TYPE_HASH, _ZIPLIST,
# _ZIPMAP, _LISTPACK, RDB_TYPE_SET, _INTSET, RDB_TYPE_LIST,
# _LIST_ZIPLIST, _LIST_QUICKLIST, _LIST_QUICKLIST_2, _STREAM_LISTPACKS,
# _STREAM_LISTPACKS_2),
# damaged payloads (every truncation, flipped bytes with a correct CRC:
# an error, never a crash), version and checksum errors, REPLACE,
# ABSTTL, IDLETIME, FREQ, BUSYKEY, TTL errors, arity and syntax errors,
# keyspace events and WATCH.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --tags -redis-kv-only --single unit/dump
# The block tagged redis-kv-only holds redis-kv's stricter reading, where
# Redis loads what redis-kv refuses: sorted sets (not in redis-kv yet),
# a value that runs on into the payload's own footer, an
# LZF string of length 0, a string longer than proto-max-bulk-len, a
# stream whose entries are out of order or disagree with its counters.
# redis-kv validates every payload fully, as Redis does with
# sanitize-dump-payload yes, which the main block sets.

# When /usr/bin/redis-server is installed (and the tests start their own
# servers), a block starts one beside the server under test, builds the
# same contents on both and compares the DUMP bytes, then restores each
# server's payloads on the other.
#
# The hand-made payloads below (ziplist, zipmap, the older list types)
# were built from the formats in src/lib/ziplist.h and rdb_encoding.h;
# redis-server 7.0.15 restores them to the same contents (checked by the
# reference block).  The other list payloads and the sorted set payload
# are DUMP output of redis-server 7.0.15 (the commands are given where
# each is used).

# ------------------------------------------------------------------ helpers

# CRC-64/Jones of a byte string, as DUMP's footer holds it.
set ::dump_crc_table {}
for {set b 0} {$b < 256} {incr b} {
    set c $b
    for {set k 0} {$k < 8} {incr k} {
        set c [expr {($c & 1) ? (($c >> 1) ^ 0x95AC9329AC4BC9B5) : ($c >> 1)}]
    }
    lappend ::dump_crc_table $c
}
proc dump_crc64 {data} {
    set crc 0
    binary scan $data cu* bytes
    foreach x $bytes {
        set crc [expr {[lindex $::dump_crc_table [expr {($crc ^ $x) & 0xFF}]] ^ ($crc >> 8)}]
    }
    return $crc
}

# A payload of BODY (type byte and value): version 10 and its CRC added.
proc dump_payload {body {version 10}} {
    set p "$body[binary format s $version]"
    return "$p[binary format w [dump_crc64 $p]]"
}
proc dump_payload_hex {hex} { return [dump_payload [binary format H* $hex]] }

# The body of a payload (without its 10-byte footer).
proc dump_body {payload} { return [string range $payload 0 end-10] }

# The contents of KEY in a form that compares equal for equal values.
proc dump_contents {c key} {
    switch [$c type $key] {
        string { return [list string [$c get $key]] }
        hash { return [list hash [lsort -stride 2 [$c hgetall $key]]] }
        set { return [list set [lsort [$c smembers $key]]] }
        list { return [list list [$c lrange $key 0 -1]] }
        stream { return [list stream [dump_stream_state $c $key]] }
        none { return none }
        default { return [list other [$c type $key]] }
    }
}

# Restores a payload at KEY, returning OK or the error text.
proc dump_try_restore {c key payload} {
    if {[catch {$c restore $key 0 $payload replace} res]} { return $res }
    return $res
}

# Random bytes, COUNT of them, drawn from ALPHABET (a list of characters).
proc dump_random_string {count alphabet} {
    set s ""
    set n [llength $alphabet]
    for {set i 0} {$i < $count} {incr i} { append s [lindex $alphabet [randomInt $n]] }
    return $s
}

# DUMPs KEY, checks the payload's type byte (hex) and that RESTORE of it
# gives back the same contents and encoding; returns the payload.
proc dump_round_trip {key typehex} {
    set want [dump_contents r $key]
    set enc [r object encoding $key]
    set p [r dump $key]
    assert_equal $typehex [binary encode hex [string index $p 0]]
    r del $key
    assert_equal OK [r restore $key 0 $p]
    assert_equal $enc [r object encoding $key]
    assert_equal $want [dump_contents r $key]
    return $p
}

# Contents worth comparing: {name {commands ...}}, each command without
# the key (appended as argument 1).
proc dump_cases {} {
    set cases {}
    foreach v {0 1 -1 127 128 -128 -129 32767 32768 -32768 -32769 2147483647
               2147483648 -2147483648 -2147483649 12345678901 012 +1 -0 " 1"
               9223372036854775807 9223372036854775808 hello {}} {
        lappend cases [list "string $v" [list [list set $v]]]
    }
    lappend cases [list "20 bytes" [list [list set [string repeat a 20]]]]
    lappend cases [list "21 compressible bytes" [list [list set [string repeat a 21]]]]
    lappend cases [list "long repeated pattern" [list [list set [string repeat abc 1000]]]]
    lappend cases [list "70000 bytes" [list [list set [string repeat "0123456789abcdef" 4375]]]]
    for {set i 0} {$i < 40} {incr i} {
        set alpha [lindex {{a b} {a b c} {0 1 2 3 4 5 6 7 8 9} {x y z w \x00 \xff}} [expr {$i % 4}]]
        set n [lindex {21 22 23 25 31 40 64 100 300 1000 5000} [randomInt 11]]
        lappend cases [list "random string $i" [list [list set [dump_random_string $n $alpha]]]]
    }
    lappend cases [list "small hash" [list [list hset f1 v1 f2 v2 3 4 n -300 big 70000 w -9000000000]]]
    lappend cases [list "hash of mixed sizes" [list [list hset a [string repeat x 64] b [string repeat y 50] c {}]]]
    set cmds {}
    for {set j 0} {$j < 100} {incr j} { lappend cmds [list hset field:$j [expr {$j * 37}]] }
    lappend cmds [list hdel field:7]
    lappend cmds [list hset field:3 changed]
    lappend cases [list "hash of 100 fields" $cmds]
    lappend cases [list "intset of 16 bits" [list [list sadd 1 2 3 -5 32767 -32768]]]
    lappend cases [list "intset of 32 bits" [list [list sadd 1 70000 -70000]]]
    lappend cases [list "intset of 64 bits" [list [list sadd 1 9223372036854775807 -9223372036854775808]]]
    lappend cases [list "small list" [list [list rpush a b 1 -5 300 70000 12345678901 hello {} a]]]
    set elems {}
    for {set j 0} {$j < 1000} {incr j} { lappend elems element-$j $j [expr {-$j * 99991}] }
    lappend cases [list "list of many nodes" [list [list rpush {*}$elems]]]
    lappend cases [list "list of large elements" [list [list rpush a [string repeat x 10000] b \
        [dump_random_string 9000 {a b c d}] [string repeat yz 40000] c]]]
    set cmds {}
    for {set j 0} {$j < 300} {incr j} { lappend cmds [list rpush [string repeat v [expr {$j % 120}]]] }
    lappend cases [list "list pushed one by one" $cmds]
    return $cases
}

proc dump_build {c key cmds} {
    $c del $key
    foreach cmd $cmds { $c [lindex $cmd 0] $key {*}[lrange $cmd 1 end] }
}

# A stream's whole state as XINFO STREAM FULL shows it (entries, counters,
# groups, consumers, pending entries), but the radix-tree figures: they
# say how the entries are held, not what they are.
proc dump_stream_state {c key} {
    set info [$c xinfo stream $key full count 0]
    dict unset info radix-tree-keys
    dict unset info radix-tree-nodes
    return $info
}

# Streams worth comparing: {name same cmds}, each command with %k for the
# key.  same: whether redis-kv's DUMP gives redis-server's bytes (built
# by XADDs alone, maybe trimmed by whole nodes, and no consumer: its
# times differ from server to server).
proc dump_stream_cases {} {
    set cases {}
    lappend cases [list "stream of one entry" 1 {{xadd %k 1-1 f v}}]
    set cmds {}
    for {set i 1} {$i <= 700} {incr i} {
        if {$i % 50 == 0} {
            lappend cmds [list xadd %k $i-[expr {$i % 7}] f$i [string repeat y 300]]
        } elseif {$i % 3 == 0} {
            lappend cmds [list xadd %k $i-0 a $i b [string repeat x [expr {$i % 40}]]]
        } else {
            lappend cmds [list xadd %k $i-0 a [expr {$i * 1000}] b -$i c 12345678901]
        }
    }
    lappend cases [list "stream of many nodes and mixed fields" 1 $cmds]
    set adds {}
    for {set i 1} {$i <= 300} {incr i} {
        lappend adds [list xadd %k $i-0 f $i g [string repeat x [expr {$i % 40}]]]
    }
    lappend cases [list "stream trimmed by whole nodes" 1 [concat $adds {{xtrim %k maxlen ~ 150}}]]
    lappend cases [list "stream with XSETID" 1 [concat $adds {{xsetid %k 400-0 entriesadded 500 maxdeletedid 7-0}}]]
    lappend cases [list "stream with XDEL inside nodes" 0 [concat $adds {{xdel %k 7-0 100-0 101-0 300-0}}]]
    lappend cases [list "stream trimmed exactly" 0 [concat $adds {{xtrim %k maxlen 250} {xtrim %k minid 60}}]]
    lappend cases [list "stream emptied by XDEL" 0 {{xadd %k 1-0 f v} {xadd %k 2-0 f v} {xdel %k 1-0 2-0}}]
    lappend cases [list "empty stream with groups" 0 {{xgroup create %k g1 $ mkstream}
        {xgroup create %k g2 0} {xgroup createconsumer %k g1 alice}}]
    lappend cases [list "groups with consumers and pending entries" 0 [concat [lrange $adds 0 20] {
        {xgroup create %k grp 0} {xgroup create %k other 5-0} {xgroup create %k late $}
        {xreadgroup group grp alice count 3 streams %k >}
        {xreadgroup group grp bob count 4 streams %k >}
        {xreadgroup group other carol streams %k >}
        {xgroup createconsumer %k grp dave}
        {xclaim %k grp bob 0 2-0 retrycount 7}
        {xack %k grp 5-0}
        {xdel %k 4-0}
        {xadd %k 22-0 f new}}]]
    lappend cases [list "groups whose entries read are unknown" 0 [concat [lrange $adds 0 9] {
        {xdel %k 3-0} {xgroup create %k mid 5-0} {xgroup create %k start 0}
        {xgroup setid %k start 2-0} {xreadgroup group mid eve count 2 streams %k >}}]]
    return $cases
}

proc dump_stream_build {c key cmds} {
    $c del $key
    foreach cmd $cmds { $c {*}[string map [list %k $key] $cmd] }
}

# Hand-made stream payload bodies {name hex ...}, built from the format in
# src/lib/rdb_stream.h and each tried on redis-server 7.0.15 with
# sanitize-dump-payload yes.  A node holds 1-1 {f v}, 1-2 {f w} and
# 2-0 {h x} unless the name says otherwise.
# Redis refuses these:
set ::dump_stream_refused {
        pel_without_consumer
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff03020001010000030101670102020200000000000000010000000000000001e8030000000000000100000000000000010000000000000002e803000000000000020105616c69636505000000000000000100000000000000010000000000000001
        consumer_id_not_in_pel
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff03020001010000030101670102020100000000000000010000000000000001e803000000000000010105616c6963650500000000000000020000000000000001000000000000000100000000000000010000000000000002
        consumer_claims_twice
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff03020001010000030101670102020100000000000000010000000000000001e803000000000000010205616c6963650500000000000000010000000000000001000000000000000103626f6205000000000000000100000000000000010000000000000001
        dup_group
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003020167010202000001670102020000
        dup_consumer
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167010202000201610100000000000000000161010000000000000000
        key_15_bytes
            13010f0000000000000001000000000000003939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff030200010100000300
        bad_lpcount
            130110000000000000000100000000000000011d1d0000000a0001010001010181660200010201000100018176020501ff010200010100000100
        bad_master_count
            130110000000000000000100000000000000011d1d0000000a0002010001010181660200010201000100018176020401ff010200010100000100
        empty_listpack
            1301100000000000000001000000000000000107070000000000ff000200010100000000
}
# Redis loads these into a stream its commands then get wrong (entries
# out of order, a length or last ID that does not match them); redis-kv
# refuses them:
set ::dump_stream_broken {
        nodes_out_of_order
            130210000000000000000500000000000000003939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff10000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff060600010100000600
        entries_out_of_order
            1301100000000000000001000000000000000128280000000f00020100010101816602000102010001010181760204010201000100018177020401ff020200010100000200
        length_mismatch
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff040200010100000400
        last_id_below_entries
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff030105010100000300
}
# Both load these (a 6.x payload, pending entries out of order, entries
# flagged deleted, a master entry of no field, an empty stream with a
# pending entry of a deleted entry):
set ::dump_stream_loadable {
        good_v1
            0f0110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff03020001016701020200000000000000010000000000000001e8030000000000000100000000000000010000000000000002e803000000000000020105616c6963650500000000000000020000000000000001000000000000000100000000000000010000000000000002
        pel_out_of_order
            130110000000000000000100000000000000013939000000160003010001010181660200010201000100018176020401020100010101817702040100010101dfff0201018168028178020601ff03020001010000030101670102020200000000000000010000000000000002e8030000000000000100000000000000010000000000000001e803000000000000020105616c6963650500000000000000020000000000000001000000000000000100000000000000010000000000000002
        deleted_entries
            1301100000000000000001000000000000000128280000000f00010101010101816602000103010001000181760204010201000101018177020401ff010200010201010200
        master_no_fields
            130110000000000000000100000000000000011f1f0000000b00010100010001000100010001000101018166028176020601ff010200010100000100
        empty_with_group
            13000005000000000005010167050005010000000000000003000000000000000007000000000000000101016309000000000000000100000000000000030000000000000000
}

# ------------------------------------------------------------------ tests

start_server {tags {dump}} {
    test {DUMP and RESTORE arity} {
        assert_error {*wrong number of arguments for 'dump' command} {r dump}
        assert_error {*wrong number of arguments for 'dump' command} {r dump a b}
        assert_error {*wrong number of arguments for 'restore' command} {r restore k 0}
        assert_error {*wrong number of arguments for 'restore' command} {r restore k}
    }

    test {DUMP of a missing key is a null} {
        r del nokey
        assert_equal {} [r dump nokey]
    }

    test {RESTORE option errors, checked before anything else} {
        r set busy v
        assert_error {ERR syntax error} {r restore busy 0 x foo}
        assert_error {ERR syntax error} {r restore busy 0 x idletime}
        assert_error {ERR syntax error} {r restore busy 0 x freq}
        assert_error {ERR syntax error} {r restore busy 0 x idletime 1 freq 1}
        assert_error {ERR syntax error} {r restore busy 0 x freq 1 idletime 1}
        assert_error {ERR value is not an integer*} {r restore busy 0 x idletime abc}
        assert_error {ERR Invalid IDLETIME value, must be >= 0} {r restore busy 0 x idletime -1}
        assert_error {ERR value is not an integer*} {r restore busy 0 x freq 1.5}
        assert_error {ERR Invalid FREQ value, must be >= 0 and <= 255} {r restore busy 0 x freq 256}
        assert_error {ERR Invalid FREQ value, must be >= 0 and <= 255} {r restore busy 0 x freq -1}
    }

    test {RESTORE: BUSYKEY before the TTL and payload checks} {
        r set busy v
        assert_error {BUSYKEY Target key name already exists.} {r restore busy 0 x}
        assert_error {BUSYKEY Target key name already exists.} {r restore busy abc x}
        r del free
        assert_error {ERR value is not an integer*} {r restore free abc x}
        assert_error {ERR Invalid TTL value, must be >= 0} {r restore free -1 x}
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore free 0 x}
        assert_equal 0 [r exists free]
    }

    test {RESTORE refuses a wrong checksum, a newer version, a short payload} {
        r set s hello
        set p [r dump s]
        set bad [string replace $p end end [format %c [expr {([scan [string index $p end] %c] + 1) % 256}]]]
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore s2 0 $bad}
        assert_error {ERR DUMP payload version or checksum are wrong} \
            {r restore s2 0 [dump_payload [dump_body $p] 11]}
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore s2 0 123456789}
        # Older versions are read.
        assert_equal OK [r restore s2 0 [dump_payload [dump_body $p] 9]]
        assert_equal hello [r get s2]
    }

    test {Strings round-trip in every encoding} {
        foreach v {0 -1 127 -128 200 -32768 40000 -2147483648 2147483647 2147483648
                   12345678901 007 hello {} "\x00\xff binary"} {
            r del s
            r set s $v
            set p [r dump s]
            r del s
            assert_equal OK [r restore s 0 $p]
            assert_equal $v [r get s]
            assert_equal -1 [r ttl s]
        }
        set long [string repeat "redis-kv " 1000]
        r set s $long
        set p [r dump s]
        assert {[string length $p] < 200}
        assert_equal OK [r restore s 0 $p replace]
        assert_equal $long [r get s]
    }

    test {DUMP chooses Redis's string encodings} {
        r set s 1
        assert_equal 00c001 [binary encode hex [string range [r dump s] 0 2]]
        r set s 200
        assert_equal 00c1c800 [binary encode hex [string range [r dump s] 0 3]]
        r set s 70000
        assert_equal 00c270110100 [binary encode hex [string range [r dump s] 0 5]]
        r set s 2147483648
        assert_equal 000a [binary encode hex [string range [r dump s] 0 1]]
        r set s [string repeat a 20]
        assert_equal 0014 [binary encode hex [string range [r dump s] 0 1]]
        r set s [string repeat a 21]
        assert_equal 00c3 [binary encode hex [string range [r dump s] 0 1]]
        r config set rdbcompression no
        set p [r dump s]
        r config set rdbcompression yes
        assert_equal 0015 [binary encode hex [string range $p 0 1]]
        assert_equal OK [r restore s 0 $p replace]
    }

    test {Hashes round-trip as listpack and as hashtable} {
        r del h
        r hset h a 1 b hello c -300 d 70000 e {} f 9223372036854775807
        assert_equal listpack [r object encoding h]
        set p [dump_round_trip h 10]
        assert_equal {a 1 b hello c -300 d 70000 e {} f 9223372036854775807} [r hgetall h]
        assert_equal $p [r dump h]

        r del h
        for {set i 0} {$i < 600} {incr i} { r hset h field:$i [string repeat v [expr {$i % 90}]] }
        assert_equal hashtable [r object encoding h]
        dump_round_trip h 04
    }

    test {Sets round-trip as intset and as hashtable} {
        foreach members {{1 2 3} {-70000 5 70000} {-9223372036854775808 0 9223372036854775807}} {
            r del s
            r sadd s {*}$members
            assert_equal intset [r object encoding s]
            set p [dump_round_trip s 0b]
            assert_equal [lsort -integer $members] [r smembers s]
            assert_equal $p [r dump s]
        }
        r del s
        r sadd s a b c 1 2
        for {set i 0} {$i < 600} {incr i} { r sadd s m$i }
        assert_equal hashtable [r object encoding s]
        dump_round_trip s 02
    }

    test {RESTORE reads RDB_TYPE_HASH and RDB_TYPE_SET written by hand} {
        # type 4, 2 pairs: "a" -> int8 5, "b" -> "xy"
        assert_equal OK [r restore h 0 [dump_payload_hex 04020161c0050162027879] replace]
        assert_equal {a 5 b xy} [lsort -stride 2 [r hgetall h]]
        assert_equal listpack [r object encoding h]
        # type 2: members "7" (int16 encoded), "z"
        assert_equal OK [r restore s 0 [dump_payload_hex 0202c10700017a] replace]
        assert_equal {7 z} [lsort [r smembers s]]
        # type 2, all integers: an intset, as Redis builds it
        assert_equal OK [r restore s 0 [dump_payload_hex 0202c001c002] replace]
        assert_equal intset [r object encoding s]
    }

    test {RESTORE reads a ziplist hash (Redis 2.6 to 6.2)} {
        set p [dump_payload_hex 0d242400000021000000060000046e616d650605726564697307016e03c0d4fe0401780300ff]
        assert_equal OK [r restore h 0 $p replace]
        assert_equal {name redis n -300 x {}} [r hgetall h]
        assert_equal listpack [r object encoding h]
    }

    test {RESTORE reads a zipmap hash (before Redis 2.6)} {
        set p [dump_payload_hex 091602046e616d65050172656469733f016e0300333030ff]
        assert_equal OK [r restore h 0 $p replace]
        assert_equal {name redis n 300} [r hgetall h]
    }

    test {RESTORE reads LZF strings of every shape} {
        foreach v [list [string repeat a 21] [string repeat abcdefgh 100] \
                       "[string repeat xyz 300]tail" [string repeat "\x00\x01" 5000]] {
            r set s $v
            set p [r dump s]
            assert_equal 00c3 [binary encode hex [string range $p 0 1]]
            r del s
            assert_equal OK [r restore s 0 $p]
            assert_equal $v [r get s]
        }
    }

    # redis-kv always validates a payload fully: Redis does with
    # sanitize-dump-payload yes (without it, it loads a hash with a
    # repeated field).
    r config set sanitize-dump-payload yes

    test {Duplicates and empty collections are a bad data format} {
        # RDB_TYPE_HASH with field "a" twice
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 04020161013101610132]}
        # RDB_TYPE_SET with member "a" twice
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 020201610161]}
        # a listpack hash a=1, a=2
        set lp [binary format H* 11000000040081610201018161020201ff]
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload "\x10[binary format c [string length $lp]]$lp"]}
        # an intset 1, 1 (not strictly ascending) and 2, 1
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 0b0c020000000200000001000100]}
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 0b0c020000000200000002000100]}
        # empty: a set of 0 members, a hash of 0 pairs, an empty intset
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 0200]}
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 0400]}
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 0b080200000000000000]}
        assert_equal 0 [r exists x]
    }

    # ---------------------------------------------------------------- lists
    # redis-server 7.0.15's DUMP of RPUSH l a b 1 -5 300 70000 12345678901
    # hello, and (list-max-listpack-size 2) of RPUSH l a b c d e (bodies).
    set ::dump_list_small 1201022b2b00000008008161028162020101dffb02c12c02f270110104f4351cdcdf02000000098568656c6c6f06ff
    set ::dump_list_fill2 1203020d0d0000000200816102816202ff020d0d0000000200816302816402ff020a0a0000000100816502ff
    # list-compress-depth 1, list-max-listpack-size 1, rdbcompression no:
    # RPUSH l of 100 a, 100 b, 100 c.  The middle node is LZF-compressed
    # whatever rdbcompression says.
    set ::dump_list_depth [join [list 120302406e6e0000000100e064 [string repeat 61 100] \
        66ff02c310406e086e0000000100e06462e05a000166ff02406e6e0000000100e064 \
        [string repeat 63 100] 66ff] ""]

    test {Lists round-trip, in one node and in many} {
        r del l
        r rpush l a b 1 -5 300 70000 12345678901 hello
        set p [dump_round_trip l 12]
        assert_equal $::dump_list_small [binary encode hex [dump_body $p]]
        assert_equal {a b 1 -5 300 70000 12345678901 hello} [r lrange l 0 -1]
        r del l
        set elems {}
        for {set i 0} {$i < 3000} {incr i} { lappend elems element-$i }
        r rpush l {*}$elems
        set p [dump_round_trip l 12]
        binary scan [string index $p 1] cu nodes
        assert_range $nodes 5 10
        assert_equal $elems [r lrange l 0 -1]
        # elements larger than a node, integers of every width, empty ones
        r del l
        set elems [list [string repeat x 10000] {} 0 -1 127 -4096 32767 8388607 2147483647 \
                       9223372036854775807 -9223372036854775808 9223372036854775808 007 \
                       [dump_random_string 20000 {a b c \x00}] y]
        r rpush l {*}$elems
        dump_round_trip l 12
        assert_equal $elems [r lrange l 0 -1]
    }

    test {RESTORE reads redis-server 7.0.15's list payloads} {
        r del l
        assert_equal OK [r restore l 0 [dump_payload_hex $::dump_list_fill2]]
        assert_equal {a b c d e} [r lrange l 0 -1]
        assert_equal OK [r restore l 0 [dump_payload_hex $::dump_list_depth] replace]
        assert_equal [list [string repeat a 100] [string repeat b 100] [string repeat c 100]] \
            [r lrange l 0 -1]
        # DEBUG QUICKLIST-PACKED-THRESHOLD 5: "hello world" in a PLAIN node
        set hex 1203020a0a0000000100817802ff010b68656c6c6f20776f726c64020a0a0000000100817902ff
        assert_equal OK [r restore l 0 [dump_payload_hex $hex] replace]
        assert_equal {x {hello world} y} [r lrange l 0 -1]
    }

    test {RESTORE reads the list types of older Redis versions} {
        set zl1 170000000f000000030000016103fd020568656c6c6fff
        set zl2 190000000e000000020000c0d4fe04e07011010000000000ff
        set empty 0b0000000a0000000000ff
        # RDB_TYPE_LIST_QUICKLIST (Redis 3.2 to 6.2): nodes of ziplists
        assert_equal OK [r restore l 0 [dump_payload_hex 0e0217${zl1}19$zl2] replace]
        assert_equal {a 12 hello -300 70000} [r lrange l 0 -1]
        # an empty ziplist node is skipped, as Redis skips it
        assert_equal OK [r restore l 0 [dump_payload_hex 0e020b${empty}17$zl1] replace]
        assert_equal {a 12 hello} [r lrange l 0 -1]
        # RDB_TYPE_LIST_ZIPLIST and RDB_TYPE_LIST (before Redis 3.2)
        assert_equal OK [r restore l 0 [dump_payload_hex 0a17$zl1] replace]
        assert_equal {a 12 hello} [r lrange l 0 -1]
        assert_equal OK [r restore l 0 [dump_payload_hex 01030161c00c0568656c6c6f] replace]
        assert_equal {a 12 hello} [r lrange l 0 -1]
        # an empty listpack node is skipped too; a PLAIN node may hold an
        # integer-encoded string
        assert_equal OK [r restore l 0 [dump_payload_hex 12020207070000000000ff020a0a0000000100816102ff] replace]
        assert_equal {a} [r lrange l 0 -1]
        assert_equal OK [r restore l 0 [dump_payload_hex 120201c00c020a0a0000000100ded402ff] replace]
        assert_equal {12 -300} [r lrange l 0 -1]
    }

    test {Damaged list payloads are a bad data format and keep the old key} {
        r del keep
        r rpush keep v w
        foreach hex {12010207070000000000ff 1201030a0a0000000100816102ff
                     1201000a0a0000000100816102ff 1200 1202020a0a0000000100816102ff0100
                     1201020a0a0000000200816102ff 1202020a0a0000000100816102ff
                     1201020a0a0000000100816103ff 12010140 0e00 0e010b0b0000000a0000000000ff
                     0a0b0b0000000a0000000000ff 0100 01020161} {
            assert_error {ERR Bad data format} {r restore keep 0 [dump_payload_hex $hex] replace} $hex
        }
        assert_equal {v w} [r lrange keep 0 -1]
    }

    test {DUMP of a list follows list-max-listpack-size and list-compress-depth} {
        r config set list-max-listpack-size 2
        r del l
        r rpush l a b c d e
        assert_equal $::dump_list_fill2 [binary encode hex [dump_body [r dump l]]]
        r config set list-max-listpack-size -2
        r del l
        r rpush l a b c d e
        assert_equal 12010216160000000500816102816202816302816402816502ff \
            [binary encode hex [dump_body [r dump l]]]
        r config set list-compress-depth 1
        r config set list-max-listpack-size 1
        r config set rdbcompression no
        r del l
        r rpush l [string repeat a 100] [string repeat b 100] [string repeat c 100]
        assert_equal $::dump_list_depth [binary encode hex [dump_body [r dump l]]]
        r config set rdbcompression yes
        r config set list-compress-depth 0
        r config set list-max-listpack-size -2
    }

    test {Every truncation of a payload is a checksum error} {
        r del h s str x
        r hset h a 1 bb hello ccc -300 d 70000
        r sadd s 1 2 3 -70000
        r set str [string repeat abc 30]
        foreach key {h s str} {
            set p [r dump $key]
            for {set i 0} {$i < [string length $p]} {incr i} {
                assert_error {ERR DUMP payload version or checksum are wrong} \
                    {r restore x 0 [string range $p 0 [expr {$i - 1}]]}
            }
        }
        assert_equal 0 [r exists x]
    }

    test {Flipped bytes with a correct CRC: OK or bad data format, never garbage} {
        r del h hl s st str
        r hset h a 1 bb hello ccc -300 d 70000 e [string repeat x 70]
        r hset hl a 1 bb hello ccc -300 d 70000
        r sadd s 1 2 3 -70000
        r sadd st a b c
        r set str [string repeat abc 30]
        foreach key {h hl s st str} {
            set body [dump_body [r dump $key]]
            for {set i 0} {$i < [string length $body]} {incr i} {
                foreach v [list 0 1 127 128 254 255 [randomInt 256]] {
                    set mutated [string replace $body $i $i [binary format c $v]]
                    set res [dump_try_restore r x [dump_payload $mutated]]
                    assert {$res in {OK {ERR Bad data format}}} $res
                    if {$res eq "OK"} {
                        # Whatever loaded reads back and dumps again.
                        dump_contents r x
                        assert_equal OK [r restore y 0 [r dump x] replace]
                        assert_equal [dump_contents r x] [dump_contents r y]
                    }
                }
            }
        }
        assert_equal PONG [r ping]
    }

    test {RESTORE with a TTL, ABSTTL, IDLETIME and FREQ} {
        r set s v
        set p [r dump s]
        r del s
        assert_equal OK [r restore s 100000 $p]
        assert_range [r pttl s] 90000 100000
        set at [expr {[clock milliseconds] + 200000}]
        assert_equal OK [r restore s $at $p replace absttl]
        assert_range [r pttl s] 190000 200000
        assert_equal OK [r restore s 0 $p replace idletime 1000]
        assert_equal -1 [r ttl s]
        assert_equal OK [r restore s 0 $p replace freq 100]
        assert_equal v [r get s]
        r del h
        r hset h a 1
        set hp [r dump h]
        r del h
        assert_equal OK [r restore h 100000 $hp]
        assert_range [r pttl h] 90000 100000
        assert_equal {a 1} [r hgetall h]
        r del l
        r rpush l x y
        set lp [r dump l]
        r del l
        assert_equal OK [r restore l 100000 $lp]
        assert_range [r pttl l] 90000 100000
        assert_equal OK [r restore l [expr {[clock milliseconds] + 200000}] $lp replace absttl]
        assert_range [r pttl l] 190000 200000
        assert_equal {x y} [r lrange l 0 -1]
        assert_equal OK [r restore l 1 $lp absttl replace]
        assert_equal 0 [r exists l]
    }

    test {RESTORE with an ABSTTL in the past creates nothing} {
        r set s v
        set p [r dump s]
        r del s
        assert_equal OK [r restore s 1 $p absttl]
        assert_equal 0 [r exists s]
        r hset old a 1
        assert_equal OK [r restore old 1 $p absttl replace]
        assert_equal 0 [r exists old]
        # A relative TTL that overflows the clock is in the past, as in Redis.
        assert_equal OK [r restore s 9223372036854775000 $p]
        assert_equal 0 [r exists s]
        assert_equal OK [r restore s 9223372036854775000 $p absttl]
        assert_range [r pttl s] 9000000000000000000 9223372036854775807
    }

    test {RESTORE REPLACE over a key of another type} {
        r set s str
        set sp [r dump s]
        r del h set
        r hset h a 1
        set hp [r dump h]
        r sadd set m
        set setp [r dump set]
        r del k
        r hset k x y
        assert_equal OK [r restore k 0 $sp replace]
        assert_equal {string str} [dump_contents r k]
        assert_equal OK [r restore k 0 $setp replace]
        assert_equal {set m} [dump_contents r k]
        assert_equal OK [r restore k 0 $hp replace]
        assert_equal {hash {a 1}} [dump_contents r k]
        r del l
        r rpush l p q
        set lp [r dump l]
        assert_equal OK [r restore k 0 $lp replace]
        assert_equal {list {p q}} [dump_contents r k]
        assert_error {BUSYKEY*} {r restore k 0 $lp}
        assert_equal OK [r restore l 0 $hp replace]
        assert_equal {hash {a 1}} [dump_contents r l]
        r expire k 1000
        assert_equal OK [r restore k 0 $sp replace]
        assert_equal -1 [r ttl k]
    }

    test {RESTORE keyspace events: new, restore, and del for an expired payload} {
        r config set notify-keyspace-events KEAn
        r set src v
        set p [r dump src]
        r del k
        set sub [redis_deferring_client]
        $sub psubscribe __keyevent@*__:*
        $sub read
        r restore k 0 $p
        r restore k 0 $p replace
        r restore k 1 $p replace absttl
        r restore k 1 $p absttl
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:new k} [$sub read]
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:restore k} [$sub read]
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:new k} [$sub read]
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:restore k} [$sub read]
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:del k} [$sub read]
        r del marker
        r set marker 1
        assert_equal {pmessage __keyevent@*__:* __keyevent@0__:new marker} [$sub read]
        $sub close
        r config set notify-keyspace-events ""
    }

    test {RESTORE touches a WATCHed key} {
        r set src v
        set p [r dump src]
        r del w
        r watch w
        r restore w 0 $p
        r multi
        r ping
        assert_equal {} [r exec]
    }

    test {RESTORE invalidates a key tracked by a client} {
        r set src v
        set p [r dump src]
        r hset tk a 1
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd hgetall tk
        $rd read
        r restore tk 0 $p replace
        assert_equal {invalidate tk} [$rd read]
        $rd close
    }

    test {DUMP of a hash keeps field order; its RESTORE keeps it too} {
        r del h
        r hset h z 1 a 2 m 3
        r hset h a 4
        r hdel h z
        set p [r dump h]
        r del h2
        r restore h2 0 $p
        assert_equal {a 4 m 3} [r hgetall h2]
        assert_equal $p [r dump h2]
    }

    test {DUMP and RESTORE of streams written every way keep everything} {
        foreach case [dump_stream_cases] {
            lassign $case name same cmds
            dump_stream_build r s $cmds
            set p [r dump s]
            assert_equal 13 [binary encode hex [string index $p 0]] $name
            r del s2
            assert_equal OK [r restore s2 0 $p] $name
            assert_equal stream [r type s2]
            assert_equal [dump_stream_state r s] [dump_stream_state r s2] $name
            assert_equal [binary encode hex $p] [binary encode hex [r dump s2]] $name
            # The counters go on from where they were.
            assert_equal [r xadd s 9999-0 f v] [r xadd s2 9999-0 f v] $name
            assert_equal [dump_stream_state r s] [dump_stream_state r s2] $name
        }
        r del s s2
    }

    test {Streams round-trip under other stream node limits} {
        set cmds [lindex [dump_stream_cases] 1 2]
        foreach {entries bytes} {1 0 3 0 0 200 7 150 0 0 100 4096} {
            r config set stream-node-max-entries $entries
            r config set stream-node-max-bytes $bytes
            dump_stream_build r s $cmds
            set p [r dump s]
            r del s2
            assert_equal OK [r restore s2 0 $p]
            assert_equal [dump_stream_state r s] [dump_stream_state r s2] "$entries $bytes"
            assert_equal $p [r dump s2]
        }
        r del s s2
    }

    test {RESTORE of a stream: BUSYKEY, REPLACE, TTL, ABSTTL, IDLETIME as for any key} {
        r del s s2 s3 s4 s5 str
        r xadd s 1-0 f v
        r xgroup create s g 0
        r xreadgroup group g c streams s >
        set p [r dump s]
        r xadd s2 5-0 x y
        r xgroup create s2 old 0
        assert_error {BUSYKEY Target key name already exists.} {r restore s2 0 $p}
        assert_equal OK [r restore s2 0 $p replace]
        assert_equal [dump_stream_state r s] [dump_stream_state r s2]
        assert_equal 1 [llength [r xinfo groups s2]]
        assert_equal -1 [r ttl s2]
        assert_equal OK [r restore s3 100000 $p]
        assert_range [r pttl s3] 1 100000
        r set str text
        assert_equal OK [r restore str 0 $p replace]
        assert_equal stream [r type str]
        assert_equal OK [r restore s4 [expr {[clock milliseconds] - 1000}] $p absttl]
        assert_equal 0 [r exists s4]
        assert_equal OK [r restore s5 0 $p idletime 1000]
        assert_equal {{1-0 {f v}}} [r xrange s5 - +]
        r del s s2 s3 s5 str
    }

    test {Damaged stream payloads are a bad data format and write nothing} {
        r config set sanitize-dump-payload yes
        r del x s
        r xadd s 9-0 keep me
        foreach {name hex} $::dump_stream_refused {
            assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex $hex]} $name
            assert_error {ERR Bad data format} {r restore s 0 [dump_payload_hex $hex] replace} $name
        }
        assert_equal 0 [r exists x]
        assert_equal {{9-0 {keep me}}} [r xrange s - +]
        # A good payload with a byte changed and the old CRC.
        set p [r dump s]
        set bad [string replace $p 5 5 [format %c [expr {([scan [string index $p 5] %c] + 1) % 256}]]]
        assert_error {ERR DUMP payload version or checksum are wrong} {r restore x 0 $bad}
        r del s
    }
}

start_server {tags {dump redis-kv-only}} {
    test {A stream DUMPed by Redis 7.0.15 restores} {
        # DUMP of XADD s 1-1 f v on redis-server 7.0.15
        r del s
        assert_equal OK [r restore s 0 [dump_payload_hex 130110000000000000000100000000000000011d1d0000000a0001010001010181660200010201000100018176020401ff010101010100000100]]
        assert_equal {{1-1 {f v}}} [r xrange s - +]
        assert_equal 1 [dict get [r xinfo stream s] entries-added]
    }

    test {Stream payloads Redis loads into a broken stream are a bad data format} {
        foreach {name hex} $::dump_stream_broken {
            assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex $hex]} $name
        }
        assert_equal 0 [r exists x]
    }

    test {Every truncated stream payload is a bad data format; changed bytes never crash} {
        r del s x
        for {set i 1} {$i <= 30} {incr i} { r xadd s $i-0 f $i g [string repeat x $i] }
        r xdel s 3-0
        r xgroup create s g 0
        r xreadgroup group g alice count 5 streams s >
        r xreadgroup group g bob count 2 streams s >
        set body [dump_body [r dump s]]
        for {set i 1} {$i < [string length $body]} {incr i} {
            assert_error {ERR Bad data format} \
                {r restore x 0 [dump_payload [string range $body 0 [expr {$i - 1}]]]}
        }
        assert_equal 0 [r exists x]
        for {set i 0} {$i < 500} {incr i} {
            set at [expr {1 + [randomInt [expr {[string length $body] - 1}]]}]
            set b [string replace $body $at $at [format %c [randomInt 256]]]
            catch {r restore x 0 [dump_payload $b] replace}
        }
        assert_equal PONG [r ping]
    }

    test {A sorted set DUMPed by Redis 7.0.15 restores} {
        # DUMP of ZADD z 1 a on redis-server 7.0.15: a listpack
        r del z
        assert_equal OK [r restore z 0 [dump_payload_hex 110c0c00000002008161020101ff]]
        assert_equal {a 1} [r zrange z 0 -1 withscores]
        assert_equal listpack [r object encoding z]
    }

    test {Every truncated value with a correct footer is a bad data format} {
        # Redis reads a value cut short on into the footer's bytes.
        r del h s str x
        r hset h a 1 bb hello ccc -300 d 70000
        r sadd s 1 2 3 -70000
        r set str [string repeat abc 30]
        r del l
        r rpush l a 12 [string repeat hello 10]
        foreach key {h s str l} {
            set body [dump_body [r dump $key]]
            for {set i 1} {$i < [string length $body]} {incr i} {
                assert_error {ERR Bad data format} \
                    {r restore x 0 [dump_payload [string range $body 0 [expr {$i - 1}]]]}
            }
        }
        assert_equal 0 [r exists x]
        assert_equal PONG [r ping]
    }

    test {A value that runs into the payload's footer is a bad data format} {
        # Redis reads the string "hello world" of 11 bytes from 5 bytes
        # and its own version and CRC; redis-kv refuses it.
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 000b68656c6c6f]}
    }

    test {A string longer than proto-max-bulk-len is a bad data format} {
        # LZF lets a payload of 24 KB hold 2 MB, and 1 GB in one of 12 MB:
        # more than a key or a field may hold.  Redis has no such bound.
        r set big [string repeat a 2000000]
        set p [r dump big]
        assert {[string length $p] < 30000}
        set saved [lindex [r config get proto-max-bulk-len] 1]
        r config set proto-max-bulk-len 1048576
        catch {r restore big2 0 $p} err
        r config set proto-max-bulk-len $saved
        assert_equal {ERR Bad data format} $err
        assert_equal OK [r restore big2 0 $p]
        assert_equal 2000000 [r strlen big2]
    }

    test {An LZF string of length 0 is a bad data format} {
        assert_error {ERR Bad data format} {r restore x 0 [dump_payload_hex 00c3010000]}
    }
}

start_server {tags {dump redis-kv-only needs:own-server}} {
    test {A crash in the middle of RESTORE's batch leaves the old key whole} {
        set s [spawn_server -dir [new_tmpdir] -overrides {appendfsync always} -timeout 30 -client]
        set c [dict get $s client]
        for {set i 0} {$i < 600} {incr i} { $c hset src f$i [string repeat v [expr {$i % 50}]] }
        set p [$c dump src]
        $c hset h old 1
        $c expire h 100000
        assert_equal OK [$c debug crash-after-partial-batch]
        catch {$c restore h 0 $p replace}
        assert {[wait_server_exit $s 10]} "the server did not exit"
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {old 1} [$c hgetall h]
        assert_range [$c ttl h] 1 100000
        # And the restore, made again, is all there after a restart.
        assert_equal OK [$c restore h 0 $p replace]
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal 600 [$c hlen h]
        assert_equal -1 [$c ttl h]
        assert_equal [dump_contents $c src] [dump_contents $c h]
        stop_server $s
    }

    test {A crash in the middle of a stream's RESTORE leaves the old stream whole} {
        set s [spawn_server -dir [new_tmpdir] -overrides {appendfsync always} -timeout 30 -client]
        set c [dict get $s client]
        dump_stream_build $c src [lindex [dump_stream_cases] end-1 2]
        set p [$c dump src]
        dump_stream_build $c st {{xadd %k 1-0 old 1} {xgroup create %k oldgroup 0}}
        set old [dump_stream_state $c st]
        assert_equal OK [$c debug crash-after-partial-batch]
        catch {$c restore st 0 $p replace}
        assert {[wait_server_exit $s 10]} "the server did not exit"
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal $old [dump_stream_state $c st]
        assert_equal OK [$c restore st 0 $p replace]
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal [dump_stream_state $c src] [dump_stream_state $c st]
        stop_server $s
    }
}

start_server {tags {dump needs:own-server}} {
    test {Restored keys survive DEBUG RELOAD} {
        r flushall
        r set s [string repeat abc 100]
        r hset h a 1 b 2
        r sadd i 1 2 3
        r rpush l a 1 [string repeat b 9000] c
        foreach k {s h i l} { set pl($k) [r dump $k] }
        r flushall
        foreach k {s h i l} { r restore $k 0 $pl($k) }
        assert_equal OK [r debug reload]
        foreach k {s h i l} { assert_equal $pl($k) [r dump $k] }
    }

    test {Restored streams survive DEBUG RELOAD} {
        r flushall
        foreach case [dump_stream_cases] {
            lassign $case name same cmds
            dump_stream_build r s $cmds
            set p [r dump s]
            r del s
            r restore s 0 $p
            set state [dump_stream_state r s]
            assert_equal OK [r debug reload]
            assert_equal $state [dump_stream_state r s] $name
            assert_equal $p [r dump s] $name
        }
    }
}

# ------------------------------------------------ against redis-server 7.0.15

set ::dump_ref_binary /usr/bin/redis-server
start_server {tags {dump needs:own-server}} {
    if {[file executable $::dump_ref_binary] && ![using_external_server]} {
        set port [free_port]
        set pid [exec $::dump_ref_binary --port $port --save {} --appendonly no \
                     --bind 127.0.0.1 < /dev/null > /dev/null 2>@1 &]
        set ref [adopt_server $pid $port]
        set rc [redis_client $ref]

        test {DUMP gives redis-server's bytes for the same contents} {
            foreach case [dump_cases] {
                lassign $case name cmds
                dump_build r k $cmds
                dump_build $rc k $cmds
                assert_equal [$rc object encoding k] [r object encoding k] $name
                assert_equal [binary encode hex [$rc dump k]] [binary encode hex [r dump k]] $name
            }
        }

        test {Payloads cross between redis-server and redis-kv both ways} {
            set cases [dump_cases]
            set cmds {}
            for {set j 0} {$j < 600} {incr j} { lappend cmds [list hset f$j [string repeat v [expr {$j % 70}]]] }
            lappend cases [list "hashtable hash" $cmds]
            set cmds {}
            for {set j 0} {$j < 600} {incr j} { lappend cmds [list sadd m$j] }
            lappend cases [list "hashtable set" $cmds]
            foreach case $cases {
                lassign $case name cmds
                dump_build r k $cmds
                dump_build $rc k $cmds
                assert_equal OK [r restore k2 0 [$rc dump k] replace] $name
                assert_equal OK [$rc restore k2 0 [r dump k] replace] $name
                assert_equal [dump_contents r k] [dump_contents r k2] $name
                assert_equal [dump_contents $rc k] [dump_contents $rc k2] $name
                assert_equal [dump_contents $rc k] [dump_contents r k2] $name
            }
        }

        test {DUMP of lists gives redis-server's bytes under other list settings} {
            set elems {}
            for {set j 0} {$j < 400} {incr j} {
                lappend elems [string repeat [format %c [expr {97 + $j % 26}]] [expr {($j * 37) % 300}]] $j
            }
            foreach {fill depth} {-1 0 -3 0 -5 0 1 0 5 0 100 0 -2 1 -1 2 0 0} {
                foreach c [list r $rc] {
                    $c config set list-max-listpack-size $fill
                    $c config set list-compress-depth $depth
                    $c del k
                    $c rpush k {*}$elems
                }
                assert_equal [binary encode hex [$rc dump k]] [binary encode hex [r dump k]] "$fill $depth"
            }
            foreach c [list r $rc] {
                $c config set list-max-listpack-size -2
                $c config set list-compress-depth 0
            }
        }

        test {Hand-made payloads load the same on redis-server} {
            foreach hex {0d242400000021000000060000046e616d650605726564697307016e03c0d4fe0401780300ff
                         091602046e616d65050172656469733f016e0300333030ff
                         04020161c0050162027879 0202c10700017a
                         0e0217170000000f000000030000016103fd020568656c6c6fff19190000000e000000020000c0d4fe04e07011010000000000ff
                         0e020b0b0000000a0000000000ff17170000000f000000030000016103fd020568656c6c6fff
                         0a17170000000f000000030000016103fd020568656c6c6fff
                         01030161c00c0568656c6c6f
                         12020207070000000000ff020a0a0000000100816102ff
                         120201c00c020a0a0000000100ded402ff} {
                set p [dump_payload_hex $hex]
                assert_equal OK [r restore x 0 $p replace]
                assert_equal OK [$rc restore x 0 $p replace]
                assert_equal [dump_contents $rc x] [dump_contents r x] $hex
            }
        }

        test {DUMP of a stream built by XADDs gives redis-server's bytes} {
            foreach case [dump_stream_cases] {
                lassign $case name same cmds
                if {!$same} continue
                dump_stream_build r k $cmds
                dump_stream_build $rc k $cmds
                assert_equal [binary encode hex [$rc dump k]] [binary encode hex [r dump k]] $name
            }
            set cmds [lindex [dump_stream_cases] 1 2]
            foreach {entries bytes} {1 0 3 0 0 200 7 150 0 0 100 4096} {
                foreach c [list r $rc] {
                    $c config set stream-node-max-entries $entries
                    $c config set stream-node-max-bytes $bytes
                    dump_stream_build $c k $cmds
                }
                assert_equal [binary encode hex [$rc dump k]] [binary encode hex [r dump k]] "$entries $bytes"
            }
        }

        test {Stream payloads cross between redis-server and redis-kv both ways} {
            foreach case [dump_stream_cases] {
                lassign $case name same cmds
                dump_stream_build r k $cmds
                dump_stream_build $rc k $cmds
                assert_equal OK [r restore k2 0 [$rc dump k] replace] $name
                assert_equal OK [$rc restore k2 0 [r dump k] replace] $name
                assert_equal [dump_stream_state $rc k] [dump_stream_state r k2] $name
                assert_equal [dump_stream_state r k] [dump_stream_state $rc k2] $name
                foreach g [lmap info [r xinfo groups k] {dict get $info name}] {
                    assert_equal [$rc xpending k2 $g] [r xpending k $g] "$name $g"
                    assert_equal [r xpending k2 $g] [$rc xpending k $g] "$name $g"
                }
            }
        }

        test {Hand-made stream payloads load the same on redis-server} {
            $rc config set sanitize-dump-payload yes
            foreach {name hex} $::dump_stream_loadable {
                set p [dump_payload_hex $hex]
                assert_equal OK [r restore x 0 $p replace] $name
                assert_equal OK [$rc restore x 0 $p replace] $name
                assert_equal [dump_stream_state $rc x] [dump_stream_state r x] $name
            }
            $rc del x
            foreach {name hex} $::dump_stream_refused {
                assert_error {ERR Bad data format} {$rc restore x 0 [dump_payload_hex $hex]} $name
            }
            foreach {name hex} $::dump_stream_broken {
                assert_equal OK [$rc restore y 0 [dump_payload_hex $hex] replace] $name
            }
        }

        $rc close
        stop_server $ref
    }
}
