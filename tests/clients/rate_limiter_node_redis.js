/* tests/clients/rate_limiter_node_redis.js -- rate-limiter-flexible's
 * RateLimiterRedis over node-redis (the `redis` package), the other
 * client the library documents.
 *
 * needs: eval script set incrby pttl expire get del multi exec exists ttl info
 *
 * node-redis speaks its own RESP parser and runs the library's Lua script
 * with a plain EVAL on every consume; its MULTI paths use the same
 * commands as over ioredis.  The checks are rate_limiter.js's
 * (lib/rate_limits.js); ioredis connections only read the keys and flush
 * the script cache.
 */
'use strict';

const { createClient } = require('redis');
const { RateLimiterRedis } = require('rate-limiter-flexible');
const { host, port, connect, run } = require('./lib/scenario');
const { limiterChecks, atomicChecks } = require('./lib/rate_limits');

let storeClient = null;

async function scenario() {
  storeClient = createClient({ socket: { host, port, reconnectStrategy: false } });
  storeClient.on('error', (err) => console.error(`node-redis: ${err.message}`));
  await storeClient.connect();
  const admin = connect();
  const extra = { useRedisPackage: true };
  await limiterChecks(RateLimiterRedis, storeClient, admin, extra);
  await atomicChecks(RateLimiterRedis, storeClient, admin, extra);
}

run(scenario, async () => {
  if (storeClient) await storeClient.close();
});
