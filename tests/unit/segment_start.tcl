# The newest segment at start-up (store/recovery.h, "The newest segment";
# issue 14).  A newest segment file that exists but holds no header (empty,
# as a crash between creating a file and writing its header leaves it, or
# cut to zero bytes) is given its header before anything is appended to it,
# so a write acknowledged after that start survives the next kill -9.  A
# newest segment whose header is damaged with records after it is real
# damage: it is reported, left byte for byte as it is, and the writes go to
# a new segment after it.  Every server runs with appendfsync always, is
# stopped with kill -9 and restarted on the same data directory.
#
# redis-kv only (tags redis-kv-only needs:own-server): the tests reach into
# the data directory's segment files.  The servers are started with the
# harness's spawn_server and only those PIDs are signalled.

# ------------------------------------------------------------------ helpers

set ::ss_tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]

# Start a server on DIR (a fresh temp dir unless given) with appendfsync
# always and any extra config OVERRIDES; returns the spawn_server dict.
proc ss_start {{dir ""} {overrides {}}} {
    if {$dir eq ""} { set dir [new_tmpdir] }
    return [spawn_server -dir $dir -overrides [list appendfsync always {*}$overrides] \
                -timeout 30 -client]
}

# The segment files of DIR, oldest first.
proc ss_segments {dir} {
    return [lsort [glob -nocomplain -directory $dir seg-*.log]]
}

proc ss_read {path} {
    set f [open $path rb]
    set data [read $f]
    close $f
    return $data
}

# Creates PATH empty, or cuts it to zero bytes.
proc ss_empty {path} {
    close [open $path w]
}

# The log of server S's current start.
proc ss_log {s} { return [ss_read [dict get $s stdout]] }

# redis-kv-check on DIR: {exitcode output}; skips the test when the tool
# is not built.
proc ss_check {dir} {
    if {![file executable $::ss_tool]} { skip "utils/redis-kv-check is not built" }
    return [run_tool $::ss_tool $dir]
}

# Inside a test body: skips unless the server under test is redis-kv,
# then starts a server on a fresh directory that writes a=1 and b=2 and is
# killed; returns its spawn_server dict.
proc ss_two_keys_then_kill {} {
    if {$::ss_skip ne ""} { skip $::ss_skip }
    stop_spawned_servers
    set s [ss_start]
    set c [dict get $s client]
    $c set a 1
    $c set b 2
    stop_server $s -kill9
    return $s
}

# The issue's sequence after the damage: start, SET c 3 (answered OK),
# kill -9, start again, and c must be there.  Returns the last server.
proc ss_write_c_and_crash {s} {
    set s [restart_server $s]
    assert_equal OK [[dict get $s client] set c 3]
    stop_server $s -kill9
    set s [restart_server $s]
    assert_equal 3 [[dict get $s client] get c]
    return $s
}

start_server {tags {segment_start redis-kv-only needs:own-server}} {
    set ::ss_skip ""
    if {![regexp -line {^redis_kv_version:} [r info server]]} {
        set ::ss_skip "the server under test is not redis-kv"
    }

    test {An empty newest segment (a crash before its header): a write after it survives kill -9} {
        set s [ss_two_keys_then_kill]
        set dir [dict get $s dir]
        assert_equal [list [file join $dir seg-00000001.log]] [ss_segments $dir]
        set seg2 [file join $dir seg-00000002.log]
        ss_empty $seg2

        # The checker says so, and leaves the file as it is.
        lassign [ss_check $dir] rc out
        assert_equal 1 $rc $out
        assert_match "*UNWRITTEN HEADER: $seg2 has no header*" $out
        assert_match "*result: UNWRITTEN HEADER*" $out
        assert_equal 0 [file size $seg2]

        set s [ss_write_c_and_crash $s]
        set c [dict get $s client]
        assert_equal {1 2 3} [$c mget a b c]
        assert_equal 0 [server_info_field $c storage_damage_reports]
        assert_no_match "*Torn tail*" [ss_log $s]
        stop_server $s
        assert_equal 2 [llength [ss_segments $dir]]
        lassign [ss_check $dir] rc out
        assert_equal 0 $rc $out
    }

    test {The start after an empty newest segment logs that it wrote the header} {
        set s [ss_two_keys_then_kill]
        set dir [dict get $s dir]
        ss_empty [file join $dir seg-00000002.log]
        set s [restart_server $s]
        assert_match "*seg-00000002.log had no header*header written*" [ss_log $s]
        assert_equal 32 [file size [file join $dir seg-00000002.log]]
        assert_equal 0 [server_info_field [dict get $s client] storage_damage_reports]
        stop_server $s -kill9
    }

    test {The only segment cut to zero bytes: a write after it survives kill -9} {
        set s [ss_two_keys_then_kill]
        set dir [dict get $s dir]
        ss_empty [file join $dir seg-00000001.log]
        set s [ss_write_c_and_crash $s]
        # a and b went with the file's bytes; c, written after, is kept.
        assert_equal {(nil) (nil) 3} [[dict get $s client] mget a b c]
        assert_equal 0 [server_info_field [dict get $s client] storage_damage_reports]
        stop_server $s -kill9
    }

    test {The newest of several segments cut to zero bytes: older keys and a write after it survive} {
        if {$::ss_skip ne ""} { skip $::ss_skip }
        stop_spawned_servers
        set s [ss_start "" {segment-size 1024}]
        set dir [dict get $s dir]
        set c [dict get $s client]
        # Write until the first rotation: every key so far is in segment 1.
        set n 0
        while {[llength [ss_segments $dir]] < 2} {
            $c set k$n [string repeat v 100]
            incr n
            assert {$n < 100}
        }
        $c set x "in the segment that is cut"
        stop_server $s -kill9
        set newest [lindex [ss_segments $dir] end]
        assert_equal [file join $dir seg-00000002.log] $newest
        ss_empty $newest

        set s [ss_write_c_and_crash $s]
        set c [dict get $s client]
        for {set i 0} {$i < $n} {incr i} {
            assert_equal [string repeat v 100] [$c get k$i]
        }
        assert_equal (nil) [$c get x]
        assert_equal [expr {$n + 1}] [$c dbsize]
        assert_equal 0 [server_info_field $c storage_damage_reports]
        stop_server $s -kill9
    }

    test {A newest segment with a damaged header and records after it is kept; writes go to a new one} {
        set s [ss_two_keys_then_kill]
        set dir [dict get $s dir]
        set seg1 [file join $dir seg-00000001.log]
        set data [ss_read $seg1]
        # Flip a bit of the magic: the header is bad, the records are not.
        binary scan $data c first
        set f [open $seg1 r+b]
        puts -nonewline $f [binary format c [expr {$first ^ 1}]]
        close $f
        set damaged [ss_read $seg1]

        set s [restart_server $s]
        set c [dict get $s client]
        assert_match "*seg-00000001.log has a damaged header*" [ss_log $s]
        assert_match "*seg-00000001.log at offset 0 (32 bytes): bad segment header*" [ss_log $s]
        assert_equal {1 2} [$c mget a b]
        assert {[server_info_field $c storage_damage_reports] >= 1}
        assert_equal [list $seg1 [file join $dir seg-00000002.log]] [ss_segments $dir]
        assert_equal OK [$c set c 3]
        stop_server $s -kill9

        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal {1 2 3} [$c mget a b c]
        # Still reported at every start, never written to.
        assert {[server_info_field $c storage_damage_reports] >= 1}
        assert_match "*seg-00000001.log at offset 0 (32 bytes): bad segment header*" [ss_log $s]
        stop_server $s
        assert {[ss_read $seg1] eq $damaged}
        assert_equal 2 [llength [ss_segments $dir]]

        lassign [ss_check $dir] rc out
        assert_equal 1 $rc $out
        assert_match "*DAMAGE: $seg1 offset 0 (32 bytes): bad segment header: bad magic*" $out
        assert_match "*seg-00000002.log active*" $out
    }
}
