/* tests/clients/rate_limiter.js -- rate-limiter-flexible's RateLimiterRedis
 * (over ioredis) counts, refuses and blocks callers the way an API guard
 * would.
 *
 * needs: eval evalsha script set incrby pttl expire get del multi exec exists ttl info
 *
 * A consume with a duration runs the library's Lua script (SET NX EX,
 * INCRBY, PTTL, EXPIRE) through ioredis' defineCommand: EVALSHA, and EVAL
 * after a NOSCRIPT.  A limiter without a duration, get(), block() and a
 * consume that crosses the block threshold use MULTI/EXEC with SET, GET,
 * INCRBY and PTTL instead.  A refusal rejects with a RateLimiterRes; any
 * other rejection is a server or client error and fails the scenario.
 */
'use strict';

const { RateLimiterRedis } = require('rate-limiter-flexible');
const { connect, step, equal, run } = require('./lib/scenario');
const { consume, limiterChecks } = require('./lib/rate_limits');

async function scenario() {
  const storeClient = connect();
  const admin = connect();
  await limiterChecks(RateLimiterRedis, storeClient, admin);
  const api = new RateLimiterRedis({ storeClient, keyPrefix: 'rl-api', points: 5, duration: 60 });

  step('after SCRIPT FLUSH');
  await admin.script('flush');
  const again = await consume(api, 'user:4');
  equal([again.allowed, again.res.consumedPoints], [true, 1], 'consume works again after NOSCRIPT (EVAL fallback)');

  step('concurrent consumes');
  const burst = new RateLimiterRedis({ storeClient, keyPrefix: 'rl-burst', points: 10, duration: 60 });
  const results = await Promise.all(Array.from({ length: 25 }, () => consume(burst, 'shared')));
  equal(results.filter((r) => r.allowed).length, 10, 'of 25 concurrent consumes exactly 10 are allowed');
  const counts = results.map((r) => r.res.consumedPoints).sort((x, y) => x - y);
  equal(counts, Array.from({ length: 25 }, (_, i) => i + 1), 'each consume saw a distinct count');
}

run(scenario);
