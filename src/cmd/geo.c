/* cmd/geo.c -- the GEO commands, with Redis 7.0's replies, errors and
 * keyspace events (geo.c): GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH
 * GEOSEARCHSTORE GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER
 * GEORADIUSBYMEMBER_RO.
 *
 * A GEO set is a plain sorted set (cmd/zset.c) whose scores are 52-bit
 * geohashes; all the arithmetic (scores, positions, distances, which
 * score ranges a search scans) is lib/geohash.h's.  This file parses the
 * requests in Redis's order (so the same bad request gets the same
 * error), reads the set through db/, and replies or stores.
 *
 * GEOADD is ZADD underneath, as in Redis: once every pair is checked,
 * zaddCommand runs on the rewritten request, so its event is "zadd" and
 * NX, XX and CH mean what they mean there.  A search scans the ranges of
 * geoSearchRanges in order, keeping the members inside the shape (with
 * ANY, stopping at COUNT of them), then sorts them by distance when
 * asked (COUNT without ANY asks for ASC), and replies them or stores
 * them: GEOSEARCHSTORE's event is "geosearchstore", the STORE option of
 * GEORADIUS's "georadiusstore", and "del" when an existing destination
 * goes because nothing was found. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/geohash.h"
#include "lib/numfmt.h"
#include "lib/zrange.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GEO_ERR_UNIT "unsupported unit provided. please use M, KM, FT, MI"
#define GEO_ERR_MEMBER "could not decode requested zset member"

/* The sorted set at argv[i] for a read: NULL when missing (a "keymiss"
 * event, nothing replied) or of another type (WRONGTYPE replied, *failed
 * set). */
static const collection *geoSetRead(client *c, int i, int *failed) {
    int rc;
    const collection *z = dbCollection(c->db, c->argv[i], ARGLEN(c, i), COLL_ZSET, &rc);
    *failed = replyDbError(c, rc);
    if (!z && !*failed)
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
    return z;
}

/* The position of member m of z (the centre of its score's cell): 0 when
 * it is not a member. */
static int geoMemberPosition(const collection *z, const char *m, size_t mlen, double *lon,
                             double *lat) {
    double score;
    if (!z || !collZsetFind(z, m, mlen, &score, NULL)) return 0;
    geoDecodeScore(geoScoreToBits(score), lon, lat);
    return 1;
}

/* A coordinate as GEOPOS and WITHCOORD reply it: Redis's human long
 * double form, a bulk string in RESP2 and a double in RESP3. */
static void geoReplyCoord(client *c, double v) {
    char buf[NUM_MAX_LONG_DOUBLE_CHARS];
    int n = numFormatLongDouble(buf, sizeof(buf), (long double)v, 1);
    if (c->resp >= 3) {
        replyRaw(c, ",", 1);
        replyRaw(c, buf, (size_t)n);
        replyRaw(c, "\r\n", 2);
    } else {
        replyBulk(c, buf, (size_t)n);
    }
}

/* A distance (already in the request's unit): "%.4f", a bulk string in
 * both protocols. */
static void geoReplyDistance(client *c, double d) {
    char buf[512]; /* "%.4f" of the largest double is 314 bytes */
    int n = geoFormatDistance(buf, sizeof(buf), d);
    replyBulk(c, buf, (size_t)n);
}

/* WITHHASH's integer: the score converted as C converts a double to a
 * long long on x86-64 (out of range: LLONG_MIN), as Redis's reply does. */
static long long geoScoreAsInteger(double score) {
    if (!(score >= -9223372036854775808.0 && score < 9223372036854775808.0)) return LLONG_MIN;
    return (long long)score;
}

/* ------------------------------------------------------------------ */
/* Argument parsers: each returns 1, or 0 after replying Redis's error. */

/* argv[i] as a double (Redis's getDoubleFromObjectOrReply): msg when it
 * is not one. */
static int geoDoubleOrReply(client *c, int i, const char *msg, double *out) {
    if (zrangeParseScore(c->argv[i], ARGLEN(c, i), out)) return 1;
    replyError(c, msg);
    return 0;
}

static int geoUnitOrReply(client *c, int i, double *toMeters) {
    if (geoParseUnit(c->argv[i], ARGLEN(c, i), toMeters)) return 1;
    replyError(c, GEO_ERR_UNIT);
    return 0;
}

/* argv[i], argv[i + 1]: a longitude and a latitude, inside the valid
 * ranges. */
static int geoLonLatOrReply(client *c, int i, double *lon, double *lat) {
    if (!geoDoubleOrReply(c, i, ZRANGE_ERR_SCORE, lon) ||
        !geoDoubleOrReply(c, i + 1, ZRANGE_ERR_SCORE, lat))
        return 0;
    if (geoCoordsValid(*lon, *lat)) return 1;
    char msg[128];
    geoFormatCoordsError(msg, sizeof(msg), *lon, *lat);
    replyError(c, msg);
    return 0;
}

/* argv[i], argv[i + 1]: a radius and its unit. */
static int geoRadiusOrReply(client *c, int i, geoShape *shape) {
    double radius;
    if (!geoDoubleOrReply(c, i, "need numeric radius", &radius)) return 0;
    if (radius < 0) {
        replyError(c, "radius cannot be negative");
        return 0;
    }
    if (!geoUnitOrReply(c, i + 1, &shape->toMeters)) return 0;
    shape->type = GEO_SHAPE_RADIUS;
    shape->radius = radius;
    return 1;
}

/* argv[i .. i + 2]: a box's width, height and unit. */
static int geoBoxOrReply(client *c, int i, geoShape *shape) {
    double width, height;
    if (!geoDoubleOrReply(c, i, "need numeric width", &width) ||
        !geoDoubleOrReply(c, i + 1, "need numeric height", &height))
        return 0;
    if (height < 0 || width < 0) {
        replyError(c, "height or width cannot be negative");
        return 0;
    }
    if (!geoUnitOrReply(c, i + 2, &shape->toMeters)) return 0;
    shape->type = GEO_SHAPE_BOX;
    shape->width = width;
    shape->height = height;
    return 1;
}

/* ------------------------------------------------------------------ */
/* GEOADD */

/* The index of GEOADD's first longitude (after NX, XX and CH), or 0
 * after the syntax error (triples incomplete, or NX with XX). */
static int geoaddOptionsOrReply(client *c) {
    int i = 2, nx = 0, xx = 0;
    for (; i < c->argc; i++) {
        if (!strcasecmp(c->argv[i], "nx")) nx = 1;
        else if (!strcasecmp(c->argv[i], "xx")) xx = 1;
        else if (strcasecmp(c->argv[i], "ch")) break;
    }
    if ((c->argc - i) % 3 || c->argc == i || (nx && xx)) {
        replyErrorSyntax(c);
        return 0;
    }
    return i;
}

/* Runs ZADD key [options] score member ... for GEOADD's request, its
 * options argv[2 .. first) kept and each triple from argv[first] turned
 * into (scores[j], member): GEOADD is ZADD, as in Redis, which runs
 * zaddCommand on a rewritten request.  c's own request is put back
 * before returning; the arguments are shared, not copied. */
static void geoaddAsZadd(client *c, int first, const uint64_t *scores) {
    int n = (c->argc - first) / 3;
    int argc = first + 2 * n;
    bstr *argv = xmalloc(sizeof(bstr) * (size_t)argc);
    argv[0] = bstrNew("zadd");
    for (int i = 1; i < first; i++) argv[i] = c->argv[i];
    for (int j = 0; j < n; j++) {
        char buf[NUM_LONG_STR_SIZE];
        int len = numFormatUnsignedLongLong(buf, sizeof(buf), scores[j]);
        argv[first + 2 * j] = bstrNewLen(buf, (size_t)len);
        argv[first + 2 * j + 1] = c->argv[first + 3 * j + 2];
    }
    bstr *ownArgv = c->argv;
    int ownArgc = c->argc;
    c->argv = argv;
    c->argc = argc;
    zaddCommand(c);
    c->argv = ownArgv;
    c->argc = ownArgc;
    bstrFree(argv[0]);
    for (int j = 0; j < n; j++) bstrFree(argv[first + 2 * j]);
    xfree(argv);
}

/* GEOADD key [NX|XX] [CH] longitude latitude member [...]: every pair is
 * checked before anything is written (so a bad one comes before
 * WRONGTYPE), then ZADD writes the set. */
void geoaddCommand(client *c) {
    int first = geoaddOptionsOrReply(c);
    if (!first) return;
    int n = (c->argc - first) / 3;
    uint64_t *scores = xmalloc(sizeof(uint64_t) * (size_t)n);
    for (int i = first, j = 0; i < c->argc; i += 3, j++) {
        double lon, lat;
        if (!geoLonLatOrReply(c, i, &lon, &lat)) {
            xfree(scores);
            return;
        }
        geoEncodeScore(lon, lat, &scores[j]);
    }
    geoaddAsZadd(c, first, scores);
    xfree(scores);
}

/* ------------------------------------------------------------------ */
/* GEODIST, GEOHASH, GEOPOS */

/* GEODIST key member1 member2 [M|KM|FT|MI]: nil unless both are
 * members. */
void geodistCommand(client *c) {
    double toMeters = 1;
    if (c->argc == 5 && !geoUnitOrReply(c, 4, &toMeters)) return;
    if (c->argc > 5) {
        replyErrorSyntax(c);
        return;
    }
    int failed;
    const collection *z = geoSetRead(c, 1, &failed);
    if (failed) return;
    double lon1, lat1, lon2, lat2;
    if (!geoMemberPosition(z, c->argv[2], ARGLEN(c, 2), &lon1, &lat1) ||
        !geoMemberPosition(z, c->argv[3], ARGLEN(c, 3), &lon2, &lat2)) {
        replyNull(c);
        return;
    }
    geoReplyDistance(c, geoDistance(lon1, lat1, lon2, lat2) / toMeters);
}

/* GEOHASH key [member ...]: each member's 11-character geohash, nil for
 * a non-member. */
void geohashCommand(client *c) {
    int failed;
    const collection *z = geoSetRead(c, 1, &failed);
    if (failed) return;
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score;
        if (!z || !collZsetFind(z, c->argv[i], ARGLEN(c, i), &score, NULL)) {
            replyNull(c);
            continue;
        }
        char hash[12];
        geoScoreToString(geoScoreToBits(score), hash);
        replyBulk(c, hash, 11);
    }
}

/* GEOPOS key [member ...]: each member's [longitude, latitude], a null
 * array for a non-member. */
void geoposCommand(client *c) {
    int failed;
    const collection *z = geoSetRead(c, 1, &failed);
    if (failed) return;
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double lon, lat;
        if (!geoMemberPosition(z, c->argv[i], ARGLEN(c, i), &lon, &lat)) {
            replyNullArray(c);
            continue;
        }
        replyArrayLen(c, 2);
        geoReplyCoord(c, lon);
        geoReplyCoord(c, lat);
    }
}

/* ------------------------------------------------------------------ */
/* GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family: the request */

/* Which command is searching (Redis's georadiusGeneric flags). */
#define GEO_RADIUS_COORDS (1 << 0) /* GEORADIUS[_RO]: key lon lat radius unit */
#define GEO_RADIUS_MEMBER (1 << 1) /* GEORADIUSBYMEMBER[_RO]: key member radius unit */
#define GEO_NOSTORE (1 << 2)       /* the _RO forms: no STORE/STOREDIST */
#define GEO_SEARCH (1 << 3)        /* GEOSEARCH[STORE]: FROM... and BY... options */
#define GEO_SEARCHSTORE (1 << 4)   /* GEOSEARCHSTORE: argv[1] is the destination */

#define GEO_SORT_NONE 0
#define GEO_SORT_ASC 1
#define GEO_SORT_DESC 2

typedef struct geoRequest {
    int flags;
    geoShape shape;
    int withdist, withhash, withcoord;
    int any, sort;
    long long count;   /* 0: no COUNT */
    int storeIdx;      /* argv index of the destination, 0: none */
    int storedist;     /* store distances, not scores */
    int fromMember, fromLonLat, byRadius, byBox;
} geoRequest;

/* One option of the search at argv[i] (left: the arguments after it);
 * z is the source, NULL when missing (FROMMEMBER is then accepted
 * unchecked).  The index of the option's last argument, or 0 after
 * replying the error. */
static int geoSearchOptionOrReply(client *c, const collection *z, int i, int left,
                                  geoRequest *r) {
    const char *o = c->argv[i];
    int search = (r->flags & GEO_SEARCH) != 0;
    if (!strcasecmp(o, "withdist")) r->withdist = 1;
    else if (!strcasecmp(o, "withhash")) r->withhash = 1;
    else if (!strcasecmp(o, "withcoord")) r->withcoord = 1;
    else if (!strcasecmp(o, "any")) r->any = 1;
    else if (!strcasecmp(o, "asc")) r->sort = GEO_SORT_ASC;
    else if (!strcasecmp(o, "desc")) r->sort = GEO_SORT_DESC;
    else if (!strcasecmp(o, "count") && left >= 1) {
        if (!argLongLongOrReply(c, i + 1, &r->count)) return 0;
        if (r->count <= 0) {
            replyError(c, "COUNT must be > 0");
            return 0;
        }
        return i + 1;
    } else if ((!strcasecmp(o, "store") || !strcasecmp(o, "storedist")) && left >= 1 &&
               !(r->flags & GEO_NOSTORE) && !search) {
        r->storeIdx = i + 1;
        r->storedist = !strcasecmp(o, "storedist");
        return i + 1;
    } else if (!strcasecmp(o, "storedist") && (r->flags & GEO_SEARCHSTORE)) {
        r->storedist = 1;
    } else if (!strcasecmp(o, "frommember") && left >= 1 && search && !r->fromLonLat) {
        if (z && !geoMemberPosition(z, c->argv[i + 1], ARGLEN(c, i + 1), &r->shape.lon,
                                    &r->shape.lat)) {
            replyError(c, GEO_ERR_MEMBER);
            return 0;
        }
        r->fromMember = 1;
        return i + 1;
    } else if (!strcasecmp(o, "fromlonlat") && left >= 2 && search && !r->fromMember) {
        if (!geoLonLatOrReply(c, i + 1, &r->shape.lon, &r->shape.lat)) return 0;
        r->fromLonLat = 1;
        return i + 2;
    } else if (!strcasecmp(o, "byradius") && left >= 2 && search && !r->byBox) {
        if (!geoRadiusOrReply(c, i + 1, &r->shape)) return 0;
        r->byRadius = 1;
        return i + 2;
    } else if (!strcasecmp(o, "bybox") && left >= 3 && search && !r->byRadius) {
        if (!geoBoxOrReply(c, i + 1, &r->shape)) return 0;
        r->byBox = 1;
        return i + 3;
    } else {
        replyErrorSyntax(c);
        return 0;
    }
    return i;
}

/* The fixed arguments of the GEORADIUS forms (the centre and the radius;
 * none for GEOSEARCH): the index of the first option, or 0 after the
 * error.  BYMEMBER of a missing source checks nothing, as Redis. */
static int geoRadiusArgsOrReply(client *c, const collection *z, geoRequest *r) {
    if (r->flags & GEO_RADIUS_COORDS) {
        if (!geoLonLatOrReply(c, 2, &r->shape.lon, &r->shape.lat) ||
            !geoRadiusOrReply(c, 4, &r->shape))
            return 0;
        return 6;
    }
    if (r->flags & GEO_RADIUS_MEMBER) {
        if (!z) return 5;
        if (!geoMemberPosition(z, c->argv[2], ARGLEN(c, 2), &r->shape.lon, &r->shape.lat)) {
            replyError(c, GEO_ERR_MEMBER);
            return 0;
        }
        return geoRadiusOrReply(c, 3, &r->shape) ? 5 : 0;
    }
    if (r->flags & GEO_SEARCHSTORE) {
        r->storeIdx = 1;
        return 3;
    }
    return 2;
}

/* The whole request, in Redis's order: fixed arguments, options, then
 * the checks across options.  1, or 0 after replying the error. */
static int geoRequestOrReply(client *c, const collection *z, int flags, geoRequest *r) {
    memset(r, 0, sizeof(*r));
    r->flags = flags;
    int first = geoRadiusArgsOrReply(c, z, r);
    if (!first) return 0;
    for (int i = first; i < c->argc; i++) {
        i = geoSearchOptionOrReply(c, z, i, c->argc - i - 1, r);
        if (!i) return 0;
    }
    if (r->storeIdx && (r->withdist || r->withhash || r->withcoord)) {
        replyErrorFormat(c, "%s is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                         (flags & GEO_SEARCHSTORE) ? "GEOSEARCHSTORE"
                                                   : "STORE option in GEORADIUS");
        return 0;
    }
    if ((flags & GEO_SEARCH) && !(r->fromMember || r->fromLonLat)) {
        replyErrorFormat(c, "exactly one of FROMMEMBER or FROMLONLAT can be specified for %s",
                         c->argv[0]);
        return 0;
    }
    if ((flags & GEO_SEARCH) && !(r->byRadius || r->byBox)) {
        replyErrorFormat(c, "exactly one of BYRADIUS and BYBOX can be specified for %s",
                         c->argv[0]);
        return 0;
    }
    if (r->any && !r->count) {
        replyError(c, "the ANY argument requires COUNT argument");
        return 0;
    }
    /* The nearest COUNT need a sort; ANY takes the first COUNT found. */
    if (r->count && r->sort == GEO_SORT_NONE && !r->any) r->sort = GEO_SORT_ASC;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The search */

typedef struct geoPoint {
    bstr member;
    double score;
    double lon, lat;
    double dist;       /* meters */
} geoPoint;

typedef struct geoResults {
    geoPoint *items;
    size_t n, cap;
} geoResults;

static void geoResultsAdd(geoResults *r, const collElem *el, double lon, double lat,
                          double meters) {
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = xrealloc(r->items, sizeof(geoPoint) * r->cap);
    }
    geoPoint *p = &r->items[r->n++];
    p->member = bstrNewLen(el->name, el->nlen);
    p->score = el->score;
    p->lon = lon;
    p->lat = lat;
    p->dist = meters;
}

static void geoResultsFree(geoResults *r) {
    for (size_t i = 0; i < r->n; i++) bstrFree(r->items[i].member);
    xfree(r->items);
}

/* The members of z with range.min <= score < range.max inside the shape,
 * in the set's order, stopping once r holds limit (0: no limit).  The
 * walk ends at the first score past the range: no second search for the
 * range's end. */
static void geoScanRange(const collection *z, const geoShape *shape, geoScoreRange range,
                         long long limit, geoResults *r) {
    uint32_t start = collZsetScoreStart(z, range.min, 0);
    if (start >= collCount(z)) return;
    collIter it;
    collElem el;
    collZsetSeek(&it, z, start);
    while (collIterNext(&it, &el) && el.score < range.max) {
        double lon, lat, meters;
        geoDecodeScore(geoScoreToBits(el.score), &lon, &lat);
        if (geoShapeContains(shape, lon, lat, &meters)) geoResultsAdd(r, &el, lon, lat, meters);
        if (limit && (long long)r->n >= limit) return;
    }
}

/* Every member of z inside the shape, cell range by cell range (Redis's
 * scan order), at most limit of them (0: all). */
static void geoScan(const collection *z, const geoShape *shape, long long limit,
                    geoResults *r) {
    geoSearch search;
    geoScoreRange ranges[GEO_CELL_COUNT];
    geoSearchCells(shape, &search);
    int n = geoSearchRanges(&search, ranges);
    for (int i = 0; i < n; i++) {
        if (limit && (long long)r->n >= limit) break;
        geoScanRange(z, shape, ranges[i], limit, r);
    }
}

/* By distance; ties compare equal.  Where Redis sorts everything it
 * finds it calls qsort too, so members at the same distance come out in
 * the same order.  With COUNT below the number found Redis runs its own
 * partial quicksort instead: the nearest COUNT are the same, but members
 * at exactly the same distance (the same position) may come out, or be
 * cut at the COUNT boundary, in another order than here. */
static int geoCompareAsc(const void *a, const void *b) {
    const geoPoint *x = a, *y = b;
    if (x->dist > y->dist) return 1;
    if (x->dist == y->dist) return 0;
    return -1;
}

static int geoCompareDesc(const void *a, const void *b) {
    return -geoCompareAsc(a, b);
}

/* ------------------------------------------------------------------ */
/* The reply or the store */

static void geoReplyResults(client *c, const geoRequest *r, const geoResults *res, size_t n) {
    int options = r->withdist + r->withhash + r->withcoord;
    replyArrayLen(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        const geoPoint *p = &res->items[i];
        if (options) replyArrayLen(c, options + 1);
        replyBulkBstr(c, p->member);
        if (r->withdist) geoReplyDistance(c, p->dist / r->shape.toMeters);
        if (r->withhash) replyLongLong(c, geoScoreAsInteger(p->score));
        if (r->withcoord) {
            replyArrayLen(c, 2);
            geoReplyCoord(c, p->lon);
            geoReplyCoord(c, p->lat);
        }
    }
}

/* The destination argv[r->storeIdx] becomes the first n results (their
 * scores, or their distances in the request's unit with STOREDIST), or
 * goes when n is 0.  Replies n. */
static void geoStoreResults(client *c, const geoRequest *r, const geoResults *res, size_t n) {
    const char *dst = c->argv[r->storeIdx];
    size_t dlen = ARGLEN(c, r->storeIdx);
    bstr *names = xmalloc(sizeof(bstr) * (n ? n : 1));
    bstr *values = xmalloc(sizeof(bstr) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        const geoPoint *p = &res->items[i];
        char val[COLL_ZSET_SCORE_LEN];
        collZsetScoreEncode(r->storedist ? p->dist / r->shape.toMeters : p->score, val);
        names[i] = p->member;
        values[i] = bstrNewLen(val, sizeof(val));
    }
    int existed;
    int rc = dbReplaceCollection(c->db, COLL_ZSET, dst, dlen, names, values, n, &existed);
    for (size_t i = 0; i < n; i++) bstrFree(values[i]);
    xfree(names);
    xfree(values);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, (long long)n);
    if (n) {
        const char *event = (r->flags & GEO_SEARCH) ? "geosearchstore" : "georadiusstore";
        notifyKeyspaceEvent(NOTIFY_ZSET, event, dst, dlen, c->db);
    } else if (existed) {
        notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst, dlen, c->db);
    }
}

/* Every search command (Redis's georadiusGeneric): the source is
 * argv[srcIdx]; a missing one gives an empty array, or 0 with the
 * destination deleted. */
static void geoSearchGeneric(client *c, int srcIdx, int flags) {
    int failed;
    const collection *z = geoSetRead(c, srcIdx, &failed);
    if (failed) return;
    geoRequest r;
    if (!geoRequestOrReply(c, z, flags, &r)) return;
    geoResults res = {NULL, 0, 0};
    if (z) geoScan(z, &r.shape, r.any ? r.count : 0, &res);
    if (!r.storeIdx && res.n == 0) {
        replyEmptyArray(c);
        return;
    }
    size_t n = res.n;
    if (r.count && (long long)n > r.count) n = (size_t)r.count;
    if (r.sort != GEO_SORT_NONE && res.n > 1)
        qsort(res.items, res.n, sizeof(geoPoint),
              r.sort == GEO_SORT_ASC ? geoCompareAsc : geoCompareDesc);
    if (r.storeIdx) geoStoreResults(c, &r, &res, n);
    else geoReplyResults(c, &r, &res, n);
    geoResultsFree(&res);
}

void geosearchCommand(client *c) { geoSearchGeneric(c, 1, GEO_SEARCH); }
void geosearchstoreCommand(client *c) { geoSearchGeneric(c, 2, GEO_SEARCH | GEO_SEARCHSTORE); }
void georadiusCommand(client *c) { geoSearchGeneric(c, 1, GEO_RADIUS_COORDS); }
void georadiusroCommand(client *c) { geoSearchGeneric(c, 1, GEO_RADIUS_COORDS | GEO_NOSTORE); }
void georadiusbymemberCommand(client *c) { geoSearchGeneric(c, 1, GEO_RADIUS_MEMBER); }
void georadiusbymemberroCommand(client *c) {
    geoSearchGeneric(c, 1, GEO_RADIUS_MEMBER | GEO_NOSTORE);
}
