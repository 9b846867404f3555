/* utils/bench-bullmq.js -- BullMQ jobs processed per second with one Worker
 * at concurrency 10, redis-kv against redis-server 7, medians of ROUNDS.
 *
 *   make && (cd tests/clients && npm ci)      # once: the server, bullmq
 *   cpulock node utils/bench-bullmq.js [--rounds 5] [--jobs 5000]
 *                                      [--concurrency 10] [--only kv|redis]
 *
 * A benchmark, never a test (make test and make test-clients do not run
 * it): run it alone on the machine, under cpulock.
 *
 * After one uncounted warm-up round per server (node's JIT), each round,
 * on each server in turn (alternating, so that a slow moment of the
 * machine does not fall on one server only): FLUSHALL, add JOBS
 * jobs with Queue.addBulk (not timed), then start one Worker with the
 * given concurrency and a processor that returns at once, and time from
 * worker.run() to its JOBS-th "completed" event.  jobs/s = JOBS / that
 * time.  Completed jobs are kept, as BullMQ does by default.  Afterwards
 * the queue must count JOBS completed jobs, else the round is an error.
 *
 * Both servers start on free ports in temporary directories and are
 * stopped by PID: redis-kv as KV (default src/redis-kv-server) with KV_ARGS
 * (default "--appendfsync everysec", its default durability), Redis as
 * REDIS_SERVER (default redis-server) with REDIS_ARGS (default "--save ''
 * --appendonly yes --appendfsync everysec"): the settings of
 * utils/bench-lib.sh.  A server that lacks a command BullMQ needs (the
 * "needs:" lines of tests/clients/bullmq.js, asked with COMMAND INFO) is
 * reported as such and not measured.
 *
 * How much is noise: an A/A run (redis-server in both places, defaults,
 * 2 cores) gave ratios 1.03 and 1.14; Redis alone did 12,000-17,000 jobs/s.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'tests', 'clients', 'node_modules');
let Redis, Queue, Worker;
try {
  Redis = require(path.join(modules, 'ioredis'));
  ({ Queue, Worker } = require(path.join(modules, 'bullmq')));
} catch (err) {
  console.error(`bench-bullmq: ${err.message}\n  install the packages first: (cd tests/clients && npm ci)`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { rounds: 5, jobs: 5000, concurrency: 10, only: null };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts) || i + 1 >= argv.length) {
      console.error('usage: node utils/bench-bullmq.js [--rounds N] [--jobs N] [--concurrency N] [--only kv|redis]');
      process.exit(2);
    }
    opts[key] = key === 'only' ? argv[++i] : Number(argv[++i]);
  }
  return opts;
}

// Splits a shell-like argument string: words, 'single' and "double" quoted
// parts ('' is an empty argument).
function splitArgs(text) {
  const out = [];
  for (const m of text.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts one server; resolves to {name, port, proc, client}.
async function startServer(name, bin, args, tmp) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'w');
  const proc = spawn(bin, [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
                     { stdio: ['ignore', log, log] });
  let exited = false;
  proc.on('exit', () => { exited = true; });
  for (let i = 0; i < 200 && !exited; i++) {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: null,
                               maxRetriesPerRequest: 0 });
    client.on('error', () => {}); // refused while the server starts: retried below
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return { name, port, proc, client };
    } catch (err) {
      client.disconnect();
    }
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error(`${name} (${bin}) did not start; see ${path.join(dir, 'server.log')}`);
}

// The commands tests/clients/bullmq.js names on its "needs:" lines.
function bullmqNeeds() {
  const text = fs.readFileSync(path.join(root, 'tests', 'clients', 'bullmq.js'), 'utf8');
  const needs = new Set();
  for (const m of text.matchAll(/^\s*(?:\*|\/\/)?\s*needs:\s*(.*)$/gm)) {
    for (const w of m[1].trim().split(/\s+/)) needs.add(w.toLowerCase());
  }
  return [...needs];
}

async function missingCommands(client, needs) {
  const info = await client.call('COMMAND', 'INFO', ...needs);
  return needs.filter((_, i) => info[i] === null);
}

// One round on one server: jobs/s from worker start to the last completion.
async function measure(port, jobs, concurrency) {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  for (let i = 0; i < jobs; i += 500) {
    const n = Math.min(500, jobs - i);
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'j', data: { i: i + k } })));
  }
  let done = 0;
  let finish;
  const allDone = new Promise((resolve) => { finish = resolve; });
  const worker = new Worker('bench', async (job) => job.data.i,
                            { connection, concurrency, autorun: false });
  worker.on('completed', () => { if (++done === jobs) finish(); });
  worker.on('failed', (job, err) => console.error(`job ${job && job.id} failed: ${err.message}`));
  await worker.waitUntilReady();
  const t0 = process.hrtime.bigint();
  worker.run();
  await allDone;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await worker.close();
  const { completed } = await queue.getJobCounts('completed');
  await queue.close();
  if (completed !== jobs) throw new Error(`${completed} of ${jobs} jobs completed`);
  return jobs / secs;
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bullmq.'));
  const wanted = [
    ['kv', process.env.KV || path.join(root, 'src', 'redis-kv-server'),
     splitArgs(process.env.KV_ARGS || '--appendfsync everysec')],
    ['redis', process.env.REDIS_SERVER || 'redis-server',
     splitArgs(process.env.REDIS_ARGS || "--save '' --appendonly yes --appendfsync everysec")],
  ].filter(([name]) => !opts.only || opts.only === name);
  const servers = [];
  try {
    const needs = bullmqNeeds();
    for (const [name, bin, args] of wanted) {
      const s = await startServer(name, bin, args, tmp);
      servers.push(s);
      s.missing = await missingCommands(s.client, needs);
      s.rates = [];
    }
    const runnable = servers.filter((s) => s.missing.length === 0);
    // A warm-up round on each server, not counted: the first rounds of a
    // fresh node process run BullMQ's code before the JIT has compiled it.
    for (const s of runnable) {
      await s.client.flushall();
      await measure(s.port, opts.jobs, opts.concurrency);
    }
    for (let r = 0; r < opts.rounds; r++) {
      for (const s of runnable) {
        await s.client.flushall();
        s.rates.push(await measure(s.port, opts.jobs, opts.concurrency));
      }
    }
    console.log(`== BullMQ: ${opts.jobs} jobs, one Worker at concurrency ${opts.concurrency}, ` +
                `jobs/s (${opts.rounds} rounds, medians)`);
    for (const s of servers) {
      if (s.missing.length) {
        console.log(`${s.name.padEnd(6)} -  (lacks ${s.missing.join(' ')})`);
      } else {
        console.log(`${s.name.padEnd(6)} ${median(s.rates).toFixed(0).padStart(8)}` +
                    `   rounds: ${s.rates.map((x) => x.toFixed(0)).join(' ')}`);
      }
    }
    const [kv, redis] = ['kv', 'redis'].map((n) => runnable.find((s) => s.name === n));
    if (kv && redis) console.log(`ratio kv/redis ${(median(kv.rates) / median(redis.rates)).toFixed(2)}`);
  } finally {
    for (const s of servers) {
      s.client.disconnect();
      s.proc.kill('SIGTERM');
    }
    await Promise.all(servers.map((s) => new Promise((resolve) => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) return resolve();
      const t = setTimeout(() => { s.proc.kill('SIGKILL'); }, 10000);
      s.proc.on('exit', () => { clearTimeout(t); resolve(); });
    })));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench-bullmq: ${err.stack || err}`);
  process.exitCode = 1;
});
