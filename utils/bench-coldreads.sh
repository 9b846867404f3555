#!/usr/bin/env bash
# utils/bench-coldreads.sh -- bigger than RAM: redis-kv serving 1 KiB values
# from a data set eight times the memory it may use (issue 23's figures).
#
#   cpulock utils/bench-coldreads.sh                     # 1,488,772 keys, 3 rounds
#   KEYS=200000 ROUNDS=1 SECS=5 cpulock utils/bench-coldreads.sh   # quick
#
# Builds nothing: run `cpulock make -j2` first (it measures
# src/redis-kv-server as it is, and needs utils/disk-randread).
#
# 1. Load.  A fresh redis-kv in a temporary data directory is filled through
#    `redis-cli --pipe` with HOT_KEYS keys hot:%012d, then KEYS keys
#    key:%012d (the names redis-benchmark's __rand_int__ makes with -r), all
#    with VALUE_SIZE-byte values, and stopped (SIGTERM: it syncs its files).
# 2. Cold.  The data set's size is storage_total_bytes; a memory cgroup is
#    made with a limit of one eighth of it (MEMLIMIT bytes overrides, 0 runs
#    with no cgroup): cgroup v2 where the v2 hierarchy has the memory
#    controller, else cgroup v1 (/sys/fs/cgroup/memory), under the cgroup
#    this script runs in.  The page cache is dropped (the segment files are
#    fsynced and fadvised out with `utils/disk-randread --drop`, then
#    /proc/sys/vm/drop_caches where writable) and redis-kv restarted on the
#    same directory inside the cgroup, so every page it reads is charged to
#    it.  Each of ROUNDS rounds then, with the page cache dropped first:
#    - disk: utils/disk-randread -s DISK_SECS -q 1,16 on the largest segment
#      file (O_DIRECT random 4 KiB preads; reads/s at queue depth 1 and 16);
#    - cold: redis-benchmark -c CLIENTS -r KEYS GET key:__rand_int__, sized
#      once (a probe of 500 GETs) to last about SECS seconds: GET/s, p99
#      from --csv, and the bytes redis-kv read from disk per GET (the
#      read_bytes delta of /proc/PID/io over the run / GETs; it counts all
#      the server's threads, I/O threads included);
#    - hot during cold: 3 x HOT_KEYS hot GETs to bring the hot set in, the
#      same cold load started again without end, and meanwhile
#      redis-benchmark -c HOT_CLIENTS -r HOT_KEYS GET
#      hot:__rand_int__, first a probe of 100 GETs for the hot rate under
#      that load, then the measured run, sized from it to last about SECS
#      seconds (one run, so its p99 is redis-benchmark's own); then the cold
#      load is stopped.  "cold GET/s meanwhile" is the server's
#      total_commands_processed delta over the measured run less its GETs.
#    After the rounds: the lines of INFO storage starting with cold_,
#    process_disk_ (or storage_cold_ ...), the server's RSS and the cgroup's
#    peak usage and limit hits.
# 3. In memory, for reference.  SMALL_KEYS keys of the same shape loaded into
#    a second redis-kv (no cgroup) and into redis-server 7.0.15 (--save ''
#    --appendonly no); GET key:__rand_int__ -c CLIENTS at -P 1 and -P 16 on
#    each, every run sized to about INMEM_SECS seconds; ratio kv/redis.
# At the end a table of the medians over the rounds, each figure's rounds,
# and the issue's targets: cold GET/s >= half the disk's QD16 rate, <= 8 KiB
# read per cold GET, hot p99 < 1 ms during the cold load.  For that last
# one, the in-memory phase also measures the hot p99 beside an in-memory
# load of the same clients on both servers: the floor this machine sets
# (on two cores the load generator itself competes for the CPU).
#
# Settings (environment, defaults): KEYS (1488772), HOT_KEYS (1000),
# SMALL_KEYS (100000), VALUE_SIZE (1024), ROUNDS (3), SECS (10),
# DISK_SECS (3), INMEM_SECS (3), CLIENTS (50), HOT_CLIENTS (5), MEMLIMIT
# (bytes; default data/8; 0: no cgroup), CGROUP (auto, v1, v2), PORT_BASE
# (28900: the first free port from there up), KV (src/redis-kv-server),
# KV_ARGS (none), REDIS_SERVER (/usr/bin/redis-server), BENCH
# (redis-benchmark), CLI (redis-cli), TMPDIR (/tmp: the data directories,
# so the disk measured; a tmpfs there is refused).
#
# The limit must leave room for the server itself: its keydir grows with
# KEYS, but its fixed part does not, so below about 150,000 keys one eighth
# of the data is less than the server's own RSS and the kernel kills it at
# start (the script says so, with the cgroup's limit hits).
#
# Needs root (or a delegated cgroup) for the memory cgroup, and writes
# /proc/sys/vm/drop_caches, which empties the page cache of the whole
# machine.  Cleans up on exit and on SIGINT/SIGTERM: stops the servers and
# benchmarks it started (by PID), removes its cgroup and temp directories.
# Run it under cpulock, alone: the figures are about the disk and the CPU.
set -eu
cd "$(dirname "$0")/.."
export KV=${KV:-./src/redis-kv-server}
export REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
export BENCH=${BENCH:-redis-benchmark}
export CLI=${CLI:-redis-cli}
for bin in "$KV" "$REDIS_SERVER" utils/disk-randread; do
    [ -x "$bin" ] || { echo "bench-coldreads: $bin is not built (run cpulock make -j2)" >&2; exit 2; }
done
for bin in "$BENCH" "$CLI" python3; do
    command -v "$bin" >/dev/null || { echo "bench-coldreads: $bin not found" >&2; exit 2; }
done
exec python3 - "$@" <<'PY'
import csv, glob, io, os, re, shlex, signal, socket, statistics, subprocess, sys, tempfile, time

env = os.environ
KEYS = int(env.get("KEYS", "1488772"))
HOT_KEYS = int(env.get("HOT_KEYS", "1000"))
SMALL_KEYS = int(env.get("SMALL_KEYS", "100000"))
VALUE_SIZE = int(env.get("VALUE_SIZE", "1024"))
ROUNDS = int(env.get("ROUNDS", "3"))
SECS = float(env.get("SECS", "10"))
DISK_SECS = float(env.get("DISK_SECS", "3"))
INMEM_SECS = float(env.get("INMEM_SECS", "3"))
CLIENTS = int(env.get("CLIENTS", "50"))
HOT_CLIENTS = int(env.get("HOT_CLIENTS", "5"))
MEMLIMIT = env.get("MEMLIMIT", "")
CGROUP = env.get("CGROUP", "auto")
PORT_BASE = int(env.get("PORT_BASE", "28900"))
KV, REDIS_SERVER, BENCH, CLI = env["KV"], env["REDIS_SERVER"], env["BENCH"], env["CLI"]
KV_ARGS = shlex.split(env.get("KV_ARGS", ""))
DISK_TOOL = "utils/disk-randread"

def say(*a):
    print(*a, flush=True)

def die(msg):
    raise SystemExit("bench-coldreads: " + msg)

# ---- what this run owns, undone by cleanup() --------------------------------
procs = []        # Popen objects of servers and background benchmarks
cgroup_dir = None
tmp = None

def cleanup():
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if cgroup_dir:
        # A cgroup is removable once its last process is gone; the kernel may
        # take a moment to notice the exit.
        for _ in range(50):
            try:
                os.rmdir(cgroup_dir)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
        else:
            print("bench-coldreads: could not remove " + cgroup_dir, file=sys.stderr)
    if tmp:
        subprocess.run(["rm", "-rf", tmp])

def onSignal(signum, frame):
    raise SystemExit("bench-coldreads: stopped by signal %d" % signum)

signal.signal(signal.SIGTERM, onSignal)

# ---- servers ------------------------------------------------------------------
used_ports = set()

def freePort():
    """The first port from PORT_BASE up that nothing listens on (and this run
    has not handed out)."""
    p = PORT_BASE
    while True:
        if p not in used_ports:
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", p))
                used_ports.add(p)
                return p
            except OSError:
                pass
            finally:
                s.close()
        p += 1

def cli(port, *args):
    r = subprocess.run([CLI, "-p", str(port)] + [str(a) for a in args],
                       capture_output=True, text=True)
    return r.stdout.strip()

def info(port, section):
    out = {}
    for line in cli(port, "info", section).splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v.strip()
    return out

def startServer(name, argv, port, cgroup=None):
    """Starts argv (a server on port), in cgroup's cgroup.procs when given,
    and waits for its PONG.  Returns the Popen."""
    log = open(os.path.join(tmp, name + ".log"), "ab")
    def enter():
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                         preexec_fn=enter if cgroup else None)
    procs.append(p)
    deadline = time.time() + 600   # a restart on 1.6 GB may read for a while
    while time.time() < deadline:
        if p.poll() is not None:
            hint = " (memory cgroup: %s)" % cgroupReport() if cgroup else ""
            die("%s exited (status %s) at start%s; the end of its log:\n%s"
                % (name, p.returncode, hint, logTail(name)))
        if cli(port, "ping") == "PONG":
            return p
        time.sleep(0.1)
    die("%s did not answer PING on port %d" % (name, port))

def logTail(name, lines=10):
    try:
        with open(os.path.join(tmp, name + ".log"), errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""

def stopServer(p):
    p.terminate()
    p.wait(timeout=300)
    procs.remove(p)

def checkAlive(p, what):
    if p.poll() is not None:
        hint = ""
        if cgroup_dir:
            hint = " (memory cgroup: %s)" % cgroupReport()
        die("redis-kv exited (status %s) during %s%s" % (p.returncode, what, hint))

# ---- loading ------------------------------------------------------------------
def load(port, prefix, count):
    """SET prefix%012d to a VALUE_SIZE-byte value for 0 <= i < count, through
    redis-cli --pipe: redis-benchmark -r cannot make every key exist."""
    value = (b"0123456789abcdef" * (VALUE_SIZE // 16 + 1))[:VALUE_SIZE]
    tail = b"\r\n$%d\r\n%s\r\n" % (VALUE_SIZE, value)
    keylen = len(prefix) + 12
    head = b"*3\r\n$3\r\nSET\r\n$%d\r\n" % keylen
    pipe = subprocess.Popen([CLI, "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    pfx = prefix.encode()
    batch = 4096
    for start in range(0, count, batch):
        chunk = b"".join(head + pfx + b"%012d" % i + tail
                         for i in range(start, min(count, start + batch)))
        pipe.stdin.write(chunk)
    pipe.stdin.close()
    out = pipe.stdout.read().decode(errors="replace")
    pipe.wait()
    m = re.search(r"errors: (\d+), replies: (\d+)", out)
    if pipe.returncode != 0 or not m or m.group(1) != "0" or int(m.group(2)) != count:
        die("loading %s* failed: %s" % (prefix, out.strip()))

# ---- page cache ---------------------------------------------------------------
def dataFiles(d):
    return sorted(f for f in glob.glob(os.path.join(d, "*")) if os.path.isfile(f))

def dropCache(d):
    """Evicts the data directory's files from the page cache: fsync and
    POSIX_FADV_DONTNEED on each (disk-randread --drop), then drop_caches
    where allowed (it also drops what fadvise leaves).  Pages a process has
    mapped stay either way; those of the server in the cgroup are charged to
    it and bounded by its limit."""
    subprocess.run([DISK_TOOL, "--drop"] + dataFiles(d), check=True)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("1")
        return "drop_caches"
    except OSError:
        return "fadvise"

# ---- the memory cgroup --------------------------------------------------------
def mounts():
    with open("/proc/self/mounts") as f:
        return [line.split() for line in f]

def ownCgroup(controller):
    """This process's cgroup path in the v1 hierarchy of controller, or in
    the v2 hierarchy when controller is ''."""
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if (controller == "" and ctrls == "") or controller in ctrls.split(","):
                return path
    return "/"

def makeCgroup(limit):
    """Creates this run's memory cgroup with limit bytes; returns (version,
    directory).  v2 when a cgroup2 mount offers the memory controller, else
    v1; a child of this script's own cgroup where that works."""
    v2 = [m[1] for m in mounts() if m[2] == "cgroup2"]
    v1 = [m[1] for m in mounts() if m[2] == "cgroup" and "memory" in m[3].split(",")]
    name = "bench-coldreads-%d" % os.getpid()
    want = CGROUP
    if want in ("auto", "v2"):
        for mnt in v2:
            try:
                ctrls = open(os.path.join(mnt, "cgroup.controllers")).read().split()
            except OSError:
                continue
            if "memory" not in ctrls:
                continue
            # A v2 cgroup with processes cannot hand controllers to children
            # ("no internal processes"); the root can, so fall back to it.
            for parent in (mnt + ownCgroup(""), mnt):
                try:
                    with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                        f.write("+memory")
                    d = os.path.join(parent, name)
                    os.mkdir(d)
                    with open(os.path.join(d, "memory.max"), "w") as f:
                        f.write(str(limit))
                    if os.path.exists(os.path.join(d, "memory.swap.max")):
                        with open(os.path.join(d, "memory.swap.max"), "w") as f:
                            f.write("0")
                    return "v2", d
                except OSError:
                    continue
        if want == "v2":
            die("no cgroup v2 hierarchy with the memory controller that accepts a child")
    if want in ("auto", "v1") and v1:
        parent = v1[0] + ownCgroup("memory")
        d = os.path.join(parent, name)
        try:
            os.mkdir(d)
            with open(os.path.join(d, "memory.limit_in_bytes"), "w") as f:
                f.write(str(limit))
        except OSError as e:
            die("cannot make the v1 memory cgroup %s: %s" % (d, e))
        return "v1", d
    die("no memory cgroup (v1 or v2) is available (CGROUP=%s)" % want)

def cgroupRead(name):
    try:
        return open(os.path.join(cgroup_dir, name)).read().strip()
    except OSError:
        return "?"

def cgroupReport():
    if cgroup_version == "v1":
        return "peak %s MB, limit hits %s, oom_kill %s" % (
            mb(cgroupRead("memory.max_usage_in_bytes")), cgroupRead("memory.failcnt"),
            dict(l.split() for l in cgroupRead("memory.oom_control").splitlines()).get("oom_kill", "?"))
    ev = dict(l.split() for l in cgroupRead("memory.events").splitlines() if " " in l)
    return "peak %s MB, limit hits %s, oom_kill %s" % (
        mb(cgroupRead("memory.peak")), ev.get("max", "?"), ev.get("oom_kill", "?"))

def mb(v):
    try:
        return "%.1f" % (int(v) / 1e6)
    except ValueError:
        return v

# ---- redis-benchmark ----------------------------------------------------------
def benchCsv(port, args):
    """Runs redis-benchmark --csv; returns (requests/s, p99 ms)."""
    r = subprocess.run([BENCH, "-p", str(port), "--csv"] + [str(a) for a in args],
                       capture_output=True, text=True)
    rows = [row for row in csv.reader(io.StringIO(r.stdout)) if row and row[0] != "test"]
    if r.returncode != 0 or not rows or len(rows[-1]) < 7:
        die("redis-benchmark %s failed: %s %s" % (" ".join(map(str, args)), r.stdout, r.stderr))
    return float(rows[-1][1]), float(rows[-1][6])

def sized(rate, secs, floor):
    return max(floor, int(rate * secs))

def readBytes(pid):
    with open("/proc/%d/io" % pid) as f:
        for line in f:
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    die("no read_bytes in /proc/%d/io" % pid)

def rssMB(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1000.0
    return float("nan")

# ---- the run ------------------------------------------------------------------
fig = {}   # figure name -> [value per round]

def note(name, value):
    fig.setdefault(name, []).append(value)

def coldPhase():
    global cgroup_dir, cgroup_version
    datadir = os.path.join(tmp, "cold")
    os.mkdir(datadir)
    port = freePort()
    kvArgv = [KV, "--port", str(port), "--bind", "127.0.0.1", "--dir", datadir] + KV_ARGS

    say("== load: %d keys hot:*, %d keys key:*, %d-byte values, into %s" %
        (HOT_KEYS, KEYS, VALUE_SIZE, datadir))
    kv = startServer("kv-load", kvArgv, port)
    t0 = time.time()
    load(port, "hot:", HOT_KEYS)
    load(port, "key:", KEYS)
    secs = time.time() - t0
    data = int(info(port, "storage")["storage_total_bytes"])
    say("   %.1f s (%.0f SET/s), %.1f MB of segments" % (secs, (HOT_KEYS + KEYS) / secs, data / 1e6))
    stopServer(kv)

    limit = int(MEMLIMIT) if MEMLIMIT else data // 8
    if limit > 0:
        cgroup_version, cgroup_dir = makeCgroup(limit)
        say("== cgroup %s %s, limit %.1f MB (%s)" % (cgroup_version, cgroup_dir, limit / 1e6,
            "MEMLIMIT" if MEMLIMIT else "one eighth of the data"))
    else:
        cgroup_version = "none"
        say("== no memory cgroup (MEMLIMIT=0)")
    how = dropCache(datadir)
    t0 = time.time()
    kv = startServer("kv-cold", kvArgv, port, cgroup_dir)
    say("   redis-kv pid %d restarted %s in %.1f s, page cache dropped (%s), RSS %.1f MB"
        % (kv.pid, "in the cgroup" if cgroup_dir else "without a cgroup", time.time() - t0,
           how, rssMB(kv.pid)))

    seg = max(glob.glob(os.path.join(datadir, "*.log")), key=os.path.getsize)
    coldArgs = ["-c", CLIENTS, "-r", KEYS, "GET", "key:__rand_int__"]
    hotArgs = ["-c", HOT_CLIENTS, "-r", HOT_KEYS, "GET", "hot:__rand_int__"]

    dropCache(datadir)
    rate, _ = benchCsv(port, ["-n", 500] + coldArgs)
    checkAlive(kv, "the probe")
    coldN = sized(rate, SECS, 1000)
    say("   probe: %.0f GET/s cold, so %d GETs per cold run" % (rate, coldN))

    for rnd in range(1, ROUNDS + 1):
        dropCache(datadir)
        d = subprocess.run([DISK_TOOL, "-s", str(DISK_SECS), "-q", "1,16", seg],
                           capture_output=True, text=True)
        if d.returncode != 0:
            die("disk-randread failed: " + d.stderr)
        qd = {int(m.group(1)): float(m.group(2)) for m in
              re.finditer(r"qd=(\d+) .*reads_per_sec=([\d.]+)", d.stdout)}
        mode = re.search(r"mode=(\S+)", d.stdout).group(1)
        note("disk QD1 reads/s", qd[1])
        note("disk QD16 reads/s", qd[16])

        rb0 = readBytes(kv.pid)
        rps, p99 = benchCsv(port, ["-n", coldN] + coldArgs)
        rb1 = readBytes(kv.pid)
        checkAlive(kv, "the cold run")
        note("cold GET/s", rps)
        note("cold GET p99 ms", p99)
        note("bytes read from disk per cold GET", (rb1 - rb0) / coldN)

        hotRps, hotP99, besideRps = hotBesideLoad(port, coldArgs, hotArgs)
        checkAlive(kv, "the hot-during-cold run")
        note("hot GET p99 ms (cold load)", hotP99)
        note("hot GET/s (cold load)", hotRps)
        note("cold GET/s meanwhile", besideRps)

        say("   round %d: disk QD1 %.0f QD16 %.0f reads/s (%s); cold %.0f GET/s p99 %.2f ms, "
            "%.0f B read/GET; hot p99 %.3f ms at %.0f GET/s beside %.0f cold GET/s"
            % (rnd, qd[1], qd[16], mode, rps, p99, (rb1 - rb0) / coldN,
               fig["hot GET p99 ms (cold load)"][-1], fig["hot GET/s (cold load)"][-1],
               fig["cold GET/s meanwhile"][-1]))

    say("== after the cold rounds: INFO storage (cold-read fields), memory")
    st = cli(port, "info", "storage").splitlines()
    shown = [l for l in st if re.match(r"(storage_)?(cold_|process_disk_|event_loop_|pages_|residency_|last_residency)", l)]
    for l in shown:
        say("   " + l.strip())
    if not shown:
        say("   (no cold_ or process_disk_ fields in INFO storage yet)")
    say("   redis-kv RSS %.1f MB; cgroup %s" % (rssMB(kv.pid),
        cgroupReport() if cgroup_dir else "none"))
    stopServer(kv)
    return data, limit

def hotBesideLoad(port, loadArgs, hotArgs):
    """The hot set's GETs while loadArgs runs without end beside them: the
    hot GET/s, its p99 (one redis-benchmark run, so the p99 is its own)
    and the load's GET/s meanwhile."""
    benchCsv(port, ["-n", HOT_KEYS * 3] + hotArgs)   # the hot set in cache
    load = subprocess.Popen([BENCH, "-p", str(port), "-n", "1000000000", "-q"]
                            + [str(a) for a in loadArgs],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(load)
    time.sleep(1)
    hotProbe, _ = benchCsv(port, ["-n", HOT_CLIENTS * 20] + hotArgs)
    hotN = sized(hotProbe, SECS, HOT_CLIENTS * 20)
    cmd0 = int(info(port, "stats")["total_commands_processed"])
    t0 = time.time()
    hotRps, hotP99 = benchCsv(port, ["-n", hotN] + hotArgs)
    cmd1 = int(info(port, "stats")["total_commands_processed"])
    window = time.time() - t0
    if load.poll() is not None:
        die("the background redis-benchmark exited (status %s)" % load.returncode)
    load.terminate()
    load.wait()
    procs.remove(load)
    # The INFO call itself and redis-benchmark's CONFIG GETs at its start
    # are in the delta too: a handful of commands.
    return hotRps, hotP99, max(0, cmd1 - cmd0 - hotN) / window

def inMemoryPhase():
    datadir = os.path.join(tmp, "small-kv")
    os.mkdir(datadir)
    rdir = os.path.join(tmp, "small-redis")
    os.mkdir(rdir)
    kport, rport = freePort(), freePort()
    say("== in memory: %d keys on redis-kv and redis-server, GET -c %d at -P 1 and -P 16"
        % (SMALL_KEYS, CLIENTS))
    kv = startServer("kv-small", [KV, "--port", str(kport), "--bind", "127.0.0.1",
                                  "--dir", datadir] + KV_ARGS, kport)
    rs = startServer("redis-small", [REDIS_SERVER, "--port", str(rport), "--bind", "127.0.0.1",
                                     "--dir", rdir, "--save", "", "--appendonly", "no"], rport)
    for port in (kport, rport):
        load(port, "hot:", HOT_KEYS)
        load(port, "key:", SMALL_KEYS)
    args = ["-c", CLIENTS, "-r", SMALL_KEYS, "GET", "key:__rand_int__"]
    # The floor of the hot p99 on this machine: the same hot run beside
    # the same client load, every key in memory, on both servers.
    hotArgs = ["-c", HOT_CLIENTS, "-r", HOT_KEYS, "GET", "hot:__rand_int__"]
    for rnd in range(1, ROUNDS + 1):
        for name, port in (("redis-kv", kport), ("redis", rport)):
            _, p99, _ = hotBesideLoad(port, args, hotArgs)
            note("hot GET p99 ms (in-memory load) %s" % name, p99)
        say("   hot p99 beside an in-memory load, round %d: redis-kv %.3f ms, redis %.3f ms"
            % (rnd, fig["hot GET p99 ms (in-memory load) redis-kv"][-1],
               fig["hot GET p99 ms (in-memory load) redis"][-1]))
    for depth in (1, 16):
        rate, _ = benchCsv(kport, ["-n", 20000 * depth, "-P", depth] + args)
        n = sized(rate, INMEM_SECS, 10000)
        for rnd in range(1, ROUNDS + 1):
            k, _ = benchCsv(kport, ["-n", n, "-P", depth] + args)
            r, _ = benchCsv(rport, ["-n", n, "-P", depth] + args)
            checkAlive(kv, "the in-memory run")
            note("in-memory GET/s -P %d redis-kv" % depth, k)
            note("in-memory GET/s -P %d redis" % depth, r)
            say("   -P %d round %d: redis-kv %.0f, redis %.0f GET/s" % (depth, rnd, k, r))
    stopServer(kv)
    stopServer(rs)

def summary(data, limit):
    med = {k: statistics.median(v) for k, v in fig.items()}
    say("")
    say("== bench-coldreads: %d keys of %d B (%.1f MB of segments), memory limit %s, "
        "%d round(s), medians" % (KEYS, VALUE_SIZE, data / 1e6,
        ("%.1f MB (cgroup %s)" % (limit / 1e6, cgroup_version)) if limit else "none", ROUNDS))
    say("%-40s %12s   %s" % ("figure", "median", "rounds"))
    def fmt(v):
        return "%.3f" % v if abs(v) < 10 else "%.0f" % v
    for k, v in fig.items():
        say("%-40s %12s   %s" % (k, fmt(med[k]), " ".join(fmt(x) for x in v)))
    for depth in (1, 16):
        k, r = med.get("in-memory GET/s -P %d redis-kv" % depth), med.get("in-memory GET/s -P %d redis" % depth)
        if k and r:
            say("%-40s %12.2f" % ("in-memory GET -P %d kv/redis" % depth, k / r))
    say("targets (issue 23):")
    half = med["disk QD16 reads/s"] / 2
    say("   cold GET/s >= half the disk's QD16 rate: %s (%.0f vs %.0f)"
        % ("yes" if med["cold GET/s"] >= half else "no", med["cold GET/s"], half))
    say("   <= 8 KiB read from disk per cold GET:    %s (%.0f B)"
        % ("yes" if med["bytes read from disk per cold GET"] <= 8192 else "no", med["bytes read from disk per cold GET"]))
    say("   hot GET p99 < 1 ms during the cold load: %s (%.3f ms; beside an in-memory load of "
        "the same clients: redis-kv %.3f ms, redis %.3f ms)"
        % ("yes" if med["hot GET p99 ms (cold load)"] < 1 else "no", med["hot GET p99 ms (cold load)"],
           med["hot GET p99 ms (in-memory load) redis-kv"], med["hot GET p99 ms (in-memory load) redis"]))

def main():
    global tmp
    if ROUNDS < 1 or KEYS < 1 or HOT_KEYS < 1 or SMALL_KEYS < 1:
        die("ROUNDS, KEYS, HOT_KEYS and SMALL_KEYS must be at least 1")
    parent = env.get("TMPDIR", "/tmp")
    fstype = subprocess.run(["stat", "-f", "-c", "%T", parent], capture_output=True,
                            text=True).stdout.strip()
    if fstype in ("tmpfs", "ramfs"):
        die("%s is %s: the data would never leave memory (set TMPDIR to a disk)" % (parent, fstype))
    tmp = tempfile.mkdtemp(prefix="bench-coldreads.", dir=parent)
    say("bench-coldreads: %s, data under %s (%s)" % (KV, tmp, fstype))
    say("settings: KEYS=%d HOT_KEYS=%d SMALL_KEYS=%d VALUE_SIZE=%d ROUNDS=%d SECS=%g DISK_SECS=%g "
        "INMEM_SECS=%g CLIENTS=%d HOT_CLIENTS=%d MEMLIMIT=%s CGROUP=%s KV_ARGS=%s"
        % (KEYS, HOT_KEYS, SMALL_KEYS, VALUE_SIZE, ROUNDS, SECS, DISK_SECS, INMEM_SECS, CLIENTS,
           HOT_CLIENTS, MEMLIMIT or "data/8", CGROUP, shlex.quote(" ".join(KV_ARGS))))
    data, limit = coldPhase()
    inMemoryPhase()
    summary(data, limit)

cgroup_version = "none"
try:
    main()
finally:
    cleanup()
PY
