/* tests/clients/lib/scenario.js -- what every Node.js scenario shares
 *
 * A scenario is a small program that uses a real client library the way an
 * application would, against the server named by REDIS_HOST / REDIS_PORT
 * (run.tcl sets them).  It prints one "ok - ..." line per check it makes and
 * exits 0 when every check held, 1 at the first one that did not (with the
 * expected and actual values), so the runner only reads the exit status and
 * shows the output of a failure.
 *
 * Checks are about state (who holds a lock, counts, job states), never
 * about how long something took.  The watchdog below is not a check: it
 * only ends a scenario that hangs (a reply that never comes), so that the
 * suite always finishes; it fails with the last step that was reached.
 */
'use strict';

const assert = require('node:assert/strict');
const Redis = require('ioredis');

const host = process.env.REDIS_HOST || '127.0.0.1';
const port = Number(process.env.REDIS_PORT || 6379);
// The runner's own limit is longer: this one fires first and says where.
const WATCHDOG_MS = Number(process.env.SCENARIO_WATCHDOG_MS || 120000);

let lastStep = '(start)';
const connections = [];

// ioredis options for a connection to the server under test.  Extra
// options (e.g. BullMQ's maxRetriesPerRequest: null) are merged in.
function redisOptions(extra) {
  return Object.assign({ host, port, lazyConnect: false }, extra || {});
}

// A new ioredis connection to the server under test, closed by run() at
// the end.
function connect(extra) {
  const conn = new Redis(redisOptions(extra));
  connections.push(conn);
  return conn;
}

// Names the part of the scenario that runs next (shown by the watchdog).
function step(name) {
  lastStep = name;
}

// One check: prints "ok - what" or throws with both values.
function equal(actual, expected, what) {
  assert.deepStrictEqual(actual, expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  console.log(`ok - ${what}`);
}

function ok(cond, what, detail) {
  assert.ok(cond, detail === undefined ? what : `${what} (${detail})`);
  console.log(`ok - ${what}`);
}

// Awaits promise and returns the error it rejects with; fails the check
// when it resolves instead.
async function rejects(promise, what) {
  try {
    const value = await promise;
    assert.fail(`${what}: expected an error, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    console.log(`ok - ${what} (${err.name}: ${err.message})`);
    return err;
  }
}

// Runs the scenario body, then exits: 0 when it returned, 1 when it threw
// or hung.  cleanup (optional) closes what the scenario opened itself,
// then every connect() connection is closed; errors while closing are
// printed but do not change the outcome.
function run(body, cleanup) {
  const timer = setTimeout(() => {
    console.error(`FAIL: no progress within ${WATCHDOG_MS} ms, last step: ${lastStep}`);
    process.exit(1);
  }, WATCHDOG_MS);
  timer.unref();
  (async () => {
    let code = 0;
    try {
      await body();
    } catch (err) {
      console.error(`FAIL at step "${lastStep}": ${err && err.stack ? err.stack : err}`);
      code = 1;
    }
    if (cleanup) {
      try {
        await cleanup();
      } catch (err) {
        console.error(`(cleanup: ${err && err.message ? err.message : err})`);
      }
    }
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    process.exit(code);
  })();
}

module.exports = { host, port, redisOptions, connect, step, equal, ok, rejects, run };
