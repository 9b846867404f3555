# Geospatial commands: GEOADD (NX XX CH), GEODIST and its units, GEOHASH,
# GEOPOS, GEOSEARCH and GEOSEARCHSTORE (FROMMEMBER FROMLONLAT, BYRADIUS
# BYBOX, ASC DESC, COUNT and ANY, WITHCOORD WITHDIST WITHHASH, STOREDIST),
# GEORADIUS GEORADIUSBYMEMBER and their _RO forms.  A geo set is a sorted
# set whose scores are 52-bit geohashes: the scores, positions, distances
# and hashes below are the digits redis-server 7.0.15 gives, in RESP2 and
# RESP3 (GEOPOS coordinates are RESP3 doubles; distances stay bulk
# strings).  A search over 600 pseudo-random points is checked against a
# Tcl model of Redis's distance formula.  Also: every error path in the
# order Redis meets them, a missing source (BYMEMBER checks nothing, STORE
# deletes the destination), WATCH, client tracking (the reads are
# tracked, GEORADIUS is a write), keyspace events (zadd, keymiss,
# geosearchstore, georadiusstore, del) and COMMAND GETKEYS finding
# GEORADIUS's STORE/STOREDIST destination.
#
# Checked against a real redis-server 7.0.15:
#   tests/runtest --server /usr/bin/redis-server --single unit/geo
#   tests/runtest --host 127.0.0.1 --port P --single unit/geo
# Nothing here is redis-kv-only.  The order of COUNT ... ANY results is
# the order the index is scanned in, so only their number and membership
# are checked.

set ::geo_wrongtype "WRONGTYPE Operation against a key holding the wrong kind of value"

# Five European capitals, as GEOADD arguments.
set ::geo_cities {2.3522 48.8566 paris -0.1276 51.5072 london 13.4050 52.5200 berlin
                  -3.7038 40.4168 madrid 12.4964 41.9028 rome}

proc geo_make {key} {
    r del $key
    r geoadd $key {*}$::geo_cities
}

# ---- the model: Redis's haversine on a sphere of 6372797.560856 m.
set ::geo_earth 6372797.560856
proc geo_rad {d} { return [expr {$d * (acos(-1) / 180.0)}] }
proc geo_dist {lon1 lat1 lon2 lat2} {
    set la1 [geo_rad $lat1]
    set lo1 [geo_rad $lon1]
    set la2 [geo_rad $lat2]
    set lo2 [geo_rad $lon2]
    set u [expr {sin(($la2 - $la1) / 2)}]
    set v [expr {sin(($lo2 - $lo1) / 2)}]
    return [expr {2.0 * $::geo_earth * asin(sqrt($u*$u + cos($la1)*cos($la2)*$v*$v))}]
}
# The distance from the centre (CLON CLAT) to a point in a box of W x H
# metres around it, or -1 when the point is outside: north-south by the
# latitude difference, east-west along the point's own latitude.
proc geo_box_dist {clon clat w h lon lat} {
    set latd [expr {$::geo_earth * abs([geo_rad $lat] - [geo_rad $clat])}]
    if {$latd > $h / 2.0} { return -1 }
    if {[geo_dist $lon $lat $clon $lat] > $w / 2.0} { return -1 }
    return [geo_dist $clon $clat $lon $lat]
}

start_server {tags {geo}} {
    r null_value (nil)

    # -------------------------------------------------------------- GEOADD
    test {GEOADD stores members as a sorted set scored by their 52-bit geohash} {
        r del eu
        assert_equal 5 [r geoadd eu {*}$::geo_cities]
        assert_equal zset [r type eu]
        assert_equal [list {*}{madrid 1969393810321282 london 2163557714838307
            rome 3480343273968262 paris 3663832779122514 berlin 3673983950397063}] \
            [r zrange eu 0 -1 withscores]
        assert_equal 0 [r geoadd eu 2.3522 48.8566 paris]
        assert_equal 3663832779122514 [r zscore eu paris]
        assert_equal 1 [r zrem eu paris]
        assert_equal 4 [r zcard eu]
    }

    test {GEOADD NX, XX and CH} {
        r del g
        assert_equal 2 [r geoadd g ch 1 1 a 2 2 c]
        assert_equal 1 [r geoadd g nx 5 5 a 3 3 d]
        assert_equal {2.00000256299972534 2.0000001856465488} [lindex [r geopos g c] 0]
        assert_equal 0 [r geoadd g xx 6 6 a 4 4 e]
        assert_equal 1 [r geoadd g xx ch 7 7 a 4 4 e]
        assert_equal 1 [r geoadd g ch 7 7 a 8 8 f]
        assert_equal {a c d f} [lsort [r zrange g 0 -1]]
        assert_equal (nil) [lindex [r geopos g e] 0]
        assert_equal 0 [r geoadd nokey xx 1 1 a]
        assert_equal 0 [r exists nokey]
    }

    test {GEOADD takes longitudes in [-180,180] and latitudes in [-85.05112878,85.05112878]} {
        r del g
        assert_equal 4 [r geoadd g 180 85.05112878 ne -180 -85.05112878 sw 0 0 o -180 85.05112878 nw]
        assert_equal {180 85.0511287799999991} [lindex [r geopos g ne] 0]
        assert_error_equal "ERR invalid longitude,latitude pair 181.000000,0.000000" {r geoadd g 181 0 x}
        assert_error_equal "ERR invalid longitude,latitude pair 0.000000,86.000000" {r geoadd g 0 86 x}
        assert_error_equal "ERR invalid longitude,latitude pair 0.000000,85.051129" {r geoadd g 0 85.05112879 x}
        assert_error_equal "ERR invalid longitude,latitude pair -180.500000,-10.250000" {r geoadd g -180.5 -10.25 x}
        assert_error_equal "ERR invalid longitude,latitude pair 10.000000,-90.000000" {r geoadd g 1 1 y 10 -90 x}
        assert_equal (nil) [r zscore g y]
        assert_equal 4 [r zcard g]
    }

    test {GEOADD errors} {
        r del g
        assert_error_equal "ERR value is not a valid float" {r geoadd g x 0 a}
        assert_error_equal "ERR value is not a valid float" {r geoadd g 0 y a}
        assert_error_equal "ERR value is not a valid float" {r geoadd g 0 nan a}
        assert_error_equal "ERR syntax error" {r geoadd g 0 0 a 1}
        assert_error_equal "ERR syntax error" {r geoadd g nx xx 0 0 a}
        assert_error_equal "ERR syntax error" {r geoadd g gt 0 0 a}
        assert_error_equal "ERR syntax error" {r geoadd g foo 0 0 a}
        assert_arity_error geoadd {} {g} {g 0} {g 0 0}
        assert_equal 0 [r exists g]
        r set s x
        assert_error_equal $::geo_wrongtype {r geoadd s 0 0 a}
    }

    # ---------------------------------------------------- GEOPOS GEOHASH
    test {GEOPOS gives the centre of the geohash cell, to Redis's digits} {
        geo_make eu
        assert_equal {{2.35219806432723999 48.8565995303492997} (nil)} [r geopos eu paris nowhere]
        assert_equal "*2\r\n*2\r\n\$19\r\n2.35219806432723999\r\n\$19\r\n48.8565995303492997\r\n*-1\r\n" \
            [raw_reply geopos eu paris nowhere]
        assert_equal "*2\r\n*2\r\n,2.35219806432723999\r\n,48.8565995303492997\r\n_\r\n" \
            [raw_reply3 geopos eu paris nowhere]
        assert_equal {{-0.12760072946548462 51.50720053692975853}} [r geopos eu london]
        assert_equal {(nil) (nil)} [r geopos nokey a b]
        assert_equal "*2\r\n_\r\n_\r\n" [raw_reply3 geopos nokey a b]
        assert_equal {} [r geopos eu]
    }

    test {GEOHASH gives the 11-character standard geohash} {
        geo_make eu
        assert_equal {u09tvw0f640 gcpvj0e54w0 (nil)} [r geohash eu paris london nowhere]
        assert_equal "*3\r\n\$11\r\nu09tvw0f640\r\n\$11\r\ngcpvj0e54w0\r\n\$-1\r\n" \
            [raw_reply geohash eu paris london nowhere]
        assert_equal "*1\r\n\$11\r\nu09tvw0f640\r\n" [raw_reply3 geohash eu paris]
        assert_equal {(nil)} [r geohash nokey a]
        assert_equal {} [r geohash eu]
    }

    test {GEOPOS, GEOHASH and GEODIST of a member added with ZADD} {
        r del bad
        r zadd bad 1 low
        assert_equal {{-179.99999731779098511 -85.05112497791824921}} [r geopos bad low]
        assert_equal {00bh0hbj210} [r geohash bad low]
        assert_equal 0.0000 [r geodist bad low low]
    }

    # ------------------------------------------------------------ GEODIST
    test {GEODIST in every unit} {
        geo_make eu
        assert_equal 343626.8434 [r geodist eu paris london]
        assert_equal 343626.8434 [r geodist eu paris london m]
        assert_equal 343.6268 [r geodist eu paris london km]
        assert_equal 343.6268 [r geodist eu paris london KM]
        assert_equal 213.5204 [r geodist eu paris london mi]
        assert_equal 1127384.6568 [r geodist eu paris london ft]
        assert_equal 0.0000 [r geodist eu paris paris]
        assert_equal [r geodist eu madrid berlin] [r geodist eu berlin madrid]
        assert_equal "\$8\r\n343.6268\r\n" [raw_reply3 geodist eu paris london km]
        assert_equal (nil) [r geodist eu paris nowhere]
        assert_equal (nil) [r geodist nokey a b]
        assert_equal "_\r\n" [raw_reply3 geodist eu paris nowhere]
        assert_equal "\$-1\r\n" [raw_reply geodist eu nowhere paris]
    }

    test {GEODIST errors} {
        geo_make eu
        assert_error_equal "ERR unsupported unit provided. please use M, KM, FT, MI" {r geodist eu paris london furlong}
        assert_error_equal "ERR syntax error" {r geodist eu paris london km x}
        assert_arity_error geodist {} {eu} {eu paris}
        r set s x
        assert_error_equal $::geo_wrongtype {r geodist s a b}
        assert_error_equal $::geo_wrongtype {r geopos s a}
        assert_error_equal $::geo_wrongtype {r geohash s a}
        assert_arity_error geopos {}
        assert_arity_error geohash {}
    }

    # ---------------------------------------------------------- GEOSEARCH
    test {GEOSEARCH FROMMEMBER BYRADIUS, ASC and DESC} {
        geo_make eu
        assert_equal {paris london berlin} [r geosearch eu frommember paris byradius 1000 km asc]
        assert_equal {berlin london paris} [r geosearch eu frommember paris byradius 1000 km desc]
        assert_equal {{berlin 877.7111} {london 343.6268} {paris 0.0000}} \
            [r geosearch eu frommember paris byradius 1000 km desc withdist]
        assert_equal {berlin london paris} [lsort [r geosearch eu frommember paris byradius 1000 km]]
        assert_equal {{rome 1105.5920} {madrid 1053.1893} {berlin 877.7111}} \
            [r geosearch eu frommember paris byradius 5000 km desc count 3 withdist]
        assert_equal {paris london} [r geosearch eu frommember paris byradius 1000000 m asc count 2]
        assert_equal {paris london berlin} [r geosearch eu frommember paris byradius 650 mi asc]
        assert_equal {paris london berlin} [r geosearch eu frommember paris byradius 3000000 ft asc]
        assert_equal {paris london} [r geosearch eu frommember paris byradius 2000000 ft asc]
    }

    test {GEOSEARCH FROMLONLAT with WITHCOORD WITHDIST WITHHASH, RESP2 and RESP3} {
        geo_make eu
        assert_equal [list {*}{{berlin 366.9756 3673983950397063 {13.40500205755233765 52.51999907056681138}}
            {paris 567.4055 3663832779122514 {2.35219806432723999 48.8565995303492997}}
            {london 731.4592 2163557714838307 {-0.12760072946548462 51.50720053692975853}}}] \
            [r geosearch eu fromlonlat 10 50 byradius 800 km asc withcoord withdist withhash]
        assert_equal "*1\r\n*4\r\n\$6\r\nberlin\r\n\$8\r\n366.9756\r\n:3673983950397063\r\n*2\r\n\$20\r\n13.40500205755233765\r\n\$20\r\n52.51999907056681138\r\n" \
            [raw_reply geosearch eu fromlonlat 10 50 byradius 800 km asc count 1 withcoord withdist withhash]
        assert_equal "*1\r\n*4\r\n\$6\r\nberlin\r\n\$8\r\n366.9756\r\n:3673983950397063\r\n*2\r\n,13.40500205755233765\r\n,52.51999907056681138\r\n" \
            [raw_reply3 geosearch eu fromlonlat 10 50 byradius 800 km asc count 1 withcoord withdist withhash]
        # The order of the extras is fixed (dist, hash, coord), whatever the
        # order they are asked in.
        assert_equal {{berlin 3673983950397063}} [r geosearch eu fromlonlat 10 50 byradius 400 km withhash]
        assert_equal {{berlin 366.9756 {13.40500205755233765 52.51999907056681138}}} \
            [r geosearch eu fromlonlat 10 50 byradius 400 km withcoord withdist]
        assert_equal {{berlin 366.9756}} [r geosearch eu fromlonlat 10 50 byradius 400 km withdist withdist]
    }

    test {GEOSEARCH BYBOX} {
        geo_make eu
        assert_equal {{berlin 366.9756} {paris 567.4055} {london 731.4592}} \
            [r geosearch eu fromlonlat 10 50 bybox 1500 1000 km asc withdist]
        assert_equal {paris london} [r geosearch eu frommember paris bybox 2000 2000 km asc count 2]
        assert_equal {paris} [r geosearch eu frommember paris bybox 10 10 m asc]
        assert_equal {paris london} [r geosearch eu frommember paris bybox 1000 1000 km asc]
        assert_equal {paris london} [r geosearch eu frommember paris bybox 900 2000 km asc]
        assert_equal {paris} [r geosearch eu frommember paris bybox 300 2000 km asc]
    }

    test {GEOSEARCH COUNT ANY stops at the first COUNT matches} {
        geo_make eu
        set got [r geosearch eu frommember paris bybox 2000 2000 km count 2 any]
        assert_equal 2 [llength $got]
        foreach m $got { assert {$m in {paris london berlin madrid rome}} $m }
        set got [r geosearch eu frommember paris byradius 5000 km count 5 any asc withdist]
        assert_equal {{paris 0.0000} {london 343.6268} {berlin 877.7111} {madrid 1053.1893} {rome 1105.5920}} $got
    }

    test {GEOSEARCH of nothing: a missing key, an empty area} {
        geo_make eu
        assert_equal {} [r geosearch nokey fromlonlat 0 0 byradius 1 km]
        assert_equal {} [r geosearch eu fromlonlat 0 0 byradius 1 km]
        assert_equal "*0\r\n" [raw_reply3 geosearch eu fromlonlat 0 0 byradius 1 km withdist]
        assert_equal {{paris 0.7515}} [r geosearch eu fromlonlat 2.35 48.85 byradius 1 km withdist]
    }

    test {GEOSEARCH errors} {
        geo_make eu
        assert_error_equal "ERR could not decode requested zset member" {r geosearch eu frommember nope byradius 10 km}
        assert_error_equal "ERR could not decode requested zset member" {r geosearchstore d eu frommember nope byradius 10 km}
        assert_error_equal "ERR invalid longitude,latitude pair 200.000000,0.000000" {r geosearch eu fromlonlat 200 0 byradius 10 km}
        assert_error_equal "ERR radius cannot be negative" {r geosearch eu fromlonlat 0 0 byradius -1 km}
        assert_error_equal "ERR need numeric radius" {r geosearch eu fromlonlat 0 0 byradius x km}
        assert_error_equal "ERR need numeric height" {r geosearch eu fromlonlat 0 0 bybox 1 x km}
        assert_error_equal "ERR height or width cannot be negative" {r geosearch eu fromlonlat 0 0 bybox -1 1 km}
        assert_error_equal "ERR unsupported unit provided. please use M, KM, FT, MI" {r geosearch eu fromlonlat 0 0 byradius 1 parsec}
        assert_error_equal "ERR COUNT must be > 0" {r geosearch eu fromlonlat 0 0 byradius 1 km count 0}
        assert_error_equal "ERR COUNT must be > 0" {r geosearch eu fromlonlat 0 0 byradius 1 km count -1}
        assert_error_equal "ERR the ANY argument requires COUNT argument" {r geosearch eu fromlonlat 0 0 byradius 1 km any}
        assert_error_equal "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch" \
            {r geosearch eu frommember paris count 1 asc withdist}
        assert_error_equal "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch" \
            {r geosearch eu byradius 10 km count 1 asc}
        assert_error_equal "ERR syntax error" {r geosearch eu frommember paris byradius 10 km bybox 1 1 km}
        assert_error_equal "ERR syntax error" {r geosearch eu frommember paris fromlonlat 0 0 byradius 10 km}
        assert_error_equal "ERR syntax error" {r geosearch eu fromlonlat 0 0 byradius 1 km store x}
        assert_error_equal "ERR syntax error" {r geosearch eu fromlonlat 0 0 byradius 1 km storedist x}
        assert_error_equal "ERR syntax error" {r geosearch eu fromlonlat 0 0 byradius 1 km foo}
        foreach opt {withdist withcoord withhash} {
            assert_error_equal "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options" \
                {r geosearchstore d eu fromlonlat 0 0 byradius 1 km $opt}
        }
        assert_arity_error geosearch {} {eu} {eu byradius 10 km} {eu frommember paris}
        assert_arity_error geosearchstore {} {d eu} {d eu frommember paris}
        r set s x
        assert_error_equal $::geo_wrongtype {r geosearch s fromlonlat 0 0 byradius 1 km}
        assert_error_equal $::geo_wrongtype {r geosearchstore d s fromlonlat 0 0 byradius 1 km}
    }

    test {GEOSEARCHSTORE stores geohashes, or distances with STOREDIST} {
        geo_make eu
        r del dst
        assert_equal 3 [r geosearchstore dst eu frommember paris byradius 1000 km asc]
        assert_equal {london 2163557714838307 paris 3663832779122514 berlin 3673983950397063} \
            [r zrange dst 0 -1 withscores]
        assert_equal 3 [r geosearchstore dst eu frommember paris byradius 1000 km asc storedist]
        assert_equal {paris 0 london 343.62684339193123 berlin 877.71113490804271} \
            [r zrange dst 0 -1 withscores]
        assert_equal 2 [r geosearchstore dst eu frommember paris byradius 1000 km desc count 2]
        assert_equal {london berlin} [r zrange dst 0 -1]
        assert_equal 2 [r geosearchstore dst eu fromlonlat 10 50 byradius 700 km storedist]
        assert_equal {berlin 366.97563732455507 paris 567.40553581452514} [r zrange dst 0 -1 withscores]
        r set dst str
        assert_equal 0 [r geosearchstore dst eu fromlonlat 0 0 byradius 1 km]
        assert_equal 0 [r exists dst]
        r set dst str
        assert_equal 0 [r geosearchstore dst nokey fromlonlat 0 0 byradius 1 km]
        assert_equal 0 [r exists dst]
        assert_equal 1 [r geosearchstore eu eu frommember rome byradius 1 km]
        assert_equal {rome} [r zrange eu 0 -1]
    }

    # ------------------------------------------------ GEORADIUS and friends
    test {GEORADIUS and GEORADIUS_RO} {
        geo_make eu
        assert_equal {{berlin 366.9756} {paris 567.4055} {london 731.4592}} \
            [r georadius eu 10 50 800 km asc withdist]
        assert_equal {{berlin {13.40500205755233765 52.51999907056681138}} {paris {2.35219806432723999 48.8565995303492997}} {london {-0.12760072946548462 51.50720053692975853}}} \
            [r georadius_ro eu 10 50 800 km withcoord asc]
        assert_equal {london paris berlin} [r georadius eu 10 50 800 km desc]
        assert_equal {berlin} [r georadius_ro eu 10 50 800 km asc count 1]
        assert_equal {{berlin 3673983950397063}} [r georadius eu 10 50 800 km asc count 1 withhash]
        assert_equal {} [r georadius nokey 0 0 10 km]
        assert_equal {} [r georadius eu 2.3522 48.8566 0 m]
    }

    test {GEORADIUSBYMEMBER and GEORADIUSBYMEMBER_RO} {
        geo_make eu
        assert_equal {{paris 0.0000} {london 343.6268} {berlin 877.7111}} \
            [r georadiusbymember eu paris 1000 km asc withdist]
        assert_equal {paris} [r georadiusbymember_ro eu paris 1000 km asc count 1]
        assert_equal {berlin london} [r georadiusbymember_ro eu paris 1000 km desc count 2]
        assert_equal {{rome 0.0000 {12.49639838933944702 41.90279987683795326}}} \
            [r georadiusbymember eu rome 100 km withcoord withdist]
    }

    test {GEORADIUS STORE and STOREDIST} {
        geo_make eu
        r del d1 d2
        assert_equal 3 [r georadius eu 10 50 800 km asc store d1]
        assert_equal {london 2163557714838307 paris 3663832779122514 berlin 3673983950397063} \
            [r zrange d1 0 -1 withscores]
        assert_equal 3 [r georadius eu 10 50 800 km asc storedist d2]
        assert_equal {berlin 366.97563732455507 paris 567.40553581452514 london 731.45922458692871} \
            [r zrange d2 0 -1 withscores]
        assert_equal 1 [r georadiusbymember eu paris 100 km store d1]
        assert_equal {paris} [r zrange d1 0 -1]
        r set d1 str
        assert_equal 0 [r georadius nokey 0 0 10 km store d1]
        assert_equal 0 [r exists d1]
        # The last of STORE and STOREDIST counts.
        r del d1 d2
        assert_equal 0 [r georadius eu 0 0 10 km store d1 storedist d2]
    }

    test {GEORADIUS and GEORADIUSBYMEMBER errors} {
        geo_make eu
        assert_error_equal "ERR syntax error" {r georadius eu 0 0 10 km store}
        assert_error_equal "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options" \
            {r georadius eu 0 0 10 km withdist store d}
        assert_error_equal "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options" \
            {r georadiusbymember eu paris 10 km storedist d withcoord}
        assert_error_equal "ERR syntax error" {r georadius_ro eu 0 0 10 km store d}
        assert_error_equal "ERR syntax error" {r georadiusbymember_ro eu paris 10 km storedist d}
        assert_error_equal "ERR COUNT must be > 0" {r georadius eu 0 0 10 km count 0}
        assert_error_equal "ERR the ANY argument requires COUNT argument" {r georadius eu 0 0 10 km any}
        assert_error_equal "ERR radius cannot be negative" {r georadius eu 0 0 -1 km}
        assert_error_equal "ERR need numeric radius" {r georadius eu 0 0 x km}
        assert_error_equal "ERR unsupported unit provided. please use M, KM, FT, MI" {r georadius eu 0 0 1 yard}
        assert_error_equal "ERR could not decode requested zset member" {r georadiusbymember eu nope 10 km}
        assert_error_equal "ERR invalid longitude,latitude pair 200.000000,0.000000" {r georadius eu 200 0 10 km}
        assert_error_equal "ERR syntax error" {r georadius eu 0 0 10 km foo}
        assert_arity_error georadius {} {eu 0 0 10}
        assert_arity_error georadius_ro {eu 0 0 10}
        assert_arity_error georadiusbymember {} {eu paris 10}
        assert_arity_error georadiusbymember_ro {eu paris 10}
        r set s x
        assert_error_equal $::geo_wrongtype {r georadius s 0 0 1 km}
        assert_error_equal $::geo_wrongtype {r georadiusbymember_ro s a 1 km}
    }

    test {Searches across the 180th meridian and near the pole} {
        r del am
        r geoadd am 179.9 0 east -179.9 0 west 179.5 0.3 e2 -179.0 -0.2 w2 \
            0 85 pole 90 84.9 pole2 -90 84.95 pole3
        assert_equal 22245.4377 [r geodist am east west]
        assert_equal {xbpbj8p0jb0 8000420b400 up0581b0bh0} [r geohash am east west pole]
        assert_equal {{east 0.0000} {west 22.2454} {e2 55.6128} {w2 124.3547}} \
            [r geosearch am frommember east byradius 200 km asc withdist]
        assert_equal {{east 11.1227} {west 11.1227}} \
            [r geosearch am fromlonlat -180 0 bybox 100 100 km asc withdist]
        assert_equal {{pole 0.0000} {pole3 789.9236} {pole2 793.8777}} \
            [r geosearch am fromlonlat 0 85 byradius 1500 km asc withdist]
        assert_equal {{pole 425.1834} {pole2 429.5490}} \
            [r geosearch am fromlonlat 45 85 bybox 2000 500 km asc withdist]
    }

    # ----------------------------------------------------- against a model
    test {GEOSEARCH BYRADIUS and BYBOX on 600 points agree with a model of Redis's formula} {
        r del pts
        expr {srand(18)}
        set args {}
        for {set i 0} {$i < 600} {incr i} {
            set lon [format %.6f [expr {-20 + rand() * 60}]]
            set lat [format %.6f [expr {30 + rand() * 35}]]
            lappend args $lon $lat p$i
        }
        assert_equal 600 [r geoadd pts {*}$args]
        # The model uses the positions Redis keeps (GEOPOS).
        set pos [dict create]
        set i 0
        foreach p [r geopos pts {*}[r zrange pts 0 -1]] m [r zrange pts 0 -1] {
            dict set pos $m $p
        }
        foreach {clon clat radius w h} {10 50 500 800 600  0 40 1200 2000 300  25 60 50 100 100
                                        -15 35 2000 4000 4000} {
            set want {}
            set wantbox {}
            dict for {m p} $pos {
                lassign $p lon lat
                set d [geo_dist $clon $clat $lon $lat]
                if {$d <= $radius * 1000} { lappend want [list $m $d] }
                set bd [geo_box_dist $clon $clat [expr {$w * 1000}] [expr {$h * 1000}] $lon $lat]
                if {$bd >= 0} { lappend wantbox [list $m $bd] }
            }
            set want [lsort -real -index 1 $want]
            set got [r geosearch pts fromlonlat $clon $clat byradius $radius km asc withdist]
            assert_equal [llength $want] [llength $got] "radius $radius km around $clon,$clat"
            foreach w1 $want g $got {
                assert_equal [format %.4f [expr {[lindex $w1 1] / 1000.0}]] [lindex $g 1] "[lindex $w1 0] [lindex $g 0]"
            }
            set got [r geosearch pts fromlonlat $clon $clat bybox $w $h km asc withdist]
            set wantbox [lsort -real -index 1 $wantbox]
            assert_equal [llength $wantbox] [llength $got] "box $w x $h km around $clon,$clat"
            assert_equal [lsort [lmap x $wantbox {lindex $x 0}]] [lsort [lmap x $got {lindex $x 0}]]
        }
    }

    # --------------------------------------------------------------- WATCH
    test {GEOADD and the STORE forms dirty a WATCHed key; searches and no-ops do not} {
        set setup {{geoadd k 1 1 a} {geoadd src 2 2 b}}
        foreach cmd {{geoadd k 3 3 c} {geoadd k xx 5 5 a}
                     {geosearchstore k src fromlonlat 2 2 byradius 10 km}
                     {georadius src 2 2 10 km store k} {georadiusbymember src b 10 km storedist k}} {
            assert_equal 1 [watch_aborts $setup $cmd] $cmd
        }
        foreach cmd {{geoadd k nx 5 5 a} {geoadd k 1 1 a} {geopos k a} {geodist k a a}
                     {geosearch k fromlonlat 1 1 byradius 10 km} {georadius_ro k 1 1 10 km}
                     {geosearchstore other src fromlonlat 2 2 byradius 10 km}} {
            assert_equal 0 [watch_aborts $setup $cmd] $cmd
        }
    }

    # ------------------------------------------------- GEOADD, more cases
    test {GEOADD writes its pairs in order: a member named twice ends at its last position} {
        r del g
        assert_equal 2 [r geoadd g 1 1 a 1 1 b 2 2 a]
        assert_equal 3 [r geoadd g ch 1 1 a 3 3 b 4 4 c]
        assert_equal {a 3377822707026402 b 3379368329318596 c 3379667504504364} [r zrange g 0 -1 withscores]
        # Options in any order and any case; an unchanged position is no change.
        assert_equal 0 [r geoadd g CH Xx 4 4 c 5 5 nope]
        assert_equal 1 [r geoadd g cH nX 4 4 c 5 5 new]
        assert_equal 4 [r zcard g]
    }

    test {GEOADD checks every pair before writing, and the coordinates before the key's type} {
        r del g
        assert_error_equal "ERR invalid longitude,latitude pair 1.000000,100.000000" {r geoadd g 1 1 a 1 100 b}
        assert_equal 0 [r exists g]
        assert_error_equal "ERR invalid longitude,latitude pair inf,0.000000" {r geoadd g inf 0 a}
        assert_error_equal "ERR invalid longitude,latitude pair -inf,0.000000" {r geoadd g -inf 0 a}
        assert_error_equal "ERR syntax error" {r geoadd g ch ch ch}
        r set s x
        assert_error_equal "ERR invalid longitude,latitude pair 1.000000,100.000000" {r geoadd s 1 100 a}
        assert_error_equal "ERR value is not a valid float" {r geoadd s 1 x a}
        assert_error_equal $::geo_wrongtype {r geoadd s xx 1 1 a}
        assert_equal x [r get s]
    }

    # ------------------------------------------ search requests, more cases
    test {Search option errors: COUNT, missing arguments, the command's name as sent} {
        geo_make eu
        assert_error_equal "ERR value is not an integer or out of range" {r geosearch eu frommember paris byradius 1 km count x}
        assert_error_equal "ERR value is not an integer or out of range" {r georadius eu 0 0 1 km count 1.5}
        assert_error_equal "ERR syntax error" {r geosearch eu frommember paris byradius 1 km count}
        assert_error_equal "ERR syntax error" {r geosearch eu frommember paris withdist byradius 1}
        assert_error_equal "ERR syntax error" {r geosearch eu frommember paris bybox 1 1}
        assert_error_equal "ERR syntax error" {r geosearch eu byradius 1 km withdist fromlonlat 1}
        assert_error_equal "ERR syntax error" {r geosearch eu byradius 1 km asc frommember}
        assert_error_equal "ERR syntax error" {r geosearchstore d eu frommember paris byradius 1 km store x}
        assert_error_equal "ERR syntax error" {r georadius eu 0 0 1 km storedist}
        assert_error_equal "ERR syntax error" {r georadius eu 0 0 1 km frommember paris}
        assert_error_equal "ERR syntax error" {r georadius eu 0 0 1 km byradius 1 km}
        assert_error_equal "ERR need numeric width" {r geosearch eu fromlonlat 0 0 bybox x 1 km}
        assert_error_equal "ERR height or width cannot be negative" {r geosearch eu fromlonlat 0 0 bybox 1 -1 km}
        assert_error_equal "ERR unsupported unit provided. please use M, KM, FT, MI" {r geosearch eu fromlonlat 0 0 bybox 1 1 yd}
        assert_error_equal "ERR need numeric radius" {r georadiusbymember eu paris x km}
        assert_error_equal "ERR radius cannot be negative" {r georadiusbymember eu paris -1 km}
        assert_error_equal "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch" \
            {r GeoSearch eu byradius 10 km asc desc}
        assert_error_equal "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCHSTORE" \
            {r GEOSEARCHSTORE d eu frommember paris asc count 1}
        # The first error met wins: options are read left to right.
        assert_error_equal "ERR COUNT must be > 0" {r geosearch eu count 0 frommember nope asc}
        assert_error_equal "ERR could not decode requested zset member" {r geosearch eu frommember nope count 0 asc}
        assert_equal {PARIS london} [lmap x [r GEOSEARCH eu FROMMEMBER paris BYRADIUS 500 KM ASC] \
            {expr {$x eq "paris" ? "PARIS" : $x}}]
    }

    test {A missing source: BYMEMBER forms check no member and no radius, STORE deletes the destination} {
        r del nokey
        assert_equal {} [r georadiusbymember nokey nope -1 parsec]
        assert_equal {} [r georadiusbymember_ro nokey nope x km withdist]
        assert_error_equal "ERR syntax error" {r georadiusbymember nokey nope 1 km foo}
        assert_equal {} [r geosearch nokey frommember nope byradius 1 km]
        assert_error_equal "ERR radius cannot be negative" {r geosearch nokey frommember nope byradius -1 km}
        assert_error_equal "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch" \
            {r geosearch nokey frommember nope withdist asc desc}
        r set d x
        assert_equal 0 [r georadiusbymember nokey nope 1 km store d]
        assert_equal 0 [r exists d]
        r sadd d x
        assert_equal 0 [r geosearchstore d nokey frommember nope bybox 1 1 km]
        assert_equal 0 [r exists d]
        assert_equal 0 [r georadius nokey 0 0 1 km storedist d]
    }

    test {WITHHASH and positions of members whose scores are no geohash} {
        r del w
        r zadd w -3 neg 1.5 half 1e20 huge
        assert_equal {{half 1 {-179.99999731779098511 -85.05112497791824921}}} \
            [r geosearch w fromlonlat -180 -85.05 byradius 100 km withhash withcoord asc]
        assert_equal {{180 85.0511287799999991} {-179.99999731779098511 -85.05112751263942528}} \
            [r geopos w neg huge]
        assert_equal {bp05b5048p0 00bh0hbj210 00bh0hbj200} [r geohash w neg half huge]
    }

    test {GEORADIUS STORE: the last STORE or STOREDIST wins, any destination is replaced} {
        geo_make eu
        r del d1 d2
        assert_equal 3 [r georadius eu 10 50 800 km store d1 storedist d2]
        assert_equal 0 [r exists d1]
        assert_equal {berlin 366.97563732455507 paris 567.40553581452514 london 731.45922458692871} \
            [r zrange d2 0 -1 withscores]
        assert_equal 3 [r georadius eu 10 50 800 km storedist d2 store d1]
        assert_equal {london 2163557714838307 paris 3663832779122514 berlin 3673983950397063} \
            [r zrange d1 0 -1 withscores]
        r del d1
        r rpush d1 a b
        assert_equal 2 [r georadiusbymember eu paris 400 km count 2 storedist d1]
        assert_equal {paris 0 london 343.62684339193123} [r zrange d1 0 -1 withscores]
        assert_equal 1 [r georadiusbymember eu paris 400 km count 1 any store d1]
        assert_equal zset [r type d1]
    }

    test {GEORADIUS WITHCOORD and WITHDIST in RESP3; an empty result is an empty array} {
        geo_make eu
        assert_equal "*1\r\n*3\r\n\$6\r\nberlin\r\n\$8\r\n366.9756\r\n*2\r\n,13.40500205755233765\r\n,52.51999907056681138\r\n" \
            [raw_reply3 georadius_ro eu 10 50 400 km withdist withcoord]
        assert_equal "*0\r\n" [raw_reply3 georadius eu 0 0 1 m withdist count 1 any desc]
        assert_equal "*0\r\n" [raw_reply georadius nokey 0 0 1 km]
    }

    # ---------------------------------------------------- COMMAND, tracking
    test {COMMAND GETKEYS finds GEORADIUS's destination after STORE or STOREDIST} {
        assert_equal {src} [r command getkeys georadius src 0 0 1 km]
        assert_equal {src d} [r command getkeys georadius src 0 0 1 km store d]
        assert_equal {src d e} [r command getkeys georadius src 0 0 1 km STORE d storedist e]
        assert_equal {src e d} [r command getkeys georadius src 0 0 1 km storedist d store e]
        assert_equal {src} [r command getkeys georadius src 0 0 1 km count 1 store]
        assert_equal {src d} [r command getkeys georadiusbymember src m 1 km storedist d]
        assert_equal {src} [r command getkeys georadius_ro src 0 0 1 km]
        assert_equal {d src} [r command getkeys geosearchstore d src frommember m byradius 1 km]
        assert_equal {{src {RO access}} {d {OW update}}} \
            [r command getkeysandflags georadius src 0 0 1 km store d]
        set info [lindex [r command info georadius] 0]
        assert_equal {georadius -6 {write denyoom movablekeys} 1 1 1} [lrange $info 0 5]
        set spec [lindex [lindex $info 8] 1]
        assert_equal {type keyword spec {keyword STORE startfrom 6}} [dict get $spec begin_search]
    }

    test {Client tracking: the GEO reads are tracked, GEORADIUS and the STORE forms are writes} {
        set rd [redis_deferring_client]
        $rd hello 3
        $rd read
        $rd client tracking on
        $rd read
        foreach {key cmd invalidated} {
            tg1 {geopos tg1 a} 1
            tg2 {geohash tg2 a} 1
            tg3 {geodist tg3 a b} 1
            tg4 {geosearch tg4 fromlonlat 0 0 byradius 1 km} 1
            tg5 {georadius_ro tg5 0 0 1 km} 1
            tg6 {georadiusbymember_ro tg6 a 1 km} 1
            tg7 {georadius tg7 0 0 1 km} 0
            tg8 {geosearchstore other tg8 fromlonlat 0 0 byradius 1 km} 0
        } {
            assert_equal $invalidated [tracking_invalidates $rd $key $cmd {geoadd 0 0 a} {geoadd 1 1 a}] $cmd
        }
        $rd close
    }

    test {Keyspace events: keymiss for GEO reads of a missing key, del for a destination emptied} {
        geo_make eu
        r del nokey
        r set d x
        set ev [keyspace_events_of KEAm {
            r geopos nokey a
            r geohash nokey a
            r geodist nokey a b
            r geosearch nokey fromlonlat 0 0 byradius 1 km
            r georadius nokey 0 0 1 km store d
            r geoadd eu xx 0 0 nope
            r georadiusbymember eu paris 1 km storedist d
            r geosearchstore d eu fromlonlat 0 0 byradius 1 km
        }]
        assert_equal [list {nokey keymiss} {nokey keymiss} {nokey keymiss} {nokey keymiss} \
            {nokey keymiss} {d del} {d georadiusstore} {d del}] $ev
    }

    # ---------------------------------------------------- keyspace events
    test {Keyspace events: GEOADD is a zadd, the STORE forms name their command} {
        geo_make eu
        r del d
        set ev [keyspace_events_of KEA {
            r geoadd g 1 1 a
            r geoadd g nx 2 2 a
            r geosearchstore d eu frommember paris byradius 10 km
            r georadius eu 2.35 48.85 10 km store d
            r georadius eu 0 0 1 km store d
        }]
        assert_equal {{g zadd} {d geosearchstore} {d georadiusstore} {d del}} $ev
    }
}
