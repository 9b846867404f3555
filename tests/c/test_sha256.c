/* tests/c/test_sha256.c -- SHA-256 against the FIPS 180-4 / NIST vectors. */
#include <string.h>

#include "lib/sha256.h"
#include "test.h"

static void hexOf(const char *s, size_t len, char out[SHA256_HEX_LEN + 1]) {
    sha256Hex(s, len, out);
}

static void testKnownVectors(void) {
    char out[SHA256_HEX_LEN + 1];
    TEST_CASE("empty input") {
        hexOf("", 0, out);
        ASSERT_EQ_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
    TEST_CASE("abc") {
        hexOf("abc", 3, out);
        ASSERT_EQ_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    TEST_CASE("two-block message of 56 bytes (padding spills into a second block)") {
        const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        hexOf(m, strlen(m), out);
        ASSERT_EQ_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    TEST_CASE("the password Redis's ACL docs hash") {
        hexOf("p", 1, out);
        ASSERT_EQ_STR(out, "148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940");
    }
}

static void testIncremental(void) {
    TEST_CASE("one million 'a' fed in uneven pieces") {
        char chunk[997];
        memset(chunk, 'a', sizeof(chunk));
        sha256Ctx ctx;
        sha256Init(&ctx);
        size_t left = 1000000;
        while (left) {
            size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
            sha256Update(&ctx, chunk, n);
            left -= n;
        }
        uint8_t d[SHA256_DIGEST_LEN];
        sha256Final(&ctx, d);
        ASSERT_EQ_INT(d[0], 0xcd);
        ASSERT_EQ_INT(d[1], 0xc7);
        ASSERT_EQ_INT(d[31], 0xd0);
    }
    TEST_CASE("pieces give the same digest as the whole") {
        const char *m = "The quick brown fox jumps over the lazy dog, twice over the lazy dog.";
        char whole[SHA256_HEX_LEN + 1];
        hexOf(m, strlen(m), whole);
        sha256Ctx ctx;
        sha256Init(&ctx);
        for (size_t i = 0; i < strlen(m); i++) sha256Update(&ctx, m + i, 1);
        uint8_t d[SHA256_DIGEST_LEN];
        sha256Final(&ctx, d);
        char hex[3];
        snprintf(hex, sizeof(hex), "%02x", d[0]);
        ASSERT(memcmp(hex, whole, 2) == 0);
    }
}

int main(void) {
    testKnownVectors();
    testIncremental();
    return testReport();
}
