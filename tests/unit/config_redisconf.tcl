# An existing redis.conf loads: every directive Redis 7.0.15 knows is
# accepted from a config file, the command line and CONFIG SET/GET, in the
# three classes of src/server/config_compat.c (done redis-kv's own way:
# kept; tuning a missing feature: kept; turning a missing feature on:
# only the default).  tests/assets/redis-7.0-defaults.conf lists every
# directive with Redis's default.
#
# The tests that only use CONFIG GET/SET/REWRITE also pass against
# redis-server 7.0.15 (tests/runtest --server /usr/bin/redis-server
# --single unit/config_redisconf); the refusals are redis-kv's own and are
# skipped there.

set ::rc_asset [file join $::tests_dir assets redis-7.0-defaults.conf]

# CONFIG GET * of a stock redis-server 7.0.15, recorded as data: every
# parameter (aliases included) with its default.  dir is the working
# directory; save is Redis's built-in default.
set ::rc_redis_defaults {
    acl-pubsub-default resetchannels
    aclfile {}
    acllog-max-len 128
    active-defrag-cycle-max 25
    active-defrag-cycle-min 1
    active-defrag-ignore-bytes 104857600
    active-defrag-max-scan-fields 1000
    active-defrag-threshold-lower 10
    active-defrag-threshold-upper 100
    active-expire-effort 1
    activedefrag no
    activerehashing yes
    always-show-logo no
    aof-disable-auto-gc no
    aof-load-truncated yes
    aof-rewrite-incremental-fsync yes
    aof-timestamp-enabled no
    aof-use-rdb-preamble yes
    aof_rewrite_cpulist {}
    appenddirname appendonlydir
    appendfilename appendonly.aof
    appendfsync everysec
    appendonly no
    auto-aof-rewrite-min-size 67108864
    auto-aof-rewrite-percentage 100
    bgsave_cpulist {}
    bind {* -::*}
    bind-source-addr {}
    bio_cpulist {}
    busy-reply-threshold 5000
    client-output-buffer-limit {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60}
    client-query-buffer-limit 1073741824
    cluster-allow-pubsubshard-when-down yes
    cluster-allow-reads-when-down no
    cluster-allow-replica-migration yes
    cluster-announce-bus-port 0
    cluster-announce-hostname {}
    cluster-announce-ip {}
    cluster-announce-port 0
    cluster-announce-tls-port 0
    cluster-config-file nodes.conf
    cluster-enabled no
    cluster-link-sendbuf-limit 0
    cluster-migration-barrier 1
    cluster-node-timeout 15000
    cluster-port 0
    cluster-preferred-endpoint-type ip
    cluster-replica-no-failover no
    cluster-replica-validity-factor 10
    cluster-require-full-coverage yes
    cluster-slave-no-failover no
    cluster-slave-validity-factor 10
    crash-log-enabled yes
    crash-memcheck-enabled yes
    daemonize no
    databases 16
    dbfilename dump.rdb
    dir {}
    disable-thp yes
    dynamic-hz yes
    enable-debug-command no
    enable-module-command no
    enable-protected-configs no
    hash-max-listpack-entries 512
    hash-max-listpack-value 64
    hash-max-ziplist-entries 512
    hash-max-ziplist-value 64
    hll-sparse-max-bytes 3000
    hz 10
    ignore-warnings {}
    io-threads 1
    io-threads-do-reads no
    jemalloc-bg-thread yes
    latency-monitor-threshold 0
    latency-tracking yes
    latency-tracking-info-percentiles {50 99 99.9}
    lazyfree-lazy-eviction no
    lazyfree-lazy-expire no
    lazyfree-lazy-server-del no
    lazyfree-lazy-user-del no
    lazyfree-lazy-user-flush no
    lfu-decay-time 1
    lfu-log-factor 10
    list-compress-depth 0
    list-max-listpack-size -2
    list-max-ziplist-size -2
    logfile {}
    loglevel notice
    lua-time-limit 5000
    masterauth {}
    masteruser {}
    maxclients 10000
    maxmemory 0
    maxmemory-clients 0
    maxmemory-eviction-tenacity 10
    maxmemory-policy noeviction
    maxmemory-samples 5
    min-replicas-max-lag 10
    min-replicas-to-write 0
    min-slaves-max-lag 10
    min-slaves-to-write 0
    no-appendfsync-on-rewrite no
    notify-keyspace-events {}
    oom-score-adj no
    oom-score-adj-values {0 200 800}
    pidfile {}
    port 6379
    proc-title-template {{title} {listen-addr} {server-mode}}
    propagation-error-behavior ignore
    protected-mode yes
    proto-max-bulk-len 536870912
    rdb-del-sync-files no
    rdb-save-incremental-fsync yes
    rdbchecksum yes
    rdbcompression yes
    repl-backlog-size 1048576
    repl-backlog-ttl 3600
    repl-disable-tcp-nodelay no
    repl-diskless-load disabled
    repl-diskless-sync yes
    repl-diskless-sync-delay 5
    repl-diskless-sync-max-replicas 0
    repl-ping-replica-period 10
    repl-ping-slave-period 10
    repl-timeout 60
    replica-announce-ip {}
    replica-announce-port 0
    replica-announced yes
    replica-ignore-disk-write-errors no
    replica-ignore-maxmemory yes
    replica-lazy-flush no
    replica-priority 100
    replica-read-only yes
    replica-serve-stale-data yes
    replicaof {}
    requirepass {}
    sanitize-dump-payload no
    save {3600 1 300 100 60 10000}
    server_cpulist {}
    set-max-intset-entries 512
    set-proc-title yes
    shutdown-on-sigint default
    shutdown-on-sigterm default
    shutdown-timeout 10
    slave-announce-ip {}
    slave-announce-port 0
    slave-ignore-maxmemory yes
    slave-lazy-flush no
    slave-priority 100
    slave-read-only yes
    slave-serve-stale-data yes
    slaveof {}
    slowlog-log-slower-than 10000
    slowlog-max-len 128
    socket-mark-id 0
    stop-writes-on-bgsave-error yes
    stream-node-max-bytes 4096
    stream-node-max-entries 100
    supervised no
    syslog-enabled no
    syslog-facility local0
    syslog-ident redis
    tcp-backlog 511
    tcp-keepalive 300
    timeout 0
    tls-auth-clients yes
    tls-ca-cert-dir {}
    tls-ca-cert-file {}
    tls-cert-file {}
    tls-ciphers {}
    tls-ciphersuites {}
    tls-client-cert-file {}
    tls-client-key-file {}
    tls-client-key-file-pass {}
    tls-cluster no
    tls-dh-params-file {}
    tls-key-file {}
    tls-key-file-pass {}
    tls-port 0
    tls-prefer-server-ciphers no
    tls-protocols {}
    tls-replication no
    tls-session-cache-size 20480
    tls-session-cache-timeout 300
    tls-session-caching yes
    tracking-table-max-keys 1000000
    unixsocket {}
    unixsocketperm 0
    zset-max-listpack-entries 128
    zset-max-listpack-value 64
    zset-max-ziplist-entries 128
    zset-max-ziplist-value 64
}

# redis-kv's own parameters, listed by CONFIG GET * besides Redis's.
set ::rc_kv_own {backup-dir backup-keep changefeed-db cold-read-threads changefeed-events changefeed-key changefeed-keys changefeed-maxlen compact-garbage-percent compact-min-size maxdisk segment-size verify-bytes-per-sec}

# Where redis-kv's default differs from Redis's on purpose (README.md):
# its log is always on, it takes no snapshots unless asked to, and a
# client that never reads its replies is cut off past 1gb of them.  The
# others are set by the test harness.
set ::rc_kv_differs {appendonly save client-output-buffer-limit dir port bind logfile
                     enable-debug-command}

# One sample of each class, with the value the defaults file gives it.
set ::rc_samples {
    rdbcompression yes dbfilename dump.rdb hash-max-listpack-entries 512
    hash-max-ziplist-entries 512 list-max-ziplist-size -2 io-threads 1
    oom-score-adj-values {0 200 800} lazyfree-lazy-user-flush no
    cluster-node-timeout 15000 repl-backlog-size 1048576
    maxmemory-policy noeviction lua-time-limit 5000 tls-cert-file {}
    cluster-enabled no replicaof {} slaveof {} maxmemory 0 tls-port 0
    aclfile {} supervised no
    latency-tracking-info-percentiles {50 99 99.9} hll-sparse-max-bytes 3000
}

# Values that would turn a missing feature on: directive, arguments (as
# on a config line), and whether CONFIG SET may change it at all.
set ::rc_refused {
    cluster-enabled {yes} immutable
    replicaof {127.0.0.1 6379} immutable
    slaveof {127.0.0.1 6379} immutable
    min-replicas-to-write {1} mutable
    activedefrag {yes} mutable
    supervised {systemd} immutable
    shutdown-on-sigterm {save} mutable
}

proc rc_is_redis_kv {} {
    return [regexp -line {^redis_kv_version:} [r info server]]
}

proc rc_write {path content} {
    set f [open $path w]
    puts -nonewline $f $content
    close $f
}

proc rc_read {path} {
    set f [open $path]
    set t [read $f]
    close $f
    return $t
}

# A copy of the defaults file in a fresh directory, plus EXTRA lines.
proc rc_defaults_copy {{extra ""}} {
    set path [file join [new_tmpdir] redis.conf]
    rc_write $path "[rc_read $::rc_asset]$extra"
    return $path
}

# The directive names of the non-comment lines of a config file.
proc rc_directives {text} {
    set names {}
    foreach line [split $text "\n"] {
        set line [string trim $line]
        if {$line eq "" || [string index $line 0] eq "#"} continue
        lappend names [string tolower [lindex [split $line " "] 0]]
    }
    return $names
}

proc rc_set_error {name msg} {
    return "ERR CONFIG SET failed (possibly related to argument '$name') - $msg"
}

start_server {tags {config}} {
    test {Redis 7.0's full default directive list loads and the server serves} {
        set s [spawn_server -cmdline [list [rc_defaults_copy] --bind 127.0.0.1]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal PONG [$c ping]
        assert_equal OK [$c set k v]
        assert_equal v [$c get k]
        foreach {name value} $::rc_samples {
            assert_equal [list $name $value] [$c config get $name] "CONFIG GET $name"
        }
        $c close
        stop_server $s
    }

    test {CONFIG GET * lists Redis 7.0.15's parameters (and redis-kv's own)} {
        set names [lsort [dict keys [r config get *]]]
        set expected [dict keys $::rc_redis_defaults]
        if {[rc_is_redis_kv]} { lappend expected {*}$::rc_kv_own }
        assert_equal [llength $expected] [llength $names]
        assert_equal [lsort $expected] $names
    }

    test {Every parameter's default is Redis's (but for the documented few)} {
        set got [r config get *]
        dict for {name value} $::rc_redis_defaults {
            if {$name in $::rc_kv_differs} continue
            assert_equal $value [dict get $got $name] "default of $name"
        }
    }

    test {Aliases are listed and read under their own name, as in Redis} {
        assert_equal {slaveof {}} [r config get slaveof]
        assert_equal {LUA-time-limit 5000} [r config get LUA-time-limit]
        set d [r config get hash-max-*]
        assert_equal 4 [dict size $d]
        assert_equal {hash-max-listpack-entries hash-max-listpack-value hash-max-ziplist-entries hash-max-ziplist-value} [lsort [dict keys $d]]
        # A parameter and its alias in one CONFIG SET: the last wins.
        assert_equal OK [r config set hash-max-ziplist-entries 1 hash-max-listpack-entries 2]
        assert_equal 2 [lindex [r config get hash-max-ziplist-entries] 1]
        assert_error_equal [rc_set_error hash-max-ziplist-entries {duplicate parameter}] \
            {r config set HASH-max-ziplist-entries 1 hash-max-ziplist-entries 2}
        assert_equal OK [r config set hash-max-ziplist-entries 100]
        assert_equal 100 [lindex [r config get hash-max-listpack-entries] 1]
        assert_equal OK [r config set replica-priority 7]
        assert_equal {slave-priority 7} [r config get slave-priority]
        r config set hash-max-listpack-entries 512
        r config set slave-priority 100
    }

    test {Hidden parameters are read by exact name only} {
        assert_equal {key-load-delay 0} [r config get key-load-delay]
        assert_equal {rdb-key-save-delay 0} [r config get rdb-key-save-delay]
        assert_equal {} [r config get key-load-*]
    }

    test {Accepted parameters keep Redis's types, ranges and enums} {
        assert_error_equal [rc_set_error active-expire-effort {argument must be between 1 and 10 inclusive}] \
            {r config set active-expire-effort 11}
        assert_error_equal [rc_set_error list-max-ziplist-size {argument couldn't be parsed into an integer}] \
            {r config set list-max-ziplist-size abc}
        assert_error_equal [rc_set_error repl-backlog-size {argument must be between 1 and 9223372036854775807 inclusive}] \
            {r config set repl-backlog-size 0}
        assert_error_equal [rc_set_error hash-max-ziplist-value {argument must be a memory value}] \
            {r config set hash-max-ziplist-value 1x}
        assert_error_equal [rc_set_error oom-score-adj {argument(s) must be one of the following: no, yes, relative, absolute}] \
            {r config set oom-score-adj maybe}
        assert_error_equal [rc_set_error maxmemory-policy {argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction}] \
            {r config set maxmemory-policy foo}
        assert_error_equal [rc_set_error oom-score-adj-values {wrong number of arguments}] \
            {r config set oom-score-adj-values {1 2}}
        assert_error_equal [rc_set_error oom-score-adj-values {Invalid oom-score-adj-values, elements must be between -2000 and 2000.}] \
            {r config set oom-score-adj-values {1 2 3000}}
        # (\x7b and \x7d are single braces.)
        foreach t [list "" " " "{title}" "{title} {server-mode}" "{x}" "{Title}" \
                       "a\x7db\x7b" "{}" "\x7btitle"] {
            assert_error_equal [rc_set_error proc-title-template {template format is invalid or contains unknown variables}] \
                {r config set proc-title-template $t}
        }
        foreach t [list x "title\x7d" "{port}" "a{{title}}" "{listen-addr} {title}"] {
            assert_equal OK [r config set proc-title-template $t]
            assert_equal [list proc-title-template $t] [r config get proc-title-template]
        }
        r config set proc-title-template {{title} {listen-addr} {server-mode}}
        assert_error_equal [rc_set_error io-threads {can't set immutable config}] \
            {r config set io-threads 1}
        assert_error_equal [rc_set_error dbfilename {can't set protected config}] \
            {r config set dbfilename x.rdb}
        assert_equal OK [r config set stream-node-max-bytes 8kb maxmemory-policy allkeys-lru]
        assert_equal {stream-node-max-bytes 8192} [r config get stream-node-max-bytes]
        assert_equal {maxmemory-policy allkeys-lru} [r config get maxmemory-policy]
        assert_equal OK [r config set oom-score-adj-values {-10 0 2000} tls-cert-file {/a b}]
        assert_equal {oom-score-adj-values {-10 0 2000}} [r config get oom-score-adj-values]
        assert_equal {tls-cert-file {/a b}} [r config get tls-cert-file]
        r config set stream-node-max-bytes 4096 maxmemory-policy noeviction
        r config set oom-score-adj-values {0 200 800} tls-cert-file {}
    }

    test {File names inside dir are checked as Redis checks them} {
        foreach {args msg} {
            {--dbfilename a/b} {dbfilename can't be a path, just a filename}
            {--appendfilename a/b} {appendfilename can't be a path, just a filename}
            {--appendfilename {}} {appendfilename can't be empty}
            {--appenddirname a/b} {appenddirname can't be a path, just a dirname}
            {--appenddirname {}} {appenddirname can't be empty}
        } {
            lassign [run_server --port [free_port] --bind 127.0.0.1 --save {} {*}$args] rc out
            assert_equal 1 $rc "$args: $out"
            assert_match "*FATAL CONFIG FILE ERROR*$msg*" $out
        }
    }

    test {A value that turns a missing feature on is refused by CONFIG SET} {
        if {![rc_is_redis_kv]} { skip "redis-kv's own rule" }
        foreach {name args mode} $::rc_refused {
            set default [lindex [r config get $name] 1]
            if {$mode eq "immutable"} {
                assert_error_equal [rc_set_error $name {can't set immutable config}] \
                    {r config set $name $args}
            } else {
                assert_error "*CONFIG SET failed (possibly related to argument '$name') - '$name $args' needs *which redis-kv does not have*" \
                    {r config set $name $args}
                # The default itself is fine.
                assert_equal OK [r config set $name $default]
            }
            assert_equal $default [lindex [r config get $name] 1] "$name unchanged"
        }
        # Values that only tune a missing feature are kept.
        assert_equal OK [r config set repl-backlog-size 10mb cluster-node-timeout 5000]
        assert_equal {repl-backlog-size 10485760} [r config get repl-backlog-size]
        r config set repl-backlog-size 1mb cluster-node-timeout 15000
    }

    test {A value that turns a missing feature on stops start-up from a file} {
        if {![rc_is_redis_kv]} { skip "redis-kv's own rule" }
        set path [file join [new_tmpdir] refused.conf]
        foreach {name args mode} $::rc_refused {
            set line "$name $args"
            rc_write $path "bind 127.0.0.1\n$line\n"
            lassign [run_server $path --port [free_port]] rc out
            assert_equal 1 $rc "$line: $out"
            assert_match "*FATAL CONFIG FILE ERROR*at line 2*>>> '$line'*'$name $args' needs *which redis-kv does not have*" $out
        }
        # Config-file-only directives of missing features.
        foreach line {{rename-command FLUSHALL ""}
                      {loadmodule /x.so} {sentinel monitor m 127.0.0.1 6379 2}} {
            rc_write $path "bind 127.0.0.1\n$line\n"
            lassign [run_server $path --port [free_port]] rc out
            assert_equal 1 $rc "$line: $out"
            assert_match "*>>> '$line'*'[lindex $line 0]' needs *which redis-kv does not have*" $out
        }
    }

    test {A value that turns a missing feature on stops start-up from the command line} {
        if {![rc_is_redis_kv]} { skip "redis-kv's own rule" }
        foreach {name args mode} $::rc_refused {
            lassign [run_server --port [free_port] --bind 127.0.0.1 --$name {*}$args] rc out
            assert_equal 1 $rc "--$name $args: $out"
            assert_match "*FATAL CONFIG FILE ERROR*'$name $args' needs *which redis-kv does not have*" $out
        }
        # ... while the default is accepted.
        set s [spawn_server -cmdline [list --bind 127.0.0.1 --cluster-enabled no --maxmemory 0 \
                                          --tls-port 0 --replicaof no one --aclfile ""]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal PONG [$c ping]
        assert_equal {replicaof {}} [$c config get replicaof]
        $c close
        stop_server $s
    }

    test {CONFIG REWRITE keeps the accepted directives} {
        # The alias line comes last, so it wins, and is rewritten under the
        # primary name in the primary's place.
        set conf [rc_defaults_copy "hash-max-ziplist-value 32\n"]
        set s [spawn_server -cmdline [list $conf --bind 127.0.0.1]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal {hash-max-listpack-value 32} [$c config get hash-max-listpack-value]
        assert_equal OK [$c config set hash-max-ziplist-entries 100 cluster-node-timeout 5000 \
                             repl-backlog-size 10mb oom-score-adj-values {1 2 3} \
                             tls-cert-file {/a b} lazyfree-lazy-user-del yes]
        set before [$c config get *]
        assert_equal OK [$c config rewrite]
        $c close
        stop_server $s
        set text [rc_read $conf]
        set names [rc_directives $text]
        # Every directive of the defaults file is still there, once
        # (redis-server drops the lines of empty "no value" strings and
        # writes one save line per save point).
        set kv [rc_is_redis_kv]
        foreach name [rc_directives [rc_read $::rc_asset]] {
            set n [llength [lsearch -all -exact $names $name]]
            if {!$kv && $n == 0 && [lindex [r config get $name] 1] eq ""} continue
            if {!$kv && $name eq "save"} continue
            assert_equal 1 $n "$name in the rewritten file"
        }
        assert_equal -1 [lsearch -exact $names hash-max-ziplist-value]
        assert_match "*\nhash-max-listpack-value 32\n*" $text
        assert_match "*\nhash-max-listpack-entries 100\n*" $text
        assert_match "*\ncluster-enabled no\n*" $text
        # The rewritten file restarts the server with the same values.
        set s [spawn_server -cmdline [list $conf]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        set after [$c config get *]
        dict for {name value} $before {
            if {$name in {port dir}} continue
            assert_equal $value [dict get $after $name] "$name after the rewrite"
        }
        $c close
        stop_server $s
    }

    test {Debian's /etc/redis/redis.conf loads} {
        set debian /etc/redis/redis.conf
        if {![file readable $debian]} { skip "no $debian" }
        set conf [file join [new_tmpdir] redis.conf]
        file copy $debian $conf
        # Its own daemonize, pidfile, logfile and bind are for the packaged
        # service; the harness adds --port and --dir.
        set s [spawn_server -cmdline [list $conf --daemonize no --pidfile "" --logfile "" \
                                          --bind 127.0.0.1]]
        set c [redis_client 127.0.0.1 [dict get $s port]]
        assert_equal PONG [$c ping]
        assert_equal OK [$c set k v]
        assert_equal v [$c get k]
        assert_equal {always-show-logo no} [$c config get always-show-logo]
        assert_equal {hash-max-listpack-entries 512} [$c config get hash-max-listpack-entries]
        assert_equal {client-output-buffer-limit {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60}} \
            [$c config get client-output-buffer-limit]
        $c close
        stop_server $s
    }
}
