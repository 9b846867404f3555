/* tests/c/test_lualibs.c -- unit tests for the struct and cmsgpack Lua
 * libraries (src/script/lualib_struct.c, lualib_cmsgpack.c).
 *
 * Most cases are Lua snippets with the exact result Redis 7.0.15 gives for
 * them.  Each snippet runs inside the same three-line wrapper that was sent
 * to redis-server 7.0.15 with EVAL to obtain the expected string:
 *
 *   line 1  hx(s): s as lowercase hex
 *   line 2  dump(...): the values as "s:<hex>" for strings, "{k=v,...}" for
 *           tables, "<type>:<%.17g>:<tostring>" for anything else
 *   line 3  the snippet inside pcall; an error gives "ERR:" and the message
 *
 * so error messages carry Redis's "user_script:3:" prefix here too.  Past
 * the table come the checks no fixed string expresses: every prefix of
 * valid input must fail cleanly (and, under ASan, read nothing past it),
 * random input must never crash, values must survive a round trip, and
 * pack must not hold on to a large buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "script/lualib_cmsgpack.h"
#include "script/lualib_struct.h"
#include "test.h"

typedef struct luaCase {
    const char *body;     /* Lua statements ending in a return */
    const char *expected; /* what Redis 7.0.15 returned */
} luaCase;

typedef struct luaCaseGroup {
    const char *name;
    const luaCase *cases;
    size_t count;
} luaCaseGroup;

static const char *const wrapperHead =
    "local function hx(s) return (string.gsub(s, '.', function(c) "
    "return string.format('%02x', string.byte(c)) end)) end\n"
    "local function dump(...) local t={} for i=1,select('#',...) do "
    "local v=select(i,...) if type(v)=='string' then t[#t+1]='s:'..hx(v) "
    "elseif type(v)=='table' then local u={} for k,x in pairs(v) do "
    "u[#u+1]=tostring(k)..'='..tostring(x) end "
    "t[#t+1]='{'..table.concat(u,',')..'}' else "
    "t[#t+1]=type(v)..':'..string.format('%.17g', tonumber(v) or 0)..':'"
    "..tostring(v) end end return table.concat(t,' ') end\n"
    "local ok, r = pcall(function() ";
static const char *const wrapperTail =
    " end) if not ok then return 'ERR:'..tostring(r) end return r";

static lua_State *newLibState(void) {
    lua_State *L = luaL_newstate();
    if (L == NULL) return NULL;
    luaL_openlibs(L);
    luaopen_struct(L);
    luaopen_cmsgpack(L);
    lua_settop(L, 0);
    return L;
}

/* Runs body in the wrapper under chunk name "user_script" (Redis's) and
 * returns the string it produced, copied into out; "LUA-FAILED: ..." when
 * the chunk does not load or run. */
static void runWrapped(lua_State *L, const char *body, char *out, size_t outLen) {
    size_t len = strlen(wrapperHead) + strlen(body) + strlen(wrapperTail) + 1;
    char *code = malloc(len);
    if (code == NULL) {
        snprintf(out, outLen, "LUA-FAILED: out of memory");
        return;
    }
    snprintf(code, len, "%s%s%s", wrapperHead, body, wrapperTail);
    int status = luaL_loadbuffer(L, code, strlen(code), "=user_script");
    if (status == 0) status = lua_pcall(L, 0, 1, 0);
    free(code);
    const char *r = lua_tostring(L, -1);
    snprintf(out, outLen, "%s%s", status ? "LUA-FAILED: " : "", r ? r : "(not a string)");
    lua_settop(L, 0);
}

/* The results Redis gave, per behaviour. */
/* struct.pack: integer options, their sizes and byte order */
static const luaCase structPackIntegers[] = {
    {"return dump(struct.pack('>i', 1))",
     "s:00000001"},
    {"return dump(struct.pack('<i', -2))",
     "s:feffffff"},
    {"return dump(struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 4, 5))",
     "s:fffffefffffffdffffffffffffff04000000000000000500000000000000"},
    {"return dump(struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 4, 5))",
     "s:fffffffefffffffffffffffffffd00000000000000040000000000000005"},
    {"return dump(struct.pack('>I3', 2^24+5))",
     "s:000005"},
    {"return dump(struct.pack('>i7<I5', -2, 2^39))",
     "s:fffffffffffffe0000000080"},
    {"return dump(struct.pack('i16', -1))",
     "s:ffffffffffffffff0000000000000000"},
    {"return dump(struct.pack('i9', -1))",
     "s:ffffffffffffffff00"},
    {"return dump(struct.pack('>i16', -2))",
     "s:0000000000000000fffffffffffffffe"},
    {"return dump(struct.pack('i32', 1))",
     "s:0100000000000000000000000000000000000000000000000000000000000000"},
    {"return dump(struct.pack('i0', 1))",
     "s:"},
    {"return dump(struct.pack('b', 300))",
     "s:2c"},
    {"return dump(struct.pack('b', 1.9))",
     "s:01"},
    {"return dump(struct.pack('b', -1.9))",
     "s:ff"},
    {"return dump(struct.pack('b', '12'))",
     "s:0c"},
    {"return dump(struct.pack(' b b', 1, 2))",
     "s:0102"},
    {"return dump(struct.pack('b', 1, 2, 3))",
     "s:01"},
};

/* struct.pack: numbers an integer cannot hold give Redis's bytes */
static const luaCase structPackWrap[] = {
    {"return dump(struct.pack('L', 2^63))",
     "s:0000000000000080"},
    {"return dump(struct.pack('L', 2^64-2048))",
     "s:00f8ffffffffffff"},
    {"return dump(struct.pack('L', 2^64))",
     "s:0000000000000000"},
    {"return dump(struct.pack('L', 2^70))",
     "s:0000000000000000"},
    {"return dump(struct.pack('l', -2^63))",
     "s:0000000000000080"},
    {"return dump(struct.pack('l', -2^70))",
     "s:0000000000000080"},
    {"return dump(struct.pack('l', -0.5))",
     "s:0000000000000000"},
    {"return dump(struct.pack('l', 0/0))",
     "s:0000000000000080"},
    {"return dump(struct.pack('l', 1/0))",
     "s:0000000000000000"},
    {"return dump(struct.pack('l', -1/0))",
     "s:0000000000000080"},
    {"return dump(struct.pack('b', 0/0))",
     "s:00"},
};

/* struct.pack: ! aligns each field to min(size, n) */
static const luaCase structPackAlign[] = {
    {"return dump(struct.pack('!bi', 1, 2))",
     "s:0100000002000000"},
    {"return dump(struct.pack('!2bi', 1, 2))",
     "s:010002000000"},
    {"return dump(struct.pack('!bd', 1, 2))",
     "s:01000000000000000000000000000040"},
    {"return dump(struct.pack('!16bi', 1, 2))",
     "s:0100000002000000"},
    {"return dump(struct.pack('!bi3', 1, 2))",
     "s:010000020000"},
    {"return dump(struct.pack('!4bi3', 1, 2))",
     "s:010000020000"},
    {"return dump(struct.pack('!4bi5', 1, 2))",
     "s:010000000200000000"},
    {"return dump(struct.pack('!4bi6', 1, 2))",
     "s:01000000020000000000"},
    {"return dump(struct.pack('!8bi5', 1, 2))",
     "s:01000000000200000000"},
    {"return dump(struct.pack('!8bi6', 1, 2))",
     "s:010000000000020000000000"},
    {"return dump(struct.pack('!8bi7', 1, 2))",
     "s:0100000000000002000000000000"},
    {"return dump(struct.pack('!8bbi3', 1, 2, 3))",
     "s:0102030000"},
    {"return dump(struct.pack('!8bbbi3', 1, 2, 3, 4))",
     "s:010203040000"},
    {"return dump(struct.pack('!8bbbi6', 1, 2, 3, 4))",
     "s:0102030000000000040000000000"},
    {"return dump(struct.pack('!16bi12', 1, 2))",
     "s:010000000000000000000000020000000000000000000000"},
    {"return dump(struct.pack('!16bi16', 1, 2))",
     "s:0100000000000000000000000000000002000000000000000000000000000000"},
    {"return dump(struct.pack('!bf', 1, 1.5))",
     "s:010000000000c03f"},
    {"return dump(struct.pack('!8bT', 1, 2))",
     "s:01000000000000000200000000000000"},
    {"return dump(struct.pack('!8bl', 1, 2))",
     "s:01000000000000000200000000000000"},
    {"return dump(struct.pack('!8bh', 1, 2))",
     "s:01000200"},
    {"return dump(struct.pack('!8bx', 1))",
     "s:0100"},
    {"return dump(struct.pack('!bx', 1))",
     "s:0100"},
    {"return dump(struct.pack('b!x', 1))",
     "s:0100"},
    {"return dump(struct.pack('>!4bi', 1, 2))",
     "s:0100000000000002"},
    {"return dump(struct.pack('!4 b  i', 1, 2))",
     "s:0100000002000000"},
    {"return dump(struct.pack('!1073741824bi',1,2))",
     "s:0100000002000000"},
    {"return dump(struct.pack('!'))",
     "s:"},
};

/* struct.pack: c, c0, s and x */
static const luaCase structPackStrings[] = {
    {"return dump(struct.pack('c0', 'hello'))",
     "s:68656c6c6f"},
    {"return dump(struct.pack('c2', 'hello'))",
     "s:6865"},
    {"return dump(struct.pack('c', 'hello'))",
     "s:68"},
    {"return dump(struct.pack('c0', 5))",
     "s:35"},
    {"return dump(struct.pack('c0c0', 'ab', ''))",
     "s:6162"},
    {"return dump(struct.pack('s', 'he\\0llo'))",
     "s:6865006c6c6f00"},
    {"return dump(struct.pack('s', 12))",
     "s:313200"},
    {"return dump(struct.pack('s', ''))",
     "s:00"},
    {"return dump(struct.pack('!bc3', 1, 'abc'))",
     "s:01616263"},
    {"return dump(struct.pack('!bs', 1, 'abc'))",
     "s:0161626300"},
    {"return dump(struct.pack('!8bc2', 1, 'ab'))",
     "s:016162"},
    {"return dump(struct.pack('!8bs', 1, 'ab'))",
     "s:01616200"},
    {"return dump(struct.pack('x', 'junk'))",
     "s:00"},
};

/* struct.pack: f and d in either byte order */
static const luaCase structPackFloats[] = {
    {"return dump(struct.pack('<d>d', 1.5, 1.5))",
     "s:000000000000f83f3ff8000000000000"},
    {"return dump(struct.pack('<f>f', 0.1, 0.1))",
     "s:cdcccc3d3dcccccd"},
    {"return dump(struct.pack('d', '1e3'))",
     "s:0000000000408f40"},
    {"return dump(struct.pack('f', 1e300))",
     "s:0000807f"},
    {"return dump(struct.pack('f', -1e300))",
     "s:000080ff"},
    {"return dump(struct.pack('f', 0/0))",
     "s:0000c0ff"},
    {"return dump(struct.pack('f', 3.4028235677973366e38))",
     "s:0000807f"},
};

/* struct.pack: errors */
static const luaCase structPackErrors[] = {
    {"return dump(struct.pack())",
     "ERR:user_script:3: bad argument #1 to 'pack' (string expected, got no "
     "value)"},
    {"return dump(struct.pack(1, 2))",
     "ERR:user_script:3: bad argument #1 to 'pack' (invalid format option '1"
     "')"},
    {"return dump(struct.pack('z', 1))",
     "ERR:user_script:3: bad argument #1 to 'pack' (invalid format option 'z"
     "')"},
    {"return dump(struct.pack('\\200', 1))",
     "ERR:user_script:3: bad argument #1 to 'pack' (invalid format option '\310"
     "')"},
    {"return dump(struct.pack('!3'))",
     "ERR:user_script:3: alignment 3 is not a power of 2"},
    {"return dump(struct.pack('!3bi', 1, 2))",
     "ERR:user_script:3: alignment 3 is not a power of 2"},
    {"return dump(struct.pack('!0'))",
     "ERR:user_script:3: alignment 0 is not a power of 2"},
    {"return dump(struct.pack('!2147483648',1,2))",
     "ERR:user_script:3: integral size overflow"},
    {"return dump(struct.pack('i33', 1))",
     "ERR:user_script:3: integral size 33 is larger than limit of 32"},
    {"return dump(struct.pack('i99999999999', 1))",
     "ERR:user_script:3: integral size overflow"},
    {"return dump(struct.pack('c99999999999', 1))",
     "ERR:user_script:3: integral size overflow"},
    {"return dump(struct.pack('c2147483648','a'))",
     "ERR:user_script:3: integral size overflow"},
    {"return dump(struct.pack('c2147483647','a'))",
     "ERR:user_script:3: bad argument #3 to 'pack' (string too short)"},
    {"return dump(struct.pack('c6', 'hello'))",
     "ERR:user_script:3: bad argument #3 to 'pack' (string too short)"},
    {"return dump(struct.pack('bc6', 1, 'hello'))",
     "ERR:user_script:3: bad argument #4 to 'pack' (string too short)"},
    {"return dump(struct.pack('b'))",
     "ERR:user_script:3: bad argument #2 to 'pack' (number expected, got nil"
     ")"},
    {"return dump(struct.pack('bb', 1))",
     "ERR:user_script:3: bad argument #3 to 'pack' (number expected, got nil"
     ")"},
    {"return dump(struct.pack('bbb'))",
     "ERR:user_script:3: bad argument #2 to 'pack' (number expected, got nil"
     ")"},
    {"return dump(struct.pack('i0'))",
     "ERR:user_script:3: bad argument #2 to 'pack' (number expected, got nil"
     ")"},
    {"return dump(struct.pack('b', 'x'))",
     "ERR:user_script:3: bad argument #2 to 'pack' (number expected, got str"
     "ing)"},
    {"return dump(struct.pack('s', nil))",
     "ERR:user_script:3: bad argument #2 to 'pack' (string expected, got nil"
     ")"},
    {"return dump(struct.pack('c3', nil))",
     "ERR:user_script:3: bad argument #2 to 'pack' (string expected, got nil"
     ")"},
    {"return dump(#struct.pack('c0bb', string.rep('x', 10000), 1))",
     "ERR:user_script:3: bad argument #4 to 'pack' (number expected, got nil"
     ")"},
    {"return dump(#struct.pack('c0bbb', string.rep('1', 10000), 1))",
     "ERR:user_script:3: bad argument #4 to 'pack' (number expected, got nil"
     ")"},
};

/* struct.unpack: integers, signs and sizes past 8 bytes */
static const luaCase structUnpackIntegers[] = {
    {"return dump(struct.unpack('>i', '\\0\\0\\0\\1'))",
     "number:1:1 number:5:5"},
    {"return dump(struct.unpack('<i', '\\1\\0\\0\\0\\9'))",
     "number:1:1 number:5:5"},
    {"return dump(struct.unpack('bBhHlLT', struct.pack('bBhHlLT', -1, 255, -"
     "2, 65535, -3, 4, 5)))",
     "number:-1:-1 number:255:255 number:-2:-2 number:65535:65535 number:-3:"
     "-3 number:4:4 number:5:5 number:31:31"},
    {"return dump(struct.unpack('>bBhHlLT', struct.pack('>bBhHlLT', -1, 255,"
     " -2, 65535, -3, 4, 5)))",
     "number:-1:-1 number:255:255 number:-2:-2 number:65535:65535 number:-3:"
     "-3 number:4:4 number:5:5 number:31:31"},
    {"return dump(struct.unpack('>hH<hH', '\\255\\254\\255\\254\\255\\254\\2"
     "55\\254'))",
     "number:-2:-2 number:65534:65534 number:-257:-257 number:65279:65279 nu"
     "mber:9:9"},
    {"return dump(struct.unpack('bB', '\\128\\128'))",
     "number:-128:-128 number:128:128 number:3:3"},
    {"return dump(struct.unpack('>lL', '\\128\\0\\0\\0\\0\\0\\0\\1\\128\\0\\"
     "0\\0\\0\\0\\0\\1'))",
     "number:-9.2233720368547758e+18:-9.2233720368548e+18 number:9.223372036"
     "8547758e+18:9.2233720368548e+18 number:17:17"},
    {"return dump(struct.unpack('>i7<I5', struct.pack('>i7<I5', -2, 2^39)))",
     "number:-2:-2 number:549755813888:549755813888 number:13:13"},
    {"return dump(struct.unpack('i3', '\\255\\255\\127'))",
     "number:8388607:8388607 number:4:4"},
    {"return dump(struct.unpack('i3', '\\255\\255\\128'))",
     "number:-8323073:-8323073 number:4:4"},
    {"return dump(struct.unpack('>i3', '\\128\\255\\255'))",
     "number:-8323073:-8323073 number:4:4"},
    {"return dump(struct.unpack('I3', '\\255\\255\\128'))",
     "number:8454143:8454143 number:4:4"},
    {"return dump(struct.unpack('i5', '\\0\\0\\0\\0\\128'))",
     "number:-549755813888:-549755813888 number:6:6"},
    {"return dump(struct.unpack('i8', '\\0\\0\\0\\0\\0\\0\\0\\128'))",
     "number:-9.2233720368547758e+18:-9.2233720368548e+18 number:9:9"},
    {"return dump(struct.unpack('I8', '\\255\\255\\255\\255\\255\\255\\255\\"
     "255'))",
     "number:1.8446744073709552e+19:1.844674407371e+19 number:9:9"},
    {"return dump(struct.unpack('L', '\\255\\255\\255\\255\\255\\255\\255\\2"
     "55'))",
     "number:1.8446744073709552e+19:1.844674407371e+19 number:9:9"},
    {"return dump(struct.unpack('i0', 'ab'))",
     "number:0:0 number:1:1"},
    {"return dump(struct.unpack('I0', 'ab'))",
     "number:0:0 number:1:1"},
    {"return dump(struct.unpack('i9', string.rep('\\255', 9)))",
     "number:-1:-1 number:10:10"},
    {"return dump(struct.unpack('i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\1'))",
     "number:1:1 number:10:10"},
    {"return dump(struct.unpack('>i9', '\\1\\0\\0\\0\\0\\0\\0\\0\\1'))",
     "number:1:1 number:10:10"},
    {"return dump(struct.unpack('i9', '\\128\\0\\0\\0\\0\\0\\0\\0\\0'))",
     "number:-128:-128 number:10:10"},
    {"return dump(struct.unpack('i10', '\\0\\2\\0\\0\\0\\0\\0\\0\\0\\0'))",
     "number:512:512 number:11:11"},
    {"return dump(struct.unpack('i12', '\\1\\0\\0\\0\\0\\0\\0\\0\\1\\0\\0\\0"
     "'))",
     "number:1:1 number:13:13"},
    {"return dump(struct.unpack('i12', '\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\1"
     "28'))",
     "number:1:1 number:13:13"},
    {"return dump(struct.unpack('i16', string.rep('\\255', 16)))",
     "number:-1:-1 number:17:17"},
    {"return dump(struct.unpack('I16', string.rep('\\255', 16)))",
     "number:1.8446744073709552e+19:1.844674407371e+19 number:17:17"},
    {"return dump(struct.unpack('i16', '\\0\\0\\0\\0\\0\\0\\0\\128\\0\\0\\0\\"
     "0\\0\\0\\0\\0'))",
     "number:-9.2233720368547758e+18:-9.2233720368548e+18 number:17:17"},
    {"return dump(struct.unpack('i25', '\\0\\0\\0\\0\\0\\0\\0\\128\\0\\0\\0\\"
     "0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0'))",
     "number:-128:-128 number:26:26"},
    {"return dump(struct.unpack('i31', '\\0\\0\\0\\0\\0\\0\\0\\128\\0\\0\\0\\"
     "0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0'))",
     "number:-36028797018963968:-3.6028797018964e+16 number:32:32"},
};

/* struct.unpack: f and d */
static const luaCase structUnpackFloats[] = {
    {"return dump(struct.unpack('<f>f<d>d', struct.pack('<f>f<d>d', 0.1, 0.5"
     ", 0.1, -3)))",
     "number:0.10000000149011612:0.10000000149012 number:0.5:0.5 number:0.10"
     "000000000000001:0.1 number:-3:-3 number:25:25"},
};

/* struct.unpack: c, c0 with the count before it, s, x */
static const luaCase structUnpackStrings[] = {
    {"return dump(struct.unpack('s', 'abc\\0def'))",
     "s:616263 number:5:5"},
    {"return dump(struct.unpack('s', 'abc\\0', 4))",
     "s: number:5:5"},
    {"return dump(struct.unpack('c3', 'abcdef'))",
     "s:616263 number:4:4"},
    {"return dump(struct.unpack('c', 'abcdef'))",
     "s:61 number:2:2"},
    {"return dump(struct.unpack('bc0', '\\3abcdef'))",
     "s:616263 number:5:5"},
    {"return dump(struct.unpack('bxc0', '\\3\\0abcdef'))",
     "s:616263 number:6:6"},
    {"return dump(struct.unpack('bbc0', '\\3\\2abcdef'))",
     "number:3:3 s:6162 number:5:5"},
    {"return dump(struct.unpack('bc0bc0', '\\2ab\\0'))",
     "s:6162 s: number:5:5"},
    {"return dump(struct.unpack('c1c0', '2abcdef'))",
     "s:6162 number:4:4"},
    {"return dump(struct.unpack('dc0', struct.pack('d', 2.7)..'abcdef'))",
     "s:6162 number:11:11"},
    {"return dump(struct.unpack('dc0', struct.pack('d', 2^64)..'abcdef'))",
     "s: number:9:9"},
    {"return dump(struct.unpack('dc0', struct.pack('d', -0.5)..'abcdef'))",
     "s: number:9:9"},
    {"return dump(struct.unpack('dc0', struct.pack('d', 1/0)..'abcdef'))",
     "s: number:9:9"},
    {"return dump(struct.unpack('!8bx', '\\1\\2'))",
     "number:1:1 number:3:3"},
    {"return dump(struct.unpack('!8bc2', '\\1\\2\\3'))",
     "number:1:1 s:0203 number:4:4"},
    {"return dump(struct.unpack('!8bs', '\\1\\2\\0'))",
     "number:1:1 s:02 number:4:4"},
    {"return dump(struct.unpack('b', 12))",
     "number:49:49 number:2:2"},
    {"return dump(struct.unpack(' > < b', '\\7'))",
     "number:7:7 number:2:2"},
};

/* struct.unpack: the start position and the one returned */
static const luaCase structUnpackPositions[] = {
    {"return dump(struct.unpack('', 'abc', -1))",
     "number:-1:-1"},
    {"return dump(struct.unpack('', 'abc', -5))",
     "number:-5:-5"},
    {"return dump(struct.unpack('', 'abc', 2^63))",
     "number:-9.2233720368547758e+18:-9.2233720368548e+18"},
    {"return dump(struct.unpack('b', '\\1\\2', 2))",
     "number:2:2 number:3:3"},
    {"return dump(struct.unpack('b', '\\1\\2', 1.5))",
     "number:1:1 number:2:2"},
    {"return dump(struct.unpack('b', '\\1\\2', '2'))",
     "number:2:2 number:3:3"},
    {"return dump(struct.unpack('', '\\1\\2', 5))",
     "number:5:5"},
    {"return dump(struct.unpack('', 'abc', 100))",
     "number:100:100"},
    {"return dump(struct.unpack('c1', 'abc', 3))",
     "s:63 number:4:4"},
    {"return dump(struct.unpack('!bi', '\\1\\0\\0\\0\\2\\0\\0\\0'))",
     "number:1:1 number:2:2 number:9:9"},
    {"return dump(struct.unpack('!4bi', '\\1\\0\\0\\0\\2\\0\\0\\0', 2))",
     "number:0:0 number:2:2 number:9:9"},
    {"return dump(struct.unpack('!4bi', '\\0\\1\\0\\0\\0\\2\\0\\0\\0', 2))",
     "number:1:1 number:512:512 number:9:9"},
    {"return dump(struct.unpack('!8i', '\\1\\2\\3\\4\\5\\6\\7\\8', -1))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('!8d', '\\1\\2\\3\\4\\5\\6\\7\\8', -1))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('!8d', '\\1\\2\\3\\4\\5\\6\\7\\8', -3))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
};

/* struct.unpack: errors, never a read past the data */
static const luaCase structUnpackErrors[] = {
    {"return dump(struct.unpack('!8', 'abc', -5))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack(' ', 'abc', 0/0))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('b', 'abc', 1/0))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack())",
     "ERR:user_script:3: bad argument #1 to 'unpack' (string expected, got n"
     "o value)"},
    {"return dump(struct.unpack('b'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (string expected, got n"
     "o value)"},
    {"return dump(struct.unpack(nil, 'x'))",
     "ERR:user_script:3: bad argument #1 to 'unpack' (string expected, got n"
     "il)"},
    {"return dump(struct.unpack('b', '\\1\\2', 'x'))",
     "ERR:user_script:3: bad argument #3 to 'unpack' (number expected, got s"
     "tring)"},
    {"return dump(struct.unpack('b', '\\1\\2', 0))",
     "ERR:user_script:3: bad argument #3 to 'unpack' (offset must be 1 or gr"
     "eater)"},
    {"return dump(struct.unpack('b', '\\1\\2', 3))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('b', '\\1\\2', -1))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('b', '\\1\\2', 2^53))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('b', '\\1\\2', 2^64))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('b', '\\1\\2', -2^64))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('x', '\\1\\2', 5))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('i', '\\1\\2'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('h', 'abc', 3))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('c1', 'abc', 4))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('c7', 'abcdef'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('c2147483647', '\\7'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('!bi', '\\1\\0\\0\\0\\2\\0\\0'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('!8bi', '\\1\\2\\0'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('ss', 'abc\\0def'))",
     "ERR:user_script:3: unfinished string in data"},
    {"return dump(struct.unpack('s', ''))",
     "ERR:user_script:3: unfinished string in data"},
    {"return dump(struct.unpack('s', 'abc\\0', 5))",
     "ERR:user_script:3: unfinished string in data"},
    {"return dump(struct.unpack('c0', 'abcdef'))",
     "ERR:user_script:3: format 'c0' needs a previous size"},
    {"return dump(struct.unpack('c1c0', 'xabcdef'))",
     "ERR:user_script:3: format 'c0' needs a previous size"},
    {"return dump(struct.unpack('bc0', '\\9abcdef'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('bc0', '\\255abcdef'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('dc0', struct.pack('d', 0/0)..'abcdef'))",
     "ERR:user_script:3: bad argument #2 to 'unpack' (data string too short)"},
    {"return dump(struct.unpack('z', 'abc'))",
     "ERR:user_script:3: bad argument #1 to 'unpack' (invalid format option "
     "'z')"},
    {"return dump(struct.unpack('\\255', 'abc'))",
     "ERR:user_script:3: bad argument #1 to 'unpack' (invalid format option "
     "'\377')"},
    {"return dump(struct.unpack('i33', 'abc'))",
     "ERR:user_script:3: integral size 33 is larger than limit of 32"},
    {"return dump(struct.unpack('!3b', 'abc'))",
     "ERR:user_script:3: alignment 3 is not a power of 2"},
    {"return dump(struct.unpack('c99999999999', '\\7'))",
     "ERR:user_script:3: integral size overflow"},
};

/* struct.unpack: at most 7997 results (the C stack limit) */
static const luaCase structUnpackLimit[] = {
    {"local r = {struct.unpack(string.rep('b', 7997), string.rep('\\1', 8000"
     "))} return #r",
     "7998"},
    {"local r = {struct.unpack(string.rep('b', 7998), string.rep('\\1', 8000"
     "))} return #r",
     "ERR:user_script:3: stack overflow (too many results)"},
    {"local r = {struct.unpack(string.rep('b', 7997)..'x', string.rep('\\1',"
     " 8000))} return #r",
     "ERR:user_script:3: stack overflow (too many results)"},
    {"local r = {struct.unpack(string.rep('b', 7997)..' ', string.rep('\\1',"
     " 8000))} return #r",
     "ERR:user_script:3: stack overflow (too many results)"},
    {"local r = {struct.unpack(string.rep('b', 7996), string.rep('\\1', 8000"
     "), 1)} return #r",
     "7997"},
    {"local r = {struct.unpack(string.rep('b', 7997), string.rep('\\1', 8000"
     "), 1)} return #r",
     "ERR:user_script:3: stack overflow (too many results)"},
    {"local r = {struct.unpack('b'..string.rep('c0', 7997), '\\0'..string.re"
     "p('\\1', 8000))} return #r",
     "ERR:user_script:3: format 'c0' needs a previous size"},
};

/* struct.size: fixed sizes, alignment, and what it ignores */
static const luaCase structSize[] = {
    {"return dump(struct.size(''))",
     "number:0:0"},
    {"return dump(struct.size('bBhHlLTidf'))",
     "number:46:46"},
    {"return dump(struct.size('!bBhHlLTidf'))",
     "number:52:52"},
    {"return dump(struct.size('!4bd'))",
     "number:12:12"},
    {"return dump(struct.size('!bd'))",
     "number:16:16"},
    {"return dump(struct.size('!2bi'))",
     "number:6:6"},
    {"return dump(struct.size('!16i16'))",
     "number:16:16"},
    {"return dump(struct.size('!8bc5'))",
     "number:6:6"},
    {"return dump(struct.size('c3x i7'))",
     "number:11:11"},
    {"return dump(struct.size('c'))",
     "number:1:1"},
    {"return dump(struct.size('<>'))",
     "number:0:0"},
    {"return dump(struct.size('!'))",
     "number:0:0"},
    {"return dump(struct.size('!1073741824'))",
     "number:0:0"},
    {"return dump(struct.size('c2147483647c2147483647'))",
     "number:4294967294:4294967294"},
    {"return dump(struct.size('z'))",
     "number:0:0"},
    {"return dump(struct.size('zzzi'))",
     "number:4:4"},
    {"return dump(struct.size(12))",
     "number:0:0"},
};

/* struct.size: errors */
static const luaCase structSizeErrors[] = {
    {"return dump(struct.size())",
     "ERR:user_script:3: bad argument #1 to 'size' (string expected, got no "
     "value)"},
    {"return dump(struct.size('s'))",
     "ERR:user_script:3: bad argument #1 to 'size' (option 's' has no fixed "
     "size)"},
    {"return dump(struct.size('bs'))",
     "ERR:user_script:3: bad argument #1 to 'size' (option 's' has no fixed "
     "size)"},
    {"return dump(struct.size('c0'))",
     "ERR:user_script:3: bad argument #1 to 'size' (option 'c0' has no fixed"
     " size)"},
    {"return dump(struct.size('#'))",
     "ERR:user_script:3: bad argument #1 to 'size' (invalid format option '#"
     "')"},
    {"return dump(struct.size('b#'))",
     "ERR:user_script:3: bad argument #1 to 'size' (invalid format option '#"
     "')"},
    {"return dump(struct.size('\\200'))",
     "ERR:user_script:3: bad argument #1 to 'size' (invalid format option '\310"
     "')"},
    {"return dump(struct.size('!3'))",
     "ERR:user_script:3: alignment 3 is not a power of 2"},
    {"return dump(struct.size('i40'))",
     "ERR:user_script:3: integral size 40 is larger than limit of 32"},
    {"return dump(struct.size('!2i9999999999'))",
     "ERR:user_script:3: integral size overflow"},
    {"return dump(struct.size('!9999999999'))",
     "ERR:user_script:3: integral size overflow"},
};

/* cmsgpack: the table's functions and informational fields */
static const luaCase cmsgpackFields[] = {
    {"local t={} for k,v in pairs(cmsgpack) do if type(v)~='function' then t"
     "[#t+1]=k..':'..tostring(v) else t[#t+1]=k end end table.sort(t) return"
     " table.concat(t,' | ')",
     "_COPYRIGHT:Copyright (C) 2012, Salvatore Sanfilippo | _DESCRIPTION:Mes"
     "sagePack C implementation for Lua | _NAME:cmsgpack | _VERSION:lua-cmsg"
     "pack 0.4.0 | pack | unpack | unpack_limit | unpack_one"},
    {"local t={} for k,v in pairs(struct) do t[#t+1]=k..':'..type(v) end tab"
     "le.sort(t) return table.concat(t,' | ')",
     "pack:function | size:function | unpack:function"},
};

/* cmsgpack.pack: integers in the smallest form */
static const luaCase cmsgpackPackIntegers[] = {
    {"return dump(cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967"
     "295, 4294967296))",
     "s:007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"},
    {"return dump(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2"
     "147483648, -2147483649))",
     "s:ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"},
    {"return dump(cmsgpack.pack(2^63, -2^63, 2^63-1024, 2^53, -2^53, 9007199"
     "254740993))",
     "s:ca5f000000d38000000000000000cf7ffffffffffffc00cf0020000000000000d3ff"
     "e0000000000000cf0020000000000000"},
};

/* cmsgpack.pack: float 32 when exact, else float 64 */
static const luaCase cmsgpackPackFloats[] = {
    {"return dump(cmsgpack.pack(-0.0, {[-0.0]=1}))",
     "s:00810001"},
    {"return dump(cmsgpack.pack(0.5, 0.1, 1/0, -1/0, 0/0, -0.0, 1e300, 3.402"
     "8234663852886e38, 1e-45, 1.5e-45))",
     "s:ca3f000000cb3fb999999999999aca7f800000caff800000cbfff800000000000000"
     "cb7e37e43c8800759cca7f7fffffcb3696d601ad376ab9cb36a1208141e9900b"},
    {"return dump(cmsgpack.pack(-(0/0), 3.4028235677973366e38, -3.4028234663"
     "852886e38, 2^-149, 2^-150, 1.5, -2.25))",
     "s:cb7ff8000000000000cb47effffff0000000caff7fffffca00000001cb3690000000"
     "000000ca3fc00000cac0100000"},
};

/* cmsgpack.pack: nil, booleans, strings, and types msgpack lacks */
static const luaCase cmsgpackPackScalars[] = {
    {"return dump(cmsgpack.pack(true, false, nil))",
     "s:c3c2c0"},
    {"return dump(cmsgpack.pack(nil))",
     "s:c0"},
    {"return dump(cmsgpack.pack(nil, nil))",
     "s:c0c0"},
    {"return dump(cmsgpack.pack(cmsgpack.pack))",
     "s:c0"},
    {"return dump(cmsgpack.pack(coroutine.create(function() end)))",
     "s:c0"},
    {"return dump(cmsgpack.pack(''))",
     "s:a0"},
    {"return dump(cmsgpack.pack(string.rep('a', 31)))",
     "s:bf61616161616161616161616161616161616161616161616161616161616161"},
    {"return dump(string.sub(cmsgpack.pack(string.rep('a', 32)),1,4))",
     "s:d9206161"},
    {"return dump(string.sub(cmsgpack.pack(string.rep('a', 255)),1,4))",
     "s:d9ff6161"},
    {"return dump(string.sub(cmsgpack.pack(string.rep('a', 256)),1,4))",
     "s:da010061"},
    {"return dump(string.sub(cmsgpack.pack(string.rep('a', 65535)),1,4))",
     "s:daffff61"},
    {"return dump(string.sub(cmsgpack.pack(string.rep('a', 65536)),1,6))",
     "s:db0001000061"},
    {"return dump(#cmsgpack.pack(string.rep('a', 65536)))",
     "number:65541:65541"},
};

/* cmsgpack.pack: keys exactly 1..n make an array, anything else a map */
static const luaCase cmsgpackPackTables[] = {
    {"return dump(cmsgpack.pack({1,2,3}))",
     "s:93010203"},
    {"return dump(cmsgpack.pack({}))",
     "s:90"},
    {"return dump(cmsgpack.pack({1,nil,3}))",
     "s:8201010303"},
    {"return dump(cmsgpack.pack({a=1}))",
     "s:81a16101"},
    {"return dump(cmsgpack.pack({[1]=1,[2]=2,[1.5]=3}))",
     "s:8301010202ca3fc0000003"},
    {"return dump(cmsgpack.pack({[0]=1}))",
     "s:810001"},
    {"return dump(cmsgpack.pack({[-1]=1}))",
     "s:81ff01"},
    {"return dump(cmsgpack.pack({['1']=1}))",
     "s:81a13101"},
    {"return dump(cmsgpack.pack({[true]=1}))",
     "s:81c301"},
    {"return dump(cmsgpack.pack({[{}]=1}))",
     "s:819001"},
    {"return dump(cmsgpack.pack({['\\0']='\\0\\255'}))",
     "s:81a100a200ff"},
    {"return dump(cmsgpack.pack({[1]=1,[1/0]=2}))",
     "s:820101ca7f80000002"},
    {"return dump(cmsgpack.pack({[2^40]=1}))",
     "s:81cf000001000000000001"},
    {"local t={} t[2^40]=1 t[2]=1 return dump(cmsgpack.pack(t))",
     "s:82cf0000010000000000010201"},
    {"local t={} t[2]=1 t[2^40]=1 return dump(cmsgpack.pack(t))",
     "s:820201cf000001000000000001"},
    {"local t={} t[2^31]=1 t[1]=1 return dump(cmsgpack.pack(t))",
     "s:820101ce8000000001"},
    {"local t={} t[2^31-1]=1 return dump(cmsgpack.pack(t))",
     "s:81ce7fffffff01"},
    {"local t={} t[2^63]=1 return dump(cmsgpack.pack(t))",
     "s:81ca5f00000001"},
    {"local t={} t[1]=1 t[2^62]=1 t[3]=3 return dump(cmsgpack.pack(t))",
     "s:830101cf4000000000000000010303"},
    {"return dump(cmsgpack.pack({a=1,b=2,c=3,d={1,2}}))",
     "s:84a16101a164920102a16303a16202"},
    {"return dump(cmsgpack.pack({1,2,{a={b={c={}}}}}))",
     "s:93010281a16181a16281a16390"},
    {"local t={} for i=1,40 do t[i*3]=i end return dump(cmsgpack.pack(t))",
     "s:de00281b094b190301361206026c24270d0c043f154e1a180830106f256020210b51"
     "1b39134216150772262a0e6321541c451733110f05120666221e0a240c571d3c144818"
     "78282d0f692375275d1f5a1e0903"},
    {"local t={} for i=1,15 do t['k'..i]=i end return dump(cmsgpack.pack(t))",
     "s:8fa36b31320ca26b3909a26b3808a26b3101a36b31350fa26b3303a26b3202a36b31"
     "340ea36b31330da36b31300aa36b31310ba26b3606a26b3707a26b3404a26b3505"},
};

/* cmsgpack.pack: array and map headers, fix, 16 and 32 bits */
static const luaCase cmsgpackPackHeaders[] = {
    {"local t={} for i=1,15 do t[i]=i end return dump(cmsgpack.pack(t))",
     "s:9f0102030405060708090a0b0c0d0e0f"},
    {"local t={} for i=1,16 do t[i]=0 end return dump(cmsgpack.pack(t))",
     "s:dc001000000000000000000000000000000000"},
    {"local t={} for i=1,65535 do t[i]=0 end return dump(string.sub(cmsgpack"
     ".pack(t),1,6))",
     "s:dcffff000000"},
    {"local t={} for i=1,65536 do t[i]=0 end return dump(string.sub(cmsgpack"
     ".pack(t),1,6))",
     "s:dd0001000000"},
    {"local t={} for i=1,15 do t['k'..i]=0 end return dump(string.sub(cmsgpa"
     "ck.pack(t),1,1))",
     "s:8f"},
    {"local t={} for i=1,16 do t['k'..i]=0 end return dump(string.sub(cmsgpa"
     "ck.pack(t),1,3))",
     "s:de0010"},
    {"local t={} for i=1,65536 do t['k'..i]=0 end return dump(string.sub(cms"
     "gpack.pack(t),1,6))",
     "s:df00010000a6"},
};

/* cmsgpack.pack: tables 16 deep become nil, so cycles pack */
static const luaCase cmsgpackPackNesting[] = {
    {"local a={} a[1]=a return dump(cmsgpack.pack(a))",
     "s:91919191919191919191919191919191c0"},
    {"local a={x={}} a.x.y=a return dump(cmsgpack.pack(a))",
     "s:81a17881a17981a17881a17981a17881a17981a17881a17981a17881a17981a17881"
     "a17981a17881a17981a17881a179c0"},
    {"local a={} a[1]=a return dump(cmsgpack.pack({a}))",
     "s:91919191919191919191919191919191c0"},
};

/* cmsgpack.pack: errors and the argument limit */
static const luaCase cmsgpackPackErrors[] = {
    {"return dump(cmsgpack.pack())",
     "ERR:user_script:3: bad argument #0 to 'pack' (MessagePack pack needs i"
     "nput.)"},
    {"local t={} for i=1,4000 do t[i]=1 end return #cmsgpack.pack(unpack(t))",
     "4000"},
    {"local t={} for i=1,4001 do t[i]=1 end return #cmsgpack.pack(unpack(t))",
     "ERR:user_script:3: bad argument #0 to 'pack' (Too many arguments for M"
     "essagePack pack.)"},
    {"local t={} for i=1,4000 do t[i]={} end return #cmsgpack.pack(unpack(t)"
     ")",
     "ERR:user_script:3: stack overflow (in function table_is_an_array)"},
    {"local t={} for i=1,3999 do t[i]={1} end return #cmsgpack.pack(unpack(t"
     "))",
     "7998"},
    {"local t={} for i=1,3999 do t[i]={{1}} end return #cmsgpack.pack(unpack"
     "(t))",
     "ERR:user_script:3: stack overflow (in function table_is_an_array)"},
    {"local t={} for i=1,3998 do t[i]={a=1} end return #cmsgpack.pack(unpack"
     "(t))",
     "15992"},
    {"local t={} for i=1,3999 do t[i]={a=1} end return #cmsgpack.pack(unpack"
     "(t))",
     "ERR:user_script:3: stack overflow (in function mp_encode_lua_table_as_"
     "map)"},
    {"local t={} for i=1,3990 do t[i]={{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}} en"
     "d return #cmsgpack.pack(unpack(t))",
     "67830"},
    {"local t={} for i=1,3992 do t[i]={{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}} en"
     "d return #cmsgpack.pack(unpack(t))",
     "ERR:user_script:3: stack overflow (in function table_is_an_array)"},
    {"local t={} for i=1,3960 do t[i]={a={a={a={a={a={a={a={a={a={a={a={a={a"
     "={a={a={a={}}}}}}}}}}}}}}}}} end return #cmsgpack.pack(unpack(t))",
     "194040"},
    {"local t={} for i=1,3975 do t[i]={a={a={a={a={a={a={a={a={a={a={a={a={a"
     "={a={a={a={}}}}}}}}}}}}}}}}} end return #cmsgpack.pack(unpack(t))",
     "194775"},
};

/* cmsgpack.unpack: every type Redis reads */
static const luaCase cmsgpackUnpackTypes[] = {
    {"return dump(cmsgpack.unpack('\\204\\255\\205\\1\\0\\206\\255\\255\\255"
     "\\255\\207\\0\\0\\0\\1\\0\\0\\0\\0'))",
     "number:255:255 number:256:256 number:4294967295:4294967295 number:4294"
     "967296:4294967296"},
    {"return dump(cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\"
     "255'))",
     "number:-1:-1"},
    {"return dump(cmsgpack.unpack('\\207\\128\\0\\0\\0\\0\\0\\0\\0'))",
     "number:-9.2233720368547758e+18:-9.2233720368548e+18"},
    {"return dump(cmsgpack.unpack('\\207\\0\\32\\0\\0\\0\\0\\0\\1'))",
     "number:9007199254740992:9.007199254741e+15"},
    {"return dump(cmsgpack.unpack('\\211\\255\\255\\255\\255\\255\\255\\255\\"
     "255\\211\\128\\0\\0\\0\\0\\0\\0\\0'))",
     "number:-1:-1 number:-9.2233720368547758e+18:-9.2233720368548e+18"},
    {"return dump(cmsgpack.unpack('\\208\\128\\209\\128\\0\\210\\128\\0\\0\\"
     "0\\127\\224\\255'))",
     "number:-128:-128 number:-32768:-32768 number:-2147483648:-2147483648 n"
     "umber:127:127 number:-32:-32 number:-1:-1"},
    {"return dump(cmsgpack.unpack('\\208\\127\\209\\127\\255\\210\\127\\255\\"
     "255\\255\\208\\255'))",
     "number:127:127 number:32767:32767 number:2147483647:2147483647 number:"
     "-1:-1"},
    {"return dump(cmsgpack.unpack('\\202\\63\\0\\0\\0\\203\\63\\185\\153\\15"
     "3\\153\\153\\153\\154'))",
     "number:0.5:0.5 number:0.10000000000000001:0.1"},
    {"return dump(cmsgpack.unpack('\\202\\127\\128\\0\\0\\202\\255\\192\\0\\"
     "0\\203\\127\\248\\0\\0\\0\\0\\0\\0'))",
     "number:inf:inf number:-nan:-nan number:nan:nan"},
    {"return dump(cmsgpack.unpack('\\192\\194\\195'))",
     "nil:0:nil boolean:0:false boolean:0:true"},
    {"return dump(cmsgpack.unpack('\\163abc\\217\\3abc\\218\\0\\3abc\\219\\0"
     "\\0\\0\\3abc'))",
     "s:616263 s:616263 s:616263 s:616263"},
    {"return dump(cmsgpack.unpack('\\160\\217\\0\\218\\0\\0\\219\\0\\0\\0\\0"
     "'))",
     "s: s: s: s:"},
    {"return dump(cmsgpack.unpack('\\147\\1\\2\\3'))",
     "{1=1,2=2,3=3}"},
    {"return dump(cmsgpack.unpack('\\144\\128'))",
     "{} {}"},
    {"return dump(cmsgpack.unpack('\\220\\0\\2\\1\\2\\221\\0\\0\\0\\1\\7'))",
     "{1=1,2=2} {1=7}"},
    {"return dump(cmsgpack.unpack('\\220\\0\\0\\221\\0\\0\\0\\0\\222\\0\\0\\"
     "223\\0\\0\\0\\0'))",
     "{} {} {} {}"},
    {"return dump(cmsgpack.unpack('\\130\\1\\2\\161a\\3'))",
     "{1=2,a=3}"},
    {"return dump(cmsgpack.unpack('\\222\\0\\1\\1\\2\\223\\0\\0\\0\\1\\1\\2'"
     "))",
     "{1=2} {1=2}"},
    {"return dump(cmsgpack.unpack('\\129\\1\\192'))",
     "{}"},
    {"return dump(cmsgpack.unpack(''))",
     ""},
    {"return dump(cmsgpack.unpack(12))",
     "number:49:49 number:50:50"},
    {"return dump(cmsgpack.unpack('\\1', 'junk', 5))",
     "number:1:1"},
    {"local s = cmsgpack.pack({a=1,b={1,2,{c='x'}},[3]=true}) local d = cmsg"
     "pack.unpack(s) return dump(s, d.a, d.b[3].c, d[3])",
     "s:83a1610103c3a16293010281a163a178 number:1:1 s:78 boolean:0:true"},
    {"local a,b,c = cmsgpack.unpack(cmsgpack.pack(1, 'two', {3})) return dum"
     "p(a, b, c[1])",
     "number:1:1 s:74776f number:3:3"},
    {"return dump(cmsgpack.unpack(cmsgpack.pack(0.1, -0.0, 2^63, -2^63, 1/0)"
     "))",
     "number:0.10000000000000001:0.1 number:0:0 number:9.2233720368547758e+1"
     "8:9.2233720368548e+18 number:-9.2233720368547758e+18:-9.2233720368548e"
     "+18 number:-inf:-inf"},
};

/* cmsgpack.unpack: bin, ext, fixext and 0xc1 are bad data */
static const luaCase cmsgpackUnpackRejected[] = {
    {"return dump(cmsgpack.unpack('\\196\\3abc'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\197\\0\\3abc'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\198\\0\\0\\0\\3abc'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\199\\1\\5a'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\200\\0\\1\\5a'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\201\\0\\0\\0\\1\\5a'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\212\\5a'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\213\\5ab'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\214\\5abcd'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\215\\5abcdefgh'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\216\\5abcdefghabcdefgh'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\193'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\1\\193'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\196'))",
     "ERR:user_script:3: Bad data format in input."},
    {"return dump(cmsgpack.unpack('\\147\\1\\2\\193'))",
     "ERR:user_script:3: Bad data format in input."},
};

/* cmsgpack.unpack: input ending inside a value */
static const luaCase cmsgpackUnpackTruncated[] = {
    {"return dump(cmsgpack.unpack('\\204'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\1\\204'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\205\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\206\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\207\\0\\0\\0\\0\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\208'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\209\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\210\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\211\\0\\0\\0\\0\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\202\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\203\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\163ab'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\217'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\217\\3ab'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\218\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\218\\0\\5ab'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\219\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\219\\255\\255\\255\\255ab'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\145'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\147\\1\\2'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\220\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\221\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\221\\255\\255\\255\\255\\1'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\129'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\129\\1'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\130\\1'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\222\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\223\\0\\0\\0'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\223\\255\\255\\255\\255\\1'))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack('\\223\\255\\255\\255\\255\\1\\1'))",
     "ERR:user_script:3: Missing bytes in input."},
};

/* cmsgpack.unpack: argument errors and bad map keys */
static const luaCase cmsgpackUnpackErrors[] = {
    {"return dump(cmsgpack.unpack())",
     "ERR:user_script:3: bad argument #1 to 'unpack' (string expected, got n"
     "o value)"},
    {"return dump(cmsgpack.unpack({}))",
     "ERR:user_script:3: bad argument #1 to 'unpack' (string expected, got t"
     "able)"},
    {"return dump(cmsgpack.unpack('\\129\\192\\1'))",
     "ERR:table index is nil"},
    {"return dump(cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1"
     "'))",
     "ERR:table index is NaN"},
};

/* cmsgpack.unpack_one: one value and the next offset */
static const luaCase cmsgpackUnpackOne[] = {
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3'))",
     "number:1:1 number:1:1"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 1))",
     "number:2:2 number:2:2"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 2))",
     "number:-1:-1 number:3:3"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 3))",
     "number:-1:-1"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 1.7))",
     "number:2:2 number:2:2"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', '1'))",
     "number:2:2 number:2:2"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', nil))",
     "number:1:1 number:1:1"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 1, 'junk', 5))",
     "number:2:2 number:2:2"},
    {"return dump(cmsgpack.unpack_one('\\147\\1\\2\\3\\4'))",
     "number:4:4 {1=1,2=2,3=3}"},
    {"return dump(cmsgpack.unpack_one('\\1\\204'))",
     "number:1:1 number:1:1"},
    {"return dump(cmsgpack.unpack_one(''))",
     "number:-1:-1"},
    {"return dump(cmsgpack.unpack_one('', 0))",
     "number:-1:-1"},
};

/* cmsgpack.unpack_one: errors */
static const luaCase cmsgpackUnpackOneErrors[] = {
    {"return dump(cmsgpack.unpack_one())",
     "ERR:user_script:3: bad argument #1 to 'unpack_one' (string expected, g"
     "ot no value)"},
    {"return dump(cmsgpack.unpack_one(nil))",
     "ERR:user_script:3: bad argument #1 to 'unpack_one' (string expected, g"
     "ot nil)"},
    {"return dump(cmsgpack.unpack_one(nil, 'x'))",
     "ERR:user_script:3: bad argument #2 to 'unpack_one' (number expected, g"
     "ot string)"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 'x'))",
     "ERR:user_script:3: bad argument #2 to 'unpack_one' (number expected, g"
     "ot string)"},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 4))",
     "ERR:user_script:3: Start offset 4 greater than input length 3."},
    {"return dump(cmsgpack.unpack_one('', 1))",
     "ERR:user_script:3: Start offset 1 greater than input length 0."},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', -1))",
     "ERR:user_script:3: Invalid request to unpack with offset of -1 and lim"
     "it of 3."},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', -2^40))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 3."},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 2^31))",
     "ERR:user_script:3: Start offset -2147483648 greater than input length "
     "3."},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 2^32))",
     "ERR:user_script:3: Start offset 0 greater than input length 3."},
    {"return dump(cmsgpack.unpack_one('\\1\\2\\3', 2^32+1))",
     "ERR:user_script:3: Start offset 1 greater than input length 3."},
    {"return dump(cmsgpack.unpack_one('\\1\\204', 1))",
     "ERR:user_script:3: Missing bytes in input."},
    {"return dump(cmsgpack.unpack_one('\\193'))",
     "ERR:user_script:3: Bad data format in input."},
};

/* cmsgpack.unpack_limit: up to n values and the next offset */
static const luaCase cmsgpackUnpackLimit[] = {
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 2))",
     "number:2:2 number:1:1 number:2:2"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 2, 2))",
     "number:-1:-1 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 5, 1))",
     "number:-1:-1 number:2:2 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 0))",
     "number:1:1 number:2:2 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 0, 0))",
     "number:1:1 number:2:2 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 0, 1))",
     "number:1:1"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 0, 3))",
     "number:-1:-1"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 2^31))",
     "number:-1:-1 number:1:1 number:2:2 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 2^32+1))",
     "number:-1:-1 number:1:1 number:2:2 number:3:3"},
    {"return dump(cmsgpack.unpack_limit('', 0, 0))",
     ""},
    {"return dump(cmsgpack.unpack_limit('', 1))",
     "number:-1:-1"},
    {"return dump(cmsgpack.unpack_limit(string.rep('a', 70000), 1, 69999))",
     "number:-1:-1 number:97:97"},
};

/* cmsgpack.unpack_limit: errors */
static const luaCase cmsgpackUnpackLimitErrors[] = {
    {"return dump(cmsgpack.unpack_one('\\1\\2', 0/0))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 2."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2', 0/0))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 2."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2', 1/0))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 2."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2', -1/0, 1))",
     "ERR:user_script:3: Invalid request to unpack with offset of 1 and limi"
     "t of 2."},
    {"return dump(cmsgpack.unpack_limit())",
     "ERR:user_script:3: bad argument #2 to 'unpack_limit' (number expected,"
     " got no value)"},
    {"return dump(cmsgpack.unpack_limit(nil, 1))",
     "ERR:user_script:3: bad argument #1 to 'unpack_limit' (string expected,"
     " got nil)"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3'))",
     "ERR:user_script:3: bad argument #2 to 'unpack_limit' (number expected,"
     " got no value)"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 'x'))",
     "ERR:user_script:3: bad argument #2 to 'unpack_limit' (number expected,"
     " got string)"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 1, 'y'))",
     "ERR:user_script:3: bad argument #3 to 'unpack_limit' (number expected,"
     " got string)"},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', -1))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 3."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', -1, 2))",
     "ERR:user_script:3: Invalid request to unpack with offset of 2 and limi"
     "t of 3."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', -2^32))",
     "ERR:user_script:3: Invalid request to unpack with offset of 0 and limi"
     "t of 3."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 1, -7))",
     "ERR:user_script:3: Invalid request to unpack with offset of -7 and lim"
     "it of 3."},
    {"return dump(cmsgpack.unpack_limit('\\1\\2\\3', 1, 9))",
     "ERR:user_script:3: Start offset 9 greater than input length 3."},
};

/* cmsgpack: how many values and how deep, within the C stack limit */
static const luaCase cmsgpackUnpackStack[] = {
    {"local r = {cmsgpack.unpack(string.rep('\\1', 7999))} return #r",
     "7999"},
    {"local r = {cmsgpack.unpack(string.rep('\\1', 8000))} return #r",
     "ERR:user_script:3: stack overflow (too many return values at once; use"
     " unpack_one or unpack_limit instead.)"},
    {"local r = {cmsgpack.unpack(string.rep('\\1', 7998), 1)} return #r",
     "7998"},
    {"local r = {cmsgpack.unpack(string.rep('\\1', 7999), 1)} return #r",
     "ERR:user_script:3: stack overflow (too many return values at once; use"
     " unpack_one or unpack_limit instead.)"},
    {"local r = {cmsgpack.unpack_limit(string.rep('\\1', 7998), 8000)} retur"
     "n #r",
     "7999"},
    {"local r = {cmsgpack.unpack_limit(string.rep('\\1', 7999), 8000)} retur"
     "n #r",
     "ERR:user_script:3: stack overflow (in function mp_unpack_full)"},
    {"local r = {cmsgpack.unpack_limit(string.rep('\\1', 7999), 8000, 1)} re"
     "turn #r",
     "7999"},
    {"local r = {cmsgpack.unpack_limit(string.rep('\\1', 10000), 9000)} retu"
     "rn #r",
     "ERR:user_script:3: stack overflow (too many return values at once; use"
     " unpack_one or unpack_limit instead.)"},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 3999)..'\\1')} return #"
     "r",
     "1"},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 4000)..'\\1')} return #"
     "r",
     "ERR:user_script:3: stack overflow (in function mp_decode_to_lua_array)"},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 3999)..'\\144')} return"
     " #r",
     "ERR:user_script:3: stack overflow (in function mp_decode_to_lua_array)"},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 3999)..'\\128')} return"
     " #r",
     "1"},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 3999)..'\\129')} return"
     " #r",
     "ERR:user_script:3: Missing bytes in input."},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 3999))} return #r",
     "ERR:user_script:3: Missing bytes in input."},
    {"local r = {cmsgpack.unpack(string.rep('\\145', 4000))} return #r",
     "ERR:user_script:3: stack overflow (in function mp_decode_to_lua_array)"},
    {"local r = {cmsgpack.unpack_one(string.rep('\\145', 3999)..'\\1', 0)} r"
     "eturn #r",
     "2"},
    {"local r = {cmsgpack.unpack_one(string.rep('\\145', 4000)..'\\1', 0)} r"
     "eturn #r",
     "ERR:user_script:3: stack overflow (in function mp_decode_to_lua_array)"},
    {"local r = {cmsgpack.unpack(string.rep('\\129\\1', 3999)..'\\1')} retur"
     "n #r",
     "1"},
    {"local r = {cmsgpack.unpack(string.rep('\\129\\1', 4000)..'\\1')} retur"
     "n #r",
     "ERR:user_script:3: stack overflow (too many return values at once; use"
     " unpack_one or unpack_limit instead.)"},
};

static const luaCaseGroup luaCaseGroups[] = {
    {"struct.pack: integer options, their sizes and byte order", structPackIntegers, sizeof structPackIntegers / sizeof structPackIntegers[0]},
    {"struct.pack: numbers an integer cannot hold give Redis's bytes", structPackWrap, sizeof structPackWrap / sizeof structPackWrap[0]},
    {"struct.pack: ! aligns each field to min(size, n)", structPackAlign, sizeof structPackAlign / sizeof structPackAlign[0]},
    {"struct.pack: c, c0, s and x", structPackStrings, sizeof structPackStrings / sizeof structPackStrings[0]},
    {"struct.pack: f and d in either byte order", structPackFloats, sizeof structPackFloats / sizeof structPackFloats[0]},
    {"struct.pack: errors", structPackErrors, sizeof structPackErrors / sizeof structPackErrors[0]},
    {"struct.unpack: integers, signs and sizes past 8 bytes", structUnpackIntegers, sizeof structUnpackIntegers / sizeof structUnpackIntegers[0]},
    {"struct.unpack: f and d", structUnpackFloats, sizeof structUnpackFloats / sizeof structUnpackFloats[0]},
    {"struct.unpack: c, c0 with the count before it, s, x", structUnpackStrings, sizeof structUnpackStrings / sizeof structUnpackStrings[0]},
    {"struct.unpack: the start position and the one returned", structUnpackPositions, sizeof structUnpackPositions / sizeof structUnpackPositions[0]},
    {"struct.unpack: errors, never a read past the data", structUnpackErrors, sizeof structUnpackErrors / sizeof structUnpackErrors[0]},
    {"struct.unpack: at most 7997 results (the C stack limit)", structUnpackLimit, sizeof structUnpackLimit / sizeof structUnpackLimit[0]},
    {"struct.size: fixed sizes, alignment, and what it ignores", structSize, sizeof structSize / sizeof structSize[0]},
    {"struct.size: errors", structSizeErrors, sizeof structSizeErrors / sizeof structSizeErrors[0]},
    {"cmsgpack: the table's functions and informational fields", cmsgpackFields, sizeof cmsgpackFields / sizeof cmsgpackFields[0]},
    {"cmsgpack.pack: integers in the smallest form", cmsgpackPackIntegers, sizeof cmsgpackPackIntegers / sizeof cmsgpackPackIntegers[0]},
    {"cmsgpack.pack: float 32 when exact, else float 64", cmsgpackPackFloats, sizeof cmsgpackPackFloats / sizeof cmsgpackPackFloats[0]},
    {"cmsgpack.pack: nil, booleans, strings, and types msgpack lacks", cmsgpackPackScalars, sizeof cmsgpackPackScalars / sizeof cmsgpackPackScalars[0]},
    {"cmsgpack.pack: keys exactly 1..n make an array, anything else a map", cmsgpackPackTables, sizeof cmsgpackPackTables / sizeof cmsgpackPackTables[0]},
    {"cmsgpack.pack: array and map headers, fix, 16 and 32 bits", cmsgpackPackHeaders, sizeof cmsgpackPackHeaders / sizeof cmsgpackPackHeaders[0]},
    {"cmsgpack.pack: tables 16 deep become nil, so cycles pack", cmsgpackPackNesting, sizeof cmsgpackPackNesting / sizeof cmsgpackPackNesting[0]},
    {"cmsgpack.pack: errors and the argument limit", cmsgpackPackErrors, sizeof cmsgpackPackErrors / sizeof cmsgpackPackErrors[0]},
    {"cmsgpack.unpack: every type Redis reads", cmsgpackUnpackTypes, sizeof cmsgpackUnpackTypes / sizeof cmsgpackUnpackTypes[0]},
    {"cmsgpack.unpack: bin, ext, fixext and 0xc1 are bad data", cmsgpackUnpackRejected, sizeof cmsgpackUnpackRejected / sizeof cmsgpackUnpackRejected[0]},
    {"cmsgpack.unpack: input ending inside a value", cmsgpackUnpackTruncated, sizeof cmsgpackUnpackTruncated / sizeof cmsgpackUnpackTruncated[0]},
    {"cmsgpack.unpack: argument errors and bad map keys", cmsgpackUnpackErrors, sizeof cmsgpackUnpackErrors / sizeof cmsgpackUnpackErrors[0]},
    {"cmsgpack.unpack_one: one value and the next offset", cmsgpackUnpackOne, sizeof cmsgpackUnpackOne / sizeof cmsgpackUnpackOne[0]},
    {"cmsgpack.unpack_one: errors", cmsgpackUnpackOneErrors, sizeof cmsgpackUnpackOneErrors / sizeof cmsgpackUnpackOneErrors[0]},
    {"cmsgpack.unpack_limit: up to n values and the next offset", cmsgpackUnpackLimit, sizeof cmsgpackUnpackLimit / sizeof cmsgpackUnpackLimit[0]},
    {"cmsgpack.unpack_limit: errors", cmsgpackUnpackLimitErrors, sizeof cmsgpackUnpackLimitErrors / sizeof cmsgpackUnpackLimitErrors[0]},
    {"cmsgpack: how many values and how deep, within the C stack limit", cmsgpackUnpackStack, sizeof cmsgpackUnpackStack / sizeof cmsgpackUnpackStack[0]},
};

/* Runs body in a fresh state (the stack-limit cases need an empty stack,
 * and no case sees another's garbage); true when it returned expected. */
static int checkWrapped(const char *body, const char *expected) {
    static char got[1 << 16];
    lua_State *L = newLibState();
    if (!ASSERT(L != NULL)) return 0;
    runWrapped(L, body, got, sizeof got);
    lua_close(L);
    if (ASSERT_EQ_STR(got, expected)) return 1;
    fprintf(stderr, "  in: %s\n", body);
    return 0;
}

static void testAgainstRedis(void) {
    for (size_t g = 0; g < sizeof luaCaseGroups / sizeof luaCaseGroups[0]; g++) {
        const luaCaseGroup *group = &luaCaseGroups[g];
        TEST_CASE(group->name) {
            for (size_t i = 0; i < group->count; i++)
                checkWrapped(group->cases[i].body, group->cases[i].expected);
        }
    }
}

/* ---- Checks beyond fixed strings ------------------------------------------ */

/* Calls lib.fn with the arguments already pushed (nargs of them, above the
 * function) in protected mode; returns the lua_pcall status and leaves the
 * results or the message on the stack. */
static int callLib(lua_State *L, const char *lib, const char *fn, int nargs) {
    lua_getglobal(L, lib);
    lua_getfield(L, -1, fn);
    lua_remove(L, -2);
    lua_insert(L, -(nargs + 1));
    return lua_pcall(L, nargs, LUA_MULTRET, 0);
}

/* Every proper prefix of a valid encoding is an error that names the
 * missing bytes, or (cut between top-level values) a shorter result:
 * never a crash, never a read past the string (ASan checks the latter). */
typedef struct byteString {
    const char *p;
    size_t len;
} byteString;
#define BYTES(literal) {literal, sizeof(literal) - 1}

static void testTruncatedInput(void) {
    static const byteString encodings[] = {
        BYTES("\xcc\xff"),
        BYTES("\xcd\x01\x00"),
        BYTES("\xce\xff\xff\xff\xff"),
        BYTES("\xcf\x00\x00\x00\x01\x00\x00\x00\x00"),
        BYTES("\xd0\x80"),
        BYTES("\xd1\x80\x00"),
        BYTES("\xd2\x80\x00\x00\x00"),
        BYTES("\xd3\x80\x00\x00\x00\x00\x00\x00\x00"),
        BYTES("\xca\x3f\x00\x00\x00"),
        BYTES("\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a"),
        BYTES("\xa3" "abc"),
        BYTES("\xd9\x03" "abc"),
        BYTES("\xda\x00\x03" "abc"),
        BYTES("\xdb\x00\x00\x00\x03" "abc"),
        BYTES("\x93\x01\x02\x03"),
        BYTES("\xdc\x00\x02\x01\x02"),
        BYTES("\xdd\x00\x00\x00\x01\x07"),
        BYTES("\x82\x01\x02\xa1" "a\x03"),
        BYTES("\xde\x00\x01\x01\x02"),
        BYTES("\xdf\x00\x00\x00\x01\x01\x02"),
        BYTES("\x92\x81\xa1k\x93\x01\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a\xc3\xa2hi"),
    };
    TEST_CASE("cmsgpack: every prefix of a valid encoding fails cleanly") {
        lua_State *L = newLibState();
        if (!ASSERT(L != NULL)) break;
        for (size_t e = 0; e < sizeof encodings / sizeof encodings[0]; e++) {
            size_t full = encodings[e].len;
            for (size_t len = 1; len < full; len++) {
                lua_pushlstring(L, encodings[e].p, len);
                int status = callLib(L, "cmsgpack", "unpack", 1);
                ASSERT_EQ_INT(status, LUA_ERRRUN);
                const char *msg = lua_tostring(L, -1);
                if (!ASSERT(msg != NULL && strstr(msg, "Missing bytes in input.") != NULL))
                    fprintf(stderr, "  encoding %zu cut at %zu: %s\n", e, len, msg);
                lua_settop(L, 0);
            }
            lua_pushlstring(L, encodings[e].p, full);
            ASSERT_EQ_INT(callLib(L, "cmsgpack", "unpack", 1), 0);
            lua_settop(L, 0);
        }
        lua_close(L);
    }
    TEST_CASE("struct.unpack: every prefix too short for the format fails cleanly") {
        lua_State *L = newLibState();
        if (!ASSERT(L != NULL)) break;
        const char *fmt = "!8>bhi3lc3dfs";
        lua_getglobal(L, "struct");
        lua_getfield(L, -1, "pack");
        lua_pushstring(L, fmt);
        lua_pushnumber(L, -1);
        lua_pushnumber(L, 300);
        lua_pushnumber(L, 70000);
        lua_pushnumber(L, -5);
        lua_pushstring(L, "xyz");
        lua_pushnumber(L, 0.25);
        lua_pushnumber(L, 1.5);
        lua_pushstring(L, "tail");
        if (!ASSERT_EQ_INT(lua_pcall(L, 9, 1, 0), 0)) break;
        size_t full;
        const char *packed = lua_tolstring(L, -1, &full);
        char *copy = malloc(full);
        if (!ASSERT(copy != NULL)) break;
        memcpy(copy, packed, full);
        lua_settop(L, 0);
        for (size_t len = 0; len < full; len++) {
            lua_pushstring(L, fmt);
            lua_pushlstring(L, copy, len);
            ASSERT_EQ_INT(callLib(L, "struct", "unpack", 2), LUA_ERRRUN);
            lua_settop(L, 0);
        }
        lua_pushstring(L, fmt);
        lua_pushlstring(L, copy, full);
        ASSERT_EQ_INT(callLib(L, "struct", "unpack", 2), 0);
        ASSERT_EQ_INT(lua_gettop(L), 9); /* eight values and the position */
        ASSERT_EQ_STR(lua_tostring(L, 8), "tail");
        ASSERT_EQ_INT(lua_tointeger(L, 9), (lua_Integer)full + 1);
        free(copy);
        lua_close(L);
    }
}

/* Random bytes, and random damage to valid encodings, through all three
 * unpack functions: each call returns or raises one of the library's
 * errors. */
static void testRandomInput(void) {
    TEST_CASE("cmsgpack: random and damaged input never crashes") {
        lua_State *L = newLibState();
        if (!ASSERT(L != NULL)) break;
        static const unsigned char seed[] =
            "\x93\xcd\x01\x00\x82\xa1" "a\xc3\xa1" "b\x92\xd0\x80\xcb\x3f\xb9\x99\x99\x99\x99\x99\x9a"
            "\xd9\x05hello";
        uint64_t rng = 0x9e3779b97f4a7c15ULL;
        unsigned char buf[64];
        int bad = 0;
        for (int round = 0; round < 20000 && !bad; round++) {
            size_t len;
            if (round % 2 == 0) {
                len = (size_t)(testXorshift(&rng) % sizeof buf);
                for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)testXorshift(&rng);
            } else {
                len = sizeof seed - 1;
                memcpy(buf, seed, len);
                buf[testXorshift(&rng) % len] = (unsigned char)testXorshift(&rng);
                len -= (size_t)(testXorshift(&rng) % 4);
            }
            const char *fn = round % 3 == 0 ? "unpack" : round % 3 == 1 ? "unpack_one" : "unpack_limit";
            lua_pushlstring(L, (const char *)buf, len);
            int nargs = 1;
            if (round % 3 == 2) {
                lua_pushinteger(L, (lua_Integer)(testXorshift(&rng) % 4));
                nargs++;
            }
            int status = callLib(L, "cmsgpack", fn, nargs);
            if (status != 0 && status != LUA_ERRRUN) bad = 1;
            lua_settop(L, 0);
        }
        ASSERT_EQ_INT(bad, 0);
        lua_close(L);
    }
}

/* pack then unpack gives back what was packed, for every type. */
static void testRoundTrip(void) {
    static const char *const values[] = {
        "0", "127", "128", "-32", "-33", "65536", "-2^31-1", "2^53", "-2^63",
        "0.5", "0.1", "1/0", "-1/0", "1e300", "''", "string.rep('z', 70000)",
        "true", "false", "{}", "{1, 'two', {3, {4}}}", "{a = 1, b = {c = 'd'}}",
        "{[-1] = 1, [0.5] = 2, [true] = 3}",
    };
    TEST_CASE("cmsgpack: values survive pack and unpack") {
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
            char body[512];
            /* Compares by re-packing: equal encodings, equal values. */
            snprintf(body, sizeof body,
                     "local v = %s local s = cmsgpack.pack(v) "
                     "local back = cmsgpack.unpack(s) "
                     "return tostring(cmsgpack.pack(back) == s and "
                     "(type(v) ~= 'number' or back == v))",
                     values[i]);
            checkWrapped(body, "true");
        }
    }
    TEST_CASE("struct: values survive pack and unpack") {
        checkWrapped("local f = '<!4bBhHlLi3I5fdc2sx>i' "
                     "local s = struct.pack(f, -7, 200, -300, 60000, -2^40, 2^40, -4, 2^33, "
                     "0.5, 0.1, 'ab', 'zero', 9) "
                     "return dump(#s, struct.unpack(f, s))",
                     "number:64:64 number:-7:-7 number:200:200 number:-300:-300 "
                     "number:60000:60000 number:-1099511627776:-1099511627776 "
                     "number:1099511627776:1099511627776 number:-4:-4 "
                     "number:8589934592:8589934592 number:0.5:0.5 "
                     "number:0.10000000000000001:0.1 s:6162 s:7a65726f "
                     "number:9:9 number:65:65");
    }
}

/* Full collections until the heap stops shrinking: Lua halves its shared
 * concatenation buffer once per cycle, so one cycle after a 4 MB string
 * still shows 1 MB of it. */
static int collectedKB(lua_State *L) {
    int kb = lua_gc(L, LUA_GCCOUNT, 0);
    for (int i = 0; i < 40; i++) {
        lua_gc(L, LUA_GCCOLLECT, 0);
        int now = lua_gc(L, LUA_GCCOUNT, 0);
        if (now == kb) break;
        kb = now;
    }
    return kb;
}

/* pack's scratch buffer: a large pack gives its memory back, and a pack
 * that fails half way leaves the next one working. */
static void testPackScratch(void) {
    static char got[256];
    TEST_CASE("cmsgpack.pack: a large value's buffer is not kept") {
        lua_State *L = newLibState();
        if (!ASSERT(L != NULL)) break;
        int before = collectedKB(L);
        runWrapped(L, "local s = cmsgpack.pack(string.rep('x', 4000000)) return tostring(#s)",
                   got, sizeof got);
        ASSERT_EQ_STR(got, "4000005");
        int after = collectedKB(L);
        /* KB; the 4 MB string and its 4 MB encoding are both gone */
        if (!ASSERT(after - before < 256)) fprintf(stderr, "  %d KB -> %d KB\n", before, after);
        lua_close(L);
    }
    TEST_CASE("cmsgpack.pack: works again after an error in the middle") {
        checkWrapped("local t = {} for i = 1, 4000 do t[i] = {a = 1} end "
                     "local ok, err = pcall(cmsgpack.pack, unpack(t)) "
                     "return dump(ok, cmsgpack.pack({1, 2, 3}), cmsgpack.pack('again'))",
                     "boolean:0:false s:93010203 s:a5616761696e");
    }
}

int main(void) {
    testAgainstRedis();
    testTruncatedInput();
    testRandomInput();
    testRoundTrip();
    testPackScratch();
    return testReport();
}
