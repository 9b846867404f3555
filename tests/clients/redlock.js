/* tests/clients/redlock.js -- Redlock (v4, over ioredis) acquires, extends
 * and releases locks the way a service guarding a resource would.
 *
 * needs: eval evalsha script get set exists del pttl info
 *
 * Redlock runs three Lua scripts (lock, extend, unlock) by EVALSHA and
 * falls back to EVAL when the reply starts with "NOSCRIPT"; each script
 * reads and writes the lock keys with EXISTS, GET, SET ... PX and DEL.
 * Two Redlock instances on their own connections stand for two
 * processes.  Every error a client sees is recorded, and the scenario
 * fails if there were any: Redlock itself turns a server error into a
 * plain "could not lock", which would hide an incompatibility.
 */
'use strict';

const Redlock = require('redlock');
const { connect, step, equal, ok, rejects, run } = require('./lib/scenario');

const clientErrors = [];

function newRedlock(settings) {
  const redlock = new Redlock([connect()], Object.assign({ retryJitter: 5 }, settings));
  redlock.on('clientError', (err) => clientErrors.push(err.message));
  return redlock;
}

async function scenario() {
  const admin = connect();
  // Process A waits for a lock; process B gives up after two retries.
  const a = newRedlock({ retryCount: 50, retryDelay: 10 });
  const b = newRedlock({ retryCount: 2, retryDelay: 10 });
  const key = 'locks:order:1';

  step('A acquires');
  const lockA = await a.lock(key, 10000);
  equal(await admin.get(key), lockA.value, 'the key holds A\'s random value');
  const ttl = await admin.pttl(key);
  ok(ttl > 0 && ttl <= 10000, 'the key expires within the lock\'s ttl', `pttl ${ttl}`);

  step('B is refused');
  const refused = await rejects(b.lock(key, 10000), 'B cannot take a held lock');
  equal(refused.name, 'LockError', 'the refusal is a LockError');
  equal(await admin.get(key), lockA.value, 'A still holds the key');

  step('A extends');
  await lockA.extend(60000);
  const extended = await admin.pttl(key);
  ok(extended > 10000 && extended <= 60000, 'extend moves the expiry to the new ttl', `pttl ${extended}`);

  step('extend after SCRIPT FLUSH');
  equal(await admin.script('flush'), 'OK', 'SCRIPT FLUSH');
  const extendHash = a.scripts.extendScript.hash;
  equal(await admin.script('exists', extendHash), [0], 'the extend script is gone from the cache');
  await lockA.extend(60000);
  equal(await admin.script('exists', extendHash), [1],
        'after NOSCRIPT, Redlock\'s EVAL fallback cached the script again');
  equal(await admin.get(key), lockA.value, 'A still holds the key after the fallback');

  step('A releases');
  await lockA.unlock();
  equal(await admin.exists(key), 0, 'release deletes the key');

  step('B takes the free lock');
  const lockB = await b.lock(key, 10000);
  ok(lockB.value !== lockA.value, 'B\'s lock has a value of its own');
  equal(await admin.get(key), lockB.value, 'the key holds B\'s value');
  // A lock whose value no longer matches releases nothing.
  const stale = Object.create(Object.getPrototypeOf(lockA));
  Object.assign(stale, lockA, { expiration: Date.now() + 60000 });
  await rejects(a.unlock(stale), 'A\'s stale lock cannot release B\'s');
  equal(await admin.get(key), lockB.value, 'B still holds the key');
  await lockB.unlock();
  equal(await admin.exists(key), 0, 'B releases it');

  step('a lock taken over cannot be extended');
  const lockC = await a.lock(key, 10000);
  await admin.set(key, 'someone-else', 'PX', 10000); // as if it had expired and been retaken
  const aOnly = newRedlock({ retryCount: 1, retryDelay: 10 });
  await rejects(aOnly.extend(lockC, 10000), 'extending a lock whose value changed fails');
  equal(await admin.get(key), 'someone-else', 'the new holder keeps the key');
  await admin.del(key);

  step('multi-resource locks');
  const both = await a.lock(['locks:a', 'locks:b'], 10000);
  equal(await admin.exists('locks:a', 'locks:b'), 2, 'one lock on two resources sets both keys');
  await rejects(b.lock(['locks:b', 'locks:c'], 10000), 'a lock overlapping a held one is refused');
  equal(await admin.exists('locks:c'), 0, 'the refused lock set none of its keys');
  await both.unlock();
  equal(await admin.exists('locks:a', 'locks:b'), 0, 'releasing it deletes both keys');

  step('mutual exclusion among four processes');
  const workers = [];
  for (let i = 0; i < 4; i++) workers.push(newRedlock({ retryCount: -1, retryDelay: 5 }));
  let inside = 0;
  let overlaps = 0;
  const rounds = 5;
  await admin.set('locks:counter:value', 0);
  await Promise.all(workers.map(async (redlock) => {
    for (let r = 0; r < rounds; r++) {
      const lock = await redlock.lock('locks:counter', 10000);
      if (++inside > 1) overlaps++;
      // A read-modify-write that would lose updates without the lock.
      const value = Number(await admin.get('locks:counter:value'));
      await new Promise((resolve) => setImmediate(resolve));
      await admin.set('locks:counter:value', value + 1);
      inside--;
      await lock.unlock();
    }
  }));
  equal(overlaps, 0, 'no two holders were ever inside at once');
  equal(Number(await admin.get('locks:counter:value')), 4 * rounds, 'no increment was lost');
  equal(await admin.exists('locks:counter'), 0, 'the last release left no lock behind');

  equal(clientErrors, [], 'no client saw a server error');
}

run(scenario);
