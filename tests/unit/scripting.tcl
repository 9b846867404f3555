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
    set fd [open "|sha1sum" r+]
    fconfigure $fd -translation binary
    puts -nonewline $fd $body
    close $fd write
    set out [read $fd]
    close $fd
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
        # %.17g: every digit a double holds.
        assert_equal 0.10000000000000001 [r eval {return redis.call('echo', 0.1)} 0]
        assert_equal 0.33333333333333331 [r eval {return redis.call('echo', 1/3)} 0]
        assert_equal 1e+20 [r eval {return redis.call('echo', 1e20)} 0]
        assert_equal 123456789012 [r eval {return redis.call('echo', 123456789012)} 0]
        assert_equal -0 [r eval {return redis.call('echo', -0.0)} 0]
        # A string holding a number is passed untouched.
        assert_equal 1.23456789012345678 [r eval {return redis.call('echo', ARGV[1])} 0 1.23456789012345678]
    }

    test {Commands that rewrite their arguments work from scripts} {
        r del sp ex fl
        r sadd sp a
        assert_equal a [r eval {return redis.call('spop', 'sp')} 0]
        assert_equal 1 [r eval {redis.call('set', 'ex', 1) return redis.call('expire', 'ex', 100)} 0]
        assert_range [r ttl ex] 1 100
        assert_equal 1 [r eval {return redis.call('getex', 'ex', 'persist')} 0]
        assert_equal -1 [r ttl ex]
        assert_equal 0.10000000000000001 [r eval {return redis.call('incrbyfloat', 'fl', 0.1)} 0]
    }

    test {redis.call with thousands of arguments} {
        r flushdb
        assert_equal OK [r eval {
            local args = {'mset'}
            for i = 1, 7998, 2 do args[i + 1] = 'k' .. i args[i + 2] = 'v' .. i end
            return redis.call(unpack(args))
        } 0]
        assert_equal 3999 [r dbsize]
        assert_equal v7997 [r get k7997]
        sc_assert_eval_error "ERR user_script:1: too many results to unpack" \
            {local t = {} for i = 1, 8000 do t[i] = 'x' end return #{unpack(t)}}
    }

    test {A script may end with a comment} {
        assert_equal 1 [r eval {return 1 -- trailing comment} 0]
    }

    test {Returning _G or a table with a metatable} {
        assert_equal "*0\r\n" [sc_raw2 {return _G}]
        # The conversion reads the table raw: __index is never called.
        assert_equal "*0\r\n" [sc_raw2 {local t = {} setmetatable(t, {__index = function() error('meta') end}) return t}]
        assert_equal "*2\r\n:1\r\n:2\r\n" \
            [sc_raw2 {local t = {1, 2} setmetatable(t, {__index = function() return redis.call('ping') end}) return t}]
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
        # Without its format or its string it is not a special table.
        assert_equal "*0\r\n" [sc_raw3 {return {verbatim_string = {format = 'txt'}}}]
        assert_equal "*0\r\n" [sc_raw3 {return {verbatim_string = {string = 'x'}}}]
        assert_equal "*0\r\n" [sc_raw3 {return {verbatim_string = 'x'}}]
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

    # ------------------------------------------------- errors from scripts
    test {Unknown command called from a script} {
        sc_assert_eval_error "ERR Unknown Redis command called from script" \
            {return redis.call('nosuchcmd')}
        sc_assert_eval_error "ERR Unknown Redis command called from script" \
            {return redis.call(1)}
    }

    test {Wrong arity called from a script} {
        sc_assert_eval_error "ERR Wrong number of args calling Redis command from script" \
            {return redis.call('get')}
        sc_assert_eval_error "ERR Wrong number of args calling Redis command from script" \
            {return redis.call('set', 'a')}
    }

    test {redis.call without arguments or with bad argument types} {
        sc_assert_eval_error "ERR Please specify at least one argument for this redis lib call" \
            {return redis.call()}
        sc_assert_eval_error "ERR Lua redis lib command arguments must be strings or integers" \
            {return redis.call({})}
        sc_assert_eval_error "ERR Lua redis lib command arguments must be strings or integers" \
            {return redis.call('set', 'x', {})}
        sc_assert_eval_error "ERR Lua redis lib command arguments must be strings or integers" \
            {return redis.call('set', 'x', nil)}
    }

    test {Commands flagged noscript are refused from a script} {
        foreach cmd {
            {'eval', 'return 1', 0}
            {'evalsha', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 0}
            {'script', 'load', 'return 1'}
            {'multi'}
            {'exec'}
            {'watch', 'k'}
            {'subscribe', 'ch'}
            {'client', 'list'}
            {'config', 'get', 'maxmemory'}
            {'hello', '3'}
            {'debug', 'sleep', '0'}
            {'blpop', 'l', '0'}
            {'monitor'}
            {'cluster', 'reset'}
        } {
            sc_assert_eval_error "ERR This Redis command is not allowed from script" \
                "return redis.call($cmd)"
        }
    }

    test {A command error from redis.call aborts the script with the location} {
        r set str abc
        sc_assert_eval_error "ERR value is not an integer or out of range" \
            {return redis.call('incr', 'str')}
        r del lkey
        r rpush lkey a
        sc_assert_eval_error "WRONGTYPE Operation against a key holding the wrong kind of value" \
            {return redis.call('get', 'lkey')}
        # The line is the one of the failing call.
        set body "local a = 1\nlocal b = 2\nreturn redis.call('incr', 'str')"
        sc_assert_eval_error "ERR value is not an integer or out of range" $body 3
    }

    test {redis.call error stops the script: later writes do not happen} {
        r del after str
        r set str abc
        catch {r eval {redis.call('incr', 'str') redis.call('set', 'after', 1)} 0}
        assert_equal 0 [r exists after]
        # Writes done before the error stay (no rollback).
        catch {r eval {redis.call('set', 'before', 1) redis.call('incr', 'str')} 0}
        assert_equal 1 [r get before]
    }

    test {redis.pcall returns the error as a table, the script goes on} {
        r set str abc
        assert_equal {table {ERR Unknown Redis command called from script}} \
            [r eval {local t = redis.pcall('nosuchcmd') return {type(t), t.err}} 0]
        assert_equal {table {ERR value is not an integer or out of range} next} \
            [r eval {local t = redis.pcall('incr', 'str') return {type(t), t.err, 'next'}} 0]
        assert_equal {ERR Wrong number of args calling Redis command from script} \
            [r eval {return redis.pcall('get').err} 0]
        assert_equal {ERR This Redis command is not allowed from script} \
            [r eval {return redis.pcall('eval', 'return 1', 0).err} 0]
    }

    test {redis.pcall error returned as is: error reply without the location} {
        assert_equal "-ERR Unknown Redis command called from script\r\n" \
            [sc_raw2 {return redis.pcall('nosuchcmd')}]
        r set str abc
        assert_equal "-ERR value is not an integer or out of range\r\n" \
            [sc_raw2 {return redis.pcall('incr', 'str')}]
    }

    test {Script compile errors} {
        assert_error_equal \
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'" \
            {r eval {return (} 0}
        assert_error_equal \
            "ERR Error compiling script (new function): user_script:2: '=' expected near 'y'" \
            {r eval "local x = 1\nx y" 0}
    }

    test {Runtime errors carry the script sha and line} {
        sc_assert_eval_error "ERR user_script:1: boom" {error('boom')}
        sc_assert_eval_error "ERR user_script:2: boom" "local x = 1\nerror('boom')" 2
        sc_assert_eval_error "ERR user_script:1: attempt to call field 'f' (a nil value)" \
            {local t = {} t.f()}
        sc_assert_eval_error "ERR user_script:1: attempt to perform arithmetic on field 'x' (a nil value)" \
            {local t = {} return t.x + 1}
    }

    test {error() with a number or nil} {
        sc_assert_eval_error "ERR user_script:1: 123" {error(123)}
        sc_assert_eval_error "ERR nil" {error(nil)}
    }

    test {error() with a table raises that error reply} {
        sc_assert_eval_error "My table error" {error({err = 'My table error'})}
        sc_assert_eval_error "-MYCODE table error" {error({err = '-MYCODE table error'})}
        sc_assert_eval_error "MYCODE x" {error(redis.error_reply('MYCODE x'))}
    }

    test {Lua pcall catches errors, including redis.call's} {
        assert_equal {(nil) {user_script:1: x}} [r eval {return {pcall(function() error('x') end)}} 0]
        r set str abc
        # Lua's pcall sees the error message as a string.
        assert_equal {0 string {ERR value is not an integer or out of range}} [r eval {
            local ok, e = pcall(function() return redis.call('incr', 'str') end)
            return {ok and 1 or 0, type(e), e}
        } 0]
        assert_equal {0 string} [r eval {
            local ok, e = pcall(redis.call, 'incr', 'str')
            return {ok and 1 or 0, type(e)}
        } 0]
    }

    test {NOSCRIPT for an unknown sha} {
        assert_error_equal "NOSCRIPT No matching script. Please use EVAL." \
            {r evalsha ffffffffffffffffffffffffffffffffffffffff 0}
        assert_error_equal "NOSCRIPT No matching script. Please use EVAL." {r evalsha abc 0}
        assert_error_equal "NOSCRIPT No matching script. Please use EVAL." \
            {r evalsha_ro ffffffffffffffffffffffffffffffffffffffff 0}
    }

    # ------------------------------------------------------------ sandbox
    test {Reading an undeclared global is an error} {
        sc_assert_eval_error \
            "ERR user_script:1: Script attempted to access nonexistent global variable 'a'" \
            {return a}
    }

    test {Writing a global is an error} {
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" {a = 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {function f() return 1 end}
        sc_assert_eval_error "ERR Attempt to modify a readonly table" {rawset(_G, 'x', 1) return 1}
    }

    test {setmetatable(_G) is refused} {
        sc_assert_eval_error "ERR Attempt to modify a readonly table" {setmetatable(_G, {})}
    }

    test {Library tables are read-only, rawset included} {
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {redis.call = nil return 1}
        sc_assert_eval_error "ERR Attempt to modify a readonly table" {rawset(redis, 'x', 1) return 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {cjson.encode = nil return 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {string.len = nil return 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {getmetatable('').__index = {} return 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {math.x = 1 return 1}
        sc_assert_eval_error "ERR user_script:1: Attempt to modify a readonly table" \
            {table.insert = nil return 1}
    }

    test {Local variables and local functions are allowed} {
        assert_equal 6 [r eval {local function f(x) return x * 2 end local y = 3 return f(y)} 0]
    }

    test {A script cannot leave state for the next one} {
        catch {r eval {x = 1} 0}
        sc_assert_eval_error \
            "ERR user_script:1: Script attempted to access nonexistent global variable 'x'" \
            {return x}
    }

    test {os, io, loadfile, dofile, print, require, debug, package are absent} {
        foreach name {os io loadfile dofile print require module debug package newproxy getfenv} {
            sc_assert_eval_error \
                "ERR user_script:1: Script attempted to access nonexistent global variable '$name'" \
                "return $name"
        }
    }

    test {The standard helpers scripts use are present} {
        foreach name {table string math bit cjson struct cmsgpack coroutine redis} {
            assert_equal table [r eval "return type($name)" 0] $name
        }
        foreach name {pcall xpcall error assert type tostring tonumber pairs ipairs
                      next select unpack loadstring rawget rawset rawequal
                      setmetatable getmetatable gcinfo collectgarbage} {
            assert_equal function [r eval "return type($name)" 0] $name
        }
    }

    test {Exactly these globals and redis.* names exist} {
        set names {local t = {} for k, v in pairs(%s) do t[#t + 1] = k end table.sort(t) return t}
        assert_equal [join {ARGV KEYS _G _VERSION __redis__err__handler assert bit cjson cmsgpack
            collectgarbage coroutine error gcinfo getmetatable ipairs load loadstring math
            next pairs pcall rawequal rawget rawset redis select setmetatable string struct
            table tonumber tostring type unpack xpcall}] [r eval [format $names _G] 0]
        assert_equal [join {LOG_DEBUG LOG_NOTICE LOG_VERBOSE LOG_WARNING REDIS_VERSION
            REDIS_VERSION_NUM REPL_ALL REPL_AOF REPL_NONE REPL_REPLICA REPL_SLAVE
            acl_check_cmd breakpoint call debug error_reply log pcall replicate_commands
            set_repl setresp sha1hex status_reply}] [r eval [format $names redis] 0]
        assert_equal {Lua 5.1} [r eval {return _VERSION} 0]
    }

    test {loadstring compiles a chunk} {
        assert_equal 5 [r eval {return loadstring('return 5')()} 0]
    }

    # ----------------------------------------------- EVALSHA and SCRIPT
    test {SCRIPT LOAD returns the sha1 of the body} {
        set body {return 'loaded'}
        assert_equal [sc_sha1 $body] [r script load $body]
        assert_equal e0e1f9fabfc9d4800c877a703b823ac0578ff8db [r script load {return 1}]
    }

    test {EVALSHA runs a loaded script, with KEYS and ARGV} {
        set sha [r script load {return {KEYS[1], ARGV[1]}}]
        assert_equal {k a} [r evalsha $sha 1 k a]
        # Upper-case sha is accepted.
        assert_equal {k a} [r evalsha [string toupper $sha] 1 k a]
    }

    test {EVAL caches the script for EVALSHA} {
        r script flush
        set body {return 'cached by eval'}
        assert_equal {0} [r script exists [sc_sha1 $body]]
        r eval $body 0
        assert_equal {1} [r script exists [sc_sha1 $body]]
        assert_equal {cached by eval} [r evalsha [sc_sha1 $body] 0]
    }

    test {A script that does not compile is not cached} {
        r script flush
        catch {r eval {return (} 0}
        assert_equal {0} [r script exists [sc_sha1 {return (}]]
        assert_error "ERR Error compiling script*" {r script load {return (}}
    }

    test {SCRIPT EXISTS with several shas} {
        r script flush
        set a [r script load {return 'a'}]
        set b [r script load {return 'b'}]
        assert_equal {1 0 1 0} [r script exists $a ffffffffffffffffffffffffffffffffffffffff $b x]
        assert_equal {1} [r script exists [string toupper $a]]
        assert_equal "*2\r\n:1\r\n:0\r\n" [raw_reply script exists $a nope]
    }

    test {SCRIPT FLUSH, FLUSH SYNC and FLUSH ASYNC empty the cache} {
        foreach mode {{} sync async SYNC ASYNC} {
            set sha [r script load {return 'to flush'}]
            assert_equal OK [r script flush {*}$mode]
            assert_equal {0} [r script exists $sha] "mode $mode"
            assert_error_equal "NOSCRIPT No matching script. Please use EVAL." {r evalsha $sha 0}
        }
    }

    test {SCRIPT subcommand errors} {
        assert_error_equal "ERR SCRIPT FLUSH only support SYNC|ASYNC option" {r script flush bad}
        assert_error_equal "ERR SCRIPT FLUSH only support SYNC|ASYNC option" {r script flush sync sync}
        assert_error_equal "ERR wrong number of arguments for 'script|exists' command" {r script exists}
        assert_error_equal "ERR wrong number of arguments for 'script|load' command" {r script load}
        assert_error_equal "ERR wrong number of arguments for 'script|load' command" {r script load a b}
        assert_error_equal "ERR unknown subcommand 'foo'. Try SCRIPT HELP." {r script foo}
        assert_error_equal "ERR wrong number of arguments for 'script' command" {r script}
        assert_error_equal "NOTBUSY No scripts in execution right now." {r script kill}
    }

    # The Lua debugger (SCRIPT DEBUG YES|SYNC, redis-cli --ldb) is not part
    # of redis-kv (README, "Scripting"): SCRIPT DEBUG is not in the command
    # table, so a client asking for it hears so at once.  Redis 7.0.15
    # answers OK to SCRIPT DEBUG NO.
    test {SCRIPT DEBUG is not there: no Lua debugger} {
        if {![string match "*redis_kv_version:*" [r info server]]} {
            skip "redis-kv only: Redis has the debugger"
        }
        assert_error "ERR unknown subcommand 'debug'*" {r script debug no}
    }

    test {SCRIPT HELP} {
        set help [r script help]
        assert_match "SCRIPT <subcommand> *" [lindex $help 0]
        foreach sub {EXISTS FLUSH KILL LOAD} {
            assert_match "*$sub*" $help
        }
    }

    # -------------------------------------------------- EVAL_RO, EVALSHA_RO
    test {EVAL_RO runs read-only scripts} {
        r set rokey v
        assert_equal v [r eval_ro {return redis.call('get', KEYS[1])} 1 rokey]
        set sha [r script load {return redis.call('get', KEYS[1])}]
        assert_equal v [r evalsha_ro $sha 1 rokey]
    }

    test {EVAL_RO and EVALSHA_RO refuse writes} {
        set body {return redis.call('set', 'rokey', 'x')}
        assert_error_equal [sc_err "ERR Write commands are not allowed from read-only scripts." $body] \
            {r eval_ro $body 0}
        set sha [r script load $body]
        assert_error_equal [sc_err "ERR Write commands are not allowed from read-only scripts." $body] \
            {r evalsha_ro $sha 0}
        assert_equal v [r get rokey]
        # pcall sees the same error as a table.
        assert_equal "ERR Write commands are not allowed from read-only scripts." \
            [r eval_ro {return redis.pcall('set', 'rokey', 'x').err} 0]
    }

    # ------------------------------------------------------ shebang flags
    test {A #!lua shebang without flags behaves like a plain script} {
        assert_equal 1 [r eval "#!lua\nreturn 1" 0]
        assert_equal 1 [r eval "#!lua flags=\nreturn 1" 0]
        r del sb
        assert_equal OK [r eval "#!lua\nreturn redis.call('set', 'sb', 1)" 0]
    }

    test {Every known flag is accepted} {
        assert_equal 1 [r eval "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1" 0]
    }

    test {flags=no-writes refuses writes, allows reads} {
        r set sb v
        assert_equal v [r eval "#!lua flags=no-writes\nreturn redis.call('get', 'sb')" 0]
        set body "#!lua flags=no-writes\nreturn redis.call('set', 'sb', 'x')"
        assert_error_equal [sc_err "ERR Write commands are not allowed from read-only scripts." $body 2] \
            {r eval $body 0}
        assert_equal v [r get sb]
    }

    test {EVAL_RO of a shebang script without no-writes is refused at once} {
        assert_error_equal "ERR Can not execute a script with write flag using *_ro command." \
            {r eval_ro "#!lua\nreturn 1" 0}
        assert_equal 1 [r eval_ro "#!lua flags=no-writes\nreturn 1" 0]
    }

    test {Shebang errors: unknown flag, unknown option, unknown engine} {
        assert_error_equal "ERR Unexpected flag in script shebang: bad-flag" \
            {r eval "#!lua flags=bad-flag\nreturn 1" 0}
        assert_error_equal "ERR Unexpected flag in script shebang: bad-flag" \
            {r eval "#!lua flags=no-writes,bad-flag\nreturn 1" 0}
        assert_error_equal "ERR Unknown lua shebang option: name=foo" \
            {r eval "#!lua name=foo\nreturn 1" 0}
        assert_error_equal "ERR Unexpected engine in script shebang: #!nolua" \
            {r eval "#!nolua\nreturn 1" 0}
        assert_error_equal "ERR Unexpected engine in script shebang: #!" \
            {r eval "#! lua\nreturn 1" 0}
        assert_error "ERR Unexpected flag in script shebang: bad-flag" \
            {r script load "#!lua flags=bad-flag\nreturn 1"}
    }

    test {A shebang script's lines count from the shebang line} {
        set body "#!lua\nerror('here')"
        sc_assert_eval_error "ERR user_script:2: here" $body 2
    }

    # ------------------------------------------------- the redis.* helpers
    test {redis.sha1hex} {
        assert_equal da39a3ee5e6b4b0d3255bfef95601890afd80709 [r eval {return redis.sha1hex('')} 0]
        assert_equal [sc_sha1 "hello"] [r eval {return redis.sha1hex('hello')} 0]
        assert_equal 356a192b7913b04c54574d18c28d46e6395428ab [r eval {return redis.sha1hex(1)} 0]
        sc_assert_eval_error "ERR wrong number of arguments" {return redis.sha1hex()}
    }

    test {redis.REDIS_VERSION and REDIS_VERSION_NUM match INFO} {
        set v [server_info_field r redis_version]
        assert_equal $v [r eval {return redis.REDIS_VERSION} 0]
        lassign [split $v .] maj min pat
        assert_equal [expr {($maj << 16) | ($min << 8) | $pat}] \
            [r eval {return redis.REDIS_VERSION_NUM} 0]
    }

    test {redis.log accepts every level} {
        assert_equal {0 1 2 3} \
            [r eval {return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}} 0]
        foreach lvl {LOG_DEBUG LOG_VERBOSE LOG_NOTICE LOG_WARNING} {
            assert_equal 1 [r eval "redis.log(redis.$lvl, 'scripting test log line', 2, 'more') return 1" 0]
        }
    }

    test {redis.log errors} {
        sc_assert_eval_error "ERR Invalid debug level." {redis.log(99, 'hello') return 1}
        sc_assert_eval_error "ERR Invalid debug level." {redis.log(-1, 'hello') return 1}
        sc_assert_eval_error "ERR redis.log() requires two arguments or more." {redis.log(1) return 1}
    }

    test {redis.set_repl and redis.replicate_commands are accepted} {
        assert_equal {0 1 2 2 3} \
            [r eval {return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}} 0]
        assert_equal "\$-1\r\n" [sc_raw2 {return redis.set_repl(redis.REPL_ALL)}]
        assert_equal "\$-1\r\n" [sc_raw2 {return redis.set_repl(redis.REPL_NONE)}]
        assert_equal ":1\r\n" [sc_raw2 {return redis.replicate_commands()}]
        r del sr
        r eval {redis.set_repl(redis.REPL_NONE) redis.call('set', 'sr', 1)} 0
        assert_equal 1 [r get sr]
    }

    test {redis.set_repl errors} {
        sc_assert_eval_error \
            "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE." \
            {return redis.set_repl(99)}
        sc_assert_eval_error "ERR redis.set_repl() requires two arguments." {return redis.set_repl()}
    }

    test {redis.acl_check_cmd} {
        assert_equal 1 [r eval {return redis.acl_check_cmd('get', 'x')} 0]
        assert_equal 1 [r eval {return redis.acl_check_cmd('set')} 0]
        sc_assert_eval_error "ERR Invalid command passed to redis.acl_check_cmd()" \
            {return redis.acl_check_cmd('nosuch')}
        sc_assert_eval_error "ERR Please specify at least one argument for this redis lib call" \
            {return redis.acl_check_cmd()}
    }

    test {redis.breakpoint and redis.debug do nothing outside the debugger} {
        assert_equal "\$-1\r\n" [sc_raw2 {return redis.breakpoint()}]
        assert_equal "\$-1\r\n" [sc_raw2 {return redis.debug('x')}]
    }

    test {math.random gives numbers in the asked range} {
        set v [r eval {return tostring(math.random())} 0]
        assert_range $v 0 1
        foreach n [r eval {local t = {} for i = 1, 20 do t[i] = math.random(5) end return t} 0] {
            assert_range $n 1 5
        }
    }

    # ---------------------------------------------------------- libraries
    test {cjson encodes and decodes} {
        assert_equal {{"a":1}} [r eval {return cjson.encode({a = 1})} 0]
        assert_equal {[1,"x",true]} [r eval {return cjson.encode({1, 'x', true})} 0]
        assert_equal {1 2 true} [r eval {
            local t = cjson.decode('{"a":[1,2,{"b":null}]}')
            return {t.a[1], t.a[2], tostring(t.a[3].b == cjson.null)}
        } 0]
        sc_assert_eval_error \
            "ERR user_script:1: Expected comma or array end but found T_END at character 5" \
            {return cjson.decode('[1,2')}
    }

    test {bit operations} {
        assert_equal {15 3 2 16 16 -1 000000ff} [r eval {
            return {bit.band(0xff, 0x0f), bit.bor(1, 2), bit.bxor(3, 1), bit.lshift(1, 4),
                    bit.rshift(256, 4), bit.bnot(0), bit.tohex(255)}
        } 0]
    }

    test {struct packs and unpacks} {
        assert_equal "\x01\x02" [r eval {return struct.pack('>I2', 258)} 0]
        assert_equal 4 [r eval {return struct.size('>I4')} 0]
        assert_equal {258 3} [r eval {return {struct.unpack('>I2', ARGV[1])}} 0 "\x01\x02"]
    }

    test {cmsgpack packs and unpacks} {
        assert_equal "\x93\x01\x02\x03" [r eval {return cmsgpack.pack({1, 2, 3})} 0]
        assert_equal {a 5} [r eval {return {cmsgpack.unpack(cmsgpack.pack('a', 5))}} 0]
        assert_equal {{"a":[1,2]}} \
            [r eval {return cjson.encode(cmsgpack.unpack(cmsgpack.pack({a = {1, 2}})))} 0]
    }

    # ------------------------------------------------------------- SELECT
    test {A script sees the caller's database} {
        r select 9
        r set dbkey in9
        assert_equal in9 [r eval {return redis.call('get', 'dbkey')} 0]
        r select 0
        r del dbkey
        assert_equal (nil) [r eval {return redis.call('get', 'dbkey')} 0]
    }

    test {SELECT inside a script does not change the caller's database} {
        r select 9
        r del dbkey
        r select 10
        r del dbkey
        r select 9
        assert_equal in10 [r eval {redis.call('select', 10) redis.call('set', 'dbkey', 'in10') return redis.call('get', 'dbkey')} 0]
        # Still in 9 after the script.
        assert_equal 0 [r exists dbkey]
        r select 10
        assert_equal in10 [r get dbkey]
        # The next script starts in the caller's database again.
        r select 9
        assert_equal 0 [r eval {return redis.call('exists', 'dbkey')} 0]
        r select 0
    }

    test {SELECT inside a script with a bad index} {
        assert_equal "ERR DB index is out of range" [r eval {return redis.pcall('select', 9999).err} 0]
    }

    # --------------------------------------------------------- atomicity
    test {EVAL inside MULTI/EXEC} {
        r del mx
        r multi
        assert_equal QUEUED [r eval {return redis.call('incr', 'mx')} 0]
        assert_equal QUEUED [r eval {return redis.call('incr', 'mx')} 0]
        assert_equal QUEUED [r get mx]
        assert_equal {1 2 2} [r exec]
    }

    test {EVAL that fails inside MULTI/EXEC: only its reply is an error} {
        r set mx abc
        set body {return redis.call('incr', 'mx')}
        set rd [redis_deferring_client]
        foreach cmd [list multi [list eval $body 0] {set my ok}] {
            $rd {*}$cmd
            $rd read
        }
        $rd exec
        assert_equal "*2\r\n-[sc_err {ERR value is not an integer or out of range} $body]\r\n+OK\r\n" \
            [$rd read_raw]
        $rd close
        assert_equal ok [r get my]
    }

    test {EVALSHA of an unknown script inside MULTI: the error is at EXEC} {
        set rd [redis_deferring_client]
        foreach cmd {multi {evalsha ffffffffffffffffffffffffffffffffffffffff 0} ping} {
            $rd {*}$cmd
            assert {[$rd read] in {OK QUEUED}}
        }
        $rd exec
        assert_equal "*2\r\n-NOSCRIPT No matching script. Please use EVAL.\r\n+PONG\r\n" [$rd read_raw]
        $rd close
    }

    test {A script's write dirties a WATCHed key} {
        assert_equal 1 [watch_aborts {{set k 1}} {eval {return redis.call('set', 'k', 2)} 0}]
        # A read-only script does not.
        assert_equal 0 [watch_aborts {{set k 1}} {eval {return redis.call('get', 'k')} 0}]
    }

    test {EVAL inside MULTI after WATCH runs when nothing changed} {
        r set k 1
        r watch k
        r multi
        r eval {return redis.call('incr', 'k')} 0
        assert_equal {2} [r exec]
    }

    test {A script's writes raise keyspace notifications, in order} {
        r del ka kb
        set events [keyspace_events_of KA {
            r eval {
                redis.call('set', 'ka', 1)
                redis.call('incr', 'ka')
                redis.call('rpush', 'kb', 'x')
                redis.call('del', 'ka')
                return 1
            } 0
        }]
        assert_equal {{ka set} {ka incrby} {kb rpush} {ka del}} $events
    }

    test {A script's writes invalidate tracked keys} {
        r set tk v
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        $rd get tk
        assert_equal v [$rd read]
        r eval {return redis.call('set', 'tk', 'w')} 0
        # The invalidation push comes before the reply to the next command.
        $rd ping
        set push [$rd read]
        assert_equal {invalidate tk} $push
        assert_equal PONG [$rd read]
        $rd close
    }

    test {CLIENT PAUSE WRITE holds EVAL, not EVAL_RO or no-writes scripts} {
        r client pause 100000 write
        try {
            assert_equal 2 [r eval_ro {return 2} 0]
            assert_equal 3 [r eval "#!lua flags=no-writes\nreturn 3" 0]
            set rd [redis_deferring_client]
            $rd eval {return 1} 0
            set rd2 [redis_deferring_client]
            $rd2 eval "#!lua\nreturn 4" 0
            wait_for_blocked_clients_count 2
        } finally {
            r client unpause
        }
        assert_equal 1 [$rd read]
        assert_equal 4 [$rd2 read]
        $rd close
        $rd2 close
    }

    test {A script's RESP3 replies reach a HELLO 3 caller in RESP2 form without setresp} {
        r del h
        r hset h f v
        assert_equal "*2\r\n\$1\r\nf\r\n\$1\r\nv\r\n" [sc_raw3 {return redis.call('hgetall', 'h')}]
    }

    test {Tracking: a script's declared keys are tracked when it reads} {
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        # Each case: the command the tracking client runs, then whether
        # another client's write to the key invalidates it.
        foreach {key cmd invalidated} {
            tk1 {eval {return redis.call('get', KEYS[1])} 1 tk1} 1
            tk2 {eval {return redis.call('get', 'tk2')} 0} 0
            tk3 {eval {return 1} 1 tk3} 0
            tk4 {eval_ro {return redis.call('get', KEYS[1])} 1 tk4} 1
        } {
            assert_equal $invalidated [tracking_invalidates $rd $key $cmd] $cmd
        }
        $rd close
    }

    test {A script runs atomically: no command runs in between} {
        r del at
        set rd [redis_deferring_client]
        # A script that takes a while; another client's INCR must see 0 or 1000.
        $rd eval {for i = 1, 1000 do redis.call('incr', 'at') end return 1} 0
        set c [redis_client]
        set seen [$c get at]
        assert_equal 1 [$rd read]
        assert {$seen eq "" || $seen == 1000} "saw $seen"
        $c close
        $rd close
    }

    # ------------------------------------------- INFO, stats, SLOWLOG, MONITOR
    test {Large replies from a script} {
        set n [r eval {local t = {} for i = 1, 10000 do t[i] = i end return t} 0]
        assert_equal 10000 [llength $n]
        assert_equal 10000 [lindex $n end]
        set big [r eval {return string.rep('ab', 500000)} 0]
        assert_equal 1000000 [string length $big]
        assert_equal [string repeat ab 500000] $big
    }

    test {A long script body loads and runs} {
        set body "local x = 0\n[string repeat "x = x + 1\n" 5000]return x"
        assert_equal 5000 [r eval $body 0]
        assert_equal [sc_sha1 $body] [r script load $body]
    }


    test {INFO memory has the scripting fields} {
        foreach f {used_memory_lua used_memory_vm_eval used_memory_scripts_eval
                   number_of_cached_scripts used_memory_vm_functions
                   used_memory_vm_total used_memory_functions used_memory_scripts} {
            set v [server_info_field r $f]
            assert {[string is integer -strict $v]} "$f is '$v'"
        }
        assert_match {*[0-9.][BKMG]} [server_info_field r used_memory_lua_human]
    }

    test {number_of_cached_scripts counts SCRIPT LOAD and EVAL, SCRIPT FLUSH resets it} {
        r script flush
        assert_equal 0 [server_info_field r number_of_cached_scripts]
        r script load {return 'one'}
        r eval {return 'two'} 0
        r eval {return 'two'} 0
        assert_equal 2 [server_info_field r number_of_cached_scripts]
        r script flush
        assert_equal 0 [server_info_field r number_of_cached_scripts]
    }

    test {used_memory_scripts_eval grows with the cached scripts} {
        r script flush
        set before [server_info_field r used_memory_scripts_eval]
        for {set i 0} {$i < 50} {incr i} { r script load "return '[string repeat x 200] $i'" }
        assert_morethan [server_info_field r used_memory_scripts_eval] $before
        r script flush
    }

    test {INFO commandstats counts EVAL and the commands called from scripts} {
        r config resetstat
        r eval {redis.call('set', 'cs', 'v') redis.call('get', 'cs') redis.call('get', 'cs') return 1} 0
        set info [r info commandstats]
        assert_match "*cmdstat_eval:calls=1,*" $info
        assert_match "*cmdstat_set:calls=1,*" $info
        assert_match "*cmdstat_get:calls=2,*" $info
    }

    test {INFO commandstats counts EVALSHA, a NOSCRIPT as a failed call} {
        r config resetstat
        r script flush
        catch {r evalsha e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0}
        r script load {return 1}
        r evalsha e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0
        set info [r info commandstats]
        assert_match "*cmdstat_evalsha:calls=2,*,failed_calls=1*" $info
        assert_match "*cmdstat_script|load:calls=1,*" $info
    }

    test {commandstats: failed and rejected calls made from scripts} {
        # Each case: the script, then the counters of eval and incr after it.
        set wrong {}
        foreach {body want} {
            {return redis.call('incr', 's')}
                {eval:calls=1,rejected_calls=0,failed_calls=1 incr:calls=1,rejected_calls=0,failed_calls=1}
            {return redis.pcall('incr', 's')}
                {eval:calls=1,rejected_calls=0,failed_calls=1 incr:calls=1,rejected_calls=0,failed_calls=1}
            {local r = redis.pcall('incr', 's') return 1}
                {eval:calls=1,rejected_calls=0,failed_calls=0 incr:calls=1,rejected_calls=0,failed_calls=1}
            {return redis.call('incr', 'a', 'b')}
                {eval:calls=1,rejected_calls=0,failed_calls=1 incr:calls=0,rejected_calls=1,failed_calls=0}
            {return redis.pcall('incr', 'a', 'b')}
                {eval:calls=1,rejected_calls=0,failed_calls=1 incr:calls=0,rejected_calls=1,failed_calls=0}
        } {
            r set s notanumber
            r config resetstat
            catch {r eval $body 0}
            set got {}
            foreach cmd {eval incr} {
                if {[regexp -line "^cmdstat_$cmd:calls=(\\d+),usec=\[^,\]*,usec_per_call=\[^,\]*,(rejected_calls=\\d+,failed_calls=\\d+)" \
                        [r info commandstats] -> calls rest]} {
                    lappend got "$cmd:calls=$calls,$rest"
                }
            }
            if {$got ne $want} { lappend wrong [list $body got $got want $want] }
        }
        assert_equal {} $wrong
    }

    test {errorstats count script errors} {
        r config resetstat
        catch {r evalsha ffffffffffffffffffffffffffffffffffffffff 0}
        catch {r eval {return redis.call('nosuchcmd')} 0}
        set info [r info errorstats]
        assert_match "*errorstat_NOSCRIPT:count=1*" $info
        assert_match "*errorstat_ERR:count=1*" $info
    }

    test {SLOWLOG logs EVAL with its arguments, and the script's commands} {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r eval {redis.call('set', 'sl', 'v') return 1} 0
        r config set slowlog-log-slower-than 10000
        set entries [r slowlog get]
        set args {}
        foreach e $entries { lappend args [lindex $e 3] }
        assert_equal {{slowlog reset} {set sl v} {eval {redis.call('set', 'sl', 'v') return 1} 0}} \
            [lreverse $args]
        # The command run by the script names no peer.
        foreach e $entries {
            if {[lindex $e 3] eq {set sl v}} { assert_equal {?:0 {}} [lrange $e 4 5] }
        }
    }

    test {MONITOR shows EVAL and then the script's commands as "lua"} {
        set mon [redis_deferring_client]
        $mon monitor
        assert_equal OK [$mon read]
        r select 0
        r eval {redis.call('set', 'mk', 'mv') return redis.call('get', 'mk')} 0
        r select 3
        r eval {redis.call('select', 5) redis.call('set', 'mk', 'mv') return 1} 0
        r select 0
        set lines {}
        while {[llength $lines] < 8} { lappend lines [$mon read] }
        $mon close
        assert_match {*\[0 127.0.0.1:*\] "eval" "redis.call('set', 'mk', 'mv') return redis.call('get', 'mk')" "0"} [lindex $lines 1]
        assert_match {*\[0 lua\] "set" "mk" "mv"} [lindex $lines 2]
        assert_match {*\[0 lua\] "get" "mk"} [lindex $lines 3]
        assert_match {*\[3 127.0.0.1:*\] "eval" *} [lindex $lines 5]
        assert_match {*\[5 lua\] "select" "5"} [lindex $lines 6]
        assert_match {*\[5 lua\] "set" "mk" "mv"} [lindex $lines 7]
    }
}

# ------------------------------------------------ RESP3 replies from DEBUG
# DEBUG PROTOCOL gives the RESP3 types no other command of redis-kv does
# (double, big number, boolean); DEBUG SET-DISABLE-DENY-SCRIPTS lets a
# script call DEBUG.  Skipped where these subcommands do not exist.
start_server {tags {scripting needs:own-server}} {
    set ::sc_has_debug_protocol [expr {![catch {r debug set-disable-deny-scripts 1}]}]
    proc sc_need_debug_protocol {} {
        if {!$::sc_has_debug_protocol} { skip "no DEBUG SET-DISABLE-DENY-SCRIPTS / PROTOCOL" }
    }

    test {RESP3 double from a command -> {double=n} in Lua} {
        sc_need_debug_protocol
        assert_equal {table 3.141} [r eval {
            redis.setresp(3)
            local v = redis.call('debug', 'protocol', 'double')
            return {type(v), tostring(v.double)}
        } 0]
        assert_equal ",3.141\r\n" [sc_raw3 {redis.setresp(3) return redis.call('debug', 'protocol', 'double')}]
        assert_equal "\$5\r\n3.141\r\n" [sc_raw2 {redis.setresp(3) return redis.call('debug', 'protocol', 'double')}]
        # Without setresp(3) the script gets a string.
        assert_equal {string 3.141} \
            [r eval {local v = redis.call('debug', 'protocol', 'double') return {type(v), v}} 0]
    }

    test {RESP3 big number from a command -> {big_number=s} in Lua} {
        sc_need_debug_protocol
        assert_equal {table 1234567999999999999999999999999999999} [r eval {
            redis.setresp(3)
            local v = redis.call('debug', 'protocol', 'bignum')
            return {type(v), v.big_number}
        } 0]
        assert_equal "(1234567999999999999999999999999999999\r\n" \
            [sc_raw3 {redis.setresp(3) return redis.call('debug', 'protocol', 'bignum')}]
    }

    test {RESP3 booleans from a command -> Lua booleans} {
        sc_need_debug_protocol
        assert_equal {boolean true boolean false} [r eval {
            redis.setresp(3)
            local t = redis.call('debug', 'protocol', 'true')
            local f = redis.call('debug', 'protocol', 'false')
            return {type(t), tostring(t), type(f), tostring(f)}
        } 0]
        # In RESP2 they are the integers 1 and 0.
        assert_equal {number 1 number 0} [r eval {
            local t = redis.call('debug', 'protocol', 'true')
            local f = redis.call('debug', 'protocol', 'false')
            return {type(t), t, type(f), f}
        } 0]
    }

    test {RESP3 null from a command -> nil; RESP2 -> false} {
        sc_need_debug_protocol
        assert_equal nil [r eval {redis.setresp(3) return type(redis.call('debug', 'protocol', 'null'))} 0]
        assert_equal boolean [r eval {return type(redis.call('debug', 'protocol', 'null'))} 0]
    }

    test {RESP3 verbatim from a command} {
        sc_need_debug_protocol
        assert_equal {txt {This is a verbatim}} [r eval {
            redis.setresp(3)
            local v = redis.call('debug', 'protocol', 'verbatim')
            return {v.verbatim_string.format, string.sub(v.verbatim_string.string, 1, 18)}
        } 0]
    }
}

# ------------------------------------------------------------ busy scripts
# A script that runs longer than busy-reply-threshold makes the server
# answer other clients with -BUSY until it ends or is killed.  The tests
# wait for the BUSY state by polling, never by timing.

# Runs EVAL-like CMD (a list) on a new client until it is busy, stops it
# with SCRIPT KILL and checks the script's caller got the kill error.
proc sc_assert_script_killed {cmd} {
    with_busy_cleanup {
        set rd [redis_deferring_client]
        $rd {*}$cmd
        set c [redis_client]
        wait_for_busy_script $c
        assert_equal OK [$c script kill]
        assert_error "ERR Script killed by user with SCRIPT KILL...*" {$rd read}
        wait_for_script_end $c
        $rd close
        $c close
    }
}

start_server {tags {scripting needs:own-server} overrides {busy-reply-threshold 100}} {
    test {busy-reply-threshold and its alias lua-time-limit} {
        assert_equal {busy-reply-threshold 100} [r config get busy-reply-threshold]
        assert_equal {lua-time-limit 100} [r config get lua-time-limit]
    }

    test {A long script makes other clients get BUSY} {
        with_busy_cleanup {
            set rd [redis_deferring_client]
            $rd eval {local i = 0 while true do i = i + 1 end} 0
            set c [redis_client]
            assert_equal "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." \
                [wait_for_busy_script $c]
            # Every one of these is refused; the list names those that are not.
            set busy "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
            set wrong {}
            foreach cmd {{get x} {set x y} {info server} {script exists a} {script flush}
                         {eval {return 1} 0} {function stats} {function kill} {shutdown}} {
                if {![catch {$c {*}$cmd} e] || $e ne $busy} { lappend wrong [list $cmd $e] }
            }
            assert_equal {} $wrong
            assert_equal OK [$c script kill]
            set body {local i = 0 while true do i = i + 1 end}
            assert_error_equal [sc_err "ERR Script killed by user with SCRIPT KILL..." $body] {$rd read}
            wait_for_script_end $c
            $rd ping
            assert_equal PONG [$rd read]
            $rd close
            $c close
        }
    }

    test {During a busy script AUTH, HELLO and MULTI answer; EXEC aborts} {
        with_busy_cleanup {
            set rd [redis_deferring_client]
            $rd eval {local i = 0 while true do i = i + 1 end} 0
            set c [redis_client]
            wait_for_busy_script $c
            set busy "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
            assert_error "ERR AUTH <password> called without any password configured*" {$c auth a}
            assert_equal 3 [dict get [$c hello 3] proto]
            assert_equal 2 [dict get [$c hello 2] proto]
            assert_error_equal $busy {$c client id}
            assert_equal OK [$c multi]
            assert_error_equal $busy {$c set a b}
            assert_error_equal "EXECABORT Transaction discarded because of: $busy" {$c exec}
            assert_error_equal $busy {$c subscribe ch}
            assert_equal OK [$c script kill]
            catch {$rd read}
            wait_for_script_end $c
            $rd close
            $c close
        }
    }

    test {SCRIPT KILL of an EVAL_RO script} {
        sc_assert_script_killed {eval_ro {local i = 0 while true do i = i + 1 end} 0}
    }

    test {A script that called redis.pcall in its loop can still be killed} {
        sc_assert_script_killed {eval {while true do redis.pcall('get', 'x') end} 0}
    }

    test {The data is intact and the server serves again after SCRIPT KILL} {
        r set survive 1
        set rd [redis_deferring_client]
        $rd eval {local i = 0 while true do i = i + 1 end} 0
        set c [redis_client]
        wait_for_busy_script $c
        $c script kill
        catch {$rd read}
        wait_for_script_end $c
        assert_equal 1 [$c get survive]
        assert_equal 2 [$c eval {return 2} 0]
        $rd close
        $c close
    }

    test {NOTBUSY when no script runs} {
        assert_error_equal "NOTBUSY No scripts in execution right now." {r script kill}
    }
}

start_server {tags {scripting needs:own-server}} {
    test {A busy script that wrote cannot be killed; SHUTDOWN NOSAVE stops the server} {
        set s [spawn_server -overrides {busy-reply-threshold 100} -client]
        set rd [redis_deferring_client $s]
        $rd eval {redis.call('set', 'x', 'y') local i = 0 while true do i = i + 1 end} 0
        set c [redis_client $s]
        wait_for_busy_script $c
        set unkillable "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
        assert_error_equal $unkillable {$c script kill}
        assert_error_equal "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." \
            {$c shutdown}
        shutdown_nosave_busy $s $c $rd
    }
}
