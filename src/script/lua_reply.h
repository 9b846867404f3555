/* script/lua_reply.h -- Redis 7.0's conversions between replies and Lua
 * values, both ways.
 *
 * Reply -> Lua (what redis.call returns), by the protocol the script
 * chose with redis.setresp:
 *   integer -> number            bulk -> string      nil bulk -> false
 *   status -> {ok = s}           error -> {err = s}  array -> table
 *   nil array -> false
 *   RESP3 only: null -> nil, boolean -> boolean, double -> {double = n},
 *   big number -> {big_number = s}, map -> {map = {k = v}},
 *   set -> {set = {member = true}},
 *   verbatim -> {verbatim_string = {format = f, string = s}}
 *
 * Lua -> reply (what a script returns), in the caller's protocol:
 *   string -> bulk, number -> integer (truncated toward zero),
 *   true -> 1 (RESP3 scripts: #t), false -> nil (RESP3 scripts: #f),
 *   {err = s} -> error, {ok = s} -> status, {double = n}, {big_number = s},
 *   {map = t}, {set = t}, {verbatim_string = {format, string}},
 *   any other table -> array of t[1], t[2] ... up to the first nil,
 *   nil and anything else -> nil. */
#ifndef REDIS_KV_LUA_REPLY_H
#define REDIS_KV_LUA_REPLY_H

#include <stddef.h>
#include <lua.h>

#include "client/client.h"

/* Pushes the Lua value of the one reply that [p, p + len) holds. */
void luaPushReply(lua_State *L, const char *p, size_t len);

/* Appends to c the reply for the Lua value at idx (scriptResp: the
 * script's redis.setresp, which decides how booleans go). */
void luaReplyValue(client *c, lua_State *L, int idx, int scriptResp);

/* Pushes a new array table of the strings argv[0..n) (KEYS, ARGV, a
 * function's keys and args). */
void luaPushStringArray(lua_State *L, bstr *argv, int n);

/* Pushes the error table {err = "CODE message"} for an error given as
 * "-CODE message" (a command's error reply: the code is its first word)
 * or as a bare message (the code is ERR); a trailing newline goes.
 * ignoreStats marks an error a command already counted in errorstats. */
void luaPushError(lua_State *L, const char *err, size_t len, int ignoreStats);

/* Whether the error table at idx marks an error already counted. */
int luaErrorIgnoresStats(lua_State *L, int idx);

#endif
