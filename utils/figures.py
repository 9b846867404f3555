#!/usr/bin/env python3
"""figures.py -- the measured figures of the issues, redis-kv against
redis-server 7 side by side in one run, several rounds, medians.

    utils/figures.py memory   [--keys N]   RSS per key (16-byte values)
    utils/figures.py restart  [--keys N]   time until N keys are served again
    utils/figures.py scan     [--keys N]   a full SCAN ... COUNT 1000
    utils/figures.py expire   [--keys N]   N keys with a 1 s TTL nobody reads:
                                           time until DBSIZE is 0, CPU used
    utils/figures.py compaction-latency    p99 of SET while a compaction runs
                                           (redis-kv only: with and without)
    utils/figures.py snapshot [--keys N]   BGSAVE under a steady SET load
                                           (N keys, 100-byte values): time to
                                           the reply and to the end, extra RSS
                                           (Redis: parent + fork child), p99
                                           of SET with and without a snapshot
    options: --rounds R (default 3; snapshot: 5), --redis PATH (default
    redis-server)

redis-server runs with --appendonly yes --appendfsync everysec (the
durable setting comparable to redis-kv's default); both servers start on
free ports in temporary directories and are stopped by PID.  Keys are
loaded with `redis-cli --pipe`.  Python 3 standard library only.
"""

import argparse
import contextlib
import glob
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KV = os.path.join(ROOT, "src", "redis-kv-server")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """A minimal RESP client: enough for DBSIZE, INFO, SCAN, CONFIG."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(1 << 20)
            if not data:
                raise ConnectionError("closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b":"):
            return int(rest) if t == b":" else rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(1 << 20)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            return [self._read() for _ in range(int(rest))]
        raise RuntimeError("bad reply %r" % line)

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._read()

    def close(self):
        self.sock.close()


class Server:
    def __init__(self, kind, redis_path, extra=()):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="figures-%s-" % kind)
        self.port = free_port()
        self.binary = KV if kind == "redis-kv" else redis_path
        self.args = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                     "--logfile", os.path.join(self.dir, "log")]
        if kind == "redis":
            self.args += ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"]
        self.args += list(extra)
        self.proc = None

    def start(self):
        """Starts the server; returns seconds until it answers PING."""
        t0 = time.time()
        self.proc = subprocess.Popen([self.binary] + self.args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        while True:
            try:
                c = Conn(self.port)
                c.call("PING")
                c.close()
                return time.time() - t0
            except (OSError, RuntimeError):
                if self.proc.poll() is not None:
                    raise RuntimeError("%s exited at start" % self.kind)
                time.sleep(0.001)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait()

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def status(self, field):
        """A field of /proc/PID/status in kB (VmRSS, RssAnon, RssFile)."""
        return proc_kb(self.proc.pid, "status", field)

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_kb(pid, name, *fields):
    """The sum of some kB fields of /proc/PID/<name> (status, smaps_rollup);
    0 once the process is gone."""
    total = 0
    try:
        with open("/proc/%d/%s" % (pid, name)) as f:
            for line in f:
                if line.split(":", 1)[0] in fields:
                    total += int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return total


def child_pids(pid):
    """The children of every thread of PID (a fork child of redis-server)."""
    kids = []
    for path in glob.glob("/proc/%d/task/*/children" % pid):
        try:
            with open(path) as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return kids


def load_keys(port, n, value=b"v" * 16, px=None, fmt=b"key:%d"):
    """SET key:0..n-1 (or fmt % i) through redis-cli --pipe."""
    parts = []
    for i in range(n):
        k = fmt % i
        if px is None:
            parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                         % (len(k), k, len(value), value))
        else:
            pxs = str(px).encode()
            parts.append(b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$2\r\nPX\r\n$%d\r\n%s\r\n"
                         % (len(k), k, len(value), value, len(pxs), pxs))
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=b"".join(parts),
                   stdout=subprocess.DEVNULL, check=True)


def wait_dbsize(port, want, timeout=600):
    c = Conn(port)
    t0 = time.time()
    while c.call("DBSIZE") != want:
        if time.time() - t0 > timeout:
            raise RuntimeError("DBSIZE never reached %d" % want)
        time.sleep(0.002)
    c.close()


def report(title, rows):
    """rows: {label: (kv values, redis values)}; prints medians and ratios."""
    print(title)
    print("%-28s %14s %14s %8s" % ("", "redis-kv", "redis 7", "kv/redis"))
    for label, (kv, rd) in rows.items():
        mk, mr = statistics.median(kv), statistics.median(rd)
        print("%-28s %14.3f %14.3f %8.3f" % (label, mk, mr, mk / mr if mr else float("nan")))


def fig_memory(a):
    rows = {"RSS bytes/key": ([], []), "heap (RssAnon) bytes/key": ([], [])}
    for _ in range(a.rounds):
        for idx, kind in enumerate(("redis-kv", "redis")):
            s = Server(kind, a.redis)
            try:
                s.start()
                rss0, anon0 = s.status("VmRSS"), s.status("RssAnon")
                load_keys(s.port, a.keys)
                wait_dbsize(s.port, a.keys)
                time.sleep(1)
                rows["RSS bytes/key"][idx].append((s.status("VmRSS") - rss0) * 1024 / a.keys)
                rows["heap (RssAnon) bytes/key"][idx].append(
                    (s.status("RssAnon") - anon0) * 1024 / a.keys)
            finally:
                s.remove()
    report("memory: %d keys, 16-byte values (%d rounds, medians)" % (a.keys, a.rounds), rows)


@contextlib.contextmanager
def loaded_pair(a, kv_extra=(), **load):
    """redis-kv and redis-server, each started and loaded with a.keys keys
    (load: load_keys's value and fmt); both removed afterwards."""
    servers = [Server("redis-kv", a.redis, kv_extra), Server("redis", a.redis)]
    try:
        for s in servers:
            s.start()
            load_keys(s.port, a.keys, **load)
            wait_dbsize(s.port, a.keys)
        yield servers
    finally:
        for s in servers:
            s.remove()


def fig_restart(a):
    rows = {"seconds until served": ([], [])}
    with loaded_pair(a) as servers:
        for _ in range(a.rounds):
            for idx, s in enumerate(servers):
                s.stop()
                t0 = time.time()
                s.start()
                wait_dbsize(s.port, a.keys)
                rows["seconds until served"][idx].append(time.time() - t0)
    report("restart: %d keys, 16-byte values (%d rounds, medians)" % (a.keys, a.rounds), rows)


def fig_scan(a):
    rows = {"full SCAN COUNT 1000, s": ([], [])}
    with loaded_pair(a) as servers:
        for _ in range(a.rounds):
            for idx, s in enumerate(servers):
                c = Conn(s.port)
                t0 = time.time()
                cursor, seen = b"0", set()
                while True:
                    cursor, keys = c.call("SCAN", cursor, "COUNT", 1000)
                    seen.update(keys)
                    if cursor in (b"0", "0"):
                        break
                rows["full SCAN COUNT 1000, s"][idx].append(time.time() - t0)
                c.close()
                if len(seen) != a.keys:
                    raise RuntimeError("%s: SCAN saw %d keys" % (s.kind, len(seen)))
    report("scan: %d keys (%d rounds, medians)" % (a.keys, a.rounds), rows)


def fig_expire(a):
    rows = {"s from last expiry to 0 keys": ([], []), "CPU s (load end -> 0 keys)": ([], [])}
    for _ in range(a.rounds):
        for idx, kind in enumerate(("redis-kv", "redis")):
            s = Server(kind, a.redis)
            try:
                s.start()
                load_keys(s.port, a.keys, px=1000)
                loaded = time.time()
                cpu0 = s.cpu_seconds()
                wait_dbsize(s.port, 0)
                done = time.time()
                rows["s from last expiry to 0 keys"][idx].append(max(0.0, done - (loaded + 1)))
                rows["CPU s (load end -> 0 keys)"][idx].append(s.cpu_seconds() - cpu0)
            finally:
                s.remove()
    report("expire: %d keys with a 1 s TTL, never read (%d rounds, medians)"
           % (a.keys, a.rounds), rows)


def bench_set_p99(port, n):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-c", "50",
                          "-n", str(n), "-r", "300000", "-d", "256", "--csv"],
                         capture_output=True, text=True, check=True).stdout
    line = out.strip().splitlines()[-1].replace('"', "").split(",")
    return float(line[1]), float(line[6])  # rps, p99 ms


def fig_compaction_latency(a):
    with_c, without = ([], []), ([], [])
    s = Server("redis-kv", a.redis, ["--compact-garbage-percent", "0", "--segment-size", "64mb"])
    try:
        s.start()
        c = Conn(s.port)
        for _ in range(a.rounds):
            # Garbage to compact: the same 300k keys written 4 times.
            for _ in range(4):
                bench_set_p99(s.port, 300000)
            rps, p99 = bench_set_p99(s.port, 200000)
            without[0].append(rps)
            without[1].append(p99)
            c.call("BGREWRITEAOF")
            rps, p99 = bench_set_p99(s.port, 200000)
            info = c.call("INFO", "persistence").decode()
            running = "aof_rewrite_in_progress:1" in info
            with_c[0].append(rps)
            with_c[1].append(p99)
            print("round: compaction %s at the end of the measured run"
                  % ("still running" if running else "finished"))
            while "aof_rewrite_in_progress:1" in c.call("INFO", "persistence").decode():
                time.sleep(0.05)
        c.close()
    finally:
        s.remove()
    print("SET p99 while compacting (redis-benchmark -t set -c 50 -d 256, %d rounds, medians)"
          % a.rounds)
    print("%-28s %14s %14s" % ("", "compacting", "not"))
    print("%-28s %14.0f %14.0f" % ("ops/s", statistics.median(with_c[0]),
                                    statistics.median(without[0])))
    print("%-28s %14.3f %14.3f" % ("p99 ms", statistics.median(with_c[1]),
                                    statistics.median(without[1])))


# The snapshot figure's keys are redis-benchmark's (-r N: key:%012d below
# N), so its SET load overwrites the loaded keys and the data set keeps its
# size; values are 100 bytes, as the load's (-d 100).
SNAP_FMT, SNAP_VALUE = b"key:%012d", b"v" * 100


def set_load(port, keys, clients):
    """A steady SET load in its own process until terminated."""
    return subprocess.Popen(["redis-benchmark", "-p", str(port), "-t", "set", "-c", str(clients),
                             "-P", "1", "-d", "100", "-r", str(keys), "-n", "1000000000", "-l",
                             "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def set_probe(port, stop, out):
    """The latency probe, in a process of its own: one connection, one SET
    at a time; sends back [(start, seconds)] on the monotonic clock."""
    c = Conn(port)
    value, samples, i = b"p" * 100, [], 0
    while not stop.is_set():
        t0 = time.monotonic()
        c.call("SET", b"probe:%d" % (i % 1000), value)
        samples.append((t0, time.monotonic() - t0))
        i += 1
    c.close()
    out.send(samples)


def info_fields(c, section):
    return dict(line.split(":", 1) for line in c.call("INFO", section).decode().splitlines()
                if ":" in line)


def latency_ms(samples, t0, t1):
    """p99 and max (ms) of the probe's SETs started in [t0, t1), and their count."""
    lat = sorted(d for t, d in samples if t0 <= t < t1) or [float("nan")]
    return lat[max(0, -(-len(lat) * 99 // 100) - 1)] * 1000, lat[-1] * 1000, len(lat)


def snapshot_round(s, a, window):
    """One BGSAVE of s under the SET load, with the probe running: a window
    of a.window s without a snapshot, then BGSAVE and a window from it of
    max(window, the snapshot's length).  None if a rewrite (Redis) or a
    compaction (redis-kv) ran meanwhile or BGSAVE was refused."""
    c = Conn(s.port)
    # Each round starts from a rewritten log (Redis: BGREWRITEAOF; redis-kv:
    # a compaction), so that neither starts one of its own during the round:
    # Redis's automatic rewrite (100% growth) otherwise comes every few
    # rounds, and a BGSAVE may not overlap one.
    for rewrite in (False, True, False):
        if rewrite:
            c.call("BGREWRITEAOF")
        while True:  # nothing in the background
            p = info_fields(c, "persistence")
            if (p["aof_rewrite_in_progress"], p["aof_rewrite_scheduled"],
                    p["rdb_bgsave_in_progress"]) == ("0", "0", "0"):
                break
            time.sleep(0.05)
    rewrites = p["aof_rewrites"]
    load = set_load(s.port, a.keys, a.load_clients)
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    rx, tx = ctx.Pipe(False)
    probe = ctx.Process(target=set_probe, args=(s.port, stop, tx))
    probe.start()
    tx.close()
    try:
        time.sleep(1)  # the load and the probe under way
        cmds0 = int(info_fields(c, "stats")["total_commands_processed"])
        b0 = time.monotonic()
        rss = peak = s.status("VmRSS")
        while time.monotonic() < b0 + a.window:
            peak = max(peak, s.status("VmRSS"))
            time.sleep(0.003)
        cmds1 = int(info_fields(c, "stats")["total_commands_processed"])
        rss0 = s.status("VmRSS")
        t0 = time.monotonic()
        try:
            c.call("BGSAVE")
        except RuntimeError as e:
            print("  %s: BGSAVE refused (%s); round repeated" % (s.kind, e))
            return None
        reply = time.monotonic() - t0
        ppeak, crss, cpriv, done = rss0, 0, 0, None
        while done is None or time.monotonic() < t0 + window:
            ppeak = max(ppeak, s.status("VmRSS"))
            kids = child_pids(s.proc.pid)
            crss = max(crss, sum(proc_kb(k, "status", "VmRSS") for k in kids))
            cpriv = max(cpriv, sum(proc_kb(k, "smaps_rollup", "Private_Clean", "Private_Dirty")
                                   for k in kids))
            if done is None:
                p = info_fields(c, "persistence")
                if p["rdb_bgsave_in_progress"] == "0":
                    done = time.monotonic() - t0
                    if p["rdb_last_bgsave_status"] != "ok":
                        raise RuntimeError("%s: the snapshot failed" % s.kind)
            time.sleep(0.003)
        t1 = time.monotonic()
        cmds2 = int(info_fields(c, "stats")["total_commands_processed"])
        p = info_fields(c, "persistence")
        if p["aof_rewrites"] != rewrites or p["aof_rewrite_in_progress"] != "0":
            print("  %s: a rewrite/compaction ran during the round; round repeated" % s.kind)
            return None
        if load.poll() is not None:
            raise RuntimeError("%s: redis-benchmark exited" % s.kind)
    finally:
        stop.set()
        samples = rx.recv() if probe.is_alive() or rx.poll() else []
        probe.join()
        load.terminate()
        load.wait()
        c.close()
    base_p99, base_max, _ = latency_ms(samples, b0, b0 + a.window)
    snap_p99, snap_max, n = latency_ms(samples, t0, t1)
    return {"BGSAVE reply, ms": reply * 1000,
            "BGSAVE to snapshot done, ms": done * 1000,
            "extra RSS: server, MB": (ppeak - rss0) / 1024,
            "extra RSS: fork child RSS, MB": crss / 1024,
            "extra RSS: child private, MB": cpriv / 1024,
            "extra RSS total (private), MB": (ppeak - rss0 + cpriv) / 1024,
            "extra RSS total (RSS), MB": (ppeak - rss0 + crss) / 1024,
            "RSS rise, no snapshot, MB": (peak - rss) / 1024,
            "SET p99 ms, no snapshot": base_p99,
            "SET p99 ms, snapshot window": snap_p99,
            "SET max ms, no snapshot": base_max,
            "SET max ms, snapshot window": snap_max,
            "cmds/s, no snapshot": (cmds1 - cmds0) / (t0 - b0),
            "cmds/s, snapshot window": (cmds2 - cmds1) / (t1 - t0),
            "snapshot window, s": t1 - t0,
            "probe SETs, snapshot window": n,
            "server RSS before, MB": rss0 / 1024}


def fig_snapshot(a):
    rows = {}
    with loaded_pair(a, ["--backup-keep", "1"], value=SNAP_VALUE, fmt=SNAP_FMT) as servers:
        for r in range(a.rounds):
            # Redis first: the length of its snapshot is the window of both.
            got, window = [None, None], a.window
            for idx in (1, 0):
                for _ in range(3):
                    got[idx] = snapshot_round(servers[idx], a, window)
                    if got[idx]:
                        break
                else:
                    raise RuntimeError("%s: three rounds disturbed" % servers[idx].kind)
                window = got[idx]["snapshot window, s"]
            for label in got[0]:
                rows.setdefault(label, ([], []))
                rows[label][0].append(got[0][label])
                rows[label][1].append(got[1][label])
            print("round %d: window %.2f s; BGSAVE done kv %.0f ms, redis %.0f ms; "
                  "RSS before kv %.0f MB, redis %.0f MB" % (
                      r + 1, window, got[0]["BGSAVE to snapshot done, ms"],
                      got[1]["BGSAVE to snapshot done, ms"], got[0]["server RSS before, MB"],
                      got[1]["server RSS before, MB"]))
    print("SET load: redis-benchmark -t set -c %d -P 1 -d 100 -r %d (overwrites), one server at"
          " a time; probe: 1 connection, 1 SET at a time." % (a.load_clients, a.keys))
    print("Windows: no snapshot = %.1f s before BGSAVE; snapshot = from BGSAVE for max(%.1f s,"
          " Redis's BGSAVE-to-done of the round), the same for both.  Extra RSS: peaks during"
          " the snapshot window minus the server's RSS at BGSAVE (child: its whole peak)."
          % (a.window, a.window))
    report("snapshot: %d keys, 100-byte values, BGSAVE under SET load (%d rounds, medians)"
           % (a.keys, a.rounds), rows)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("figure", choices=["memory", "restart", "scan", "expire",
                                      "compaction-latency", "snapshot"])
    p.add_argument("--keys", type=int, default=1000000)
    p.add_argument("--rounds", type=int)
    p.add_argument("--redis", default="redis-server")
    p.add_argument("--window", type=float, default=2.0, help="snapshot: seconds (minimum)")
    p.add_argument("--load-clients", type=int, default=10, help="snapshot: SET load clients")
    a = p.parse_args()
    a.rounds = a.rounds or (5 if a.figure == "snapshot" else 3)
    # The plain build: after `make test SANITIZE=address`, src/redis-kv-server
    # is the sanitizer build, which runs at about half speed.
    subprocess.run(["make", "-s"], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    {"memory": fig_memory, "restart": fig_restart, "scan": fig_scan, "expire": fig_expire,
     "compaction-latency": fig_compaction_latency, "snapshot": fig_snapshot}[a.figure](a)


if __name__ == "__main__":
    main()
