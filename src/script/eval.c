/* script/eval.c -- EVAL scripts: interpreter, cache, runs.  See eval.h. */
#include "script/eval.h"
#include "client/reply.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "script/lua_redis.h"
#include "script/lua_reply.h"
#include "script/lua_sandbox.h"
#include "script/script_flags.h"
#include "script/script_run.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>
#include <strings.h>

#define SHA_HEX_LEN 40

typedef struct evalScript {
    bstr body;
    uint64_t flags;    /* script_flags.h, from its shebang */
    int fnRef;         /* the compiled function, in the registry */
} evalScript;

static lua_State *evalLua;
static dict *scripts;          /* sha (40 lowercase hex) -> evalScript* */
static size_t scriptsBodyBytes;

static void scriptFree(void *val) {
    evalScript *s = val;
    bstrFree(s->body);
    xfree(s);
}

static const dictType scriptsType = {
    .hash = bstrDictHash,
    .keyEqual = bstrDictKeyEqual,
    .keyFree = bstrDictKeyFree,
    .valFree = scriptFree,
};

void evalInit(void) {
    scripts = dictCreate(&scriptsType);
    evalLua = luaRedisNewInterpreter(0);
}

/* ------------------------------------------------------------ shebang */

/* The flags of "#!lua flags=a,b" in *flags (SCRIPT_FLAG_EVAL_COMPAT_MODE
 * without a shebang); -1 with *err set (the caller frees it). */
static int parseEvalShebang(const char *body, size_t len, uint64_t *flags, bstr *err) {
    *flags = SCRIPT_FLAG_EVAL_COMPAT_MODE;
    if (len < 2 || body[0] != '#' || body[1] != '!') return 0;
    bstr *words;
    int n = scriptShebangWords(body, len, &words);
    if (n < 1) {
        if (n >= 0) bstrFreeSplitRes(words, n);
        *err = bstrNew("Invalid script shebang");
        return -1;
    }
    int rc = 0;
    *flags = 0;
    if (strcasecmp(words[0] + 2, "lua") != 0) {
        *err = bstrCatPrintf(bstrEmpty(), "Unexpected engine in script shebang: %s", words[0]);
        rc = -1;
    }
    for (int i = 1; i < n && rc == 0; i++) {
        if (strncmp(words[i], "flags=", 6) != 0) {
            *err = bstrCatPrintf(bstrEmpty(), "Unknown lua shebang option: %s", words[i]);
            rc = -1;
            break;
        }
        const char *f = words[i] + 6, *fend = words[i] + bstrLen(words[i]);
        while (f < fend && rc == 0) {
            const char *comma = memchr(f, ',', (size_t)(fend - f));
            const char *nameEnd = comma ? comma : fend;
            uint64_t flag = scriptFlagByName(f, (size_t)(nameEnd - f));
            if (!flag) {
                *err = bstrCatPrintf(bstrEmpty(), "Unexpected flag in script shebang: %.*s",
                                     (int)(nameEnd - f), f);
                rc = -1;
            }
            *flags |= flag;
            f = comma ? comma + 1 : fend;
        }
    }
    bstrFreeSplitRes(words, n);
    return rc;
}

/* ------------------------------------------------------------ the cache */

static void shaOfBody(const char *body, size_t len, bstr *sha) {
    char hex[SHA_HEX_LEN + 1];
    luaSha1Hex(body, len, hex);
    *sha = bstrNewLen(hex, SHA_HEX_LEN);
}

static evalScript *lookupSha(const char *sha, size_t len) {
    if (len != SHA_HEX_LEN) return NULL;
    char lower[SHA_HEX_LEN];
    for (size_t i = 0; i < len; i++) lower[i] = (char)tolower((unsigned char)sha[i]);
    bstr key = bstrNewLen(lower, len);
    evalScript *s = dictFetchValue(scripts, key);
    bstrFree(key);
    return s;
}

/* Compiles body and caches it under sha (taking sha).  NULL, with the
 * error reply sent to c, when the shebang or the code is bad. */
static evalScript *compileAndCache(client *c, const char *body, size_t len, bstr sha) {
    uint64_t flags;
    bstr err = NULL;
    if (parseEvalShebang(body, len, &flags, &err) < 0) {
        replyErrorLen(c, err, bstrLen(err));
        bstrFree(err);
        bstrFree(sha);
        return NULL;
    }
    /* The shebang becomes a comment, so line numbers stay right. */
    bstr code = bstrNewLen(body, len);
    if (!(flags & SCRIPT_FLAG_EVAL_COMPAT_MODE)) code[0] = code[1] = '-';
    lua_State *L = evalLua;
    int rc = luaL_loadbuffer(L, code, bstrLen(code), "@user_script");
    bstrFree(code);
    if (rc != 0) {
        replyErrorFormat(c, "Error compiling script (new function): %s", lua_tostring(L, -1));
        lua_pop(L, 1);
        bstrFree(sha);
        return NULL;
    }
    evalScript *s = xmalloc(sizeof(*s));
    s->body = bstrNewLen(body, len);
    s->flags = flags;
    s->fnRef = luaL_ref(L, LUA_REGISTRYINDEX);
    dictAdd(scripts, sha, s);
    scriptsBodyBytes += len;
    return s;
}

/* The script for body (compiled and cached now if it is new), with its
 * SHA1 in shaOut (40 chars + NUL). */
static evalScript *scriptForBody(client *c, const char *body, size_t len, char *shaOut) {
    bstr sha;
    shaOfBody(body, len, &sha);
    memcpy(shaOut, sha, SHA_HEX_LEN + 1);
    evalScript *s = dictFetchValue(scripts, sha);
    if (s) {
        bstrFree(sha);
        return s;
    }
    return compileAndCache(c, body, len, sha);
}

void evalLoad(client *c, const char *body, size_t len) {
    char sha[SHA_HEX_LEN + 1];
    if (scriptForBody(c, body, len, sha)) replyBulk(c, sha, SHA_HEX_LEN);
}

int evalExists(const char *sha, size_t len) { return lookupSha(sha, len) != NULL; }

void evalFlush(void) {
    dictEmpty(scripts);
    scriptsBodyBytes = 0;
    lua_close(evalLua);
    evalLua = luaRedisNewInterpreter(0);
}

size_t evalCachedScripts(void) { return dictSize(scripts); }

size_t evalInterpreterBytes(void) {
    return (size_t)lua_gc(evalLua, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(evalLua, LUA_GCCOUNTB, 0);
}

size_t evalCacheBytes(void) {
    return scriptsBodyBytes + dictSize(scripts) * (sizeof(evalScript) + SHA_HEX_LEN + 32);
}

/* ------------------------------------------------------------ runs */

/* A new global table `name` of argv[0..n). */
static void setArgsGlobal(lua_State *L, const char *name, bstr *argv, int n) {
    luaPushStringArray(L, argv, n);
    luaSandboxSetGlobal(L, name);
}

void evalRun(client *c, int bySha, int readOnly) {
    long long numkeys;
    if (!scriptNumKeysOrReply(c, "value is not an integer or out of range", &numkeys)) return;
    char sha[SHA_HEX_LEN + 1];
    evalScript *s;
    if (bySha) {
        s = lookupSha(c->argv[1], bstrLen(c->argv[1]));
        if (!s) {
            replyError(c, "-NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
        for (int i = 0; i < SHA_HEX_LEN; i++) sha[i] = (char)tolower((unsigned char)c->argv[1][i]);
        sha[SHA_HEX_LEN] = '\0';
    } else {
        s = scriptForBody(c, c->argv[1], bstrLen(c->argv[1]), sha);
        if (!s) return;
    }
    /* A script that declares flags and not no-writes may write: the _RO
     * forms refuse it rather than fail its first write. */
    if (readOnly && !(s->flags & (SCRIPT_FLAG_EVAL_COMPAT_MODE | SCRIPT_FLAG_NO_WRITES))) {
        replyError(c, "Can not execute a script with write flag using *_ro command.");
        return;
    }
    lua_State *L = evalLua;
    setArgsGlobal(L, "KEYS", c->argv + 3, (int)numkeys);
    setArgsGlobal(L, "ARGV", c->argv + 3 + numkeys, c->argc - 3 - (int)numkeys);
    scriptRun run = {.caller = c, .name = sha, .isEval = 1,
                     .readOnly = readOnly || (s->flags & SCRIPT_FLAG_NO_WRITES),
                     .allowOom = (s->flags & SCRIPT_FLAG_ALLOW_OOM) != 0};
    scriptRunBegin(&run, L);
    luaSandboxPushErrorHandler(L);
    int errIdx = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->fnRef);
    scriptRunCall(&run, errIdx, 0);
}

uint64_t evalRequestScriptFlags(client *c) {
    if (c->argc < 2) return SCRIPT_FLAG_EVAL_COMPAT_MODE;
    const char *name = c->cmd->name;
    int bySha = !strncmp(name, "evalsha", 7);
    evalScript *s;
    if (bySha) {
        s = lookupSha(c->argv[1], bstrLen(c->argv[1]));
    } else {
        bstr sha;
        shaOfBody(c->argv[1], bstrLen(c->argv[1]), &sha);
        s = dictFetchValue(scripts, sha);
        bstrFree(sha);
        if (!s) {
            uint64_t flags;
            bstr err = NULL;
            if (parseEvalShebang(c->argv[1], bstrLen(c->argv[1]), &flags, &err) < 0) {
                bstrFree(err);
                return SCRIPT_FLAG_EVAL_COMPAT_MODE;
            }
            return flags;
        }
    }
    return s ? s->flags : SCRIPT_FLAG_EVAL_COMPAT_MODE;
}
