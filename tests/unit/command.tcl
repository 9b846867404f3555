# COMMAND and its subcommands: COUNT, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS,
# LIST, HELP, in RESP2 and RESP3.
#
# Written against generic Redis 7.0 behaviour: counts are taken from what the
# server itself reports, and only commands both redis-kv and Redis have
# (PING, HELLO, CLIENT, MONITOR, DEBUG ...) are checked field by field, so
# the file passes against a real redis-server too
# (tests/runtest --server /usr/bin/redis-server --single unit/command).

# Names (lower case) of every command in the COMMAND reply, subcommands
# excluded / included.
proc command_names {} {
    set names {}
    foreach e [r command] { lappend names [string tolower [lindex $e 0]] }
    return $names
}

proc command_fullnames {} {
    set names {}
    foreach e [r command] {
        lappend names [string tolower [lindex $e 0]]
        foreach s [lindex $e 9] { lappend names [string tolower [lindex $s 0]] }
    }
    return $names
}

# A fresh client whose nulls read as the marker NULL, optionally in RESP3.
proc null_client {{proto 2}} {
    set c [redis_client]
    $c null_value NULL
    if {$proto == 3} { $c hello 3 }
    return $c
}

# COMMAND INFO entry of NAME, or "" when the server does not know it.
proc command_info_entry {name} {
    return [lindex [r command info $name] 0]
}

start_server {tags {command}} {
    # ---------------------------------------------------------------- COUNT
    test {COMMAND COUNT equals the number of entries of COMMAND} {
        set n [r command count]
        assert {[string is integer -strict $n] && $n > 0}
        assert_equal $n [llength [r command]]
    }

    test {COMMAND LIST lists every command and subcommand} {
        set list [r command list]
        set subs 0
        foreach e [r command] { incr subs [llength [lindex $e 9]] }
        assert_equal [expr {[r command count] + $subs}] [llength $list]
        assert_equal [lsort [command_fullnames]] [lsort [string tolower $list]]
        assert {"ping" in $list}
        assert {"client|list" in $list}
        assert {"command|docs" in $list}
    }

    test {COMMAND INFO without names equals COMMAND} {
        set a [r command]
        set b [r command info]
        assert_equal [r command count] [llength $b]
        assert_equal [lsort $a] [lsort $b]
    }

    test {COMMAND subcommands are case insensitive} {
        assert_equal [r command count] [r CoMmAnD CoUnT]
    }

    test {COMMAND with wrong arity or an unknown subcommand} {
        assert_error_equal {ERR unknown subcommand 'foo'. Try COMMAND HELP.} {r command foo}
        assert_error_equal {ERR wrong number of arguments for 'command|count' command} \
            {r command count x}
        assert_error_equal {ERR wrong number of arguments for 'command|help' command} \
            {r command help x}
    }

    # ----------------------------------------------------------------- INFO
    test {COMMAND INFO of a simple command} {
        set e [command_info_entry ping]
        assert_equal 10 [llength $e]
        lassign $e name arity flags first last step acl tips specs subs
        assert_equal ping $name
        assert_equal -1 $arity
        assert_equal {fast} $flags
        assert_equal {0 0 0} [list $first $last $step]
        assert_equal {@fast @connection} $acl
        assert_equal {request_policy:all_shards response_policy:all_succeeded} $tips
        assert_equal {} $specs
        assert_equal {} $subs
    }

    test {COMMAND INFO flags and categories come in Redis order} {
        lassign [command_info_entry hello] name arity flags
        assert_equal hello $name
        assert_equal -1 $arity
        assert_equal {noscript loading stale fast no_auth allow_busy} $flags
        assert_equal {@fast @connection} [lindex [command_info_entry hello] 6]
        lassign [command_info_entry monitor] name arity flags
        assert_equal {admin noscript loading stale} $flags
        assert_equal {@admin @slow @dangerous} [lindex [command_info_entry monitor] 6]
    }

    test {COMMAND INFO does not show hidden flags (protected on DEBUG)} {
        lassign [command_info_entry debug] name arity flags
        assert_equal debug $name
        assert_equal {admin noscript loading stale} $flags
    }

    test {COMMAND INFO of unknown commands is a null entry} {
        set c [null_client]
        set reply [$c command info ping nosuch echo]
        assert_equal 3 [llength $reply]
        assert_equal ping [lindex $reply 0 0]
        assert_equal NULL [lindex $reply 1]
        assert_equal echo [lindex $reply 2 0]
        assert_equal {NULL} [$c command info nosuch]
        assert_equal {NULL} [$c command info {}]
        $c close
    }

    test {COMMAND INFO of a container lists its subcommands} {
        set e [command_info_entry client]
        lassign $e name arity flags first last step acl tips specs subs
        assert_equal client $name
        assert_equal -2 $arity
        assert_equal {} $flags
        assert_equal {@slow} $acl
        set subnames {}
        foreach s $subs {
            assert_equal 10 [llength $s]
            lappend subnames [lindex $s 0]
        }
        foreach n {client|list client|id client|setname client|getname client|kill} {
            assert {$n in $subnames} "$n missing from $subnames"
        }
        # Every subcommand's entry equals its own COMMAND INFO.
        foreach s $subs {
            assert_equal $s [command_info_entry [lindex $s 0]]
        }
    }

    test {COMMAND INFO of subcommands by full name} {
        set e [command_info_entry client|list]
        lassign $e name arity flags first last step acl tips specs subs
        assert_equal client|list $name
        assert_equal -2 $arity
        assert_equal {admin noscript loading stale} $flags
        assert_equal {@admin @slow @dangerous @connection} $acl
        assert_equal {nondeterministic_output} $tips
        assert_equal {} $subs
        # Case does not matter; the reply uses the real name.
        assert_equal client|list [lindex [command_info_entry CLIENT|List] 0]
        assert_equal command|info [lindex [command_info_entry command|info] 0]
    }

    test {COMMAND INFO of malformed full names is null} {
        set c [null_client]
        foreach n {client| |list client|list|x client|nosuch ping|x ping|} {
            assert_equal {NULL} [$c command info $n] "for '$n'"
        }
        $c close
    }

    # ----------------------------------------------------------------- DOCS
    test {COMMAND DOCS of a simple command} {
        set d [r command docs ping]
        assert_equal {ping} [dict keys $d]
        set doc [dict get $d ping]
        assert_equal {summary since group complexity arguments} [dict keys $doc]
        assert_equal 1.0.0 [dict get $doc since]
        assert_equal connection [dict get $doc group]
        assert_equal O(1) [dict get $doc complexity]
        assert_equal {{name message type string flags optional}} [dict get $doc arguments]
    }

    test {COMMAND DOCS leaves out what a command does not have} {
        set doc [dict get [r command docs monitor] monitor]
        assert_equal {summary since group} [dict keys $doc]
        assert_equal server [dict get $doc group]
        set doc [dict get [r command docs debug] debug]
        assert_equal {summary since group complexity doc_flags} [dict keys $doc]
        assert_equal {syscmd} [dict get $doc doc_flags]
    }

    test {COMMAND DOCS with nested arguments and history} {
        set doc [dict get [r command docs hello] hello]
        assert_equal {summary since group complexity history arguments} [dict keys $doc]
        assert_equal 6.0.0 [dict get $doc since]
        set hist [dict get $doc history]
        assert_equal 1 [llength $hist]
        assert_equal 6.2.0 [lindex $hist 0 0]
        assert_match {`protover` made optional*} [lindex $hist 0 1]
        set args [dict get $doc arguments]
        assert_equal 1 [llength $args]
        set top [lindex $args 0]
        assert_equal {name type flags arguments} [dict keys $top]
        assert_equal arguments [dict get $top name]
        assert_equal block [dict get $top type]
        assert_equal optional [dict get $top flags]
        set inner [dict get $top arguments]
        assert_equal {protover username_password clientname} \
            [lmap a $inner {dict get $a name}]
        assert_equal {name protover type integer} [lindex $inner 0]
        assert_equal {name username_password type block token AUTH flags optional arguments {{name username type string} {name password type string}}} \
            [lindex $inner 1]
        assert_equal {name clientname type string token SETNAME flags optional} \
            [lindex $inner 2]
    }

    test {COMMAND DOCS of a container has a subcommands map} {
        set doc [dict get [r command docs client] client]
        assert_equal {summary since group complexity subcommands} [dict keys $doc]
        assert_equal connection [dict get $doc group]
        set subs [dict get $doc subcommands]
        foreach n {client|list client|id client|kill client|setname} {
            assert {[dict exists $subs $n]} "$n missing"
        }
        # The subcommand docs equal COMMAND DOCS of the full name.
        dict for {n sdoc} $subs {
            assert_equal [list $n $sdoc] [r command docs $n]
        }
        set kill [dict get $subs client|kill]
        set filter [lindex [dict get $kill arguments] 0]
        assert_equal oneof [dict get $filter type]
        set ipport [lindex [dict get $filter arguments] 0]
        assert_equal {name ip:port type string deprecated_since 2.8.12} $ipport
        set newfmt [lindex [dict get $filter arguments] 1]
        assert_equal multiple [dict get $newfmt flags]
        assert_equal {name client-id type integer token ID since 2.8.12 flags optional} \
            [lindex [dict get $newfmt arguments] 0]
    }

    test {COMMAND DOCS leaves out unknown names} {
        assert_equal {} [r command docs nosuch]
        set d [r command docs nosuch ping client|nosuch echo]
        assert_equal {ping echo} [dict keys $d]
        assert_equal {client|list} [dict keys [r command docs CLIENT|LIST]]
    }

    test {COMMAND DOCS without names documents every command} {
        set d [r command docs]
        assert_equal [r command count] [dict size $d]
        assert_equal [lsort [command_names]] [lsort [dict keys $d]]
    }

    # -------------------------------------------------------------- GETKEYS
    test {COMMAND GETKEYS errors} {
        assert_error_equal {ERR The command has no key arguments} {r command getkeys ping x}
        assert_error_equal {ERR The command has no key arguments} \
            {r command getkeysandflags client list}
        assert_error_equal {ERR Invalid command specified} {r command getkeys nosuch x}
        assert_error_equal {ERR Invalid command specified} {r command getkeys client nosuch}
        assert_error_equal {ERR Invalid command specified} {r command getkeysandflags nosuch x}
        assert_error_equal {ERR wrong number of arguments for 'command|getkeys' command} \
            {r command getkeys ping}
        assert_error_equal {ERR wrong number of arguments for 'command|getkeysandflags' command} \
            {r command getkeysandflags ping}
    }

    test {COMMAND GETKEYS with a key command (when the server has GET)} {
        if {[command_info_entry get] eq ""} { skip "no GET command" }
        assert_equal {k} [r command getkeys get k]
        assert_equal {{k {RO access}}} [r command getkeysandflags get k]
        assert_error_equal {ERR Invalid number of arguments specified for command} \
            {r command getkeys get a b}
    }

    # ----------------------------------------------------------------- SORT
    # SORT's BY/GET keys come from the data it sorts and its STORE option
    # may be anywhere: Redis 7.0 describes both with key specs of kind
    # "unknown", calls the keys movable, and finds the STORE destination
    # with a procedure of its own (COMMAND GETKEYS).

    test {COMMAND INFO sort: two unknown key specs and movablekeys} {
        set e [command_info_entry sort]
        assert_equal {sort -2 {write denyoom movablekeys} 1 1 1} [lrange $e 0 5]
        set specs [lindex $e 8]
        assert_equal 3 [llength $specs]
        assert_equal {flags {RO access} begin_search {type index spec {index 1}} find_keys {type range spec {lastkey 0 keystep 1 limit 0}}} [lindex $specs 0]
        foreach i {1 2} flags {{RO access} {OW update}} what {BY/GET STORE} {
            set ks [lindex $specs $i]
            assert_match "For the optional $what keyword. It is marked 'unknown' because *" [dict get $ks notes]
            assert_equal $flags [dict get $ks flags]
            assert_equal {type unknown spec {}} [dict get $ks begin_search]
            assert_equal {type unknown spec {}} [dict get $ks find_keys]
        }
    }

    test {COMMAND INFO sort_ro: one unknown key spec (BY/GET), no STORE} {
        set e [command_info_entry sort_ro]
        assert_equal {sort_ro -2 {readonly movablekeys} 1 1 1} [lrange $e 0 5]
        set specs [lindex $e 8]
        assert_equal 2 [llength $specs]
        assert_match {For the optional BY/GET keyword*} [dict get [lindex $specs 1] notes]
        assert_equal {type unknown spec {}} [dict get [lindex $specs 1] begin_search]
    }

    test {COMMAND INFO: an unknown key spec has an empty spec map (RESP2 and RESP3)} {
        # A map of two pairs is a flat array of four under RESP2.
        foreach {proto two empty} {2 *4 *0 3 %2 %0} {
            set c [redis_client]
            $c hello $proto
            $c deferred 1
            $c command info sort_ro
            set raw [$c read_raw]
            $c close
            set part "\$4\r\ntype\r\n\$7\r\nunknown\r\n\$4\r\nspec\r\n$empty\r\n"
            set want "\$12\r\nbegin_search\r\n$two\r\n$part\$9\r\nfind_keys\r\n$two\r\n$part"
            assert {[string first $want $raw] > 0} "RESP$proto"
        }
    }

    test {COMMAND INFO: movablekeys when a key spec is not a plain range} {
        # name first last step movable: an unknown spec (SORT), a key count
        # (LMPOP, SINTERCARD: no legacy keys at all), plain ranges (GET,
        # MSET's step 2, RENAME's two consecutive specs) are not movable.
        foreach {name want} {
            sort {1 1 1 1} sort_ro {1 1 1 1} lmpop {0 0 0 1} sintercard {0 0 0 1}
            get {1 1 1 0} mset {1 -1 2 0} rename {1 2 1 0}
        } {
            set e [command_info_entry $name]
            if {$e eq ""} continue
            set movable [expr {"movablekeys" in [lindex $e 2]}]
            assert_equal $want [list {*}[lrange $e 3 5] $movable] $name
        }
    }

    test {COMMAND DOCS sort: BY/GET patterns and STORE name their key specs} {
        set idx {}
        foreach a [dict get [r command docs sort] sort arguments] {
            lappend idx [dict get $a name]
            lappend idx [expr {[dict exists $a key_spec_index] ? [dict get $a key_spec_index] : "-"}]
        }
        assert_equal {key 0 pattern 1 offset_count - pattern 1 order - sorting - destination 2} $idx
    }

    test {COMMAND GETKEYS sort: the key, then the STORE destination} {
        assert_equal {k} [r command getkeys sort k]
        assert_equal {k dst} [r command getkeys sort k STORE dst]
        assert_equal {k dst} [r command getkeys sort k by w_* limit 0 10 get # get h_*->f desc alpha store dst]
        assert_equal {{k {RO access}} {dst {OW update}}} [r command getkeysandflags sort k store dst]
        assert_equal {{k {RO access}}} [r command getkeysandflags sort k get #]
    }

    test {COMMAND GETKEYS sort reads the options as Redis does} {
        # The last STORE wins; a STORE with nothing after it names no key.
        assert_equal {k d2} [r command getkeys sort k store d1 store d2]
        assert_equal {k} [r command getkeys sort k store]
        # LIMIT takes two arguments, BY and GET one: a STORE there is no option.
        assert_equal {k} [r command getkeys sort k limit store d]
        assert_equal {k} [r command getkeys sort k limit 0 store]
        assert_equal {k} [r command getkeys sort k by store d]
        assert_equal {k} [r command getkeys sort k get store d]
        assert_equal {k d} [r command getkeys sort k limit 0 1 store d]
        # The destination is read as an option word too.
        assert_equal {k get} [r command getkeys sort k store get store x]
        assert_equal {k limit} [r command getkeys sort k store limit store x]
        assert_equal {k x} [r command getkeys sort k store store x]
    }

    test {COMMAND GETKEYS sort_ro: the key only} {
        assert_equal {k} [r command getkeys sort_ro k by w_* get # limit 0 1 alpha]
        assert_equal {{k {RO access}}} [r command getkeysandflags sort_ro k store d]
    }

    # ----------------------------------------------------------------- LIST
    test {COMMAND LIST FILTERBY PATTERN} {
        set subs {}
        foreach s [lindex [command_info_entry client] 9] { lappend subs [lindex $s 0] }
        set got [r command list filterby pattern client|*]
        assert_equal [lsort $subs] [lsort $got]
        # Case-insensitive, and the container matches "client*".
        assert_equal [lsort $got] [lsort [r command list filterby pattern CLIENT|*]]
        set got [r command list filterby pattern client*]
        assert_equal [lsort [concat client $subs]] [lsort $got]
        assert_equal {ping} [r command list filterby pattern p?ng]
        assert_equal {} [r command list filterby pattern nosuch*]
    }

    test {COMMAND LIST FILTERBY ACLCAT} {
        set expected {}
        foreach e [r command] {
            if {"@connection" in [lindex $e 6]} { lappend expected [lindex $e 0] }
            foreach s [lindex $e 9] {
                if {"@connection" in [lindex $s 6]} { lappend expected [lindex $s 0] }
            }
        }
        set got [r command list filterby aclcat connection]
        assert {[llength $got] > 0}
        assert_equal [lsort $expected] [lsort $got]
        assert {"ping" in $got && "client|list" in $got}
        assert_equal [lsort $got] [lsort [r command list filterby aclcat CONNECTION]]
        # The category is named without '@'; unknown ones match nothing.
        assert_equal {} [r command list filterby aclcat @connection]
        assert_equal {} [r command list filterby aclcat nosuch]
    }

    test {COMMAND LIST FILTERBY MODULE with no such module} {
        assert_equal {} [r command list filterby module nosuch]
    }

    test {COMMAND LIST syntax errors} {
        assert_error_equal {ERR syntax error} {r command list foo}
        assert_error_equal {ERR syntax error} {r command list filterby pattern}
        assert_error_equal {ERR syntax error} {r command list filterby foo bar}
        assert_error_equal {ERR syntax error} {r command list filterby pattern a b}
        assert_error_equal {ERR syntax error} \
            {r command list filterby pattern a filterby pattern b}
    }

    # ----------------------------------------------------------------- HELP
    test {COMMAND HELP} {
        set help [r command help]
        assert_equal {COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:} \
            [lindex $help 0]
        foreach line {COUNT LIST {INFO [<command-name> ...]} {DOCS [<command-name> ...]}
                      {GETKEYS <full-command>} {GETKEYSANDFLAGS <full-command>}} {
            assert {$line in $help} "'$line' missing"
        }
        assert_equal {(no subcommand)} [lindex $help 1]
        assert_equal {HELP} [lindex $help end-1]
        assert_equal {    Prints this help.} [lindex $help end]
        assert_equal 21 [llength $help]
    }

    # ------------------------------------------------------ RESP2 / RESP3
    test {COMMAND INFO reply bytes in RESP2 and RESP3} {
        set entry_body "\$4\r\nping\r\n:-1\r\n%S1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n%S2\r\n+@fast\r\n+@connection\r\n%S2\r\n\$25\r\nrequest_policy:all_shards\r\n\$29\r\nresponse_policy:all_succeeded\r\n%S0\r\n%S0\r\n"
        foreach {proto set null} {2 * "\$-1" 3 ~ _} {
            set c [redis_client]
            $c hello $proto
            $c deferred 1
            $c command info ping nosuch
            set want "*2\r\n*10\r\n[string map [list %S $set] $entry_body]$null\r\n"
            assert_equal $want [$c read_raw] "RESP$proto"
            $c close
        }
    }

    test {COMMAND INFO of a container: subcommands are an array in RESP3 too} {
        set c [redis_client]
        $c hello 3
        $c deferred 1
        $c command info client
        set raw [$c read_raw]
        $c close
        # name, arity, empty flags, keys, "@slow", no tips, no key specs,
        # then an array (not a set) of subcommand entries.
        assert_match "\\*1\r\n\\*10\r\n\$6\r\nclient\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n\\**\r\n\\*10\r\n*" $raw
    }

    test {COMMAND DOCS is a map in RESP3 and a flat array in RESP2} {
        foreach {proto map set} {2 *6 * 3 %3 ~} {
            set c [redis_client]
            $c hello $proto
            $c deferred 1
            $c command docs ping nosuch
            set raw [$c read_raw]
            $c close
            set tail "\$5\r\nsince\r\n\$5\r\n1.0.0\r\n\$5\r\ngroup\r\n\$10\r\nconnection\r\n\$10\r\ncomplexity\r\n\$4\r\nO(1)\r\n\$9\r\narguments\r\n*1\r\n${map}\r\n\$4\r\nname\r\n\$7\r\nmessage\r\n\$4\r\ntype\r\n\$6\r\nstring\r\n\$5\r\nflags\r\n${set}1\r\n+optional\r\n"
            set head [expr {$proto == 2 ? "*2\r\n\$4\r\nping\r\n*10\r\n" : "%1\r\n\$4\r\nping\r\n%5\r\n"}]
            assert_equal $head [string range $raw 0 [expr {[string length $head]-1}]] "RESP$proto"
            assert_equal $tail [string range $raw end-[expr {[string length $tail]-1}] end] "RESP$proto"
            assert_match "*\$7\r\nsummary\r\n*" $raw
        }
    }

    test {COMMAND DOCS history and subcommands in RESP3} {
        set c [null_client 3]
        set d [$c command docs client]
        set subs [dict get $d client subcommands]
        set hist [dict get $subs client|list history]
        assert {[llength $hist] >= 1}
        foreach h $hist { assert_equal 2 [llength $h] }
        $c deferred 1
        $c command docs client|pause
        set raw [$c read_raw]
        $c close
        assert_match "*\$7\r\nhistory\r\n~1\r\n\\*2\r\n\$5\r\n6.2.0\r\n*" $raw
    }

    test {COMMAND LIST is an array in RESP3} {
        set c [redis_client]
        $c hello 3
        $c deferred 1
        $c command list filterby pattern p?ng
        assert_equal "*1\r\n\$4\r\nping\r\n" [$c read_raw]
        $c command list filterby pattern nosuch
        assert_equal "*0\r\n" [$c read_raw]
        $c close
    }

    test {COMMAND GETKEYS errors do not break the connection} {
        catch {r command getkeys nosuch x}
        assert_equal PONG [r ping]
    }
}

# ------------------------------------------------ the table's data files
# utils/gen-command-table.tcl turns src/commands/*.json into the C table at
# build time.  These tests run it on small data sets of their own (no server
# needed) to show what it refuses.

set ::gen_root [file dirname $::test::tests_dir]

# A data file for a fictitious command "probe", with `fields` (a dict of
# already JSON-encoded values) replacing or adding to the defaults.
proc gen_probe_file {dir fields} {
    set d [dict create name {"probe"} handler {"pingCommand"} summary {"Checks a probe."} \
        group {"connection"} since {"1.0.0"} complexity {"O(1)"} arity 1 \
        flags {["fast"]} acl_categories {["@fast", "@connection"]}]
    set d [dict merge $d $fields]
    set lines {}
    dict for {k v} $d { lappend lines "    \"$k\": $v" }
    set f [open [file join $dir probe.json] w]
    puts $f "{\n[join $lines ",\n"]\n}"
    close $f
}

# Runs the generator on dir; returns {exitcode output}.
proc gen_run {dir} {
    set out [file join $dir table.c]
    set rc [catch {
        exec [info nameofexecutable] [file join $::gen_root utils gen-command-table.tcl] \
            $dir [file join $::gen_root src command command.h] $out 2>@1
    } msg]
    return [list $rc $msg]
}

tags {command generator} {
    test {generator: a valid data file becomes a table entry} {
        set dir [new_tmpdir]
        gen_probe_file $dir {key_specs {[{"flags": ["RO", "access"], "begin_search": {"index": {"index": 1}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}]} arity 2 arguments {[{"name": "key", "type": "key", "key_spec_index": 0}]}}
        assert_equal {0 {}} [gen_run $dir]
        set f [open [file join $dir table.c]]
        set c [read $f]
        close $f
        assert_match {*.name = "probe",*.proc = pingCommand,*.flags = CMD_FAST,*} $c
        assert_match {*.flags = KSPEC_RO | KSPEC_ACCESS, .beginIndex = 1*} $c
        assert_match {*.type = ARG_TYPE_KEY, .keySpecIndex = 0*} $c
    }

    test {generator: a summary left as TODO fails the build} {
        set dir [new_tmpdir]
        gen_probe_file $dir {summary {"TODO: summary"}}
        lassign [gen_run $dir] rc msg
        assert_equal 1 $rc
        assert_match {*probe.json: summary is still "TODO: summary"*} $msg
        assert {![file exists [file join $dir table.c]]}
        gen_probe_file $dir {arguments {[{"name": "x", "type": "string", "summary": "TODO: summary"}]}}
        lassign [gen_run $dir] rc msg
        assert_equal 1 $rc
        assert_match {*arguments\[0\]: summary is still*} $msg
    }

    test {generator: names command.h does not define are refused} {
        set dir [new_tmpdir]
        gen_probe_file $dir {flags {["fastt"]} acl_categories {["@nosuch"]}}
        lassign [gen_run $dir] rc msg
        assert_equal 1 $rc
        assert_match {*unknown name "fastt" (command.h has no CMD_FASTT)*} $msg
        assert_match {*unknown name "@nosuch"*} $msg
    }

    test {generator: unknown fields, bad JSON and a wrong file name are refused} {
        set dir [new_tmpdir]
        gen_probe_file $dir {sumary {"typo"}}
        assert_match {1 *unknown field "sumary"*} [gen_run $dir]
        gen_probe_file $dir {name {"other"}}
        assert_match {1 *expected other.json*} [gen_run $dir]
        gen_probe_file $dir {arity {1,}}
        assert_match {1 *not valid JSON*} [gen_run $dir]
    }

    test {generator: key specs the C table cannot hold are refused} {
        set dir [new_tmpdir]
        gen_probe_file $dir {arity -2 key_specs {[{"flags": ["RO"], "begin_search": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}, "find_keys": {"range": {"lastkey": -1, "keystep": 1, "limit": 2}}}]}}
        assert_match {1 *key_specs\[0\] is begin_search range + find_keys range*} [gen_run $dir]
    }

    test {generator: a keyword key spec, and malformed ones refused} {
        set dir [new_tmpdir]
        gen_probe_file $dir {arity -2 key_specs {[{"flags": ["OW", "update"], "begin_search": {"keyword": {"keyword": "STORE", "startfrom": 6}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}]}}
        assert_equal {0 {}} [gen_run $dir]
        set f [open [file join $dir table.c]]
        set c [read $f]
        close $f
        assert_match {*.beginKind = KSPEC_BEGIN_KEYWORD, .keyword = "STORE", .startFrom = 6, .findKind = KSPEC_FIND_RANGE*} $c
        gen_probe_file $dir {arity -2 key_specs {[{"flags": ["RO"], "begin_search": {"keyword": {"keyword": "STORE"}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}]}}
        assert_match {1 *begin_search keyword needs exactly keyword, startfrom*} [gen_run $dir]
        gen_probe_file $dir {arity -2 key_specs {[{"flags": ["RO"], "begin_search": {"keyword": {"keyword": "a\\\"b", "startfrom": 1}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}]}}
        assert_match {1 *begin_search keyword keyword * is not a word*} [gen_run $dir]
        gen_probe_file $dir {arity -2 key_specs {[{"flags": ["RO"], "begin_search": {"keyword": {"keyword": "STORE", "startfrom": "x"}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}]}}
        assert_match {1 *begin_search keyword startfrom "x" is not an integer*} [gen_run $dir]
    }

    test {generator: unknown key specs and a getkeys procedure} {
        set dir [new_tmpdir]
        gen_probe_file $dir {arity -2 getkeys {"sortGetKeys"} key_specs {[{"flags": ["RO", "access"], "begin_search": {"index": {"index": 1}}, "find_keys": {"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}, {"notes": "Anywhere.", "flags": ["OW", "update"], "begin_search": {"unknown": null}, "find_keys": {"unknown": {}}}]} arguments {[{"name": "key", "type": "key", "key_spec_index": 0}, {"name": "pattern", "type": "pattern", "key_spec_index": 1, "token": "BY"}]}}
        assert_equal {0 {}} [gen_run $dir]
        set f [open [file join $dir table.c]]
        set c [read $f]
        close $f
        assert_match {*.proc = pingCommand,*.getkeys = sortGetKeys,*} $c
        assert_match {*.notes = "Anywhere.", .flags = KSPEC_OW | KSPEC_UPDATE, .beginKind = KSPEC_BEGIN_UNKNOWN, .findKind = KSPEC_FIND_UNKNOWN\}*} $c
        assert_match {*.type = ARG_TYPE_PATTERN, .keySpecIndex = 1*} $c
    }

    test {generator: malformed key specs and getkeys names are refused} {
        set dir [new_tmpdir]
        set range {{"range": {"lastkey": 0, "keystep": 1, "limit": 0}}}
        set index {{"index": {"index": 1}}}
        foreach {begin find want} [list \
            {{"unknown": {"index": 1}}} $range {*key_specs\[0\] begin_search unknown needs exactly no parameters*} \
            $index {{"unknown": 0}} {*key_specs\[0\] find_keys unknown needs exactly no parameters*} \
            $index {{"range": {"lastkey": 0, "keystep": 1}}} {*find_keys range needs exactly lastkey, keystep, limit*} \
            {{"index": {"index": "one"}}} $range {*begin_search index index "one" is not an integer*} \
            {{"index": {"index": 1}, "unknown": null}} $range {*key_specs\[0\] is begin_search {index {index 1} unknown {}} + find_keys range*} \
        ] {
            set spec [format {[{"flags": ["RO"], "begin_search": %s, "find_keys": %s}]} $begin $find]
            gen_probe_file $dir [list arity -2 key_specs $spec]
            assert_match "1 $want" [gen_run $dir]
        }
        gen_probe_file $dir {getkeys {"sort GetKeys"}}
        assert_match {1 *getkeys "sort GetKeys" is not a C function name*} [gen_run $dir]
    }

    test {generator: a subcommand needs its container, a command its handler} {
        set dir [new_tmpdir]
        set f [open [file join $dir nosuch-sub.json] w]
        puts $f {{"name": "sub", "container": "nosuch", "handler": "pingCommand", "summary": "A sub.", "group": "server", "arity": 2, "flags": [], "acl_categories": ["@slow"]}}
        close $f
        assert_match {1 *container "nosuch" has no nosuch.json*} [gen_run $dir]
        file delete [file join $dir nosuch-sub.json]
        gen_probe_file $dir {handler null}
        assert_match {1 *missing "handler"*} [gen_run $dir]
    }
}
