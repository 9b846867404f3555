# The blocking list commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH)
# and the mechanism they block with (command/blocking.h): timeouts and
# their replies, first come first served, serving after the command, the
# EXEC or the script that made a key ready, MULTI, keys that change while
# clients wait, CLIENT UNBLOCK / KILL, INFO and CLIENT LIST, CLIENT PAUSE,
# and what a served pop does like any pop (events, WATCH, tracking, the
# log).
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/list_blocking
# The tests of the log skip themselves when INFO has no redis_kv_version.

proc lb_is_kv {} { return [regexp -line {^redis_kv_version:} [r info server]] }

proc lb_close {args} { foreach rd $args { $rd close } }

start_server {tags {list_blocking}} {

# ---------------------------------------------------------------- errors

test {Blocking list commands: wrong number of arguments} {
    assert_arity_error blpop {} {k}
    assert_arity_error brpop {} {k}
    assert_arity_error blmove {} {a b left left} {a b left left 0 x}
    assert_arity_error brpoplpush {} {a b} {a b 0 x}
    assert_arity_error blmpop {} {0} {0 1} {0 1 k}
}

test {A timeout that is not a number is refused} {
    r del k
    foreach t {abc {} { 1} {1 } nan 1x} {
        assert_error_equal "ERR timeout is not a float or out of range" {r blpop k $t} "'$t'"
    }
    assert_error_equal "ERR timeout is not a float or out of range" {r brpop k abc}
    assert_error_equal "ERR timeout is not a float or out of range" {r blmove k d left left abc}
    assert_error_equal "ERR timeout is not a float or out of range" {r brpoplpush k d abc}
    assert_error_equal "ERR timeout is not a float or out of range" {r blmpop abc 1 k left}
}

test {A negative timeout, or one too big for milliseconds, is refused as negative} {
    r del k
    foreach t {-1 -0.5 -inf inf 1e16 -1e300} {
        assert_error_equal "ERR timeout is negative" {r blpop k $t} $t
    }
    assert_error_equal "ERR timeout is negative" {r brpoplpush k d -1}
    assert_error_equal "ERR timeout is negative" {r blmove k d right left -1}
    assert_error_equal "ERR timeout is negative" {r blmpop -1 1 k left}
}

test {BLMOVE: a bad end is a syntax error, checked before the timeout} {
    assert_error_equal "ERR syntax error" {r blmove a b up left 0}
    assert_error_equal "ERR syntax error" {r blmove a b left down abc}
}

test {BLMPOP: its arguments are checked before the timeout} {
    assert_error_equal "ERR numkeys should be greater than 0" {r blmpop abc 0 k left}
    assert_error_equal "ERR syntax error" {r blmpop abc 1 k up}
    assert_error_equal "ERR syntax error" {r blmpop abc 2 k left}
    assert_error_equal "ERR count should be greater than 0" {r blmpop abc 1 k left count 0}
    assert_error_equal "ERR timeout is not a float or out of range" {r blmpop abc 1 k left count 2}
}

test {WRONGTYPE: the first key that is not a list, unless a list came before} {
    r del a l s
    r set s x
    r rpush l v
    assert_error {WRONGTYPE*} {r blpop s 0}
    assert_error {WRONGTYPE*} {r blpop a s 0}
    assert_error {WRONGTYPE*} {r brpop a s 0}
    assert_error {WRONGTYPE*} {r blmpop 0 2 a s left}
    assert_equal {l v} [r blpop l s 0]
}

test {BLMOVE, BRPOPLPUSH: a source of another type is WRONGTYPE, and so is the destination when there is something to move} {
    r del s l d
    r set s x
    r rpush l v
    assert_error {WRONGTYPE*} {r blmove s d left left 0}
    assert_error {WRONGTYPE*} {r brpoplpush s d 0}
    assert_error {WRONGTYPE*} {r blmove l s left left 0}
    assert_error {WRONGTYPE*} {r brpoplpush l s 0}
    assert_equal {v} [r lrange l 0 -1]
}

# ----------------------------------------------------- data at once

test {A key that holds a list is served at once, without blocking} {
    r del l d
    r rpush l a b c d e f
    assert_equal {l a} [r blpop l 0]
    assert_equal {l f} [r brpop l 0]
    assert_equal {l {b c}} [r blmpop 0 1 l left count 2]
    assert_equal {l e} [r blmpop 0 1 l right]
    assert_equal d [r blmove l d left right 0]
    assert_equal 0 [r exists l]
    r rpush l x y
    assert_equal y [r brpoplpush l d 0]
    assert_equal {y d} [r lrange d 0 -1]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {Several keys: the first in the order given that holds a list} {
    r del a b c
    r rpush b b1 b2
    r rpush c c1
    assert_equal {b b1} [r blpop a b c 0]
    assert_equal {c c1} [r brpop a c b 0]
    assert_equal {b b2} [r blmpop 0 3 a c b left count 5]
}

test {BLMPOP with COUNT larger than the list takes the whole list} {
    r del l
    r rpush l 1 2 3
    assert_equal {l {3 2 1}} [r blmpop 0 1 l right count 10]
    assert_equal 0 [r exists l]
}

# ------------------------------------------------------------ blocking

test {BLPOP / BRPOP block on an empty key and are served by a push} {
    r del l
    set rd1 [blocked_client 2 1 blpop l 0]
    r rpush l a
    assert_equal {l a} [$rd1 read]
    set rd2 [blocked_client 2 1 brpop l 0]
    r rpush l b c
    assert_equal {l c} [$rd2 read]
    assert_equal {b} [r lrange l 0 -1]
    lb_close $rd1 $rd2
}

test {BLMPOP blocks and takes up to COUNT elements of the push} {
    r del l
    set rd [blocked_client 2 1 blmpop 0 2 x l right count 2]
    r rpush l a b c
    assert_equal {l {c b}} [$rd read]
    assert_equal {a} [r lrange l 0 -1]
    $rd close
}

test {BLMOVE serves each of the four direction pairs} {
    foreach {from to pushed expect dst} {
        left left {a b} a {a d0}
        left right {a b} a {d0 a}
        right left {a b} b {b d0}
        right right {a b} b {d0 b}
    } {
        r del src dst
        r rpush dst d0
        set rd [blocked_client 2 1 blmove src dst $from $to 0]
        r rpush src {*}$pushed
        assert_equal $expect [$rd read] "$from $to"
        assert_equal $dst [r lrange dst 0 -1] "$from $to"
        $rd close
    }
}

test {BRPOPLPUSH blocks and moves the tail to the head of the destination} {
    r del src dst
    r rpush dst z
    set rd [blocked_client 2 1 brpoplpush src dst 0]
    r rpush src a b
    assert_equal b [$rd read]
    assert_equal {b z} [r lrange dst 0 -1]
    assert_equal {a} [r lrange src 0 -1]
    $rd close
}

test {Clients blocked on one key are served first come first served} {
    r del l
    set rd1 [blocked_client 2 1 blpop l 0]
    set rd2 [blocked_client 2 2 brpop l 0]
    set rd3 [blocked_client 2 3 blpop l 0]
    r rpush l a b c
    assert_equal {l a} [$rd1 read]
    assert_equal {l c} [$rd2 read]
    assert_equal {l b} [$rd3 read]
    assert_equal 0 [r exists l]
    lb_close $rd1 $rd2 $rd3
}

test {One push of N elements wakes up to N clients; the others keep waiting} {
    r del l
    set rd1 [blocked_client 2 1 blpop l 0]
    set rd2 [blocked_client 2 2 blpop l 0]
    set rd3 [blocked_client 2 3 blpop l 0]
    r rpush l a b
    assert_equal {l a} [$rd1 read]
    assert_equal {l b} [$rd2 read]
    wait_for_blocked_clients_count 1
    assert_equal 0 [r exists l]
    r lpush l c
    assert_equal {l c} [$rd3 read]
    lb_close $rd1 $rd2 $rd3
}

test {A client blocked on several keys takes from the one that was pushed} {
    r del a b c
    set rd [blocked_client 2 1 blpop a b c 0]
    r rpush c c1
    assert_equal {c c1} [$rd read]
    $rd close
}

test {A key given twice is waited on once} {
    r del l
    set rd [blocked_client 2 1 blpop l l l 0]
    r rpush l a b
    assert_equal {l a} [$rd read]
    assert_equal {b} [r lrange l 0 -1]
    assert_equal 0 [server_info_field r blocked_clients]
    $rd close
}

test {A served client runs its pipelined requests afterwards, in order} {
    r del l
    set rd [redis_deferring_client]
    $rd write [::redis::__format_command {blpop l 0}]
    $rd write [::redis::__format_command {ping}]
    $rd write [::redis::__format_command {echo after}]
    $rd flush
    wait_for_blocked_clients_count 1
    r rpush l a
    assert_equal {l a} [$rd read]
    assert_equal PONG [$rd read]
    assert_equal after [$rd read]
    $rd close
}

test {A BLMOVE served pushes to a key another client waits on: both are served} {
    r del a b
    set rd1 [blocked_client 2 1 blmove a b left left 0]
    set rd2 [blocked_client 2 2 blpop b 0]
    r rpush a x
    assert_equal x [$rd1 read]
    assert_equal {b x} [$rd2 read]
    assert_equal 0 [r exists a]
    assert_equal 0 [r exists b]
    lb_close $rd1 $rd2
}

test {BLMOVE from a list to itself waits, then rotates what is pushed} {
    r del a
    set rd [blocked_client 2 1 blmove a a right left 0]
    r rpush a x y
    assert_equal y [$rd read]
    assert_equal {y x} [r lrange a 0 -1]
    $rd close
}

# ------------------------------------------------- when keys are served

test {Keys are served after the whole command that pushed} {
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r lpush l a b c
    assert_equal {l c} [$rd read]
    $rd close
}

test {Keys are served after EXEC, which sees the whole transaction} {
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r multi
    r rpush l first
    r del l
    r rpush l second third
    r exec
    assert_equal {l second} [$rd read]
    assert_equal {third} [r lrange l 0 -1]
    $rd close
}

test {Keys readied by one EXEC are served in the order they were written} {
    r del k1 k2
    set rd [blocked_client 2 1 blpop k1 k2 0]
    r multi
    r rpush k2 second-key
    r rpush k1 first-key
    r exec
    assert_equal {k2 second-key} [$rd read]
    assert_equal {first-key} [r lrange k1 0 -1]
    $rd close
}

test {A push popped again in the same transaction serves nobody} {
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r multi
    r rpush l a
    r lpop l
    assert_equal {1 a} [r exec]
    after 100
    assert_equal 1 [server_info_field r blocked_clients]
    r rpush l b
    assert_equal {l b} [$rd read]
    $rd close
}

test {Keys are served after the script that pushed} {
    if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r eval {redis.call('rpush', KEYS[1], 'a'); redis.call('del', KEYS[1]); redis.call('rpush', KEYS[1], 'b')} 1 l
    assert_equal {l b} [$rd read]
    $rd close
}

# ------------------------------------------------------------ MULTI

test {Inside MULTI a blocking command does not block: null on empty} {
    r del l d s
    set cmds {{blpop l 0} {brpop l 0} {blmove l d left left 0} {brpoplpush l d 0}
              {blmpop 0 1 l left}}
    assert_equal "*5\r\n*-1\r\n*-1\r\n\$-1\r\n\$-1\r\n*-1\r\n" [exec_reply_raw 2 $cmds]
    r set s x
    assert_match "*1\r\n-WRONGTYPE*" [exec_reply_raw 2 {{blpop s 0}}]
}

test {Inside MULTI a blocking command on a list pops as the non-blocking form} {
    r del l d
    r rpush l a b c
    r multi
    r blpop l 0
    r brpoplpush l d 0
    r blmpop 0 1 l left count 5
    assert_equal {{l a} c {l b}} [r exec]
    assert_equal {c} [r lrange d 0 -1]
}

test {Inside MULTI, RESP3: the empty answers are nulls} {
    r del l d
    assert_equal "*2\r\n_\r\n_\r\n" [exec_reply_raw 3 {{blpop l 0} {blmove l d left left 0}}]
}

# ------------------------------------------------------------- timeouts

test {Timeouts: a null array for every command in RESP2, BLMOVE's included} {
    r del l d
    foreach cmd {{blpop l 0.01} {brpop l 0.01} {blmpop 0.01 1 l left}
                 {blmove l d left left 0.01} {brpoplpush l d 0.01}} {
        set rd [redis_deferring_client]
        $rd {*}$cmd
        assert_equal "*-1\r\n" [$rd read_raw] $cmd
        $rd close
    }
    assert_equal 0 [r exists d]
}

test {Timeouts: a null in RESP3} {
    r del l d
    foreach cmd {{blpop l 0.01} {blmpop 0.01 1 l left} {blmove l d left left 0.01}
                 {brpoplpush l d 0.01}} {
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd {*}$cmd
        assert_equal "_\r\n" [$rd read_raw] $cmd
        $rd close
    }
}

test {A fraction of a millisecond is a real timeout, not forever} {
    r del l
    set rd [redis_deferring_client]
    $rd blpop l 0.0001
    assert_equal "*-1\r\n" [$rd read_raw]
    $rd close
}

test {A timed-out client runs its pipelined requests afterwards} {
    r del l
    set rd [redis_deferring_client]
    $rd write [::redis::__format_command {blpop l 0.05}]
    $rd write [::redis::__format_command {echo next}]
    $rd flush
    assert_equal "*-1\r\n" [$rd read_raw]
    assert_equal next [$rd read]
    $rd close
}

test {A client whose timeout passed is not served any more} {
    r del l
    set rd [redis_deferring_client]
    $rd blpop l 0.05
    assert_equal "*-1\r\n" [$rd read_raw]
    r rpush l a
    assert_equal {a} [r lrange l 0 -1]
    $rd close
}

# ------------------------------------------- keys that change meanwhile

test {A key set to another type while clients wait keeps them waiting} {
    r del k
    set rd [blocked_client 2 1 blpop k 0]
    r set k str
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r del k
    r rpush k v
    assert_equal {k v} [$rd read]
    $rd close
}

test {A waiter of BLMOVE whose destination is of another type gets WRONGTYPE; the next waiter gets the element} {
    r del src dst
    r set dst str
    set rd1 [blocked_client 2 1 blmove src dst left left 0]
    set rd2 [blocked_client 2 2 blpop src 0]
    r rpush src v
    assert_error {WRONGTYPE*} {$rd1 read}
    assert_equal {src v} [$rd2 read]
    assert_equal str [r get dst]
    lb_close $rd1 $rd2
}

test {BRPOPLPUSH with a destination of another type: WRONGTYPE when served, the element stays} {
    r del src dst
    r set dst str
    set rd [blocked_client 2 1 brpoplpush src dst 0]
    r rpush src v
    assert_error {WRONGTYPE*} {$rd read}
    assert_equal {v} [r lrange src 0 -1]
    $rd close
}

test {DEL, FLUSHDB and FLUSHALL leave the waiters waiting} {
    r del k
    set rd [blocked_client 2 1 blpop k 0]
    r del k
    r flushdb
    r flushall
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r rpush k v
    assert_equal {k v} [$rd read]
    $rd close
}

test {RENAME of a list onto the key a client waits on serves it} {
    r del src k
    r rpush src a b
    set rd [blocked_client 2 1 blpop k 0]
    r rename src k
    assert_equal {k a} [$rd read]
    assert_equal {b} [r lrange k 0 -1]
    $rd close
}

test {COPY of a list onto the key a client waits on serves it} {
    r del src k
    r rpush src a
    set rd [blocked_client 2 1 brpop k 0]
    r copy src k
    assert_equal {k a} [$rd read]
    assert_equal 0 [r exists k]
    assert_equal {a} [r lrange src 0 -1]
    $rd close
}

test {MOVE of a list into the waited database serves the waiter} {
    set c [redis_client]
    $c select 10
    $c del k
    $c select 9
    $c del k
    $c rpush k v
    set rd [redis_deferring_client]
    $rd select 10
    $rd read
    $rd blpop k 0
    wait_for_blocked_clients_count 1
    $c move k 10
    assert_equal {k v} [$rd read]
    lb_close $c $rd
}

test {SWAPDB: waiters stay with the database number and find the other's list} {
    set c [redis_client]
    $c select 10
    $c flushdb
    $c rpush k a b
    $c select 9
    $c flushdb
    set rd [redis_deferring_client]
    $rd select 9
    $rd read
    $rd blpop k 0
    wait_for_blocked_clients_count 1
    $c swapdb 9 10
    assert_equal {k a} [$rd read]
    assert_equal {b} [$c lrange k 0 -1]
    $c select 10
    assert_equal 0 [$c exists k]
    lb_close $c $rd
}

# ------------------------------------------- CLIENT UNBLOCK, KILL, close

test {CLIENT UNBLOCK TIMEOUT answers as a timeout, ERROR with -UNBLOCKED} {
    r del l d
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd blpop l 0
    wait_for_blocked_client_id $id
    assert_equal 1 [r client unblock $id]
    assert_equal "*-1\r\n" [$rd read_raw]
    $rd blmove l d left left 0
    wait_for_blocked_client_id $id
    assert_equal 1 [r client unblock $id timeout]
    assert_equal "*-1\r\n" [$rd read_raw]
    $rd brpop l 0
    wait_for_blocked_client_id $id
    assert_equal 1 [r client unblock $id ERROR]
    assert_error_equal "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd read}
    assert_equal 0 [server_info_field r blocked_clients]
    r rpush l a
    assert_equal {a} [r lrange l 0 -1]
    $rd close
}

test {CLIENT UNBLOCK of a client that is not blocked answers 0} {
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    assert_equal 0 [r client unblock $id]
    assert_equal 0 [r client unblock $id error]
    assert_equal 0 [r client unblock 999999999]
    assert_equal 0 [r client unblock 0]
    assert_equal 0 [r client unblock -5]
    $rd ping
    assert_equal PONG [$rd read]
    $rd close
}

test {CLIENT UNBLOCK: errors} {
    assert_error_equal "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock 1 foo}
    assert_error_equal "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR" {r client unblock abc foo}
    assert_error_equal "ERR value is not an integer or out of range" {r client unblock abc}
    assert_error_equal "ERR value is not an integer or out of range" {r client unblock abc error}
    assert_error {ERR unknown subcommand or wrong number of arguments for 'unblock'*} {r client unblock 1 error x}
    assert_error {ERR wrong number of arguments for 'client|unblock' command} {r client unblock}
}

test {A pipelined request of a client unblocked by CLIENT UNBLOCK runs next} {
    r del l
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd write [::redis::__format_command {blpop l 0}]
    $rd write [::redis::__format_command {echo next}]
    $rd flush
    wait_for_blocked_client_id $id
    r client unblock $id
    assert_equal "*-1\r\n" [$rd read_raw]
    assert_equal next [$rd read]
    $rd close
}

test {CLIENT KILL of a blocked client: it waits no more, nothing is popped for it} {
    r del l
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd blpop l 0
    wait_for_blocked_client_id $id
    assert_equal 1 [r client kill id $id]
    wait_for_blocked_clients_count 0
    r rpush l a
    assert_equal {a} [r lrange l 0 -1]
    $rd close
}

test {A client that closes while blocked waits no more} {
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    $rd close
    wait_for_blocked_clients_count 0
    r rpush l a
    assert_equal {a} [r lrange l 0 -1]
}

# ---------------------------------------------------- INFO, CLIENT LIST

test {INFO: blocked_clients and clients_in_timeout_table} {
    r del l
    set rd1 [blocked_client 2 1 blpop l 0]
    set rd2 [blocked_client 2 2 blpop l 100]
    set f [server_info_fields r blocked_clients clients_in_timeout_table]
    assert_equal {blocked_clients 2 clients_in_timeout_table 1} $f
    r rpush l a b
    $rd1 read
    $rd2 read
    set f [server_info_fields r blocked_clients clients_in_timeout_table]
    assert_equal {blocked_clients 0 clients_in_timeout_table 0} $f
    lb_close $rd1 $rd2
}

test {CLIENT LIST shows a blocked client with flag b and its command} {
    r del l
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd brpoplpush l d 0
    wait_for_blocked_client_id $id
    assert_match "*flags=b *cmd=brpoplpush *" [r client list id $id]
    r rpush l a
    $rd read
    assert_match "*flags=N *" [r client list id $id]
    $rd close
}

test {A blocked client is not closed for being idle (timeout)} {
    r del l
    with_config {timeout 1} {
        set rd [blocked_client 2 1 blpop l 0]
        for {set i 0} {$i < 5} {incr i} {
            after 500
            r ping ;# this client is not idle
        }
        r rpush l a
        assert_equal {l a} [$rd read]
    }
    $rd close
}

# ------------------------------------------------------------- PAUSE

test {CLIENT PAUSE WRITE holds a BLPOP even when its list has data} {
    r del l
    r rpush l a
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd blpop l 0
    wait_for_blocked_clients_count 1
    assert_equal {a} [r lrange l 0 -1]
    r client unpause
    assert_equal {l a} [$rd read]
    $rd close
}

test {A transaction that pushes then pauses serves the waiter: the pause starts after EXEC} {
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r multi
    r rpush l x
    r client pause 100000 write
    r exec
    assert_equal {l x} [$rd read]
    r client unpause
    $rd close
}

test {CLIENT UNBLOCK of a client held by a pause answers 1; it stays held} {
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd set pk v
    wait_for_blocked_clients_count 1
    assert_equal 1 [r client unblock $id error]
    assert_error_equal "UNBLOCKED client unblocked via CLIENT UNBLOCK" {$rd read}
    assert_equal 1 [server_info_field r blocked_clients]
    r client unpause
    assert_equal OK [$rd read]
    $rd close
}

# ------------------------------------------- a served pop is a real pop

test {Keyspace events of a served BLPOP: the push, then lpop and del} {
    r del l
    set ev [keyspace_events_of KElg {
        set rd [blocked_client 2 1 blpop l 0]
        r rpush l a
        $rd read
        $rd close
    }]
    assert_equal {{l rpush} {l lpop} {l del}} $ev
}

test {Keyspace events of a served BLMOVE: those of LMOVE (lpush on the destination, rpop and del on the source)} {
    r del src dst
    set ev [keyspace_events_of KElg {
        set rd [blocked_client 2 1 blmove src dst right left 0]
        r rpush src a
        $rd read
        $rd close
    }]
    assert_equal {{src rpush} {dst lpush} {src rpop} {src del}} $ev
}

test {Keyspace events of a served BLMPOP with COUNT} {
    r del l
    set ev [keyspace_events_of KElg {
        set rd [blocked_client 2 1 blmpop 0 1 l right count 2]
        r rpush l a b c
        $rd read
        $rd close
    }]
    assert_equal {{l rpush} {l rpop}} $ev
}

test {WATCH: a key written only by a served pop makes EXEC fail} {
    r del src dst
    set rd [blocked_client 2 1 blmove src dst left left 0]
    set w [redis_client]
    $w watch dst
    r rpush src a
    assert_equal a [$rd read]
    $w multi
    $w ping
    assert_equal {} [$w exec]
    $w close
    $rd close
}

test {Tracking: a key written by a served pop is invalidated} {
    r del src dst
    r rpush dst d0
    set t [redis_deferring_client]
    $t hello 3
    $t read
    $t client tracking on
    $t read
    $t lrange dst 0 -1
    assert_equal {d0} [$t read]
    set rd [blocked_client 2 1 blmove src dst left left 0]
    r rpush src a
    assert_equal a [$rd read]
    assert_equal {invalidate dst} [$t read]
    lb_close $t $rd
}

test {Tracking: the served client gets its reply before the invalidation of its own write} {
    r del src dst
    r rpush dst d0
    set rd [redis_deferring_client]
    $rd hello 3
    $rd read
    $rd client tracking on
    $rd read
    $rd lrange dst 0 -1
    assert_equal {d0} [$rd read]
    $rd blmove src dst left left 0
    wait_for_blocked_clients_count 1
    r rpush src a
    assert_equal a [$rd read]
    assert_equal {invalidate dst} [$rd read]
    $rd close
}

test {A served pop answers RESP3 clients with arrays} {
    r del l
    set rd [blocked_client 3 1 blpop l 0]
    r rpush l a
    assert_equal "*2\r\n\$1\r\nl\r\n\$1\r\na\r\n" [$rd read_raw]
    $rd close
    set rd [blocked_client 3 1 blmpop 0 1 l left count 2]
    r rpush l a
    assert_equal "*2\r\n\$1\r\nl\r\n*1\r\n\$1\r\na\r\n" [$rd read_raw]
    $rd close
}

test {INFO commandstats counts a blocking call once} {
    r config resetstat
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r rpush l a
    $rd read
    assert_match {*calls=1,*} [regexp -inline -line {^cmdstat_blpop:.*} [r info commandstats]]
    $rd close
}

}

start_server {tags {list_blocking needs:own-server}} {

test {A served pop is in the log: it survives DEBUG RELOAD} {
    if {![lb_is_kv]} { skip "redis-kv only" }
    r del l d
    set rd [blocked_client 2 1 blmove l d left left 0]
    r rpush l a b
    assert_equal a [$rd read]
    $rd close
    r debug reload
    assert_equal {b} [r lrange l 0 -1]
    assert_equal {a} [r lrange d 0 -1]
}

test {appendfsync always: a served pop is answered like any write} {
    if {![lb_is_kv]} { skip "redis-kv only" }
    r config set appendfsync always
    r del l
    set rd [blocked_client 2 1 blpop l 0]
    r rpush l a
    assert_equal {l a} [$rd read]
    $rd close
    r config set appendfsync everysec
}

}

# A served pop whose log write fails (a full disk) is answered -MISCONF
# like the push that readied it, and neither is in the keyspace: the rule
# of command/write_outcome.h holds for a served client's reply.
start_server {tags {list_blocking diskfull redis-kv-only needs:own-server}} {

test {Disk full: a served pop whose write fails is answered MISCONF and undone} {
    if {![lb_is_kv]} { skip "the server under test is not redis-kv" }
    if {[catch {exec id -u} uid] || $uid ne "0"} { skip "mounting a tmpfs needs root" }
    if {[catch {tmpfs_mount 2m} dir]} { skip "cannot mount a tmpfs: $dir" }
    try {
        set s [spawn_server -dir $dir -overrides {appendfsync always segment-size 256kb} \
                   -timeout 20 -client]
        set c [dict get $s client]
        set rd [redis_deferring_client $s]
        $rd blpop l 0
        wait_for_condition 250 20 {[server_info_field $c blocked_clients] == 1} else {
            fail "the BLPOP did not block"
        }
        set pool [string repeat [randstring 1021 1021 binary] 12]
        set err ""
        for {set i 0} {$i < 1000 && $err eq ""} {incr i} {
            catch {$c set fill:$i "$i:[string range $pool $i [expr {$i + 10000}]]"} err
            if {$err eq "OK"} { set err "" }
        }
        assert_match "MISCONF*" $err
        assert_error {MISCONF*} {$c rpush l [string range $pool 0 20000]}
        assert_error {MISCONF*} {$rd read}
        assert_equal 0 [server_info_field $c blocked_clients]
        assert_equal 0 [$c exists l]
        exec mount -o remount,size=8m $dir < /dev/null 2>@1
        assert_equal 1 [$c rpush l a]
        assert_equal {a} [$c lrange l 0 -1]
        $rd close
        stop_server $s
    } finally {
        set p [tmpfs_cleanup]
        if {$p ne ""} { ::test::exception "unmounting the tmpfs" $p }
    }
}

}
