/* script/lua_redis.c -- the `redis` table.  See lua_redis.h.
 *
 * Errors of the API itself (a bad argument) are raised as error tables
 * {err = "ERR ..."}, so that the script's error reply reads
 * "ERR <message> script: <name>, on @user_script:<line>.", as in Redis. */
#include "script/lua_redis.h"
#include "acl/acl.h"
#include "command/command.h"
#include "lib/log.h"
#include "script/lua_reply.h"
#include "script/lua_sandbox.h"
#include "script/script_run.h"
#include "server/server.h"
#include "lib/alloc.h"

#include <lauxlib.h>
#include <sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Redis version INFO and HELLO report (server.h's API level), so
 * that a script and its client agree; the number is its
 * 0x00MMmmpp form. */
#define SCRIPT_REDIS_VERSION REDIS_API_VERSION
#define SCRIPT_REDIS_VERSION_NUM 0x00070000

/* redis.set_repl's flags (accepted and checked, nothing more). */
#define REPL_NONE 0
#define REPL_AOF 1
#define REPL_REPLICA 2
#define REPL_ALL (REPL_AOF | REPL_REPLICA)

static int raiseError(lua_State *L, const char *msg) {
    luaPushError(L, msg, strlen(msg), 0);
    return lua_error(L);
}

/* An error of the API: raised by redis.call, returned by redis.pcall. */
static int failCall(lua_State *L, const char *msg, int raises) {
    luaPushError(L, msg, strlen(msg), 0);
    return raises ? lua_error(L) : 1;
}

/* The arguments of redis.call as command arguments: strings as they are,
 * numbers as "%.17g" (3 -> "3", 0.1 -> "0.10000000000000001").  NULL when
 * one is of another type. */
static bstr *callArguments(lua_State *L, int argc) {
    bstr *argv = xmalloc(sizeof(bstr) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        int t = lua_type(L, i + 1);
        if (t == LUA_TNUMBER) {
            char buf[64];
            int n = snprintf(buf, sizeof(buf), "%.17g", (double)lua_tonumber(L, i + 1));
            argv[i] = bstrNewLen(buf, (size_t)n);
        } else if (t == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(L, i + 1, &len);
            argv[i] = bstrNewLen(s, len);
        } else {
            for (int j = 0; j < i; j++) bstrFree(argv[j]);
            xfree(argv);
            return NULL;
        }
    }
    return argv;
}

static int genericCall(lua_State *L, int raises) {
    scriptRun *run = scriptCurrentRun();
    int argc = lua_gettop(L);
    if (!run) return failCall(L, "redis.call/pcall can only be called inside a script invocation",
                              raises);
    if (argc == 0)
        return failCall(L, "Please specify at least one argument for this redis lib call", raises);
    bstr *argv = callArguments(L, argc);
    if (!argv)
        return failCall(L, "Lua redis lib command arguments must be strings or integers", raises);
    bstr reply = scriptCall(run, argc, argv);
    for (int i = 0; i < argc; i++) bstrFree(argv[i]);
    xfree(argv);
    lua_settop(L, 0);
    luaPushReply(L, reply, bstrLen(reply));
    int isError = reply[0] == '-';
    bstrFree(reply);
    if (isError) {
        /* The command's error was counted when the script's client got it. */
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
        if (raises) return lua_error(L);
    }
    return 1;
}

static int redisCall(lua_State *L) { return genericCall(L, 1); }
static int redisPcall(lua_State *L) { return genericCall(L, 0); }

void luaSha1Hex(const char *s, size_t len, char out[41]) {
    static const char hex[] = "0123456789abcdef";
    SHA1_CTX ctx;
    uint8_t digest[SHA1_DIGEST_LENGTH];
    SHA1Init(&ctx);
    SHA1Update(&ctx, (const uint8_t *)s, len);
    SHA1Final(digest, &ctx);
    for (int i = 0; i < SHA1_DIGEST_LENGTH; i++) {
        out[i * 2] = hex[digest[i] >> 4];
        out[i * 2 + 1] = hex[digest[i] & 15];
    }
    out[40] = '\0';
}

static int redisSha1hex(lua_State *L) {
    if (lua_gettop(L) != 1) return raiseError(L, "wrong number of arguments");
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    char hex[41];
    luaSha1Hex(s ? s : "", s ? len : 0, hex);
    lua_pushstring(L, hex);
    return 1;
}

/* redis.error_reply("CODE msg") -> {err = "CODE msg"}; a message given
 * without "-CODE" gets ERR (luaPushError's rule). */
static int redisErrorReply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING)
        return failCall(L, "wrong number or type of arguments", 0); /* returned, as Redis */
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (len && s[0] == '-') {
        luaPushError(L, s, len, 0);
    } else {
        lua_pushfstring(L, "-%s", s);
        size_t n;
        const char *e = lua_tolstring(L, -1, &n);
        luaPushError(L, e, n, 0);
    }
    return 1;
}

static int redisStatusReply(lua_State *L) {
    if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING)
        return failCall(L, "wrong number or type of arguments", 0); /* returned, as Redis */
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "ok");
    return 1;
}

static int redisLog(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc < 2) return raiseError(L, "redis.log() requires two arguments or more.");
    if (!lua_isnumber(L, 1)) return raiseError(L, "First argument must be a number (log level).");
    int level = (int)lua_tonumber(L, 1);
    if (level < LL_DEBUG || level > LL_WARNING) return raiseError(L, "Invalid debug level.");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 2; i <= argc; i++) {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        if (!s) continue;
        if (i > 2) luaL_addchar(&b, ' ');
        luaL_addlstring(&b, s, len);
    }
    luaL_pushresult(&b);
    serverLogRaw(level, lua_tostring(L, -1));
    return 0;
}

static int redisSetresp(lua_State *L) {
    if (lua_gettop(L) != 1) return raiseError(L, "redis.setresp() requires one argument.");
    int resp = (int)lua_tonumber(L, 1);
    if (resp != 2 && resp != 3) return raiseError(L, "RESP version must be 2 or 3.");
    scriptRun *run = scriptCurrentRun();
    if (run) run->resp = resp;
    return 0;
}

static int redisSetRepl(lua_State *L) {
    /* Redis 7.0 asks for "two" arguments and means one. */
    if (lua_gettop(L) != 1) return raiseError(L, "redis.set_repl() requires two arguments.");
    int flags = (int)lua_tonumber(L, 1);
    if ((flags & ~REPL_ALL) != 0)
        return raiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or "
                        "REPL_NONE.");
    return 0;
}

static int redisReplicateCommands(lua_State *L) {
    lua_pushboolean(L, 1);
    return 1;
}

static int redisBreakpoint(lua_State *L) {
    lua_pushboolean(L, 0);
    return 1;
}

static int redisDebug(lua_State *L) {
    (void)L;
    return 0;
}

/* Whether the script's caller may run the command with these arguments
 * (its user's commands, keys and channels); an unknown command is an
 * error. */
static int redisAclCheckCmd(lua_State *L) {
    scriptRun *run = scriptCurrentRun();
    if (!run) return raiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
    int argc = lua_gettop(L);
    if (argc == 0)
        return raiseError(L, "Please specify at least one argument for this redis lib call");
    bstr *argv = callArguments(L, argc);
    if (!argv) return raiseError(L, "Lua redis lib command arguments must be strings or integers");
    command *cmd = commandLookup(argv, argc);
    int pos, allowed = cmd && aclCheckCommand(aclClientUser(run->caller), cmd, argc, argv, &pos) == ACL_OK;
    for (int i = 0; i < argc; i++) bstrFree(argv[i]);
    xfree(argv);
    if (!cmd) return raiseError(L, "Invalid command passed to redis.acl_check_cmd()");
    lua_pushboolean(L, allowed);
    return 1;
}

static void setFunction(lua_State *L, const char *name, lua_CFunction fn) {
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
}

static void setNumber(lua_State *L, const char *name, lua_Number n) {
    lua_pushnumber(L, n);
    lua_setfield(L, -2, name);
}

void luaRedisAddLoadTimeApi(lua_State *L) {
    setFunction(L, "log", redisLog);
    setNumber(L, "LOG_DEBUG", LL_DEBUG);
    setNumber(L, "LOG_VERBOSE", LL_VERBOSE);
    setNumber(L, "LOG_NOTICE", LL_NOTICE);
    setNumber(L, "LOG_WARNING", LL_WARNING);
    lua_pushstring(L, SCRIPT_REDIS_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    setNumber(L, "REDIS_VERSION_NUM", SCRIPT_REDIS_VERSION_NUM);
}

static void pushApi(lua_State *L, int forFunctions) {
    lua_newtable(L);
    luaRedisAddLoadTimeApi(L);
    setFunction(L, "setresp", redisSetresp);
    setFunction(L, "sha1hex", redisSha1hex);
    setFunction(L, "error_reply", redisErrorReply);
    setFunction(L, "status_reply", redisStatusReply);
    setFunction(L, "call", redisCall);
    setFunction(L, "pcall", redisPcall);
    setFunction(L, "set_repl", redisSetRepl);
    setFunction(L, "acl_check_cmd", redisAclCheckCmd);
    if (!forFunctions) { /* EVAL only, as in Redis 7.0 */
        setFunction(L, "replicate_commands", redisReplicateCommands);
        setFunction(L, "breakpoint", redisBreakpoint);
        setFunction(L, "debug", redisDebug);
    }
    setNumber(L, "REPL_NONE", REPL_NONE);
    setNumber(L, "REPL_AOF", REPL_AOF);
    setNumber(L, "REPL_SLAVE", REPL_REPLICA);
    setNumber(L, "REPL_REPLICA", REPL_REPLICA);
    setNumber(L, "REPL_ALL", REPL_ALL);
}

lua_State *luaRedisNewInterpreter(int forFunctions) {
    lua_State *L = luaSandboxCreate();
    if (!L) {
        serverLog(LL_WARNING, "Out of memory creating the Lua interpreter");
        abort();
    }
    pushApi(L, forFunctions);
    luaSandboxSetGlobal(L, "redis");
    if (forFunctions) { /* functions do not see the error handler */
        lua_pushnil(L);
        luaSandboxSetGlobal(L, "__redis__err__handler");
    }
    luaSandboxSeal(L);
    return L;
}
