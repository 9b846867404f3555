/* tests/c/test_zrange.c -- unit tests for src/lib/zrange.c.
 *
 * The expected values in the ORACLE DATA block are replies of a real
 * redis-server 7.0.15 (tests/helpers/gen_oracle_tables.py wrote them):
 * ZSCORE after ZADD, ZINCRBY, and ZRANGEBYSCORE / ZRANGEBYLEX / ZRANGE /
 * LIMIT results (or errors) on two small sets that the tests rebuild here
 * (scoreSet, lexSet) and query through lib/zrange's predicates.  The
 * hand-written cases around them name the rules one by one. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/zrange.h"
#include "test.h"

typedef struct zscoreCase {
    const char *arg;
    const char *reply;          /* ZSCORE's bulk string */
} zscoreCase;

typedef struct zincrCase {
    const char *start, *incr;
    const char *reply;          /* NULL: "resulting score is not a number" */
} zincrCase;

typedef struct zboundCase {
    const char *arg;
    size_t len;
    const char *asMin, *asMax;  /* members joined by ',', NULL: error */
} zboundCase;

typedef struct zpairCase {
    const char *min;
    size_t minlen;
    const char *max;
    size_t maxlen;
    const char *result;
} zpairCase;

typedef struct zrankCase {
    long long a, b;
    const char *result;
} zrankCase;

/* BEGIN ORACLE DATA (tests/helpers/gen_oracle_tables.py) */
/* ZADD <score>; ZSCORE: the score as Redis replies it. */
static const zscoreCase zscoreCases[] = {
    {"0", "0"},
    {"-0", "0"},
    {"1", "1"},
    {"-1", "-1"},
    {"1.1", "1.1000000000000001"},
    {"0.1", "0.10000000000000001"},
    {"3.0", "3"},
    {"1e3", "1000"},
    {"1e16", "10000000000000000"},
    {"1e17", "1e+17"},
    {"123456789012345678", "1.2345678901234568e+17"},
    {"4503599627370495", "4503599627370495"},
    {"4503599627370496", "4503599627370496"},
    {"9007199254740993", "9007199254740992"},
    {"1.7976931348623157e308", "1.7976931348623157e+308"},
    {"2.2250738585072014e-308", "2.2250738585072014e-308"},
    {"4.9e-324", "4.9406564584124654e-324"},
    {"1e-320", "9.9998886718268301e-321"},
    {"0x1p-3", "0.125"},
    {"-2.5", "-2.5"},
    {"100.5", "100.5"},
    {"1e21", "1e+21"},
    {"1e22", "1e+22"},
    {"12345.678", "12345.678"},
    {"inf", "inf"},
    {"-inf", "-inf"},
    {"3.14159265358979", "3.14159265358979"},
    {"0.30000000000000004", "0.30000000000000004"},
    {"1e-5", "1.0000000000000001e-05"},
    {"0.0001", "0.0001"},
    {"123e-20", "1.23e-18"},
    {"-1e-7", "-9.9999999999999995e-08"},
    {"99830.42128423508", "99830.421284235083"},
    {"5.519419078634747e-19", "5.5194190786347471e-19"},
    {"259474.4630585306", "259474.46305853059"},
    {"7.581601885097478e-27", "7.581601885097478e-27"},
    {"392073.32688220125", "392073.32688220125"},
    {"6.914007025644266e-24", "6.914007025644266e-24"},
    {"656377.0228552253", "656377.02285522525"},
    {"-3982672.8027773704", "-3982672.8027773704"},
    {"-285891.07350086176", "-285891.07350086176"},
    {"3.9845306812015055e+23", "3.9845306812015055e+23"},
    {"830762.9080961843", "830762.90809618426"},
    {"-7939049572307975.0", "-7939049572307975"},
    {"290780.15800774447", "290780.15800774447"},
    {"4.238805122452971e-22", "4.238805122452971e-22"},
    {"-563868.7117714158", "-563868.71177141578"},
    {"-3.1287961101301805e+22", "-3.1287961101301805e+22"},
    {"-910373.9367616499", "-910373.93676164991"},
    {"3.656160094644117e-30", "3.6561600946441171e-30"},
    {"-29500.312671578024", "-29500.312671578024"},
    {"4.795857732859581e-23", "4.7958577328595809e-23"},
    {"-40980.44921024458", "-40980.44921024458"},
    {"2.716614584609367e-22", "2.716614584609367e-22"},
    {"53328.2004047283", "53328.200404728297"},
    {"0.0021793090748070953", "0.0021793090748070953"},
    {"572090.0209659371", "572090.02096593706"},
    {"-3.583038417155445e+17", "-3.5830384171554451e+17"},
    {"-304960.76114412316", "-304960.76114412316"},
    {"-0.0071543049346720275", "-0.0071543049346720275"},
    {"-200624.70229467168", "-200624.70229467168"},
    {"-5.0171560700171584e+29", "-5.0171560700171584e+29"},
    {"457993.31635722565", "457993.31635722565"},
    {"0.09544109859824688", "0.095441098598246885"},
    {"327107.17704891367", "327107.17704891367"},
    {"-43694715.7718499", "-43694715.7718499"},
    {"-153280.28735907772", "-153280.28735907772"},
    {"-960236042623.5612", "-960236042623.56116"},
    {"-423482.47438334324", "-423482.47438334324"},
    {"-5.871871338161682e-13", "-5.8718713381616822e-13"},
    {"-877376.2285353253", "-877376.22853532527"},
    {"-3.6669176372785717e+19", "-3.6669176372785717e+19"},
    {"-919624.3759268468", "-919624.37592684675"},
    {"7.420120355061931e-31", "7.420120355061931e-31"},
    {"-604398.9511177775", "-604398.9511177775"},
    {"-2107.71250543349", "-2107.7125054334902"},
    {"698250.4033579179", "698250.40335791791"},
    {"-7.374482165502691", "-7.3744821655026911"},
    {"-795192.6501551523", "-795192.65015515231"},
    {"32448143326071.94", "32448143326071.941"},
    {"4920.672986334888", "4920.6729863348883"},
    {"0.283002607688843", "0.283002607688843"},
    {"-244713.61155862838", "-244713.61155862838"},
    {"4.296167291050877", "4.2961672910508772"},
    {"56308.76751210261", "56308.767512102611"},
    {"1.8885892356125255e+21", "1.8885892356125255e+21"},
    {"-765391.2355229775", "-765391.23552297754"},
    {"-3.512502436553928e-22", "-3.5125024365539279e-22"},
    {"743300.6403475562", "743300.64034755621"},
    {"-1.45308902563998e-19", "-1.4530890256399799e-19"},
    {"750828.6336557795", "750828.63365577953"},
    {"51.59052750377927", "51.590527503779271"},
    {"712865.3796115853", "712865.37961158529"},
    {"8.097262422776674e-05", "8.0972624227766736e-05"},
    {"-723492.7587019595", "-723492.75870195951"},
    {"7.283397447025792e+24", "7.2833974470257921e+24"},
    {"282801.2707206453", "282801.27072064532"},
    {"-8597.348940715809", "-8597.3489407158086"},
    {"201989.4133196643", "201989.41331966431"},
    {"3.847401210136314e-23", "3.8474012101363138e-23"},
    {"174658.8418227462", "174658.84182274621"},
    {"3560.5400925368167", "3560.5400925368167"},
    {"-556579.9653423553", "-556579.96534235531"},
    {"-4.730857227363752e-13", "-4.7308572273637523e-13"},
    {"580515.1059173597", "580515.1059173597"},
    {"8.024109771296484e-15", "8.0241097712964836e-15"},
    {"853161.9173256054", "853161.91732560541"},
    {"-1.9756393400097926e+25", "-1.9756393400097926e+25"},
    {"-744386.4891699152", "-744386.48916991521"},
    {"-0.009604505474169626", "-0.0096045054741696265"},
    {"878509.4116271979", "878509.41162719787"},
    {"9.249741380720579e+26", "9.2497413807205788e+26"},
};

/* ZINCRBY <incr> on a member of score <start>: the reply,
 * or NULL for "resulting score is not a number (NaN)". */
static const zincrCase zincrCases[] = {
    {"0.1", "0.2", "0.30000000000000004"},
    {"1.1", "1.1", "2.2000000000000002"},
    {"inf", "-inf", NULL},
    {"-inf", "inf", NULL},
    {"inf", "inf", "inf"},
    {"1e308", "1e308", "inf"},
    {"-1e308", "-1e308", "-inf"},
    {"5", "-5", "0"},
    {"-0", "0", "0"},
    {"1", "-1e-17", "1"},
    {"0.5", "0.25", "0.75"},
    {"9007199254740992", "1", "9007199254740992"},
    {"3", "0.1", "3.1000000000000001"},
};

/* ZRANGEBYSCORE <bound> +inf and -inf <bound> on scoreSet:
 * the members, or NULL for "min or max is not a float". */
static const zboundCase zscoreBoundCases[] = {
    {"1", 1, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"(1", 2, "onefive,two,pinf", "ninf,m1,zero,den"},
    {"( 1", 3, "onefive,two,pinf", "ninf,m1,zero,den"},
    {" 1", 2, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"1 ", 2, NULL, NULL},
    {"(", 1, "den,one,onefive,two,pinf", "ninf,m1"},
    {"", 0, "zero,den,one,onefive,two,pinf", "ninf,m1,zero"},
    {"((1", 3, NULL, NULL},
    {"(inf", 4, "", "ninf,m1,zero,den,one,onefive,two"},
    {"inf", 3, "pinf", "ninf,m1,zero,den,one,onefive,two,pinf"},
    {"+inf", 4, "pinf", "ninf,m1,zero,den,one,onefive,two,pinf"},
    {"-inf", 4, "ninf,m1,zero,den,one,onefive,two,pinf", "ninf"},
    {"(-inf", 5, "m1,zero,den,one,onefive,two,pinf", ""},
    {"1e400", 5, "pinf", "ninf,m1,zero,den,one,onefive,two,pinf"},
    {"(1e400", 6, "", "ninf,m1,zero,den,one,onefive,two"},
    {"-1e400", 6, "ninf,m1,zero,den,one,onefive,two,pinf", "ninf"},
    {"1e-400", 6, "zero,den,one,onefive,two,pinf", "ninf,m1,zero"},
    {"(1e-400", 7, "den,one,onefive,two,pinf", "ninf,m1"},
    {"nan", 3, NULL, NULL},
    {"(nan", 4, NULL, NULL},
    {"-nan", 4, NULL, NULL},
    {"0x1", 3, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"0x1p-1", 6, "one,onefive,two,pinf", "ninf,m1,zero,den"},
    {"1\x00z", 3, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"(1\x00z", 4, "onefive,two,pinf", "ninf,m1,zero,den"},
    {"\x00", 1, "zero,den,one,onefive,two,pinf", "ninf,m1,zero"},
    {"(\x00", 2, "den,one,onefive,two,pinf", "ninf,m1"},
    {"abc", 3, NULL, NULL},
    {"[1", 2, NULL, NULL},
    {"1e", 2, NULL, NULL},
    {"\x09" "1", 2, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"\x0a(1", 3, NULL, NULL},
    {"+1", 2, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {"(+1", 3, "onefive,two,pinf", "ninf,m1,zero,den"},
    {"-0", 2, "zero,den,one,onefive,two,pinf", "ninf,m1,zero"},
    {"(-0", 3, "den,one,onefive,two,pinf", "ninf,m1"},
    {"(0", 2, "den,one,onefive,two,pinf", "ninf,m1"},
    {"0", 1, "zero,den,one,onefive,two,pinf", "ninf,m1,zero"},
    {"5e-324", 6, "den,one,onefive,two,pinf", "ninf,m1,zero,den"},
    {"(5e-324", 7, "one,onefive,two,pinf", "ninf,m1,zero"},
    {"1.5", 3, "onefive,two,pinf", "ninf,m1,zero,den,one,onefive"},
    {"(1.5", 4, "two,pinf", "ninf,m1,zero,den,one"},
    {"2", 1, "two,pinf", "ninf,m1,zero,den,one,onefive,two"},
    {"(2", 2, "pinf", "ninf,m1,zero,den,one,onefive"},
    {"infinity", 8, "pinf", "ninf,m1,zero,den,one,onefive,two,pinf"},
    {"(-infinity", 10, "m1,zero,den,one,onefive,two,pinf", ""},
    {"1.", 2, "one,onefive,two,pinf", "ninf,m1,zero,den,one"},
    {".5", 2, "one,onefive,two,pinf", "ninf,m1,zero,den"},
    {"(.5", 3, "one,onefive,two,pinf", "ninf,m1,zero,den"},
    {"-", 1, NULL, NULL},
    {"+", 1, NULL, NULL},
    {"(-", 2, NULL, NULL},
    {"0x", 2, NULL, NULL},
    {"1,5", 3, NULL, NULL},
    {"1_0", 3, NULL, NULL},
};

/* ZRANGEBYSCORE <min> <max> on scoreSet (both bounds valid). */
static const zpairCase zscorePairCases[] = {
    {"1", 1, "1", 1, "one"},
    {"(1", 2, "1", 1, ""},
    {"1", 1, "(1", 2, ""},
    {"(1", 2, "(1", 2, ""},
    {"2", 1, "1", 1, ""},
    {"-inf", 4, "-inf", 4, "ninf"},
    {"(-inf", 5, "-inf", 4, ""},
    {"inf", 3, "inf", 3, "pinf"},
    {"inf", 3, "(inf", 4, ""},
    {"-inf", 4, "inf", 3, "ninf,m1,zero,den,one,onefive,two,pinf"},
    {"(-inf", 5, "(inf", 4, "m1,zero,den,one,onefive,two"},
    {"0", 1, "(5e-324", 7, "zero"},
    {"-0", 2, "0", 1, "zero"},
    {"(-0", 3, "0", 1, ""},
    {"1", 1, "1.5", 3, "one,onefive"},
    {"(1", 2, "(2", 2, "onefive"},
    {"+inf", 4, "-inf", 4, ""},
};

/* ZRANGEBYLEX <bound> + and - <bound> on lexSet: the members
 * (named as lexSet names them), or NULL for "min or max
 * not valid string range item". */
static const zboundCase zlexBoundCases[] = {
    {"-", 1, "<empty>,a,b,b<nul>,c,<ff>", ""},
    {"+", 1, "", "<empty>,a,b,b<nul>,c,<ff>"},
    {"[a", 2, "a,b,b<nul>,c,<ff>", "<empty>,a"},
    {"(a", 2, "b,b<nul>,c,<ff>", "<empty>"},
    {"[", 1, "<empty>,a,b,b<nul>,c,<ff>", "<empty>"},
    {"(", 1, "a,b,b<nul>,c,<ff>", ""},
    {"", 0, NULL, NULL},
    {"a", 1, NULL, NULL},
    {"--", 2, NULL, NULL},
    {"++", 2, NULL, NULL},
    {"+\x00x", 3, "", "<empty>,a,b,b<nul>,c,<ff>"},
    {"-\x00", 2, "<empty>,a,b,b<nul>,c,<ff>", ""},
    {"[b\x00", 3, "b<nul>,c,<ff>", "<empty>,a,b,b<nul>"},
    {"(b\x00", 3, "c,<ff>", "<empty>,a,b"},
    {"(b", 2, "b<nul>,c,<ff>", "<empty>,a"},
    {"[b", 2, "b,b<nul>,c,<ff>", "<empty>,a,b"},
    {"[\xff", 2, "<ff>", "<empty>,a,b,b<nul>,c,<ff>"},
    {"(\xff", 2, "", "<empty>,a,b,b<nul>,c"},
    {"[\xff\x00", 3, "", "<empty>,a,b,b<nul>,c,<ff>"},
    {"[c", 2, "c,<ff>", "<empty>,a,b,b<nul>,c"},
    {"(c", 2, "<ff>", "<empty>,a,b,b<nul>"},
    {"-a", 2, NULL, NULL},
    {"+a", 2, NULL, NULL},
    {"\x00", 1, NULL, NULL},
    {"]a", 2, NULL, NULL},
    {"[\x00", 2, "a,b,b<nul>,c,<ff>", "<empty>"},
    {"(\x00", 2, "a,b,b<nul>,c,<ff>", "<empty>"},
};

/* ZRANGEBYLEX <min> <max> on lexSet (both bounds valid). */
static const zpairCase zlexPairCases[] = {
    {"-", 1, "-", 1, ""},
    {"+", 1, "+", 1, ""},
    {"+", 1, "-", 1, ""},
    {"-", 1, "+", 1, "<empty>,a,b,b<nul>,c,<ff>"},
    {"[a", 2, "[a", 2, "a"},
    {"(a", 2, "[a", 2, ""},
    {"[a", 2, "(a", 2, ""},
    {"[b", 2, "[a", 2, ""},
    {"[", 1, "[", 1, "<empty>"},
    {"(", 1, "[", 1, ""},
    {"-", 1, "[a", 2, "<empty>,a"},
    {"[a", 2, "+", 1, "a,b,b<nul>,c,<ff>"},
    {"+", 1, "[a", 2, ""},
    {"[c", 2, "-", 1, ""},
    {"[b", 2, "(b\x00", 3, "b"},
    {"[b", 2, "[b\x00", 3, "b,b<nul>"},
    {"(a", 2, "(b", 2, ""},
};

/* ZRANGE <start> <end> on {a, b, c, d}. */
static const zrankCase zrankCases[] = {
    {0LL, -1LL, "a,b,c,d"},
    {-100LL, 100LL, "a,b,c,d"},
    {2LL, 1LL, ""},
    {-1LL, -1LL, "d"},
    {4LL, 5LL, ""},
    {3LL, 3LL, "d"},
    {-5LL, -5LL, ""},
    {-4LL, -4LL, "a"},
    {-5LL, -4LL, "a"},
    {0LL, 0LL, "a"},
    {1LL, -2LL, "b,c"},
    {-2LL, 1LL, ""},
    {-3LL, 3LL, "b,c,d"},
    {LLONG_MIN, 9223372036854775807LL, "a,b,c,d"},
    {9223372036854775807LL, LLONG_MIN, ""},
    {LLONG_MIN, LLONG_MIN, ""},
    {5LL, -1LL, ""},
};

/* ZRANGEBYSCORE -inf +inf LIMIT <offset> <count> on {a, b, c, d}. */
static const zrankCase zlimitCases[] = {
    {0LL, -1LL, "a,b,c,d"},
    {-1LL, 2LL, ""},
    {1LL, -5LL, "b,c,d"},
    {1LL, 0LL, ""},
    {3LL, 10LL, "d"},
    {4LL, 1LL, ""},
    {0LL, 1LL, "a"},
    {2LL, 2LL, "c,d"},
    {9223372036854775807LL, 1LL, ""},
    {0LL, 9223372036854775807LL, "a,b,c,d"},
    {LLONG_MIN, -1LL, ""},
};
/* END ORACLE DATA */

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The sets the oracle was asked about (gen_oracle_tables.py's SCORE_SET
 * and LEX_SET), in sorted-set order. */
static const struct {
    const char *member, *score;
} scoreSet[] = {
    {"ninf", "-inf"}, {"m1", "-1"}, {"zero", "0"}, {"den", "5e-324"},
    {"one", "1"}, {"onefive", "1.5"}, {"two", "2"}, {"pinf", "inf"},
};

static const struct {
    const char *bytes;
    size_t len;
    const char *label;
} lexSet[] = {
    {"", 0, "<empty>"}, {"a", 1, "a"}, {"b", 1, "b"}, {"b\0", 2, "b<nul>"},
    {"c", 1, "c"}, {"\xff", 1, "<ff>"},
};

static int scoreOf(const char *s, double *out) {
    return zrangeParseScore(s, strlen(s), out);
}

/* Appends name to a ','-joined list. */
static void join(char *buf, size_t size, const char *name) {
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%s", used ? "," : "", name);
}

/* The members of scoreSet in 'range', joined; "" when the range is empty
 * (checked to agree with the members found). */
static void scoreMembers(const zrangeScoreSpec *range, char *buf, size_t size) {
    buf[0] = '\0';
    for (int i = 0; i < COUNT_OF(scoreSet); i++) {
        double score = 0;
        if (!scoreOf(scoreSet[i].score, &score)) continue;
        if (zrangeScoreInRange(score, range)) join(buf, size, scoreSet[i].member);
    }
    if (zrangeScoreRangeEmpty(range) && buf[0] != '\0') join(buf, size, "!EMPTY");
}

static void lexMembers(const zrangeLexSpec *range, char *buf, size_t size) {
    buf[0] = '\0';
    for (int i = 0; i < COUNT_OF(lexSet); i++) {
        if (zrangeLexInRange(lexSet[i].bytes, lexSet[i].len, range)) {
            join(buf, size, lexSet[i].label);
        }
    }
    if (zrangeLexRangeEmpty(range) && buf[0] != '\0') join(buf, size, "!EMPTY");
}

/* Parses a range and lists the members of its set inside it; 0 when the
 * range does not parse.  One per range grammar, so the oracle tables of
 * both run through the same checks. */
typedef int (*rangeLister)(const char *min, size_t minlen, const char *max,
                           size_t maxlen, char *buf, size_t size);

static int listScoreRange(const char *min, size_t minlen, const char *max,
                          size_t maxlen, char *buf, size_t size) {
    zrangeScoreSpec range;
    if (!zrangeParseScoreRange(min, minlen, max, maxlen, &range)) return 0;
    scoreMembers(&range, buf, size);
    return 1;
}

static int listLexRange(const char *min, size_t minlen, const char *max,
                        size_t maxlen, char *buf, size_t size) {
    zrangeLexSpec range;
    if (!zrangeParseLexRange(min, minlen, max, maxlen, &range)) return 0;
    lexMembers(&range, buf, size);
    return 1;
}

/* One listing against the oracle's answer (NULL: must not parse). */
static void checkListing(int ok, const char *got, const char *want) {
    if (want == NULL) {
        ASSERT(!ok);
    } else if (ASSERT(ok)) {
        ASSERT_EQ_STR(got, want);
    }
}

/* Each bound as the min of [bound, highest] and the max of
 * [lowest, bound]. */
static void checkBounds(const zboundCase *cases, int n, rangeLister list,
                        const char *lowest, const char *highest) {
    for (int i = 0; i < n; i++) {
        const zboundCase *b = &cases[i];
        char got[256];
        int ok = list(b->arg, b->len, highest, strlen(highest), got, sizeof(got));
        checkListing(ok, got, b->asMin);
        ok = list(lowest, strlen(lowest), b->arg, b->len, got, sizeof(got));
        checkListing(ok, got, b->asMax);
    }
}

static void checkPairs(const zpairCase *cases, int n, rangeLister list) {
    for (int i = 0; i < n; i++) {
        const zpairCase *p = &cases[i];
        char got[256];
        int ok = list(p->min, p->minlen, p->max, p->maxlen, got, sizeof(got));
        checkListing(ok, got, p->result);
    }
}

/* ---- Scores -------------------------------------------------------------- */

static void testScores(void) {
    TEST_CASE("ZADD's scores parse and print as ZSCORE replies them") {
        for (int i = 0; i < COUNT_OF(zscoreCases); i++) {
            double v = 0;
            char buf[ZRANGE_SCORE_STR_SIZE];
            const char *arg = zscoreCases[i].arg;
            if (!ASSERT(zrangeParseScore(arg, strlen(arg), &v))) {
                fprintf(stderr, "  refused %s\n", arg);
                continue;
            }
            zrangeFormatScore(buf, sizeof(buf), v);
            /* A listpack reads -0 back as 0 (zrange.h): ZSCORE says "0". */
            if (strcmp(arg, "-0") == 0) {
                ASSERT_EQ_STR(buf, "-0");
                ASSERT_EQ_STR(zscoreCases[i].reply, "0");
                continue;
            }
            ASSERT_EQ_STR(buf, zscoreCases[i].reply);
        }
    }

    TEST_CASE("scores Redis refuses with \"value is not a valid float\"") {
        static const char *bad[] = {
            " 1", "1 ", "\t1", "", "nan", "NaN", "-nan", "nan(1)", "1e400",
            "-1e400", "1e-400", "1e", "0x", "1_0", "- 1", "infinit", "(1",
            "[1", "1,5", "++1", "--1", "abc",
        };
        for (int i = 0; i < COUNT_OF(bad); i++) {
            double v = 42;
            ASSERT(!zrangeParseScore(bad[i], strlen(bad[i]), &v));
            ASSERT(v == 42);
        }
        double v = 42;
        ASSERT(!zrangeParseScore("1\0", 2, &v));   /* NUL inside: refused */
        ASSERT(!zrangeParseScore("1\0" "2", 3, &v));
    }

    TEST_CASE("scores Redis accepts beyond plain decimals") {
        static const struct {
            const char *arg;
            double want;
        } good[] = {
            {"inf", INFINITY}, {"+inf", INFINITY}, {"-inf", -INFINITY},
            {"Infinity", INFINITY}, {"-INFINITY", -INFINITY},
            {"INF", INFINITY}, {"0x10", 16}, {"0x1p3", 8}, {"+1", 1},
            {"+.5", 0.5}, {".5", 0.5}, {"5.", 5}, {"00012", 12},
            {"1e+3", 1000}, {"4.9e-324", 4.9e-324},
        };
        for (int i = 0; i < COUNT_OF(good); i++) {
            double v = 0;
            ASSERT(zrangeParseScore(good[i].arg, strlen(good[i].arg), &v));
            ASSERT(v == good[i].want);
        }
        double v = 1;
        ASSERT(zrangeParseScore("-0", 2, &v) && v == 0 && signbit(v));
    }

    TEST_CASE("ZINCRBY replies as Redis does, NaN refused") {
        for (int i = 0; i < COUNT_OF(zincrCases); i++) {
            const zincrCase *z = &zincrCases[i];
            double start = 0, incr = 0, out = 12345;
            char buf[ZRANGE_SCORE_STR_SIZE];
            ASSERT(scoreOf(z->start, &start) && scoreOf(z->incr, &incr));
            int ok = zrangeIncrScore(1, start, incr, &out);
            if (z->reply == NULL) {
                ASSERT(!ok);
                ASSERT(out == 12345);
                continue;
            }
            if (!ASSERT(ok)) continue;
            zrangeFormatScore(buf, sizeof(buf), out);
            ASSERT_EQ_STR(buf, z->reply);
        }
    }

    TEST_CASE("a new member's score is the increment itself") {
        double out = 0;
        ASSERT(zrangeIncrScore(0, 99, -0.0, &out) && out == 0 && signbit(out));
        ASSERT(zrangeIncrScore(0, 99, INFINITY, &out) && out == INFINITY);
        ASSERT(zrangeIncrScore(1, INFINITY, 1, &out) && out == INFINITY);
        ASSERT(!zrangeIncrScore(1, -INFINITY, INFINITY, &out));
    }

    TEST_CASE("formatting: %.17g, inf spelled out, small buffers") {
        char buf[ZRANGE_SCORE_STR_SIZE];
        ASSERT_EQ_INT(zrangeFormatScore(buf, sizeof(buf), 1.1), 18);
        ASSERT_EQ_STR(buf, "1.1000000000000001");
        zrangeFormatScore(buf, sizeof(buf), -INFINITY);
        ASSERT_EQ_STR(buf, "-inf");
        zrangeFormatScore(buf, sizeof(buf), -0.0);
        ASSERT_EQ_STR(buf, "-0");
        zrangeFormatScore(buf, sizeof(buf), -1.7976931348623157e308);
        ASSERT_EQ_STR(buf, "-1.7976931348623157e+308");
        ASSERT(strlen(buf) < ZRANGE_SCORE_STR_SIZE);
        ASSERT_EQ_INT(zrangeFormatScore(buf, 3, 1.5), 0);
        ASSERT_EQ_STR(buf, "");
    }
}

/* ---- Score ranges -------------------------------------------------------- */

static void testScoreRanges(void) {
    TEST_CASE("score range bounds select what ZRANGEBYSCORE selects") {
        checkBounds(zscoreBoundCases, COUNT_OF(zscoreBoundCases),
                    listScoreRange, "-inf", "+inf");
    }

    TEST_CASE("min/max pairs and empty ranges as ZRANGEBYSCORE sees them") {
        checkPairs(zscorePairCases, COUNT_OF(zscorePairCases), listScoreRange);
    }

    TEST_CASE("a bound's value and exclusivity") {
        double v = 0;
        int ex = -1;
        ASSERT(zrangeParseScoreBound("(1.5", 4, &v, &ex) && v == 1.5 && ex == 1);
        ASSERT(zrangeParseScoreBound("1.5", 3, &v, &ex) && v == 1.5 && ex == 0);
        ASSERT(zrangeParseScoreBound("", 0, &v, &ex) && v == 0 && ex == 0);
        ASSERT(zrangeParseScoreBound("(", 1, &v, &ex) && v == 0 && ex == 1);
        ASSERT(zrangeParseScoreBound("1e400", 5, &v, &ex) && v == INFINITY);
        v = 7;
        ex = 7;
        ASSERT(!zrangeParseScoreBound("((1", 3, &v, &ex) && v == 7 && ex == 7);
        /* A long bound (past any small buffer) still parses. */
        char longBound[300];
        memset(longBound, '0', sizeof(longBound));
        longBound[0] = '(';
        longBound[sizeof(longBound) - 1] = '7';
        ASSERT(zrangeParseScoreBound(longBound, sizeof(longBound), &v, &ex));
        ASSERT(v == 7 && ex == 1);
        longBound[150] = 'x';
        ASSERT(!zrangeParseScoreBound(longBound, sizeof(longBound), &v, &ex));
        longBound[150] = '\0';   /* the rest is ignored after a NUL */
        ASSERT(zrangeParseScoreBound(longBound, sizeof(longBound), &v, &ex));
        ASSERT(v == 0);
    }

    TEST_CASE("the empty-range rule") {
        zrangeScoreSpec r = {1, 1, 0, 0};
        ASSERT(!zrangeScoreRangeEmpty(&r));
        r.minex = 1;
        ASSERT(zrangeScoreRangeEmpty(&r));
        r = (zrangeScoreSpec){2, 1, 0, 0};
        ASSERT(zrangeScoreRangeEmpty(&r));
        r = (zrangeScoreSpec){-INFINITY, -INFINITY, 0, 0};
        ASSERT(!zrangeScoreRangeEmpty(&r));
        ASSERT(zrangeScoreInRange(-INFINITY, &r));
        r = (zrangeScoreSpec){INFINITY, INFINITY, 1, 0};
        ASSERT(zrangeScoreRangeEmpty(&r));
        ASSERT(!zrangeScoreGteMin(INFINITY, &r));
        ASSERT(zrangeScoreLteMax(INFINITY, &r));
    }
}

/* ---- Lex ranges ---------------------------------------------------------- */

static void testLexRanges(void) {
    TEST_CASE("lex bounds select what ZRANGEBYLEX selects") {
        checkBounds(zlexBoundCases, COUNT_OF(zlexBoundCases), listLexRange,
                    "-", "+");
    }

    TEST_CASE("lex min/max pairs and empty ranges as ZRANGEBYLEX sees them") {
        checkPairs(zlexPairCases, COUNT_OF(zlexPairCases), listLexRange);
    }

    TEST_CASE("a lex bound points into its argument") {
        const char arg[] = "(abc";
        zrangeLexBound b = {ZRANGE_LEX_PLUS, 0, NULL, 0};
        ASSERT(zrangeParseLexBound(arg, 4, &b));
        ASSERT(b.kind == ZRANGE_LEX_VALUE && b.exclusive == 1);
        ASSERT(b.str == arg + 1 && b.len == 3);
        ASSERT(zrangeParseLexBound("-", 1, &b) && b.kind == ZRANGE_LEX_MINUS);
        ASSERT(b.exclusive == 1);
        ASSERT(zrangeParseLexBound("+", 1, &b) && b.kind == ZRANGE_LEX_PLUS);
        zrangeLexBound untouched = b;
        ASSERT(!zrangeParseLexBound("", 0, &b));
        ASSERT(!zrangeParseLexBound("x", 1, &b));
        ASSERT(memcmp(&b, &untouched, sizeof(b)) == 0);
    }

    TEST_CASE("lex order: bytes unsigned, prefix first, - and + outside") {
        zrangeLexBound minus = {ZRANGE_LEX_MINUS, 1, NULL, 0};
        zrangeLexBound plus = {ZRANGE_LEX_PLUS, 1, NULL, 0};
        zrangeLexBound empty = {ZRANGE_LEX_VALUE, 0, "", 0};
        zrangeLexBound a = {ZRANGE_LEX_VALUE, 0, "a", 1};
        zrangeLexBound ab = {ZRANGE_LEX_VALUE, 0, "ab", 2};
        zrangeLexBound high = {ZRANGE_LEX_VALUE, 0, "\x80", 1};
        ASSERT(zrangeLexCompare(&minus, &empty) < 0);
        ASSERT(zrangeLexCompare(&empty, &a) < 0);
        ASSERT(zrangeLexCompare(&a, &ab) < 0);
        ASSERT(zrangeLexCompare(&ab, &high) < 0);
        ASSERT(zrangeLexCompare(&high, &plus) < 0);
        ASSERT(zrangeLexCompare(&plus, &minus) > 0);
        ASSERT(zrangeLexCompare(&minus, &minus) == 0);
        ASSERT(zrangeLexCompare(&ab, &ab) == 0);
    }
}

/* ---- Ranks --------------------------------------------------------------- */

/* The members of {a, b, c, d} between two ranks, joined. */
static void rankMembers(long long first, long long last, char *buf, size_t size) {
    static const char *names[] = {"a", "b", "c", "d"};
    buf[0] = '\0';
    for (long long r = first; r <= last; r++) join(buf, size, names[r]);
}

static void testRanks(void) {
    TEST_CASE("rank windows are ZRANGE's") {
        for (int i = 0; i < COUNT_OF(zrankCases); i++) {
            const zrankCase *z = &zrankCases[i];
            long long first = -7, last = -7;
            char got[64] = "";
            if (zrangeRankWindow(z->a, z->b, 4, &first, &last)) {
                ASSERT(first >= 0 && last < 4 && first <= last);
                rankMembers(first, last, got, sizeof(got));
            } else {
                ASSERT(first == -7 && last == -7);
            }
            ASSERT_EQ_STR(got, z->result);
        }
    }

    TEST_CASE("an empty set has no window") {
        long long first, last;
        ASSERT(!zrangeRankWindow(0, -1, 0, &first, &last));
        ASSERT(!zrangeRankWindow(0, 0, 0, &first, &last));
        ASSERT(zrangeRankWindow(LLONG_MIN, LLONG_MAX, 1, &first, &last));
        ASSERT(first == 0 && last == 0);
    }

    TEST_CASE("LIMIT offset count is ZRANGEBYSCORE's") {
        for (int i = 0; i < COUNT_OF(zlimitCases); i++) {
            const zrankCase *z = &zlimitCases[i];
            char got[64] = "";
            if (!zrangeLimitEmpty(z->a, z->b) && z->a <= 3) {
                long long last = z->b < 0 || z->b > 4 - z->a ? 3 : z->a + z->b - 1;
                rankMembers(z->a, last, got, sizeof(got));
            }
            ASSERT_EQ_STR(got, z->result);
        }
    }
}

int main(void) {
    testScores();
    testScoreRanges();
    testLexRanges();
    testRanks();
    return testReport();
}
