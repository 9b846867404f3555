/* lib/scancursor.h -- Redis's reverse-binary SCAN cursor, walked by
 * lib/rehash.c for every hash table that offers SCAN (lib/dict.c,
 * store/keydir.c).
 *
 * The cursor is a bucket index whose bits are incremented from the most
 * significant end.  With tables of size 2^n, bucket b holds the keys whose
 * hash ends in the n bits of b; after doubling, those keys live in buckets
 * b and b + 2^n, which the reversed increment visits next to each other,
 * and after halving, the buckets already visited collapse onto indexes the
 * reversed order has also passed.  So a full iteration returns every key
 * present for all of it at least once, across any resizes; some keys may
 * be returned twice.
 *
 * scanCursorStep visits the buckets for one call: one bucket of a table
 * that is not rehashing, or, while rehashing, the cursor's bucket of the
 * small table and then every bucket of the big table that expands from
 * it.  visit(ctx, table, index) is called for each; it returns the next
 * cursor (0 when the iteration is complete). */
#ifndef REDIS_KV_SCANCURSOR_H
#define REDIS_KV_SCANCURSOR_H

typedef void scanBucketVisitor(void *ctx, int table, unsigned long index);

unsigned long scanCursorStep(unsigned long cursor, int rehashing, int smallTable,
                             unsigned long smallMask, int bigTable, unsigned long bigMask,
                             scanBucketVisitor *visit, void *ctx);

#endif
