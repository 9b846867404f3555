/* script/lua_sandbox.h -- a Lua 5.1 interpreter as Redis 7.0 gives it to
 * scripts.
 *
 * What a script sees: the globals of Redis 7.0's allow list (the base
 * library without dofile, loadfile, print, getfenv, setfenv, module,
 * require, newproxy; string, table, math, coroutine), the libraries
 * cjson, bit, struct and cmsgpack, the `redis` table its caller fills
 * (luaSandboxRedisTable), KEYS and ARGV.  Nothing else: no os, io,
 * package or debug.
 *
 * What it may not do: create or change a global ("Attempt to modify a
 * readonly table"), read one that does not exist ("Script attempted to
 * access nonexistent global variable 'x'"), or change a library table.
 * Stock Lua has no read-only tables (Redis patches its Lua), so each
 * protected table is an empty proxy whose metatable reads through to the
 * real table and refuses writes; setmetatable and rawset refuse proxies,
 * and rawget, next, pairs and ipairs see through them.  The one gap: the
 * length operator (#) of a proxy is 0.
 *
 * The real globals are the thread's globals until luaSandboxSeal swaps in
 * the proxy; C code sets KEYS and ARGV on the real table
 * (luaSandboxSetGlobal) at any time. */
#ifndef REDIS_KV_LUA_SANDBOX_H
#define REDIS_KV_LUA_SANDBOX_H

#include <lua.h>

/* A new interpreter with the libraries loaded and the error handler
 * defined, not yet sealed.  NULL when Lua cannot allocate. */
lua_State *luaSandboxCreate(void);

/* Makes the table on the top of the stack readonly: replaces it with its
 * proxy (the same slot). */
void luaSandboxProtectTop(lua_State *L);

/* Protects every library table and the globals themselves.  Call once,
 * after the caller has added its own tables (redis) to the globals. */
void luaSandboxSeal(lua_State *L);

/* Pops the value on the top of the stack into the real globals as name,
 * past the protection (KEYS, ARGV, and the tables set up before sealing). */
void luaSandboxSetGlobal(lua_State *L, const char *name);

/* Pushes a new table whose missing keys raise the missing-global error
 * (for a limited set of globals, such as a library's load time). */
void luaSandboxPushStrictTable(lua_State *L);

/* After sealing: pops a table and makes it what the globals read through
 * (a function library's load-time globals), until the next call;
 * luaSandboxPushRealGlobals gives the table to go back to. */
void luaSandboxSetGlobalsView(lua_State *L);
void luaSandboxPushRealGlobals(lua_State *L);

/* Pushes the error handler scripts run under (lua_pcall's errfunc): it
 * turns every error into a table {err = "CODE message", source = ...,
 * line = ...}, the form luaReplyError reads.  A string error gets the
 * code ERR; a table keeps its err. */
void luaSandboxPushErrorHandler(lua_State *L);

#endif
