// The ingress bench's anchor (bench/ingress.bench.ts starts it as its own process, as the web
// process is): the least a webhook receiver can do on this machine. A bare Fastify route that
// keeps the raw body, checks its HMAC signature in constant time, parses it and adds one BullMQ
// job, then answers 202. No logging, no validation, no deduplication.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const secret = process.env.ANCHOR_SECRET ?? '';
const port = Number(process.env.PORT ?? 0);
const queue = new Queue('anchor-ingress', {
  connection: new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null }),
  prefix: process.env.QUEUE_PREFIX ?? 'anchor',
});

const app = Fastify();
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/chat', async (request, reply) => {
  const body = request.body as Buffer;
  const timestamp = String(request.headers['x-chat-timestamp'] ?? '');
  const given = Buffer.from(String(request.headers['x-chat-signature'] ?? ''));
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`v1:${timestamp}:`).update(body).digest('hex')}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.status(401).send({ error: 'bad signature' });
  const event = JSON.parse(body.toString('utf8')) as { id: string; type: string };
  await queue.add(event.type, event);
  return reply.status(202).send({ accepted: true, id: event.id });
});
await app.listen({ port, host: '127.0.0.1' });
console.log(`anchor listening ${app.server.address() && (app.server.address() as { port: number }).port}`);
// Exits on SIGTERM through process.exit, so a --cpu-prof run of the anchor writes its profile.
process.on('SIGTERM', () => process.exit(0));
