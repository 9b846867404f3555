# MEMORY: USAGE per key, STATS (Redis's fields in Redis's order), DOCTOR,
# MALLOC-STATS, PURGE and HELP.  Written to pass against Redis 7.0.15 too;
# the exact byte counts differ (redis-kv counts its key directory entry).

start_server {tags {memory}} {
    test {MEMORY USAGE: a positive size for a key, nil for a missing one} {
        r flushall
        r set foo bar
        set n [r memory usage foo]
        assert_morethan $n 0
        assert_equal {} [r memory usage nokey]
        # A longer key costs more.
        r set [string repeat k 200] bar
        assert_morethan [r memory usage [string repeat k 200]] $n
    }

    test {MEMORY USAGE: an expired key is missing} {
        r set ttlkey v px 1
        after 5
        wait_for_condition 50 20 {[r memory usage ttlkey] eq {}} else {
            fail "expired key still has a memory usage"
        }
        assert_equal 0 [r exists ttlkey]
    }

    test {MEMORY USAGE SAMPLES: validated before the key is looked up} {
        assert_equal [r memory usage foo] [r memory usage foo samples 0]
        assert_equal [r memory usage foo] [r memory usage foo SAMPLES 5 samples 1]
        assert_equal {} [r memory usage nokey samples 3]
        assert_error {ERR syntax error} {r memory usage foo samples}
        assert_error {ERR syntax error} {r memory usage nokey samples}
        assert_error {ERR syntax error} {r memory usage foo samples -1}
        assert_error {ERR syntax error} {r memory usage foo bar 1}
        assert_error {ERR value is not an integer or out of range} {r memory usage foo samples x}
        assert_error {*wrong number of arguments for 'memory|usage' command*} {r memory usage}
    }

    test {MEMORY USAGE in RESP3: a null for a missing key} {
        assert_equal "_\r\n" [raw_reply3 memory usage nokey]
        assert_equal "\$-1\r\n" [raw_reply memory usage nokey]
    }

    test {COMMAND GETKEYS knows MEMORY USAGE's key} {
        assert_equal {key} [r command getkeys memory usage key]
    }

    test {MEMORY STATS: Redis's fields in Redis's order} {
        r flushall
        r set foo bar
        r select 2
        r set other v
        r select 9
        set stats [r memory stats]
        set names {}
        foreach {k v} $stats { lappend names $k }
        assert_equal [list peak.allocated total.allocated startup.allocated \
            replication.backlog clients.slaves clients.normal cluster.links aof.buffer \
            lua.caches functions.caches db.0 db.2 overhead.total keys.count \
            keys.bytes-per-key dataset.bytes dataset.percentage peak.percentage \
            allocator.allocated allocator.active allocator.resident \
            allocator-fragmentation.ratio allocator-fragmentation.bytes \
            allocator-rss.ratio allocator-rss.bytes rss-overhead.ratio rss-overhead.bytes \
            fragmentation fragmentation.bytes] $names
        set db0 [dict get $stats db.0]
        assert_equal {overhead.hashtable.main overhead.hashtable.expires overhead.hashtable.slot-to-keys} \
            [dict keys $db0]
        assert_equal 2 [dict get $stats keys.count]
        assert_morethan_equal [dict get $stats peak.allocated] [dict get $stats total.allocated]
        assert_equal 0 [dict get $stats replication.backlog]
        assert_equal 0 [dict get $stats clients.slaves]
        r flushall
    }

    test {MEMORY STATS in RESP3: a map, ratios as doubles} {
        set raw [raw_reply3 memory stats]
        assert_match "%*\r\n\$14\r\npeak.allocated\r\n:*" $raw
        assert_match "*\$18\r\ndataset.percentage\r\n,*" $raw
        assert_match "*\$13\r\nfragmentation\r\n,*" $raw
    }

    test {MEMORY STATS and INFO memory agree on the startup figure} {
        assert_equal [dict get [r memory stats] startup.allocated] \
            [server_info_field r used_memory_startup]
    }

    test {MEMORY DOCTOR answers a report} {
        assert_match {*Sam*} [r memory doctor]
        assert_equal "=" [string index [raw_reply3 memory doctor] 0]
    }

    test {MEMORY MALLOC-STATS answers text, MEMORY PURGE answers OK} {
        assert_morethan [string length [r memory malloc-stats]] 0
        assert_equal OK [r memory purge]
    }

    test {MEMORY argument errors and HELP} {
        assert_error {*wrong number of arguments for 'memory' command*} {r memory}
        assert_error {*unknown subcommand 'foo'. Try MEMORY HELP.} {r memory foo}
        assert_error {*wrong number of arguments for 'memory|stats' command*} {r memory stats x}
        assert_error {*wrong number of arguments for 'memory|doctor' command*} {r memory doctor x}
        assert_error {*wrong number of arguments for 'memory|purge' command*} {r memory purge x}
        set help [r memory help]
        assert_match {MEMORY <subcommand> *} [lindex $help 0]
        assert_match {*USAGE <key> \[SAMPLES <count>\]*} $help
    }
}
