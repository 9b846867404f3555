# CLIENT and its subcommands (ID SETNAME GETNAME LIST INFO KILL REPLY PAUSE
# UNPAUSE NO-EVICT HELP), RESET and QUIT as seen from CLIENT LIST, the idle
# `timeout`, `maxclients`, `requirepass` and the unix socket.
#
# Written from Redis 7's documented behaviour and checked against a real
# redis-server 7.0 (tests/runtest --server /usr/bin/redis-server --single
# unit/client).  Only commands that redis-kv has are required; the test of
# CLIENT PAUSE WRITE holding write commands skips itself on a server
# without SET.

# The CLIENT LIST / CLIENT INFO fields of Redis 7.0, in their order.
set ::cl_fields [lrange {id addr laddr fd name age idle flags db sub psub ssub multi
    qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd
    user redir resp} 0 end]

# One CLIENT LIST line as a dict field -> value (names have no spaces).
proc cl_parse {line} {
    set d {}
    foreach kv [split [string trimright $line "\n"] " "] {
        set i [string first = $kv]
        dict set d [string range $kv 0 [expr {$i-1}]] [string range $kv [expr {$i+1}] end]
    }
    return $d
}

# The lines of a CLIENT LIST reply (without the final empty one).
proc cl_lines {reply} {
    return [split [string trimright $reply "\n"] "\n"]
}

# Field of the CLIENT LIST line of client id ID, "" when it is not listed.
proc cl_field_of {id field {lister r}} {
    foreach line [cl_lines [{*}$lister client list]] {
        set d [cl_parse $line]
        if {[dict get $d id] == $id} { return [dict get $d $field] }
    }
    return ""
}

# ids listed by a CLIENT LIST reply, in order.
proc cl_ids {reply} {
    set ids {}
    foreach line [cl_lines $reply] { lappend ids [dict get [cl_parse $line] id] }
    return $ids
}

# "ip:port" of the local end of a test client's socket (the server's addr).
proc cl_sockaddr {client} {
    lassign [fconfigure [$client channel] -sockname] ip host port
    return "$ip:$port"
}

# Send raw bytes on a fresh connection and return what the server sends
# back for them, with CRLF shown as "|" for readable comparisons.  The
# payload is followed by CLIENT REPLY ON and an ECHO of a marker, so the
# reply is complete once the marker's echo arrives (those two replies are
# not returned).
proc cl_exchange {payload} {
    set marker cl-end-marker
    set tail "+OK\r\n\$[string length $marker]\r\n$marker\r\n"
    set rd [redis_deferring_client]
    $rd write "${payload}CLIENT REPLY ON\r\nECHO $marker\r\n"
    $rd flush
    set got ""
    set deadline [expr {[clock milliseconds] + 10000}]
    while {[string range $got end-[expr {[string length $tail]-1}] end] ne $tail &&
           ![$rd is_closed] && [clock milliseconds] < $deadline} {
        append got [$rd read_available 0.05]
    }
    $rd close
    if {[string range $got end-[expr {[string length $tail]-1}] end] eq $tail} {
        set got [string range $got 0 end-[string length $tail]]
    }
    return [string map {"\r\n" |} $got]
}

# 1 when the connection got no data within SECS (and is still open).
proc cl_nothing_yet {rd {secs 0.2}} {
    return [expr {[$rd read_available $secs] eq ""}]
}

# Wait until the server lists exactly N connections (closes are processed
# asynchronously).
proc cl_wait_count {n {lister r}} {
    wait_for_condition 200 10 {
        [llength [cl_lines [{*}$lister client list]]] == $n
    } else {
        fail "expected $n connections in CLIENT LIST, got: [{*}$lister client list]"
    }
}

# Close every connection but the default client's (leftovers of a failed
# test would spoil the counts).
proc cl_only_me {} {
    r client kill type normal
    cl_wait_count 1
}

proc cl_have_command {name} {
    return [expr {[llength [lindex [r command info $name] 0]] > 0}]
}

start_server {tags {client}} {
    # ------------------------------------------------------------------ ID
    test {CLIENT ID is the same for the life of a connection} {
        set rd [redis_client]
        set id [$rd client id]
        assert {[string is integer -strict $id] && $id > 0}
        $rd ping
        assert_equal $id [$rd client id]
        $rd deferred 1
        $rd client id
        assert_equal ":$id\r\n" [$rd read_raw]
        $rd close
    }

    test {CLIENT ID: unique and increasing across connections} {
        set ids {}
        for {set i 0} {$i < 5} {incr i} {
            set c [redis_client]
            lappend ids [$c client id]
            # Closing makes room for the next connection to reuse memory and
            # the fd: ids are still never reused.
            $c close
        }
        set c1 [redis_client]
        set c2 [redis_client]
        lappend ids [$c1 client id] [$c2 client id]
        for {set i 1} {$i < [llength $ids]} {incr i} {
            assert {[lindex $ids $i] > [lindex $ids [expr {$i-1}]]} "ids $ids"
        }
        assert_equal [llength $ids] [llength [lsort -unique $ids]]
        $c1 close
        $c2 close
    }

    # ----------------------------------------------------- SETNAME/GETNAME
    test {CLIENT GETNAME of a new connection is a null bulk} {
        assert_equal {$-1|} [cl_exchange "CLIENT GETNAME\r\n"]
    }

    test {CLIENT SETNAME / GETNAME} {
        set rd [redis_client]
        assert_equal OK [$rd client setname myname]
        assert_equal myname [$rd client getname]
        assert_equal myname [cl_field_of [$rd client id] name]
        assert_equal myname [dict get [cl_parse [$rd client info]] name]
        assert_equal OK [$rd client setname other-name_1:2]
        assert_equal other-name_1:2 [$rd client getname]
        $rd close
    }

    test {CLIENT SETNAME: names with spaces, newlines or special characters} {
        set rd [redis_client]
        $rd client setname good
        set err "ERR Client names cannot contain spaces, newlines or special characters."
        foreach bad [list "a b" " x" "x " "a\nb" "a\r\nb" "a\tb" "a\x00b" "\x01" "a\x7f" "caf\xc3\xa9"] {
            assert_error_equal $err {$rd client setname $bad} "name [::test::trunc $bad]"
        }
        # A refused name changes nothing.
        assert_equal good [$rd client getname]
        # Every printable ASCII character but the space is fine.
        set all ""
        for {set i 33} {$i <= 126} {incr i} { append all [format %c $i] }
        assert_equal OK [$rd client setname $all]
        assert_equal $all [$rd client getname]
        $rd close
    }

    test {CLIENT SETNAME with an empty name removes the name} {
        set rd [redis_client]
        $rd null_value NULL
        $rd client setname foo
        assert_equal OK [$rd client setname ""]
        assert_equal NULL [$rd client getname]
        assert_equal {} [dict get [cl_parse [$rd client info]] name]
        assert_match "* name= *" [$rd client info]
        $rd close
    }

    test {CLIENT SETNAME / GETNAME: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'client|setname' command" {r client setname}
        assert_error_equal "ERR wrong number of arguments for 'client|setname' command" {r client setname a b}
        assert_error_equal "ERR wrong number of arguments for 'client|getname' command" {r client getname x}
    }

    # ---------------------------------------------------------------- LIST
    test {CLIENT LIST: the fields and their order} {
        set reply [r client list]
        assert_equal "\n" [string index $reply end]
        foreach line [cl_lines $reply] {
            assert_equal $::cl_fields [dict keys [cl_parse $line]] "line: $line"
            assert_match "id=*" $line
        }
    }

    test {CLIENT LIST: the values of the caller's own line} {
        set rd [redis_client]
        set id [$rd client id]
        set line ""
        foreach l [cl_lines [$rd client list]] {
            if {[dict get [cl_parse $l] id] == $id} { set line $l }
        }
        assert {$line ne ""}
        set d [cl_parse $line]
        assert_equal [cl_sockaddr $rd] [dict get $d addr]
        assert_equal "127.0.0.1:[srv port]" [dict get $d laddr]
        assert {[string is integer -strict [dict get $d fd]] && [dict get $d fd] > 0}
        assert_equal {} [dict get $d name]
        foreach f {age idle sub psub ssub qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem} {
            assert {[string is integer -strict [dict get $d $f]] && [dict get $d $f] >= 0} "$f in $line"
        }
        assert_range [dict get $d age] 0 5
        assert_range [dict get $d idle] 0 5
        assert_equal N [dict get $d flags]
        assert_equal 0 [dict get $d db]
        foreach f {sub psub ssub} { assert_equal 0 [dict get $d $f] }
        assert_equal -1 [dict get $d multi]
        assert_equal r [dict get $d events]
        assert_equal client|list [dict get $d cmd]
        assert_equal default [dict get $d user]
        assert_equal -1 [dict get $d redir]
        assert_equal 2 [dict get $d resp]
        $rd close
    }

    test {CLIENT LIST / CLIENT INFO: buffer and memory fields of a fresh connection} {
        set rd [redis_client]
        set id [$rd client id]
        foreach cmd [list {client info} [list client list id $id]] {
            set d [cl_parse [lindex [cl_lines [$rd {*}$cmd]] 0]]
            # The request being run is still in the query buffer (26 bytes
            # for CLIENT INFO), and argv-mem counts its arguments' bytes.
            set q [dict get $d qbuf]
            assert_equal [string length [::redis::__format_command $cmd]] $q
            assert_range [expr {$q + [dict get $d qbuf-free]}] 16384 32767
            assert_equal [string length [join $cmd ""]] [dict get $d argv-mem]
            assert_equal 0 [dict get $d multi-mem]
            assert_equal 16384 [dict get $d rbs]
            assert_equal 16384 [dict get $d rbp]
            foreach f {obl oll omem} { assert_equal 0 [dict get $d $f] }
            # The client structure, its reply buffer and its query buffer.
            assert_morethan [dict get $d tot-mem] [expr {16384 + 16384}]
        }
        $rd close
    }

    test {CLIENT LIST: multi and multi-mem count the queued commands} {
        set rd [redis_client]
        set id [$rd client id]
        $rd multi
        assert_equal QUEUED [$rd set a b]
        set d [cl_parse [lindex [cl_lines [r client list id $id]] 0]]
        assert_equal x [dict get $d flags]
        assert_equal 1 [dict get $d multi]
        # "set" "a" "b": 5 bytes and a pointer for each of the 3 arguments.
        assert_equal 29 [dict get $d multi-mem]
        set before [dict get $d tot-mem]
        assert_equal QUEUED [$rd set a [string repeat x 100000]]
        set d [cl_parse [lindex [cl_lines [r client list id $id]] 0]]
        assert_equal 2 [dict get $d multi]
        assert_equal [expr {29 + 3 + 1 + 100000 + 24}] [dict get $d multi-mem]
        assert_morethan [dict get $d tot-mem] [expr {$before + 100000}]
        $rd discard
        set d [cl_parse [lindex [cl_lines [r client list id $id]] 0]]
        assert_equal -1 [dict get $d multi]
        assert_equal 0 [dict get $d multi-mem]
        $rd close
    }

    test {CLIENT LIST: obl, oll, omem and tot-mem show replies not yet read} {
        r set bigreply [string repeat r 300000]
        set s [socket 127.0.0.1 [srv port]]
        fconfigure $s -translation binary -buffering none
        puts -nonewline $s "CLIENT SETNAME unread\r\n"
        # More than the socket buffers take, never read.
        for {set i 0} {$i < 100} {incr i} { puts -nonewline $s "GET bigreply\r\n" }
        wait_for_condition 100 50 {
            [regexp {name=unread .* oll=([1-9][0-9]*) omem=([0-9]+) tot-mem=([0-9]+)} \
                 [r client list] -> oll omem tot] && $omem > 300000
        } else {
            fail "no output queued: [r client list]"
        }
        assert_morethan $tot $omem
        close $s
        r del bigreply
    }

    test {CLIENT LIST: addr and laddr of every connection are its own, also after reconnects} {
        # Connections come and go: each new one must report its own peer
        # address, not that of an earlier connection.
        for {set i 0} {$i < 6} {incr i} {
            set a [redis_client]
            set b [redis_client]
            foreach c [list $a $b] {
                set d [cl_parse [$c client info]]
                assert_equal [cl_sockaddr $c] [dict get $d addr] "connection $i"
                assert_equal "127.0.0.1:[srv port]" [dict get $d laddr]
                assert_equal [cl_sockaddr $c] [cl_field_of [$c client id] addr]
            }
            $a close
            $b close
        }
        # All addresses in the list are distinct.
        set c1 [redis_client]
        set c2 [redis_client]
        set addrs {}
        foreach line [cl_lines [r client list]] { lappend addrs [dict get [cl_parse $line] addr] }
        assert_equal [llength $addrs] [llength [lsort -unique $addrs]] "addrs: $addrs"
        $c1 close
        $c2 close
    }

    test {CLIENT LIST: one line per connection; closed connections leave} {
        r ping
        set before [llength [cl_lines [r client list]]]
        set c1 [redis_client]
        set c2 [redis_client]
        $c1 ping
        $c2 ping
        set id1 [$c1 client id]
        assert_equal [expr {$before + 2}] [llength [cl_lines [r client list]]]
        assert {$id1 in [cl_ids [r client list]]}
        $c1 close
        wait_for_condition 100 10 {
            $id1 ni [cl_ids [r client list]]
        } else {
            fail "closed connection still in CLIENT LIST"
        }
        $c2 close
    }

    test {CLIENT LIST shows each connection's name, db and last command} {
        set c [redis_client]
        set id [$c client id]
        $c client setname worker
        $c select 3
        $c echo hi
        assert_equal worker [cl_field_of $id name]
        assert_equal 3 [cl_field_of $id db]
        assert_equal echo [cl_field_of $id cmd]
        $c config get port
        assert_equal config|get [cl_field_of $id cmd]
        $c hello 3
        assert_equal 3 [cl_field_of $id resp]
        assert_equal hello [cl_field_of $id cmd]
        $c close
    }

    test {CLIENT LIST: a new connection that sent nothing has cmd=NULL} {
        set c [redis_deferring_client]
        # Wait until the server has accepted it.
        set line ""
        wait_for_condition 100 10 {
            [regexp -line "^id=\\d+ addr=[cl_sockaddr $c] .*\$" [r client list] line]
        } else { fail "connection not accepted" }
        assert_equal NULL [dict get [cl_parse $line] cmd]
        assert_equal 0 [dict get [cl_parse $line] qbuf]
        $c close
    }

    test {CLIENT LIST TYPE} {
        set c1 [redis_client]
        $c1 ping
        set all [cl_ids [r client list]]
        foreach t {normal NORMAL Normal} {
            assert_equal $all [cl_ids [r client list type $t]]
        }
        foreach t {master replica slave pubsub MASTER} {
            assert_equal {} [r client list type $t] "type $t"
        }
        $c1 close
    }

    test {CLIENT LIST TYPE: unknown type} {
        assert_error_equal "ERR Unknown client type 'foo'" {r client list type foo}
        assert_error_equal "ERR Unknown client type ''" {r client list type {}}
    }

    test {CLIENT LIST ID with several ids} {
        set c1 [redis_client]
        set c2 [redis_client]
        set id1 [$c1 client id]
        set id2 [$c2 client id]
        set me [r client id]
        # In the order asked for; unknown ids are left out.
        assert_equal [list $id2 $id1] [cl_ids [r client list id $id2 $id1]]
        assert_equal [list $id1 $me] [cl_ids [r client list id $id1 999999999 $me]]
        assert_equal [list $id1] [cl_ids [r client list ID $id1]]
        assert_equal {} [r client list id 999999999]
        # An id given twice is listed twice.
        assert_equal [list $id2 $id2] [cl_ids [r client list id $id2 $id2]]
        # Every line is a full CLIENT LIST line.
        foreach line [cl_lines [r client list id $id1 $id2]] {
            assert_equal $::cl_fields [dict keys [cl_parse $line]]
        }
        $c1 close
        $c2 close
    }

    test {CLIENT LIST ID: ids that are not integers, zero or negative} {
        assert_error_equal "ERR Invalid client ID" {r client list id abc}
        assert_error_equal "ERR Invalid client ID" {r client list id 1 abc}
        assert_error_equal "ERR Invalid client ID" {r client list id 1.5}
        assert_error_equal "ERR Invalid client ID" {r client list id 99999999999999999999999}
        # Integers that cannot be ids simply match nobody.
        assert_equal {} [r client list id 0]
        assert_equal {} [r client list id -1]
        set me [r client id]
        assert_equal [list $me] [cl_ids [r client list id 0 $me -5]]
    }

    test {CLIENT LIST: syntax errors} {
        assert_error_equal "ERR syntax error" {r client list foo}
        assert_error_equal "ERR syntax error" {r client list id}
        assert_error_equal "ERR syntax error" {r client list type}
        assert_error_equal "ERR syntax error" {r client list type normal extra}
        assert_error_equal "ERR syntax error" {r client list type normal id 1}
    }

    test {CLIENT LIST in RESP3 is a verbatim string} {
        set c [redis_client]
        $c hello 3
        $c deferred 1
        $c client list id [r client id]
        set raw [$c read_raw]
        $c deferred 0
        assert_match "=*\r\ntxt:id=[r client id] *\n\r\n" $raw
        $c close
    }

    # ---------------------------------------------------------------- INFO
    test {CLIENT INFO: one line about the caller} {
        set c [redis_client]
        $c client setname me
        set info [$c client info]
        assert_equal "\n" [string index $info end]
        assert_equal 1 [llength [cl_lines $info]]
        set d [cl_parse $info]
        assert_equal $::cl_fields [dict keys $d]
        assert_equal [$c client id] [dict get $d id]
        assert_equal [cl_sockaddr $c] [dict get $d addr]
        assert_equal me [dict get $d name]
        assert_equal client|info [dict get $d cmd]
        assert_equal N [dict get $d flags]
        $c close
    }

    test {CLIENT INFO: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'client|info' command" {r client info x}
    }

    # ---------------------------------------------------------------- KILL
    test {CLIENT KILL addr (old form) closes that connection} {
        set c [redis_client]
        $c ping
        set addr [cl_sockaddr $c]
        assert_equal OK [r client kill $addr]
        assert_closed $c
        $c close
        assert_equal PONG [r ping]
    }

    test {CLIENT KILL addr (old form): no such client} {
        assert_error_equal "ERR No such client" {r client kill 1.2.3.4:5}
        assert_error_equal "ERR No such client" {r client kill foo}
        # Three arguments are always the old form.
        assert_error_equal "ERR No such client" {r client kill id}
    }

    test {CLIENT KILL addr (old form) of the caller itself: OK, then closed} {
        set c [redis_client]
        assert_equal OK [$c client kill [cl_sockaddr $c]]
        assert_closed $c
        $c close
    }

    test {CLIENT KILL ID} {
        set c [redis_client]
        set other [redis_client]
        set id [$c client id]
        assert_equal 1 [r client kill id $id]
        assert_closed $c
        $c close
        # Gone: a second kill finds nothing.
        assert_equal 0 [r client kill id $id]
        assert_equal 0 [r client kill ID 999999999]
        assert_open $other
        $other close
    }

    test {CLIENT KILL ID: ids that are not positive integers} {
        foreach bad {0 -5 abc 1.5 {}} {
            assert_error_equal "ERR client-id should be greater than 0" {r client kill id $bad} "id '$bad'"
        }
    }

    test {CLIENT KILL ADDR (new form) returns the number of connections killed} {
        set c [redis_client]
        set other [redis_client]
        $c ping
        assert_equal 1 [r client kill addr [cl_sockaddr $c]]
        assert_closed $c
        $c close
        assert_equal 0 [r client kill addr 1.2.3.4:5]
        assert_open $other
        $other close
    }

    test {CLIENT KILL LADDR kills every other connection made to that address} {
        cl_only_me
        set cs {}
        for {set i 0} {$i < 3} {incr i} {
            set c [redis_client]
            $c ping
            lappend cs $c
        }
        cl_wait_count 4
        set n 4
        assert_equal 0 [r client kill laddr 127.0.0.1:1]
        # The caller is skipped (SKIPME defaults to yes).
        assert_equal [expr {$n - 1}] [r client kill laddr 127.0.0.1:[srv port]]
        foreach c $cs { assert_closed $c ; $c close }
        assert_equal PONG [r ping]
        cl_wait_count 1
    }

    test {CLIENT KILL TYPE} {
        cl_only_me
        set c1 [redis_client]
        set c2 [redis_client]
        $c1 ping
        $c2 ping
        cl_wait_count 3
        foreach t {master replica slave pubsub} {
            assert_equal 0 [r client kill type $t] "type $t"
        }
        assert_open $c1
        assert_equal 2 [r client kill type NORMAL]
        assert_closed $c1
        assert_closed $c2
        $c1 close
        $c2 close
        assert_equal PONG [r ping]
        assert_error_equal "ERR Unknown client type 'foo'" {r client kill type foo}
    }

    test {CLIENT KILL USER} {
        cl_only_me
        set c1 [redis_client]
        $c1 ping
        cl_wait_count 2
        assert_equal 1 [r client kill user default]
        assert_closed $c1
        $c1 close
        assert_error_equal "ERR No such user 'foo'" {r client kill user foo}
        assert_error_equal "ERR No such user 'Default'" {r client kill user Default}
        assert_equal PONG [r ping]
    }

    test {CLIENT KILL SKIPME} {
        set me [r client id]
        # yes (the default): the caller is never killed.
        assert_equal 0 [r client kill id $me]
        assert_equal 0 [r client kill id $me skipme yes]
        assert_equal 0 [r client kill id $me SKIPME YES]
        assert_equal PONG [r ping]
        assert_error_equal "ERR syntax error" {r client kill id $me skipme maybe}
        assert_error_equal "ERR syntax error" {r client kill skipme 1}
    }

    test {CLIENT KILL SKIPME no on oneself: the reply comes, then the connection closes} {
        set c [redis_client]
        assert_equal 1 [$c client kill id [$c client id] skipme no]
        assert_closed $c
        $c close
        # Pipelined commands after it are not run.
        set c [redis_deferring_client]
        $c client id
        set id [$c read]
        $c write "CLIENT KILL ID $id SKIPME no\r\nPING\r\n"
        $c flush
        assert_equal ":1\r\n" [$c read_available 5]
        assert [$c is_closed]
        $c close
    }

    test {CLIENT KILL: several filters must all match} {
        set c [redis_client]
        $c ping
        set id [$c client id]
        assert_equal 0 [r client kill id $id addr 1.2.3.4:5]
        assert_equal 0 [r client kill id $id type pubsub]
        assert_equal 0 [r client kill addr [cl_sockaddr $c] laddr 127.0.0.1:1]
        assert_open $c
        assert_equal 1 [r client kill id $id addr [cl_sockaddr $c] type normal user default skipme yes]
        assert_closed $c
        $c close
    }

    test {CLIENT KILL: syntax errors} {
        assert_error_equal "ERR syntax error" {r client kill foo bar}
        assert_error_equal "ERR syntax error" {r client kill id 1 type}
        assert_error_equal "ERR syntax error" {r client kill addr 1.2.3.4:5 foo bar}
        assert_error_equal "ERR wrong number of arguments for 'client|kill' command" {r client kill}
    }

    # --------------------------------------------------------------- REPLY
    test {CLIENT REPLY OFF silences every reply until CLIENT REPLY ON} {
        assert_equal {+OK|+PONG|} \
            [cl_exchange "CLIENT REPLY OFF\r\nPING\r\nECHO a\r\nFOO\r\nSELECT 99\r\nCLIENT REPLY ON\r\nPING\r\n"]
    }

    test {CLIENT REPLY SKIP silences exactly the next command} {
        assert_equal {$1|a|+PONG|} [cl_exchange "CLIENT REPLY SKIP\r\nPING\r\nECHO a\r\nPING\r\n"]
        # Errors are skipped too.
        assert_equal {$1|b|} [cl_exchange "CLIENT REPLY SKIP\r\nFOO\r\nECHO b\r\n"]
        # SKIP twice: the second SKIP is the skipped command, then one more.
        assert_equal {$1|b|} [cl_exchange "CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nECHO a\r\nECHO b\r\n"]
        # SKIP then ON: ON cancels the skip, its own reply included.
        assert_equal {+OK|$1|a|$1|b|} [cl_exchange "CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nECHO a\r\nECHO b\r\n"]
    }

    test {CLIENT REPLY SKIP while OFF keeps replies off} {
        assert_equal {+OK|+PONG|} \
            [cl_exchange "CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nPING\r\nPING\r\nCLIENT REPLY ON\r\nPING\r\n"]
    }

    test {CLIENT REPLY with a bad mode} {
        assert_equal {-ERR syntax error|$1|b|} [cl_exchange "CLIENT REPLY FOO\r\nECHO b\r\n"]
        # Even the error is silenced when replies are off.
        assert_equal {} [cl_exchange "CLIENT REPLY OFF\r\nCLIENT REPLY FOO\r\nECHO b\r\n"]
        assert_error_equal "ERR wrong number of arguments for 'client|reply' command" {r client reply}
    }

    test {CLIENT REPLY ON when replies are on} {
        assert_equal OK [r client reply on]
        assert_equal OK [r client reply ON]
    }

    # --------------------------------------------------------------- PAUSE
    test {CLIENT PAUSE: errors} {
        assert_error_equal "ERR timeout is not an integer or out of range" {r client pause abc}
        assert_error_equal "ERR timeout is not an integer or out of range" {r client pause 1.5}
        assert_error_equal "ERR timeout is not an integer or out of range" {r client pause {}}
        assert_error_equal "ERR timeout is not an integer or out of range" {r client pause 9223372036854775808}
        assert_error_equal "ERR timeout is negative" {r client pause -1}
        assert_error_equal "ERR timeout is negative" {r client pause -1000 write}
        assert_error_equal "ERR CLIENT PAUSE mode must be WRITE or ALL" {r client pause 10 foo}
        # The mode is checked before the timeout.
        assert_error_equal "ERR CLIENT PAUSE mode must be WRITE or ALL" {r client pause abc foo}
        assert_error_equal "ERR wrong number of arguments for 'client|pause' command" {r client pause}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP." \
            {r client pause 10 write extra}
        # Nothing got paused.
        assert_equal PONG [r ping]
    }

    test {CLIENT PAUSE 0 and CLIENT UNPAUSE without a pause} {
        assert_equal OK [r client pause 0]
        assert_equal PONG [r ping]
        assert_equal OK [r client unpause]
        assert_equal OK [r client unpause]
        assert_error_equal "ERR wrong number of arguments for 'client|unpause' command" {r client unpause x}
    }

    test {CLIENT PAUSE ALL: commands wait and complete when the pause ends} {
        set rd [redis_deferring_client]
        set rd2 [redis_deferring_client]
        $rd ping
        assert_equal PONG [$rd read]
        set start [clock milliseconds]
        assert_equal OK [r client pause 1500 all]
        $rd ping
        $rd echo hello
        $rd2 client info
        assert {[cl_nothing_yet $rd 0.3]}
        assert {[cl_nothing_yet $rd2 0.01]}
        assert_equal PONG [$rd read]
        assert_equal hello [$rd read]
        assert_match "id=*cmd=client|info*" [$rd2 read]
        set elapsed [expr {[clock milliseconds] - $start}]
        assert_lessthan $elapsed 10000
        # The pause is over.
        assert_equal PONG [r ping]
        $rd close
        $rd2 close
    }

    test {CLIENT PAUSE without a mode pauses ALL commands, and the caller too} {
        set rd [redis_deferring_client]
        $rd client pause 1000
        $rd ping
        assert_equal OK [$rd read]
        assert {[cl_nothing_yet $rd 0.3]}
        assert_equal PONG [$rd read]
        $rd close
    }

    test {CLIENT PAUSE ALL holds CLIENT UNPAUSE too (only the timeout ends it)} {
        set rd [redis_deferring_client]
        set un [redis_deferring_client]
        assert_equal OK [r client pause 1200 ALL]
        $rd ping
        $un client unpause
        assert {[cl_nothing_yet $un 0.3]}
        assert {[cl_nothing_yet $rd 0.01]}
        assert_equal OK [$un read]
        assert_equal PONG [$rd read]
        $rd close
        $un close
    }

    test {CLIENT PAUSE WRITE lets commands that do not write run at once} {
        assert_equal OK [r client pause 100000 write]
        set rd [redis_deferring_client]
        $rd ping
        $rd echo x
        $rd time
        $rd info server
        $rd config get port
        $rd config set slowlog-max-len 128
        $rd client list
        $rd client id
        $rd select 1
        $rd slowlog len
        $rd command count
        $rd foo
        assert_equal PONG [$rd read]
        assert_equal x [$rd read]
        assert_equal 2 [llength [$rd read]]
        assert_match "*redis_version*" [$rd read]
        assert_equal [list port [srv port]] [$rd read]
        assert_equal OK [$rd read]
        assert_match "id=*" [$rd read]
        assert {[string is integer -strict [$rd read]]}
        assert_equal OK [$rd read]
        assert {[string is integer -strict [$rd read]]}
        assert {[string is integer -strict [$rd read]]}
        assert_error "ERR unknown command 'foo'*" {$rd read}
        # CLIENT UNPAUSE from another connection ends the pause.
        set other [redis_client]
        assert_equal OK [$other client unpause]
        $other close
        $rd close
    }

    test {CLIENT PAUSE WRITE holds write commands until CLIENT UNPAUSE} {
        if {![cl_have_command set]} { skip "no write commands (SET) on this server" }
        set rd [redis_deferring_client]
        $rd client id
        set rdid [$rd read]
        assert_equal OK [r client pause 100000 write]
        $rd set cl:pause:key v
        assert {[cl_nothing_yet $rd 0.3]}
        # Reads and bad requests are answered meanwhile.
        set c [redis_client]
        assert_equal {} [$c get cl:pause:key]
        assert_error_equal "ERR wrong number of arguments for 'set' command" {$c set cl:pause:key}
        assert_match "*b*" [cl_field_of $rdid flags [list $c]]
        # "may replicate" commands such as PUBLISH are held too.
        set pub {}
        if {[cl_have_command publish]} {
            set pub [redis_deferring_client]
            $pub publish cl:pause:channel hello
            assert {[cl_nothing_yet $pub 0.2]}
        }
        assert_equal OK [$c client unpause]
        assert_equal OK [$rd read]
        if {$pub ne ""} {
            assert_equal 0 [$pub read]
            $pub close
        }
        assert_equal v [$c get cl:pause:key]
        $c del cl:pause:key
        $c close
        $rd close
    }

    # ------------------------------------------------------------ NO-EVICT
    test {CLIENT NO-EVICT on/off shows as flag e} {
        set c [redis_client]
        assert_equal N [dict get [cl_parse [$c client info]] flags]
        assert_equal OK [$c client no-evict on]
        assert_equal e [dict get [cl_parse [$c client info]] flags]
        assert_equal e [cl_field_of [$c client id] flags]
        assert_equal OK [$c client no-evict ON]
        assert_equal e [dict get [cl_parse [$c client info]] flags]
        assert_equal OK [$c client no-evict off]
        assert_equal N [dict get [cl_parse [$c client info]] flags]
        assert_error_equal "ERR syntax error" {$c client no-evict foo}
        assert_error_equal "ERR syntax error" {$c client no-evict yes}
        assert_error_equal "ERR wrong number of arguments for 'client|no-evict' command" {$c client no-evict}
        $c close
    }

    # ---------------------------------------------------------------- HELP
    test {CLIENT HELP} {
        set lines [r client help]
        assert_equal "CLIENT <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:" [lindex $lines 0]
        assert_equal HELP [lindex $lines end-1]
        assert_equal "    Prints this help." [lindex $lines end]
        foreach sub {GETNAME ID INFO {KILL <ip:port>} {KILL <option> <value> [<option> <value> [...]]}
                     {LIST [options ...]} UNPAUSE {PAUSE <timeout> [WRITE|ALL]}
                     {REPLY (ON|OFF|SKIP)} {SETNAME <name>} {NO-EVICT (ON|OFF)}} {
            assert {$sub in $lines} "CLIENT HELP has no line '$sub'"
        }
        # Status replies, as in Redis.
        set c [redis_deferring_client]
        $c client help
        set raw [$c read_raw]
        assert_match "\\*[llength $lines]\r\n+CLIENT <subcommand> *\r\n+HELP\r\n+    Prints this help.\r\n" $raw
        $c close
        assert_error_equal "ERR wrong number of arguments for 'client|help' command" {r client help x}
    }

    test {CLIENT: unknown subcommand, and no subcommand} {
        assert_error_equal "ERR unknown subcommand 'foo'. Try CLIENT HELP." {r client foo}
        assert_error_equal "ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP." {r client NOSUCH a b}
        assert_error_equal "ERR wrong number of arguments for 'client' command" {r client}
    }

    test {CLIENT subcommands are case insensitive} {
        assert_equal [r client id] [r CLIENT Id]
        assert_match "id=*" [r Client INFO]
    }

    # --------------------------------------------------------- RESET, QUIT
    test {RESET clears the name, the db, the protocol and CLIENT REPLY OFF} {
        set c [redis_deferring_client]
        $c client setname named
        $c select 5
        $c hello 3
        foreach _ {1 2 3} { $c read }
        $c client reply off
        $c ping
        $c reset
        assert_equal RESET [$c read]
        $c ping
        assert_equal PONG [$c read]
        $c client info
        set d [cl_parse [$c read]]
        assert_equal {} [dict get $d name]
        assert_equal 0 [dict get $d db]
        assert_equal 2 [dict get $d resp]
        assert_equal N [dict get $d flags]
        $c close
    }

    test {RESET keeps CLIENT NO-EVICT} {
        set c [redis_client]
        $c client no-evict on
        assert_equal RESET [$c reset]
        assert_equal e [dict get [cl_parse [$c client info]] flags]
        $c close
    }

    test {CLIENT REPLY SKIP before RESET skips RESET's reply} {
        assert_equal {+PONG|} [cl_exchange "CLIENT REPLY SKIP\r\nRESET\r\nPING\r\n"]
    }

    test {QUIT: +OK, the connection closes and leaves CLIENT LIST} {
        set c [redis_client]
        set id [$c client id]
        assert_equal OK [$c quit]
        assert_closed $c
        $c close
        wait_for_condition 100 10 {
            $id ni [cl_ids [r client list]]
        } else {
            fail "the connection that sent QUIT is still listed"
        }
    }
}

# ------------------------------------------------------------------ timeout
start_server {tags {client} overrides {timeout 1}} {
    test {timeout: idle connections are closed, active ones are not} {
        assert_equal {timeout 1} [r config get timeout]
        set idle [redis_client]
        set busy [redis_client]
        $idle ping
        $busy ping
        # Redis closes a client idle for more than `timeout` seconds, on its
        # next cron pass: within ~2-3 s for timeout 1.
        set start [clock milliseconds]
        while {[clock milliseconds] - $start < 3500} {
            assert_equal PONG [$busy ping]
            after 200
        }
        assert_closed $idle 5
        $idle close
        assert_equal PONG [$busy ping]
        $busy close
    }

    test {timeout: a MONITOR connection is never closed for being idle} {
        set mon [redis_deferring_client]
        $mon monitor
        assert_equal OK [$mon read]
        set idle [redis_client]
        $idle ping
        assert_closed $idle 6
        $idle close
        # The monitor is still there and still working.
        set c [redis_client]
        $c echo still-monitored
        set seen 0
        while {!$seen} {
            set line [$mon read]
            if {[string match {*"echo" "still-monitored"*} $line]} { set seen 1 }
        }
        $c close
        $mon close
    }

    test {timeout: CONFIG SET timeout 0 stops closing idle connections} {
        set c [redis_client]
        assert_equal OK [$c config set timeout 0]
        set idle [redis_client]
        $idle ping
        after 3000
        assert_equal PONG [$idle ping]
        $idle close
        $c close
    }
}

# --------------------------------------------------------------- maxclients
start_server {tags {client} overrides {maxclients 3}} {
    test {maxclients: one connection too many gets the error and is closed} {
        set c1 [redis_client]
        cl_wait_count 1 [list $c1]
        set c2 [redis_client]
        set c3 [redis_client]
        assert_equal PONG [$c1 ping]
        assert_equal PONG [$c2 ping]
        assert_equal PONG [$c3 ping]
        set c4 [redis_deferring_client]
        assert_equal "-ERR max number of clients reached\r\n" [$c4 read_available 5]
        assert [$c4 is_closed]
        $c4 close
        # Still usable, and room again once a connection has gone.
        assert_equal PONG [$c1 ping]
        $c3 close
        cl_wait_count 2 [list $c1]
        set c5 [redis_client]
        assert_equal PONG [$c5 ping]
        set rejected [regexp -inline -line {^rejected_connections:\d+} [$c1 info stats]]
        assert_equal "rejected_connections:1" [string trim $rejected]
        $c1 close
        $c2 close
        $c5 close
    }

    test {maxclients: CONFIG SET maxclients raises the limit} {
        set c1 [redis_client]
        cl_wait_count 1 [list $c1]
        assert_equal OK [$c1 config set maxclients 5]
        set cs {}
        for {set i 0} {$i < 4} {incr i} {
            set c [redis_client]
            assert_equal PONG [$c ping]
            lappend cs $c
        }
        set c6 [redis_deferring_client]
        assert_equal "-ERR max number of clients reached\r\n" [$c6 read_available 5]
        $c6 close
        foreach c $cs { $c close }
        $c1 close
    }
}

# -------------------------------------------------------------- requirepass
start_server {tags {client} overrides {requirepass s3cret}} {
    test {requirepass: CLIENT commands need authentication} {
        set c [redis_client]
        foreach cmd {{client id} {client info} {client list} {client setname x} {client getname}
                     {client kill id 1} {client pause 10} {client reply on} {client help}} {
            assert_error_equal "NOAUTH Authentication required." {$c {*}$cmd} "$cmd"
        }
        $c close
    }

    test {requirepass: unauthenticated connections are listed, as user default} {
        set c [redis_client]
        catch {$c ping}
        set a [redis_client]
        assert_equal OK [$a auth s3cret]
        set line ""
        foreach l [cl_lines [$a client list]] {
            if {[dict get [cl_parse $l] addr] eq [cl_sockaddr $c]} { set line $l }
        }
        assert {$line ne ""}
        assert_equal default [dict get [cl_parse $line] user]
        assert_equal ping [dict get [cl_parse $line] cmd]
        $c close
        $a close
    }

    test {requirepass: HELLO AUTH with SETNAME authenticates, names and switches protocol} {
        set c [redis_client]
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." \
            {$c hello 3 auth default wrong setname cl}
        assert_error_equal "NOAUTH Authentication required." {$c client getname}
        set reply [$c hello 3 auth default s3cret setname cl]
        assert_equal 3 [dict get $reply proto]
        assert_equal [$c client id] [dict get $reply id]
        set d [cl_parse [$c client info]]
        assert_equal cl [dict get $d name]
        assert_equal 3 [dict get $d resp]
        assert_equal default [dict get $d user]
        assert_equal cl [$c client getname]
        $c close
    }

    test {requirepass: AUTH, then RESET needs AUTH again} {
        set c [redis_client]
        assert_equal OK [$c auth s3cret]
        assert_equal OK [$c client setname n]
        assert_equal RESET [$c reset]
        assert_error_equal "NOAUTH Authentication required." {$c client getname}
        assert_equal OK [$c auth default s3cret]
        $c null_value NULL
        assert_equal NULL [$c client getname]
        $c close
    }
}

# -------------------------------------------------------------- unix socket
start_server {tags {client} overrides {unixsocket cl.sock unixsocketperm 700}} {
    # A relative unixsocket is created in `dir`, the server's temp dir.
    set ::cl_sock [file join [srv dir] cl.sock]

    test {unixsocket: the socket file exists with unixsocketperm} {
        assert {[file exists $::cl_sock]}
        assert_equal socket [file type $::cl_sock]
        assert_equal 700 [format %o [expr {[file attributes $::cl_sock -permissions] & 0777}]]
        assert_equal {unixsocket cl.sock} [r config get unixsocket]
        assert_equal {unixsocketperm 700} [r config get unixsocketperm]
    }

    test {unixsocket: redis-cli -s PATH ping} {
        if {![llength [auto_execok redis-cli]]} { skip "redis-cli is not installed" }
        assert_equal PONG [exec redis-cli -s $::cl_sock ping]
        assert_equal hello [exec redis-cli -s $::cl_sock echo hello]
    }

    test {unixsocket: CLIENT INFO of a unix socket connection} {
        if {![llength [auto_execok redis-cli]]} { skip "redis-cli is not installed" }
        set d [cl_parse [exec redis-cli -s $::cl_sock client info]]
        assert_equal $::cl_fields [dict keys $d]
        assert_equal cl.sock:0 [dict get $d addr]
        assert_equal cl.sock:0 [dict get $d laddr]
        assert_equal U [dict get $d flags]
        # A unix connection can be killed by its address, and the TCP
        # connections are not affected.
        set out [exec redis-cli -s $::cl_sock client kill addr cl.sock:0 skipme no]
        assert_equal 1 $out
        assert_equal PONG [r ping]
        # LADDR of the unix socket matches unix connections only.
        assert_equal 0 [r client kill laddr cl.sock:0]
        assert_equal PONG [r ping]
    }
}
