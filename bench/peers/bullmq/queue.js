// What the API, the worker and the measuring script share: the Redis connection and the queue's name.
const IORedis = require('ioredis');

const QUEUE = 'notifications';

function connect() {
  const url = process.env.REDIS_URL;
  if (!url) {
    throw new Error('REDIS_URL is required (redis://127.0.0.1:PORT)');
  }
  // BullMQ's blocking commands need maxRetriesPerRequest = null.
  return new IORedis(url, { maxRetriesPerRequest: null });
}

module.exports = { QUEUE, connect };
