/* script/lua_redis.h -- the `redis` table scripts see.
 *
 * redis.call and redis.pcall run a command (script_run.h scriptCall):
 * call raises the command's error, pcall returns it as {err = ...}.
 * Also sha1hex, error_reply, status_reply, log with LOG_DEBUG ..
 * LOG_WARNING, setresp, set_repl and replicate_commands (accepted: every
 * write is logged as it is made), breakpoint and debug (no debugger:
 * they do nothing), acl_check_cmd, REDIS_VERSION and REDIS_VERSION_NUM. */
#ifndef REDIS_KV_LUA_REDIS_H
#define REDIS_KV_LUA_REDIS_H

#include <stddef.h>
#include <lua.h>

/* A new sealed interpreter (lua_sandbox.h) whose globals hold the API as
 * `redis`: what EVAL scripts run in, or functions (forFunctions: without
 * replicate_commands, breakpoint, debug and the global error handler, as
 * in Redis 7.0).  Aborts when Lua cannot allocate at start-up. */
lua_State *luaRedisNewInterpreter(int forFunctions);

/* Adds to the table on the top what a function library sees of the API
 * while it loads: log, the LOG_* levels and the version. */
void luaRedisAddLoadTimeApi(lua_State *L);

/* SHA1 of s as 40 lowercase hex digits and a terminating zero. */
void luaSha1Hex(const char *s, size_t len, char out[41]);

#endif
