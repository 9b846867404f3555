/* tests/c/test.h -- a tiny header-only unit-test framework for the C test
 * binaries.
 *
 * Usage:
 *
 *     #include "test.h"
 *
 *     static void testParsing(void) {
 *         TEST_CASE("parses zero") {
 *             ASSERT_EQ_INT(parse("0"), 0);
 *         }
 *     }
 *
 *     int main(void) {
 *         testParsing();
 *         return testReport();
 *     }
 *
 * A TEST_CASE passes when none of the assertions inside it failed.  Failed
 * assertions print file:line, the case name and the values, and execution
 * continues.  Every ASSERT macro is an expression that yields 1 if the
 * check passed, so a test can stop early:  if (!ASSERT(p != NULL)) return;
 * An assertion outside any TEST_CASE counts as a case of its own.
 *
 * testReport() prints the final line "<binary>: N passed, M failed" and
 * returns the exit status for main (1 if anything failed, else 0).
 *
 * Needs _GNU_SOURCE (for program_invocation_short_name). */
#ifndef REDIS_KV_TEST_H
#define REDIS_KV_TEST_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct testCounters {
    int passed;             /* cases */
    int failed;             /* cases */
    int checks;             /* assertions evaluated */
    int inCase;
    int caseFailed;
    const char *caseName;
} testCounters;

static testCounters testState;

static inline void testCloseCase(void) {
    if (!testState.inCase) return;
    if (testState.caseFailed) {
        testState.failed++;
    } else {
        testState.passed++;
    }
    testState.inCase = 0;
    testState.caseName = NULL;
}

/* Opens a case (closing any case left open by an early return). */
static inline int testBegin(const char *name) {
    testCloseCase();
    testState.inCase = 1;
    testState.caseFailed = 0;
    testState.caseName = name;
    return 1;
}

static inline int testEnd(void) {
    testCloseCase();
    return 0;
}

#define TEST_CASE(name) \
    for (int testOnce_ = testBegin(name); testOnce_; testOnce_ = testEnd())

/* Records one assertion outcome; returns ok. */
static inline int testRecord(int ok) {
    testState.checks++;
    if (testState.inCase) {
        if (!ok) testState.caseFailed = 1;
    } else if (ok) {
        testState.passed++;
    } else {
        testState.failed++;
    }
    return ok;
}

static inline void testFailHeader(const char *file, int line) {
    fprintf(stderr, "FAIL %s:%d [%s]: ", file, line,
            testState.caseName ? testState.caseName : "-");
}

static inline int testCheck(int ok, const char *expr, const char *file,
                            int line) {
    if (!ok) {
        testFailHeader(file, line);
        fprintf(stderr, "%s\n", expr);
    }
    return testRecord(ok);
}

static inline int testCheckInt(long long a, long long b, const char *ea,
                               const char *eb, const char *file, int line) {
    int ok = a == b;
    if (!ok) {
        testFailHeader(file, line);
        fprintf(stderr, "%s == %s: %lld != %lld\n", ea, eb, a, b);
    }
    return testRecord(ok);
}

static inline int testCheckUint(unsigned long long a, unsigned long long b,
                                const char *ea, const char *eb,
                                const char *file, int line) {
    int ok = a == b;
    if (!ok) {
        testFailHeader(file, line);
        fprintf(stderr, "%s == %s: %llu != %llu\n", ea, eb, a, b);
    }
    return testRecord(ok);
}

static inline void testPrintBytes(const void *p, size_t len) {
    const unsigned char *s = p;
    if (s == NULL) {
        fputs("(null)", stderr);
        return;
    }
    fputc('"', stderr);
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 32 && s[i] < 127 && s[i] != '"' && s[i] != '\\') {
            fputc(s[i], stderr);
        } else {
            fprintf(stderr, "\\x%02x", s[i]);
        }
    }
    fputc('"', stderr);
}

static inline int testCheckMem(const void *a, size_t alen, const void *b,
                               size_t blen, const char *ea, const char *eb,
                               const char *file, int line) {
    int ok;
    if (a == NULL || b == NULL) {
        ok = a == b;
    } else {
        ok = alen == blen && memcmp(a, b, alen) == 0;
    }
    if (!ok) {
        testFailHeader(file, line);
        fprintf(stderr, "%s == %s: ", ea, eb);
        testPrintBytes(a, alen);
        fputs(" != ", stderr);
        testPrintBytes(b, blen);
        fputc('\n', stderr);
    }
    return testRecord(ok);
}

static inline int testCheckStr(const char *a, const char *b, const char *ea,
                               const char *eb, const char *file, int line) {
    return testCheckMem(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, ea, eb,
                        file, line);
}

#define ASSERT(cond) testCheck(!!(cond), #cond, __FILE__, __LINE__)
#define ASSERT_EQ_INT(a, b) \
    testCheckInt((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define ASSERT_EQ_UINT(a, b)                                                \
    testCheckUint((unsigned long long)(a), (unsigned long long)(b), #a, #b, \
                  __FILE__, __LINE__)
#define ASSERT_EQ_STR(a, b) testCheckStr((a), (b), #a, #b, __FILE__, __LINE__)
#define ASSERT_EQ_MEM(a, alen, b, blen) \
    testCheckMem((a), (alen), (b), (blen), #a, #b, __FILE__, __LINE__)

/* Prints "<binary>: N passed, M failed" and returns main's exit status. */
static inline int testReport(void) {
    testCloseCase();
    fflush(stderr);
    printf("%s: %d passed, %d failed\n", program_invocation_short_name,
           testState.passed, testState.failed);
    fflush(stdout);
    return testState.failed ? 1 : 0;
}


/* ---- Helpers most test binaries want --------------------------------------
 * testXorshift: the next number of a repeatable xorshift64 sequence kept in
 * *state (never 0).  testChildDies: runs fn in a forked child with stderr
 * silenced; 1 when the child died abnormally (an abort, a signal, a
 * non-zero exit), for tests of what must panic. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static inline uint64_t testXorshift(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static inline int testChildDies(void (*fn)(void)) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 2);
        fn();
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return 0;
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#endif
