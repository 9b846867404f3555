# SORT and SORT_RO on sets and lists: numeric order (strtod parsing, ties
# broken by the bytes of the members), ALPHA, ASC/DESC, LIMIT, BY with a
# string pattern, with a hash field (key->field) and BY nosort (a list
# keeps its order), GET # / GET pattern / GET key->field, STORE (a list;
# a set under nosort is stored sorted), their errors and exact texts,
# RESP2 and RESP3 replies.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --host 127.0.0.1 --port P --single unit/sort
# Sorted sets come later (redis-kv has none yet).
# ALPHA compares with strcoll() in Redis (the server's locale), so the
# ALPHA tests use lowercase ASCII letters and digits only, which every
# locale orders the same way.

set ::sort_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

start_server {tags {sort}} {
    r null_value (nil)

    # ----------------------------------------------------- numeric sorting
    test {SORT orders a set of numbers numerically, ascending by default} {
        r flushdb
        r sadd n 3 1 2 10 -5 2.5
        assert_equal {-5 1 2 2.5 3 10} [r sort n]
        assert_equal {-5 1 2 2.5 3 10} [r sort n asc]
        assert_equal {10 3 2.5 2 1 -5} [r sort n desc]
        assert_equal {-5 1 2 2.5 3 10} [r sort_ro n]
    }

    test {SORT of an intset and of a large hashtable set} {
        r flushdb
        set want {}
        for {set i 0} {$i < 1000} {incr i} {
            r sadd ints [expr {($i * 7919) % 1000}]
            r sadd mixed [expr {($i * 7919) % 1000}].5
            lappend want $i
        }
        assert_equal $want [r sort ints]
        assert_equal [lreverse $want] [r sort ints desc]
        set got [r sort mixed]
        assert_equal 1000 [llength $got]
        assert_equal {0.5 1.5 2.5} [lrange $got 0 2]
        assert_equal 999.5 [lindex $got end]
    }

    test {SORT parses members like strtod: exponents, signs, hex, inf, a leading space} {
        r flushdb
        r sadd s inf -inf 1e3 5 0x10 +3 .5 -0 " 7"
        assert_equal {-inf -0 .5 +3 5 { 7} 0x10 1e3 inf} [r sort s]
        # An empty member reads as 0.
        r sadd e "" 5 -1
        assert_equal {-1 {} 5} [r sort e]
    }

    test {SORT breaks ties between equal numbers by the bytes of the members} {
        r flushdb
        r sadd t 1.0 1 01 2 0.5 1e0
        assert_equal {0.5 01 1 1.0 1e0 2} [r sort t]
        assert_equal {2 1e0 1.0 1 01 0.5} [r sort t desc]
    }

    test {SORT: a member that is not a number needs ALPHA} {
        r flushdb
        foreach m {abc nan "1 " 1x 1.2.3} {
            r del s
            r sadd s 1 $m
            assert_error_equal "ERR One or more scores can't be converted into double" \
                {r sort s} "member '$m'"
            assert_error_equal "ERR One or more scores can't be converted into double" \
                {r sort_ro s} "member '$m'"
        }
    }

    # ---------------------------------------------------------------- ALPHA
    test {SORT ALPHA orders the members as strings} {
        r flushdb
        r sadd w banana apple cherry
        assert_equal {apple banana cherry} [r sort w alpha]
        assert_equal {cherry banana apple} [r sort w alpha desc]
        r sadd c 10 9 100 1
        assert_equal {1 10 100 9} [r sort c alpha]
        assert_equal {9 100 10 1} [r sort c ALPHA DESC]
        assert_equal {1 9 10 100} [r sort c]
    }

    test {The last of ASC and DESC wins} {
        r flushdb
        r sadd k 1 2
        assert_equal {2 1} [r sort k asc desc]
        assert_equal {1 2} [r sort k desc asc]
    }

    # ---------------------------------------------------------------- LIMIT
    test {SORT LIMIT offset count takes a slice of the sorted result} {
        r flushdb
        r sadd n 1 2 3 4 5 6
        assert_equal {2 3} [r sort n limit 1 2]
        assert_equal {5 4} [r sort n desc limit 1 2]
        assert_equal {1 2 3 4 5 6} [r sort n limit 0 100]
        assert_equal {5 6} [r sort n limit 4 100]
        assert_equal {} [r sort n limit 0 0]
        assert_equal {} [r sort n limit 6 1]
        assert_equal {} [r sort n limit 10 5]
        assert_equal {1 2 3 4 5 6} [r sort n limit 0 9223372036854775807]
        assert_equal {} [r sort n limit 9223372036854775807 1]
        assert_equal {2} [r sort_ro n limit 1 1]
    }

    test {SORT LIMIT: a negative offset is 0, a negative count means the rest} {
        r flushdb
        r sadd n 1 2 3 4 5 6
        assert_equal {1 2} [r sort n limit -1 2]
        assert_equal {2 3 4 5 6} [r sort n limit 1 -1]
        assert_equal {1 2 3 4 5 6} [r sort n limit -5 -5]
    }

    test {SORT LIMIT with ALPHA; the last LIMIT wins} {
        r flushdb
        r sadd c 10 9 100
        assert_equal {10} [r sort c alpha limit 0 1]
        assert_equal {9} [r sort c limit 0 1 desc alpha]
        assert_equal {10} [r sort c limit 0 1 limit 1 1]
    }

    # -------------------------------------------------------------------- BY
    test {SORT BY a string pattern sorts by the weights} {
        r flushdb
        r sadd s 1 2 3
        r mset w_1 30 w_2 10 w_3 20
        assert_equal {2 3 1} [r sort s by w_*]
        assert_equal {1 3 2} [r sort s by w_* desc]
        assert_equal {2 3} [r sort s by w_* limit 0 2]
        r sadd a x y z
        r mset w_x 2.5 w_y -1 w_z 1e1
        assert_equal {y x z} [r sort a by w_*]
    }

    test {SORT BY: a missing weight is 0, ties broken by the members} {
        r flushdb
        r sadd s a b c
        r mset w_a 2 w_b 1
        assert_equal {c b a} [r sort s by w_*]
        assert_equal {a b c} [r sort s by w_* desc]
        assert_equal {a b c} [r sort s by nokey_*]
        assert_equal {c b a} [r sort s by nokey_* desc]
        # A weight key of another type counts as missing.
        r sadd w_c 100
        assert_equal {c b a} [r sort s by w_*]
    }

    test {SORT BY: a weight that is not a number is an error without ALPHA} {
        r flushdb
        r sadd s 1 2
        r mset w_1 5 w_2 abc
        assert_error_equal "ERR One or more scores can't be converted into double" \
            {r sort s by w_*}
        r mset w_1 { 5} w_2 {6 }
        assert_error_equal "ERR One or more scores can't be converted into double" \
            {r sort s by w_*}
        # An empty weight reads as 0.
        r mset w_1 "" w_2 -1
        assert_equal {2 1} [r sort s by w_*]
    }

    test {SORT BY ... ALPHA compares the weights as strings} {
        r flushdb
        r sadd s a b c
        r mset x_a b x_b a x_c c
        assert_equal {b a c} [r sort s by x_* alpha]
        assert_equal {c a b} [r sort s by x_* alpha desc]
        r mset x_a 10 x_b 9 x_c 100
        assert_equal {a c b} [r sort s by x_* alpha]
        assert_equal {b a c} [r sort s by x_*]
    }

    test {SORT BY a hash field (key->field)} {
        r flushdb
        r sadd n 1 2 3
        r hset h_1 f 10 g c
        r hset h_2 f 5 g a
        r hset h_3 f 7 g b
        assert_equal {2 3 1} [r sort n by h_*->f]
        assert_equal {1 3 2} [r sort n by h_*->f desc]
        assert_equal {2 3 1} [r sort n by h_*->g alpha]
        assert_equal {1 3 2} [r sort_ro n by h_*->f desc]
    }

    test {SORT BY key->field: a missing field, an empty field name or a string key weigh 0} {
        r flushdb
        r sadd n 1 2 3
        r hset h_1 f 10
        r hset h_2 f -5
        r set h_3 str
        assert_equal {2 3 1} [r sort n by h_*->f]
        assert_equal {1 2 3} [r sort n by h_*->nofield]
        assert_equal {1 2 3} [r sort n by h_*->]
        assert_equal {3 2 1} [r sort n by h_*->nofield desc]
    }

    test {SORT BY nosort returns the members unsorted; LIMIT still applies} {
        r flushdb
        r sadd s 3 1 2 10 b a
        assert_equal {1 10 2 3 a b} [lsort [r sort s by nosort]]
        assert_equal {1 10 2 3 a b} [lsort [r sort s by NOSORT desc]]
        assert_equal {1 10 2 3 a b} [lsort [r sort_ro s by nosort]]
        set two [r sort s by nosort limit 0 2]
        assert_equal 2 [llength $two]
        foreach m $two { assert_equal 1 [r sismember s $m] }
        assert_equal {} [r sort s by nosort limit 0 0]
    }

    test {SORT BY a pattern without * does not sort either} {
        r flushdb
        r sadd s b a c
        r set w 1
        assert_equal {a b c} [lsort [r sort s by w]]
        assert_equal {a b c} [lsort [r sort s by nokey]]
    }

    # ------------------------------------------------------------------- GET
    test {SORT GET # returns the members themselves} {
        r flushdb
        r sadd s 3 1 2
        assert_equal {1 2 3} [r sort s get #]
        assert_equal {1 1 2 2 3 3} [r sort s get # get #]
    }

    test {SORT GET pattern returns the strings it names, nil when missing} {
        r flushdb
        r sadd s 1 2 3
        r mset o_1 one o_2 two
        assert_equal {one two (nil)} [r sort s get o_*]
        assert_equal {one 1 two 2 (nil) 3} [r sort s get o_* get #]
        assert_equal {1 one 2 two 3 (nil)} [r sort s get # get o_*]
        assert_equal {(nil) (nil) (nil)} [r sort s get nokey]
        assert_equal "*3\r\n\$3\r\none\r\n\$3\r\ntwo\r\n\$-1\r\n" [raw_reply sort s get o_*]
        assert_equal "*3\r\n\$3\r\none\r\n\$3\r\ntwo\r\n_\r\n" [raw_reply3 sort s get o_*]
    }

    test {SORT GET of a key that is not a string is nil} {
        r flushdb
        r sadd s 1 2
        r sadd o_1 x
        r hset o_2 f v
        assert_equal {(nil) (nil)} [r sort s get o_*]
    }

    test {SORT GET key->field returns hash fields, nil when missing} {
        r flushdb
        r sadd n 1 2 3
        r hset h_1 f 3 g a
        r hset h_2 f 1 g b
        r hset h_3 f 2
        assert_equal {a b (nil)} [r sort n get h_*->g]
        assert_equal {b 2 (nil) 3 a 1} [r sort n by h_*->f get h_*->g get #]
        assert_equal {(nil) (nil) (nil)} [r sort n get h_*->nofield]
        assert_equal {(nil) (nil) (nil)} [r sort n get h_*->]
        # A hash named without -> and a string named with -> are both nil.
        r set o_1 str
        assert_equal {(nil) (nil) (nil)} [r sort n get h_*]
        assert_equal {(nil) (nil) (nil)} [r sort n get o_*->f]
        assert_equal {3} [r sort n get h_*->f limit 0 1]
    }

    test {SORT BY and GET with ALPHA, DESC and LIMIT together} {
        r flushdb
        r sadd s 1 2 3 4
        r mset name_1 dave name_2 alice name_3 carol name_4 bob
        r mset age_1 40 age_2 30 age_3 20 age_4 50
        assert_equal {alice bob carol dave} [r sort s by name_* alpha get name_*]
        assert_equal {bob dave} [r sort s by age_* desc limit 0 2 get name_*]
        assert_equal {3 carol 2 alice} [r sort s by age_* get # get name_* limit 0 2]
        assert_equal {alice bob} [r sort_ro s by name_* alpha limit 0 2 get name_*]
    }

    # ----------------------------------------------------------------- STORE
    test {SORT STORE replies the number of stored elements; the destination is a list} {
        r flushdb
        r sadd s 3 1 2
        assert_equal 3 [r sort s store dst]
        assert_equal list [r type dst]
        assert_equal ":3\r\n" [raw_reply sort s store dst]
        assert_equal ":3\r\n" [raw_reply3 sort s store dst]
        # GET multiplies the elements; LIMIT cuts them.
        r mset o_1 a o_2 b
        assert_equal 6 [r sort s get # get o_* store dst]
        assert_equal 2 [r sort s limit 0 2 store dst]
        assert_equal 3 [r sort s by nosort store dst]
        assert_equal list [r type dst]
    }

    test {SORT STORE replaces a destination of any type} {
        r flushdb
        r sadd s 1 2
        r set dst str
        assert_equal 2 [r sort s store dst]
        assert_equal list [r type dst]
        r del dst
        r hset dst f v
        assert_equal 2 [r sort s store dst]
        assert_equal list [r type dst]
        r del dst
        r sadd dst x
        assert_equal 2 [r sort s store dst]
        assert_equal list [r type dst]
        # The source itself may be the destination.
        assert_equal 2 [r sort s store s]
        assert_equal list [r type s]
    }

    test {SORT STORE of an empty result deletes the destination} {
        r flushdb
        r sadd s 1 2
        r set dst str
        assert_equal 0 [r sort nokey store dst]
        assert_equal 0 [r exists dst]
        r set dst str
        assert_equal 0 [r sort s limit 5 1 store dst]
        assert_equal 0 [r exists dst]
        r sadd dst x
        assert_equal 0 [r sort s limit 0 0 store dst]
        assert_equal 0 [r exists dst]
    }

    test {SORT STORE: the last STORE wins} {
        r flushdb
        r sadd s 1 2
        assert_equal 2 [r sort s store d1 store d2]
        assert_equal 0 [r exists d1]
        assert_equal list [r type d2]
    }

    test {SORT STORE sends a sortstore event, and del for an empty result} {
        r flushdb
        set ev [keyspace_events_of KA {
            r sadd s 1 2
            r sort s store d
            r sort nokey store d
            r sort nokey store d
            r sort s
        }]
        assert_equal {{s sadd} {d sortstore} {d del}} $ev
    }

    test {SORT sends keymiss for a missing key and for every missing BY and GET key} {
        r flushdb
        r sadd one 1
        set ev [keyspace_events_of Km { r sort nokey }]
        assert_equal {{nokey keymiss}} $ev
        # The weights are looked up before the GET keys.
        set ev [keyspace_events_of Km { r sort one by w_* get o_* get # }]
        assert_equal {{w_1 keymiss} {o_1 keymiss}} $ev
        set ev [keyspace_events_of Km { r sort one by h_*->f get h_*->g }]
        assert_equal {{h_1 keymiss} {h_1 keymiss}} $ev
        r set w_1 5
        r set o_1 x
        set ev [keyspace_events_of Km { r sort one by w_* get o_* }]
        assert_equal {} $ev
    }

    test {SORT STORE stores the result as a list, missing GET values as empty strings} {
        r flushdb
        r sadd s 3 1 2 10
        assert_equal 4 [r sort s store dst]
        assert_equal {1 2 3 10} [r lrange dst 0 -1]
        assert_equal 2 [r sort s desc limit 0 2 store dst]
        assert_equal {10 3} [r lrange dst 0 -1]
        r mset o_1 one o_3 three
        r hset h_2 f two
        assert_equal 12 [r sort s get # get o_* get h_*->f store dst]
        assert_equal {1 one {} 2 {} two 3 three {} 10 {} {}} [r lrange dst 0 -1]
    }

    test {SORT STORE of a set under nosort stores it sorted as ALPHA would (bytes)} {
        r flushdb
        r sadd s 10 9 b a 100
        assert_equal 5 [r sort s by nosort store dst]
        assert_equal {10 100 9 a b} [r lrange dst 0 -1]
        assert_equal 5 [r sort s by nosort desc store dst]
        assert_equal {b a 9 100 10} [r lrange dst 0 -1]
        assert_equal 2 [r sort s by nokey limit 1 2 store dst]
        assert_equal {100 9} [r lrange dst 0 -1]
    }

    test {SORT STORE drops the destination's TTL; the source is not touched} {
        r flushdb
        r sadd s 2 1
        r rpush dst x
        r expire dst 1000
        assert_equal 2 [r sort s store dst]
        assert_equal -1 [r ttl dst]
        assert_equal {1 2} [r lrange dst 0 -1]
        r expire s 1000
        assert_equal 2 [r sort s store dst]
        assert_range [r ttl s] 1 1000
    }

    # ----------------------------------------------------------------- lists
    test {SORT of a list: numeric, ALPHA and DESC; duplicates stay} {
        r flushdb
        r rpush l 3 1 2 10 1 -5 2.5
        assert_equal {-5 1 1 2 2.5 3 10} [r sort l]
        assert_equal {10 3 2.5 2 1 1 -5} [r sort l desc]
        r rpush d 3 1 2 10 1
        assert_equal {1 1 10 2 3} [r sort d alpha]
        assert_equal {1 1 2} [r sort_ro l limit 1 3]
        r rpush w b a c a
        assert_equal {a a b c} [r sort w alpha]
        assert_error_equal "ERR One or more scores can't be converted into double" {r sort w}
        # The list itself does not change.
        assert_equal {3 1 2 10 1 -5 2.5} [r lrange l 0 -1]
    }

    test {SORT BY nosort of a list keeps its order; DESC reverses it; LIMIT takes a range} {
        r flushdb
        r rpush l 5 3 1 4 2
        assert_equal {5 3 1 4 2} [r sort l by nosort]
        assert_equal {2 4 1 3 5} [r sort l by nosort desc]
        assert_equal {3 1} [r sort l by nosort limit 1 2]
        assert_equal {4 1} [r sort l by nosort desc limit 1 2]
        assert_equal {5 3} [r sort l by nosort limit -1 2]
        assert_equal {4 2} [r sort l by nosort limit 3 100]
        assert_equal {3 5} [r sort l by nosort desc limit 3 100]
        assert_equal {} [r sort l by nosort limit 10 1]
        assert_equal {} [r sort l by nosort limit 0 0]
        # Any BY without * turns sorting off, whatever BY comes later.
        r mset w_1 1 w_2 2 w_3 3 w_4 4 w_5 5
        assert_equal {5 3 1 4 2} [r sort l by nosort by w_*]
        assert_equal {1 2 3 4 5} [r sort l by w_*]
        assert_equal {5 3 1 4 2} [r sort_ro l by nosort alpha]
        # A list is stored in its own order (no ALPHA sort as for a set).
        assert_equal 3 [r sort l by nosort limit 1 3 store dst]
        assert_equal {3 1 4} [r lrange dst 0 -1]
    }

    test {SORT of a list BY weights and with GET} {
        r flushdb
        r rpush l a b c a
        r mset w_a 3 w_b 1 w_c 2 o_a A o_b B
        assert_equal {b c a a} [r sort l by w_*]
        assert_equal {B b (nil) c A a A a} [r sort l by w_* get o_* get #]
        r hset h_a f z
        r hset h_b f y
        assert_equal {c b a a} [r sort l by h_*->f alpha]
        assert_equal {a a b c} [r sort l by h_*->f alpha desc]
    }

    test {SORT of a list into itself} {
        r flushdb
        r rpush l 3 1 2
        assert_equal 3 [r sort l store l]
        assert_equal {1 2 3} [r lrange l 0 -1]
        assert_equal 0 [r sort l limit 5 5 store l]
        assert_equal 0 [r exists l]
    }

    test {SORT_RO refuses STORE} {
        r flushdb
        r sadd s 1 2
        assert_error_equal "ERR syntax error" {r sort_ro s store d}
        assert_error_equal "ERR syntax error" {r sort_ro s STORE d}
        assert_error_equal "ERR syntax error" {r sort_ro s store}
        assert_equal 0 [r exists d]
    }

    # ------------------------------------------------------ missing keys etc.
    test {SORT of a missing key is an empty array (RESP2 and RESP3)} {
        r flushdb
        assert_equal {} [r sort nokey]
        assert_equal "*0\r\n" [raw_reply sort nokey]
        assert_equal "*0\r\n" [raw_reply3 sort nokey]
        assert_equal "*0\r\n" [raw_reply3 sort_ro nokey by w_* get # alpha]
    }

    test {SORT replies an array in RESP3 too} {
        r flushdb
        r sadd s 2 1
        assert_equal "*2\r\n\$1\r\n1\r\n\$1\r\n2\r\n" [raw_reply sort s]
        assert_equal "*2\r\n\$1\r\n1\r\n\$1\r\n2\r\n" [raw_reply3 sort s]
        assert_equal "*2\r\n\$1\r\n1\r\n\$1\r\n2\r\n" [raw_reply3 sort_ro s]
    }

    test {SORT does not change the set} {
        r flushdb
        r sadd s 3 1 2
        r sort s desc limit 0 1
        r sort s store dst
        assert_equal {1 2 3} [lsort [r smembers s]]
        assert_equal set [r type s]
    }

    # ---------------------------------------------------------------- errors
    test {SORT syntax errors} {
        r flushdb
        r sadd s 1 2
        foreach args {{foo} {limit} {limit 0} {limit 1} {by} {get} {store}
                      {desc foo} {alpha 1} {by w_* limit 0}} {
            assert_error_equal "ERR syntax error" {r sort s {*}$args} "SORT s $args"
            assert_error_equal "ERR syntax error" {r sort_ro s {*}$args} "SORT_RO s $args"
        }
        assert_error_equal "ERR value is not an integer or out of range" {r sort s limit a 1}
        assert_error_equal "ERR value is not an integer or out of range" {r sort s limit 0 1.5}
        assert_error_equal "ERR value is not an integer or out of range" \
            {r sort_ro s limit 9223372036854775808 1}
    }

    test {SORT and SORT_RO arity} {
        assert_error_equal "ERR wrong number of arguments for 'sort' command" {r sort}
        assert_error_equal "ERR wrong number of arguments for 'sort_ro' command" {r sort_ro}
    }

    test {SORT of a string or a hash is WRONGTYPE} {
        r flushdb
        r set str v
        r hset h f v
        foreach key {str h} {
            assert_error_equal $::sort_wrongtype {r sort $key} $key
            assert_error_equal $::sort_wrongtype {r sort_ro $key} $key
            assert_error_equal $::sort_wrongtype {r sort $key alpha store dst} $key
        }
        assert_equal 0 [r exists dst]
    }
}
