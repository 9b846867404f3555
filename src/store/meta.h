/* store/meta.h -- the metadata table: the server's named blobs that belong
 * to no database (record.h, RECORD_META), in memory.
 *
 * One entry per name: where its newest META record lies (segment, offset,
 * value length), that record's sequence number, and the value itself.
 * Values are kept in memory, unlike keys' values, because metadata is
 * small and few (FUNCTION libraries: a few entries of a few KB) and its
 * only reader walks all of it (dbMetaForEach) at start-up and after a
 * restore; reading them from the log each time would add an I/O error
 * path to every walk for no memory worth saving.  The location is what
 * live-bytes accounting and compaction need, as for keys.
 *
 * The entries are a sorted array (memcmp order of the names, a shorter
 * name before a longer one it starts), so a walk by prefix is a binary
 * search and a scan, in name order.  An insert or removal moves the
 * entries after it: O(entries), fine for tens of them, wrong for
 * millions -- keep it for metadata.
 *
 * A value is NULL while it has not been read (replay records only the
 * location: hint files carry no values; store_meta.c reads them after the
 * load) and when its record failed its checksum then (damaged: kept, so
 * its segment is kept, but never served).
 *
 * Ownership: the table owns the names and values of its entries.
 * Entry pointers stay valid until the next insert or removal.  Not
 * thread-safe: the owner thread only (replay, the store's writes). */
#ifndef REDIS_KV_META_H
#define REDIS_KV_META_H

#include <stddef.h>
#include <stdint.h>

typedef struct metaLoc {
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
} metaLoc;

typedef struct metaEntry {
    char *name;
    uint32_t nlen;
    int damaged;        /* the record failed its checksum when read */
    char *value;        /* loc.valueLen bytes, or NULL (above) */
    metaLoc loc;
    uint64_t seq;
} metaEntry;

typedef struct metaTable metaTable;

metaTable *metaTableCreate(void);
/* Frees the table with every name and value (NULL is a no-op). */
void metaTableFree(metaTable *t);
size_t metaTableCount(const metaTable *t);
/* Entry i in name order (i < metaTableCount). */
metaEntry *metaTableAt(metaTable *t, size_t i);
metaEntry *metaTableFind(metaTable *t, const void *name, size_t nlen);
/* The entry of name, created (with a copy of the name, everything else
 * zero: no value, no location) when absent; *created says which. */
metaEntry *metaTableUpsert(metaTable *t, const void *name, size_t nlen, int *created);
/* Takes name's entry out.  With out, the entry moves there (its name and
 * value become the caller's: metaEntryRelease); without, they are freed.
 * 1 when there was one. */
int metaTableRemove(metaTable *t, const void *name, size_t nlen, metaEntry *out);
/* Puts an entry taken out by metaTableRemove back; the table owns its
 * name and value again (they are freed if the name is present: it must
 * not be). */
void metaTableReinsert(metaTable *t, metaEntry *e);
/* The index of the first entry whose name is >= prefix: the entries that
 * start with prefix follow it (metaNameHasPrefix). */
size_t metaTableLowerBound(const metaTable *t, const void *prefix, size_t plen);
int metaNameHasPrefix(const metaEntry *e, const void *prefix, size_t plen);
/* Frees an entry's name and value (one taken out of the table). */
void metaEntryRelease(metaEntry *e);

#endif
