# utils/redis-kv-check, the offline checker of a redis-kv data directory:
# --verify (the default) on a clean directory after a graceful shutdown, a
# torn tail (and that the tool leaves it for the server to cut), a damaged
# sealed segment reported with its file and offset, --dump, --stats and
# the usage errors.
#
# redis-kv only (tag redis-kv-only): every test starts and stops its own
# servers with spawn_server, writes through SET / FLUSHALL (MSET and DEL
# where noted), stops the server with SIGTERM (a graceful shutdown) and then
# runs the tool on the server's directory.  The tests skip themselves in
# --host/--port mode, when utils/redis-kv-check is not built, when the
# server under test is not redis-kv, or when it has no SET command yet.

# ------------------------------------------------------------------ helpers

set ::kvc_tool [file join [file dirname $::test::tests_dir] utils redis-kv-check]

# Run the tool; returns {exitcode output} (stdout and stderr together).
proc kvc_run {args} { run_tool $::kvc_tool {*}$args }

proc kvc_need_tool {} {
    if {![file executable $::kvc_tool]} { skip "utils/redis-kv-check is not built" }
}

# "" when the tests can run, else why not.  Starts one server to look at it
# (once per file).
proc kvc_probe {} {
    if {[using_external_server]} { return "needs its own server (not with --host/--port)" }
    if {![file executable $::kvc_tool]} { return "utils/redis-kv-check is not built" }
    set s [spawn_server]
    set why ""
    set c [redis_client $s]
    if {![regexp -line {^redis_kv_version:} [$c info server]]} {
        set why "the server under test is not redis-kv"
    } elseif {[catch {$c set kvc:probe 1} err]} {
        if {[string match -nocase "*unknown command*" $err]} {
            set why "the server has no SET command yet (\"$err\"): nothing can be written"
        } else {
            set why "SET failed: $err"
        }
    }
    $c close
    stop_server $s -nocheck
    return $why
}

# Skips the current test unless the tool, redis-kv and SET are there.
proc kvc_require {} {
    if {![info exists ::kvc_skip_reason]} { set ::kvc_skip_reason [kvc_probe] }
    if {$::kvc_skip_reason ne ""} { skip $::kvc_skip_reason }
}

# Skips the current test when the server does not know COMMAND (by name).
proc kvc_require_command {c name} {
    set info [$c command info $name]
    if {![llength $info] || [lindex $info 0] eq ""} {
        skip "the server has no [string toupper $name] command yet"
    }
}

# Graceful shutdown (SIGTERM): the server syncs and closes its data files.
proc kvc_stop {s} {
    if {![stop_server $s -nocheck]} { fail "server [dict get $s pid] did not exit" }
}

# Every file of DIR with its size, mtime and contents, to prove that the
# tool changes nothing (creates, removes, truncates or rewrites no file).
proc kvc_snapshot {dir} {
    set snap {}
    foreach f [lsort [glob -nocomplain -directory $dir *]] {
        set fd [open $f r]
        fconfigure $fd -translation binary
        set data [read $fd]
        close $fd
        lappend snap [file tail $f] [file size $f] [file mtime $f] $data
    }
    return $snap
}

proc kvc_assert_unchanged {dir before} {
    set after [kvc_snapshot $dir]
    if {$after ne $before} {
        set names {}
        foreach {n size mtime data} $after { lappend names "$n:$size" }
        set was {}
        foreach {n size mtime data} $before { lappend was "$n:$size" }
        fail "the tool changed $dir: before {$was}, after {$names}"
    }
}

# The segment files of DIR, sorted.
proc kvc_segments {dir} {
    return [lsort [glob -nocomplain -directory $dir seg-*.log]]
}

proc kvc_file_size {path} { return [file size $path] }

proc kvc_truncate {path size} {
    set fd [open $path r+]
    chan truncate $fd $size
    close $fd
}

# XOR the byte at OFFSET of PATH with 0xff.
proc kvc_flip_byte {path offset} { flip_byte $path $offset }

# The value of "field: value" in the tool's output ("" if absent).
proc kvc_field {out field} {
    if {[regexp -line "^$field: (.*)\$" $out -> v]} { return $v }
    return ""
}

# Fails unless OUT contains LITERAL (no glob: the tool's escapes have
# backslashes).
proc kvc_assert_contains {out literal} {
    if {[string first $literal $out] < 0} {
        fail "'$literal' not found in: [::test::trunc $out 2000]"
    }
}

# The line of OUT that contains LITERAL ("" if none).
proc kvc_line {out literal} {
    foreach l [split $out "\n"] {
        if {[string first $literal $l] >= 0} { return $l }
    }
    return ""
}

# Write N keys "key:I" = "value:I" into the current database of C.
proc kvc_fill {c n {prefix key}} {
    for {set i 0} {$i < $n} {incr i} { $c set $prefix:$i value:$i }
}

# ------------------------------------------------------------------ tests

tags {redis-kv-only} {
    test {redis-kv-check: clean directory after writes and a graceful shutdown} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        # Writes that a FLUSHALL wipes out again.
        $c select 3
        kvc_fill $c 7 gone
        $c select 0
        kvc_fill $c 5 gone
        $c flushall
        # What must survive.
        kvc_fill $c 100
        $c set key:ttl v px 100000000
        $c set key:5 overwritten
        $c select 1
        kvc_fill $c 10
        $c close
        kvc_stop $s

        set before [kvc_snapshot $dir]
        lassign [kvc_run $dir] rc out
        assert_equal 0 $rc $out
        assert_match "*result: clean*" $out
        assert_match "*seg-00000001.log active size=* damage=0 hint=none*" $out
        assert_equal "db0: keys=101,expires=1" [lindex [regexp -inline -line {^db0: .*$} $out] 0] $out
        assert_equal "db1: keys=10,expires=0" [lindex [regexp -inline -line {^db1: .*$} $out] 0] $out
        assert_no_match "*db3:*" $out
        assert_match "111 (1 with an expiry, *" [kvc_field $out keys]
        # 12 SETs flushed + 1 FLUSHALL + 112 SETs.
        assert_equal "125 applied (set 124, del 0, expire 0, flushdb 0, flushall 1, swapdb 0, dbmap 0, element 0, element-del 0)" \
            [kvc_field $out records]
        assert_equal "0 bytes" [kvc_field $out "torn tail"]
        assert_equal "0 regions (0 bytes)" [kvc_field $out damage]
        # All bytes are one segment file: header + records.
        set size [kvc_file_size [lindex [kvc_segments $dir] 0]]
        assert_match "$size total, * live, * garbage (*%)" [kvc_field $out bytes]
        kvc_assert_unchanged $dir $before

        # The server agrees after a restart on the same directory.
        set s2 [restart_server $s]
        set c [redis_client $s2]
        assert_equal 101 [$c dbsize]
        $c select 1
        assert_equal 10 [$c dbsize]
        $c close
        kvc_stop $s2
    }

    test {redis-kv-check: deletes and MSET batches are replayed} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        kvc_require_command $c mset
        kvc_require_command $c del
        kvc_fill $c 10
        $c mset m1 a m2 b m3 c m4 d
        $c del key:1 key:2 m2
        $c close
        kvc_stop $s
        lassign [kvc_run $dir] rc out
        assert_equal 0 $rc $out
        # The MSET is one batch (a multi-key DEL may be one too).
        assert_match "* committed, 0 dropped" [kvc_field $out batches]
        assert_morethan_equal [lindex [kvc_field $out batches] 0] 1
        assert_equal "db0: keys=11,expires=0" [lindex [regexp -inline -line {^db0: .*$} $out] 0] $out
        lassign [kvc_run $dir --dump] rc dump
        assert_equal 0 $rc $dump
        assert_match "*type=batch-begin db=0 key=\"\" expire=none vlen=4 count=4\n*key=\"m4\"*type=batch-commit*" $dump
        assert_no_match "*not applied*" $dump
        assert_match "*, del 3, *" [kvc_field $out records]
    }

    test {redis-kv-check: a torn tail is reported (exit 1) and the directory is not modified} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        kvc_fill $c 20
        $c close
        kvc_stop $s
        set seg [lindex [kvc_segments $dir] end]
        set size [kvc_file_size $seg]
        # The last record is SET key:19 value:19: 44 header bytes + 6 + 8.
        set last [expr {$size - (44 + 6 + 8)}]
        kvc_truncate $seg [expr {$size - 5}]
        set torn [expr {$size - 5 - $last}]

        set before [kvc_snapshot $dir]
        lassign [kvc_run $dir] rc out
        assert_equal 1 $rc $out
        assert_match "*TORN TAIL: $seg offset $last ($torn bytes)*" $out
        assert_match "*torn=$torn@$last*" $out
        assert_equal "$torn bytes at offset $last of [file tail $seg]" [kvc_field $out "torn tail"]
        assert_equal "0 regions (0 bytes)" [kvc_field $out damage]
        assert_match "TORN TAIL*" [kvc_field $out result]
        assert_equal "db0: keys=19,expires=0" [lindex [regexp -inline -line {^db0: .*$} $out] 0] $out
        # Other modes do not touch it either.
        lassign [kvc_run $dir --stats] rc2 out2
        assert_equal 1 $rc2 $out2
        lassign [kvc_run $dir --dump] rc3 out3
        assert_equal 1 $rc3 $out3
        assert_match "*!! torn tail seg=1 offset=$last length=$torn*" $out3
        kvc_assert_unchanged $dir $before
        assert_equal [expr {$size - 5}] [kvc_file_size $seg]

        # The server cuts exactly that at its next start; then all is clean.
        set s2 [restart_server $s]
        set c [redis_client $s2]
        assert_equal 19 [$c dbsize]
        $c close
        kvc_stop $s2
        assert_equal $last [kvc_file_size $seg]
        lassign [kvc_run $dir] rc out
        assert_equal 0 $rc $out
        assert_match "*result: clean*" $out
    }

    test {redis-kv-check: a flipped byte in a sealed segment is reported with file and offset} {
        kvc_require
        set s [spawn_server -overrides {segment-size 4096}]
        set dir [dict get $s dir]
        set c [redis_client $s]
        # ~70 bytes per record: 200 records fill several 4 KB segments.
        kvc_fill $c 200
        $c close
        kvc_stop $s
        set segs [kvc_segments $dir]
        assert {[llength $segs] >= 3} "segments: $segs"
        lassign [kvc_run $dir] rc out
        assert_equal 0 $rc $out
        assert_match "*seg-00000002.log sealed * hint=ok*" $out

        # Pick a record in the middle of segment 2 from the tool's own dump.
        lassign [kvc_run $dir --dump --segment 2 --keys-only] rc dump
        assert_equal 0 $rc $dump
        set recs [regexp -all -inline -line {^seg=2 offset=(\d+) .* key="([^"]*)"$} $dump]
        assert {[llength $recs] >= 9} $dump
        lassign [lrange $recs [expr {3 * ([llength $recs] / 6)}] end] -> off key
        set recsize [expr {44 + [string length $key] + [string length "value:[lindex [split $key :] 1]"]}]
        set seg2 [lindex $segs 1]
        assert_equal [file join $dir seg-00000002.log] $seg2
        # A byte of the value: the header still checks, the record does not.
        kvc_flip_byte $seg2 [expr {$off + 44 + [string length $key] + 2}]

        set before [kvc_snapshot $dir]
        lassign [kvc_run $dir] rc out
        assert_equal 1 $rc $out
        assert_match "*DAMAGE: $seg2 offset $off ($recsize bytes): record checksum mismatch*" $out
        # Its hint still lists the record: the tool says they disagree.
        assert_match "*seg-00000002.log sealed * damage=1 hint=mismatch*" $out
        assert_match "*HINT: *seg-00000002.hint disagrees with its segment*offset $off*" $out
        assert_equal "db0: keys=199,expires=0" [lindex [regexp -inline -line {^db0: .*$} $out] 0] $out
        assert_match "DAMAGED*" [kvc_field $out result]
        lassign [kvc_run $dir --dump --segment 2] rc out
        assert_equal 1 $rc $out
        assert_match "*!! damaged seg=2 offset=$off length=$recsize: record checksum mismatch*" $out
        kvc_assert_unchanged $dir $before
    }

    test {redis-kv-check --dump shows the records written, escaped like redis-cli} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        $c set "a\x00b" "x\ny\"z"
        $c set big [string repeat A 100]
        $c select 5
        $c set "in five" 1 px 100000000
        $c close
        kvc_stop $s

        lassign [kvc_run $dir --dump] rc out
        assert_equal 0 $rc $out
        assert_match "# seg-00000001.log active size=* header=ok*" $out
        set l [kvc_line $out {key="a\x00b"}]
        assert_match {seg=1 offset=32 seq=* ts=* (*Z) type=set db=0 key=*} $l $out
        kvc_assert_contains $l {key="a\x00b" expire=none vlen=5 value="x\ny\"z"}
        # Values are cut at 64 bytes unless --full.
        assert_match "*key=\"big\" expire=none vlen=100 value=\"[string repeat A 64]\"... (36 more bytes)*" $out
        assert_match {*type=set db=5 key="in five" expire=* (*Z) vlen=1 value="1"*} $out
        assert_match "*# 1 segments, 3 good records, 0 damage reports, 0 torn bytes*" $out
        lassign [kvc_run $dir --dump --full] rc out
        assert_equal 0 $rc $out
        assert_match "*vlen=100 value=\"[string repeat A 100]\"\n*" $out
        lassign [kvc_run $dir --dump --keys-only] rc out
        assert_equal 0 $rc $out
        set l [kvc_line $out {key="a\x00b"}]
        assert_match {seg=1 offset=32 seq=* type=set db=0 key=*} $l $out
        kvc_assert_contains $l {db=0 key="a\x00b"}
        assert_no_match "*value=*" $out
        assert_no_match "*ts=*" $out
        # A segment that does not exist is an error.
        lassign [kvc_run $dir --dump --segment 99] rc out
        assert_equal 2 $rc $out
        assert_match "*no segment 99*" $out
    }

    test {redis-kv-check --dump shows a list element's position and a trim's range} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        $c rpush l a b c d
        $c lpop l 2
        $c close
        kvc_stop $s
        lassign [kvc_run $dir --dump] rc out
        assert_equal 0 $rc $out
        # The first element sits at 2^63, the next ones 2^16 apart.
        assert_match {*type=element db=0 key="l" position=9223372036854775808 expire=none vlen=1 value="a"*} $out
        assert_match {*type=element db=0 key="l" position=9223372036854841344 expire=none vlen=1 value="b"*} $out
        # LPOP 2 is one trim record: keep from c's position to d's.
        assert_match {*type=element-del db=0 key="l" trim=9223372036854906880..9223372036854972416 *} $out
    }

    test {redis-kv-check --stats prints only the totals} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        kvc_fill $c 30
        $c close
        kvc_stop $s
        lassign [kvc_run $dir --stats] rc out
        assert_equal 0 $rc $out
        foreach f {segments records batches keys bytes hints {torn tail} damage result} {
            assert {[kvc_field $out $f] ne ""} "no '$f:' line in: $out"
        }
        assert_equal "1 (0 sealed, 1 active)" [kvc_field $out segments]
        assert_equal "clean" [kvc_field $out result]
        assert_equal "db0: keys=30,expires=0" [lindex [regexp -inline -line {^db0: .*$} $out] 0] $out
        # No per-segment lines, no heading.
        assert_no_match "*seg-00000001.log*" $out
        assert_no_match "*checking*" $out
    }

    test {redis-kv-check: usage errors exit with status 2} {
        kvc_need_tool
        set tmp [new_tmpdir]
        foreach {args pattern} [list \
            {} "*no data directory given*" \
            [list $tmp --bogus] "*unknown option '--bogus'*" \
            [list $tmp --stats --dump] "*only one of*" \
            [list $tmp --segment 1] "*go with --dump*" \
            [list $tmp --dump --segment x] "*bad segment number*" \
            [list $tmp $tmp] "*more than one directory*" \
            [list $tmp/missing] "*No such file or directory*" \
            [list [file join $::test::tests_dir runtest]] "*not a directory*"] {
            lassign [kvc_run {*}$args] rc out
            assert_equal 2 $rc "args {$args}: $out"
            assert_match $pattern $out "args {$args}"
        }
        lassign [kvc_run --help] rc out
        assert_equal 0 $rc $out
        assert_match "Usage: redis-kv-check DIR*must NOT be running*never*modifies DIR*" $out
        # An empty directory is a valid (empty) data set.
        lassign [kvc_run $tmp] rc out
        assert_equal 0 $rc $out
        assert_equal "0 (0 sealed, 0 active)" [kvc_field $out segments]
    }
}

# ------------------------------------------- point-in-time restore (--restore)

# The newest complete backup directory under DIR/backups ("" if none).
proc kvc_newest_backup {dir} {
    set best ""
    set bestId 0
    foreach d [glob -nocomplain -type d -directory [file join $dir backups] *] {
        set id [file tail $d]
        if {[string is digit -strict $id] && $id > $bestId} {
            set bestId $id
            set best $d
        }
    }
    return $best
}

proc kvc_wait_bgsave {c} {
    wait_for_condition 500 10 {
        [string match "*rdb_bgsave_in_progress:0*" [$c info persistence]]
    } else {
        fail "BGSAVE did not finish: [$c info persistence]"
    }
}

tags {redis-kv-only} {
    test {redis-kv-check --restore: undo a FLUSHALL with a BGSAVE backup and the log after it} {
        kvc_require
        set s [spawn_server]
        set dir [dict get $s dir]
        set c [redis_client $s]
        kvc_require_command $c bgsave
        # In the backup.
        kvc_fill $c 50 before
        $c select 2
        kvc_fill $c 5 db2
        $c select 0
        $c bgsave
        kvc_wait_bgsave $c
        set bk [kvc_newest_backup $dir]
        assert {$bk ne ""} "no backup under $dir/backups"
        # After the backup: only in the live directory's later segments.
        kvc_fill $c 30 after
        $c set before:7 changed
        $c del before:8
        $c mset m:1 a m:2 b
        $c select 2
        $c set db2:late yes
        $c select 0
        after 10
        set at [clock milliseconds]
        after 10
        # The mistake, and life going on after it.
        $c flushall
        kvc_fill $c 5 late
        $c select 2
        kvc_fill $c 3 late
        $c close

        # The server keeps running on $dir: the tool only reads it.
        set to [file join [new_tmpdir] restored]
        lassign [kvc_run --restore $bk --to $to --at $at] rc out
        assert_equal 0 $rc $out
        assert_match "restored backup * into $to*" $out
        # 30 SETs + SET + DEL + MSET + SET (plus the SELECTs, which log nothing)
        assert_match "*units replayed: 34 (after the backup)*" [regsub -all { +} $out " "]
        assert_equal 87 [string trim [kvc_field $out keys]] $out

        set s2 [spawn_server -dir $to]
        set c2 [redis_client $s2]
        assert_equal 81 [$c2 dbsize]
        for {set i 0} {$i < 50} {incr i} {
            if {$i == 7} {
                assert_equal changed [$c2 get before:7]
            } elseif {$i == 8} {
                assert_equal 0 [$c2 exists before:8]
            } else {
                assert_equal value:$i [$c2 get before:$i]
            }
        }
        for {set i 0} {$i < 30} {incr i} { assert_equal value:$i [$c2 get after:$i] }
        assert_equal {a b} [$c2 mget m:1 m:2]
        assert_equal 0 [llength [$c2 keys late:*]]
        $c2 select 2
        assert_equal 6 [$c2 dbsize]
        assert_equal yes [$c2 get db2:late]
        assert_equal value:4 [$c2 get db2:4]
        assert_equal 0 [llength [$c2 keys late:*]]
        # The restored server writes to its own files only.
        $c2 set new 1
        $c2 close
        kvc_stop $s2

        # The live server was not disturbed.
        set c [redis_client $s]
        assert_equal 5 [$c dbsize]
        assert_equal 0 [$c exists before:1]
        $c close
        kvc_stop $s

        # The backup alone (no --at), and --at before the backup.
        set to2 [file join [new_tmpdir] plain]
        lassign [kvc_run --restore $bk --to $to2] rc out
        assert_equal 0 $rc $out
        assert_equal 55 [string trim [kvc_field $out keys]] $out
        lassign [kvc_run --restore $bk --to [file join [new_tmpdir] early] --at 1000] rc out
        assert_equal 2 $rc $out
        assert_match "*before the backup was taken*" $out
        # A target that is not empty is refused.
        lassign [kvc_run --restore $bk --to $to2] rc out
        assert_equal 2 $rc $out
        assert_match "*not empty*" $out
    }

    test {redis-kv-check --restore: usage errors} {
        kvc_need_tool
        set tmp [new_tmpdir]
        foreach {args pattern code} [list \
            [list --restore] "*needs a backup directory*" 2 \
            [list --restore $tmp] "*needs --to DIR*" 2 \
            [list --restore $tmp --to $tmp/x --at soon] "*bad time 'soon'*" 2 \
            [list $tmp --at 5] "*go with --restore*" 2 \
            [list --restore $tmp --to $tmp/x --dump] "*only one of*" 2 \
            [list --restore $tmp/missing --to $tmp/x] "*No such file or directory*" 2 \
            [list --restore $tmp --to $tmp/x] "*damaged*MANIFEST*" 1] {
            lassign [kvc_run {*}$args] rc out
            assert_equal $code $rc "args {$args}: $out"
            assert_match $pattern $out "args {$args}"
        }
        assert {![file exists $tmp/x]}
    }
}
