# Keyspace notifications: notify-keyspace-events (CONFIG GET/SET, the
# class letters and their canonical form), the events of every string,
# key and expiry command, "new", "keymiss", "expired" by lazy and active expiry,
# K/E channels, class filters, MULTI/EXEC order, RESP3 push frames and
# redis-cli as a real subscriber.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/notify
# Nothing here is redis-kv-only.

# A deferring client subscribed to every keyspace/keyevent channel and to
# the end marker channel nt-end.
proc nt_subscriber {{pattern __key*__:*}} {
    set rd [redis_deferring_client]
    $rd psubscribe $pattern
    $rd read
    $rd subscribe nt-end
    $rd read
    return $rd
}

# Every event RD received up to the end marker, as {channel payload}
# pairs: exactly what was published, nothing more.
proc nt_events {rd} {
    r publish nt-end x
    set out {}
    while 1 {
        set f [$rd read]
        if {[lindex $f 0] eq "message"} break
        lappend out [list [lindex $f 2] [lindex $f 3]]
    }
    return $out
}

# The keyspace events of db 0 only, as {key event} pairs.
proc nt_ks {rd} {
    set out {}
    foreach e [nt_events $rd] {
        lassign $e ch ev
        if {[string match {__keyspace@0__:*} $ch]} {
            lappend out [list [string range $ch 15 end] $ev]
        }
    }
    return $out
}

start_server {tags {notify}} {
    # ------------------------------------------------------------ config
    test {notify-keyspace-events defaults to empty} {
        r config get notify-keyspace-events
    } {notify-keyspace-events {}}

    test {notify-keyspace-events is printed back in Redis's canonical form} {
        set out {}
        foreach v {KEA KEAmn AKE Ex gx$E KEg$lshzxetd Kn En EKm m "" nK A$} {
            r config set notify-keyspace-events $v
            lappend out [lindex [r config get notify-keyspace-events] 1]
        }
        set out
    } {AKE AKEm AKE xE {g$xE} AKE nK nE KEm m {} nK A}

    test {notify-keyspace-events rejects an invalid class character} {
        r config set notify-keyspace-events KEA
        catch {r config set notify-keyspace-events KEZ} e
        list $e [lindex [r config get notify-keyspace-events] 1]
    } {{ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.} AKE}

    # ------------------------------------------------------------ channels
    test {K publishes to __keyspace@db__:key, E to __keyevent@db__:event} {
        r flushall
        r config set notify-keyspace-events KE$
        set rd [nt_subscriber]
        r set foo bar
        set ev [nt_events $rd]
        $rd close
        set ev
    } {{__keyspace@0__:foo set} {__keyevent@0__:set foo}}

    test {K alone, E alone, and neither} {
        r flushall
        set rd [nt_subscriber]
        set out {}
        foreach v {K$ E$ $} {
            r config set notify-keyspace-events $v
            r set foo bar
            lappend out [nt_events $rd]
        }
        $rd close
        set out
    } {{{__keyspace@0__:foo set}} {{__keyevent@0__:set foo}} {}}

    test {The database number is in the channel} {
        r flushall
        r config set notify-keyspace-events KE$
        set rd [nt_subscriber]
        r select 9
        r set foo bar
        r select 0
        set ev [nt_events $rd]
        $rd close
        set ev
    } {{__keyspace@9__:foo set} {__keyevent@9__:set foo}}

    test {Class filters: g alone sees del but not set, $ alone the opposite} {
        r flushall
        set rd [nt_subscriber]
        r config set notify-keyspace-events Kg
        r set a 1
        r del a
        set g [nt_ks $rd]
        r config set notify-keyspace-events K$
        r set a 1
        r del a
        set s [nt_ks $rd]
        $rd close
        list $g $s
    } {{{a del}} {{a set}}}

    test {"new" only with n, emitted before the command's event; A does not include n} {
        r flushall
        set rd [nt_subscriber]
        r config set notify-keyspace-events KA
        r set a 1
        set withoutn [nt_ks $rd]
        r del a
        nt_ks $rd
        r config set notify-keyspace-events KAn
        r set a 1
        r set a 2
        set withn [nt_ks $rd]
        r config set notify-keyspace-events Kn
        r del a
        r set a 1
        set onlyn [nt_ks $rd]
        $rd close
        list $withoutn $withn $onlyn
    } {{{a set}} {{a new} {a set} {a set}} {{a new}}}

    # ------------------------------------------------------------ strings
    test {SET family events} {
        r flushall
        r config set notify-keyspace-events KA
        set rd [nt_subscriber]
        r set a 1
        r set a 2 ex 100
        r set a 3 keepttl
        r set a 4 get
        r set a 5 nx
        r set b 5 xx
        r setnx a 1
        r setnx c 1
        r setex d 100 v
        r psetex e 100000 v
        r getset a 6
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a set} {a set} {a expire} {a set} {a set} {c set} {d set} {d expire} {e set} {e expire} {a set}}

    test {MSET and MSETNX: one set per key; MSETNX that fails: nothing} {
        r flushall
        r config set notify-keyspace-events KAn
        set rd [nt_subscriber]
        r mset a 1 b 2
        r msetnx c 1 d 2
        r msetnx c 1 e 2
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a new} {a set} {b new} {b set} {c new} {c set} {d new} {d set}}

    test {INCR DECR INCRBY DECRBY say incrby, INCRBYFLOAT incrbyfloat} {
        r flushall
        r config set notify-keyspace-events KAn
        set rd [nt_subscriber]
        r incr n
        r decr n
        r incrby n 5
        r decrby n 2
        r incrbyfloat f 1.5
        catch {r incr f}
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{n new} {n incrby} {n incrby} {n incrby} {n incrby} {f new} {f incrbyfloat}}

    test {APPEND and SETRANGE; SETRANGE with an empty value: nothing} {
        r flushall
        r config set notify-keyspace-events KAn
        set rd [nt_subscriber]
        r append a x
        r append a y
        r setrange s 2 x
        r setrange s 0 ""
        r setrange t 0 ""
        r setrange s 0 y
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a new} {a append} {a append} {s new} {s setrange} {s setrange}}

    test {GETDEL says del; GETEX expire, persist, del for a past time; LCS nothing} {
        r flushall
        r config set notify-keyspace-events KA
        set rd [nt_subscriber]
        r set a 1
        r set b 1
        r getdel a
        r getdel a
        r getex b
        r getex b ex 100
        r getex b persist
        r getex b persist
        r lcs b b
        r getex b pxat 1
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a set} {b set} {a del} {b expire} {b persist} {b del}}

    # ------------------------------------------------------------ keys
    test {DEL and UNLINK: one del per removed key} {
        r flushall
        r config set notify-keyspace-events KA
        r mset a 1 b 2 c 3
        set rd [nt_subscriber]
        r del a nokey b
        r unlink c a
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a del} {b del} {c del}}

    test {EXPIRE family and PERSIST} {
        r flushall
        r config set notify-keyspace-events KA
        r mset a 1 b 2 c 3
        set rd [nt_subscriber]
        r expire a 100
        r expire a 100 nx
        r pexpire a 100000 xx
        r expireat b [expr {[clock seconds] + 100}]
        r pexpireat b [expr {[clock milliseconds] + 100000}]
        r expire nokey 10
        r persist a
        r persist a
        r expire c -1
        r pexpireat b 1
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a expire} {a expire} {b expire} {b expire} {a persist} {c del} {b del}}

    test {RENAME RENAMENX COPY MOVE} {
        r flushall
        r config set notify-keyspace-events KAn
        r mset a 1 b 2
        set rd [nt_subscriber {__keyspace@*}]
        r rename a a
        r rename a c
        r rename c b
        r renamenx b b
        r renamenx b d
        r set x 1
        r renamenx d x
        r copy d e
        r copy d e
        r copy d e replace
        r copy d e db 1
        r move e 1
        r move d 1
        r move x 1
        set ev [nt_events $rd]
        $rd close
        set ev
    } [list {__keyspace@0__:c new} {__keyspace@0__:a rename_from} {__keyspace@0__:c rename_to} \
            {__keyspace@0__:b new} {__keyspace@0__:c rename_from} {__keyspace@0__:b rename_to} \
            {__keyspace@0__:d new} {__keyspace@0__:b rename_from} {__keyspace@0__:d rename_to} \
            {__keyspace@0__:x new} {__keyspace@0__:x set} \
            {__keyspace@0__:e new} {__keyspace@0__:e copy_to} \
            {__keyspace@0__:e new} {__keyspace@0__:e copy_to} \
            {__keyspace@1__:e new} {__keyspace@1__:e copy_to} \
            {__keyspace@1__:d new} {__keyspace@0__:d move_from} {__keyspace@1__:d move_to} \
            {__keyspace@1__:x new} {__keyspace@0__:x move_from} {__keyspace@1__:x move_to}]

    test {FLUSHDB FLUSHALL SWAPDB emit nothing (Redis 7.0)} {
        r flushall
        r config set notify-keyspace-events KEA
        r set a 1
        set rd [nt_subscriber]
        r swapdb 0 1
        r flushdb
        r flushall
        set ev [nt_events $rd]
        $rd close
        set ev
    } {}

    test {keymiss (m, not in A): read lookups of a missing key, not writes} {
        r flushall
        r config set notify-keyspace-events KAnm
        r set here v
        set rd [nt_subscriber]
        r get k1
        r get here
        r getex k2
        r getdel k3
        r getset k4 v
        r set k5 v get
        r mget k6 here k7
        r strlen k8
        r getrange k9 0 1
        r substr k10 0 1
        r lcs k11 k12
        r exists k13 here
        r touch k14
        r ttl k15
        r pttl k16
        r expiretime k17
        r pexpiretime k18
        r type k19
        r object encoding k20
        r copy k21 x
        r move k22 1
        catch {r rename k23 x}
        r expire k24 10
        r persist k25
        r del k26
        r incr k27
        r set k28 v xx get
        r setnx k29 v
        set ev [nt_ks $rd]
        r config set notify-keyspace-events KA
        r get k30
        lappend ev {*}[nt_ks $rd]
        $rd close
        set ev
    } {{k1 keymiss} {k2 keymiss} {k3 keymiss} {k4 keymiss} {k4 new} {k4 set} {k5 keymiss} {k5 new} {k5 set} {k6 keymiss} {k7 keymiss} {k8 keymiss} {k9 keymiss} {k10 keymiss} {k11 keymiss} {k12 keymiss} {k13 keymiss} {k14 keymiss} {k15 keymiss} {k16 keymiss} {k17 keymiss} {k18 keymiss} {k19 keymiss} {k21 keymiss} {k27 new} {k27 incrby} {k28 keymiss} {k29 new} {k29 set}}

    # ------------------------------------------------------------ expiry
    # With active expiry off (redis-kv; a real server refuses DEBUG by
    # default) the keys expire lazily; either way "expired" comes first.
    test {Lazy expiry: expired (class x) before the command's own events} {
        r flushall
        r config set notify-keyspace-events KEA
        catch {r debug set-active-expire 0}
        r set a 1 px 1
        r set b 1 px 1
        after 20
        set rd [nt_subscriber]
        r get a
        r set b 2
        set ev [nt_events $rd]
        catch {r debug set-active-expire 1}
        $rd close
        set ev
    } {{__keyspace@0__:a expired} {__keyevent@0__:expired a} {__keyspace@0__:b expired} {__keyevent@0__:expired b} {__keyspace@0__:b set} {__keyevent@0__:set b}}

    test {Active expiry emits expired} {
        r flushall
        r config set notify-keyspace-events Ex
        set rd [nt_subscriber]
        r set a 1 px 50
        wait_for_condition 100 20 {[r dbsize] == 0} else { fail "a did not expire" }
        set ev [nt_events $rd]
        $rd close
        set ev
    } {{__keyevent@0__:expired a}}

    test {SET with an expiry already past: new set expire, then expired at the next lookup} {
        r flushall
        r config set notify-keyspace-events KAn
        set rd [nt_subscriber]
        r set a 1 pxat 1
        r exists a
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a new} {a set} {a expire} {a expired}}

    test {x alone: expired only} {
        r flushall
        r config set notify-keyspace-events Kx
        set rd [nt_subscriber]
        r set a 1 px 1
        after 20
        r get a
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a expired}}

    # ------------------------------------------------------------ MULTI
    test {MULTI/EXEC: events in the order of its commands} {
        r flushall
        r config set notify-keyspace-events KAn
        set rd [nt_subscriber]
        r multi
        r set a 1
        r incr a
        r mset b 1 c 2
        r expire b 100
        r del a c
        r exec
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {{a new} {a set} {a incrby} {b new} {b set} {c new} {c set} {b expire} {a del} {c del}}

    test {DISCARD and EXECABORT: nothing} {
        r flushall
        r config set notify-keyspace-events KA
        set rd [nt_subscriber]
        r multi
        r set a 1
        r discard
        r multi
        r set a 1
        catch {r set}
        catch {r exec}
        set ev [nt_ks $rd]
        $rd close
        set ev
    } {}

    # ------------------------------------------------------------ RESP3
    test {RESP3 subscriber gets push frames} {
        r flushall
        r config set notify-keyspace-events KE$
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd subscribe __keyevent@0__:set
        $rd read
        r set foo bar
        set raw [$rd read_raw]
        $rd close
        assert_equal ">3\r\n\$7\r\nmessage\r\n\$18\r\n__keyevent@0__:set\r\n\$3\r\nfoo\r\n" $raw
    }

    # ------------------------------------------------------------ redis-cli
    test {redis-cli --csv psubscribe '__key*__:*' receives the events} {
        if {[auto_execok redis-cli] eq ""} { skip "redis-cli not installed" }
        r flushall
        r config set notify-keyspace-events KEA
        set fd [open "|redis-cli -h [srv host] -p [srv port] --csv psubscribe __key*__:* 2>@1" r]
        fconfigure $fd -blocking 0 -buffering line
        set pids [pid $fd]
        wait_for_condition 100 50 {[r pubsub numpat] == 1} else {
            foreach p $pids { catch {exec kill $p} }
            catch {close $fd}
            fail "redis-cli did not subscribe"
        }
        r set clikey v
        set want {"pmessage","__key*__:*","__keyevent@0__:set","clikey"}
        set out ""
        set deadline [expr {[clock milliseconds] + 5000}]
        while {[clock milliseconds] < $deadline && [string first $want $out] < 0} {
            append out [read $fd]
            after 20
        }
        foreach p $pids { catch {exec kill $p} }
        catch {close $fd}
        assert_match {*"pmessage","__key*__:*","__keyspace@0__:clikey","set"*} $out
        assert {[string first $want $out] >= 0} "redis-cli printed: $out"
        wait_for_condition 100 20 {[r pubsub numpat] == 0} else {
            fail "redis-cli's subscription survived it"
        }
    }

    r config set notify-keyspace-events ""
}
