/* script/lualib_struct.c -- the `struct` Lua library (see lualib_struct.h).
 *
 * The format is read one option at a time, the same way by pack, unpack
 * and size: the option letter, its count (structOptionSize), the padding
 * that alignment puts before it (structPadding), then what the option
 * does.  Control options (> < ! and space) only change the layout state.
 *
 * Redis's library converts numbers with plain C casts, several of which
 * are undefined for out-of-range values; scripts there get what gcc on
 * x86-64 makes of them.  structWrapToU64 and structGetInteger spell those
 * results out with defined arithmetic, so the bytes match Redis's without
 * relying on undefined behaviour. */
#include "script/lualib_struct.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <lauxlib.h>

/* The widest integer option, "i32".  Redis's limit, and the size of the
 * scratch buffer an integer is built in. */
#define STRUCT_MAX_INT_SIZE 32

/* What a bare '!' aligns to: the strictest alignment among the native
 * types the options stand for (8 on x86-64), as Redis computes it. */
struct structAlignProbe {
    char c;
    union {
        double d;
        void *p;
        long l;
        lua_Number n;
    } u;
};
#define STRUCT_NATIVE_ALIGN ((int)offsetof(struct structAlignProbe, u))

typedef struct structLayout {
    int bigEndian;   /* multi-byte values most significant byte first */
    size_t maxAlign; /* padding never aligns past this; 1 = packed */
} structLayout;

static int structHostIsBigEndian(void) {
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 0;
}

static void structLayoutInit(structLayout *lay) {
    lay->bigEndian = structHostIsBigEndian();
    lay->maxAlign = 1;
}

/* Reverses p[0..len) when the layout's byte order is not the host's, so a
 * float or double copied from memory comes out in the asked-for order. */
static void structToLayoutOrder(const structLayout *lay, unsigned char *p, size_t len) {
    if (lay->bigEndian == structHostIsBigEndian()) return;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[len - 1 - i];
        p[len - 1 - i] = t;
    }
}

/* The decimal count after an option ("i8", "c20", "!4"), or dflt when no
 * digit follows.  Counts past INT_MAX raise Redis's error. */
static int structReadCount(lua_State *L, const char **fmt, int dflt) {
    if (!isdigit((unsigned char)**fmt)) return dflt;
    int n = 0;
    while (isdigit((unsigned char)**fmt)) {
        int digit = **fmt - '0';
        if (n > (INT_MAX - digit) / 10) luaL_error(L, "integral size overflow");
        n = n * 10 + digit;
        (*fmt)++;
    }
    return n;
}

/* The bytes option opt occupies, reading its count from *fmt.  0 for the
 * options whose size is not known here ('s', 'c0') and for control
 * options. */
static size_t structOptionSize(lua_State *L, int opt, const char **fmt) {
    switch (opt) {
    case 'b': case 'B': return sizeof(char);
    case 'h': case 'H': return sizeof(short);
    case 'l': case 'L': return sizeof(long);
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return (size_t)structReadCount(L, fmt, 1);
    case 'i': case 'I': {
        int n = structReadCount(L, fmt, (int)sizeof(int));
        if (n > STRUCT_MAX_INT_SIZE)
            luaL_error(L, "integral size %d is larger than limit of %d", n,
                       STRUCT_MAX_INT_SIZE);
        return (size_t)n;
    }
    default: return 0;
    }
}

/* Zero bytes to put before an option of `size` bytes at offset pos: the
 * distance to the next multiple of min(size, maxAlign).  Strings are never
 * aligned.  For sizes that are not a power of two ("i3" under "!4") the
 * mask arithmetic gives Redis's padding, odd as it is: kept on purpose. */
static size_t structPadding(const structLayout *lay, size_t pos, int opt, size_t size) {
    if (size == 0 || opt == 'c') return 0;
    size_t align = size < lay->maxAlign ? size : lay->maxAlign;
    return (align - (pos & (align - 1))) & (align - 1);
}

/* Applies a control option, or raises "invalid format option" naming it. */
static void structControl(lua_State *L, int opt, const char **fmt, structLayout *lay) {
    switch (opt) {
    case ' ': return;
    case '>': lay->bigEndian = 1; return;
    case '<': lay->bigEndian = 0; return;
    case '!': {
        int align = structReadCount(L, fmt, STRUCT_NATIVE_ALIGN);
        if (align <= 0 || (align & (align - 1)) != 0)
            luaL_error(L, "alignment %d is not a power of 2", align);
        lay->maxAlign = (size_t)align;
        return;
    }
    default:
        luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
    }
}

/* n as the 64 bits Redis stores for it: the integer part, two's complement
 * for negatives, modulo 2^64 up to 2^64; past that, x86's conversions give
 * 0 (2^64 and above, +inf) or 2^63 (NaN, below -2^63, -inf). */
static uint64_t structWrapToU64(double n) {
    const uint64_t indefinite = UINT64_C(1) << 63;
    if (isnan(n)) return indefinite;
    if (n < 0) return n >= -0x1p63 ? (uint64_t)(int64_t)n : indefinite;
    if (n < 0x1p63) return (uint64_t)(int64_t)n;
    if (n < 0x1p64) return (uint64_t)n;
    return 0;
}

/* Appends the integer argument arg as `size` bytes.  Only 64 bits exist:
 * bytes past the eighth are zero, even for negative numbers (Redis's). */
static void structPutInteger(lua_State *L, luaL_Buffer *b, int arg,
                             const structLayout *lay, size_t size) {
    uint64_t v = structWrapToU64(luaL_checknumber(L, arg));
    unsigned char bytes[STRUCT_MAX_INT_SIZE];
    for (size_t i = 0; i < size; i++) {
        size_t at = lay->bigEndian ? size - 1 - i : i;
        bytes[at] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    luaL_addlstring(b, (const char *)bytes, size);
}

/* The integer stored in p[0..size).  Only the 8 least significant bytes
 * count.  Sign extension copies bit (size*8-1) mod 64 upwards: Redis
 * shifts by size*8-1 and x86 reduces shift counts mod 64, which for sizes
 * past 8 picks a bit inside the low 8 bytes ("i9" reads 0x80 as -128). */
static lua_Number structGetInteger(const unsigned char *p, size_t size,
                                   const structLayout *lay, int isSigned) {
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++)
        v = v << 8 | p[lay->bigEndian ? i : size - 1 - i];
    if (!isSigned) return (lua_Number)v;
    uint64_t mask = UINT64_MAX << ((size * 8 - 1) & 63);
    if (v & mask) v |= mask;
    return (lua_Number)(int64_t)v;
}

/* struct.pack(fmt, ...): the values laid out as fmt says. */
static int structPack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    structLayout lay;
    structLayoutInit(&lay);
    /* Redis pushes a nil between the arguments and the buffer.  It shows:
     * a missing argument reads as that nil ("number expected, got nil"),
     * and past it as whatever the buffer has put on the stack. */
    lua_pushnil(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t total = 0;
    int arg = 2;
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = structOptionSize(L, opt, &fmt);
        size_t pad = structPadding(&lay, total, opt, size);
        total += pad;
        while (pad-- > 0) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L':
        case 'T': case 'i': case 'I':
            structPutInteger(L, &b, arg++, &lay, size);
            break;
        case 'x':
            luaL_addchar(&b, '\0');
            break;
        case 'f': {
            float f = (float)luaL_checknumber(L, arg++);
            unsigned char bytes[sizeof f];
            memcpy(bytes, &f, sizeof f);
            structToLayoutOrder(&lay, bytes, sizeof bytes);
            luaL_addlstring(&b, (const char *)bytes, sizeof bytes);
            break;
        }
        case 'd': {
            double d = luaL_checknumber(L, arg++);
            unsigned char bytes[sizeof d];
            memcpy(bytes, &d, sizeof d);
            structToLayoutOrder(&lay, bytes, sizeof bytes);
            luaL_addlstring(&b, (const char *)bytes, sizeof bytes);
            break;
        }
        case 'c': case 's': {
            size_t len;
            const char *s = luaL_checklstring(L, arg++, &len);
            if (size == 0) size = len;
            /* Redis names the argument after the short one: kept. */
            luaL_argcheck(L, len >= size, arg, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
            break;
        }
        default:
            structControl(L, opt, &fmt, &lay);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

/* Pushes the 'c' field at data[pos..): `size` bytes, or for c0 as many as
 * the number unpacked just before says (that number is replaced).  Returns
 * the bytes consumed; *n counts the values pushed. */
static size_t structUnpackChars(lua_State *L, const char *data, size_t len,
                                size_t pos, size_t size, int *n) {
    if (size == 0) {
        if (*n == 0 || !lua_isnumber(L, -1))
            luaL_error(L, "format 'c0' needs a previous size");
        size = (size_t)structWrapToU64(lua_tonumber(L, -1));
        lua_pop(L, 1);
        (*n)--;
        luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
    }
    lua_pushlstring(L, data + pos, size);
    (*n)++;
    return size;
}

/* struct.unpack(fmt, s [, pos]): the values fmt describes, read from s at
 * 1-based position pos, followed by the position after the last one. */
static int structUnpack(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1);
    luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
    pos--;
    structLayout lay;
    structLayoutInit(&lay);
    int n = 0;
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = structOptionSize(L, opt, &fmt);
        /* Unsigned arithmetic: a huge pos may wrap, as in Redis; the check
         * below still keeps every read inside s. */
        pos += structPadding(&lay, pos, opt, size);
        luaL_argcheck(L, size <= len && pos <= len - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        const unsigned char *at = (const unsigned char *)data + pos;
        switch (opt) {
        case 'b': case 'h': case 'l': case 'i':
            lua_pushnumber(L, structGetInteger(at, size, &lay, 1));
            n++;
            break;
        case 'B': case 'H': case 'L': case 'T': case 'I':
            lua_pushnumber(L, structGetInteger(at, size, &lay, 0));
            n++;
            break;
        case 'x':
            break;
        case 'f': {
            float f;
            unsigned char bytes[sizeof f];
            memcpy(bytes, at, sizeof bytes);
            structToLayoutOrder(&lay, bytes, sizeof bytes);
            memcpy(&f, bytes, sizeof f);
            lua_pushnumber(L, (lua_Number)f);
            n++;
            break;
        }
        case 'd': {
            double d;
            unsigned char bytes[sizeof d];
            memcpy(bytes, at, sizeof bytes);
            structToLayoutOrder(&lay, bytes, sizeof bytes);
            memcpy(&d, bytes, sizeof d);
            lua_pushnumber(L, d);
            n++;
            break;
        }
        case 'c':
            size = structUnpackChars(L, data, len, pos, size, &n);
            break;
        case 's': {
            const char *end = memchr(at, '\0', len - pos);
            if (end == NULL) luaL_error(L, "unfinished string in data");
            size = (size_t)(end - (const char *)at) + 1;
            lua_pushlstring(L, (const char *)at, size - 1);
            n++;
            break;
        }
        default:
            structControl(L, opt, &fmt, &lay);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)(pos + 1));
    return n + 1;
}

/* struct.size(fmt): the bytes pack(fmt, ...) produces.  As in Redis, only
 * punctuation goes through structControl here, so unknown letters and
 * stray digits count as zero bytes instead of raising an error. */
static int structSize(lua_State *L) {
    const char *fmt = luaL_checkstring(L, 1);
    structLayout lay;
    structLayoutInit(&lay);
    size_t pos = 0;
    while (*fmt != '\0') {
        int opt = (unsigned char)*fmt++;
        size_t size = structOptionSize(L, opt, &fmt);
        pos += structPadding(&lay, pos, opt, size);
        if (opt == 's')
            luaL_argerror(L, 1, "option 's' has no fixed size");
        else if (opt == 'c' && size == 0)
            luaL_argerror(L, 1, "option 'c0' has no fixed size");
        if (!isalnum(opt)) structControl(L, opt, &fmt, &lay);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

static const luaL_Reg structFunctions[] = {
    {"pack", structPack},
    {"unpack", structUnpack},
    {"size", structSize},
    {NULL, NULL},
};

int luaopen_struct(lua_State *L) {
    luaL_register(L, "struct", structFunctions);
    return 1;
}
