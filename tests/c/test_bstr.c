/* tests/c/test_bstr.c -- unit tests for src/lib/bstr.c.
 *
 * bstrSplitArgs, bstrCatRepr, bstrRange and bstrSplitLen are checked
 * against the behaviour of their Redis 7 counterparts (sdssplitargs,
 * sdscatrepr, sdsrange, sdssplitlen); the other functions against the
 * contract in bstr.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "test.h"

#define W(lit) (lit), (sizeof(lit) - 1)

/* Header invariants that must hold for every bstr. */
static int bstrValid(const bstr s) {
    return s != NULL && bstrLen(s) <= bstrAlloc(s) && s[bstrLen(s)] == '\0';
}

/* ---- bstrSplitArgs ------------------------------------------------------- */

/* Splits line and checks the result against want[0..wantc), each given as a
 * (bytes, len) pair.  wantc == -1 means "must fail (NULL)". */
typedef struct lit {
    const char *p;
    size_t len;
} lit;
#define L(s) {(s), sizeof(s) - 1}

static void checkSplit(const char *line, int wantc, const lit *want) {
    int argc = -12345;
    bstr *argv = bstrSplitArgs(line, &argc);
    if (wantc < 0) {
        if (!ASSERT(argv == NULL)) {
            fprintf(stderr, "  line: ");
            testPrintBytes(line, strlen(line));
            fprintf(stderr, " gave %d args\n", argc);
        }
        ASSERT_EQ_INT(argc, 0);
        bstrFreeSplitRes(argv, argc);
        return;
    }
    if (!ASSERT(argv != NULL)) {
        fprintf(stderr, "  line: ");
        testPrintBytes(line, strlen(line));
        fprintf(stderr, " gave NULL\n");
        return;
    }
    if (!ASSERT_EQ_INT(argc, wantc)) {
        fprintf(stderr, "  line: ");
        testPrintBytes(line, strlen(line));
        fputc('\n', stderr);
        for (int i = 0; i < argc; i++) {
            fprintf(stderr, "    argv[%d] = ", i);
            testPrintBytes(argv[i], bstrLen(argv[i]));
            fputc('\n', stderr);
        }
    } else {
        for (int i = 0; i < argc; i++) {
            ASSERT_EQ_MEM(argv[i], bstrLen(argv[i]), want[i].p, want[i].len);
            ASSERT(bstrValid(argv[i]));
        }
    }
    bstrFreeSplitRes(argv, argc);
}

static void testSplitArgs(void) {
    TEST_CASE("splitargs: plain words and whitespace") {
        checkSplit("SET foo bar", 3, (lit[]){L("SET"), L("foo"), L("bar")});
        checkSplit("  SET \t foo\r\n bar  \n", 3, (lit[]){L("SET"), L("foo"), L("bar")});
        checkSplit("one", 1, (lit[]){L("one")});
        checkSplit("a\rb\tc\nd", 4, (lit[]){L("a"), L("b"), L("c"), L("d")});
        checkSplit("caf\xc3\xa9 \x80\xff", 2, (lit[]){L("caf\xc3\xa9"), L("\x80\xff")});
    }
    TEST_CASE("splitargs: empty and blank lines give argc 0, not NULL") {
        checkSplit("", 0, NULL);
        checkSplit("   ", 0, NULL);
        checkSplit(" \t\r\n\v\f ", 0, NULL);
    }
    TEST_CASE("splitargs: double quotes") {
        checkSplit("\"a b\"", 1, (lit[]){L("a b")});
        checkSplit("SET \"a b\" c", 3, (lit[]){L("SET"), L("a b"), L("c")});
        checkSplit("\"\"", 1, (lit[]){L("")});
        checkSplit("\"\" \"\"", 2, (lit[]){L(""), L("")});
        checkSplit("\"it's\"", 1, (lit[]){L("it's")});
        checkSplit("\"a\"\tb", 2, (lit[]){L("a"), L("b")});
        checkSplit("\"a\"\n", 1, (lit[]){L("a")});
        /* A quote opening inside a word continues that word. */
        checkSplit("ab\"c d\"", 1, (lit[]){L("abc d")});
    }
    TEST_CASE("splitargs: escapes inside double quotes") {
        checkSplit("\"\\n\\r\\t\\b\\a\"", 1, (lit[]){L("\n\r\t\b\a")});
        checkSplit("\"\\\\\"", 1, (lit[]){L("\\")});
        checkSplit("\"q\\\"uote\"", 1, (lit[]){L("q\"uote")});
        checkSplit("\"\\q\\'\"", 1, (lit[]){L("q'")});
    }
    TEST_CASE("splitargs: \\xHH inside double quotes") {
        checkSplit("\"\\x41\\x4a\\x4A\\x7e\"", 1, (lit[]){L("AJJ~")});
        checkSplit("\"\\x00\"", 1, (lit[]){L("\0")});
        checkSplit("\"a\\x00b\\xff\"", 1, (lit[]){L("a\0b\xff")});
        checkSplit("\"\\x41\\n\"", 1, (lit[]){L("A\n")});
        /* Not two hex digits: a plain escaped 'x'. */
        checkSplit("\"\\xZZ\"", 1, (lit[]){L("xZZ")});
        checkSplit("\"\\x4\"", 1, (lit[]){L("x4")});
        checkSplit("\"\\x4g\"", 1, (lit[]){L("x4g")});
        checkSplit("\"\\x\xc3\xa9\"", 1, (lit[]){L("x\xc3\xa9")});
        /* Outside quotes nothing is an escape. */
        checkSplit("\\x41", 1, (lit[]){L("\\x41")});
        checkSplit("a\\nb", 1, (lit[]){L("a\\nb")});
    }
    TEST_CASE("splitargs: single quotes") {
        checkSplit("'c d'", 1, (lit[]){L("c d")});
        checkSplit("'it\\'s'", 1, (lit[]){L("it's")});
        checkSplit("'a\\nb'", 1, (lit[]){L("a\\nb")});
        checkSplit("'\\x41'", 1, (lit[]){L("\\x41")});
        checkSplit("'a\"b'", 1, (lit[]){L("a\"b")});
        checkSplit("''", 1, (lit[]){L("")});
        checkSplit("SET 'a b' \"c d\" e", 4, (lit[]){L("SET"), L("a b"), L("c d"), L("e")});
    }
    TEST_CASE("splitargs: the inline example from the protocol tests") {
        checkSplit("SET \"a b\" 'c d' \"\\x41\\n\"", 4,
                   (lit[]){L("SET"), L("a b"), L("c d"), L("A\n")});
    }
    TEST_CASE("splitargs: unbalanced quotes give NULL") {
        checkSplit("\"abc", -1, NULL);
        checkSplit("'abc", -1, NULL);
        checkSplit("SET \"abc", -1, NULL);
        checkSplit("SET a 'b", -1, NULL);
        checkSplit("\"", -1, NULL);
        checkSplit("'", -1, NULL);
        checkSplit("\"abc\\\"", -1, NULL);
        checkSplit("'abc\\'", -1, NULL);
        checkSplit("\"abc\\", -1, NULL);
        checkSplit("foo\\\"bar", -1, NULL);
        checkSplit("a b c \"d", -1, NULL); /* earlier args are freed too */
    }
    TEST_CASE("splitargs: closing quote followed by a non-space gives NULL") {
        checkSplit("\"a\"b", -1, NULL);
        checkSplit("'a'b", -1, NULL);
        checkSplit("\"a\"\"b\"", -1, NULL);
        checkSplit("SET \"k\"x v", -1, NULL);
        checkSplit("'a''b'", -1, NULL);
    }
    TEST_CASE("splitargs: \\v and \\f inside a word are part of it (as in Redis)") {
        /* Redis's sdssplitargs skips blanks with isspace() between
         * arguments, but an unquoted argument only ends at ' ', '\n', '\r',
         * '\t' or the end of the string. */
        checkSplit("a\vb", 1, (lit[]){L("a\vb")});
        checkSplit("SET k a\fb", 3, (lit[]){L("SET"), L("k"), L("a\fb")});
        checkSplit("\vSET\f", 1, (lit[]){L("SET\f")});
    }
    TEST_CASE("splitargs: many arguments") {
        char line[4000];
        size_t pos = 0;
        for (int i = 0; i < 500; i++) pos += (size_t)sprintf(line + pos, "%d ", i);
        int argc;
        bstr *argv = bstrSplitArgs(line, &argc);
        if (ASSERT(argv != NULL) && ASSERT_EQ_INT(argc, 500)) {
            int bad = 0;
            for (int i = 0; i < 500; i++) bad += atoi(argv[i]) != i;
            ASSERT_EQ_INT(bad, 0);
        }
        bstrFreeSplitRes(argv, argc);
    }
}

/* ---- bstrCatRepr --------------------------------------------------------- */

static void checkRepr(const char *p, size_t len, const char *want) {
    bstr s = bstrCatRepr(bstrEmpty(), p, len);
    ASSERT_EQ_MEM(s, bstrLen(s), want, strlen(want));
    ASSERT(bstrValid(s));
    bstrFree(s);
}

static void testCatRepr(void) {
    TEST_CASE("catrepr: printable text is quoted as is") {
        checkRepr(W("hello world"), "\"hello world\"");
        checkRepr(W(""), "\"\"");
        checkRepr(W("~!@#$%^&*()_+{}|:<>?`-=[];,./ "), "\"~!@#$%^&*()_+{}|:<>?`-=[];,./ \"");
    }
    TEST_CASE("catrepr: escapes") {
        checkRepr(W("a\nb\rc\td\ae\bf"), "\"a\\nb\\rc\\td\\ae\\bf\"");
        checkRepr(W("\"q\" \\"), "\"\\\"q\\\" \\\\\"");
        checkRepr(W("'"), "\"'\"");
    }
    TEST_CASE("catrepr: other bytes as lowercase \\xHH") {
        checkRepr(W("\0"), "\"\\x00\"");
        checkRepr(W("\x01\x1f\x7f\x80\xab\xff"), "\"\\x01\\x1f\\x7f\\x80\\xab\\xff\"");
        checkRepr(W("\v\f\x1b"), "\"\\x0b\\x0c\\x1b\"");
        checkRepr(W("a\0b"), "\"a\\x00b\"");
    }
    TEST_CASE("catrepr: appends to what is already there") {
        bstr s = bstrNew("key=");
        s = bstrCatRepr(s, W("v 1\n"));
        s = bstrCat(s, " end");
        ASSERT_EQ_STR(s, "key=\"v 1\\n\" end");
        bstrFree(s);
    }
    TEST_CASE("catrepr: round trip through splitargs") {
        char all[256];
        for (int i = 0; i < 256; i++) all[i] = (char)i;
        bstr s = bstrCatRepr(bstrEmpty(), all, sizeof(all));
        int argc;
        bstr *argv = bstrSplitArgs(s, &argc);
        if (ASSERT(argv != NULL) && ASSERT_EQ_INT(argc, 1))
            ASSERT_EQ_MEM(argv[0], bstrLen(argv[0]), all, sizeof(all));
        bstrFreeSplitRes(argv, argc);
        bstrFree(s);
    }
}

/* ---- bstrRange ------------------------------------------------------------ */

static void checkRange(const char *init, ssize_t start, ssize_t end, const char *want) {
    bstr s = bstrNew(init);
    size_t alloc = bstrAlloc(s);
    bstrRange(s, start, end);
    if (!ASSERT_EQ_STR(s, want))
        fprintf(stderr, "  bstrRange(\"%s\", %zd, %zd)\n", init, start, end);
    ASSERT_EQ_UINT(bstrLen(s), strlen(want));
    ASSERT_EQ_UINT(bstrAlloc(s), alloc);
    ASSERT(bstrValid(s));
    bstrFree(s);
}

static void testRange(void) {
    TEST_CASE("range: in-bounds indexes") {
        checkRange("hello", 0, -1, "hello");
        checkRange("hello", 0, 4, "hello");
        checkRange("hello", 1, 3, "ell");
        checkRange("hello", 0, 0, "h");
        checkRange("hello", 4, 4, "o");
        checkRange("hello", 1, -1, "ello");
        checkRange("hello", -2, -1, "lo");
        checkRange("hello", -1, -1, "o");
        checkRange("hello", -5, 0, "h");
    }
    TEST_CASE("range: out-of-range indexes are clamped like sdsrange") {
        checkRange("hello", 2, 100, "llo");
        checkRange("hello", -100, 1, "he");
        checkRange("hello", -100, -100, "h"); /* both clamp to 0 */
        checkRange("hello", -100, 100, "hello");
        checkRange("hello", 5, 10, "");
        checkRange("hello", 100, 200, "");
        checkRange("hello", 5, -1, "");
        checkRange("hello", 0, -6, "h"); /* end clamps to 0 */
    }
    TEST_CASE("range: start after end gives an empty string") {
        checkRange("hello", 3, 1, "");
        checkRange("hello", -1, 0, "");
        checkRange("hello", 1, 0, "");
        checkRange("hello", -1, -2, "");
    }
    TEST_CASE("range: empty string stays empty") {
        checkRange("", 0, -1, "");
        checkRange("", 0, 0, "");
        checkRange("", 5, 10, "");
        checkRange("", -3, -1, "");
    }
    TEST_CASE("range: binary data and the consumed-prefix idiom") {
        bstr s = bstrNewLen(W("ab\0cd\0"));
        bstrRange(s, 2, -1);
        ASSERT_EQ_MEM(s, bstrLen(s), "\0cd\0", 4);
        /* clientProcessInputBuffer drops everything consumed this way. */
        bstrRange(s, (ssize_t)bstrLen(s), -1);
        ASSERT_EQ_UINT(bstrLen(s), 0);
        ASSERT(bstrValid(s));
        bstrFree(s);
    }
}

/* ---- bstrSplitLen ------------------------------------------------------- */

static void checkSplitLen(const char *s, size_t len, const char *sep, size_t seplen, int wantc,
                          const lit *want) {
    int count = -1;
    bstr *tok = bstrSplitLen(s, len, sep, seplen, &count);
    if (wantc < 0) {
        ASSERT(tok == NULL);
        ASSERT_EQ_INT(count, 0);
        bstrFreeSplitRes(tok, count);
        return;
    }
    if (ASSERT(tok != NULL) && ASSERT_EQ_INT(count, wantc)) {
        for (int i = 0; i < count; i++) {
            ASSERT_EQ_MEM(tok[i], bstrLen(tok[i]), want[i].p, want[i].len);
            ASSERT(bstrValid(tok[i]));
        }
    }
    bstrFreeSplitRes(tok, count);
}

static void testSplitLen(void) {
    TEST_CASE("splitlen: single-byte separator keeps empty fields") {
        checkSplitLen(W("a,b,c"), W(","), 3, (lit[]){L("a"), L("b"), L("c")});
        checkSplitLen(W("a,b,,c"), W(","), 4, (lit[]){L("a"), L("b"), L(""), L("c")});
        checkSplitLen(W(",a,"), W(","), 3, (lit[]){L(""), L("a"), L("")});
        checkSplitLen(W(","), W(","), 2, (lit[]){L(""), L("")});
        checkSplitLen(W("abc"), W(","), 1, (lit[]){L("abc")});
    }
    TEST_CASE("splitlen: multi-byte separator") {
        checkSplitLen(W("foo--bar--baz"), W("--"), 3, (lit[]){L("foo"), L("bar"), L("baz")});
        checkSplitLen(W("a--"), W("--"), 2, (lit[]){L("a"), L("")});
        checkSplitLen(W("a-b"), W("--"), 1, (lit[]){L("a-b")});
        /* Matches do not overlap: "aaa" on "aa" is "", "a". */
        checkSplitLen(W("aaa"), W("aa"), 2, (lit[]){L(""), L("a")});
        checkSplitLen(W("aaaa"), W("aa"), 3, (lit[]){L(""), L(""), L("")});
        /* A separator longer than the string. */
        checkSplitLen(W("ab"), W("abc"), 1, (lit[]){L("ab")});
        checkSplitLen(W("x\r\ny\r\n"), W("\r\n"), 3, (lit[]){L("x"), L("y"), L("")});
    }
    TEST_CASE("splitlen: binary safe, and only len bytes are looked at") {
        checkSplitLen(W("a\0b\0c"), "\0", 1, 3, (lit[]){L("a"), L("b"), L("c")});
        checkSplitLen("a,b,c", 3, W(","), 2, (lit[]){L("a"), L("b")});
    }
    TEST_CASE("splitlen: empty input and empty separator") {
        /* An empty string is one empty field (sdssplitlen returns NULL and
         * 0 here; the config loaders handle both). */
        checkSplitLen("", 0, W(","), 1, (lit[]){L("")});
        checkSplitLen(W("abc"), "", 0, -1, NULL);
    }
    TEST_CASE("splitlen: lines of a config file") {
        const char *cfg = "port 6379\n\n# comment\nbind 127.0.0.1\n";
        checkSplitLen(cfg, strlen(cfg), W("\n"), 5,
                      (lit[]){L("port 6379"), L(""), L("# comment"), L("bind 127.0.0.1"), L("")});
    }
}

/* ---- The rest of the API ------------------------------------------------ */

static void testBasics(void) {
    TEST_CASE("new, empty, dup, free") {
        bstr a = bstrNew("hello");
        ASSERT_EQ_UINT(bstrLen(a), 5);
        ASSERT(bstrValid(a));
        bstr b = bstrNewLen(W("x\0y"));
        ASSERT_EQ_MEM(b, bstrLen(b), "x\0y", 3);
        bstr z = bstrNewLen(NULL, 4);
        ASSERT_EQ_MEM(z, bstrLen(z), "\0\0\0\0", 4);
        bstr e = bstrEmpty();
        ASSERT_EQ_UINT(bstrLen(e), 0);
        ASSERT(bstrValid(e));
        bstr n = bstrNew(NULL);
        ASSERT_EQ_UINT(bstrLen(n), 0);
        bstr d = bstrDup(b);
        ASSERT(d != b);
        ASSERT_EQ_MEM(d, bstrLen(d), "x\0y", 3);
        bstr cap = bstrEmptyCapacity(100);
        ASSERT_EQ_UINT(bstrLen(cap), 0);
        ASSERT(bstrAlloc(cap) >= 100);
        ASSERT(bstrAllocSize(cap) >= 100 + sizeof(struct bstrHeader));
        bstrFree(a), bstrFree(b), bstrFree(z), bstrFree(e), bstrFree(n), bstrFree(d);
        bstrFree(cap);
        bstrFree(NULL);
    }
    TEST_CASE("cat, catlen, catbstr, cpylen, clear") {
        bstr s = bstrEmpty();
        s = bstrCat(s, "abc");
        s = bstrCatLen(s, W("\0de"));
        bstr t = bstrNew("fg");
        s = bstrCatBstr(s, t);
        ASSERT_EQ_MEM(s, bstrLen(s), "abc\0defg", 8);
        ASSERT(bstrValid(s));
        s = bstrCpyLen(s, "xy", 2);
        ASSERT_EQ_STR(s, "xy");
        bstrClear(s);
        ASSERT_EQ_UINT(bstrLen(s), 0);
        ASSERT(bstrValid(s));
        bstrFree(s);
        bstrFree(t);
    }
    TEST_CASE("growth: many appends keep content and invariants") {
        bstr s = bstrEmpty();
        for (int i = 0; i < 10000; i++) s = bstrCatLen(s, &"0123456789"[i % 10], 1);
        int bad = 0;
        for (int i = 0; i < 10000; i++) bad += s[i] != '0' + i % 10;
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_UINT(bstrLen(s), 10000);
        ASSERT(bstrValid(s));
        s = bstrRemoveFreeSpace(s);
        ASSERT_EQ_UINT(bstrAlloc(s), 10000);
        ASSERT_EQ_UINT(bstrAvail(s), 0);
        ASSERT(bstrValid(s));
        bstrFree(s);
    }
    TEST_CASE("makeroomfor + incrlen, including a negative incr") {
        bstr s = bstrNew("ab");
        s = bstrMakeRoomFor(s, 10);
        ASSERT(bstrAvail(s) >= 10);
        ASSERT_EQ_STR(s, "ab");
        memcpy(s + 2, "cdef", 4);
        bstrIncrLen(s, 4);
        ASSERT_EQ_STR(s, "abcdef");
        bstrIncrLen(s, -2);
        ASSERT_EQ_STR(s, "abcd");
        ASSERT(bstrValid(s));
        bstrFree(s);
    }
    TEST_CASE("catprintf, short and long") {
        bstr s = bstrNew("n=");
        s = bstrCatPrintf(s, "%d/%s/%lld", 42, "x", LLONG_MIN);
        ASSERT_EQ_STR(s, "n=42/x/-9223372036854775808");
        char big[1000];
        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        bstr t = bstrCatPrintf(bstrEmpty(), "[%s]", big);
        ASSERT_EQ_UINT(bstrLen(t), 1001);
        ASSERT(t[0] == '[' && t[1000] == ']' && t[500] == 'q');
        ASSERT(bstrValid(t));
        bstrFree(s);
        bstrFree(t);
    }
    TEST_CASE("tolower, toupper, mapchars") {
        bstr s = bstrNewLen(W("HeLLo\0W"));
        bstrToLower(s);
        ASSERT_EQ_MEM(s, bstrLen(s), "hello\0w", 7);
        bstrToUpper(s);
        ASSERT_EQ_MEM(s, bstrLen(s), "HELLO\0W", 7);
        bstrMapChars(s, "LO", "01", 2);
        ASSERT_EQ_MEM(s, bstrLen(s), "HE001\0W", 7);
        bstrFree(s);
    }
}

static void testTrim(void) {
    TEST_CASE("bstrTrim removes the set from both ends only") {
        bstr s = bstrNew(" \t user a on \r\n");
        bstrTrim(s, " \t\r\n");
        ASSERT_EQ_STR(s, "user a on");
        ASSERT_EQ_INT(bstrLen(s), 9);
        bstrFree(s);
    }
    TEST_CASE("bstrTrim of only set characters, and of an empty string") {
        bstr s = bstrNew(" \r ");
        bstrTrim(s, " \r");
        ASSERT_EQ_INT(bstrLen(s), 0);
        bstrTrim(s, " ");
        ASSERT_EQ_INT(bstrLen(s), 0);
        bstrFree(s);
    }
}

static void testReadAll(void) {
    TEST_CASE("bstrReadAll reads what is left of a file") {
        FILE *fp = tmpfile();
        if (!ASSERT(fp != NULL)) return;
        fputs("line one\nline two\n", fp);
        rewind(fp);
        bstr s = bstrReadAll(fp);
        ASSERT_EQ_STR(s, "line one\nline two\n");
        bstrFree(s);
        fclose(fp);
    }
}

int main(void) {
    testTrim();
    testReadAll();
    testSplitArgs();
    testCatRepr();
    testRange();
    testSplitLen();
    testBasics();
    return testReport();
}
