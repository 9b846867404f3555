/* tests/fuzz/fuzz_util.h -- helpers shared by the file-reading harnesses:
 * a scratch directory for the process and whole-file writes. */
#ifndef REDIS_KV_FUZZ_UTIL_H
#define REDIS_KV_FUZZ_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
