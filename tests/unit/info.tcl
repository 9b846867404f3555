# INFO: section selection, the text layout, and the counters behind the
# clients, stats, commandstats and errorstats sections.  Written to pass
# against the real Redis 7.0 too; what only redis-kv has (the
# redis_kv_version field, redis_version pinned to 7.0.0) is in tests tagged
# redis-kv-only that skip themselves when INFO has no redis_kv_version.

# Value of FIELD in an INFO text, or "" when absent.
proc info_field {text field} {
    if {[regexp -line "^$field:(\[^\r\]*)\r?\$" $text -> v]} { return $v }
    return ""
}

# Section headers of an INFO text, in order: {Server Clients ...}.
proc info_headers {text} {
    set out {}
    foreach {-> h} [regexp -all -line -inline {^# (\w+)\r?$} $text] {
        lappend out $h
    }
    return $out
}

# The key=value pairs of one commandstats line, as a dict; {} if absent.
proc cmdstat {name} {
    set text [r info commandstats]
    set re "^cmdstat_[string map {| \\|} $name]:(\[^\r\]*)\r?\$"
    if {![regexp -line $re $text -> v]} { return {} }
    set d {}
    foreach kv [split $v ,] {
        lassign [split $kv =] k val
        dict set d $k $val
    }
    return $d
}

# count of one error code in INFO errorstats, 0 when absent.
proc errorstat {code} {
    set v [info_field [r info errorstats] errorstat_$code]
    if {$v eq ""} { return 0 }
    regexp {^count=(\d+)$} $v -> n
    return $n
}

proc is_redis_kv {} {
    return [expr {[info_field [r info server] redis_kv_version] ne ""}]
}

start_server {tags {info}} {
    test {INFO without arguments gives the default sections} {
        set h [info_headers [r info]]
        set default {Server Clients Memory Persistence Stats Replication CPU Modules
                     Errorstats Cluster Keyspace}
        foreach s $default {
            assert {$s in $h} "missing $s in $h"
        }
        assert {"Commandstats" ni $h}
        assert {"Latencystats" ni $h}
        # In Redis's order.
        set ours {}
        foreach s $h {
            if {$s in $default} { lappend ours $s }
        }
        assert_equal [list {*}$default] $ours
    }

    test {INFO default is the same set as no argument} {
        assert_equal [info_headers [r info]] [info_headers [r info default]]
    }

    test {INFO with one section gives only that section} {
        foreach {arg header} {server Server clients Clients memory Memory
                              stats Stats cpu CPU commandstats Commandstats
                              errorstats Errorstats keyspace Keyspace} {
            assert_equal [list $header] [info_headers [r info $arg]] "INFO $arg"
        }
    }

    test {Section names are case insensitive} {
        assert_equal {Server} [info_headers [r info SeRvEr]]
        assert_equal {Clients Stats} [info_headers [r info CLIENTS sTaTs]]
        assert_equal [info_headers [r info all]] [info_headers [r info ALL]]
        assert_equal [info_headers [r info]] [info_headers [r info DEFAULT]]
    }

    test {Several sections in one call come in the server's order} {
        assert_equal {Server Clients} [info_headers [r info server clients]]
        assert_equal {Server Clients} [info_headers [r info clients server]]
        assert_equal {Server Keyspace} [info_headers [r info keyspace server server]]
    }

    test {Unknown sections give an empty reply} {
        assert_equal {} [r info nosuchsection]
        assert_equal {Server} [info_headers [r info nosuchsection server]]
    }

    test {INFO all and everything add commandstats and latencystats, in Redis's order} {
        foreach arg {all everything} {
            set ours {}
            foreach s [info_headers [r info $arg]] {
                if {$s ne "Storage"} { lappend ours $s }
            }
            assert_equal [list Server Clients Memory Persistence Stats Replication CPU \
                              Modules Commandstats Errorstats Latencystats Cluster \
                              Keyspace] $ours
        }
    }

    test {Replication section: a master without replicas, in Redis's field order} {
        set t [r info replication]
        set fields {}
        foreach line [split [string trim $t] "\n"] {
            if {[regexp {^([a-z_0-9]+):} $line -> f]} { lappend fields $f }
        }
        assert_equal [list role connected_slaves master_failover_state master_replid \
                          master_replid2 master_repl_offset second_repl_offset \
                          repl_backlog_active repl_backlog_size \
                          repl_backlog_first_byte_offset repl_backlog_histlen] $fields
        assert_equal master [info_field $t role]
        assert_equal 0 [info_field $t connected_slaves]
        assert_equal no-failover [info_field $t master_failover_state]
        assert_match {[0-9a-f]*} [info_field $t master_replid]
        assert_equal 40 [string length [info_field $t master_replid]]
        assert_equal [string repeat 0 40] [info_field $t master_replid2]
        assert_equal 0 [info_field $t master_repl_offset]
        assert_equal -1 [info_field $t second_repl_offset]
        assert_equal 0 [info_field $t repl_backlog_active]
        assert_equal 1048576 [info_field $t repl_backlog_size]
        assert_equal 0 [info_field $t repl_backlog_first_byte_offset]
        assert_equal 0 [info_field $t repl_backlog_histlen]
        # The id stays the same while the server runs.
        assert_equal [info_field $t master_replid] \
            [info_field [r info replication] master_replid]
    }

    test {Cluster and Modules sections} {
        assert_equal "# Cluster\r\ncluster_enabled:0\r\n" [r info cluster]
        assert_equal "# Modules\r\n" [r info modules]
    }

    test {Latencystats: one line per called command, with the configured percentiles} {
        r config resetstat
        r set latkey v
        r client id
        set t [r info latencystats]
        assert_match "# Latencystats\r\n*" $t
        set line [info_field $t latency_percentiles_usec_set]
        assert_match {p50=*.*,p99=*.*,p99.9=*.*} $line
        assert_match {p50=*} [info_field $t {latency_percentiles_usec_client\|id}]
        assert_equal "" [info_field $t latency_percentiles_usec_get]
        r config set latency-tracking-info-percentiles "0 100"
        assert_match {p0=*.*,p100=*.*} [info_field [r info latencystats] latency_percentiles_usec_set]
        r config set latency-tracking-info-percentiles ""
        assert_equal "" [info_field [r info latencystats] latency_percentiles_usec_set]
        assert_match "*latency_percentiles_usec_set:\r\n*" [r info latencystats]
        r config set latency-tracking-info-percentiles "50 99 99.9"
    }

    test {Latencystats: latency-tracking no stops recording} {
        r config resetstat
        r config set latency-tracking no
        r set latkey v
        assert_equal "# Latencystats\r\n" [r info latencystats]
        r config set latency-tracking yes
        r set latkey v
        assert_match {p50=*} [info_field [r info latencystats] latency_percentiles_usec_set]
        r del latkey
    }

    test {INFO all and everything include commandstats} {
        foreach arg {all everything} {
            set h [info_headers [r info $arg]]
            foreach s {Server Clients Memory Stats CPU Commandstats Errorstats Keyspace} {
                assert {$s in $h} "INFO $arg: missing $s in $h"
            }
        }
        # "default" together with a non-default section.
        set h [info_headers [r info default commandstats]]
        assert {"Commandstats" in $h && "Server" in $h}
    }

    test {Layout: CRLF lines, one blank line between sections} {
        set t [r info server clients]
        assert_match "# Server\r\n*\r\n\r\n# Clients\r\n*" $t
        assert_equal "\r\n" [string range $t end-1 end]
        assert_no_match "*\r\n\r\n" $t
        assert_no_match "*\r\n\r\n\r\n*" $t
        foreach line [split [string range $t 0 end-1] "\n"] {
            assert_equal "\r" [string index $line end] "line '$line'"
            set line [string range $line 0 end-1]
            if {$line eq "" || [string match "# *" $line]} continue
            assert_match {[a-z_]*:*} $line
        }
        assert_equal "# Keyspace\r\n" [r info keyspace]
    }

    test {RESP3 gets the same text as a verbatim string} {
        set c [redis_client]
        $c hello 3
        set t [$c info server]
        assert_match "# Server\r\n*redis_version:*" $t
        $c readraw 1
        assert_equal "=16" [$c info keyspace]
        assert_equal "txt:# Keyspace" [$c read]
        $c close
    }

    test {Server section fields} {
        set t [r info server]
        assert_match {7.0.*} [info_field $t redis_version]
        assert_equal standalone [info_field $t redis_mode]
        assert_match {*[0-9]} [info_field $t arch_bits]
        assert_equal epoll [info_field $t multiplexing_api]
        assert_match {[0-9a-f]*} [info_field $t run_id]
        assert_equal 40 [string length [info_field $t run_id]]
        assert_equal [srv port] [info_field $t tcp_port]
        assert_equal [srv pid] [info_field $t process_id]
        assert_equal [file normalize [srv config_file]] [info_field $t config_file]
        assert_match {/*} [info_field $t executable]
        assert {[string is integer -strict [info_field $t uptime_in_seconds]]}
        assert_equal 0 [info_field $t uptime_in_days]
        set usec [info_field $t server_time_usec]
        assert_range [expr {$usec / 1000000}] [expr {[clock seconds] - 5}] [expr {[clock seconds] + 5}]
        assert_equal [info_field $t configured_hz] [lindex [r config get hz] 1]
    }

    tags {redis-kv-only} {
        test {redis_version is the API level and redis_kv_version follows it} {
            if {![is_redis_kv]} { skip "not redis-kv" }
            set t [r info server]
            assert_equal 7.0.0 [info_field $t redis_version]
            assert_match {[0-9]*.[0-9]*.[0-9]*} [info_field $t redis_kv_version]
            assert_match "# Server\r\nredis_version:7.0.0\r\nredis_kv_version:*\r\nredis_git_sha1:*" $t
        }
    }

    test {Clients section: connected_clients follows connections} {
        r ping
        set before [info_field [r info clients] connected_clients]
        set c1 [redis_client]
        set c2 [redis_client]
        $c1 ping
        $c2 ping
        assert_equal [expr {$before + 2}] [info_field [r info clients] connected_clients]
        $c1 close
        $c2 close
        wait_for_condition 100 20 {
            [info_field [r info clients] connected_clients] == $before
        } else {
            assert_failed "connected_clients did not go back to $before"
        }
        set t [r info clients]
        assert_equal [lindex [r config get maxclients] 1] [info_field $t maxclients]
        assert_equal 0 [info_field $t blocked_clients]
        assert {[string is integer -strict [info_field $t client_recent_max_input_buffer]]}
        assert {[string is integer -strict [info_field $t client_recent_max_output_buffer]]}
    }

    test {Memory section fields} {
        set t [r info memory]
        set used [info_field $t used_memory]
        # (Not "> 0": sanitizer builds hide the allocator's statistics.)
        assert {[string is integer -strict $used]}
        assert_morethan [info_field $t used_memory_rss] 0
        assert_morethan_equal [info_field $t used_memory_peak] $used
        assert_match {*[BKMG]} [info_field $t used_memory_human]
        assert_match {*%} [info_field $t used_memory_peak_perc]
        assert_match {*%} [info_field $t used_memory_dataset_perc]
        assert_morethan [info_field $t total_system_memory] 0
        assert_equal 0 [info_field $t maxmemory]
        assert_equal 0B [info_field $t maxmemory_human]
        assert_equal noeviction [info_field $t maxmemory_policy]
        assert_match {[0-9]*.[0-9][0-9]} [info_field $t mem_fragmentation_ratio]
        assert_match {*[a-z]*} [info_field $t mem_allocator]
        assert_equal 0 [info_field $t lazyfree_pending_objects]
        # The dataset is what is not overhead.
        set overhead [info_field $t used_memory_overhead]
        assert_equal [expr {max(0, $used - $overhead)}] [info_field $t used_memory_dataset]
    }

    test {Stats: instantaneous rates stay non-negative across CONFIG RESETSTAT} {
        for {set i 0} {$i < 50} {incr i} { r set rs:$i [string repeat x 1000] }
        after 250 ;# the cron has sampled the traffic
        r config resetstat
        after 250 ;# and sampled again, after the counters went back to 0
        set t [r info stats]
        foreach f {instantaneous_ops_per_sec instantaneous_input_kbps instantaneous_output_kbps} {
            assert {[info_field $t $f] >= 0} "$f: [info_field $t $f]"
        }
    }

    test {Stats: counters and instantaneous fields parse} {
        set t [r info stats]
        foreach f {total_connections_received total_commands_processed
                   instantaneous_ops_per_sec total_net_input_bytes
                   total_net_output_bytes rejected_connections expired_keys
                   evicted_keys keyspace_hits keyspace_misses pubsub_channels
                   pubsub_patterns total_error_replies unexpected_error_replies
                   total_reads_processed total_writes_processed} {
            assert {[string is integer -strict [info_field $t $f]]} "$f: [info_field $t $f]"
        }
        foreach f {instantaneous_input_kbps instantaneous_output_kbps} {
            assert_match {[0-9]*.[0-9][0-9]} [info_field $t $f]
        }
        set n [info_field $t total_commands_processed]
        r ping
        r ping
        assert_equal [expr {$n + 3}] [info_field [r info stats] total_commands_processed]
        set c [redis_client]
        $c ping ;# accepted before counting: its accept may come after r's INFO
        set conns [info_field [r info stats] total_connections_received]
        $c close
        set c [redis_client]
        $c ping
        assert_equal [expr {$conns + 1}] [info_field [r info stats] total_connections_received]
        $c close
    }

    test {CPU section} {
        set t [r info cpu]
        foreach f {used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children} {
            assert_match {[0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9]} [info_field $t $f]
        }
    }

    test {Commandstats: calls} {
        r config resetstat
        r ping
        r ping
        r ping
        set d [cmdstat ping]
        assert_equal 3 [dict get $d calls]
        assert_equal 0 [dict get $d rejected_calls]
        assert_equal 0 [dict get $d failed_calls]
        assert_match {[0-9]*.[0-9][0-9]} [dict get $d usec_per_call]
        assert {[string is integer -strict [dict get $d usec]]}
    }

    test {Commandstats: INFO counts itself once it has run} {
        r config resetstat
        assert_equal {} [cmdstat info]
        assert_equal 1 [dict get [cmdstat info] calls]
    }

    test {Commandstats: a wrong arity is a rejected call} {
        r config resetstat
        assert_error {*wrong number of arguments*} {r echo}
        set d [cmdstat echo]
        assert_equal 0 [dict get $d calls]
        assert_equal 1 [dict get $d rejected_calls]
        assert_equal 0 [dict get $d failed_calls]
        assert_equal 0.00 [dict get $d usec_per_call]
    }

    test {Commandstats: an error inside the command is a failed call} {
        r config resetstat
        assert_error {*out of range*} {r select 1000}
        set d [cmdstat select]
        assert_equal 1 [dict get $d calls]
        assert_equal 0 [dict get $d rejected_calls]
        assert_equal 1 [dict get $d failed_calls]
    }

    test {Commandstats: subcommands are listed as container|sub} {
        r config resetstat
        r config get maxclients
        r config get hz
        assert_equal 2 [dict get [cmdstat config|get] calls]
        assert_match "*\r\ncmdstat_config|resetstat:calls=1,*" \
            [r info commandstats]
        # The container without a subcommand is rejected on its own line.
        assert_error {*wrong number of arguments*} {r config}
        set d [cmdstat config]
        assert_equal 0 [dict get $d calls]
        assert_equal 1 [dict get $d rejected_calls]
    }

    test {Commandstats: CONFIG RESETSTAT clears it} {
        r ping
        r config resetstat
        # Only the RESETSTAT itself is left, counted once it returned.
        set t [r info commandstats]
        assert_match "# Commandstats\r\ncmdstat_config|resetstat:calls=1,*\r\n" $t
        assert_equal 2 [llength [split [string trim $t] "\n"]]
    }

    test {Errorstats and total_error_replies count errors by code} {
        r config resetstat
        assert_equal "# Errorstats\r\n" [r info errorstats]
        assert_equal 0 [info_field [r info stats] total_error_replies]
        catch {r select 1000}
        catch {r echo}
        catch {r nosuchcommand}
        assert_equal 3 [errorstat ERR]
        assert_equal 3 [info_field [r info stats] total_error_replies]
    }
}

start_server {tags {info} overrides {requirepass secret}} {
    test {Errorstats: NOAUTH and WRONGPASS, sorted by code} {
        r auth secret
        r config resetstat
        set c [redis_client]
        assert_error {NOAUTH*} {$c ping}
        assert_error {NOAUTH*} {$c echo x}
        assert_error {WRONGPASS*} {$c auth wrong}
        $c close
        catch {r select 1000}
        assert_equal 2 [errorstat NOAUTH]
        assert_equal 1 [errorstat WRONGPASS]
        assert_equal 1 [errorstat ERR]
        assert_equal 4 [info_field [r info stats] total_error_replies]
        set codes {}
        foreach {-> code} [regexp -all -line -inline {^errorstat_([^:]+):} [r info errorstats]] {
            lappend codes $code
        }
        assert_equal {ERR NOAUTH WRONGPASS} $codes
        # Commands refused for lack of authentication are rejected calls;
        # AUTH with a wrong password ran and failed.
        assert_equal 1 [dict get [cmdstat ping] rejected_calls]
        assert_equal 1 [dict get [cmdstat auth] failed_calls]
    }
}
