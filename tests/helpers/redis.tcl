# A RESP2/RESP3 client in pure Tcl, for the redis-kv test suite.
#
#   set r [redis_client 127.0.0.1 6379]      ;# blocking client
#   $r set foo bar                           ;# -> reply (errors raise a Tcl error
#                                            ;#    whose message is the error text)
#   set rd [redis_deferring_client HOST PORT] ;# deferred: commands only send
#   $rd ping ; $rd read                      ;# -> PONG
#
# Methods (anything else is sent as a command):
#   read                 read and decode one reply
#   write BYTES          queue raw bytes (nothing is added); see flush
#   flush                send everything queued (waits until the kernel took it)
#                        write/flush never fail because the server closed the
#                        connection: the next `read` raises (or use wait_closed)
#   close                close the connection
#   readraw ?0|1?        get/set; 1: `read` returns one raw protocol line at a time
#                        (e.g. "+PONG", "$3", "foo", "*2"), without decoding
#   deferred ?0|1?       get/switch deferred mode
#   null_value ?V?       value returned for RESP nulls (default: "")
#   io_timeout ?SECS?    seconds without progress before an I/O error
#                        (default $::redis::default_timeout)
#   attributes           attributes (RESP3 |) that preceded the last reply
#   last_type            type byte of the last reply read: + - : $ * % ~ > ...
#                        (e.g. ">" tells a push message from an array)
#   wait_closed ?SECS?   1 if the server closes the connection within SECS
#                        (buffered/arriving replies are discarded), else 0
#   is_closed            1 if EOF/reset was seen on the connection
#   read_raw             read one complete reply and return its exact bytes
#                        (e.g. "%1\r\n$4\r\nport\r\n$4\r\n6379\r\n")
#   read_bytes N         return exactly N raw bytes of the reply stream
#   read_available ?SECS? return raw bytes that arrive within SECS (for raw
#                        protocol tests; stops early at EOF)
#   channel              the underlying Tcl channel
#
# Reply decoding:
#   + simple string -> the string        - error -> Tcl error (message = text)
#   : integer       -> the number        $ bulk  -> the bytes, null -> null_value
#   * array / > push / ~ set -> Tcl list, null array -> null_value
#   % map           -> flat list k v k v ... (usable as a dict)
#   , double -> the text as sent (e.g. 3.14, inf)   ( big number -> the digits
#   # boolean -> 1 / 0      _ null -> null_value     = verbatim -> the text
#   without its 3-letter format prefix   ! blob error -> Tcl error
#   | attribute -> stored (see `attributes`), the following reply is returned
# Errors nested inside an aggregate do not desynchronise the stream: the
# whole aggregate is read, then the first nested error is raised.
#
# I/O never blocks forever: the socket is non-blocking and every wait is
# bounded by the io_timeout; a timeout raises "I/O error: timeout ...".
# A connection closed by the server raises
# "I/O error reading reply: connection closed by server".

namespace eval ::redis {
    variable nextid 0
    variable default_timeout 20
    variable fd
    variable buf
    variable pos
    variable closed
    variable closemsg
    variable deferred
    variable readraw
    variable nullval
    variable timeout
    variable attribs
    variable wake
    # Set by the test harness: called as {*}$::redis::error_hook $msg on
    # every error raised for a server error reply or an I/O failure.
    variable error_hook {}
}

proc ::redis::connect {host port defer} {
    variable nextid
    set id [incr nextid]
    set sock [socket $host $port]
    fconfigure $sock -translation binary -encoding binary -blocking 0 \
        -buffering full -buffersize 65536
    set ::redis::fd($id) $sock
    set ::redis::buf($id) ""
    set ::redis::pos($id) 0
    set ::redis::closed($id) 0
    set ::redis::closemsg($id) ""
    set ::redis::deferred($id) $defer
    set ::redis::readraw($id) 0
    set ::redis::nullval($id) ""
    set ::redis::timeout($id) $::redis::default_timeout
    set ::redis::attribs($id) {}
    set ::redis::lasttype($id) ""
    interp alias {} ::redis::handle$id {} ::redis::__dispatch__ $id
    return ::redis::handle$id
}

proc ::redis::__raise {msg} {
    variable error_hook
    if {$error_hook ne {}} { {*}$error_hook $msg }
    return -code error -level 2 $msg
}

proc ::redis::__dispatch__ {id method args} {
    if {![info exists ::redis::fd($id)]} {
        __raise "I/O error: client handle already closed"
    }
    switch -exact -- $method {
        read {
            set r [__read_reply $id]
            return $r
        }
        write {
            __write $id [lindex $args 0]
            return
        }
        flush { __flush $id ; return }
        close { __close $id ; return }
        channel { return $::redis::fd($id) }
        readraw {
            if {[llength $args]} { set ::redis::readraw($id) [lindex $args 0] }
            return $::redis::readraw($id)
        }
        deferred {
            if {[llength $args]} { set ::redis::deferred($id) [lindex $args 0] }
            return $::redis::deferred($id)
        }
        null_value {
            if {[llength $args]} { set ::redis::nullval($id) [lindex $args 0] }
            return $::redis::nullval($id)
        }
        io_timeout {
            if {[llength $args]} { set ::redis::timeout($id) [lindex $args 0] }
            return $::redis::timeout($id)
        }
        attributes { return $::redis::attribs($id) }
        last_type { return $::redis::lasttype($id) }
        is_closed { return $::redis::closed($id) }
        wait_closed {
            set secs [expr {[llength $args] ? [lindex $args 0] : $::redis::timeout($id)}]
            return [__wait_closed $id $secs]
        }
        read_raw { return [__read_raw $id] }
        read_bytes {
            return [__readn $id [lindex $args 0]]
        }
        read_available {
            set secs [expr {[llength $args] ? [lindex $args 0] : 0.2}]
            return [__read_available $id $secs]
        }
        default {
            set cmd [__format_command [linsert $args 0 $method]]
            __write $id $cmd
            __flush $id
            if {!$::redis::deferred($id)} {
                return [__read_reply $id]
            }
            return
        }
    }
}

proc ::redis::__format_command {argv} {
    set cmd "*[llength $argv]\r\n"
    foreach a $argv {
        append cmd "\$[string length $a]\r\n" $a "\r\n"
    }
    return $cmd
}

proc ::redis::__close {id} {
    # Non-blocking close: never waits for unsent output.
    catch {close $::redis::fd($id)}
    foreach v {fd buf pos closed closemsg deferred readraw nullval timeout attribs wake lasttype} {
        unset -nocomplain ::redis::${v}($id)
    }
    interp alias {} ::redis::handle$id {}
}

proc ::redis::__mark_closed {id msg} {
    if {!$::redis::closed($id)} {
        set ::redis::closed($id) 1
        set ::redis::closemsg($id) $msg
    }
    catch {fileevent $::redis::fd($id) readable {}}
}

# Read whatever is available on the socket into our buffer (non-blocking).
# Returns the number of bytes read; marks the connection closed on EOF/error.
proc ::redis::__slurp {id} {
    if {$::redis::closed($id)} { return 0 }
    set fd $::redis::fd($id)
    if {[catch {read $fd} data]} {
        __mark_closed $id "connection reset ($data)"
        return 0
    }
    set n [string length $data]
    if {$n} {
        append ::redis::buf($id) $data
    } elseif {[eof $fd]} {
        __mark_closed $id "connection closed by server"
    }
    return $n
}

# Wait (running the event loop, so queued output keeps flowing) until the
# socket is readable or `ms` milliseconds pass. Returns 1 if readable.
proc ::redis::__wait_readable {id ms} {
    set fd $::redis::fd($id)
    set ::redis::wake($id) ""
    fileevent $fd readable [list set ::redis::wake($id) readable]
    set aid [after $ms [list set ::redis::wake($id) timeout]]
    vwait ::redis::wake($id)
    after cancel $aid
    catch {fileevent $fd readable {}}
    return [expr {$::redis::wake($id) eq "readable"}]
}

# Make sure at least `need` unread bytes are buffered (or a line, see gets).
proc ::redis::__fill {id} {
    set deadline [expr {[clock milliseconds] + int($::redis::timeout($id)*1000)}]
    while 1 {
        if {[__slurp $id] > 0} return
        if {$::redis::closed($id)} {
            __raise "I/O error reading reply: $::redis::closemsg($id)"
        }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} {
            __raise "I/O error: timeout reading reply ($::redis::timeout($id) s without data)"
        }
        __wait_readable $id $left
    }
}

proc ::redis::__compact {id} {
    if {$::redis::pos($id) > 1048576 ||
        ($::redis::pos($id) > 65536 &&
         $::redis::pos($id) * 2 > [string length $::redis::buf($id)])} {
        set ::redis::buf($id) [string range $::redis::buf($id) $::redis::pos($id) end]
        set ::redis::pos($id) 0
    }
}

proc ::redis::__gets {id} {
    set from $::redis::pos($id)
    while 1 {
        set i [string first "\r\n" $::redis::buf($id) $from]
        if {$i >= 0} {
            set line [string range $::redis::buf($id) $::redis::pos($id) [expr {$i-1}]]
            set ::redis::pos($id) [expr {$i+2}]
            __compact $id
            return $line
        }
        set from [expr {max($::redis::pos($id), [string length $::redis::buf($id)]-1)}]
        __fill $id
    }
}

proc ::redis::__readn {id n} {
    while {[string length $::redis::buf($id)] - $::redis::pos($id) < $n} {
        __fill $id
    }
    set p $::redis::pos($id)
    set data [string range $::redis::buf($id) $p [expr {$p+$n-1}]]
    set ::redis::pos($id) [expr {$p+$n}]
    __compact $id
    return $data
}

# Queue bytes for sending. Like flush, a write to a connection the server
# has closed is dropped quietly: `read` reports the closed connection.
proc ::redis::__write {id data} {
    if {$::redis::closed($id)} return
    if {[catch {puts -nonewline $::redis::fd($id) $data} err]} {
        __slurp $id
        __mark_closed $id "write failed ($err)"
    }
}

# Push all queued output to the kernel. While waiting, incoming data is
# buffered so a server that writes while we write cannot deadlock us. If the
# server closes the connection meanwhile, flush returns quietly: the caller
# finds out with `read` (which then raises) or `wait_closed`.
proc ::redis::__flush {id} {
    set fd $::redis::fd($id)
    if {$::redis::closed($id)} return
    if {[catch {flush $fd} err]} {
        __mark_closed $id "write failed ($err)"
        return
    }
    set last [chan pending output $fd]
    set deadline [expr {[clock milliseconds] + int($::redis::timeout($id)*1000)}]
    while {$last > 0 && !$::redis::closed($id)} {
        __wait_readable $id 5
        __slurp $id
        if {[catch {chan pending output $fd} now]} break
        if {$now < $last} {
            set last $now
            set deadline [expr {[clock milliseconds] + int($::redis::timeout($id)*1000)}]
        } elseif {[clock milliseconds] > $deadline} {
            __raise "I/O error: timeout writing request ($::redis::timeout($id) s without progress)"
        }
    }
}

proc ::redis::__wait_closed {id secs} {
    set deadline [expr {[clock milliseconds] + int($secs*1000)}]
    while {!$::redis::closed($id)} {
        __slurp $id
        set ::redis::buf($id) ""
        set ::redis::pos($id) 0
        if {$::redis::closed($id)} break
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} { return 0 }
        __wait_readable $id $left
    }
    return 1
}

proc ::redis::__read_available {id secs} {
    set deadline [expr {[clock milliseconds] + int($secs*1000)}]
    while {!$::redis::closed($id)} {
        __slurp $id
        if {$::redis::closed($id)} break
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} break
        __wait_readable $id $left
    }
    set data [string range $::redis::buf($id) $::redis::pos($id) end]
    set ::redis::buf($id) ""
    set ::redis::pos($id) 0
    return $data
}

proc ::redis::__read_reply {id} {
    if {$::redis::readraw($id)} {
        return [__gets $id]
    }
    set ::redis::attribs($id) {}
    set ::redis::lasttype($id) ""
    set err {}
    set r [__read_value $id err 1]
    if {[llength $err]} {
        __raise [lindex $err 0]
    }
    return $r
}

# Read one complete reply, returning its exact bytes.
proc ::redis::__read_raw {id} {
    set line [__gets $id]
    set out "$line\r\n"
    set type [string index $line 0]
    set n [string range $line 1 end]
    if {$type in {$ = ! * ~ > % |} && ![string is integer -strict $n]} {
        __raise "Protocol error: bad length in '[string range $line 0 30]'"
    }
    switch -exact -- $type {
        $ - = - ! {
            if {$n >= 0} { append out [__readn $id [expr {$n + 2}]] }
        }
        * - ~ - > {
            for {set i 0} {$i < $n} {incr i} { append out [__read_raw $id] }
        }
        % - | {
            for {set i 0} {$i < 2*$n} {incr i} { append out [__read_raw $id] }
            if {$type eq "|"} { append out [__read_raw $id] }
        }
    }
    return $out
}

# Decode one value. Errors are not raised here but recorded in errvar
# (first one wins) so aggregates are always consumed completely.
proc ::redis::__read_value {id errvar {top 0}} {
    upvar 1 $errvar err
    set line [__gets $id]
    set type [string index $line 0]
    if {$top && $type ne "|"} { set ::redis::lasttype($id) $type }
    set payload [string range $line 1 end]
    switch -exact -- $type {
        + { return $payload }
        - {
            if {![llength $err]} { set err [list $payload] }
            return $payload
        }
        : { return $payload }
        ( { return $payload }
        , { return $payload }
        # {
            if {$payload eq "t"} { return 1 }
            if {$payload eq "f"} { return 0 }
            __raise "Protocol error: bad RESP3 boolean '$payload'"
        }
        _ { return $::redis::nullval($id) }
        $ - = - ! {
            if {![string is integer -strict $payload]} {
                __raise "Protocol error: bad bulk length '$payload'"
            }
            if {$payload < 0} { return $::redis::nullval($id) }
            set data [__readn $id [expr {$payload + 2}]]
            set data [string range $data 0 end-2]
            if {$type eq "="} {
                # verbatim string: "txt:" / "mkd:" prefix
                set data [string range $data 4 end]
            } elseif {$type eq "!"} {
                if {![llength $err]} { set err [list $data] }
            }
            return $data
        }
        * - ~ - > {
            if {![string is integer -strict $payload]} {
                __raise "Protocol error: bad aggregate length '$payload'"
            }
            if {$payload < 0} { return $::redis::nullval($id) }
            set l {}
            for {set i 0} {$i < $payload} {incr i} {
                lappend l [__read_value $id err]
            }
            return $l
        }
        % - | {
            if {![string is integer -strict $payload]} {
                __raise "Protocol error: bad map length '$payload'"
            }
            set l {}
            for {set i 0} {$i < 2*$payload} {incr i} {
                lappend l [__read_value $id err]
            }
            if {$type eq "|"} {
                set ::redis::attribs($id) $l
                return [__read_value $id err $top]
            }
            return $l
        }
        default {
            __raise "Protocol error: unexpected reply type '[string range $line 0 30]'"
        }
    }
}
