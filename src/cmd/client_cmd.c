/* cmd/client_cmd.c -- CLIENT ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY,
 * PAUSE, UNPAUSE, NO-EVICT, TRACKING, CACHING, GETREDIR, TRACKINGINFO and
 * HELP. */
#include "acl/acl.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/blocking.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "server/server.h"
#include "pubsub/tracking.h"

#include <string.h>
#include <strings.h>

void clientIdCommand(client *c) { replyLongLong(c, (long long)c->id); }

void clientSetnameCommand(client *c) {
    if (!clientNameIsValid(c->argv[2])) {
        replyError(c, "Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    clientSetName(c, c->argv[2]);
    replyOk(c);
}

void clientGetnameCommand(client *c) {
    if (c->name) replyBulkBstr(c, c->name);
    else replyNull(c);
}

/* CLIENT LIST/KILL TYPE names; "master" and "replica"/"slave" exist but
 * match nobody here. */
static int parseClientType(const char *name) {
    if (!strcasecmp(name, "normal")) return CLIENT_CLASS_NORMAL;
    if (!strcasecmp(name, "replica") || !strcasecmp(name, "slave")) return CLIENT_CLASS_REPLICA;
    if (!strcasecmp(name, "pubsub")) return CLIENT_CLASS_PUBSUB;
    if (!strcasecmp(name, "master")) return CLIENT_CLASS_COUNT;
    return -1;
}

static void replyClientLines(client *c, bstr lines) {
    replyVerbatim(c, lines, bstrLen(lines), "txt");
    bstrFree(lines);
}

/* CLIENT LIST [TYPE type] [ID id [id ...]] */
void clientListCommand(client *c) {
    int type = -1;
    long long *ids = NULL;
    int nids = 0;
    if (c->argc == 4 && !strcasecmp(c->argv[2], "type")) {
        type = parseClientType(c->argv[3]);
        if (type == -1) {
            replyErrorFormat(c, "Unknown client type '%s'", c->argv[3]);
            return;
        }
    } else if (c->argc > 3 && !strcasecmp(c->argv[2], "id")) {
        nids = c->argc - 3;
        ids = xmalloc(sizeof(long long) * (size_t)nids);
        for (int i = 0; i < nids; i++) {
            /* As in Redis, 0 and negative ids are valid and match nobody. */
            if (!numParseLongLong(c->argv[3 + i], bstrLen(c->argv[3 + i]), &ids[i])) {
                xfree(ids);
                replyError(c, "Invalid client ID");
                return;
            }
        }
    } else if (c->argc != 2) {
        replyErrorSyntax(c);
        return;
    }
    bstr out = bstrEmpty();
    if (nids) {
        for (int i = 0; i < nids; i++) {
            client *cl = ids[i] > 0 ? clientLookupById((uint64_t)ids[i]) : NULL;
            if (!cl || (cl->flags & CLIENT_CLOSE_ASAP && cl != c)) continue;
            out = clientCatInfoString(out, cl);
            out = bstrCatLen(out, "\n", 1);
        }
        xfree(ids);
    } else {
        for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
            client *cl = listNodeValue(ln);
            if (type != -1 && clientClass(cl) != type) continue;
            out = clientCatInfoString(out, cl);
            out = bstrCatLen(out, "\n", 1);
        }
    }
    replyClientLines(c, out);
}

void clientInfoCommand(client *c) {
    bstr out = clientCatInfoString(bstrEmpty(), c);
    out = bstrCatLen(out, "\n", 1);
    replyClientLines(c, out);
}

typedef struct killFilter {
    long long id;     /* 0: any */
    int type;         /* -1: any */
    const char *addr; /* NULL: any */
    const char *laddr;
    int skipme;
    struct aclUser *user; /* NULL: any */
} killFilter;

/* Parses CLIENT KILL <filter> <value> ... into f.  Returns 0, or -1 after
 * replying with the error. */
static int parseKillFilters(client *c, killFilter *f) {
    for (int i = 2; i < c->argc; i += 2) {
        if (i + 1 >= c->argc) {
            replyErrorSyntax(c);
            return -1;
        }
        const char *opt = c->argv[i];
        bstr val = c->argv[i + 1];
        if (!strcasecmp(opt, "id")) {
            if (!numParseLongLong(val, bstrLen(val), &f->id) || f->id <= 0) {
                replyError(c, "client-id should be greater than 0");
                return -1;
            }
        } else if (!strcasecmp(opt, "type")) {
            f->type = parseClientType(val);
            if (f->type == -1) {
                replyErrorFormat(c, "Unknown client type '%s'", val);
                return -1;
            }
        } else if (!strcasecmp(opt, "addr")) {
            f->addr = val;
        } else if (!strcasecmp(opt, "laddr")) {
            f->laddr = val;
        } else if (!strcasecmp(opt, "user")) {
            f->user = aclLookupUser(val, bstrLen(val));
            if (!f->user) {
                replyErrorFormat(c, "No such user '%s'", val);
                return -1;
            }
        } else if (!strcasecmp(opt, "skipme")) {
            if (!strcasecmp(val, "yes")) f->skipme = 1;
            else if (!strcasecmp(val, "no")) f->skipme = 0;
            else {
                replyErrorSyntax(c);
                return -1;
            }
        } else {
            replyErrorSyntax(c);
            return -1;
        }
    }
    return 0;
}

static int killFilterMatches(const killFilter *f, client *c, client *self) {
    if (f->id && c->id != (uint64_t)f->id) return 0;
    if (f->type != -1 && clientClass(c) != f->type) return 0;
    if (f->addr && strcmp(clientPeerId(c), f->addr) != 0) return 0;
    if (f->laddr && strcmp(clientSockName(c), f->laddr) != 0) return 0;
    if (f->skipme && c == self) return 0;
    if (f->user && aclClientUser(c) != f->user) return 0;
    return 1;
}

/* Closes c: at once for others, after this reply for the caller itself. */
static void killClient(client *c, client *self) {
    if (c == self) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else clientFreeAsync(c);
}

/* CLIENT KILL ip:port (old form: OK or "No such client"), or CLIENT KILL
 * <filter> <value> ... (new form: the number of clients killed). */
void clientKillCommand(client *c) {
    killFilter f = {0, -1, NULL, NULL, 1, NULL};
    int oldForm = c->argc == 3;
    if (oldForm) {
        f.addr = c->argv[2];
        f.skipme = 0;
    } else if (parseKillFilters(c, &f) < 0) {
        return;
    }
    long long killed = 0;
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *cl = listNodeValue(ln);
        if (cl->flags & CLIENT_CLOSE_ASAP) continue;
        if (!killFilterMatches(&f, cl, c)) continue;
        killClient(cl, c);
        killed++;
    }
    if (!oldForm) replyLongLong(c, killed);
    else if (killed) replyOk(c);
    else replyError(c, "No such client");
}

/* CLIENT REPLY ON|OFF|SKIP.  Only ON answers: OFF and SKIP silence this
 * very reply too. */
void clientReplyCommand(client *c) {
    const char *mode = c->argv[2];
    if (!strcasecmp(mode, "on")) {
        c->flags &= ~(CLIENT_REPLY_SKIP | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
        replyOk(c);
    } else if (!strcasecmp(mode, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (!strcasecmp(mode, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF)) c->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        replyErrorSyntax(c);
    }
}

/* CLIENT PAUSE <ms> [WRITE|ALL] */
void clientPauseCommand(client *c) {
    long long ms;
    int type = PAUSE_ALL;
    if (c->argc == 4) {
        if (!strcasecmp(c->argv[3], "write")) type = PAUSE_WRITE;
        else if (!strcasecmp(c->argv[3], "all")) type = PAUSE_ALL;
        else {
            replyError(c, "CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    } else if (c->argc > 4) {
        replyErrorSubcommand(c);
        return;
    }
    if (!numParseLongLong(c->argv[2], bstrLen(c->argv[2]), &ms)) {
        replyError(c, "timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        replyError(c, "timeout is negative");
        return;
    }
    clientsPause(type, cachedClock.mstime + ms);
    replyOk(c);
}

void clientUnpauseCommand(client *c) {
    clientsUnpause();
    replyOk(c);
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was blocked.  A
 * client held by CLIENT PAUSE counts as blocked, as in Redis 7.0.15: it
 * hears the error (nothing for TIMEOUT) and stays held with its
 * request, which runs when the pause ends. */
void clientUnblockCommand(client *c) {
    int withError = 0;
    if (c->argc > 4) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 4) {
        if (!strcasecmp(c->argv[3], "error")) {
            withError = 1;
        } else if (strcasecmp(c->argv[3], "timeout")) {
            replyError(c, "CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    long long id;
    if (!argLongLongOrReply(c, 2, &id)) return;
    client *target = id > 0 ? clientLookupById((uint64_t)id) : NULL;
    int unblocked = 0;
    if (target && (target->flags & CLIENT_PAUSED)) {
        if (withError) replyError(target, "-UNBLOCKED client unblocked via CLIENT UNBLOCK");
        unblocked = 1;
    } else if (target) {
        unblocked = blockingUnblock(target, withError);
    }
    replyLongLong(c, unblocked);
}

void clientNoEvictCommand(client *c) {
    if (!strcasecmp(c->argv[2], "on")) c->flags |= CLIENT_NO_EVICT;
    else if (!strcasecmp(c->argv[2], "off")) c->flags &= ~CLIENT_NO_EVICT;
    else {
        replyErrorSyntax(c);
        return;
    }
    replyOk(c);
}

/* CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN]
 * [OPTOUT] [NOLOOP]: Redis 7.0.15's clientCommand, error for error. */
void clientTrackingCommand(client *c) {
    uint64_t options = 0;
    long long redir = 0;
    bstr *pfx = NULL;
    int npfx = 0;
    for (int j = 3; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        const char *a = c->argv[j];
        if (!strcasecmp(a, "redirect") && moreargs) {
            j++;
            if (redir != 0) {
                replyError(c, "A client can only redirect to a single other client");
                goto out;
            }
            if (!numParseLongLong(c->argv[j], bstrLen(c->argv[j]), &redir)) {
                replyError(c, "value is not an integer or out of range");
                goto out;
            }
            if ((uint64_t)redir == c->id) {
                replyError(c, "It doesn't make sense to redirect to yourself");
                goto out;
            }
            client *r = redir > 0 ? clientLookupById((uint64_t)redir) : NULL;
            if (!r) {
                replyError(c, "The client ID you want redirect to does not exist");
                goto out;
            }
        } else if (!strcasecmp(a, "bcast")) {
            options |= CLIENT_TRACKING_BCAST;
        } else if (!strcasecmp(a, "optin")) {
            options |= CLIENT_TRACKING_OPTIN;
        } else if (!strcasecmp(a, "optout")) {
            options |= CLIENT_TRACKING_OPTOUT;
        } else if (!strcasecmp(a, "noloop")) {
            options |= CLIENT_TRACKING_NOLOOP;
        } else if (!strcasecmp(a, "prefix") && moreargs) {
            j++;
            pfx = xrealloc(pfx, sizeof(bstr) * (size_t)(npfx + 1));
            pfx[npfx++] = c->argv[j];
        } else {
            replyErrorSyntax(c);
            goto out;
        }
    }
    if (!strcasecmp(c->argv[2], "on")) {
        if (!(options & CLIENT_TRACKING_BCAST) && npfx) {
            replyError(c, "PREFIX option requires BCAST mode to be enabled");
            goto out;
        }
        if (c->flags & CLIENT_TRACKING) {
            int oldbcast = (c->flags & CLIENT_TRACKING_BCAST) != 0;
            int newbcast = (options & CLIENT_TRACKING_BCAST) != 0;
            if (oldbcast != newbcast) {
                replyError(c, "You can't switch BCAST mode on/off before disabling tracking for "
                              "this client, and then re-enabling it with a different mode.");
                goto out;
            }
        }
        if ((options & CLIENT_TRACKING_BCAST) &&
            (options & (CLIENT_TRACKING_OPTIN | CLIENT_TRACKING_OPTOUT))) {
            replyError(c, "OPTIN and OPTOUT are not compatible with BCAST");
            goto out;
        }
        if ((options & CLIENT_TRACKING_OPTIN) && (options & CLIENT_TRACKING_OPTOUT)) {
            replyError(c, "You can't specify both OPTIN mode and OPTOUT mode");
            goto out;
        }
        if (((options & CLIENT_TRACKING_OPTIN) && (c->flags & CLIENT_TRACKING_OPTOUT)) ||
            ((options & CLIENT_TRACKING_OPTOUT) && (c->flags & CLIENT_TRACKING_OPTIN))) {
            replyError(c, "You can't switch OPTIN/OPTOUT mode before disabling tracking for "
                          "this client, and then re-enabling it with a different mode.");
            goto out;
        }
        if (options & CLIENT_TRACKING_BCAST) {
            bstr err = NULL;
            if (trackingPrefixCollision(c, pfx, npfx, &err)) {
                replyErrorLen(c, err, bstrLen(err));
                bstrFree(err);
                goto out;
            }
        }
        trackingEnable(c, (uint64_t)redir, options, pfx, npfx);
    } else if (!strcasecmp(c->argv[2], "off")) {
        trackingDisable(c);
    } else {
        replyErrorSyntax(c);
        goto out;
    }
    replyOk(c);
out:
    xfree(pfx);
}

void clientCachingCommand(client *c) {
    if (!(c->flags & CLIENT_TRACKING)) {
        replyError(c, "CLIENT CACHING can be called only when the client is in tracking mode "
                      "with OPTIN or OPTOUT mode enabled");
        return;
    }
    const char *opt = c->argv[2];
    if (!strcasecmp(opt, "yes")) {
        if (c->flags & CLIENT_TRACKING_OPTIN) {
            c->flags |= CLIENT_TRACKING_CACHING;
        } else {
            replyError(c, "CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            return;
        }
    } else if (!strcasecmp(opt, "no")) {
        if (c->flags & CLIENT_TRACKING_OPTOUT) {
            c->flags |= CLIENT_TRACKING_CACHING;
        } else {
            replyError(c, "CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            return;
        }
    } else {
        replyErrorSyntax(c);
        return;
    }
    replyOk(c);
}

void clientGetredirCommand(client *c) {
    if (c->flags & CLIENT_TRACKING) replyLongLong(c, (long long)c->trackingRedir);
    else replyLongLong(c, -1);
}

void clientTrackinginfoCommand(client *c) {
    replyMapLen(c, 3);
    replyBulkCString(c, "flags");
    uint64_t f = c->flags;
    int n = 0;
    const char *names[8];
    if (!(f & CLIENT_TRACKING)) names[n++] = "off";
    else {
        names[n++] = "on";
        if (f & CLIENT_TRACKING_BCAST) names[n++] = "bcast";
        if (f & CLIENT_TRACKING_OPTIN) {
            names[n++] = "optin";
            if (f & CLIENT_TRACKING_CACHING) names[n++] = "caching-yes";
        }
        if (f & CLIENT_TRACKING_OPTOUT) {
            names[n++] = "optout";
            if (f & CLIENT_TRACKING_CACHING) names[n++] = "caching-no";
        }
        if (f & CLIENT_TRACKING_NOLOOP) names[n++] = "noloop";
        if (f & CLIENT_TRACKING_BROKEN_REDIR) names[n++] = "broken_redirect";
    }
    replySetLen(c, n);
    for (int i = 0; i < n; i++) replyBulkCString(c, names[i]);
    replyBulkCString(c, "redirect");
    if (f & CLIENT_TRACKING) replyLongLong(c, (long long)c->trackingRedir);
    else replyLongLong(c, -1);
    replyBulkCString(c, "prefixes");
    replyArrayLen(c, c->trackingNPrefixes);
    for (int i = 0; i < c->trackingNPrefixes; i++)
        replyBulkBstr(c, c->trackingPrefixes[i]);
}

void clientHelpCommand(client *c) {
    static const char *help[] = {
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        NULL};
    replyHelp(c, help);
}
