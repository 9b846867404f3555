# CONFIG GET / SET / RESETSTAT / REWRITE / HELP, and the config file format
# (include, quoting, units, later lines and command-line options winning).
#
# Written from Redis 7's documented behaviour and checked against a real
# redis-server 7.0 (tests/runtest --server /usr/bin/redis-server --single
# unit/config).  Tests that start extra servers use the harness's
# spawn_server (a fresh --dir and --port after the test's own arguments:
# redis-kv locks its data directory, so a second server can never share
# the running one's) and stop only the PIDs they started.

# ------------------------------------------------------------- helpers

# 1 when the server under test is redis-kv (INFO has redis_kv_version).
proc cfg_is_redis_kv {{client ""}} {
    if {$client eq ""} { set t [r info server] } else { set t [$client info server] }
    return [regexp -line {^redis_kv_version:} $t]
}

# Value of FIELD in an INFO text, or "" when absent.
proc cfg_info_field {text field} {
    if {[regexp -line "^$field:(\[^\r\]*)\r?\$" $text -> v]} { return $v }
    return ""
}

# CONFIG GET of one parameter: its value.
proc cfg_get {name {client ""}} {
    if {$client eq ""} { set reply [r config get $name] } else { set reply [$client config get $name] }
    return [lindex $reply 1]
}

# The parameters redis-kv implements; against real Redis the "every
# parameter" tests are restricted to these.
set ::cfg_kv_params {bind protected-mode port tcp-backlog unixsocket
    unixsocketperm timeout tcp-keepalive daemonize pidfile loglevel logfile
    databases requirepass maxclients hz proto-max-bulk-len
    client-query-buffer-limit client-output-buffer-limit
    slowlog-log-slower-than slowlog-max-len enable-debug-command
    enable-protected-configs dir}

# Redis 7.0's immutable and protected parameters (from redis-server 7.0.15:
# CONFIG SET of each parameter to its own current value).
set ::cfg_immutable {aclfile always-show-logo aof_rewrite_cpulist appenddirname cold-read-threads
    appendfilename bgsave_cpulist bio_cpulist cluster-config-file
    cluster-enabled cluster-port daemonize databases disable-thp
    enable-debug-command enable-module-command enable-protected-configs
    io-threads io-threads-do-reads logfile pidfile rdbchecksum replicaof
    server_cpulist set-proc-title slaveof socket-mark-id supervised
    syslog-enabled syslog-facility syslog-ident tcp-backlog unixsocket
    unixsocketperm}
set ::cfg_protected {dbfilename dir}

proc cfg_set_error {name msg} {
    return "ERR CONFIG SET failed (possibly related to argument '$name') - $msg"
}

# An IPv4 address that is certainly not configured on this machine.
proc cfg_foreign_ipv4 {} {
    set local {}
    catch {set local [exec hostname -I]}
    if {![catch {open /proc/net/fib_trie r} f]} {
        append local " " [read $f]
        close $f
    }
    foreach a {203.0.113.77 198.51.100.77 192.0.2.177 10.254.253.252} {
        if {[string first $a $local] < 0} { return $a }
    }
    error "no foreign IPv4 address found"
}

proc cfg_noop {args} {}

# 1 if HOST:PORT refuses connections.
proc cfg_port_refuses {port {host 127.0.0.1}} {
    if {[catch {socket $host $port} s]} { return 1 }
    close $s
    return 0
}

proc cfg_write_file {path content} {
    set f [open $path w]
    puts -nonewline $f $content
    close $f
}

proc cfg_read_file {path} {
    set f [open $path r]
    set d [read $f]
    close $f
    return $d
}

# ------------------------------------------------------------ CONFIG GET
# (Every block needs its own server: the tests expect the default values
# and change parameters.)

start_server {tags {config needs:own-server}} {
    test {CONFIG GET of one parameter} {
        assert_equal [list port [srv port]] [r config get port]
        assert_equal {maxclients 10000} [r config get maxclients]
        assert_equal {loglevel notice} [r config get loglevel]
    }

    test {CONFIG GET with several patterns} {
        set d [r config get port timeout slowlog-max-len]
        assert_equal 6 [llength $d]
        assert_equal [srv port] [dict get $d port]
        assert_equal 0 [dict get $d timeout]
        assert_equal 128 [dict get $d slowlog-max-len]
    }

    test {CONFIG GET with a glob pattern} {
        set d [r config get *max*]
        foreach p {maxclients proto-max-bulk-len slowlog-max-len} {
            assert {[dict exists $d $p]} "$p missing from CONFIG GET *max*"
        }
        foreach {k v} $d { assert_match *max* $k }
        set d [r config get {p?rt}]
        assert_equal [list port [srv port]] $d
        set d [r config get {slowlog-[lm]*}]
        assert_equal 4 [llength $d]
        assert {[dict exists $d slowlog-log-slower-than] && [dict exists $d slowlog-max-len]}
    }

    test {CONFIG GET lists a parameter matched several times once} {
        assert_equal [list port [srv port]] [r config get port port]
        assert_equal [list port [srv port]] [r config get port p*rt {po[r]t} {p?rt}]
        set d [r config get *max* maxclients proto-*]
        assert_equal [llength [lsort -unique [dict keys $d]]] [expr {[llength $d] / 2}]
    }

    test {CONFIG GET of unknown parameters gives an empty map} {
        assert_equal {} [r config get nosuchparameter]
        assert_equal {} [r config get no*such*]
        assert_equal [list port [srv port]] [r config get nosuch port]
    }

    test {CONFIG GET names are case insensitive and echoed as given} {
        assert_equal [list PORT [srv port]] [r config get PORT]
        assert_equal [list port [srv port]] [r config get port PORT]
        assert_equal [list port [srv port]] [r config get P*RT]
    }

    test {CONFIG GET * returns every parameter once, with a value} {
        set d [r config get *]
        assert_equal [llength [lsort -unique [dict keys $d]]] [expr {[llength $d] / 2}]
        foreach p $::cfg_kv_params {
            assert {[dict exists $d $p]} "$p missing from CONFIG GET *"
        }
    }

    test {CONFIG GET in RESP3 is a map} {
        set c [redis_client]
        $c hello 3
        assert_equal [list port [srv port]] [$c config get port]
        assert_equal % [$c last_type]
        $c deferred 1
        $c config get port
        assert_equal "%1\r\n\$4\r\nport\r\n\$[string length [srv port]]\r\n[srv port]\r\n" [$c read_raw]
        $c config get nosuchparameter
        assert_equal "%0\r\n" [$c read_raw]
        $c config get port timeout
        assert_match "%2\r\n*" [$c read_raw]
        $c close
        # RESP2: a flat array.
        set c [redis_deferring_client]
        $c config get nosuchparameter
        assert_equal "*0\r\n" [$c read_raw]
        $c config get port
        assert_match "*2\r\n\$4\r\nport\r\n*" [$c read_raw]
        $c close
    }

    test {CONFIG GET: wrong number of arguments} {
        assert_error_equal {ERR wrong number of arguments for 'config|get' command} {r config get}
        assert_error_equal {ERR wrong number of arguments for 'config' command} {r config}
        assert_error_equal {ERR unknown subcommand 'foo'. Try CONFIG HELP.} {r config foo}
    }

    # ------------------------------------------------------------ CONFIG SET

    test {CONFIG SET of one parameter} {
        assert_equal OK [r config set timeout 100]
        assert_equal 100 [cfg_get timeout]
        assert_equal OK [r config set timeout 0]
        assert_equal 0 [cfg_get timeout]
        assert_equal OK [r config set slowlog-max-len 5]
        assert_equal 5 [cfg_get slowlog-max-len]
        assert_equal OK [r config set slowlog-max-len 128]
    }

    test {CONFIG SET of several parameters} {
        assert_equal OK [r config set timeout 10 tcp-keepalive 20 loglevel warning]
        assert_equal 10 [cfg_get timeout]
        assert_equal 20 [cfg_get tcp-keepalive]
        assert_equal warning [cfg_get loglevel]
        assert_equal OK [r config set timeout 0 tcp-keepalive 300 loglevel notice]
        set d [r config get timeout tcp-keepalive]
        assert_equal {0 300} [list [dict get $d timeout] [dict get $d tcp-keepalive]]
    }

    test {CONFIG SET names and enum/bool values are case insensitive} {
        assert_equal OK [r config set TIMEOUT 3 LogLevel WARNING]
        assert_equal 3 [cfg_get timeout]
        assert_equal warning [cfg_get loglevel]
        assert_equal OK [r config set protected-mode YES]
        assert_equal yes [cfg_get protected-mode]
        assert_equal OK [r config set timeout 0 loglevel notice]
    }

    test {CONFIG SET is all or nothing: a bad value in a later pair changes nothing} {
        assert_error_equal [cfg_set_error port {argument must be between 0 and 65535 inclusive}] \
            {r config set timeout 5 port 70000}
        assert_equal 0 [cfg_get timeout]
        assert_error_equal [cfg_set_error loglevel {argument(s) must be one of the following: debug, verbose, notice, warning}] \
            {r config set timeout 5 slowlog-max-len 7 loglevel bad}
        assert_equal 0 [cfg_get timeout]
        assert_equal 128 [cfg_get slowlog-max-len]
        assert_error_equal [cfg_set_error daemonize {can't set immutable config}] \
            {r config set timeout 5 daemonize no}
        assert_equal 0 [cfg_get timeout]
        assert_error_equal {ERR Unknown option or number of arguments for CONFIG SET - 'foo'} \
            {r config set timeout 5 foo bar}
        assert_equal 0 [cfg_get timeout]
        assert_error_equal [cfg_set_error client-output-buffer-limit {Invalid client class specified in buffer limit configuration.}] \
            {r config set slowlog-max-len 9 client-output-buffer-limit {normal 1 1 1 nosuch 1 1 1}}
        assert_equal 128 [cfg_get slowlog-max-len]
        assert_equal {normal 1073741824 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            [cfg_get client-output-buffer-limit]
    }

    test {CONFIG SET: unknown option} {
        assert_error_equal {ERR Unknown option or number of arguments for CONFIG SET - 'foo'} \
            {r config set foo bar}
        assert_error_equal {ERR Unknown option or number of arguments for CONFIG SET - 'nosuch-param'} \
            {r config set nosuch-param 1 timeout 0}
    }

    test {CONFIG SET: duplicate parameter} {
        assert_error_equal [cfg_set_error timeout {duplicate parameter}] \
            {r config set timeout 1 timeout 2}
        assert_error_equal [cfg_set_error TIMEOUT {duplicate parameter}] \
            {r config set timeout 1 TIMEOUT 2}
        assert_equal 0 [cfg_get timeout]
    }

    test {CONFIG SET: immutable parameters} {
        foreach {p v} {daemonize no databases 16 tcp-backlog 511 unixsocket /tmp/x.sock
                       pidfile /tmp/x.pid logfile {} enable-debug-command yes
                       enable-protected-configs yes} {
            assert_error_equal [cfg_set_error $p {can't set immutable config}] \
                {r config set $p $v}
        }
    }

    test {CONFIG SET: protected parameters} {
        assert_error_equal [cfg_set_error dir {can't set protected config}] \
            {r config set dir /tmp}
        assert_error_equal [cfg_set_error dir {can't set protected config}] \
            {r config set dir [cfg_get dir]}
    }

    test {CONFIG SET: integer range errors} {
        assert_error_equal [cfg_set_error port {argument must be between 0 and 65535 inclusive}] \
            {r config set port 65536}
        assert_error_equal [cfg_set_error port {argument must be between 0 and 65535 inclusive}] \
            {r config set port -1}
        assert_error_equal [cfg_set_error timeout {argument must be between 0 and 2147483647 inclusive}] \
            {r config set timeout -1}
        assert_error_equal [cfg_set_error maxclients {argument must be between 1 and 4294967295 inclusive}] \
            {r config set maxclients 0}
        assert_error_equal [cfg_set_error slowlog-log-slower-than {argument must be between -1 and 9223372036854775807 inclusive}] \
            {r config set slowlog-log-slower-than -2}
        assert_error_equal [cfg_set_error hz {argument must be between 0 and 2147483647 inclusive}] \
            {r config set hz -1}
    }

    test {CONFIG SET: integers must be plain integers} {
        foreach v {abc 1x 5.0 0x10 +5 { 5} {5 } {} 1k 1mb} {
            assert_error_equal [cfg_set_error timeout {argument couldn't be parsed into an integer}] \
                {r config set timeout $v} "value '$v'"
        }
        assert_error_equal [cfg_set_error maxclients {argument couldn't be parsed into an integer}] \
            {r config set maxclients 1k}
        assert_error_equal [cfg_set_error slowlog-max-len {argument couldn't be parsed into an integer}] \
            {r config set slowlog-max-len 1mb}
        assert_equal 0 [cfg_get timeout]
        assert_equal 10000 [cfg_get maxclients]
        assert_equal 128 [cfg_get slowlog-max-len]
    }

    test {CONFIG SET: bool parameters} {
        assert_error_equal [cfg_set_error protected-mode {argument must be 'yes' or 'no'}] \
            {r config set protected-mode maybe}
        assert_error_equal [cfg_set_error protected-mode {argument must be 'yes' or 'no'}] \
            {r config set protected-mode 1}
        assert_equal OK [r config set protected-mode no]
        assert_equal no [cfg_get protected-mode]
        assert_equal OK [r config set protected-mode yes]
        assert_equal yes [cfg_get protected-mode]
    }

    test {CONFIG SET: enum parameters} {
        foreach l {debug verbose warning notice} {
            assert_equal OK [r config set loglevel $l]
            assert_equal $l [cfg_get loglevel]
        }
        assert_error_equal [cfg_set_error loglevel {argument(s) must be one of the following: debug, verbose, notice, warning}] \
            {r config set loglevel foo}
        assert_equal notice [cfg_get loglevel]
    }

    test {CONFIG SET: memory values} {
        assert_equal OK [r config set proto-max-bulk-len 1mb]
        assert_equal 1048576 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 2MB]
        assert_equal 2097152 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 2m]
        assert_equal 2000000 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 1Gb]
        assert_equal 1073741824 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 3000000b]
        assert_equal 3000000 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 4000000]
        assert_equal 4000000 [cfg_get proto-max-bulk-len]
        foreach v {1x 1.5mb 2mbb { 2mb} -1 abc} {
            assert_error_equal [cfg_set_error proto-max-bulk-len {argument must be a memory value}] \
                {r config set proto-max-bulk-len $v} "value '$v'"
        }
        assert_error_equal [cfg_set_error client-query-buffer-limit {argument must be a memory value}] \
            {r config set client-query-buffer-limit 1x}
        assert_error_equal [cfg_set_error proto-max-bulk-len {argument must be between 1048576 and 9223372036854775807 inclusive}] \
            {r config set proto-max-bulk-len 1000}
        assert_error_equal [cfg_set_error proto-max-bulk-len {argument must be between 1048576 and 9223372036854775807 inclusive}] \
            {r config set proto-max-bulk-len {}}
        assert_equal 4000000 [cfg_get proto-max-bulk-len]
        assert_equal OK [r config set proto-max-bulk-len 512mb]
        assert_equal 536870912 [cfg_get proto-max-bulk-len]
    }

    test {CONFIG SET: memory values above LLONG_MAX are out of range} {
        assert_equal OK [r config set proto-max-bulk-len 9223372036854775807]
        foreach v {9223372036854775808 99999999999999999999} {
            assert_error_equal [cfg_set_error proto-max-bulk-len {argument must be between 1048576 and 9223372036854775807 inclusive}] \
                {r config set proto-max-bulk-len $v} "value '$v'"
        }
        assert_equal OK [r config set proto-max-bulk-len 512mb]
    }

    test {CONFIG SET: client-output-buffer-limit} {
        assert_equal OK [r config set client-output-buffer-limit {normal 1mb 512kb 10}]
        assert_equal {normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            [cfg_get client-output-buffer-limit]
        assert_equal OK [r config set client-output-buffer-limit {replica 1k 1kb 1 pubsub 2mb 1mb 5}]
        assert_equal {normal 1048576 524288 10 slave 1000 1024 1 pubsub 2097152 1048576 5} \
            [cfg_get client-output-buffer-limit]
        # An empty value changes nothing.
        assert_equal OK [r config set client-output-buffer-limit {}]
        assert_equal {normal 1048576 524288 10 slave 1000 1024 1 pubsub 2097152 1048576 5} \
            [cfg_get client-output-buffer-limit]
        foreach {v msg} {
            foo {Wrong number of arguments in buffer limit configuration.}
            {normal 1 2} {Wrong number of arguments in buffer limit configuration.}
            {normal 1 2 3 pubsub} {Wrong number of arguments in buffer limit configuration.}
            {foo 1 2 3} {Invalid client class specified in buffer limit configuration.}
            {master 0 0 0} {Invalid client class specified in buffer limit configuration.}
            {normal x 2 3} {Error in hard, soft or soft_seconds setting in buffer limit configuration.}
            {normal 1 1x 3} {Error in hard, soft or soft_seconds setting in buffer limit configuration.}
            {normal 1 2 1x} {Error in hard, soft or soft_seconds setting in buffer limit configuration.}
            {normal 1 2 -3} {Error in hard, soft or soft_seconds setting in buffer limit configuration.}
        } {
            assert_error_equal [cfg_set_error client-output-buffer-limit $msg] \
                {r config set client-output-buffer-limit $v} "value '$v'"
        }
        # All classes in one value are checked before any changes.
        assert_error_equal [cfg_set_error client-output-buffer-limit {Invalid client class specified in buffer limit configuration.}] \
            {r config set client-output-buffer-limit {normal 0 0 0 foo 1 1 1}}
        assert_equal {normal 1048576 524288 10 slave 1000 1024 1 pubsub 2097152 1048576 5} \
            [cfg_get client-output-buffer-limit]
        assert_equal OK [r config set client-output-buffer-limit {normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60}]
        assert_equal {normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60} \
            [cfg_get client-output-buffer-limit]
    }

    test {CONFIG SET: wrong number of arguments} {
        assert_error_equal {ERR wrong number of arguments for 'config|set' command} {r config set}
        assert_error_equal {ERR wrong number of arguments for 'config|set' command} {r config set port}
        # An odd number of arguments beyond the first pair (Redis 7.0:
        # configSetCommand replies with the shared syntax error).
        assert_error_equal {ERR syntax error} {r config set timeout 1 port}
        assert_error_equal {ERR syntax error} {r config set timeout 1 port 2 loglevel}
        assert_equal 0 [cfg_get timeout]
    }

    test {CONFIG SET hz is clamped to 1..500} {
        assert_equal OK [r config set hz 0]
        assert_equal 1 [cfg_get hz]
        assert_equal OK [r config set hz 1000]
        assert_equal 500 [cfg_get hz]
        assert_equal OK [r config set hz 500]
        assert_equal 500 [cfg_get hz]
        assert_equal OK [r config set hz 10]
        assert_equal 10 [cfg_get hz]
        assert_equal 10 [cfg_info_field [r info server] configured_hz]
    }

    test {CONFIG SET requirepass applies to new connections} {
        assert_equal OK [r config set requirepass s3cret]
        assert_equal s3cret [cfg_get requirepass]
        set c [redis_client]
        assert_error_equal {NOAUTH Authentication required.} {$c ping}
        assert_equal OK [$c auth s3cret]
        assert_equal PONG [$c ping]
        # The connection that set it stays authenticated.
        assert_equal PONG [r ping]
        assert_equal OK [r config set requirepass {}]
        assert_equal {} [cfg_get requirepass]
        $c close
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {Setting every parameter to its current value succeeds, except immutable/protected ones} {
        set all [r config get *]
        set kv [cfg_is_redis_kv]
        set checked 0
        foreach {name value} $all {
            if {!$kv && $name ni $::cfg_kv_params} continue
            incr checked
            if {$name in $::cfg_immutable} {
                assert_error_equal [cfg_set_error $name {can't set immutable config}] \
                    {r config set $name $value}
            } elseif {$name in $::cfg_protected} {
                assert_error_equal [cfg_set_error $name {can't set protected config}] \
                    {r config set $name $value}
            } else {
                if {[catch {r config set $name $value} err]} {
                    assert_failed "CONFIG SET $name '$value' failed: $err"
                }
                assert_equal OK $err "CONFIG SET $name '$value'"
                assert_equal $value [cfg_get $name] "CONFIG GET $name after setting it back"
            }
        }
        if {!$kv} { assert_equal [llength $::cfg_kv_params] $checked }
        assert_equal PONG [r ping]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {Setting all parameters back in one CONFIG SET succeeds} {
        set kv [cfg_is_redis_kv]
        set args {}
        foreach {name value} [r config get *] {
            if {!$kv && $name ni $::cfg_kv_params} continue
            if {$name in $::cfg_immutable || $name in $::cfg_protected} continue
            lappend args $name $value
        }
        assert_equal OK [r config set {*}$args]
        assert_equal PONG [r ping]
    }

    # -------------------------------------------------- RESETSTAT, HELP

    test {CONFIG RESETSTAT resets the INFO counters} {
        set c [redis_client]
        $c ping
        catch {$c nosuchcommand}
        catch {$c config set foo bar}
        $c close
        set t [r info stats]
        assert_morethan [cfg_info_field $t total_connections_received] 0
        assert_morethan [cfg_info_field $t total_commands_processed] 0
        assert_morethan [cfg_info_field $t total_error_replies] 0
        assert_match {*errorstat_ERR:*} [r info errorstats]
        assert_equal OK [r config resetstat]
        set t [r info stats]
        assert_equal 0 [cfg_info_field $t total_connections_received]
        assert_equal 1 [cfg_info_field $t total_commands_processed]
        assert_equal 0 [cfg_info_field $t total_error_replies]
        assert_equal 0 [cfg_info_field $t rejected_connections]
        assert_equal 0 [cfg_info_field $t unexpected_error_replies]
        assert_equal "# Errorstats\r\n" [r info errorstats]
        set cs [r info commandstats]
        assert_no_match {*cmdstat_ping:*} $cs
        assert_no_match {*cmdstat_config|set:*} $cs
        assert_match {*cmdstat_config|resetstat:calls=1,*} $cs
    }

    test {CONFIG RESETSTAT: wrong number of arguments} {
        assert_error_equal {ERR wrong number of arguments for 'config|resetstat' command} \
            {r config resetstat x}
        assert_error_equal {ERR wrong number of arguments for 'config|rewrite' command} \
            {r config rewrite x}
        assert_error_equal {ERR wrong number of arguments for 'config|help' command} \
            {r config help x}
    }

    test {CONFIG HELP} {
        set h [r config help]
        assert_equal [list \
            {CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} \
            {GET <pattern>} \
            {    Return parameters matching the glob-like <pattern> and their values.} \
            {SET <directive> <value>} \
            {    Set the configuration <directive> to <value>.} \
            RESETSTAT \
            {    Reset statistics reported by the INFO command.} \
            REWRITE \
            {    Rewrite the configuration file.} \
            HELP \
            {    Prints this help.}] $h
        assert_equal $h [r CONFIG HeLp]
    }
}

# --------------------------------------------- listeners: port and bind

start_server {tags {config needs:own-server}} {
    test {CONFIG SET port moves the listener} {
        set old [srv port]
        set new [free_port]
        assert_equal OK [r config set port $new]
        assert_equal $new [cfg_get port]
        # This connection survives; the old port refuses, the new one answers.
        assert_equal PONG [r ping]
        assert {[cfg_port_refuses $old]}
        set c [redis_client 127.0.0.1 $new]
        assert_equal PONG [$c ping]
        assert_equal $new [cfg_info_field [$c info server] tcp_port]
        # And back.
        assert_equal OK [$c config set port $old]
        assert_equal PONG [$c ping]
        $c close
        assert {[cfg_port_refuses $new]}
        set c [redis_client 127.0.0.1 $old]
        assert_equal PONG [$c ping]
        $c close
        assert_equal $old [cfg_get port]
    }

    test {CONFIG SET port to the current port is a no-op} {
        assert_equal OK [r config set port [srv port]]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {CONFIG SET port to a port in use fails and keeps the old one} {
        set busy [socket -server cfg_noop -myaddr 127.0.0.1 0]
        set busyport [lindex [fconfigure $busy -sockname] 2]
        assert_error_equal [cfg_set_error port {Unable to listen on this port. Check server logs.}] \
            {r config set port $busyport}
        assert_error_equal [cfg_set_error port {Unable to listen on this port. Check server logs.}] \
            {r config set timeout 9 port $busyport}
        close $busy
        assert_equal [srv port] [cfg_get port]
        assert_equal 0 [cfg_get timeout]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {CONFIG SET bind to an unbindable address fails, the server keeps answering} {
        set foreign [cfg_foreign_ipv4]
        assert_error_equal [cfg_set_error bind {Failed to bind to specified addresses.}] \
            {r config set bind $foreign}
        assert_equal 127.0.0.1 [cfg_get bind]
        assert_error_equal [cfg_set_error bind {Failed to bind to specified addresses.}] \
            {r config set bind "127.0.0.1 $foreign"}
        assert_equal 127.0.0.1 [cfg_get bind]
        assert_equal PONG [r ping]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {CONFIG SET bind: too many addresses} {
        assert_error_equal [cfg_set_error bind {Too many bind addresses specified.}] \
            {r config set bind {a b c d e f g h i j k l m n o p q}}
        assert_equal 127.0.0.1 [cfg_get bind]
    }

    test {CONFIG SET bind to a new list containing the current address} {
        set foreign [cfg_foreign_ipv4]
        # An optional ("-") address that is not available is skipped.
        assert_equal OK [r config set bind "-$foreign 127.0.0.1"]
        assert_equal "-$foreign 127.0.0.1" [cfg_get bind]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
        assert_equal OK [r config set bind 127.0.0.1]
        assert_equal 127.0.0.1 [cfg_get bind]
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {CONFIG SET bind to another address moves the listener} {
        # 127.0.0.2 is loopback on Linux.
        if {[catch {socket -server cfg_noop -myaddr 127.0.0.2 0} s]} {
            skip "127.0.0.2 is not usable here"
        }
        close $s
        assert_equal OK [r config set bind 127.0.0.2]
        assert_equal PONG [r ping]
        assert {[cfg_port_refuses [srv port] 127.0.0.1]}
        set c [redis_client 127.0.0.2 [srv port]]
        assert_equal PONG [$c ping]
        assert_equal OK [$c config set bind 127.0.0.1]
        $c close
        assert {[cfg_port_refuses [srv port] 127.0.0.2]}
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {CONFIG SET bind with IPv6 loopback} {
        if {[catch {socket -server cfg_noop -myaddr ::1 0} s]} {
            skip "no IPv6 loopback"
        }
        close $s
        assert_equal OK [r config set bind {127.0.0.1 ::1}]
        assert_equal {127.0.0.1 ::1} [cfg_get bind]
        set c [redis_client ::1 [srv port]]
        assert_equal PONG [$c ping]
        $c close
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
        assert_equal OK [r config set bind 127.0.0.1]
        assert {[cfg_port_refuses [srv port] ::1]}
    }

    test {CONFIG SET dir needs enable-protected-configs} {
        assert_error_equal [cfg_set_error dir {can't set protected config}] {r config set dir /tmp}
    }
}

start_server {tags {config needs:own-server} overrides {enable-protected-configs yes}} {
    test {CONFIG SET dir with enable-protected-configs yes} {
        set old [cfg_get dir]
        set sub [file join [srv dir] subdir]
        file mkdir $sub
        assert_equal OK [r config set dir $sub]
        assert_equal [file normalize $sub] [cfg_get dir]
        assert_error_equal [cfg_set_error dir {No such file or directory}] \
            {r config set dir [file join [srv dir] no such dir]}
        assert_equal [file normalize $sub] [cfg_get dir]
        assert_equal OK [r config set dir $old]
        assert_equal $old [cfg_get dir]
    }
}

# ------------------------------------------------------- CONFIG REWRITE

start_server {tags {config needs:own-server} config_lines {
    "# cfg-test: first comment"
    "timeout 0"
    ""
    "# cfg-test: comment between"
    "slowlog-max-len 100"
    "slowlog-max-len 200"
    "loglevel notice"
    "# cfg-test: last comment"
}} {
    test {CONFIG REWRITE keeps comments, replaces values in place, appends the others} {
        assert_equal 200 [cfg_get slowlog-max-len]
        assert_equal OK [r config set timeout 77 loglevel warning maxclients 999 \
                             slowlog-log-slower-than 1234 \
                             client-output-buffer-limit {normal 1mb 512kb 10}]
        assert_equal OK [r config rewrite]
        set text [cfg_read_file [srv config_file]]
        set lines [split $text "\n"]
        # Comments are kept, in order.
        set comments [lsearch -all -inline -glob $lines {# cfg-test:*}]
        assert_equal {{# cfg-test: first comment} {# cfg-test: comment between} {# cfg-test: last comment}} $comments
        set first [lsearch -exact $lines {# cfg-test: first comment}]
        set between [lsearch -exact $lines {# cfg-test: comment between}]
        set last [lsearch -exact $lines {# cfg-test: last comment}]
        # Values present in the file are replaced where they were.
        assert_equal {timeout 77} [lindex $lines [expr {$first + 1}]]
        assert_equal {slowlog-max-len 200} [lindex $lines [expr {$between + 1}]]
        assert_equal 1 [llength [lsearch -all -glob $lines {slowlog-max-len *}]]
        set ll [lsearch -all -glob $lines {loglevel *}]
        assert_equal 1 [llength $ll]
        assert_equal {loglevel warning} [lindex $lines $ll]
        assert {$ll > $between && $ll < $last} "loglevel line moved: $text"
        # The harness's own lines stay at the top.
        assert_equal "port [srv port]" [lindex $lines 0]
        assert_equal 1 [llength [lsearch -all -glob $lines {port *}]]
        assert_equal 1 [llength [lsearch -all -glob $lines {timeout *}]]
        # Changed parameters that were not in the file are appended.
        set gen [lsearch -exact $lines {# Generated by CONFIG REWRITE}]
        assert {$gen > $last} "no '# Generated by CONFIG REWRITE' after the original lines: $text"
        foreach l {{maxclients 999} {slowlog-log-slower-than 1234}} {
            set i [lsearch -exact $lines $l]
            assert {$i > $gen} "'$l' not appended: $text"
        }
        set i [lsearch -glob $lines {client-output-buffer-limit normal *}]
        assert {$i > $gen} "client-output-buffer-limit not appended: $text"
        # Unchanged defaults are not written.
        assert_equal -1 [lsearch -glob $lines {tcp-keepalive *}]
        assert_equal -1 [lsearch -glob $lines {hz *}]
    }

    test {CONFIG REWRITE twice gives the same lines} {
        # (Blank lines may differ: Redis adds a final newline the second time.)
        set before [lsearch -all -inline -not -exact [split [cfg_read_file [srv config_file]] "\n"] {}]
        assert_equal OK [r config rewrite]
        set after [lsearch -all -inline -not -exact [split [cfg_read_file [srv config_file]] "\n"] {}]
        assert_equal $before $after
    }

    test {The rewritten file restarts the server with the same values} {
        set params {timeout loglevel maxclients slowlog-log-slower-than slowlog-max-len
                    client-output-buffer-limit enable-debug-command bind hz
                    tcp-keepalive proto-max-bulk-len client-query-buffer-limit}
        set expected [r config get {*}$params]
        set copy [file join [srv dir] rewritten.conf]
        file copy -force [srv config_file] $copy
        # dir is checked in the file: the copy runs on a fresh directory,
        # since a data directory belongs to one server at a time.
        set fd [open $copy]
        set text [read $fd]
        close $fd
        assert_match "*\ndir \"[lindex [r config get dir] 1]\"*" "\n$text"
        set s2 [spawn_server -cmdline [list $copy]]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        set got [$c config get {*}$params]
        foreach p $params {
            assert_equal [dict get $expected $p] [dict get $got $p] "parameter $p"
        }
        $c close
        stop_server $s2 -nocheck
    }

    test {CONFIG REWRITE of a string with spaces and quotes} {
        assert_equal OK [r config set requirepass "a \"b\" c\\d"]
        assert_equal OK [r config rewrite]
        assert_equal OK [r config set requirepass {}]
        set copy [file join [srv dir] rewritten2.conf]
        file copy -force [srv config_file] $copy
        set s2 [spawn_server -cmdline [list $copy]]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        assert_error_equal {NOAUTH Authentication required.} {$c ping}
        assert_equal OK [$c auth "a \"b\" c\\d"]
        assert_equal "a \"b\" c\\d" [cfg_get requirepass $c]
        $c close
        stop_server $s2 -nocheck
    }

    test {CONFIG REWRITE of an emptied list writes "" so that the line loads} {
        assert_equal OK [r config set save {900 1}]
        assert_equal OK [r config rewrite]
        assert_equal OK [r config set save {}]
        assert_equal OK [r config rewrite]
        assert_match "*\nsave \"\"\n*" "\n[cfg_read_file [srv config_file]]"
        set copy [file join [srv dir] rewritten3.conf]
        file copy -force [srv config_file] $copy
        set s2 [spawn_server -cmdline [list $copy]]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        assert_equal {} [cfg_get save $c]
        $c close
        stop_server $s2 -nocheck
    }
}

# ------------------------------------------------ the config file format

start_server {tags {config needs:own-server}} {
    test {CONFIG REWRITE without a config file} {
        set s2 [spawn_server -cmdline {--bind 127.0.0.1}]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        assert_error_equal {ERR The server is running without a config file} {$c config rewrite}
        assert_equal [dict get $s2 port] [cfg_get port $c]
        assert_equal 127.0.0.1 [cfg_get bind $c]
        $c close
        stop_server $s2 -nocheck
    }

    test {Config file: include, quoting, units, later lines and command-line options win} {
        set dir [srv dir]
        set inc [file join $dir included.conf]
        cfg_write_file $inc "tcp-keepalive 44\nslowlog-log-slower-than 777\n"
        set main [file join $dir main.conf]
        cfg_write_file $main [join [list \
            "# a comment" \
            "   # an indented comment" \
            "" \
            "include $inc" \
            "bind 127.0.0.1" \
            "logfile \"\"" \
            "dir $dir" \
            "requirepass \"pa ss\\x21\\\"q\\\\\"" \
            "tcp-keepalive 55" \
            "timeout 1" \
            "proto-max-bulk-len 2m" \
            "client-query-buffer-limit 2MB" \
            "client-output-buffer-limit normal 1k 1kb 0" \
            "  slowlog-max-len 1  " \
            "SLOWLOG-MAX-LEN 2" \
            "maxclients 100" \
            "loglevel 'warning'" \
            "hz 1000" \
            "timeout 2" \
            ""] "\n"]
        set s2 [spawn_server -cmdline [list $main --maxclients 123]]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        set pass "pa ss!\"q\\"
        assert_error_equal {NOAUTH Authentication required.} {$c ping}
        assert_equal OK [$c auth $pass]
        # Quoted string with a space and escapes.
        assert_equal $pass [cfg_get requirepass $c]
        # From the included file, unless overridden later in the main file.
        assert_equal 777 [cfg_get slowlog-log-slower-than $c]
        assert_equal 55 [cfg_get tcp-keepalive $c]
        # Later lines win.
        assert_equal 2 [cfg_get timeout $c]
        assert_equal 2 [cfg_get slowlog-max-len $c]
        # Units: k/m/g are powers of 1000, kb/mb/gb of 1024, any case.
        assert_equal 2000000 [cfg_get proto-max-bulk-len $c]
        assert_equal 2097152 [cfg_get client-query-buffer-limit $c]
        assert_match {normal 1000 1024 0 *} [cfg_get client-output-buffer-limit $c]
        # Single quotes.
        assert_equal warning [cfg_get loglevel $c]
        # hz is clamped at start-up too.
        assert_equal 500 [cfg_get hz $c]
        # Command-line options override the file.
        assert_equal 123 [cfg_get maxclients $c]
        assert_equal [dict get $s2 port] [cfg_get port $c]
        $c close
        stop_server $s2 -nocheck
    }

    test {Config file: include at the end overrides earlier lines} {
        set dir [srv dir]
        set inc [file join $dir late.conf]
        cfg_write_file $inc "timeout 9\n"
        set main [file join $dir main2.conf]
        cfg_write_file $main "bind 127.0.0.1\ndir $dir\ntimeout 3\ninclude $inc\n"
        set s2 [spawn_server -cmdline [list $main]]
        set c [redis_client 127.0.0.1 [dict get $s2 port]]
        assert_equal 9 [cfg_get timeout $c]
        $c close
        stop_server $s2 -nocheck
    }

    test {Config file: a bad directive stops the start-up with exit code 1} {
        set dir [srv dir]
        set bad [file join $dir bad.conf]
        cfg_write_file $bad "# ok\nbind 127.0.0.1\nfoo bar\n"
        lassign [run_server $bad --port [free_port]] rc out
        assert_equal 1 $rc "output: $out"
        assert_match {*FATAL CONFIG FILE ERROR*} $out
        assert_match {*at line 3*} $out
        assert_match "*>>> 'foo bar'*" $out
        assert_match {*Bad directive or wrong number of arguments*} $out
    }

    test {Config file: a bad value stops the start-up with Redis's reason} {
        set dir [srv dir]
        set bad [file join $dir bad2.conf]
        cfg_write_file $bad "bind 127.0.0.1\ntimeout abc\n"
        lassign [run_server $bad --port [free_port]] rc out
        assert_equal 1 $rc "output: $out"
        assert_match "*>>> 'timeout abc'*argument couldn't be parsed into an integer*" $out
        cfg_write_file $bad "bind 127.0.0.1\nport 70000\n"
        lassign [run_server $bad] rc out
        assert_equal 1 $rc "output: $out"
        assert_match "*>>> 'port 70000'*argument must be between 0 and 65535 inclusive*" $out
        cfg_write_file $bad "bind 127.0.0.1\nrequirepass \"unbalanced\n"
        lassign [run_server $bad --port [free_port]] rc out
        assert_equal 1 $rc "output: $out"
        assert_match "*FATAL CONFIG FILE ERROR*" $out
        # Command-line options are checked the same way.
        lassign [run_server --port [free_port] --timeout abc] rc out
        assert_equal 1 $rc "output: $out"
        assert_match "*FATAL CONFIG FILE ERROR*argument couldn't be parsed into an integer*" $out
    }

    test {Config file: a missing config file stops the start-up} {
        lassign [run_server [file join [srv dir] does-not-exist.conf]] rc out
        assert_equal 1 $rc "output: $out"
    }
}
