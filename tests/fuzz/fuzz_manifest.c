/* tests/fuzz/fuzz_manifest.c -- libFuzzer harness for the backup MANIFEST
 * parser (store/backup.c: backupManifestParse).
 *
 * Input: byte 0 is a set of flags, the rest MANIFEST text:
 *   bit 0  append the "crc32c <hex>" line the text's bytes call for, so
 *          the fuzzer reaches the line rules past the checksum
 *
 * Oracle, besides the sanitizers: a manifest that parses encodes
 * (backupManifestEncode) to text that parses again to the same fields;
 * a manifest that does not parse is left zeroed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "fuzz_util.h"
#include "store/backup.h"

static int sameManifest(const backupManifest *a, const backupManifest *b) {
    if (a->id != b->id || a->timeMs != b->timeMs || a->seq != b->seq || a->keys != b->keys ||
        a->bytes != b->bytes || a->lastSegment != b->lastSegment || a->nfiles != b->nfiles)
        return 0;
    if ((a->dataDir == NULL) != (b->dataDir == NULL)) return 0;
    if (a->dataDir && strcmp(a->dataDir, b->dataDir) != 0) return 0;
    for (size_t i = 0; i < a->nfiles; i++)
        if (strcmp(a->files[i].name, b->files[i].name) != 0 || a->files[i].size != b->files[i].size)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t inSize) {
    int flags;
    size_t size;
    uint8_t *input = fuzzTakeInput(data, inSize, &flags, &size);
    if (input == NULL) return 0;
    char *text = malloc(size + 32);
    if (text == NULL) abort();
    memcpy(text, input, size);
    free(input);
    size_t len = size;
    if (flags & 1)
        len += (size_t)snprintf(text + size, 32, "crc32c %08x\n", (unsigned)crc32c(text, size));

    backupManifest m;
    memset(&m, 0xa5, sizeof(m)); /* the parser must set every field */
    char err[256];
    if (backupManifestParse(text, len, &m, err, sizeof(err)) < 0) {
        if (m.dataDir != NULL || m.files != NULL || m.nfiles != 0) abort();
        free(text);
        return 0;
    }
    size_t elen;
    char *again = backupManifestEncode(&m, &elen);
    backupManifest m2;
    if (backupManifestParse(again, elen, &m2, err, sizeof(err)) < 0) {
        fprintf(stderr, "fuzz_manifest: its own encoding does not parse: %s\n", err);
        abort();
    }
    if (!sameManifest(&m, &m2)) {
        fprintf(stderr, "fuzz_manifest: encode/parse round trip changed it\n");
        abort();
    }
    xfree(again);
    backupManifestFree(&m);
    backupManifestFree(&m2);
    free(text);
    return 0;
}
