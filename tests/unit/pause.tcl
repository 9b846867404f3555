# CLIENT PAUSE WRITE|ALL as Redis 7.0 applies it: which commands a pause
# holds (by command flags: write and may-replicate under WRITE, all under
# ALL), EXEC of a transaction holding a write, held clients counted in INFO
# blocked_clients, expiry held during a pause, how a later pause combines
# with the current one, and how held clients resume (CLIENT UNPAUSE, the
# timeout).  Errors and the basic hold/resume are in unit/client.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/pause

proc pause_blocked {} { server_info_field r blocked_clients }

# Waits until N clients are held by the pause.
proc pause_wait_blocked {n} {
    wait_for_condition 100 20 {[pause_blocked] == $n} else {
        fail "blocked_clients is [pause_blocked], not $n"
    }
}

start_server {tags {pause}} {

test {PAUSE WRITE: reads run at once, nothing counts as blocked} {
    r set pk v
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd get pk
    $rd exists pk
    $rd ping
    assert_equal v [$rd read]
    assert_equal 1 [$rd read]
    assert_equal PONG [$rd read]
    assert_equal 0 [pause_blocked]
    r client unpause
    $rd close
}

test {PAUSE WRITE: a write is held, shows in blocked_clients and CLIENT LIST, then runs} {
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd set pk v2
    pause_wait_blocked 1
    assert_match "*flags=b *cmd=set *" [r client list id $id]
    assert_equal v [r get pk]
    r client unpause
    assert_equal OK [$rd read]
    assert_equal 0 [pause_blocked]
    assert_equal v2 [r get pk]
    $rd close
}

test {PAUSE WRITE: may-replicate commands (PUBLISH, SPUBLISH) are held too} {
    r client pause 100000 write
    set rd1 [redis_deferring_client]
    set rd2 [redis_deferring_client]
    $rd1 publish pch m
    $rd2 spublish pch m
    pause_wait_blocked 2
    r client unpause
    assert_equal 0 [$rd1 read]
    assert_equal 0 [$rd2 read]
    $rd1 close
    $rd2 close
}

test {PAUSE WRITE: PFCOUNT, which may rewrite its key's cache, is held} {
    r del phll
    r pfadd phll a b c
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd pfcount phll
    pause_wait_blocked 1
    r client unpause
    assert_equal 3 [$rd read]
    $rd close
}

test {PAUSE WRITE: a read-only transaction runs, one with a write waits at EXEC} {
    r set pk v
    set rd [redis_deferring_client]
    $rd multi
    $rd set pk v3
    assert_equal {OK QUEUED} [list [$rd read] [$rd read]]
    r client pause 100000 write
    set rr [redis_client]
    $rr multi
    $rr get pk
    $rr ping
    assert_equal {v PONG} [$rr exec]
    assert_equal 0 [pause_blocked]
    $rd exec
    pause_wait_blocked 1
    assert_equal v [r get pk]
    r client unpause
    assert_equal OK [$rd read]
    assert_equal v3 [r get pk]
    $rd close
    $rr close
}

test {PAUSE WRITE: a write sent inside MULTI is held before it is queued} {
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd multi
    assert_equal OK [$rd read]
    $rd set pk v4
    $rd get pk
    pause_wait_blocked 1
    r client unpause
    assert_equal {QUEUED QUEUED} [list [$rd read] [$rd read]]
    $rd exec
    assert_equal {OK v4} [$rd read]
    $rd close
}

test {A pause started inside a transaction begins after it} {
    r multi
    r set pt1 a
    r client pause 100000 write
    r set pt2 b
    assert_equal {OK OK OK} [r exec]
    set rd [redis_deferring_client]
    $rd set pt3 c
    pause_wait_blocked 1
    assert_equal {a b {}} [r mget pt1 pt2 pt3]
    r client unpause
    assert_equal OK [$rd read]
    $rd close
}

test {CLIENT UNPAUSE inside a transaction: held clients run after it, not in it} {
    r set pk before
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd set pk after
    pause_wait_blocked 1
    r multi
    r client unpause
    r get pk
    assert_equal {OK before} [r exec]
    assert_equal OK [$rd read]
    assert_equal after [r get pk]
    $rd close
}

test {Several held clients all resume, each with its whole pipeline} {
    r del cnt
    r client pause 100000 write
    set clients {}
    for {set i 0} {$i < 3} {incr i} {
        set rd [redis_deferring_client]
        $rd incr cnt
        $rd get cnt
        lappend clients $rd
    }
    pause_wait_blocked 3
    r client unpause
    set seen {}
    foreach rd $clients {
        lappend seen [$rd read]
        $rd read
        $rd close
    }
    assert_equal {1 2 3} [lsort -integer $seen]
    assert_equal 0 [pause_blocked]
}

test {A held client that disconnects stops counting as blocked} {
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd set gone 1
    pause_wait_blocked 1
    $rd close
    pause_wait_blocked 0
    r client unpause
    assert_equal 0 [r exists gone]
}

test {A held client killed during the pause never runs its command} {
    r client pause 100000 write
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd set killed 1
    pause_wait_blocked 1
    assert_equal 1 [r client kill id $id]
    pause_wait_blocked 0
    r client unpause
    assert_equal 0 [r exists killed]
    $rd close
}

test {A held client resumes by itself when the pause times out} {
    r client pause 300 write
    set rd [redis_deferring_client]
    $rd set pto 1
    assert_equal OK [$rd read]
    assert_equal 0 [pause_blocked]
    $rd close
}

test {Expiry is held during a pause: expired keys read as missing but stay} {
    r flushall
    r config resetstat
    r multi
    r set ex1 a px 10
    r set ex2 b px 10
    r set ex3 c
    r client pause 100000 write
    r exec
    wait_for_condition 50 20 {[r get ex1] eq {} && [r get ex2] eq {}} else {
        fail "the keys never expired logically"
    }
    assert_equal 0 [r exists ex1 ex2]
    assert_equal {-2 -2} [list [r ttl ex1] [r pttl ex2]]
    assert_equal {ex3} [r keys *]
    assert_equal ex3 [r randomkey]
    # Neither the lookups nor the active cycle deleted them.
    assert_equal 3 [r dbsize]
    assert_equal 0 [server_info_field r expired_keys]
    r client unpause
    r get ex1
    r get ex2
    assert_equal 2 [server_info_field r expired_keys]
    assert_equal 1 [r dbsize]
}

test {A shorter or weaker later pause does not shorten or weaken the current one} {
    # Mode and end are each the stronger of the two.
    r multi
    r client pause 100000 write
    r client pause 10 write
    r exec
    after 100
    set rd [redis_deferring_client]
    $rd set pw 1
    pause_wait_blocked 1
    r client unpause
    assert_equal OK [$rd read]
    # A short ALL after a long WRITE: ALL for the longer time.  Only its
    # timeout can end it (CLIENT UNPAUSE is held as well), so keep it short.
    r multi
    r client pause 1500 write
    r client pause 10 all
    r exec
    after 200
    $rd ping
    assert_equal {} [$rd read_available 0.2]
    assert_equal PONG [$rd read]
    $rd close
}
}
