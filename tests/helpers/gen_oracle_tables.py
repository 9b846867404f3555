#!/usr/bin/env python3
"""Regenerate the expected values in tests/c/test_geohash.c and
tests/c/test_zrange.c from a real redis-server 7.0.15.

Usage:
    redis-server --port 28701 --save '' --appendonly no &
    tests/helpers/gen_oracle_tables.py 28701
    (then kill that server)

Each test file has one block between the lines
    /* BEGIN ORACLE DATA (tests/helpers/gen_oracle_tables.py) */
    /* END ORACLE DATA */
which this script rewrites in place with C tables: the points, scores,
GEOPOS, GEOHASH, GEODIST and GEOSEARCH answers of that server for a fixed
pseudo-random set of points and searches (seeded, so a rerun against the
same server version changes nothing), and ZADD/ZSCORE/ZINCRBY replies for
the score formatting tests.  The server's own answers are the whole point:
nothing here computes an expected value itself.

It uses the keys __geo_oracle__ and __zset_oracle__ and deletes them at the
end.  Python 3 standard library only.
"""

import math
import random
import socket
import sys

BEGIN = "/* BEGIN ORACLE DATA (tests/helpers/gen_oracle_tables.py) */"
END = "/* END ORACLE DATA */"
GEO_KEY = "__geo_oracle__"
ZSET_KEY = "__zset_oracle__"
LAT_MAX = 85.05112878


class Client:
    """A minimal RESP2 client: errors come back as ('ERR', text)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode("latin-1")
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self.read()

    def read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return ("ERR", rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            return self.file.read(n + 2)[:-2].decode("latin-1")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("unexpected reply %r" % line)


def cstr(s):
    """A C string literal for s (a hex escape followed by a hex digit
    closes the literal, since C would read the digit into the escape)."""
    out = ['"']
    escaped = False
    for ch in s:
        if escaped and ch in "0123456789abcdefABCDEF":
            out.append('" "')
        escaped = False
        if ch in '"\\':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("\\x%02x" % ord(ch))
            escaped = True
    out.append('"')
    return "".join(out)


def cbytes(s):
    """A C string literal and its length, for strings with NUL bytes."""
    return "%s, %d" % (cstr(s), len(s))


def cll(v):
    """A C long long literal (LLONG_MIN has none)."""
    return "LLONG_MIN" if v == -2 ** 63 else "%dLL" % v


def joined(reply):
    """A member list as one C string ("a,b,c"), or NULL for an error."""
    if isinstance(reply, tuple):
        return "NULL"
    return cstr(",".join(reply))


def cdouble(x):
    """A C literal that parses back to exactly x (Python's repr is the
    shortest round-trip form)."""
    if x != x:
        return "NAN"
    if x in (float("inf"), float("-inf")):
        return "INFINITY" if x > 0 else "-INFINITY"
    r = repr(x)
    if "." not in r and "e" not in r:
        r += ".0"
    return r


# ---------------------------------------------------------------------------
# Geo

def geo_points(rng):
    """The fixed point set: edges, cities, uniform random points, and
    clusters (some on the antimeridian and near the latitude limits) that
    searches can find many members in."""
    pts = [
        (0.0, 0.0), (180.0, 0.0), (-180.0, 0.0), (180.0, LAT_MAX),
        (-180.0, -LAT_MAX), (0.0, LAT_MAX), (0.0, -LAT_MAX),
        (179.99999999, 85.05112877), (-179.99999999, -85.05112877),
        (1e-300, -1e-300), (-0.0, 0.0), (90.0, 45.0), (-90.0, -45.0),
        (13.361389, 38.115556), (15.087269, 37.502669),   # Palermo, Catania
        (-122.4194, 37.7749), (139.6917, 35.6895), (-0.1278, 51.5074),
        (151.2093, -33.8688), (-73.935242, 40.730610), (2.3522, 48.8566),
        (179.5, -16.5), (-179.5, -16.5), (0.000001, 0.000001),
        (45.0, 66.5), (45.0, -80.5), (-45.0, 84.9),
    ]
    for _ in range(200):
        pts.append((rng.uniform(-180, 180), rng.uniform(-LAT_MAX, LAT_MAX)))
    for _ in range(40):
        # Coordinates as users type them: a few decimals.
        pts.append((round(rng.uniform(-180, 180), rng.randint(0, 6)),
                    round(rng.uniform(-85, 85), rng.randint(0, 6))))
    for lon, lat, shape, sizes in EDGE_SEARCHES:
        half_h = (sizes[0] if shape == "radius" else sizes[1] / 2) * 1000
        half_w = (sizes[0] if shape == "radius" else sizes[0] / 2) * 1000
        dlat = math.degrees(half_h / 6372797.560856)
        dlon = math.degrees(half_w / 6372797.560856 /
                            math.cos(math.radians(abs(lat) + dlat)))
        for _ in range(40):
            plon = lon + rng.uniform(-dlon, dlon)
            plon = plon - 360 if plon > 180 else plon + 360 if plon < -180 else plon
            plat = max(-LAT_MAX, min(LAT_MAX, lat + rng.uniform(-dlat, dlat)))
            pts.append((plon, plat))
    clusters = [(13.36, 38.11, 0.6), (179.9, 10.0, 0.3), (-179.9, -10.0, 0.3),
                (0.0, 0.0, 0.2), (100.0, 84.9, 0.3), (-60.0, -84.95, 0.2),
                (-74.0, 40.7, 0.05)]
    for clon, clat, spread in clusters:
        for _ in range(45):
            lon = clon + rng.uniform(-spread, spread)
            if lon > 180:
                lon -= 360
            if lon < -180:
                lon += 360
            lat = max(-LAT_MAX, min(LAT_MAX, clat + rng.uniform(-spread, spread)))
            pts.append((lon, lat))
    return pts


def geo_searches(rng, pts):
    """(centre or member index, shape, sizes, unit) for GEOSEARCH."""
    units = ["m", "km", "mi", "ft"]
    centres = [(13.36, 38.11), (179.95, 10.0), (-179.95, -10.0), (180.0, 10.1),
               (0.0, 0.0), (100.0, 84.9), (-60.0, -84.95), (-74.0, 40.7),
               (0.1, -0.1), (100.0, LAT_MAX), (-60.0, -LAT_MAX)]
    for _ in range(12):
        centres.append((rng.uniform(-180, 180), rng.uniform(-LAT_MAX, LAT_MAX)))
    out = []
    for lon, lat in centres:
        for r in (0.0, 50.0, 5000.0, 30000.0, 80000.0, 500000.0):
            out.append((("lonlat", lon, lat), "radius", (r,), "m"))
        out.append((("lonlat", lon, lat), "radius", (rng.uniform(1, 60),),
                    rng.choice(units[1:3])))
        out.append((("lonlat", lon, lat), "box", (80.0, 40.0), "km"))
        out.append((("lonlat", lon, lat), "box", (10.0, 100.0), "km"))
        out.append((("lonlat", lon, lat), "box", (rng.uniform(1, 200),
                                                  rng.uniform(1, 200)),
                    rng.choice(units)))
    for lon, lat, shape, sizes in EDGE_SEARCHES:
        out.append((("lonlat", lon, lat), shape, sizes, "km"))
    # Radii so large that the neighbours wrap onto each other.
    for r in (3000.0, 7000.0, 10000.0, 20000.0):
        out.append((("lonlat", 10.0, 20.0), "radius", (r,), "km"))
    out.append((("lonlat", 10.0, 20.0), "box", (40000.0, 20000.0), "km"))
    for idx in rng.sample(range(len(pts)), 25) + [1, 3, 4]:
        out.append((("member", idx), "radius", (rng.uniform(1, 100),), "km"))
        out.append((("member", idx), "box", (rng.uniform(1, 200),
                                             rng.uniform(1, 200)), "km"))
    return out


MERIDIAN_PAIRS = [
    (-76.851807337650939, -37.564521288762108, 32.030458262670081),
    (72.998754742089062, 26.700023539224645, -81.922292367984682),
    (18.278615492525773, -10.86428602964817, 52.392413070142453),
    (173.88031247718271, -79.011890075175046, 69.772534246916194),
    (136.41428118404667, -63.602103613597393, 83.934204927149324),
    (134.15466861527165, -27.712924975302499, 47.108999002775647),
    (34.179801463233218, -78.148211381932825, 66.441789642647734),
    (-34.651329449681242, 70.825133657001487, -41.519252181294952),
    (-77.838751290849757, 39.695566955346408, -47.468965483116435),
    (-152.74664532986779, -84.262249241239502, 58.655090641069734),
    (-126.8446941798761, 29.030485355309438, -59.194198983811866),
    (-140.79062303565007, 80.34658935635656, -75.952051221836385),
    (-171.48475884994713, 44.194546998103419, -45.348330703726191),
    (-109.13172865711698, -84.364347308578132, 62.958467550556406),
    (-78.385877506055806, -37.972307728124925, 52.795596531497125),
    (84.066097989709135, -64.285489185380513, 63.321659741141673),
    (-142.88655698433823, 54.723601043095613, -54.818703844127569),
    (-112.06649296547589, -64.918084624185269, 20.597688418625708),
    (47.051217438211296, -60.124974714184631, 5.0863350695401124),
]


# Southern searches where the step Redis picks depends on measuring the
# longitude span at the pole-side edge of the shape (lon, lat, shape,
# sizes in km); geo_points puts members all over each one, so that the
# order of the results shows the cells.
EDGE_SEARCHES = [
    (87.156409, -65.736716, "box", (67.0799, 33.9506)),
    (85.804783, -78.367177, "radius", (16.4857,)),
    (-73.311874, -79.955959, "radius", (31.681,)),
    (-58.094095, -78.268710, "radius", (151.175,)),
    (168.640113, -61.980434, "box", (1105.49, 540.412)),
]


def member(i):
    return "p%04d" % i


def gen_geo(c):
    rng = random.Random(18)
    c.call("DEL", GEO_KEY)
    pts = geo_points(rng)
    pairs = [(0, 1), (1, 2), (3, 4), (5, 6), (13, 14), (0, 0), (7, 8)]
    pairs += [(rng.randrange(len(pts)), rng.randrange(len(pts)))
              for _ in range(150)]
    # Pairs on one meridian, where Redis's distance takes a shortcut.
    for _ in range(30):
        i = rng.randrange(len(pts))
        pts.append((pts[i][0], rng.uniform(-LAT_MAX, LAT_MAX)))
        pairs.append((i, len(pts) - 1))
    # ... and pairs where that shortcut shows in the printed digits: the
    # haversine formula would give another last digit (lon, lat1, lat2).
    for lon, lat1, lat2 in MERIDIAN_PAIRS:
        pts += [(lon, lat1), (lon, lat2)]
        pairs.append((len(pts) - 2, len(pts) - 1))
    lines = []

    lines.append("/* GEOADD (lon, lat); ZSCORE; GEOPOS; GEOHASH. */")
    lines.append("static const geoPointCase geoPointCases[] = {")
    for i, (lon, lat) in enumerate(pts):
        reply = c.call("GEOADD", GEO_KEY, repr(lon), repr(lat), member(i))
        assert reply == 1, (lon, lat, reply)
        score = int(c.call("ZSCORE", GEO_KEY, member(i)))
        pos = c.call("GEOPOS", GEO_KEY, member(i))[0]
        gh = c.call("GEOHASH", GEO_KEY, member(i))[0]
        lines.append("    {%s, %s, %dULL, %s, %s, %s}," % (
            cdouble(lon), cdouble(lat), score, cstr(pos[0]), cstr(pos[1]),
            cstr(gh)))
    lines.append("};")
    lines.append("")

    lines.append("/* GEOADD's error for an invalid pair. */")
    lines.append("static const geoErrorCase geoErrorCases[] = {")
    for lon, lat in [(180.0000001, 0.0), (0.0, 85.05112879),
                     (0.0, -85.051128781), (200.0, -100.0),
                     (0.1234567, 95.5), (float("-inf"), 0.0),
                     (0.0, float("inf")), (-180.5, 1e10), (1e300, 0.5)]:
        arg_lon = {float("inf"): "inf", float("-inf"): "-inf"}.get(lon, repr(lon))
        arg_lat = {float("inf"): "inf", float("-inf"): "-inf"}.get(lat, repr(lat))
        reply = c.call("GEOADD", GEO_KEY, arg_lon, arg_lat, "bad")
        assert isinstance(reply, tuple), reply
        text = reply[1]
        assert text.startswith("ERR "), text
        lines.append("    {%s, %s, %s}," % (cdouble(lon), cdouble(lat),
                                            cstr(text[4:])))
    lines.append("};")
    lines.append("")

    lines.append("/* ZADD of a score that is no geohash; GEOPOS; GEOHASH. */")
    lines.append("static const geoScoreCase geoScoreCases[] = {")
    for s in ["-1", "0", "1", "1.5", "-0.5", "4503599627370495",
              "4503599627370496", "9007199254740992", "18014398509481984",
              "1e19", "2e19", "-1e19", "-9.3e18", "inf", "-inf", "123456789"]:
        c.call("ZADD", GEO_KEY, s, "odd")
        pos = c.call("GEOPOS", GEO_KEY, "odd")[0]
        gh = c.call("GEOHASH", GEO_KEY, "odd")[0]
        lines.append("    {%s, %s, %s, %s}," % (
            cdouble(float(s)), cstr(pos[0]), cstr(pos[1]), cstr(gh)))
    c.call("ZREM", GEO_KEY, "odd")
    lines.append("};")
    lines.append("")

    lines.append("/* GEODIST between two points of geoPointCases, in m, km, "
                 "mi and ft. */")
    lines.append("static const geoDistCase geoDistCases[] = {")
    for a, b in pairs:
        d = [c.call("GEODIST", GEO_KEY, member(a), member(b), u)
             for u in ("m", "km", "mi", "ft")]
        lines.append("    {%d, %d, {%s}}," % (a, b, ", ".join(cstr(x) for x in d)))
    lines.append("};")
    lines.append("")

    lines.append("/* GEOSEARCH without ASC/DESC or COUNT, WITHDIST: members "
                 "in Redis's scan order.")
    lines.append(" * Results: geoSearchResults[first .. first + count - 1]. */")
    searches = geo_searches(rng, pts)
    cases, results = [], []
    for frm, shape, sizes, unit in searches:
        args = ["GEOSEARCH", GEO_KEY]
        if frm[0] == "lonlat":
            args += ["FROMLONLAT", repr(frm[1]), repr(frm[2])]
            centre = "%s, %s, -1" % (cdouble(frm[1]), cdouble(frm[2]))
        else:
            args += ["FROMMEMBER", member(frm[1])]
            centre = "0, 0, %d" % frm[1]
        if shape == "radius":
            args += ["BYRADIUS", repr(sizes[0]), unit]
            sz = "%s, 0, 0" % cdouble(sizes[0])
        else:
            args += ["BYBOX", repr(sizes[0]), repr(sizes[1]), unit]
            sz = "0, %s, %s" % (cdouble(sizes[0]), cdouble(sizes[1]))
        args.append("WITHDIST")
        reply = c.call(*args)
        assert isinstance(reply, list), (args, reply)
        first = len(results)
        for name, dist in reply:
            results.append((int(name[1:]), dist))
        cases.append("    {%s, %s, %s, %s, %d, %d}," % (
            centre, "GEO_SHAPE_RADIUS" if shape == "radius" else "GEO_SHAPE_BOX",
            sz, cstr(unit), first, len(reply)))
    lines.append("static const geoSearchCase geoSearchCases[] = {")
    lines += cases
    lines.append("};")
    lines.append("static const geoSearchResult geoSearchResults[] = {")
    for i in range(0, len(results), 4):
        lines.append("    " + " ".join("{%d, %s}," % (m, cstr(d))
                                       for m, d in results[i:i + 4]))
    lines.append("};")
    c.call("DEL", GEO_KEY)
    return lines


# ---------------------------------------------------------------------------
# Sorted-set scores

def gen_zrange(c):
    rng = random.Random(1807)
    c.call("DEL", ZSET_KEY)
    lines = ["/* ZADD <score>; ZSCORE: the score as Redis replies it. */",
             "static const zscoreCase zscoreCases[] = {"]
    values = ["0", "-0", "1", "-1", "1.1", "0.1", "3.0", "1e3", "1e16",
              "1e17", "123456789012345678", "4503599627370495",
              "4503599627370496", "9007199254740993", "1.7976931348623157e308",
              "2.2250738585072014e-308", "4.9e-324", "1e-320", "0x1p-3",
              "-2.5", "100.5", "1e21", "1e22", "12345.678", "inf", "-inf",
              "3.14159265358979", "0.30000000000000004", "1e-5", "0.0001",
              "123e-20", "-1e-7"]
    for _ in range(40):
        values.append(repr(rng.uniform(-1e6, 1e6)))
        values.append(repr(rng.choice([1, -1]) * rng.random() *
                           10 ** rng.randint(-30, 30)))
    for v in values:
        c.call("DEL", ZSET_KEY)
        assert c.call("ZADD", ZSET_KEY, v, "m") == 1, v
        got = c.call("ZSCORE", ZSET_KEY, "m")
        lines.append("    {%s, %s}," % (cstr(v), cstr(got)))
    lines.append("};")
    lines.append("")
    lines.append("/* ZINCRBY <incr> on a member of score <start>: the reply,")
    lines.append(" * or NULL for \"resulting score is not a number (NaN)\". */")
    lines.append("static const zincrCase zincrCases[] = {")
    incrs = [("0.1", "0.2"), ("1.1", "1.1"), ("inf", "-inf"), ("-inf", "inf"),
             ("inf", "inf"), ("1e308", "1e308"), ("-1e308", "-1e308"),
             ("5", "-5"), ("-0", "0"), ("1", "-1e-17"), ("0.5", "0.25"),
             ("9007199254740992", "1"), ("3", "0.1")]
    for start, incr in incrs:
        c.call("DEL", ZSET_KEY)
        c.call("ZADD", ZSET_KEY, start, "m")
        got = c.call("ZINCRBY", ZSET_KEY, incr, "m")
        lines.append("    {%s, %s, %s}," % (
            cstr(start), cstr(incr), "NULL" if isinstance(got, tuple) else cstr(got)))
    lines.append("};")
    lines.append("")
    lines += gen_zranges(c)
    c.call("DEL", ZSET_KEY)
    return lines


# The sets the range tables query (member, score); the tests rebuild them.
SCORE_SET = [("ninf", "-inf"), ("m1", "-1"), ("zero", "0"),
             ("den", "5e-324"), ("one", "1"), ("onefive", "1.5"),
             ("two", "2"), ("pinf", "inf")]
LEX_SET = ["", "a", "b", "b\0", "c", "\xff"]
# How test_zrange.c names those members in its joined lists.
LEX_LABELS = {"": "<empty>", "b\0": "b<nul>", "\xff": "<ff>"}


def lex_labels(reply):
    if isinstance(reply, tuple):
        return reply
    return [LEX_LABELS.get(m, m) for m in reply]


def gen_zranges(c):
    lines = []
    c.call("DEL", ZSET_KEY)
    for m, sc in SCORE_SET:
        c.call("ZADD", ZSET_KEY, sc, m)
    lines.append("/* ZRANGEBYSCORE <bound> +inf and -inf <bound> on scoreSet:")
    lines.append(" * the members, or NULL for \"min or max is not a float\". */")
    lines.append("static const zboundCase zscoreBoundCases[] = {")
    bounds = ["1", "(1", "( 1", " 1", "1 ", "(", "", "((1", "(inf", "inf",
              "+inf", "-inf", "(-inf", "1e400", "(1e400", "-1e400",
              "1e-400", "(1e-400", "nan", "(nan", "-nan", "0x1", "0x1p-1",
              "1\0z", "(1\0z", "\0", "(\0", "abc", "[1", "1e", "\t1",
              "\n(1", "+1", "(+1", "-0", "(-0", "(0", "0", "5e-324",
              "(5e-324", "1.5", "(1.5", "2", "(2", "infinity", "(-infinity",
              "1.", ".5", "(.5", "-", "+", "(-", "0x", "1,5", "1_0"]
    for b in bounds:
        asmin = c.call("ZRANGEBYSCORE", ZSET_KEY, b, "+inf")
        asmax = c.call("ZRANGEBYSCORE", ZSET_KEY, "-inf", b)
        lines.append("    {%s, %s, %s}," % (cbytes(b), joined(asmin), joined(asmax)))
    lines.append("};")
    lines.append("")
    lines.append("/* ZRANGEBYSCORE <min> <max> on scoreSet (both bounds valid). */")
    lines.append("static const zpairCase zscorePairCases[] = {")
    pairs = [("1", "1"), ("(1", "1"), ("1", "(1"), ("(1", "(1"), ("2", "1"),
             ("-inf", "-inf"), ("(-inf", "-inf"), ("inf", "inf"),
             ("inf", "(inf"), ("-inf", "inf"), ("(-inf", "(inf"),
             ("0", "(5e-324"), ("-0", "0"), ("(-0", "0"), ("1", "1.5"),
             ("(1", "(2"), ("+inf", "-inf")]
    for a, b in pairs:
        got = c.call("ZRANGEBYSCORE", ZSET_KEY, a, b)
        lines.append("    {%s, %s, %s}," % (cbytes(a), cbytes(b), joined(got)))
    lines.append("};")
    lines.append("")

    c.call("DEL", ZSET_KEY)
    for m in LEX_SET:
        c.call("ZADD", ZSET_KEY, "0", m)
    lines.append("/* ZRANGEBYLEX <bound> + and - <bound> on lexSet: the members")
    lines.append(" * (named as lexSet names them), or NULL for \"min or max")
    lines.append(" * not valid string range item\". */")
    lines.append("static const zboundCase zlexBoundCases[] = {")
    bounds = ["-", "+", "[a", "(a", "[", "(", "", "a", "--", "++", "+\0x",
              "-\0", "[b\0", "(b\0", "(b", "[b", "[\xff", "(\xff",
              "[\xff\0", "[c", "(c", "-a", "+a", "\0", "]a", "[\0", "(\0"]
    for b in bounds:
        asmin = c.call("ZRANGEBYLEX", ZSET_KEY, b, "+")
        asmax = c.call("ZRANGEBYLEX", ZSET_KEY, "-", b)
        lines.append("    {%s, %s, %s}," % (cbytes(b), joined(lex_labels(asmin)),
                                            joined(lex_labels(asmax))))
    lines.append("};")
    lines.append("")
    lines.append("/* ZRANGEBYLEX <min> <max> on lexSet (both bounds valid). */")
    lines.append("static const zpairCase zlexPairCases[] = {")
    pairs = [("-", "-"), ("+", "+"), ("+", "-"), ("-", "+"), ("[a", "[a"),
             ("(a", "[a"), ("[a", "(a"), ("[b", "[a"), ("[", "["), ("(", "["),
             ("-", "[a"), ("[a", "+"), ("+", "[a"), ("[c", "-"), ("[b", "(b\0"),
             ("[b", "[b\0"), ("(a", "(b")]
    for a, b in pairs:
        got = c.call("ZRANGEBYLEX", ZSET_KEY, a, b)
        lines.append("    {%s, %s, %s}," % (cbytes(a), cbytes(b),
                                            joined(lex_labels(got))))
    lines.append("};")
    lines.append("")

    c.call("DEL", ZSET_KEY)
    c.call("ZADD", ZSET_KEY, "1", "a", "2", "b", "3", "c", "4", "d")
    lines.append("/* ZRANGE <start> <end> on {a, b, c, d}. */")
    lines.append("static const zrankCase zrankCases[] = {")
    ranks = [(0, -1), (-100, 100), (2, 1), (-1, -1), (4, 5), (3, 3), (-5, -5),
             (-4, -4), (-5, -4), (0, 0), (1, -2), (-2, 1), (-3, 3),
             (-9223372036854775808, 9223372036854775807),
             (9223372036854775807, -9223372036854775808),
             (-9223372036854775808, -9223372036854775808), (5, -1)]
    for a, b in ranks:
        got = c.call("ZRANGE", ZSET_KEY, str(a), str(b))
        lines.append("    {%s, %s, %s}," % (cll(a), cll(b), joined(got)))
    lines.append("};")
    lines.append("")
    lines.append("/* ZRANGEBYSCORE -inf +inf LIMIT <offset> <count> on {a, b, c, d}. */")
    lines.append("static const zrankCase zlimitCases[] = {")
    limits = [(0, -1), (-1, 2), (1, -5), (1, 0), (3, 10), (4, 1), (0, 1),
              (2, 2), (9223372036854775807, 1), (0, 9223372036854775807),
              (-9223372036854775808, -1)]
    for a, b in limits:
        got = c.call("ZRANGEBYSCORE", ZSET_KEY, "-inf", "+inf", "LIMIT",
                     str(a), str(b))
        lines.append("    {%s, %s, %s}," % (cll(a), cll(b), joined(got)))
    lines.append("};")
    return lines


def rewrite(path, lines):
    with open(path) as f:
        text = f.read()
    head, rest = text.split(BEGIN + "\n", 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c = Client(int(sys.argv[1]))
    version = [l for l in c.call("INFO", "server").split("\r\n")
               if l.startswith("redis_version:")]
    print("oracle:", version[0] if version else "unknown version")
    rewrite("tests/c/test_geohash.c", gen_geo(c))
    rewrite("tests/c/test_zrange.c", gen_zrange(c))


if __name__ == "__main__":
    main()
