/* script/lualib_cmsgpack.h -- the `cmsgpack` Lua library scripts see:
 * Lua values to and from MessagePack, as Redis 7.0.15 gives it.
 *
 *   cmsgpack.pack(v1, ...)            -> the encodings of v1, ... concatenated
 *   cmsgpack.unpack(s)                -> every value encoded in s
 *   cmsgpack.unpack_one(s [, off])    -> next offset, one value
 *   cmsgpack.unpack_limit(s, n [, off]) -> next offset, up to n values
 *
 * Offsets are 0-based byte offsets; the next offset is -1 once s is used
 * up.  (unpack_limit(s, 0) and unpack_limit(s, 0, 0) behave as unpack(s):
 * no offset, every value.)
 *
 * Encoding:
 *   nil, and types MessagePack has no form for  -> nil (0xc0)
 *   booleans                                    -> true / false
 *   integral numbers in [-2^63, 2^63)           -> the smallest int form
 *                                                  (fixint, uint 8..64 for
 *                                                  >= 0, int 8..64 below)
 *   other numbers                               -> float 32 when that holds
 *                                                  the value exactly, else
 *                                                  float 64
 *   strings                                     -> fixstr, str 8, 16, 32
 *   tables whose keys are exactly 1..n          -> array (fix, 16, 32)
 *   other tables                                -> map (fix, 16, 32)
 * Tables nested CMSGPACK_MAX_NESTING deep are encoded as nil, which is how
 * a table that contains itself still packs.
 *
 * Decoding accepts every form the encoder makes, plus the positive and
 * negative fixints and int/uint 8..64 in general (uint 64 is read as a
 * signed 64-bit number, as Redis does).  bin, ext, fixext and 0xc1 are
 * "Bad data format in input."; input that ends inside a value is
 * "Missing bytes in input.".  No byte outside s is ever read. */
#ifndef REDIS_KV_LUALIB_CMSGPACK_H
#define REDIS_KV_LUALIB_CMSGPACK_H

#include <lua.h>

/* Table depth at which pack stops and writes nil instead (Redis's 16). */
#define CMSGPACK_MAX_NESTING 16

/* Registers the global table `cmsgpack` and leaves it on the stack. */
int luaopen_cmsgpack(lua_State *L);

#endif
