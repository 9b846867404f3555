# maxmemory: the limit, the eight policies, the OOM refusal, what an
# eviction tells (keyspace events, client tracking, WATCH, INFO), the
# access clocks behind OBJECT IDLETIME / OBJECT FREQ / TOUCH, and the
# configuration parameters with their errors (db/evict.h).
#
# The behaviour follows Redis 7.0.15 (its own unit/maxmemory cannot run
# against another server: it is external:skip).  The tests that need no
# redis-kv-only figure pass against redis-server 7.0.15 too:
#   tests/runtest --server /usr/bin/redis-server --single unit/maxmemory
# used_memory differs: values live in the log, so a key costs its key
# directory entry here (README.md, "Memory").

proc mm_used {} { return [server_info_field r used_memory] }

# Eviction needs the allocator's figures, which sanitizer builds hide
# (used_memory reads 0 there): the tests that evict skip then.
proc mm_need_stats {} {
    if {[mm_used] == 0} { skip "no allocator statistics (sanitizer build)" }
}

# Sets POLICY and a limit 8000 bytes below what is in use, lets one
# command evict, and returns how many of the keys "A:0".."A:N-1" and
# "B:0".."B:N-1" are left.
proc mm_shrink_and_count {policy a b n} {
    r config set maxmemory-policy $policy
    r config set maxmemory [expr {[mm_used] - 8000}]
    r ping
    set left [list 0 0]
    for {set j 0} {$j < $n} {incr j} {
        lset left 0 [expr {[lindex $left 0] + [r exists "$a:$j"]}]
        lset left 1 [expr {[lindex $left 1] + [r exists "$b:$j"]}]
    }
    r config set maxmemory 0 maxmemory-samples 5
    return $left
}

# The rejected_calls of CMD in INFO commandstats (0 when it has no line).
proc mm_rejected {cmd} {
    if {[regexp -line "^cmdstat_$cmd:.*rejected_calls=(\\d+)" [r info commandstats] -> n]} {
        return $n
    }
    return 0
}

# Asserts used_memory is back within 4 KB of LIMIT.  A command evicts for
# at most maxmemory-eviction-tenacity's time (500 us by default) and the
# cron finishes the rest: on a busy machine the last writes may leave the
# server over the limit until the next cron tick, as Redis's rule allows
# ("not for long"), so this waits a few ticks before it fails.
proc mm_assert_near_limit {limit} {
    wait_for_condition 50 20 {[mm_used] < $limit + 4096} else {
        fail "used_memory [mm_used] stays above the limit $limit + 4096"
    }
}

# Sets a limit LIMIT_ADD bytes above what is in use now, with POLICY.
proc mm_limit_above_used {policy {add 102400}} {
    set limit [expr {[mm_used] + $add}]
    r config set maxmemory $limit
    r config set maxmemory-policy $policy
    return $limit
}

# Writes keys with CMD (a script with $n in it) until used_memory is within
# 4 KB of LIMIT; returns how many were written.
proc mm_fill {limit script} {
    set n 0
    while 1 {
        uplevel 1 [list set n $n]
        uplevel 1 $script
        incr n
        if {[mm_used] + 4096 > $limit} break
    }
    assert_morethan $n 10
    return $n
}

start_server {tags {maxmemory}} {
    test {The maxmemory parameters have Redis's defaults} {
        assert_equal {maxmemory 0} [r config get maxmemory]
        assert_equal {maxmemory-policy noeviction} [r config get maxmemory-policy]
        assert_equal {maxmemory-samples 5} [r config get maxmemory-samples]
        assert_equal {maxmemory-eviction-tenacity 10} [r config get maxmemory-eviction-tenacity]
        assert_equal {lfu-log-factor 10} [r config get lfu-log-factor]
        assert_equal {lfu-decay-time 1} [r config get lfu-decay-time]
    }

    test {CONFIG SET takes every policy and a limit with a unit} {
        foreach p {volatile-lru volatile-lfu volatile-random volatile-ttl
                   allkeys-lru allkeys-lfu allkeys-random noeviction} {
            r config set maxmemory-policy $p
            assert_equal [list maxmemory-policy $p] [r config get maxmemory-policy]
            assert_equal $p [server_info_field r maxmemory_policy]
        }
        r config set maxmemory-policy ALLKEYS-LRU
        assert_equal {maxmemory-policy allkeys-lru} [r config get maxmemory-policy]
        r config set maxmemory 1gb
        assert_equal {maxmemory 1073741824} [r config get maxmemory]
        assert_equal 1073741824 [server_info_field r maxmemory]
        assert_equal 1.00G [server_info_field r maxmemory_human]
        r config set maxmemory 0 maxmemory-policy noeviction
        assert_equal 0B [server_info_field r maxmemory_human]
    }

    test {CONFIG SET of the maxmemory parameters checks them as Redis does} {
        set pre "ERR CONFIG SET failed (possibly related to argument"
        assert_error_equal "$pre 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction" \
            {r config set maxmemory-policy lru}
        assert_error_equal "$pre 'maxmemory-samples') - argument must be between 1 and 2147483647 inclusive" \
            {r config set maxmemory-samples 0}
        assert_error_equal "$pre 'maxmemory-eviction-tenacity') - argument must be between 0 and 100 inclusive" \
            {r config set maxmemory-eviction-tenacity 101}
        assert_error_equal "$pre 'lfu-log-factor') - argument must be between 0 and 2147483647 inclusive" \
            {r config set lfu-log-factor -1}
        assert_error_equal "$pre 'lfu-decay-time') - argument must be between 0 and 2147483647 inclusive" \
            {r config set lfu-decay-time -1}
        assert_error_equal "$pre 'maxmemory') - argument must be a memory value" \
            {r config set maxmemory -1}
        assert_error_equal "$pre 'maxmemory') - argument must be a memory value" \
            {r config set maxmemory 10zb}
        assert_error {ERR wrong number of arguments*} {r config set maxmemory}
        # all or nothing: a bad value leaves the good one before it unset
        catch {r config set maxmemory-samples 7 maxmemory-policy bad}
        assert_equal {maxmemory-samples 5} [r config get maxmemory-samples]
    }

    test {INFO has the eviction fields} {
        foreach f {maxmemory maxmemory_human maxmemory_policy mem_not_counted_for_evict
                   evicted_keys total_eviction_exceeded_time current_eviction_exceeded_time} {
            server_info_field r $f
        }
        # the log's write buffer and undo log, which writes fill until flushed
        assert_match {[0-9]*} [server_info_field r mem_not_counted_for_evict]
    }

    test {Without maxmemory, or with a policy without clocks, small integers are shared} {
        r set a 1
        assert_morethan [r object refcount a] 1
        r config set maxmemory 1gb maxmemory-policy allkeys-random
        assert_morethan [r object refcount a] 1
    }

    test {With maxmemory and an LRU or LFU policy small integers are not shared} {
        foreach p {allkeys-lru volatile-lru allkeys-lfu volatile-lfu} {
            r config set maxmemory-policy $p
            r set b 1
            assert_equal 1 [r object refcount b]
        }
        r config set maxmemory 0 maxmemory-policy noeviction
    }
}

start_server {tags {maxmemory}} {
    foreach policy {allkeys-random allkeys-lru allkeys-lfu volatile-lru volatile-lfu
                    volatile-random volatile-ttl} {
        test "The limit holds while keys keep coming ($policy)" {
            mm_need_stats
            r flushall
            set limit [mm_limit_above_used $policy]
            set n [mm_fill $limit {r setex "k:$n" 10000 x}]
            for {set j 0} {$j < $n} {incr j} { r setex "more:$j" 10000 x }
            mm_assert_near_limit $limit
            assert_morethan [server_info_field r evicted_keys] 0
            r config set maxmemory 0
        }
    }

    foreach policy {volatile-lru volatile-lfu volatile-random volatile-ttl} {
        test "$policy never evicts a key without an expiry" {
            mm_need_stats
            r flushall
            set limit [mm_limit_above_used $policy]
            set n [mm_fill $limit {
                if {$n % 2} { r setex "key:$n" 10000 x } else { r set "key:$n" x }
            }]
            for {set j 0} {$j < $n} {incr j} { catch {r setex "foo:$j" 10000 x} }
            mm_assert_near_limit $limit
            for {set j 0} {$j < $n} {incr j 2} { assert_equal 1 [r exists "key:$j"] }
            r config set maxmemory 0
        }

        test "$policy with no key that has an expiry answers OOM" {
            mm_need_stats
            r flushall
            set limit [mm_limit_above_used $policy]
            set n [mm_fill $limit {r set "key:$n" x}]
            set err {}
            for {set j 0} {$j < $n} {incr j} { catch {r set "foo:$j" x} err }
            assert_equal "OOM command not allowed when used memory > 'maxmemory'." $err
            r config set maxmemory 0
        }
    }

    foreach policy {allkeys-random allkeys-lru allkeys-lfu} {
        test "$policy evicts keys without an expiry" {
            mm_need_stats
            r flushall
            set limit [mm_limit_above_used $policy]
            set n [mm_fill $limit {r set "key:$n" x}]
            for {set j 0} {$j < $n} {incr j} { r set "foo:$j" x }
            mm_assert_near_limit $limit
            r config set maxmemory 0
        }
    }

    test {volatile-ttl evicts the keys that expire soonest first} {
        mm_need_stats
        r flushall
        r config set maxmemory-samples 10
        for {set j 0} {$j < 300} {incr j} { r setex "soon:$j" 1000 x }
        for {set j 0} {$j < 300} {incr j} { r setex "late:$j" 100000 x }
        lassign [mm_shrink_and_count volatile-ttl soon late 300] soon late
        assert_lessthan $soon 300
        assert_equal 300 $late
    }

    test {allkeys-lru evicts keys left alone before keys just read} {
        mm_need_stats
        r flushall
        r config set maxmemory-samples 10
        for {set j 0} {$j < 250} {incr j} { r set "idle:$j" x; r set "read:$j" x }
        after 2100
        for {set j 0} {$j < 250} {incr j} { r get "read:$j" }
        lassign [mm_shrink_and_count allkeys-lru read idle 250] read idle
        assert_lessthan $idle 250
        assert_morethan $read [expr {$idle + 50}]
    }
}

start_server {tags {maxmemory}} {
    test {noeviction answers OOM to deny-oom commands only} {
        mm_need_stats
        r set k v
        r config set maxmemory-policy noeviction maxmemory 1
        assert_error "OOM command not allowed when used memory > 'maxmemory'." {r set a b}
        assert_error "OOM *" {r lpush l a}
        assert_error "OOM *" {r incr n}
        assert_equal v [r get k]
        assert_equal 1 [r exists k]
        assert_equal 1 [r del k]
        assert_equal PONG [r ping]
        r config set maxmemory 0
        assert_equal OK [r set a b]
    }

    test {OOM counts as a rejected call, and in MULTI it dooms the transaction} {
        mm_need_stats
        r config resetstat
        r config set maxmemory 1
        catch {r set a b}
        assert_equal 1 [mm_rejected set]
        r multi
        assert_error "OOM *" {r get a}
        assert_error "EXECABORT*" {r exec}
        r config set maxmemory 0
    }

    test {A deny-oom command queued before the limit is refused at EXEC} {
        mm_need_stats
        r multi
        r set a c
        set other [redis_client]
        $other config set maxmemory 1
        assert_error "EXECABORT*OOM*" {r exec}
        $other config set maxmemory 0
        $other close
        assert_equal b [r get a]
    }

    test {A limit below the memory in use evicts at once (CONFIG SET)} {
        mm_need_stats
        r flushall
        for {set j 0} {$j < 100} {incr j} { r set "k:$j" x }
        r config set maxmemory-policy allkeys-random
        r config set maxmemory 1
        assert_equal 0 [r dbsize]
        assert_morethan_equal [server_info_field r evicted_keys] 100
        r config set maxmemory 0 maxmemory-policy noeviction
    }

    test {Nothing left to evict: OOM, and the time over the limit is counted} {
        mm_need_stats
        r flushall
        r config set maxmemory-policy allkeys-lru maxmemory 1
        assert_error "OOM *" {r set a b}
        after 20
        assert_morethan [server_info_field r current_eviction_exceeded_time] 0
        r config set maxmemory 0
        r ping
        assert_equal 0 [server_info_field r current_eviction_exceeded_time]
        assert_morethan [server_info_field r total_eviction_exceeded_time] 0
        r config resetstat
        assert_equal 0 [server_info_field r evicted_keys]
        assert_equal 0 [server_info_field r total_eviction_exceeded_time]
        r config set maxmemory-policy noeviction
    }

    test {An evicted key raises the evicted keyspace event (class e)} {
        mm_need_stats
        r flushall
        r set a 1
        set events [keyspace_events_of KEA {
            r config set maxmemory-policy allkeys-lru maxmemory 1
            r config set maxmemory 0
        }]
        assert_equal {{a evicted}} $events
        r config set maxmemory-policy noeviction notify-keyspace-events ""
    }

    test {An evicted key invalidates the clients tracking it} {
        mm_need_stats
        r flushall
        r set a 1
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd get a
        assert_equal 1 [$rd read]
        r config set maxmemory-policy allkeys-lru maxmemory 1
        r config set maxmemory 0
        $rd ping
        assert_equal {invalidate a} [$rd read]
        assert_equal PONG [$rd read]
        $rd close
        r config set maxmemory-policy noeviction
    }

    test {An evicted key aborts the transactions watching it} {
        mm_need_stats
        r flushall
        r set a 1
        r watch a
        set other [redis_client]
        $other config set maxmemory-policy allkeys-lru maxmemory 1
        $other config set maxmemory 0
        $other close
        r multi
        r ping
        assert_equal {} [r exec]
        r config set maxmemory-policy noeviction
    }

    test {lazyfree-lazy-eviction evicts big collections as well} {
        mm_need_stats
        r flushall
        r config set lazyfree-lazy-eviction yes
        for {set j 0} {$j < 1000} {incr j} { r sadd s $j }
        r config set maxmemory-policy allkeys-lru maxmemory 1
        r config set maxmemory 0
        assert_equal 0 [r exists s]
        r config set lazyfree-lazy-eviction no maxmemory-policy noeviction
    }
}

start_server {tags {maxmemory}} {
    test {OBJECT IDLETIME grows while a key is left alone} {
        r set foo bar
        assert_range [r object idletime foo] 0 1
        after 2100
        assert_range [r object idletime foo] 2 10
    }

    test {TTL, TYPE, EXISTS, OBJECT and MEMORY USAGE are no access} {
        r ttl foo
        r type foo
        r exists foo
        r object encoding foo
        r memory usage foo
        assert_range [r object idletime foo] 2 10
    }

    test {Reads, writes and TOUCH are accesses} {
        foreach cmd {{get foo} {touch foo} {append foo x} {strlen foo}} {
            r set foo bar
            after 2100
            assert_morethan_equal [r object idletime foo] 2
            r {*}$cmd
            assert_range [r object idletime foo] 0 1
        }
    }

    test {TOUCH counts the keys that exist} {
        r flushall
        r set key1 1
        r set key2 2
        assert_equal 2 [r touch key0 key1 key2 key3]
        assert_equal 2 [r touch key1 key1]
        assert_error {ERR wrong number of arguments for 'touch' command} {r touch}
    }

    test {OBJECT FREQ counts accesses under an LFU policy} {
        r flushall
        r config set maxmemory-policy allkeys-lfu lfu-log-factor 0
        r set k v
        assert_equal 5 [r object freq k]
        for {set j 0} {$j < 10} {incr j} { r get k }
        assert_equal 15 [r object freq k]
        r touch k
        r exists k
        r ttl k
        r type k
        assert_equal 16 [r object freq k]
        r hset h f v
        r hget h f
        assert_equal 6 [r object freq h]
    }

    test {OBJECT FREQ grows slowly with the default lfu-log-factor} {
        r config set lfu-log-factor 10
        r set k2 v
        for {set j 0} {$j < 100} {incr j} { r get k2 }
        assert_range [r object freq k2] 6 15
    }

    test {RESTORE sets the clock: FREQ under an LFU policy, IDLETIME under others} {
        r set src v
        set p [r dump src]
        r restore r1 0 $p freq 100
        assert_equal 100 [r object freq r1]
        r restore r2 0 $p idletime 1000
        assert_equal 5 [r object freq r2]
        r config set maxmemory-policy allkeys-lru
        r restore r3 0 $p idletime 1000
        assert_range [r object idletime r3] 1000 1002
        r restore r4 0 $p freq 100
        assert_range [r object idletime r4] 0 1
        r config set maxmemory-policy allkeys-lfu
    }

    test {RENAME, RENAMENX and MOVE keep the LFU counter, COPY starts a new one} {
        r set src v
        set p [r dump src]
        foreach k {c1 c2 c3 c4} { r restore $k 0 $p freq 100 }
        r set taken x
        r rename c1 d1
        r renamenx c2 d2
        r move c3 9
        r copy c4 d4
        r copy c4 d5 db 9
        assert_range [r object freq d1] 100 101
        assert_range [r object freq d2] 100 101
        assert_equal 5 [r object freq d4]
        # RENAME onto an existing key: the source's counter, not the target's
        r rename d4 taken
        assert_range [r object freq taken] 5 6
        r select 9
        assert_range [r object freq c3] 100 101
        assert_equal 5 [r object freq d5]
        r flushdb
        r select 0
    }

    test {RENAME keeps the LRU clock of the key, touched by the rename} {
        r config set maxmemory-policy allkeys-lru
        r set src v
        set p [r dump src]
        r restore old 0 $p idletime 1000
        r rename old new
        assert_range [r object idletime new] 0 1
        r config set maxmemory-policy allkeys-lfu
    }

    test {OBJECT IDLETIME under an LFU policy and FREQ under another are errors} {
        assert_error_equal "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust." \
            {r object idletime k}
        assert_equal {} [r object idletime missing]
        r config set maxmemory-policy volatile-lru
        assert_error_equal "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust." \
            {r object freq k}
        assert_equal {} [r object freq missing]
        r config set maxmemory-policy noeviction
    }
}

start_server {tags {maxmemory} overrides {maxmemory-policy allkeys-lfu maxmemory 100mb
        maxmemory-samples 7 maxmemory-eviction-tenacity 20 lfu-log-factor 3 lfu-decay-time 2}} {
    test {The maxmemory parameters load from a config file} {
        assert_equal {maxmemory-policy allkeys-lfu} [r config get maxmemory-policy]
        assert_equal {maxmemory 104857600} [r config get maxmemory]
        assert_equal {maxmemory-samples 7} [r config get maxmemory-samples]
        assert_equal {maxmemory-eviction-tenacity 20} [r config get maxmemory-eviction-tenacity]
        assert_equal {lfu-log-factor 3} [r config get lfu-log-factor]
        assert_equal {lfu-decay-time 2} [r config get lfu-decay-time]
        r config rewrite
        assert_match "*maxmemory-policy allkeys-lfu*" [exec cat [srv config_file]]
    }
}

start_server {tags {maxmemory slow}} {
    test {allkeys-lru under 50 writing clients: memory stays near the limit, no OOM} {
        mm_need_stats
        r config set maxmemory-policy allkeys-lru
        # 50 clients take about 2 MB of buffers here: 4 MB for keys on top.
        set limit [expr {[mm_used] + 6*1024*1024}]
        r config set maxmemory $limit
        r config resetstat
        set out [exec redis-benchmark -p [srv port] -c 50 -n 200000 -r 1000000 -t set -d 16 -q 2>@1]
        assert_no_match "*OOM*" $out
        assert_no_match "*rror*" $out
        assert_equal 0 [mm_rejected set]
        assert_morethan [server_info_field r evicted_keys] 0
        # A few commands past the limit at most: well within 10%.
        assert_lessthan [mm_used] [expr {$limit * 11 / 10}]
        r config set maxmemory 0
    }
}

# Scripts under a limit with no room left (Redis 7.0's rules): a script
# that may write is refused before it runs; one without a shebang is
# checked at each deny-oom redis.call, until its first write command.
start_server {tags {maxmemory scripting}} {
    proc mm_oom_on {} {
        r config set maxmemory-policy noeviction maxmemory 1
    }
    proc mm_oom_off {} { r config set maxmemory 0 }

    test {A script with flags that may write is refused with OOM} {
        mm_need_stats
        r set x 1
        set sha [r script load "#!lua\nreturn 1"]
        r function load {#!lua name=mmlib
            redis.register_function('mm_w', function() return 1 end)
            redis.register_function{function_name='mm_oom',
                callback=function() return redis.call('set','fk','v') end,
                flags={'allow-oom'}}
            redis.register_function{function_name='mm_ro',
                callback=function() return redis.call('get','x') end,
                flags={'no-writes'}}
        }
        mm_oom_on
        assert_error "OOM command not allowed when used memory > 'maxmemory'." \
            {r eval "#!lua\nreturn 1" 0}
        assert_error "OOM *" {r evalsha $sha 0}
        assert_error "OOM *" {r eval_ro "#!lua\nreturn 1" 0}
        assert_error "OOM *" {r fcall mm_w 0}
        assert_error "OOM *" {r fcall_ro mm_w 0}
        mm_oom_off
        assert_equal 0 [r exists fk]
    }

    test {A script with no-writes or allow-oom runs over the limit} {
        mm_need_stats
        mm_oom_on
        assert_equal 1 [r eval "#!lua flags=no-writes\nreturn redis.call('get','x')" 0]
        assert_equal OK [r eval "#!lua flags=allow-oom\nreturn redis.call('set','k','v')" 0]
        assert_equal 1 [r fcall mm_ro 0]
        assert_equal 1 [r fcall_ro mm_ro 0]
        assert_equal OK [r fcall mm_oom 0]
        mm_oom_off
        assert_equal v [r get k]
        assert_equal v [r get fk]
    }

    test {A script without a shebang: a deny-oom redis.call is refused} {
        mm_need_stats
        r config resetstat
        mm_oom_on
        assert_error "OOM command not allowed when used memory > 'maxmemory'. script: *" \
            {r eval "return redis.call('set','k2','v')" 0}
        # pcall hands the error to the script, which returns it.
        assert_error "OOM command not allowed when used memory > 'maxmemory'." \
            {r eval "return redis.pcall('set','k2','v')" 0}
        assert_equal 1 [r eval "return redis.call('get','x')" 0]
        assert_equal 0 [r eval "return redis.call('del','nokey')" 0]
        assert_equal 7 [r eval "return 7" 0]
        mm_oom_off
        assert_equal 0 [r exists k2]
        assert_equal 2 [mm_rejected set]
        assert_match {*calls=5,*rejected_calls=0,failed_calls=2*} \
            [regexp -inline -line {^cmdstat_eval:.*} [r info commandstats]]
        assert_match {*errorstat_OOM:count=2*} [r info errorstats]
    }

    test {A refused redis.call counts once, where it happens} {
        mm_need_stats
        r config resetstat
        mm_oom_on
        # Dropped by the script: counted all the same, the EVAL did not fail.
        assert_equal 1 [r eval {
            local t = redis.pcall('set','k2','v')
            if t['err'] == "OOM command not allowed when used memory > 'maxmemory'." then
                return 1
            end
            return 0
        } 0]
        mm_oom_off
        assert_match {*errorstat_OOM:count=1*} [r info errorstats]
        assert_equal 1 [server_info_field r total_error_replies]
        assert_equal 1 [mm_rejected set]
        assert_match {*rejected_calls=0,failed_calls=0*} \
            [regexp -inline -line {^cmdstat_eval:.*} [r info commandstats]]
    }

    test {A script without a shebang that wrote first is not stopped halfway} {
        mm_need_stats
        r set y 1
        mm_oom_on
        # A write command, even one that changes nothing, counts.
        assert_equal OK [r eval "redis.call('del','y'); return redis.call('set','k3','v')" 0]
        assert_equal OK [r eval "redis.call('del','nokey'); return redis.call('set','k4','v')" 0]
        # A read does not.
        assert_error "OOM *" {r eval "redis.call('get','x'); return redis.call('set','k5','v')" 0}
        mm_oom_off
        assert_equal {0 v v 0} [list [r exists y] [r get k3] [r get k4] [r exists k5]]
    }

    test {A script without a shebang under a limit with room runs its writes} {
        mm_need_stats
        r config set maxmemory [expr {[mm_used] + 10000000}]
        assert_equal OK [r eval "return redis.call('set','k6','v')" 0]
        mm_oom_off
    }

    test {MULTI with an EVAL over the limit is refused when queued} {
        mm_need_stats
        mm_oom_on
        r multi
        assert_error "OOM *" {r eval "return redis.call('set','k7','v')" 0}
        assert_error "EXECABORT*" {r exec}
        mm_oom_off
        assert_equal 0 [r exists k7]
    }
}
