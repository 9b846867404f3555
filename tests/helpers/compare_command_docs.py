#!/usr/bin/env python3
"""Compare COMMAND INFO and COMMAND DOCS of redis-kv against a real Redis.

Usage:
    compare_command_docs.py REDIS_PORT KV_PORT [options]

For every command listed in redis-kv's COMMAND reply, asks both servers for
COMMAND INFO <name> and COMMAND DOCS <name>, over RESP2 and over RESP3, and
prints every difference (value, type, order, missing/extra field).  Also
checks redis-kv's own COMMAND entry and, for each of its subcommands,
COMMAND INFO / COMMAND DOCS <parent|sub> asked directly.

Ignored on purpose:
  * `summary` fields (commands and arguments): redis-kv words them itself;
  * commands redis-kv does not list, and subcommands of Redis that redis-kv
    does not implement (in the `subcommands` fields of both replies);
  * the order of subcommands (Redis emits them in hash-table order).
Commands and subcommands redis-kv has that Redis does not know (redis-kv's
own) are reported as notes, not differences (--strict counts them).

The data files in src/commands/ are what it checks in the end: run it after
adding or changing one (docs/HACKING.md, "Adding a command").

Exit status: 0 when nothing differs, 1 on any difference, 2 on a usage or
connection error.  Python 3 standard library only.
"""

import argparse
import signal
import socket
import sys


# --------------------------------------------------------------------------
# A minimal RESP2/RESP3 client.  Every reply becomes a Node(kind, value):
#   simple, error, bulk, verbatim -> str      int, big -> int
#   double -> float    bool -> bool    null -> None
#   array, set, push -> list of Node  map, attribute -> list of (Node, Node)
# Keeping the kind lets the checker notice a set sent as an array, a status
# reply sent as a bulk string, and so on.
# --------------------------------------------------------------------------

class Node(object):
    __slots__ = ("kind", "value")

    def __init__(self, kind, value):
        self.kind = kind
        self.value = value

    def __repr__(self):
        return "Node(%s, %r)" % (self.kind, self.value)


class RespError(Exception):
    pass


class Conn(object):
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise RespError("connection closed by server")
        self.buf += data

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        if not line:
            raise RespError("empty reply line")
        t, rest = chr(line[0]), line[1:].decode("utf-8", "replace")
        if t == "+":
            return Node("simple", rest)
        if t == "-":
            return Node("error", rest)
        if t == ":":
            return Node("int", int(rest))
        if t == "(":
            return Node("big", int(rest))
        if t == ",":
            return Node("double", float(rest))
        if t == "#":
            return Node("bool", rest == "t")
        if t == "_":
            return Node("null", None)
        if t in "$=!":
            n = int(rest)
            if n < 0:
                return Node("null", None)
            data = self._exact(n).decode("utf-8", "replace")
            if t == "=":
                return Node("verbatim", data[4:])
            if t == "!":
                return Node("error", data)
            return Node("bulk", data)
        if t in "*~>":
            n = int(rest)
            if n < 0:
                return Node("null", None)
            kind = {"*": "array", "~": "set", ">": "push"}[t]
            return Node(kind, [self.read() for _ in range(n)])
        if t in "%|":
            n = int(rest)
            pairs = [(self.read(), self.read()) for _ in range(n)]
            if t == "|":  # attribute: skip it, return the reply it decorates
                return self.read()
            return Node("map", pairs)
        raise RespError("unknown RESP type byte %r" % t)

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self.read()


# --------------------------------------------------------------------------
# Normalisation.  RESP2 sends maps as flat arrays; convert them, at the
# places the reply formats define, into "map" nodes tagged "map(flat)" so the
# same comparison code serves both protocols (and a RESP3 map sent where a
# flat array belongs, or the reverse, still shows as a kind difference).
# --------------------------------------------------------------------------

class ShapeError(Exception):
    pass


def flat_to_map(node, where):
    if node.kind == "map":
        return node
    if node.kind != "array":
        raise ShapeError("%s expected a map, got %s %s"
                         % (where.rstrip(":") + ":", node.kind, show(node)))
    if len(node.value) % 2:
        raise ShapeError("%s flat map with odd length %d" % (where.rstrip(":") + ":", len(node.value)))
    v = node.value
    return Node("map(flat)", [(v[i], v[i + 1]) for i in range(0, len(v), 2)])


def key_str(k):
    return k.value if isinstance(k.value, str) else repr(k.value)


def norm_doc_arg(node, where, ignore):
    m = flat_to_map(node, where)
    out = []
    for k, v in m.value:
        name = key_str(k)
        if name in ignore:
            continue
        if name == "arguments" and v.kind in ("array",):
            v = Node(v.kind, [norm_doc_arg(a, "%s[%d]" % (join(where, "arguments"), i), ignore)
                              for i, a in enumerate(v.value)])
        out.append((k, v))
    return Node(m.kind, out)


def norm_doc(node, where, ignore, keep_sub):
    """One command's COMMAND DOCS map.  keep_sub(fullname) says which
    subcommands to keep (None: keep all)."""
    m = flat_to_map(node, where)
    out = []
    for k, v in m.value:
        name = key_str(k)
        if name in ignore:
            continue
        if name == "arguments" and v.kind == "array":
            v = Node(v.kind, [norm_doc_arg(a, "%s[%d]" % (join(where, "arguments"), i), ignore)
                              for i, a in enumerate(v.value)])
        elif name == "subcommands":
            sm = flat_to_map(v, join(where, "subcommands"))
            subs = []
            for sk, sv in sm.value:
                sname = key_str(sk)
                if keep_sub is not None and not keep_sub(sname):
                    continue
                subs.append((sk, norm_doc(sv, join(join(where, "subcommands"), sname),
                                          ignore, None)))
            # Subcommand order is hash-table order in Redis: compare by name.
            subs.sort(key=lambda p: key_str(p[0]))
            v = Node(sm.kind + "(unordered)", subs)
        out.append((k, v))
    return Node(m.kind, out)


def norm_docs_reply(node, where, ignore, keep_sub):
    m = flat_to_map(node, where)
    return Node(m.kind, [(k, norm_doc(v, join(where, key_str(k)), ignore, keep_sub))
                         for k, v in m.value])


def norm_info_entry(node, where, ignore, keep_sub):
    """One COMMAND INFO entry: [name, arity, flags, first, last, step, acl,
    tips, key specs, subcommands]."""
    if node.kind != "array":
        return node
    v = list(node.value)
    if len(v) >= 9:
        specs = v[8]
        if specs.kind == "array":
            v[8] = Node("array", [flat_to_map(s, "%s[%d]" % (join(where, "key_specifications"), i))
                                  for i, s in enumerate(specs.value)])
    if len(v) >= 10 and v[9].kind == "array":
        subs = []
        for s in v[9].value:
            sname = key_str(s.value[0]) if s.kind == "array" and s.value else "?"
            if keep_sub is not None and not keep_sub(sname):
                continue
            subs.append((sname, norm_info_entry(s, join(join(where, "subcommands"), sname),
                                                ignore, None)))
        subs.sort(key=lambda p: p[0])
        v[9] = Node("array(unordered)", [s for _, s in subs])
    return Node("array", v)


def join(path, key):
    return path + (" " if path.endswith(":") else ".") + key


def base_kind(kind):
    """The RESP type as sent: "map(flat)" is a RESP2 array holding a map."""
    kind = kind.replace("(unordered)", "")
    return "array (flat map)" if kind == "map(flat)" else kind


INFO_FIELDS = ["name", "arity", "flags", "first_key", "last_key", "step",
               "acl_categories", "tips", "key_specifications", "subcommands"]


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------

def show(node, limit=200):
    s = repr(plain(node))
    return s if len(s) <= limit else s[:limit] + "..."


def plain(node):
    if node is None:
        return "<missing>"
    if node.kind.startswith("map"):
        return {key_str(k): plain(v) for k, v in node.value}
    if isinstance(node.value, list):
        return [plain(x) for x in node.value]
    return node.value


def diff(a, b, path, out, info_entry=False):
    """a: reference (Redis), b: redis-kv."""
    label = path.rstrip(":")
    if a.kind != b.kind:
        out.append("%s: reply type differs: redis %s %s, redis-kv %s %s"
                   % (label, base_kind(a.kind), show(a), base_kind(b.kind), show(b)))
        return
    if a.kind.startswith("map"):
        ak = [key_str(k) for k, _ in a.value]
        bk = [key_str(k) for k, _ in b.value]
        ad = {key_str(k): v for k, v in a.value}
        bd = {key_str(k): v for k, v in b.value}
        for k in ak:
            if k not in bd:
                out.append("%s: missing in redis-kv (redis: %s)" % (join(path, k), show(ad[k])))
        for k in bk:
            if k not in ad:
                out.append("%s: only in redis-kv: %s" % (join(path, k), show(bd[k])))
        common_a = [k for k in ak if k in bd]
        common_b = [k for k in bk if k in ad]
        if common_a != common_b and "unordered" not in a.kind:
            out.append("%s: field order differs: redis %s, redis-kv %s"
                       % (label, common_a, common_b))
        for k in common_a:
            diff(ad[k], bd[k], join(path, k), out)
        return
    if isinstance(a.value, list):
        av, bv = a.value, b.value
        # flags / categories / tips: say plainly what is missing or extra.
        scalar = all(not isinstance(x.value, list) for x in av + bv)
        if scalar:
            at = [(x.kind, x.value) for x in av]
            bt = [(x.kind, x.value) for x in bv]
            if at != bt:
                if sorted(map(repr, at)) == sorted(map(repr, bt)):
                    out.append("%s: same elements, different order: redis %s, redis-kv %s"
                               % (label, show(a), show(b)))
                else:
                    miss = [x[1] for x in at if x not in bt]
                    extra = [x[1] for x in bt if x not in at]
                    if miss or extra:
                        out.append("%s: redis %s, redis-kv %s (missing %s, extra %s)"
                                   % (label, show(a), show(b), miss, extra))
                    else:
                        out.append("%s: redis %s, redis-kv %s" % (label, show(a), show(b)))
            return
        if info_entry:
            for i in range(max(len(av), len(bv))):
                f = INFO_FIELDS[i] if i < len(INFO_FIELDS) else "[%d]" % i
                if i >= len(av):
                    out.append("%s: only in redis-kv: %s" % (join(path, f), show(bv[i])))
                elif i >= len(bv):
                    out.append("%s: missing in redis-kv (redis: %s)" % (join(path, f), show(av[i])))
                elif f == "subcommands":
                    diff_named_list(av[i], bv[i], join(path, "subcommands"), out)
                else:
                    diff(av[i], bv[i], join(path, f), out)
            return
        if "unordered" in a.kind:
            diff_named_list(a, b, path, out)
            return
        if len(av) != len(bv):
            out.append("%s: %d elements in redis, %d in redis-kv: redis %s, redis-kv %s"
                       % (label, len(av), len(bv), show(a), show(b)))
        for i in range(min(len(av), len(bv))):
            sub = "%s[%d]" % (label, i)
            an = arg_name(av[i])
            if an is not None:
                sub = "%s[%d:%s]" % (label, i, an)
            diff(av[i], bv[i], sub, out)
        return
    if a.value != b.value:
        out.append("%s: redis %s, redis-kv %s" % (label, show(a), show(b)))


def arg_name(node):
    if node.kind.startswith("map"):
        for k, v in node.value:
            if key_str(k) == "name" and isinstance(v.value, str):
                return v.value
    return None


def diff_named_list(a, b, path, out):
    """Lists of COMMAND INFO entries, matched by name."""
    label = path.rstrip(":")
    def by_name(n):
        d = {}
        for e in n.value:
            if e.kind == "array" and e.value:
                d[key_str(e.value[0])] = e
        return d
    if base_kind(a.kind) != base_kind(b.kind):
        out.append("%s: reply type differs: redis %s, redis-kv %s"
                   % (label, base_kind(a.kind), base_kind(b.kind)))
        return
    ad, bd = by_name(a), by_name(b)
    for name in sorted(set(ad) | set(bd)):
        if name not in bd:
            out.append("%s: missing in redis-kv" % join(path, name))
        elif name not in ad:
            out.append("%s: only in redis-kv" % join(path, name))
        else:
            diff(ad[name], bd[name], join(path, name), out, info_entry=True)


# --------------------------------------------------------------------------

def normalise(fn, node, who, path, ignore, keep_sub, diffs):
    """Run a normaliser; a malformed reply becomes a difference (None)."""
    try:
        return fn(node, path, ignore, keep_sub)
    except ShapeError as e:
        diffs.append("%s (malformed %s reply)" % (e, who))
    except (IndexError, TypeError, AttributeError) as e:
        diffs.append("%s: malformed %s reply (%s)" % (path.rstrip(":"), who, e))
    return None


def kv_command_names(kv):
    """Top-level names and {name: set of subcommand full names} from redis-kv's
    COMMAND reply (falls back to COMMAND LIST if COMMAND itself fails)."""
    reply = kv.call("COMMAND")
    names, subs, entries = [], {}, {}
    if reply.kind == "array":
        for e in reply.value:
            if e.kind != "array" or not e.value:
                continue
            name = key_str(e.value[0]).lower()
            names.append(name)
            entries[name] = e
            sset = set()
            if len(e.value) >= 10 and e.value[9].kind == "array":
                for s in e.value[9].value:
                    if s.kind == "array" and s.value:
                        sset.add(key_str(s.value[0]).lower())
            subs[name] = sset
        return names, subs, entries
    sys.stderr.write("redis-kv COMMAND failed (%s); using COMMAND LIST\n" % show(reply))
    reply = kv.call("COMMAND", "LIST")
    if reply.kind not in ("array", "set"):
        raise RespError("redis-kv COMMAND LIST failed: %s" % show(reply))
    for e in reply.value:
        name = key_str(e).lower()
        names.append(name)
        subs[name] = None
    return names, subs, entries


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("redis_port", type=int, help="port of a real redis-server 7")
    ap.add_argument("kv_port", type=int, help="port of redis-kv")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--redis-host", default=None)
    ap.add_argument("--kv-host", default=None)
    ap.add_argument("--password", default=None, help="AUTH both connections with this")
    ap.add_argument("--ignore", action="append", default=[],
                    help="also ignore this field name in COMMAND DOCS (repeatable), "
                         "e.g. --ignore history")
    ap.add_argument("--commands", default=None,
                    help="comma-separated subset of commands to check; a name may "
                         "be parent|sub to keep only some subcommands (for testing)")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--strict", action="store_true",
                    help="count redis-kv's own commands/subcommands (unknown to "
                         "Redis) as differences instead of notes")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only differences")
    opts = ap.parse_args()

    ignore = set(["summary"]) | set(opts.ignore)
    try:
        rd = Conn(opts.redis_host or opts.host, opts.redis_port, opts.timeout)
        kv = Conn(opts.kv_host or opts.host, opts.kv_port, opts.timeout)
    except OSError as e:
        sys.stderr.write("cannot connect: %s\n" % e)
        return 2

    try:
        if opts.password:
            for c in (rd, kv):
                r = c.call("AUTH", opts.password)
                if r.kind == "error":
                    sys.stderr.write("AUTH failed: %s\n" % r.value)
                    return 2
        names, kv_subs, kv_entries = kv_command_names(kv)
        if opts.commands:
            wanted = [w.strip().lower() for w in opts.commands.split(",") if w.strip()]
            only_subs = {}
            for w in wanted:
                if "|" in w:
                    only_subs.setdefault(w.split("|")[0], set()).add(w)
            tops = set(w.split("|")[0] for w in wanted)
            names = [n for n in names if n in tops]
            for n, ss in only_subs.items():
                if kv_subs.get(n) is not None:
                    kv_subs[n] = kv_subs[n] & ss
        if not names:
            sys.stderr.write("no commands to compare\n")
            return 2

        diffs, notes = [], []
        # RESP3 is compared only where both servers speak it.
        protos = [2]
        for c, who in ((rd, "redis"), (kv, "redis-kv")):
            r = c.call("HELLO", "3")
            if r.kind == "error":
                diffs.append("HELLO 3 fails on %s (%s): RESP3 forms not compared" % (who, r.value))
        if not diffs:
            protos.append(3)
        for c in (rd, kv):
            c.call("HELLO", "2")

        compared, checked_subs = 0, 0
        for name in sorted(names):
            sset = kv_subs.get(name)
            # Does Redis know it at all?
            probe = rd.call("COMMAND", "INFO", name)
            if probe.kind == "array" and (not probe.value or probe.value[0].kind == "null"):
                notes.append("%s: not a Redis command (redis-kv's own), skipped" % name)
                continue
            compared += 1
            # Subcommands only redis-kv has are its own additions: note them
            # and leave them out, as with redis-kv's own top-level commands.
            rsubs = set()
            entry = probe.value[0]
            if entry.kind == "array" and len(entry.value) >= 10 and \
                    isinstance(entry.value[9].value, list):
                for e in entry.value[9].value:
                    if e.kind == "array" and e.value:
                        rsubs.add(key_str(e.value[0]).lower())
            if sset is not None:
                for extra in sorted(sset - rsubs):
                    notes.append("%s: not a Redis subcommand (redis-kv's own), skipped" % extra)
                sset = sset & rsubs
            keep = (lambda s, sset=sset: sset is None or s.lower() in sset)
            targets = [name] + sorted(sset or [])
            for proto in protos:
                for c in (rd, kv):
                    r = c.call("HELLO", str(proto))
                    if r.kind == "error":
                        raise RespError("HELLO %d failed: %s" % (proto, r.value))
                tag = "[resp%d]" % proto
                for t in targets:
                    top = (t == name)
                    sub_keep = keep if top else None
                    # COMMAND INFO t
                    ri = rd.call("COMMAND", "INFO", t)
                    ki = kv.call("COMMAND", "INFO", t)
                    path = "%s COMMAND INFO %s:" % (tag, t)
                    if not top and proto == protos[0]:
                        checked_subs += 1
                    if ri.kind == "array" and ki.kind == "array" and \
                            len(ri.value) == 1 and len(ki.value) == 1:
                        a = normalise(norm_info_entry, ri.value[0], "redis", path,
                                      ignore, sub_keep, diffs)
                        b = normalise(norm_info_entry, ki.value[0], "redis-kv", path,
                                      ignore, sub_keep, diffs)
                        if a is not None and b is not None:
                            diff(a, b, path, diffs,
                                 info_entry=(a.kind == "array" and b.kind == "array"))
                    else:
                        diff(ri, ki, path, diffs)
                    # COMMAND DOCS t
                    rdoc = rd.call("COMMAND", "DOCS", t)
                    kdoc = kv.call("COMMAND", "DOCS", t)
                    path = "%s COMMAND DOCS %s:" % (tag, t)
                    a = normalise(norm_docs_reply, rdoc, "redis", path, ignore, sub_keep, diffs)
                    b = normalise(norm_docs_reply, kdoc, "redis-kv", path, ignore, sub_keep, diffs)
                    if a is not None and b is not None:
                        diff(a, b, path, diffs)
            # redis-kv's entry in the plain COMMAND reply (RESP2) must match
            # Redis's COMMAND INFO too.
            if name in kv_entries:
                for c in (rd, kv):
                    c.call("HELLO", "2")
                ri = rd.call("COMMAND", "INFO", name)
                path = "[resp2] COMMAND (entry %s):" % name
                a = normalise(norm_info_entry, ri.value[0], "redis", path, ignore, keep, diffs)
                b = normalise(norm_info_entry, kv_entries[name], "redis-kv", path, ignore,
                              keep, diffs)
                if a is not None and b is not None:
                    diff(a, b, path, diffs, info_entry=True)
        for c in (rd, kv):
            c.call("HELLO", "2")
    except (OSError, RespError) as e:
        sys.stderr.write("error talking to a server: %s\n" % e)
        return 2
    finally:
        rd.close()
        kv.close()

    if opts.strict:
        diffs.extend(notes)
        notes = []
    for n in notes:
        print("note: " + n)
    for d in diffs:
        print(d)
    if not opts.quiet:
        print("compared %d commands and %d subcommands: %d difference(s)"
              % (compared, checked_subs, len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped to head
    sys.exit(main())
