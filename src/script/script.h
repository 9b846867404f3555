/* script/script.h -- the scripting layer's entry points for start-up.
 *
 * The layer: lua_sandbox (the interpreter scripts see), lua_redis (the
 * redis table), lua_reply (reply <-> Lua conversions), script_run (one
 * run: batch, busy, kill, redis.call's checks), script_flags (shebang
 * and declared flags), eval (EVAL scripts and their cache), and the
 * struct and cmsgpack libraries (lualib_*).  Commands are in cmd/eval.c. */
#ifndef REDIS_KV_SCRIPT_H
#define REDIS_KV_SCRIPT_H

/* Creates the interpreters and the script client, and tells the
 * dispatcher how script commands' flags depend on their scripts. */
void scriptInit(void);

#endif
