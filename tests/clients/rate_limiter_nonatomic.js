/* tests/clients/rate_limiter_nonatomic.js -- rate-limiter-flexible's
 * RateLimiterRedisNonAtomic (over ioredis) counts, refuses and blocks
 * callers without Lua.
 *
 * needs: multi exec set get pttl pexpire del exists ttl info
 *
 * The store applications choose where scripting is not allowed: each
 * consume is a MULTI/EXEC of plain commands.  The same sequential checks
 * as rate_limiter.js (lib/rate_limits.js); not its concurrent one, since
 * this store does not promise exact counts under concurrency.
 */
'use strict';

const { RateLimiterRedisNonAtomic } = require('rate-limiter-flexible');
const { connect, run } = require('./lib/scenario');
const { limiterChecks } = require('./lib/rate_limits');

run(() => limiterChecks(RateLimiterRedisNonAtomic, connect(), connect()));
