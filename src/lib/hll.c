/* lib/hll.c -- HyperLogLog values in Redis's exact byte format.
 *
 * The format and the promises are in hll.h.  Every algorithm here makes the
 * same choices Redis 7.0 makes (where a sparse opcode is split, which
 * neighbours are merged, when the value turns dense), because PFADD's result
 * is compared byte for byte with Redis's.
 *
 * Bounds: an XZERO opcode is two bytes; when its second byte lies past the
 * end of the value it reads as 0 (what Redis reads there: the string's
 * terminating NUL), so corrupt values decode the way Redis decodes them,
 * and no read leaves the value. */
#include "lib/hll.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HLL_Q (64 - HLL_P)      /* hash bits left for the run length: 50 */
#define HLL_P_MASK (HLL_REGISTERS - 1)
#define HLL_REGISTER_MAX ((1 << HLL_BITS) - 1)
#define HLL_HASH_SEED 0xadc83b19ULL
/* 0.5 / ln(2): the estimator's alpha for m -> infinity. */
#define HLL_ALPHA_INF 0.721347520444481703680

/* Sparse opcode limits: what the bits of each opcode can express. */
#define SPARSE_ZERO_MAX_LEN 64
#define SPARSE_XZERO_MAX_LEN 16384
#define SPARSE_VAL_MAX_LEN 4
#define SPARSE_XZERO_BIT 0x40
#define SPARSE_VAL_BIT 0x80

/* ------------------------------------------------------------------ */
/* Hash */

uint64_t hllHash(const void *ele, size_t len) {
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    const uint8_t *data = ele;
    const uint8_t *end = data + (len - (len & 7));
    uint64_t h = HLL_HASH_SEED ^ ((uint64_t)len * m);

    for (; data != end; data += 8) {
        uint64_t k = 0;
        for (int i = 7; i >= 0; i--) k = (k << 8) | data[i];
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    size_t tail = len & 7;
    if (tail) {
        for (size_t i = tail; i > 0; i--) h ^= (uint64_t)data[i - 1] << (8 * (i - 1));
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

int hllPatternLength(const void *ele, size_t len, long *index) {
    uint64_t hash = hllHash(ele, len);
    *index = (long)(hash & HLL_P_MASK);
    hash >>= HLL_P;
    hash |= (uint64_t)1 << HLL_Q; /* the run ends by bit 50 at the latest */
    int count = 1;
    while ((hash & 1) == 0) {
        count++;
        hash >>= 1;
    }
    return count;
}

/* ------------------------------------------------------------------ */
/* Header and cache */

int hllIsValidHeader(const char *p, size_t len) {
    if (len < HLL_HDR_SIZE || memcmp(p, "HYLL", 4) != 0) return 0;
    uint8_t enc = (uint8_t)p[4];
    if (enc > HLL_SPARSE) return 0;
    return enc != HLL_DENSE || len == HLL_DENSE_SIZE;
}

int hllEncoding(const char *p) { return (uint8_t)p[4]; }

int hllCacheIsValid(const char *p) { return ((uint8_t)p[15] & 0x80) == 0; }

uint64_t hllCacheGet(const char *p) {
    uint64_t card = 0;
    for (int i = 7; i >= 0; i--) card = (card << 8) | (uint8_t)p[8 + i];
    return card;
}

void hllCacheSet(char *p, uint64_t card) {
    for (int i = 0; i < 8; i++) p[8 + i] = (char)((card >> (8 * i)) & 0xff);
}

void hllCacheInvalidate(char *p) { p[15] = (char)((uint8_t)p[15] | 0x80); }

/* ------------------------------------------------------------------ */
/* Dense registers */

static unsigned denseGet(const uint8_t *regs, long i) {
    unsigned long bit = (unsigned long)i * HLL_BITS;
    unsigned long byte = bit / 8, shift = bit & 7;
    unsigned v = regs[byte] >> shift;
    if (shift > 8 - HLL_BITS) v |= (unsigned)regs[byte + 1] << (8 - shift);
    return v & HLL_REGISTER_MAX;
}

static void denseStore(uint8_t *regs, long i, unsigned v) {
    unsigned long bit = (unsigned long)i * HLL_BITS;
    unsigned long byte = bit / 8, shift = bit & 7;
    regs[byte] = (uint8_t)((regs[byte] & ~(HLL_REGISTER_MAX << shift)) | (v << shift));
    if (shift > 8 - HLL_BITS) {
        unsigned rest = 8 - shift;
        regs[byte + 1] = (uint8_t)((regs[byte + 1] & ~(HLL_REGISTER_MAX >> rest)) | (v >> rest));
    }
}

/* Raises register i to count if lower: 1 when it changed. */
static int denseRaise(uint8_t *regs, long i, unsigned count) {
    if (denseGet(regs, i) >= count) return 0;
    denseStore(regs, i, count);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Sparse opcodes */

enum { OP_ZERO, OP_XZERO, OP_VAL };

typedef struct sparseOp {
    int kind;
    long runlen; /* registers covered */
    int value;   /* VAL only */
    int size;    /* bytes: 1, or 2 for XZERO */
} sparseOp;

/* Decodes the opcode at p (p < end). */
static void sparseDecodeOp(const uint8_t *p, const uint8_t *end, sparseOp *op) {
    if (*p & SPARSE_VAL_BIT) {
        op->kind = OP_VAL;
        op->value = ((*p >> 2) & 0x1f) + 1;
        op->runlen = (*p & 0x3) + 1;
        op->size = 1;
    } else if (*p & SPARSE_XZERO_BIT) {
        uint8_t low = p + 1 < end ? p[1] : 0;
        op->kind = OP_XZERO;
        op->value = 0;
        op->runlen = (((long)(*p & 0x3f) << 8) | low) + 1;
        op->size = 2;
    } else {
        op->kind = OP_ZERO;
        op->value = 0;
        op->runlen = (*p & 0x3f) + 1;
        op->size = 1;
    }
}

static uint8_t sparseVal(int value, int runlen) {
    return (uint8_t)(SPARSE_VAL_BIT | ((value - 1) << 2) | (runlen - 1));
}

/* Writes a ZERO or XZERO run of len registers at p: its size in bytes. */
static int sparseWriteZeros(uint8_t *p, long len) {
    if (len > SPARSE_ZERO_MAX_LEN) {
        p[0] = (uint8_t)(SPARSE_XZERO_BIT | ((len - 1) >> 8));
        p[1] = (uint8_t)((len - 1) & 0xff);
        return 2;
    }
    p[0] = (uint8_t)(len - 1);
    return 1;
}

bstr hllCreate(void) {
    int ops = (HLL_REGISTERS + SPARSE_XZERO_MAX_LEN - 1) / SPARSE_XZERO_MAX_LEN;
    bstr h = bstrNewLen(NULL, HLL_HDR_SIZE + (size_t)ops * 2);
    memcpy(h, "HYLL", 4);
    h[4] = HLL_SPARSE;
    uint8_t *p = (uint8_t *)h + HLL_HDR_SIZE;
    for (long left = HLL_REGISTERS; left > 0; left -= SPARSE_XZERO_MAX_LEN)
        p += sparseWriteZeros(p, left < SPARSE_XZERO_MAX_LEN ? left : SPARSE_XZERO_MAX_LEN);
    return h;
}

/* Calls fn(priv, first, runlen, value) for each opcode of the sparse list
 * p[16..len), in order.  Returns the number of registers covered, or -1 as
 * soon as a VAL would cover registers past the last one (the values of such
 * a list are never handed to fn). */
typedef void sparseRunFn(void *priv, long first, long runlen, int value);

static long sparseWalk(const char *p, size_t len, sparseRunFn *fn, void *priv) {
    const uint8_t *cur = (const uint8_t *)p + HLL_HDR_SIZE, *end = (const uint8_t *)p + len;
    long idx = 0;
    sparseOp op;
    while (cur < end) {
        sparseDecodeOp(cur, end, &op);
        if (op.kind == OP_VAL && idx + op.runlen > HLL_REGISTERS) return -1;
        if (fn) fn(priv, idx, op.runlen, op.value);
        /* Zero runs may overshoot; the total check below catches it.  The
         * cap keeps idx from overflowing on absurdly long inputs. */
        idx += op.runlen;
        if (idx > 2L * HLL_REGISTERS) return -1;
        cur += op.size;
    }
    return idx;
}

/* ------------------------------------------------------------------ */
/* Dense conversion */

static void denseFromRun(void *priv, long first, long runlen, int value) {
    uint8_t *regs = priv;
    if (value == 0) return;
    for (long i = first; i < first + runlen; i++) denseStore(regs, i, (unsigned)value);
}

int hllToDense(bstr *h) {
    if (hllEncoding(*h) == HLL_DENSE) return 0;
    bstr dense = bstrNewLen(NULL, HLL_DENSE_SIZE);
    memcpy(dense, *h, HLL_HDR_SIZE); /* magic, unused bytes and cache as they are */
    dense[4] = HLL_DENSE;
    long covered = sparseWalk(*h, bstrLen(*h), denseFromRun, dense + HLL_HDR_SIZE);
    if (covered != HLL_REGISTERS) {
        bstrFree(dense);
        return -1;
    }
    bstrFree(*h);
    *h = dense;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Sparse update */

/* Merges adjacent VAL opcodes of equal value whose runs fit in one,
 * looking at up to five opcodes from `from`: the neighbourhood one update
 * can have disturbed.  Returns the new end. */
static uint8_t *sparseCoalesce(uint8_t *from, uint8_t *end, bstr h) {
    uint8_t *p = from;
    for (int scan = 0; scan < 5 && p < end; scan++) {
        if (!(*p & SPARSE_VAL_BIT)) {
            p += (*p & SPARSE_XZERO_BIT) ? 2 : 1;
            continue;
        }
        if (p + 1 < end && (p[1] & SPARSE_VAL_BIT)) {
            int v1 = ((p[0] >> 2) & 0x1f) + 1, v2 = ((p[1] >> 2) & 0x1f) + 1;
            int len = (p[0] & 0x3) + 1 + (p[1] & 0x3) + 1;
            if (v1 == v2 && len <= SPARSE_VAL_MAX_LEN) {
                p[1] = sparseVal(v1, len);
                memmove(p, p + 1, (size_t)(end - p - 1));
                end--;
                bstrIncrLen(h, -1);
                continue; /* the merged run may merge again with its right */
            }
        }
        p++;
    }
    return end;
}

/* Writes into seq the opcodes that replace op (covering first..first+
 * op->runlen-1) once register index holds count: the part before, the new
 * VAL, the part after.  Returns their size (at most 5 bytes). */
static int sparseSplit(const sparseOp *op, long first, long index, int count, uint8_t *seq) {
    long last = first + op->runlen - 1;
    int n = 0;
    if (op->kind == OP_VAL) {
        if (index != first) seq[n++] = sparseVal(op->value, (int)(index - first));
        seq[n++] = sparseVal(count, 1);
        if (index != last) seq[n++] = sparseVal(op->value, (int)(last - index));
        return n;
    }
    if (index != first) n += sparseWriteZeros(seq + n, index - first);
    seq[n++] = sparseVal(count, 1);
    if (index != last) n += sparseWriteZeros(seq + n, last - index);
    return n;
}

static int sparsePromoteAndSet(bstr *h, long index, uint8_t count) {
    if (hllToDense(h) < 0) return -1;
    return denseRaise((uint8_t *)*h + HLL_HDR_SIZE, index, count);
}

static int sparseSet(bstr *h, long index, uint8_t count, size_t sparseMax) {
    if (count > HLL_SPARSE_VAL_MAX) return sparsePromoteAndSet(h, index, count);
    /* The worst split (XZERO -> XZERO VAL XZERO) grows the list by 3. */
    *h = bstrMakeRoomFor(*h, 3);
    uint8_t *sparse = (uint8_t *)*h + HLL_HDR_SIZE;
    uint8_t *end = (uint8_t *)*h + bstrLen(*h);

    /* Find the opcode covering index, and the one before it. */
    uint8_t *p = sparse, *prev = NULL;
    long first = 0;
    sparseOp op = {.runlen = 0};
    while (p < end) {
        sparseDecodeOp(p, end, &op);
        if (index <= first + op.runlen - 1) break;
        prev = p;
        p += op.size;
        first += op.runlen;
    }
    if (op.runlen == 0 || p >= end) return -1;

    if (op.kind == OP_VAL && op.value >= count) return 0;
    if ((op.kind == OP_VAL || op.kind == OP_ZERO) && op.runlen == 1) {
        *p = sparseVal(count, 1);
    } else {
        uint8_t seq[5];
        int seqlen = sparseSplit(&op, first, index, count, seq);
        int delta = seqlen - op.size;
        if (delta > 0 && bstrLen(*h) + (size_t)delta > sparseMax)
            return sparsePromoteAndSet(h, index, count);
        uint8_t *next = p + op.size;
        if (delta && next < end) memmove(next + delta, next, (size_t)(end - next));
        /* A truncated XZERO at the very end is replaced by the first bytes
         * of seq only (the rest falls past the new end). */
        size_t newlen = bstrLen(*h) + (size_t)delta;
        memcpy(p, seq, (size_t)seqlen);
        bstrIncrLen(*h, delta);
        (*h)[newlen] = '\0';
        end += delta;
    }
    sparseCoalesce(prev ? prev : sparse, end, *h);
    hllCacheInvalidate(*h);
    return 1;
}

int hllSetRegister(bstr *h, long index, uint8_t count, size_t sparseMax) {
    if (hllEncoding(*h) == HLL_DENSE) return denseRaise((uint8_t *)*h + HLL_HDR_SIZE, index, count);
    return sparseSet(h, index, count, sparseMax);
}

int hllAdd(bstr *h, const void *ele, size_t len, size_t sparseMax) {
    long index;
    int count = hllPatternLength(ele, len, &index);
    return hllSetRegister(h, index, (uint8_t)count, sparseMax);
}

/* ------------------------------------------------------------------ */
/* Merge */

static void mergeRun(void *priv, long first, long runlen, int value) {
    uint8_t *max = priv;
    for (long i = first; value && i < first + runlen; i++)
        if (value > max[i]) max[i] = (uint8_t)value;
}

int hllMergeRegisters(uint8_t *max, const char *p, size_t len) {
    if (hllEncoding(p) == HLL_DENSE) {
        const uint8_t *regs = (const uint8_t *)p + HLL_HDR_SIZE;
        for (long i = 0; i < HLL_REGISTERS; i++) {
            unsigned v = denseGet(regs, i);
            if (v > max[i]) max[i] = (uint8_t)v;
        }
        return 0;
    }
    return sparseWalk(p, len, mergeRun, max) == HLL_REGISTERS ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Estimator (Ertl, arXiv:1702.01284) */

/* sigma(x) = x + sum_k x^(2^k) 2^(k-1), summed until it stops changing. */
static double hllSigma(double x) {
    if (x == 1.) return INFINITY;
    double y = 1, z = x, prev;
    do {
        x *= x;
        prev = z;
        z += x * y;
        y += y;
    } while (prev != z);
    return z;
}

/* tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3, likewise. */
static double hllTau(double x) {
    if (x == 0. || x == 1.) return 0.;
    double y = 1.0, z = 1 - x, prev;
    do {
        x = sqrt(x);
        prev = z;
        y *= 0.5;
        z -= pow(1 - x, 2) * y;
    } while (prev != z);
    return z / 3;
}

/* histo[v]: how many registers hold v (v < 64). */
static uint64_t estimateFromHistogram(const long *histo) {
    double m = HLL_REGISTERS;
    double z = m * hllTau((m - histo[HLL_Q + 1]) / m);
    for (int j = HLL_Q; j >= 1; j--) {
        z += histo[j];
        z *= 0.5;
    }
    z += m * hllSigma(histo[0] / m);
    double e = (double)llroundl(HLL_ALPHA_INF * m * m / z);
    return (uint64_t)e;
}

static void histoRun(void *priv, long first, long runlen, int value) {
    (void)first;
    ((long *)priv)[value] += runlen;
}

uint64_t hllCount(const char *p, size_t len, int *invalid) {
    long histo[64] = {0};
    if (hllEncoding(p) == HLL_DENSE) {
        const uint8_t *regs = (const uint8_t *)p + HLL_HDR_SIZE;
        for (long i = 0; i < HLL_REGISTERS; i++) histo[denseGet(regs, i)]++;
    } else if (sparseWalk(p, len, histoRun, histo) != HLL_REGISTERS) {
        if (invalid) *invalid = 1;
        return 0;
    }
    return estimateFromHistogram(histo);
}

uint64_t hllCountRegisters(const uint8_t *regs) {
    long histo[64] = {0};
    for (long i = 0; i < HLL_REGISTERS; i++) histo[regs[i] & 63]++;
    return estimateFromHistogram(histo);
}

/* ------------------------------------------------------------------ */
/* PFDEBUG DECODE */

bstr hllSparseDecode(const char *p, size_t len) {
    bstr out = bstrEmpty();
    const uint8_t *cur = (const uint8_t *)p + HLL_HDR_SIZE, *end = (const uint8_t *)p + len;
    sparseOp op;
    while (cur < end) {
        sparseDecodeOp(cur, end, &op);
        if (out[0]) out = bstrCatLen(out, " ", 1);
        if (op.kind == OP_VAL) out = bstrCatPrintf(out, "v:%d,%ld", op.value, op.runlen);
        else out = bstrCatPrintf(out, "%c:%ld", op.kind == OP_XZERO ? 'Z' : 'z', op.runlen);
        cur += op.size;
    }
    return out;
}

/* ------------------------------------------------------------------ */
/* PFSELFTEST */

static uint64_t selfTestRandom(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Every register keeps its own value when all are written in turn. */
static int selfTestDensePacking(char *err, size_t errlen) {
    uint8_t regs[HLL_DENSE_SIZE - HLL_HDR_SIZE] = {0};
    uint8_t expect[HLL_REGISTERS];
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 8; round++) {
        for (long i = 0; i < HLL_REGISTERS; i++) {
            expect[i] = (uint8_t)(selfTestRandom(&state) & HLL_REGISTER_MAX);
            denseStore(regs, i, expect[i]);
        }
        for (long i = 0; i < HLL_REGISTERS; i++) {
            if (denseGet(regs, i) != expect[i]) {
                snprintf(err, errlen, "TESTFAILED Register %ld should be %d but is %u", i,
                         expect[i], denseGet(regs, i));
                return -1;
            }
        }
    }
    return 0;
}

/* Whether n elements counted as est is within the estimator's expected
 * error: exact-ish while linear counting dominates, then five standard
 * errors (1.04/sqrt(m) = 0.81%). */
static int selfTestErrorOk(long n, uint64_t est) {
    double diff = fabs((double)est - (double)n);
    if (n <= 10) return diff <= 1;
    return diff <= 5 * 1.04 / sqrt(HLL_REGISTERS) * (double)n;
}

/* Adds the same elements to a sparse and a dense HLL: while the sparse one
 * stays sparse both must hold the same registers and count alike, and the
 * count must stay within the expected error. */
static int selfTestSparseDense(char *err, size_t errlen) {
    bstr sparse = hllCreate(), dense = hllCreate();
    static uint8_t rs[HLL_REGISTERS], rd[HLL_REGISTERS];
    int rc = 0;
    hllToDense(&dense);
    char ele[32];
    for (long n = 1; n <= 100000 && rc == 0; n++) {
        int len = snprintf(ele, sizeof ele, "selftest-%ld", n);
        int a = hllAdd(&sparse, ele, (size_t)len, HLL_DENSE_SIZE);
        int b = hllAdd(&dense, ele, (size_t)len, HLL_DENSE_SIZE);
        if (a != b || a < 0) {
            snprintf(err, errlen, "TESTFAILED sparse/dense add mismatch at %ld", n);
            rc = -1;
        }
        int check = n <= 1000 || n % 1000 == 0;
        if (!check || rc) continue;
        uint64_t cs = hllCount(sparse, bstrLen(sparse), NULL);
        uint64_t cd = hllCount(dense, bstrLen(dense), NULL);
        if (hllEncoding(sparse) == HLL_SPARSE && n % 97 == 0) {
            memset(rs, 0, sizeof rs);
            memset(rd, 0, sizeof rd);
            hllMergeRegisters(rs, sparse, bstrLen(sparse));
            hllMergeRegisters(rd, dense, bstrLen(dense));
            if (memcmp(rs, rd, sizeof rs) != 0) {
                snprintf(err, errlen, "TESTFAILED sparse/dense registers differ at %ld", n);
                rc = -1;
            }
        }
        if (rc == 0 && cs != cd) {
            snprintf(err, errlen, "TESTFAILED sparse count %llu, dense %llu at %ld",
                     (unsigned long long)cs, (unsigned long long)cd, n);
            rc = -1;
        } else if (rc == 0 && !selfTestErrorOk(n, cd)) {
            snprintf(err, errlen, "TESTFAILED too big error. card:%llu abserr:%.0f", (unsigned long long)cd,
                     fabs((double)cd - (double)n));
            rc = -1;
        }
    }
    bstrFree(sparse);
    bstrFree(dense);
    return rc;
}

int hllSelfTest(char *err, size_t errlen) {
    if (selfTestDensePacking(err, errlen) < 0) return -1;
    return selfTestSparseDense(err, errlen);
}
