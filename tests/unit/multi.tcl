# Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis 7.0's
# replies, errors and WATCH rules (checked against redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/multi
# with a `redis-server --port P --save ''` running).
# The tests of the log (a crash in the middle of EXEC's batch, kill -9
# under a load of transactions) are redis-kv only and skip themselves when
# INFO has no redis_kv_version.

# Clients whose nil replies read "(nil)", as `r`'s do here.
proc mu_client {} {
    set c [redis_client]
    $c null_value (nil)
    return $c
}
proc mu_deferring {} {
    set c [redis_deferring_client]
    $c null_value (nil)
    return $c
}

proc mu_is_kv {c} { return [regexp -line {^redis_kv_version:} [$c info server]] }

# The value of FIELD in INFO SECTION's line that starts with PREFIX.
proc mu_info_line {c section prefix} {
    foreach line [split [$c info $section] "\r\n"] {
        if {[string match "$prefix*" $line]} { return $line }
    }
    return ""
}

start_server {tags {multi}} {
    r null_value (nil)

    test {MULTI / EXEC runs the queued commands and answers with their replies} {
        r flushall
        assert_equal OK [r multi]
        assert_equal QUEUED [r set a 1]
        assert_equal QUEUED [r incr a]
        assert_equal QUEUED [r get a]
        assert_equal {OK 2 2} [r exec]
        assert_equal 2 [r get a]
    }

    test {Queued commands answer +QUEUED, EXEC an array (exact bytes)} {
        r flushall
        set rd [redis_deferring_client]
        $rd multi
        $rd set k v
        $rd get k
        $rd exec
        assert_equal "+OK\r\n" [$rd read_raw]
        assert_equal "+QUEUED\r\n" [$rd read_raw]
        assert_equal "+QUEUED\r\n" [$rd read_raw]
        assert_equal "*2\r\n+OK\r\n\$1\r\nv\r\n" [$rd read_raw]
        $rd close
    }

    test {Commands are not run before EXEC} {
        r flushall
        set c2 [mu_client]
        r multi
        r set k queued
        assert_equal (nil) [$c2 get k]
        r exec
        assert_equal queued [$c2 get k]
        $c2 close
    }

    test {EXEC of an empty transaction is an empty array} {
        set rd [redis_deferring_client]
        $rd multi
        $rd exec
        $rd read
        assert_equal "*0\r\n" [$rd read_raw]
        $rd close
    }

    test {DISCARD forgets the queued commands} {
        r flushall
        r set k old
        r multi
        r set k new
        r incr counter
        assert_equal OK [r discard]
        assert_equal old [r get k]
        assert_equal 0 [r exists counter]
        # Not in MULTI any more: commands run at once.
        assert_equal OK [r set x 1]
    }

    test {EXEC and DISCARD without MULTI} {
        assert_error {ERR EXEC without MULTI} {r exec}
        assert_error {ERR DISCARD without MULTI} {r discard}
    }

    test {MULTI inside MULTI is refused and does not abort the transaction} {
        r flushall
        r multi
        assert_error {ERR MULTI calls can not be nested} {r multi}
        r set k v
        assert_equal {OK} [r exec]
        assert_equal v [r get k]
    }

    test {WATCH inside MULTI is refused and does not abort the transaction} {
        r flushall
        r multi
        assert_error {ERR WATCH inside MULTI is not allowed} {r watch k}
        r set k v
        assert_equal {OK} [r exec]
        assert_equal v [r get k]
    }

    test {An unknown command while queuing aborts the EXEC (EXECABORT)} {
        r flushall
        r multi
        r set k v
        assert_error {ERR unknown command 'nosuchcommand'*} {r nosuchcommand x}
        r set k2 v
        assert_error {EXECABORT Transaction discarded because of previous errors.} {r exec}
        assert_equal 0 [r exists k k2]
        # The transaction is over.
        assert_error {ERR EXEC without MULTI} {r exec}
    }

    test {A wrong number of arguments while queuing aborts the EXEC} {
        r flushall
        r multi
        assert_error {ERR wrong number of arguments for 'set' command} {r set k}
        r set k2 v
        assert_error {EXECABORT*} {r exec}
        assert_equal 0 [r exists k2]
    }

    test {A command flagged no-multi (SHUTDOWN) is refused while queuing} {
        r multi
        assert_error {ERR Command not allowed inside a transaction} {r shutdown}
        r set k v
        assert_error {EXECABORT*} {r exec}
        assert_equal PONG [r ping]
    }

    test {EXEC refused by the dispatcher discards the transaction} {
        r flushall
        r multi
        r set k v
        assert_error {EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command} {r exec extra}
        assert_error {ERR EXEC without MULTI} {r exec}
        assert_equal 0 [r exists k]
        # Also outside MULTI, as Redis does.
        assert_error {EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command} {r exec extra}
    }

    test {DISCARD with arguments is an ordinary refusal: it dooms the EXEC} {
        r flushall
        r multi
        assert_error {ERR wrong number of arguments for 'discard' command} {r discard x}
        assert_error {EXECABORT Transaction discarded because of previous errors.} {r exec}
    }

    test {A runtime error fails only that command inside EXEC} {
        r flushall
        r set s notanumber
        set rd [redis_deferring_client]
        $rd multi
        $rd incr s
        $rd set k v
        $rd incrbyfloat s 1
        $rd get k
        $rd exec
        for {set i 0} {$i < 5} {incr i} { $rd read }
        assert_equal "*4\r\n-ERR value is not an integer or out of range\r\n+OK\r\n-ERR value is not a valid float\r\n\$1\r\nv\r\n" [$rd read_raw]
        $rd close
        assert_equal v [r get k]
    }

    test {EXEC replies in RESP3} {
        r flushall
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd multi
        $rd set k v
        $rd get nosuchkey
        $rd exists k
        $rd exec
        for {set i 0} {$i < 4} {incr i} { $rd read }
        assert_equal "*3\r\n+OK\r\n_\r\n:1\r\n" [$rd read_raw]
        $rd close
    }

    test {A failed WATCH gives a null array: *-1 in RESP2, _ in RESP3} {
        foreach {proto null} {2 "*-1\r\n" 3 "_\r\n"} {
            r flushall
            set rd [redis_deferring_client]
            if {$proto == 3} { $rd hello 3; $rd read }
            $rd watch k
            $rd read
            r set k changed
            $rd multi
            $rd set k mine
            $rd exec
            $rd read
            $rd read
            assert_equal $null [$rd read_raw] "RESP$proto"
            $rd close
            assert_equal changed [r get k]
        }
    }

    test {EXECABORT in RESP3 is an error too} {
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd multi
        $rd read
        $rd nosuchcommand
        catch {$rd read}
        $rd exec
        assert_equal "-EXECABORT Transaction discarded because of previous errors.\r\n" [$rd read_raw]
        $rd close
    }

    test {WATCH: EXEC fails when another client wrote the key} {
        r flushall
        r set k 1
        set c2 [mu_client]
        r watch k
        $c2 set k 2
        r multi
        r set k 3
        assert_equal (nil) [r exec]
        assert_equal 2 [r get k]
        $c2 close
    }

    test {WATCH: EXEC runs when nobody touched the watched keys} {
        r flushall
        r set k 1
        r watch k other
        r set unrelated x
        r multi
        r set k 3
        assert_equal OK [r exec]
        assert_equal 3 [r get k]
    }

    test {WATCH: a write by the same client before MULTI counts too} {
        r flushall
        r watch k
        r set k mine
        r multi
        r set k fromtx
        assert_equal (nil) [r exec]
        assert_equal mine [r get k]
    }

    test {WATCH: reads do not count, writes that change nothing do not either} {
        r flushall
        r set k v
        set c2 [mu_client]
        r watch k missing
        $c2 get k
        $c2 exists k missing
        $c2 del missing
        $c2 expire missing 100
        r multi
        r set k new
        assert_equal OK [r exec]
        $c2 close
    }

    test {WATCH: every kind of write touches the key} {
        set c2 [mu_client]
        foreach cmd {
            {set k x} {del k} {incr n} {append k x} {expire k 100} {persist t}
            {getdel k} {getex k px 100000} {setrange k 0 y} {mset k 1 z 2} {unlink k}
            {getset k y} {incrbyfloat n 1.5} {pexpireat k 99999999999999}
        } {
            r flushall
            r set k v
            r set n 1
            r set t v ex 1000
            r watch k n t
            $c2 {*}$cmd
            r multi
            r ping
            assert_equal (nil) [r exec] "after $cmd"
        }
        $c2 close
    }

    test {WATCH: a key that was missing and is created} {
        r flushall
        set c2 [mu_client]
        r watch k
        $c2 set k new
        r multi
        r set k mine
        assert_equal (nil) [r exec]
        $c2 close
    }

    test {WATCH is per database} {
        r flushall
        set c2 [mu_client]
        r select 0
        r watch k
        $c2 select 1
        $c2 set k other-db
        r multi
        r set k mine
        assert_equal OK [r exec]
        # Watching in database 1 is touched by a write in database 1.
        r select 1
        r watch k
        $c2 set k again
        r multi
        r set k mine
        assert_equal (nil) [r exec]
        r select 0
        $c2 close
    }

    test {WATCH in one database, SELECT, then EXEC: the key watched is the first one} {
        r flushall
        set c2 [mu_client]
        r watch k
        r select 1
        $c2 set k db0-write
        r multi
        r set k mine
        assert_equal (nil) [r exec]
        r select 0
        $c2 close
    }

    test {WATCH: a key that expires after WATCH makes EXEC fail} {
        r flushall
        r set k v px 100
        r watch k
        after 200
        r multi
        r ping
        assert_equal (nil) [r exec]
    }

    test {WATCH: an expired key deleted by a read after WATCH makes EXEC fail} {
        r flushall
        r set k v px 100
        set c2 [mu_client]
        r watch k
        after 200
        assert_equal (nil) [$c2 get k]
        r multi
        r ping
        assert_equal (nil) [r exec]
        $c2 close
    }

    test {WATCH: a key already expired at WATCH time is no change when it goes} {
        r flushall
        r debug set-active-expire 0
        r set k v px 1
        after 20
        set c2 [mu_client]
        r watch k
        # The lazy delete of the expired key is no logical change.
        assert_equal 0 [$c2 exists k]
        r multi
        r ping
        assert_equal PONG [r exec]
        r debug set-active-expire 1
        $c2 close
    }

    test {WATCH: a key already expired at WATCH time, then written, makes EXEC fail} {
        r flushall
        r debug set-active-expire 0
        r set k v px 1
        after 20
        set c2 [mu_client]
        r watch k
        $c2 set k new
        r multi
        r ping
        assert_equal (nil) [r exec]
        r debug set-active-expire 1
        $c2 close
    }

    test {WATCH + FLUSHALL / FLUSHDB: fails when a watched key existed} {
        foreach flush {flushall flushdb} {
            r flushall
            r set k v
            set c2 [mu_client]
            r watch k
            $c2 $flush
            r multi
            r ping
            assert_equal (nil) [r exec] $flush
            $c2 close
        }
    }

    test {WATCH + FLUSHALL: a watched key that did not exist is not touched} {
        r flushall
        r set other v
        set c2 [mu_client]
        r watch k
        $c2 flushall
        r multi
        r ping
        assert_equal PONG [r exec]
        $c2 close
    }

    test {WATCH + FLUSHDB of another database does not touch the key} {
        r flushall
        r set k v
        set c2 [mu_client]
        $c2 select 1
        $c2 set k v1
        r watch k
        $c2 flushdb
        r multi
        r ping
        assert_equal PONG [r exec]
        $c2 close
    }

    test {WATCH + SWAPDB: a watched key that exists in either database} {
        # The key exists only in the database swapped in.
        r flushall
        set c2 [mu_client]
        $c2 select 1
        $c2 set k v1
        r watch k
        $c2 swapdb 0 1
        r multi
        r ping
        assert_equal (nil) [r exec]
        # The key exists only in the watched database.
        r flushall
        r set k v0
        r watch k
        $c2 swapdb 0 1
        r multi
        r ping
        assert_equal (nil) [r exec]
        $c2 close
    }

    test {WATCH + SWAPDB: a key missing in both databases is not touched} {
        r flushall
        set c2 [mu_client]
        $c2 select 1
        $c2 set other v1
        r watch k
        $c2 swapdb 0 1
        r multi
        r ping
        assert_equal PONG [r exec]
        $c2 close
    }

    test {WATCH + SWAPDB of two other databases does not touch the key} {
        r flushall
        r set k v
        set c2 [mu_client]
        $c2 select 1
        $c2 set k v1
        r watch k
        $c2 swapdb 1 2
        r multi
        r ping
        assert_equal PONG [r exec]
        $c2 close
    }

    test {WATCH + RENAME touches the source and the destination} {
        foreach watched {src dst} {
            r flushall
            r set src v
            set c2 [mu_client]
            r watch $watched
            $c2 rename src dst
            r multi
            r ping
            assert_equal (nil) [r exec] "watching $watched"
            $c2 close
        }
    }

    test {WATCH + MOVE touches the key in both databases} {
        r flushall
        r set k v
        set c2 [mu_client]
        r watch k
        $c2 move k 1
        r multi
        r ping
        assert_equal (nil) [r exec]
        r select 1
        r watch k
        r select 0
        $c2 select 1
        $c2 move k 0
        r multi
        r ping
        assert_equal (nil) [r exec]
        $c2 close
    }

    test {WATCH + COPY touches the destination only} {
        r flushall
        r set src v
        set c2 [mu_client]
        r watch src
        $c2 copy src dst
        r multi
        r ping
        assert_equal PONG [r exec]
        r watch dst
        $c2 copy src dst replace
        r multi
        r ping
        assert_equal (nil) [r exec]
        $c2 close
    }

    test {UNWATCH forgets the watched keys and a dirty state} {
        r flushall
        set c2 [mu_client]
        r watch k
        $c2 set k changed
        assert_equal OK [r unwatch]
        r multi
        r set k mine
        assert_equal OK [r exec]
        assert_equal mine [r get k]
        $c2 close
    }

    test {UNWATCH inside MULTI is queued} {
        r multi
        assert_equal QUEUED [r unwatch]
        assert_equal OK [r exec]
    }

    test {DISCARD forgets the watched keys} {
        r flushall
        set c2 [mu_client]
        r watch k
        r multi
        r discard
        $c2 set k changed
        r multi
        r set k mine
        assert_equal OK [r exec]
        $c2 close
    }

    test {EXEC forgets the watched keys, whatever its outcome} {
        r flushall
        set c2 [mu_client]
        r watch k
        r multi
        r ping
        r exec
        $c2 set k changed
        r multi
        r set k mine
        assert_equal OK [r exec]
        # And after a failed EXEC.
        r watch k
        $c2 set k changed
        r multi
        r ping
        assert_equal (nil) [r exec]
        $c2 set k again
        r multi
        r ping
        assert_equal PONG [r exec]
        $c2 close
    }

    test {A transaction's own writes do not fail it, nor another client's WATCH of other keys} {
        r flushall
        r watch k
        r multi
        r set k a
        r set k b
        assert_equal {OK OK} [r exec]
    }

    test {Writes inside EXEC touch the keys other clients watch} {
        r flushall
        set c2 [mu_client]
        $c2 watch k
        r multi
        r set k fromtx
        r exec
        $c2 multi
        $c2 set k mine
        assert_equal (nil) [$c2 exec]
        assert_equal fromtx [r get k]
        $c2 close
    }

    test {WATCH the same key twice, then one write} {
        r flushall
        r watch k k
        r watch k
        r set k v
        r multi
        r ping
        assert_equal (nil) [r exec]
    }

    test {WATCH with no key is an arity error} {
        assert_error {ERR wrong number of arguments for 'watch' command} {r watch}
    }

    test {RESET inside MULTI discards the transaction and the watches} {
        r flushall
        set c [mu_client]
        $c watch k
        $c multi
        $c set k fromtx
        assert_equal RESET [$c reset]
        assert_equal (nil) [$c get k]
        assert_error {ERR EXEC without MULTI} {$c exec}
        r set k changed
        $c multi
        $c set k after
        assert_equal OK [$c exec]
        $c close
    }

    test {QUIT inside MULTI closes the connection; nothing is run} {
        r flushall
        set c [mu_client]
        $c multi
        $c set k fromtx
        assert_equal OK [$c quit]
        assert_closed $c
        assert_equal 0 [r exists k]
    }

    test {SELECT inside a transaction switches the database for the rest} {
        r flushall
        r multi
        r select 1
        r set k in1
        r select 0
        r set k in0
        assert_equal {OK OK OK OK} [r exec]
        assert_equal in0 [r get k]
        r select 1
        assert_equal in1 [r get k]
        r select 0
    }

    test {MSET and FLUSHALL inside EXEC} {
        r flushall
        r set before 1
        r multi
        r mset a 1 b 2
        r flushall
        r set c 3
        assert_equal {OK OK OK} [r exec]
        assert_equal {(nil) (nil) (nil) 3} [r mget before a b c]
    }

    test {BGREWRITEAOF inside EXEC is scheduled, and runs after it} {
        regexp -line {^aof_rewrites:(\d+)} [r info persistence] -> before
        r multi
        r bgrewriteaof
        assert_equal {{Background append only file rewriting scheduled}} [r exec]
        wait_for_condition 100 50 {
            [regexp -line {^aof_rewrites:(\d+)} [r info persistence] -> n] && $n > $before &&
            [string match "*aof_rewrite_scheduled:0*" [r info persistence]] &&
            [string match "*aof_rewrite_in_progress:0*" [r info persistence]]
        } else {
            fail "the scheduled rewrite did not run: [r info persistence]"
        }
    }

    test {CLIENT LIST shows flags x and d and the multi= count} {
        r flushall
        set c [mu_client]
        $c client setname txc
        $c watch k
        $c multi
        $c set k v
        $c get k
        set line [lsearch -inline [split [r client list] "\n"] "*name=txc*"]
        assert_match {*flags=x *} $line
        assert_match {* multi=2 *} $line
        regexp { multi-mem=(\d+) } $line -> mem
        assert_morethan $mem 0
        r set k touched
        set line [lsearch -inline [split [r client list] "\n"] "*name=txc*"]
        assert_match {*flags=xd *} $line
        $c discard
        set line [lsearch -inline [split [r client list] "\n"] "*name=txc*"]
        assert_match {*flags=N *} $line
        assert_match {* multi=-1 *} $line
        assert_match {* multi-mem=0 *} $line
        $c close
    }

    test {INFO commandstats: queued commands count when they run, EXEC once} {
        r config resetstat
        r multi
        r set a 1
        r get a
        r exec
        r multi
        r set a 1
        catch {r nosuchcommand}
        catch {r exec}
        r multi
        catch {r set a}
        catch {r exec}
        catch {r exec x}
        assert_match {*calls=3,*rejected_calls=0,failed_calls=0} [mu_info_line r commandstats cmdstat_multi:]
        assert_match {*calls=3,*rejected_calls=1,failed_calls=2} [mu_info_line r commandstats cmdstat_exec:]
        assert_match {*calls=1,*rejected_calls=1,failed_calls=0} [mu_info_line r commandstats cmdstat_set:]
        assert_match {*calls=1,*} [mu_info_line r commandstats cmdstat_get:]
        assert_match {*count=3} [mu_info_line r errorstats errorstat_EXECABORT:]
    }

    test {INFO commandstats: an error inside EXEC fails that command, not EXEC} {
        r flushall
        r config resetstat
        r set s x
        r multi
        r incr s
        catch {r exec}
        assert_match {*failed_calls=1} [mu_info_line r commandstats cmdstat_incr:]
        assert_match {*failed_calls=0} [mu_info_line r commandstats cmdstat_exec:]
    }

    test {MONITOR shows MULTI, each command as it runs inside EXEC, then EXEC} {
        set m [redis_deferring_client]
        $m monitor
        assert_equal OK [$m read]
        r multi
        r set mk 1
        r get mk
        r exec
        r multi
        r set mk 2
        r discard
        r ping
        set lines {}
        for {set i 0} {$i < 7} {incr i} {
            regexp {\] (.*)$} [$m read] -> cmd
            lappend lines $cmd
        }
        assert_equal {{"multi"} {"set" "mk" "1"} {"get" "mk"} {"exec"} {"multi"} {"discard"} {"ping"}} $lines
        $m close
    }

    test {SLOWLOG: the queued commands are logged, EXEC is not} {
        r slowlog reset
        r config set slowlog-log-slower-than 0
        r multi
        r set sk 1
        r exec
        r config set slowlog-log-slower-than 10000
        set names {}
        foreach e [r slowlog get 10] { lappend names [lindex [lindex $e 3] 0] }
        assert {"exec" ni $names} $names
        assert {"set" in $names} $names
        assert {"multi" in $names} $names
    }

    test {CLIENT PAUSE WRITE holds an EXEC with writes, not one of reads only} {
        r flushall
        set rd [mu_deferring]
        set wr [mu_deferring]
        $rd multi
        $rd read
        $rd get k
        $rd read
        $wr multi
        $wr read
        $wr set k v
        $wr read
        r client pause 100000 write
        $rd exec
        assert_equal {(nil)} [$rd read]
        $wr exec
        after 100
        assert_equal 0 [r exists k]
        r client unpause
        assert_equal {OK} [$wr read]
        assert_equal v [r get k]
        $rd close
        $wr close
    }

    test {Readers never see half of a transaction} {
        r flushall
        r mset a 0 b 0 c 0
        set w [redis_deferring_client]
        set rdr [redis_deferring_client]
        set n 300
        for {set i 1} {$i <= $n} {incr i} {
            $w write [::redis::__format_command {multi}]
            $w write [::redis::__format_command [list set a $i]]
            $w write [::redis::__format_command [list set b $i]]
            $w write [::redis::__format_command [list set c $i]]
            $w write [::redis::__format_command {exec}]
            $rdr write [::redis::__format_command {mget a b c}]
        }
        flush [$w channel]
        flush [$rdr channel]
        for {set i 1} {$i <= $n} {incr i} {
            set v [$rdr read]
            assert_equal 1 [llength [lsort -unique $v]] "reader saw $v"
        }
        for {set i 1} {$i <= $n * 5} {incr i} { $w read }
        assert_equal [list $n $n $n] [r mget a b c]
        $w close
        $rdr close
    }
}

# ---------------------------------------------------------------- redis-kv

set ::mu_skip ""

start_server {tags {multi redis-kv-only needs:own-server}} {
    if {![mu_is_kv r]} {
        set ::mu_skip "the log tests are about redis-kv"
    }

    test {DEBUG RELOAD inside EXEC is refused, the rest of the transaction runs} {
        if {$::mu_skip ne ""} { skip $::mu_skip }
        r flushall
        r multi
        r set k v
        r debug reload
        r get k
        catch {r exec} err
        assert_match {*DEBUG RELOAD is not supported inside MULTI*} $err
        assert_equal v [r get k]
    }

    test {A crash in the middle of EXEC's batch: after restart none of it is there} {
        if {$::mu_skip ne ""} { skip $::mu_skip }
        set s [spawn_server -dir [new_tmpdir] -overrides {appendfsync always} -timeout 30 -client]
        set c [dict get $s client]
        $c null_value (nil)
        $c mset k1 old1 k2 old2 k3 old3
        $c set before ok
        assert_equal OK [$c debug crash-after-partial-batch]
        $c multi
        $c set k1 new1
        $c set k2 [string repeat x 10000]
        $c set k3 new3
        $c set k4 new4
        $c del before
        catch {$c exec}
        assert {[wait_server_exit $s 10]} "the server did not exit"
        set s [restart_server $s]
        set c [dict get $s client]
        $c null_value (nil)
        assert_equal {old1 old2 old3 (nil) ok} [$c mget k1 k2 k3 k4 before]
        # And the server takes transactions again.
        $c multi
        $c set k1 new1
        $c set k4 new4
        $c exec
        assert_equal {new1 new4} [$c mget k1 k4]
        set s [restart_server $s]
        assert_equal {new1 new4} [[dict get $s client] mget k1 k4]
        stop_server $s
    }

    test {MULTI/EXEC transactions are all-or-nothing across kill -9 under load} {
        if {$::mu_skip ne ""} { skip $::mu_skip }
        set dir [new_tmpdir]
        set keys {}
        for {set k 1} {$k <= 10} {incr k} { lappend keys k$k }
        set pad [string repeat x 2000]
        set next 1
        # Each transaction: SET k1..k5 in db 0, SELECT 1, SET k6..k10, SELECT 0.
        proc mu_tx {rd i keys pad} {
            $rd write [::redis::__format_command {multi}]
            foreach k [lrange $keys 0 4] { $rd write [::redis::__format_command [list set $k "$i:$k:$pad"]] }
            $rd write [::redis::__format_command {select 1}]
            foreach k [lrange $keys 5 9] { $rd write [::redis::__format_command [list set $k "$i:$k:$pad"]] }
            $rd write [::redis::__format_command {select 0}]
            $rd write [::redis::__format_command {exec}]
        }
        # Reads the 14 replies of one transaction; 1 when EXEC answered.
        proc mu_tx_read {rd} {
            for {set j 0} {$j < 13} {incr j} { $rd read }
            set r [$rd read]
            return [expr {[llength $r] == 12}]
        }
        for {set round 1} {$round <= 3} {incr round} {
            set s [spawn_server -dir $dir -overrides {appendfsync always} -timeout 30 -client]
            set c [dict get $s client]
            set rd [::redis::connect [dict get $s host] [dict get $s port] 1]
            set acked 0
            set until [expr {[clock milliseconds] + 1000}]
            while {[clock milliseconds] < $until} {
                set first $next
                for {set j 0} {$j < 10} {incr j} { mu_tx $rd $next $keys $pad; incr next }
                $rd flush
                for {set i $first} {$i < $next} {incr i} {
                    assert_equal 1 [mu_tx_read $rd]
                    set acked $i
                }
            }
            set first $next
            for {set j 0} {$j < 150} {incr j} { mu_tx $rd $next $keys $pad; incr next }
            flush [$rd channel]
            for {set i $first} {$i < $first + 3} {incr i} {
                assert_equal 1 [mu_tx_read $rd]
                set acked $i
            }
            stop_server $s -kill9
            $rd close
            set sent [expr {$next - 1}]

            set s [restart_server $s]
            set c [dict get $s client]
            set vals [$c mget {*}[lrange $keys 0 4]]
            $c select 1
            lappend vals {*}[$c mget {*}[lrange $keys 5 9]]
            $c select 0
            set ids {}
            set k 1
            foreach v $vals {
                set parts [split $v :]
                assert_equal "k$k" [lindex $parts 1] "round $round: value of k$k"
                assert_equal $pad [lindex $parts 2] "round $round: value of k$k"
                lappend ids [lindex $parts 0]
                incr k
            }
            assert_equal 1 [llength [lsort -unique $ids]] "round $round: keys from different transactions: $ids"
            set got [lindex $ids 0]
            assert {$got >= $acked} "round $round: transaction $got but $acked was acknowledged"
            assert {$got <= $sent} "round $round: transaction $got but only $sent were sent"
            if {$round == 3} { stop_server $s } else { stop_server $s -kill9 }
        }
    }
}

start_server {tags {multi pubsub}} {
    test {SUBSCRIBE inside MULTI runs, SSUBSCRIBE is refused (Redis 7.0)} {
        set c [redis_deferring_client]
        $c multi
        $c ssubscribe shard:a
        $c subscribe chan:b
        $c exec
        assert_equal "+OK\r\n" [$c read_raw]
        assert_equal "+QUEUED\r\n" [$c read_raw]
        assert_equal "+QUEUED\r\n" [$c read_raw]
        assert_equal "*2\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n*3\r\n\$9\r\nsubscribe\r\n\$6\r\nchan:b\r\n:1\r\n" [$c read_raw]
        $c close
    }
}
