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
const { connect, run } = require('./lib/scenario');
const { limiterChecks, atomicChecks } = require('./lib/rate_limits');

async function scenario() {
  const storeClient = connect();
  const admin = connect();
  await limiterChecks(RateLimiterRedis, storeClient, admin);
  await atomicChecks(RateLimiterRedis, storeClient, admin);
}

run(scenario);
