/* store/record.h -- the record codec: the on-disk unit of the segment log.
 *
 * THIS COMMENT IS THE ON-DISK CONTRACT.  Changing any offset, size, type
 * number or checksum rule makes existing data directories unreadable.
 *
 * A record is self-delimiting (its header gives its total size) and
 * self-checking (two CRC-32C checksums, lib/crc32c.h).  All integers are
 * little-endian; there is no padding and no alignment requirement.
 *
 *   offset size field         meaning
 *   ------ ---- ------------- --------------------------------------------
 *      0     4  crc           crc32c of bytes [4, 44 + keylen + vallen):
 *                             hcrc, the rest of the header, key and value
 *      4     4  hcrc          crc32c of header bytes [8, 44) only
 *      8     1  type          RECORD_SET .. RECORD_BATCH_COMMIT (below)
 *      9     1  flags         opaque to the codec; owned by the keyspace
 *                             layer (e.g. the value's encoding)
 *     10     2  db            database number (0 for FLUSHALL and batch
 *                             markers)
 *     12     4  keylen        key bytes following the header
 *     16     4  vallen        value bytes following the key
 *     20     8  expire_at_ms  absolute unix time in ms, 0 = no expiry
 *                             (signed)
 *     28     8  seq           sequence number (unsigned, monotonically
 *                             increasing as the writer assigns it)
 *     36     8  timestamp_ms  wall clock when written (signed, unix ms)
 *     44  keylen key          binary safe
 *     ..  vallen value        binary safe
 *
 *   total size = 44 + keylen + vallen
 *
 * Why two checksums: hcrc makes the header trustworthy on its own, so a
 * reader knows the record's length before reading (or trusting) the value.
 * A record whose header checks out but whose value is damaged can be
 * skipped exactly, instead of searching byte by byte for the next record
 * (and perhaps mistaking a record-shaped piece of some value for data).
 * A scanner also rejects most garbage after 36 bytes of checksum work.
 *
 * Types and the fields they may use (anything else is rejected as BAD):
 *
 *   type                 no. key   value            expire_at_ms   db
 *   RECORD_SET            1  any   any              >= 0           any
 *   RECORD_DEL            2  any   empty            0              any
 *   RECORD_EXPIRE         3  any   empty            >= 0 (0 = make any
 *                                                   the key persistent)
 *   RECORD_FLUSHDB        4  empty empty            0              any
 *   RECORD_FLUSHALL       5  empty empty            0              0
 *   RECORD_BATCH_BEGIN    6  empty 4 bytes: u32 LE  0              0
 *                                  count of records
 *   RECORD_BATCH_COMMIT   7  empty empty            0              0
 *   RECORD_SWAPDB         8  4 bytes: empty         0              0
 *                            u16 LE a, b
 *   RECORD_DBMAP          9  2n bytes: empty        0              0
 *                            u16 LE each
 *   RECORD_PATCH         10  16 + any: any            0              any
 *                            patch header
 *                            + the key
 *   RECORD_ELEMENT       11  5 + any:  any            >= 0           any
 *                            element header
 *                            + key + name
 *   RECORD_ELEMENT_DEL   12  5 + any:  empty          0              any
 *                            element header
 *                            + key + name
 *   RECORD_META          13  1..1024:  any            0              0
 *                            the name
 *   RECORD_META_DEL      14  1..1024:  empty          0              0
 *                            the name
 *
 * Databases.  The db field of SET/DEL/EXPIRE/FLUSHDB is a PHYSICAL database
 * (a key directory); clients name LOGICAL databases (SELECT), mapped to
 * physical ones by a permutation that starts as the identity.  SWAPDB a b
 * swaps the physical databases of logical a and b; DBMAP states the whole
 * map (entry i: the physical database of logical i) and is what compaction
 * writes in place of the SWAPDB records it drops.
 *
 * Patches.  A PATCH record changes part of a key's string value in place
 * (SETRANGE, APPEND, ...): "write the value bytes at offset `at` of the
 * key's value, zero-padding up to it; the key keeps its expiry".  Its key
 * field is a 16-byte patch header followed by the key itself:
 *
 *   offset size field
 *      0     8  prev_seq      u64 LE: the sequence number of the record
 *                             this one patches (the key's newest record
 *                             when it was written: its SET, or the
 *                             previous PATCH)
 *      8     4  at            u32 LE: where the value bytes go
 *     12     4  value_len     u32 LE: the value's length afterwards,
 *                             max(length before, at + vallen)
 *
 * The base is named by sequence number, not by location, because a copy
 * keeps it: compaction may copy the base into a new segment while the
 * patch is being written, and the patch applies to the copy as well.
 *
 * The header rides in the key field, not the value, because everything
 * that passes keys on without values (a batch held back by recovery, hint
 * files) must pass it on too.  A patch applies only on top of the record
 * it names (replay.c says what happens otherwise); the store never writes
 * one for a missing key.
 *
 * Elements.  A collection (a hash, a set: store/collection.h) is not one
 * value but its elements, each in a record of its own, so that a write
 * to one element logs that element only.  ELEMENT says "element `name`
 * of the collection at `key`, of collection type `ctype`, now holds
 * `value`" (a hash field's value; empty for a set member); ELEMENT_DEL
 * says "it is gone".  Their key field starts with a 5-byte element
 * header:
 *
 *   offset size field
 *      0     1  ctype         u8: the collection type (collection.h
 *                             COLL_HASH 1, COLL_SET 2, COLL_LIST 3,
 *                             COLL_ZSET 4, COLL_STREAM 5; 0 is invalid)
 *      1     4  key_len       u32 LE: bytes of key; the rest of the key
 *                             field, after the key, is the element name
 *
 * Lists (COLL_LIST 3).  A list element's name is its POSITION, a u64
 * big-endian in 8 bytes: the list is its elements in the order of their
 * positions (collection.h, "Lists"), so each element record says where
 * its element stands, whatever order records replay in.  One more form
 * is a list's alone: an ELEMENT_DEL whose name is 16 bytes, two
 * positions lo and hi (u64 big-endian each), is a TRIM: "every element
 * of the list outside [lo, hi] goes".  A pop of any count and LTRIM are
 * one such record, whatever they remove.  Like every tombstone it is
 * never copied by compaction.
 *
 * Sorted sets (COLL_ZSET 4).  An element's name is the member; an
 * ELEMENT's value is its score, RECORD_ZSET_SCORE_SIZE bytes: the IEEE
 * 754 bits of the double, little-endian (collZsetScoreEncode).  Binary,
 * not text, because the index keeps the score in memory and a load
 * decodes one per member: 8 fixed bytes need no parsing, lose no digit,
 * keep -0 apart from +0 as Redis keeps them, and make every zset
 * element record the same size.  A NaN score is never written; replay
 * ignores an ELEMENT of a sorted set whose value is not 8 bytes or is a
 * NaN (only damage writes one).  The score is the one value an index
 * needs in memory, so it travels with the record's key wherever keys
 * travel without values (recordValueIndexed): a scan delivers it, and a
 * hint (hint.h) carries it after the entry's key, so a restart from
 * hints reads no segment for scores.
 *
 * Streams (COLL_STREAM 5).  A stream's elements are of five kinds, told
 * apart by the first byte of the name; store/coll_stream.h gives each
 * name and value byte by byte:
 *
 *   'm'  "m": the stream's counters (last ID, entries added, max deleted
 *        ID), 40 bytes;
 *   'e'  "e" + ID (16, big-endian ms and seq) + added (u64 BE): an entry,
 *        whose value is its fields (cmd/stream.h has the encoding);
 *        "added" is the entries-added count after the XADD that wrote it
 *        (0: a copy's, which changes no counter);
 *   'g'  "g" + group: a consumer group, value last delivered ID (16) +
 *        entries read (i64 LE);
 *   'c'  "c" + glen (u32 LE) + group + consumer: value seen time (i64 LE);
 *   'p'  "p" + glen (u32 LE) + group + ID: a pending entry, value
 *        delivery time (i64 LE) + delivery count (u64 LE) + consumer.
 *
 * Replayed in log order, an 'e' with added != 0 sets the last ID to its
 * ID and entries-added to "added" (what its XADD did), an 'm' sets all
 * three.  ELEMENT_DEL names one element (an entry by "e" + ID alone), or
 * is a TRIM, "t" + ID: from the front, each node of entries (coll_stream.h,
 * "Nodes") whose last appended ID is at most ID goes whole, and the next
 * loses its entries up to ID.  Deleting
 * a group takes its consumers and pending entries with it, deleting a
 * consumer its pending entries.  Every value but an entry's is needed in
 * memory and travels with the key like a score (recordValueIndexed, at
 * most RECORD_STREAM_INDEXED_MAX bytes).
 *
 * An ELEMENT's expire_at_ms is the key's expiry after it (the writer
 * repeats the key's current one; compaction's copy carries the expiry
 * of its moment, as a SET's copy does).  Replay rules (replay.c): an
 * ELEMENT on a key that is absent creates the collection; on a key that
 * holds a string or another collection type it replaces it (the writer
 * always deletes first, so only damage leads there); an ELEMENT_DEL of
 * the last element deletes the key; a DEL record deletes a whole
 * collection, as it deletes a string.
 *
 * Metadata.  The server's own named blobs, which belong to no database
 * (FUNCTION libraries: name "function:<library>" -> its source).  META
 * says "metadata `name` now holds `value`", META_DEL "it is gone".
 * Replay rules (replay.c): the newest record of a name wins, in log
 * order like keys; nothing else touches metadata -- FLUSHDB, FLUSHALL,
 * SWAPDB, DBMAP, DEL and expiry leave it alone, and a META record is
 * never a key (no db, no expiry).  A META record is live while it is its
 * name's newest; META_DEL is a tombstone, never copied by compaction
 * (compaction takes every segment before a point, so nothing older than
 * a dropped tombstone survives it).
 *
 * Why types of their own rather than SETs in a reserved database: every
 * keyspace rule (flushes, SWAPDB's map, key counts, expiry, the check
 * tool's key totals) would need an exception for that database, and a
 * reader that missed one would flush or list functions as keys.  Two
 * types make each rule say what it does to metadata, and a build that
 * predates them rejects the records (invalid type) instead of serving
 * them as keys.  The name is at most RECORD_META_NAME_MAX bytes: names
 * are few and short, and the bound keeps a record-shaped piece of garbage
 * with a huge key field from passing as metadata.
 *
 * Batches.  A write batch (MSET, MULTI/EXEC, any multi-key write) is laid
 * out contiguously as BATCH_BEGIN(seq S, count N), then N data records
 * (types 1-5, 8-14), then BATCH_COMMIT(seq S).  Recovery applies the N records
 * only once the matching COMMIT is read, and drops the batch otherwise; a
 * batch never spans two segment files.  The data records inside a batch
 * carry their own sequence numbers (the writer's choice, normally S+1..S+N).
 *
 * Limits.  keylen and vallen are u32, so a key or value is at most
 * 4 GiB - 1; readers additionally pass a maximum total record size.
 *
 * Ownership: the codec never allocates; every function works on caller
 * buffers and is thread-safe. */
#ifndef REDIS_KV_RECORD_H
#define REDIS_KV_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_HEADER_SIZE 44
#define RECORD_CRC_START 4       /* crc covers [4, end of record) */
#define RECORD_HCRC_START 8      /* hcrc covers [8, RECORD_HEADER_SIZE) */
#define RECORD_BATCH_COUNT_SIZE 4

/* Record types (byte 8).  0 is never valid, so zero-filled space (a file
 * hole, unwritten pages after a crash) is never taken for a record. */
#define RECORD_SET 1
#define RECORD_DEL 2
#define RECORD_EXPIRE 3
#define RECORD_FLUSHDB 4
#define RECORD_FLUSHALL 5
#define RECORD_BATCH_BEGIN 6
#define RECORD_BATCH_COMMIT 7
#define RECORD_SWAPDB 8
#define RECORD_DBMAP 9
#define RECORD_PATCH 10
#define RECORD_ELEMENT 11
#define RECORD_ELEMENT_DEL 12
#define RECORD_META 13
#define RECORD_META_DEL 14
#define RECORD_TYPE_MAX 14

/* The longest metadata name (the key field of META / META_DEL).  1 KiB:
 * far above any name the server gives (a FUNCTION library's name and a
 * short prefix), small enough that every name stays in memory cheaply;
 * raising it only loosens what the header check accepts. */
#define RECORD_META_NAME_MAX 1024

#define RECORD_PATCH_HEADER_SIZE 16
#define RECORD_ELEMENT_HEADER_SIZE 5
#define RECORD_LIST_TRIM_NAME_LEN 16 /* a list trim's name: lo, hi */
#define RECORD_ZSET_CTYPE 4      /* COLL_ZSET (collection.h), as record.h needs it */
#define RECORD_ZSET_SCORE_SIZE 8 /* a sorted-set ELEMENT's value: its score */
#define RECORD_STREAM_CTYPE 5    /* COLL_STREAM (collection.h) */
#define RECORD_STREAM_ENTRY_KIND 'e' /* a stream entry's name starts so */
/* The longest value of a stream element an index keeps in memory (a
 * pending entry's: 16 bytes and its consumer's name); a longer one is
 * not a stream's state and travels without its value. */
#define RECORD_STREAM_INDEXED_MAX (1u << 20)

/* The element header of an ELEMENT / ELEMENT_DEL record, decoded: where
 * the key and the element name lie in the record's key field. */
typedef struct recordElement {
    uint8_t ctype;
    const char *key;
    uint32_t klen;
    const char *name;
    uint32_t nlen;
} recordElement;

/* The patch header of a RECORD_PATCH (at the start of its key field). */
typedef struct recordPatch {
    uint64_t prevSeq;
    uint32_t at;
    uint32_t valueLen;
} recordPatch;

/* recordDecodeHeader results. */
#define RECORD_OK 0
#define RECORD_NEED_MORE 1 /* fewer than RECORD_HEADER_SIZE bytes given */
#define RECORD_BAD 2       /* not a valid header */

/* The decoded header.  crc and hcrc are outputs of the encoders and
 * inputs of recordVerify; every other field is the record's content. */
typedef struct recordHeader {
    uint32_t crc;
    uint32_t hcrc;
    uint8_t type;
    uint8_t flags;
    uint16_t db;
    uint32_t keylen;
    uint32_t vallen;
    int64_t expireAt;   /* ms, 0 = none */
    uint64_t seq;
    int64_t timestamp;  /* ms */
} recordHeader;

/* RECORD_HEADER_SIZE, as a function for callers that prefer one. */
size_t recordHeaderSize(void);

/* Bytes a record with these key and value lengths occupies on disk. */
static inline uint64_t recordEncodedSize(uint64_t keylen, uint64_t vallen) {
    return RECORD_HEADER_SIZE + keylen + vallen;
}

/* Whether an index needs this data record's value in memory: an ELEMENT
 * of a sorted set, whose value is its member's score (see "Sorted sets"
 * above), or of a stream, unless it is an entry ("Streams").  key is the
 * record's key field (h->keylen bytes). */
static inline int recordValueIndexed(const recordHeader *h, const char *key) {
    if (h->type != RECORD_ELEMENT || h->keylen < RECORD_ELEMENT_HEADER_SIZE) return 0;
    if ((unsigned char)key[0] == RECORD_ZSET_CTYPE) return h->vallen == RECORD_ZSET_SCORE_SIZE;
    if ((unsigned char)key[0] != RECORD_STREAM_CTYPE) return 0;
    /* a stream's element other than an entry: its first name byte */
    uint64_t at = RECORD_ELEMENT_HEADER_SIZE + (uint64_t)((unsigned char)key[1] |
                  (unsigned char)key[2] << 8 | (unsigned char)key[3] << 16 |
                  (uint32_t)(unsigned char)key[4] << 24);
    return at < h->keylen && key[at] != RECORD_STREAM_ENTRY_KIND &&
           h->vallen <= RECORD_STREAM_INDEXED_MAX;
}

/* 1 for the types that carry data (SET, DEL, EXPIRE, FLUSHDB, FLUSHALL,
 * SWAPDB, DBMAP, PATCH, ELEMENT, ELEMENT_DEL, META, META_DEL), 0 for
 * batch markers and invalid types. */
int recordIsDataType(int type);

/* Human-readable type name ("set", "del", ...; "unknown" for others). */
const char *recordTypeName(int type);

/* Checks the header's fields against the table above and against
 * maxRecordSize (the largest total record size accepted; 0 = no limit
 * besides the u32 length fields).  Returns NULL when valid, else a static
 * string saying what is wrong.  Does not look at crc/hcrc. */
const char *recordCheckHeader(const recordHeader *h, uint64_t maxRecordSize);

/* Encodes a whole record into dst, which must hold
 * recordEncodedSize(h->keylen, h->vallen) bytes.  key and value are
 * h->keylen and h->vallen bytes (either may be NULL when its length is 0).
 * Computes the checksums (ignores the crc/hcrc fields of *h, which is not
 * modified).  Returns the number of bytes written, or 0 when the header is
 * invalid (recordCheckHeader with no size limit), in which case nothing
 * is written. */
size_t recordEncode(char *dst, const recordHeader *h, const void *key,
                    const void *val);

/* The streaming form for large values: writes only the RECORD_HEADER_SIZE
 * header bytes into dst, with both checksums computed over header, key and
 * value, and stores them in h->crc / h->hcrc.  The caller then writes dst,
 * key and value (e.g. with one writev) without copying the value.
 * Returns RECORD_HEADER_SIZE, or 0 for an invalid header (dst untouched). */
size_t recordEncodeHeader(char *dst, recordHeader *h, const void *key,
                          const void *val);

/* Decodes and validates the header at buf (len bytes available):
 *   RECORD_NEED_MORE  len < RECORD_HEADER_SIZE;
 *   RECORD_BAD        hcrc mismatch, or recordCheckHeader() fails;
 *   RECORD_OK         *out filled in (crc included).  The record's key and
 *                     value are NOT checked: call recordVerify once the
 *                     whole record is available.
 * When reason is not NULL, *reason is set to a static description on
 * RECORD_BAD. */
int recordDecodeHeader(const char *buf, size_t len, uint64_t maxRecordSize,
                       recordHeader *out, const char **reason);

/* Checks the full-record checksum: buf holds the whole encoded record
 * (recordEncodedSize(h->keylen, h->vallen) bytes) whose header decoded to
 * *h.  Returns 1 when it matches, 0 otherwise. */
int recordVerify(const recordHeader *h, const char *buf);
/* Whether buf holds, in recLen bytes, a whole record with a key field of
 * klen bytes and a value of vlen whose checksum (crc) is right: one pass,
 * for a reader that knows what it expects there (the key directory says).
 * The crc covers the header and its hcrc, so a header that passes is the
 * one written; the header's own checksum is not computed. */
int recordVerifyWhole(const char *buf, uint64_t recLen, uint32_t klen, uint32_t vlen);

/* Incremental verification for records read in pieces: start with
 * recordCrcBegin(header bytes), feed key and value bytes in order with
 * crc32cUpdate(), and compare the result with h->crc. */
uint32_t recordCrcBegin(const char *headerBuf);

/* The patch header: encoded into / decoded from the first
 * RECORD_PATCH_HEADER_SIZE bytes of a PATCH record's key field. */
void recordEncodePatch(char dst[RECORD_PATCH_HEADER_SIZE], const recordPatch *p);
void recordDecodePatch(const char src[RECORD_PATCH_HEADER_SIZE], recordPatch *p);

/* The element header: encoded into the first RECORD_ELEMENT_HEADER_SIZE
 * bytes of an element record's key field (the key and the name follow);
 * decoded from a whole key field of fieldLen bytes, which must be at
 * least the header plus key_len (recordCheckElement says so). */
void recordEncodeElementHeader(char dst[RECORD_ELEMENT_HEADER_SIZE], uint8_t ctype,
                               uint32_t klen);
void recordDecodeElement(const char *field, uint32_t fieldLen, recordElement *out);

/* NULL when the key field of an element record (fieldLen bytes) holds a
 * valid element header and a key of the length it says, else a static
 * string saying what is wrong.  Separate from recordCheckHeader, which
 * sees the header only. */
const char *recordCheckElement(const char *field, uint32_t fieldLen);

/* Header initialisers for the marker types (all other fields zero). */
void recordInitBatchBegin(recordHeader *h, uint64_t seq, int64_t timestamp);
void recordInitBatchCommit(recordHeader *h, uint64_t seq, int64_t timestamp);

/* The BATCH_BEGIN value: the u32 LE record count. */
void recordEncodeBatchCount(char dst[RECORD_BATCH_COUNT_SIZE], uint32_t count);
uint32_t recordDecodeBatchCount(const char src[RECORD_BATCH_COUNT_SIZE]);

/* Little-endian helpers shared by the store's file formats. */
static inline void recordPutU16(char *p, uint16_t v) {
    unsigned char *u = (unsigned char *)p;
    u[0] = (unsigned char)v;
    u[1] = (unsigned char)(v >> 8);
}
static inline void recordPutU32(char *p, uint32_t v) {
    unsigned char *u = (unsigned char *)p;
    for (int i = 0; i < 4; i++) u[i] = (unsigned char)(v >> (8 * i));
}
static inline void recordPutU64(char *p, uint64_t v) {
    unsigned char *u = (unsigned char *)p;
    for (int i = 0; i < 8; i++) u[i] = (unsigned char)(v >> (8 * i));
}
static inline uint16_t recordGetU16(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint16_t)(u[0] | u[1] << 8);
}
static inline uint32_t recordGetU32(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
           (uint32_t)u[3] << 24;
}
static inline uint64_t recordGetU64(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | u[i];
    return v;
}

#endif
