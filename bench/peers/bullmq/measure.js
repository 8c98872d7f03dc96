// bench/run's reader of the BullMQ peer's queue.
//   node measure.js reset                 empties the queue (between runs)
//   node measure.js drain COUNT SECONDS   waits until at least COUNT jobs completed and none is left (at most SECONDS),
//                                         then prints one JSON line:
//                                         deliveries/s = completed / (last finishedOn - first job's timestamp), and the
//                                         add -> completed latency percentiles in ms.
const { Queue } = require('bullmq');
const { QUEUE, connect } = require('./queue');

async function main() {
  const [mode, countArg, secondsArg] = process.argv.slice(2);
  const connection = connect();
  const queue = new Queue(QUEUE, { connection });
  try {
    if (mode === 'reset') {
      await queue.obliterate({ force: true });
      return;
    }
    if (mode !== 'drain') {
      throw new Error(`unknown mode '${mode}'`);
    }
    const count = Number(countArg);
    const deadline = Date.now() + Number(secondsArg) * 1000;
    // Until the queue is idle with at least COUNT completed: the client may have stopped counting requests that the
    // API still accepted.
    let completed = 0;
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed', 'prioritized');
      completed = counts.completed;
      const idle = counts.waiting + counts.active + counts.delayed + counts.prioritized === 0;
      if ((completed >= count && idle) || Date.now() >= deadline) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    let first = Infinity;
    let last = 0;
    const latencies = [];
    for (let start = 0; start < completed; start += 1000) {
      for (const job of await queue.getJobs(['completed'], start, start + 999, true)) {
        first = Math.min(first, job.timestamp);
        last = Math.max(last, job.finishedOn);
        latencies.push(job.finishedOn - job.timestamp);
      }
    }
    latencies.sort((a, b) => a - b);
    const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.round((p / 100) * (latencies.length - 1)))] : null);
    const span = (last - first) / 1000;
    console.log(JSON.stringify({ expected: count, completed: latencies.length, span_s: span, deliveries_per_s: span > 0 ? latencies.length / span : null, p50_ms: pct(50), p99_ms: pct(99) }));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
