# utils/client-flood.tcl -- a client that never reads its replies.
#
#   tclsh utils/client-flood.tcl PORT [GETS]
#
# Stores a 1 MB value at key flood:big on the server at 127.0.0.1:PORT, then
# one connection sends "GET flood:big" GETS times (default 3000) without
# ever reading, while a second connection samples INFO memory every 50
# GETs.  Prints the peak used_memory seen, whether and when the flooding
# client was cut off, and the server's output-buffer disconnection count.
# With the default configuration redis-kv cuts the client off near 1 GB
# (client-output-buffer-limit normal 1gb 0 0); Redis 7.0 keeps growing.
# A measuring tool, not a test: run it against servers you started.

set port [lindex $argv 0]
set gets [expr {[llength $argv] > 1 ? [lindex $argv 1] : 3000}]

proc info_field {sock section field} {
    puts -nonewline $sock "*2\r\n\$4\r\nINFO\r\n\$[string length $section]\r\n$section\r\n"
    flush $sock
    gets $sock hdr
    set body [read $sock [expr {[string range $hdr 1 end] + 2}]]
    if {[regexp -line "^$field:(\[0-9\]+)" $body -> v]} { return $v }
    return 0
}

set ctl [socket 127.0.0.1 $port]
fconfigure $ctl -translation binary -buffering none
set value [string repeat x 1048576]
puts -nonewline $ctl "*3\r\n\$3\r\nSET\r\n\$10\r\nflood:big\r\n\$[string length $value]\r\n$value\r\n"
flush $ctl
gets $ctl reply
if {$reply ne "+OK\r"} { puts "SET failed: $reply"; exit 1 }

set flood [socket 127.0.0.1 $port]
fconfigure $flood -translation binary -buffering none
set peak 0
set cut ""
for {set i 0} {$i < $gets} {incr i} {
    if {[catch {puts -nonewline $flood "*2\r\n\$3\r\nGET\r\n\$10\r\nflood:big\r\n"; flush $flood}]} {
        set cut $i
        break
    }
    if {$i % 50 == 0} {
        set used [info_field $ctl memory used_memory]
        if {$used > $peak} { set peak $used }
    }
}
puts "peak used_memory seen: [expr {$peak / 1048576}] MB"
puts [expr {$cut eq "" ? "the flooding client was never cut off ($gets GETs)" : "cut off after $cut GETs"}]
puts "client_output_buffer_limit_disconnections: [info_field $ctl stats client_output_buffer_limit_disconnections]"
catch {close $flood}
close $ctl
