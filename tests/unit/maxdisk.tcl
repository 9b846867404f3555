# maxdisk (redis-kv only): a bound on the data directory's size, as `du`
# counts it, kept by evicting under maxmemory-policy and compacting the
# log, or by refusing deny-oom writes under noeviction (db/evict.h).

# The data directory's size as du counts it (allocated blocks, a file
# with several hard links once).
proc md_du {dir} {
    return [lindex [exec du -s --block-size=1 $dir] 0]
}

proc md_wait_compaction {c} {
    wait_for_condition 500 20 {
        [server_info_field $c aof_rewrite_in_progress] == 0
    } else {
        fail "the compaction does not end"
    }
}

# Writes keys md:0 .. md:N-1 with 1000-byte values; returns how many
# writes were acknowledged with OK.
proc md_fill {c n} {
    set v [string repeat x 1000]
    set ok 0
    for {set j 0} {$j < $n} {incr j} {
        if {[$c set md:$j $v] eq "OK"} { incr ok }
    }
    return $ok
}

proc md_count_keys {c n} {
    set left 0
    for {set j 0} {$j < $n} {incr j} { incr left [$c exists md:$j] }
    return $left
}

start_server {tags {maxdisk}} {
    test {maxdisk is off by default and takes a size with a unit} {
        assert_equal {maxdisk 0} [r config get maxdisk]
        assert_equal 0 [server_info_field r maxdisk]
        assert_equal OK [r config set maxdisk 3mb]
        assert_equal {maxdisk 3145728} [r config get maxdisk]
        assert_equal 3145728 [server_info_field r maxdisk]
        assert_morethan [server_info_field r used_disk] 0
        assert_error "*argument must be a memory value*" {r config set maxdisk lots}
        r config set maxdisk 0
    }
}

start_server {tags {maxdisk}} {
    set s [spawn_server -client -overrides {segment-size 256kb maxmemory-policy allkeys-lru
                                             maxdisk 2mb}]
    set c [dict get $s client]
    set dir [dict get $s dir]

    test {Under a write load keys are evicted and the directory stays near maxdisk} {
        set n 6000
        assert_equal $n [md_fill $c $n]
        set evicted [server_info_field $c evicted_keys]
        assert_morethan $evicted 0
        assert_equal [expr {$n - $evicted}] [$c dbsize]
        md_wait_compaction $c
        # A compaction may still be reclaiming when the last write lands:
        # give the cron a few ticks to start and finish it.
        wait_for_condition 100 50 {
            [server_info_field $c aof_rewrite_in_progress] == 0 &&
            [md_du $dir] <= 2097152 * 11 / 10
        } else {
            fail "the directory stays at [md_du $dir] bytes, over maxdisk 2mb"
        }
    }

    test {After a restart every acknowledged write is there unless evicted} {
        set evicted [server_info_field $c evicted_keys]
        set s [restart_server $s]
        set c [dict get $s client]
        assert_equal [expr {6000 - $evicted}] [$c dbsize]
        assert_equal [expr {6000 - $evicted}] [md_count_keys $c 6000]
        assert_equal [string repeat x 1000] [$c get md:5999]
    }

    test {Backups share the segments' blocks: they count once} {
        $c config set maxdisk 0
        set before [md_du $dir]
        assert_equal "Background saving started" [$c bgsave]
        wait_for_condition 500 20 {
            [server_info_field $c rdb_bgsave_in_progress] == 0
        } else {
            fail "the backup does not end"
        }
        # The backup links the segments (so it would double a naive sum).
        set linked 0
        foreach f [glob -nocomplain -directory [file join $dir backups] */*] {
            # A name of its own: tests share one interpreter, where another
            # file may have left a plain variable called st.
            unset -nocomplain md_stat
            file stat $f md_stat
            if {$md_stat(nlink) > 1} { incr linked }
        }
        assert_morethan $linked 0
        set after [md_du $dir]
        assert_lessthan $after [expr {$before * 13 / 10}]
        $c config set maxdisk 2mb
        set used [server_info_field $c used_disk]
        assert_range $used [expr {$after * 9 / 10}] [expr {$after * 11 / 10}]
    }

    test {noeviction over maxdisk refuses deny-oom writes and names the disk limit} {
        $c config set maxmemory-policy noeviction
        $c config set maxdisk 100kb
        assert_error "OOM command not allowed when used disk > 'maxdisk'." {$c set a b}
        assert_error "OOM *maxdisk*" {$c lpush l a}
        assert_error "OOM *maxdisk*" {$c eval "#!lua\nreturn 1" 0}
        assert_error "OOM *maxdisk*" {$c eval "return redis.call('set','a','b')" 0}
        assert_equal [string repeat x 1000] [$c get md:5999]
        assert_equal 1 [$c del md:5999]
        set evicted [server_info_field $c evicted_keys]
        $c config set maxdisk 0
        assert_equal OK [$c set a b]
        assert_equal $evicted [server_info_field $c evicted_keys]
    }

    test {volatile-* over maxdisk with no key that has an expiry answers OOM} {
        $c config set maxmemory-policy volatile-lru
        $c config set maxdisk 100kb
        assert_error "OOM *maxdisk*" {$c set a2 b}
        $c config set maxdisk 0
    }
    stop_server $s
}
