/* server/config.h -- every configuration parameter, its name, type, default
 * and limits, in one table; loading config files and command-line options; and
 * the operations CONFIG GET/SET/REWRITE are built on.
 *
 * Names and accepted values follow Redis 7 so existing redis.conf snippets
 * and tools work unchanged. */
#ifndef REDIS_KV_CONFIG_H
#define REDIS_KV_CONFIG_H

#include <stddef.h>
#include "lib/bstr.h"
#include "store/collection.h"

#define CONFIG_ERR_LEN 512

/* ------------------------------------------------------ table entries
 * One configDef per parameter.  config.c holds the table of what redis-kv
 * implements; config_compat.c the Redis 7.0 directives it accepts for
 * compatibility (see the rule written there).  Only these two files use
 * the types below. */
typedef enum { CFG_BOOL, CFG_ENUM, CFG_INT, CFG_UINT, CFG_LONGLONG, CFG_MEMORY,
               CFG_STRING, CFG_SPECIAL } configType;

#define CFG_MODIFIABLE 0
#define CFG_IMMUTABLE (1 << 0)     /* CONFIG SET refuses it */
#define CFG_PROTECTED (1 << 1)     /* ... unless enable-protected-configs yes */
#define CFG_EMPTY_IS_NULL (1 << 2) /* strings: "" stores NULL */
#define CFG_HIDDEN (1 << 3)        /* CONFIG GET by exact name only, as Redis */

typedef struct configEnum {
    const char *name;
    int value;
} configEnum;

typedef struct configDef configDef;
typedef int configSetFn(const configDef *def, bstr *argv, int argc, char *err, size_t errlen);
typedef bstr configGetFn(const configDef *def);
typedef int configApplyFn(char *err, size_t errlen);
typedef int configCheckFn(const configDef *def, const char *value, char *err, size_t errlen);

struct configDef {
    const char *name;
    configType type;
    int flags;
    void *field;
    long long min, max;
    const char *defaultValue;
    const configEnum *enums;
    configApplyFn *apply;
    configSetFn *setSpecial;     /* CFG_SPECIAL only */
    configGetFn *getSpecial;     /* CFG_SPECIAL only */
    configCheckFn *check;        /* CFG_STRING: optional, refuses a value */
    const char *alias;           /* Redis's second name ("slaveof"), or NULL */
    const char *feature;         /* non-NULL: a missing feature; only the
                                  * default value is accepted (config_compat.c) */
};

/* config_compat.c: the compatibility table (ends with a NULL name), and
 * the file-only directives of a missing feature ("rename-command", ...):
 * the feature's name, or NULL for any other directive. */
extern const configDef configCompatTable[];
const char *configCompatFileOnly(const char *name);

void configInitDefaults(void);
/* The encoding limits of collections, from their directives. */
void configCollLimits(collLimits *lim);
/* Hands stream-node-max-entries / -bytes to the stream index. */
void configStreamNodeLimits(void);
int configLoad(const char *filename, const char *options);
int configSetFromStrings(bstr *names, bstr *values, int count, char *err, size_t errlen,
                         const char **badName);
int configExists(const char *name, size_t len);

/* Calls fn(name, shownName, value) for each parameter whose name matches
 * a glob pattern; shownName is what CONFIG GET prints (the pattern itself
 * for an exact name).  `value` is freed after fn returns. */
typedef void configGetVisitor(const char *name, const char *shownName, const bstr value,
                              void *privdata);
void configForEachMatching(const char *pattern, size_t plen, configGetVisitor *fn,
                           void *privdata);
int configRewrite(const char *path, char *err, size_t errlen);

#endif
