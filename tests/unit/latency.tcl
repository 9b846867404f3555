# LATENCY: the latency monitor (LATEST, HISTORY, GRAPH, DOCTOR, RESET) fed
# by commands slower than latency-monitor-threshold, and the per-command
# latency histograms (HISTOGRAM) kept while latency-tracking is on.
# Written to pass against Redis 7.0.15 too.  No test asserts a duration:
# DEBUG SLEEP makes a command at least that slow, never faster.

# The reply of LATENCY HISTOGRAM as a Tcl dict of dicts.
proc latency_histograms {args} {
    set out {}
    foreach {name body} [r latency histogram {*}$args] {
        dict set out $name [dict create {*}$body]
    }
    return $out
}

start_server {tags {latency}} {
    test {latency configs: names and Redis's defaults} {
        assert_equal {latency-monitor-threshold 0} [r config get latency-monitor-threshold]
        assert_equal {latency-tracking yes} [r config get latency-tracking]
        assert_equal {latency-tracking-info-percentiles {50 99 99.9}} \
            [r config get latency-tracking-info-percentiles]
    }

    test {latency-tracking-info-percentiles: parsing and printing} {
        r config set latency-tracking-info-percentiles "50.50 99.900 1e1 0 100"
        assert_equal {50.5 99.9 10 0 100} \
            [lindex [r config get latency-tracking-info-percentiles] 1]
        assert_error {*Invalid latency-tracking-info-percentiles parameters*} \
            {r config set latency-tracking-info-percentiles "50 abc"}
        assert_error {*Invalid latency-tracking-info-percentiles parameters*} \
            {r config set latency-tracking-info-percentiles "5  6"}
        assert_error {*Invalid latency-tracking-info-percentiles parameters*} \
            {r config set latency-tracking-info-percentiles nan}
        assert_error {*should sit between \[0.0,100.0\]*} \
            {r config set latency-tracking-info-percentiles 100.1}
        assert_error {*should sit between \[0.0,100.0\]*} \
            {r config set latency-tracking-info-percentiles -1}
        # A failed set leaves the previous value.
        assert_equal {50.5 99.9 10 0 100} \
            [lindex [r config get latency-tracking-info-percentiles] 1]
        r config set latency-tracking-info-percentiles ""
        assert_equal {} [lindex [r config get latency-tracking-info-percentiles] 1]
        r config set latency-tracking-info-percentiles "50 99 99.9"
    }

    test {latency-monitor-threshold rejects negative values} {
        assert_error {*must be between 0 and*} {r config set latency-monitor-threshold -1}
        assert_error {*} {r config set latency-tracking maybe}
    }

    test {LATENCY HISTOGRAM: one entry per called command} {
        r config resetstat
        set h [latency_histograms]
        assert_equal {config|resetstat} [dict keys $h]
        r set a b
        r set c d
        r get a
        set h [latency_histograms]
        assert_equal 2 [dict get $h set calls]
        assert_equal 1 [dict get $h get calls]
        assert_equal 1 [dict get $h config|resetstat calls]
    }

    test {LATENCY HISTOGRAM: buckets are cumulative and keyed by power-of-two bounds} {
        r config resetstat
        for {set i 0} {$i < 20} {incr i} { r set a b }
        set buckets [dict get [latency_histograms set] set histogram_usec]
        set prev 0
        foreach {usec count} $buckets {
            assert_morethan $count $prev
            set prev $count
            # Each key is the highest microsecond of a bucket starting at
            # 2^k nanoseconds (k >= 10): 1 2 4 8 16 33 66 132 264 528 ...
            set found 0
            for {set k 10} {$k < 31} {incr k} {
                set hi [expr {((1 << $k) + (1 << ($k - 7)) - 1) / 1000}]
                if {$hi == $usec} { set found 1 }
            }
            assert {$found} "bucket $usec"
        }
        assert_equal 20 $prev
    }

    test {LATENCY HISTOGRAM: a container names its subcommands, unknown names are skipped} {
        r config resetstat
        r client id
        r client getname
        set h [latency_histograms client]
        assert_equal {client|getname client|id} [lsort [dict keys $h]]
        assert_equal {client|id} [dict keys [latency_histograms client|id]]
        assert_equal {} [r latency histogram nosuchcommand]
        assert_equal {client|id} [dict keys [latency_histograms nosuch client|id]]
        assert_equal {} [r latency histogram get]
    }

    test {LATENCY HISTOGRAM in RESP3 is a map of maps} {
        r config resetstat
        r set a b
        set c [redis_client]
        $c hello 3
        $c readraw 1
        assert_equal {%1} [$c latency histogram set]
        assert_equal {$3} [$c read]
        assert_equal {set} [$c read]
        assert_equal {%2} [$c read]
        $c close
    }

    test {CONFIG RESETSTAT drops the histograms, latency-tracking no stops them} {
        r set a b
        r config resetstat
        assert_equal {} [r latency histogram set]
        r config set latency-tracking no
        r set a b
        assert_equal {} [r latency histogram set]
        r config set latency-tracking yes
    }

    test {LATENCY DOCTOR with the monitor off, and with nothing seen} {
        r latency reset
        assert_match {I'm sorry, Dave, I can't do that. Latency monitoring is disabled*} \
            [r latency doctor]
        r config set latency-monitor-threshold 200
        assert_match {Dave, no latency spike was observed*} [r latency doctor]
    }

    test {The monitor records commands at or above the threshold} {
        r latency reset
        r config set latency-monitor-threshold 10
        r debug sleep 0.02
        set latest [r latency latest]
        assert_equal 1 [llength $latest]
        lassign [lindex $latest 0] event time latency max
        assert_equal command $event
        assert_morethan_equal $latency 10
        assert_equal $latency $max
        assert_range $time [expr {[clock seconds] - 5}] [expr {[clock seconds] + 1}]
        set history [r latency history command]
        assert_equal 1 [llength $history]
        assert_equal [list $time $latency] [lindex $history 0]
        # Below the threshold: nothing new.
        r debug sleep 0
        assert_equal 1 [llength [r latency history command]]
    }

    test {Two samples in one second keep the larger} {
        r latency reset
        r config set latency-monitor-threshold 5
        r debug sleep 0.03
        r debug sleep 0.01
        set history [r latency history command]
        # Both in the same second (almost always): one sample, the larger.
        if {[llength $history] == 1} {
            assert_morethan_equal [lindex $history 0 1] 30
        }
        assert_morethan_equal [lindex [r latency latest] 0 3] 30
    }

    test {LATENCY GRAPH draws the event's samples} {
        set g [r latency graph command]
        assert_match "command - high * ms, low * ms (all time high * ms)\n*" $g
        set lines [split $g "\n"]
        assert_equal [string repeat - 80] [lindex $lines 1]
        # Four rows of bars ('_' 'o' '#', '|' below a bar's top), a blank
        # row, then each sample's age ("0s") written downwards.
        set bars [join [lrange $lines 2 5] ""]
        assert {[regexp {^[ _o#|]+$} $bars]} $bars
        assert {[regexp {[_o#]} $bars]} $bars
        assert_equal "" [string trim [lindex $lines 6]]
        # One column per sample: two when the previous test's two sleeps
        # fell in different seconds.
        assert {[regexp {^[0-9 ]+$} [lindex $lines 7]]} [lindex $lines 7]
        # The last row is each column's unit: one "s" per sample.
        set samples [llength [r latency history command]]
        assert_equal [string repeat s $samples] [lindex $lines end-1]
        assert_error {ERR No samples available for event 'nosuch'} {r latency graph nosuch}
    }

    test {LATENCY GRAPH in RESP3 is a verbatim string} {
        set c [redis_client]
        $c hello 3
        $c readraw 1
        assert_match {=*} [$c latency graph command]
        assert_match {txt:command - high*} [$c read]
        $c close
    }

    test {LATENCY DOCTOR reports the spikes} {
        set d [r latency doctor]
        assert_match {Dave, I have observed latency spikes*} $d
        assert_match {*1. command: * latency spikes (average *ms, mean deviation *ms, period * sec). Worst all time event *ms.*} $d
    }

    test {LATENCY HISTORY and RESET with unknown events} {
        assert_equal {} [r latency history nosuch]
        assert_equal 0 [r latency reset nosuch]
    }

    test {LATENCY RESET: named events, then all} {
        assert_equal 1 [r latency reset command nosuch command]
        assert_equal {} [r latency latest]
        r debug sleep 0.01
        assert_equal 1 [r latency reset]
        assert_equal 0 [r latency reset]
        assert_equal {} [r latency latest]
        r config set latency-monitor-threshold 0
    }

    test {latency-monitor-threshold 0 records nothing} {
        r debug sleep 0.01
        assert_equal {} [r latency latest]
    }

    test {LATENCY argument errors} {
        assert_error {*wrong number of arguments for 'latency' command*} {r latency}
        assert_error {*unknown subcommand 'foo'. Try LATENCY HELP.} {r latency foo}
        assert_error {*wrong number of arguments for 'latency|history' command*} {r latency history}
        assert_error {*wrong number of arguments for 'latency|graph' command*} {r latency graph}
        assert_error {*wrong number of arguments for 'latency|latest' command*} {r latency latest x}
        assert_error {*wrong number of arguments for 'latency|doctor' command*} {r latency doctor x}
        assert_error {*wrong number of arguments for 'latency|help' command*} {r latency help x}
    }

    test {LATENCY HELP} {
        set help [r latency help]
        assert_match {LATENCY <subcommand> *} [lindex $help 0]
        assert_match {*HISTOGRAM \[COMMAND ...\]*} $help
        assert_equal {    Prints this help.} [lindex $help end]
    }
}

start_server {tags {latency} overrides {latency-tracking-info-percentiles "90 95.5"
                                        latency-monitor-threshold 5
                                        latency-tracking no}} {
    test {The three latency settings load from the config file} {
        assert_equal {90 95.5} [lindex [r config get latency-tracking-info-percentiles] 1]
        assert_equal 5 [lindex [r config get latency-monitor-threshold] 1]
        assert_equal no [lindex [r config get latency-tracking] 1]
        r set a b
        assert_equal {} [r latency histogram]
    }
}

tags {latency} {
    test {CONFIG REWRITE writes the latency settings so that they load back} {
        if {[using_external_server]} { skip "needs its own server" }
        foreach percentiles {{} {25 75}} {
            set s [spawn_server -client]
            set c [dict get $s client]
            $c config set latency-tracking-info-percentiles $percentiles \
                latency-monitor-threshold 3 latency-tracking no
            assert_equal OK [$c config rewrite]
            set file [dict get $s config_file]
            stop_server $s
            # A server started on the rewritten file reads the same values.
            set s [spawn_server -cmdline [list $file] -client]
            set c [dict get $s client]
            assert_equal $percentiles \
                [lindex [$c config get latency-tracking-info-percentiles] 1]
            assert_equal 3 [lindex [$c config get latency-monitor-threshold] 1]
            assert_equal no [lindex [$c config get latency-tracking] 1]
            stop_server $s
        }
    }
}
