# Lua scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO, SCRIPT LOAD EXISTS FLUSH
# KILL, the redis.* API inside a script (call pcall error_reply status_reply
# setresp sha1hex log set_repl replicate_commands, REDIS_VERSION), every
# conversion between Lua values and RESP2/RESP3 replies in both directions,
# error texts, the sandbox (globals protection, read-only library tables,
# absent os/io/loadfile/dofile/print), shebang flags, the cjson bit struct
# cmsgpack libraries, SELECT inside a script, atomicity (MULTI/EXEC, WATCH,
# keyspace notifications, client tracking), INFO/commandstats/SLOWLOG/
# MONITOR, and busy scripts (BUSY, SCRIPT KILL, UNKILLABLE, SHUTDOWN NOSAVE).
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/scripting
#   tests/runtest --server /usr/bin/redis-server --single unit/scripting
# (the second form also runs the blocks that need a server of their own:
# busy scripts, DEBUG PROTOCOL replies).  Nothing here is redis-kv-only.
#
# Error replies raised inside a script end with " script: <sha1 of the
# body>, on @user_script:<line>."; sc_err builds that text, so every error
# is compared whole.  Exact reply types are checked on the raw bytes
# (raw_reply / raw_reply3), since the Tcl client flattens them.

# ------------------------------------------------------------------ helpers

# SHA1 (hex) of BODY, as EVAL names a script.
proc sc_sha1 {body} {
    set f [file join [new_tmpdir] body]
    set fd [open $f w]
    fconfigure $fd -translation binary
    puts -nonewline $fd $body
    close $fd
    set out [exec sha1sum $f]
    file delete $f
    return [lindex $out 0]
}

# The text of error MSG raised by script BODY at LINE: what EVAL replies.
proc sc_err {msg body {line 1}} {
    return "$msg script: [sc_sha1 $body], on @user_script:$line."
}

# EVAL BODY with ARGS (numkeys and the rest; default 0) must fail with MSG
# raised at LINE (exact text).
proc sc_assert_eval_error {msg body {line 1} args} {
    set want [sc_err $msg $body $line]
    if {![llength $args]} { set args 0 }
    if {![catch {r eval $body {*}$args} got]} {
        fail "EVAL of '$body' gave '$got', expected the error '$want'"
    }
    assert_equal $got $want
}

# Lines joined with newlines: scripts with a shebang line.
proc sc_lines {args} { return [join $args "\n"] }

# The exact RESP2 / RESP3 bytes of the reply to EVAL BODY 0.
proc sc_raw2 {body} { return [raw_reply eval $body 0] }
proc sc_raw3 {body} { return [raw_reply3 eval $body 0] }

start_server {tags {scripting}} {
    r null_value (nil)

    # ------------------------------------------------------- EVAL basics
    test {EVAL returns a constant} {
        assert_equal 42 [r eval {return 42} 0]
        assert_equal hello [r eval {return 'hello'} 0]
    }

    test {EVAL passes KEYS and ARGV, numkeys splits them} {
        assert_equal {k1 k2 a1 a2 2 2} \
            [r eval {return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}} 2 k1 k2 a1 a2]
        assert_equal {0 3} [r eval {return {#KEYS, #ARGV}} 0 a b c]
        assert_equal {3 0} [r eval {return {#KEYS, #ARGV}} 3 a b c]
    }

    test {EVAL arguments are binary safe} {
        set v "a\x00b\r\n\xff"
        assert_equal $v [r eval {return ARGV[1]} 0 $v]
        assert_equal 6 [r eval {return string.len(ARGV[1])} 0 $v]
    }

    test {EVAL numkeys errors: negative, too big, not a number} {
        assert_error_equal "ERR Number of keys can't be negative" {r eval {return 1} -1}
        assert_error_equal "ERR Number of keys can't be greater than number of args" \
            {r eval {return 1} 2 a}
        assert_error_equal "ERR value is not an integer or out of range" {r eval {return 1} x}
        assert_error_equal "ERR Number of keys can't be negative" {r evalsha [sc_sha1 {return 1}] -1}
    }

    test {EVAL wrong arity} {
        assert_arity_error eval {} {{return 1}}
        assert_arity_error evalsha {} {abc}
        assert_arity_error eval_ro {} {{return 1}}
        assert_arity_error evalsha_ro {} {abc}
    }

    test {EVAL reads and writes the keyspace through redis.call} {
        r del mykey
        assert_equal OK [r eval {return redis.call('set', KEYS[1], ARGV[1])} 1 mykey myval]
        assert_equal myval [r get mykey]
        assert_equal myval [r eval {return redis.call('get', KEYS[1])} 1 mykey]
    }

    test {redis.call turns Lua numbers into decimal strings} {
        r del n
        r eval {return redis.call('set', 'n', 10)} 0
        assert_equal 10 [r get n]
        r eval {return redis.call('set', 'n', 3.5)} 0
        assert_equal 3.5 [r get n]
        r eval {return redis.call('set', 'n', 2.0)} 0
        assert_equal 2 [r get n]
        r eval {return redis.call('set', 'n', -0.25)} 0
        assert_equal -0.25 [r get n]
        r set n 5
        assert_equal 14 [r eval {return redis.call('incrby', 'n', 9.0)} 0]
    }

    # --------------------------------------------- Lua -> RESP2 conversion
    test {Lua number -> integer reply, fractions truncated toward zero} {
        assert_equal ":3\r\n" [sc_raw2 {return 3.99}]
        assert_equal ":-3\r\n" [sc_raw2 {return -3.99}]
        assert_equal ":0\r\n" [sc_raw2 {return -0.5}]
        assert_equal ":9007199254740992\r\n" [sc_raw2 {return 2^53}]
        assert_equal "*2\r\n:1\r\n:2\r\n" [sc_raw2 {return {1.5, 2.9}}]
    }

    test {Lua string -> bulk reply, also numeric-looking strings} {
        assert_equal "\$3\r\n3.5\r\n" [sc_raw2 {return '3.5'}]
        assert_equal "\$3\r\n3.5\r\n" [sc_raw2 {return tostring(3.5)}]
        assert_equal "\$0\r\n\r\n" [sc_raw2 {return ''}]
    }

    test {Lua nil -> nil bulk reply (RESP2), null (RESP3)} {
        assert_equal "\$-1\r\n" [sc_raw2 {return nil}]
        assert_equal "\$-1\r\n" [sc_raw2 {return}]
        assert_equal "_\r\n" [sc_raw3 {return nil}]
    }

    test {Lua booleans -> :1 and nil in RESP2 without setresp(3)} {
        assert_equal ":1\r\n" [sc_raw2 {return true}]
        assert_equal "\$-1\r\n" [sc_raw2 {return false}]
        assert_equal ":1\r\n" [sc_raw3 {return true}]
        assert_equal "_\r\n" [sc_raw3 {return false}]
    }

    test {Lua booleans after redis.setresp(3): :1/:0 to RESP2, #t/#f to RESP3} {
        assert_equal ":1\r\n" [sc_raw2 {redis.setresp(3) return true}]
        assert_equal ":0\r\n" [sc_raw2 {redis.setresp(3) return false}]
        assert_equal "#t\r\n" [sc_raw3 {redis.setresp(3) return true}]
        assert_equal "#f\r\n" [sc_raw3 {redis.setresp(3) return false}]
    }

    test {Lua array -> multi-bulk, stopping at the first nil} {
        assert_equal "*2\r\n:1\r\n:2\r\n" [sc_raw2 {return {1, 2, nil, 4}}]
        assert_equal "*0\r\n" [sc_raw2 {return {nil, 2}}]
        assert_equal "*0\r\n" [sc_raw2 {return {}}]
        assert_equal "*5\r\n:1\r\n:1\r\n\$-1\r\n\$1\r\nx\r\n:2\r\n" \
            [sc_raw2 {return {1, true, false, 'x', 2.7}}]
        assert_equal "*5\r\n:1\r\n#t\r\n#f\r\n\$1\r\nx\r\n:2\r\n" \
            [sc_raw3 {redis.setresp(3) return {1, true, false, 'x', 2.7}}]
    }

    test {Lua table with only string keys -> empty multi-bulk} {
        assert_equal "*0\r\n" [sc_raw2 {return {a = 1}}]
        assert_equal "*0\r\n" [sc_raw2 {return {err = 5}}]
        assert_equal "*0\r\n" [sc_raw2 {return {ok = 5}}]
    }

    test {Nested Lua arrays -> nested multi-bulk} {
        assert_equal "*3\r\n:1\r\n*2\r\n:2\r\n*1\r\n:3\r\n\$1\r\nx\r\n" \
            [sc_raw2 {return {1, {2, {3}}, 'x'}}]
        assert_equal {1 {2 3} x} [r eval {return {1, {2, {3}}, 'x'}} 0]
    }

    test {{ok=...} and redis.status_reply -> status reply} {
        assert_equal "+fine\r\n" [sc_raw2 {return {ok = 'fine'}}]
        assert_equal "+ok\r\n" [sc_raw2 {return redis.status_reply('ok')}]
        assert_equal "+\r\n" [sc_raw2 {return redis.status_reply('')}]
        assert_equal "+\r\n" [sc_raw2 {return {ok = ''}}]
    }

    test {{err=...} -> error reply, taken verbatim} {
        assert_equal "-My Error\r\n" [sc_raw2 {return {err = 'My Error'}}]
        assert_equal "-x\r\n" [sc_raw2 {return {err = 'x'}}]
        assert_equal "--ERR something\r\n" [sc_raw2 {return {err = '-ERR something'}}]
        assert_error_equal "My Error" {r eval {return {err = 'My Error'}} 0}
    }

    test {redis.error_reply -> error reply, ERR added to a single word} {
        assert_equal "-ERR x\r\n" [sc_raw2 {return redis.error_reply('x')}]
        assert_equal "-x y\r\n" [sc_raw2 {return redis.error_reply('x y')}]
        assert_equal "-x y\r\n" [sc_raw2 {return redis.error_reply('-x y')}]
        assert_equal "-MYCODE x\r\n" [sc_raw2 {return redis.error_reply('MYCODE x')}]
        assert_equal "-ERR \r\n" [sc_raw2 {return redis.error_reply('')}]
    }

    test {redis.error_reply and redis.status_reply build tables} {
        assert_equal {table {MYCODE x}} \
            [r eval {local t = redis.error_reply('MYCODE x') return {type(t), t.err}} 0]
        assert_equal {table fine} \
            [r eval {local t = redis.status_reply('fine') return {type(t), t.ok}} 0]
    }

    test {redis.error_reply / status_reply argument errors} {
        assert_error_equal "ERR wrong number or type of arguments" \
            {r eval {return redis.error_reply()} 0}
        assert_error_equal "ERR wrong number or type of arguments" \
            {r eval {return redis.status_reply()} 0}
    }

    test {Status and error replies nested in an array} {
        assert_equal "*3\r\n:1\r\n-inner\r\n:3\r\n" [sc_raw2 {return {1, {err = 'inner'}, 3}}]
        assert_equal "*3\r\n:1\r\n+inner\r\n:3\r\n" [sc_raw2 {return {1, {ok = 'inner'}, 3}}]
    }

    # ------------------------------------- Lua -> RESP3 special tables
    test {{map=...} -> RESP3 map, flat array in RESP2} {
        assert_equal "%1\r\n\$1\r\na\r\n:1\r\n" [sc_raw3 {return {map = {a = 1}}}]
        assert_equal "%1\r\n\$1\r\na\r\n:1\r\n" [sc_raw3 {redis.setresp(3) return {map = {a = 1}}}]
        assert_equal "*2\r\n\$1\r\na\r\n:1\r\n" [sc_raw2 {return {map = {a = 1}}}]
        assert_equal "%0\r\n" [sc_raw3 {return {map = {}}}]
        assert_equal "%1\r\n\$1\r\na\r\n*2\r\n:1\r\n:2\r\n" [sc_raw3 {return {map = {a = {1, 2}}}}]
    }

    test {{set=...} -> RESP3 set of the keys, array in RESP2} {
        assert_equal "~1\r\n\$1\r\na\r\n" [sc_raw3 {return {set = {a = true}}}]
        assert_equal "*1\r\n\$1\r\na\r\n" [sc_raw2 {return {set = {a = true}}}]
        assert_equal "~0\r\n" [sc_raw3 {return {set = {}}}]
        # The values do not matter, only the keys.
        assert_equal 2 [llength [r eval {return {set = {a = true, b = false}}} 0]]
    }

    test {{double=...} -> RESP3 double, bulk string in RESP2} {
        assert_equal ",3.5\r\n" [sc_raw3 {return {double = 3.5}}]
        assert_equal ",3\r\n" [sc_raw3 {return {double = 3}}]
        assert_equal ",inf\r\n" [sc_raw3 {return {double = 1/0}}]
        assert_equal ",-inf\r\n" [sc_raw3 {return {double = -1/0}}]
        assert_equal "\$3\r\n3.5\r\n" [sc_raw2 {return {double = 3.5}}]
        # A double that is not a number is not a special table.
        assert_equal "*0\r\n" [sc_raw3 {return {double = 'x'}}]
    }

    test {{big_number=...} -> RESP3 big number, bulk string in RESP2} {
        assert_equal "(123456789012345678901234567890\r\n" \
            [sc_raw3 {return {big_number = '123456789012345678901234567890'}}]
        assert_equal "\$30\r\n123456789012345678901234567890\r\n" \
            [sc_raw2 {return {big_number = '123456789012345678901234567890'}}]
        assert_equal "*0\r\n" [sc_raw3 {return {big_number = 123}}]
    }

    test {{verbatim_string=...} -> RESP3 verbatim, bulk string in RESP2} {
        assert_equal "=8\r\nmkd:# hi\r\n" \
            [sc_raw3 {return {verbatim_string = {format = 'mkd', string = '# hi'}}}]
        assert_equal "\$4\r\n# hi\r\n" \
            [sc_raw2 {return {verbatim_string = {format = 'mkd', string = '# hi'}}}]
    }

    # --------------------------------------------- RESP2 -> Lua conversion
    test {RESP2 integer -> Lua number} {
        r set cnt 12
        assert_equal {number 13} [r eval {local v = redis.call('incr', 'cnt') return {type(v), v}} 0]
    }

    test {RESP2 bulk -> Lua string} {
        r set cnt 12
        assert_equal {string 12} [r eval {local v = redis.call('get', 'cnt') return {type(v), v}} 0]
    }

    test {RESP2 nil bulk -> Lua false} {
        r del nokey
        assert_equal {boolean false} \
            [r eval {local v = redis.call('get', 'nokey') return {type(v), tostring(v)}} 0]
    }

    test {RESP2 status -> table with ok} {
        assert_equal {table OK} [r eval {local v = redis.call('set', 'x', 'y') return {type(v), v.ok}} 0]
        assert_equal {table PONG} [r eval {local v = redis.call('ping') return {type(v), v.ok}} 0]
    }

    test {RESP2 multi-bulk -> Lua array, empty array -> empty table} {
        r del l
        r rpush l a b c
        assert_equal {table 3 a c} \
            [r eval {local v = redis.call('lrange', 'l', 0, -1) return {type(v), #v, v[1], v[3]}} 0]
        assert_equal {table 0} \
            [r eval {local v = redis.call('lrange', 'nolist', 0, -1) return {type(v), #v}} 0]
    }

    test {RESP2 map reply (HGETALL) -> flat Lua array} {
        r del h
        r hset h f v
        assert_equal {table 2 f v} \
            [r eval {local v = redis.call('hgetall', 'h') return {type(v), #v, v[1], v[2]}} 0]
    }

    test {RESP2 error -> pcall returns a table with err} {
        r set str abc
        assert_equal {table {ERR value is not an integer or out of range}} \
            [r eval {local v = redis.pcall('incr', 'str') return {type(v), v.err}} 0]
        assert_error_equal "ERR value is not an integer or out of range" \
            {r eval {return redis.pcall('incr', 'str')} 0}
    }

    test {A value goes through Lua and back unchanged} {
        r del l
        r rpush l 1 two 3.5 ""
        assert_equal "*4\r\n\$1\r\n1\r\n\$3\r\ntwo\r\n\$3\r\n3.5\r\n\$0\r\n\r\n" \
            [sc_raw2 {return redis.call('lrange', 'l', 0, -1)}]
    }

    # --------------------------------------------- RESP3 -> Lua conversion
    test {redis.setresp(3): map reply -> table with map} {
        r del h
        r hset h f v
        assert_equal {table table v} \
            [r eval {redis.setresp(3) local v = redis.call('hgetall', 'h') return {type(v), type(v.map), v.map.f}} 0]
        # Returned as is: a map to RESP3 callers, a flat array to RESP2 ones.
        assert_equal "%1\r\n\$1\r\nf\r\n\$1\r\nv\r\n" \
            [sc_raw3 {redis.setresp(3) return redis.call('hgetall', 'h')}]
        assert_equal "*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" \
            [sc_raw2 {redis.setresp(3) return redis.call('hgetall', 'h')}]
    }

    test {redis.setresp(3): set reply -> table with set of true values} {
        r del s
        r sadd s m
        assert_equal {table true} \
            [r eval {redis.setresp(3) local v = redis.call('smembers', 's') return {type(v.set), tostring(v.set.m)}} 0]
        assert_equal "~1\r\n\$1\r\nm\r\n" [sc_raw3 {redis.setresp(3) return redis.call('smembers', 's')}]
        assert_equal "*1\r\n\$1\r\nm\r\n" [sc_raw2 {redis.setresp(3) return redis.call('smembers', 's')}]
    }

    test {redis.setresp(3): null reply -> Lua nil} {
        r del nokey
        assert_equal nil [r eval {redis.setresp(3) local v = redis.call('get', 'nokey') return type(v)} 0]
    }

    test {redis.setresp(3): verbatim reply (INFO) -> table with verbatim_string} {
        assert_equal {table table txt {# Server}} [r eval {
            redis.setresp(3)
            local v = redis.call('info', 'server')
            return {type(v), type(v.verbatim_string), v.verbatim_string.format,
                    string.sub(v.verbatim_string.string, 1, 8)}
        } 0]
        assert_equal {string {# Server}} \
            [r eval {local v = redis.call('info', 'server') return {type(v), string.sub(v, 1, 8)}} 0]
        assert_match "=*\r\ntxt:# Server\r\n*" [sc_raw3 {redis.setresp(3) return redis.call('info', 'server')}]
    }

    test {redis.setresp(3): status, integer, bulk and array keep their Lua forms} {
        r set cnt 5
        assert_equal {OK number string table} [r eval {
            redis.setresp(3)
            local s = redis.call('set', 'x', 'y')
            local i = redis.call('incr', 'cnt')
            local b = redis.call('get', 'cnt')
            local a = redis.call('lrange', 'l', 0, -1)
            return {s.ok, type(i), type(b), type(a)}
        } 0]
    }

    test {redis.setresp argument errors} {
        sc_assert_eval_error "ERR RESP version must be 2 or 3." {return redis.setresp(4)}
        sc_assert_eval_error "ERR RESP version must be 2 or 3." {return redis.setresp('x')}
        sc_assert_eval_error "ERR redis.setresp() requires one argument." {return redis.setresp()}
    }

    test {redis.setresp(2) after setresp(3) goes back to RESP2 forms} {
        r del nokey
        assert_equal {boolean false} [r eval {
            redis.setresp(3)
            redis.setresp(2)
            local v = redis.call('get', 'nokey')
            return {type(v), tostring(v)}
        } 0]
    }

    test {setresp does not outlive its script} {
        r del nokey
        r eval {redis.setresp(3) return 1} 0
        assert_equal boolean [r eval {return type(redis.call('get', 'nokey'))} 0]
    }
}
