# Functions: FUNCTION LOAD [REPLACE], DELETE, FLUSH [ASYNC|SYNC], LIST
# [LIBRARYNAME pattern] [WITHCODE], DUMP, RESTORE [FLUSH|APPEND|REPLACE],
# STATS, KILL, HELP; FCALL and FCALL_RO; the library registration rules
# (redis.register_function in both forms, flags, names, duplicates, the
# API a library sees while it loads); error texts; busy functions; and
# persistence: libraries survive a restart, kill -9, FLUSHALL and
# compaction, while the SCRIPT LOAD cache does not survive a restart.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/functions
#   tests/runtest --server /usr/bin/redis-server --single unit/functions
# The second form also runs the blocks that need servers of their own
# (busy functions, restarts: those start their servers with `appendonly
# yes`, which real Redis needs to keep anything and redis-kv accepts).
#
# FUNCTION LIST orders libraries as Redis's dictionary happens to: the
# tests sort them by name or select one with LIBRARYNAME.

# ------------------------------------------------------------------ helpers

# Library source: the lines joined with newlines.
proc fn_lib {args} { return [join $args "\n"] }

# A library NAME with one function FNAME returning RET (a Lua expression).
proc fn_simple {name fname {ret 1}} {
    return [fn_lib "#!lua name=$name" \
        "redis.register_function('$fname', function(keys, args) return $ret end)"]
}

# FUNCTION LOAD of a library whose body is BODY (lines after a shebang
# naming it NAME) must fail with the exact error MSG.
proc fn_assert_load_error {msg name args} {
    set code [fn_lib "#!lua name=$name" {*}$args]
    assert_error_equal $msg {r function load $code}
}

# The "Error registering functions" form of MSG.
proc fn_reg_err {msg} { return "ERR Error registering functions: $msg" }

# FUNCTION LIST entries sorted by library name.
proc fn_list_sorted {args} {
    return [lsort -index 1 [r function list {*}$args]]
}

start_server {tags {functions}} {
    r null_value (nil)
    r function flush

    # ------------------------------------------------------- LOAD, FCALL
    test {FUNCTION LOAD returns the library name; FCALL runs the function} {
        r function flush
        assert_equal mylib [r function load [fn_simple mylib myfunc {'hello'}]]
        assert_equal hello [r fcall myfunc 0]
        assert_equal "\$8\r\nlibrary1\r\n" [raw_reply function load [fn_simple library1 f_library1]]
    }

    test {FCALL passes keys and args; numkeys splits them} {
        r function load [fn_lib "#!lua name=kalib" \
            {redis.register_function('ka', function(keys, args) return {keys[1], args[1], #keys, #args} end)}]
        assert_equal {k v 1 1} [r fcall ka 1 k v]
        assert_equal {a c 2 1} [r fcall ka 2 a b c]
        # No keys: keys[1] is nil, and the reply array stops there.
        assert_equal {} [r fcall ka 0]
    }

    test {FCALL looks the function name up case-insensitively} {
        assert_equal hello [r fcall MYFUNC 0]
        assert_equal hello [r fcall MyFunc 0]
    }

    test {A function writes through redis.call} {
        r function load [fn_lib "#!lua name=wlib" \
            {redis.register_function('wset', function(keys, args) return redis.call('set', keys[1], args[1]) end)}]
        assert_equal OK [r fcall wset 1 fk fv]
        assert_equal fv [r get fk]
    }

    test {FUNCTION LOAD of an existing library needs REPLACE} {
        r function flush
        r function load [fn_simple lib1 f1 1]
        assert_error_equal "ERR Library 'lib1' already exists" {r function load [fn_simple lib1 f1 1]}
        assert_equal lib1 [r function load replace [fn_simple lib1 f1 2]]
        assert_equal 2 [r fcall f1 0]
        assert_equal lib1 [r function load REPLACE [fn_simple lib1 f1 3]]
        assert_equal 3 [r fcall f1 0]
    }

    test {REPLACE drops the functions the new code no longer registers} {
        r function flush
        r function load [fn_simple liba fa {'a'}]
        r function load replace [fn_simple liba fa2 {'a2'}]
        assert_error_equal "ERR Function not found" {r fcall fa 0}
        assert_equal a2 [r fcall fa2 0]
    }

    test {A function name is unique across libraries} {
        r function flush
        r function load [fn_simple liba fa]
        assert_error_equal "ERR Function fa already exists" {r function load [fn_simple libb fa]}
        assert_error_equal "ERR Function fa already exists" {r function load replace [fn_simple libb fa]}
        assert_equal {} [r function list libraryname libb]
    }

    test {A failed REPLACE keeps the old library} {
        r function flush
        r function load [fn_simple liba fa {'old'}]
        assert_error_equal [fn_reg_err "ERR user_function:3: Script attempted to access nonexistent global variable 'error'"] {
            r function load replace [fn_lib "#!lua name=liba" \
                "redis.register_function('fx', function() return 1 end)" "error('x')"]
        }
        assert_equal old [r fcall fa 0]
        assert_error_equal "ERR Function not found" {r fcall fx 0}
    }

    # ------------------------------------------- library metadata errors
    test {FUNCTION LOAD metadata errors} {
        assert_error_equal "ERR Missing library metadata" \
            {r function load "redis.register_function('f', function() return 1 end)"}
        assert_error_equal "ERR Library name was not given" \
            {r function load "#!lua\nredis.register_function('f', function() return 1 end)"}
        assert_error_equal "ERR Invalid metadata value given: foo=bar" \
            {r function load "#!lua name=libx foo=bar\nreturn 1"}
        assert_error_equal "ERR Invalid metadata value, name argument was given multiple times" \
            {r function load "#!lua name=lib5 name=lib6\nredis.register_function('f5', function() return 1 end)"}
        assert_error_equal "ERR Engine 'nolua' not found" \
            {r function load "#!nolua name=libx\nreturn 1"}
    }

    test {Library names: letters, digits and underscores only} {
        set msg "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
        assert_error_equal $msg \
            {r function load "#!lua name=bad-name!\nredis.register_function('f', function() return 1 end)"}
        assert_error_equal $msg \
            {r function load "#!lua name=\nredis.register_function('f', function() return 1 end)"}
        assert_equal Good_Name_9 [r function load [fn_simple Good_Name_9 good_name_9]]
    }

    test {A library must register at least one function} {
        fn_assert_load_error "ERR No functions registered" libx {return 1}
        fn_assert_load_error "ERR No functions registered" libx {local x = 1}
    }

    test {FUNCTION LOAD arity and options} {
        assert_error_equal "ERR wrong number of arguments for 'function|load' command" {r function load}
        assert_error_equal "ERR Missing library metadata" {r function load replace}
        assert_error_equal "ERR Unknown option given: a" {r function load a b c}
        assert_error_equal "ERR Unknown option given: nope" {r function load nope [fn_simple x y]}
    }

    # ------------------------------------------ redis.register_function
    test {register_function with named arguments: flags and description} {
        r function flush
        r function load [fn_lib "#!lua name=libn" \
            {redis.register_function{function_name='fn1', callback=function() return 'n' end, flags={'no-writes'}, description='my desc'}}]
        assert_equal n [r fcall fn1 0]
        assert_equal n [r fcall_ro fn1 0]
        set l [r function list libraryname libn]
        assert_equal {library_name libn engine LUA functions {{name fn1 description {my desc} flags no-writes}}} [lindex $l 0]
    }

    test {register_function accepts every known flag} {
        r function load [fn_lib "#!lua name=libflags" \
            {redis.register_function{function_name='fflags', callback=function() return 1 end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}}]
        set f [lindex [dict get [lindex [r function list libraryname libflags] 0] functions] 0]
        assert_equal {no-writes allow-oom allow-stale no-cluster allow-cross-slot-keys} [dict get $f flags]
        assert_equal 1 [r fcall_ro fflags 0]
    }

    test {register_function errors} {
        set nameerr "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
        fn_assert_load_error [fn_reg_err $nameerr] lib3 \
            {redis.register_function('bad name', function() return 1 end)}
        fn_assert_load_error [fn_reg_err $nameerr] lib3 \
            {redis.register_function('', function() return 1 end)}
        fn_assert_load_error [fn_reg_err "ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."] lib3 \
            {redis.register_function('f3')}
        fn_assert_load_error [fn_reg_err "ERR second argument to redis.register_function must be a function"] lib3 \
            {redis.register_function('f3', 1)}
        fn_assert_load_error [fn_reg_err "ERR wrong number of arguments to redis.register_function"] lib3 \
            {redis.register_function('f3', function() return 1 end, 1)}
        fn_assert_load_error [fn_reg_err "ERR unknown flag given"] lib3 \
            {redis.register_function{function_name='f3', callback=function() return 3 end, flags={'bad'}}}
        fn_assert_load_error [fn_reg_err "ERR flags argument to redis.register_function must be a table representing function flags"] lib3 \
            {redis.register_function{function_name='f3', callback=function() return 3 end, flags='no-writes'}}
        fn_assert_load_error [fn_reg_err "ERR unknown argument given to redis.register_function"] lib3 \
            {redis.register_function{function_name='f3', callback=function() return 3 end, foo=1}}
        fn_assert_load_error [fn_reg_err "ERR redis.register_function must get a function name argument"] lib3 \
            {redis.register_function{callback=function() return 3 end}}
        fn_assert_load_error [fn_reg_err "ERR redis.register_function must get a callback argument"] lib3 \
            {redis.register_function{function_name='f3'}}
        fn_assert_load_error [fn_reg_err "ERR Function already exists in the library"] lib3 \
            {redis.register_function('f3', function() return 1 end)} \
            {redis.register_function('f3', function() return 1 end)}
        assert_equal {} [r function list libraryname lib3]
    }

    test {One Lua function registered under two names} {
        r function load [fn_lib "#!lua name=libtwo" {local function f() return 'same' end} \
            {redis.register_function('two_a', f)} {redis.register_function('two_b', f)}]
        assert_equal same [r fcall two_a 0]
        assert_equal same [r fcall two_b 0]
    }

    # ---------------------------------- what a library sees while loading
    test {While loading, a library cannot call Redis or most helpers} {
        foreach {what code} {
            call     {redis.call('ping')}
            pcall    {redis.pcall('ping')}
            setresp  {redis.setresp(3)}
            sha1hex  {return redis.sha1hex('a')}
            error_reply {local a = redis.error_reply('x')}
            set_repl {redis.set_repl(redis.REPL_ALL)}
        } {
            fn_assert_load_error [fn_reg_err "ERR user_function:3: Script attempted to access nonexistent global variable '$what'"] libload \
                {redis.register_function('fl', function() return 1 end)} $code
        }
    }

    test {While loading, a library sees the redis table and nothing else} {
        foreach name {_G next pairs type tostring string table math bit cjson struct
                      cmsgpack error pcall assert unpack loadstring setmetatable KEYS
                      ARGV _VERSION} {
            fn_assert_load_error [fn_reg_err "ERR user_function:2: Script attempted to access nonexistent global variable '$name'"] libload \
                "local x = $name" {redis.register_function('fl', function() return 1 end)}
        }
    }

    test {While loading, the globals are protected and math is absent} {
        fn_assert_load_error [fn_reg_err "ERR user_function:2: Script attempted to access nonexistent global variable 'nosuch'"] libload \
            {local x = nosuch}
        fn_assert_load_error [fn_reg_err "ERR user_function:2: Attempt to modify a readonly table"] libload \
            {x = 1}
        fn_assert_load_error [fn_reg_err "ERR user_function:2: Script attempted to access nonexistent global variable 'error'"] libload \
            {error('boom')}
        fn_assert_load_error [fn_reg_err "ERR user_function:3: Script attempted to access nonexistent global variable 'math'"] libload \
            {redis.register_function('fk', function() return 1 end)} {local x = math.random()}
    }

    test {While loading, redis.log and REDIS_VERSION are available} {
        r function load [fn_lib "#!lua name=libok" \
            {redis.log(redis.LOG_NOTICE, 'loading libok')} \
            {local v = redis.REDIS_VERSION} \
            {redis.register_function('fok', function() return redis.REDIS_VERSION end)}]
        assert_equal [server_info_field r redis_version] [r fcall fok 0]
    }

    test {A running function sees exactly these globals and redis.* names} {
        r function load replace [fn_lib "#!lua name=libnames" \
            {local function names(t) local n = {} for k, v in pairs(t) do n[#n + 1] = k end table.sort(n) return n end} \
            {redis.register_function('gnames', function() return names(_G) end)} \
            {redis.register_function('rnames', function() return names(redis) end)}]
        assert_equal [join {_G _VERSION assert bit cjson cmsgpack collectgarbage coroutine
            error gcinfo getmetatable ipairs load loadstring math next pairs pcall rawequal
            rawget rawset redis select setmetatable string struct table tonumber tostring
            type unpack xpcall}] [r fcall gnames 0]
        # No breakpoint, debug or replicate_commands, unlike EVAL.
        assert_equal [join {LOG_DEBUG LOG_NOTICE LOG_VERBOSE LOG_WARNING REDIS_VERSION
            REDIS_VERSION_NUM REPL_ALL REPL_AOF REPL_NONE REPL_REPLICA REPL_SLAVE
            acl_check_cmd call error_reply log pcall set_repl setresp sha1hex
            status_reply}] [r fcall rnames 0]
        r function delete libnames
    }

    test {Function names differing only in case} {
        r function flush
        # One library may register both; FCALL finds the name in any case
        # and runs one of them (which one depends on hash order in Redis).
        r function load [fn_lib "#!lua name=libcase" \
            {redis.register_function('fs', function() return 'lower' end)} \
            {redis.register_function('FS', function() return 'upper' end)}]
        assert {[r fcall fs 0] in {lower upper}}
        assert_equal [r fcall fs 0] [r fcall Fs 0]
        assert_equal {FS fs} [lsort [lmap f [dict get [lindex [r function list] 0] functions] {dict get $f name}]]
        # Across libraries the name is taken in any case.
        assert_error_equal "ERR Function Fs already exists" {r function load [fn_simple libcase2 Fs]}
        r function flush
    }

    test {Compile errors of a library} {
        assert_error_equal "ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'" \
            {r function load "#!lua name=libc\nreturn ("}
    }

    test {register_function is not available to a running function or to EVAL} {
        r function load [fn_lib "#!lua name=libreg" \
            {redis.register_function('freg', function() return redis.register_function('x', function() end) end)}]
        assert_error_equal "ERR user_function:2: attempt to call field 'register_function' (a nil value) script: freg, on @user_function:2." \
            {r fcall freg 0}
        assert_error "ERR user_script:1: attempt to call field 'register_function' (a nil value) script: *" \
            {r eval {return redis.register_function('x', function() end)} 0}
    }

    # ------------------------------------------------ FCALL and FCALL_RO
    test {FCALL errors: unknown function, numkeys, arity} {
        r function load replace [fn_simple mylib myfunc {'hello'}]
        assert_error_equal "ERR Function not found" {r fcall nosuch 0}
        assert_error_equal "ERR Function not found" {r fcall_ro nosuch 0}
        # The function is looked up before numkeys is read.
        assert_error_equal "ERR Function not found" {r fcall nosuch -1}
        assert_error_equal "ERR Number of keys can't be negative" {r fcall myfunc -1}
        assert_error_equal "ERR Number of keys can't be greater than number of args" {r fcall myfunc 5 a}
        assert_error_equal "ERR Bad number of keys provided" {r fcall myfunc x}
        assert_arity_error fcall {} {myfunc}
        assert_arity_error fcall_ro {} {myfunc}
    }

    test {FCALL_RO refuses functions without no-writes} {
        assert_error_equal "ERR Can not execute a script with write flag using *_ro command." \
            {r fcall_ro myfunc 0}
    }

    test {Errors inside a function name the function and the line} {
        r function flush
        r function load [fn_lib "#!lua name=libe" \
            {redis.register_function('fc', function() return redis.call('nosuch') end)} \
            {redis.register_function('fd', function() error('boom') end)} \
            {redis.register_function('ff', function() return x end)} \
            {redis.register_function{function_name='fg', callback=function() return redis.call('set','a','b') end, flags={'no-writes'}}} \
            {redis.register_function('fh', function() return redis.call('eval', 'return 1', 0) end)}]
        assert_error_equal "ERR Unknown Redis command called from script script: fc, on @user_function:2." {r fcall fc 0}
        assert_error_equal "ERR user_function:3: boom script: fd, on @user_function:3." {r fcall fd 0}
        assert_error_equal "ERR user_function:4: Script attempted to access nonexistent global variable 'x' script: ff, on @user_function:4." {r fcall ff 0}
        assert_error_equal "ERR Write commands are not allowed from read-only scripts. script: fg, on @user_function:5." {r fcall fg 0}
        assert_error_equal "ERR This Redis command is not allowed from script script: fh, on @user_function:6." {r fcall fh 0}
    }

    test {A function's return value is converted as a script's} {
        r function load [fn_lib "#!lua name=libconv" \
            {redis.register_function('conv', function() return {1, 3.99, 'x', false, {ok='fine'}, nil, 7} end)} \
            {redis.register_function('convmap', function() return {map={a=1}} end)}]
        assert_equal "*5\r\n:1\r\n:3\r\n\$1\r\nx\r\n\$-1\r\n+fine\r\n" [raw_reply fcall conv 0]
        assert_equal "%1\r\n\$1\r\na\r\n:1\r\n" [raw_reply3 fcall convmap 0]
        assert_equal "*2\r\n\$1\r\na\r\n:1\r\n" [raw_reply fcall convmap 0]
    }

    test {Functions run in the caller's database} {
        r function load [fn_lib "#!lua name=libdb" \
            {redis.register_function('getk', function(keys) return redis.call('get', keys[1]) end)}]
        r select 9
        r set dbk nine
        assert_equal nine [r fcall getk 1 dbk]
        r select 0
        r del dbk
        assert_equal (nil) [r fcall getk 1 dbk]
    }

    test {Functions have their own globals, separate from EVAL's} {
        assert_error "ERR user_script:1: Script attempted to access nonexistent global variable 'getk'*" \
            {r eval {return getk} 0}
    }

    # ------------------------------------------------------ FUNCTION LIST
    test {FUNCTION LIST: exact reply of one library} {
        r function flush
        r function load [fn_lib "#!lua name=lib3" \
            {redis.register_function{function_name='f3', callback=function() return 3 end, flags={'no-writes'}, description='desc'}}]
        assert_equal "*1\r\n*6\r\n\$12\r\nlibrary_name\r\n\$4\r\nlib3\r\n\$6\r\nengine\r\n\$3\r\nLUA\r\n\$9\r\nfunctions\r\n*1\r\n*6\r\n\$4\r\nname\r\n\$2\r\nf3\r\n\$11\r\ndescription\r\n\$4\r\ndesc\r\n\$5\r\nflags\r\n*1\r\n+no-writes\r\n" \
            [raw_reply function list]
    }

    test {FUNCTION LIST in RESP3 uses maps and a set of flags} {
        assert_equal "*1\r\n%3\r\n\$12\r\nlibrary_name\r\n\$4\r\nlib3\r\n\$6\r\nengine\r\n\$3\r\nLUA\r\n\$9\r\nfunctions\r\n*1\r\n%3\r\n\$4\r\nname\r\n\$2\r\nf3\r\n\$11\r\ndescription\r\n\$4\r\ndesc\r\n\$5\r\nflags\r\n~1\r\n+no-writes\r\n" \
            [raw_reply3 function list]
    }

    test {FUNCTION LIST: no description is nil, no flags an empty array} {
        r function load [fn_simple lib1 f1]
        assert_equal "*1\r\n*6\r\n\$12\r\nlibrary_name\r\n\$4\r\nlib1\r\n\$6\r\nengine\r\n\$3\r\nLUA\r\n\$9\r\nfunctions\r\n*1\r\n*6\r\n\$4\r\nname\r\n\$2\r\nf1\r\n\$11\r\ndescription\r\n\$-1\r\n\$5\r\nflags\r\n*0\r\n" \
            [raw_reply function list libraryname lib1]
    }

    test {FUNCTION LIST WITHCODE adds library_code} {
        set code [fn_simple libcode fcode]
        r function load $code
        set e [lindex [r function list withcode libraryname libcode] 0]
        assert_equal {library_name engine functions library_code} [dict keys $e]
        assert_equal $code [dict get $e library_code]
        # Either order of the options.
        assert_equal $e [lindex [r function list libraryname libcode withcode] 0]
    }

    test {FUNCTION LIST lists every library} {
        assert_equal {lib1 lib3 libcode} [lsort [lmap e [r function list] {dict get $e library_name}]]
    }

    test {FUNCTION LIST LIBRARYNAME is a glob pattern, case-insensitive} {
        assert_equal {lib1 lib3} [lsort [lmap e [r function list libraryname {lib[0-9]}] {dict get $e library_name}]]
        assert_equal {lib1 lib3 libcode} [lsort [lmap e [r function list libraryname lib*] {dict get $e library_name}]]
        assert_equal {lib1} [lmap e [r function list libraryname LIB1] {dict get $e library_name}]
        assert_equal {} [r function list libraryname nosuch*]
    }

    test {FUNCTION LIST errors} {
        assert_error_equal "ERR library name argument was not given" {r function list libraryname}
        assert_error_equal "ERR Unknown argument bad" {r function list bad}
        assert_error_equal "ERR Unknown argument withcode" {r function list withcode withcode}
        assert_error_equal "ERR Unknown argument libraryname" {r function list libraryname a libraryname b}
    }

    # --------------------------------------------------- DELETE and FLUSH
    test {FUNCTION DELETE removes a library and its functions} {
        r function flush
        r function load [fn_simple libdel fdel]
        assert_equal OK [r function delete libdel]
        assert_error_equal "ERR Function not found" {r fcall fdel 0}
        assert_equal {} [r function list]
        assert_error_equal "ERR Library not found" {r function delete libdel}
        assert_error_equal "ERR wrong number of arguments for 'function|delete' command" {r function delete}
        assert_error_equal "ERR wrong number of arguments for 'function|delete' command" {r function delete a b}
    }

    test {FUNCTION FLUSH, FLUSH SYNC and FLUSH ASYNC remove every library} {
        foreach mode {{} sync async SYNC ASYNC} {
            r function load [fn_simple libf1 ff1]
            r function load [fn_simple libf2 ff2]
            assert_equal OK [r function flush {*}$mode]
            assert_equal {} [r function list] "mode $mode"
            assert_error_equal "ERR Function not found" {r fcall ff1 0}
        }
    }

    test {FUNCTION FLUSH errors} {
        assert_error_equal "ERR FUNCTION FLUSH only supports SYNC|ASYNC option" {r function flush bad}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP." \
            {r function flush sync sync}
    }

    test {FUNCTION subcommand errors and HELP} {
        assert_error_equal "ERR unknown subcommand 'foo'. Try FUNCTION HELP." {r function foo}
        assert_error_equal "ERR wrong number of arguments for 'function' command" {r function}
        assert_error_equal "ERR wrong number of arguments for 'function|stats' command" {r function stats extra}
        assert_error_equal "ERR wrong number of arguments for 'function|dump' command" {r function dump extra}
        set help [r function help]
        assert_equal "FUNCTION <subcommand> \[<arg> \[value\] \[opt\] ...\]. Subcommands are:" [lindex $help 0]
        # The prose is the server's own; every subcommand is named.
        foreach sub {LOAD DELETE LIST STATS KILL FLUSH DUMP RESTORE HELP} {
            assert_match "*$sub*" $help
        }
    }

    test {FUNCTION KILL with nothing running} {
        assert_error_equal "NOTBUSY No scripts in execution right now." {r function kill}
    }

    # ----------------------------------------------------- DUMP, RESTORE
    test {FUNCTION DUMP of no libraries} {
        r function flush
        assert_equal "\x0a\x00\x5d\x9b\x5c\x40\x0f\x7f\xa2\xda" [r function dump]
    }

    test {FUNCTION DUMP and RESTORE round trip} {
        r function flush
        set c1 [fn_simple liba fa {'a1'}]
        set c2 [fn_lib "#!lua name=libb" \
            {redis.register_function{function_name='fb', callback=function() return 'b1' end, flags={'no-writes'}, description='bee'}}]
        r function load $c1
        r function load $c2
        set dump [r function dump]
        set before [fn_list_sorted withcode]
        r function flush
        assert_equal OK [r function restore $dump]
        assert_equal $before [fn_list_sorted withcode]
        assert_equal a1 [r fcall fa 0]
        assert_equal b1 [r fcall_ro fb 0]
        set ::fn_dump $dump
    }

    test {FUNCTION RESTORE APPEND (the default) fails on a library collision} {
        # Both collide; the error names the first one found.
        foreach policy {{} append APPEND} {
            assert_error "ERR Library lib\[ab\] already exists" {r function restore $::fn_dump {*}$policy}
        }
        # Nothing is restored when one library collides.
        r function delete libb
        assert_error_equal "ERR Library liba already exists" {r function restore $::fn_dump}
        assert_equal {} [r function list libraryname libb]
    }

    test {FUNCTION RESTORE REPLACE replaces colliding libraries} {
        r function load replace [fn_simple liba fa {'a2'}]
        assert_equal a2 [r fcall fa 0]
        assert_equal OK [r function restore $::fn_dump replace]
        assert_equal a1 [r fcall fa 0]
        assert_equal b1 [r fcall fb 0]
    }

    test {FUNCTION RESTORE REPLACE fails on a function name collision with another library} {
        r function flush
        r function load [fn_simple libz fa {'z'}]
        assert_error_equal "ERR Function fa already exists" {r function restore $::fn_dump replace}
        assert_error_equal "ERR Function fa already exists" {r function restore $::fn_dump}
        assert_equal {} [r function list libraryname liba]
        assert_equal z [r fcall fa 0]
    }

    test {FUNCTION RESTORE FLUSH removes the libraries not in the payload} {
        r function flush
        r function load [fn_simple libc fc {'c'}]
        assert_equal OK [r function restore $::fn_dump flush]
        assert_equal {} [r function list libraryname libc]
        assert_error_equal "ERR Function not found" {r fcall fc 0}
        assert_equal {liba libb} [lmap e [fn_list_sorted] {dict get $e library_name}]
    }

    test {FUNCTION RESTORE errors: bad payload, bad policy, arity} {
        set bad "DUMP payload version or checksum are wrong"
        assert_error_equal "ERR $bad" {r function restore garbage}
        assert_error_equal "ERR $bad" {r function restore garbage flush}
        assert_error_equal "ERR $bad" {r function restore [string range $::fn_dump 0 end-1]}
        set flipped [string replace $::fn_dump 5 5 [format %c [expr {[scan [string index $::fn_dump 5] %c] ^ 1}]]]
        assert_error_equal "ERR $bad" {r function restore $flipped}
        assert_error_equal "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE." \
            {r function restore $::fn_dump badpolicy}
        assert_error_equal "ERR wrong number of arguments for 'function|restore' command" {r function restore}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP." \
            {r function restore $::fn_dump flush extra}
    }

    test {FUNCTION RESTORE of payloads made by Redis 7.0.15} {
        r function flush
        # One small library (not compressed).
        set one [binary format H* f5405f23216c7561206e616d653d6d796c69620a72656469732e72656769737465725f66756e6374696f6e28276d7966756e63272c2066756e6374696f6e286b6579732c2061726773292072657475726e202766726f6d2064756d702720656e64290a0050a02ffdc4b14895]
        assert_equal OK [r function restore $one]
        assert_equal {from dump} [r fcall myfunc 0]
        # A library whose code is LZF-compressed in the payload.
        set big [binary format H* f5c3406440ff1b23216c7561206e616d653d6269676c69620a2d2d2070616464696e67e09007190a72656469732e72656769737465725f66756e6374696f6e282720c3400c02272c2040066013126b6579732c2061726773292072657475726e204026052720656e64290a00e8d3a97a01354e13]
        assert_equal OK [r function restore $big]
        assert_equal big [r fcall bigfunc 0]
        set code [dict get [lindex [r function list libraryname biglib withcode] 0] library_code]
        assert_equal "#!lua name=biglib\n-- [string repeat {padding } 20]\nredis.register_function('bigfunc', function(keys, args) return 'big' end)" $code
        # An empty payload restores nothing, and FLUSH with it empties.
        set empty "\x0a\x00\x5d\x9b\x5c\x40\x0f\x7f\xa2\xda"
        assert_equal OK [r function restore $empty]
        assert_equal 2 [llength [r function list]]
        assert_equal OK [r function restore $empty flush]
        assert_equal {} [r function list]
    }

    test {FUNCTION DUMP gives the bytes Redis 7.0.15 gives} {
        r function flush
        r function load [fn_lib "#!lua name=mylib" \
            {redis.register_function('myfunc', function(keys, args) return 'from dump' end)}]
        assert_equal f5405f23216c7561206e616d653d6d796c69620a72656469732e72656769737465725f66756e6374696f6e28276d7966756e63272c2066756e6374696f6e286b6579732c2061726773292072657475726e202766726f6d2064756d702720656e64290a0050a02ffdc4b14895 \
            [binary encode hex [r function dump]]
        # Long enough to be LZF-compressed.
        r function flush
        r function load [fn_lib "#!lua name=biglib" "-- [string repeat {padding } 20]" \
            {redis.register_function('bigfunc', function(keys, args) return 'big' end)}]
        assert_equal f5c3406440ff1b23216c7561206e616d653d6269676c69620a2d2d2070616464696e67e09007190a72656469732e72656769737465725f66756e6374696f6e282720c3400c02272c2040066013126b6579732c2061726773292072657475726e204026052720656e64290a00e8d3a97a01354e13 \
            [binary encode hex [r function dump]]
        r function flush
    }

    # ---------------------------------------------------- STATS and INFO
    test {FUNCTION STATS shape with nothing running} {
        r function flush
        r function load [fn_simple libs1 fs1]
        r function load [fn_lib "#!lua name=libs2" \
            {redis.register_function('fs2', function() return 1 end)} \
            {redis.register_function('fs3', function() return 1 end)}]
        assert_equal "*4\r\n\$14\r\nrunning_script\r\n\$-1\r\n\$7\r\nengines\r\n*2\r\n\$3\r\nLUA\r\n*4\r\n\$15\r\nlibraries_count\r\n:2\r\n\$15\r\nfunctions_count\r\n:3\r\n" \
            [raw_reply function stats]
        assert_equal "%2\r\n\$14\r\nrunning_script\r\n_\r\n\$7\r\nengines\r\n%1\r\n\$3\r\nLUA\r\n%2\r\n\$15\r\nlibraries_count\r\n:2\r\n\$15\r\nfunctions_count\r\n:3\r\n" \
            [raw_reply3 function stats]
    }

    test {INFO counts functions and libraries} {
        assert_equal 3 [server_info_field r number_of_functions]
        assert_equal 2 [server_info_field r number_of_libraries]
        r function delete libs2
        assert_equal 1 [server_info_field r number_of_functions]
        assert_equal 1 [server_info_field r number_of_libraries]
        r function flush
        assert_equal 0 [server_info_field r number_of_functions]
        assert_equal 0 [server_info_field r number_of_libraries]
        foreach f {used_memory_vm_functions used_memory_functions} {
            assert {[string is integer -strict [server_info_field r $f]]}
        }
    }

    test {INFO commandstats counts FCALL and the commands functions call} {
        r function load [fn_lib "#!lua name=libcs" \
            {redis.register_function('fcs', function() redis.call('set', 'cs', 1) return redis.call('get', 'cs') end)}]
        r config resetstat
        r fcall fcs 0
        r fcall fcs 0
        set info [r info commandstats]
        assert_match "*cmdstat_fcall:calls=2,*" $info
        assert_match "*cmdstat_set:calls=2,*" $info
        assert_match "*cmdstat_get:calls=2,*" $info
        r function load replace [fn_lib "#!lua name=libcs" \
            {redis.register_function('fcs', function() return 1 end)}]
        assert_match "*cmdstat_function|load:calls=1,*" [r info commandstats]
    }

    # ---------------------------------------- functions and the keyspace
    test {Libraries are not keys: FLUSHALL, FLUSHDB, DBSIZE leave them alone} {
        r function flush
        r function load [fn_simple libkeep fkeep {'kept'}]
        r flushall
        r flushdb
        assert_equal kept [r fcall fkeep 0]
        assert_equal 0 [r dbsize]
        assert_equal {} [r keys *]
    }

    test {SCRIPT FLUSH keeps functions, FUNCTION FLUSH keeps cached scripts} {
        set sha [r script load {return 'script'}]
        r script flush
        assert_equal kept [r fcall fkeep 0]
        set sha [r script load {return 'script'}]
        r function flush
        assert_equal {1} [r script exists $sha]
    }

    test {FCALL inside MULTI/EXEC, and a function's write dirties WATCH} {
        r function load replace [fn_lib "#!lua name=libm" \
            {redis.register_function('fincr', function(keys) return redis.call('incr', keys[1]) end)}]
        r del mk
        r multi
        r fcall fincr 1 mk
        r fcall fincr 1 mk
        assert_equal {1 2} [r exec]
        assert_equal 1 [watch_aborts {{set k 1}} {fcall fincr 1 k}]
    }

    test {CLIENT PAUSE WRITE holds FCALL of a writing function, not FCALL_RO} {
        r function load replace [fn_lib "#!lua name=libpause" \
            {redis.register_function('pw', function() return 'w' end)} \
            {redis.register_function{function_name='pr', callback=function() return 'r' end, flags={'no-writes'}}}]
        r client pause 100000 write
        try {
            assert_equal r [r fcall_ro pr 0]
            assert_equal r [r fcall pr 0]
            set rd [redis_deferring_client]
            $rd fcall pw 0
            wait_for_blocked_clients_count 1
        } finally {
            r client unpause
        }
        assert_equal w [$rd read]
        $rd close
    }

    test {Tracking: the keys a function declares and reads are tracked} {
        r function load replace [fn_lib "#!lua name=libtrack" \
            {redis.register_function{function_name='tget', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}}]
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        assert_equal 1 [tracking_invalidates $rd tf1 {fcall tget 1 tf1}]
        assert_equal 1 [tracking_invalidates $rd tf2 {fcall_ro tget 1 tf2}]
        $rd close
    }

    test {A function's writes raise keyspace notifications} {
        r del fnk
        assert_equal {{fnk incrby}} [keyspace_events_of KA { r fcall fincr 1 fnk }]
    }
}

# ---------------------------------------------------------- busy functions
set ::fn_busy_lib [fn_lib "#!lua name=busy" \
    {redis.register_function('loop', function() local i = 0 while true do i = i + 1 end end)} \
    {redis.register_function{function_name='roloop', callback=function() local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}} \
    {redis.register_function('wloop', function() redis.call('set', 'x', 'y') local i = 0 while true do i = i + 1 end end)}]

start_server {tags {functions needs:own-server} overrides {busy-reply-threshold 100}} {
    r function load $::fn_busy_lib

    test {A long function makes other clients get BUSY naming FUNCTION KILL} {
        with_busy_cleanup {
            set rd [redis_deferring_client]
            $rd fcall loop 0
            set c [redis_client]
            assert_equal "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE." \
                [wait_for_busy_script $c]
            assert_error_equal "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE." \
                {$c get x}
            # SCRIPT KILL does not stop a function.
            assert_error_equal "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE." \
                {$c script kill}
            set st [$c function stats]
            set running [dict get $st running_script]
            assert_equal loop [dict get $running name]
            assert_equal {fcall loop 0} [dict get $running command]
            assert {[string is integer -strict [dict get $running duration_ms]]}
            assert_equal {LUA {libraries_count 1 functions_count 3}} [dict get $st engines]
            assert_equal OK [$c function kill]
            assert_error_equal "ERR Script killed by user with SCRIPT KILL... script: loop, on @user_function:2." {$rd read}
            wait_for_script_end $c
            assert_equal {} [dict get [$c function stats] running_script]
            $rd close
            $c close
        }
    }

    test {FUNCTION KILL of an FCALL_RO function} {
        with_busy_cleanup {
            set rd [redis_deferring_client]
            $rd fcall_ro roloop 0
            set c [redis_client]
            wait_for_busy_script $c
            assert_equal {fcall_ro roloop 0} [dict get [$c function stats] running_script command]
            assert_equal OK [$c function kill]
            assert_error_equal "ERR Script killed by user with SCRIPT KILL... script: roloop, on @user_function:3." {$rd read}
            wait_for_script_end $c
            $rd close
            $c close
        }
    }

    test {FUNCTION KILL does not stop an EVAL script} {
        with_busy_cleanup {
            set rd [redis_deferring_client]
            $rd eval {local i = 0 while true do i = i + 1 end} 0
            set c [redis_client]
            wait_for_busy_script $c
            assert_error_equal "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." \
                {$c function kill}
            assert_equal OK [$c script kill]
            catch {$rd read}
            wait_for_script_end $c
            $rd close
            $c close
        }
    }
}

start_server {tags {functions needs:own-server}} {
    test {A function that wrote is UNKILLABLE; SHUTDOWN NOSAVE stops the server} {
        set s [spawn_server -overrides {busy-reply-threshold 100} -client]
        [dict get $s client] function load $::fn_busy_lib
        set rd [redis_deferring_client $s]
        $rd fcall wloop 0
        set c [redis_client $s]
        wait_for_busy_script $c
        assert_error_equal "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command." \
            {$c function kill}
        shutdown_nosave_busy $s $c $rd
    }
}

# ------------------------------------------------------------- persistence
# Libraries are data: they come back after a restart.  The servers run
# with appendonly yes and appendfsync always (redis-kv persists every write
# anyway; real Redis needs the AOF to keep anything).

proc fn_spawn {{dir ""}} {
    if {$dir eq ""} { set dir [new_tmpdir] }
    return [spawn_server -dir $dir -overrides {appendonly yes appendfsync always} -timeout 30 -client]
}

# The client of spawned server S.
proc fn_c {s} { return [dict get $s client] }

start_server {tags {functions persistence needs:own-server}} {
    test {Libraries survive a graceful restart and kill -9} {
        set s [fn_spawn]
        set code [fn_lib "#!lua name=plib" \
            {redis.register_function{function_name='pf', callback=function(keys, args) return 'persisted ' .. args[1] end, flags={'no-writes'}, description='kept'}}]
        [fn_c $s] function load $code
        set before [[fn_c $s] function list withcode]
        set s [restart_server $s]
        assert_equal $before [[fn_c $s] function list withcode]
        assert_equal {persisted x} [[fn_c $s] fcall_ro pf 0 x]
        set s [restart_server $s -kill9]
        assert_equal $before [[fn_c $s] function list withcode]
        assert_equal {persisted y} [[fn_c $s] fcall pf 0 y]
        stop_server $s
    }

    test {LOAD REPLACE, DELETE and FLUSH survive a restart} {
        set s [fn_spawn]
        set c [fn_c $s]
        $c function load [fn_simple keep1 k1 {'v1'}]
        $c function load [fn_simple gone1 g1]
        $c function load [fn_simple gone2 g2]
        $c function load replace [fn_simple keep1 k1 {'v2'}]
        $c function delete gone1
        set s [restart_server $s -kill9]
        set c [fn_c $s]
        assert_equal v2 [$c fcall k1 0]
        assert_equal {gone2 keep1} [lsort [lmap e [$c function list] {dict get $e library_name}]]
        $c function flush
        set s [restart_server $s]
        assert_equal {} [[fn_c $s] function list]
        stop_server $s
    }

    test {FUNCTION RESTORE survives a restart} {
        set s [fn_spawn]
        set c [fn_c $s]
        $c function load [fn_simple ra fra {'ra'}]
        $c function load [fn_simple rb frb {'rb'}]
        set dump [$c function dump]
        $c function flush
        $c function load [fn_simple other fother]
        $c function restore $dump flush
        set s [restart_server $s -kill9]
        set c [fn_c $s]
        assert_equal {ra rb} [lsort [lmap e [$c function list] {dict get $e library_name}]]
        assert_equal rb [$c fcall frb 0]
        stop_server $s
    }

    test {Libraries survive FLUSHALL and a restart after it} {
        set s [fn_spawn]
        set c [fn_c $s]
        $c set somekey v
        $c function load [fn_simple flib ffl {'after flushall'}]
        $c flushall
        assert_equal {after flushall} [$c fcall ffl 0]
        set s [restart_server $s]
        set c [fn_c $s]
        assert_equal {after flushall} [$c fcall ffl 0]
        assert_equal 0 [$c dbsize]
        stop_server $s
    }

    test {Libraries survive compaction (BGREWRITEAOF) and a restart after it} {
        set s [fn_spawn]
        set c [fn_c $s]
        $c function load [fn_simple clib fcl {'compacted'}]
        $c function load [fn_simple cdead fdead]
        $c function delete cdead
        for {set i 0} {$i < 200} {incr i} { $c set k$i [string repeat x 100] }
        for {set i 0} {$i < 200} {incr i} { $c del k$i }
        $c bgrewriteaof
        wait_compaction_end $c
        assert_equal compacted [$c fcall fcl 0]
        set s [restart_server $s -kill9]
        set c [fn_c $s]
        assert_equal compacted [$c fcall fcl 0]
        assert_equal {clib} [lmap e [$c function list] {dict get $e library_name}]
        stop_server $s
    }

    test {The SCRIPT LOAD cache does not survive a restart} {
        set s [fn_spawn]
        set c [fn_c $s]
        set sha [$c script load {return 'cached'}]
        $c eval {return 'cached too'} 0
        assert_equal {1} [$c script exists $sha]
        set s [restart_server $s]
        set c [fn_c $s]
        assert_equal {0} [$c script exists $sha]
        assert_error_equal "NOSCRIPT No matching script. Please use EVAL." {$c evalsha $sha 0}
        assert_equal 0 [server_info_field $c number_of_cached_scripts]
        stop_server $s
    }
}
