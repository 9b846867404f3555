/* cmd/list.h -- what the list commands (cmd/list.c) share with the
 * blocking list commands: the pop and the move, each with Redis 7.0's
 * keyspace events, so that a pop served to a blocked client is the same
 * write, with the same events, as LPOP's. */
#ifndef REDIS_KV_CMD_LIST_H
#define REDIS_KV_CMD_LIST_H

#include <stddef.h>

#include "client/client.h"
#include "cmd/handlers.h"
#include "lib/bstr.h"

#define LIST_HEAD 0
#define LIST_TAIL 1

/* argv[i], LEFT or RIGHT in any case, as LIST_HEAD / LIST_TAIL: 1, or 0
 * after replying a syntax error. */
int listEndOrReply(client *c, int i, int *end);

/* Pops up to count (>= 1) elements from 'end' of the list at key in
 * c->db, as LPOP/RPOP do: one batch, the keyspace event "lpop" or "rpop",
 * then "del" when the list emptied, and the key marked modified (WATCH,
 * tracking).  The key must hold a non-empty list.  Returns how many were
 * popped, their values in *vals (a new array: listFreeValues), or -1
 * after a write error was replied to c (nothing popped). */
long listPop(client *c, const char *key, size_t klen, int end, long count, bstr **vals);
void listFreeValues(bstr *vals, long n);

/* LMOVE's work: pops from 'from' of the list src (which must be a
 * non-empty list) and pushes the value to 'to' of dst, one batch, with
 * Redis's events in its order (lpush/rpush on dst, then lpop/rpop on
 * src, then del if it emptied) and both keys modified.  1 with *val (bstrFree it), or -1 after an
 * error was replied to c (dst holds another type: WRONGTYPE, checked
 * before anything is written; a write error). */
int listMove(client *c, const char *src, size_t slen, const char *dst, size_t dlen, int from,
             int to, bstr *val);

/* LMPOP's and BLMPOP's arguments from argv[first]: "numkeys key [key ...]
 * LEFT|RIGHT [COUNT count]" (handlers.h mpopArgsOrReply; end is
 * LIST_HEAD for LEFT, LIST_TAIL for RIGHT). */
typedef mpopArgs listMpopArgs;
int listMpopArgsOrReply(client *c, int first, listMpopArgs *a);

/* The reply of LMPOP/BLMPOP for n values popped from key: [key, [v...]]. */
void listReplyMpop(client *c, const char *key, size_t klen, bstr *vals, long n);

#endif
