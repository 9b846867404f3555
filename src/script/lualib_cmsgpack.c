/* script/lualib_cmsgpack.c -- the `cmsgpack` Lua library (see
 * lualib_cmsgpack.h).
 *
 * Stack use is part of the behaviour.  A C function may hold at most
 * LUAI_MAXCSTACK (8000) stack slots, so how many values unpack returns,
 * how deep a decoded document may nest and how many arguments pack takes
 * all depend on which slots are in use when.  Redis's library checks the
 * stack at fixed points with fixed messages ("stack overflow (in function
 * mp_decode_to_lua_array)" ...); this file checks at the same points, with
 * the same sizes and messages, and keeps the same values on the stack, so
 * those limits and errors come out as Redis's.  That is also why pack
 * builds its bytes in a buffer outside the stack (packScratch) rather than
 * in a userdata or a luaL_Buffer.
 *
 * Reading never goes past the input: every read is preceded by a check of
 * the bytes left (unpackHave), and a value whose header promises more than
 * is left stops the decoding with UNPACK_EOF. */
#include "script/lualib_cmsgpack.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

/* ---- Encoding -------------------------------------------------------------
 * The bytes of one argument are built in a packScratch, then pushed as a
 * string.  The scratch lives in a userdata that is an upvalue of pack, not
 * on the stack: nothing pack keeps on the stack differs from Redis's, and
 * an error in the middle of a pack leaks nothing (the next pack reuses the
 * buffer, the userdata's __gc frees it with the Lua state).  Its memory
 * comes from the state's allocator, so it counts as Lua memory. */
typedef struct packScratch {
    unsigned char *p;
    size_t len;
    size_t cap;
} packScratch;

/* A scratch buffer larger than this is given back after each pack, so one
 * huge value does not pin its memory; smaller ones are kept for reuse. */
#define PACK_SCRATCH_KEEP (64 * 1024)

static void packScratchRelease(lua_State *L, packScratch *s) {
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    if (s->p != NULL) alloc(ud, s->p, s->cap, 0);
    s->p = NULL;
    s->len = s->cap = 0;
}

static int packScratchGc(lua_State *L) {
    packScratchRelease(L, lua_touserdata(L, 1));
    return 0;
}

/* Makes room for `need` more bytes, or raises a memory error. */
static void packReserve(lua_State *L, packScratch *s, size_t need) {
    if (s->cap - s->len >= need) return;
    if (need > SIZE_MAX / 2 - s->len) luaL_error(L, "not enough memory");
    size_t cap = s->cap ? s->cap : 64;
    while (cap - s->len < need) cap *= 2;
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    unsigned char *p = alloc(ud, s->p, s->cap, cap);
    if (p == NULL) luaL_error(L, "not enough memory");
    s->p = p;
    s->cap = cap;
}

/* Appends a type byte followed by the low `width` bytes of v, most
 * significant first (MessagePack is big endian). */
static void packTagged(lua_State *L, packScratch *s, unsigned char tag,
                       uint64_t v, int width) {
    packReserve(L, s, 1 + (size_t)width);
    s->p[s->len++] = tag;
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8)
        s->p[s->len++] = (unsigned char)(v >> shift);
}

static void packByte(lua_State *L, packScratch *s, unsigned char byte) {
    packTagged(L, s, byte, 0, 0);
}

/* Array and map headers: the count in the fix form up to 15, else in 16
 * or 32 bits. */
static void packCount(lua_State *L, packScratch *s, size_t n, unsigned char fix,
                      unsigned char tag16, unsigned char tag32) {
    if (n <= 15)
        packByte(L, s, (unsigned char)(fix | n));
    else if (n <= 0xffff)
        packTagged(L, s, tag16, n, 2);
    else
        packTagged(L, s, tag32, n, 4);
}

static void packString(lua_State *L, packScratch *s, const char *str, size_t len) {
    if (len < 32)
        packByte(L, s, (unsigned char)(0xa0 | len));
    else if (len <= 0xff)
        packTagged(L, s, 0xd9, len, 1);
    else if (len <= 0xffff)
        packTagged(L, s, 0xda, len, 2);
    else
        packTagged(L, s, 0xdb, len, 4);
    packReserve(L, s, len);
    memcpy(s->p + s->len, str, len);
    s->len += len;
}

/* The smallest form that holds v: unsigned forms for v >= 0, signed ones
 * below (the msgpack convention Redis follows). */
static void packInteger(lua_State *L, packScratch *s, int64_t v) {
    uint64_t u = (uint64_t)v;
    if (v >= 0) {
        if (v <= 127) packByte(L, s, (unsigned char)v);
        else if (v <= 0xff) packTagged(L, s, 0xcc, u, 1);
        else if (v <= 0xffff) packTagged(L, s, 0xcd, u, 2);
        else if (v <= 0xffffffff) packTagged(L, s, 0xce, u, 4);
        else packTagged(L, s, 0xcf, u, 8);
    } else {
        if (v >= -32) packByte(L, s, (unsigned char)u);
        else if (v >= INT8_MIN) packTagged(L, s, 0xd0, u, 1);
        else if (v >= INT16_MIN) packTagged(L, s, 0xd1, u, 2);
        else if (v >= INT32_MIN) packTagged(L, s, 0xd2, u, 4);
        else packTagged(L, s, 0xd3, u, 8);
    }
}

/* True when n is a whole number an int64_t holds exactly.  -0.0 counts
 * (it packs as 0); NaN and the infinities do not. */
static int packIsInt64(double n) {
    return n >= -0x1p63 && n < 0x1p63 && n == (double)(int64_t)n;
}

static void packNumber(lua_State *L, packScratch *s, double n) {
    if (packIsInt64(n)) {
        packInteger(L, s, (int64_t)n);
        return;
    }
    /* float 32 only when it gives back exactly n; the range test keeps
     * the conversion defined for values no float can hold. */
    if (isinf(n) || fabs(n) <= FLT_MAX) {
        float f = (float)n;
        if ((double)f == n) {
            uint32_t bits;
            memcpy(&bits, &f, sizeof bits);
            packTagged(L, s, 0xca, bits, 4);
            return;
        }
    }
    uint64_t bits;
    memcpy(&bits, &n, sizeof bits);
    packTagged(L, s, 0xcb, bits, 8);
}

/* True when the table on top has exactly the keys 1..n (n >= 0): those
 * pack as an array, anything else as a map.  Positive whole keys are
 * counted and the largest is kept; the keys are 1..n when both agree. */
static int packTableIsArray(lua_State *L) {
    luaL_checkstack(L, 2, "in function table_is_an_array");
    int top = lua_gettop(L);
    int64_t count = 0;
    int64_t max = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        double n;
        if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 ||
            !packIsInt64(n)) {
            lua_settop(L, top);
            return 0;
        }
        if (n > (double)max) max = (int64_t)n;
        count++;
    }
    lua_settop(L, top);
    return max == count;
}

static void packValue(lua_State *L, packScratch *s, int level);

static void packArray(lua_State *L, packScratch *s, int level) {
    luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
    size_t len = lua_objlen(L, -1);
    packCount(L, s, len, 0x90, 0xdc, 0xdd);
    for (size_t i = 1; i <= len; i++) {
        lua_rawgeti(L, -1, (int)i);
        packValue(L, s, level + 1);
    }
}

/* A map is walked twice: once to count its pairs for the header, once to
 * write them.  The key is packed from a copy, so lua_next still sees the
 * original. */
static void packMap(lua_State *L, packScratch *s, int level) {
    luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        pairs++;
    }
    packCount(L, s, pairs, 0x80, 0xde, 0xdf);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        packValue(L, s, level + 1);
        packValue(L, s, level + 1);
    }
}

/* Appends the encoding of the value on top of the stack and pops it.
 * level is the table depth the value sits at (0 for an argument). */
static void packValue(lua_State *L, packScratch *s, int level) {
    int type = lua_type(L, -1);
    if (type == LUA_TTABLE && level == CMSGPACK_MAX_NESTING) type = LUA_TNIL;
    switch (type) {
    case LUA_TSTRING: {
        size_t len;
        const char *str = lua_tolstring(L, -1, &len);
        packString(L, s, str, len);
        break;
    }
    case LUA_TBOOLEAN:
        packByte(L, s, lua_toboolean(L, -1) ? 0xc3 : 0xc2);
        break;
    case LUA_TNUMBER:
        packNumber(L, s, lua_tonumber(L, -1));
        break;
    case LUA_TTABLE:
        if (packTableIsArray(L))
            packArray(L, s, level);
        else
            packMap(L, s, level);
        break;
    default:
        packByte(L, s, 0xc0);
    }
    lua_pop(L, 1);
}

/* cmsgpack.pack(...): each argument encoded on its own, the encodings
 * pushed one by one and concatenated at the end (Redis's stack shape, see
 * the top of the file). */
static int cmsgpackPack(lua_State *L) {
    int nargs = lua_gettop(L);
    if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    if (!lua_checkstack(L, nargs))
        return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
    packScratch *s = lua_touserdata(L, lua_upvalueindex(1));
    for (int i = 1; i <= nargs; i++) {
        luaL_checkstack(L, 1, "in function mp_check");
        lua_pushvalue(L, i);
        s->len = 0;
        packValue(L, s, 0);
        lua_pushlstring(L, (const char *)s->p, s->len);
    }
    if (s->cap > PACK_SCRATCH_KEEP) packScratchRelease(L, s);
    lua_concat(L, nargs);
    return 1;
}

/* ---- Decoding ------------------------------------------------------------ */
typedef enum { UNPACK_OK, UNPACK_EOF, UNPACK_BADFMT } unpackError;

typedef struct unpackCursor {
    const unsigned char *p; /* next byte */
    size_t left;            /* bytes from p to the end of the input */
    unpackError err;        /* set once; decoding stops there */
} unpackCursor;

/* True when n more bytes are there; else marks the cursor UNPACK_EOF. */
static int unpackHave(unpackCursor *c, size_t n) {
    if (c->left >= n) return 1;
    c->err = UNPACK_EOF;
    return 0;
}

static void unpackSkip(unpackCursor *c, size_t n) {
    c->p += n;
    c->left -= n;
}

/* The big-endian number in p[0..width). */
static uint64_t unpackBigEndian(const unsigned char *p, int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; i++) v = v << 8 | p[i];
    return v;
}

static void unpackValue(lua_State *L, unpackCursor *c);

/* Pushes a table holding the next n values as t[1..n]. */
static void unpackArray(lua_State *L, unpackCursor *c, uint64_t n) {
    lua_newtable(L);
    luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
    for (uint64_t i = 1; i <= n; i++) {
        lua_pushnumber(L, (lua_Number)i);
        unpackValue(L, c);
        if (c->err != UNPACK_OK) return;
        lua_settable(L, -3);
    }
}

/* Pushes a table of the next n key/value pairs.  A nil or NaN key raises
 * Lua's own "table index is nil/NaN", as in Redis. */
static void unpackMap(lua_State *L, unpackCursor *c, uint64_t n) {
    lua_newtable(L);
    for (uint64_t i = 0; i < n; i++) {
        unpackValue(L, c);
        if (c->err != UNPACK_OK) return;
        unpackValue(L, c);
        if (c->err != UNPACK_OK) return;
        lua_settable(L, -3);
    }
}

/* Integers: tag, then `width` big-endian bytes.  uint 64 is read as
 * signed, like int 64: 0xcf ff..ff is -1 in Redis too. */
static void unpackInteger(lua_State *L, unpackCursor *c, int width, int isSigned) {
    if (!unpackHave(c, 1 + (size_t)width)) return;
    uint64_t v = unpackBigEndian(c->p + 1, width);
    unpackSkip(c, 1 + (size_t)width);
    if (isSigned && width < 8 && (v >> (width * 8 - 1)) != 0)
        v |= UINT64_MAX << (width * 8); /* sign-extend */
    if (isSigned || width == 8)
        lua_pushnumber(L, (lua_Number)(int64_t)v);
    else
        lua_pushnumber(L, (lua_Number)v);
}

/* Strings: `width` big-endian length bytes after the tag (0 for fixstr,
 * whose length is in the tag), then the bytes. */
static void unpackString(lua_State *L, unpackCursor *c, int width, size_t fixLen) {
    if (!unpackHave(c, 1 + (size_t)width)) return;
    size_t len = width ? (size_t)unpackBigEndian(c->p + 1, width) : fixLen;
    unpackSkip(c, 1 + (size_t)width);
    if (!unpackHave(c, len)) return;
    lua_pushlstring(L, (const char *)c->p, len);
    unpackSkip(c, len);
}

/* Arrays and maps: the count in `width` bytes after the tag, or fixCount. */
static void unpackContainer(lua_State *L, unpackCursor *c, int width,
                            uint64_t fixCount, int isMap) {
    if (!unpackHave(c, 1 + (size_t)width)) return;
    uint64_t n = width ? unpackBigEndian(c->p + 1, width) : fixCount;
    unpackSkip(c, 1 + (size_t)width);
    if (isMap)
        unpackMap(L, c, n);
    else
        unpackArray(L, c, n);
}

static void unpackFloat(lua_State *L, unpackCursor *c, int width) {
    if (!unpackHave(c, 1 + (size_t)width)) return;
    uint64_t bits = unpackBigEndian(c->p + 1, width);
    unpackSkip(c, 1 + (size_t)width);
    if (width == 4) {
        uint32_t bits32 = (uint32_t)bits;
        float f;
        memcpy(&f, &bits32, sizeof f);
        lua_pushnumber(L, (lua_Number)f);
    } else {
        double d;
        memcpy(&d, &bits, sizeof d);
        lua_pushnumber(L, d);
    }
}

/* Pushes the value at the cursor and moves past it, or sets c->err (and
 * may leave partial values on the stack: the caller raises the error). */
static void unpackValue(lua_State *L, unpackCursor *c) {
    if (!unpackHave(c, 1)) return;
    luaL_checkstack(L, 1, "too many return values at once; "
                          "use unpack_one or unpack_limit instead.");
    unsigned char tag = c->p[0];
    switch (tag) {
    case 0xc0: lua_pushnil(L); unpackSkip(c, 1); return;
    case 0xc2: lua_pushboolean(L, 0); unpackSkip(c, 1); return;
    case 0xc3: lua_pushboolean(L, 1); unpackSkip(c, 1); return;
    case 0xca: unpackFloat(L, c, 4); return;
    case 0xcb: unpackFloat(L, c, 8); return;
    case 0xcc: unpackInteger(L, c, 1, 0); return;
    case 0xcd: unpackInteger(L, c, 2, 0); return;
    case 0xce: unpackInteger(L, c, 4, 0); return;
    case 0xcf: unpackInteger(L, c, 8, 0); return;
    case 0xd0: unpackInteger(L, c, 1, 1); return;
    case 0xd1: unpackInteger(L, c, 2, 1); return;
    case 0xd2: unpackInteger(L, c, 4, 1); return;
    case 0xd3: unpackInteger(L, c, 8, 1); return;
    case 0xd9: unpackString(L, c, 1, 0); return;
    case 0xda: unpackString(L, c, 2, 0); return;
    case 0xdb: unpackString(L, c, 4, 0); return;
    case 0xdc: unpackContainer(L, c, 2, 0, 0); return;
    case 0xdd: unpackContainer(L, c, 4, 0, 0); return;
    case 0xde: unpackContainer(L, c, 2, 0, 1); return;
    case 0xdf: unpackContainer(L, c, 4, 0, 1); return;
    default: break;
    }
    if (tag <= 0x7f) { /* positive fixint */
        lua_pushnumber(L, tag);
        unpackSkip(c, 1);
    } else if (tag >= 0xe0) { /* negative fixint */
        lua_pushnumber(L, (int)tag - 256);
        unpackSkip(c, 1);
    } else if ((tag & 0xe0) == 0xa0) {
        unpackString(L, c, 0, tag & 0x1f);
    } else if ((tag & 0xf0) == 0x90) {
        unpackContainer(L, c, 0, tag & 0x0f, 0);
    } else if ((tag & 0xf0) == 0x80) {
        unpackContainer(L, c, 0, tag & 0x0f, 1);
    } else { /* 0xc1, bin, ext, fixext: not read by Redis either */
        c->err = UNPACK_BADFMT;
    }
}

/* The body of the three unpack functions, with the string as argument 1.
 * Decodes up to `limit` values from byte `offset`; limit == offset == 0
 * means every value and no offset returned (plain unpack), otherwise the
 * next offset (-1 at the end) comes first.  The two %d in the error
 * messages print the low 32 bits of offset and of the input length, as
 * Redis's do (it says "limit" but prints the length). */
static int unpackRun(lua_State *L, lua_Integer limit, lua_Integer offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int decodeAll = limit == 0 && offset == 0;
    if (offset < 0 || limit < 0)
        return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                          (int)offset, (int)len);
    if ((size_t)offset > len)
        return luaL_error(L, "Start offset %d greater than input length %d.", (int)offset,
                          (int)len);
    if (decodeAll) limit = INT32_MAX;

    unpackCursor c = {(const unsigned char *)s + offset, len - (size_t)offset, UNPACK_OK};
    int count = 0;
    while (c.left > 0 && count < limit) {
        unpackValue(L, &c);
        if (c.err == UNPACK_EOF) return luaL_error(L, "Missing bytes in input.");
        if (c.err == UNPACK_BADFMT) return luaL_error(L, "Bad data format in input.");
        count++;
    }
    if (decodeAll) return count;

    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : (lua_Integer)(len - c.left));
    lua_insert(L, 2);
    return count + 1;
}

/* cmsgpack.unpack(s): any further arguments stay on the stack, as in
 * Redis, where they count against the stack limit. */
static int cmsgpackUnpack(lua_State *L) {
    return unpackRun(L, 0, 0);
}

/* Drops every argument after the first (unpackRun returns what is above
 * it).  With no argument at all nothing is pushed, so the missing string
 * is reported as "no value". */
static void unpackKeepFirstArgument(lua_State *L) {
    if (lua_gettop(L) > 1) lua_settop(L, 1);
}

static int cmsgpackUnpackOne(lua_State *L) {
    lua_Integer offset = luaL_optinteger(L, 2, 0);
    unpackKeepFirstArgument(L);
    return unpackRun(L, 1, offset);
}

static int cmsgpackUnpackLimit(lua_State *L) {
    lua_Integer limit = luaL_checkinteger(L, 2);
    lua_Integer offset = luaL_optinteger(L, 3, 0);
    unpackKeepFirstArgument(L);
    return unpackRun(L, limit, offset);
}

static const luaL_Reg cmsgpackFunctions[] = {
    {"unpack", cmsgpackUnpack},
    {"unpack_one", cmsgpackUnpackOne},
    {"unpack_limit", cmsgpackUnpackLimit},
    {NULL, NULL},
};

/* The informational fields of Redis's table, which scripts can read. */
static const char *const cmsgpackInfo[][2] = {
    {"_NAME", "cmsgpack"},
    {"_VERSION", "lua-cmsgpack 0.4.0"},
    {"_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"},
    {"_DESCRIPTION", "MessagePack C implementation for Lua"},
};

int luaopen_cmsgpack(lua_State *L) {
    luaL_register(L, "cmsgpack", cmsgpackFunctions);

    /* pack, with its scratch buffer as upvalue (see packScratch). */
    packScratch *s = lua_newuserdata(L, sizeof *s);
    memset(s, 0, sizeof *s);
    luaL_newmetatable(L, "redis-kv.cmsgpack.scratch");
    lua_pushcfunction(L, packScratchGc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, cmsgpackPack, 1);
    lua_setfield(L, -2, "pack");

    for (size_t i = 0; i < sizeof cmsgpackInfo / sizeof cmsgpackInfo[0]; i++) {
        lua_pushstring(L, cmsgpackInfo[i][1]);
        lua_setfield(L, -2, cmsgpackInfo[i][0]);
    }
    return 1;
}
