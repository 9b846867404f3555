/* script/lua_sandbox.c -- the interpreter scripts run in.  See lua_sandbox.h.
 *
 * Registry entries (keys are the addresses of the statics below):
 *   realGlobals  the table the libraries live in
 *   proxies      weak-keyed: proxy -> the table it protects */
#include "script/lua_sandbox.h"
#include "script/lualib_cmsgpack.h"
#include "script/lualib_struct.h"

#include <lauxlib.h>
#include <lualib.h>
#include <lua-bitop.h>
#include <lua-cjson.h>
#include <string.h>

static char realGlobalsKey;
static char proxiesKey;

/* Globals Redis 7.0 gives scripts (besides KEYS, ARGV and the tables set
 * up by the caller); every other one a library defines is removed. */
static const char *const allowedGlobals[] = {
    "_G", "_VERSION", "__redis__err__handler", "assert", "collectgarbage", "coroutine",
    "error", "gcinfo", "getmetatable", "ipairs", "load", "loadstring", "math", "next",
    "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable", "string",
    "table", "tonumber", "tostring", "type", "unpack", "xpcall", "cjson", "bit", "struct",
    "cmsgpack", "redis", NULL};

/* Library tables made readonly at sealing. */
static const char *const protectedLibraries[] = {"coroutine", "math", "string", "table", "cjson",
                                                 "bit", "struct", "cmsgpack", "redis", NULL};

static void pushRegistry(lua_State *L, char *key) {
    lua_pushlightuserdata(L, key);
    lua_rawget(L, LUA_REGISTRYINDEX);
}

/* The table a proxy protects, pushed; or the value itself if it is not a
 * proxy. */
static void pushTarget(lua_State *L, int idx) {
    idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
    pushRegistry(L, &proxiesKey);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushvalue(L, idx);
    }
}

static int isProxy(lua_State *L, int idx) {
    if (!lua_istable(L, idx)) return 0;
    idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
    pushRegistry(L, &proxiesKey);
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    int yes = !lua_isnil(L, -1);
    lua_pop(L, 2);
    return yes;
}

static int refuseWrite(lua_State *L) { return luaL_error(L, "Attempt to modify a readonly table"); }

/* The same refusal from a library function (setmetatable, rawset): the
 * message carries no position, as when Redis's VM raises it inside a C
 * function. */
static int refuseWriteNoPosition(lua_State *L) {
    lua_pushliteral(L, "Attempt to modify a readonly table");
    return lua_error(L);
}

static int refuseMissingGlobal(lua_State *L) {
    const char *name = lua_tostring(L, 2);
    return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                      name ? name : "?");
}

/* The table on the top, replaced by a proxy: an empty table whose
 * metatable reads from it and refuses writes.  getmetatable on the proxy
 * answers a proxy of that metatable, so it cannot be changed either. */
static void makeProxy(lua_State *L, int protectMetatable) {
    int target = lua_gettop(L);
    lua_newtable(L);                      /* proxy */
    lua_newtable(L);                      /* its metatable */
    lua_pushvalue(L, target);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, refuseWrite);
    lua_setfield(L, -2, "__newindex");
    if (protectMetatable) {
        lua_pushvalue(L, -1);
        makeProxy(L, 0);
    } else {
        lua_pushboolean(L, 0);
    }
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    pushRegistry(L, &proxiesKey);         /* proxies[proxy] = target */
    lua_pushvalue(L, -2);
    lua_pushvalue(L, target);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, target);
}

void luaSandboxProtectTop(lua_State *L) { makeProxy(L, 1); }

/* ------------------------------------------------ functions that see proxies */

static int sandboxSetmetatable(lua_State *L) {
    if (isProxy(L, 1)) return refuseWriteNoPosition(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int sandboxRawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (isProxy(L, 1)) return refuseWriteNoPosition(L);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int sandboxRawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    pushTarget(L, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

static int sandboxNext(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    pushTarget(L, 1);
    lua_pushvalue(L, 2);
    if (lua_next(L, -2)) return 2;
    lua_pushnil(L);
    return 1;
}

static int sandboxPairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1)); /* next */
    pushTarget(L, 1);
    lua_pushnil(L);
    return 3;
}

static int ipairsStep(lua_State *L) {
    int i = (int)luaL_checkinteger(L, 2) + 1;
    lua_pushinteger(L, i);
    lua_rawgeti(L, 1, i);
    return lua_isnil(L, -1) ? 0 : 2;
}

static int sandboxIpairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushcfunction(L, ipairsStep);
    pushTarget(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

/* Precompiled chunks are refused (Redis's Lua cannot load them: bytecode
 * is not checked and could break the interpreter).  loadstring and load
 * then answer nil and a message, as for a chunk that does not compile. */
static int refuseBinaryChunk(lua_State *L) {
    lua_pushnil(L);
    lua_pushliteral(L, "binary chunks are not allowed");
    return 2;
}

static int sandboxLoadstring(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, s);
    if (len && s[0] == LUA_SIGNATURE[0]) return refuseBinaryChunk(L);
    if (luaL_loadbuffer(L, s, len, name) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

/* load(f [, name]): the pieces f returns, joined, then as loadstring. */
static int sandboxLoad(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    const char *name = luaL_optstring(L, 2, "=(load)");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    while (1) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_pushstring(L, name);
    lua_replace(L, 2);
    lua_replace(L, 1);
    lua_settop(L, 2);
    return sandboxLoadstring(L);
}

/* pcall as Redis 7.0 gives it: an error raised as a table {err = "..."}
 * (redis.call's, redis.error_reply's) is caught as its message, a
 * string, so scripts written for older Redis keep working. */
static int sandboxPcall(lua_State *L) {
    luaL_checkany(L, 1);
    int argc = lua_gettop(L);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) == 0) {
        lua_pushboolean(L, 1);
        lua_insert(L, 1);
        return lua_gettop(L);
    }
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        if (lua_isstring(L, -1)) lua_replace(L, -2);
        else lua_pop(L, 1);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

/* Replaces the base functions that would see a proxy's emptiness, or
 * write past it, or load bytecode. */
static void installProxyAwareFunctions(lua_State *L) {
    lua_getglobal(L, "setmetatable");
    lua_pushcclosure(L, sandboxSetmetatable, 1);
    lua_setglobal(L, "setmetatable");
    lua_pushcfunction(L, sandboxRawset);
    lua_setglobal(L, "rawset");
    lua_pushcfunction(L, sandboxRawget);
    lua_setglobal(L, "rawget");
    lua_pushcfunction(L, sandboxNext);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "next");
    lua_pushcclosure(L, sandboxPairs, 1);
    lua_setglobal(L, "pairs");
    lua_pushcfunction(L, sandboxIpairs);
    lua_setglobal(L, "ipairs");
    lua_pushcfunction(L, sandboxLoadstring);
    lua_setglobal(L, "loadstring");
    lua_pushcfunction(L, sandboxLoad);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, sandboxPcall);
    lua_setglobal(L, "pcall");
}

/* ------------------------------------------------------------ error handler */

/* Where the error was raised: the innermost Lua function (a C function
 * such as error() or redis.call stands for the script that called it). */
static int errorLocation(lua_State *L, lua_Debug *ar) {
    for (int level = 1; level <= 2; level++) {
        if (!lua_getstack(L, level, ar) || !lua_getinfo(L, "nSl", ar)) return 0;
        if (strcmp(ar->what, "C") != 0) return 1;
    }
    return 1;
}

/* tostring(v) of the value at idx, pushed, as Lua's tostring words it
 * ("nil", "true", "table: 0x..."); the base function is kept in the
 * registry, out of the scripts' reach. */
static void pushToString(lua_State *L, int idx) {
    lua_getfield(L, LUA_REGISTRYINDEX, "redis_kv_tostring");
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
}

static int errorHandler(lua_State *L) {
    lua_settop(L, 1);
    if (!lua_istable(L, 1)) {
        lua_newtable(L);
        lua_pushliteral(L, "ERR ");
        pushToString(L, 1);
        lua_concat(L, 2);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
    }
    lua_Debug ar;
    if (errorLocation(L, &ar)) {
        lua_pushstring(L, ar.source);
        lua_setfield(L, 1, "source");
        lua_pushinteger(L, ar.currentline);
        lua_setfield(L, 1, "line");
    }
    return 1;
}

void luaSandboxPushErrorHandler(lua_State *L) {
    lua_getfield(L, LUA_REGISTRYINDEX, "__redis__err__handler");
}

/* ------------------------------------------------------------ set-up */

/* Runs open(L) the way luaL_openlibs does; a library that returns its
 * table without naming it a global (cjson) is given the global name. */
static void openLibrary(lua_State *L, const char *name, lua_CFunction open) {
    lua_pushcfunction(L, open);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_istable(L, -1) && name[0]) {
        lua_getglobal(L, name);
        int named = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (!named) {
            lua_setglobal(L, name);
            return;
        }
    }
    lua_pop(L, 1);
}

static void removeUnlistedGlobals(lua_State *L) {
    lua_pushnil(L);
    while (lua_next(L, LUA_GLOBALSINDEX)) {
        lua_pop(L, 1);
        int allowed = 0;
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            for (int i = 0; allowedGlobals[i]; i++)
                if (!strcmp(k, allowedGlobals[i])) allowed = 1;
        }
        if (!allowed) {
            /* Clearing a field during lua_next is allowed. */
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, LUA_GLOBALSINDEX);
        }
    }
}

lua_State *luaSandboxCreate(void) {
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    lua_pushlightuserdata(L, &proxiesKey);
    lua_newtable(L);
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
    lua_pushlightuserdata(L, &realGlobalsKey);
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    lua_rawset(L, LUA_REGISTRYINDEX);

    openLibrary(L, "", luaopen_base);
    openLibrary(L, LUA_TABLIBNAME, luaopen_table);
    openLibrary(L, LUA_STRLIBNAME, luaopen_string);
    openLibrary(L, LUA_MATHLIBNAME, luaopen_math);
    openLibrary(L, "cjson", luaopen_cjson);
    openLibrary(L, "bit", luaopen_bit);
    openLibrary(L, "struct", luaopen_struct);
    openLibrary(L, "cmsgpack", luaopen_cmsgpack);
    lua_getglobal(L, "tostring");
    lua_setfield(L, LUA_REGISTRYINDEX, "redis_kv_tostring");
    installProxyAwareFunctions(L);
    lua_pushcfunction(L, errorHandler);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "__redis__err__handler");
    lua_setglobal(L, "__redis__err__handler");
    removeUnlistedGlobals(L);
    return L;
}

void luaSandboxPushStrictTable(lua_State *L) {
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, refuseMissingGlobal);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

void luaSandboxPushRealGlobals(lua_State *L) { pushRegistry(L, &realGlobalsKey); }

void luaSandboxSetGlobalsView(lua_State *L) {
    lua_getmetatable(L, LUA_GLOBALSINDEX);
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void luaSandboxSetGlobal(lua_State *L, const char *name) {
    pushRegistry(L, &realGlobalsKey);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

void luaSandboxSeal(lua_State *L) {
    pushRegistry(L, &realGlobalsKey);
    int real = lua_gettop(L);
    for (int i = 0; protectedLibraries[i]; i++) {
        lua_getfield(L, real, protectedLibraries[i]);
        if (!lua_istable(L, -1) || isProxy(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        makeProxy(L, 1);
        lua_setfield(L, real, protectedLibraries[i]);
    }
    /* Strings' metatable reads methods through the string library's
     * proxy, and getmetatable('') answers a proxy of it: neither can be
     * changed. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_getfield(L, real, "string");
        lua_setfield(L, -2, "__index");
        lua_pushvalue(L, -1);
        makeProxy(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* Reading a missing global is an error. */
    lua_newtable(L);
    lua_pushcfunction(L, refuseMissingGlobal);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, real);
    /* The thread's globals become the proxy; _G names it too. */
    lua_pushvalue(L, real);
    makeProxy(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, real, "_G");
    lua_replace(L, LUA_GLOBALSINDEX);
    lua_pop(L, 1);
}
