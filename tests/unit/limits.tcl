# Limits and access control: proto-max-bulk-len, client-query-buffer-limit,
# client-output-buffer-limit (hard and soft), maxclients, timeout, many
# connections at once, the protocol fuzzer, protected mode and the bind
# address forms (IPv6, optional "-" addresses).
#
# Written from Redis 7's documented behaviour and checked against a real
# redis-server 7.0 (tests/runtest --server /usr/bin/redis-server --single
# unit/limits).  INFO fields that Redis 7.0 does not have
# (client_*_buffer_limit_disconnections) are only checked on redis-kv.

# ------------------------------------------------------------- helpers

proc lim_info_field {text field} {
    if {[regexp -line "^$field:(\[^\r\]*)\r?\$" $text -> v]} { return $v }
    return ""
}

proc lim_stat {field} {
    return [lim_info_field [r info stats] $field]
}

proc lim_is_redis_kv {} {
    return [regexp -line {^redis_kv_version:} [r info server]]
}

proc lim_load_tool {} {
    return [file join [file dirname $::test::tests_dir] utils redis-kv-load]
}

# Skip when the load tool is missing, but only against real Redis: for
# redis-kv it is part of the build and must be there.
proc lim_need_load_tool {} {
    set tool [lim_load_tool]
    if {![file executable $tool]} {
        if {![lim_is_redis_kv]} { skip "utils/redis-kv-load is not built" }
        fail "utils/redis-kv-load is missing (run make)"
    }
    return $tool
}

# Run a program; returns {exitcode output} (stdout and stderr together).
proc lim_run {args} {
    set rc 0
    if {[catch {exec {*}$args < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    return [list $rc $out]
}

# Local IPv4 addresses of this machine that are not loopback.
proc lim_local_ipv4 {} {
    set addrs {}
    if {![catch {exec hostname -I} out]} {
        foreach a $out {
            if {[regexp {^\d+\.\d+\.\d+\.\d+$} $a] && ![string match 127.* $a]} {
                lappend addrs $a
            }
        }
    }
    if {![llength $addrs] && ![catch {open /proc/net/fib_trie r} f]} {
        # "|-- A.B.C.D" followed by "/32 host LOCAL".
        set prev ""
        foreach line [split [read $f] "\n"] {
            if {[regexp {\|-- (\d+\.\d+\.\d+\.\d+)} $line -> a]} { set prev $a }
            if {[string match "*/32 host LOCAL*" $line] && $prev ne "" &&
                ![string match 127.* $prev] && $prev ni $addrs} {
                lappend addrs $prev
            }
        }
        close $f
    }
    return $addrs
}

# An IPv4 address that is certainly not configured on this machine.
proc lim_foreign_ipv4 {} {
    set local [lim_local_ipv4]
    foreach a {203.0.113.77 198.51.100.77 192.0.2.177 10.254.253.252} {
        if {$a ni $local} { return $a }
    }
    error "no foreign IPv4 address found"
}

proc lim_noop {args} {}

# Send DATA on the deferring client RD (named NAME with CLIENT SETNAME)
# without ever reading from it: the harness's flush reads replies while it
# waits, so the data is queued on the non-blocking channel and written by
# Tcl in the background while the event loop runs.  Returns when all was
# written or the server no longer lists the client (it was closed).
proc lim_send_noread {rd data name} {
    set ch [$rd channel]
    # (Writing fails once the server has closed the connection.)
    if {[catch {puts -nonewline $ch $data; flush $ch}]} return
    set deadline [expr {[clock milliseconds] + 30000}]
    while {[clock milliseconds] < $deadline} {
        if {[catch {chan pending output $ch} pending] || $pending == 0} break
        if {![string match "*name=$name *" [r client list]]} break
        event_sleep 10
    }
}

# A deferring client named NAME that queues ~30 MB of ECHO replies without
# reading them: its output buffer is then well over 1 MB. Checks that the
# server did not close it at once and that omem is over 1 MB.
proc lim_soft_burst {name} {
    set rd [redis_deferring_client]
    $rd client setname $name
    assert_equal OK [$rd read]
    set v [string repeat x 100000]
    set req "*2\r\n\$4\r\nECHO\r\n\$100000\r\n$v\r\n"
    lim_send_noread $rd [string repeat $req 300] $name
    # The server may still be working through the requests: wait until its
    # output buffer for the client is over the limit.
    set omem 0
    for {set i 0} {$i < 250} {incr i} {
        set line [lsearch -inline [split [r client list] "\n"] "*name=$name *"]
        assert_match "*name=$name *" $line "the client was closed at once"
        regexp {omem=(\d+)} $line -> omem
        if {$omem > 1048576} break
        after 20
    }
    assert {$omem > 1048576} "omem not over 1mb: $line"
    assert_equal 0 [$rd is_closed]
    return $rd
}


proc lim_have_ipv6_loopback {} {
    if {[catch {socket -server lim_noop -myaddr ::1 0} s]} { return 0 }
    close $s
    return 1
}

proc lim_refuses {host port} {
    if {[catch {socket $host $port} s]} { return 1 }
    close $s
    return 0
}

set ::lim_denied_text "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."

# ------------------------------------------------ request size limits

start_server {tags {limits needs:own-server}} {
    test {proto-max-bulk-len: a longer bulk is a protocol error, others are fine} {
        set other [redis_client]
        assert_equal PONG [$other ping]
        assert_equal OK [r config set proto-max-bulk-len 1mb]
        set rd [redis_deferring_client]
        # The length alone is the error: the server answers and closes as
        # soon as it reads it. Sending the 2 MB body too would race that
        # close, and the kernel resets a socket closed with unread data,
        # so the client could lose the reply.
        $rd write "*2\r\n\$4\r\nECHO\r\n\$2097152\r\n"
        $rd flush
        assert_error_equal {ERR Protocol error: invalid bulk length} {$rd read}
        assert_closed $rd
        $rd close
        assert_equal PONG [$other ping]
        assert_equal PONG [r ping]
        # Exactly the limit is fine.
        set v [string repeat b 1048576]
        assert_equal $v [$other echo $v]
        $other close
        assert_equal OK [r config set proto-max-bulk-len 512mb]
    }

    test {client-query-buffer-limit: a client over it is disconnected, the server is fine} {
        set kv [lim_is_redis_kv]
        set before [lim_stat client_query_buffer_limit_disconnections]
        if {$kv} { assert {[string is integer -strict $before]} "no client_query_buffer_limit_disconnections in INFO" }
        set other [redis_client]
        assert_equal OK [r config set client-query-buffer-limit 1mb]
        set rd [redis_deferring_client]
        # A 3 MB bulk of which 2 MB are sent.
        $rd write "*2\r\n\$4\r\nECHO\r\n\$3145728\r\n"
        $rd write [string repeat q 2097152]
        $rd flush
        assert_closed $rd 10
        $rd close
        assert_equal PONG [$other ping]
        assert_equal PONG [r ping]
        set v [string repeat w 500000]
        assert_equal $v [$other echo $v]
        $other close
        if {$kv} {
            assert_equal [expr {$before + 1}] [lim_stat client_query_buffer_limit_disconnections]
        }
        assert_equal OK [r config set client-query-buffer-limit 1gb]
    }

    test {client-output-buffer-limit: a normal client over the hard limit is disconnected} {
        set kv [lim_is_redis_kv]
        set before [lim_stat client_output_buffer_limit_disconnections]
        if {$kv} { assert {[string is integer -strict $before]} "no client_output_buffer_limit_disconnections in INFO" }
        assert_equal OK [r config set client-output-buffer-limit {normal 1mb 0 0}]
        set other [redis_client]
        set rd [redis_deferring_client]
        $rd client setname hardie
        assert_equal OK [$rd read]
        # 30 MB of replies that are never read: far more than the kernel
        # socket buffers can hold, so the server's output buffer passes 1 MB.
        set v [string repeat x 100000]
        set req "*2\r\n\$4\r\nECHO\r\n\$100000\r\n$v\r\n"
        lim_send_noread $rd [string repeat $req 300] hardie
        wait_for_condition 250 20 {
            ![string match {*name=hardie *} [r client list]]
        } else {
            fail "the client over the hard limit is still connected: [lsearch -inline [split [r client list] "\n"] *hardie*]"
        }
        assert_closed $rd 20
        $rd close
        # Other clients keep working, including with replies below the limit.
        assert_equal PONG [$other ping]
        set big [string repeat y 500000]
        assert_equal $big [$other echo $big]
        assert_equal PONG [r ping]
        $other close
        if {$kv} {
            assert_equal [expr {$before + 1}] [lim_stat client_output_buffer_limit_disconnections]
        }
        assert_equal OK [r config set client-output-buffer-limit {normal 0 0 0}]
    }

    test {client-output-buffer-limit: the soft limit only after its seconds} {
        assert_equal OK [r config set client-output-buffer-limit {normal 0 1mb 2}]
        set rd [lim_soft_burst softie]
        # Once the limit has been exceeded for longer than 2 s the client is
        # closed (at the latest when more output is queued for it).
        event_sleep 3500
        $rd write "PING\r\n"
        $rd flush
        assert_closed $rd 10
        $rd close
        wait_for_condition 100 20 {
            ![string match {*name=softie *} [r client list]]
        } else {
            fail "the client over the soft limit is still listed"
        }
        assert_equal PONG [r ping]
        assert_equal OK [r config set client-output-buffer-limit {normal 0 0 0}]
    }

    test {client-output-buffer-limit: the soft limit is enforced without new output} {
        # Redis 7.0 also checks the limits in its clients cron, so a client
        # that stays over the soft limit is closed even if nothing more is
        # queued for it.
        assert_equal OK [r config set client-output-buffer-limit {normal 0 1mb 2}]
        set rd [lim_soft_burst softie2]
        wait_for_condition 80 100 {
            ![string match {*name=softie2 *} [r client list]]
        } else {
            fail "a client over the soft limit for 8 s is still connected"
        }
        assert_closed $rd 10
        $rd close
        assert_equal PONG [r ping]
        assert_equal OK [r config set client-output-buffer-limit {normal 0 0 0}]
    }

    test {client-output-buffer-limit: a client that reads its replies is never disconnected} {
        assert_equal OK [r config set client-output-buffer-limit {normal 1mb 512kb 1}]
        set c [redis_client]
        set v [string repeat z 400000]
        for {set i 0} {$i < 20} {incr i} {
            assert_equal $v [$c echo $v]
        }
        assert_equal PONG [$c ping]
        $c close
        assert_equal OK [r config set client-output-buffer-limit {normal 0 0 0}]
    }
}

# ------------------------------------------------------------ maxclients

start_server {tags {limits needs:own-server}} {
    test {maxclients: the connection after the last allowed one is refused} {
        r ping
        set connected [lim_info_field [r info clients] connected_clients]
        set rejected [lim_stat rejected_connections]
        set max [expr {$connected + 3}]
        assert_equal OK [r config set maxclients $max]
        assert_equal $max [lim_info_field [r info clients] maxclients]
        set clients {}
        for {set i 0} {$i < 3} {incr i} {
            set c [redis_client]
            assert_equal PONG [$c ping]
            lappend clients $c
        }
        set rd [redis_deferring_client]
        assert_error_equal {ERR max number of clients reached} {$rd read}
        assert_closed $rd
        $rd close
        assert_equal [expr {$rejected + 1}] [lim_stat rejected_connections]
        # The ones already connected are fine.
        foreach c $clients { assert_equal PONG [$c ping] }
        # Closing one makes room again.
        [lindex $clients 0] close
        wait_for_condition 100 20 {
            [lim_info_field [r info clients] connected_clients] == $max - 1
        } else {
            fail "the closed client is still counted"
        }
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
        foreach c [lrange $clients 1 end] { $c close }
        assert_equal OK [r config set maxclients 10000]
        assert_equal 10000 [lim_info_field [r info clients] maxclients]
    }

    test {1000 connections busy at once (redis-kv-load)} {
        set tool [lim_need_load_tool]
        lassign [lim_run $tool -h 127.0.0.1 -p [srv port] -c 1000 -n 100000 -P 4 \
                     -t ping --keep-open 500] rc out
        assert_equal 0 $rc "output:\n$out"
        assert_match "connected: 1000\n*" $out
        assert_match "*\nrequests: 100000\n*" $out
        assert_match "*\nerrors: 0\n*" $out
        assert_match "*\nconnections_up: 1000/1000\n*" $out
        assert_match "*\nresult: OK*" $out
        assert_equal PONG [r ping]
        wait_for_condition 100 50 {
            [lim_info_field [r info clients] connected_clients] == 1
        } else {
            fail "the 1000 connections are still counted: [lim_info_field [r info clients] connected_clients]"
        }
    }

    test {The protocol fuzzer (redis-kv-load --fuzz) leaves the server answering} {
        set tool [lim_need_load_tool]
        lassign [lim_run $tool --fuzz -p [srv port] -n 300 --seed 7] rc out
        assert_equal 0 $rc "output:\n[string range $out end-2000 end]"
        assert_match "*result: OK*" $out
        assert_equal PONG [r ping]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }
}

# --------------------------------------------------------------- timeout

start_server {tags {limits needs:own-server}} {
    test {timeout: idle clients are closed, active ones are not} {
        assert_equal OK [r config set timeout 1]
        set idle [redis_deferring_client]
        set active [redis_client]
        assert_equal PONG [$active ping]
        $idle ping
        assert_equal PONG [$idle read]
        # About 3.5 s during which `active` sends a command every 100 ms.
        set deadline [expr {[clock milliseconds] + 3500}]
        while {[clock milliseconds] < $deadline} {
            assert_equal PONG [$active ping]
            after 100
        }
        assert_closed $idle 10
        $idle close
        assert_equal PONG [$active ping]
        # The default client was idle as well.
        reconnect
        assert_equal OK [r config set timeout 0]
        $active close
    }

    test {timeout 0: idle clients stay connected} {
        assert_equal 0 [lindex [r config get timeout] 1]
        set idle [redis_client]
        assert_equal PONG [$idle ping]
        after 2000
        assert_equal PONG [$idle ping]
        $idle close
    }
}

# -------------------------------------------------------- protected mode

start_server {tags {limits needs:own-server} config_lines {"bind * -::*"}} {
    set ::lim_ext [lindex [lim_local_ipv4] 0]

    test {protected-mode: a non-loopback client is DENIED without a password} {
        if {$::lim_ext eq ""} { skip "no non-loopback IPv4 address on this machine" }
        assert_equal yes [lindex [r config get protected-mode] 1]
        set rejected [lim_stat rejected_connections]
        set rd [redis_deferring_client $::lim_ext [srv port]]
        set err ""
        catch {$rd read} err
        assert_match {DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.*} $err
        assert_closed $rd
        $rd close
        # A client that talks first gets the same answer.
        set rd [redis_deferring_client $::lim_ext [srv port]]
        $rd ping
        assert_error {DENIED Redis is running in protected mode*} {$rd read}
        assert_closed $rd
        $rd close
        assert_equal [expr {$rejected + 2}] [lim_stat rejected_connections]
        assert_equal PONG [r ping]
    }

    test {protected-mode: the DENIED text is Redis's} {
        if {$::lim_ext eq ""} { skip "no non-loopback IPv4 address on this machine" }
        set rd [redis_deferring_client $::lim_ext [srv port]]
        assert_equal "-$::lim_denied_text\r\n" [$rd read_available 1]
        $rd close
    }

    test {protected-mode: loopback clients are always allowed} {
        set c [redis_client 127.0.0.1 [srv port]]
        assert_equal PONG [$c ping]
        $c close
        if {[lim_have_ipv6_loopback]} {
            set c [redis_client ::1 [srv port]]
            assert_equal PONG [$c ping]
            $c close
        }
    }

    test {protected-mode no: non-loopback clients are allowed} {
        if {$::lim_ext eq ""} { skip "no non-loopback IPv4 address on this machine" }
        assert_equal OK [r config set protected-mode no]
        set c [redis_client $::lim_ext [srv port]]
        assert_equal PONG [$c ping]
        $c close
        assert_equal OK [r config set protected-mode yes]
        set rd [redis_deferring_client $::lim_ext [srv port]]
        assert_error {DENIED*} {$rd read}
        $rd close
    }

    test {protected-mode with requirepass: non-loopback clients are allowed} {
        if {$::lim_ext eq ""} { skip "no non-loopback IPv4 address on this machine" }
        assert_equal OK [r config set requirepass pmsecret]
        set c [redis_client $::lim_ext [srv port]]
        assert_error_equal {NOAUTH Authentication required.} {$c ping}
        assert_equal OK [$c auth pmsecret]
        assert_equal PONG [$c ping]
        $c close
        assert_equal OK [r config set requirepass {}]
    }
}

start_server {tags {limits needs:own-server} config_lines {"bind * -::*" "unixsocket redis-test.sock" "unixsocketperm 700"}} {
    test {protected-mode: unix socket clients are always allowed} {
        set tool [lim_need_load_tool]
        set sock [lindex [r config get unixsocket] 1]
        assert_match *redis-test.sock $sock
        if {[file pathtype $sock] ne "absolute"} { set sock [file join [srv dir] $sock] }
        assert {[file exists $sock]} "no unix socket at $sock"
        assert_equal 700 [lindex [r config get unixsocketperm] 1]
        lassign [lim_run $tool -s $sock -c 2 -n 100 -t ping] rc out
        assert_equal 0 $rc "output:\n$out"
        assert_match "*connected: 2*result: OK*" $out
    }
}

# ------------------------------------------------- bind address forms

start_server {tags {limits needs:own-server} config_lines {"bind 127.0.0.1 -::1"}} {
    test {bind 127.0.0.1 -::1: both loopbacks answer (::1 when available)} {
        assert_equal {127.0.0.1 -::1} [lindex [r config get bind] 1]
        set c [redis_client 127.0.0.1 [srv port]]
        assert_equal PONG [$c ping]
        $c close
        if {![lim_have_ipv6_loopback]} { skip "no IPv6 loopback" }
        set c [redis_client ::1 [srv port]]
        assert_equal PONG [$c ping]
        $c close
    }
}

start_server {tags {limits needs:own-server}} {
    test {bind ::1 alone: IPv6 loopback only} {
        if {![lim_have_ipv6_loopback]} { skip "no IPv6 loopback" }
        set s [spawn_server -waithost ::1 -cmdline {--bind ::1}]
        set port [dict get $s port]
        set c [redis_client ::1 $port]
        assert_equal PONG [$c ping]
        assert_equal ::1 [lindex [$c config get bind] 1]
        $c close
        assert {[lim_refuses 127.0.0.1 $port]}
        stop_server $s -nocheck
    }

    test {bind with an unavailable optional address starts; a mandatory one does not} {
        set foreign [lim_foreign_ipv4]
        set s [spawn_server -cmdline [list --bind 127.0.0.1 -$foreign]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal PONG [$c ping]
        assert_equal "127.0.0.1 -$foreign" [lindex [$c config get bind] 1]
        $c close
        stop_server $s -nocheck
        # Without the "-" the server refuses to start.
        lassign [run_server --bind 127.0.0.1 $foreign --port [free_port] \
                     --dir [new_tmpdir]] rc out
        assert_equal 1 $rc "output:\n$out"
        assert_match "*$foreign*" $out
    }

    test {bind given as one quoted list of addresses} {
        # As in Redis, a multi-address value given as a single argument
        # (--bind "a b", or bind "a b" in the file) is split.
        set s [spawn_server -cmdline {--bind "127.0.0.1 -::1"}]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal PONG [$c ping]
        assert_equal {127.0.0.1 -::1} [lindex [$c config get bind] 1]
        $c close
        stop_server $s -nocheck
    }
}
