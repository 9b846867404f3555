# maxmemory-clients: when all clients together use that much memory (as
# CLIENT LIST tot-mem counts it), the largest ones are closed until the
# total is below the limit again.  CLIENT NO-EVICT exempts a connection;
# each eviction is logged and counted in INFO stats evicted_clients.
#
# Connections whose memory the tests grow are bare sockets (ev_conn): the
# test client reads while it flushes, and these must not read.

proc ev_conn {} {
    set s [socket 127.0.0.1 [srv port]]
    fconfigure $s -translation binary -buffering none -blocking 1
    return $s
}

# Writes raw bytes; 0 once the server has closed the connection.
proc ev_write {s data} { return [expr {![catch {puts -nonewline $s $data}]}] }
proc ev_send {s args} { return [ev_write $s [::redis::__format_command $args]] }

proc ev_line {name} {
    foreach line [split [string trim [r client list]] "\n"] {
        if {[string match "* name=$name *" $line]} { return $line }
    }
    return ""
}

proc ev_field {name f} {
    set line [ev_line $name]
    if {$line eq "" || ![regexp " $f=(\[^ \]*)" $line -> v]} { return "" }
    return $v
}

proc ev_exists {name} { return [expr {[ev_line $name] ne ""}] }

# A bare connection named NAME, listed before this returns.
proc ev_named_conn {name} {
    set s [ev_conn]
    ev_send $s client setname $name
    wait_for_condition 100 20 {[ev_exists $name]} else { fail "$name not listed" }
    return $s
}

# Makes the connection named NAME hold about BYTES in its query buffer: the
# start of an argument that long that never completes.
proc ev_fill_qbuf {s name bytes} {
    ev_write $s "*2\r\n\$4\r\necho\r\n\$[expr {$bytes * 2}]\r\n"
    ev_write $s [string repeat q $bytes]
    wait_for_condition 200 20 {![ev_exists $name] || [ev_field $name qbuf] >= $bytes} else {
        fail "query buffer of $name not filled"
    }
}

proc ev_evicted {} { return [server_info_field r evicted_clients] }

proc ev_log_count {pattern} {
    set f [open [srv stdout]]
    set n [llength [lsearch -all [split [read $f] "\n"] $pattern]]
    close $f
    return $n
}

start_server {tags {client_eviction}} {
    r client setname control
    r client no-evict on

    test {maxmemory-clients: 0 by default, bytes or a percentage of maxmemory} {
        assert_equal {maxmemory-clients 0} [r config get maxmemory-clients]
        r config set maxmemory-clients 10mb
        assert_equal 10485760 [lindex [r config get maxmemory-clients] 1]
        r config set maxmemory-clients 10%
        assert_equal 10% [lindex [r config get maxmemory-clients] 1]
        r config set maxmemory-clients 100%
        assert_equal 100% [lindex [r config get maxmemory-clients] 1]
        r config set maxmemory-clients 0%
        assert_equal 0 [lindex [r config get maxmemory-clients] 1]
        foreach v {abc -1 -5% 1.5% % 1k% 10%%} {
            assert_error "*argument must be a memory or percent value*" \
                {r config set maxmemory-clients $v}
        }
        assert_error "*percentage argument must be less or equal to 100*" \
            {r config set maxmemory-clients 101%}
        assert_equal 0 [lindex [r config get maxmemory-clients] 1]
    }

    test {A percentage of maxmemory means no limit: maxmemory is 0} {
        r config set maxmemory-clients 1%
        set before [ev_evicted]
        set s [ev_named_conn pct]
        ev_fill_qbuf $s pct 2000000
        assert {[ev_exists pct]}
        assert_equal $before [ev_evicted]
        catch {close $s}
        r config set maxmemory-clients 0
    }

    set limit 3000000
    r config set maxmemory-clients $limit

    test {A client is evicted for its query buffer, logged and counted} {
        set before [ev_evicted]
        set logs [ev_log_count "*Evicting client: *name=qb *"]
        set s [ev_named_conn qb]
        ev_fill_qbuf $s qb 1000000
        assert {[ev_exists qb]}
        ev_write $s [string repeat q 2500000]
        wait_for_condition 100 50 {![ev_exists qb]} else { fail "not evicted" }
        assert_equal [expr {$before + 1}] [ev_evicted]
        wait_for_condition 50 50 {[ev_log_count "*Evicting client: *name=qb *"] == $logs + 1} else {
            fail "no log line for the eviction"
        }
        catch {close $s}
    }

    test {A client is evicted for its arguments} {
        set before [ev_evicted]
        set rr [redis_client]
        $rr client setname argv
        # Under the limit: served.
        assert_equal OK [$rr mset a 1 b [string repeat v 1000000]]
        # Three arguments of 1.2 MB each: over it before the command runs.
        set v [string repeat v 1200000]
        catch {$rr mset a $v b $v c $v} e
        assert_match "*I/O error*" $e
        assert {![ev_exists argv]}
        assert_equal [expr {$before + 1}] [ev_evicted]
        assert_equal 0 [r exists c]
        $rr close
    }

    test {A client is evicted for its output buffer, before it passes the limit} {
        set before [ev_evicted]
        r set big [string repeat o 200000]
        set s [ev_named_conn obuf]
        set maxmem 0
        for {set i 0} {$i < 2000} {incr i} {
            if {![ev_send $s get big]} break
            set mem [ev_field obuf tot-mem]
            if {$mem eq ""} break
            if {$mem > $maxmem} { set maxmem $mem }
        }
        wait_for_condition 100 50 {![ev_exists obuf]} else { fail "not evicted" }
        assert_lessthan $maxmem $limit
        assert_equal [expr {$before + 1}] [ev_evicted]
        catch {close $s}
    }

    test {A client is evicted for its MULTI queue} {
        set before [ev_evicted]
        set rr [redis_client]
        $rr client setname multi
        $rr multi
        set v [string repeat m 300000]
        set err ""
        for {set i 0} {$i < 20} {incr i} {
            if {[catch {$rr set k$i $v} err]} break
            assert_equal QUEUED $err
        }
        assert_match "*I/O error*" $err
        assert {![ev_exists multi]}
        assert_equal [expr {$before + 1}] [ev_evicted]
        $rr close
    }

    test {A client is evicted for its subscriptions and WATCHed keys} {
        # Small overheads: a low limit (the control connection's own query
        # buffer may still hold a few hundred KB).
        r config set maxmemory-clients 1000000
        set before [ev_evicted]
        set rr [redis_client]
        $rr client setname subs
        set err ""
        for {set i 0} {$i < 100000} {incr i 500} {
            set cmd [list watch]
            for {set j 0} {$j < 500} {incr j} { lappend cmd [string repeat w 20][expr {$i + $j}] }
            if {[catch {$rr {*}$cmd} err]} break
        }
        assert_match "*I/O error*" $err
        assert_equal [expr {$before + 1}] [ev_evicted]
        $rr close

        set s [ev_named_conn psub]
        for {set i 0} {$i < 100000 && [ev_exists psub]} {incr i 500} {
            set cmd [list subscribe]
            for {set j 0} {$j < 500} {incr j} { lappend cmd ch[expr {$i + $j}] }
            ev_send $s {*}$cmd
        }
        wait_for_condition 100 50 {![ev_exists psub]} else { fail "subscriber not evicted" }
        assert_equal [expr {$before + 2}] [ev_evicted]
        catch {close $s}
        r config set maxmemory-clients $limit
    }

    test {CLIENT NO-EVICT on: the client may pass the limit and stays} {
        set before [ev_evicted]
        set s [ev_named_conn noevict]
        ev_send $s client no-evict on
        wait_for_condition 100 20 {[string match *e* [ev_field noevict flags]]} else {
            fail "flag e not set"
        }
        ev_fill_qbuf $s noevict 3500000
        assert {[ev_exists noevict]}
        assert_morethan [ev_field noevict tot-mem] $limit
        assert_equal $before [ev_evicted]
        catch {close $s}
        wait_for_condition 100 20 {![ev_exists noevict]} else { fail "still listed" }
    }

    test {CLIENT NO-EVICT off makes a client over the limit go} {
        r config set maxmemory-clients 0
        r set big [string repeat o 200000]
        set before [ev_evicted]
        set s [ev_named_conn flip]
        ev_send $s client no-evict on
        # Its output buffer grows past the limit-to-be while eviction is off.
        for {set i 0} {$i < 2000} {incr i} {
            ev_send $s get big
            if {$i % 10 == 9 && [ev_field flip tot-mem] > 2 * $limit} break
        }
        assert_morethan [ev_field flip tot-mem] $limit
        r config set maxmemory-clients $limit
        assert {[ev_exists flip]}
        ev_send $s client no-evict off
        wait_for_condition 100 50 {![ev_exists flip]} else { fail "not evicted" }
        assert_equal [expr {$before + 1}] [ev_evicted]
        catch {close $s}
    }

    test {Lowering maxmemory-clients evicts at once, only until under it, largest first} {
        r config set maxmemory-clients 0
        set before [ev_evicted]
        set sizes {small 300000 medium 600000 large 900000 huge 1200000}
        set conns {}
        foreach {name bytes} $sizes {
            set s [ev_named_conn $name]
            ev_fill_qbuf $s $name $bytes
            lappend conns $s
        }
        set total 0
        foreach line [split [string trim [r client list]] "\n"] {
            regexp {tot-mem=([0-9]+)} $line -> m
            incr total $m
        }
        # Room for everything but the huge one: it alone goes.
        set hugemem [ev_field huge tot-mem]
        r config set maxmemory-clients [expr {$total - $hugemem + 100000}]
        assert {![ev_exists huge]}
        foreach name {small medium large} { assert {[ev_exists $name]} }
        assert_equal [expr {$before + 1}] [ev_evicted]
        # Half of that: the large and then the medium one go, not the small.
        set rest [expr {$total - $hugemem}]
        r config set maxmemory-clients [expr {$rest - [ev_field large tot-mem] - [ev_field medium tot-mem] + 100000}]
        foreach name {large medium} { assert {![ev_exists $name]} }
        assert {[ev_exists small]}
        assert_equal [expr {$before + 3}] [ev_evicted]
        foreach s $conns { catch {close $s} }
        r config set maxmemory-clients $limit
    }

    test {A client closed for its output buffer limit is not also evicted} {
        r config set client-output-buffer-limit {normal 1mb 0 0}
        r config set maxmemory-clients 10mb
        set before [ev_evicted]
        set hasCounter [regexp -line {^client_output_buffer_limit_disconnections:([0-9]+)} [r info stats] -> obufBefore]
        r set big [string repeat o 200000]
        set s [ev_named_conn cut]
        for {set i 0} {$i < 2000} {incr i} {
            if {![ev_send $s get big] || ![ev_exists cut]} break
        }
        wait_for_condition 100 50 {![ev_exists cut]} else { fail "not cut off" }
        assert_equal $before [ev_evicted]
        if {$hasCounter} {
            assert_equal [expr {$obufBefore + 1}] \
                [server_info_field r client_output_buffer_limit_disconnections]
        }
        catch {close $s}
        r config set client-output-buffer-limit {normal 1gb 0 0}
        r config set maxmemory-clients $limit
    }

    test {INFO memory mem_clients_normal is the clients' tot-mem} {
        r config set maxmemory-clients 0
        set s [ev_named_conn held]
        ev_fill_qbuf $s held 500000
        set mem [server_info_field r mem_clients_normal]
        assert_morethan $mem 500000
        assert_morethan_equal $mem [ev_field held tot-mem]
        catch {close $s}
    }
}
