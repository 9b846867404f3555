# Client-side caching: CLIENT TRACKING ON|OFF [REDIRECT] [PREFIX] [BCAST]
# [OPTIN] [OPTOUT] [NOLOOP], CLIENT CACHING, CLIENT GETREDIR, CLIENT
# TRACKINGINFO; RESP3 pushes and the RESP2 __redis__:invalidate redirect.
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
}
