# tests/clients/redis_py_lock.py -- redis-py's Lock (Debian's python3-redis)
# guards a resource the way a Python service would.
#
# needs: eval evalsha script set get del pttl pexpire exists ttl
#
# acquire is SET NX PX; release, extend and reacquire are Lua scripts that
# redis-py registers and runs by EVALSHA, loading them with SCRIPT LOAD
# after a NOSCRIPT; their bodies use GET, DEL, PTTL and PEXPIRE.  Prints one
# "ok - ..." line per check and exits 1 at the first failed check, as the
# Node scenarios do (see lib/scenario.js): checks are about state, never
# about time.  The server must start empty: run.tcl flushes it first.
import os
import sys
import threading
import traceback

import redis
from redis.exceptions import LockError, LockNotOwnedError

HOST = os.environ.get("REDIS_HOST", "127.0.0.1")
PORT = int(os.environ.get("REDIS_PORT", "6379"))


def equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")
    print(f"ok - {what}", flush=True)


def check(cond, what, detail=""):
    if not cond:
        raise AssertionError(f"{what} ({detail})" if detail else what)
    print(f"ok - {what}", flush=True)


def raises(exc_type, fn, what):
    try:
        value = fn()
    except exc_type as err:
        print(f"ok - {what} ({type(err).__name__}: {err})", flush=True)
        return
    raise AssertionError(f"{what}: expected {exc_type.__name__}, got {value!r}")


def scenario(r):
    name = "pylock:job"

    # One holder at a time.
    lock = r.lock(name, timeout=10)
    equal(lock.acquire(blocking=False), True, "acquire takes a free lock")
    equal(r.get(name), lock.local.token, "the key holds the lock's token")
    ttl = r.pttl(name)
    check(0 < ttl <= 10000, "the key expires within the timeout", f"pttl {ttl}")
    equal((lock.locked(), lock.owned()), (True, True), "locked() and owned() see it")
    other = r.lock(name, timeout=10)
    equal(other.acquire(blocking=False), False, "a second lock is refused without waiting")
    equal(other.acquire(blocking_timeout=0.05), False, "a second lock is refused after waiting")
    equal(other.owned(), False, "the refused lock does not own the key")

    # extend adds time, or replaces it; reacquire resets it to the timeout.
    equal(lock.extend(50), True, "extend by 50 s")
    ttl = r.pttl(name)
    check(10000 < ttl <= 60000, "extend added to the remaining time", f"pttl {ttl}")
    equal(lock.extend(30, replace_ttl=True), True, "extend with replace_ttl")
    ttl = r.pttl(name)
    check(10000 < ttl <= 30000, "replace_ttl set the time to 30 s", f"pttl {ttl}")
    equal(lock.reacquire(), True, "reacquire")
    ttl = r.pttl(name)
    check(0 < ttl <= 10000, "reacquire reset the time to the timeout", f"pttl {ttl}")

    # The scripts come back after SCRIPT FLUSH (NOSCRIPT, SCRIPT LOAD, EVALSHA).
    equal(r.script_flush(), True, "SCRIPT FLUSH")
    equal(lock.extend(5), True, "extend after the script cache was flushed")
    equal(r.script_exists(lock.lua_extend.sha), [True], "the extend script is cached again")

    # Release, and what a lock that is no longer the holder cannot do.
    lock.release()
    equal(r.exists(name), 0, "release deletes the key")
    equal(lock.locked(), False, "locked() sees it free")
    raises(LockError, lock.release, "releasing twice is an error")
    equal(other.acquire(blocking=False), True, "the second lock takes it now")
    stale = r.lock(name, timeout=10)

    def as_stale(call):
        # release() forgets the token even when it fails: set it each time.
        stale.local.token = b"not-the-holder"
        return call()

    raises(LockNotOwnedError, lambda: as_stale(stale.release), "a lock with another token cannot release it")
    raises(LockNotOwnedError, lambda: as_stale(lambda: stale.extend(10)), "nor extend it")
    raises(LockNotOwnedError, lambda: as_stale(stale.reacquire), "nor reacquire it")
    equal(r.get(name), other.local.token, "the holder keeps the key")
    r.set(name, "someone-else", px=10000)  # as if it had expired and been retaken
    raises(LockNotOwnedError, other.reacquire, "a lock taken over cannot be reacquired")
    raises(LockNotOwnedError, lambda: other.extend(10), "nor extended")
    raises(LockNotOwnedError, other.release, "nor released")
    equal(r.get(name), b"someone-else", "the new holder keeps the key")
    r.delete(name)

    # A lock without a timeout never expires.
    forever = r.lock("pylock:forever")
    equal(forever.acquire(blocking=False), True, "a lock without a timeout")
    equal(r.ttl("pylock:forever"), -1, "its key has no expiry")
    raises(LockError, lambda: forever.extend(10), "it cannot be extended")
    forever.release()
    equal(r.exists("pylock:forever"), 0, "it is released")

    # The context manager.
    with r.lock("pylock:ctx", timeout=5) as held:
        equal(r.get("pylock:ctx"), held.local.token, "inside 'with' the lock is held")
    equal(r.exists("pylock:ctx"), 0, "leaving 'with' released it")

    # Mutual exclusion among four threads, each with its own connection.
    r.set("pylock:counter:value", 0)
    state = {"inside": 0, "overlaps": 0, "errors": []}
    guard = threading.Lock()
    rounds = 5

    def worker():
        conn = redis.Redis(host=HOST, port=PORT)
        try:
            for _ in range(rounds):
                with conn.lock("pylock:counter", timeout=10, sleep=0.001, blocking_timeout=60):
                    with guard:
                        state["inside"] += 1
                        if state["inside"] > 1:
                            state["overlaps"] += 1
                    value = int(conn.get("pylock:counter:value"))
                    conn.set("pylock:counter:value", value + 1)
                    with guard:
                        state["inside"] -= 1
        except Exception as err:  # reported below, in the main thread
            state["errors"].append(repr(err))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    equal(state["errors"], [], "no worker thread saw an error")
    equal(state["overlaps"], 0, "no two threads were ever inside at once")
    equal(int(r.get("pylock:counter:value")), 4 * rounds, "no increment was lost")
    equal(r.exists("pylock:counter"), 0, "the last release left no lock behind")


def main():
    r = redis.Redis(host=HOST, port=PORT, socket_timeout=30)
    try:
        scenario(r)
    except Exception:
        print("FAIL:", file=sys.stderr)
        traceback.print_exc()
        return 1
    finally:
        r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
