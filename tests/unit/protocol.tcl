# RESP request parsing: inline and multibulk requests, pipelining, requests
# split at arbitrary points, protocol errors and request size limits.
# Only connection/server commands are used (PING ECHO CONFIG CLIENT AUTH ...).

# Raw RESP encodings, to compare reply bytes exactly.
proc proto_bulk {s} { return "\$[string length $s]\r\n$s\r\n" }
proc proto_mbulk {args} {
    set out "*[llength $args]\r\n"
    foreach a $args { append out [proto_bulk $a] }
    return $out
}

# Read as many bytes as EXPECTED has and compare.
proc assert_reply_bytes {rd expected} {
    set got [$rd read_bytes [string length $expected]]
    assert_equal $expected $got
}

# Send PAYLOAD on a fresh connection: the reply must be exactly the error
# EXPECTED, then the server must close the connection, and the server must
# keep serving other clients.
proc proto_error_test {payload expected} {
    set rd [redis_deferring_client]
    $rd write $payload
    $rd flush
    set err "(no error)"
    catch {$rd read} err
    assert_equal $expected $err
    assert_closed $rd
    $rd close
    assert_equal PONG [r ping]
}

# A request that is complete and valid so far but unfinished: the server
# must neither reply nor close the connection.
proc proto_waiting_test {payload} {
    set rd [redis_deferring_client]
    $rd write $payload
    $rd flush
    r ping   ;# barrier: the server has read the payload by now
    set got [$rd read_available 0.1]
    assert_equal {} $got
    assert_equal 0 [$rd is_closed]
    $rd close
}

start_server {tags {protocol}} {
    test {Handle an empty query} {
        reconnect
        r write "\r\n"
        r flush
        assert_equal PONG [r ping]
    }

    test {Inline PING gets a simple string reply} {
        set rd [redis_deferring_client]
        $rd write "PING\r\n"
        $rd flush
        assert_reply_bytes $rd "+PONG\r\n"
        $rd close
    }

    test {Inline requests terminated by LF only} {
        set rd [redis_deferring_client]
        $rd write "PING\nECHO lf\n"
        $rd flush
        assert_reply_bytes $rd "+PONG\r\n[proto_bulk lf]"
        $rd close
    }

    test {Inline request with extra spaces} {
        set rd [redis_deferring_client]
        $rd write "   ECHO    spaced     \r\n"
        $rd flush
        assert_reply_bytes $rd [proto_bulk spaced]
        $rd close
    }

    test {Inline request with quoted arguments and escapes} {
        set rd [redis_deferring_client]
        $rd write "ECHO \"hello world\"\r\n"
        $rd write "ECHO \"\\x41\\x42\\t\\n\\\\\\\"\"\r\n"
        $rd write "ECHO 'single \\'quoted\\' \\n'\r\n"
        $rd write "ECHO \"\"\r\n"
        $rd write "ECHO ''\r\n"
        $rd flush
        assert_equal {hello world} [$rd read]
        assert_equal "AB\t\n\\\"" [$rd read]
        assert_equal {single 'quoted' \n} [$rd read]
        assert_equal {} [$rd read]
        assert_equal {} [$rd read]
        $rd close
    }

    test {Multibulk request} {
        set rd [redis_deferring_client]
        $rd write [proto_mbulk ECHO hello]
        $rd flush
        assert_reply_bytes $rd [proto_bulk hello]
        $rd close
    }

    test {Multibulk arguments are binary safe} {
        set bin ""
        for {set i 0} {$i < 256} {incr i} { append bin [format %c $i] }
        append bin "\r\n\r\n\0\r\0\n*1\r\n\$4\r\nPING\r\n"
        set rd [redis_deferring_client]
        $rd write [proto_mbulk ECHO $bin]
        $rd write [proto_mbulk ECHO "a\r\nb"]
        $rd flush
        set expected "[proto_bulk $bin][proto_bulk "a\r\nb"]"
        assert_equal $expected [$rd read_bytes [string length $expected]]
        $rd close
    }

    test {Empty bulk argument} {
        assert_equal {} [r echo {}]
        set rd [redis_deferring_client]
        $rd write "*2\r\n\$4\r\nECHO\r\n\$0\r\n\r\n"
        $rd flush
        assert_reply_bytes $rd "\$0\r\n\r\n"
        $rd close
    }

    test {Command names are case insensitive} {
        assert_equal PONG [r PiNg]
        assert_equal x [r eChO x]
    }

    test {Empty lines, *0 and *-1 between commands are ignored} {
        set rd [redis_deferring_client]
        $rd write "\r\n\n\r\n*0\r\n*-1\r\nECHO a\r\n*0\r\n\r\n*-1\r\n[proto_mbulk ECHO b]\n\r\n*0\r\n"
        $rd write "PING\r\n"
        $rd flush
        set expected "[proto_bulk a][proto_bulk b]+PONG\r\n"
        assert_equal $expected [$rd read_bytes [string length $expected]]
        # Nothing else was sent back.
        assert_equal {} [$rd read_available 0.1]
        $rd close
    }

    test {Mixed inline and multibulk pipeline} {
        set rd [redis_deferring_client]
        set req ""
        set expected ""
        for {set i 0} {$i < 100} {incr i} {
            if {$i % 2} {
                append req "ECHO inline$i\r\n"
            } else {
                append req [proto_mbulk ECHO multibulk$i]
            }
            append expected [proto_bulk [expr {$i % 2 ? "inline$i" : "multibulk$i"}]]
        }
        $rd write $req
        $rd flush
        assert_equal $expected [$rd read_bytes [string length $expected]]
        $rd close
    }

    # A pipeline covering every parser state, as a list of
    # {request-bytes reply-bytes} pairs.
    set split_cmds [list \
        [proto_mbulk ECHO "bin\r\n\0ary"] [proto_bulk "bin\r\n\0ary"] \
        "PING\r\n" "+PONG\r\n" \
        "\r\n" "" \
        "*0\r\n" "" \
        "ECHO \"quoted arg\"\r\n" [proto_bulk "quoted arg"] \
        "ECHO lf\n" [proto_bulk lf] \
        [proto_mbulk PING] "+PONG\r\n" \
        [proto_mbulk ping xyz] [proto_bulk xyz] \
        [proto_mbulk ECHO ""] [proto_bulk ""] \
        [proto_mbulk ECHO [string repeat x 40]] [proto_bulk [string repeat x 40]] \
        "*-1\r\n" "" \
        [proto_mbulk FOO x] "-ERR unknown command 'FOO', with args beginning with: 'x' \r\n" \
        "ECHO\r\n" "-ERR wrong number of arguments for 'echo' command\r\n" \
        [proto_mbulk ECHO 1234567890] [proto_bulk 1234567890] \
        ]
    set split_req ""
    set split_rep ""
    foreach {req rep} $split_cmds {
        append split_req $req
        append split_rep $rep
    }

    # Writes REQ in chunks of the given sizes (the remainder in one last
    # write). After each chunk a PING on another connection makes sure the
    # server has read the chunk before the next one is sent. Splits are
    # reliable on a fresh connection until the server first replies (TCP
    # may merge later small writes: Nagle + delayed ACKs), so the tests
    # below use a new connection for each case.
    proc send_in_chunks {rd req sizes} {
        set pos 0
        foreach n $sizes {
            if {$pos >= [string length $req]} break
            $rd write [string range $req $pos [expr {$pos+$n-1}]]
            $rd flush
            r ping
            incr pos $n
        }
        if {$pos < [string length $req]} {
            $rd write [string range $req $pos end]
            $rd flush
        }
    }

    test {Pipeline sent one byte at a time} {
        # From each command boundary on, on a fresh connection.
        set n [expr {[llength $split_cmds] / 2}]
        for {set c 0} {$c < $n} {incr c} {
            set req [join [lmap {q p} [lrange $split_cmds [expr {2*$c}] end] {set q}] ""]
            set rep [join [lmap {q p} [lrange $split_cmds [expr {2*$c}] end] {set p}] ""]
            set rd [redis_deferring_client]
            send_in_chunks $rd $req [lrepeat [string length $req] 1]
            set got [$rd read_bytes [string length $rep]]
            if {$got ne $rep} {
                assert_equal $rep $got "starting at command $c"
            }
            assert_equal PONG [$rd ping ; $rd read]
            $rd close
        }
    }

    test {Pipeline split in two at every position} {
        set len [string length $split_req]
        for {set i 1} {$i < $len} {incr i} {
            set rd [redis_deferring_client]
            send_in_chunks $rd $split_req [list $i]
            set got [$rd read_bytes [string length $split_rep]]
            if {$got ne $split_rep} {
                assert_equal $split_rep $got "split at byte $i"
            }
            $rd close
        }
    }

    test {Pipeline split at random points} {
        set len [string length $split_req]
        for {set iter 0} {$iter < 30} {incr iter} {
            set sizes {}
            set total 0
            while {$total < $len} {
                set n [expr {1 + int(rand()*($iter < 15 ? 8 : 60))}]
                lappend sizes $n
                incr total $n
            }
            set rd [redis_deferring_client]
            send_in_chunks $rd $split_req $sizes
            set got [$rd read_bytes [string length $split_rep]]
            if {$got ne $split_rep} {
                assert_equal $split_rep $got "chunk sizes: $sizes"
            }
            $rd close
        }
    }

    test {Pipeline split at random points, reusing one connection} {
        set rd [redis_deferring_client]
        set len [string length $split_req]
        for {set iter 0} {$iter < 10} {incr iter} {
            set sizes {}
            set total 0
            while {$total < $len} {
                set n [expr {1 + int(rand()*40)}]
                lappend sizes $n
                incr total $n
            }
            send_in_chunks $rd $split_req $sizes
            set got [$rd read_bytes [string length $split_rep]]
            if {$got ne $split_rep} {
                assert_equal $split_rep $got "chunk sizes: $sizes"
            }
        }
        $rd close
    }

    test {100000 PINGs in one write get 100000 PONGs} {
        set rd [redis_deferring_client]
        $rd write [string repeat "*1\r\n\$4\r\nPING\r\n" 100000]
        $rd flush
        set expected [string repeat "+PONG\r\n" 100000]
        assert_equal $expected [$rd read_bytes [string length $expected]]
        assert_equal {} [$rd read_available 0.05]
        $rd close
    }

    test {100000 inline PINGs in one write get 100000 PONGs} {
        set rd [redis_deferring_client]
        $rd write [string repeat "PING\r\n" 100000]
        $rd flush
        set expected [string repeat "+PONG\r\n" 100000]
        assert_equal $expected [$rd read_bytes [string length $expected]]
        $rd close
    }

    test {Pipeline of 1000 ECHOs with random binary arguments} {
        set rd [redis_deferring_client]
        set req ""
        set expected ""
        set pool [randstring 30000 30000 binary]
        for {set i 0} {$i < 1000} {incr i} {
            set len [randomInt [expr {$i % 10 == 0 ? 20000 : 200}]]
            set start [randomInt 10000]
            set v [string range $pool $start [expr {$start+$len-1}]]
            append req [proto_mbulk ECHO $v]
            append expected [proto_bulk $v]
        }
        $rd write $req
        $rd flush
        assert_equal $expected [$rd read_bytes [string length $expected]]
        $rd close
    }

    test {Arguments with sizes around buffer boundaries} {
        foreach size {0 1 2 1023 1024 1025 4095 4096 4097 16383 16384 16385
                      32767 32768 32769 65535 65536 65537 131072 1048577} {
            set v [string repeat [format %c [expr {65 + $size % 26}]] $size]
            set got [r echo $v]
            if {$got ne $v} {
                assert_equal [string length $v] [string length $got] "size $size"
                assert_equal $v $got "size $size"
            }
        }
    }

    test {A 5 MB argument is echoed back whole} {
        set v [string repeat "0123456789abcdef" [expr {5*1024*1024/16}]]
        append v "end"
        set got [r echo $v]
        assert_equal [string length $v] [string length $got]
        assert_equal $v $got
    }

    test {A request with 10000 arguments} {
        set argv [list foo]
        for {set i 0} {$i < 10000} {incr i} { lappend argv $i }
        assert_error "ERR unknown command 'foo', with args beginning with: '0' '1' '2' *" {r {*}$argv}
        assert_equal PONG [r ping]
    }

    test {Requests sent while the server is busy are all served} {
        set rd1 [redis_deferring_client]
        set rd2 [redis_deferring_client]
        $rd1 debug sleep 0.2
        # rd2's requests arrive while the server sleeps.
        event_sleep 50
        $rd2 write [string repeat "PING\r\n" 100]
        $rd2 flush
        assert_equal OK [$rd1 read]
        set expected [string repeat "+PONG\r\n" 100]
        assert_equal $expected [$rd2 read_bytes [string length $expected]]
        $rd1 close
        $rd2 close
    }

    # ---- protocol errors: exact error text, then the connection is closed ----

    test {Protocol error: out of range multibulk length} {
        proto_error_test "*3000000000\r\n" "ERR Protocol error: invalid multibulk length"
        proto_error_test "*2147483648\r\n" "ERR Protocol error: invalid multibulk length"
    }

    test {Protocol error: non-number multibulk length} {
        proto_error_test "*abc\r\n" "ERR Protocol error: invalid multibulk length"
        proto_error_test "*3x\r\n" "ERR Protocol error: invalid multibulk length"
    }

    test {Protocol error: wrong multibulk payload header} {
        proto_error_test "*3\r\n\$4\r\nECHO\r\n\$1\r\nx\r\nfooz\r\n" \
            "ERR Protocol error: expected '\$', got 'f'"
    }

    test {Protocol error: multibulk request not followed by bulk arguments} {
        proto_error_test "*1\r\nfoo\r\n" "ERR Protocol error: expected '\$', got 'f'"
    }

    test {Protocol error: negative bulk length inside multibulk} {
        proto_error_test "*1\r\n\$-1\r\n" "ERR Protocol error: invalid bulk length"
        proto_error_test "*3\r\n\$4\r\nECHO\r\n\$1\r\nx\r\n\$-10\r\n" \
            "ERR Protocol error: invalid bulk length"
    }

    test {Protocol error: out of range bulk length} {
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$99999999999\r\n" \
            "ERR Protocol error: invalid bulk length"
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$2147483648\r\n" \
            "ERR Protocol error: invalid bulk length"
    }

    test {Protocol error: non-number bulk length} {
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$blabla\r\n" \
            "ERR Protocol error: invalid bulk length"
    }

    test {Protocol error: bulk length above proto-max-bulk-len (512mb default)} {
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$536870913\r\n" \
            "ERR Protocol error: invalid bulk length"
    }

    test {A bulk length of exactly 512mb is accepted (the server waits for the data)} {
        proto_waiting_test "*2\r\n\$4\r\nECHO\r\n\$536870912\r\n"
    }

    test {Protocol error: unbalanced quotes in inline request} {
        proto_error_test "ECHO \"foo\r\n" "ERR Protocol error: unbalanced quotes in request"
        proto_error_test "PING 'a\r\n" "ERR Protocol error: unbalanced quotes in request"
        proto_error_test "ECHO \"a\"b\r\n" "ERR Protocol error: unbalanced quotes in request"
    }

    test {Protocol error: too big inline request} {
        proto_error_test [string repeat x [expr {64*1024+100}]] \
            "ERR Protocol error: too big inline request"
    }

    test {Protocol error: too big mbulk count string} {
        proto_error_test "*[string repeat 1 [expr {64*1024+100}]]" \
            "ERR Protocol error: too big mbulk count string"
    }

    test {Protocol error: too big bulk count string} {
        proto_error_test "*2\r\n\$[string repeat 1 [expr {64*1024+100}]]" \
            "ERR Protocol error: too big bulk count string"
    }

    test {Commands before a protocol error are answered, later ones are not} {
        set rd [redis_deferring_client]
        $rd write "PING\r\nECHO a\r\n*abc\r\nPING\r\n"
        $rd flush
        assert_equal PONG [$rd read]
        assert_equal a [$rd read]
        assert_error_equal "ERR Protocol error: invalid multibulk length" {$rd read}
        assert_closed $rd
        $rd close
    }

    test {An inline request just below the inline limit is served} {
        # A 60 KB inline argument is not a protocol error.
        set v [string repeat y [expr {60*1024}]]
        set rd [redis_deferring_client]
        $rd write "ECHO $v\r\n"
        $rd flush
        assert_equal $v [$rd read]
        $rd close
    }

    test {Unfinished requests make the server wait, not fail} {
        proto_waiting_test "*2\r\n"
        proto_waiting_test "*2\r\n\$4\r\nECHO\r\n\$5\r\nhel"
        proto_waiting_test "*2147483647\r\n"
        proto_waiting_test "ECHO without newline"
    }

    test {Other clients are unaffected by protocol errors} {
        set rd [redis_deferring_client]
        $rd write "*1\r\n\$4\r\nPI"
        $rd flush
        foreach {payload err} {
            "*abc\r\n" "ERR Protocol error: invalid multibulk length"
            "*1\r\nfoo\r\n" "ERR Protocol error: expected '$', got 'f'"
            "ECHO 'x\r\n" "ERR Protocol error: unbalanced quotes in request"
        } {
            proto_error_test $payload $err
        }
        # The half-sent request is still pending and completes fine.
        $rd write "NG\r\n"
        $rd flush
        assert_equal PONG [$rd read]
        $rd close
    }
}

start_server {tags {protocol needs:own-server} overrides {requirepass foobar}} {
    # proto_error_test checks the server with `r ping`.
    r auth foobar

    test {Protocol error: unauthenticated multibulk length} {
        proto_error_test "*11\r\n" "ERR Protocol error: unauthenticated multibulk length"
        proto_error_test "*100\r\n" "ERR Protocol error: unauthenticated multibulk length"
    }

    test {Ten arguments are allowed before authentication (NOAUTH reply)} {
        set rd [redis_deferring_client]
        $rd write [proto_mbulk FOO 1 2 3 4 5 6 7 8 9]
        $rd write [proto_mbulk PING 1 2 3 4 5 6 7 8 9]
        $rd flush
        assert_error "ERR unknown command 'FOO'*" {$rd read}
        assert_error_equal "NOAUTH Authentication required." {$rd read}
        $rd close
    }

    test {Protocol error: unauthenticated bulk length} {
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$16385\r\n" \
            "ERR Protocol error: unauthenticated bulk length"
        proto_error_test "*1\r\n\$100000\r\n" \
            "ERR Protocol error: unauthenticated bulk length"
    }

    test {A 16384-byte argument is allowed before authentication (NOAUTH reply)} {
        set rd [redis_deferring_client]
        $rd write [proto_mbulk ECHO [string repeat a 16384]]
        $rd flush
        assert_error_equal "NOAUTH Authentication required." {$rd read}
        $rd close
    }

    test {After AUTH the unauthenticated limits no longer apply} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        set v [string repeat b 100000]
        assert_equal $v [$rd echo $v]
        assert_error "ERR unknown command 'foo'*" {$rd foo 1 2 3 4 5 6 7 8 9 10 11 12}
        assert_equal PONG [$rd ping]
        $rd close
    }

    test {After HELLO with AUTH the unauthenticated limits no longer apply} {
        set rd [redis_client]
        $rd hello 2 auth default foobar
        set v [string repeat c 20000]
        assert_equal $v [$rd echo $v]
        $rd close
    }
}

start_server {tags {protocol needs:own-server}} {
    test {proto-max-bulk-len can be lowered: longer bulks are a protocol error} {
        assert_equal OK [r config set proto-max-bulk-len 1mb]
        proto_error_test "*2\r\n\$4\r\nECHO\r\n\$1048577\r\n" \
            "ERR Protocol error: invalid bulk length"
        set v [string repeat z 1048576]
        assert_equal $v [r echo $v]
        assert_equal OK [r config set proto-max-bulk-len 512mb]
    }

    test {client-query-buffer-limit: a client exceeding it is disconnected} {
        assert_equal OK [r config set client-query-buffer-limit 1mb]
        set rd [redis_deferring_client]
        # A 3 MB bulk of which 2 MB are sent: the query buffer passes 1 MB.
        $rd write "*2\r\n\$4\r\nECHO\r\n\$3145728\r\n"
        $rd write [string repeat q [expr {2*1024*1024}]]
        $rd flush
        assert_closed $rd 10
        $rd close
        assert_equal PONG [r ping]
        assert_equal OK [r config set client-query-buffer-limit 1gb]
    }

    test {client-query-buffer-limit: requests below the limit are fine} {
        assert_equal OK [r config set client-query-buffer-limit 1mb]
        set v [string repeat w [expr {512*1024}]]
        assert_equal $v [r echo $v]
        assert_equal OK [r config set client-query-buffer-limit 1gb]
    }
}
