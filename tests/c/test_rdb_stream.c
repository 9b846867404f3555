/* tests/c/test_rdb_stream.c -- unit tests for the stream DUMP payload
 * codec, src/lib/rdb_stream.c.
 *
 * redisStream is redis-server 7.0.15's DUMP (redis-cli --raw DUMP s |
 * head -c -1 | xxd -p) after
 *   XADD s 1-1 f v g 12; XADD s 1-2 f w g 13; XADD s 2-0 h x
 *   XGROUP CREATE s grp 1-1; XREADGROUP GROUP grp alice COUNT 1 STREAMS s >
 * The hand-made bodies below were built from the format in rdb_stream.h
 * and each one restored on redis-server 7.0.15 with sanitize-dump-payload
 * yes (tests/unit/dump.tcl restores them on both servers). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "lib/rdb_encoding.h"
#include "lib/rdb_stream.h"
#include "test.h"
#include "test_payload.h"

static uint64_t rngState = 0x2545f4914f6cdd1dULL;
static uint64_t rng(void) { return testXorshift(&rngState); }

static bstr hexPayload(const char *hex) {
    bstr body = fromHex(hex);
    bstr p = withFooter(body, bstrLen(body));
    bstrFree(body);
    return p;
}

static const char *redisStream =
    "1301100000000000000001000000000000000140404000000019000301000102018166028167020001020100"
    "0100018176020c0105010201000101018177020d01050100010101dfff0201018168028178020601ff030200"
    "01010000030103677270010281ffffffffffffffff0100000000000000010000000000000002c80b5d52a201"
    "0000010105616c696365c80b5d52a20100000100000000000000010000000000000002";

/* Hand-made bodies redis-server 7.0.15 (sanitize-dump-payload yes) loads. */
static const char *loadable[] = {
    /* good_v1 */
    "0f01100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101670102020000"
    "0000000000010000000000000001e8030000000000000100000000000000010000000000000002e803000000"
    "000000020105616c696365050000000000000002000000000000000100000000000000010000000000000001"
    "0000000000000002",
    /* pel_out_of_order */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167"
    "0102020200000000000000010000000000000002e80300000000000001000000000000000100000000000000"
    "01e803000000000000020105616c696365050000000000000002000000000000000100000000000000010000"
    "0000000000010000000000000002",
    /* deleted_entries */
    "1301100000000000000001000000000000000128280000000f00010101010101816602000103010001000181"
    "760204010201000101018177020401ff010200010201010200",
    /* master_no_fields */
    "130110000000000000000100000000000000011f1f0000000b00010100010001000100010001000101018166"
    "028176020601ff010200010100000100",
    /* empty_with_group */
    "1300000500000000000501016705000501000000000000000300000000000000000700000000000000010101"
    "6309000000000000000100000000000000030000000000000000",
};
/* Hand-made bodies refused (redis-server loads the four "out of order",
 * "mismatch" and "below" ones into a stream its commands then get wrong;
 * it refuses the others). */
static const char *refused[] = {
    /* pel_without_consumer */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167"
    "0102020200000000000000010000000000000001e80300000000000001000000000000000100000000000000"
    "02e803000000000000020105616c69636505000000000000000100000000000000010000000000000001",
    /* consumer_id_not_in_pel */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167"
    "0102020100000000000000010000000000000001e803000000000000010105616c6963650500000000000000"
    "020000000000000001000000000000000100000000000000010000000000000002",
    /* consumer_claims_twice */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167"
    "0102020100000000000000010000000000000001e803000000000000010205616c6963650500000000000000"
    "010000000000000001000000000000000103626f620500000000000000010000000000000001000000000000"
    "0001",
    /* dup_group */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003020167"
    "010202000001670102020000",
    /* dup_consumer */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff0302000101000003010167"
    "010202000201610100000000000000000161010000000000000000",
    /* nodes_out_of_order */
    "1302100000000000000005000000000000000039390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff1000000000000000010000"
    "0000000000013939000000160003010001010181660200010201000100018176020401020100010101817702"
    "040100010101dfff0201018168028178020601ff060600010100000600",
    /* entries_out_of_order */
    "1301100000000000000001000000000000000128280000000f00020100010101816602000102010001010181"
    "760204010201000100018177020401ff020200010100000200",
    /* length_mismatch */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff040200010100000400",
    /* last_id_below_entries */
    "1301100000000000000001000000000000000139390000001600030100010101816602000102010001000181"
    "76020401020100010101817702040100010101dfff0201018168028178020601ff030105010100000300",
    /* key_15_bytes */
    "13010f0000000000000001000000000000003939000000160003010001010181660200010201000100018176"
    "020401020100010101817702040100010101dfff0201018168028178020601ff030200010100000300",
    /* bad_lpcount */
    "130110000000000000000100000000000000011d1d0000000a00010100010101816602000102010001000181"
    "76020501ff010200010100000100",
    /* bad_master_count */
    "130110000000000000000100000000000000011d1d0000000a00020100010101816602000102010001000181"
    "76020401ff010200010100000100",
    /* empty_listpack */
    "1301100000000000000001000000000000000107070000000000ff000200010100000000",
};

static int itemIs(bstr b, const char *s) { return bstrLen(b) == strlen(s) && !memcmp(b, s, strlen(s)); }

static int decode(const bstr p, rdbStream *s) {
    rdbObject o;
    if (!rdbPayloadDecode(p, bstrLen(p), 1 << 20, &o)) return 0;
    int ok = o.kind == RDB_OBJ_STREAM;
    if (ok) {
        *s = *o.stream;
        memset(o.stream, 0, sizeof(*o.stream));
    }
    rdbObjectFree(&o);
    return ok;
}

static int idIs(const streamId *id, uint64_t ms, uint64_t seq) { return id->ms == ms && id->seq == seq; }

static void testRedisPayload(void) {
    TEST_CASE("redis-server's stream payload decodes, and encodes back to its bytes") {
        bstr p = hexPayload(redisStream);
        rdbStream s;
        if (!ASSERT(decode(p, &s))) return;
        ASSERT_EQ_UINT(s.nentries, 3);
        ASSERT(idIs(&s.entries[0].id, 1, 1) && idIs(&s.entries[1].id, 1, 2) &&
               idIs(&s.entries[2].id, 2, 0));
        ASSERT(s.entries[1].nitems == 4 && itemIs(s.entries[1].items[0], "f") &&
               itemIs(s.entries[1].items[1], "w") && itemIs(s.entries[1].items[3], "13"));
        ASSERT(s.entries[2].nitems == 2 && itemIs(s.entries[2].items[0], "h"));
        ASSERT(idIs(&s.lastId, 2, 0) && idIs(&s.maxDeleted, 0, 0));
        ASSERT_EQ_UINT(s.entriesAdded, 3);
        if (!ASSERT_EQ_UINT(s.ngroups, 1)) return;
        rdbStreamGroup *g = &s.groups[0];
        ASSERT(itemIs(g->name, "grp") && idIs(&g->lastId, 1, 2));
        ASSERT_EQ_INT(g->entriesRead, RDB_STREAM_READ_UNKNOWN);
        ASSERT(g->npending == 1 && idIs(&g->pending[0].id, 1, 2) && g->pending[0].deliveryCount == 1);
        ASSERT(g->nconsumers == 1 && itemIs(g->consumers[0].name, "alice") &&
               g->pending[0].consumer == 0);
        ASSERT_EQ_INT(g->pending[0].deliveryTime, g->consumers[0].seenTime);
        bstr again = rdbPayloadStream(&s, 100, 4096, 1);
        ASSERT_EQ_MEM(again, bstrLen(again), p, bstrLen(p));
        bstrFree(again);
        rdbStreamFree(&s);
        bstrFree(p);
    }
}

/* A random stream: entries of 1..4 fields, often the same ones, some
 * long or numeric; a few groups with consumers and pending entries. */
static void randomStream(rdbStream *s, size_t n) {
    memset(s, 0, sizeof(*s));
    s->entries = xcalloc(n ? n : 1, sizeof(rdbStreamEntry));
    streamId id = {rng() % 1000, rng() % 3};
    for (size_t i = 0; i < n; i++) {
        rdbStreamEntry *e = &s->entries[s->nentries++];
        if (rng() % 2) id.ms += 1 + rng() % 100000, id.seq = rng() % 4;
        else id.seq += 1 + rng() % 3;
        e->id = id;
        size_t nf = rng() % 3 ? 2 : 1 + rng() % 4;
        e->nitems = 2 * nf;
        e->items = xmalloc(e->nitems * sizeof(bstr));
        for (size_t j = 0; j < nf; j++) {
            char buf[64];
            int len = snprintf(buf, sizeof(buf), rng() % 8 ? "field%zu" : "%zu", j);
            e->items[2 * j] = bstrNewLen(buf, (size_t)len);
            size_t vlen = rng() % 10 ? rng() % 30 : rng() % 3000;
            bstr v = bstrNewLen(NULL, vlen);
            for (size_t k = 0; k < vlen; k++) v[k] = (char)('a' + rng() % 3);
            if (rng() % 4 == 0) {
                bstrFree(v);
                len = snprintf(buf, sizeof(buf), "%lld", (long long)(rng() % 200000) - 100000);
                v = bstrNewLen(buf, (size_t)len);
            }
            e->items[2 * j + 1] = v;
        }
    }
    s->lastId = id;
    s->lastId.ms += rng() % 2;
    s->entriesAdded = n + rng() % 10;
    s->ngroups = rng() % 3;
    s->groups = xcalloc(s->ngroups + 1, sizeof(rdbStreamGroup));
    for (size_t i = 0; i < s->ngroups; i++) {
        rdbStreamGroup *g = &s->groups[i];
        char name[16];
        g->name = bstrNewLen(name, (size_t)snprintf(name, sizeof(name), "g%zu", i));
        g->lastId = s->lastId;
        g->entriesRead = rng() % 2 ? RDB_STREAM_READ_UNKNOWN : (int64_t)s->entriesAdded;
        g->nconsumers = rng() % 3;
        g->consumers = xcalloc(g->nconsumers + 1, sizeof(rdbStreamConsumer));
        for (size_t k = 0; k < g->nconsumers; k++) {
            g->consumers[k].name = bstrNewLen(name, (size_t)snprintf(name, sizeof(name), "c%zu", k));
            g->consumers[k].seenTime = (int64_t)(rng() % 2000000000000ULL);
        }
        g->pending = xmalloc((n + 1) * sizeof(rdbStreamPending));
        for (size_t j = 0; g->nconsumers && j < n; j++) {
            if (rng() % 3) continue;
            g->pending[g->npending++] = (rdbStreamPending){s->entries[j].id, (int64_t)rng() % 100000,
                                                           1 + rng() % 5, rng() % g->nconsumers};
        }
    }
}

static int sameStream(const rdbStream *a, const rdbStream *b) {
    if (a->nentries != b->nentries || a->ngroups != b->ngroups ||
        streamIdCompare(&a->lastId, &b->lastId) || streamIdCompare(&a->maxDeleted, &b->maxDeleted) ||
        a->entriesAdded != b->entriesAdded)
        return 0;
    for (size_t i = 0; i < a->nentries; i++) {
        const rdbStreamEntry *x = &a->entries[i], *y = &b->entries[i];
        if (streamIdCompare(&x->id, &y->id) || x->nitems != y->nitems) return 0;
        for (size_t j = 0; j < x->nitems; j++)
            if (bstrLen(x->items[j]) != bstrLen(y->items[j]) ||
                memcmp(x->items[j], y->items[j], bstrLen(x->items[j])))
                return 0;
    }
    for (size_t i = 0; i < a->ngroups; i++) {
        const rdbStreamGroup *x = &a->groups[i], *y = &b->groups[i];
        if (!itemIs(x->name, y->name) || streamIdCompare(&x->lastId, &y->lastId) ||
            x->entriesRead != y->entriesRead || x->nconsumers != y->nconsumers ||
            x->npending != y->npending)
            return 0;
        for (size_t k = 0; k < x->nconsumers; k++)
            if (!itemIs(x->consumers[k].name, y->consumers[k].name) ||
                x->consumers[k].seenTime != y->consumers[k].seenTime)
                return 0;
        for (size_t k = 0; k < x->npending; k++)
            if (memcmp(&x->pending[k], &y->pending[k], sizeof(rdbStreamPending))) return 0;
    }
    return 1;
}

/* The node count of a payload (its first length, after the type). */
static uint64_t nodeCount(const bstr p) {
    rdbReader r = {(const unsigned char *)p + 1, bstrLen(p) - 1 - RDB_FOOTER_SIZE, 0, 1 << 20};
    uint64_t n = 0;
    rdbReadLen(&r, &n);
    return n;
}

static void testRoundTrips(void) {
    TEST_CASE("random streams round trip under any node limits") {
        for (int round = 0; round < 200; round++) {
            rdbStream s, back;
            randomStream(&s, rng() % 4 ? rng() % 50 : rng() % 700);
            uint64_t maxEntries = rng() % 3 ? 1 + rng() % 120 : 0;
            uint64_t maxBytes = rng() % 3 ? rng() % 8000 : 0;
            bstr p = rdbPayloadStream(&s, maxEntries, maxBytes, (int)(rng() % 2));
            int ok = ASSERT(rdbPayloadVerify(p, bstrLen(p))) && ASSERT(decode(p, &back));
            if (ok) {
                ASSERT(sameStream(&s, &back));
                rdbStreamFree(&back);
            }
            if (maxEntries && s.nentries)
                ASSERT(nodeCount(p) >= (s.nentries + maxEntries - 1) / maxEntries);
            bstrFree(p);
            rdbStreamFree(&s);
            if (!ok) return;
        }
    }
    TEST_CASE("nodes are cut by entries and by bytes as XADD cuts them") {
        rdbStream s;
        randomStream(&s, 0);
        xfree(s.entries);
        s.entries = xcalloc(250, sizeof(rdbStreamEntry));
        for (size_t i = 0; i < 250; i++) {
            rdbStreamEntry *e = &s.entries[s.nentries++];
            e->id = (streamId){i + 1, 0};
            e->nitems = 2;
            e->items = xmalloc(2 * sizeof(bstr));
            e->items[0] = bstrNew("f");
            e->items[1] = bstrNew("v");
        }
        s.lastId = s.entries[249].id;
        bstr p = rdbPayloadStream(&s, 100, 4096, 1);
        ASSERT_EQ_UINT(nodeCount(p), 3);
        bstrFree(p);
        /* An entry takes 11 bytes (flags, deltas, lp-count 2 each, "v"
         * 3), a node 18 more (master entry 11, header and end 7): the
         * 9th entry's 2 bytes would reach 100, so 8 a node, 32 nodes,
         * as redis-server 7.0.15 makes them (XINFO's radix-tree-keys
         * after these XADDs under stream-node-max-bytes 100). */
        p = rdbPayloadStream(&s, 0, 100, 1);
        ASSERT_EQ_UINT(nodeCount(p), 32);
        bstrFree(p);
        p = rdbPayloadStream(&s, 1, 0, 1);
        ASSERT_EQ_UINT(nodeCount(p), 250);
        bstrFree(p);
        rdbStreamFree(&s);
    }
    TEST_CASE("an empty stream with a group round trips") {
        rdbStream s, back;
        randomStream(&s, 0);
        s.lastId = (streamId){5, 0};
        s.maxDeleted = (streamId){4, 0};
        s.entriesAdded = 7;
        bstr p = rdbPayloadStream(&s, 100, 4096, 1);
        ASSERT_EQ_UINT(nodeCount(p), 0);
        if (ASSERT(decode(p, &back))) {
            ASSERT(sameStream(&s, &back));
            rdbStreamFree(&back);
        }
        bstrFree(p);
        rdbStreamFree(&s);
    }
}

static void testDamage(void) {
    TEST_CASE("hand-made payloads redis-server loads decode") {
        for (size_t i = 0; i < sizeof(loadable) / sizeof(loadable[0]); i++) {
            bstr p = hexPayload(loadable[i]);
            rdbStream s;
            if (ASSERT(decode(p, &s))) rdbStreamFree(&s);
            bstrFree(p);
        }
    }
    TEST_CASE("a 6.x payload gets 7.0's counters") {
        bstr p = hexPayload(loadable[0]);
        rdbStream s;
        if (ASSERT(decode(p, &s))) {
            ASSERT_EQ_UINT(s.entriesAdded, 3);
            /* the group's last ID, 1-2, is the second of three entries,
             * neither the first nor the last: unknown */
            ASSERT_EQ_INT(s.groups[0].entriesRead, RDB_STREAM_READ_UNKNOWN);
            rdbStreamFree(&s);
        }
        bstrFree(p);
    }
    TEST_CASE("damaged stream payloads are refused") {
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
            bstr p = hexPayload(refused[i]);
            rdbStream s;
            if (!ASSERT(!decode(p, &s))) {
                printf("    accepted: %s\n", refused[i]);
                rdbStreamFree(&s);
            }
            bstrFree(p);
        }
    }
    TEST_CASE("every truncation and byte change of a stream payload is handled") {
        bstr body = fromHex(redisStream);
        size_t len = bstrLen(body);
        for (size_t cut = 1; cut < len; cut++) {
            bstr p = withFooter(body, cut);
            rdbStream s;
            if (!ASSERT(!decode(p, &s))) rdbStreamFree(&s);
            bstrFree(p);
        }
        for (int round = 0; round < 3000; round++) {
            bstr b = bstrDup(body);
            b[1 + rng() % (len - 1)] = (char)rng();
            bstr p = withFooter(b, len);
            rdbStream s;
            if (decode(p, &s)) rdbStreamFree(&s); /* either way, no fault */
            bstrFree(p);
            bstrFree(b);
        }
        bstrFree(body);
    }
}

int main(void) {
    testRedisPayload();
    testRoundTrips();
    testDamage();
    return testReport();
}
