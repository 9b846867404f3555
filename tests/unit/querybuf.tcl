# The query buffer: how it grows and gives memory back, as CLIENT LIST
# shows it (qbuf: bytes in it, qbuf-free: its spare room).  As in Redis
# 7.0: a new connection's buffer is one 16 KB read; a big argument makes it
# as big as the argument; the cron gives all spare room back once the
# client has been idle for more than 2 seconds, and shrinks a busy client's
# oversized buffer towards what it recently used.

proc qb_fields {name} {
    foreach line [split [string trim [r client list]] "\n"] {
        if {[string match "* name=$name *" $line]} {
            regexp {qbuf=([0-9]+) qbuf-free=([0-9]+)} $line -> q f
            regexp {idle=([0-9]+)} $line -> idle
            return [list $q $f $idle]
        }
    }
    return {}
}

# The query buffer's size (used + spare) of the connection named NAME.
proc qb_size {name} {
    lassign [qb_fields $name] q f
    return [expr {$q + $f}]
}

start_server {tags {querybuf}} {
    test {CLIENT LIST qbuf counts the request being run: 26 bytes for CLIENT LIST} {
        set rd [redis_client]
        set line [$rd client list]
        set me [$rd client id]
        foreach l [split [string trim $line] "\n"] {
            if {[string match "id=$me *" $l]} { set line $l }
        }
        assert_match "* qbuf=26 *" $line
        assert_match "* argv-mem=10 *" $line
        regexp {qbuf-free=([0-9]+)} $line -> free
        assert_range [expr {26 + $free}] 16384 32767
        assert_match "* qbuf=26 *" [$rd client info]
        $rd close
    }

    test {A new connection's query buffer is one read: at least 16 KB, under 32 KB} {
        set rd [redis_client]
        $rd client setname fresh
        set size [qb_size fresh]
        assert {$size >= 16384 && $size < 32768}
        $rd close
    }

    test {An idle connection's query buffer is given back entirely} {
        set rd [redis_client]
        $rd client setname idle
        wait_for_condition 100 100 {
            [lindex [qb_fields idle] 2] >= 3 && [qb_size idle] == 0
        } else {
            fail "the idle query buffer was not released: [qb_fields idle]"
        }
        # And it grows again for the next request.
        assert_equal PONG [$rd ping]
        $rd close
    }

    test {A big argument grows the buffer to its size; a busy client shrinks it back} {
        set rd [redis_client]
        $rd client setname busy
        $rd set x [string repeat A 400000]
        set big [qb_size busy]
        assert_morethan $big 400000
        # Small requests keep it busy (never idle 2 seconds), its recent peak
        # falls, and the cron trims the buffer to that peak, not to nothing.
        wait_for_condition 300 10 {
            [$rd set x [string repeat A 100]] eq "OK" && [qb_size busy] < $big
        } else {
            fail "the buffer did not shrink: [qb_size busy]"
        }
        set size [qb_size busy]
        assert_morethan $size 0
        assert_lessthan $size 32768
        $rd close
    }

    test {A partial request stays in the buffer and shows in qbuf} {
        set rd [redis_deferring_client]
        $rd client setname partial
        assert_equal OK [$rd read]
        $rd write "*2\r\n\$4\r\necho\r\n\$10\r\nabc"
        $rd flush
        wait_for_condition 100 20 {[lindex [qb_fields partial] 0] == 3} else {
            fail "qbuf is [lindex [qb_fields partial] 0]"
        }
        $rd write "defghij\r\n"
        $rd flush
        assert_equal abcdefghij [$rd read]
        wait_for_condition 100 20 {[lindex [qb_fields partial] 0] == 0} else {
            fail "qbuf is [lindex [qb_fields partial] 0]"
        }
        $rd close
    }

    test {A big argument arriving in parts: qbuf follows it, qbuf-free is what is missing} {
        set rd [redis_deferring_client]
        $rd client setname bigpart
        assert_equal OK [$rd read]
        set n 1000000
        $rd write "*2\r\n\$4\r\necho\r\n\$$n\r\n"
        $rd write [string repeat b 600000]
        $rd flush
        wait_for_condition 100 20 {[lindex [qb_fields bigpart] 0] >= 600000} else {
            fail "qbuf is [lindex [qb_fields bigpart] 0]"
        }
        lassign [qb_fields bigpart] q f
        # The buffer was sized for the whole argument, not doubled.
        assert_range [expr {$q + $f}] [expr {$n + 2}] [expr {$n + 2 + 65536}]
        $rd write "[string repeat b [expr {$n - 600000}]]\r\n"
        $rd flush
        assert_equal $n [string length [$rd read]]
        $rd close
    }
}
