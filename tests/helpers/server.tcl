# Starting and stopping servers for the redis-kv test suite.
#
#   start_server {tags {protocol} overrides {requirepass foo databases 4}} {
#       r ping                 ;# default client of the innermost server
#       r -1 ping              ;# default client of the enclosing server
#       srv port  /  srv -1 port   ;# host port pid dir stdout config_file
#                                  ;# config (dict), client (the r client)
#       set rd [redis_deferring_client]      ;# new client, innermost server
#       set c [redis_client]       ;# new blocking client (also: LEVEL, HOST PORT,
#                                  ;# or a dict from spawn_server)
#       reconnect                  ;# give `r` a fresh connection
#   }
#
# Options of start_server (a key/value list, all optional):
#   tags {t ...}        tags for every test inside (see test.tcl)
#   overrides {k v ...} config directives added to (or replacing) the
#                       defaults; a block with overrides needs its own server
#                       and is skipped in --host/--port (external) mode
#   config_lines {...}  raw lines appended verbatim to the config file
#   start_timeout SECS  how long to wait for PING (default 15)
#
# A block tagged needs:own-server is skipped in external mode as well.
# Default config: port, bind 127.0.0.1, dir <tmpdir>, logfile "",
# enable-debug-command yes. stdout/stderr go to <tmpdir>/stdout.
#
# ---- Servers a test starts, stops and restarts itself ----
# (not on the start_server stack: to stop or crash them, restart them on
# the same data directory, or start them with command-line options; only
# the PIDs started here are ever signalled; not in external mode)
#
#   set s [spawn_server ?-overrides {k v ...}? ?-dir DIR? ?-timeout SECS?]
#       Config-file mode, as start_server: writes redis.conf with the
#       defaults above plus OVERRIDES and runs `BINARY redis.conf`.
#   set s [spawn_server -cmdline {ARG ...} ?-dir DIR? ?-waithost H? ?-timeout SECS?]
#       Command-line mode: runs `BINARY ARG... --port P --dir DIR` and
#       writes no config file (ARGS may start with one of the test's own).
#   Every start gets a fresh temp dir for its stdout (and redis.conf).  DIR
#   is the data directory; by default it is that same fresh dir.  The
#   server must answer PING on H (default 127.0.0.1) within SECS (default
#   15), else spawn_server raises an error with the log tail.  Returns a
#   dict: host port pid dir (the data dir) stdout config_file ("" in
#   command-line mode), plus what restart_server needs.
#       -client   also open a blocking client, the dict's `client` entry,
#                 whose nil replies read "(nil)" (restart_server opens a
#                 new one, stop_server closes it)
#
#   stop_server S ?-kill9? ?-nocheck?
#       Closes S's client, if any, and sends SIGTERM: the server must exit
#       by itself within 20 s, else it is killed and the test fails.
#       -kill9   SIGKILL instead; the test fails unless it is gone in 10 s
#       -nocheck tidying up, no check: a server still running gets SIGTERM
#                (SIGKILL after 10 s), one that already exited is only
#                forgotten; returns 1 when the process is gone, else 0
#   set s [restart_server S ?-kill9?]
#       stop_server S ?-kill9? if it still runs, then a new server with the
#       same options on the same data directory (new pid, port, stdout).
#   wait_server_exit S ?SECS?   1 once S's process has exited (SECS: 10)
#   stop_spawned_servers        stop_server -nocheck of every server that
#                               spawn_server started (runtest also does it
#                               after each file)
#   set s [adopt_server PID PORT ?-waithost H? ?-timeout SECS?]
#       A server started another way (a daemon, PID from its pid file):
#       tracked like a spawned one and waited for in the same way.
#   lassign [run_server ARG ...] rc output
#       Runs `BINARY ARG...` to its end (a start-up that must fail), with
#       no extra options; stdout and stderr together; a server still
#       running after 10 s is killed (rc -1, as for any end by a signal).
#
#   server_binary  free_port  new_tmpdir  using_external_server
#       the binary under test, a free TCP port, a fresh temp dir (removed
#       when the file passes), 1 in --host/--port mode
#   raw_reply CMD ARG...  raw_reply3 CMD ARG...
#       the exact bytes of the reply to one command on a fresh RESP2 /
#       RESP3 (HELLO 3) connection to the innermost server, database 0

namespace eval ::server {
    variable binary ""
    variable external 0
    variable ext_host 127.0.0.1
    variable ext_port 6379
    variable stack {}          ;# list of dicts, innermost last
    variable clients           ;# array: level index -> default client
    variable tmproot ""
    variable counter 0
    variable file_dirs {}      ;# dirs created while running the current file
    variable live_pids {}      ;# every server pid we started and not yet killed
    variable spawned {}        ;# the pids of spawn_server / adopt_server still tracked
    variable next_port 0
}

proc ::server::find_free_port {} {
    variable next_port
    if {$next_port == 0} {
        set next_port [expr {21000 + [pid] % 5000 + int(rand()*3000)}]
    }
    for {set i 0} {$i < 2000} {incr i} {
        set port $next_port
        incr next_port
        if {$next_port > 60000} { set next_port 21000 }
        if {[catch {socket -server ::server::__noop -myaddr 127.0.0.1 $port} s]} {
            continue
        }
        close $s
        # Also make sure nothing answers on it (e.g. bound to another address).
        if {![catch {socket 127.0.0.1 $port} c]} {
            close $c
            continue
        }
        return $port
    }
    error "no free TCP port found"
}
proc ::server::__noop {args} {}

proc ::server::quote_config_value {v} {
    if {$v eq ""} { return {""} }
    if {[regexp {[\s"'\\]} $v]} {
        return "\"[string map {\\ \\\\ \" \\\" \n \\n \r \\r \t \\t} $v]\""
    }
    return $v
}

proc ::server::make_tmpdir {} {
    variable tmproot
    variable counter
    variable file_dirs
    file mkdir $tmproot
    while 1 {
        set d [file join $tmproot "server.[pid].[incr counter]"]
        if {![file exists $d]} break
    }
    file mkdir $d
    lappend file_dirs $d
    return $d
}

# Start a server; returns a dict describing it. Raises with a clear message
# (including the log tail) if it does not come up.  OPTS (a dict, keys all
# optional): cmdline (a list: command-line mode, see the top of the file;
# absent: config-file mode), overrides, config_lines, dir (the data dir,
# default the fresh temp dir), waithost, timeout.
proc ::server::launch {opts} {
    variable binary
    variable live_pids
    set opts [dict merge {overrides {} config_lines {} dir "" waithost 127.0.0.1
                          timeout 15} $opts]
    foreach k {overrides config_lines dir waithost timeout} {
        set $k [dict get $opts $k]
    }
    set rundir [make_tmpdir]
    if {$dir eq ""} { set dir $rundir }
    set stdout [file join $rundir stdout]
    set conffile ""
    for {set attempt 1} {1} {incr attempt} {
        set port [find_free_port]
        if {[dict exists $opts cmdline]} {
            set cfg {}
            set cmd [list $binary {*}[dict get $opts cmdline] --port $port --dir $dir]
        } else {
            set conffile [file join $rundir redis.conf]
            set cfg [dict create port $port bind 127.0.0.1 dir $dir logfile "" \
                         enable-debug-command yes]
            foreach {k v} $overrides { dict set cfg $k $v }
            set f [open $conffile w]
            dict for {k v} $cfg {
                puts $f "$k [quote_config_value $v]"
            }
            foreach l $config_lines { puts $f $l }
            close $f
            set cmd [list $binary $conffile]
        }
        set pid [exec {*}$cmd < /dev/null >& $stdout &]
        lappend live_pids $pid
        set res [wait_ready $pid $waithost $port $timeout]
        if {$res eq "ok"} break
        kill_pid $pid
        set tail [file_tail $stdout 30]
        if {$attempt < 3 && [string match -nocase "*address already in use*" $tail]} {
            continue
        }
        error "server did not start ($res): $cmd\n--- last lines of $stdout ---\n$tail\n---"
    }
    if {[dict exists $cfg dir]} { set dir [dict get $cfg dir] }
    return [dict create host $waithost port $port pid $pid dir $dir \
                stdout $stdout config_file $conffile config $cfg]
}

# The server of a start_server block.
proc ::server::spawn {overrides config_lines start_timeout} {
    return [launch [dict create overrides $overrides config_lines $config_lines \
                        timeout $start_timeout]]
}

proc ::server::wait_ready {pid host port timeout} {
    set deadline [expr {[clock milliseconds] + int($timeout*1000)}]
    while {[clock milliseconds] < $deadline} {
        if {![is_alive $pid]} { return "process exited" }
        if {![catch {socket $host $port} s]} {
            set reply ""
            catch {
                fconfigure $s -translation binary -blocking 1
                puts -nonewline $s "PING\r\n"
                flush $s
                # The server is local; it answers at once when it is up.
                fconfigure $s -blocking 0
                set t [expr {[clock milliseconds] + 1000}]
                while {[clock milliseconds] < $t} {
                    if {[gets $s reply] >= 0 || [eof $s]} break
                    after 10
                }
            }
            catch {close $s}
            if {[string match "+*" $reply] || [string match "-NOAUTH*" $reply] ||
                [string match "-ERR*" $reply]} {
                return "ok"
            }
        }
        after 50
    }
    if {![is_alive $pid]} { return "process exited" }
    return "no PING reply within $timeout s"
}

# Stop a server by PID: SIGTERM, then SIGKILL after 10 s.
proc ::server::kill_pid {pid} {
    variable live_pids
    catch {exec kill $pid}
    set deadline [expr {[clock milliseconds] + 10000}]
    while {[is_alive $pid] && [clock milliseconds] < $deadline} {
        after 20
    }
    if {[is_alive $pid]} {
        catch {exec kill -9 $pid}
        set deadline [expr {[clock milliseconds] + 5000}]
        while {[is_alive $pid] && [clock milliseconds] < $deadline} {
            after 20
        }
    }
    set idx [lsearch -exact $live_pids $pid]
    if {$idx >= 0} { set live_pids [lreplace $live_pids $idx $idx] }
}

proc ::server::kill_all {} {
    variable live_pids
    foreach pid $live_pids { kill_pid $pid }
}

# Fails the file if any server it ran reported a sanitizer error (ASan,
# LeakSanitizer or UBSan write to the server's stdout/stderr log), so
# `make test SANITIZE=address` catches errors that do not break a reply.
proc ::server::check_sanitizer_reports {} {
    variable file_dirs
    set found 0
    foreach d $file_dirs {
        foreach f [glob -nocomplain -directory $d *] {
            if {![file isfile $f] || [file size $f] > 50000000} continue
            set fd [open $f r]
            fconfigure $fd -translation binary
            set data [read $fd]
            close $fd
            if {[regexp {ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:} $data m]} {
                ::test::count_fail "sanitizer report in [file tail $d]/[file tail $f]" $m
                set found 1
            }
        }
    }
    return $found
}

# Remove the temporary dirs of the file that just ran (if it passed).
proc ::server::cleanup_file_dirs {keep} {
    variable file_dirs
    variable tmproot
    if {[check_sanitizer_reports]} { set keep 1 }
    if {$keep} {
        foreach d $file_dirs {
            if {[file exists $d]} { puts "    (kept server dir $d)" }
        }
    } else {
        foreach d $file_dirs { catch {file delete -force $d} }
    }
    set file_dirs {}
    # Remove tests/tmp itself when empty.
    if {[file isdirectory $tmproot] &&
        ![llength [glob -nocomplain -directory $tmproot *]]} {
        catch {file delete $tmproot}
    }
}

proc start_server {options code} {
    set tags {}
    set overrides {}
    set config_lines {}
    set start_timeout 15
    foreach {k v} $options {
        switch -exact -- $k {
            tags { set tags $v }
            overrides { set overrides $v }
            config_lines { set config_lines $v }
            start_timeout { set start_timeout $v }
            default { error "start_server: unknown option '$k'" }
        }
    }
    if {[llength $overrides] || [llength $config_lines]} {
        if {"needs:own-server" ni $tags} { lappend tags needs:own-server }
    }

    set saved_tags $::test::tags
    lappend ::test::tags {*}$tags

    # Skip the whole block (without starting anything) when it cannot run.
    set skipwhy ""
    if {$::test::skip_depth > 0} {
        set skipwhy $::test::skip_reason
    } elseif {$::server::external && "needs:own-server" in $::test::tags} {
        set skipwhy "needs its own server"
    } else {
        foreach t $::test::tags {
            if {$t in $::test::denytags} { set skipwhy "tag $t excluded" ; break }
        }
    }
    if {$skipwhy ne ""} {
        set saved_reason $::test::skip_reason
        incr ::test::skip_depth
        set ::test::skip_reason $skipwhy
        # r/srv/redis_client are no-ops here; other errors are ignored.
        catch {uplevel 1 $code}
        incr ::test::skip_depth -1
        set ::test::skip_reason $saved_reason
        set ::test::tags $saved_tags
        return
    }

    if {$::server::external} {
        set srv [dict create host $::server::ext_host port $::server::ext_port \
                     pid -1 dir "" stdout "" config_file "" config {} external 1]
    } else {
        if {[catch {::server::spawn $overrides $config_lines $start_timeout} err]} {
            ::test::exception "start_server in $::test::curfile" $err
            # Count the tests of the block as skipped.
            set saved_reason $::test::skip_reason
            incr ::test::skip_depth
            set ::test::skip_reason "server did not start"
            catch {uplevel 1 $code}
            incr ::test::skip_depth -1
            set ::test::skip_reason $saved_reason
            set ::test::tags $saved_tags
            return
        }
        set srv $err
        dict set srv external 0
    }

    lappend ::server::stack $srv
    set level [expr {[llength $::server::stack] - 1}]
    set rc [catch {uplevel 1 $code} res opts]
    if {$rc == 1} {
        ::test::exception "error in start_server body, $::test::curfile" \
            "Error: $res" [dict get $opts -errorinfo]
    }
    # Close the clients of this level, stop the server.
    if {[info exists ::server::clients($level)]} {
        catch {$::server::clients($level) close}
        unset ::server::clients($level)
    }
    set final [lindex $::server::stack end]
    set ::server::stack [lrange $::server::stack 0 end-1]
    set ::test::tags $saved_tags
    if {![dict get $srv external]} {
        set pid [dict get $srv pid]
        if {![is_alive $pid] && ![dict exists $final broken]} {
            ::test::exception "server died, $::test::curfile" \
                "The server (pid $pid, port [dict get $srv port]) was not alive at the end of its block.\n--- last lines of [dict get $srv stdout] ---\n[file_tail [dict get $srv stdout] 40]"
        }
        ::server::kill_pid $pid
    }
    return
}

# srv ?level? property  (level 0 = innermost, -1 = the enclosing one ...)
proc srv {args} {
    if {$::test::skip_depth > 0} return
    set level 0
    if {[string is integer -strict [lindex $args 0]]} {
        set level [lindex $args 0]
        set args [lrange $args 1 end]
    }
    set property [lindex $args 0]
    set idx [::server::level_index $level]
    set s [lindex $::server::stack $idx]
    if {$property eq "client"} {
        return [::server::default_client $idx]
    }
    return [dict get $s $property]
}

proc ::server::level_index {level} {
    if {![llength $::server::stack]} {
        error "no server: not inside start_server"
    }
    set idx [expr {[llength $::server::stack] - 1 + $level}]
    if {$idx < 0 || $idx >= [llength $::server::stack]} {
        error "no server at level $level"
    }
    return $idx
}

proc ::server::default_client {idx} {
    variable clients
    if {[info exists clients($idx)]} {
        set c $clients($idx)
        if {[llength [info commands $c]] && ![$c is_closed]} {
            return $c
        }
        catch {$c close}
    }
    set s [lindex $::server::stack $idx]
    set clients($idx) [redis_client [dict get $s host] [dict get $s port]]
    return $clients($idx)
}

# r ?level? command args...   -- blocking call on the default client
proc r {args} {
    # Inside a skipped block (no server), commands outside tests do nothing.
    if {$::test::skip_depth > 0} return
    set level 0
    if {[string is integer -strict [lindex $args 0]]} {
        set level [lindex $args 0]
        set args [lrange $args 1 end]
    }
    set c [::server::default_client [::server::level_index $level]]
    tailcall $c {*}$args
}

# reconnect ?level?  -- replace the default client with a fresh connection
proc reconnect {{level 0}} {
    if {$::test::skip_depth > 0} return
    set idx [::server::level_index $level]
    if {[info exists ::server::clients($idx)]} {
        catch {$::server::clients($idx) close}
        unset ::server::clients($idx)
    }
    ::server::default_client $idx
    return
}

# redis_client ?level? | ?host port?  -- a new blocking client
proc redis_client {args} {
    if {$::test::skip_depth > 0} return
    lassign [::server::client_addr $args] host port
    return [::redis::connect $host $port 0]
}

# redis_deferring_client ?level? | ?host port?  -- a new deferred client
proc redis_deferring_client {args} {
    if {$::test::skip_depth > 0} return
    lassign [::server::client_addr $args] host port
    return [::redis::connect $host $port 1]
}

# redis_client / redis_deferring_client: ?level? | ?host port? | a dict
# from spawn_server.
proc ::server::client_addr {arglist} {
    if {[llength $arglist] == 2} { return $arglist }
    if {[llength $arglist] == 1 && ![string is integer -strict [lindex $arglist 0]]} {
        set s [lindex $arglist 0]
        return [list [dict get $s host] [dict get $s port]]
    }
    set level [expr {[llength $arglist] ? [lindex $arglist 0] : 0}]
    set idx [level_index $level]
    set s [lindex $::server::stack $idx]
    return [list [dict get $s host] [dict get $s port]]
}

# raw_reply CMD ARG...: the exact bytes of the reply to one command, on a
# fresh RESP2 connection (database 0) to the innermost server.
proc raw_reply {args} {
    set c [redis_deferring_client]
    $c {*}$args
    set raw [$c read_raw]
    $c close
    return $raw
}

# raw_reply3 CMD ARG...: the same on a fresh RESP3 connection (HELLO 3).
proc raw_reply3 {args} {
    set c [redis_deferring_client]
    $c hello 3
    $c read
    $c {*}$args
    set raw [$c read_raw]
    $c close
    return $raw
}

# ------------------------------------------ servers a test runs itself
# (documented at the top of this file)

proc using_external_server {} { return $::server::external }
proc server_binary {} { return $::server::binary }
proc free_port {} { return [::server::find_free_port] }
proc new_tmpdir {} { return [::server::make_tmpdir] }

# Parses ARGLIST by SPEC {-opt TAKES_VALUE ...}; returns a dict option ->
# value (1 for a flag).
proc ::server::getopts {who spec arglist} {
    set out {}
    for {set i 0} {$i < [llength $arglist]} {incr i} {
        set o [lindex $arglist $i]
        if {![dict exists $spec $o]} {
            error "$who: unknown option '$o' (known: [dict keys $spec])"
        }
        if {[dict get $spec $o]} {
            if {$i + 1 >= [llength $arglist]} { error "$who: $o needs a value" }
            dict set out $o [lindex $arglist [incr i]]
        } else {
            dict set out $o 1
        }
    }
    return $out
}

# 1 while PID is one of ours: started and not yet stopped or forgotten.
proc ::server::tracked {pid} {
    variable live_pids
    variable spawned
    return [expr {$pid in $live_pids || $pid in $spawned}]
}

proc ::server::forget_pid {pid} {
    variable live_pids
    variable spawned
    foreach v {live_pids spawned} {
        set i [lsearch -exact [set $v] $pid]
        if {$i >= 0} { set $v [lreplace [set $v] $i $i] }
    }
}

# 1 once PID has exited (or is a zombie) within SECS.
proc ::server::wait_exit {pid secs} {
    set deadline [expr {[clock milliseconds] + int($secs*1000)}]
    while {[is_alive $pid]} {
        if {[clock milliseconds] > $deadline} { return 0 }
        after 10
    }
    return 1
}

# Starts a tracked server from the launch options OPTS (see
# ::server::launch), with a client when OPTS has client 1.
proc ::server::start_spawned {opts} {
    variable spawned
    set s [launch $opts]
    lappend spawned [dict get $s pid]
    dict set opts dir [dict get $s dir]
    dict set s launch $opts
    if {[dict exists $opts client] && [dict get $opts client]} {
        set c [::redis::connect [dict get $s host] [dict get $s port] 0]
        $c null_value (nil)
        dict set s client $c
    }
    return $s
}

proc spawn_server {args} {
    if {$::server::external} {
        error "spawn_server: no servers of our own with --host/--port"
    }
    set o [::server::getopts spawn_server {-overrides 1 -cmdline 1 -dir 1
        -waithost 1 -timeout 1 -client 0} $args]
    if {[dict exists $o -overrides] && [dict exists $o -cmdline]} {
        error "spawn_server: -overrides is for config-file mode, not with -cmdline"
    }
    set opts {}
    foreach k {overrides cmdline dir waithost timeout client} {
        if {[dict exists $o -$k]} { dict set opts $k [dict get $o -$k] }
    }
    return [::server::start_spawned $opts]
}

proc stop_server {s args} {
    set o [::server::getopts stop_server {-kill9 0 -nocheck 0} $args]
    if {[dict exists $s client]} { catch {[dict get $s client] close} }
    set pid [dict get $s pid]
    if {[dict exists $o -nocheck]} {
        if {[dict exists $o -kill9]} { error "stop_server: -kill9 or -nocheck, not both" }
        if {[::server::tracked $pid] && [is_alive $pid]} { ::server::kill_pid $pid }
        if {[is_alive $pid]} { return 0 }
        ::server::forget_pid $pid
        return 1
    }
    if {![::server::tracked $pid]} {
        error "stop_server: pid $pid is not a server of ours that still runs"
    }
    if {[dict exists $o -kill9]} {
        exec kill -KILL $pid
        if {![::server::wait_exit $pid 10]} {
            fail "the server (pid $pid) survived kill -9"
        }
    } else {
        exec kill -TERM $pid
        if {![::server::wait_exit $pid 20]} {
            catch {exec kill -9 $pid}
            if {[::server::wait_exit $pid 5]} { ::server::forget_pid $pid }
            fail "the server (pid $pid) did not exit within 20 s of SIGTERM\n[file_tail [dict get $s stdout] 20]"
        }
    }
    ::server::forget_pid $pid
    return 1
}

proc restart_server {s args} {
    set o [::server::getopts restart_server {-kill9 0} $args]
    if {![dict exists $s launch]} {
        error "restart_server: not a server started by spawn_server"
    }
    set pid [dict get $s pid]
    if {[::server::tracked $pid] && [is_alive $pid]} {
        stop_server $s {*}[dict keys $o]
    } else {
        if {[dict exists $s client]} { catch {[dict get $s client] close} }
        ::server::forget_pid $pid
    }
    return [::server::start_spawned [dict get $s launch]]
}

proc wait_server_exit {s {secs 10}} {
    return [::server::wait_exit [dict get $s pid] $secs]
}

proc stop_spawned_servers {} {
    foreach pid $::server::spawned {
        if {[is_alive $pid]} { ::server::kill_pid $pid }
        ::server::forget_pid $pid
    }
    set ::server::spawned {}
}

proc adopt_server {pid port args} {
    set o [::server::getopts adopt_server {-waithost 1 -timeout 1} $args]
    set o [dict merge {-waithost 127.0.0.1 -timeout 15} $o]
    set host [dict get $o -waithost]
    lappend ::server::live_pids $pid
    lappend ::server::spawned $pid
    set res [::server::wait_ready $pid $host $port [dict get $o -timeout]]
    if {$res ne "ok"} {
        error "server pid $pid did not answer PING on $host:$port ($res)"
    }
    return [dict create host $host port $port pid $pid dir "" stdout "" \
                config_file "" config {}]
}

proc run_server {args} {
    set rc 0
    if {[catch {exec timeout -s KILL 10 $::server::binary {*}$args < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
    }
    return [list $rc $out]
}

# After a failed test: if the innermost server is dead or does not answer
# PING within a few seconds, mark it broken so the remaining tests of its
# block fail at once instead of each waiting for I/O timeouts.
proc ::test::check_server_health {} {
    if {![llength $::server::stack]} return
    set idx [expr {[llength $::server::stack] - 1}]
    set s [lindex $::server::stack $idx]
    if {[dict exists $s broken]} return
    set why ""
    if {![dict get $s external] && ![is_alive [dict get $s pid]]} {
        set why "the server is dead"
    } else {
        set ok 0
        if {![catch {::redis::connect [dict get $s host] [dict get $s port] 0} c]} {
            $c io_timeout 5
            if {![catch {$c ping} reply] ||
                [string match "NOAUTH*" $reply] || [string match "ERR*" $reply]} {
                set ok 1
            }
            catch {$c close}
        } else {
            set reply $c
        }
        if {!$ok} { set why "the server does not answer PING ($reply)" }
    }
    if {$why ne ""} {
        dict set s broken $why
        lset ::server::stack $idx $s
    }
}

proc ::test::server_broken {} {
    foreach s $::server::stack {
        if {[dict exists $s broken]} { return [dict get $s broken] }
    }
    return ""
}

# Used by `test` after a failure: a note when a server of ours is dead.
proc ::test::check_servers_alive {} {
    set out {}
    foreach s $::server::stack {
        if {[dict get $s external]} continue
        if {![is_alive [dict get $s pid]]} {
            lappend out "SERVER IS DEAD: pid [dict get $s pid] port [dict get $s port]; last log lines:\n[file_tail [dict get $s stdout] 20]"
        }
    }
    return [join $out "\n"]
}

proc ::test::dump_server_logs {} {
    foreach s $::server::stack {
        if {[dict get $s external]} continue
        puts "    ===== log of server pid [dict get $s pid] ([dict get $s stdout]) ====="
        puts [file_tail [dict get $s stdout] 200]
        puts "    ===== end of log ====="
    }
}
