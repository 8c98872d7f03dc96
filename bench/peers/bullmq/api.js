// The seeds' ingestion API for bench/run: Express parses the event, BullMQ queues it in Redis with jobId = eventId (a
// second add with the same id is a no-op, BullMQ's deduplication) and the answer is 202. No auth and no store of its
// own: the job in Redis is the record. PORT and REDIS_URL from the environment.
const express = require('express');
const { Queue } = require('bullmq');
const { QUEUE, connect } = require('./queue');

const queue = new Queue(QUEUE, { connection: connect() });
const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '256kb' }));

app.get('/alive', (_req, res) => res.send('ok'));

app.post('/api/events', async (req, res, next) => {
  const event = req.body ?? {};
  const missing = ['eventId', 'eventType', 'userId'].filter((field) => typeof event[field] !== 'string' || event[field] === '');
  if (missing.length > 0) {
    res.status(400).json({ title: 'Invalid event', errors: Object.fromEntries(missing.map((f) => [f, ['Required.']])) });
    return;
  }
  try {
    await queue.add(event.eventType, event, { jobId: event.eventId });
    res.status(202).location(`/api/events/${event.eventId}`).json({ eventId: event.eventId, status: 'accepted' });
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => queue.close().then(() => process.exit(0))));
