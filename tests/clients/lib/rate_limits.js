/* tests/clients/lib/rate_limits.js -- the checks every Redis store of
 * rate-limiter-flexible must pass, whatever commands it uses
 *
 * rate_limiter.js runs them on RateLimiterRedis over ioredis (a Lua
 * script per consume, by EVALSHA), rate_limiter_node_redis.js on the same
 * store over node-redis (by EVAL), rate_limiter_nonatomic.js on
 * RateLimiterRedisNonAtomic (MULTI and plain commands).  limiterChecks are
 * sequential; atomicChecks add what only the Lua store promises: exact
 * counts under concurrent consumes, and surviving SCRIPT FLUSH.
 */
'use strict';

const { RateLimiterRes } = require('rate-limiter-flexible');
const { step, equal, ok } = require('./scenario');

// Consumes and returns {allowed, res}; a rejection that is not a
// RateLimiterRes (a Redis error) is rethrown.
async function consume(limiter, key, points) {
  try {
    return { allowed: true, res: await limiter.consume(key, points) };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    return { allowed: false, res: err };
  }
}

// Counting, refusing, get/penalty/reward/delete, blocking and a limiter
// without a duration, on store class Limiter over ioredis storeClient;
// admin is a second connection that reads the keys.
// extra: more limiter options (node-redis needs useRedisPackage).
async function limiterChecks(Limiter, storeClient, admin, extra) {
  const make = (opts) => new Limiter(Object.assign({ storeClient }, opts, extra));
  step('five points a minute');
  const api = make({ keyPrefix: 'rl-api', points: 5, duration: 60 });
  const remaining = [];
  for (let i = 0; i < 5; i++) {
    const { allowed, res } = await consume(api, 'user:1');
    ok(allowed, `consume ${i + 1} of 5 is allowed`);
    remaining.push(res.remainingPoints);
    if (i === 0) equal(res.isFirstInDuration, true, 'the first consume opens the window');
  }
  equal(remaining, [4, 3, 2, 1, 0], 'remaining points count down');
  const sixth = await consume(api, 'user:1');
  equal(sixth.allowed, false, 'the sixth consume is refused');
  equal([sixth.res.consumedPoints, sixth.res.remainingPoints], [6, 0], 'the refusal counts 6 consumed, 0 left');
  ok(sixth.res.msBeforeNext > 0 && sixth.res.msBeforeNext <= 60000, 'the refusal says when the window ends',
     `msBeforeNext ${sixth.res.msBeforeNext}`);
  equal(await admin.get('rl-api:user:1'), '6', 'the counter key holds 6');
  const ttl = await admin.ttl('rl-api:user:1');
  ok(ttl > 0 && ttl <= 60, 'the counter key expires with the window', `ttl ${ttl}`);

  step('keys are independent');
  const other = await consume(api, 'user:2');
  equal([other.allowed, other.res.remainingPoints], [true, 4], 'another caller has its own budget');
  const bulk = await consume(api, 'user:3', 3);
  equal(bulk.res.remainingPoints, 2, 'consuming 3 points at once leaves 2');
  const over = await consume(api, 'user:3', 3);
  equal([over.allowed, over.res.consumedPoints], [false, 6], 'going over by a bulk consume is refused');

  step('get, penalty, reward, delete');
  equal((await api.get('user:1')).consumedPoints, 6, 'get reads the consumed points');
  equal(await api.get('nobody'), null, 'get of an unknown key is null');
  equal((await api.penalty('user:2', 2)).consumedPoints, 3, 'penalty adds points');
  equal((await api.reward('user:2', 1)).consumedPoints, 2, 'reward takes points back');
  equal(await api.delete('user:1'), true, 'delete of a known key is true');
  equal(await admin.exists('rl-api:user:1'), 0, 'delete removed the key');
  equal(await api.delete('user:1'), false, 'delete of an unknown key is false');
  equal((await consume(api, 'user:1')).res.remainingPoints, 4, 'after delete the budget is full again');

  step('blocking');
  const login = make({ keyPrefix: 'rl-login', points: 2, duration: 60, blockDuration: 600 });
  await consume(login, 'ip:1');
  await consume(login, 'ip:1');
  const blocked = await consume(login, 'ip:1');
  equal(blocked.allowed, false, 'the third login attempt is refused');
  ok(blocked.res.msBeforeNext > 60000, 'crossing the limit blocks for the block duration, past the window',
     `msBeforeNext ${blocked.res.msBeforeNext}`);
  const blockTtl = await admin.ttl('rl-login:ip:1');
  ok(blockTtl > 60 && blockTtl <= 600, 'the key now expires with the block', `ttl ${blockTtl}`);
  equal((await consume(login, 'ip:1')).allowed, false, 'a blocked key stays refused');

  const manual = await login.block('ip:2', 900);
  equal(manual.msBeforeNext, 900000, 'block() answers with its duration');
  const manualTtl = await admin.ttl('rl-login:ip:2');
  ok(manualTtl > 600 && manualTtl <= 900, 'block() sets the key\'s expiry', `ttl ${manualTtl}`);
  equal((await consume(login, 'ip:2')).allowed, false, 'a key blocked by hand is refused');

  step('no duration: the MULTI path');
  const forever = make({ keyPrefix: 'rl-forever', points: 3, duration: 0 });
  for (let i = 0; i < 3; i++) await consume(forever, 'job');
  const fourth = await consume(forever, 'job');
  equal([fourth.allowed, fourth.res.consumedPoints], [false, 4], 'a limiter without a duration refuses at 4 of 3');
  equal(await admin.ttl('rl-forever:job'), -1, 'its key never expires');
}

// The Lua store only: consumes after SCRIPT FLUSH, and exact counts under
// 25 concurrent consumes of 10 points.
async function atomicChecks(Limiter, storeClient, admin, extra) {
  const api = new Limiter(Object.assign({ storeClient, keyPrefix: 'rl-api', points: 5, duration: 60 }, extra));

  step('after SCRIPT FLUSH');
  await admin.script('flush');
  const again = await consume(api, 'user:4');
  equal([again.allowed, again.res.consumedPoints], [true, 1], 'consume works again after SCRIPT FLUSH');

  step('concurrent consumes');
  const burst = new Limiter(Object.assign({ storeClient, keyPrefix: 'rl-burst', points: 10, duration: 60 }, extra));
  const results = await Promise.all(Array.from({ length: 25 }, () => consume(burst, 'shared')));
  equal(results.filter((r) => r.allowed).length, 10, 'of 25 concurrent consumes exactly 10 are allowed');
  const counts = results.map((r) => r.res.consumedPoints).sort((x, y) => x - y);
  equal(counts, Array.from({ length: 25 }, (_, i) => i + 1), 'each consume saw a distinct count');
}

module.exports = { consume, limiterChecks, atomicChecks };
