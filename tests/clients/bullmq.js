/* tests/clients/bullmq.js -- a BullMQ queue with one Worker at concurrency
 * 10 adds, processes, retries and completes jobs as a job system would.
 *
 * needs: eval evalsha script info client multi exec
 * needs: get set del exists incr incrby type rename unlink pexpire pexpireat pttl time
 * needs: hget hset hmget hmset hgetall hincrby hdel hexists hlen
 * needs: lpush rpush lpop rpop rpoplpush lrem llen lrange ltrim lindex lpos lset
 * needs: sadd srem scard smembers sismember
 * needs: zadd zrem zscore zcard zcount zrange zrangebyscore zrevrange zrevrangebyscore
 * needs: zrangebylex zlexcount zremrangebyscore zremrangebyrank zpopmin bzpopmin
 * needs: xadd xtrim xrange xlen xread xdel keys
 *
 * The list above is what BullMQ's Lua scripts call (grep rcall in its
 * dist/cjs/commands/*.lua) plus what its JavaScript sends itself (INFO for
 * the version check, CLIENT SETNAME, BZPOPMIN to wait for delayed jobs,
 * XREAD BLOCK in QueueEvents) and the KEYS this scenario checks with: a
 * server without one of them is reported as skipped by run.tcl.
 *
 * Jobs: ten "double" jobs (progress, a log line, a return value), one
 * "flaky" job that fails twice and succeeds on its third attempt, one
 * "doomed" job that fails both of its attempts and is then retried by hand,
 * one delayed job and one prioritized job.  Every check is on job states,
 * counts, return values and stored fields; waits poll the counts with no
 * deadline of their own (lib/scenario.js's watchdog ends a hang).
 */
'use strict';

const { Queue, Worker, QueueEvents } = require('bullmq');
const { redisOptions, connect, step, equal, ok, run } = require('./lib/scenario');

const connection = redisOptions({ maxRetriesPerRequest: null });
const closers = [];

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls until pred() is true: a wait for work to finish, not a deadline.
async function until(pred) {
  while (!(await pred())) await sleep(20);
}

async function scenario() {
  const admin = connect();
  const name = 'compat';

  step('queue and events');
  const queue = new Queue(name, { connection });
  closers.push(() => queue.close());
  const events = new QueueEvents(name, { connection });
  closers.push(() => events.close());
  await events.waitUntilReady();
  const eventCompleted = new Set();
  events.on('completed', ({ jobId }) => eventCompleted.add(jobId));

  step('adding jobs');
  const doubles = await queue.addBulk(
    Array.from({ length: 10 }, (_, n) => ({ name: 'double', data: { n } })));
  const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
  const doomed = await queue.add('doomed', {}, { attempts: 2 });
  const delayed = await queue.add('delayed', {}, { delay: 200 });
  const prio = await queue.add('prio', {}, { priority: 1 });
  equal(await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed'),
        { wait: 12, prioritized: 1, delayed: 1, active: 0, completed: 0 },
        'before any worker: 12 waiting, 1 prioritized, 1 delayed');
  equal(await flaky.getState(), 'waiting', 'a new job is waiting');
  equal(await delayed.getState(), 'delayed', 'a job with a delay is delayed');

  step('one worker at concurrency 10');
  let active = 0;
  let peak = 0;
  let healed = false;
  const workerCompleted = [];
  const worker = new Worker(name, async (job) => {
    active++;
    peak = Math.max(peak, active);
    try {
      await sleep(5);
      switch (job.name) {
        case 'double':
          await job.updateProgress(50);
          await job.log(`doubling ${job.data.n}`);
          return job.data.n * 2;
        case 'flaky':
          if (job.attemptsMade < 2) throw new Error(`transient failure ${job.attemptsMade + 1}`);
          return 'recovered';
        case 'doomed':
          if (!healed) throw new Error('permanent failure');
          return 'healed';
        default:
          return job.name;
      }
    } finally {
      active--;
    }
  }, { connection, concurrency: 10 });
  closers.push(() => worker.close());
  worker.on('completed', (job) => workerCompleted.push(job.id));

  await until(async () => {
    const c = await queue.getJobCounts('completed', 'failed');
    return c.completed + c.failed === 14;
  });
  equal(await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
        { wait: 0, prioritized: 0, delayed: 0, active: 0, completed: 13, failed: 1 },
        'all 14 jobs ended: 13 completed, 1 failed');
  ok(peak >= 1 && peak <= 10, 'the worker never ran more than 10 jobs at once', `peak ${peak}`);

  step('completed jobs');
  for (const added of doubles) {
    const job = await queue.getJob(added.id);
    if (job.returnvalue !== job.data.n * 2 || job.progress !== 50) {
      equal([job.returnvalue, job.progress], [job.data.n * 2, 50], `job ${job.id}'s return value and progress`);
    }
    const { logs, count } = await queue.getJobLogs(added.id);
    if (count !== 1 || logs[0] !== `doubling ${job.data.n}`) {
      equal(logs, [`doubling ${job.data.n}`], `job ${job.id}'s log`);
    }
  }
  ok(true, 'the ten double jobs returned 2n, reported progress 50 and logged one line');
  const flakyDone = await queue.getJob(flaky.id);
  equal([await flakyDone.getState(), flakyDone.returnvalue, flakyDone.attemptsMade],
        ['completed', 'recovered', 3], 'the flaky job completed on its third attempt');
  equal((await queue.getJob(delayed.id)).returnvalue, 'delayed', 'the delayed job ran');
  equal((await queue.getJob(prio.id)).returnvalue, 'prio', 'the prioritized job ran');
  const completedIds = (await queue.getCompleted(0, -1)).map((j) => j.id).sort();
  equal(completedIds.length, 13, 'getCompleted lists 13 jobs');

  step('the failed job');
  const failed = await queue.getJob(doomed.id);
  equal([await failed.getState(), failed.failedReason, failed.attemptsMade],
        ['failed', 'permanent failure', 2], 'the doomed job failed after both attempts');
  equal(failed.stacktrace.length, 2, 'one stack trace per failed attempt');
  equal((await queue.getFailed()).map((j) => j.id), [doomed.id], 'getFailed lists it');

  step('retrying the failed job');
  healed = true;
  await failed.retry();
  await until(async () => (await queue.getJobCounts('completed')).completed === 14);
  const retried = await queue.getJob(doomed.id);
  equal([await retried.getState(), retried.returnvalue], ['completed', 'healed'],
        'retried by hand, it completes');
  equal(await queue.getJobCounts('failed', 'wait', 'active'), { failed: 0, wait: 0, active: 0 },
        'nothing is left failed, waiting or active');

  step('events');
  await until(() => eventCompleted.size === 14);
  const allIds = [...doubles, flaky, doomed, delayed, prio].map((j) => j.id).sort();
  equal([...eventCompleted].sort(), allIds, 'QueueEvents saw a completed event for every job');
  equal([...workerCompleted].sort(), allIds, 'the worker emitted completed for every job');

  step('obliterate');
  await worker.close();
  await queue.obliterate({ force: true });
  equal(await admin.keys(`bull:${name}:*`), [], 'obliterate leaves no key of the queue');
}

run(scenario, async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});
