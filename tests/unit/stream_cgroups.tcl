# Stream consumer groups: XGROUP CREATE (MKSTREAM, ENTRIESREAD, `$`),
# SETID, DESTROY, CREATECONSUMER, DELCONSUMER and HELP; XREADGROUP (`>`,
# a consumer's history, NOACK, COUNT, several streams, deleted entries in
# the history, consumers made on first read) and XREADGROUP BLOCK (served
# by XADD, first come first served, after EXEC or a script, timeouts, the
# key or the group gone while waiting, SWAPDB, RENAME, CLIENT UNBLOCK,
# inside MULTI, no BLOCK in scripts); XACK, XPENDING
# (summary and extended forms), XCLAIM, XAUTOCLAIM, XINFO GROUPS and
# CONSUMERS with entries-read and lag, the groups of XINFO STREAM FULL,
# the keyspace events of groups in order, WATCH, WRONGTYPE, arity and
# every error text, RESP2 and RESP3 forms byte for byte where they differ.
# At the end, redis-kv-only tests: group state (groups, consumers, pending
# entries, delivery counts, last-delivered IDs, entries-read) reads back
# exactly after a restart, kill -9, a compaction and BACKUP RESTORE, and a
# consumer that acknowledges under repeated kill -9 sees every entry once.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/stream_cgroups
# where the redis-kv-only block skips itself.  No test asserts a time:
# idle times are only compared with lower bounds that IDLE or TIME set,
# and a timeout is only checked to end with the timeout reply.

set ::cg_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"
set ::cg_nokey_xgroup "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
set ::cg_badid "ERR Invalid stream ID specified as stream command argument"

# NOGROUP texts: XREADGROUP's, the one of XPENDING / XCLAIM / XAUTOCLAIM,
# and the one of XGROUP / XINFO CONSUMERS.
proc cg_nogroup_read {key group} {
    return "NOGROUP No such key '$key' or consumer group '$group' in XREADGROUP with GROUP option"
}
proc cg_nogroup {key group} {
    return "NOGROUP No such key '$key' or consumer group '$group'"
}
proc cg_nogroup_xgroup {key group} {
    return "NOGROUP No such consumer group '$group' for key name '$key'"
}

# A fresh stream KEY with entries 1-0 .. N-0, each {f vI}.
proc cg_fill {key n} {
    r del $key
    for {set i 1} {$i <= $n} {incr i} { r xadd $key $i-0 f v$i }
}

# XINFO GROUPS of KEY as a dict group name -> dict of its fields.
proc cg_groups {key} {
    set out [dict create]
    foreach g [r xinfo groups $key] { dict set out [dict get $g name] $g }
    return $out
}

# One field of group GROUP in XINFO GROUPS of KEY.
proc cg_group_field {key group field} {
    return [dict get [dict get [cg_groups $key] $group] $field]
}

# {last-delivered-id entries-read lag pending consumers} of GROUP, with
# the nulls of the default client read as "(nil)".
proc cg_group_state {key group} {
    set g [dict get [cg_groups $key] $group]
    set out {}
    foreach f {last-delivered-id entries-read lag pending consumers} {
        lappend out [dict get $g $f]
    }
    return $out
}

# XINFO CONSUMERS of KEY GROUP as a flat list name pending name pending ...
proc cg_consumers {key group} {
    set out {}
    foreach c [r xinfo consumers $key $group] {
        lappend out [dict get $c name] [dict get $c pending]
    }
    return $out
}

# The extended XPENDING of KEY GROUP (optional ARGS after the count) as a
# list of {id consumer deliveries}: the idle times left out.
proc cg_pel {key group args} {
    set out {}
    foreach e [r xpending $key $group - + 1000 {*}$args] {
        lassign $e id consumer idle count
        lappend out [list $id $consumer $count]
    }
    return $out
}

# The IDs of a list of stream entries (a reply of XRANGE or the like).
proc cg_ids {entries} {
    set out {}
    foreach e $entries { lappend out [lindex $e 0] }
    return $out
}

# A deferring client that sent XREADGROUP ARGS (the words after
# XREADGROUP) and is now blocked; N as for blocked_client (util.tcl).
proc cg_blocked {n args} {
    return [blocked_client 2 $n xreadgroup {*}$args]
}

proc cg_close {args} { foreach c $args { $c close } }

start_server {tags {stream_cgroups}} {
r null_value (nil)

# ------------------------------------------------------------- XGROUP

test {XGROUP CREATE makes a group at an ID, at $, or at 0} {
    cg_fill s 3
    assert_equal OK [r xgroup create s g0 0]
    assert_equal OK [r xgroup create s glast $]
    assert_equal OK [r xgroup create s gmid 2-0]
    set gs [cg_groups s]
    assert_equal {g0 glast gmid} [lsort [dict keys $gs]]
    assert_equal 0-0 [dict get $gs g0 last-delivered-id]
    assert_equal 3-0 [dict get $gs glast last-delivered-id]
    assert_equal 2-0 [dict get $gs gmid last-delivered-id]
    foreach g {g0 glast gmid} {
        assert_equal 0 [dict get $gs $g consumers] $g
        assert_equal 0 [dict get $gs $g pending] $g
    }
}

test {XGROUP CREATE of an existing group name is BUSYGROUP, even with MKSTREAM} {
    cg_fill s 1
    r xgroup create s g 0
    assert_error_equal "BUSYGROUP Consumer Group name already exists" {r xgroup create s g 0}
    assert_error_equal "BUSYGROUP Consumer Group name already exists" {r xgroup create s g $ mkstream}
    # names are case sensitive
    assert_equal OK [r xgroup create s G 0]
}

test {XGROUP CREATE on a missing key needs MKSTREAM, which makes an empty stream} {
    r del s
    assert_error_equal $::cg_nokey_xgroup {r xgroup create s g $}
    assert_equal 0 [r exists s]
    assert_equal OK [r xgroup create s g $ MKSTREAM]
    assert_equal stream [r type s]
    assert_equal 0 [r xlen s]
    assert_equal {0-0 (nil) 0 0 0} [cg_group_state s g]
    # MKSTREAM on a key that exists leaves its entries alone
    cg_fill s 2
    assert_equal OK [r xgroup create s g2 0 mkstream]
    assert_equal 2 [r xlen s]
}

test {XGROUP CREATE ENTRIESREAD sets entries-read, and with it the lag} {
    cg_fill s 5
    assert_equal OK [r xgroup create s g 3-0 entriesread 3]
    assert_equal {3-0 3 2 0 0} [cg_group_state s g]
    # without ENTRIESREAD the counter is unknown (null) until the group
    # reads; the lag is worked out from the stream: all of it at 0,
    # none at $
    r xgroup create s z 0
    r xgroup create s d $
    assert_equal {0-0 (nil) 5 0 0} [cg_group_state s z]
    assert_equal {5-0 (nil) 0 0 0} [cg_group_state s d]
    r xreadgroup group z c count 2 streams s >
    assert_equal {2-0 2 3 2 1} [cg_group_state s z]
    # -1 means unknown
    assert_equal OK [r xgroup create s u 2-0 entriesread -1]
    assert_equal {(nil)} [cg_group_field s u entries-read]
    assert_equal OK [r xgroup create s m 0 mkstream entriesread 0]
}

test {XGROUP CREATE: ID, ENTRIESREAD and option errors} {
    cg_fill s 1
    assert_error_equal $::cg_badid {r xgroup create s g bad}
    assert_error_equal $::cg_badid {r xgroup create s g 1-x}
    assert_error_equal $::cg_badid {r xgroup create s g >}
    assert_error_equal "ERR value for ENTRIESREAD must be positive or -1" {r xgroup create s g 0 entriesread -2}
    assert_error_equal "ERR value is not an integer or out of range" {r xgroup create s g 0 entriesread abc}
    foreach opts {{foo} {mkstream foo} {entriesread} {mkstream entriesread 5 extra}} {
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP." \
            {r xgroup create s g 0 {*}$opts} $opts
    }
    assert_equal 0 [llength [r xinfo groups s]]
}

test {XGROUP SETID moves last-delivered-id, to $ or an ID, with ENTRIESREAD} {
    cg_fill s 4
    r xgroup create s g 0
    assert_equal OK [r xgroup setid s g $]
    assert_equal {4-0 (nil) 0 0 0} [cg_group_state s g]
    assert_equal OK [r xgroup setid s g 2-0 entriesread 2]
    assert_equal {2-0 2 2 0 0} [cg_group_state s g]
    # without ENTRIESREAD the counter is unknown after a move
    assert_equal OK [r xgroup setid s g 1-0]
    assert_equal {(nil)} [cg_group_field s g entries-read]
    assert_equal OK [r xgroup setid s g 0]
    assert_equal {1-0 {f v1}} [lindex [r xreadgroup group g c count 1 streams s >] 0 1 0]
}

test {XGROUP SETID: errors} {
    cg_fill s 1
    r xgroup create s g 0
    assert_error_equal [cg_nogroup_xgroup s nog] {r xgroup setid s nog 0}
    assert_error_equal $::cg_nokey_xgroup {r xgroup setid nokey g 0}
    assert_error_equal $::cg_badid {r xgroup setid s g bad}
    assert_error_equal "ERR value for ENTRIESREAD must be positive or -1" {r xgroup setid s g 0 entriesread -5}
    assert_error_equal "ERR value is not an integer or out of range" {r xgroup setid s g 0 entriesread x}
    assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP." \
        {r xgroup setid s g 0 foo}
    assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP." \
        {r xgroup setid s g 0 mkstream}
}

test {XGROUP DESTROY removes a group with its pending entries; 0 when there is none} {
    cg_fill s 3
    r xgroup create s g 0
    r xgroup create s keep 0
    r xreadgroup group g c streams s >
    assert_equal 1 [r xgroup destroy s g]
    assert_equal 0 [r xgroup destroy s g]
    assert_equal 0 [r xgroup destroy s nog]
    assert_equal {keep} [dict keys [cg_groups s]]
    assert_error_equal [cg_nogroup s g] {r xpending s g}
    assert_error_equal $::cg_nokey_xgroup {r xgroup destroy nokey g}
    # the entries stay; the name can be used again
    assert_equal 3 [r xlen s]
    r xgroup create s g 0
    assert_equal {0-0 (nil) 3 0 0} [cg_group_state s g]
}

test {XGROUP CREATECONSUMER: 1 when made, 0 when it exists} {
    cg_fill s 1
    r xgroup create s g 0
    assert_equal 1 [r xgroup createconsumer s g alice]
    assert_equal 0 [r xgroup createconsumer s g alice]
    assert_equal 1 [r xgroup createconsumer s g Alice]
    assert_equal {Alice 0 alice 0} [cg_consumers s g]
    assert_equal 2 [cg_group_field s g consumers]
    assert_error_equal [cg_nogroup_xgroup s nog] {r xgroup createconsumer s nog c}
    assert_error_equal $::cg_nokey_xgroup {r xgroup createconsumer nokey g c}
}

test {XGROUP DELCONSUMER replies the pending count it drops} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a count 3 streams s >
    r xreadgroup group g b streams s >
    assert_equal 3 [r xgroup delconsumer s g a]
    assert_equal {b 2} [cg_consumers s g]
    assert_equal 2 [cg_group_field s g pending]
    assert_equal {{4-0 b 1} {5-0 b 1}} [cg_pel s g]
    assert_equal 0 [r xgroup delconsumer s g a]
    r xgroup createconsumer s g idle
    assert_equal 0 [r xgroup delconsumer s g idle]
    # the dropped entries are not delivered again to the group by >
    assert_equal (nil) [r xreadgroup group g c streams s >]
    assert_error_equal [cg_nogroup_xgroup s nog] {r xgroup delconsumer s nog a}
    assert_error_equal $::cg_nokey_xgroup {r xgroup delconsumer nokey g a}
}

test {XGROUP HELP, unknown subcommands and wrong arity} {
    set help [r xgroup help]
    assert_match "XGROUP <subcommand> *" [lindex $help 0]
    foreach sub {CREATE CREATECONSUMER DELCONSUMER DESTROY SETID HELP} {
        assert {[lsearch -glob $help "$sub*"] >= 0} "no $sub in XGROUP HELP"
    }
    assert_equal [r xgroup help] [r xgroup HELP]
    assert_error_equal "ERR unknown subcommand 'foo'. Try XGROUP HELP." {r xgroup foo}
    assert_error_equal "ERR unknown subcommand 'foo'. Try XGROUP HELP." {r xgroup foo s g}
    assert_arity_error xgroup {}
    foreach {sub args} {create {s} create {s g} setid {s} setid {s g} destroy {s}
                        destroy {} createconsumer {s g} delconsumer {s g} help {x}} {
        assert_error_equal "ERR wrong number of arguments for 'xgroup|$sub' command" \
            {r xgroup $sub {*}$args} "$sub $args"
    }
}

test {XGROUP on a key of another type is WRONGTYPE} {
    r del str
    r set str x
    foreach cmd {{create str g 0} {create str g 0 mkstream} {setid str g 0}
                 {destroy str g} {createconsumer str g c} {delconsumer str g c}} {
        assert_error_equal $::cg_wrongtype {r xgroup {*}$cmd} $cmd
    }
    assert_equal x [r get str]
}

# --------------------------------------------------------- XREADGROUP

test {XREADGROUP > delivers each new entry to one consumer of the group once} {
    cg_fill s 4
    r xgroup create s g 0
    assert_equal {{s {{1-0 {f v1}} {2-0 {f v2}}}}} [r xreadgroup group g a count 2 streams s >]
    assert_equal {{s {{3-0 {f v3}} {4-0 {f v4}}}}} [r xreadgroup group g b streams s >]
    assert_equal (nil) [r xreadgroup group g a streams s >]
    r xadd s 5-0 f v5
    assert_equal {{s {{5-0 {f v5}}}}} [r xreadgroup group g b streams s >]
    assert_equal {5-0 5 0 5 2} [cg_group_state s g]
    assert_equal {a 2 b 3} [cg_consumers s g]
    # another group reads the same entries on its own
    r xgroup create s other 0
    assert_equal 5 [llength [lindex [r xreadgroup group other x streams s >] 0 1]]
}

test {XREADGROUP with an ID reads the consumer's own history after it} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a count 3 streams s >
    r xreadgroup group g b streams s >
    assert_equal {1-0 2-0 3-0} [cg_ids [lindex [r xreadgroup group g a streams s 0] 0 1]]
    assert_equal {3-0} [cg_ids [lindex [r xreadgroup group g a streams s 2-0] 0 1]]
    assert_equal {2-0} [cg_ids [lindex [r xreadgroup group g a count 1 streams s 1-0] 0 1]]
    assert_equal {4-0 5-0} [cg_ids [lindex [r xreadgroup group g b streams s 0-0] 0 1]]
    # an empty history is the stream with no entries, not a null
    assert_equal {{s {}}} [r xreadgroup group g a streams s 3-0]
    assert_equal {{s {}}} [r xreadgroup group g new streams s 0]
    r xack s g 1-0 2-0 3-0
    assert_equal {{s {}}} [r xreadgroup group g a streams s 0]
}

test {Reading history counts a delivery; reading new entries starts at one} {
    cg_fill s 2
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_equal {{1-0 a 1} {2-0 a 1}} [cg_pel s g]
    r xreadgroup group g a streams s 0
    r xreadgroup group g a count 1 streams s 0
    assert_equal {{1-0 a 3} {2-0 a 2}} [cg_pel s g]
    assert_equal {a 2} [cg_consumers s g]
}

test {XREADGROUP history: an entry deleted meanwhile comes back with null fields} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xdel s 2-0
    assert_equal {{s {{1-0 {f v1}} {2-0 (nil)} {3-0 {f v3}}}}} [r xreadgroup group g a streams s 0]
    assert_equal "*1\r\n*2\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n2-0\r\n*-1\r\n" \
        [raw_reply xreadgroup group g a count 1 streams s 1-0]
    # it stays pending until acknowledged; the reads of a deleted entry
    # are not counted as deliveries
    assert_equal {{1-0 a 2} {2-0 a 1} {3-0 a 2}} [cg_pel s g]
    assert_equal 1 [r xack s g 2-0]
    assert_equal {{1-0 {f v1}} {3-0 {f v3}}} [lindex [r xreadgroup group g a streams s 0] 0 1]
}

test {XREADGROUP NOACK delivers without making pending entries} {
    cg_fill s 3
    r xgroup create s g 0
    assert_equal 3 [llength [lindex [r xreadgroup group g a noack streams s >] 0 1]]
    assert_equal {0 (nil) (nil) (nil)} [r xpending s g]
    assert_equal {3-0 3 0 0 1} [cg_group_state s g]
    assert_equal {a 0} [cg_consumers s g]
    assert_equal {{s {}}} [r xreadgroup group g a noack streams s 0]
    # NOACK anywhere among the options
    r xadd s 4-0 f v4
    assert_equal {{s {{4-0 {f v4}}}}} [r xreadgroup noack group g a count 5 streams s >]
    assert_equal 0 [cg_group_field s g pending]
}

test {XREADGROUP COUNT: at most that many; 0 or negative means no limit} {
    cg_fill s 5
    r xgroup create s g 0
    assert_equal {1-0} [cg_ids [lindex [r xreadgroup group g a count 1 streams s >] 0 1]]
    assert_equal {2-0 3-0} [cg_ids [lindex [r xreadgroup group g a COUNT 2 streams s >] 0 1]]
    assert_equal {4-0 5-0} [cg_ids [lindex [r xreadgroup group g a count 0 streams s >] 0 1]]
    r xgroup setid s g 0
    assert_equal 5 [llength [lindex [r xreadgroup group g b count -1 streams s >] 0 1]]
    # the last COUNT wins
    r xgroup setid s g 0
    assert_equal 2 [llength [lindex [r xreadgroup group g b count 1 count 2 streams s >] 0 1]]
}

test {XREADGROUP of several streams: each with its own ID, only those with data} {
    r del s1 s2 s3
    r xadd s1 1-0 a 1
    r xadd s2 1-0 b 1
    r xadd s2 2-0 b 2
    r xgroup create s3 g $ mkstream
    foreach k {s1 s2} { r xgroup create $k g 0 }
    assert_equal {{s1 {{1-0 {a 1}}}} {s2 {{1-0 {b 1}}}}} \
        [r xreadgroup group g c count 1 streams s1 s2 s3 > > >]
    assert_equal {{s2 {{2-0 {b 2}}}}} [r xreadgroup group g c streams s3 s1 s2 > > >]
    # a history ID and > mixed: the history stream is always there
    assert_equal {{s1 {{1-0 {a 1}}}} {s3 {}}} [r xreadgroup group g c streams s1 s2 s3 0 > 0]
    assert_equal (nil) [r xreadgroup group g c streams s1 s2 > >]
}

test {XREADGROUP makes its consumer when it serves it: history, or new entries} {
    r del s
    r xgroup create s g $ mkstream
    # > with nothing new serves nobody and makes no consumer
    assert_equal (nil) [r xreadgroup group g early streams s >]
    assert_equal {} [cg_consumers s g]
    # a history read always serves, even an empty one
    assert_equal {{s {}}} [r xreadgroup group g hist streams s 0]
    assert_equal {hist 0} [cg_consumers s g]
    r xadd s 1-0 a 1
    assert_equal {{s {{1-0 {a 1}}}}} [r xreadgroup group g silent noack streams s >]
    assert_equal (nil) [r xreadgroup group g late streams s >]
    assert_equal {hist 0 silent 0} [cg_consumers s g]
    assert_equal 2 [cg_group_field s g consumers]
}

test {XREADGROUP errors: NOGROUP, $, bad IDs, unbalanced streams, options} {
    cg_fill s 1
    r del nokey
    r xgroup create s g 0
    assert_error_equal [cg_nogroup_read s nog] {r xreadgroup group nog c streams s >}
    assert_error_equal [cg_nogroup_read nokey g] {r xreadgroup group g c streams nokey >}
    assert_error_equal [cg_nogroup_read nokey g] {r xreadgroup group g c streams s nokey > >}
    assert_error_equal [cg_nogroup_read nokey g] {r xreadgroup group g c streams nokey 0}
    assert_error_equal "ERR The \$ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The \$ ID would just return an empty result set." \
        {r xreadgroup group g c streams s $}
    assert_error_equal $::cg_badid {r xreadgroup group g c streams s bad}
    assert_error_equal $::cg_badid {r xreadgroup group g c streams s 1-}
    set unbalanced "ERR Unbalanced XREAD list of streams: for each stream key an ID or '\$' must be specified."
    assert_error_equal $unbalanced {r xreadgroup group g c count 1 streams s}
    assert_error_equal $unbalanced {r xreadgroup group g c streams s s >}
    assert_error_equal $unbalanced {r xreadgroup count 1 streams s > x}
    assert_error_equal "ERR value is not an integer or out of range" {r xreadgroup group g c count x streams s >}
    assert_error_equal "ERR timeout is not an integer or out of range" {r xreadgroup group g c block x streams s >}
    assert_error_equal "ERR timeout is negative" {r xreadgroup group g c block -1 streams s >}
    assert_error_equal "ERR syntax error" {r xreadgroup group g c foo streams s >}
    assert_error_equal "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead." \
        {r xread group g c streams s >}
    assert_arity_error xreadgroup {} {group} {group g} {group g c} {group g c streams} \
        {group g c streams s} {streams s >} {group g streams s >}
    # nothing was read by the failed calls
    assert_equal {0-0 (nil) 1 0 0} [cg_group_state s g]
}

test {XREADGROUP on a key of another type is WRONGTYPE} {
    r del str
    r set str x
    assert_error_equal $::cg_wrongtype {r xreadgroup group g c streams str >}
    assert_error_equal $::cg_wrongtype {r xreadgroup group g c streams str 0}
}

test {After SETID back, > delivers again and the pending entry moves to the reader, counted once} {
    cg_fill s 2
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xreadgroup group g a streams s 0
    assert_equal {{1-0 a 2} {2-0 a 2}} [cg_pel s g]
    r xgroup setid s g 0
    assert_equal {1-0} [cg_ids [lindex [r xreadgroup group g b count 1 streams s >] 0 1]]
    assert_equal {{1-0 b 1} {2-0 a 2}} [cg_pel s g]
    assert_equal {a 1 b 1} [cg_consumers s g]
}

test {Reply forms of XREADGROUP in RESP2 and RESP3} {
    cg_fill s 1
    r xgroup create s g 0
    assert_equal "*1\r\n*2\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$2\r\nv1\r\n" \
        [raw_reply xreadgroup group g c streams s >]
    assert_equal "*-1\r\n" [raw_reply xreadgroup group g c streams s >]
    assert_equal "%1\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$2\r\nv1\r\n" \
        [raw_reply3 xreadgroup group g c streams s 0]
    assert_equal "_\r\n" [raw_reply3 xreadgroup group g c streams s >]
    r xdel s 1-0
    assert_equal "%1\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n_\r\n" \
        [raw_reply3 xreadgroup group g c streams s 0]
    assert_equal "%1\r\n\$1\r\ns\r\n*0\r\n" [raw_reply3 xreadgroup group g d streams s 0]
}
}

# ------------------------------------------------- XREADGROUP BLOCK

start_server {tags {stream_cgroups}} {
r null_value (nil)

test {XREADGROUP BLOCK waits on > and is served by an XADD} {
    r del s
    r xgroup create s g $ mkstream
    set rd [cg_blocked 1 group g c block 0 streams s >]
    # the consumer is made when it is served, not while it waits
    assert_equal {} [cg_consumers s g]
    r xadd s 1-0 f v
    assert_equal {{s {{1-0 {f v}}}}} [$rd read]
    assert_equal {c 1} [cg_consumers s g]
    assert_equal {{1-0 c 1}} [cg_pel s g]
    assert_equal {1-0 1 0 1 1} [cg_group_state s g]
    $rd close
}

test {A served client gets a map in RESP3; NOACK serves without a pending entry} {
    r del s
    r xgroup create s g $ mkstream
    set rd [blocked_client 3 1 xreadgroup group g c noack block 0 streams s >]
    r xadd s 1-0 f v
    assert_equal "%1\r\n\$1\r\ns\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [$rd read_raw]
    assert_equal 0 [cg_group_field s g pending]
    $rd close
}

test {Clients waiting on one group are served first come first served, one entry each} {
    r del s
    r xgroup create s g $ mkstream
    set rd1 [cg_blocked 1 group g c1 count 1 block 0 streams s >]
    set rd2 [cg_blocked 2 group g c2 count 1 block 0 streams s >]
    set rd3 [cg_blocked 3 group g c3 count 1 block 0 streams s >]
    r xadd s 1-0 f 1
    assert_equal {{s {{1-0 {f 1}}}}} [$rd1 read]
    wait_for_blocked_clients_count 2
    r xadd s 2-0 f 2
    assert_equal {{s {{2-0 {f 2}}}}} [$rd2 read]
    wait_for_blocked_clients_count 1
    r xadd s 3-0 f 3
    assert_equal {{s {{3-0 {f 3}}}}} [$rd3 read]
    assert_equal {{1-0 c1 1} {2-0 c2 1} {3-0 c3 1}} [cg_pel s g]
    cg_close $rd1 $rd2 $rd3
}

test {Each group waiting on a stream gets the same new entry} {
    r del s
    r xgroup create s g1 $ mkstream
    r xgroup create s g2 $
    set rd1 [cg_blocked 1 group g1 c block 0 streams s >]
    set rd2 [cg_blocked 2 group g2 c block 0 streams s >]
    r xadd s 1-0 f v
    assert_equal {{s {{1-0 {f v}}}}} [$rd1 read]
    assert_equal {{s {{1-0 {f v}}}}} [$rd2 read]
    cg_close $rd1 $rd2
}

test {A client waiting on several streams is served from the one that got an entry} {
    r del s1 s2
    r xgroup create s1 g $ mkstream
    r xgroup create s2 g $ mkstream
    set rd [cg_blocked 1 group g c block 0 streams s1 s2 > >]
    r xadd s2 1-0 x y
    assert_equal {{s2 {{1-0 {x y}}}}} [$rd read]
    assert_equal 0 [cg_group_field s1 g pending]
    assert_equal 1 [cg_group_field s2 g pending]
    $rd close
}

test {Served after EXEC: the client sees every entry of the transaction, up to COUNT} {
    r del s
    r xgroup create s g $ mkstream
    set rd1 [cg_blocked 1 group g a block 0 streams s >]
    r multi
    r xadd s 1-0 f 1
    r xadd s 2-0 f 2
    r exec
    assert_equal {{s {{1-0 {f 1}} {2-0 {f 2}}}}} [$rd1 read]
    set rd2 [cg_blocked 1 group g b count 1 block 0 streams s >]
    r multi
    r xadd s 3-0 f 3
    r xadd s 4-0 f 4
    r exec
    assert_equal {{s {{3-0 {f 3}}}}} [$rd2 read]
    assert_equal {{1-0 a 1} {2-0 a 1} {3-0 b 1}} [cg_pel s g]
    cg_close $rd1 $rd2
}

test {A history read with BLOCK does not block} {
    cg_fill s 2
    r xgroup create s g 0
    r xreadgroup group g c count 1 streams s >
    assert_equal {{s {{1-0 {f v1}}}}} [r xreadgroup group g c block 0 streams s 0]
    assert_equal {{s {}}} [r xreadgroup group g other block 0 streams s 0]
    # > with entries already there answers at once too
    assert_equal {{s {{2-0 {f v2}}}}} [r xreadgroup group g c block 0 streams s >]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {XREADGROUP BLOCK refuses a missing key or group at once} {
    r del s nokey
    r xgroup create s g $ mkstream
    assert_error_equal [cg_nogroup_read nokey g] {r xreadgroup group g c block 0 streams nokey >}
    assert_error_equal [cg_nogroup_read s nog] {r xreadgroup group nog c block 0 streams s >}
    assert_equal 0 [server_info_field r blocked_clients]
}

test {Timeouts: a null array in RESP2, a null in RESP3} {
    r del s
    r xgroup create s g $ mkstream
    assert_equal "*-1\r\n" [raw_reply xreadgroup group g c block 10 streams s >]
    assert_equal "_\r\n" [raw_reply3 xreadgroup group g c block 10 streams s >]
    assert_equal 0 [server_info_field r blocked_clients]
    assert_equal {} [cg_consumers s g]
    r xadd s 1-0 f v
    assert_equal 0 [cg_group_field s g pending]
}

test {Destroying the group a client waits on answers it NOGROUP} {
    r del s
    r xgroup create s g $ mkstream
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r xgroup destroy s g
    assert_error_equal "NOGROUP the consumer group this client was blocked on no longer exists" {$rd read}
    assert_equal 0 [server_info_field r blocked_clients]
    $rd close
}

test {Deleting the key, or setting it to another type, answers the waiting client UNBLOCKED} {
    foreach how {{del s} {set s x} {flushdb} {unlink s}} {
        r del s
        r xgroup create s g $ mkstream
        set rd [cg_blocked 1 group g c block 0 streams s >]
        r {*}$how
        assert_error_equal "UNBLOCKED the stream key no longer exists" {$rd read} $how
        assert_equal 0 [server_info_field r blocked_clients]
        $rd close
    }
}

test {RENAME onto the waited key: served when the new stream has the group, else NOGROUP} {
    r del s src
    r xgroup create s g $ mkstream
    r xadd src 1-0 f v
    r xgroup create src g 0
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r rename src s
    assert_equal {{s {{1-0 {f v}}}}} [$rd read]
    $rd close
    r del s src
    r xgroup create s g $ mkstream
    r xadd src 1-0 f v
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r rename src s
    assert_error_equal "NOGROUP the consumer group this client was blocked on no longer exists" {$rd read}
    $rd close
}

test {SWAPDB: the waited key is what the other database had} {
    # nothing there, or not a stream: UNBLOCKED; a stream without the
    # group: NOGROUP; a stream with the group and new entries: served
    foreach {other reply} {
        {} {UNBLOCKED the stream key no longer exists}
        {{set s x}} {UNBLOCKED the stream key no longer exists}
        {{xadd s 1-0 a b}} {NOGROUP the consumer group this client was blocked on no longer exists}
        {{xadd s 1-0 a b} {xgroup create s g 0}} {s {{1-0 {a b}}}}
    } {
        r flushall
        r xgroup create s g $ mkstream
        r select 1
        foreach cmd $other { r {*}$cmd }
        r select 0
        set rd [cg_blocked 1 group g c block 0 streams s >]
        r swapdb 0 1
        if {[string match "s *" $reply]} {
            assert_equal [list $reply] [$rd read] $other
        } else {
            assert_error_equal $reply {$rd read} $other
        }
        $rd close
    }
    r flushall
}

test {A client waits on its own database's key only} {
    r flushall
    r xgroup create s g $ mkstream
    set c9 [redis_client]
    $c9 select 9
    $c9 xgroup create s g $ mkstream
    set rd [redis_deferring_client]
    $rd select 9
    $rd read
    $rd xreadgroup group g c block 0 streams s >
    wait_for_blocked_clients_count 1
    r xadd s 1-0 other db
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    $c9 xadd s 2-0 mine yes
    assert_equal {{s {{2-0 {mine yes}}}}} [$rd read]
    assert_equal 0 [cg_group_field s g pending]
    $c9 flushdb
    cg_close $c9 $rd
}

test {A served client runs its pipelined requests afterwards, in order} {
    r del s
    r xgroup create s g $ mkstream
    set rd [redis_deferring_client]
    $rd write [::redis::__format_command {xreadgroup group g c block 0 streams s >}]
    $rd write [::redis::__format_command {xpending s g}]
    $rd write [::redis::__format_command {echo after}]
    $rd flush
    wait_for_blocked_clients_count 1
    r xadd s 1-0 f v
    assert_equal {{s {{1-0 {f v}}}}} [$rd read]
    assert_equal {1 1-0 1-0 {{c 1}}} [$rd read]
    assert_equal after [$rd read]
    $rd close
}

test {Served after the script that added the entry; no BLOCK inside a script} {
    if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
    r del s
    r xgroup create s g $ mkstream
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r eval {
        redis.call('xadd', KEYS[1], '1-0', 'a', '1')
        redis.call('xadd', KEYS[1], '2-0', 'a', '2')
    } 1 s
    assert_equal {{s {{1-0 {a 1}} {2-0 {a 2}}}}} [$rd read]
    $rd close
    assert_error "ERR xreadgroup command is not allowed with BLOCK option from scripts*" \
        {r eval {return redis.call('xreadgroup', 'group', 'g', 'c', 'block', 0, 'streams', KEYS[1], '>')} 1 s}
    r xadd s 3-0 a 3
    assert_equal {{s {{3-0 {a 3}}}}} \
        [r eval {return redis.call('xreadgroup', 'group', 'g', 'c', 'streams', KEYS[1], '>')} 1 s]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {Writes that add no entry past the group's last ID serve nobody} {
    r del s
    r xadd s 1-0 f v
    r xgroup create s g $
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r xgroup createconsumer s g other
    r xdel s 1-0
    r xtrim s maxlen 0
    r xgroup setid s g 0
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r xadd s 2-0 f w
    assert_equal {{s {{2-0 {f w}}}}} [$rd read]
    $rd close
}

test {SETID back while a client waits: it waits on; the next XADD serves it from the group's ID} {
    r del s
    r xadd s 1-0 a 1
    r xgroup create s g $
    set rd [cg_blocked 1 group g c block 0 streams s >]
    r xgroup setid s g 0
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r xadd s 2-0 a 2
    assert_equal {{s {{1-0 {a 1}} {2-0 {a 2}}}}} [$rd read]
    $rd close
}

test {CLIENT UNBLOCK: TIMEOUT answers as a timeout, ERROR with -UNBLOCKED} {
    r del s
    r xgroup create s g $ mkstream
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    foreach how {{} timeout error} {
        assert_unblocked_by_client_unblock $rd $id {xreadgroup group g c block 0 streams s >} $how
    }
    assert_equal 0 [r client unblock $id]
    assert_equal 0 [server_info_field r blocked_clients]
    r xadd s 1-0 f v
    assert_equal 0 [cg_group_field s g pending]
    $rd close
}

test {Inside MULTI, XREADGROUP BLOCK does not block: null when nothing is new} {
    r del s
    r xgroup create s g $ mkstream
    set cmds {{xreadgroup group g c block 0 streams s >}}
    assert_equal "*1\r\n*-1\r\n" [exec_reply_raw 2 $cmds]
    assert_equal "*1\r\n_\r\n" [exec_reply_raw 3 $cmds]
    r multi
    r xadd s 1-0 f v
    r xreadgroup group g c block 0 streams s >
    assert_equal {1-0 {{s {{1-0 {f v}}}}}} [r exec]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {A client whose timeout passed is not served any more} {
    r del s
    r xgroup create s g $ mkstream
    set rd [redis_deferring_client]
    $rd null_value (nil)
    assert_equal {(nil) next} [pipeline_replies $rd {{xreadgroup group g c block 50 streams s >} {echo next}}]
    r xadd s 1-0 f v
    assert_equal 0 [cg_group_field s g pending]
    assert_equal {{s {{1-0 {f v}}}}} [r xreadgroup group g c streams s >]
    $rd close
}
}

# -------------------------------------------- XACK, XPENDING, XCLAIM

start_server {tags {stream_cgroups}} {
r null_value (nil)

test {XACK counts the pending entries it removes; unknown and repeated IDs count nothing} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a count 3 streams s >
    r xreadgroup group g b streams s >
    assert_equal 1 [r xack s g 1-0]
    assert_equal 0 [r xack s g 1-0]
    assert_equal 2 [r xack s g 2-0 4-0 2-0 9-0 4]
    assert_equal {{3-0 a 1} {5-0 b 1}} [cg_pel s g]
    assert_equal {a 1 b 1} [cg_consumers s g]
    # a missing group or key is no error, just nothing acknowledged
    assert_equal 0 [r xack s nog 3-0]
    assert_equal 0 [r xack nokey g 3-0]
    # acknowledging leaves the entries in the stream and the consumer in the group
    assert_equal 2 [r xack s g 3-0 5-0]
    assert_equal 5 [r xlen s]
    assert_equal {a 0 b 0} [cg_consumers s g]
}

test {XACK checks every ID before it acknowledges any} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_error_equal $::cg_badid {r xack s g 1-0 2-0 bad}
    assert_error_equal $::cg_badid {r xack s g 1-0 -}
    assert_equal {{1-0 a 1} {2-0 a 1} {3-0 a 1}} [cg_pel s g]
    assert_arity_error xack {} {s} {s g}
    r set str x
    assert_error_equal $::cg_wrongtype {r xack str g 1-0}
}

test {XPENDING summary: count, smallest and greatest ID, each consumer's count} {
    cg_fill s 6
    r xgroup create s g 0
    assert_equal {0 (nil) (nil) (nil)} [r xpending s g]
    r xreadgroup group g b count 2 streams s >
    r xreadgroup group g a count 3 streams s >
    r xreadgroup group g c noack streams s >
    r xgroup createconsumer s g idle
    assert_equal {5 1-0 5-0 {{a 3} {b 2}}} [r xpending s g]
    assert_equal "*4\r\n:5\r\n\$3\r\n1-0\r\n\$3\r\n5-0\r\n*2\r\n*2\r\n\$1\r\na\r\n\$1\r\n3\r\n*2\r\n\$1\r\nb\r\n\$1\r\n2\r\n" \
        [raw_reply xpending s g]
    r xgroup create s empty 0
    assert_equal "*4\r\n:0\r\n\$-1\r\n\$-1\r\n*-1\r\n" [raw_reply xpending s empty]
    assert_equal "*4\r\n:0\r\n_\r\n_\r\n_\r\n" [raw_reply3 xpending s empty]
}

test {XPENDING extended: start, end, count and consumer; exclusive bounds} {
    cg_fill s 6
    r xgroup create s g 0
    r xreadgroup group g a count 2 streams s >
    r xreadgroup group g b count 2 streams s >
    r xreadgroup group g a streams s >
    assert_equal {{1-0 a 1} {2-0 a 1} {3-0 b 1} {4-0 b 1} {5-0 a 1} {6-0 a 1}} [cg_pel s g]
    assert_equal {{3-0 b 1} {4-0 b 1}} [cg_pel s g b]
    assert_equal {} [cg_pel s g nobody]
    set got {}
    foreach e [r xpending s g 2-0 5 2] { lappend got [lindex $e 0] }
    assert_equal {2-0 3-0} $got
    set got {}
    foreach e [r xpending s g (2-0 (5-0 10] { lappend got [lindex $e 0] }
    assert_equal {3-0 4-0} $got
    set got {}
    foreach e [r xpending s g - + 10 a] { lappend got [lindex $e 0] }
    assert_equal {1-0 2-0 5-0 6-0} $got
    assert_equal {} [r xpending s g - + 0]
    assert_equal {} [r xpending s g - + -1]
    assert_equal {} [r xpending s g 7 + 10]
    assert_equal {} [r xpending s g 5 3 10]
    # each entry: ID, consumer, idle milliseconds, deliveries
    lassign [lindex [r xpending s g - + 1] 0] id consumer idle count
    assert_equal {1-0 a 1} [list $id $consumer $count]
    assert_morethan_equal $idle 0
}

test {XPENDING IDLE keeps the entries idle at least that long} {
    cg_fill s 4
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xclaim s g a 0 2-0 4-0 idle 1000000 justid
    set got {}
    foreach e [r xpending s g idle 500000 - + 10] {
        lappend got [lindex $e 0]
        assert_morethan_equal [lindex $e 2] 1000000
    }
    assert_equal {2-0 4-0} $got
    assert_equal 4 [llength [r xpending s g idle 0 - + 10]]
    assert_equal {4-0} [cg_ids [r xpending s g IDLE 500000 3 + 10 a]]
    assert_equal {} [r xpending s g idle 500000 - + 10 b]
    assert_equal {} [r xpending s g idle 5000000 - + 10]
}

test {XPENDING errors} {
    cg_fill s 2
    r xgroup create s g 0
    r del nokey
    assert_error_equal [cg_nogroup s nog] {r xpending s nog}
    assert_error_equal [cg_nogroup nokey g] {r xpending nokey g}
    assert_error_equal [cg_nogroup nokey g] {r xpending nokey g - + 10}
    assert_error_equal "ERR syntax error" {r xpending s g - +}
    assert_error_equal "ERR syntax error" {r xpending s g -}
    assert_error_equal "ERR syntax error" {r xpending s g idle 10 - +}
    assert_error_equal "ERR value is not an integer or out of range" {r xpending s g - + x}
    assert_error_equal "ERR value is not an integer or out of range" {r xpending s g idle x - + 10}
    assert_error_equal "ERR value is not an integer or out of range" {r xpending s g idle - + 10}
    assert_error_equal $::cg_badid {r xpending s g bad + 10}
    assert_error_equal $::cg_badid {r xpending s g - bad 10}
    assert_arity_error xpending {} {s}
    r set str x
    assert_error_equal $::cg_wrongtype {r xpending str g}
    assert_error_equal $::cg_wrongtype {r xpending str g - + 10}
}

test {XPENDING extended in RESP2 and RESP3} {
    cg_fill s 1
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_match "\*1\r\n\*4\r\n\$3\r\n1-0\r\n\$1\r\na\r\n:*\r\n:1\r\n" [raw_reply xpending s g - + 10]
    assert_match "\*1\r\n\*4\r\n\$3\r\n1-0\r\n\$1\r\na\r\n:*\r\n:1\r\n" [raw_reply3 xpending s g - + 10]
    assert_equal "*0\r\n" [raw_reply3 xpending s g - + 10 nobody]
}

test {XCLAIM moves pending entries to a consumer, counts a delivery, returns the entries} {
    cg_fill s 4
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_equal {{1-0 {f v1}} {3-0 {f v3}}} [r xclaim s g b 0 1-0 3-0]
    assert_equal {{1-0 b 2} {2-0 a 1} {3-0 b 2} {4-0 a 1}} [cg_pel s g]
    assert_equal {a 2 b 2} [cg_consumers s g]
    # claiming an entry one already owns counts another delivery
    assert_equal {{1-0 {f v1}}} [r xclaim s g b 0 1-0]
    assert_equal {1-0 b 3} [lindex [cg_pel s g] 0]
    # IDs that are not pending are left out
    assert_equal {{2-0 {f v2}}} [r xclaim s g c 0 9-0 2-0 0-1]
    assert_equal {a 1 b 2 c 1} [cg_consumers s g]
}

test {XCLAIM min-idle-time: only entries idle at least that long are claimed} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xclaim s g a 0 2-0 idle 1000000 justid
    assert_equal {2-0} [r xclaim s g b 500000 1-0 2-0 3-0 justid]
    assert_equal {} [r xclaim s g b 500000 1-0 2-0 3-0]
    assert_equal {{1-0 a 1} {2-0 b 1} {3-0 a 1}} [cg_pel s g]
    # the claim made it fresh again
    assert_equal {} [r xclaim s g c 500000 2-0]
    # no consumer is made by a claim that takes nothing
    assert_equal {a 2 b 1} [cg_consumers s g]
}

test {XCLAIM IDLE and TIME set the idle time, RETRYCOUNT the deliveries, JUSTID counts none} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_equal {1-0} [r xclaim s g b 0 1-0 justid]
    assert_equal {{1-0 b 1}} [cg_pel s g b]
    r xclaim s g b 0 1-0 retrycount 7
    assert_equal {{1-0 b 7}} [cg_pel s g b]
    r xclaim s g b 0 1-0 retrycount 3 justid
    assert_equal {{1-0 b 3}} [cg_pel s g b]
    r xclaim s g b 0 2-0 idle 2000000 retrycount 0
    lassign [lindex [r xpending s g 2-0 2-0 1] 0] id consumer idle count
    assert_equal {2-0 b 0} [list $id $consumer $count]
    assert_morethan_equal $idle 2000000
    set t [expr {[clock milliseconds] - 3000000}]
    r xclaim s g c 0 3-0 time $t justid
    lassign [lindex [r xpending s g 3-0 3-0 1] 0] id consumer idle count
    assert_equal {3-0 c 1} [list $id $consumer $count]
    assert_morethan_equal $idle 3000000
    # and min-idle-time sees what IDLE and TIME set
    assert_equal {2-0 3-0} [r xclaim s g d 1500000 1-0 2-0 3-0 justid]
}

test {XCLAIM FORCE makes a pending entry for an entry of the stream nobody had} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a count 1 streams s >
    assert_equal {} [r xclaim s g b 0 2-0]
    # made with one delivery, and the claim counts another (not with JUSTID)
    assert_equal {{2-0 {f v2}}} [r xclaim s g b 0 2-0 force]
    assert_equal {{1-0 a 1} {2-0 b 2}} [cg_pel s g]
    # not for an ID the stream does not have
    assert_equal {} [r xclaim s g b 0 9-0 force]
    assert_equal {3-0} [r xclaim s g c 0 3-0 force justid]
    assert_equal {{1-0 a 1} {2-0 b 2} {3-0 c 1}} [cg_pel s g]
    # the group's last ID does not move
    assert_equal 1-0 [cg_group_field s g last-delivered-id]
}

test {XCLAIM LASTID moves the group's last-delivered-id forward only} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a count 3 streams s >
    r xclaim s g b 0 1-0 lastid 4-0 justid
    assert_equal {4-0 3 2 3 2} [cg_group_state s g]
    r xclaim s g b 0 1-0 lastid 2-0 justid
    assert_equal 4-0 [cg_group_field s g last-delivered-id]
    assert_equal {{s {{5-0 {f v5}}}}} [r xreadgroup group g c streams s >]
}

test {XCLAIM drops deleted entries from the pending list and leaves them out} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xdel s 2-0
    assert_equal {{1-0 {f v1}} {3-0 {f v3}}} [r xclaim s g b 0 1-0 2-0 3-0]
    assert_equal {{1-0 b 2} {3-0 b 2}} [cg_pel s g]
    r xdel s 3-0
    assert_equal {1-0} [r xclaim s g c 0 1-0 3-0 justid]
    assert_equal {{1-0 c 2}} [cg_pel s g]
    assert_equal {b 0 c 1} [lrange [cg_consumers s g] 2 end]
}

test {XCLAIM errors} {
    cg_fill s 1
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r del nokey
    assert_error_equal [cg_nogroup s nog] {r xclaim s nog b 0 1-0}
    assert_error_equal [cg_nogroup nokey g] {r xclaim nokey g b 0 1-0}
    assert_error_equal "ERR Invalid min-idle-time argument for XCLAIM" {r xclaim s g b x 1-0}
    assert_error_equal "ERR Unrecognized XCLAIM option 'bad'" {r xclaim s g b 0 bad}
    assert_error_equal "ERR Unrecognized XCLAIM option 'foo'" {r xclaim s g b 0 1-0 foo}
    assert_error_equal "ERR Unrecognized XCLAIM option 'idle'" {r xclaim s g b 0 1-0 idle}
    assert_error_equal "ERR Invalid IDLE option argument for XCLAIM" {r xclaim s g b 0 1-0 idle x}
    assert_error_equal "ERR Invalid TIME option argument for XCLAIM" {r xclaim s g b 0 1-0 time x}
    assert_error_equal "ERR Invalid RETRYCOUNT option argument for XCLAIM" {r xclaim s g b 0 1-0 retrycount x}
    assert_error_equal $::cg_badid {r xclaim s g b 0 1-0 lastid bad}
    assert_arity_error xclaim {} {s} {s g} {s g b} {s g b 0}
    # nothing was claimed by the failed calls
    assert_equal {{1-0 a 1}} [cg_pel s g]
    r set str x
    assert_error_equal $::cg_wrongtype {r xclaim str g b 0 1-0}
}
}

# ------------------------------------------------------- XAUTOCLAIM

start_server {tags {stream_cgroups}} {
r null_value (nil)

test {XAUTOCLAIM claims the idle entries from a start ID: cursor, entries, deleted IDs} {
    cg_fill s 4
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xclaim s g a 0 2-0 3-0 idle 1000000 justid
    assert_equal {0-0 {{2-0 {f v2}} {3-0 {f v3}}} {}} [r xautoclaim s g b 500000 0]
    assert_equal {{1-0 a 1} {2-0 b 2} {3-0 b 2} {4-0 a 1}} [cg_pel s g]
    assert_equal {a 2 b 2} [cg_consumers s g]
    # min-idle-time 0 takes all, from the start ID on
    assert_equal {0-0 {{3-0 {f v3}} {4-0 {f v4}}} {}} [r xautoclaim s g c 0 3-0]
    assert_equal {0-0 {{4-0 {f v4}}} {}} [r xautoclaim s g c 0 (3-0]
    assert_equal {0-0 {} {}} [r xautoclaim s g c 0 5-0]
}

test {XAUTOCLAIM COUNT pages through the pending list with its cursor} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_equal {3-0 {{1-0 {f v1}} {2-0 {f v2}}} {}} [r xautoclaim s g b 0 0 count 2]
    assert_equal {5-0 {{3-0 {f v3}} {4-0 {f v4}}} {}} [r xautoclaim s g b 0 3-0 count 2]
    assert_equal {0-0 {{5-0 {f v5}}} {}} [r xautoclaim s g b 0 5-0 count 2]
    assert_equal {b 5} [lrange [cg_consumers s g] 2 end]
    # without COUNT, at most 100 a call
    cg_fill s 150
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    lassign [r xautoclaim s g b 0 0] cursor claimed deleted
    assert_equal 101-0 $cursor
    assert_equal 100 [llength $claimed]
    lassign [r xautoclaim s g b 0 $cursor] cursor claimed deleted
    assert_equal {0-0 50} [list $cursor [llength $claimed]]
}

test {XAUTOCLAIM looks at no more than ten times COUNT pending entries a call} {
    cg_fill s 30
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xclaim s g a 0 25-0 idle 1000000 justid
    # COUNT 1: ten fresh entries looked at, none taken, the cursor after them
    assert_equal {11-0 {} {}} [r xautoclaim s g b 500000 0 count 1]
    assert_equal {21-0 {} {}} [r xautoclaim s g b 500000 11-0 count 1]
    assert_equal {26-0 {{25-0 {f v25}}} {}} [r xautoclaim s g b 500000 21-0 count 1]
    assert_equal {0-0 {} {}} [r xautoclaim s g b 500000 26-0 count 1]
    assert_equal {{25-0 b 2}} [cg_pel s g b]
}

test {XAUTOCLAIM JUSTID returns IDs and counts no delivery} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    assert_equal {0-0 {1-0 2-0 3-0} {}} [r xautoclaim s g b 0 0 justid]
    assert_equal {{1-0 b 1} {2-0 b 1} {3-0 b 1}} [cg_pel s g]
    assert_equal {0-0 {2-0 3-0} {}} [r xautoclaim s g c 0 2 JUSTID count 5]
    assert_equal {{1-0 b 1} {2-0 c 1} {3-0 c 1}} [cg_pel s g]
}

test {XAUTOCLAIM drops deleted entries from the pending list and reports their IDs} {
    cg_fill s 5
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xdel s 2-0 4-0
    assert_equal {0-0 {{1-0 {f v1}} {3-0 {f v3}} {5-0 {f v5}}} {2-0 4-0}} [r xautoclaim s g b 0 0]
    assert_equal {{1-0 b 2} {3-0 b 2} {5-0 b 2}} [cg_pel s g]
    assert_equal {a 0 b 3} [cg_consumers s g]
    # a deleted entry takes its share of COUNT
    r xdel s 1-0
    assert_equal {5-0 {{3-0 {f v3}}} 1-0} [r xautoclaim s g c 0 0 count 2]
    r xdel s 5-0
    assert_equal {0-0 {} 5-0} [r xautoclaim s g c 0 5-0 justid]
    assert_equal {{3-0 c 3}} [cg_pel s g]
}

test {XAUTOCLAIM in RESP2 and RESP3} {
    cg_fill s 2
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r xdel s 2-0
    assert_equal "*3\r\n\$3\r\n0-0\r\n*1\r\n*2\r\n\$3\r\n1-0\r\n*2\r\n\$1\r\nf\r\n\$2\r\nv1\r\n*1\r\n\$3\r\n2-0\r\n" \
        [raw_reply xautoclaim s g b 0 0]
    assert_equal "*3\r\n\$3\r\n0-0\r\n*1\r\n\$3\r\n1-0\r\n*0\r\n" [raw_reply3 xautoclaim s g b 0 0 justid]
}

test {XAUTOCLAIM errors and COUNT limits} {
    cg_fill s 1
    r xgroup create s g 0
    r xreadgroup group g a streams s >
    r del nokey
    assert_error_equal [cg_nogroup s nog] {r xautoclaim s nog b 0 0}
    assert_error_equal [cg_nogroup nokey g] {r xautoclaim nokey g b 0 0}
    assert_error_equal "ERR Invalid min-idle-time argument for XAUTOCLAIM" {r xautoclaim s g b x 0}
    assert_error_equal $::cg_badid {r xautoclaim s g b 0 bad}
    foreach n {0 -1 x 576460752303423488 9223372036854775807 9223372036854775808} {
        assert_error_equal "ERR COUNT must be > 0" {r xautoclaim s g b 0 0 count $n} $n
    }
    assert_error_equal "ERR syntax error" {r xautoclaim s g b 0 0 foo}
    assert_error_equal "ERR syntax error" {r xautoclaim s g b 0 0 justid foo}
    assert_error_equal "ERR syntax error" {r xautoclaim s g b 0 0 count}
    assert_arity_error xautoclaim {} {s} {s g} {s g b} {s g b 0}
    assert_equal {{1-0 a 1}} [cg_pel s g]
    assert_equal {0-0 1-0 {}} [r xautoclaim s g b 0 0 count 1000 justid]
    r set str x
    assert_error_equal $::cg_wrongtype {r xautoclaim str g b 0 0}
}
}

# ---------------------------------------------------------------- XINFO

start_server {tags {stream_cgroups}} {
r null_value (nil)

test {XINFO GROUPS: name, consumers, pending, last-delivered-id, entries-read, lag} {
    cg_fill s 5
    r xgroup create s g1 0
    r xgroup create s g2 $
    r xreadgroup group g1 a count 2 streams s >
    r xreadgroup group g1 b count 1 streams s >
    assert_equal {{name g1 consumers 2 pending 3 last-delivered-id 3-0 entries-read 3 lag 2} {name g2 consumers 0 pending 0 last-delivered-id 5-0 entries-read (nil) lag 0}} \
        [r xinfo groups s]
    r xack s g1 1-0
    r xadd s 6-0 f v6
    assert_equal {3-0 3 3 2 2} [cg_group_state s g1]
    # g2's entries-read is unknown and its last ID is inside the stream
    assert_equal {5-0 (nil) (nil) 0 0} [cg_group_state s g2]
    # an empty stream, and a stream without groups
    r del e
    r xgroup create e g $ mkstream
    assert_equal {{name g consumers 0 pending 0 last-delivered-id 0-0 entries-read (nil) lag 0}} [r xinfo groups e]
    r del n
    r xadd n 1-0 a b
    assert_equal {} [r xinfo groups n]
}

test {Lag: counted from entries-read while no deleted entry lies after the group's last ID} {
    cg_fill s 6
    r xgroup create s g 0
    r xreadgroup group g c count 3 streams s >
    assert_equal {3-0 3 3} [lrange [cg_group_state s g] 0 2]
    # a deletion before the last ID changes nothing
    r xdel s 2-0
    assert_equal {3-0 3 3} [lrange [cg_group_state s g] 0 2]
    # one after it makes the lag unknown
    r xdel s 5-0
    assert_equal {3-0 3 (nil)} [lrange [cg_group_state s g] 0 2]
    # until the group has read past it
    r xreadgroup group g c streams s >
    assert_equal {6-0 6 0} [lrange [cg_group_state s g] 0 2]
    r xadd s 7-0 f v7
    assert_equal {6-0 6 1} [lrange [cg_group_state s g] 0 2]
}

test {Lag of a group whose entries-read is unknown: worked out where the stream allows} {
    cg_fill s 5
    r xgroup create s at0 0
    r xgroup create s atfirst 1-0
    r xgroup create s atmid 3-0
    r xgroup create s atend $
    assert_equal {(nil) 5} [lrange [cg_group_state s at0] 1 2]
    assert_equal {(nil) 4} [lrange [cg_group_state s atfirst] 1 2]
    assert_equal {(nil) (nil)} [lrange [cg_group_state s atmid] 1 2]
    assert_equal {(nil) 0} [lrange [cg_group_state s atend] 1 2]
    # trimming keeps the count of entries ever added: the groups before
    # the first entry can still be worked out
    r xtrim s maxlen 3
    assert_equal {(nil) 3} [lrange [cg_group_state s at0] 1 2]
    assert_equal {(nil) 3} [lrange [cg_group_state s atfirst] 1 2]
    assert_equal {(nil) 2} [lrange [cg_group_state s atmid] 1 2]
    # a deleted entry in the stream: only the end is known
    r xdel s 4-0
    assert_equal {(nil) (nil)} [lrange [cg_group_state s at0] 1 2]
    assert_equal {(nil) (nil)} [lrange [cg_group_state s atmid] 1 2]
    assert_equal {(nil) 0} [lrange [cg_group_state s atend] 1 2]
}

test {Lag after XSETID with ENTRIESADDED and MAXDELETEDID} {
    cg_fill s 3
    r xgroup create s g 0
    r xreadgroup group g c count 1 streams s >
    assert_equal {1-0 1 2} [lrange [cg_group_state s g] 0 2]
    r xsetid s 3-0 entriesadded 10
    assert_equal {1-0 1 9} [lrange [cg_group_state s g] 0 2]
    r xsetid s 3-0 entriesadded 10 maxdeletedid 2-0
    assert_equal {1-0 1 (nil)} [lrange [cg_group_state s g] 0 2]
    r xsetid s 9-0
    r xgroup create s end $
    assert_equal {9-0 (nil) 0} [lrange [cg_group_state s end] 0 2]
    # reading over a deleted ID loses the counter
    r xreadgroup group g c streams s >
    assert_equal {3-0 (nil) (nil)} [lrange [cg_group_state s g] 0 2]
}

test {XGROUP SETID ENTRIESREAD: an exact lag unless a deleted ID lies at or after the group's} {
    cg_fill s 6
    r xgroup create s g 0
    r xgroup setid s g 2-0 entriesread 2
    assert_equal {2-0 2 4} [lrange [cg_group_state s g] 0 2]
    r xdel s 5-0
    r xgroup setid s g 2-0
    assert_equal {2-0 (nil) (nil)} [lrange [cg_group_state s g] 0 2]
    r xgroup setid s g 2-0 entriesread 2
    assert_equal {2-0 2 (nil)} [lrange [cg_group_state s g] 0 2]
    r xgroup setid s g 5-0 entriesread 5
    assert_equal {5-0 5 (nil)} [lrange [cg_group_state s g] 0 2]
    r xgroup setid s g 6-0 entriesread 6
    assert_equal {6-0 6 0} [lrange [cg_group_state s g] 0 2]
    r xadd s 7-0 f v7
    assert_equal {6-0 6 1} [lrange [cg_group_state s g] 0 2]
}

test {XINFO CONSUMERS: name, pending and idle of each consumer, by name} {
    cg_fill s 4
    r xgroup create s g 0
    r xgroup createconsumer s g zed
    r xreadgroup group g bob count 3 streams s >
    r xreadgroup group g al streams s >
    set cs [r xinfo consumers s g]
    assert_equal {al bob zed} [lmap c $cs {dict get $c name}]
    assert_equal {1 3 0} [lmap c $cs {dict get $c pending}]
    foreach c $cs {
        assert_equal {name pending idle} [dict keys $c]
        assert_morethan_equal [dict get $c idle] 0
    }
    r xack s g 1-0
    r xclaim s g zed 0 2-0
    assert_equal {al 1 bob 1 zed 1} [cg_consumers s g]
    r xgroup create s empty 0
    assert_equal {} [r xinfo consumers s empty]
}

test {XINFO GROUPS and CONSUMERS errors, wrong type and arity} {
    cg_fill s 1
    r xgroup create s g 0
    r del nokey
    assert_error_equal "ERR no such key" {r xinfo groups nokey}
    assert_error_equal "ERR no such key" {r xinfo consumers nokey g}
    assert_error_equal [cg_nogroup_xgroup s nog] {r xinfo consumers s nog}
    r set str x
    assert_error_equal $::cg_wrongtype {r xinfo groups str}
    assert_error_equal $::cg_wrongtype {r xinfo consumers str g}
    assert_error_equal "ERR wrong number of arguments for 'xinfo|groups' command" {r xinfo groups}
    assert_error_equal "ERR wrong number of arguments for 'xinfo|groups' command" {r xinfo groups s x}
    assert_error_equal "ERR wrong number of arguments for 'xinfo|consumers' command" {r xinfo consumers s}
    assert_error_equal "ERR wrong number of arguments for 'xinfo|consumers' command" {r xinfo consumers s g x}
    assert_error_equal "ERR unknown subcommand 'foo'. Try XINFO HELP." {r xinfo foo}
}

test {XINFO GROUPS and CONSUMERS in RESP2 and RESP3} {
    cg_fill s 1
    r xgroup create s g $
    set grp "\$4\r\nname\r\n\$1\r\ng\r\n\$9\r\nconsumers\r\n:0\r\n\$7\r\npending\r\n:0\r\n\$17\r\nlast-delivered-id\r\n\$3\r\n1-0\r\n\$12\r\nentries-read\r\n"
    assert_equal "*1\r\n*12\r\n$grp\$-1\r\n\$3\r\nlag\r\n:0\r\n" [raw_reply xinfo groups s]
    assert_equal "*1\r\n%6\r\n${grp}_\r\n\$3\r\nlag\r\n:0\r\n" [raw_reply3 xinfo groups s]
    r xgroup createconsumer s g c
    assert_match "\*1\r\n\*6\r\n\$4\r\nname\r\n\$1\r\nc\r\n\$7\r\npending\r\n:0\r\n\$4\r\nidle\r\n:*\r\n" \
        [raw_reply xinfo consumers s g]
    assert_match "\*1\r\n%3\r\n\$4\r\nname\r\n\$1\r\nc\r\n\$7\r\npending\r\n:0\r\n\$4\r\nidle\r\n:*\r\n" \
        [raw_reply3 xinfo consumers s g]
}

test {XINFO STREAM FULL: each group with its pending entries and consumers} {
    cg_fill s 3
    r xgroup create s g 0
    r xgroup create s quiet $
    r xgroup createconsumer s g nobody
    r xreadgroup group g a count 2 streams s >
    set t [expr {[clock milliseconds] - 5000000}]
    r xclaim s g b 0 2-0 time $t retrycount 4 justid
    set full [r xinfo stream s full]
    set groups [dict get $full groups]
    assert_equal 2 [llength $groups]
    set g [lindex $groups 0]
    assert_equal {name last-delivered-id entries-read lag pel-count pending consumers} [dict keys $g]
    assert_equal {g 2-0 2 1 2} [lrange [dict values $g] 0 4]
    lassign [dict get $g pending] p1 p2
    assert_equal {1-0 a 1} [list [lindex $p1 0] [lindex $p1 1] [lindex $p1 3]]
    assert_morethan [lindex $p1 2] $t
    assert_equal [list 2-0 b $t 4] $p2
    set cs [dict get $g consumers]
    assert_equal {a b nobody} [lmap c $cs {dict get $c name}]
    foreach c $cs {
        assert_equal {name seen-time pel-count pending} [dict keys $c]
    }
    lassign $cs ca cb cn
    assert_equal 1 [dict get $ca pel-count]
    assert_equal {1-0} [lmap p [dict get $ca pending] {lindex $p 0}]
    assert_equal [list [list 2-0 $t 4]] [dict get $cb pending]
    assert_equal {0 {}} [list [dict get $cn pel-count] [dict get $cn pending]]
    assert_equal {name quiet last-delivered-id 3-0 entries-read (nil) lag 0 pel-count 0 pending {} consumers {}} \
        [lindex $groups 1]
    # COUNT limits the pending entries shown per group and per consumer
    set g [lindex [dict get [r xinfo stream s full count 1] groups] 0]
    assert_equal 2 [dict get $g pel-count]
    assert_equal 1 [llength [dict get $g pending]]
    # a stream without groups has an empty list
    r del n
    r xadd n 1-0 a b
    assert_equal {} [dict get [r xinfo stream n full] groups]
    assert_equal 0 [dict get [r xinfo stream n] groups]
    assert_equal 2 [dict get [r xinfo stream s] groups]
}

test {XINFO STREAM FULL's groups in RESP3: maps, nulls, integers} {
    r del s
    r xadd s 1-0 f v
    r xgroup create s g $
    r xgroup createconsumer s g c
    r xclaim s g c 0 1-0 force time 1000 retrycount 2 justid
    set raw [raw_reply3 xinfo stream s full]
    set groups [string range $raw [string first "\$6\r\ngroups\r\n" $raw] end]
    assert_match "\$6\r\ngroups\r\n*1\r\n%7\r\n\$4\r\nname\r\n\$1\r\ng\r\n\$17\r\nlast-delivered-id\r\n\$3\r\n1-0\r\n\$12\r\nentries-read\r\n_\r\n\$3\r\nlag\r\n:0\r\n\$9\r\npel-count\r\n:1\r\n\$7\r\npending\r\n*1\r\n*4\r\n\$3\r\n1-0\r\n\$1\r\nc\r\n:1000\r\n:2\r\n\$9\r\nconsumers\r\n*1\r\n%4\r\n\$4\r\nname\r\n\$1\r\nc\r\n\$9\r\nseen-time\r\n:*\r\n\$9\r\npel-count\r\n:1\r\n\$7\r\npending\r\n*1\r\n*3\r\n\$3\r\n1-0\r\n:1000\r\n:2\r\n" $groups
}
}

# ----------------------------------------------------- events, WATCH

start_server {tags {stream_cgroups}} {
r null_value (nil)

test {Keyspace events of consumer groups, in order} {
    r del s
    set ev [keyspace_events_of KEA {
        r xgroup create s g $ mkstream
        r xadd s 1-0 a 1
        r xadd s 2-0 a 2
        r xgroup createconsumer s g c
        r xgroup createconsumer s g c
        r xreadgroup group g c2 streams s >
        r xreadgroup group g c3 streams s >
        r xclaim s g c4 0 1-0
        r xclaim s g c5 0 2-0 justid
        r xautoclaim s g c6 0 0
        r xack s g 1-0
        r xpending s g
        r xgroup setid s g 0
        r xgroup delconsumer s g c
        r xgroup delconsumer s g nobody
        r xgroup destroy s g
        r xgroup destroy s g
        r xgroup create s g2 0
        r xreadgroup group g2 c streams s >
        r xdel s 1-0
        r xclaim s g2 c9 0 1-0
        r xclaim s g2 c9 0 2-0 lastid 5-0
    }]
    # consumers made by XREADGROUP (c2; not c3, who got nothing), XCLAIM and
    # XAUTOCLAIM are announced; XACK, XPENDING, XCLAIM itself, a DELCONSUMER
    # or DESTROY of nothing are not
    assert_equal {{s xgroup-create} {s xadd} {s xadd} {s xgroup-createconsumer} {s xgroup-createconsumer} {s xgroup-createconsumer} {s xgroup-createconsumer} {s xgroup-createconsumer} {s xgroup-setid} {s xgroup-delconsumer} {s xgroup-destroy} {s xgroup-create} {s xgroup-createconsumer} {s xdel} {s xgroup-createconsumer}} $ev
}

test {The events of groups are in the t class only} {
    r del s
    set ev [keyspace_events_of Kg {
        r xgroup create s g $ mkstream
        r xgroup createconsumer s g c
        r del s
    }]
    assert_equal {{s del}} $ev
    r del s
    set ev [keyspace_events_of Kt {
        r xgroup create s g $ mkstream
        r xgroup setid s g $
        r xgroup destroy s g
    }]
    assert_equal {{s xgroup-create} {s xgroup-setid} {s xgroup-destroy}} $ev
}

test {WATCH: making the stream with MKSTREAM aborts EXEC, group commands on it do not} {
    assert_equal 1 [watch_aborts {} {xgroup create k g $ mkstream}]
    set setup {{xadd k 1-0 f v} {xadd k 2-0 f v} {xgroup create k g 0}
               {xreadgroup group g a count 1 streams k >}}
    foreach cmd {
        {xgroup create k g2 0} {xgroup setid k g 0} {xgroup destroy k g}
        {xgroup createconsumer k g b} {xgroup delconsumer k g a}
        {xreadgroup group g b streams k >} {xreadgroup group g a streams k 0}
        {xack k g 1-0} {xclaim k g b 0 1-0} {xclaim k g b 0 1-0 lastid 5-0}
        {xautoclaim k g b 0 0} {xpending k g - + 10} {xinfo groups k}
    } {
        assert_equal 0 [watch_aborts $setup $cmd] $cmd
    }
    assert_equal 1 [watch_aborts $setup {xadd k 3-0 f v}]
    assert_equal 1 [watch_aborts $setup {del k}]
}
}

# ------------------------------------------------------------ durability
# redis-kv only (tags redis-kv-only needs:own-server): these tests start
# their own servers with spawn_durable_server (appendfsync always, no
# automatic compaction) and signal only those PIDs.  They skip themselves
# when the server under test has no redis_kv_version in INFO server (a
# real Redis).  To check the tests themselves, CG_DUR_ON_REDIS=1 runs them
# against redis-server with appendonly yes and appendfsync always (BACKUP
# RESTORE and utils/redis-kv-check are left out there).  Redis 7.0.15's
# AOF does not keep group state exactly (history reads lose their
# delivery counts, XREADGROUP loses entries-read), so in that mode each
# restart is preceded by a BGREWRITEAOF (cg_dur_settle); the consumer
# test, which needs no exact counters, runs as it is.

set ::cg_dur_skip ""
set ::cg_dur_kv 1
proc cg_dur_require {} {
    if {$::cg_dur_skip ne ""} { skip $::cg_dur_skip }
}

# A durable server of our own on DIR (a fresh temp dir by default), with
# the redis-kv config KV_OVERRIDES (not given to redis-server).
proc cg_dur_start {{dir ""} {kv_overrides {}}} {
    if {$::cg_dur_kv} { return [spawn_durable_server $dir $kv_overrides] }
    if {$dir eq ""} { set dir [new_tmpdir] }
    return [spawn_server -dir $dir -client -timeout 30 \
                -overrides {appendonly yes appendfsync always save ""}]
}

# Before a restart: nothing on redis-kv; on redis-server (CG_DUR_ON_REDIS)
# an AOF rewrite, whose RDB preamble keeps group state exactly.
proc cg_dur_settle {c} {
    if {$::cg_dur_kv} return
    $c bgrewriteaof
    wait_for_condition 1500 20 {
        [server_info_field $c aof_rewrite_in_progress] == 0 &&
        [server_info_field $c aof_rewrite_scheduled] == 0
    } else {
        fail "the AOF rewrite did not end"
    }
}

# The group state of every stream of client C in the current database: a
# dict key -> {stream-fields groups}, where stream-fields are the XINFO
# STREAM counters that the lag depends on and groups a dict name ->
# {XINFO GROUPS fields, XINFO CONSUMERS name/pending pairs, the pending
# entries as {id consumer deliveries}}.  Idle times are left out.
proc cg_dur_snapshot {c} {
    set out [dict create]
    foreach k [lsort [$c keys *]] {
        if {[$c type $k] ne "stream"} continue
        set info [$c xinfo stream $k]
        set sf {}
        foreach f {length last-generated-id max-deleted-entry-id entries-added
                   recorded-first-entry-id groups} {
            lappend sf $f [dict get $info $f]
        }
        set groups [dict create]
        foreach g [$c xinfo groups $k] {
            set name [dict get $g name]
            set cs {}
            foreach cons [$c xinfo consumers $k $name] {
                lappend cs [dict get $cons name] [dict get $cons pending]
            }
            set pel {}
            foreach e [$c xpending $k $name - + 1000000] {
                lappend pel [list [lindex $e 0] [lindex $e 1] [lindex $e 3]]
            }
            dict set groups $name [list $g $cs $pel]
        }
        dict set out $k [list $sf $groups]
    }
    return $out
}

# Builds group state of every kind on client C: streams s1 (groups g1 g2
# g3 gset), s2 (made by MKSTREAM, empty), gone (dropped), and x (a
# stream whose group was destroyed).  Returns nothing; cg_dur_snapshot
# reads it.
proc cg_dur_build {c} {
    for {set i 1} {$i <= 20} {incr i} { $c xadd s1 $i-0 f v$i n $i }
    $c xgroup create s1 g1 0
    $c xreadgroup group g1 alice count 6 streams s1 >
    $c xreadgroup group g1 bob count 3 streams s1 >
    $c xack s1 g1 2-0 4-0
    $c xreadgroup group g1 alice streams s1 0
    $c xreadgroup group g1 alice count 1 streams s1 0
    $c xclaim s1 g1 carol 0 7-0 retrycount 7
    $c xclaim s1 g1 carol 0 8-0 idle 100000000 justid
    $c xreadgroup group g1 dave noack count 2 streams s1 >
    $c xgroup createconsumer s1 g1 erin
    $c xreadgroup group g1 frank count 1 streams s1 >
    $c xgroup delconsumer s1 g1 frank
    $c xclaim s1 g1 bob 0 1-0 lastid 13-0 justid
    $c xgroup create s1 g2 5-0 entriesread 5
    $c xreadgroup group g2 zed count 2 streams s1 >
    $c xgroup create s1 g3 $
    $c xgroup create s1 gset 0
    $c xgroup setid s1 gset 10-0
    $c xgroup create s1 gauto 0
    $c xreadgroup group gauto w1 count 4 streams s1 >
    $c xautoclaim s1 gauto w2 0 0 count 2
    $c xdel s1 3-0 16-0
    $c xgroup create s2 g $ mkstream
    $c xgroup createconsumer s2 g lonely
    $c xgroup create gone g $ mkstream
    $c del gone
    $c xadd x 1-0 a b
    $c xgroup create x dropped 0
    $c xreadgroup group dropped c streams x >
    $c xgroup destroy x dropped
}

# What cg_dur_build leaves that the snapshot does not show: the entry
# claimed with IDLE is still idle at least that long (its delivery time
# was kept, not reset when the server started).  A lower bound only.
proc cg_dur_check_idle {c when} {
    assert_equal {8-0} [lmap e [$c xpending s1 g1 idle 50000000 - + 100] {lindex $e 0}] \
        "the entry claimed with IDLE, $when"
}

# The snapshot every durability test compares with (set by the test).
set ::cg_dur_want {}
proc cg_dur_verify {c when} {
    assert_equal $::cg_dur_want [cg_dur_snapshot $c] $when
    cg_dur_check_idle $c $when
    assert_equal 0 [$c exists gone] $when
}

# With the server S (on DIR) running: stops it, then check_restarts
# (util.tcl: redis-kv-check, VERIFY after a graceful restart and after
# kill -9); on redis-server the same without the offline check.  Leaves
# the server stopped.
proc cg_dur_restarts {s dir verify} {
    cg_dur_settle [dict get $s client]
    stop_server $s
    if {$::cg_dur_kv} {
        check_restarts $s $dir $verify
        return
    }
    foreach {how when} {{} "after a graceful restart" -kill9 "after kill -9"} {
        set s [restart_server $s {*}$how]
        {*}$verify [dict get $s client] $when
    }
    stop_server $s
}

start_server {tags {stream_cgroups redis-kv-only needs:own-server}} {
    if {[using_external_server]} {
        set ::cg_dur_skip "needs its own servers"
    } elseif {![regexp -line {^redis_kv_version:} [r info server]]} {
        if {[info exists ::env(CG_DUR_ON_REDIS)] && $::env(CG_DUR_ON_REDIS)} {
            set ::cg_dur_kv 0
        } else {
            set ::cg_dur_skip "the server under test is not redis-kv"
        }
    }

    test {Group state reads back exactly after a restart and after kill -9} {
        cg_dur_require
        set dir [new_tmpdir]
        set s [cg_dur_start $dir]
        set c [dict get $s client]
        cg_dur_build $c
        set ::cg_dur_want [cg_dur_snapshot $c]
        # the build made what it says
        assert_equal {s1 s2 x} [dict keys $::cg_dur_want]
        assert_equal {g1 g2 g3 gauto gset} [lsort [dict keys [lindex [dict get $::cg_dur_want s1] 1]]]
        cg_dur_verify $c "before any restart"
        cg_dur_restarts $s $dir cg_dur_verify
        # the groups go on from where they were
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {14-0} [cg_ids [lindex [$c xreadgroup group g1 new count 1 streams s1 >] 0 1]]
        assert_equal {8-0 9-0} [cg_ids [lindex [$c xreadgroup group g2 zed count 2 streams s1 >] 0 1]]
        assert_equal {11-0} [cg_ids [lindex [$c xreadgroup group gset a count 1 streams s1 >] 0 1]]
        assert_equal (nil) [$c xreadgroup group g3 a streams s1 >]
        stop_server $s
    }

    test {kill -9 right after each group command: every acknowledged change is there} {
        cg_dur_require
        set dir [new_tmpdir]
        set s [cg_dur_start $dir]
        set c [dict get $s client]
        for {set i 1} {$i <= 8} {incr i} { $c xadd s $i-0 f v$i }
        set steps {
            {xgroup create s g 0}
            {xgroup create s h 3-0 entriesread 3}
            {xgroup create m g $ mkstream}
            {xreadgroup group g a count 3 streams s >}
            {xreadgroup group g a streams s 0}
            {xreadgroup group g b noack count 1 streams s >}
            {xgroup createconsumer s g c}
            {xack s g 2-0}
            {xclaim s g c 0 1-0}
            {xclaim s g c 0 3-0 retrycount 9 justid}
            {xclaim s g b 0 1-0 lastid 6-0 justid}
            {xautoclaim s g d 0 0 count 1}
            {xgroup setid s h 7-0 entriesread 7}
            {xdel s 3-0}
            {xreadgroup group g a streams s >}
            {xgroup delconsumer s g a}
            {xgroup destroy s h}
            {xgroup setid s g 2-0}
        }
        foreach step $steps {
            $c {*}$step
            set want [cg_dur_snapshot $c]
            cg_dur_settle $c
            set s [restart_server $s -kill9]
            set c [dict get $s client]
            assert_equal $want [cg_dur_snapshot $c] "after kill -9 following: $step"
        }
        stop_server $s
    }

    test {Group state reads back exactly after a compaction, a restart and kill -9} {
        cg_dur_require
        set dir [new_tmpdir]
        # small segments, so that the group state is spread over several
        set s [cg_dur_start $dir {segment-size 64kb}]
        set c [dict get $s client]
        cg_dur_build $c
        # garbage for the compaction to drop: rewritten and deleted keys,
        # group changes undone
        for {set i 0} {$i < 300} {incr i} { $c set junk:[expr {$i % 20}] [string repeat x 2000] }
        for {set i 0} {$i < 20} {incr i} { $c del junk:$i }
        for {set i 0} {$i < 30} {incr i} {
            $c xgroup create s1 tmp 0
            $c xreadgroup group tmp t count 2 streams s1 >
            $c xgroup destroy s1 tmp
        }
        set ::cg_dur_want [cg_dur_snapshot $c]
        assert_equal "Background append only file rewriting started" [$c bgrewriteaof]
        wait_compaction_end $c
        if {$::cg_dur_kv} { assert_equal 1 [server_info_field $c storage_compactions] }
        cg_dur_verify $c "after the compaction"
        # state changed after the compaction is kept too
        $c xack s1 g1 1-0
        $c xreadgroup group g2 zed count 1 streams s1 >
        set ::cg_dur_want [cg_dur_snapshot $c]
        cg_dur_restarts $s $dir cg_dur_verify
    }

    test {BACKUP RESTORE brings back the groups as they were at the backup} {
        cg_dur_require
        if {!$::cg_dur_kv} { skip "BACKUP is redis-kv's" }
        set dir [new_tmpdir]
        set s [cg_dur_start $dir]
        set c [dict get $s client]
        cg_dur_build $c
        set ::cg_dur_want [cg_dur_snapshot $c]
        set n0 [server_info_field $c rdb_saves]
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 1500 20 {
            [server_info_field $c rdb_saves] > $n0 && [server_info_field $c rdb_bgsave_in_progress] == 0
        } else {
            fail "the BGSAVE did not end"
        }
        set id [lindex [lindex [$c backup list] end] 1]
        # change every part of the state, then go back
        $c xack s1 g1 1-0 5-0 6-0
        $c xreadgroup group g1 alice streams s1 >
        $c xclaim s1 g1 erin 0 7-0 8-0
        $c xgroup destroy s1 g2
        $c xgroup create s1 newgroup 0
        $c xgroup delconsumer s1 g1 bob
        $c xgroup setid s1 g3 0
        $c del s2
        $c xgroup create gone g $ mkstream
        assert_not_equal $::cg_dur_want [cg_dur_snapshot $c]
        assert_equal $id [lindex [$c backup restore $id] 0]
        cg_dur_verify $c "after BACKUP RESTORE"
        cg_dur_restarts $s $dir cg_dur_verify
    }

    test {A consumer that acknowledges as it goes sees every entry once across kill -9} {
        cg_dur_require
        set dir [new_tmpdir]
        set s [cg_dur_start $dir]
        set c [dict get $s client]
        set total 200
        for {set i 1} {$i <= $total} {incr i} { $c xadd feed $i-0 n $i }
        $c xgroup create feed g 0
        set acked {}         ;# IDs whose XACK was answered 1, in order
        set unacked {}       ;# delivered, not acknowledged yet
        set kills 0
        set step 0
        while {[llength $acked] < $total} {
            incr step
            # a kill now and then: after a read, after an ack, or while a
            # pipeline of acks is on its way
            set how [expr {$step % 4}]
            if {[llength $unacked] == 0} {
                set got [$c xreadgroup group g worker count 7 streams feed >]
                if {$got eq "(nil)"} break
                set unacked [cg_ids [lindex $got 0 1]]
                if {$how == 0 && $kills < 12} {
                    set s [restart_server $s -kill9]
                    set c [dict get $s client]
                    incr kills
                }
            } elseif {$how == 1 && $kills < 12} {
                # pipeline the acks of the batch, read only the first
                # reply, then kill: later acks may or may not have landed
                set rd [redis_deferring_client $s]
                set cmds [lmap id $unacked {list xack feed g $id}]
                $rd write [join [lmap cmd $cmds {::redis::__format_command $cmd}] ""]
                $rd flush
                assert_equal 1 [$rd read]
                lappend acked [lindex $unacked 0]
                set unacked [lrange $unacked 1 end]
                set s [restart_server $s -kill9]
                $rd close
                set c [dict get $s client]
                incr kills
                # what is pending is a tail of what was: acks landed in order
                set pending [cg_ids [lindex [$c xreadgroup group g worker streams feed 0] 0 1]]
                set n [llength $pending]
                assert_equal [lrange $unacked end-[expr {$n - 1}] end] $pending \
                    "pending after the pipelined acks, unacked was {$unacked}"
                lappend acked {*}[lrange $unacked 0 end-$n]
                set unacked $pending
            } else {
                set id [lindex $unacked 0]
                assert_equal 1 [$c xack feed g $id]
                lappend acked $id
                set unacked [lrange $unacked 1 end]
                if {$how == 2 && $kills < 12} {
                    set s [restart_server $s -kill9]
                    set c [dict get $s client]
                    incr kills
                }
            }
            # after every restart the history is exactly what is unacked
            set hist [cg_ids [lindex [$c xreadgroup group g worker streams feed 0] 0 1]]
            assert_equal $unacked $hist "history at step $step"
        }
        set want {}
        for {set i 1} {$i <= $total} {incr i} { lappend want $i-0 }
        assert_equal $want $acked
        assert_morethan_equal $kills 10
        assert_equal 0 [lindex [$c xpending feed g] 0]
        assert_equal [list $total-0 $total 0 0 1] \
            [lmap f {last-delivered-id entries-read lag pending consumers} {
                dict get [lindex [$c xinfo groups feed] 0] $f
            }]
        stop_server $s
    }
}
