# Server commands and the server process: TIME, SLOWLOG, MONITOR, DEBUG,
# SHUTDOWN, signals, start-up (config file errors, command-line overrides,
# no config file, daemonize).
#
# Written from Redis 7's documented behaviour and checked against a real
# redis-server 7.0 (tests/runtest --server /usr/bin/redis-server --single
# unit/server).  Tests that stop or crash their server start it themselves
# with the harness's spawn_server (start_server reports a server that died
# in its block as a failure); they are skipped with --host/--port.

# ------------------------------------------------------------------ helpers

# "ip:port" of the local end of a test client's socket.
proc sv_sockaddr {client} {
    lassign [fconfigure [$client channel] -sockname] ip host port
    return "$ip:$port"
}

proc sv_skip_if_external {} {
    if {[using_external_server]} { skip "needs its own server" }
}

# A server of our own (spawn_server) with its pid file and unix socket in a
# fresh temp dir: returns {spawn-dict pidfile sock}.
proc sv_spawn_with_files {} {
    set d [new_tmpdir]
    set pidfile [file join $d sv.pid]
    set sock [file join $d sv.sock]
    set s [spawn_server -overrides [list pidfile $pidfile unixsocket $sock]]
    return [list $s $pidfile $sock]
}

proc sv_read_file {path} {
    if {[catch {open $path r} f]} { return "" }
    fconfigure $f -translation binary
    set data [read $f]
    close $f
    return $data
}

# Wait until the file at PATH matches the glob PATTERN.
proc sv_wait_log {path pattern {secs 10}} {
    set deadline [expr {[clock milliseconds] + int($secs*1000)}]
    while {![string match $pattern [sv_read_file $path]]} {
        if {[clock milliseconds] > $deadline} {
            fail "'$pattern' not found in $path; last lines:\n[file_tail $path 15]"
        }
        after 20
    }
}

proc sv_write_file {path text} {
    set f [open $path w]
    puts -nonewline $f $text
    close $f
}

# Read monitor lines until one matches PATTERN; returns every line read
# (the matching one last).
proc sv_monitor_until {mon pattern} {
    set lines {}
    while 1 {
        set l [$mon read]
        lappend lines $l
        if {[string match $pattern $l]} { return $lines }
    }
}

# The argument arrays of the slow log entries, newest first, leaving out
# the SLOWLOG GET / LEN calls that read the log (they are logged too).
proc sv_slowlog_args {{count -1}} {
    set out {}
    foreach e [r slowlog get -1] {
        set args [lindex $e 3]
        if {[string tolower [lrange $args 0 1]] in {{slowlog get} {slowlog len}}} continue
        lappend out $args
    }
    if {$count >= 0} { set out [lrange $out 0 [expr {$count-1}]] }
    return $out
}

start_server {tags {server}} {
    # ---------------------------------------------------------------- TIME
    test {TIME: seconds and microseconds} {
        set t [r time]
        assert_equal 2 [llength $t]
        lassign $t s us
        assert {[string is integer -strict $s] && [string is integer -strict $us]}
        assert_range $us 0 999999
        # The server's clock is the machine's clock.
        assert {abs($s - [clock seconds]) <= 5} "TIME $s vs clock [clock seconds]"
    }

    test {TIME: an array of two bulk strings} {
        set c [redis_deferring_client]
        $c time
        set raw [$c read_raw]
        assert_match "\\*2\r\n\$*\r\n*\r\n\$*\r\n*\r\n" $raw
        assert {[regexp {^\*2\r\n\$(\d+)\r\n(\d+)\r\n\$(\d+)\r\n(\d+)\r\n$} $raw -> l1 s l2 us]} $raw
        assert_equal $l1 [string length $s]
        assert_equal $l2 [string length $us]
        $c close
    }

    test {TIME advances} {
        lassign [r time] s1 us1
        after 5
        lassign [r time] s2 us2
        assert {$s2 * 1000000 + $us2 > $s1 * 1000000 + $us1} "$s1.$us1 then $s2.$us2"
        # Microseconds are not zero padded ("5", not "000005").
        for {set i 0} {$i < 20} {incr i} {
            set us [lindex [r time] 1]
            assert {$us eq "0" || ![string match 0* $us]} "microseconds '$us'"
        }
    }

    test {TIME: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'time' command" {r time x}
    }

    # ------------------------------------------------------------- SLOWLOG
    test {SLOWLOG: slowlog-log-slower-than 0 logs every command} {
        r config set slowlog-log-slower-than 0
        r config set slowlog-max-len 128
        r slowlog reset
        r ping
        r echo hello
        catch {r select 99}
        set args [sv_slowlog_args]
        # Newest first; the reset itself is logged after it ran.
        assert_equal [list {echo hello} ping {slowlog reset}] [lrange $args end-2 end]
        assert_equal {select 99} [lindex $args end-3]
    }

    test {SLOWLOG: unknown commands and arity errors are not logged} {
        r slowlog reset
        catch {r nosuchcommand a}
        catch {r echo}
        catch {r client setname}
        assert_equal {{slowlog reset}} [sv_slowlog_args]
    }

    test {SLOWLOG GET: entry layout} {
        set c [redis_client]
        $c client setname slowclient
        r slowlog reset
        $c echo layout
        # Raw form first: an array of 6 with integers, an array and two bulks.
        set d [redis_deferring_client]
        $d slowlog get 1
        set raw [$d read_raw]
        $d close
        assert_match "\\*1\r\n\\*6\r\n:*\r\n:*\r\n:*\r\n\\*2\r\n\$4\r\necho\r\n\$6\r\nlayout\r\n\$*\r\n127.0.0.1:*\r\n\$10\r\nslowclient\r\n" $raw
        # That GET is now the newest entry.
        set e [lindex [r slowlog get 2] 1]
        assert_equal 6 [llength $e]
        lassign $e id time duration args peer name
        assert {[string is integer -strict $id] && $id >= 0}
        assert {[string is integer -strict $time]}
        assert {abs($time - [clock seconds]) <= 5} "entry time $time"
        assert {[string is integer -strict $duration] && $duration >= 0}
        assert_equal {echo layout} $args
        assert_equal [sv_sockaddr $c] $peer
        assert_equal slowclient $name
        $c close
    }

    test {SLOWLOG GET: a client without a name has an empty name} {
        set c [redis_client]
        $c echo anon
        set e [lindex [r slowlog get 1] 0]
        assert_equal {echo anon} [lindex $e 3]
        assert_equal {} [lindex $e 5]
        $c close
    }

    test {SLOWLOG GET: ids increase, newest first} {
        r slowlog reset
        r echo a
        r echo b
        r echo c
        set ids {}
        set entries [r slowlog get 3]
        foreach e $entries { lappend ids [lindex $e 0] }
        assert_equal [list {echo c} {echo b} {echo a}] [lmap e $entries {lindex $e 3}]
        lassign $ids c b a
        assert {$a < $b && $b < $c} "ids $ids"
        # RESET does not restart the ids.
        r slowlog reset
        set first [lindex [r slowlog get 1] 0 0]
        assert {$first > $c}
    }

    test {SLOWLOG GET count, default 10, -1 for all, 0} {
        r slowlog reset
        for {set i 0} {$i < 15} {incr i} { r echo $i }
        set entries [r slowlog get]
        assert_equal 10 [llength $entries]
        assert_equal {echo 14} [lindex $entries 0 3]
        assert_equal {echo 5} [lindex $entries 9 3]
        # That GET is logged too, after it ran.
        set entries [r slowlog get 3]
        assert_equal {{slowlog get} {echo 14} {echo 13}} [lmap e $entries {lindex $e 3}]
        # LEN counts what was there before it ran; each call adds itself.
        set n [r slowlog len]
        assert_equal [expr {$n + 1}] [llength [r slowlog get -1]]
        assert_equal [expr {$n + 2}] [llength [r slowlog get 1000]]
        assert_equal {} [r slowlog get 0]
    }

    test {SLOWLOG GET: bad count} {
        foreach bad {-2 -100 abc 1.5 {}} {
            assert_error_equal "ERR count should be greater than or equal to -1" {r slowlog get $bad} "count '$bad'"
        }
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP." \
            {r slowlog get 1 2}
    }

    test {SLOWLOG LEN and RESET} {
        r slowlog reset
        # The RESET itself is the only entry.
        assert_equal 1 [r slowlog len]
        r ping
        assert_equal 3 [r slowlog len]
        assert_equal OK [r slowlog reset]
        r config set slowlog-log-slower-than -1
        assert_equal OK [r slowlog reset]
        assert_equal 0 [r slowlog len]
        assert_equal {} [r slowlog get]
        r config set slowlog-log-slower-than 0
        assert_error_equal "ERR wrong number of arguments for 'slowlog|len' command" {r slowlog len 1}
        assert_error_equal "ERR wrong number of arguments for 'slowlog|reset' command" {r slowlog reset 1}
    }

    test {SLOWLOG: at most 32 arguments are kept} {
        r slowlog reset
        # 32 arguments: kept as they are.
        set patterns {}
        for {set i 0} {$i < 30} {incr i} { lappend patterns p$i }
        r config get {*}$patterns
        assert_equal [list config get {*}$patterns] [lindex [sv_slowlog_args 1] 0]
        # 33: 31 arguments, then a note for the last 2.
        lappend patterns p30
        r config get {*}$patterns
        assert_equal [list config get {*}[lrange $patterns 0 28] {... (2 more arguments)}] \
            [lindex [sv_slowlog_args 1] 0]
        # 42.
        for {set i 31} {$i < 40} {incr i} { lappend patterns p$i }
        r config get {*}$patterns
        set args [lindex [sv_slowlog_args 1] 0]
        assert_equal 32 [llength $args]
        assert_equal [list config get {*}[lrange $patterns 0 28] {... (11 more arguments)}] $args
    }

    test {SLOWLOG: arguments are cut to 128 bytes} {
        r slowlog reset
        r echo [string repeat a 128]
        assert_equal [list echo [string repeat a 128]] [lindex [sv_slowlog_args 1] 0]
        r echo [string repeat b 129]
        assert_equal [list echo "[string repeat b 128]... (1 more bytes)"] [lindex [sv_slowlog_args 1] 0]
        r echo [string repeat c 200]
        assert_equal [list echo "[string repeat c 128]... (72 more bytes)"] [lindex [sv_slowlog_args 1] 0]
        catch {r config get [string repeat d 1000] x}
        assert_equal [list config get "[string repeat d 128]... (872 more bytes)" x] [lindex [sv_slowlog_args 1] 0]
    }

    test {SLOWLOG: AUTH passwords are redacted} {
        r slowlog reset
        catch {r auth secret1}
        catch {r auth someuser secret2}
        assert_equal {{auth (redacted) (redacted)} {auth (redacted)}} [sv_slowlog_args 2]
    }

    test {SLOWLOG: HELLO AUTH credentials are redacted, the other arguments are kept} {
        r slowlog reset
        set c [redis_client]
        $c hello 3 auth default anypass setname hn
        $c hello 2
        assert_equal {{hello 2} {hello 3 auth (redacted) (redacted) setname hn}} [sv_slowlog_args 2]
        $c close
    }

    test {SLOWLOG: CONFIG SET requirepass is redacted} {
        r slowlog reset
        r config set requirepass topsecret
        r config set requirepass ""
        assert_equal {{config set requirepass (redacted)} {config set requirepass (redacted)}} [sv_slowlog_args 2]
    }

    test {SLOWLOG: slowlog-max-len caps the entries, newest kept} {
        r slowlog reset
        r config set slowlog-max-len 5
        for {set i 0} {$i < 20} {incr i} { r echo $i }
        assert_equal {{echo 19} {echo 18} {echo 17} {echo 16} {echo 15}} [lmap e [r slowlog get] {lindex $e 3}]
        assert_equal 5 [r slowlog len]
        # Lowering it trims at the next logged command.
        r config set slowlog-max-len 2
        assert_equal 2 [r slowlog len]
        r config set slowlog-max-len 0
        r ping
        assert_equal 0 [r slowlog len]
        r config set slowlog-max-len 128
    }

    test {SLOWLOG: slowlog-log-slower-than -1 disables logging} {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r config set slowlog-log-slower-than -1
        r ping
        r echo x
        # The CONFIG SET that disabled it is not logged either.
        assert_equal {{slowlog reset}} [sv_slowlog_args]
        assert_equal {slowlog-log-slower-than -1} [r config get slowlog-log-slower-than]
    }

    test {SLOWLOG: only commands slower than the threshold} {
        r config set slowlog-log-slower-than 200000
        r slowlog reset
        r ping
        r debug sleep 0.25
        r echo fast
        set entries [r slowlog get]
        assert_equal 1 [llength $entries]
        set e [lindex $entries 0]
        assert_equal {debug sleep 0.25} [lindex $e 3]
        assert_morethan_equal [lindex $e 2] 200000
        r config set slowlog-log-slower-than 0
    }

    test {SLOWLOG: bad config values} {
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive" \
            {r config set slowlog-log-slower-than -2}
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive" \
            {r config set slowlog-max-len -1}
    }

    test {SLOWLOG HELP} {
        assert_equal [list \
            "SLOWLOG <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:" \
            "GET \[<count>\]" \
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all)." \
            "    Entries are made of:" \
            "    id, timestamp, time in microseconds, arguments array, client IP and port," \
            "    client name" \
            "LEN" \
            "    Return the length of the slowlog." \
            "RESET" \
            "    Reset the slowlog." \
            "HELP" \
            "    Prints this help."] [r slowlog help]
        r config set slowlog-log-slower-than 10000
        r slowlog reset
    }

    # ------------------------------------------------------------- MONITOR
    test {MONITOR: +OK, then one line per command of other clients} {
        set mon [redis_deferring_client]
        $mon monitor
        assert_equal OK [$mon read]
        set c [redis_client]
        $c ping
        $c echo hello
        set lines [sv_monitor_until $mon {*"echo" "hello"}]
        set addr [sv_sockaddr $c]
        assert_equal [list "\[0 $addr\] \"ping\"" "\[0 $addr\] \"echo\" \"hello\""] \
            [lmap l [lrange $lines end-1 end] { regsub {^\d+\.\d+ } $l {} }]
        foreach l $lines {
            assert {[regexp {^(\d+)\.(\d{6}) \[} $l -> s us]} "line '$l'"
            assert {abs($s - [clock seconds]) <= 5} "line '$l'"
        }
        $c close
        $mon close
    }

    test {MONITOR: lines are status replies} {
        set mon [redis_deferring_client]
        $mon monitor
        assert_equal OK [$mon read]
        $mon readraw 1
        set c [redis_client]
        $c echo raw
        set l [$mon read]
        assert {[regexp "^\\+\\d+\\.\\d{6} \\\[0 [string map {. \\.} [sv_sockaddr $c]]\\\] \"echo\" \"raw\"\$" $l]} "line '$l'"
        $c close
        $mon close
    }

    test {MONITOR: the client's database is shown, arguments are quoted and escaped} {
        set mon [redis_deferring_client]
        $mon monitor
        $mon read
        set c [redis_client]
        $c select 2
        $c echo "a b\"c\\d\n\r\t\x00\x7f\xff"
        set lines [sv_monitor_until $mon {*"echo"*}]
        set addr [sv_sockaddr $c]
        assert_match "* \\\[2 $addr\\\] \"select\" \"2\"" [lindex $lines end-1]
        assert_equal "\[2 $addr\] \"echo\" \"a b\\\"c\\\\d\\n\\r\\t\\x00\\x7f\\xff\"" \
            [regsub {^\d+\.\d+ } [lindex $lines end] {}]
        $c close
        $mon close
    }

    test {MONITOR: admin commands are not shown, others are} {
        set mon [redis_deferring_client]
        $mon monitor
        $mon read
        set c [redis_client]
        $c config get port
        $c client list
        $c client kill id 999999999
        $c slowlog len
        $c debug sleep 0
        $c client id
        $c info server
        $c time
        $c command count
        $c echo end
        set cmds {}
        foreach l [sv_monitor_until $mon {*"echo" "end"}] {
            regsub {^\d+\.\d+ \[[^\]]*\] } $l {} l
            lappend cmds $l
        }
        assert_equal [list {"client" "id"} {"info" "server"} {"time"} {"command" "count"} {"echo" "end"}] $cmds
        $c close
        $mon close
    }

    test {MONITOR: commands that fail when run are shown, rejected ones are not} {
        set mon [redis_deferring_client]
        $mon monitor
        $mon read
        set c [redis_client]
        catch {$c select 99}
        catch {$c nosuchcommand x}
        catch {$c echo}
        catch {$c client nosuchsub}
        $c echo end
        set cmds {}
        foreach l [sv_monitor_until $mon {*"echo" "end"}] {
            regsub {^\d+\.\d+ \[[^\]]*\] } $l {} l
            lappend cmds $l
        }
        assert_equal [list {"select" "99"} {"echo" "end"}] $cmds
        $c close
        $mon close
    }

    test {MONITOR: AUTH and HELLO AUTH credentials are redacted} {
        set mon [redis_deferring_client]
        $mon monitor
        $mon read
        set c [redis_client]
        catch {$c auth mypass}
        catch {$c auth someone mypass}
        $c hello 3 auth default mypass setname mon
        $c hello 2
        $c echo end
        set cmds {}
        foreach l [sv_monitor_until $mon {*"echo" "end"}] {
            regsub {^\d+\.\d+ \[[^\]]*\] } $l {} l
            lappend cmds $l
        }
        assert_equal [list {"auth" "(redacted)"} {"auth" "(redacted)" "(redacted)"} \
                          {"hello" "3" "auth" "(redacted)" "(redacted)" "setname" "mon"} \
                          {"hello" "2"} {"echo" "end"}] $cmds
        $c close
        $mon close
    }

    test {MONITOR: every monitor gets every line; the monitor shows as flag O} {
        set m1 [redis_deferring_client]
        set m2 [redis_deferring_client]
        set ids {}
        foreach m [list $m1 $m2] { $m client id ; lappend ids [$m read] }
        $m1 monitor
        $m2 monitor
        $m1 read
        $m2 read
        r echo both
        sv_monitor_until $m1 {*"echo" "both"}
        sv_monitor_until $m2 {*"echo" "both"}
        set flags {}
        foreach line [split [string trim [r client list id {*}$ids]] "\n"] {
            if {[regexp {flags=(\S+)} $line -> f]} { lappend flags $f }
        }
        assert_equal {O O} $flags
        assert_equal N [lindex [regexp -inline {flags=(\S+)} [r client info]] 1]
        $m1 close
        # The other keeps working after one leaves.
        r echo again
        sv_monitor_until $m2 {*"echo" "again"}
        $m2 close
    }

    test {MONITOR: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'monitor' command" {r monitor x}
    }

    # --------------------------------------------------------------- DEBUG
    test {DEBUG SLEEP} {
        assert_equal OK [r debug sleep 0]
        set start [clock milliseconds]
        assert_equal OK [r debug sleep 0.1]
        assert_lessthan [expr {[clock milliseconds] - $start}] 10000
        # Unparsable is 0, as in Redis.
        assert_equal OK [r debug sleep abc]
    }

    test {DEBUG LOG writes the message to the log} {
        # The log of an external server is out of reach.
        sv_skip_if_external
        set token "debug-log-[clock clicks]"
        assert_equal OK [r debug log "hello $token"]
        sv_wait_log [srv stdout] "*DEBUG LOG: hello $token*"
    }

    test {DEBUG HELP; DEBUG errors} {
        set lines [r debug help]
        assert_equal "DEBUG <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:" [lindex $lines 0]
        assert_equal HELP [lindex $lines end-1]
        assert_equal "    Prints this help." [lindex $lines end]
        foreach sub {LOG SLEEP SEGFAULT} {
            assert {[llength [lsearch -all -glob $lines "$sub *"]] + [llength [lsearch -all -exact $lines $sub]] > 0} "no $sub in DEBUG HELP"
        }
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'log'. Try DEBUG HELP." {r debug log}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP." {r debug sleep}
        assert_error_equal "ERR wrong number of arguments for 'debug' command" {r debug}
    }

    test {DEBUG RELOAD keeps every key, TTL and database; clients stay connected} {
        r flushall
        r select 3
        r set k3 three
        r select 0
        r set plain v
        r set ttl v ex 1000
        r mset m1 a m2 b
        r set gone x
        r del gone
        set other [redis_client]
        $other select 3
        assert_equal OK [r debug reload]
        assert_equal {v a b} [r mget plain m1 m2]
        assert_range [r ttl ttl] 900 1000
        assert_equal 0 [r exists gone]
        assert_equal three [$other get k3]
        assert_equal OK [r debug reload nosave merge noflush]
        assert_equal 4 [r dbsize]
        $other close
        r flushall
    }

    test {DEBUG RELOAD option errors} {
        assert_error_equal "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options." {r debug reload foo}
        assert_error_equal "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options." {r debug reload nosave bar}
    }

    # ------------------------------------------------------------ SHUTDOWN
    test {SHUTDOWN ABORT without a shutdown in progress; SHUTDOWN syntax errors} {
        assert_error_equal "ERR No shutdown in progress." {r shutdown abort}
        assert_error_equal "ERR syntax error" {r shutdown abort nosave}
        assert_error_equal "ERR syntax error" {r shutdown foo}
        assert_error_equal "ERR syntax error" {r shutdown save nosave}
        # Still running.
        assert_equal PONG [r ping]
    }
}

start_server {tags {server} overrides {enable-debug-command no}} {
    test {DEBUG with enable-debug-command no} {
        set msg "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."
        assert_error_equal $msg {r debug sleep 0}
        assert_error_equal $msg {r debug log x}
        assert_error_equal $msg {r debug help}
        assert_error_equal $msg {r debug nosuchsub}
        # Arity comes first.
        assert_error_equal "ERR wrong number of arguments for 'debug' command" {r debug}
        assert_equal {enable-debug-command no} [r config get enable-debug-command]
    }

    test {enable-debug-command cannot be changed at run time} {
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config" \
            {r config set enable-debug-command yes}
    }
}

start_server {tags {server} overrides {enable-debug-command local}} {
    test {DEBUG with enable-debug-command local, from a local connection} {
        assert_equal OK [r debug sleep 0]
        assert_equal {enable-debug-command local} [r config get enable-debug-command]
    }
}

start_server {tags {server} overrides {unixsocket sv.sock}} {
    test {MONITOR: commands over the unix socket show as unix:PATH} {
        if {![llength [auto_execok redis-cli]]} { skip "redis-cli is not installed" }
        set mon [redis_deferring_client]
        $mon monitor
        $mon read
        exec redis-cli -s [file join [srv dir] sv.sock] echo via-unix
        set l [lindex [sv_monitor_until $mon {*"echo" "via-unix"}] end]
        assert_equal {[0 unix:sv.sock] "echo" "via-unix"} [regsub {^\d+\.\d+ } $l {}]
        $mon close
    }
}

# ------------------------------------------------- stopping the server
tags {server} {
    test {SHUTDOWN: the server exits, removing its pid file and unix socket} {
        sv_skip_if_external
        lassign [sv_spawn_with_files] s pidfile sock
        set pid [dict get $s pid]
        assert {[file exists $pidfile]}
        assert_equal $pid [string trim [sv_read_file $pidfile]]
        assert {[file exists $sock]}
        set other [redis_client $s]
        set c [redis_deferring_client $s]
        $c shutdown
        # No reply: the connection is closed as the server exits.
        assert_closed $c 10
        assert [wait_server_exit $s 10]
        assert {![file exists $pidfile]} "pid file left behind"
        assert {![file exists $sock]} "unix socket left behind"
        assert_closed $other 5
        sv_wait_log [dict get $s stdout] "*is now ready to exit*"
        $c close
        $other close
        stop_server $s -nocheck
    }

    test {SHUTDOWN NOSAVE and SHUTDOWN NOSAVE NOW FORCE} {
        sv_skip_if_external
        foreach args {{nosave} {NOSAVE NOW FORCE} {save}} {
            set s [spawn_server]
            set pid [dict get $s pid]
            set c [redis_deferring_client $s]
            $c shutdown {*}$args
            assert_closed $c 10
            assert [wait_server_exit $s 10] "SHUTDOWN $args"
            $c close
            stop_server $s -nocheck
        }
    }

    foreach sig {TERM INT} {
        test "SIG$sig: graceful exit, pid file and unix socket removed" {
            sv_skip_if_external
            lassign [sv_spawn_with_files] s pidfile sock
            set pid [dict get $s pid]
            set c [redis_client $s]
            assert_equal PONG [$c ping]
            assert {[file exists $pidfile] && [file exists $sock]}
            exec kill -$sig $pid
            assert [wait_server_exit $s 10]
            assert_closed $c 5
            $c close
            set log [sv_read_file [dict get $s stdout]]
            assert_match "*Received SIG$sig scheduling shutdown*" $log
            assert_match "*is now ready to exit, bye bye*" $log
            assert {![file exists $pidfile]} "pid file left behind"
            assert {![file exists $sock]} "unix socket left behind"
            stop_server $s -nocheck
        }
    }

    test {DEBUG SEGFAULT: the crash report in the log has a stack trace} {
        sv_skip_if_external
        set overrides {}
        if {[string match "Redis server *" [exec [server_binary] --version]]} {
            # Real Redis: skip the memory test of its crash report (slow
            # on a busy machine); the report is otherwise the same.
            set overrides {crash-memcheck-enabled no}
        }
        set s [spawn_server -overrides $overrides]
        set pid [dict get $s pid]
        set c [redis_deferring_client $s]
        $c debug segfault
        assert_closed $c 30
        $c close
        assert [wait_server_exit $s 30]
        set log [sv_read_file [dict get $s stdout]]
        assert_match "*crashed by signal*" $log
        assert_match "*STACK TRACE*" $log
        stop_server $s -nocheck
    }
}

# ------------------------------------------------------------- start-up
tags {server} {
    test {A config file with a bad directive: exit status 1 and the line} {
        sv_skip_if_external
        set d [new_tmpdir]
        set conf [file join $d bad.conf]
        sv_write_file $conf "bind 127.0.0.1\nfoo bar\nport 7777\n"
        lassign [run_server $conf] status out
        assert_equal 1 $status
        assert_match "*FATAL CONFIG FILE ERROR*" $out
        assert_match "*Reading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments*" $out
    }

    test {Config file errors: wrong argument count, bad value, unbalanced quotes} {
        sv_skip_if_external
        set d [new_tmpdir]
        set conf [file join $d bad.conf]
        set wrong {}
        foreach {line why} {
            {port 1 2}       {wrong number of arguments}
            {port abc}       {argument couldn't be parsed into an integer}
            {loglevel foo}   {argument(s) must be one of the following: debug, verbose, notice, warning}
            {"unbalanced}    {Unbalanced quotes in configuration line}
        } {
            sv_write_file $conf "bind 127.0.0.1\n$line\n"
            lassign [run_server $conf] status out
            assert_equal 1 $status "line '$line'"
            if {![string match "*at line 2\n>>> '$line'\n$why*" $out]} {
                lappend wrong "for '$line' expected '$why', got:\n$out"
            }
        }
        assert_equal {} [join $wrong "\n"]
    }

    test {A bad command-line option is reported like a config line} {
        sv_skip_if_external
        lassign [run_server --port 0 --nosuchoption x] status out
        assert_equal 1 $status
        assert_match "*>>> 'nosuchoption \"x\"'\nBad directive or wrong number of arguments*" $out
    }

    test {A missing config file} {
        sv_skip_if_external
        set path [file join [new_tmpdir] nosuch.conf]
        lassign [run_server $path] status out
        assert_equal 1 $status
        assert_match "*Fatal error, can't open config file '$path'*" $out
    }

    test {Command-line options override the config file} {
        sv_skip_if_external
        set d [new_tmpdir]
        set fileport [free_port]
        set conf [file join $d redis.conf]
        sv_write_file $conf "port $fileport\nbind 127.0.0.1\ndir $d\nmaxclients 50\n"
        # spawn_server adds --port P --dir D.
        set srv [spawn_server -dir $d -cmdline [list $conf --maxclients 77]]
        set port [dict get $srv port]
        set c [redis_client $srv]
        assert_equal [list port $port] [$c config get port]
        assert_equal {maxclients 77} [$c config get maxclients]
        assert {[catch {socket 127.0.0.1 $fileport} s]} "the file's port is listening"
        $c close
        stop_server $srv -nocheck
    }

    test {Starting without a config file} {
        sv_skip_if_external
        set d [new_tmpdir]
        # spawn_server adds --port P --dir D.
        set s [spawn_server -dir $d -cmdline {--bind 127.0.0.1}]
        set port [dict get $s port]
        set c [redis_client $s]
        assert_equal PONG [$c ping]
        assert_equal [list port $port] [$c config get port]
        assert_equal [list dir $d] [$c config get dir]
        assert_match "*\r\nconfig_file:\r\n*" [$c info server]
        $c close
        stop_server $s -nocheck
    }

    test {daemonize yes with pidfile and logfile} {
        sv_skip_if_external
        set d [new_tmpdir]
        set port [free_port]
        set pidfile [file join $d daemon.pid]
        set logfile [file join $d daemon.log]
        set conf [file join $d redis.conf]
        sv_write_file $conf "port $port\nbind 127.0.0.1\ndir $d\ndaemonize yes\npidfile $pidfile\nlogfile $logfile\n"
        # The parent returns once the daemon is on its own.
        set rc [catch {exec [server_binary] $conf < /dev/null >& [file join $d stdout]} out]
        assert_equal 0 $rc "start: $out"
        wait_for_condition 500 10 {
            [string trim [sv_read_file $pidfile]] ne ""
        } else {
            fail "no pid file $pidfile"
        }
        after 50
        set pid [string trim [sv_read_file $pidfile]]
        assert {[string is integer -strict $pid]}
        assert [is_alive $pid]
        set s [adopt_server $pid $port]
        set c [redis_client $s]
        assert_equal PONG [$c ping]
        assert_match "*process_id:$pid\r\n*" [$c info server]
        $c close
        # The log goes to the logfile.
        sv_wait_log $logfile "*eady to accept connections*"
        stop_server $s -nocheck
        assert {![is_alive $pid]}
        assert {![file exists $pidfile]} "pid file left behind"
        sv_wait_log $logfile "*is now ready to exit*"
    }
}
