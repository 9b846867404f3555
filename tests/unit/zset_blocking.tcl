# The blocking sorted set commands BZPOPMIN, BZPOPMAX and BZMPOP: their
# replies in RESP2 and RESP3 (the score a double in RESP3), argument
# errors, timeouts, first come first served after the ZADD, the EXEC or
# the script that made a key ready, MULTI (answers at once), several keys,
# a key of another type meanwhile, CLIENT UNBLOCK, and a served pop doing
# what any pop does (its events, an emptied key deleted).
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/zset_blocking
#   tests/runtest --host 127.0.0.1 --port P --single unit/zset_blocking
# Nothing here is redis-kv-only.  No test asserts a time: a timeout is
# only checked to end with the timeout reply.

# Clients blocked here are made by blocked_client (helpers/util.tcl),
# transactions read raw by exec_reply_raw.

proc zb_close {args} { foreach rd $args { $rd close } }

start_server {tags {zset_blocking}} {

# ---------------------------------------------------------------- errors

test {BZPOPMIN, BZPOPMAX, BZMPOP: wrong number of arguments} {
    assert_arity_error bzpopmin {} {z}
    assert_arity_error bzpopmax {} {z}
    assert_arity_error bzmpop {} {0} {0 1} {0 1 z}
}

test {A timeout that is not a number, or is negative, is refused} {
    r del z
    foreach t {abc {} nan 1x} {
        assert_error_equal "ERR timeout is not a float or out of range" {r bzpopmin z $t} "'$t'"
        assert_error_equal "ERR timeout is not a float or out of range" {r bzpopmax z $t} "'$t'"
        assert_error_equal "ERR timeout is not a float or out of range" {r bzmpop $t 1 z min} "'$t'"
    }
    foreach t {-1 -0.5 -inf} {
        assert_error_equal "ERR timeout is negative" {r bzpopmin z $t} $t
        assert_error_equal "ERR timeout is negative" {r bzmpop $t 1 z max} $t
    }
}

test {BZMPOP: numkeys, MIN/MAX and COUNT are checked, and before the timeout} {
    r del z
    assert_error_equal "ERR numkeys should be greater than 0" {r bzmpop 0 0 z min}
    assert_error_equal "ERR numkeys should be greater than 0" {r bzmpop 0 -2 z min}
    assert_error_equal "ERR syntax error" {r bzmpop 0 1 z foo}
    assert_error_equal "ERR syntax error" {r bzmpop abc 1 z foo}
    assert_error_equal "ERR syntax error" {r bzmpop 0 2 z min}
    assert_error_equal "ERR syntax error" {r bzmpop 0 1 z min count 1 count 1}
    assert_error_equal "ERR count should be greater than 0" {r bzmpop 0 1 z min count 0}
    assert_error_equal "ERR count should be greater than 0" {r bzmpop 0 1 z max count -3}
    assert_equal 0 [server_info_field r blocked_clients]
}

test {WRONGTYPE: the first key that is not a sorted set, unless a sorted set came before} {
    r del a z s
    r set s x
    r zadd z 1 m
    assert_error_equal "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzpopmin s 0}
    assert_error_equal "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzpopmax a s 0}
    assert_error_equal "WRONGTYPE Operation against a key holding the wrong kind of value" {r bzmpop 0 2 a s min}
    assert_equal {z m 1} [r bzpopmin z s 0]
}

# ----------------------------------------------------- data at once

test {A key that holds a sorted set is served at once, without blocking} {
    r del z
    r zadd z 1 a 2.5 b 3 c 4 d
    assert_equal {z a 1} [r bzpopmin z 0]
    assert_equal {z d 4} [r bzpopmax z 0]
    assert_equal {z {{b 2.5} {c 3}}} [r bzmpop 0 1 z min count 5]
    assert_equal 0 [r exists z]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {Reply forms in RESP2 and RESP3} {
    r del z
    r zadd z 1 a 2.5 b 3 c 4 d
    assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\na\r\n\$1\r\n1\r\n" [raw_reply bzpopmin z 0]
    assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\nd\r\n,4\r\n" [raw_reply3 bzpopmax z 0]
    assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\nb\r\n\$3\r\n2.5\r\n" [raw_reply bzmpop 0 1 z min]
    assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\nc\r\n,3\r\n" [raw_reply3 bzmpop 0 1 z max count 3]
}

test {Several keys: the first in the order given that holds a sorted set} {
    r del a b c
    r zadd b 1 b1 2 b2
    r zadd c 1 c1
    assert_equal {b b1 1} [r bzpopmin a b c 0]
    assert_equal {c c1 1} [r bzpopmax a c b 0]
    assert_equal {b {{b2 2}}} [r bzmpop 0 3 a c b max count 5]
}

# ------------------------------------------------------------ blocking

test {BZPOPMIN and BZPOPMAX block on an empty key and are served by a ZADD} {
    r del z
    set rd1 [blocked_client 2 1 bzpopmin z 0]
    r zadd z 5 a 1 b
    assert_equal {z b 1} [$rd1 read]
    assert_equal {a 5} [r zrange z 0 -1 withscores]
    r del z
    set rd2 [blocked_client 2 1 bzpopmax z 0]
    r zadd z 9 c 1 d
    assert_equal {z c 9} [$rd2 read]
    assert_equal {d 1} [r zrange z 0 -1 withscores]
    zb_close $rd1 $rd2
}

test {A served client gets the RESP3 double of the score} {
    r del z
    set rd [blocked_client 3 1 bzpopmin z 0]
    r zadd z 0.5 a
    assert_equal "*3\r\n\$1\r\nz\r\n\$1\r\na\r\n,0.5\r\n" [$rd read_raw]
    $rd close
    set rd [blocked_client 3 1 bzmpop 0 1 z max]
    r zadd z 2 a 3 b
    assert_equal "*2\r\n\$1\r\nz\r\n*1\r\n*2\r\n\$1\r\nb\r\n,3\r\n" [$rd read_raw]
    $rd close
}

test {BZMPOP blocks and takes up to COUNT members of the ZADD} {
    r del z
    set rd [blocked_client 2 1 bzmpop 0 2 x z max count 2]
    r zadd z 1 a 2 b 3 c
    assert_equal {z {{c 3} {b 2}}} [$rd read]
    assert_equal {a} [r zrange z 0 -1]
    $rd close
    r del z
    set rd [blocked_client 2 1 bzmpop 0 1 z min count 10]
    r zadd y 1 y
    r zadd z 7 q
    assert_equal {z {{q 7}}} [$rd read]
    assert_equal 0 [r exists z]
    $rd close
}

test {Clients blocked on one key are served first come first served} {
    r del z
    set rd1 [blocked_client 2 1 bzpopmin z 0]
    set rd2 [blocked_client 2 2 bzpopmax z 0]
    set rd3 [blocked_client 2 3 bzmpop 0 1 z min]
    r zadd z 1 a 2 b 3 c
    assert_equal {z a 1} [$rd1 read]
    assert_equal {z c 3} [$rd2 read]
    assert_equal {z {{b 2}}} [$rd3 read]
    assert_equal 0 [r exists z]
    zb_close $rd1 $rd2 $rd3
}

test {One ZADD of N members wakes up to N clients; the others keep waiting} {
    r del z
    set rd1 [blocked_client 2 1 bzpopmin z 0]
    set rd2 [blocked_client 2 2 bzpopmin z 0]
    set rd3 [blocked_client 2 3 bzpopmin z 0]
    r zadd z 1 a 2 b
    assert_equal {z a 1} [$rd1 read]
    assert_equal {z b 2} [$rd2 read]
    wait_for_blocked_clients_count 1
    assert_equal 0 [r exists z]
    r zincrby z 3 c
    assert_equal {z c 3} [$rd3 read]
    zb_close $rd1 $rd2 $rd3
}

test {A client blocked on several keys takes from the one that got members} {
    r del a b c
    set rd [blocked_client 2 1 bzpopmax a b c 0]
    r zadd c 1 c1
    assert_equal {c c1 1} [$rd read]
    $rd close
    set rd [blocked_client 2 1 bzmpop 0 3 a b c min count 2]
    r zadd b 1 b1
    assert_equal {b {{b1 1}}} [$rd read]
    $rd close
}

test {Writes that add nothing do not serve anybody} {
    r del z
    set rd [blocked_client 2 1 bzpopmin z 0]
    r zadd z xx 1 a
    r zadd z xx ch incr 1 a
    r zrem z a
    r zunionstore z 1 nokey
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r zadd z 1 a
    assert_equal {z a 1} [$rd read]
    $rd close
}

test {A served client runs its pipelined requests afterwards, in order} {
    r del z
    set rd [redis_deferring_client]
    $rd write [::redis::__format_command {bzpopmin z 0}]
    $rd write [::redis::__format_command {zcard z}]
    $rd write [::redis::__format_command {echo after}]
    $rd flush
    wait_for_blocked_clients_count 1
    r zadd z 1 a 2 b
    assert_equal {z a 1} [$rd read]
    assert_equal 1 [$rd read]
    assert_equal after [$rd read]
    $rd close
}

# ------------------------------------------------- when keys are served

test {Keys are served after EXEC, which sees the whole transaction} {
    r del z
    set rd [blocked_client 2 1 bzpopmin z 0]
    r multi
    r zadd z 1 first
    r del z
    r zadd z 5 second 6 third
    r exec
    assert_equal {z second 5} [$rd read]
    assert_equal {third} [r zrange z 0 -1]
    $rd close
}

test {A ZADD popped again in the same transaction serves nobody} {
    r del z
    set rd [blocked_client 2 1 bzpopmax z 0]
    r multi
    r zadd z 1 a
    r zpopmin z
    assert_equal {1 {a 1}} [r exec]
    after 100
    assert_equal 1 [server_info_field r blocked_clients]
    r zadd z 2 b
    assert_equal {z b 2} [$rd read]
    $rd close
}

test {Keys are served after the script that added to them} {
    if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
    r del z
    set rd [blocked_client 2 1 bzpopmin z 0]
    r eval {
        redis.call('zadd', KEYS[1], 1, 'a')
        redis.call('zrem', KEYS[1], 'a')
        redis.call('zadd', KEYS[1], 3, 'b', 2, 'c')
    } 1 z
    assert_equal {z c 2} [$rd read]
    assert_equal {b} [r zrange z 0 -1]
    $rd close
}

test {In a script BZPOPMIN and BZPOPMAX are refused; BZMPOP does not block} {
    if {[catch {r eval {return 1} 0}]} { skip "no scripting" }
    r del z
    foreach cmd {bzpopmin bzpopmax} {
        set script [string map [list CMD $cmd] {return redis.call('CMD', KEYS[1], 0)}]
        assert_error "ERR This Redis command is not allowed from script*" {r eval $script 1 z}
    }
    r null_value (nil)
    assert_equal (nil) [r eval {return redis.call('bzmpop', 0, 1, KEYS[1], 'min')} 1 z]
    r null_value ""
    r zadd z 1 a 2 b
    assert_equal {z {{b 2}}} [r eval {return redis.call('bzmpop', 0, 1, KEYS[1], 'max')} 1 z]
    assert_equal 0 [server_info_field r blocked_clients]
}

test {A client waits on its own database's key only} {
    set c [redis_client]
    $c select 9
    $c del z
    set rd [redis_deferring_client]
    $rd select 9
    $rd read
    $rd bzpopmin z 0
    wait_for_blocked_clients_count 1
    r del z
    r zadd z 1 other-db
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    $c zadd z 2 mine
    assert_equal {z mine 2} [$rd read]
    assert_equal {other-db} [r zrange z 0 -1]
    r del z
    zb_close $c $rd
}

# ------------------------------------------------------------ MULTI

test {Inside MULTI a blocking pop does not block: null on empty} {
    r del z s
    set cmds {{bzpopmin z 0} {bzpopmax z 0} {bzmpop 0 1 z min}}
    assert_equal "*3\r\n*-1\r\n*-1\r\n*-1\r\n" [exec_reply_raw 2 $cmds]
    assert_equal "*3\r\n_\r\n_\r\n_\r\n" [exec_reply_raw 3 $cmds]
    r set s x
    assert_match "*1\r\n-WRONGTYPE*" [exec_reply_raw 2 {{bzpopmin s 0}}]
}

test {Inside MULTI a blocking pop on a sorted set pops as the non-blocking form} {
    r del z
    r zadd z 1 a 2 b 3 c 4 d
    r multi
    r bzpopmin z 0
    r bzpopmax z 0
    r bzmpop 0 1 z min count 5
    assert_equal {{z a 1} {z d 4} {z {{b 2} {c 3}}}} [r exec]
    assert_equal 0 [r exists z]
}

# ------------------------------------------------------------- timeouts

test {Timeouts: a null array in RESP2, a null in RESP3} {
    r del z
    foreach cmd {{bzpopmin z 0.01} {bzpopmax z 0.01} {bzmpop 0.01 1 z min}} {
        assert_equal "*-1\r\n" [raw_reply {*}$cmd] $cmd
        assert_equal "_\r\n" [raw_reply3 {*}$cmd] $cmd
    }
    assert_equal 0 [server_info_field r blocked_clients]
}

test {A client whose timeout passed is not served any more} {
    r del z
    set rd [redis_deferring_client]
    $rd null_value (nil)
    assert_equal {(nil) next} [pipeline_replies $rd {{bzpopmin z 0.05} {echo next}}]
    r zadd z 1 a
    assert_equal {a} [r zrange z 0 -1]
    $rd close
}

# ------------------------------------------- keys that change meanwhile

test {A key set to another type while clients wait keeps them waiting} {
    r del z
    set rd [blocked_client 2 1 bzpopmin z 0]
    r set z str
    r del z
    r rpush z v
    after 50
    assert_equal 1 [server_info_field r blocked_clients]
    r del z
    r zadd z 1 m
    assert_equal {z m 1} [$rd read]
    $rd close
}

test {RENAME of a sorted set onto the key a client waits on serves it} {
    r del src z
    r zadd src 1 a 2 b
    set rd [blocked_client 2 1 bzpopmax z 0]
    r rename src z
    assert_equal {z b 2} [$rd read]
    assert_equal {a} [r zrange z 0 -1]
    $rd close
}

test {ZUNIONSTORE and ZRANGESTORE into the waited key serve it} {
    r del src z
    r zadd src 1 a 2 b
    set rd [blocked_client 2 1 bzpopmin z 0]
    r zunionstore z 1 src
    assert_equal {z a 1} [$rd read]
    $rd close
    r del z
    set rd [blocked_client 2 1 bzpopmax z 0]
    r zrangestore z src 0 0
    assert_equal {z a 1} [$rd read]
    assert_equal 0 [r exists z]
    $rd close
}

# ------------------------------------------- CLIENT UNBLOCK, events, WATCH

test {CLIENT UNBLOCK: TIMEOUT answers as a timeout, ERROR with -UNBLOCKED} {
    r del z
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    foreach {cmd how} {{bzpopmin z 0} {} {bzmpop 0 1 z max} timeout {bzpopmax z 0} error} {
        assert_unblocked_by_client_unblock $rd $id $cmd $how
    }
    assert_equal 0 [server_info_field r blocked_clients]
    r zadd z 1 a
    assert_equal {a} [r zrange z 0 -1]
    $rd close
}

test {A served pop sends the events of a pop and deletes an emptied key} {
    r del z
    set rd [blocked_client 2 1 bzpopmin z 0]
    set ev [keyspace_events_of KEA {
        r zadd z 1 a
        assert_equal {z a 1} [$rd read]
    }]
    assert_equal {{z zadd} {z zpopmin} {z del}} $ev
    assert_equal 0 [r exists z]
    $rd close
    set rd [blocked_client 2 1 bzmpop 0 1 z max]
    set ev [keyspace_events_of KEA {
        r zadd z 1 a 2 b
        assert_equal {z {{b 2}}} [$rd read]
    }]
    assert_equal {{z zadd} {z zpopmax}} $ev
    $rd close
}
}
