# Assertions and small utilities for the redis-kv test suite.
#
# Every assertion raises an error with errorcode ASSERTION and a message that
# names the file:line of the failing assertion in the test file.

# Location of the innermost frames that belong to test files (not helpers),
# outermost first, as "unit/foo.tcl:LINE". Frames of scripts evaluated with
# uplevel (test / start_server / tags bodies) only carry a line relative to
# the body, so lines are made absolute from the command that passed the body.
proc ::test::user_location {} {
    set locs {}
    set base_file ""
    set last_line 0
    set script_base 0
    set n [info frame]
    for {set i 1} {$i < $n} {incr i} {
        if {[catch {info frame $i} f]} continue
        set type [dict get $f type]
        if {$type eq "source" && [dict exists $f file]} {
            set file [dict get $f file]
            if {[string match $::test::helpers_dir/* $file]} {
                # A helper (test, start_server, assert_error ...) possibly
                # evaluating a script passed by the last user command:
                # eval frames below are relative to that command's line.
                set script_base $last_line
                continue
            }
            if {![dict exists $f line]} continue
            set base_file [::test::short_path $file]
            set last_line [dict get $f line]
            lappend locs "$base_file:$last_line"
        } elseif {$type eq "eval" && $base_file ne "" && [dict exists $f line]} {
            set last_line [expr {$script_base + [dict get $f line] - 1}]
            lappend locs "$base_file:$last_line"
        }
    }
    # Keep the frames inside the current test only, drop duplicates.
    set out {}
    foreach l $locs {
        if {[lindex $out end] ne $l} { lappend out $l }
    }
    if {$::test::current_test_loc ne ""} {
        set idx [lsearch -exact $out $::test::current_test_loc]
        if {$idx >= 0} { set out [lrange $out [expr {$idx+1}] end] }
    }
    return $out
}

proc ::test::short_path {file} {
    set root $::test::tests_dir/
    if {[string first $root $file] == 0} {
        return [string range $file [string length $root] end]
    }
    return $file
}

proc ::test::location_string {} {
    set locs [lreverse [::test::user_location]]
    if {![llength $locs]} { return "" }
    set s "at [lindex $locs 0]"
    foreach l [lrange $locs 1 end] { append s ", from $l" }
    return $s
}

proc assert_failed {msg {detail ""}} {
    if {$detail ne ""} { append msg " (detail: $detail)" }
    set loc [::test::location_string]
    set ::test::last_error_loc [list $msg $loc]
    return -code error -level 2 -errorcode ASSERTION $msg
}

proc fail {msg} {
    assert_failed $msg
}

proc assert {condition {detail ""}} {
    if {![uplevel 1 [list expr $condition]]} {
        assert_failed "Expected '[string trim $condition]' to be true" $detail
    }
}

proc assert_equal {value expected {detail ""}} {
    if {$expected ne $value} {
        set msg "Expected '[::test::trunc $value]' to be equal to '[::test::trunc $expected]'"
        if {[string length $value] > 100 || [string length $expected] > 100} {
            set d [::test::first_difference $value $expected]
            append msg "\n(lengths [string length $value] and [string length $expected], first difference at offset $d: '[::test::trunc [string range $value $d $d+40]]' vs '[::test::trunc [string range $expected $d $d+40]]')"
        }
        assert_failed $msg $detail
    }
}

proc assert_not_equal {value expected {detail ""}} {
    if {$expected eq $value} {
        assert_failed "Expected '[::test::trunc $value]' to be not equal to '[::test::trunc $expected]'" $detail
    }
}

proc assert_match {pattern value {detail ""}} {
    if {![string match $pattern $value]} {
        assert_failed "Expected '[::test::trunc $value]' to match '[::test::trunc $pattern]'" $detail
    }
}

proc assert_no_match {pattern value {detail ""}} {
    if {[string match $pattern $value]} {
        assert_failed "Expected '[::test::trunc $value]' to not match '[::test::trunc $pattern]'" $detail
    }
}

# assert_error PATTERN {code}: code must raise an error matching the glob.
proc assert_error {pattern code {detail ""}} {
    if {[catch {uplevel 1 $code} error]} {
        if {![string match $pattern $error]} {
            assert_failed "Expected error matching '$pattern' but got error '[::test::trunc $error]'" $detail
        }
    } else {
        assert_failed "Expected an error matching '$pattern' but got '[::test::trunc $error]'" $detail
    }
}

# assert_error_equal TEXT {code}: like assert_error but exact comparison.
proc assert_error_equal {text code {detail ""}} {
    if {[catch {uplevel 1 $code} error]} {
        if {$error ne $text} {
            assert_failed "Expected error '$text' but got error '[::test::trunc $error]'" $detail
        }
    } else {
        assert_failed "Expected error '$text' but got '[::test::trunc $error]'" $detail
    }
}

proc assert_range {value min max {detail ""}} {
    if {!($value >= $min && $value <= $max)} {
        assert_failed "Expected '$value' to be between '$min' and '$max'" $detail
    }
}

proc assert_morethan {value min {detail ""}} {
    if {!($value > $min)} {
        assert_failed "Expected '$value' to be more than '$min'" $detail
    }
}

proc assert_morethan_equal {value min {detail ""}} {
    if {!($value >= $min)} {
        assert_failed "Expected '$value' to be more than or equal to '$min'" $detail
    }
}

proc assert_lessthan {value max {detail ""}} {
    if {!($value < $max)} {
        assert_failed "Expected '$value' to be less than '$max'" $detail
    }
}

proc assert_lessthan_equal {value max {detail ""}} {
    if {!($value <= $max)} {
        assert_failed "Expected '$value' to be less than or equal to '$max'" $detail
    }
}

# assert_closed CLIENT ?SECS?: the server must close the connection (pending
# replies are discarded).
proc assert_closed {client {secs 5}} {
    if {![$client wait_closed $secs]} {
        assert_failed "Expected the server to close the connection within $secs s"
    }
}

# assert_open CLIENT: the connection must still be usable (PING works).
proc assert_open {client} {
    if {[catch {$client ping} e] || $e ne "PONG"} {
        assert_failed "Expected the connection to be open, PING gave '$e'"
    }
}

# wait_for_condition MAXTRIES DELAY_MS {expr} else {script}
proc wait_for_condition {maxtries delay e _else_ elsescript} {
    if {$_else_ ne "else"} { error "wait_for_condition: expected 'else'" }
    while {[incr maxtries -1] >= 0} {
        set errcode [catch {uplevel 1 [list expr $e]} result]
        if {$errcode == 0} {
            if {$result} return
        } else {
            return -code $errcode $result
        }
        after $delay
    }
    set errcode [catch {uplevel 1 $elsescript} result]
    return -code $errcode $result
}

# Skip the current test from inside its body: skip "reason"
proc skip {{reason ""}} {
    return -code error -level 1 -errorcode SKIP $reason
}

# Shorten a value for a message and make control/binary bytes visible
# (\r \t \0 \xNN; newlines are kept).
proc ::test::trunc {s {max 300}} {
    set len [string length $s]
    if {$len > $max} {
        set s "[string range $s 0 [expr {$max-1}]]"
        set suffix "...($len bytes)"
    } else {
        set suffix ""
    }
    if {[regexp {[\x00-\x09\x0b-\x1f\x7f-\xff]} $s]} {
        set out ""
        foreach c [split $s ""] {
            scan $c %c code
            if {$c eq "\n"} {
                append out $c
            } elseif {$c eq "\r"} {
                append out {\r}
            } elseif {$c eq "\t"} {
                append out {\t}
            } elseif {$code < 32 || $code > 126} {
                append out [format {\x%02x} $code]
            } else {
                append out $c
            }
        }
        set s $out
    }
    return "$s$suffix"
}

# Index of the first differing character of two strings, or -1.
proc ::test::first_difference {a b} {
    set n [expr {min([string length $a], [string length $b])}]
    if {[string range $a 0 $n-1] eq [string range $b 0 $n-1]} {
        return [expr {[string length $a] == [string length $b] ? -1 : $n}]
    }
    set lo 0
    set hi $n
    # Binary search for the first difference.
    while {$hi - $lo > 1} {
        set mid [expr {($lo + $hi) / 2}]
        if {[string range $a 0 $mid-1] eq [string range $b 0 $mid-1]} {
            set lo $mid
        } else {
            set hi $mid
        }
    }
    if {[string index $a $lo] ne [string index $b $lo]} { return $lo }
    return [expr {$lo + 1}]
}

proc randstring {min max {type binary}} {
    set len [expr {$min + int(rand()*($max-$min+1))}]
    set out {}
    if {$type eq "binary"} {
        set lo 0 ; set hi 255
    } elseif {$type eq "alpha"} {
        set lo 48 ; set hi 122
    } elseif {$type eq "compr"} {
        set lo 48 ; set hi 52
    }
    while {$len} {
        append out [format %c [expr {$lo + int(rand()*($hi-$lo+1))}]]
        incr len -1
    }
    return $out
}

# A pseudo-random binary string of LEN bytes, built quickly from a chunk of
# 1021 random bytes (a prime length, so the pattern never lines up with
# buffer or page sizes) followed by an ASCII tail that makes the end unique.
proc big_random_value {len} {
    set chunk [randstring 1021 1021 binary]
    set tail "<end of $len>"
    set n [expr {$len - [string length $tail]}]
    set v [string repeat $chunk [expr {$n / 1021 + 1}]]
    return "[string range $v 0 [expr {$n-1}]]$tail"
}

# All 256 byte values, in order.
proc all_bytes {} {
    set s ""
    for {set i 0} {$i < 256} {incr i} { append s [format %c $i] }
    return $s
}

proc randomInt {max} {
    expr {int(rand()*$max)}
}

# Sleep without blocking the event loop (pending client output keeps flowing).
proc event_sleep {ms} {
    set ::test::sleep_done 0
    after $ms {set ::test::sleep_done 1}
    vwait ::test::sleep_done
}

proc is_alive {pid} {
    if {$pid eq "" || $pid <= 0} { return 0 }
    if {[catch {exec kill -0 $pid}]} { return 0 }
    if {![file isdirectory /proc/self]} { return 1 }
    # A zombie is dead too, but only once every thread of it is: the
    # leader of a killed multi-threaded process shows as a zombie while its
    # other threads are still exiting (a worker thread in the middle of
    # disk I/O can take a while), and until the last one is gone the
    # process still holds its files and locks (a server restarted on its
    # data directory would find it locked).
    foreach path [glob -nocomplain /proc/$pid/task/*/stat] {
        if {[catch {open $path r} f]} continue
        set stat [read $f]
        close $f
        if {![regexp {\) ([A-Za-z])} $stat -> state] || $state ni {Z X}} { return 1 }
    }
    return 0
}

# Last N lines of a file (a server log).
proc file_tail {path {n 40}} {
    if {[catch {open $path r} f]} { return "(cannot read $path)" }
    fconfigure $f -translation binary
    set data [read $f]
    close $f
    set lines [split [string trimright $data "\n"] "\n"]
    set out {}
    foreach l [lrange $lines end-[expr {$n-1}] end] {
        if {[string length $l] > 300} { set l "[string range $l 0 299]..." }
        lappend out $l
    }
    return [join $out "\n"]
}

# 1 if DIR is a mount point (the tmpfs of the disk-full tests).
proc is_mount_point {dir} {
    # mountpoint(1) compares devices, so path spellings do not matter.
    if {[llength [auto_execok mountpoint]]} {
        return [expr {![catch {exec mountpoint -q $dir < /dev/null 2>@1}]}]
    }
    set f [open /proc/self/mounts r]
    set data [read $f]
    close $f
    set esc [string map [list \\ \\134 " " \\040 \t \\011 \n \\012] $dir]
    foreach line [split $data \n] {
        if {[lindex [split $line " "] 1] eq $esc} { return 1 }
    }
    return 0
}

# INFO field (any section) of client C; fails the test when it is missing.
proc server_info_field {c field} {
    set info [$c info all]
    if {![regexp -line "^$field:(\[^\r\n\]*)" $info -> v]} {
        fail "INFO has no $field field"
    }
    return $v
}

# Several INFO fields of client C at once: a dict field -> value.
proc server_info_fields {c args} {
    set info [$c info all]
    set out {}
    foreach f $args {
        if {![regexp -line "^$f:(\[^\r\n\]*)" $info -> v]} { fail "INFO has no $f field" }
        dict set out $f $v
    }
    return $out
}

# Sends every command of CMDS (a list of argument lists) on client C in one
# write and returns the replies, an error reply as "ERR!<text>".
proc pipeline_replies {c cmds} {
    set buf ""
    foreach argv $cmds { append buf [::redis::__format_command $argv] }
    $c write $buf
    $c flush
    set out {}
    foreach argv $cmds {
        if {[catch {$c read} r]} { set r "ERR!$r" }
        lappend out $r
    }
    return $out
}

# ---- tmpfs file systems for the disk-full tests (root only) ----------------
set ::tmpfs_mounts {}    ;# mounted by tmpfs_mount and not unmounted yet

# Mounts a new tmpfs of SIZE on a fresh temp dir; returns the dir.
proc tmpfs_mount {size} {
    set dir [file normalize [new_tmpdir]]
    if {[catch {exec mount -t tmpfs -o size=$size tmpfs $dir < /dev/null 2>@1} err]} {
        catch {file delete $dir}
        error "mount -t tmpfs -o size=$size tmpfs $dir failed: $err"
    }
    lappend ::tmpfs_mounts $dir
    if {![is_mount_point $dir]} {
        error "mount -t tmpfs -o size=$size tmpfs $dir succeeded but $dir is not in /proc/self/mounts"
    }
    return $dir
}

# Unmounts DIR (every layer, retrying while busy, lazily as a last resort).
# Returns "" or a description of what went wrong.
proc tmpfs_umount {dir} {
    set problem ""
    set deadline [expr {[clock milliseconds] + 5000}]
    while {[is_mount_point $dir] && [clock milliseconds] < $deadline} {
        if {[catch {exec umount $dir < /dev/null 2>@1} err]} {
            set problem "umount $dir: $err"
            after 100
        }
    }
    if {[is_mount_point $dir]} {
        catch {exec umount -l $dir < /dev/null 2>@1}
        append problem " (detached with umount -l)"
    }
    if {[is_mount_point $dir]} {
        return "$dir is still mounted: $problem"
    }
    set i [lsearch -exact $::tmpfs_mounts $dir]
    if {$i >= 0} { set ::tmpfs_mounts [lreplace $::tmpfs_mounts $i $i] }
    return ""
}

# Stops every server the test file started (by PID), then unmounts every
# tmpfs still mounted.  Returns "" or what could not be undone.
proc tmpfs_cleanup {} {
    stop_spawned_servers
    set problems {}
    foreach dir $::tmpfs_mounts {
        set p [tmpfs_umount $dir]
        if {$p ne ""} { lappend problems $p }
    }
    return [join $problems "; "]
}

# XOR the byte at OFFSET of PATH with 0xff (damage tests: a checksum
# that no longer matches).
proc flip_byte {path offset} {
    set fd [open $path r+]
    fconfigure $fd -translation binary
    seek $fd $offset
    binary scan [read $fd 1] cu b
    seek $fd $offset
    puts -nonewline $fd [binary format c [expr {$b ^ 0xff}]]
    close $fd
}

# KB used on the file system of DIR (df, 1K blocks).
proc fs_used_kb {dir} {
    set out [exec df -P -k $dir]
    return [lindex [lindex [split $out \n] 1] 2]
}

# Runs an external program with args, stdin from /dev/null, and returns
# {exitcode output} (stdout and stderr together); an error if it cannot be
# run at all.  For the offline tools (utils/redis-kv-check ...).
proc run_tool {program args} {
    set rc 0
    if {[catch {exec $program {*}$args < /dev/null 2>@1} out opts]} {
        set ec [dict get $opts -errorcode]
        set rc [expr {[lindex $ec 0] eq "CHILDSTATUS" ? [lindex $ec 2] : -1}]
        if {$rc == -1} { error "cannot run $program: $out" }
    }
    return [list $rc $out]
}

# Runs BODY in the caller with the config directives of PAIRS set, then
# puts back the values they had.
proc with_config {pairs body} {
    set saved {}
    foreach {k v} $pairs {
        lappend saved $k [lindex [r config get $k] 1]
        r config set $k $v
    }
    try {
        uplevel 1 $body
    } finally {
        foreach {k v} $saved { r config set $k $v }
    }
}

# The keyspace events of db 0 that SCRIPT (run in the caller) causes, as
# "key event" pairs in the order they were published, with
# notify-keyspace-events set to CLASSES meanwhile (and emptied
# afterwards).  A message on the channel events-end marks the end.
proc keyspace_events_of {classes script} {
    r config set notify-keyspace-events $classes
    set rd [redis_deferring_client]
    try {
        $rd psubscribe __keyspace@0__:*
        $rd read
        $rd subscribe events-end
        $rd read
        uplevel 1 $script
        r publish events-end x
        set out {}
        while 1 {
            set f [$rd read]
            if {[lindex $f 0] eq "message"} break
            lappend out [list [string range [lindex $f 2] 15 end] [lindex $f 3]]
        }
    } finally {
        $rd close
        r config set notify-keyspace-events ""
    }
    return $out
}

# Everything a collection SCAN (HSCAN, SSCAN, ZSCAN) of KEY returns, page
# after page with COUNT N and the options ARGS.
proc coll_scan_all {scancmd key {count 10} args} {
    set cursor 0
    set out {}
    while 1 {
        lassign [r $scancmd $key $cursor count $count {*}$args] cursor page
        lappend out {*}$page
        if {$cursor eq "0"} break
    }
    return $out
}

# The bulk-string form of S in RESP, for tests that write raw protocol.
proc resp_bulk {s} { return "\$[string length $s]\r\n$s\r\n" }

# Each ARGLIST given to CMD must be refused with the arity error.
proc assert_arity_error {cmd args} {
    foreach arglist $args {
        assert_error_equal "ERR wrong number of arguments for '$cmd' command" \
            {r $cmd {*}$arglist} "$cmd $arglist"
    }
}

# 1 when EXEC aborts because another client ran CMD between WATCH k and
# EXEC; the commands of SETUP prepare k first, on a flushed database.
proc watch_aborts {setup cmd} {
    r flushdb
    foreach c $setup { r {*}$c }
    r watch k
    set other [redis_client]
    catch {$other {*}$cmd}
    $other close
    r multi
    r ping
    return [expr {[r exec] eq "(nil)"}]
}

# Waits until INFO blocked_clients of the server `r` talks to reads N
# (clients waiting on keys plus those held by CLIENT PAUSE); fails the
# test after about 5 s.
proc wait_for_blocked_clients_count {n} {
    wait_for_condition 250 20 {[server_info_field r blocked_clients] == $n} else {
        fail "blocked_clients is [server_info_field r blocked_clients], not $n"
    }
}

# Waits until the client with id ID is blocked (flag b in CLIENT LIST).
proc wait_for_blocked_client_id {id} {
    wait_for_condition 250 20 {[regexp {flags=\S*b} [r client list id $id]]} else {
        fail "client $id is not blocked: [r client list id $id]"
    }
}

# Blocks the deferring client rd (whose client id is id) with cmd, ends
# its wait with CLIENT UNBLOCK id [how] (how: "", timeout or error), and
# checks the reply: the UNBLOCKED error, else a null array.
proc assert_unblocked_by_client_unblock {rd id cmd how} {
    $rd {*}$cmd
    wait_for_blocked_client_id $id
    assert_equal 1 [r client unblock $id {*}$how] "$cmd $how"
    if {$how eq "error"} {
        assert_error_equal "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd read}
    } else {
        assert_equal "*-1\r\n" [$rd read_raw] "$cmd $how"
    }
}

# A new deferring client of the innermost server, speaking RESP PROTO
# (2 or 3), that sent ARGS and is now blocked: INFO blocked_clients must
# reach N (the clients blocked so far, this one included).
proc blocked_client {proto n args} {
    set rd [redis_deferring_client]
    if {$proto == 3} {
        $rd hello 3
        $rd read
    }
    $rd {*}$args
    wait_for_blocked_clients_count $n
    return $rd
}

# The exact bytes of EXEC's reply to a transaction of CMDS (a list of
# argument lists), on a fresh connection speaking RESP PROTO.
proc exec_reply_raw {proto cmds} {
    set c [redis_deferring_client]
    if {$proto == 3} {
        $c hello 3
        $c read
    }
    $c multi
    $c read
    foreach cmd $cmds {
        $c {*}$cmd
        assert_equal QUEUED [$c read] $cmd
    }
    $c exec
    set raw [$c read_raw]
    $c close
    return $raw
}

# ---- redis-kv's own servers for durability tests ---------------------------
# (collections_log, collections_durability, compaction and setrange_log
# still have their own copies of these.)

# A redis-kv server of our own (spawn_server) on DIR, a fresh temp dir by
# default, with appendfsync always and no automatic compaction, plus
# OVERRIDES; returns the spawn_server dict with its blocking client.
proc spawn_durable_server {{dir ""} {overrides {}}} {
    if {$dir eq ""} { set dir [new_tmpdir] }
    set o [dict create appendfsync always compact-garbage-percent 0]
    foreach {k v} $overrides { dict set o $k $v }
    return [spawn_server -dir $dir -overrides $o -timeout 30 -client]
}

# utils/redis-kv-check ARGS must exit 0 (WHEN says when, for the failure
# message); returns its output.  No server may run on the directory.
proc redis_kv_check {when args} {
    set tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]
    if {![file executable $tool]} { fail "utils/redis-kv-check is not built ($tool)" }
    lassign [run_tool $tool {*}$args] rc out
    if {$rc != 0} { fail "redis-kv-check $args exited $rc $when:\n$out" }
    return $out
}

# With the server S (on DIR) stopped: redis-kv-check passes, and VERIFY (a
# command prefix, called with a client and a text saying when) reads the
# data back after a graceful restart and after kill -9.
proc check_restarts {s dir verify} {
    assert_match "*result: clean*" [redis_kv_check "after the stop" $dir]
    set s [restart_server $s]
    {*}$verify [dict get $s client] "after a graceful restart"
    set s [restart_server $s -kill9]
    {*}$verify [dict get $s client] "after kill -9"
    stop_server $s
    assert_match "*result: clean*" [redis_kv_check "after the restarts" $dir]
}

# Waits (bounded, polling INFO) until no compaction runs on the server of
# client C.
proc wait_compaction_end {c} {
    wait_for_condition 3000 20 {
        [server_info_field $c aof_rewrite_in_progress] == 0
    } else {
        fail "the compaction did not end"
    }
}

# ---- models of lists (unit/list, unit/list_durability) ---------------------

# The inclusive range {first last} of a list of LEN elements that LRANGE
# and LTRIM give for START END (negative counts from the end), or {} when
# it is empty: the model of Redis's index rules.
proc list_index_range {len start end} {
    if {$start < 0} { set start [expr {$len + $start}] }
    if {$end < 0} { set end [expr {$len + $end}] }
    if {$start < 0} { set start 0 }
    if {$start > $end || $start >= $len} { return {} }
    if {$end >= $len} { set end [expr {$len - 1}] }
    return [list $start $end]
}

# LREM COUNT V on the Tcl list L (a model of a list): returns {newlist
# removed}.
proc list_model_lrem {l count v} {
    set removed 0
    set limit [expr {$count == 0 ? -1 : abs($count)}]
    if {$count < 0} { set l [lreverse $l] }
    set out {}
    foreach e $l {
        if {$e eq $v && $removed != $limit} {
            incr removed
            continue
        }
        lappend out $e
    }
    if {$count < 0} { set out [lreverse $out] }
    return [list $out $removed]
}

# ---- busy scripts (unit/scripting, unit/functions) -------------------------

# Waits until client C is answered -BUSY (a script or function of another
# client ran past busy-reply-threshold); returns the error text.  Polls,
# never times the script.
proc wait_for_busy_script {c} {
    set err ""
    wait_for_condition 500 10 {
        [catch {$c ping} err] && [string match BUSY* $err]
    } else {
        fail "the server never answered BUSY (last reply: $err)"
    }
    return $err
}

# Waits until client C's PING is answered PONG again (the script ended).
proc wait_for_script_end {c} {
    wait_for_condition 500 10 {![catch {$c ping} r] && $r eq "PONG"} else {
        fail "the server is still busy"
    }
}

# Runs BODY in the caller; then, whether it passed or not, stops a script
# or function still running (SCRIPT KILL, FUNCTION KILL) and waits for the
# server to answer again, so that a failed test does not leave the server
# busy for the tests after it.
proc with_busy_cleanup {body} {
    try {
        uplevel 1 $body
    } finally {
        set k [redis_client]
        for {set i 0} {$i < 500} {incr i} {
            catch {$k script kill}
            catch {$k function kill}
            if {![catch {$k ping}]} break
            after 10
        }
        $k close
    }
}

# SHUTDOWN NOSAVE on client C of the spawned server S, busy in a script
# that client RD runs: S must close C and exit.  Closes both clients.
proc shutdown_nosave_busy {s c rd} {
    catch {$c shutdown nosave}
    assert_closed $c
    assert {[wait_server_exit $s 10]}
    $rd close
    $c close
    stop_server $s -nocheck
}

# 1 if another client's write to KEY, after RD (a RESP3 client with
# CLIENT TRACKING on) ran CMD, sends RD an invalidation of KEY; else 0.
# KEY is made a string first and written with SET, or with the commands
# MAKE and WRITE (argument lists after the key) for another type.
proc tracking_invalidates {rd key cmd {make {set v}} {write {set w}}} {
    r del $key
    r [lindex $make 0] $key {*}[lrange $make 1 end]
    $rd {*}$cmd
    $rd read
    r [lindex $write 0] $key {*}[lrange $write 1 end]
    $rd ping
    set first [$rd read]
    if {[$rd last_type] ne ">"} {
        assert_equal PONG $first
        return 0
    }
    assert_equal [list invalidate $key] $first $cmd
    assert_equal PONG [$rd read]
    return 1
}
