// The throughput bench's pipeline anchor (issue 29): the least a bridge with Threadbridge's parts
// can spend per visitor message on this machine, measured in the same run as the product so that
// "the product's CPU per message is within 3× of it" compares like with like whatever else the
// shared machine is doing. Two processes, as the product has:
//
//   `tsx bench/pipeline-anchor.ts web`: a bare Fastify route that keeps the raw body, checks the
//     platform's HMAC signature in constant time, parses the event and adds one BullMQ job (202);
//   `tsx bench/pipeline-anchor.ts worker`: a BullMQ worker (the product's concurrency) whose job
//     makes one MongoDB insert into the same FerretDB and one chat.postMessage to the Slack
//     emulator (node:http on kept-alive connections, the cheapest client here: fetch costs
//     several times its CPU), the chat's channel picked from the bench's channels by its
//     conversation id.
//
// No logging, validation, deduplication, locks, ordering, budgets or retries: what the product
// adds on top of these parts is what the ratio measures. bench/pipeline-anchor-run.ts starts the
// two and drives them with the platform emulator's own webhooks, as the product's message phase is.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

const QUEUE = 'pipeline-anchor';
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const redis = () => new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });

interface AnchorEvent {
  id: string;
  type: string;
  orgId: string;
  data: { conversationId?: string; conversation?: { id?: string }; message?: { text?: string } };
}

async function web(): Promise<void> {
  const secret = env('ANCHOR_SECRET');
  const queue = new Queue(QUEUE, { connection: redis(), prefix: env('QUEUE_PREFIX') });
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/webhooks/chat', async (request, reply) => {
    const body = request.body as Buffer;
    const timestamp = String(request.headers['x-chat-timestamp'] ?? '');
    const given = Buffer.from(String(request.headers['x-chat-signature'] ?? ''));
    const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`v1:${timestamp}:`).update(body).digest('hex')}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.status(401).send({ error: 'bad signature' });
    const event = JSON.parse(body.toString('utf8')) as AnchorEvent;
    await queue.add(event.type, event, { removeOnComplete: true });
    return reply.status(202).send({ accepted: true, id: event.id });
  });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  console.log(`anchor web listening ${(app.server.address() as { port: number }).port}`);
}

async function worker(): Promise<void> {
  const mongo = await MongoClient.connect(env('MONGODB_URL'));
  const messages = mongo.db(env('ANCHOR_DB')).collection('anchor_messages');
  const postUrl = `${env('SLACK_API_URL').replace(/\/$/, '')}/chat.postMessage`;
  const token = env('ANCHOR_SLACK_TOKEN');
  const channels = env('ANCHOR_CHANNELS').split(',');
  const channelOf = (conversationId: string) => channels[createHash('sha1').update(conversationId).digest().readUInt32BE(0) % channels.length]!;
  const agent = new http.Agent({ keepAlive: true });
  const post = (body: string) =>
    new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
      const request = http.request(postUrl, {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      request.end(body);
    });
  const run = new Worker<AnchorEvent>(
    QUEUE,
    async (job) => {
      const event = job.data;
      const conversationId = event.data.conversationId ?? event.data.conversation?.id ?? event.id;
      const text = event.data.message?.text ?? `${event.type} ${conversationId}`;
      await messages.insertOne({ _id: event.id as never, orgId: event.orgId, conversationId, type: event.type, text, at: new Date() });
      const answer = await post(JSON.stringify({ channel: channelOf(conversationId), text }));
      if (!answer.ok) throw new Error(`chat.postMessage: ${answer.error}`);
    },
    { connection: redis(), prefix: env('QUEUE_PREFIX'), concurrency: Number(process.env.ANCHOR_CONCURRENCY ?? 16) },
  );
  run.on('failed', (job, error) => console.error(`anchor job ${job?.id} failed: ${error.message}`));
  await run.waitUntilReady();
  console.log('anchor worker ready');
}

const role = process.argv[2];
if (role === 'web') await web();
else if (role === 'worker') await worker();
else throw new Error(`usage: tsx bench/pipeline-anchor.ts web|worker (got ${role ?? 'nothing'})`);
// Exits on SIGTERM through process.exit, so a --cpu-prof run writes its profile.
process.on('SIGTERM', () => process.exit(0));
