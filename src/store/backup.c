/* store/backup.c -- the backup directory and its MANIFEST (backup.h). */
#include "store/backup.h"

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "lib/crc32c.h"
#include "store/segment.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAX_BYTES (64u << 20)

void backupManifestFree(backupManifest *m) {
    for (size_t i = 0; i < m->nfiles; i++) xfree(m->files[i].name);
    xfree(m->files);
    xfree(m->dataDir);
    memset(m, 0, sizeof(*m));
}

void backupManifestAddFile(backupManifest *m, const char *name, uint64_t size) {
    m->files = xrealloc(m->files, sizeof(backupFile) * (m->nfiles + 1));
    m->files[m->nfiles].name = xstrdup(name);
    m->files[m->nfiles].size = size;
    m->nfiles++;
    m->bytes += size;
}

char *backupManifestEncode(const backupManifest *m, size_t *len) {
    bstr t = bstrCatPrintf(bstrEmpty(),
                           "redis-kv-backup %d\nid %" PRIu64 "\ntime_ms %" PRId64
                           "\nseq %" PRIu64 "\nkeys %" PRIu64 "\nbytes %" PRIu64
                           "\nlast_segment %" PRIu64 "\ndata_dir %s\n",
                           BACKUP_FORMAT_VERSION, m->id, m->timeMs, m->seq, m->keys,
                           m->bytes, m->lastSegment, m->dataDir ? m->dataDir : "");
    for (size_t i = 0; i < m->nfiles; i++)
        t = bstrCatPrintf(t, "file %s %" PRIu64 "\n", m->files[i].name, m->files[i].size);
    t = bstrCatPrintf(t, "crc32c %08" PRIx32 "\n", crc32c(t, bstrLen(t)));
    *len = bstrLen(t);
    char *out = xmalloc(*len + 1);
    memcpy(out, t, *len + 1);
    bstrFree(t);
    return out;
}

/* Parses an unsigned decimal that fills [p, end). */
static int parseU64(const char *p, const char *end, uint64_t *out) {
    if (p == end || end - p > 20) return -1;
    uint64_t v = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') return -1;
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* One "name value" line of the manifest: the value of the line that must
 * come next, [*vp, *ve), or -1. */
static int expectLine(const char **pos, const char *end, const char *name, const char **vp,
                      const char **ve) {
    const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
    size_t nlen = strlen(name);
    if (!nl || (size_t)(nl - *pos) <= nlen || memcmp(*pos, name, nlen) != 0 ||
        (*pos)[nlen] != ' ')
        return -1;
    *vp = *pos + nlen + 1;
    *ve = nl;
    *pos = nl + 1;
    return 0;
}

static int expectU64(const char **pos, const char *end, const char *name, uint64_t *out) {
    const char *vp, *ve;
    return expectLine(pos, end, name, &vp, &ve) < 0 ? -1 : parseU64(vp, ve, out);
}

/* The checksum line ends the text; everything before it is covered. */
static int checkManifestCrc(const char *text, size_t len, size_t *bodyLen) {
    if (len < 2 || text[len - 1] != '\n') return -1;
    const char *last = text + len - 1;
    while (last > text && last[-1] != '\n') last--;
    const char *vp, *ve, *pos = last;
    if (expectLine(&pos, text + len, "crc32c", &vp, &ve) < 0 || ve - vp != 8) return -1;
    char hex[9];
    memcpy(hex, vp, 8);
    hex[8] = 0;
    char *endp;
    unsigned long want = strtoul(hex, &endp, 16);
    if (*endp) return -1;
    *bodyLen = (size_t)(last - text);
    return crc32c(text, *bodyLen) == (uint32_t)want ? 0 : -1;
}

static int parseFileLine(backupManifest *m, const char *vp, const char *ve) {
    const char *sp = memchr(vp, ' ', (size_t)(ve - vp));
    uint64_t size;
    if (!sp || sp == vp || parseU64(sp + 1, ve, &size) < 0) return -1;
    /* A NUL would cut the name short of what the checksum covered. */
    if (memchr(vp, '/', (size_t)(sp - vp)) || memchr(vp, '\0', (size_t)(sp - vp)) ||
        (sp - vp == 1 && vp[0] == '.') ||
        (sp - vp == 2 && vp[0] == '.' && vp[1] == '.'))
        return -1;
    char *name = xmalloc((size_t)(sp - vp) + 1);
    memcpy(name, vp, (size_t)(sp - vp));
    name[sp - vp] = 0;
    backupManifestAddFile(m, name, size); /* adds size to m->bytes */
    xfree(name);
    return 0;
}

int backupManifestParse(const char *text, size_t len, backupManifest *m, char *err,
                        size_t errlen) {
    memset(m, 0, sizeof(*m));
    size_t body;
    if (checkManifestCrc(text, len, &body) < 0) {
        segmentErrorf(err, errlen, "manifest checksum mismatch or missing");
        return -1;
    }
    const char *pos = text, *end = text + body, *vp, *ve;
    uint64_t version, timeMs = 0, declared = 0;
    int bad = expectU64(&pos, end, "redis-kv-backup", &version) < 0 ||
              version != BACKUP_FORMAT_VERSION || expectU64(&pos, end, "id", &m->id) < 0 ||
              expectU64(&pos, end, "time_ms", &timeMs) < 0 || timeMs > INT64_MAX ||
              expectU64(&pos, end, "seq", &m->seq) < 0 ||
              expectU64(&pos, end, "keys", &m->keys) < 0 ||
              expectU64(&pos, end, "bytes", &declared) < 0 ||
              expectU64(&pos, end, "last_segment", &m->lastSegment) < 0 ||
              expectLine(&pos, end, "data_dir", &vp, &ve) < 0 ||
              memchr(vp, '\0', (size_t)(ve - vp)) != NULL;
    if (!bad) {
        m->timeMs = (int64_t)timeMs;
        m->dataDir = xmalloc((size_t)(ve - vp) + 1);
        memcpy(m->dataDir, vp, (size_t)(ve - vp));
        m->dataDir[ve - vp] = 0;
    }
    while (!bad && pos < end) {
        bad = expectLine(&pos, end, "file", &vp, &ve) < 0 || parseFileLine(m, vp, ve) < 0;
    }
    if (bad || declared != m->bytes) {
        segmentErrorf(err, errlen, "malformed manifest");
        backupManifestFree(m);
        return -1;
    }
    return 0;
}

/* Reads a whole small file into a new buffer (NUL terminated). */
static char *readSmallFile(const char *path, size_t *len, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        segmentErrorf(err, errlen, "open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= MANIFEST_MAX_BYTES) {
                segmentErrorf(err, errlen, "%s: too large", path);
                goto fail;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            segmentErrorf(err, errlen, "read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *len = n;
    return buf;
fail:
    close(fd);
    xfree(buf);
    return NULL;
}

int backupManifestRead(const char *path, backupManifest *m, char *err, size_t errlen) {
    char file[4096];
    snprintf(file, sizeof(file), "%s/%s", path, BACKUP_MANIFEST);
    return backupManifestReadFile(file, m, err, errlen);
}

int backupManifestReadFile(const char *file, backupManifest *m, char *err, size_t errlen) {
    memset(m, 0, sizeof(*m));
    size_t len;
    char *text = readSmallFile(file, &len, err, errlen);
    if (!text) return -1;
    char why[128];
    int rc = backupManifestParse(text, len, m, why, sizeof(why));
    xfree(text);
    if (rc < 0) segmentErrorf(err, errlen, "%s: %s", file, why);
    return rc;
}

/* Writes all of buf to fd (EINTR and short writes handled). */
static int writeAll(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int backupWriteFileDurable(const char *dir, const char *name, const char *data, size_t len,
                           char *err, size_t errlen) {
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
    snprintf(final, sizeof(final), "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        segmentErrorf(err, errlen, "open %s: %s", tmp, strerror(errno));
        return -1;
    }
    if (writeAll(fd, data, len) < 0 || segmentFsyncFd(fd, 0) < 0) {
        segmentErrorf(err, errlen, "write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, final) < 0) {
        segmentErrorf(err, errlen, "rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return segmentSyncDir(dir, err, errlen);
}

char *backupPath(const char *backupDir, uint64_t id, const char *suffix) {
    bstr p = bstrCatPrintf(bstrEmpty(), "%s/%" PRIu64 "%s", backupDir, id, suffix);
    char *out = xstrdup(p);
    bstrFree(p);
    return out;
}

int backupVerifyFiles(const char *path, const backupManifest *m, char *err, size_t errlen) {
    for (size_t i = 0; i < m->nfiles; i++) {
        char file[4096];
        struct stat st;
        snprintf(file, sizeof(file), "%s/%s", path, m->files[i].name);
        if (stat(file, &st) < 0) {
            segmentErrorf(err, errlen, "%s: %s", file, strerror(errno));
            return -1;
        }
        if ((uint64_t)st.st_size != m->files[i].size) {
            segmentErrorf(err, errlen, "%s: %lld bytes, the manifest says %" PRIu64, file,
                          (long long)st.st_size, m->files[i].size);
            return -1;
        }
    }
    return 0;
}

/* Opens a directory that may be missing: 1 with *d open, 0 when it does
 * not exist, -1 on any other error. */
static int openDirMaybe(const char *path, DIR **d, char *err, size_t errlen) {
    *d = opendir(path);
    if (*d) return 1;
    if (errno == ENOENT) return 0;
    segmentErrorf(err, errlen, "open directory %s: %s", path, strerror(errno));
    return -1;
}

/* A backup directory's name: the id, and whether it ends in ".tmp".
 * 1, or 0 for names that are not a backup's. */
static int parseBackupName(const char *name, uint64_t *id, int *tmp) {
    size_t len = strlen(name);
    *tmp = len > 4 && strcmp(name + len - 4, ".tmp") == 0;
    if (*tmp) len -= 4;
    if (len == 0 || name[0] == '0') return 0;
    return parseU64(name, name + len, id) == 0;
}

static int compareManifests(const void *a, const void *b) {
    const backupManifest *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

int backupList(const char *backupDir, backupManifest **out, size_t *n, size_t *damaged,
               char *err, size_t errlen) {
    *out = NULL;
    *n = 0;
    if (damaged) *damaged = 0;
    DIR *d;
    int opened = openDirMaybe(backupDir, &d, err, errlen);
    if (opened <= 0) return opened;
    struct dirent *de;
    while ((de = readdir(d))) {
        uint64_t id;
        int tmp;
        if (!parseBackupName(de->d_name, &id, &tmp) || tmp) continue;
        char *path = backupPath(backupDir, id, "");
        backupManifest m;
        char why[256];
        int ok = backupManifestRead(path, &m, why, sizeof(why)) == 0;
        xfree(path);
        if (ok && m.id != id) {
            backupManifestFree(&m);
            ok = 0;
        }
        if (!ok) {
            if (damaged) (*damaged)++;
            continue;
        }
        *out = xrealloc(*out, sizeof(backupManifest) * (*n + 1));
        (*out)[(*n)++] = m;
    }
    closedir(d);
    if (*n) qsort(*out, *n, sizeof(backupManifest), compareManifests);
    return 0;
}

uint64_t backupNextId(const char *backupDir) {
    uint64_t max = 0;
    DIR *d = opendir(backupDir);
    if (!d) return 1;
    struct dirent *de;
    while ((de = readdir(d))) {
        uint64_t id;
        int tmp;
        if (parseBackupName(de->d_name, &id, &tmp) && id > max) max = id;
    }
    closedir(d);
    return max + 1;
}

/* Copies src to dst (created, must not exist) and fsyncs the copy. */
static int copyFile(const char *src, const char *dst, char *err, size_t errlen) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        segmentErrorf(err, errlen, "open %s: %s", src, strerror(errno));
        return -1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        segmentErrorf(err, errlen, "create %s: %s", dst, strerror(errno));
        close(in);
        return -1;
    }
    char *buf = xmalloc(1 << 20);
    int rc = 0;
    for (;;) {
        ssize_t r = read(in, buf, 1 << 20);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 || (r > 0 && writeAll(out, buf, (size_t)r) < 0)) {
            segmentErrorf(err, errlen, "copy %s to %s: %s", src, dst, strerror(errno));
            rc = -1;
            break;
        }
        if (r == 0) break;
    }
    if (rc == 0 && segmentFsyncFd(out, 0) < 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", dst, strerror(errno));
        rc = -1;
    }
    xfree(buf);
    close(in);
    close(out);
    if (rc < 0) unlink(dst);
    return rc;
}

int backupLinkOrCopy(const char *src, const char *dst, char *err, size_t errlen) {
    if (link(src, dst) == 0) return 0;
    if (errno != EXDEV && errno != EPERM && errno != EMLINK) {
        segmentErrorf(err, errlen, "link %s to %s: %s", src, dst, strerror(errno));
        return -1;
    }
    return copyFile(src, dst, err, errlen);
}

int backupRemoveDir(const char *path, char *err, size_t errlen) {
    DIR *d;
    int opened = openDirMaybe(path, &d, err, errlen);
    if (opened <= 0) return opened;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
            segmentErrorf(err, errlen, "unlink %s/%s: %s", path, de->d_name,
                          strerror(errno));
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (rc == 0 && rmdir(path) < 0 && errno != ENOENT) {
        segmentErrorf(err, errlen, "rmdir %s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int backupDelete(const char *backupDir, uint64_t id, char *err, size_t errlen) {
    char *path = backupPath(backupDir, id, "");
    char *tmp = backupPath(backupDir, id, ".tmp");
    struct stat st;
    int rc = -1;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        segmentErrorf(err, errlen, "no backup %" PRIu64, id);
        errno = ENOENT;
    } else if (rename(path, tmp) < 0) {
        segmentErrorf(err, errlen, "rename %s: %s", path, strerror(errno));
    } else if (segmentSyncDir(backupDir, err, errlen) == 0) {
        rc = backupRemoveDir(tmp, err, errlen);
    }
    xfree(path);
    xfree(tmp);
    return rc;
}

int backupPrune(const char *backupDir, int keep, char *err, size_t errlen) {
    if (keep <= 0) return 0;
    backupManifest *list;
    size_t n;
    if (backupList(backupDir, &list, &n, NULL, err, errlen) < 0) return -1;
    int deleted = 0;
    for (size_t i = 0; i + (size_t)keep < n && deleted >= 0; i++) {
        if (backupDelete(backupDir, list[i].id, err, errlen) < 0) deleted = -1;
        else deleted++;
    }
    for (size_t i = 0; i < n; i++) backupManifestFree(&list[i]);
    xfree(list);
    return deleted;
}

int backupRemoveTemp(const char *backupDir, char *err, size_t errlen) {
    DIR *d;
    int opened = openDirMaybe(backupDir, &d, err, errlen);
    if (opened <= 0) return opened;
    struct dirent *de;
    int removed = 0;
    while ((de = readdir(d)) && removed >= 0) {
        uint64_t id;
        int tmp;
        if (!parseBackupName(de->d_name, &id, &tmp) || !tmp) continue;
        char *path = backupPath(backupDir, id, ".tmp");
        if (backupRemoveDir(path, err, errlen) < 0) removed = -1;
        else removed++;
        xfree(path);
    }
    closedir(d);
    return removed;
}

int backupEnsureDir(const char *path, char *err, size_t errlen) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
        segmentErrorf(err, errlen, "%s: not a directory", path);
        return -1;
    }
    segmentErrorf(err, errlen, "mkdir %s: %s", path, strerror(errno));
    return -1;
}
