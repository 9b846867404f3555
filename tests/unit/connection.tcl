# Connection commands: PING ECHO QUIT RESET SELECT AUTH HELLO, error texts of
# unknown commands/subcommands, RESP2 vs RESP3 reply forms.

# Send a command and return the exact bytes of its reply, e.g.
#   conn_raw $rd config get port  ->  "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n"
proc conn_raw {client args} {
    set was [$client deferred]
    $client deferred 1
    $client {*}$args
    $client deferred $was
    return [$client read_raw]
}

# Send a command on a fresh deferring client and return the raw bytes of
# everything the server sends back within a short time.
proc conn_raw_exchange {payload {secs 0.1}} {
    set rd [redis_deferring_client]
    $rd write $payload
    $rd flush
    set got [$rd read_available $secs]
    $rd close
    return $got
}

start_server {tags {connection}} {
    test {PING} {
        assert_equal PONG [r ping]
        assert_equal "+PONG\r\n" [conn_raw [srv client] ping]
    }

    test {PING with an argument returns it as a bulk string} {
        assert_equal hello [r ping hello]
        set rd [redis_deferring_client]
        $rd write "*2\r\n\$4\r\nPING\r\n\$5\r\nhello\r\n"
        $rd flush
        assert_equal "\$5\r\nhello\r\n" [$rd read_bytes 11]
        $rd close
        assert_equal {} [r ping {}]
    }

    test {PING: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'ping' command" {r ping a b}
        assert_error_equal "ERR wrong number of arguments for 'ping' command" {r ping a b c}
    }

    test {ECHO} {
        assert_equal hello [r echo hello]
        assert_equal {} [r echo {}]
        set bin "a\x00b\r\nc\xff"
        assert_equal $bin [r echo $bin]
        assert_equal "\$3\r\nabc\r\n" [conn_raw [srv client] echo abc]
    }

    test {ECHO: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'echo' command" {r echo}
        assert_error_equal "ERR wrong number of arguments for 'echo' command" {r echo a b}
    }

    test {Command names are case insensitive} {
        assert_equal PONG [r PING]
        assert_equal PONG [r pInG]
        assert_equal x [r Echo x]
    }

    test {Unknown command: exact error text} {
        assert_error_equal "ERR unknown command 'foo', with args beginning with: 'a' 'b' " {r foo a b}
        assert_error_equal "ERR unknown command 'foo', with args beginning with: " {r foo}
        # The name keeps the case it was sent with.
        assert_error_equal "ERR unknown command 'FooBar', with args beginning with: 'x' " {r FooBar x}
        assert_error_equal "ERR unknown command '', with args beginning with: " {r {}}
    }

    test {Unknown command: long names and arguments are truncated to 128 bytes} {
        set name [string repeat f 200]
        assert_error_equal "ERR unknown command '[string repeat f 128]', with args beginning with: 'a' " {r $name a}
        assert_error_equal "ERR unknown command 'foo', with args beginning with: '[string repeat x 128]' " \
            {r foo [string repeat x 200] b}
        set argv {}
        foreach c {a b c d e f g h i j k l m n o p q r s t u v w x y z} { lappend argv $c }
        lappend argv [string repeat a 70] [string repeat b 30]
        # 26 args of 4 bytes ("'a' ") = 104 bytes, then 24 more bytes.
        assert_error_equal "ERR unknown command 'foo', with args beginning with: [join [lmap c [lrange $argv 0 25] {string cat ' $c {' }}] {}]'[string repeat a 24]' " \
            {r foo {*}$argv}
    }

    test {Unknown command: newlines in the error text become spaces} {
        assert_error_equal "ERR unknown command 'foo', with args beginning with: 'a  b' 'c d' " \
            {r foo "a\r\nb" "c\nd"}
    }

    test {Unknown command does not close the connection} {
        catch {r nosuchcommand}
        assert_equal PONG [r ping]
    }

    test {Unknown subcommand: exact error texts} {
        assert_error_equal "ERR unknown subcommand 'FOO'. Try CLIENT HELP." {r client FOO}
        assert_error_equal "ERR unknown subcommand 'foo'. Try CLIENT HELP." {r client foo}
        assert_error_equal "ERR unknown subcommand 'FOO'. Try CONFIG HELP." {r config FOO}
        assert_error_equal "ERR unknown subcommand 'FOO'. Try COMMAND HELP." {r command FOO}
        assert_error_equal "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP." {r slowlog FOO}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP." {r debug FOO}
    }

    test {Container commands without a subcommand, subcommand arity errors} {
        assert_error_equal "ERR wrong number of arguments for 'client' command" {r client}
        assert_error_equal "ERR wrong number of arguments for 'config' command" {r config}
        assert_error_equal "ERR wrong number of arguments for 'config|get' command" {r config get}
    }

    test {QUIT replies +OK and closes the connection} {
        set rd [redis_deferring_client]
        $rd write "QUIT\r\n"
        $rd flush
        assert_equal OK [$rd read]
        assert_closed $rd
        $rd close
        assert_equal PONG [r ping]
    }

    test {QUIT: commands pipelined after it are not executed} {
        assert_equal "+PONG\r\n\$1\r\nx\r\n+OK\r\n" \
            [conn_raw_exchange "PING\r\nECHO x\r\nQUIT\r\nPING\r\nECHO y\r\n"]
    }

    test {QUIT ignores extra arguments} {
        set rd [redis_deferring_client]
        $rd quit extra args
        assert_equal OK [$rd read]
        assert_closed $rd
        $rd close
    }

    test {QUIT as a multibulk request} {
        set rd [redis_client]
        assert_equal OK [$rd quit]
        assert_closed $rd
        $rd close
    }

    test {SELECT a valid database} {
        set rd [redis_client]
        for {set db 0} {$db < 16} {incr db} {
            assert_equal OK [$rd select $db]
            assert_match "* db=$db *" [$rd client info]
        }
        $rd close
    }

    test {SELECT: out of range index} {
        assert_error_equal "ERR DB index is out of range" {r select 16}
        assert_error_equal "ERR DB index is out of range" {r select 1000}
        assert_error_equal "ERR DB index is out of range" {r select -1}
    }

    test {SELECT: not an integer} {
        assert_error_equal "ERR value is not an integer or out of range" {r select foo}
        assert_error_equal "ERR value is not an integer or out of range" {r select 1.5}
        assert_error_equal "ERR value is not an integer or out of range" {r select {}}
        assert_error_equal "ERR value is not an integer or out of range" {r select 99999999999999999999999}
    }

    test {SELECT: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'select' command" {r select}
        assert_error_equal "ERR wrong number of arguments for 'select' command" {r select 1 2}
    }

    test {A failed SELECT keeps the current database} {
        set rd [redis_client]
        assert_equal OK [$rd select 5]
        catch {$rd select 99}
        assert_match "* db=5 *" [$rd client info]
        $rd close
    }

    test {RESET replies +RESET} {
        set rd [redis_client]
        assert_equal RESET [$rd reset]
        assert_equal "+RESET\r\n" [conn_raw $rd reset]
        $rd close
    }

    test {RESET: wrong number of arguments} {
        assert_error_equal "ERR wrong number of arguments for 'reset' command" {r reset x}
    }

    test {RESET restores the database, the name and the protocol} {
        set rd [redis_client]
        assert_equal OK [$rd select 3]
        assert_equal OK [$rd client setname myname]
        $rd hello 3
        assert_match "* name=myname * db=3 *resp=3*" [$rd client info]
        assert_equal "+RESET\r\n" [conn_raw $rd reset]
        set info [$rd client info]
        assert_match "* name= *" $info
        assert_match "* db=0 *" $info
        assert_match "*resp=2*" $info
        assert_equal {} [$rd client getname]
        # RESP2 forms again.
        assert_equal "\$-1\r\n" [conn_raw $rd client getname]
        assert_equal "*2\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw $rd config get port]
        $rd close
    }

    test {RESET keeps the client id} {
        set rd [redis_client]
        set id [$rd client id]
        $rd reset
        assert_equal $id [$rd client id]
        $rd close
    }

    test {RESET turns MONITOR off} {
        set mon [redis_deferring_client]
        $mon monitor
        assert_equal OK [$mon read]
        r echo monitored
        # The monitor sees ECHO (possibly after other commands).
        wait_for_condition 50 10 {
            [string match {*"echo"*"monitored"*} [$mon read]]
        } else {
            fail "MONITOR did not show the ECHO command"
        }
        $mon reset
        while {[set reply [$mon read]] ne "RESET"} {
            assert_match {*[0-9] \[*} $reply
        }
        r echo not-monitored
        $mon ping
        assert_equal PONG [$mon read]
        $mon close
    }

    test {AUTH without a configured password} {
        assert_error_equal "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?" {r auth foo}
    }

    test {AUTH default <any password> succeeds when the default user has no password} {
        assert_equal OK [r auth default whatever]
    }

    test {AUTH: wrong number of arguments, syntax error} {
        assert_error_equal "ERR wrong number of arguments for 'auth' command" {r auth}
        assert_error_equal "ERR syntax error" {r auth a b c}
    }

    test {HELLO without arguments returns the RESP2 server info} {
        set rd [redis_client]
        set reply [$rd hello]
        assert_equal 14 [llength $reply]
        assert_equal {server version proto id mode role modules} \
            [dict keys $reply]
        # Clients may look at these: redis-kv presents itself as Redis 7.
        assert_equal redis [dict get $reply server]
        assert_match {[7-9].[0-9]*.[0-9]*} [dict get $reply version]
        assert_equal 2 [dict get $reply proto]
        assert_equal [$rd client id] [dict get $reply id]
        assert_equal standalone [dict get $reply mode]
        assert_equal master [dict get $reply role]
        assert_equal {} [dict get $reply modules]
        assert_match "\\*14\r\n*" [conn_raw $rd hello]
        $rd close
    }

    test {HELLO 2 replies with an array} {
        set rd [redis_client]
        set raw [conn_raw $rd hello 2]
        set id [$rd client id]
        set server [dict get [$rd hello 2] server]
        set version [dict get [$rd hello 2] version]
        assert_equal "*14\r\n[resp_bulk server][resp_bulk $server][resp_bulk version][resp_bulk $version][resp_bulk proto]:2\r\n[resp_bulk id]:$id\r\n[resp_bulk mode][resp_bulk standalone][resp_bulk role][resp_bulk master][resp_bulk modules]*0\r\n" $raw
        $rd close
    }

    test {HELLO 3 replies with a map and switches to RESP3} {
        set rd [redis_client]
        set raw [conn_raw $rd hello 3]
        set id [$rd client id]
        set server [dict get [$rd hello 3] server]
        set version [dict get [$rd hello 3] version]
        assert_equal "%7\r\n[resp_bulk server][resp_bulk $server][resp_bulk version][resp_bulk $version][resp_bulk proto]:3\r\n[resp_bulk id]:$id\r\n[resp_bulk mode][resp_bulk standalone][resp_bulk role][resp_bulk master][resp_bulk modules]*0\r\n" $raw
        assert_match "*resp=3*" [$rd client info]
        # Decoded form: a dict.
        set reply [$rd hello 3]
        assert_equal 3 [dict get $reply proto]
        assert_equal [$rd client id] [dict get $reply id]
        $rd close
    }

    test {HELLO 2 after HELLO 3 switches back to RESP2} {
        set rd [redis_client]
        $rd hello 3
        assert_equal "%1\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw $rd config get port]
        assert_match "\\*14\r\n*" [conn_raw $rd hello 2]
        assert_equal "*2\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw $rd config get port]
        $rd close
    }

    test {HELLO: unsupported protocol versions} {
        assert_error_equal "NOPROTO unsupported protocol version" {r hello 4}
        assert_error_equal "NOPROTO unsupported protocol version" {r hello 1}
        assert_error_equal "NOPROTO unsupported protocol version" {r hello 0}
        assert_error_equal "NOPROTO unsupported protocol version" {r hello -3}
        assert_error_equal "ERR Protocol version is not an integer or out of range" {r hello foo}
        assert_error_equal "ERR Protocol version is not an integer or out of range" {r hello 3.0}
        # Still RESP2.
        assert_equal "*2\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw [srv client] config get port]
    }

    test {HELLO SETNAME sets the client name} {
        set rd [redis_client]
        set reply [$rd hello 3 setname myname]
        assert_equal 3 [dict get $reply proto]
        assert_equal myname [$rd client getname]
        $rd hello 2 SETNAME other
        assert_equal other [$rd client getname]
        $rd close
    }

    test {HELLO option errors} {
        set rd [redis_client]
        assert_error_equal "ERR Syntax error in HELLO option 'FOO'" {$rd hello 3 FOO}
        assert_error_equal "ERR Syntax error in HELLO option 'SETNAME'" {$rd hello 3 SETNAME}
        assert_error_equal "ERR Syntax error in HELLO option 'AUTH'" {$rd hello 3 AUTH default}
        assert_error_equal "ERR Client names cannot contain spaces, newlines or special characters." \
            {$rd hello 3 setname "a b"}
        # A failed HELLO changes nothing.
        assert_match "*resp=2*" [$rd client info]
        assert_equal {} [$rd client getname]
        $rd close
        # (Redis 7.0 sets the name before it finds the bad option: not tested.)
        set rd [redis_client]
        assert_error_equal "ERR Syntax error in HELLO option 'bar'" {$rd hello 2 setname foo bar}
        $rd close
    }

    test {HELLO AUTH with the default user and no password configured} {
        set rd [redis_client]
        set reply [$rd hello 3 auth default anything]
        assert_equal 3 [dict get $reply proto]
        $rd close
    }

    test {RESP3: CONFIG GET returns a map} {
        set rd [redis_client]
        $rd hello 3
        assert_equal "%1\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw $rd config get port]
        set reply [$rd config get port]
        assert_equal [list port [srv port]] $reply
        assert_equal [srv port] [dict get $reply port]
        $rd close
    }

    test {RESP3: PING, ECHO and errors have the same form as in RESP2} {
        set rd [redis_client]
        $rd hello 3
        assert_equal "+PONG\r\n" [conn_raw $rd ping]
        assert_equal "\$2\r\nhi\r\n" [conn_raw $rd echo hi]
        assert_equal "-ERR DB index is out of range\r\n" [conn_raw $rd select 99]
        assert_error_equal "ERR unknown command 'foo', with args beginning with: 'x' " {$rd foo x}
        $rd close
    }

    test {RESP3: null reply} {
        set rd [redis_client]
        $rd hello 3
        assert_equal "_\r\n" [conn_raw $rd client getname]
        $rd null_value <null>
        assert_equal <null> [$rd client getname]
        $rd hello 2
        assert_equal "\$-1\r\n" [conn_raw $rd client getname]
        $rd close
    }

    test {RESP3: CLIENT INFO is a verbatim string} {
        set rd [redis_client]
        $rd hello 3
        set raw [conn_raw $rd client info]
        assert_match "=*\r\ntxt:id=*resp=3*\r\n" $raw
        regexp {^=(\d+)\r\n} $raw -> len
        assert_equal [string length $raw] [expr {[string length "=$len\r\n"] + $len + 2}]
        assert_match "id=*resp=3*" [$rd client info]
        $rd close
    }
}

start_server {tags {connection} overrides {databases 4}} {
    test {SELECT honours the databases config} {
        assert_equal {databases 4} [r config get databases]
        assert_equal OK [r select 0]
        assert_equal OK [r select 3]
        assert_error_equal "ERR DB index is out of range" {r select 4}
        assert_error_equal "ERR DB index is out of range" {r select 15}
    }
}

start_server {tags {connection} overrides {requirepass foobar}} {
    test {NOAUTH before authentication} {
        set rd [redis_client]
        assert_error_equal "NOAUTH Authentication required." {$rd ping}
        assert_error_equal "NOAUTH Authentication required." {$rd echo x}
        assert_error_equal "NOAUTH Authentication required." {$rd select 1}
        assert_error_equal "NOAUTH Authentication required." {$rd client id}
        assert_error_equal "NOAUTH Authentication required." {$rd config get port}
        $rd close
    }

    test {Unknown commands and arity errors come before NOAUTH} {
        set rd [redis_client]
        assert_error_equal "ERR unknown command 'foo', with args beginning with: 'bar' " {$rd foo bar}
        assert_error_equal "ERR unknown subcommand 'FOO'. Try CLIENT HELP." {$rd client FOO}
        assert_error_equal "ERR wrong number of arguments for 'echo' command" {$rd echo}
        assert_error_equal "ERR wrong number of arguments for 'select' command" {$rd select}
        assert_error_equal "ERR wrong number of arguments for 'config|get' command" {$rd config get}
        # PING checks its argument count itself, after authentication.
        assert_error_equal "NOAUTH Authentication required." {$rd ping a b}
        $rd close
    }

    test {QUIT works before authentication} {
        set rd [redis_client]
        assert_equal OK [$rd quit]
        assert_closed $rd
        $rd close
    }

    test {AUTH with a wrong password} {
        set rd [redis_client]
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." {$rd auth wrong}
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." {$rd auth default wrong}
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." {$rd auth nosuchuser foobar}
        # The connection stays open and unauthenticated.
        assert_error_equal "NOAUTH Authentication required." {$rd ping}
        $rd close
    }

    test {AUTH with the right password} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        assert_equal PONG [$rd ping]
        $rd close
    }

    test {AUTH default <password>} {
        set rd [redis_client]
        assert_equal OK [$rd auth default foobar]
        assert_equal PONG [$rd ping]
        $rd close
    }

    test {A failed AUTH after a successful one keeps the client authenticated} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        catch {$rd auth wrong}
        assert_equal PONG [$rd ping]
        $rd close
    }

    test {RESET makes the client unauthenticated again} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        assert_equal RESET [$rd reset]
        assert_error_equal "NOAUTH Authentication required." {$rd ping}
        $rd close
    }

    test {HELLO without AUTH before authentication} {
        set msg "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
        set rd [redis_client]
        assert_error_equal $msg {$rd hello}
        assert_error_equal $msg {$rd hello 2}
        assert_error_equal $msg {$rd hello 3}
        assert_error_equal $msg {$rd hello 3 setname foo}
        # The protocol version is checked first.
        assert_error_equal "NOPROTO unsupported protocol version" {$rd hello 4}
        $rd close
    }

    test {HELLO AUTH with a wrong password} {
        set rd [redis_client]
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." \
            {$rd hello 3 auth default wrong}
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." \
            {$rd hello 2 auth default wrong setname x}
        assert_error_equal "NOAUTH Authentication required." {$rd ping}
        assert_equal 2 [dict get [$rd hello 2 auth default foobar] proto]
        $rd close
    }

    test {HELLO AUTH authenticates and selects the protocol} {
        set rd [redis_client]
        set reply [$rd hello 3 auth default foobar]
        assert_equal 3 [dict get $reply proto]
        assert_equal PONG [$rd ping]
        assert_equal "%1\r\n[resp_bulk port][resp_bulk [srv port]]" [conn_raw $rd config get port]
        $rd close
    }

    test {HELLO AUTH and SETNAME together} {
        set rd [redis_client]
        set reply [$rd hello 2 auth default foobar setname named]
        assert_equal 2 [dict get $reply proto]
        assert_equal named [$rd client getname]
        $rd close
    }

    test {CONFIG SET requirepass: existing connections stay authenticated} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        assert_equal OK [$rd config set requirepass other]
        assert_equal PONG [$rd ping]
        set rd2 [redis_client]
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." {$rd2 auth foobar}
        assert_equal OK [$rd2 auth other]
        assert_equal OK [$rd config set requirepass foobar]
        $rd close
        $rd2 close
    }

    test {CONFIG SET requirepass "" disables authentication} {
        set rd [redis_client]
        assert_equal OK [$rd auth foobar]
        assert_equal OK [$rd config set requirepass ""]
        set rd2 [redis_client]
        assert_equal PONG [$rd2 ping]
        assert_equal OK [$rd config set requirepass foobar]
        set rd3 [redis_client]
        assert_error_equal "NOAUTH Authentication required." {$rd3 ping}
        $rd3 close
        $rd close
        $rd2 close
    }
}
