/* script/function.c -- FUNCTION libraries and FCALL.  See function.h.
 *
 * Every change to the libraries is checked in full first (the code
 * compiles, registers at least one function, no name clashes), then
 * written to the log, and only then applied in memory: a write that
 * fails leaves the libraries as they were. */
#include "script/function.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "lib/glob.h"
#include "lib/log.h"
#include "lib/rdb_encoding.h"
#include "script/lua_redis.h"
#include "script/lua_reply.h"
#include "script/lua_sandbox.h"
#include "script/script_flags.h"
#include "script/script_run.h"
#include "server/server.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The log's name of library `name`: this prefix, then the name. */
#define FUNCTION_META_PREFIX "function:"
#define FUNCTION_META_PREFIX_LEN 9

/* How long a library's code may run at load time (Redis's limit): code
 * that loops there would hold the server with no way to kill it. */
#define FUNCTION_LOAD_TIMEOUT_MS 500

typedef struct library library;

typedef struct function {
    bstr name;
    bstr description;      /* NULL when none was given */
    uint64_t flags;        /* script_flags.h */
    int fnRef;             /* the callback, in the registry */
    library *lib;
} function;

struct library {
    bstr name;
    bstr code;
    function **functions;
    int count;
};

static lua_State *functionLua;
static int loadViewRef;          /* the globals a library sees while it loads */
static dict *libraries;          /* name -> library* */
static dict *functions;          /* name -> function*, over all libraries */
static size_t codeBytes;
/* dbMetaVersion() when the libraries last matched the log: another value
 * means the log's metadata changed under them (a failed flush undid
 * writes, a restore replaced the data set), and they are loaded again. */
static uint64_t metaVersionSeen;

static const dictType librariesType = {
    .hash = bstrDictHash, .keyEqual = bstrDictKeyEqual, .keyFree = NULL, .valFree = NULL};
/* Function names are case-insensitive (FCALL TEST calls test), library
 * names are not: as in Redis. */
static uint64_t caseHash(const void *key) {
    return dictGenCaseHashFunction(key, bstrLen((bstr)key));
}
static int caseEqual(const void *a, const void *b) {
    size_t len = bstrLen((bstr)a);
    return len == bstrLen((bstr)b) && !strncasecmp(a, b, len);
}
static const dictType functionsType = {
    .hash = caseHash, .keyEqual = caseEqual, .keyFree = NULL, .valFree = NULL};

static void libraryFree(library *lib) {
    if (!lib) return;
    for (int i = 0; i < lib->count; i++) {
        function *f = lib->functions[i];
        luaL_unref(functionLua, LUA_REGISTRYINDEX, f->fnRef);
        bstrFree(f->name);
        bstrFree(f->description);
        xfree(f);
    }
    xfree(lib->functions);
    bstrFree(lib->name);
    bstrFree(lib->code);
    xfree(lib);
}

/* Names of libraries and functions: letters, digits and '_', at least one. */
static int validName(const char *s, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------ registration */

/* The library whose code is running at load time (register_function adds
 * to it), or NULL. */
static library *loading;
static long long loadStartUs;

static int registrationError(lua_State *L, const char *msg) {
    luaPushError(L, msg, strlen(msg), 0);
    return lua_error(L);
}

/* Whether lib registered a function called name: exactly (within one
 * library "fs" and "FS" are two functions, as in Redis), or in any case
 * (across libraries, where FCALL finds functions case-insensitively). */
static int libraryHasFunction(library *lib, const char *name, size_t len, int anyCase) {
    for (int i = 0; i < lib->count; i++) {
        const char *n = lib->functions[i]->name;
        if (bstrLen(lib->functions[i]->name) == len &&
            !(anyCase ? strncasecmp(n, name, len) : memcmp(n, name, len)))
            return 1;
    }
    return 0;
}

/* The named form's flags table at idx into *flags; 0 on an unknown one. */
static int readFlagsTable(lua_State *L, int idx, uint64_t *flags) {
    *flags = 0;
    if (!lua_istable(L, idx)) return 0;
    for (int i = 1;; i++) {
        lua_rawgeti(L, idx, i);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            return 1;
        }
        size_t len;
        const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        uint64_t flag = name ? scriptFlagByName(name, len) : 0;
        lua_pop(L, 1);
        if (!flag) return 0;
        *flags |= flag;
    }
}

/* redis.register_function{function_name=, callback=, flags=, description=}:
 * leaves the name at 1 and the callback at 2, and fills flags and
 * description (freed here if an error is raised). */
static void readNamedArguments(lua_State *L, uint64_t *flags, bstr *description) {
    lua_settop(L, 1);
    lua_pushnil(L); /* 2: the name */
    lua_pushnil(L); /* 3: the callback */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        const char *refusal = NULL;
        if (!strcmp(key, "function_name")) {
            if (!lua_isstring(L, -1))
                refusal = "function_name argument given to redis.register_function must be a "
                          "string";
            lua_pushvalue(L, -1);
            lua_replace(L, 2);
        } else if (!strcmp(key, "callback")) {
            if (!lua_isfunction(L, -1))
                refusal = "callback argument given to redis.register_function must be a function";
            lua_pushvalue(L, -1);
            lua_replace(L, 3);
        } else if (!strcmp(key, "flags")) {
            if (!lua_istable(L, -1))
                refusal = "flags argument to redis.register_function must be a table "
                          "representing function flags";
            else if (!readFlagsTable(L, lua_gettop(L), flags))
                refusal = "unknown flag given";
        } else if (!strcmp(key, "description")) {
            if (!lua_isstring(L, -1)) {
                refusal = "description argument given to redis.register_function must be a "
                          "string";
            } else {
                size_t len;
                const char *d = lua_tolstring(L, -1, &len);
                bstrFree(*description);
                *description = bstrNewLen(d, len);
            }
        } else {
            refusal = "unknown argument given to redis.register_function";
        }
        if (refusal) {
            bstrFree(*description);
            registrationError(L, refusal);
        }
        lua_pop(L, 1);
    }
    lua_remove(L, 1);
}

static int luaRegisterFunction(lua_State *L) {
    library *lib = loading;
    if (!lib) return registrationError(L, "redis.register_function can only be called on "
                                          "FUNCTION LOAD command");
    int argc = lua_gettop(L);
    uint64_t flags = 0;
    bstr description = NULL;
    if (argc == 1) {
        if (!lua_istable(L, 1))
            return registrationError(L, "calling redis.register_function with a single argument "
                                        "is only applicable to Lua table (representing named "
                                        "arguments).");
        readNamedArguments(L, &flags, &description);
    } else if (argc != 2) {
        return registrationError(L, "wrong number of arguments to redis.register_function");
    }
    if (!lua_isstring(L, 1)) { /* a number is a name too, as in Redis */
        bstrFree(description);
        return registrationError(L, argc == 1 ? "redis.register_function must get a function "
                                                "name argument"
                                              : "first argument to redis.register_function must "
                                                "be a string");
    }
    if (!lua_isfunction(L, 2)) {
        bstrFree(description);
        return registrationError(L, argc == 1 ? "redis.register_function must get a callback "
                                                "argument"
                                              : "second argument to redis.register_function "
                                                "must be a function");
    }
    size_t len;
    const char *name = lua_tolstring(L, 1, &len);
    const char *refusal = NULL;
    /* Redis 7.0 words a bad function name as a bad library name. */
    if (!validName(name, len))
        refusal = "Library names can only contain letters, numbers, or underscores(_) and must "
                  "be at least one character long";
    else if (libraryHasFunction(lib, name, len, 0))
        refusal = "Function already exists in the library";
    if (refusal) {
        bstrFree(description);
        return registrationError(L, refusal);
    }
    function *f = xcalloc(1, sizeof(*f));
    f->name = bstrNewLen(name, len);
    f->description = description;
    f->flags = flags;
    f->lib = lib;
    lua_pushvalue(L, 2);
    f->fnRef = luaL_ref(L, LUA_REGISTRYINDEX);
    lib->functions = xrealloc(lib->functions, sizeof(function *) * (size_t)(lib->count + 1));
    lib->functions[lib->count++] = f;
    return 0;
}

static void loadTimeoutHook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if ((monotonicUs() - loadStartUs) / 1000 < FUNCTION_LOAD_TIMEOUT_MS) return;
    lua_sethook(L, loadTimeoutHook, LUA_MASKLINE, 0);
    registrationError(L, "FUNCTION LOAD timeout");
}

/* ------------------------------------------------------ libraries */

/* The library name of "#!lua name=<name>\n...", or -1 with *err. */
static int parseLibraryMetadata(const char *code, size_t len, bstr *name, bstr *err) {
    if (len < 2 || code[0] != '#' || code[1] != '!') {
        *err = bstrNew("Missing library metadata");
        return -1;
    }
    bstr *words;
    int n = scriptShebangWords(code, len, &words);
    if (n < 1) {
        if (n >= 0) bstrFreeSplitRes(words, n);
        *err = bstrNew("Invalid library metadata");
        return -1;
    }
    *name = NULL;
    *err = NULL;
    for (int i = 1; i < n && !*err; i++) {
        if (strncmp(words[i], "name=", 5) != 0)
            *err = bstrCatPrintf(bstrEmpty(), "Invalid metadata value given: %s", words[i]);
        else if (*name)
            *err = bstrNew("Invalid metadata value, name argument was given multiple times");
        else
            *name = bstrNewLen(words[i] + 5, bstrLen(words[i]) - 5);
    }
    if (!*err && strcasecmp(words[0] + 2, "lua") != 0)
        *err = bstrCatPrintf(bstrEmpty(), "Engine '%s' not found", words[0] + 2);
    if (!*err && !*name) *err = bstrNew("Library name was not given");
    if (!*err && !validName(*name, bstrLen(*name)))
        *err = bstrNew("Library names can only contain letters, numbers, or underscores(_) and "
                       "must be at least one character long");
    bstrFreeSplitRes(words, n);
    if (!*err) return 0;
    bstrFree(*name);
    *name = NULL;
    return -1;
}

/* Runs the compiled chunk on the top of the stack with the load-time
 * globals, registering into lib.  0, or -1 with *err. */
static int runLibraryCode(lua_State *L, library *lib, bstr *err) {
    luaSandboxPushErrorHandler(L);
    lua_insert(L, -2);
    int errIdx = lua_gettop(L) - 1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, loadViewRef);
    luaSandboxSetGlobalsView(L);
    loading = lib;
    loadStartUs = monotonicUs();
    lua_sethook(L, loadTimeoutHook, LUA_MASKCOUNT, 100000);
    int rc = lua_pcall(L, 0, 0, errIdx);
    lua_sethook(L, NULL, 0, 0);
    loading = NULL;
    luaSandboxPushRealGlobals(L);
    luaSandboxSetGlobalsView(L);
    if (rc != 0) {
        const char *msg = NULL;
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            msg = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
        *err = bstrCatPrintf(bstrEmpty(), "Error registering functions: %s",
                             msg ? msg : "unknown error");
    }
    lua_settop(L, errIdx - 1);
    return rc ? -1 : 0;
}

/* A new library from code (not in the tables yet), or NULL with *err. */
static library *libraryCreate(const char *code, size_t len, bstr *err) {
    bstr name;
    if (parseLibraryMetadata(code, len, &name, err) < 0) return NULL;
    library *lib = xcalloc(1, sizeof(*lib));
    lib->name = name;
    lib->code = bstrNewLen(code, len);
    lua_State *L = functionLua;
    /* The metadata line becomes a comment, so line numbers stay right. */
    bstr chunk = bstrNewLen(code, len);
    chunk[0] = chunk[1] = '-';
    int rc = luaL_loadbuffer(L, chunk, bstrLen(chunk), "@user_function");
    bstrFree(chunk);
    if (rc != 0) {
        *err = bstrCatPrintf(bstrEmpty(), "Error compiling function: %s", lua_tostring(L, -1));
        lua_pop(L, 1);
        libraryFree(lib);
        return NULL;
    }
    if (runLibraryCode(L, lib, err) < 0) {
        libraryFree(lib);
        return NULL;
    }
    if (lib->count == 0) {
        *err = bstrNew("No functions registered");
        libraryFree(lib);
        return NULL;
    }
    return lib;
}

static library *lookupLibrary(const char *name, size_t len) {
    bstr key = bstrNewLen(name, len);
    library *lib = dictFetchValue(libraries, key);
    bstrFree(key);
    return lib;
}

static function *lookupFunction(const char *name, size_t len) {
    bstr key = bstrNewLen(name, len);
    function *f = dictFetchValue(functions, key);
    bstrFree(key);
    return f;
}

static void libraryLink(library *lib) {
    dictAdd(libraries, lib->name, lib);
    for (int i = 0; i < lib->count; i++) dictAdd(functions, lib->functions[i]->name, lib->functions[i]);
    codeBytes += bstrLen(lib->code);
}

static void libraryUnlink(library *lib) {
    for (int i = 0; i < lib->count; i++) dictDelete(functions, lib->functions[i]->name);
    dictDelete(libraries, lib->name);
    codeBytes -= bstrLen(lib->code);
}

static int namedAmong(library **libs, int n, const char *name) {
    for (int k = 0; k < n; k++)
        if (!strcmp(libs[k]->name, name)) return 1;
    return 0;
}

/* Whether the libraries libs[0..n) can join what is loaded: after every
 * library goes (flushing), or with same-named libraries replaced
 * (replace); NULL, or the refusal. */
static bstr installRefusal(library **libs, int n, int replace, int flushing, int quoted) {
    for (int i = 0; i < n; i++) {
        library *lib = libs[i];
        if (namedAmong(libs, i, lib->name) ||
            (!flushing && !replace && lookupLibrary(lib->name, bstrLen(lib->name))))
            return bstrCatPrintf(bstrEmpty(), quoted ? "Library '%s' already exists"
                                                     : "Library %s already exists",
                                 lib->name);
        for (int j = 0; j < lib->count; j++) {
            function *f = lib->functions[j];
            int clash = 0;
            for (int k = 0; k < i && !clash; k++)
                clash = libraryHasFunction(libs[k], f->name, bstrLen(f->name), 1);
            function *other = flushing ? NULL : lookupFunction(f->name, bstrLen(f->name));
            if (other && !(replace && namedAmong(libs, n, other->lib->name))) clash = 1;
            if (clash) return bstrCatPrintf(bstrEmpty(), "Function %s already exists", f->name);
        }
    }
    return NULL;
}

/* ------------------------------------------------------ the log */

static bstr metaName(const char *libName, size_t len) {
    bstr n = bstrNewLen(FUNCTION_META_PREFIX, FUNCTION_META_PREFIX_LEN);
    return bstrCatLen(n, libName, len);
}

static int logLibrarySet(library *lib) {
    bstr n = metaName(lib->name, bstrLen(lib->name));
    int rc = dbMetaSet(n, bstrLen(n), lib->code, bstrLen(lib->code));
    bstrFree(n);
    return rc;
}

static int logLibraryDelete(const char *name, size_t len) {
    bstr n = metaName(name, len);
    int rc = dbMetaDelete(n, bstrLen(n));
    bstrFree(n);
    return rc;
}

/* Every loaded library, sorted by name (FUNCTION LIST, DUMP). */
static library **sortedLibraries(size_t *n) {
    *n = dictSize(libraries);
    library **all = xmalloc(sizeof(library *) * (*n + 1));
    dictIterator *it = dictGetIterator(libraries);
    dictEntry *de;
    size_t i = 0;
    while ((de = dictNext(it)) != NULL) all[i++] = dictGetVal(de);
    dictReleaseIterator(it);
    for (size_t a = 1; a < *n; a++)
        for (size_t b = a; b > 0 && strcmp(all[b - 1]->name, all[b]->name) > 0; b--) {
            library *t = all[b];
            all[b] = all[b - 1];
            all[b - 1] = t;
        }
    return all;
}

static void unlinkAndFreeAll(void) {
    size_t n;
    library **all = sortedLibraries(&n);
    for (size_t i = 0; i < n; i++) {
        libraryUnlink(all[i]);
        libraryFree(all[i]);
    }
    xfree(all);
}

/* Writes libs to the log as one batch, after deleting every library
 * (flushing) or those they replace.  DB_OK or the write's error. */
static int logInstall(library **libs, int n, int flushing) {
    dbBatchBegin();
    int rc = DB_OK;
    if (flushing) {
        size_t m;
        library **all = sortedLibraries(&m);
        for (size_t i = 0; i < m && rc == DB_OK; i++)
            rc = logLibraryDelete(all[i]->name, bstrLen(all[i]->name));
        xfree(all);
    }
    for (int i = 0; i < n && rc == DB_OK; i++) rc = logLibrarySet(libs[i]);
    int committed = dbBatchCommit();
    metaVersionSeen = dbMetaVersion();
    return rc == DB_OK ? committed : rc;
}

/* Applies an install checked by installRefusal and written by logInstall. */
static void applyInstall(library **libs, int n, int flushing) {
    if (flushing) unlinkAndFreeAll();
    for (int i = 0; i < n; i++) {
        library *old = lookupLibrary(libs[i]->name, bstrLen(libs[i]->name));
        if (old) {
            libraryUnlink(old);
            libraryFree(old);
        }
    }
    for (int i = 0; i < n; i++) libraryLink(libs[i]);
}

/* Loads one library the log holds (dbMetaForEach's callback).  One that
 * no longer loads (damage, a clash) is logged and left out: the rest of
 * the data set must still start. */
static void loadStoredLibrary(const char *name, size_t nlen, const char *val, size_t vlen,
                              void *pd) {
    (void)pd;
    bstr err = NULL;
    library *lib = libraryCreate(val, vlen, &err);
    if (lib) err = installRefusal(&lib, 1, 0, 0, 1);
    if (err) {
        serverLog(LL_WARNING, "Function library %.*s in the log does not load: %s", (int)nlen,
                  name, err);
        bstrFree(err);
        libraryFree(lib);
        return;
    }
    libraryLink(lib);
}

void functionLoadFromLog(void) {
    unlinkAndFreeAll();
    dbMetaForEach(FUNCTION_META_PREFIX, FUNCTION_META_PREFIX_LEN, loadStoredLibrary, NULL);
    metaVersionSeen = dbMetaVersion();
}

/* Called by every command that reads or changes the libraries: they are
 * brought in line with the log, and the call counts as a read of data
 * for write_outcome.h (a library change undone by a failed log write
 * must not show in the replies of its iteration). */
static void syncWithLog(void) {
    commandMarkDataRead();
    if (dbMetaVersion() != metaVersionSeen) functionLoadFromLog();
}

/* ------------------------------------------------------ commands */

/* A change the log refused (disk full): nothing changed. */
static void replyWriteError(client *c) { replyError(c, dbWriteErrorReply()); }

void functionLoad(client *c, int replace, const char *code, size_t len) {
    syncWithLog();
    bstr err = NULL, name = NULL;
    /* As in Redis, a library that exists is refused before its code runs. */
    if (!replace && parseLibraryMetadata(code, len, &name, &err) == 0 &&
        lookupLibrary(name, bstrLen(name)))
        err = bstrCatPrintf(bstrEmpty(), "Library '%s' already exists", name);
    bstrFree(name);
    library *lib = err ? NULL : libraryCreate(code, len, &err);
    if (!lib) {
        replyErrorLen(c, err, bstrLen(err));
        bstrFree(err);
        return;
    }
    bstr refusal = installRefusal(&lib, 1, replace, 0, 1);
    if (refusal) {
        replyErrorLen(c, refusal, bstrLen(refusal));
        bstrFree(refusal);
        libraryFree(lib);
        return;
    }
    int rc = logInstall(&lib, 1, 0);
    if (rc != DB_OK) {
        replyWriteError(c);
        libraryFree(lib);
        return;
    }
    applyInstall(&lib, 1, 0);
    replyBulk(c, lib->name, bstrLen(lib->name));
}

void functionDelete(client *c, const char *name, size_t len) {
    syncWithLog();
    library *lib = lookupLibrary(name, len);
    if (!lib) {
        replyError(c, "Library not found");
        return;
    }
    int rc = logLibraryDelete(name, len);
    metaVersionSeen = dbMetaVersion();
    if (rc != DB_OK) {
        replyWriteError(c);
        return;
    }
    libraryUnlink(lib);
    libraryFree(lib);
    replyOk(c);
}

void functionFlush(client *c) {
    syncWithLog();
    int rc = logInstall(NULL, 0, 1);
    if (rc != DB_OK) {
        replyWriteError(c);
        return;
    }
    unlinkAndFreeAll();
    replyOk(c);
}

static void replyFlagName(const char *name, void *privdata) { replyStatus(privdata, name); }

static void replyFunction(client *c, function *f) {
    replyMapLen(c, 3);
    replyBulkCString(c, "name");
    replyBulk(c, f->name, bstrLen(f->name));
    replyBulkCString(c, "description");
    if (f->description) replyBulk(c, f->description, bstrLen(f->description));
    else replyNull(c);
    replyBulkCString(c, "flags");
    replySetLen(c, scriptFlagsCount(f->flags));
    scriptFlagsForEach(f->flags, replyFlagName, c);
}

void functionList(client *c, int withCode, const char *pattern, size_t plen) {
    syncWithLog();
    size_t n;
    library **all = sortedLibraries(&n);
    void *len = replyDeferredLen(c);
    long long shown = 0;
    for (size_t i = 0; i < n; i++) {
        library *lib = all[i];
        if (pattern && !globMatch(pattern, plen, lib->name, bstrLen(lib->name), 1)) continue;
        shown++;
        replyMapLen(c, withCode ? 4 : 3);
        replyBulkCString(c, "library_name");
        replyBulk(c, lib->name, bstrLen(lib->name));
        replyBulkCString(c, "engine");
        replyBulkCString(c, "LUA");
        replyBulkCString(c, "functions");
        replyArrayLen(c, lib->count);
        for (int j = 0; j < lib->count; j++) replyFunction(c, lib->functions[j]);
        if (withCode) {
            replyBulkCString(c, "library_code");
            replyBulk(c, lib->code, bstrLen(lib->code));
        }
    }
    replySetDeferredArrayLen(c, len, shown);
    xfree(all);
}

void functionDump(client *c) {
    syncWithLog();
    size_t n;
    library **all = sortedLibraries(&n);
    bstr *codes = xmalloc(sizeof(bstr) * (n + 1));
    for (size_t i = 0; i < n; i++) codes[i] = all[i]->code;
    bstr payload = rdbPayloadFunctions(codes, n, server.rdbcompression);
    replyBulk(c, payload, bstrLen(payload));
    bstrFree(payload);
    xfree(codes);
    xfree(all);
}

static int restoreDecodeOrReply(client *c, const char *payload, size_t len, bstr **codes,
                                size_t *n) {
    if (!rdbPayloadVerify(payload, len)) {
        replyError(c, "DUMP payload version or checksum are wrong");
        return 0;
    }
    switch (rdbPayloadDecodeFunctions(payload, len, (size_t)server.protoMaxBulkLen, codes, n)) {
    case RDB_FUNCTIONS_OK: return 1;
    case RDB_FUNCTIONS_PRE_GA: replyError(c, "Pre-GA function format not supported"); return 0;
    case RDB_FUNCTIONS_NOT_FUNCTION: replyError(c, "given type is not a function"); return 0;
    default: replyError(c, "function payload is damaged"); return 0;
    }
}

void functionRestore(client *c, const char *payload, size_t len, int policy) {
    syncWithLog();
    bstr *codes;
    size_t n;
    if (!restoreDecodeOrReply(c, payload, len, &codes, &n)) return;
    library **libs = xcalloc(n + 1, sizeof(library *));
    bstr err = NULL;
    size_t made = 0;
    for (; made < n && !err; made++) {
        libs[made] = libraryCreate(codes[made], bstrLen(codes[made]), &err);
        if (!libs[made]) break;
    }
    int flushing = policy == FUNCTION_RESTORE_FLUSH;
    if (!err) err = installRefusal(libs, (int)n, policy == FUNCTION_RESTORE_REPLACE, flushing, 0);
    int rc = err ? DB_OK : logInstall(libs, (int)n, flushing);
    if (err || rc != DB_OK) {
        if (err) replyErrorLen(c, err, bstrLen(err));
        else replyWriteError(c);
        for (size_t i = 0; i < n; i++) libraryFree(libs[i]);
    } else {
        applyInstall(libs, (int)n, flushing);
        replyOk(c);
    }
    bstrFree(err);
    for (size_t i = 0; i < n; i++) bstrFree(codes[i]);
    xfree(codes);
    xfree(libs);
}

void functionStats(client *c) {
    syncWithLog();
    scriptRun *run = scriptCurrentRun();
    /* Allowed while a function runs long, not while an EVAL script does. */
    if (run && run->isEval && server.busyScriptReply) {
        replyError(c, server.busyScriptReply);
        return;
    }
    replyMapLen(c, 2);
    replyBulkCString(c, "running_script");
    if (!run || run->isEval) {
        replyNull(c);
    } else {
        replyMapLen(c, 3);
        replyBulkCString(c, "name");
        replyBulkCString(c, run->name);
        replyBulkCString(c, "command");
        replyArrayLen(c, run->caller->argc);
        for (int i = 0; i < run->caller->argc; i++) replyBulkBstr(c, run->caller->argv[i]);
        replyBulkCString(c, "duration_ms");
        replyLongLong(c, (monotonicUs() - run->startUs) / 1000);
    }
    replyBulkCString(c, "engines");
    replyMapLen(c, 1);
    replyBulkCString(c, "LUA");
    replyMapLen(c, 2);
    replyBulkCString(c, "libraries_count");
    replyLongLong(c, (long long)dictSize(libraries));
    replyBulkCString(c, "functions_count");
    replyLongLong(c, (long long)dictSize(functions));
}

void functionCall(client *c, int readOnly) {
    syncWithLog();
    function *f = lookupFunction(c->argv[1], bstrLen(c->argv[1]));
    if (!f) {
        replyError(c, "Function not found");
        return;
    }
    long long numkeys;
    if (!scriptNumKeysOrReply(c, "Bad number of keys provided", &numkeys)) return;
    if (readOnly && !(f->flags & SCRIPT_FLAG_NO_WRITES)) {
        replyError(c, "Can not execute a script with write flag using *_ro command.");
        return;
    }
    lua_State *L = functionLua;
    scriptRun run = {.caller = c, .name = f->name, .isEval = 0,
                     .readOnly = readOnly || (f->flags & SCRIPT_FLAG_NO_WRITES),
                     .allowOom = (f->flags & SCRIPT_FLAG_ALLOW_OOM) != 0};
    scriptRunBegin(&run, L);
    luaSandboxPushErrorHandler(L);
    int errIdx = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, f->fnRef);
    luaPushStringArray(L, c->argv + 3, (int)numkeys);
    luaPushStringArray(L, c->argv + 3 + numkeys, c->argc - 3 - (int)numkeys);
    scriptRunCall(&run, errIdx, 2);
}

uint64_t functionRequestScriptFlags(client *c) {
    syncWithLog();
    if (c->argc < 2) return SCRIPT_FLAG_EVAL_COMPAT_MODE;
    function *f = lookupFunction(c->argv[1], bstrLen(c->argv[1]));
    return f ? f->flags : SCRIPT_FLAG_EVAL_COMPAT_MODE;
}

size_t functionCount(void) { return dictSize(functions); }
size_t functionLibraryCount(void) { return dictSize(libraries); }
size_t functionCodeBytes(void) {
    return codeBytes + dictSize(functions) * (sizeof(function) + 32) +
           dictSize(libraries) * (sizeof(library) + 32);
}

size_t functionInterpreterBytes(void) {
    return (size_t)lua_gc(functionLua, LUA_GCCOUNT, 0) * 1024 +
           (size_t)lua_gc(functionLua, LUA_GCCOUNTB, 0);
}

/* ------------------------------------------------------ set-up */

/* The globals a library sees while it loads: `redis` with
 * register_function, log, the levels and the version, nothing else. */
static int makeLoadView(lua_State *L) {
    luaSandboxPushStrictTable(L);
    luaSandboxPushStrictTable(L);
    lua_pushcfunction(L, luaRegisterFunction);
    lua_setfield(L, -2, "register_function");
    luaRedisAddLoadTimeApi(L);
    luaSandboxProtectTop(L);
    lua_setfield(L, -2, "redis");
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

void functionInit(void) {
    libraries = dictCreate(&librariesType);
    functions = dictCreate(&functionsType);
    lua_State *L = luaRedisNewInterpreter(1);
    functionLua = L;
    loadViewRef = makeLoadView(L);
}
