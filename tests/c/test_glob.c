/* tests/c/test_glob.c -- unit tests for src/lib/glob.c.  Expected results
 * follow Redis 7.0's stringmatchlen(); the quirky ones were checked against a
 * real redis-server with KEYS. */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/glob.h"
#include "test.h"

/* NUL-terminated convenience wrappers. */
static int m(const char *pattern, const char *string) {
    return globMatch(pattern, strlen(pattern), string, strlen(string), 0);
}
static int mi(const char *pattern, const char *string) {
    return globMatch(pattern, strlen(pattern), string, strlen(string), 1);
}

static void testLiterals(void) {
    TEST_CASE("literal patterns") {
        ASSERT(m("hello", "hello"));
        ASSERT(!m("hello", "hell"));
        ASSERT(!m("hello", "hello!"));
        ASSERT(!m("hello", "Hello"));
        ASSERT(m("", ""));
        ASSERT(!m("", "a"));
        ASSERT(!m("a", ""));
    }
}

static void testStar(void) {
    TEST_CASE("star") {
        ASSERT(m("*", "anything"));
        ASSERT(m("*", "x"));
        ASSERT(m("h*llo", "hllo"));
        ASSERT(m("h*llo", "heeeello"));
        ASSERT(!m("h*llo", "heeeelo"));
        ASSERT(m("*llo", "hello"));
        ASSERT(m("hel*", "hello"));
        ASSERT(m("hel*", "hel"));
        ASSERT(m("*a", "ba"));
        ASSERT(!m("*a", "ab"));
        ASSERT(!m("*a*", "b"));
        ASSERT(m("*a*", "bab"));
        ASSERT(m("a*b*c", "aXXbYYc"));
        ASSERT(m("a*b*c", "abc"));
        ASSERT(!m("a*b*c", "acb"));
        ASSERT(m("*.txt", "file.txt"));
        ASSERT(m("user:*:name", "user:1000:name"));
        ASSERT(!m("user:*:name", "user:1000:age"));
    }

    TEST_CASE("consecutive stars collapse") {
        ASSERT(m("a**b", "ab"));
        ASSERT(m("a**b", "axxb"));
        ASSERT(m("a***", "a"));
        ASSERT(m("***a", "bba"));
        ASSERT(m("**", "x"));
    }

    TEST_CASE("an empty string matches only the empty pattern (Redis quirk)") {
        /* Redis stops as soon as the string is exhausted, before looking at
         * the pattern; KEYS/SCAN special-case the pattern "*". */
        ASSERT(!m("*", ""));
        ASSERT(!m("**", ""));
        ASSERT(!m("?*", ""));
        ASSERT(m("", ""));
        /* but trailing stars after a consumed byte are fine */
        ASSERT(m("a*", "a"));
        ASSERT(m("a**", "a"));
    }
}

static void testQuestion(void) {
    TEST_CASE("question mark") {
        ASSERT(m("h?llo", "hello"));
        ASSERT(m("h?llo", "hallo"));
        ASSERT(!m("h?llo", "hllo"));
        ASSERT(!m("h?llo", "heello"));
        ASSERT(m("???", "abc"));
        ASSERT(!m("???", "ab"));
        ASSERT(m("?*", "a"));
        ASSERT(m("*?", "a"));
        ASSERT(!m("*??", "a"));
    }
}

static void testClasses(void) {
    TEST_CASE("character sets") {
        ASSERT(m("h[ae]llo", "hello"));
        ASSERT(m("h[ae]llo", "hallo"));
        ASSERT(!m("h[ae]llo", "hillo"));
        ASSERT(!m("h[ae]llo", "hllo"));
        ASSERT(m("[abc]", "c"));
        ASSERT(!m("[abc]", "abc"));
    }

    TEST_CASE("negated sets") {
        ASSERT(m("h[^e]llo", "hallo"));
        ASSERT(!m("h[^e]llo", "hello"));
        ASSERT(m("h[^ae]llo", "hillo"));
        ASSERT(!m("h[^ae]llo", "hallo"));
        ASSERT(m("[^a]", "^"));
        ASSERT(!m("[^^]", "^"));
    }

    TEST_CASE("ranges") {
        ASSERT(m("h[a-b]llo", "hallo"));
        ASSERT(m("h[a-b]llo", "hbllo"));
        ASSERT(!m("h[a-b]llo", "hcllo"));
        ASSERT(m("[0-9][0-9]", "42"));
        ASSERT(!m("[0-9]", "a"));
        ASSERT(m("[a-cx-z]", "y"));
        ASSERT(!m("[a-cx-z]", "m"));
        ASSERT(m("[^0-9]", "a"));
        ASSERT(!m("[^0-9]", "5"));
    }

    TEST_CASE("reversed ranges") {
        ASSERT(m("h[b-a]llo", "hallo"));
        ASSERT(m("[z-a]", "m"));
        ASSERT(m("[9-0]", "5"));
        ASSERT(!m("[9-0]", "a"));
    }

    TEST_CASE("class edge cases") {
        /* "-" at the end forms a range up to ']' ("[a-]" = ']'..'a') */
        ASSERT(m("[a-]", "a"));
        ASSERT(m("[a-]", "]"));
        ASSERT(m("[a-]", "_"));
        ASSERT(!m("[a-]", "-"));
        ASSERT(!m("[a-]", "b"));
        /* "-" first is a literal when not followed by two bytes */
        ASSERT(m("[-]", "-"));
        ASSERT(m("[-a]", "-"));
        /* "]" right after "[" closes the (empty) class */
        ASSERT(!m("[]", "a"));
        ASSERT(!m("[]a", "a"));
        /* unterminated class runs to the end of the pattern */
        ASSERT(m("[abc", "a"));
        ASSERT(m("[abc", "c"));
        ASSERT(!m("[abc", "d"));
        ASSERT(!m("[abc", "ab"));
        ASSERT(!m("[", "a"));
        ASSERT(!m("[", "["));
        ASSERT(m("[^", "x"));
        ASSERT(m("x[", "x[") == 0);
        ASSERT(m("[[]", "["));
    }

    TEST_CASE("escapes inside classes") {
        ASSERT(m("[\\]]", "]"));
        ASSERT(!m("[\\]]", "\\"));
        ASSERT(m("[\\-]", "-"));
        ASSERT(m("[\\^a]", "^"));
        ASSERT(m("[a\\-z]", "-"));
        ASSERT(!m("[a\\-z]", "b"));
        ASSERT(m("[\\\\]", "\\"));
        ASSERT(m("[^\\]]", "a"));
        ASSERT(!m("[^\\]]", "]"));
    }
}

static void testEscapes(void) {
    TEST_CASE("backslash escapes") {
        ASSERT(m("h\\*llo", "h*llo"));
        ASSERT(!m("h\\*llo", "hello"));
        ASSERT(m("\\?", "?"));
        ASSERT(!m("\\?", "a"));
        ASSERT(m("\\[a]", "[a]"));
        ASSERT(!m("\\[a]", "a"));
        ASSERT(m("\\\\", "\\"));
        ASSERT(m("\\a", "a"));
        ASSERT(m("*\\*", "abc*"));
        ASSERT(!m("*\\*", "abc"));
    }

    TEST_CASE("trailing backslash is a literal backslash") {
        ASSERT(m("a\\", "a\\"));
        ASSERT(!m("a\\", "a"));
        ASSERT(m("\\", "\\"));
    }
}

static void testNocase(void) {
    TEST_CASE("nocase literals, sets and ranges") {
        ASSERT(mi("HELLO", "hello"));
        ASSERT(mi("hello", "HeLLo"));
        ASSERT(!m("HELLO", "hello"));
        ASSERT(mi("h*O", "hellO"));
        ASSERT(mi("h*o", "HELLO"));
        ASSERT(mi("[A-C]", "b"));
        ASSERT(mi("[a-c]", "B"));
        ASSERT(!m("[A-C]", "b"));
        ASSERT(mi("[H]", "h"));
        ASSERT(mi("[^H]", "x"));
        ASSERT(!mi("[^H]", "h"));
        ASSERT(mi("\\H", "h"));          /* escaped literal folds too */
        ASSERT(!mi("\\H", "x"));
    }

    TEST_CASE("nocase: escaped bytes inside a class stay exact (Redis)") {
        ASSERT(!mi("[\\H]", "h"));
        ASSERT(mi("[\\H]", "H"));
    }

    TEST_CASE("nocase folds ASCII only") {
        ASSERT(!mi("\xc0", "\xe0"));
        ASSERT(mi("\xc0", "\xc0"));
        ASSERT(!mi("[", "{"));
        ASSERT(!mi("@", "`"));
    }
}

static void testBinary(void) {
    TEST_CASE("NUL bytes are ordinary bytes") {
        ASSERT(globMatch("a\0b", 3, "a\0b", 3, 0));
        ASSERT(!globMatch("a\0b", 3, "a\0c", 3, 0));
        ASSERT(!globMatch("a\0b", 3, "a", 1, 0));
        ASSERT(globMatch("a?b", 3, "a\0b", 3, 0));
        ASSERT(globMatch("*\0*", 3, "xx\0yy", 5, 0));
        ASSERT(!globMatch("*\0*", 3, "xxyy", 4, 0));
        ASSERT(globMatch("[\0]", 3, "\0", 1, 0));
        ASSERT(globMatch("[^\0]", 4, "a", 1, 0));
        ASSERT(!globMatch("[^\0]", 4, "\0", 1, 0));
        ASSERT(globMatch("\\\0", 2, "\0", 1, 0));
        ASSERT(globMatch("*", 1, "\0\0\0", 3, 0));
    }

    TEST_CASE("lengths are respected, not NUL terminators") {
        ASSERT(globMatch("abcdef", 3, "abcxyz", 3, 0));
        ASSERT(globMatch("h*", 2, "hello", 5, 0));
        ASSERT(!globMatch("hello", 5, "hello", 4, 0));
        ASSERT(globMatch("[ab", 3, "a", 1, 0));          /* no ']' in range */
        ASSERT(globMatch("[ab]", 2, "a", 1, 0));         /* "[a" unterminated */
        ASSERT(!globMatch("a*", 2, "", 0, 0));
    }

    TEST_CASE("high bytes and signed-char ranges (as Redis on x86)") {
        ASSERT(m("\xff", "\xff"));
        ASSERT(m("?", "\xff"));
        ASSERT(m("[\x80-\xff]", "\x90"));
        ASSERT(!m("[\x80-\xff]", "a"));
        /* 'a'..0xff is -1..97 as signed chars: includes 0x01, not 'b' */
        ASSERT(m("[a-\xff]", "\x01"));
        ASSERT(m("[a-\xff]", "a"));
        ASSERT(m("[a-\xff]", "\xff"));
        ASSERT(!m("[a-\xff]", "b"));
        ASSERT(!m("[a-\xff]", "\xfe"));
    }
}

/* Builds a string of n copies of 'unit' (NUL-terminated). */
static char *repeat(const char *unit, size_t n, const char *suffix) {
    size_t ulen = strlen(unit), slen = strlen(suffix);
    char *s = xmalloc(ulen * n + slen + 1);
    for (size_t i = 0; i < n; i++) memcpy(s + i * ulen, unit, ulen);
    memcpy(s + ulen * n, suffix, slen + 1);
    return s;
}

static void testPathological(void) {
    TEST_CASE("many stars against a long non-matching string stay fast") {
        char *pattern = repeat("*a", 30, "*b");
        char *subject = repeat("a", 100000, "");
        ASSERT(!m(pattern, subject));
        char *subjectB = repeat("a", 100000, "b");
        ASSERT(m(pattern, subjectB));
        xfree(pattern);
        xfree(subject);
        xfree(subjectB);
    }

    TEST_CASE("Redis's abusive pattern from the test suite") {
        char *pattern = repeat("a*", 50, "b");
        char *subject = repeat("a", 50000, "");
        ASSERT(!m(pattern, subject));
        xfree(pattern);
        xfree(subject);
    }

    TEST_CASE("star then class/question on long input") {
        char *subject = repeat("ab", 50000, "c");
        ASSERT(m("*[c]", subject));
        ASSERT(m("*?c", subject));
        ASSERT(!m("*[d]*?*b", subject));
        ASSERT(m("a*b*c", subject));
        xfree(subject);
    }

    TEST_CASE("nesting limit: more than 1000 stars never match") {
        char *p1000 = repeat("*a", 1000, "");
        char *p1001 = repeat("*a", 1001, "");
        char *subject = repeat("a", 2000, "");
        ASSERT(m(p1000, subject));
        ASSERT(!m(p1001, subject));
        xfree(p1000);
        xfree(p1001);
        xfree(subject);
    }
}

int main(void) {
    testLiterals();
    testStar();
    testQuestion();
    testClasses();
    testEscapes();
    testNocase();
    testBinary();
    testPathological();
    return testReport();
}
