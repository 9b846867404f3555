#!/usr/bin/env python3
"""utils/command-data-from-redis.py -- writes src/commands/*.json from a server.

Usage:
    utils/command-data-from-redis.py --port P [--dir src/commands]
                                     [--summaries-from-server] NAME...
    utils/command-data-from-redis.py --port P --all [...]

Asks a running server (redis-server 7.0.15, or a redis-kv build) for
COMMAND INFO and COMMAND DOCS of each NAME over RESP3 and writes one data
file per command and one per subcommand (NAME.json, NAME-SUB.json) in the
format utils/gen-command-table.tcl reads (see docs/HACKING.md, "Adding a
command").  --all takes every top-level command the server lists.

Summaries: by default every command and argument summary the server has is
written as "TODO: summary", and the generator refuses to build while one is
left: redis-kv words its own summaries, Redis's text must not be copied.
--summaries-from-server keeps the server's summaries; use it ONLY against a
redis-kv server (e.g. to convert a branch's hand-written .inc slice), never
against Redis.

The "handler" field is taken from --handlers-from FILE (a hand-written
table such as a branch's command_table_<family>.inc: its `.proc =` lines)
or else guessed from the name ("client|no-evict" -> clientNoEvictCommand);
a wrong guess fails at compile time.  The flags COMMAND INFO does not
print (may_replicate, protected, sentinel, only_sentinel) come from
--handlers-from too, or must be added by hand.

Existing files are left alone (counted, not listed) unless --force is
given, so `--all` against a server built from a merged branch writes just
the commands that have no data file yet.
Python 3 standard library only; a developer tool, not needed to build.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "helpers"))
from compare_command_docs import Conn  # noqa: E402  (the RESP client)

TODO = "TODO: summary"


def plain(node):
    """RESP3 Node -> Python value (maps -> dict, keeping order)."""
    if node.kind == "map":
        return {plain(k): plain(v) for k, v in node.value}
    if node.kind in ("array", "set", "push"):
        return [plain(v) for v in node.value]
    return node.value


# Flags COMMAND INFO does not print (Redis 7.0 hides them); only a
# hand-written table can tell them.
HIDDEN_FLAGS = ("may_replicate", "protected", "sentinel", "only_sentinel")


def entries_from_c(path):
    """fullname -> (handler, hidden flags), read from a hand-written table
    (a branch's command_table_<family>.inc): each entry's `.name = "x",`
    followed by `.proc = y`, `.arity`, `.flags = ...`; entries inside
    `static command <parent>Subcommands[]` are subcommands of <parent>.
    Flags written through a macro of the slice are not seen."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    spans = [(m.start(), text.find("\n};", m.end()), m.group(1).lower())
             for m in re.finditer(r"static command (\w+)Subcommands\[\] = \{", text)]
    out = {}
    for m in re.finditer(r'\.name = "([^"]+)",\s*\.proc = (\w+),'
                         r'(?:\s*\.arity = -?\d+,\s*\.flags = ([^,\n]+),)?', text):
        parent = next((p for a, b, p in spans if a < m.start() < b), None)
        flags = m.group(3) or ""
        hidden = [f for f in HIDDEN_FLAGS if re.search(r"\bCMD_%s\b" % f.upper(), flags)]
        out[(parent + "|" if parent else "") + m.group(1)] = (m.group(2), hidden)
    return out


def handler_name(fullname):
    words = fullname.replace("|", "-").replace("_", "").split("-")
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:]) + "Command"


def convert_args(args, keep_summaries):
    out = []
    for a in args:
        o = {"name": a["name"], "type": a["type"]}
        for k in ("key_spec_index", "token", "display_text", "since", "deprecated_since"):
            if k in a:
                o["display" if k == "display_text" else k] = a[k]
        if "summary" in a:
            o["summary"] = a["summary"] if keep_summaries else TODO
        if a.get("flags"):
            o["flags"] = list(a["flags"])
        if "arguments" in a:
            o["arguments"] = convert_args(a["arguments"], keep_summaries)
        out.append(o)
    return out


def convert_key_spec(ks):
    o = {}
    if "notes" in ks:
        o["notes"] = ks["notes"]
    o["flags"] = list(ks["flags"])
    for part in ("begin_search", "find_keys"):
        o[part] = {ks[part]["type"]: ks[part]["spec"]}
    return o


def command_data(name, container, info, docs, keep_summaries, handlers):
    """One data file's content (an ordered dict) from an INFO entry and its
    DOCS map.  handlers: fullname -> handler known from --handlers-from."""
    d = {"name": name}
    if container:
        d["container"] = container
    fullname = info[0]
    handler, hidden = handlers.get(fullname, (None, []))
    if handler is not None:
        if handler != "NULL":
            d["handler"] = handler
    elif not info[9]:
        d["handler"] = handler_name(fullname)
    if "summary" in docs:
        d["summary"] = docs["summary"] if keep_summaries else TODO
    d["group"] = docs["group"]
    for k in ("since", "complexity"):
        if k in docs:
            d[k] = docs[k]
    if docs.get("doc_flags"):
        d["doc_flags"] = list(docs["doc_flags"])
    for k in ("deprecated_since", "replaced_by"):
        if k in docs:
            d[k] = docs[k]
    if docs.get("history"):
        d["history"] = [list(h) for h in docs["history"]]
    d["arity"] = info[1]
    d["flags"] = [f for f in info[2] if f != "movablekeys"] + hidden
    d["acl_categories"] = list(info[6])
    if info[7]:
        d["tips"] = list(info[7])
    if info[8]:
        d["key_specs"] = [convert_key_spec(ks) for ks in info[8]]
    if docs.get("arguments"):
        d["arguments"] = convert_args(docs["arguments"], keep_summaries)
    return d


# ---------------------------------------------------------------------------
# Output: JSON laid out for reading.  Any value below the top level goes on
# one line when it fits in the width and holds no list of objects (so every
# argument, history entry and key spec starts its own line); everything
# else is indented by four.
# ---------------------------------------------------------------------------

WIDTH = 116


def is_flat(v):
    if isinstance(v, list):
        return all(not isinstance(x, dict) and is_flat(x) for x in v)
    if isinstance(v, dict):
        return all(is_flat(x) for x in v.values())
    return True


def dump(v, indent=0):
    pad = " " * indent
    one = json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(v, (list, dict)) or (is_flat(v) and indent + len(one) <= WIDTH and indent > 0):
        return one
    if isinstance(v, list):
        if not v:
            return "[]"
        items = [pad + "    " + dump(x, indent + 4) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    items = [pad + "    " + json.dumps(k) + ": " + dump(x, indent + 4) for k, x in v.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def write_file(path, data, force):
    if os.path.exists(path) and not force:
        return False
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(dump(data) + "\n")
    os.replace(path + ".tmp", path)
    print("wrote %s" % path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "..", "src", "commands"))
    ap.add_argument("--all", action="store_true", help="every top-level command")
    ap.add_argument("--summaries-from-server", action="store_true",
                    help="keep the server's summaries (redis-kv servers only)")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    ap.add_argument("--handlers-from", metavar="FILE", action="append", default=[],
                    help="take handler names and hidden flags from a hand-written "
                         "table (.inc); repeatable")
    ap.add_argument("names", nargs="*")
    opt = ap.parse_args()

    conn = Conn(opt.host, opt.port, 10)
    hello = conn.call("HELLO", "3")
    if hello.kind == "error":
        sys.exit("HELLO 3 failed: %s" % hello.value)
    names = [n.lower() for n in opt.names]
    if opt.all:
        names += [n for n in plain(conn.call("COMMAND", "LIST")) if "|" not in n]
    if not names:
        ap.error("no command named (NAME... or --all)")
    opt.dir = os.path.normpath(opt.dir)
    if not os.path.relpath(opt.dir).startswith(".."):
        opt.dir = os.path.relpath(opt.dir)
    os.makedirs(opt.dir, exist_ok=True)
    handlers = {}
    for path in opt.handlers_from:
        handlers.update(entries_from_c(path))

    failed = 0
    kept = 0
    for name in sorted(set(names)):
        info = plain(conn.call("COMMAND", "INFO", name))[0]
        docs = plain(conn.call("COMMAND", "DOCS", name))
        if info is None or name not in docs:
            print("unknown command: %s" % name, file=sys.stderr)
            failed = 1
            continue
        doc = docs[name]
        data = command_data(name, None, info, doc, opt.summaries_from_server, handlers)
        kept += not write_file(os.path.join(opt.dir, name + ".json"), data, opt.force)
        subdocs = doc.get("subcommands", {})
        for sub in info[9]:
            full = sub[0]
            subname = full.split("|", 1)[1]
            data = command_data(subname, name, sub, subdocs[full], opt.summaries_from_server,
                                handlers)
            kept += not write_file(os.path.join(opt.dir, "%s-%s.json" % (name, subname)),
                                   data, opt.force)
    if kept:
        print("%d file(s) already existed and were left alone (--force overwrites)" % kept)
    if not opt.handlers_from:
        print("COMMAND INFO hides the flags %s: add them by hand where Redis sets them"
              % ", ".join(HIDDEN_FLAGS))
    return failed


if __name__ == "__main__":
    sys.exit(main())
