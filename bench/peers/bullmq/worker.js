// The seeds' worker for bench/run: takes each job and does the no-op delivery (no provider call), so BullMQ marks it
// completed with its finishedOn time. Concurrency 16, as Notify's worker has 16 handler slots. REDIS_URL from the
// environment.
const { Worker } = require('bullmq');
const { QUEUE, connect } = require('./queue');

const worker = new Worker(QUEUE, async (job) => ({ channel: 'email', eventId: job.id }), { connection: connect(), concurrency: 16 });
worker.on('error', (error) => console.error(error));
process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
