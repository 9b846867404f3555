# Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
# SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB CHANNELS|NUMSUB|NUMPAT|
# SHARDCHANNELS|SHARDNUMSUB|HELP; RESP2 and RESP3 frames, the RESP2
# subscribed-mode rules, RESET, CLIENT LIST fields, INFO stats, the pubsub
# output-buffer limit, and redis-cli as a real subscriber.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/pubsub
# Nothing here is redis-kv-only.  Replies whose order is a hash-table order
# in Redis (UNSUBSCRIBE without arguments, PUBSUB CHANNELS, pmessages of
# several patterns) are compared sorted.

# Subscribes deferring client RD with CMD (subscribe, psubscribe,
# ssubscribe) to NAMES and returns the counts of the confirmations.
proc ps_sub {rd cmd names} {
    $rd $cmd {*}$names
    set counts {}
    foreach n $names {
        lassign [$rd read] event name count
        assert_equal [list $cmd $n] [list $event $name]
        lappend counts $count
    }
    return $counts
}

# Reads N frames from RD.
proc ps_read {rd n} {
    set out {}
    for {set i 0} {$i < $n} {incr i} { lappend out [$rd read] }
    return $out
}

# A fresh deferring client in RESP3.
proc ps_resp3_client {} {
    set rd [redis_deferring_client]
    $rd hello 3
    $rd read
    return $rd
}

# The CLIENT LIST line of client id ID as a dict, "" if not listed.
proc ps_client_line {id} {
    foreach line [split [string trimright [r client list] "\n"] "\n"] {
        set d {}
        foreach kv [split $line " "] {
            set i [string first = $kv]
            dict set d [string range $kv 0 [expr {$i-1}]] [string range $kv [expr {$i+1}] end]
        }
        if {[dict get $d id] == $id} { return $d }
    }
    return ""
}

# Value of FIELD in INFO SECTION.
proc ps_info_field {section field} {
    foreach line [split [r info $section] "\r\n"] {
        if {[string match "$field:*" $line]} {
            return [string range $line [expr {[string length $field]+1}] end]
        }
    }
    return ""
}

start_server {tags {pubsub}} {
    # ----------------------------------------------------- SUBSCRIBE/PUBLISH
    test {SUBSCRIBE confirms each channel with the running count} {
        set rd [redis_deferring_client]
        assert_equal {1 2 2} [ps_sub $rd subscribe {a b a}]
        $rd close
    }

    test {SUBSCRIBE confirmation and message frames, exact RESP2 bytes} {
        set rd [redis_deferring_client]
        $rd subscribe chan
        assert_equal "*3\r\n\$9\r\nsubscribe\r\n\$4\r\nchan\r\n:1\r\n" [$rd read_raw]
        assert_equal 1 [r publish chan hello]
        assert_equal "*3\r\n\$7\r\nmessage\r\n\$4\r\nchan\r\n\$5\r\nhello\r\n" [$rd read_raw]
        $rd close
    }

    test {PUBLISH returns the number of receivers; 0 without subscribers} {
        assert_equal 0 [r publish nobody x]
        set clients {}
        for {set i 0} {$i < 10} {incr i} {
            set rd [redis_deferring_client]
            ps_sub $rd subscribe {many}
            lappend clients $rd
        }
        assert_equal 10 [r publish many hi]
        foreach rd $clients {
            assert_equal {message many hi} [$rd read]
            $rd close
        }
    }

    test {Messages from one publisher arrive in order} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {seq}
        set pub [redis_deferring_client]
        for {set i 0} {$i < 1000} {incr i} { $pub publish seq $i }
        for {set i 0} {$i < 1000} {incr i} { assert_equal 1 [$pub read] }
        for {set i 0} {$i < 1000} {incr i} {
            assert_equal [list message seq $i] [$rd read]
        }
        $rd close
        $pub close
    }

    test {Binary-safe channels and messages} {
        set rd [redis_deferring_client]
        set ch "c\x00h\r\n\xff"
        set msg "m\x00\r\n\xfe[string repeat x 10000]"
        ps_sub $rd subscribe [list $ch]
        assert_equal 1 [r publish $ch $msg]
        assert_equal [list message $ch $msg] [$rd read]
        assert_equal 0 [r publish "c" $msg]
        $rd close
    }

    test {A subscriber that disconnects stops counting} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {gone}
        ps_sub $rd psubscribe {gone*}
        assert_equal 2 [r publish gone x]
        $rd close
        wait_for_condition 50 20 {[r publish gone x] == 0} else {
            fail "subscriptions of a closed client still count"
        }
        assert_equal {gone 0} [r pubsub numsub gone]
    }

    # ------------------------------------------------------------ UNSUBSCRIBE
    test {UNSUBSCRIBE without arguments and without channels: null channel, count 0} {
        set rd [redis_deferring_client]
        $rd unsubscribe
        assert_equal "*3\r\n\$11\r\nunsubscribe\r\n\$-1\r\n:0\r\n" [$rd read_raw]
        $rd punsubscribe
        assert_equal "*3\r\n\$12\r\npunsubscribe\r\n\$-1\r\n:0\r\n" [$rd read_raw]
        $rd sunsubscribe
        assert_equal "*3\r\n\$12\r\nsunsubscribe\r\n\$-1\r\n:0\r\n" [$rd read_raw]
        # Not in subscribed mode afterwards.
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test {Bare (P|S)UNSUBSCRIBE with nothing of its kind: null name, the count kept} {
        # The count is what the client still holds (channels + patterns for
        # UNSUBSCRIBE and PUNSUBSCRIBE, shard channels for SUNSUBSCRIBE), and
        # the client stays subscribed while it is not 0.
        foreach proto {2 3} {
            set rd [redis_deferring_client]
            $rd hello $proto
            $rd read
            set null [expr {$proto == 2 ? "\$-1" : "_"}]
            set push [expr {$proto == 2 ? "*" : ">"}]
            ps_sub $rd psubscribe {pk*}
            $rd unsubscribe
            assert_equal "${push}3\r\n\$11\r\nunsubscribe\r\n$null\r\n:1\r\n" [$rd read_raw]
            ps_sub $rd ssubscribe {sk}
            $rd sunsubscribe nosuch
            assert_equal {sunsubscribe nosuch 1} [$rd read]
            $rd punsubscribe
            assert_equal {punsubscribe pk* 0} [$rd read]
            $rd punsubscribe
            assert_equal "${push}3\r\n\$12\r\npunsubscribe\r\n$null\r\n:0\r\n" [$rd read_raw]
            ps_sub $rd subscribe {ck}
            $rd sunsubscribe
            assert_equal {sunsubscribe sk 0} [$rd read]
            $rd sunsubscribe
            assert_equal "${push}3\r\n\$12\r\nsunsubscribe\r\n$null\r\n:0\r\n" [$rd read_raw]
            $rd punsubscribe
            assert_equal "${push}3\r\n\$12\r\npunsubscribe\r\n$null\r\n:1\r\n" [$rd read_raw]
            # ck is left: its confirmation ends subscribed mode.
            $rd unsubscribe
            assert_equal {unsubscribe ck 0} [$rd read]
            $rd ping
            assert_equal PONG [$rd read]
            $rd close
        }
    }

    test {UNSUBSCRIBE of channels not subscribed confirms each with the count} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {keep}
        $rd unsubscribe x y
        assert_equal {{unsubscribe x 1} {unsubscribe y 1}} [ps_read $rd 2]
        $rd close
    }

    test {UNSUBSCRIBE some, then all: counts go down, then normal mode again} {
        set rd [redis_deferring_client]
        assert_equal {1 2 3} [ps_sub $rd subscribe {u1 u2 u3}]
        $rd unsubscribe u2
        assert_equal {unsubscribe u2 2} [$rd read]
        assert_equal 0 [r publish u2 x]
        $rd unsubscribe
        set got [ps_read $rd 2]
        assert_equal {u1 u3} [lsort [list [lindex $got 0 1] [lindex $got 1 1]]]
        assert_equal {1 0} [list [lindex $got 0 2] [lindex $got 1 2]]
        assert_equal {unsubscribe unsubscribe} [list [lindex $got 0 0] [lindex $got 1 0]]
        $rd ping
        assert_equal PONG [$rd read]
        assert_equal 0 [r publish u1 x]
        $rd close
    }

    # ------------------------------------------------------------- patterns
    test {PSUBSCRIBE: pmessage frame with pattern, channel and message} {
        set rd [redis_deferring_client]
        $rd psubscribe news.*
        assert_equal "*3\r\n\$10\r\npsubscribe\r\n\$6\r\nnews.*\r\n:1\r\n" [$rd read_raw]
        assert_equal 1 [r publish news.it ciao]
        assert_equal "*4\r\n\$8\r\npmessage\r\n\$6\r\nnews.*\r\n\$7\r\nnews.it\r\n\$4\r\nciao\r\n" [$rd read_raw]
        assert_equal 0 [r publish news ciao]
        $rd close
    }

    test {Counts in confirmations add channels and patterns} {
        set rd [redis_deferring_client]
        assert_equal {1 2} [ps_sub $rd subscribe {c1 c2}]
        assert_equal {3 3} [ps_sub $rd psubscribe {p* p*}]
        $rd unsubscribe c1
        assert_equal {unsubscribe c1 2} [$rd read]
        $rd punsubscribe nope
        assert_equal {punsubscribe nope 2} [$rd read]
        $rd close
    }

    test {PUNSUBSCRIBE without arguments drops patterns in subscription order} {
        set rd [redis_deferring_client]
        ps_sub $rd psubscribe {z* a* m* b*}
        $rd punsubscribe
        assert_equal {{punsubscribe z* 3} {punsubscribe a* 2} {punsubscribe m* 1} {punsubscribe b* 0}} \
            [ps_read $rd 4]
        $rd close
    }

    test {Glob patterns: ? [set] [^set] [range] and escapes} {
        set rd [redis_deferring_client]
        ps_sub $rd psubscribe [list {h?llo} {b[ae]d} {x[^a]y} {r[0-2]} {lit\*} {q\?}]
        set cases {
            hello {h?llo} hallo {h?llo} hllo {}
            bad {b[ae]d} bed {b[ae]d} bid {}
            xby {x[^a]y} xay {}
            r1 {r[0-2]} r3 {}
            lit* {lit\*} litx {}
            q? {q\?} qx {}
        }
        foreach {ch pat} $cases {
            set n [r publish $ch m]
            if {$pat eq ""} {
                assert_equal 0 $n "channel $ch"
            } else {
                assert_equal 1 $n "channel $ch"
                assert_equal [list pmessage $pat $ch m] [$rd read]
            }
        }
        $rd close
    }

    test {Binary patterns match binary channels} {
        set rd [redis_deferring_client]
        ps_sub $rd psubscribe [list "a\x00*\xff"]
        assert_equal 1 [r publish "a\x00zz\xff" m]
        assert_equal [list pmessage "a\x00*\xff" "a\x00zz\xff" m] [$rd read]
        assert_equal 0 [r publish "a*\xff" m]
        $rd close
    }

    test {A client on a channel and two matching patterns gets three frames; PUBLISH counts 3} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {ab}
        ps_sub $rd psubscribe {a* a?}
        set other [redis_deferring_client]
        ps_sub $other psubscribe {a*}
        assert_equal 4 [r publish ab x]
        # The channel's message comes first; the patterns follow in an
        # order Redis does not define.
        assert_equal {message ab x} [$rd read]
        assert_equal {{pmessage a* ab x} {pmessage a? ab x}} [lsort [ps_read $rd 2]]
        assert_equal {pmessage a* ab x} [$other read]
        $rd close
        $other close
    }

    # ----------------------------------------------------------- shard channels
    test {SSUBSCRIBE / SPUBLISH / SUNSUBSCRIBE: smessage, own counts} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {plain}
        assert_equal {1 2 2} [ps_sub $rd ssubscribe {s1 s2 s1}]
        assert_equal 1 [r spublish s1 hi]
        assert_equal "*3\r\n\$8\r\nsmessage\r\n\$2\r\ns1\r\n\$2\r\nhi\r\n" [$rd read_raw]
        # Shard channels and plain channels are separate namespaces.
        assert_equal 0 [r publish s1 hi]
        assert_equal 0 [r spublish plain hi]
        $rd sunsubscribe s1
        assert_equal {sunsubscribe s1 1} [$rd read]
        $rd sunsubscribe
        assert_equal {sunsubscribe s2 0} [$rd read]
        $rd close
    }

    test {Patterns do not see SPUBLISH} {
        set rd [redis_deferring_client]
        ps_sub $rd psubscribe {*}
        assert_equal 0 [r spublish sx m]
        assert_equal 1 [r publish sx m]
        assert_equal {pmessage * sx m} [$rd read]
        $rd close
    }

    # ---------------------------------------------------- RESP2 subscribed mode
    test {RESP2 subscribed mode: only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {m}
        foreach {cmd name} {{get x} get {client list} client|list {pubsub numpat} pubsub|numpat
                            {slowlog reset} slowlog|reset {hello 3} hello {publish m x} publish} {
            $rd {*}$cmd
            assert_error_equal "ERR Can't execute '$name': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context" {$rd read}
        }
        $rd ping
        assert_equal "*2\r\n\$4\r\npong\r\n\$0\r\n\r\n" [$rd read_raw]
        $rd ping hi
        assert_equal {pong hi} [$rd read]
        $rd psubscribe p
        assert_equal {psubscribe p 2} [$rd read]
        $rd ssubscribe s
        assert_equal {ssubscribe s 1} [$rd read]
        $rd close
    }

    test {Subscribed mode lasts while any channel, pattern or shard channel is left} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {c}
        ps_sub $rd psubscribe {p}
        ps_sub $rd ssubscribe {s}
        $rd unsubscribe
        $rd read
        $rd punsubscribe
        $rd read
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd sunsubscribe
        $rd read
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    test {QUIT in subscribed mode closes the connection and drops the subscriptions} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {q}
        $rd quit
        assert_equal OK [$rd read]
        assert_closed $rd
        wait_for_condition 50 20 {[r pubsub numsub q] eq {q 0}} else {
            fail "subscription survived QUIT"
        }
        $rd close
    }

    test {RESET drops every subscription silently and leaves subscribed mode} {
        set rd [redis_deferring_client]
        ps_sub $rd subscribe {r1}
        ps_sub $rd psubscribe {r*}
        ps_sub $rd ssubscribe {rs}
        $rd reset
        assert_equal RESET [$rd read]
        assert_equal {r1 0} [r pubsub numsub r1]
        assert_equal {rs 0} [r pubsub shardnumsub rs]
        assert_equal 0 [r publish r1 x]
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
    }

    # ----------------------------------------------------------------- RESP3
    test {RESP3: confirmations and messages are push frames} {
        set rd [ps_resp3_client]
        $rd subscribe a
        assert_equal ">3\r\n\$9\r\nsubscribe\r\n\$1\r\na\r\n:1\r\n" [$rd read_raw]
        $rd psubscribe *
        assert_equal ">3\r\n\$10\r\npsubscribe\r\n\$1\r\n*\r\n:2\r\n" [$rd read_raw]
        $rd ssubscribe s
        assert_equal ">3\r\n\$10\r\nssubscribe\r\n\$1\r\ns\r\n:1\r\n" [$rd read_raw]
        assert_equal 2 [r publish a m]
        assert_equal ">3\r\n\$7\r\nmessage\r\n\$1\r\na\r\n\$1\r\nm\r\n" [$rd read_raw]
        assert_equal ">4\r\n\$8\r\npmessage\r\n\$1\r\n*\r\n\$1\r\na\r\n\$1\r\nm\r\n" [$rd read_raw]
        assert_equal 1 [r spublish s m]
        assert_equal ">3\r\n\$8\r\nsmessage\r\n\$1\r\ns\r\n\$1\r\nm\r\n" [$rd read_raw]
        $rd close
    }

    test {RESP3: UNSUBSCRIBE without channels gives a null push} {
        set rd [ps_resp3_client]
        $rd unsubscribe
        assert_equal ">3\r\n\$11\r\nunsubscribe\r\n_\r\n:0\r\n" [$rd read_raw]
        $rd close
    }

    test {RESP3: any command runs while subscribed; PING is +PONG} {
        set rd [ps_resp3_client]
        ps_sub $rd subscribe {x}
        $rd ping
        assert_equal "+PONG\r\n" [$rd read_raw]
        $rd echo hi
        assert_equal hi [$rd read]
        $rd pubsub numsub x
        assert_equal {x 1} [$rd read]
        $rd close
    }

    test {RESP3: a subscriber publishing to itself gets the push before the count} {
        set rd [ps_resp3_client]
        ps_sub $rd subscribe {self}
        ps_sub $rd psubscribe {sel*}
        $rd publish self m
        assert_equal {message self m} [$rd read]
        assert_equal > [$rd last_type]
        assert_equal {pmessage sel* self m} [$rd read]
        assert_equal 2 [$rd read]
        assert_equal : [$rd last_type]
        $rd close
    }

    test {CLIENT REPLY OFF does not silence pub/sub frames} {
        set rd [redis_deferring_client]
        $rd client reply off
        ps_sub $rd subscribe {quiet}
        assert_equal 1 [r publish quiet m]
        assert_equal {message quiet m} [$rd read]
        $rd close
    }

    # ---------------------------------------------------------- introspection
    test {PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB} {
        set a [redis_deferring_client]
        set b [redis_deferring_client]
        ps_sub $a subscribe {intro.a intro.b}
        ps_sub $b subscribe {intro.a}
        ps_sub $a psubscribe {ip* iq*}
        ps_sub $b psubscribe {ip*}
        ps_sub $a ssubscribe {ish1 ish2}
        ps_sub $b ssubscribe {ish1}
        assert_equal {intro.a intro.b} [lsort [r pubsub channels intro.*]]
        assert_equal {intro.a} [r pubsub channels *.a]
        assert_equal {} [r pubsub channels nomatch*]
        assert_equal {intro.a 2 intro.b 1 ip* 0 ish1 0} [r pubsub numsub intro.a intro.b ip* ish1]
        assert_equal {} [r pubsub numsub]
        # Distinct patterns (earlier tests' clients may still be closing).
        wait_for_condition 50 20 {[r pubsub numpat] == 2} else {
            fail "PUBSUB NUMPAT is [r pubsub numpat], not 2"
        }
        assert_equal {ish1 ish2} [lsort [r pubsub shardchannels ish*]]
        assert_equal {ish1 2 ish2 1 intro.a 0} [r pubsub shardnumsub ish1 ish2 intro.a]
        wait_for_condition 50 20 {[ps_info_field stats pubsub_channels] == 2} else {
            fail "pubsub_channels is [ps_info_field stats pubsub_channels], not 2"
        }
        assert_equal 2 [ps_info_field stats pubsub_patterns]
        assert_equal 2 [ps_info_field stats pubsubshard_channels]
        $a close
        $b close
        wait_for_condition 50 20 {[r pubsub numpat] == 0} else { fail "patterns left" }
        assert_equal {} [r pubsub channels intro.*]
        assert_equal 0 [ps_info_field stats pubsub_channels]
        assert_equal 0 [ps_info_field stats pubsubshard_channels]
    }

    test {PUBSUB: arity, unknown subcommand and HELP} {
        assert_error_equal "ERR wrong number of arguments for 'pubsub' command" {r pubsub}
        assert_error_equal "ERR wrong number of arguments for 'pubsub|numpat' command" {r pubsub numpat x}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP." {r pubsub channels a b}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP." {r pubsub shardchannels a b}
        assert_error_equal "ERR unknown subcommand 'foo'. Try PUBSUB HELP." {r pubsub foo}
        assert_error_equal "ERR wrong number of arguments for 'publish' command" {r publish a}
        assert_error_equal "ERR wrong number of arguments for 'subscribe' command" {r subscribe}
        assert_error_equal "ERR wrong number of arguments for 'spublish' command" {r spublish a}
        set help [r pubsub help]
        assert_equal 14 [llength $help]
        assert_equal {PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} [lindex $help 0]
        assert_equal {SHARDNUMSUB [<shardchannel> ...]} [lindex $help 10]
    }

    test {CLIENT LIST / CLIENT INFO: sub, psub, ssub and flag P} {
        set rd [redis_deferring_client]
        $rd client id
        set id [$rd read]
        $rd client info
        assert_match {*flags=N *sub=0 psub=0 ssub=0 *} [$rd read]
        ps_sub $rd subscribe {l1 l2 l3}
        ps_sub $rd psubscribe {l*}
        ps_sub $rd ssubscribe {ls1 ls2}
        set d [ps_client_line $id]
        assert_equal {P 3 1 2} [list [dict get $d flags] [dict get $d sub] [dict get $d psub] [dict get $d ssub]]
        assert_match "*id=$id *" [r client list type pubsub]
        assert_no_match "*id=$id *" [r client list type normal]
        $rd unsubscribe l1
        $rd read
        assert_equal 2 [dict get [ps_client_line $id] sub]
        $rd reset
        $rd read
        set d [ps_client_line $id]
        assert_equal {N 0 0 0} [list [dict get $d flags] [dict get $d sub] [dict get $d psub] [dict get $d ssub]]
        $rd close
    }

    test {RESP3 subscriber is a pubsub client too (flag P, CLIENT KILL TYPE pubsub)} {
        set rd [ps_resp3_client]
        $rd client id
        set id [$rd read]
        ps_sub $rd subscribe {k}
        assert_equal P [dict get [ps_client_line $id] flags]
        assert_equal 1 [r client kill type pubsub]
        assert_closed $rd
        $rd close
    }

    # ----------------------------------------------------- output-buffer limit
    test {A subscriber that does not read is cut off by client-output-buffer-limit pubsub} {
        set saved [lindex [r config get client-output-buffer-limit] 1]
        r config set client-output-buffer-limit "pubsub 256kb 128kb 60"
        set slow [redis_deferring_client]
        $slow client id
        set slowid [$slow read]
        ps_sub $slow subscribe {flood}
        set fast [redis_deferring_client]
        ps_sub $fast subscribe {flood}
        set msg [string repeat x 100000]
        set cut 0
        # Enough to fill the socket buffers of the non-reading client many
        # times over; the reading one gets every message.
        for {set i 0} {$i < 300} {incr i} {
            set n [r publish flood $msg]
            assert_equal [list message flood $msg] [$fast read]
            if {$n == 1} { set cut 1 ; break }
        }
        r config set client-output-buffer-limit $saved
        assert_equal 1 $cut
        assert_equal "" [ps_client_line $slowid]
        assert_closed $slow
        # The server and the other subscriber go on.
        assert_equal 1 [r publish flood after]
        assert_equal {message flood after} [$fast read]
        assert_equal PONG [r ping]
        $slow close
        $fast close
    }

    test {The pubsub soft limit cuts a subscriber that stays over it for its seconds} {
        set saved [lindex [r config get client-output-buffer-limit] 1]
        r config set client-output-buffer-limit "pubsub 0 64kb 1"
        set slow [redis_deferring_client]
        $slow client id
        set slowid [$slow read]
        ps_sub $slow subscribe {soft}
        set fast [redis_deferring_client]
        ps_sub $fast subscribe {soft}
        # Messages well under the soft limit, so the reading subscriber's
        # output never goes over it (a buffer found over the limit at each
        # check counts as continuously over, in Redis too).
        set msg [string repeat y 30000]
        set cut 0
        set start [clock milliseconds]
        # The socket buffers fill first; then the output buffer stays over
        # 64kb, and a message arriving more than a second later cuts it.
        while {[clock milliseconds] - $start < 20000} {
            set n [r publish soft $msg]
            assert_equal [list message soft $msg] [$fast read]
            if {$n == 1} { set cut 1 ; break }
            after 5
        }
        r config set client-output-buffer-limit $saved
        assert_equal 1 $cut
        assert_morethan_equal [expr {[clock milliseconds] - $start}] 1000
        assert_equal "" [ps_client_line $slowid]
        assert_closed $slow
        assert_equal 1 [r publish soft after]
        assert_equal {message soft after} [$fast read]
        $slow close
        $fast close
    }

    # ------------------------------------------------- redis-cli as subscriber
    test {redis-cli --csv subscribe receives what PUBLISH sends} {
        if {[auto_execok redis-cli] eq ""} { skip "redis-cli not installed" }
        set port [srv port]
        set fd [open "|redis-cli -h [srv host] -p $port --csv subscribe clich 2>@1" r]
        fconfigure $fd -blocking 0 -buffering line
        set pids [pid $fd]
        wait_for_condition 100 50 {[r pubsub numsub clich] eq {clich 1}} else {
            foreach p $pids { catch {exec kill $p} }
            catch {close $fd}
            fail "redis-cli did not subscribe"
        }
        assert_equal 1 [r publish clich {hello "world"}]
        set out ""
        set deadline [expr {[clock milliseconds] + 5000}]
        set want {"message","clich","hello \"world\""}
        while {[clock milliseconds] < $deadline && [string first $want $out] < 0} {
            append out [read $fd]
            after 20
        }
        foreach p $pids { catch {exec kill $p} }
        catch {close $fd}
        assert_match {*"subscribe","clich",1*} $out
        assert {[string first $want $out] >= 0} "redis-cli printed: $out"
        wait_for_condition 100 20 {[r pubsub numsub clich] eq {clich 0}} else {
            fail "redis-cli's subscription survived it"
        }
    }
}
