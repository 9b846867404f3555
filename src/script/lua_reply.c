/* script/lua_reply.c -- replies to Lua values and back.  See lua_reply.h.
 *
 * The replies read here are the ones redis-kv's own handlers wrote into
 * a script's client, so they are well formed; the reader still never
 * reads past the end it is given (a short reply reads as nil). */
#include "script/lua_reply.h"
#include "client/reply.h"
#include "command/command.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- reply -> Lua */

typedef struct respCursor {
    const char *p, *end;
} respCursor;

/* The header line at the cursor: its type byte, and the text after it
 * up to CRLF (not terminated).  0 when there is none. */
static int readLine(respCursor *cur, char *type, const char **text, size_t *len) {
    if (cur->p >= cur->end) return 0;
    const char *nl = memchr(cur->p, '\n', (size_t)(cur->end - cur->p));
    if (!nl || nl == cur->p) return 0;
    *type = cur->p[0];
    *text = cur->p + 1;
    *len = (size_t)(nl - 1 - *text);   /* without \r */
    cur->p = nl + 1;
    return 1;
}

static long long lineNumber(const char *text, size_t len) {
    char buf[32];
    if (len >= sizeof(buf)) len = sizeof(buf) - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return strtoll(buf, NULL, 10);
}

/* The body of a bulk-like reply of n bytes plus CRLF. */
static const char *readBody(respCursor *cur, long long n) {
    if (n < 0 || cur->end - cur->p < n + 2) return NULL;
    const char *body = cur->p;
    cur->p += n + 2;
    return body;
}

static void pushOne(lua_State *L, respCursor *cur);

static void setField(lua_State *L, const char *field) { lua_setfield(L, -2, field); }

/* {field = value}: value is on the top; it is wrapped in place. */
static void wrapInField(lua_State *L, const char *field) {
    lua_newtable(L);
    lua_insert(L, -2);
    setField(L, field);
}

static void pushAggregate(lua_State *L, respCursor *cur, char type, long long n) {
    if (!lua_checkstack(L, 4)) { /* nested too deep for Lua: nil, not an error
                                     that would leave the caller's buffers */
        lua_pushnil(L);
        return;
    }
    lua_newtable(L);
    for (long long i = 0; i < n; i++) {
        if (type == '*') {
            pushOne(L, cur);
            lua_rawseti(L, -2, (int)i + 1);
        } else if (type == '%') {
            pushOne(L, cur);
            pushOne(L, cur);
            lua_rawset(L, -3);
        } else { /* '~' */
            pushOne(L, cur);
            lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
    }
    if (type == '%') wrapInField(L, "map");
    else if (type == '~') wrapInField(L, "set");
}

static void pushOne(lua_State *L, respCursor *cur) {
    char type;
    const char *text;
    size_t len;
    if (!readLine(cur, &type, &text, &len)) {
        lua_pushnil(L);
        return;
    }
    switch (type) {
    case ':': lua_pushnumber(L, (lua_Number)lineNumber(text, len)); break;
    case '+':
        lua_newtable(L);
        lua_pushlstring(L, text, len);
        setField(L, "ok");
        break;
    case '-': luaPushError(L, text - 1, len + 1, 0); break; /* with its '-' */
    case '$': case '=': {
        long long n = lineNumber(text, len);
        const char *body = n >= 0 ? readBody(cur, n) : NULL;
        if (!body) {
            lua_pushboolean(L, 0);
        } else if (type == '$' || n < 4) {
            lua_pushlstring(L, body, (size_t)n);
        } else {
            lua_newtable(L);
            lua_pushlstring(L, body, 3);
            setField(L, "format");
            lua_pushlstring(L, body + 4, (size_t)n - 4);
            setField(L, "string");
            wrapInField(L, "verbatim_string");
        }
        break;
    }
    case '*': case '%': case '~': case '>': {
        long long n = lineNumber(text, len);
        if (n < 0) lua_pushboolean(L, 0);
        else pushAggregate(L, cur, type == '>' ? '*' : type, n);
        break;
    }
    case '_': lua_pushnil(L); break;
    case '#': lua_pushboolean(L, len > 0 && text[0] == 't'); break;
    case ',': {
        char buf[64];
        size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
        memcpy(buf, text, n);
        buf[n] = '\0';
        lua_pushnumber(L, strtod(buf, NULL));
        wrapInField(L, "double");
        break;
    }
    case '(':
        lua_pushlstring(L, text, len);
        wrapInField(L, "big_number");
        break;
    default: lua_pushnil(L); break;
    }
}

void luaPushReply(lua_State *L, const char *p, size_t len) {
    respCursor cur = {p, p + len};
    pushOne(L, &cur);
}

void luaPushStringArray(lua_State *L, bstr *argv, int n) {
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushlstring(L, argv[i], bstrLen(argv[i]));
        lua_rawseti(L, -2, i + 1);
    }
}

/* ---------------------------------------------------------- errors */

void luaPushError(lua_State *L, const char *err, size_t len, int ignoreStats) {
    while (len && (err[len - 1] == '\n' || err[len - 1] == '\r')) len--;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (len && err[0] == '-') {
        err++;
        len--;
        const char *sp = memchr(err, ' ', len);
        if (!sp) luaL_addlstring(&b, "ERR ", 4);
        luaL_addlstring(&b, err, len);
    } else {
        luaL_addlstring(&b, "ERR ", 4);
        luaL_addlstring(&b, err, len);
    }
    lua_newtable(L);
    luaL_pushresult(&b);
    setField(L, "err");
    if (ignoreStats) {
        lua_pushboolean(L, 1);
        setField(L, "ignore_error_stats_update");
    }
}

int luaErrorIgnoresStats(lua_State *L, int idx) {
    lua_getfield(L, idx, "ignore_error_stats_update");
    int yes = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return yes;
}

/* ------------------------------------------------------- Lua -> reply */

/* Pushes field `name` of the table at idx and returns 1 when it has the
 * given Lua type; else pushes nothing and returns 0. */
static int getTypedField(lua_State *L, int idx, const char *name, int type) {
    lua_pushstring(L, name);
    lua_rawget(L, idx);
    if (lua_type(L, -1) == type) return 1;
    lua_pop(L, 1);
    return 0;
}

static void replyTable(client *c, lua_State *L, int idx, int scriptResp);

void luaReplyValue(client *c, lua_State *L, int idx, int scriptResp) {
    if (!lua_checkstack(L, 4)) {
        replyError(c, "reached lua stack limit");
        return;
    }
    idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        replyBulk(c, s, len);
        break;
    }
    case LUA_TBOOLEAN:
        if (scriptResp == 2) {
            if (lua_toboolean(L, idx)) replyLongLong(c, 1);
            else replyNull(c);
        } else {
            replyBool(c, lua_toboolean(L, idx));
        }
        break;
    case LUA_TNUMBER: replyLongLong(c, (long long)lua_tonumber(L, idx)); break;
    case LUA_TTABLE: replyTable(c, L, idx, scriptResp); break;
    default: replyNull(c); break;
    }
}

/* A one-line reply (status, big number) of the string on the top
 * (popped); newlines become spaces, as Redis makes them. */
static void replyLineField(client *c, lua_State *L,
                           void (*reply)(client *c, const char *s, size_t len)) {
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    bstr line = bstrNewLen(s, len);
    bstrMapChars(line, "\r\n", "  ", 2);
    reply(c, line, bstrLen(line));
    bstrFree(line);
    lua_pop(L, 1);
}

static void replyMapOrSet(client *c, lua_State *L, int idx, int isMap, int scriptResp) {
    long long n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    if (isMap) replyMapLen(c, n);
    else replySetLen(c, n);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        luaReplyValue(c, L, -2, scriptResp);
        if (isMap) luaReplyValue(c, L, -1, scriptResp);
        lua_pop(L, 1);
    }
}

static void replyArray(client *c, lua_State *L, int idx, int scriptResp) {
    long long n = 0;
    while (1) {
        lua_rawgeti(L, idx, (int)n + 1);
        int end = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (end) break;
        n++;
    }
    replyArrayLen(c, n);
    for (long long i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, (int)i);
        luaReplyValue(c, L, -1, scriptResp);
        lua_pop(L, 1);
    }
}

static void replyTable(client *c, lua_State *L, int idx, int scriptResp) {
    if (getTypedField(L, idx, "err", LUA_TSTRING)) {
        int ignore = luaErrorIgnoresStats(L, idx);
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        bstr e = bstrCatLen(bstrNewLen("-", 1), s, len);
        if (ignore) {
            /* Counted when the command answered it; the call that
             * returns it still failed, as in Redis. */
            replyErrorNoStats(c, e, bstrLen(e));
            if (c->cmd) c->cmd->stats.failedCalls++;
        } else {
            replyErrorLen(c, e, bstrLen(e));
        }
        bstrFree(e);
        lua_pop(L, 1);
        return;
    }
    if (getTypedField(L, idx, "ok", LUA_TSTRING)) {
        replyLineField(c, L, replyStatusLen);
        return;
    }
    if (getTypedField(L, idx, "double", LUA_TNUMBER)) {
        replyDouble(c, lua_tonumber(L, -1));
        lua_pop(L, 1);
        return;
    }
    if (getTypedField(L, idx, "big_number", LUA_TSTRING)) {
        replyLineField(c, L, replyBigNumber);
        return;
    }
    if (getTypedField(L, idx, "map", LUA_TTABLE)) {
        replyMapOrSet(c, L, lua_gettop(L), 1, scriptResp);
        lua_pop(L, 1);
        return;
    }
    if (getTypedField(L, idx, "set", LUA_TTABLE)) {
        replyMapOrSet(c, L, lua_gettop(L), 0, scriptResp);
        lua_pop(L, 1);
        return;
    }
    if (getTypedField(L, idx, "verbatim_string", LUA_TTABLE)) {
        int v = lua_gettop(L);
        lua_getfield(L, v, "format");
        lua_getfield(L, v, "string");
        size_t flen, slen;
        const char *fmt = lua_tolstring(L, -2, &flen);
        const char *str = lua_tolstring(L, -1, &slen);
        int ok = lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING && flen == 3;
        if (ok) replyVerbatim(c, str, slen, fmt);
        lua_pop(L, 3);
        if (ok) return;
        /* Not a verbatim string after all: the table is an array, as in Redis. */
    }
    replyArray(c, L, idx, scriptResp);
}
