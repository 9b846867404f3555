# utils/bench_lib.py -- the parts the Python benchmarks of utils/ share:
# servers started and killed by PID, INFO and RSS read the same way for
# redis-kv and Redis, RESP files for redis-cli --pipe, redis-benchmark
# rates, medians and ratios, and the memory-then-rates frame of
# bench-zsets.sh and bench-geo.sh.  Imported by utils/bench-collections.sh,
# utils/bench-lists.sh, utils/bench-zsets.sh and utils/bench-geo.sh (their
# Python part runs from the repository root with utils/ on sys.path); not
# a benchmark itself.
import glob, os, re, signal, socket, statistics, subprocess, sys, time

MiB = 2 ** 20
SCALE = float(os.environ.get("SCALE", "1"))  # bench-lib.sh exports it

def scaled(n, least):
    """N times SCALE, at least LEAST: data set sizes and request counts."""
    return max(least, int(n * SCALE))

# ------------------------------------------------------------ the servers

def portFree(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()

def pickPort(env, taken, base=28300):
    """The port in $env, else the first free one of base..base+99 not in taken."""
    if os.environ.get(env):
        return int(os.environ[env])
    for p in range(base, base + 100):
        if p not in taken and portFree(p):
            return p
    sys.exit(f"no free port in {base}-{base + 99}")

def ping(port):
    """True when the server answers PING with +PONG (not -LOADING)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            c.sendall(b"PING\r\n")
            return c.recv(64).startswith(b"+PONG")
    except OSError:
        return False

def cli(port, *args, check=True):
    r = subprocess.run(["redis-cli", "-p", str(port)] + [str(a) for a in args],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"redis-cli {' '.join(map(str, args))} on {port}: {r.stderr.strip()}")
    return r.stdout.strip()

def info(port, section):
    d = {}
    for line in cli(port, "info", section).splitlines():
        k, sep, v = line.strip().partition(":")
        if sep:
            d[k] = v
    return d

def dirBytes(d):
    total = 0
    for root, _, files in os.walk(d):
        for f in files:
            try:
                total += os.stat(os.path.join(root, f)).st_size
            except FileNotFoundError:
                pass
    return total

class Server:
    """One server process: argv plus --port/--bind/--dir/--logfile, its
    data in ROOT/<name without spaces>, its log beside that."""
    def __init__(self, name, argv, port, root):
        self.name, self.argv, self.port = name, argv, port
        self.dir = os.path.join(root, name.replace(" ", ""))
        self.log = self.dir + ".log"
        self.proc = None

    def start(self, fresh):
        """Starts the server (in an emptied directory when fresh); returns
        the seconds from exec to the first +PONG."""
        if fresh:
            subprocess.run(["rm", "-rf", self.dir], check=True)
            os.mkdir(self.dir)
        open(self.log, "w").close()
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv + ["--port", str(self.port), "--bind", "127.0.0.1",
                                                  "--dir", self.dir, "--logfile", self.log],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not ping(self.port):
            if self.proc.poll() is not None:
                sys.exit(f"{self.name} exited with {self.proc.returncode}; see {self.log}:\n"
                         + open(self.log, errors="replace").read()[-2000:])
            if time.monotonic() - t0 > 300:
                sys.exit(f"{self.name} did not answer in 300 s")
            time.sleep(0.001)
        return time.monotonic() - t0

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def isKv(self):
        """True when the running server is redis-kv (INFO names its version)."""
        return "redis_kv_version" in info(self.port, "server")

    def rss(self):
        """VmRSS, RssAnon and RssFile of the process, in bytes."""
        out = {}
        for line in open(f"/proc/{self.proc.pid}/status"):
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0]) * 1024
        return out

    def settle(self):
        """Waits until the server's background work on the loaded data is
        done, so that memory, restart and log figures are steady: redis-kv's
        compaction idle and every sealed segment hinted, Redis's automatic
        AOF rewrite done."""
        time.sleep(1.2)  # cron notices the grown AOF; everysec reaches disk
        kv = self.isKv()
        for _ in range(3000):
            if kv:
                st = info(self.port, "storage")
                logs = glob.glob(os.path.join(self.dir, "seg-*.log"))
                hints = glob.glob(os.path.join(self.dir, "seg-*.hint"))
                if st.get("storage_compacting", "0") == "0" and len(hints) >= len(logs) - 1:
                    return
            else:
                p = info(self.port, "persistence")
                if p["aof_rewrite_in_progress"] == "0" and p["aof_rewrite_scheduled"] == "0":
                    return
            time.sleep(0.1)
        print(f"  ({self.name}: background work still running after 300 s)")

    def load(self, path, expect):
        """Pipes the RESP file into the server; every reply must be a non-error."""
        with open(path, "rb") as f:
            r = subprocess.run(["redis-cli", "-p", str(self.port), "--pipe"], stdin=f,
                               capture_output=True, text=True, errors="replace")
        m = re.search(r"errors: (\d+), replies: (\d+)", r.stdout)
        if r.returncode != 0 or not m or m.group(1) != "0" or int(m.group(2)) != expect:
            sys.exit(f"{self.name}: redis-cli --pipe < {os.path.basename(path)} failed "
                     f"(expected {expect} replies):\n{r.stdout[-2000:]}{r.stderr[-1000:]}")

    def loadedFigure(self):
        for line in open(self.log, errors="replace"):
            m = re.search(r"DB loaded from (?:disk|append only file): ([0-9.]+) seconds", line)
            if m:
                return float(m.group(1))
        return float("nan")

# ------------------------------------------------------- the data sets

def writeResp(path, gen):
    """Writes the RESP commands GEN yields to PATH; returns their count."""
    with open(path, "w", buffering=1 << 20) as f:
        n = 0
        for chunk in gen:
            f.write(chunk); n += 1
    return n

def bulk(s):
    return f"${len(s)}\r\n{s}\r\n"

# ---------------------------------------------------------- measuring

def benchRps(server, p, n, args, clients=50):
    """requests/s of redis-benchmark -c CLIENTS -P p -n n ARGS on SERVER
    (the rate of the last CSV row: with -t, the test asked for)."""
    out = subprocess.run(["redis-benchmark", "-p", str(server.port), "-c", str(clients),
                          "-P", str(p), "-n", str(n), "--csv"] + [str(a) for a in args],
                         capture_output=True, text=True).stdout.splitlines()
    try:
        return float(out[-1].split('","')[1])
    except (IndexError, ValueError):
        sys.exit(f"{server.name}: redis-benchmark -P {p} {' '.join(map(str, args))} printed {out!r}")

def med(xs):
    return statistics.median(xs) if xs else float("nan")

def ratio(a, b):
    return a / b if b else float("nan")

# ------------------------------------------- the parts of a benchmark run

def writeDatasets(datasets, root, rounds):
    """Writes each data set (tag, title, generator, check) to ROOT/set-<tag>.resp;
    returns tag -> (path, number of commands)."""
    files = {}
    t0 = time.monotonic()
    for tag, _, gen, _ in datasets:
        path = os.path.join(root, f"set-{tag}.resp")
        files[tag] = (path, writeResp(path, gen()))
    print(f"data sets written in {time.monotonic() - t0:.1f} s "
          f"({sum(os.path.getsize(p) for p, _ in files.values()) / MiB:.0f} MiB of RESP); "
          f"SCALE={SCALE}, {rounds} rounds")
    return files

def serversFromEnv(root):
    """redis-kv and Redis as utils/bench-lib.sh sets them up (KV, KV_ARGS,
    REDIS_SERVER, REDIS_ARGS; ports KVPORT and RPORT or free ones)."""
    import shlex
    kvPort = pickPort("KVPORT", set())
    rPort = pickPort("RPORT", {kvPort})
    servers = [Server("redis-kv", [os.environ["KV"]] + shlex.split(os.environ["KV_ARGS"]), kvPort, root),
               Server("redis 7", [os.environ["REDIS_SERVER"]] + shlex.split(os.environ["REDIS_ARGS"]), rPort, root)]
    print(f"redis-kv: {shlex.join(servers[0].argv)} (port {kvPort})")
    print(f"redis 7:  {shlex.join(servers[1].argv)} (port {rPort})")
    return servers

def loadAndMeasure(s, r, title, path, ncmds, check, want):
    """Starts S fresh, loads the data set, checks it (CHECK must reply
    WANT), waits until it settles; returns (VmRSS, used_memory, the
    round's report line).  S keeps running."""
    s.start(fresh=True)
    t = time.monotonic()
    s.load(path, ncmds)
    loadSecs = time.monotonic() - t
    got = cli(s.port, *check)
    if got != want:
        print(f"  !! {s.name}: {' '.join(check)} -> {got!r} after loading, expected {want}")
    s.settle()
    rs = s.rss()
    used = int(info(s.port, "memory")["used_memory"])
    line = (f"round {r} {title:<28} {s.name:<8} VmRSS {rs['VmRSS'] / MiB:8.1f} MiB "
            f"(anon {rs['RssAnon'] / MiB:.1f}, file {rs['RssFile'] / MiB:.1f}), "
            f"used_memory {used / MiB:8.1f} MiB, load {loadSecs:.1f} s")
    return rs["VmRSS"], used, line

def fmt(x, spec):
    """X formatted by SPEC, or "-" for NaN (no figure: a skipped row)."""
    return "-" if x != x else format(x, spec)

def printMemoryTable(datasets, mem, rounds, kv="redis-kv", rd="redis 7"):
    """The memory table: MEM maps (tag, server name) -> [(VmRSS, used_memory)]."""
    print(f"== memory after loading into a fresh server ({rounds} rounds, medians; "
          f"RSS = VmRSS from /proc/PID/status, used = INFO used_memory; MiB)")
    print(f"{'data set':<30}{'kv RSS':>10}{'redis RSS':>11}{'kv/redis':>10}"
          f"{'kv used':>10}{'redis used':>12}{'kv/redis':>10}")
    for tag, title, _, _ in datasets:
        kr = med([x[0] for x in mem.get((tag, kv), [])]); rr = med([x[0] for x in mem.get((tag, rd), [])])
        ku = med([x[1] for x in mem.get((tag, kv), [])]); ru = med([x[1] for x in mem.get((tag, rd), [])])
        print(f"{title:<30}{fmt(kr / MiB, '10.1f'):>10}{fmt(rr / MiB, '11.1f'):>11}{fmt(ratio(kr, rr), '10.2f'):>10}"
              f"{fmt(ku / MiB, '10.1f'):>10}{fmt(ru / MiB, '12.1f'):>12}{fmt(ratio(ku, ru), '10.2f'):>10}")

def printRateTable(title, rows, tput, kv="redis-kv", rd="redis 7"):
    """A throughput table: ROWS are (command, P) in order, TPUT maps
    (command, P, server name) -> [requests/s]."""
    print(title)
    print(f"{'command':<12}{'P':>3}{'redis-kv':>12}{'redis 7':>12}{'kv/redis':>10}")
    for name, p in rows:
        a = med(tput.get((name, p, kv), [])); b = med(tput.get((name, p, rd), []))
        print(f"{name:<12}{p:>3}{fmt(a, '12.0f'):>12}{fmt(b, '12.0f'):>12}{fmt(ratio(a, b), '10.2f'):>10}")

def rateRound(servers, r, name, p, n, args, tput, skip=()):
    """One round of one command on each server (alternating, so machine
    noise hits both alike; a server named in SKIP shows "-"): the rates go
    to TPUT[(name, p, server name)] and one line is printed."""
    got = []
    for s in servers:
        if s.name in skip:
            got.append("-")
            continue
        rps = benchRps(s, p, n, args)
        tput.setdefault((name, p, s.name), []).append(rps)
        got.append(f"{rps:.0f}")
    print(f"round {r} {name:<10} P{p:<3} redis-kv {got[0]:>9}  redis 7 {got[1]:>9}", flush=True)

def memoryThenRates(datasets, files, servers, rounds, tests, req, randRange):
    """The frame of bench-zsets.sh and bench-geo.sh: ROUNDS memory rounds
    over DATASETS (each loaded into fresh servers, measured, killed), then
    the first data set loaded once more and ROUNDS rate rounds of TESTS
    (name, argv) at P1 and P16 (REQ[p] requests, -r RANDRANGE) on it; both
    tables printed.  The servers are killed at the end, on error too."""
    mem, tput = {}, {}
    try:
        for r in range(1, rounds + 1):
            for tag, title, _, (check, want) in datasets:
                path, ncmds = files[tag]
                for s in servers:
                    rss, used, line = loadAndMeasure(s, r, title, path, ncmds, check, want)
                    mem.setdefault((tag, s.name), []).append((rss, used))
                    print(line, flush=True)
                    s.kill9()
        # The first data set once more, left running for the rate rounds.
        path, ncmds = files[datasets[0][0]]
        for s in servers:
            loadAndMeasure(s, "-", datasets[0][1], path, ncmds, *datasets[0][3])
        for r in range(1, rounds + 1):
            for p in (1, 16):
                for name, argv in tests:
                    rateRound(servers, r, name, p, req[p], ["-r", str(randRange)] + argv, tput)
    finally:
        for s in servers:
            s.kill9()
    print()
    printMemoryTable(datasets, mem, rounds)
    print()
    printRateTable(f"== throughput on {datasets[0][1].split()[0]}, redis-benchmark -c 50 -r {randRange}, "
                   f"requests/s ({rounds} rounds, medians; -n {req[1]} at P1, {req[16]} at P16)",
                   [(name, p) for p in (1, 16) for name, _ in tests], tput)
