/* tests/fuzz/fuzz_util.h -- helpers shared by the file-reading harnesses:
 * the flags byte, a scratch directory for the process, whole-file writes,
 * segment 1 in it, and the checks every delivered record must pass. */
#ifndef REDIS_KV_FUZZ_UTIL_H
#define REDIS_KV_FUZZ_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"

/* Splits the input into its flags byte (*flags) and a malloc'd copy of
 * the rest (*len bytes; the harness may patch it), or NULL when the
 * input is empty. */
static inline uint8_t *fuzzTakeInput(const uint8_t *data, size_t size, int *flags,
                                     size_t *len) {
    if (size < 1) return NULL;
    *flags = data[0];
    *len = size - 1;
    uint8_t *copy = malloc(size);
    if (copy == NULL) abort();
    memcpy(copy, data + 1, size - 1);
    return copy;
}

/* A directory of this process's own under /dev/shm (memory: the harnesses
 * fsync a lot) or /tmp.  Removed by nobody: the files in it are rewritten
 * by every run and the directory is small; fuzzRemoveDirAtExit cleans up. */
static char fuzzDirBuf[128];

static inline void fuzzRemoveDir(void) {
    char cmd[192];
    if (fuzzDirBuf[0] == '\0') return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzzDirBuf);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", fuzzDirBuf);
}

static inline const char *fuzzDir(const char *what) {
    if (fuzzDirBuf[0] != '\0') return fuzzDirBuf;
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(fuzzDirBuf, sizeof(fuzzDirBuf), "%s/rkv-fuzz-%s-XXXXXX", base, what);
    if (mkdtemp(fuzzDirBuf) == NULL) {
        perror("mkdtemp");
        abort();
    }
    atexit(fuzzRemoveDir);
    return fuzzDirBuf;
}

/* Replaces dir/name with the concatenation of a[0..alen) and b[0..blen). */
static inline void fuzzWriteFile(const char *dir, const char *name, const void *a, size_t alen,
                          const void *b, size_t blen) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(path);
        abort();
    }
    if ((alen && write(fd, a, alen) != (ssize_t)alen) ||
        (blen && write(fd, b, blen) != (ssize_t)blen)) {
        perror(path);
        abort();
    }
    close(fd);
}

/* Creates segment 1 (valid header, no records) in dir and returns it
 * open; any failure aborts. */
static inline segment *fuzzCreateSegment(const char *dir) {
    char err[256];
    segment *s = segmentCreate(dir, 1, err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "fuzz: %s\n", err);
        abort();
    }
    return s;
}

/* What every item handed to a recoveryCallback must be: a data record
 * lying inside [SEGMENT_HEADER_SIZE, fileSize) whose key can be read. */
static inline void fuzzCheckItem(const recoveryItem *it, uint64_t fileSize) {
    uint64_t end = it->offset + recordEncodedSize(it->hdr.keylen, it->hdr.vallen);
    if (it->offset < SEGMENT_HEADER_SIZE || end > fileSize || end < it->offset) abort();
    if (!recordIsDataType(it->hdr.type)) abort();
    if (it->hdr.keylen && it->key == NULL) abort();
    volatile char sink = 0;
    for (uint32_t i = 0; i < it->hdr.keylen; i++) sink ^= it->key[i]; /* readable? */
    (void)sink;
}

static inline void fuzzPutU32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static inline void fuzzPutU64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t fuzzGetU32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
