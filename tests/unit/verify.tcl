# Background verification of sealed segments (store/verify.h): after a
# start, every sealed segment -- loaded from its hint, values unread -- is
# read once on a thread of the server's own, paced by verify-bytes-per-sec,
# and each damaged record is reported in the log (file and offset) and in
# INFO storage (storage_verify_*, storage_damage_reports):
#   - a clean data set: every sealed segment read once, nothing damaged,
#     and segments sealed later are read too;
#   - a byte flipped in a value of a sealed segment (hint untouched): one
#     damaged record with its file and offset; GET of that key still
#     answers the read error, every other key its value;
#   - many damaged records in one segment: the log is capped per segment;
#   - verify-bytes-per-sec 0 reads nothing until a rate is set again;
#   - a compaction deleting segments under a running verification: they
#     are skipped, nothing is reported, the outputs are read afterwards;
#   - CONFIG GET / SET of verify-bytes-per-sec.
#
# Nothing asserts a timing: the tests poll INFO with wait_for_condition.
# redis-kv only (tag redis-kv-only): every test spawns its own servers
# with small segments (segment-size 4096) and stops them with SIGTERM;
# they skip themselves when the server under test is not redis-kv.

# ------------------------------------------------------------------ helpers

proc vf_require {} {
    if {[using_external_server]} { skip "needs its own server (not with --host/--port)" }
    if {![info exists ::vf_skip]} {
        set s [spawn_server]
        set c [redis_client $s]
        set ::vf_skip ""
        if {![regexp -line {^redis_kv_version:} [$c info server]]} {
            set ::vf_skip "the server under test is not redis-kv"
        }
        $c close
        stop_server $s -nocheck
    }
    if {$::vf_skip ne ""} { skip $::vf_skip }
}

# Small segments, no automatic compaction; ARGS add or override.
proc vf_spawn {args} {
    return [spawn_server -overrides [list segment-size 4096 compact-garbage-percent 0 {*}$args]]
}

proc vf_key {i} { return "vk:$i" }
proc vf_value {i} { return "value:$i-[string repeat x 20]" }

# N keys; ~75 bytes per record: a 4 KB segment holds about 54.
proc vf_fill {c n {from 0}} {
    set cmds {}
    for {set i $from} {$i < $from + $n} {incr i} { lappend cmds [list set [vf_key $i] [vf_value $i]] }
    foreach r [pipeline_replies $c $cmds] { assert_equal OK $r }
}

proc vf_read {path} {
    set f [open $path r]
    fconfigure $f -translation binary
    set data [read $f]
    close $f
    return $data
}

# Where key I's SET record starts in PATH (-1 if not there): the key and
# its value lie back to back after the 44-byte record header.
proc vf_record_offset {path i} {
    set pos [string first "[vf_key $i][vf_value $i]" [vf_read $path]]
    return [expr {$pos < 0 ? -1 : $pos - 44}]
}

# Flips a byte in the middle of key I's value in PATH; returns the
# record's offset.
proc vf_damage_value {path i} {
    set off [vf_record_offset $path $i]
    assert {$off >= 0} "key $i is not in $path"
    flip_byte $path [expr {$off + 44 + [string length [vf_key $i]] + 10}]
    return $off
}

# The keys whose records lie in PATH, from FROM up to (not including) N.
proc vf_keys_in {path n} {
    set data [vf_read $path]
    set keys {}
    for {set i 0} {$i < $n} {incr i} {
        if {[string first "[vf_key $i][vf_value $i]" $data] >= 0} { lappend keys $i }
    }
    return $keys
}

proc vf_sealed_count {dir} {
    return [expr {[llength [glob -nocomplain -directory $dir seg-*.log]] - 1}]
}

proc vf_sealed_bytes {dir} {
    set segs [lsort [glob -nocomplain -directory $dir seg-*.log]]
    set total 0
    foreach f [lrange $segs 0 end-1] { incr total [file size $f] }
    return $total
}

proc vf_stats {c} {
    return [server_info_fields $c storage_verify_in_progress storage_verify_segments_done \
                storage_verify_segments_skipped storage_verify_bytes \
                storage_verify_damaged_records storage_verify_read_errors \
                storage_verify_last_damage storage_damage_reports]
}

proc vf_field {c name} { return [dict get [vf_stats $c] storage_verify_$name] }

# Waits until the verification has read DONE segments and is idle.
proc vf_wait_done {c done} {
    wait_for_condition 400 50 {
        [vf_field $c in_progress] == 0 && [vf_field $c segments_done] >= $done
    } else {
        fail "verification not done: [vf_stats $c]"
    }
}

# A server (returned, stopped) whose directory holds 300 keys in several
# sealed segments, each with its hint; ARGS are config overrides.
proc vf_prepare {args} {
    set s [vf_spawn {*}$args]
    set c [redis_client $s]
    vf_fill $c 300
    $c close
    stop_server $s
    assert {[vf_sealed_count [dict get $s dir]] >= 4}
    return $s
}

# The lines of the server's log that contain LITERAL.
proc vf_log_lines {s literal} {
    set out {}
    foreach l [split [vf_read [dict get $s stdout]] "\n"] {
        if {[string first $literal $l] >= 0} { lappend out $l }
    }
    return $out
}

# ------------------------------------------------------------------ tests

tags {redis-kv-only} {
    test {verify: a clean data set has every sealed segment read once, nothing damaged} {
        vf_require
        set s [vf_prepare]
        set dir [dict get $s dir]
        set sealed [vf_sealed_count $dir]
        assert {$sealed >= 4} "sealed segments: $sealed"
        set bytes [vf_sealed_bytes $dir]

        set s [restart_server $s]
        set c [redis_client $s]
        # Every sealed segment came from its hint: none was read at start.
        assert_equal $sealed [server_info_field $c storage_segments_from_hints]
        vf_wait_done $c $sealed
        set st [vf_stats $c]
        assert_equal $sealed [dict get $st storage_verify_segments_done]
        assert_equal $bytes [dict get $st storage_verify_bytes]
        assert_equal 0 [dict get $st storage_verify_damaged_records]
        assert_equal 0 [dict get $st storage_verify_segments_skipped]
        assert_equal 0 [dict get $st storage_verify_read_errors]
        assert_equal "" [dict get $st storage_verify_last_damage]
        assert_equal 0 [dict get $st storage_damage_reports]
        assert_equal 1 [llength [vf_log_lines $s "Background verification of the sealed segments done: $sealed read ($bytes bytes), 0 damaged regions"]]
        assert_equal {} [vf_log_lines $s "damaged data in"]

        # Segments sealed from now on are read too, once each.
        vf_fill $c 200 300
        set sealed2 [vf_sealed_count $dir]
        assert_morethan $sealed2 $sealed
        vf_wait_done $c $sealed2
        assert_equal $sealed2 [vf_field $c segments_done]
        assert_equal [vf_sealed_bytes $dir] [vf_field $c bytes]
        assert_equal 0 [vf_field $c damaged_records]
        $c close
        stop_server $s
    }

    test {verify: a flipped byte in a sealed segment is reported with file and offset, GET still errs} {
        vf_require
        set s [vf_prepare]
        set dir [dict get $s dir]
        set seg2 [file join $dir seg-00000002.log]
        set hint2 [file join $dir seg-00000002.hint]
        set hintBefore [vf_read $hint2]
        set keys [vf_keys_in $seg2 300]
        assert {[llength $keys] >= 20} "keys in segment 2: $keys"
        set bad [lindex $keys [expr {[llength $keys] / 2}]]
        set off [vf_damage_value $seg2 $bad]
        assert_equal $hintBefore [vf_read $hint2]

        set s [restart_server $s]
        set c [redis_client $s]
        # The start itself finds nothing: segment 2 loads from its hint.
        assert_equal [vf_sealed_count $dir] [server_info_field $c storage_segments_from_hints]
        vf_wait_done $c [vf_sealed_count $dir]
        set st [vf_stats $c]
        assert_equal 1 [dict get $st storage_verify_damaged_records] $st
        assert_equal "seg-00000002.log:$off" [dict get $st storage_verify_last_damage]
        assert_equal 1 [dict get $st storage_damage_reports]
        set lines [vf_log_lines $s "Background verification: damaged data in"]
        assert_equal 1 [llength $lines] $lines
        assert_match "*damaged data in */seg-00000002.log at offset $off (* bytes): record checksum mismatch" \
            [lindex $lines 0]
        assert_match "*1 damaged regions*" [vf_log_lines $s "Background verification of the sealed"]

        # Never the wrong bytes: the damaged key answers the read error ...
        assert_error "ERR Error reading value from the data file" {$c get [vf_key $bad]}
        assert_equal 1 [$c exists [vf_key $bad]]
        # ... and every other key its value.
        for {set i 0} {$i < 300} {incr i} {
            if {$i == $bad} continue
            assert_equal [vf_value $i] [$c get [vf_key $i]] "key $i"
        }
        # DEL is the way out without a backup: the key is gone, and the
        # damage stays a report (the record is not rewritten).
        assert_equal 1 [$c del [vf_key $bad]]
        assert_equal {} [$c get [vf_key $bad]]
        $c close
        stop_server $s
    }

    test {verify: a badly damaged segment logs at most 10 lines for it, and counts them all} {
        vf_require
        set s [vf_prepare]
        set dir [dict get $s dir]
        set seg2 [file join $dir seg-00000002.log]
        set keys [vf_keys_in $seg2 300]
        # Every third record: damaged records never touch, so each is a
        # region of its own.
        set damaged 0
        for {set j 1} {$j < [llength $keys] && $damaged < 15} {incr j 3} {
            vf_damage_value $seg2 [lindex $keys $j]
            incr damaged
        }
        assert_equal 15 $damaged

        set s [restart_server $s]
        set c [redis_client $s]
        vf_wait_done $c [vf_sealed_count $dir]
        assert_equal 15 [vf_field $c damaged_records]
        assert_equal 15 [server_info_field $c storage_damage_reports]
        assert_equal 10 [llength [vf_log_lines $s "damaged data in"]]
        set more [vf_log_lines $s "more damaged regions in"]
        assert_equal 1 [llength $more] $more
        assert_match "*Background verification: 5 more damaged regions in */seg-00000002.log (not logged)" \
            [lindex $more 0]
        $c close
        stop_server $s
    }

    test {verify: verify-bytes-per-sec 0 reads nothing until a rate is set} {
        vf_require
        set s [vf_prepare]
        set dir [dict get $s dir]
        set seg2 [file join $dir seg-00000002.log]
        set bad [lindex [vf_keys_in $seg2 300] 5]
        set off [vf_damage_value $seg2 $bad]

        dict set s launch overrides [list segment-size 4096 compact-garbage-percent 0 \
                                         verify-bytes-per-sec 0]
        set s [restart_server $s]
        set c [redis_client $s]
        assert_equal {verify-bytes-per-sec 0} [$c config get verify-bytes-per-sec]
        # Give a verification every chance to (wrongly) run.
        after 1500
        set st [vf_stats $c]
        assert_equal 0 [dict get $st storage_verify_in_progress]
        assert_equal 0 [dict get $st storage_verify_segments_done]
        assert_equal 0 [dict get $st storage_verify_bytes]
        assert_equal 0 [dict get $st storage_verify_damaged_records]
        assert_equal 0 [dict get $st storage_damage_reports]
        assert_equal {} [vf_log_lines $s "Background verification"]

        # A rate starts it where it stands.
        assert_equal OK [$c config set verify-bytes-per-sec 10mb]
        vf_wait_done $c [vf_sealed_count $dir]
        assert_equal 1 [vf_field $c damaged_records]
        assert_equal "seg-00000002.log:$off" [vf_field $c last_damage]
        $c close
        stop_server $s
    }

    test {verify: segments a compaction deletes under the verification are skipped cleanly} {
        vf_require
        set s [vf_spawn verify-bytes-per-sec 1]
        set dir [dict get $s dir]
        set c [redis_client $s]
        vf_fill $c 300
        vf_fill $c 300
        # One byte a second: the first segment is read, then the pacer
        # waits (for hours) before the next one.
        wait_for_condition 400 50 {[vf_field $c bytes] > 0} else {
            fail "verification never began: [vf_stats $c]"
        }
        assert_equal 1 [vf_field $c in_progress]
        $c bgrewriteaof
        wait_for_condition 400 50 {
            [server_info_field $c storage_compacting] == 0 &&
            [server_info_field $c storage_compactions] == 1
        } else {
            fail "compaction did not finish"
        }
        # Every input is gone; the verification goes on at a real rate.
        assert_equal OK [$c config set verify-bytes-per-sec 32mb]
        vf_wait_done $c 1
        set st [vf_stats $c]
        # At least the one read when the compaction began (the worker
        # lists the directory only when it has nothing left to read).
        assert_morethan_equal [dict get $st storage_verify_segments_skipped] 1 $st
        assert_equal 0 [dict get $st storage_verify_damaged_records] $st
        assert_equal 0 [dict get $st storage_verify_read_errors] $st
        assert_equal {} [vf_log_lines $s "damaged data in"]
        # The outputs are sealed segments too: all of them were read (the
        # worker lists the directory again once the skipped ones are done).
        assert_equal [vf_sealed_count $dir] [dict get $st storage_verify_segments_done] $st
        for {set i 0} {$i < 300} {incr i} { assert_equal [vf_value $i] [$c get [vf_key $i]] }
        $c close
        stop_server $s
    }

    test {verify: CONFIG GET / SET verify-bytes-per-sec} {
        vf_require
        set s [vf_spawn]
        set c [redis_client $s]
        assert_equal {verify-bytes-per-sec 33554432} [$c config get verify-bytes-per-sec]
        assert_equal OK [$c config set verify-bytes-per-sec 1gb]
        assert_equal {verify-bytes-per-sec 1073741824} [$c config get verify-bytes-per-sec]
        assert_equal OK [$c config set verify-bytes-per-sec 0]
        assert_equal {verify-bytes-per-sec 0} [$c config get verify-bytes-per-sec]
        assert_error "ERR CONFIG SET failed (possibly related to argument 'verify-bytes-per-sec') - argument must be a memory value" \
            {$c config set verify-bytes-per-sec fast}
        assert_error "ERR CONFIG SET failed (possibly related to argument 'verify-bytes-per-sec') - argument must be a memory value" \
            {$c config set verify-bytes-per-sec -1}
        assert_equal {verify-bytes-per-sec 0} [$c config get verify-bytes-per-sec]
        $c close
        stop_server $s
    }
}
