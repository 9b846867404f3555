/* script/lualib_struct.h -- the `struct` Lua library scripts see: numbers
 * and strings to and from binary strings, as Redis 7.0.15 gives it.
 *
 *   struct.pack(fmt, v1, v2, ...)    -> binary string
 *   struct.unpack(fmt, s [, pos])    -> v1, v2, ..., next position
 *   struct.size(fmt)                 -> bytes a fixed-size format takes
 *
 * A format is a sequence of options, each optionally followed by a count:
 *
 *   >  <        big / little endian from here on (default: the host's)
 *   ![n]        align to at most n bytes (a power of two; bare ! = 8);
 *               the default is 1, that is no padding
 *   x           one zero byte (pack) / one skipped byte (unpack)
 *   b B h H     signed / unsigned char and short
 *   l L T       signed / unsigned long, size_t
 *   i[n] I[n]   signed / unsigned integer of n bytes (default 4, at most 32)
 *   f d         float, double
 *   c[n]        n raw bytes (default 1); c0 packs the whole string and, in
 *               unpack, takes its length from the value unpacked just before
 *   s           zero-terminated string
 *   ' '         ignored
 *
 * unpack positions are 1-based.  Every error message, including the odd
 * ones (size() ignores unknown letters and digits, pack names the argument
 * after the one that was too short), is Redis's. */
#ifndef REDIS_KV_LUALIB_STRUCT_H
#define REDIS_KV_LUALIB_STRUCT_H

#include <lua.h>

/* Registers the global table `struct` and leaves it on the stack. */
int luaopen_struct(lua_State *L);

#endif
