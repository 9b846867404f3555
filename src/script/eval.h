/* script/eval.h -- EVAL scripts: the interpreter they share, the cache of
 * scripts by SHA1, and their runs.
 *
 * A script is cached by the SHA1 of its body when EVAL runs it or SCRIPT
 * LOAD loads it, compiled once, and kept until SCRIPT FLUSH.  The cache
 * lives in memory only (as in Redis, it is not data: a restart empties
 * it).  Every script runs in one interpreter, with the globals KEYS and
 * ARGV set for the run. */
#ifndef REDIS_KV_EVAL_H
#define REDIS_KV_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "client/client.h"

void evalInit(void);

/* EVAL, EVALSHA (bySha) and their _RO forms (readOnly): c->argv is
 * script-or-sha numkeys key... arg...; answers c. */
void evalRun(client *c, int bySha, int readOnly);

/* SCRIPT LOAD body: caches it, answers its SHA1 (or the compile error). */
void evalLoad(client *c, const char *body, size_t len);
/* SCRIPT EXISTS: whether sha (any case) is cached. */
int evalExists(const char *sha, size_t len);
/* SCRIPT FLUSH: drops every script and starts a new interpreter. */
void evalFlush(void);

/* INFO: scripts cached, bytes of the interpreter, bytes of the cache. */
size_t evalCachedScripts(void);
size_t evalInterpreterBytes(void);
size_t evalCacheBytes(void);

/* The script flags the request in c (an EVAL-family command) declares,
 * or SCRIPT_FLAG_EVAL_COMPAT_MODE when it declares none or is unknown;
 * for command flags per request (command.h). */
uint64_t evalRequestScriptFlags(client *c);

#endif
