/* acl/aclfile.c -- where users come from: `user` lines of the config
 * file, the ACL file (`aclfile`, ACL LOAD, ACL SAVE), and `requirepass`.
 *
 * The ACL file holds one "user <name> <rules...>" line per user, the form
 * ACL LIST prints.  Loading is all or nothing: the new users are built
 * apart and replace the old ones only when every line applied; the
 * default user keeps its identity (clients point at it) and takes the
 * file's rules ("on nopass ~* &* +@all" when the file has no default
 * line).  Every client of a replaced user is closed, as in Redis.
 *
 * Saving writes a temporary file in the same directory, fsyncs it and
 * renames it over the old one: a crash leaves the old file or the new
 * one, never a half-written one. */
#include "acl/acl.h"
#include "lib/alloc.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --------------------------------------------------- config `user` */

typedef struct queuedUser {
    bstr *rules;               /* name, then the merged rules */
    int count;
} queuedUser;

static queuedUser *queued;
static int queuedCount;

/* Redis checks a config `user` line on a scratch user and reports the
 * rule by its index in the line ("user" counted): kept as Redis prints
 * it. */
int aclQueueConfigUser(bstr *argv, int argc, bstr *err) {
    for (int i = 0; i < queuedCount; i++) {
        if (!strcmp(queued[i].rules[0], argv[1])) {
            *err = bstrCatPrintf(bstrEmpty(), "Error in user declaration '%s': %s", argv[1],
                                 aclRuleError(EALREADY));
            return -1;
        }
    }
    int merged, bad;
    bstr *args = aclMergeSelectorArgs(argv + 2, argc - 2, &merged, &bad);
    if (!args) {
        *err = bstrCatPrintf(bstrEmpty(), "Error in user declaration '%s': %s", argv[bad],
                             aclRuleError(0));
        return -1;
    }
    aclUser *scratch = aclNewUser(argv[1], bstrLen(argv[1]));
    for (int j = 0; j < merged; j++) {
        if (aclSetUserRule(scratch, args[j], bstrLen(args[j])) < 0 && errno != ENOENT) {
            *err = bstrCatPrintf(bstrEmpty(), "Error in user declaration '%s': %s",
                                 argv[j < argc ? j : 0], aclRuleError(errno));
            aclFreeUser(scratch);
            bstrFreeSplitRes(args, merged);
            return -1;
        }
    }
    aclFreeUser(scratch);
    queued = xrealloc(queued, sizeof(*queued) * ((size_t)queuedCount + 1));
    queuedUser *q = &queued[queuedCount++];
    q->rules = xcalloc((size_t)merged + 1, sizeof(bstr));
    q->rules[0] = bstrDup(argv[1]);
    for (int j = 0; j < merged; j++) q->rules[j + 1] = args[j];
    q->count = merged + 1;
    xfree(args);
    return 0;
}

static void loadConfiguredUsers(void) {
    for (int i = 0; i < queuedCount; i++) {
        bstr *rules = queued[i].rules;
        aclUser *u = aclCreateUser(rules[0], bstrLen(rules[0]));
        if (!u) {
            u = aclDefaultUser(); /* the only name taken at start-up */
            aclSetUserRule(u, "reset", 5);
        }
        for (int j = 1; j < queued[i].count; j++) {
            if (aclSetUserRule(u, rules[j], bstrLen(rules[j])) < 0) {
                serverLog(LL_WARNING, "Error loading ACL rule '%s' for the user named '%s': %s",
                          rules[j], rules[0], aclRuleError(errno));
                serverLog(LL_WARNING, "Critical error while loading ACLs. Exiting.");
                exit(1);
            }
        }
        if (u->flags & ACL_USER_OFF)
            serverLog(LL_NOTICE, "The user '%s' is disabled (there is no 'on' modifier in the "
                                 "user description). Make sure this is not a configuration "
                                 "error.", rules[0]);
        bstrFreeSplitRes(rules, queued[i].count);
    }
    xfree(queued);
    queued = NULL;
    queuedCount = 0;
}

void aclLoadAtStartup(void) {
    int haveFile = aclFilename && aclFilename[0];
    if (haveFile && queuedCount) {
        serverLog(LL_WARNING, "Configuring Redis with users defined in redis.conf and at the "
                              "same setting an ACL file path is invalid. This setup is very "
                              "likely to lead to configuration errors and security holes, "
                              "please define either an ACL file or declare users directly in "
                              "your redis.conf, but not both.");
        exit(1);
    }
    loadConfiguredUsers();
    if (!haveFile) return;
    bstr errors = aclLoadFile(aclFilename);
    if (errors) {
        serverLog(LL_WARNING, "Aborting Redis startup because of ACL errors: %s", errors);
        exit(1);
    }
}

/* ---------------------------------------------------------- ACL LOAD */

static bstr readFile(const char *path, bstr *err) {
    FILE *fp = fopen(path, "r");
    if (!fp) {
        *err = bstrCatPrintf(bstrEmpty(), "Error loading ACLs, opening file '%s': %s", path,
                             strerror(errno));
        return NULL;
    }
    bstr content = bstrReadAll(fp);
    fclose(fp);
    if (!content) *err = bstrCatPrintf(bstrEmpty(), "Error loading ACLs, reading file '%s'", path);
    return content;
}

static aclUser *findIn(aclUser **set, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(set[i]->name, name)) return set[i];
    return NULL;
}

/* One line of the file into set[]; errors appended to *errors. */
static void loadLine(const char *path, int linenum, bstr line, aclUser ***set, int *n,
                     bstr *errors) {
    int argc;
    bstr *argv = bstrSplitLen(line, bstrLen(line), " ", 1, &argc);
    if (argc == 0) {
        bstrFreeSplitRes(argv, argc);
        return;
    }
    if (strcmp(argv[0], "user") || argc < 2) {
        *errors = bstrCatPrintf(*errors, "%s:%d should start with user keyword followed by "
                                         "the username. ", path, linenum);
    } else if (strpbrk(argv[1], " \t\r\n\v\f") || strlen(argv[1]) != bstrLen(argv[1])) {
        *errors = bstrCatPrintf(*errors, "'%s:%d: username '%s' contains invalid characters. ",
                                path, linenum, argv[1]);
    } else if (findIn(*set, *n, argv[1])) {
        *errors = bstrCatPrintf(*errors, "WARNING: Duplicate user '%s' found on line %d. ",
                                argv[1], linenum);
    } else {
        aclUser *u = aclNewUser(argv[1], bstrLen(argv[1]));
        *set = xrealloc(*set, sizeof(aclUser *) * ((size_t)*n + 1));
        (*set)[(*n)++] = u;
        int merged, bad, syntaxError = 0;
        bstr *args = aclMergeSelectorArgs(argv + 2, argc - 2, &merged, &bad);
        if (!args) {
            *errors = bstrCatPrintf(*errors, "%s:%d: Unmatched parenthesis in selector "
                                             "definition.", path, linenum);
            merged = 0;
        }
        for (int j = 0; j < merged; j++) {
            if (aclSetUserRule(u, args[j], bstrLen(args[j])) == 0) continue;
            if (errno == ENOENT) {
                *errors = bstrCatPrintf(*errors, "%s:%d: Error in applying operation '%s': %s. ",
                                        path, linenum, args[j], aclRuleError(errno));
            } else if (!syntaxError) {
                *errors = bstrCatPrintf(*errors, "%s:%d: %s. ", path, linenum,
                                        aclRuleError(errno));
                syntaxError = 1;
            }
        }
        if (args) bstrFreeSplitRes(args, merged);
    }
    bstrFreeSplitRes(argv, argc);
}

bstr aclLoadFile(const char *path) {
    bstr errors = NULL;
    bstr content = readFile(path, &errors);
    if (!content) return errors;
    errors = bstrEmpty();
    int nlines;
    bstr *lines = bstrSplitLen(content, bstrLen(content), "\n", 1, &nlines);
    bstrFree(content);
    aclUser **set = NULL;
    int n = 0;
    for (int i = 0; i < nlines; i++) {
        bstrTrim(lines[i], " \t\r\n");
        if (bstrLen(lines[i])) loadLine(path, i + 1, lines[i], &set, &n, &errors);
    }
    bstrFreeSplitRes(lines, nlines);
    if (bstrLen(errors)) {
        for (int i = 0; i < n; i++) aclFreeUser(set[i]);
        xfree(set);
        return bstrCat(errors, "WARNING: ACL errors detected, no change to the previously active "
                               "ACL rules was performed");
    }
    bstrFree(errors);
    /* The default user takes the file's rules and stays registered. */
    aclUser *newDefault = findIn(set, n, "default");
    if (!newDefault) {
        newDefault = aclNewUser("default", 7);
        const char *rules[] = {"+@all", "~*", "&*", "on", "nopass"};
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
            aclSetUserRule(newDefault, rules[i], strlen(rules[i]));
    }
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (set[i] != newDefault) set[kept++] = set[i];
    aclReplaceUsers(set, (unsigned long)kept, newDefault);
    aclFreeUser(newDefault);
    xfree(set);
    return NULL;
}

/* ---------------------------------------------------------- ACL SAVE */

bstr aclSaveFile(const char *path) {
    bstr content = bstrEmpty();
    unsigned long count;
    aclUser **all = aclUsersSorted(&count);
    for (unsigned long i = 0; i < count; i++) {
        bstr d = aclDescribeUser(all[i]);
        content = bstrCatPrintf(content, "user %s %s\n", all[i]->name, d);
        bstrFree(d);
    }
    xfree(all);
    bstr tmp = bstrCatPrintf(bstrEmpty(), "%s.tmp-%d-%lld", path, (int)getpid(),
                             (long long)time(NULL));
    const char *failed = NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd == -1) failed = "Opening temp ACL file for ACL SAVE";
    else if (write(fd, content, bstrLen(content)) != (ssize_t)bstrLen(content))
        failed = "Writing ACL file for ACL SAVE";
    else if (fsync(fd) == -1) failed = "Syncing ACL file for ACL SAVE";
    if (fd != -1 && close(fd) == -1 && !failed) failed = "Closing ACL file for ACL SAVE";
    if (!failed && rename(tmp, path) == -1) failed = "Renaming ACL file for ACL SAVE";
    bstr err = NULL;
    if (failed) {
        serverLog(LL_WARNING, "%s: %s", failed, strerror(errno));
        if (fd != -1) unlink(tmp);
        err = bstrNew("There was an error trying to save the ACLs. Please check the server logs "
                      "for more information");
    }
    bstrFree(tmp);
    bstrFree(content);
    return err;
}

bstr *aclConfigUserLines(int *count) {
    *count = 0;
    if (aclFilename && aclFilename[0]) return NULL;
    unsigned long n;
    aclUser **all = aclUsersSorted(&n);
    bstr *lines = xcalloc(n + 1, sizeof(bstr));
    for (unsigned long i = 0; i < n; i++) {
        bstr d = aclDescribeUser(all[i]);
        lines[i] = bstrCatPrintf(bstrEmpty(), "user %s %s", all[i]->name, d);
        bstrFree(d);
    }
    xfree(all);
    *count = (int)n;
    return lines;
}

/* --------------------------------------------------------- requirepass */

void aclSetDefaultPassword(const char *pass, size_t len) {
    aclUser *d = aclDefaultUser();
    aclSetUserRule(d, "resetpass", 9);
    if (len) {
        bstr op = bstrCatLen(bstrNew(">"), pass, len);
        aclSetUserRule(d, op, bstrLen(op));
        bstrFree(op);
    } else {
        aclSetUserRule(d, "nopass", 6);
    }
}
