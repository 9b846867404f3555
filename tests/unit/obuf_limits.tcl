# client-output-buffer-limit and client-query-buffer-limit: a client that
# does not read its replies is cut off (at once over the hard limit, after
# its seconds over the soft limit), with a log line and an INFO counter,
# while a client that reads is never cut off, however long its pipeline.
#
# redis-kv's default differs from Redis 7.0: the normal class has a 1gb
# hard limit (Redis: none), so that no single client can make the server's
# memory grow without bound; 1gb is twice proto-max-bulk-len, so the reply
# to a GET of the largest value fits.
#
# The test client reads while it flushes, so a client that never reads is a
# bare socket here (ob_mute_conn).

# A connection that sends requests and never reads a byte.
proc ob_mute_conn {} {
    set s [socket 127.0.0.1 [srv port]]
    fconfigure $s -translation binary -buffering none -blocking 1
    return $s
}

# Sends one request on a bare socket; 0 once the server has closed it.
proc ob_send {s args} {
    return [expr {![catch {puts -nonewline $s [::redis::__format_command $args]}]}]
}

# The CLIENT LIST line of the connection named NAME, "" if there is none.
proc ob_line {name} {
    foreach line [split [string trim [r client list]] "\n"] {
        if {[string match "* name=$name *" $line]} { return $line }
    }
    return ""
}

# Names a bare connection and waits until CLIENT LIST shows the name.
proc ob_name {s name} {
    ob_send $s client setname $name
    wait_for_condition 100 20 {[ob_line $name] ne ""} else {
        fail "connection $name not listed"
    }
}

# Field F of the connection named NAME ("" when it is gone).
proc ob_field {name f} {
    set line [ob_line $name]
    if {$line eq "" || ![regexp " $f=(\[^ \]*)" $line -> v]} { return "" }
    return $v
}

proc ob_log_count {pattern} {
    set f [open [srv stdout]]
    set n [llength [lsearch -all [split [read $f] "\n"] $pattern]]
    close $f
    return $n
}

# INFO stats field F, -1 when the server has none (Redis 7.0 has not the
# *_limit_disconnections counters, which came in 7.2).
proc ob_stat {f} {
    if {![regexp -line "^$f:(\[0-9\]+)" [r info stats] -> v]} { return -1 }
    return $v
}

# The counter F went up by N since it was BEFORE (when the server has it).
proc ob_assert_stat {f before n} {
    if {$before == -1} return
    assert_equal [expr {$before + $n}] [ob_stat $f] $f
}

start_server {tags {obuf}} {
    set default_limits [lindex [r config get client-output-buffer-limit] 1]

    test {The normal class has a 1gb hard limit by default, no soft limit} {
        if {![regexp -line {^redis_kv_version:} [r info server]]} {
            skip "redis-kv's default (Redis 7.0 has no normal-class limit)"
        }
        assert_equal {normal 1073741824 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            $default_limits
        assert_equal 1073741824 [lindex [r config get client-query-buffer-limit] 1]
    }

    test {A client that never reads is cut off at the normal hard limit} {
        r config set client-output-buffer-limit {normal 1mb 0 0}
        r set bigval [string repeat x 100000]
        set before [ob_stat client_output_buffer_limit_disconnections]
        set logs [ob_log_count "*scheduled to be closed ASAP for overcoming of output buffer limits*"]
        set s [ob_mute_conn]
        ob_name $s mute
        set maxomem 0
        # Far more replies than the socket buffers hold: the output buffer
        # must fill, and it must never grow much past the limit.
        for {set i 0} {$i < 3000} {incr i} {
            if {![ob_send $s get bigval]} break
            if {$i % 10 == 9} {
                set omem [ob_field mute omem]
                if {$omem eq ""} break
                if {$omem ne "" && $omem > $maxomem} { set maxomem $omem }
            }
        }
        wait_for_condition 100 50 {[ob_line mute] eq ""} else {
            fail "the non-reading client was not cut off"
        }
        assert_lessthan $maxomem [expr {2 * 1024 * 1024}]
        ob_assert_stat client_output_buffer_limit_disconnections $before 1
        wait_for_condition 50 50 {
            [ob_log_count "*scheduled to be closed ASAP for overcoming of output buffer limits*"] == $logs + 1
        } else {
            fail "no log line for the client that was cut off"
        }
        catch {close $s}
        r config set client-output-buffer-limit $default_limits
    }

    test {A client over the soft limit is cut off once it stays over it for its seconds} {
        r config set client-output-buffer-limit {normal 0 512kb 1}
        set before [ob_stat client_output_buffer_limit_disconnections]
        set s [ob_mute_conn]
        ob_name $s mutesoft
        # Keep its output buffer over the soft limit (the kernel's socket
        # buffers may still grow and drain it now and then), a request at a
        # time, until it is cut off.
        set start [clock milliseconds]
        while {[clock milliseconds] - $start < 30000} {
            if {![ob_send $s get bigval] || [ob_line mutesoft] eq ""} break
            after 20
        }
        assert_equal "" [ob_line mutesoft]
        ob_assert_stat client_output_buffer_limit_disconnections $before 1
        catch {close $s}
        r config set client-output-buffer-limit $default_limits
    }

    test {A single reply over the hard limit: the client is closed without a byte of it} {
        r config set client-output-buffer-limit {normal 100kb 0 0}
        r set big150 [string repeat y 150000]
        set rd [redis_deferring_client]
        $rd client setname single
        assert_equal OK [$rd read]
        $rd get big150
        wait_for_condition 100 50 {[ob_line single] eq ""} else {
            fail "the client was not closed"
        }
        assert_equal {} [$rd read_available 0.5]
        assert_closed $rd
        $rd close
        r config set client-output-buffer-limit $default_limits
    }

    test {A pipeline whose replies pass the hard limit gets none of them} {
        r config set client-output-buffer-limit {normal 100kb 0 0}
        set rd [redis_deferring_client]
        $rd client setname piped
        assert_equal OK [$rd read]
        set buf ""
        for {set i 0} {$i < 15} {incr i} {
            append buf [::redis::__format_command [list set k$i $i]]
            append buf [::redis::__format_command [list get big150]]
        }
        $rd write $buf
        $rd flush
        wait_for_condition 100 50 {[ob_line piped] eq ""} else {
            fail "the client was not closed"
        }
        assert_equal {} [$rd read_available 0.5]
        $rd close
        assert_equal PONG [r ping]
        r config set client-output-buffer-limit $default_limits
    }

    test {A transaction runs to its end even when its replies pass the limit} {
        r config set client-output-buffer-limit {normal 100kb 0 0}
        r del k1 k2 k3
        set rd [redis_client]
        $rd set k1 v1
        $rd multi
        $rd set k2 v2
        $rd get big150
        $rd set k3 v3
        $rd del k1
        assert_error "*I/O error*" {$rd exec}
        $rd close
        assert_equal {} [r get k1]
        assert_equal v2 [r get k2]
        assert_equal v3 [r get k3]
        r config set client-output-buffer-limit $default_limits
    }

    test {KEYS with a reply over the limit is cut off, the server goes on} {
        r config set client-output-buffer-limit {normal 100kb 0 0}
        set rd [redis_client]
        set pad [string repeat k 100]
        for {set i 0} {$i < 2000} {incr i} { r set $pad$i 1 }
        assert_error "*I/O error*" {$rd keys *}
        $rd close
        r config set client-output-buffer-limit $default_limits
        assert_equal 2000 [llength [r keys $pad*]]
        foreach k [r keys $pad*] { r del $k }
    }

    test {A pipelining client that reads is never cut off (100k GETs of 1 KB, default limits)} {
        assert_equal $default_limits [lindex [r config get client-output-buffer-limit] 1]
        set before [ob_stat client_output_buffer_limit_disconnections]
        set value [string repeat v 1024]
        r set kb $value
        set rd [redis_deferring_client]
        set n 100000
        set req [::redis::__format_command {get kb}]
        # Requests go out in batches while earlier replies are still
        # arriving, as a pipelining client sends them.
        set batch [string repeat $req 5000]
        for {set i 0} {$i < $n / 5000} {incr i} { $rd write $batch }
        $rd flush
        set ok 0
        for {set i 0} {$i < $n} {incr i} {
            if {[$rd read] eq $value} { incr ok }
        }
        assert_equal $n $ok
        $rd ping
        assert_equal PONG [$rd read]
        ob_assert_stat client_output_buffer_limit_disconnections $before 0
        $rd close
    }

    test {A reply of tens of MB to a client that reads is not cut off (default limits)} {
        r setrange huge [expr {32 * 1024 * 1024 - 1}] z
        set rd [redis_deferring_client]
        $rd get huge
        set v [$rd read]
        assert_equal [expr {32 * 1024 * 1024}] [string length $v]
        assert_equal z [string index $v end]
        unset v
        $rd close
        r del huge
    }

    test {The hard limit applies to what is queued, not to the size of a reply read in time} {
        r config set client-output-buffer-limit {normal 1mb 0 0}
        set rd [redis_deferring_client]
        # 600 KB each: every reply fits, and the client reads each one.
        r set k600 [string repeat a 600000]
        for {set i 0} {$i < 20} {incr i} {
            $rd get k600
            assert_equal 600000 [string length [$rd read]]
        }
        $rd ping
        assert_equal PONG [$rd read]
        $rd close
        r config set client-output-buffer-limit $default_limits
    }

    test {A subscriber that does not read is cut off by the pubsub class limit} {
        r config set client-output-buffer-limit {pubsub 256kb 0 0}
        set before [ob_stat client_output_buffer_limit_disconnections]
        set s [ob_mute_conn]
        ob_name $s mutesub
        ob_send $s subscribe flood
        wait_for_condition 100 20 {[ob_field mutesub sub] == 1} else {
            fail "no subscription"
        }
        set msg [string repeat m 50000]
        for {set i 0} {$i < 3000} {incr i} {
            if {[r publish flood $msg] == 0} break
        }
        assert_equal "" [ob_line mutesub]
        ob_assert_stat client_output_buffer_limit_disconnections $before 1
        catch {close $s}
        r config set client-output-buffer-limit $default_limits
    }

    test {A query buffer over client-query-buffer-limit closes the client} {
        r config set client-query-buffer-limit 1mb
        set before [ob_stat client_query_buffer_limit_disconnections]
        set logs [ob_log_count "*Closing client that reached max query buffer length*"]
        set s [ob_mute_conn]
        ob_name $s bigquery
        # Half of a 3 MB argument: more than the limit is waiting.
        catch {
            puts -nonewline $s "*3\r\n\$3\r\nset\r\n\$1\r\nq\r\n\$3000000\r\n"
            puts -nonewline $s [string repeat q 1500000]
        }
        wait_for_condition 100 50 {[ob_line bigquery] eq ""} else {
            fail "the client was not closed"
        }
        ob_assert_stat client_query_buffer_limit_disconnections $before 1
        wait_for_condition 50 50 {
            [ob_log_count "*Closing client that reached max query buffer length*"] == $logs + 1
        } else {
            fail "no log line for the query buffer limit"
        }
        assert_equal 0 [r exists q]
        catch {close $s}
        r config set client-query-buffer-limit 1gb
    }
}
