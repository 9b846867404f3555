# tests/clients/run.tcl -- the client-compatibility suite (`make test-clients`)
#
#   tclsh tests/clients/run.tcl ?--server-cmd CMD? ?--only NAME? ... ?--timeout SECS?
#                               ?--dir DIR?
#
# Real client libraries, used as applications use them, against a throw-away
# server: each scenario file here (*.js run by node, *.py by Debian's
# python3, which has python3-redis) is one application.  For every run the
# runner
#   1. installs the pinned npm packages (`npm ci` into node_modules/, which
#      git ignores) when package-lock.json is newer than what is installed;
#   2. starts `CMD --port P --bind 127.0.0.1 --dir D` on a free port P with
#      a fresh temporary directory D (CMD: --server-cmd, else the environment
#      variable CLIENTS_SERVER_CMD, else src/redis-kv-server; a Tcl list, so
#      `--server-cmd "redis-server --save {}"` passes an empty argument);
#   3. for each scenario: asks COMMAND INFO about the commands the scenario
#      names on its "needs:" lines.  If the server lacks any, the scenario is
#      reported as "skipped: needs ..." (neither passed nor failed), so the
#      suite is honest about what it did not run.  Otherwise it flushes the
#      server, runs the scenario with REDIS_HOST and REDIS_PORT set, and
#      counts it passed when it exits 0.  A failure shows the scenario's
#      output; a server that died is restarted for the next scenario;
#   4. stops the server by its PID and removes D; a sanitizer report in a
#      server's log (a leak is printed only at exit) is one more failure.
# It prints one line per scenario and, last, "N passed, M failed, K
# skipped"; the exit status is 1 when anything failed.
#
# A scenario never asserts a timing.  --timeout (default 300 s) is only the
# limit after which a hung scenario is killed and counted failed.  --dir
# runs the scenarios of another directory (tests/unit/clients_runner.tcl
# tests the runner so); npm is only run for this directory's own.
#
# Environment: CLIENTS_SERVER_CMD (above), CLIENTS_NODE (default node),
# CLIENTS_PYTHON (default /usr/bin/python3: python3-redis is installed for
# Debian's python, not for one earlier on PATH), CLIENTS_NPM (default npm).

set here [file dirname [file normalize [info script]]]
set root [file dirname [file dirname $here]]
source [file join $root tests helpers redis.tcl]

# ------------------------------------------------------------ options

proc usage {{msg ""}} {
    if {$msg ne ""} { puts stderr "run.tcl: $msg" }
    puts stderr "usage: tclsh tests/clients/run.tcl ?--server-cmd CMD? ?--only NAME? ... ?--timeout SECS? ?--dir DIR?"
    exit 2
}

set opt(server) [list [file join $root src redis-kv-server]]
if {[info exists ::env(CLIENTS_SERVER_CMD)] && $::env(CLIENTS_SERVER_CMD) ne ""} {
    set opt(server) $::env(CLIENTS_SERVER_CMD)
}
set opt(only) {}
set srv_logs {}
set opt(timeout) 300
set opt(dir) $here
for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    switch -- $a {
        --server-cmd { set opt(server) [lindex $argv [incr i]] }
        --only       { lappend opt(only) [lindex $argv [incr i]] }
        --timeout    { set opt(timeout) [lindex $argv [incr i]] }
        --dir        { set opt(dir) [file normalize [lindex $argv [incr i]]] }
        -h - --help  { usage }
        default      { usage "unknown option: $a" }
    }
}
if {[catch {llength $opt(server)}] || [llength $opt(server)] == 0} {
    usage "--server-cmd is not a command: $opt(server)"
}
if {![string is integer -strict $opt(timeout)] || $opt(timeout) <= 0} {
    usage "--timeout wants a number of seconds"
}

proc envOr {name default} {
    if {[info exists ::env($name)] && $::env($name) ne ""} { return $::env($name) }
    return $default
}

# ------------------------------------------------------------ scenarios

# Every scenario file, sorted: {name file interpreter needs}.
proc findScenarios {} {
    set node [envOr CLIENTS_NODE node]
    set python [envOr CLIENTS_PYTHON /usr/bin/python3]
    set out {}
    foreach file [lsort [glob -nocomplain -directory $::opt(dir) *.js *.py]] {
        set interp [expr {[file extension $file] eq ".js" ? $node : $python}]
        lappend out [list [file rootname [file tail $file]] $file $interp [scenarioNeeds $file]]
    }
    return $out
}

# The commands a scenario names on its "needs:" lines in the comment at its
# top (any number of lines, words separated by spaces), in lower case.
proc scenarioNeeds {file} {
    set f [open $file]
    set head [read $f 8192]
    close $f
    set needs {}
    foreach line [split $head \n] {
        if {[regexp {^\s*(?:\*|//|#)?\s*needs:\s*(.*)$} $line -> words]} {
            foreach w [string tolower $words] {
                if {$w ni $needs} { lappend needs $w }
            }
        }
    }
    return $needs
}

# The commands of needs that the server does not know (COMMAND INFO answers
# nil for them).
proc missingCommands {r needs} {
    if {$needs eq {}} { return {} }
    set info [$r command info {*}$needs]
    set missing {}
    foreach cmd $needs entry $info {
        if {$entry eq ""} { lappend missing $cmd }
    }
    return $missing
}

# ------------------------------------------------------------ the server

proc freePort {} {
    set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
    set port [lindex [fconfigure $s -sockname] 2]
    close $s
    return $port
}

# True while process pid runs (a zombie, exited but not yet reaped, does not).
proc alive {pid} {
    if {[file readable /proc/$pid/stat]} {
        set f [open /proc/$pid/stat]
        set stat [read $f]
        close $f
        return [expr {![regexp {\) Z } $stat]}]
    }
    return [expr {![catch {exec kill -0 $pid 2>/dev/null}]}]
}

# Starts the server in a fresh directory under tmp; sets ::srv (pid port dir
# log).  Returns "" or why it could not start.
proc startServer {tmp} {
    global srv opt
    set dir [file join $tmp server[incr ::srv_starts]]
    file mkdir $dir
    set port [freePort]
    set log [file join $dir server.log]
    if {[catch {exec {*}$opt(server) --port $port --bind 127.0.0.1 --dir $dir < /dev/null >& $log &} pid]} {
        return "cannot run [lindex $opt(server) 0]: $pid"
    }
    set srv [dict create pid $pid port $port dir $dir log $log]
    lappend ::srv_logs $log
    for {set i 0} {$i < 200} {incr i} {
        if {![alive $pid]} { return "the server exited at start-up" }
        if {![catch {set r [::redis::connect 127.0.0.1 $port 0]}]} {
            set pong ""
            catch {set pong [$r ping]}
            catch {$r close}
            if {$pong eq "PONG"} { return "" }
        }
        after 100
    }
    return "the server did not answer PING within 20 s"
}

# Stops the server started last: SIGTERM, then SIGKILL after 10 s.
proc stopServer {} {
    global srv
    if {![info exists srv]} return
    set pid [dict get $srv pid]
    catch {exec kill -TERM $pid}
    for {set i 0} {$i < 100 && [alive $pid]} {incr i} { after 100 }
    if {[alive $pid]} { catch {exec kill -KILL $pid} }
    unset srv
}

# The first sanitizer report (ASan, LeakSanitizer, UBSan) in a server's
# log, with the lines after it, or "": a sanitizer build reports a leak
# only when it exits, after the scenarios passed.
proc sanitizerReport {log} {
    if {[catch {open $log} f]} { return "" }
    set data [read $f]
    close $f
    set at [lindex [regexp -indices -inline {ERROR: (?:AddressSanitizer|LeakSanitizer)|runtime error:} $data] 0]
    if {$at eq ""} { return "" }
    set start [expr {[string last \n $data [lindex $at 0]] + 1}]
    return [join [lrange [split [string range $data $start end] \n] 0 29] \n]
}

proc logTail {file n} {
    if {[catch {open $file} f]} { return "" }
    set lines [split [string trimright [read $f] \n] \n]
    close $f
    return [join [lrange $lines end-[expr {$n - 1}] end] \n]
}

# A client to the running server, or "" when it does not answer.
proc serverClient {} {
    global srv
    if {![info exists srv] || ![alive [dict get $srv pid]]} { return "" }
    if {[catch {::redis::connect 127.0.0.1 [dict get $srv port] 0} r]} { return "" }
    if {[catch {$r ping}]} { catch {$r close}; return "" }
    return $r
}

# ------------------------------------------------------------ npm

# Installs the pinned packages when package-lock.json changed since the
# last install (npm writes node_modules/.package-lock.json).  No install
# scripts run: the one a dependency has (msgpackr-extract, for BullMQ)
# only picks or builds an optional native speed-up, and a build would
# need downloads beyond the registry.  Returns "" or why it could not.
proc npmInstall {} {
    set lock [file join $::here package-lock.json]
    set installed [file join $::here node_modules .package-lock.json]
    if {[file exists $installed] && [file mtime $installed] >= [file mtime $lock]} { return "" }
    set npm [envOr CLIENTS_NPM npm]
    puts "npm ci in tests/clients ..."
    if {[catch {exec sh -c {cd "$1" && exec "$2" ci --ignore-scripts --no-audit --no-fund --loglevel=error} \
                    sh $::here $npm 2>@1} out]} {
        return "npm ci failed: [string trim $out]"
    }
    return ""
}

# ------------------------------------------------------------ one scenario

# Runs one scenario that the server can run; returns {passed|failed detail}.
proc runScenario {tmp name file interp} {
    global srv opt
    set out [file join $tmp $name.out]
    set ::env(REDIS_HOST) 127.0.0.1
    set ::env(REDIS_PORT) [dict get $srv port]
    set cmd [list timeout -k 5 $opt(timeout) $interp $file]
    set rc 0
    if {[catch {exec {*}$cmd < /dev/null >& $out} msg opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : $msg}]
    }
    set checks 0
    if {![catch {open $out} f]} {
        set checks [regexp -all -line {^ok - } [read $f]]
        close $f
    }
    if {$rc eq 0} { return [list passed "$checks checks"] }
    set why [expr {$rc eq 124 ? "killed after $opt(timeout) s" : "exit status $rc"}]
    puts "----- $name output (last 40 lines) -----"
    puts [logTail $out 40]
    if {![alive [dict get $srv pid]]} {
        set why "$why; the server died"
        puts "----- server log (last 30 lines) -----"
        puts [logTail [dict get $srv log] 30]
    }
    puts "----- end of $name -----"
    return [list failed "$why, after $checks checks"]
}

# ------------------------------------------------------------ main

proc main {} {
    global opt
    set counts [dict create passed 0 failed 0 skipped 0]
    set scenarios [findScenarios]
    if {$opt(only) ne {}} {
        set scenarios [lmap s $scenarios {expr {[lindex $s 0] in $opt(only) ? $s : [continue]}}]
        if {$scenarios eq {}} { usage "no scenario named $opt(only)" }
    }
    set tmp [exec mktemp -d [file join [envOr TMPDIR /tmp] redis-kv-clients.XXXXXX]]
    set npmProblem ""
    if {$opt(dir) eq $::here && [lsearch -index 1 -glob $scenarios *.js] >= 0} {
        set npmProblem [npmInstall]
    }
    puts "server: $opt(server)"
    set problem [startServer $tmp]
    if {$problem ne ""} {
        puts "cannot start the server: $problem"
        if {[info exists ::srv]} { puts [logTail [dict get $::srv log] 30] }
    }
    foreach s $scenarios {
        lassign $s name file interp needs
        set r [serverClient]
        if {$r eq "" && [info exists ::srv]} {
            # The previous scenario took the server down: a fresh one.
            stopServer
            set problem [startServer $tmp]
            set r [serverClient]
        }
        if {$r eq ""} {
            set result [list failed "no server: $problem"]
        } elseif {[catch {missingCommands $r $needs} missing]} {
            set result [list failed "COMMAND INFO failed: $missing"]
        } elseif {$missing ne {}} {
            set result [list skipped "needs $missing"]
        } elseif {[file extension $file] eq ".js" && $npmProblem ne ""} {
            set result [list failed $npmProblem]
        } elseif {[catch {$r flushall} err]} {
            set result [list failed "FLUSHALL failed: $err"]
        } else {
            set result [runScenario $tmp $name $file $interp]
        }
        if {$r ne ""} { catch {$r close} }
        lassign $result outcome detail
        dict incr counts $outcome
        switch $outcome {
            passed  { puts "$name: passed ($detail)" }
            failed  { puts "$name: FAILED ($detail)" }
            skipped { puts "$name: skipped: $detail" }
        }
    }
    stopServer
    foreach log $::srv_logs {
        set report [sanitizerReport $log]
        if {$report eq ""} continue
        set where [file tail [file dirname $log]]/[file tail $log]
        puts "----- sanitizer report in $where -----\n$report\n-----"
        puts "server: FAILED (sanitizer report in $where)"
        dict incr counts failed
    }
    file delete -force $tmp
    puts "[dict get $counts passed] passed, [dict get $counts failed] failed,\
          [dict get $counts skipped] skipped"
    exit [expr {[dict get $counts failed] > 0 || $scenarios eq {}}]
}

main
