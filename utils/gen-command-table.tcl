# utils/gen-command-table.tcl -- the C command table from src/commands/*.json
#
# Usage: tclsh utils/gen-command-table.tcl SRC_DIR COMMAND_H OUT.c
#
# Every command redis-kv implements is one JSON file in src/commands/
# (NAME.json; a subcommand is CONTAINER-NAME.json with "container" set).
# This script reads them all, checks them, and writes the commandTable[]
# that command/command.h declares.  The format is described in
# docs/HACKING.md, "Adding a command".
#
# Why Tcl, and why at build time: the Makefile runs this on every build
# where a data file changed, and the generated C lives only under build/.
# A fresh machine needs nothing beyond deps/setup.sh (tclsh 8.6 is already
# required for the test suite; python3 is not guaranteed), and there is no
# checked-in generated file that could go stale or conflict when several
# branches add commands: a merge only ever adds data files.
#
# The script fails (exit 1, one message per problem) on:
#   - a summary left as "TODO: summary" by utils/command-data-from-redis.py
#     (redis-kv words its own summaries; none may ship without them);
#   - an unknown field, a missing required field, a file name that does not
#     match its name/container, a subcommand of an unknown container;
#   - a flag, ACL category, key-spec flag, argument type or argument flag
#     that command.h has no macro for (CMD_*, ACL_CAT_*, KSPEC_*,
#     ARG_TYPE_*, ARG_*), so the names in the data files are checked
#     against the C side instead of against a second list kept here;
#   - a key spec other than begin_search "index", "keyword" or "unknown" + find_keys
#     "range", "keynum" or "unknown" (the shapes command.h's keySpec holds;
#     "unknown" is written {"unknown": null} as in Redis's own files, or
#     {"unknown": {}} as command-data-from-redis.py copies COMMAND INFO's
#     empty spec), more key specs than COMMAND_MAX_KEY_SPECS, a
#     key_spec_index that names no key spec;
#   - a handler or getkeys that is not a C function name.

set errors {}
proc fail {where msg} {
    lappend ::errors "$where: $msg"
}

# ---------------------------------------------------------------------------
# A small JSON reader.  Objects become dicts (in file order), arrays lists,
# strings their text, numbers their digits, true/false 1/0, null "".  The
# data files' schema says which is which, so no type tags are kept.
# ---------------------------------------------------------------------------

proc jsonSkip {} {
    upvar 1 text text pos pos
    regexp -start $pos -indices {\A[ \t\r\n]*} $text m
    set pos [expr {[lindex $m 1] + 1}]
}

# Skips white space; consumes the character ch and returns 1 if it is next.
proc jsonAt {ch} {
    upvar 1 text text pos pos
    jsonSkip
    if {[string index $text $pos] ne $ch} { return 0 }
    incr pos
    return 1
}

proc jsonValue {} {
    upvar 1 text text pos pos
    jsonSkip
    set c [string index $text $pos]
    switch -- $c {
        "\{" {
            incr pos
            set obj [dict create]
            if {[jsonAt "\}"]} { return $obj }
            while 1 {
                jsonSkip
                if {[string index $text $pos] ne "\""} { error "expected a string key at offset $pos" }
                set key [jsonValue]
                if {![jsonAt :]} { error "expected ':' at offset $pos" }
                if {[dict exists $obj $key]} { error "key \"$key\" appears twice (offset $pos)" }
                dict set obj $key [jsonValue]
                if {[jsonAt "\}"]} { return $obj }
                if {![jsonAt ,]} { error "expected ',' or '\}' at offset $pos" }
            }
        }
        "\[" {
            incr pos
            set list {}
            if {[jsonAt "\]"]} { return $list }
            while 1 {
                lappend list [jsonValue]
                if {[jsonAt "\]"]} { return $list }
                if {![jsonAt ,]} { error "expected ',' or '\]' at offset $pos" }
            }
        }
        "\"" {
            if {![regexp -start $pos -indices {\A"((?:[^"\\]|\\.)*)"} $text m s]} {
                error "unterminated string at offset $pos"
            }
            set pos [expr {[lindex $m 1] + 1}]
            set raw [string range $text {*}$s]
            # JSON's escapes (\" \\ \/ \b \f \n \r \t \uXXXX) are also Tcl's.
            return [subst -nocommands -novariables $raw]
        }
        default {
            if {[regexp -start $pos {\A(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)} $text m]} {
                incr pos [string length $m]
                return [string map {true 1 false 0 null {}} $m]
            }
            error "unexpected character '$c' at offset $pos"
        }
    }
}

proc jsonParse {text} {
    set pos 0
    set v [jsonValue]
    jsonSkip
    if {$pos != [string length $text]} { error "trailing text at offset $pos" }
    return $v
}

# ---------------------------------------------------------------------------
# Names command.h knows: "write" is valid because CMD_WRITE is defined.
# ---------------------------------------------------------------------------

proc loadHeaderNames {path} {
    set f [open $path]
    set h [read $f]
    close $f
    foreach {var re} {
        cmdFlags   {#define CMD_([A-Z_]+) }
        aclCats    {#define ACL_CAT_([A-Z_]+) }
        kspecFlags {#define KSPEC_([A-Z_]+) }
        argTypes   {\s+ARG_TYPE_([A-Z_]+)[,\s]}
        argFlags   {#define ARG_([A-Z_]+) }
    } {
        set ::$var {}
        foreach {- name} [regexp -all -inline $re $h] { lappend ::$var $name }
    }
    if {![regexp {#define COMMAND_MAX_KEY_SPECS ([0-9]+)} $h - ::maxKeySpecs]} {
        error "$path: COMMAND_MAX_KEY_SPECS not found"
    }
}

# "no_auth" -> "NO_AUTH", "@keyspace" -> "KEYSPACE", "pure-token" -> "PURE_TOKEN".
proc macroSuffix {name} {
    return [string toupper [string map {- _ @ {}} $name]]
}

# "no_auth" -> "CMD_NO_AUTH" when command.h defines it; "" otherwise.
proc macroFor {prefix listVar name} {
    set m [macroSuffix $name]
    if {$m ni [set ::$listVar]} { return "" }
    return $prefix$m
}

# The C expression for a list of names: "CMD_WRITE | CMD_DENYOOM", or 0.
proc macroMask {where prefix listVar names} {
    set out {}
    foreach n $names {
        set m [macroFor $prefix $listVar $n]
        if {$m eq ""} {
            fail $where "unknown name \"$n\" (command.h has no $prefix[macroSuffix $n])"
            continue
        }
        lappend out $m
    }
    if {$out eq {}} { return 0 }
    return [join $out " | "]
}

# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

set commandKeys {name container handler summary group since complexity doc_flags
    deprecated_since replaced_by history arity flags acl_categories tips
    key_specs arguments getkeys}
set argKeys {name type key_spec_index token display since deprecated_since
    summary flags arguments}

proc checkSummary {where d} {
    if {[dict exists $d summary] && [string match -nocase "TODO*" [dict get $d summary]]} {
        fail $where "summary is still \"[dict get $d summary]\": write one in redis-kv's own words"
    }
}

proc checkArgs {where arglist nspecs} {
    set i 0
    foreach a $arglist {
        set w "$where arguments\[$i\]"
        foreach k [dict keys $a] {
            if {$k ni $::argKeys} { fail $w "unknown field \"$k\"" }
        }
        foreach k {name type} {
            if {![dict exists $a $k]} { fail $w "missing \"$k\"" }
        }
        checkSummary $w $a
        if {[dict exists $a key_spec_index] && (![string is integer -strict [dict get $a key_spec_index]]
                || [dict get $a key_spec_index] >= $nspecs)} {
            fail $w "key_spec_index [dict get $a key_spec_index] names no key spec"
        }
        if {[dict exists $a arguments]} {
            checkArgs $w [dict get $a arguments] $nspecs
        }
        incr i
    }
}

# The C initializer fields saying where one key spec's keys are (after its
# notes and flags), or an error naming what command.h's keySpec cannot
# hold.  Each of begin_search and find_keys is an object with one member,
# the kind; an "unknown" one has no parameters (null or {}).
proc keySpecShape {ks} {
    set shape {}
    set ok 1
    foreach {part known} {begin_search {index keyword unknown} find_keys {range keynum unknown}} {
        if {![dict exists $ks $part]} {
            lappend shape "no $part"
            set ok 0
        } elseif {[catch {dict size [dict get $ks $part]} n] || $n != 1} {
            lappend shape "$part [list [dict get $ks $part]]"
            set ok 0
        } else {
            set kind [lindex [dict get $ks $part] 0]
            lappend shape "$part $kind"
            if {$kind ni $known} { set ok 0 }
        }
    }
    if {!$ok} {
        error "is [join $shape { + }]: command.h's keySpec holds only begin_search\
            index, keyword or unknown + find_keys range, keynum or unknown"
    }
    set f {}
    foreach {part field} {begin_search beginKind find_keys findKind} {
        lassign [dict get $ks $part] kind spec
        set need [dict get {index {index} keyword {keyword startfrom} range {lastkey keystep limit}
            keynum {keynumidx firstkey keystep} unknown {}} $kind]
        if {[catch {dict keys $spec} have] || [lsort $have] ne [lsort $need]} {
            error "$part $kind needs exactly [expr {$need eq {} ? {no parameters (null)} : [join $need {, }]}]"
        }
        foreach k $need {
            if {$k eq "keyword"} {
                if {![regexp {^[A-Za-z_]+$} [dict get $spec $k]]} {
                    error "$part $kind keyword \"[dict get $spec $k]\" is not a word"
                }
                continue
            }
            if {![string is integer -strict [dict get $spec $k]]} {
                error "$part $kind $k \"[dict get $spec $k]\" is not an integer"
            }
        }
        switch -- $kind {
            index   { lappend f ".beginIndex = [dict get $spec index]" }
            keyword {
                lappend f ".beginKind = KSPEC_BEGIN_KEYWORD" ".keyword = \"[dict get $spec keyword]\"" \
                    ".startFrom = [dict get $spec startfrom]"
            }
            unknown {
                lappend f ".$field = [expr {$part eq {begin_search} ? {KSPEC_BEGIN_UNKNOWN} : {KSPEC_FIND_UNKNOWN}}]"
            }
            range {
                lappend f ".findKind = KSPEC_FIND_RANGE" ".lastKey = [dict get $spec lastkey]" \
                    ".keyStep = [dict get $spec keystep]" ".limit = [dict get $spec limit]"
            }
            keynum {
                lappend f ".findKind = KSPEC_FIND_KEYNUM" ".keynumIdx = [dict get $spec keynumidx]" \
                    ".firstKey = [dict get $spec firstkey]" ".keyStep = [dict get $spec keystep]"
            }
        }
    }
    return $f
}

proc checkCommand {file d} {
    foreach k [dict keys $d] {
        if {$k ni $::commandKeys} { fail $file "unknown field \"$k\"" }
    }
    foreach k {name group arity flags acl_categories} {
        if {![dict exists $d $k]} { fail $file "missing \"$k\"" }
    }
    if {[dict exists $d arity] && ![string is integer -strict [dict get $d arity]]} {
        fail $file "arity \"[dict get $d arity]\" is not an integer"
    }
    if {![dict exists $d name]} return
    set expect [dict get $d name]
    if {[dict exists $d container]} { set expect "[dict get $d container]-$expect" }
    if {[file rootname [file tail $file]] ne $expect} {
        fail $file "file name does not match its name/container (expected $expect.json)"
    }
    checkSummary $file $d
    if {[handlerOf $d] ne "NULL" && ![regexp {^[A-Za-z_][A-Za-z0-9_]*$} [handlerOf $d]]} {
        fail $file "handler \"[handlerOf $d]\" is not a C function name"
    }
    if {[dict exists $d getkeys] && ![regexp {^[A-Za-z_][A-Za-z0-9_]*$} [dict get $d getkeys]]} {
        fail $file "getkeys \"[dict get $d getkeys]\" is not a C function name"
    }
    set specs [expr {[dict exists $d key_specs] ? [dict get $d key_specs] : {}}]
    if {[llength $specs] > $::maxKeySpecs} {
        fail $file "[llength $specs] key specs; command.h holds COMMAND_MAX_KEY_SPECS = $::maxKeySpecs"
    }
    set i 0
    foreach ks $specs {
        if {[catch {keySpecShape $ks} msg]} { fail $file "key_specs\[$i\] $msg" }
        incr i
    }
    if {[dict exists $d arguments]} { checkArgs $file [dict get $d arguments] [llength $specs] }
}

# ---------------------------------------------------------------------------
# C output
# ---------------------------------------------------------------------------

proc cstr {s} {
    return "\"[string map {\\ \\\\ \" \\\" \n \\n \t \\t} $s]\""
}

proc cstrOrNull {d key} {
    if {[dict exists $d $key]} { return [cstr [dict get $d $key]] }
    return NULL
}

# "client|no-evict" -> "client_no_evict": a C identifier prefix.
proc cident {fullname} {
    return [regsub -all {[^A-Za-z0-9]} $fullname _]
}

# Emits the argument arrays of `arglist` (children first) and returns the
# name of the outer array.
proc emitArgs {where id arglist} {
    set lines {}
    set i 0
    foreach a $arglist {
        set f [list ".name = [cstr [dict get $a name]]"]
        set type [dict get $a type]
        set tm [macroFor ARG_TYPE_ argTypes $type]
        if {$tm eq ""} { fail $where "argument \"[dict get $a name]\": unknown type \"$type\""; set tm ARG_TYPE_STRING }
        lappend f ".type = $tm"
        if {[dict exists $a key_spec_index]} {
            lappend f ".keySpecIndex = [dict get $a key_spec_index]"
        } else {
            lappend f ".keySpecIndex = -1"
        }
        foreach {k field} {token token summary summary since since deprecated_since deprecatedSince display displayText} {
            if {[dict exists $a $k]} { lappend f ".$field = [cstr [dict get $a $k]]" }
        }
        if {[dict exists $a flags] && [dict get $a flags] ne {}} {
            lappend f ".flags = [macroMask "$where argument [dict get $a name]" ARG_ argFlags [dict get $a flags]]"
        }
        if {[dict exists $a arguments]} {
            lappend f ".subargs = [emitArgs $where ${id}_$i [dict get $a arguments]]"
        }
        lappend lines "    {[join $f {, }]},"
        incr i
    }
    puts $::out "static const commandArg ${id}\[\] = {"
    foreach l $lines { puts $::out $l }
    puts $::out "    {0}\n};\n"
    return $id
}

proc emitStringList {id items} {
    puts -nonewline $::out "static const char *const ${id}\[\] = {"
    foreach s $items { puts -nonewline $::out "[cstr $s], " }
    puts $::out "NULL};\n"
    return $id
}

# Emits the arrays one command refers to and returns its initializer.
proc emitCommand {file d fullname} {
    set id [cident $fullname]
    set f {}
    lappend f ".name = [cstr [dict get $d name]]"
    lappend f ".proc = [handlerOf $d]"
    if {[dict exists $d getkeys]} { lappend f ".getkeys = [dict get $d getkeys]" }
    lappend f ".arity = [dict get $d arity]"
    lappend f ".flags = [macroMask $file CMD_ cmdFlags [dict get $d flags]]"
    lappend f ".aclCategories = [macroMask $file ACL_CAT_ aclCats [dict get $d acl_categories]]"
    foreach {k field} {group group since since summary summary complexity complexity
                       deprecated_since deprecatedSince replaced_by replacedBy} {
        if {[dict exists $d $k]} { lappend f ".$field = [cstr [dict get $d $k]]" }
    }
    if {[dict exists $d doc_flags] && [dict get $d doc_flags] ne {}} {
        lappend f ".docFlags = [cstr [join [dict get $d doc_flags] { }]]"
    }
    if {[dict exists $d tips] && [dict get $d tips] ne {}} {
        lappend f ".tips = [emitStringList ${id}_tips [dict get $d tips]]"
    }
    if {[dict exists $d history] && [dict get $d history] ne {}} {
        lappend f ".history = [emitStringList ${id}_history [concat {*}[dict get $d history]]]"
    }
    if {[dict exists $d arguments] && [dict get $d arguments] ne {}} {
        lappend f ".args = [emitArgs $file ${id}_args [dict get $d arguments]]"
    }
    if {[dict exists $d key_specs] && [dict get $d key_specs] ne {}} {
        set specs {}
        foreach ks [dict get $d key_specs] {
            set s {}
            if {[dict exists $ks notes]} { lappend s ".notes = [cstr [dict get $ks notes]]" }
            lappend s ".flags = [macroMask $file KSPEC_ kspecFlags [dict get $ks flags]]"
            lappend specs "{[join [concat $s [keySpecShape $ks]] {, }]}"
        }
        lappend f ".keySpecs = {\n            [join $specs ",\n            "]}"
        lappend f ".keySpecCount = [llength $specs]"
    }
    return $f
}

# The C function a command runs: "NULL" when the file names none (or null).
proc handlerOf {d} {
    if {![dict exists $d handler] || [dict get $d handler] eq ""} { return NULL }
    return [dict get $d handler]
}

proc emitEntry {fields} {
    set s "    {\n"
    foreach f $fields { append s "        $f,\n" }
    append s "    },"
    return $s
}

# Reports every problem found so far and exits 1 if there is one.
proc exitOnErrors {} {
    global errors outPath
    if {$errors eq {}} return
    foreach e $errors { puts stderr $e }
    puts stderr "gen-command-table: [llength $errors] error(s); $outPath not written"
    file delete $outPath.tmp
    exit 1
}

# ---------------------------------------------------------------------------

if {[llength $argv] != 3} {
    puts stderr "usage: tclsh gen-command-table.tcl SRC_DIR COMMAND_H OUT.c"
    exit 2
}
lassign $argv srcDir commandH outPath
loadHeaderNames $commandH

# Read every data file.
set top {}           ;# name -> {file dict}
set subs {}          ;# container -> list of {file dict}
foreach file [lsort [glob -nocomplain -directory $srcDir *.json]] {
    set fh [open $file]
    fconfigure $fh -encoding utf-8
    set text [read $fh]
    close $fh
    if {[catch {jsonParse $text} d]} {
        fail $file "not valid JSON: $d"
        continue
    }
    checkCommand $file $d
    if {![dict exists $d name]} continue
    if {[dict exists $d container]} {
        dict lappend subs [dict get $d container] [list $file $d]
    } else {
        dict set top [dict get $d name] [list $file $d]
    }
}
dict for {container list} $subs {
    if {![dict exists $top $container]} {
        fail [lindex $list 0 0] "container \"$container\" has no $container.json"
    }
}
dict for {name fd} $top {
    lassign $fd file d
    if {![dict exists $subs $name] && [handlerOf $d] eq "NULL"} {
        fail $file "missing \"handler\" (only a container may have none)"
    }
}
# Emitting assumes the checked shape: stop here on any problem.
exitOnErrors

set out [open $outPath.tmp w]
fconfigure $out -encoding utf-8
puts $out "/* command_table.c -- GENERATED by utils/gen-command-table.tcl from the
 * data files in src/commands/.  Do not edit: change the data files (see
 * docs/HACKING.md, \"Adding a command\"). */
#include <stddef.h>

/* client.h names struct reactor in prototypes without declaring it. */
struct reactor;

#include \"command/command.h\"
#include \"cmd/handlers.h\"
"
set entries {}
foreach name [lsort [dict keys $top]] {
    lassign [dict get $top $name] file d
    set fields [emitCommand $file $d $name]
    if {[dict exists $subs $name]} {
        set subEntries {}
        set byName {}
        foreach sub [dict get $subs $name] { dict set byName [dict get [lindex $sub 1] name] $sub }
        foreach subName [lsort [dict keys $byName]] {
            lassign [dict get $byName $subName] sfile sd
            lappend subEntries [emitEntry [emitCommand $sfile $sd "$name|[dict get $sd name]"]]
        }
        set sid [cident $name]_subcommands
        puts $out "static command ${sid}\[\] = {\n[join $subEntries \n]\n    {0}\n};\n"
        lappend fields ".subcommands = $sid"
    }
    lappend entries [emitEntry $fields]
}
puts $out "command commandTable\[\] = {\n[join $entries \n]\n    {0}\n};"
close $out

exitOnErrors
file rename -force $outPath.tmp $outPath
