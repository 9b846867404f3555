#!/usr/bin/env tclsh
# utils/check-layers.tcl -- fails when a source file includes a header from
# a layer above its own (`make check-layers`, run by `make test`).
#
#   tclsh utils/check-layers.tcl [--root DIR] [--extra FILE=LAYER ...]
#
# Every folder of src/ is a layer with a rank (the table below, the picture
# in docs/ARCHITECTURE.md).  A file may include headers of its own folder
# and of folders ranked strictly below it; anything else is reported with
# the file, line and the two layers, unless the allow-list names it.  A
# folder the table does not know is an error too: a new layer is placed on
# purpose.  An allow-list entry that no file needs any more is an error,
# so the list stays short and true.  --extra checks a file outside src/
# (the generated command table) as part of a layer.
#
# Exit status: 0 when the tree holds, 1 when it does not, 2 on bad usage.

# Top to bottom.  Layers on one line share a rank and may not include
# each other: the bottom ones are independent building blocks.
set layerOrder {
    server
    cmd
    {pubsub script}
    acl
    command
    client
    db
    store
    {reactor net resp}
    lib
}

# Exceptions: {files header reason}.  `files` are glob patterns relative to
# src/ (or the --extra name); `header` is the include as written.
set allowed {
    {{client/* command/* acl/* pubsub/* script/* cmd/*} server/server.h
        "the config values and counters every layer above the keyspace reads
         (Redis's `server`), and the process-wide actions a few commands take
         (SHUTDOWN, CONFIG RESETSTAT); db/ and below get what they need at
         start-up instead (dbInit)"}
    {cmd/config_cmd.c server/config.h
        "CONFIG GET, SET and REWRITE are the front of the config engine"}
    {gen/command_table.c cmd/handlers.h
        "the generated table names every handler; the dispatcher calls them
         only through the table's pointers"}
}

proc usage {} {
    puts stderr "usage: check-layers.tcl \[--root DIR\] \[--extra FILE=LAYER ...\]"
    exit 2
}

# layer -> rank (higher is further up).
proc rankTable {order} {
    set ranks [dict create]
    set r [llength $order]
    foreach line $order {
        incr r -1
        foreach layer $line { dict set ranks $layer $r }
    }
    return $ranks
}

# The quoted includes of a file: a list of {line header}.
proc includesOf {path} {
    set fd [open $path r]
    set out {}
    set n 0
    while {[gets $fd line] >= 0} {
        incr n
        if {[regexp {^\s*#\s*include\s+"([^"]+)"} $line -> h]} { lappend out [list $n $h] }
    }
    close $fd
    return $out
}

# The allow-list entry that covers name including header, or -1.
proc allowedIndex {name header} {
    set i 0
    foreach entry $::allowed {
        lassign $entry patterns h
        if {$h eq $header} {
            foreach p $patterns {
                if {[string match $p $name]} { return $i }
            }
        }
        incr i
    }
    return -1
}

# Checks one file (name: its path relative to src/, layer: its layer).
# Appends to ::problems; marks the allow-list entries used.
proc checkFile {path name layer ranks} {
    foreach inc [includesOf $path] {
        lassign $inc line header
        set target [expr {[string first / $header] < 0 ? $layer : [lindex [split $header /] 0]}]
        if {$target eq $layer} continue
        if {![dict exists $ranks $target]} {
            lappend ::problems "$path:$line: includes $header from unknown layer $target/"
            continue
        }
        if {[dict get $ranks $target] < [dict get $ranks $layer]} continue
        set i [allowedIndex $name $header]
        if {$i >= 0} {
            dict set ::used $i 1
            continue
        }
        set how [expr {[dict get $ranks $target] == [dict get $ranks $layer]
                       ? "a layer beside it" : "a layer above it"}]
        lappend ::problems "$path:$line: $layer/ includes $header, $how ($target/)"
    }
}

proc main {argv} {
    set root src
    set extras {}
    while {[llength $argv]} {
        set argv [lassign $argv opt]
        switch -- $opt {
            --root { set argv [lassign $argv root] }
            --extra {
                set argv [lassign $argv e]
                if {![regexp {^(.+)=([a-z]+)$} $e -> f l]} usage
                lappend extras $f $l
            }
            default usage
        }
    }
    set ranks [rankTable $::layerOrder]
    set ::problems {}
    set ::used [dict create]
    set files 0
    foreach dir [lsort [glob -nocomplain -type d -directory $root *]] {
        set layer [file tail $dir]
        set sources [glob -nocomplain -type f -directory $dir *.c *.h]
        if {![llength $sources]} continue
        if {![dict exists $ranks $layer]} {
            lappend ::problems "$dir: a folder no layer is defined for (add it to check-layers.tcl)"
            continue
        }
        foreach path [lsort $sources] {
            checkFile $path $layer/[file tail $path] $layer $ranks
            incr files
        }
    }
    foreach {path layer} $extras {
        if {![dict exists $ranks $layer]} usage
        checkFile $path gen/[file tail $path] $layer $ranks
        incr files
    }
    set i 0
    foreach entry $::allowed {
        if {![dict exists $::used $i]} {
            lappend ::problems "allow-list entry for [lindex $entry 1] ([lindex $entry 0]) is used by no file: remove it"
        }
        incr i
    }
    foreach p $::problems { puts stderr $p }
    if {[llength $::problems]} {
        puts stderr "check-layers: [llength $::problems] problem(s) in $files files"
        exit 1
    }
    puts "check-layers: $files files hold the layers"
}

main $argv
