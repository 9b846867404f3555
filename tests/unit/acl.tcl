# ACL users: ACL SETUSER's rules, the permission check of commands, keys and
# channels, AUTH and HELLO AUTH against users, ACL LOG, the ACL file, and the
# other ACL subcommands.  Replies are Redis 7.0.15's.

# A new client logged in as USER with PASS.
proc acl_client_as {user pass} {
    set c [redis_client]
    assert_equal OK [$c auth $user $pass]
    return $c
}

proc assert_noperm_cmd {name code} {
    uplevel 1 [list assert_error_equal \
        "NOPERM this user has no permissions to run the '$name' command" $code]
}

proc assert_noperm_key {code} {
    uplevel 1 [list assert_error_equal \
        "NOPERM this user has no permissions to access one of the keys used as arguments" $code]
}

proc assert_noperm_channel {code} {
    uplevel 1 [list assert_error_equal \
        "NOPERM this user has no permissions to access one of the channels used as arguments" $code]
}

# The ACL LIST line of one user.
proc acl_line {user} {
    foreach l [r acl list] {
        if {[string match "user $user *" $l]} { return $l }
    }
    return ""
}

start_server {tags {acl}} {
    test {Connections start as the default user, which may do anything} {
        assert_equal default [r acl whoami]
        assert_equal {{user default on nopass ~* &* +@all}} [r acl list]
        assert_equal {default} [r acl users]
    }

    test {A new user is off, without passwords, keys, channels or commands} {
        assert_equal OK [r acl setuser newuser]
        assert_equal {user newuser off resetchannels -@all} [acl_line newuser]
        set u [r acl getuser newuser]
        assert_equal {off} [dict get $u flags]
        assert_equal {} [dict get $u passwords]
        assert_equal {-@all} [dict get $u commands]
        assert_equal {} [dict get $u keys]
        assert_equal {} [dict get $u channels]
        assert_equal {} [dict get $u selectors]
        assert_equal {} [r acl getuser nosuchuser]
    }

    test {User names may not contain spaces or NUL} {
        assert_error_equal "ERR Usernames can't contain spaces or null characters" \
            {r acl setuser "a b"}
        assert_error_equal "ERR Usernames can't contain spaces or null characters" \
            {r acl setuser "a\x00b"}
        assert_equal {} [r acl getuser "a b"]
    }

    test {An off user cannot log in; on lets it} {
        r acl setuser newuser >passwd1 +acl
        assert_error_equal "WRONGPASS invalid username-password pair or user is disabled." \
            {r auth newuser passwd1}
        r acl setuser newuser on
        set c [acl_client_as newuser passwd1]
        assert_equal newuser [$c acl whoami]
        $c close
    }

    test {Only the user's passwords work, each one of them} {
        r acl setuser newuser >passwd2
        set c [redis_client]
        assert_equal OK [$c auth newuser passwd1]
        assert_equal OK [$c auth newuser passwd2]
        assert_error "WRONGPASS*" {$c auth newuser passwd3}
        # a failed AUTH leaves the client logged in as before
        assert_equal newuser [$c acl whoami]
        r acl setuser newuser <passwd1
        assert_error "WRONGPASS*" {$c auth newuser passwd1}
        assert_equal OK [$c auth newuser passwd2]
        $c close
    }

    test {Passwords are kept and shown as their SHA-256} {
        r acl setuser hashuser on >p
        set hash 148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940
        assert_equal [list $hash] [dict get [r acl getuser hashuser] passwords]
        assert_match "user hashuser on #$hash *" [acl_line hashuser]
        # the same password twice is one password
        r acl setuser hashuser >p #$hash
        assert_equal [list $hash] [dict get [r acl getuser hashuser] passwords]
    }

    test {#hash adds and !hash removes a password by its hash} {
        set hash [string repeat ab 32]
        r acl setuser hashuser resetpass #$hash
        assert_equal [list $hash] [dict get [r acl getuser hashuser] passwords]
        r acl setuser hashuser !$hash
        assert_equal {} [dict get [r acl getuser hashuser] passwords]
        assert_error_equal "ERR Error in ACL SETUSER modifier '!$hash': The password you are trying to remove from the user does not exist" \
            {r acl setuser hashuser !$hash}
        assert_error_equal "ERR Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user does not exist" \
            {r acl setuser hashuser <nope}
    }

    test {A password hash must be 64 lowercase hex characters} {
        set msg "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
        assert_error_equal "ERR Error in ACL SETUSER modifier '#abc': $msg" {r acl setuser hashuser #abc}
        set upper [string repeat AB 32]
        assert_error_equal "ERR Error in ACL SETUSER modifier '#$upper': $msg" {r acl setuser hashuser #$upper}
        set long [string repeat a 65]
        assert_error_equal "ERR Error in ACL SETUSER modifier '!$long': $msg" {r acl setuser hashuser !$long}
    }

    test {nopass accepts any password; resetpass accepts none} {
        r acl setuser nopassuser on nopass +acl
        set c [acl_client_as nopassuser whatever]
        assert_equal nopassuser [$c acl whoami]
        r acl setuser nopassuser resetpass
        assert_error "WRONGPASS*" {$c auth nopassuser whatever}
        assert_equal {user nopassuser on resetchannels -@all +acl} [acl_line nopassuser]
        # a password after nopass ends nopass
        r acl setuser nopassuser nopass >x
        assert_equal {on} [dict get [r acl getuser nopassuser] flags]
        $c close
    }

    test {A failed rule leaves the user as it was, a new user uncreated} {
        r acl setuser keep on >k ~k* +get
        set before [acl_line keep]
        assert_error_equal "ERR Error in ACL SETUSER modifier 'bogus': Syntax error" \
            {r acl setuser keep -get +set bogus}
        assert_equal $before [acl_line keep]
        assert_error "ERR*" {r acl setuser neverborn on bogus}
        assert_equal {} [r acl getuser neverborn]
    }

    test {Rule errors name the rule and the reason, as Redis does} {
        assert_error_equal "ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL" \
            {r acl setuser e +nosuchcmd}
        assert_error_equal "ERR Error in ACL SETUSER modifier '-@nosuchcat': Unknown command or category name in ACL" \
            {r acl setuser e -@nosuchcat}
        assert_error_equal "ERR Error in ACL SETUSER modifier '+client|nosuch': Unknown command or category name in ACL" \
            {r acl setuser e +client|nosuch}
        assert_error_equal "ERR Error in ACL SETUSER modifier '+client|list|x': Allowing first-arg of a subcommand is not supported" \
            {r acl setuser e +client|list|x}
        assert_error_equal "ERR Error in ACL SETUSER modifier '+select|': Syntax error" \
            {r acl setuser e +select|}
        assert_error_equal "ERR Error in ACL SETUSER modifier '%X~a': Syntax error" {r acl setuser e %X~a}
        assert_error_equal "ERR Error in ACL SETUSER modifier '%~a': Syntax error" {r acl setuser e %~a}
        assert_error_equal "ERR Error in ACL SETUSER modifier '%RR~a': Syntax error" {r acl setuser e %RR~a}
        assert_error_equal "ERR Error in ACL SETUSER modifier '%R': Syntax error" {r acl setuser e %R}
        assert_error_equal "ERR Error in ACL SETUSER modifier '~b': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns" \
            {r acl setuser e ~a allkeys ~b}
        assert_error_equal "ERR Error in ACL SETUSER modifier '&b': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels" \
            {r acl setuser e allchannels &b}
        assert_error_equal "ERR Unmatched parenthesis in acl selector starting at '(+get'." \
            {r acl setuser e (+get ~x}
        assert_equal {} [r acl getuser e]
    }
}

start_server {tags {acl}} {
    r acl setuser u on >pass ~a* +get +set +acl|whoami
    set c [acl_client_as u pass]

    test {A user runs only the commands it is given, with Redis's NOPERM text} {
        assert_equal OK [$c set a1 v]
        assert_equal v [$c get a1]
        assert_noperm_cmd del {$c del a1}
        assert_noperm_cmd client|list {$c client list}
        assert_noperm_cmd acl|users {$c acl users}
        # AUTH and HELLO (no_auth) are always allowed
        assert_equal OK [$c auth u pass]
        assert_match {*proto*} [$c hello 2]
    }

    test {Keys outside the user's patterns are refused, for every key of a command} {
        assert_noperm_key {$c get b}
        assert_noperm_key {$c set b v}
        r acl setuser u +mget +rename +copy
        assert_equal {v {}} [$c mget a1 a2]
        assert_noperm_key {$c mget a1 b}
        assert_noperm_key {$c rename a1 b1}
        assert_noperm_key {$c copy a1 zz}
        assert_equal 1 [r exists a1]
        assert_equal 0 [r exists b1 zz]
    }

    test {A refused command changes nothing} {
        r set b secret
        r acl setuser u +append +incr
        assert_noperm_key {$c append b x}
        assert_equal secret [r get b]
    }

    test {Argument errors come before the permission check} {
        assert_error_equal "ERR wrong number of arguments for 'del' command" {$c del}
        assert_error "ERR unknown command*" {$c nosuchcommand}
    }

    test {%R~ allows reading, %W~ writing, ~ both} {
        r acl setuser rw on >p resetkeys %R~r* %W~w* ~b* +@all
        set rw [acl_client_as rw p]
        r set r1 x
        r set w1 x
        assert_equal x [$rw get r1]
        assert_noperm_key {$rw set r1 y}
        assert_noperm_key {$rw get w1}
        assert_equal OK [$rw set w1 y]
        assert_equal OK [$rw set b1 y]
        assert_equal y [$rw get b1]
        # LMOVE reads and writes its source and writes its destination
        r rpush r:list e
        assert_noperm_key {$rw lmove r:list w:list left left}
        r rpush b:list e
        assert_equal e [$rw lmove b:list w:list left left]
        # COPY reads its source, writes its destination
        assert_equal 1 [$rw copy r1 w:copy]
        assert_noperm_key {$rw copy w1 r:copy}
        assert_equal {%R~r* %W~w* ~b*} [dict get [r acl getuser rw] keys]
        # the same pattern twice is one pattern with both permissions
        r acl setuser rw %W~r*
        assert_equal {~r* %W~w* ~b*} [dict get [r acl getuser rw] keys]
        $rw close
    }

    test {resetkeys and allkeys} {
        r acl setuser k on nopass ~x* +get
        r acl setuser k resetkeys
        assert_equal {} [dict get [r acl getuser k] keys]
        r acl setuser k allkeys
        assert_equal {~*} [dict get [r acl getuser k] keys]
        r acl setuser k resetkeys ~y
        assert_equal {~y} [dict get [r acl getuser k] keys]
    }

    $c close
}

start_server {tags {acl}} {
    test {Commands and categories: +, -, and the description ACL LIST rebuilds} {
        foreach {rules expected} {
            {+@string} {-@all +@string}
            {+@all -@string} {+@all -@string}
            {+@read -get} {-@all +@read -get}
            {+client|list} {-@all +client|list}
            {+select|0 +select|1} {-@all +select|0 +select|1}
            {+@all -client +client|id} {+@all -client +client|id}
            {+client -client|kill} {-@all +client -client|kill}
            {-@all +@hash +@list -lpush} {-@all +@hash +@list -lpush}
            {allcommands -get +get} {+@all}
            {+@all -@all +set} {-@all +set}
            {+@all -@dangerous} {+@all -@dangerous}
            {nocommands +GET} {-@all +get}
        } {
            r acl setuser t reset {*}$rules
            assert_equal "user t off sanitize-payload resetchannels $expected" [acl_line t] $rules
            assert_equal $expected [dict get [r acl getuser t] commands] $rules
        }
    }

    test {Flags: on/off, nopass, sanitize-payload, skip-sanitize-payload} {
        r acl setuser f reset on nopass skip-sanitize-payload
        assert_equal {on nopass skip-sanitize-payload} [dict get [r acl getuser f] flags]
        r acl setuser f sanitize-payload off
        assert_equal {off nopass sanitize-payload} [dict get [r acl getuser f] flags]
    }

    test {A category allows its subcommands; a subcommand can be allowed alone} {
        r acl setuser s on nopass -@all +@connection
        set c [acl_client_as s x]
        assert_match {*id=*} [$c client info]
        assert_noperm_cmd config|get {$c config get port}
        r acl setuser s -@all +client|id
        assert_equal [$c client id] [$c client id]
        assert_noperm_cmd client|info {$c client info}
        # excluding one subcommand of an allowed container
        r acl setuser s +client -client|id
        assert_match {*id=*} [$c client info]
        assert_noperm_cmd client|id {$c client id}
        $c close
    }

    test {First arguments of a plain command: SELECT 0 only, DEBUG OBJECT only} {
        r acl setuser sel on nopass ~* -@all +select|0 +debug|sleep +set
        set c [acl_client_as sel x]
        assert_equal OK [$c select 0]
        assert_noperm_cmd select {$c select 1}
        assert_equal OK [$c debug sleep 0]
        assert_noperm_cmd debug {$c debug reload}
        # single commands come in no particular order (Redis: its dict's)
        assert_equal {+debug|sleep +select|0 +set -@all} [lsort [dict get [r acl getuser sel] commands]]
        # allowing the whole command drops the first arguments
        r acl setuser sel +select
        assert_equal OK [$c select 1]
        assert_equal {+debug|sleep +select +set -@all} [lsort [dict get [r acl getuser sel] commands]]
        $c close
    }

    test {Removing a command after a first-arg rule removes the rule} {
        r acl setuser fa reset +select|0 -select
        assert_equal {-@all} [dict get [r acl getuser fa] commands]
    }

    test {Selectors: one of them allowing the whole request is enough} {
        r acl setuser sl on nopass ~a* +get (~b* +set) (~c* +@hash)
        set c [acl_client_as sl x]
        r set a1 1
        assert_equal 1 [$c get a1]
        assert_equal OK [$c set b1 2]
        assert_equal 1 [$c hset c1 f v]
        # no selector allows SET a1 (the root one has GET only, the others other keys)
        assert_noperm_key {$c set a1 x}
        assert_noperm_cmd del {$c del a1}
        # GET of b1: the root selector allows GET but not b1
        assert_noperm_key {$c get b1}
        set u [r acl getuser sl]
        assert_equal 2 [llength [dict get $u selectors]]
        assert_equal {-@all +set} [dict get [lindex [dict get $u selectors] 0] commands]
        assert_equal {~b*} [dict get [lindex [dict get $u selectors] 0] keys]
        assert_equal {} [dict get [lindex [dict get $u selectors] 0] channels]
        assert_equal {user sl on nopass ~a* resetchannels -@all +get (~b* resetchannels -@all +set) (~c* resetchannels -@all +@hash)} [acl_line sl]
        r acl setuser sl clearselectors
        assert_equal {} [dict get [r acl getuser sl] selectors]
        assert_noperm_cmd set {$c set b1 2}
        $c close
    }

    test {A selector's rules are checked as a whole} {
        assert_error_equal "ERR Error in ACL SETUSER modifier '(~x bogus)': Syntax error" \
            {r acl setuser sl (~x bogus)}
        assert_error_equal "ERR Error in ACL SETUSER modifier '(on)': Syntax error" \
            {r acl setuser sl (on)}
    }

    test {Selectors may be written with spaces inside and around the parentheses} {
        r acl setuser flex "(~key1 +get )" "( ~key2 +get )" (~key3 +get ) ( ~key4 +get )
        set sels [dict get [r acl getuser flex] selectors]
        assert_equal 4 [llength $sels]
        foreach i {0 1 2 3} {
            assert_equal "~key[expr {$i + 1}]" [dict get [lindex $sels $i] keys]
        }
        assert_error "*Syntax error*" {r acl setuser flex " () "}
        assert_error "*Syntax error*" {r acl setuser flex )}
        assert_error "*Unmatched parenthesis*" {r acl setuser flex (}
    }

    test {The denial logged is that of the selector that got furthest} {
        r acl setuser far on nopass +mget ~key (+mget ~key ~otherkey)
        set c [acl_client_as far x]
        r acl log reset
        assert_noperm_cmd get {$c get key}
        assert_equal {command get} [list [dict get [lindex [r acl log] 0] reason] [dict get [lindex [r acl log] 0] object]]
        assert_noperm_key {$c mget otherkey someotherkey}
        assert_equal {key someotherkey} [list [dict get [lindex [r acl log] 0] reason] [dict get [lindex [r acl log] 0] object]]
        $c close
    }

    test {%R~ plus %W~ on one pattern is ~} {
        r acl setuser rwsame %R~foo %W~foo %RW~bar
        assert_equal {~foo ~bar} [dict get [r acl getuser rwsame] keys]
    }

    test {SET and BITFIELD ask for read access only when they read} {
        r acl setuser wonly on nopass +set +bitfield %W~w*
        assert_equal OK [r acl dryrun wonly set w1 v]
        assert_equal "This user has no permissions to access the 'w1' key" [r acl dryrun wonly set w1 v get]
        assert_equal "This user has no permissions to access the 'w1' key" [r acl dryrun wonly bitfield w1 get u8 0]
        r acl setuser ronly on nopass +set +bitfield +get %R~r*
        assert_equal "This user has no permissions to access the 'r1' key" [r acl dryrun ronly set r1 v]
        assert_equal OK [r acl dryrun ronly get r1]
    }

    test {reset leaves a user as new, with sanitize-payload} {
        r acl setuser rs on >p ~* &* +@all (~x +get)
        r acl setuser rs reset
        assert_equal {user rs off sanitize-payload resetchannels -@all} [acl_line rs]
    }
}

start_server {tags {acl}} {
    test {Channels: publish and subscribe only where allowed} {
        r acl setuser ch on nopass +@all ~* resetchannels &news.* &tech
        set c [acl_client_as ch x]
        assert_equal 0 [$c publish news.eu m]
        assert_equal 0 [$c publish tech m]
        assert_noperm_channel {$c publish other m}
        assert_noperm_channel {$c spublish other m}
        assert_noperm_channel {$c subscribe tech other}
        assert_noperm_channel {$c ssubscribe other}
        # a pattern must be one of the user's patterns literally
        assert_noperm_channel {$c psubscribe news.eu*}
        assert_noperm_channel {$c psubscribe *}
        assert_equal {&news.* &tech} [dict get [r acl getuser ch] channels]
        $c close
        set rd [redis_deferring_client]
        $rd auth ch x
        assert_equal OK [$rd read]
        $rd psubscribe news.*
        assert_equal {psubscribe news.* 1} [$rd read]
        $rd subscribe tech
        assert_equal {subscribe tech 2} [$rd read]
        $rd close
    }

    test {A refused subscription inside MULTI dooms the transaction} {
        set c [acl_client_as ch x]
        $c multi
        assert_noperm_channel {$c publish other m}
        assert_error_equal "EXECABORT Transaction discarded because of previous errors." {$c exec}
        $c multi
        assert_noperm_channel {$c psubscribe other:*}
        $c discard
        $c close
    }

    test {New users get no channels unless acl-pubsub-default is allchannels} {
        r acl setuser fresh1
        assert_equal {} [dict get [r acl getuser fresh1] channels]
        r config set acl-pubsub-default allchannels
        r acl setuser fresh2
        assert_equal {&*} [dict get [r acl getuser fresh2] channels]
        assert_equal {user fresh2 off &* -@all} [acl_line fresh2]
        # existing users keep what they had
        assert_equal {} [dict get [r acl getuser fresh1] channels]
        r acl setuser fresh1 reset
        assert_equal {&*} [dict get [r acl getuser fresh1] channels]
        r config set acl-pubsub-default resetchannels
        r acl setuser fresh1 reset
        assert_equal {} [dict get [r acl getuser fresh1] channels]
        assert_equal {acl-pubsub-default resetchannels} [r config get acl-pubsub-default]
    }

    test {A subscriber whose user loses its channel is disconnected} {
        r acl setuser sub on nopass +@all ~* resetchannels &a &b:*
        set rd1 [redis_deferring_client]
        $rd1 auth sub x
        $rd1 read
        $rd1 subscribe a
        $rd1 read
        set rd2 [redis_deferring_client]
        $rd2 auth sub x
        $rd2 read
        $rd2 psubscribe b:*
        $rd2 read
        # rd2's pattern is kept literally: it stays
        r acl setuser sub resetchannels &b:* &c
        assert_closed $rd1
        $rd2 ping
        assert_equal {pong {}} [$rd2 read]
        r acl setuser sub resetchannels &b:x
        assert_closed $rd2
        $rd1 close
        $rd2 close
    }

    test {Gaining allchannels keeps subscribers} {
        set rd [redis_deferring_client]
        $rd auth sub x
        $rd read
        $rd subscribe b:x
        $rd read
        r acl setuser sub allchannels
        $rd ping
        assert_equal {pong {}} [$rd read]
        $rd close
    }
}

start_server {tags {acl}} {
    r acl setuser antirez on >foo ~obj:* +set +get +multi +exec +eval +auth
    test {ACL LOG records a refused command, key and channel} {
        r acl log reset
        set c [acl_client_as antirez foo]
        catch {$c incr x}
        catch {$c get other}
        r acl setuser antirez +publish
        catch {$c publish chan m}
        set log [r acl log]
        assert_equal 3 [llength $log]
        set e [lindex $log 2]
        assert_equal {command toplevel incr antirez 1} \
            [list [dict get $e reason] [dict get $e context] [dict get $e object] \
                 [dict get $e username] [dict get $e count]]
        assert_match {*cmd=incr user=antirez*} [dict get $e client-info]
        assert {[dict get $e age-seconds] >= 0}
        set e [lindex $log 1]
        assert_equal {key other} [list [dict get $e reason] [dict get $e object]]
        set e [lindex $log 0]
        assert_equal {channel chan} [list [dict get $e reason] [dict get $e object]]
        assert_equal {count reason context object username age-seconds client-info} [dict keys $e]
        $c close
    }

    test {ACL LOG counts alike denials in one entry} {
        r acl log reset
        set c [acl_client_as antirez foo]
        catch {$c incr x}
        catch {$c incr x}
        catch {$c incr x}
        assert_equal 1 [llength [r acl log]]
        assert_equal 3 [dict get [lindex [r acl log] 0] count]
        catch {$c get otherkey}
        assert_equal 2 [llength [r acl log]]
        $c close
    }

    test {ACL LOG count, RESET and argument errors} {
        r acl log reset
        set c [acl_client_as antirez foo]
        foreach k {a b c d} { catch {$c get $k} }
        assert_equal 4 [llength [r acl log]]
        assert_equal 2 [llength [r acl log 2]]
        assert_equal {} [r acl log 0]
        assert_equal {} [r acl log -1]
        assert_equal d [dict get [lindex [r acl log 1] 0] object]
        assert_error_equal "ERR value is not an integer or out of range" {r acl log abc}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP." \
            {r acl log 1 2}
        assert_equal OK [r acl log reset]
        assert_equal {} [r acl log]
        $c close
    }

    test {ACL LOG tells the transaction context, at queueing and at EXEC} {
        r acl log reset
        set c [acl_client_as antirez foo]
        $c multi
        catch {$c incr foo}
        catch {$c exec}
        set e [lindex [r acl log] 0]
        assert_equal {multi incr} [list [dict get $e context] [dict get $e object]]
        # a permission removed between queueing and EXEC
        r acl log reset
        r acl setuser antirez +incr
        $c multi
        assert_equal QUEUED [$c incr obj:1]
        assert_equal QUEUED [$c get obj:1]
        r acl setuser antirez -incr
        assert_error_equal "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand" \
            {$c exec}
        set e [lindex [r acl log] 0]
        assert_equal {multi incr command} [list [dict get $e context] [dict get $e object] [dict get $e reason]]
        $c close
    }

    test {Scripts: redis.call is checked against the caller's user} {
        r acl log reset
        set c [acl_client_as antirez foo]
        assert_error "*The user executing the script can't run this command or subcommand*" \
            {$c eval {return redis.call('incr','obj:1')} 0}
        assert_error "*The user executing the script can't access at least one of the keys mentioned in the command arguments*" \
            {$c eval {return redis.call('get','secret')} 0}
        assert_equal {ERR The user executing the script can't access at least one of the keys mentioned in the command arguments} \
            [$c eval {local ok, e = pcall(redis.call, 'get', 'secret'); return redis.pcall('get', 'secret')['err']} 0]
        assert_equal OK [$c eval {return redis.call('set','obj:2','v')} 0]
        set e [lindex [r acl log] 0]
        assert_equal {lua key secret} [list [dict get $e context] [dict get $e reason] [dict get $e object]]
        set e [lindex [r acl log] 1]
        assert_equal {lua command incr} [list [dict get $e context] [dict get $e reason] [dict get $e object]]
        $c close
    }

    test {In a read-only script the ACL refusal comes before the read-only one} {
        r acl setuser antirez +eval_ro
        set c [acl_client_as antirez foo]
        assert_error "*The user executing the script can't run this command or subcommand*" \
            {$c eval_ro {return redis.call('del','obj:1')} 0}
        assert_error "*Write commands are not allowed from read-only scripts*" \
            {$c eval_ro {return redis.call('set','obj:1','x')} 0}
        r acl setuser antirez -eval_ro
        $c close
    }

    test {redis.acl_check_cmd answers for the script's caller} {
        set c [acl_client_as antirez foo]
        assert_equal 1 [$c eval {return redis.acl_check_cmd('get','obj:1')} 0]
        assert_equal {} [$c eval {return redis.acl_check_cmd('get','other')} 0]
        assert_equal {} [$c eval {return redis.acl_check_cmd('incr','obj:1')} 0]
        assert_equal 1 [r eval {return redis.acl_check_cmd('incr','other')} 0]
        assert_error "*Invalid command passed to redis.acl_check_cmd()*" \
            {$c eval {return redis.acl_check_cmd('nosuch')} 0}
        $c close
    }

    test {ACL LOG records failed AUTH attempts, with the name tried} {
        r acl log reset
        set c [redis_client]
        catch {$c auth antirez wrong}
        catch {$c auth nosuchuser x}
        catch {$c hello 3 auth antirez wrong}
        set log [r acl log]
        assert_equal {auth toplevel hello antirez} \
            [list [dict get [lindex $log 0] reason] [dict get [lindex $log 0] context] \
                 [dict get [lindex $log 0] object] [dict get [lindex $log 0] username]]
        assert_equal {auth nosuchuser} \
            [list [dict get [lindex $log 1] object] [dict get [lindex $log 1] username]]
        assert_equal {auth antirez} \
            [list [dict get [lindex $log 2] object] [dict get [lindex $log 2] username]]
        $c close
    }

    test {acllog-max-len bounds the log} {
        r acl log reset
        r config set acllog-max-len 5
        set c [acl_client_as antirez foo]
        for {set j 0} {$j < 10} {incr j} { catch {$c set k:$j v} }
        assert_equal 5 [llength [r acl log]]
        assert_equal k:9 [dict get [lindex [r acl log] 0] object]
        r config set acllog-max-len 2
        assert_equal 2 [llength [r acl log]]
        assert_equal {acllog-max-len 2} [r config get acllog-max-len]
        r config set acllog-max-len 128
        $c close
    }

    test {ACL LOG in RESP3: maps, and age-seconds as a double} {
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd write "*3\r\n\$3\r\nACL\r\n\$3\r\nLOG\r\n\$1\r\n1\r\n"
        $rd flush
        set raw [$rd read_available 0.3]
        assert_match "*1\r\n%7\r\n\$5\r\ncount\r\n*age-seconds\r\n,*" $raw
        $rd close
    }
}

start_server {tags {acl}} {
    test {AUTH and HELLO AUTH log in as a user; RESET goes back to default} {
        r acl setuser h on >hp +@all ~*
        set rd [redis_deferring_client]
        $rd hello 3 auth h hp
        set reply [$rd read]
        assert_equal 3 [dict get $reply proto]
        $rd acl whoami
        assert_equal h [$rd read]
        $rd client info
        assert_match {*user=h*} [$rd read]
        $rd reset
        assert_equal RESET [$rd read]
        $rd acl whoami
        assert_equal default [$rd read]
        $rd hello 2 auth h wrong
        assert_error "WRONGPASS*" {$rd read}
        $rd close
    }

    test {AUTH with one argument is the default user's password} {
        assert_error_equal "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?" \
            {r auth foo}
        r acl setuser default >dp
        set c [redis_client]
        assert_error_equal "NOAUTH Authentication required." {$c ping}
        assert_equal OK [$c auth dp]
        assert_equal PONG [$c ping]
        r acl setuser default nopass
        $c close
    }

    test {requirepass is binary: a password with a NUL byte in it} {
        r config set requirepass "abc\x00def"
        assert_equal "abc\x00def" [lindex [r config get requirepass] 1]
        set c [redis_client]
        assert_error "WRONGPASS*" {$c auth "abc"}
        assert_error "WRONGPASS*" {$c auth "abc\x00deg"}
        assert_equal OK [$c auth "abc\x00def"]
        assert_equal PONG [$c ping]
        $c close
        r config set requirepass ""
    }

    test {requirepass is the default user's password} {
        r config set requirepass secret
        assert_match {user default on #* ~* &* +@all} [acl_line default]
        set c [redis_client]
        assert_error_equal "NOAUTH Authentication required." {$c get x}
        assert_error "WRONGPASS*" {$c auth wrong}
        assert_equal OK [$c auth default secret]
        assert_equal default [$c acl whoami]
        r config set requirepass ""
        assert_equal {user default on nopass ~* &* +@all} [acl_line default]
        $c close
        set c [redis_client]
        assert_equal PONG [$c ping]
        $c close
    }

    test {When the default user is off, new connections must authenticate} {
        r acl setuser default off
        set c [redis_client]
        assert_error_equal "NOAUTH Authentication required." {$c ping}
        assert_error "NOAUTH HELLO must be called*" {$c hello 3}
        assert_error "WRONGPASS*" {$c auth default x}
        r acl setuser default on
        $c close
    }

    test {HELLO AUTH works for a user even if the default user may run nothing} {
        r acl setuser secure on >sp +@all ~*
        r acl setuser default -@all
        set c [redis_client]
        assert_match {*proto 2*} [$c hello 2 auth secure sp]
        assert_equal secure [$c acl whoami]
        set d [redis_client]
        assert_noperm_cmd ping {$d ping}
        $d close
        $c acl setuser default +@all
        $c close
    }

    test {ACL DELUSER closes the connections of the deleted user} {
        r acl setuser del1 on nopass +@all ~*
        r acl setuser del2 on nopass +@all ~*
        set c1 [acl_client_as del1 x]
        set c2 [acl_client_as del2 x]
        assert_equal 1 [r acl deluser del1 nosuch]
        assert_closed $c1
        assert_equal PONG [$c2 ping]
        # deleting itself: the reply arrives, then the connection closes
        assert_equal 1 [$c2 acl deluser del2]
        assert_closed $c2
        assert_equal 0 [r acl deluser del1 del2]
        $c1 close
        $c2 close
    }

    test {The default user cannot be deleted} {
        assert_error_equal "ERR The 'default' user cannot be removed" {r acl deluser x default}
        assert_equal {default} [lsearch -inline [r acl users] default]
    }

    test {CLIENT LIST shows the user; CLIENT KILL USER closes its clients} {
        r acl setuser kk on nopass +@all ~*
        set c [acl_client_as kk x]
        assert_match {*user=kk*} [r client list id [$c client id]]
        assert_equal 1 [r client kill user kk]
        assert_closed $c
        assert_error_equal "ERR No such user 'nosuch'" {r client kill user nosuch}
        assert_equal 0 [r client kill user kk]
        $c close
    }
}

start_server {tags {acl}} {
    test {ACL USERS, LIST and WHOAMI} {
        r acl setuser zed
        r acl setuser alice on >a ~* +@all
        assert_equal {alice default zed} [r acl users]
        assert_equal 3 [llength [r acl list]]
        assert_equal default [r acl whoami]
        assert_error_equal "ERR wrong number of arguments for 'acl|users' command" {r acl users x}
        assert_error_equal "ERR wrong number of arguments for 'acl|getuser' command" {r acl getuser}
        assert_error_equal "ERR unknown subcommand 'foo'. Try ACL HELP." {r acl foo}
    }

    test {ACL CAT lists the categories, or the commands of one} {
        set cats [r acl cat]
        assert_equal 21 [llength $cats]
        assert_equal {keyspace read write set sortedset list hash string bitmap hyperloglog geo stream pubsub admin fast slow blocking dangerous connection transaction scripting} $cats
        set str [r acl cat string]
        assert {[lsearch $str get] >= 0}
        assert {[lsearch $str hset] < 0}
        assert {[lsearch [r acl cat STRING] set] >= 0}
        # subcommands by their full name
        assert {[lsearch [r acl cat connection] client|id] >= 0}
        assert_error_equal "ERR Unknown category 'nosuch'" {r acl cat nosuch}
        assert_error_equal "ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP." \
            {r acl cat a b}
    }

    test {ACL GENPASS gives hex of the bits asked for} {
        set p [r acl genpass]
        assert_equal 64 [string length $p]
        assert_match {[0-9a-f]*} $p
        assert {[regexp {^[0-9a-f]+$} $p]}
        assert_not_equal $p [r acl genpass]
        assert_equal 2 [string length [r acl genpass 5]]
        assert_equal 1 [string length [r acl genpass 1]]
        assert_equal 1024 [string length [r acl genpass 4096]]
        foreach bad {0 -1 4097} {
            assert_error_equal "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096" \
                {r acl genpass $bad}
        }
        assert_error_equal "ERR value is not an integer or out of range" {r acl genpass abc}
    }

    test {ACL DRYRUN says whether a user could run a command} {
        r acl setuser dry on nopass ~a* &ch +get +publish
        assert_equal OK [r acl dryrun dry get a1]
        assert_equal "This user has no permissions to access the 'b' key" [r acl dryrun dry get b]
        assert_equal "This user has no permissions to run the 'set' command" [r acl dryrun dry set a v]
        assert_equal "This user has no permissions to access the 'x' channel" [r acl dryrun dry publish x m]
        assert_equal OK [r acl dryrun dry publish ch m]
        assert_error_equal "ERR User 'nosuch' not found" {r acl dryrun nosuch get a}
        assert_error_equal "ERR Command 'nocmd' not found" {r acl dryrun dry nocmd}
        assert_error_equal "ERR wrong number of arguments for 'get' command" {r acl dryrun dry get}
        # DRYRUN itself runs nothing and logs nothing
        r acl log reset
        r acl dryrun dry set a v
        assert_equal {} [r acl log]
        assert_equal 0 [r exists a]
    }

    test {ACL DRYRUN: shard channels, and unsubscribing is never refused} {
        r acl setuser shard +@all resetchannels &channel
        assert_equal OK [r acl dryrun shard spublish channel m]
        assert_equal OK [r acl dryrun shard ssubscribe channel]
        assert_equal OK [r acl dryrun shard sunsubscribe otherchannel]
        assert_equal OK [r acl dryrun shard unsubscribe otherchannel]
        assert_equal "This user has no permissions to access the 'otherchannel' channel" \
            [r acl dryrun shard ssubscribe otherchannel]
    }

    test {ACL HELP} {
        set help [r acl help]
        assert_match "ACL <subcommand>*" [lindex $help 0]
        foreach sub {CAT DELUSER DRYRUN GETUSER GENPASS LIST LOAD LOG SAVE SETUSER USERS WHOAMI HELP} {
            assert {[lsearch -glob $help "$sub*"] >= 0}
        }
    }

    test {ACL LOAD and SAVE need an ACL file} {
        set msg "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."
        assert_error_equal $msg {r acl load}
        assert_error_equal $msg {r acl save}
    }

    test {ACL SETUSER's arguments are hidden from the slow log} {
        r config set slowlog-log-slower-than 0
        r slowlog reset
        r acl setuser hidden on >topsecret
        set entry [lindex [r slowlog get 1] 0]
        assert_equal {acl setuser (redacted) (redacted) (redacted)} [lindex $entry 3]
        r config set slowlog-log-slower-than 10000
    }

    test {COMMAND INFO and DOCS know the ACL subcommands} {
        assert_equal 13 [llength [lindex [lindex [r command info acl] 0] 9]]
        assert_equal {-3} [lindex [lindex [r command info acl|setuser] 0] 1]
    }
}

# Hostile: a user kept to its keys and channels never reaches others' data.
start_server {tags {acl}} {
    r set secret:1 s1
    r hset secret:h f v
    r rpush secret:l a b
    r acl setuser mallory on >m ~pub:* &pub +@all -@dangerous
    set m [acl_client_as mallory m]

    test {Hostile: no read path reaches a key outside the patterns} {
        foreach cmd {
            {get secret:1} {mget pub:1 secret:1} {strlen secret:1} {getrange secret:1 0 -1}
            {hgetall secret:h} {lrange secret:l 0 -1} {dump secret:1} {exists secret:1}
            {type secret:1} {ttl secret:1} {object encoding secret:1}
            {lmove secret:l pub:l left left} {copy secret:1 pub:copy} {rename secret:1 pub:x}
            {sunionstore pub:s secret:1} {getdel secret:1}
            {xread streams secret:1 0} {bitop and pub:b secret:1}
        } {
            assert_noperm_key {$m {*}$cmd}
        }
        assert_equal s1 [r get secret:1]
        assert_equal {a b} [r lrange secret:l 0 -1]
    }

    test {Hostile: SORT BY and GET patterns need read access to every key} {
        r rpush pub:list 1
        r set secret:w1 9
        r acl setuser mallory +sort_ro
        assert_error_equal "ERR BY option of SORT denied due to insufficient ACL permissions." \
            {$m sort_ro pub:list by secret:w*}
        assert_error_equal "ERR GET option of SORT denied due to insufficient ACL permissions." \
            {$m sort_ro pub:list get secret:w*}
        assert_error_equal "ERR GET option of SORT denied due to insufficient ACL permissions." \
            {$m sort_ro pub:list get #}
        # a BY without '*' reads no key
        assert_equal {1} [$m sort_ro pub:list by nosort]
        # nor inside a script
        r acl setuser mallory +sort
        assert_error "*GET option of SORT denied*" \
            {$m eval {return redis.call('sort', 'pub:list', 'get', 'secret:w*')} 0}
        # a selector with read access to every key may
        r acl setuser mallory (+sort %R~*)
        assert_equal {9} [$m sort pub:list get secret:w*]
        r acl setuser mallory clearselectors -sort -sort_ro
    }

    test {Hostile: scripts and transactions do not widen the user's rights} {
        # EVAL's own keys are checked before the script runs
        assert_noperm_key {$m eval {return redis.call('get', KEYS[1])} 1 secret:1}
        assert_error "*can't access at least one of the keys*" \
            {$m eval {return redis.call('get', 'secret:1')} 1 pub:1}
        $m multi
        assert_noperm_key {$m get secret:1}
        assert_error "EXECABORT*" {$m exec}
        assert_noperm_cmd flushall {$m flushall}
        assert_noperm_cmd debug {$m debug object secret:1}
        assert_equal s1 [r get secret:1]
    }

    test {Hostile: another user's channel is out of reach} {
        set rd [redis_deferring_client]
        $rd subscribe private
        $rd read
        assert_noperm_channel {$m subscribe private}
        assert_noperm_channel {$m psubscribe *}
        assert_noperm_channel {$m psubscribe priv*}
        assert_noperm_channel {$m publish private hi}
        assert_equal 0 [$m publish pub hi]
        $rd close
    }

    test {Hostile: a user cannot raise its own rights} {
        assert_noperm_cmd acl|setuser {$m acl setuser mallory ~*}
        assert_noperm_cmd config|set {$m config set requirepass x}
        r acl setuser default >adminpw
        assert_error "WRONGPASS*" {$m auth default wrongguess}
        assert_equal mallory [$m acl whoami]
        r acl setuser default nopass
    }
    $m close
}

# The ACL file and `user` lines of the config file.
set acldir [new_tmpdir]
set aclpath [file join $acldir users.acl]
close [open $aclpath w]
start_server [list tags {acl} overrides [list aclfile $aclpath]] {
    test {ACL SAVE writes one line per user, ACL LOAD reads them back} {
        r acl setuser alice on >alice ~* &* +@all
        r acl setuser bob on >bob -@all +@set +acl ~set* &* (~x +get)
        assert_equal OK [r acl save]
        set f [open $aclpath]
        set content [read $f]
        close $f
        assert_equal [join [concat [r acl list] {""}] "\n"] $content
        set before [r acl list]
        r acl deluser alice
        r acl setuser carol on nopass
        assert_equal OK [r acl load]
        assert_equal $before [r acl list]
    }

    test {ACL LOAD closes the connections of every user but default} {
        set a [acl_client_as alice alice]
        set d [redis_client]
        assert_equal OK [r acl load]
        assert_closed $a
        assert_equal PONG [$d ping]
        $a close
        $d close
    }

    test {ACL LOAD is all or nothing, with Redis's error texts} {
        set before [r acl list]
        set f [open $aclpath w]
        puts $f "user a on +nosuchcmd"
        puts $f "foo bar"
        puts $f "user a off"
        puts $f "user b on ~x allkeys ~y"
        puts $f "user c (+get"
        close $f
        catch {r acl load} err
        set p $aclpath
        assert_equal "ERR $p:1: Error in applying operation '+nosuchcmd': Unknown command or category name in ACL. $p:2 should start with user keyword followed by the username. WARNING: Duplicate user 'a' found on line 3. $p:4: Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns. $p:5: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to the previously active ACL rules was performed" $err
        assert_equal $before [r acl list]
    }

    test {ACL LOAD without a default line makes default open again} {
        set f [open $aclpath w]
        puts $f "user zed on nopass +@all ~*"
        close $f
        r acl setuser default >pw
        r auth default pw
        assert_equal OK [r acl load]
        assert_equal {{user default on nopass ~* &* +@all} {user zed on nopass ~* resetchannels +@all}} [r acl list]
    }

    test {ACL LOAD of a missing file} {
        file delete $aclpath
        assert_error_equal "ERR Error loading ACLs, opening file '$aclpath': No such file or directory" \
            {r acl load}
        assert_equal [list aclfile $aclpath] [r config get aclfile]
        assert_error "ERR*immutable*" {r config set aclfile x}
    }
}

start_server {tags {acl} config_lines {
    {user alice on >alice ~* &* +@all}
    {user bob on nopass -@all +@set ~set*}
    {user default on nopass ~* &* +@all -flushall}
}} {
    test {Users from `user` lines of the config file} {
        assert_equal {alice bob default} [r acl users]
        set b [acl_client_as bob x]
        assert_equal 1 [$b sadd set1 a]
        assert_noperm_cmd get {$b get set1}
        $b close
        assert_noperm_cmd flushall {r flushall}
    }
}

start_server {tags {acl}} {
    test {Startup refuses bad user declarations, duplicates, and users with an aclfile} {
        foreach {lines expect} {
            {{user u on >p} {user u off}} {*Error in user declaration 'u': Duplicate user found. A user can only be defined once in config files*}
            {{user u on bogus}} {*Error in user declaration 'u': Syntax error*}
            {{user u on >p} {aclfile /nonexistent.acl}} {*users defined in redis.conf and at the same setting an ACL file path is invalid*}
            {{aclfile /nonexistent/users.acl}} {*Aborting Redis startup because of ACL errors: Error loading ACLs, opening file*}
        } {
            set dir [file join [srv dir] bad[incr n]]
            file mkdir $dir
            set conf [file join $dir redis.conf]
            set f [open $conf w]
            puts $f "port 0"
            puts $f "dir $dir"
            foreach l $lines { puts $f $l }
            close $f
            catch {exec [server_binary] $conf 2>@1} out
            assert_match $expect $out
        }
    }
}
