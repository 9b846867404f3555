# Client-side caching: CLIENT TRACKING ON|OFF [REDIRECT] [PREFIX] [BCAST]
# [OPTIN] [OPTOUT] [NOLOOP], CLIENT CACHING, CLIENT GETREDIR, CLIENT
# TRACKINGINFO; RESP3 pushes and the RESP2 __redis__:invalidate redirect;
# tracking-table-max-keys and the INFO tracking_* fields.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/tracking

proc tr_resp3 {} {
    set rd [redis_deferring_client]
    $rd hello 3
    $rd read
    return $rd
}

# A RESP2 client subscribed to __redis__:invalidate; returns {rd id}.
proc tr_redir {} {
    set rd [redis_deferring_client]
    $rd client id
    set id [$rd read]
    $rd subscribe __redis__:invalidate
    $rd read
    return [list $rd $id]
}

proc tr_cmd {rd args} {
    $rd {*}$args
    return [$rd read]
}

start_server {tags {tracking}} {

test {TRACKING: error cases as Redis 7.0} {
    r client tracking off
    assert_error {*PREFIX option requires BCAST mode*} {r client tracking on prefix a}
    assert_error {*can't specify both OPTIN mode and OPTOUT mode*} {r client tracking on optin optout}
    assert_error {*OPTIN and OPTOUT are not compatible with BCAST*} {r client tracking on optin bcast}
    assert_error {*client ID you want redirect to does not exist*} {r client tracking on redirect 99999}
    assert_error {*syntax error*} {r client tracking maybe}
    assert_error {*Prefix 'a' overlaps with another provided prefix 'ab'*} {r client tracking on bcast prefix a prefix ab}
    assert_error {*CLIENT CACHING can be called only*} {r client caching yes}
    r client tracking on optin
    assert_error {*CLIENT CACHING NO is only valid*} {r client caching no}
    assert_error {*You can't switch BCAST mode*} {r client tracking on bcast}
    assert_error {*You can't switch OPTIN/OPTOUT mode*} {r client tracking on optout}
    r client tracking off
}

test {TRACKING: GETREDIR and TRACKINGINFO} {
    r client tracking off
    assert_equal -1 [r client getredir]
    assert_equal {flags off redirect -1 prefixes {}} [r client trackinginfo]
    lassign [tr_redir] rr id
    r client tracking on redirect $id optin noloop
    assert_equal $id [r client getredir]
    assert_equal [list flags {on optin noloop} redirect $id prefixes {}] [r client trackinginfo]
    r client tracking off
    r client tracking on bcast prefix a prefix b
    set info [r client trackinginfo]
    assert_equal {on bcast} [dict get $info flags]
    assert_equal 0 [dict get $info redirect]
    assert_equal {a b} [lsort [dict get $info prefixes]]
    assert_match {*flags=tB*redir=0*} [r client info]
    r client tracking off
    $rr close
}

test {TRACKING: default mode, RESP3 push on modification} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on
    r set tk1 v
    tr_cmd $rd get tk1
    r set tk1 v2
    assert_equal {invalidate tk1} [$rd read]
    # forgotten after one invalidation
    r set tk1 v3
    assert_equal PONG [tr_cmd $rd ping]
    $rd close
}

test {TRACKING: RESP2 redirect via __redis__:invalidate} {
    lassign [tr_redir] rr id
    r client tracking on redirect $id
    r mget tk2 tk3
    r set tk2 x
    assert_equal {message __redis__:invalidate tk2} [$rr read]
    r client tracking off
    $rr close
}

test {TRACKING: NOLOOP does not send the client's own changes} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on noloop
    tr_cmd $rd get tk4
    tr_cmd $rd set tk4 x
    tr_cmd $rd get tk5
    r set tk5 y
    assert_equal {invalidate tk5} [$rd read]
    $rd close
}

test {TRACKING: BCAST with prefixes} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on bcast prefix bc: prefix other:
    r set bc:1 a
    r set zz 1
    assert_equal {invalidate bc:1} [$rd read]
    r set other:x 1
    assert_equal {invalidate other:x} [$rd read]
    $rd close
}

test {TRACKING: OPTIN tracks only after CACHING YES} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on optin
    tr_cmd $rd get oi1
    tr_cmd $rd client caching yes
    tr_cmd $rd get oi2
    r set oi1 a
    r set oi2 b
    assert_equal {invalidate oi2} [$rd read]
    $rd close
}

test {TRACKING: OPTOUT skips after CACHING NO} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on optout
    tr_cmd $rd client caching no
    tr_cmd $rd get oo1
    tr_cmd $rd get oo2
    r set oo1 a
    r set oo2 b
    assert_equal {invalidate oo2} [$rd read]
    $rd close
}

test {TRACKING: FLUSHALL sends a null invalidation} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on
    tr_cmd $rd get fl1
    r flushall
    assert_equal {invalidate {}} [$rd read]
    $rd close
}

test {TRACKING: expired keys are invalidated} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on
    r set ex1 v px 50
    tr_cmd $rd get ex1
    after 120
    r get ex1
    assert_equal {invalidate ex1} [$rd read]
    $rd close
}

test {TRACKING: invalidations from EXEC come after it, in order} {
    lassign [tr_redir] rr id
    r client tracking on redirect $id
    r mget mx1 mx2
    r multi
    r set mx2 a
    r set mx1 b
    r exec
    assert_equal {message __redis__:invalidate mx2} [$rr read]
    assert_equal {message __redis__:invalidate mx1} [$rr read]
    r client tracking off
    $rr close
}

test {TRACKING: broken redirect push} {
    lassign [tr_redir] rr id
    set rd [tr_resp3]
    tr_cmd $rd client tracking on redirect $id
    tr_cmd $rd get br1
    $rr close
    after 100
    r set br1 x
    assert_equal [list tracking-redir-broken $id] [$rd read]
    $rd close
}
test {TRACKING: BCAST batches one iteration's keys, sorted, deduplicated} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on bcast
    r mset b:3 1 b:1 1 b:2 1 b:1 2
    assert_equal {invalidate {b:1 b:2 b:3}} [$rd read]
    $rd close
}

test {TRACKING: broken redirect shows in TRACKINGINFO and CLIENT LIST} {
    lassign [tr_redir] rr id
    r client tracking on redirect $id
    r get brk1
    $rr close
    after 100
    r set brk1 x
    assert_equal [list flags {on broken_redirect} redirect $id prefixes {}] [r client trackinginfo]
    assert_match "*flags=tR *redir=$id *" [r client info]
    r client tracking off
    assert_match "*flags=N *redir=-1 *" [r client info]
}

test {TRACKING: RESET turns tracking off} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on bcast
    tr_cmd $rd reset
    assert_equal -1 [tr_cmd $rd client getredir]
    $rd close
}
test {TRACKING: a client's own change reaches it (no NOLOOP), after the reply} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on
    tr_cmd $rd get own1
    $rd set own1 x
    assert_equal OK [$rd read]
    assert_equal {invalidate own1} [$rd read]
    $rd close
}
test {TRACKING: own changes inside EXEC arrive after EXEC's reply, in order} {
    set rd [tr_resp3]
    tr_cmd $rd client tracking on
    tr_cmd $rd mget ox1 ox2
    tr_cmd $rd multi
    tr_cmd $rd set ox2 a
    tr_cmd $rd set ox1 b
    $rd exec
    assert_equal {OK OK} [$rd read]
    assert_equal {invalidate ox2} [$rd read]
    assert_equal {invalidate ox1} [$rd read]
    tr_cmd $rd get ox1
    $rd flushall
    assert_equal OK [$rd read]
    assert_equal {invalidate {}} [$rd read]
    $rd close
}

# ------------------------------------------------- the table and its limit
proc tr_table {} {
    server_info_fields r tracking_total_keys tracking_total_items tracking_total_prefixes \
        tracking_clients
}

test {TRACKING: INFO counts keys, (key, client) pairs, prefixes and clients} {
    r flushall
    r client tracking off
    assert_equal {tracking_total_keys 0 tracking_total_items 0 tracking_total_prefixes 0 tracking_clients 0} [tr_table]
    set a [tr_resp3]
    set b [tr_resp3]
    set c [tr_resp3]
    tr_cmd $a client tracking on
    tr_cmd $b client tracking on
    tr_cmd $c client tracking on bcast prefix p1: prefix p2:
    tr_cmd $a mget ti1 ti2
    tr_cmd $b get ti1
    assert_equal {tracking_total_keys 2 tracking_total_items 3 tracking_total_prefixes 2 tracking_clients 3} [tr_table]
    # A client that stops tracking still counts in the table until its
    # keys change (Redis keeps no per-client index of them).
    tr_cmd $b client tracking off
    assert_equal {tracking_total_keys 2 tracking_total_items 3 tracking_total_prefixes 2 tracking_clients 2} [tr_table]
    r set ti1 x
    assert_equal {invalidate ti1} [$a read]
    assert_equal {tracking_total_keys 1 tracking_total_items 1 tracking_total_prefixes 2 tracking_clients 2} [tr_table]
    $c close
    wait_for_condition 50 20 {[dict get [tr_table] tracking_total_prefixes] == 0} else {
        fail "the closed BCAST client's prefixes remain"
    }
    r flushall
    assert_equal {invalidate {}} [$a read]
    assert_equal {tracking_total_keys 0 tracking_total_items 0 tracking_total_prefixes 0 tracking_clients 1} [tr_table]
    $a close
    $b close
}

test {TRACKING: a flush empties the table, even with no tracking client left} {
    r flushall
    r client tracking on
    r mget fe1 fe2
    r client tracking off
    assert_equal {tracking_total_keys 2 tracking_total_items 2 tracking_total_prefixes 0 tracking_clients 0} [tr_table]
    r flushdb
    assert_equal {tracking_total_keys 0 tracking_total_items 0 tracking_total_prefixes 0 tracking_clients 0} [tr_table]
}

test {TRACKING: tracking-table-max-keys, default and range} {
    assert_equal {tracking-table-max-keys 1000000} [r config get tracking-table-max-keys]
    assert_error {*argument must be between 0 and 9223372036854775807 inclusive*} {
        r config set tracking-table-max-keys -1
    }
    assert_error {*couldn't be parsed into an integer*} {r config set tracking-table-max-keys x}
    r config set tracking-table-max-keys 0
    assert_equal {tracking-table-max-keys 0} [r config get tracking-table-max-keys]
    r config set tracking-table-max-keys 1000000
}

test {TRACKING: lowering tracking-table-max-keys evicts keys, invalidating them} {
    r flushall
    lassign [tr_redir] rr id
    # NOLOOP does not hide an eviction: no client changed the key.
    r client tracking on redirect $id noloop
    r mget ev1 ev2 ev3
    r config set tracking-table-max-keys 1
    set got {}
    lappend got [lindex [$rr read] 2]
    lappend got [lindex [$rr read] 2]
    wait_for_condition 50 20 {[dict get [tr_table] tracking_total_keys] == 1} else {
        fail "the table did not shrink to the limit"
    }
    assert_equal 1 [dict get [tr_table] tracking_total_items]
    # The key left is still tracked; the evicted ones are not.
    set left [lindex [lmap k {ev1 ev2 ev3} {expr {$k in $got ? [continue] : $k}}] 0]
    set other [redis_client]
    foreach k $got { $other set $k y }
    $other set $left x
    assert_equal [list message __redis__:invalidate $left] [$rr read]
    $other close
    $rr ping
    assert_equal {pong {}} [$rr read]
    # Reading past the limit evicts too (the read keys count first).
    r get ev4
    r get ev5
    assert_match {message __redis__:invalidate ev*} [$rr read]
    r config set tracking-table-max-keys 1000000
    r client tracking off
    $rr close
}

test {TRACKING: a far lower limit is reached over a few passes, key by key} {
    r flushall
    lassign [tr_redir] rr id
    r config set tracking-table-max-keys 1000000
    r client tracking on redirect $id
    set keys {}
    for {set i 0} {$i < 350} {incr i} { lappend keys lk$i }
    r mget {*}$keys
    assert_equal 350 [dict get [tr_table] tracking_total_keys]
    r config set tracking-table-max-keys 1
    # 349 invalidations, each of one key, no more.
    set seen {}
    for {set i 0} {$i < 349} {incr i} {
        set msg [$rr read]
        assert_equal 1 [llength [lindex $msg 2]]
        dict set seen [lindex $msg 2] 1
    }
    assert_equal 349 [dict size $seen]
    $rr ping
    assert_equal {pong {}} [$rr read]
    assert_equal 1 [dict get [tr_table] tracking_total_keys]
    r config set tracking-table-max-keys 1000000
    r client tracking off
    $rr close
}

test {TRACKING: GETREDIR keeps the id of a redirect client that is gone} {
    lassign [tr_redir] rr id
    r client tracking on redirect $id
    r get gr1
    $rr close
    after 100
    assert_equal $id [r client getredir]
    r set gr1 x
    # RESP2 has no push for tracking-redir-broken: only the flag shows.
    assert_equal $id [r client getredir]
    assert_equal [list flags {on broken_redirect} redirect $id prefixes {}] [r client trackinginfo]
    # Turning it on again clears the flag.
    r client tracking on
    assert_equal {flags on redirect 0 prefixes {}} [r client trackinginfo]
    r client tracking off
    assert_equal -1 [r client getredir]
}
}
