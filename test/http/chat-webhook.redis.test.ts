// POST /webhooks/chat through app.inject, against the test Redis: what the platform gets back
// for good and bad deliveries, and that a rejected delivery queues nothing.
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { signedHeaders, signatureFor } from '../../emulators/chat-platform/index.ts';
import { buildTestApp, newSecrets } from '../support/test-app.ts';
import { jobCount, NO_SLACK, testAppPerFile } from '../support/http-test-app.ts';

const secrets = newSecrets();
const t = testAppPerFile({ name: 'chat-webhook', secrets, ...NO_SLACK }, { emptied: (queues) => queues.chatEvents });

function eventBody(overrides: Record<string, unknown> = {}) {
  return {
    id: `evt_${Math.random().toString(36).slice(2)}`,
    type: 'message.created',
    orgId: 'org_1',
    occurredAt: '2026-11-24T12:00:00.000Z',
    data: {
      conversationId: 'conv_1',
      message: {
        id: 'msg_1',
        seq: 1,
        createdAt: '2026-11-24T12:00:00.000Z',
        text: 'hello',
        author: { type: 'visitor', id: 'v_1', name: 'Vera', avatarUrl: null },
        origin: 'web',
        attachments: [],
        clientMessageId: null,
      },
    },
    ...overrides,
  };
}

/** An event of its own (a new id) for message `seq` of conv_1. */
function message(seq: number) {
  const body = eventBody();
  return { ...body, data: { ...body.data, message: { ...body.data.message, id: `msg_${seq}`, seq } } };
}

function post(raw: string, headers: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: '/webhooks/chat', payload: raw, headers });
}

function signed(raw: string, nowMs = Date.now()) {
  return post(raw, signedHeaders(secrets.chatWebhookSecret, raw, nowMs));
}

const queuedJobs = () => jobCount(t.queues.chatEvents);

describe('POST /webhooks/chat', () => {
  it('logs a refused request under the caller’s X-Request-Id when it is one, else under an id of its own', async () => {
    const logLines = () =>
      t
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; reqId?: string });
    const raw = JSON.stringify(eventBody());
    const badSignature = { ...signedHeaders(secrets.chatWebhookSecret, raw, Date.now()), 'x-chat-signature': `v1=${'0'.repeat(64)}` };
    for (const [given, kept] of [
      ['3f1c2a9e-router-id', true],
      ['x'.repeat(300), false],
      ['bad id\nwith a newline', false],
    ] as const) {
      const from = logLines().length;
      expect((await post(raw, { ...badSignature, 'x-request-id': given })).statusCode).toBe(401);
      const reqIds = logLines()
        .slice(from)
        .map((l) => l.reqId);
      expect(reqIds.length).toBeGreaterThan(0);
      for (const id of reqIds) {
        if (kept) expect(id).toBe(given);
        else expect(id).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
  });

  it('logs one line for an accepted webhook, with its event id, and a refused one with its status', async () => {
    const logLines = () =>
      t
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; reqId?: string; eventId?: string; res?: { statusCode?: number } });
    const before = logLines().length;
    const body = eventBody();
    expect((await signed(JSON.stringify(body))).statusCode).toBe(202);
    const accepted = logLines().slice(before);
    expect(accepted.map((l) => l.msg)).toEqual(['chat event queued']);
    expect(accepted[0]!.eventId).toBe(body.id);

    const refusedFrom = logLines().length;
    const raw = JSON.stringify(eventBody());
    expect((await post(raw, { ...signedHeaders(secrets.chatWebhookSecret, raw, Date.now()), 'x-chat-signature': `v1=${'0'.repeat(64)}` })).statusCode).toBe(
      401,
    );
    const refused = logLines().slice(refusedFrom);
    expect(refused.map((l) => l.msg)).toContain('request completed');
    expect(refused.find((l) => l.msg === 'request completed')!.res?.statusCode).toBe(401);
  });

  it('queues a correctly signed event and answers 202 with its id', async () => {
    const body = eventBody();
    const res = await signed(JSON.stringify(body));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: true, id: body.id });
    const jobs = await t.queues.chatEvents.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe('message.created');
    expect(jobs[0]!.data).toMatchObject({ id: body.id, orgId: 'org_1', data: { conversationId: 'conv_1', message: { seq: 1, text: 'hello' } } });
  });

  it('accepts and queues an event with fields a newer platform release added (only the admin API refuses unknown fields)', async () => {
    const body = eventBody({ deliveryAttempt: 1, region: 'eu' });
    const res = await signed(JSON.stringify(body));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: true, id: body.id });
    expect(await queuedJobs()).toBe(1);
  });

  it('queues a redelivered event (same id, new signature) only once', async () => {
    const raw = JSON.stringify(eventBody());
    expect((await signed(raw)).statusCode).toBe(202);
    expect((await signed(raw, Date.now() + 5000)).statusCode).toBe(202);
    expect(await queuedJobs()).toBe(1);
  });

  it('queues each of many events arriving at once once, a redelivery among them too (their adds reach Redis together)', async () => {
    const raws = Array.from({ length: 20 }, (_, i) => JSON.stringify(message(i + 1)));
    const answers = await Promise.all([...raws, raws[0]!, raws[7]!].map((raw) => signed(raw)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(22).fill(202));
    expect(await queuedJobs()).toBe(20);
  });

  it('queues a message once when two events of another id name it (its chat and seq): the store keeps one message per seq too', async () => {
    for (const raw of [JSON.stringify(message(1)), JSON.stringify(message(1)), JSON.stringify(message(2))]) expect((await signed(raw)).statusCode).toBe(202);
    const jobs = await t.queues.chatEvents.getJobs(['waiting']);
    expect(jobs.map((j) => (j.data as { data: { message: { seq: number } } }).data.message.seq).sort()).toEqual([1, 2]);
  });

  const rejected: Array<{ name: string; send: () => ReturnType<typeof post>; status: number; code: string; message: RegExp }> = [
    {
      name: 'no signature headers',
      send: () => post(JSON.stringify(eventBody()), { 'content-type': 'application/json' }),
      status: 401,
      code: 'missing_signature',
      message: /X-Chat-Timestamp|x-chat-timestamp/,
    },
    {
      name: 'a signature made with another secret',
      send: () => post(JSON.stringify(eventBody()), signedHeaders('not-the-secret', JSON.stringify(eventBody()), Date.now())),
      status: 401,
      code: 'bad_signature',
      message: /signature does not match/,
    },
    {
      name: 'a body changed after signing',
      send: () => {
        const raw = JSON.stringify(eventBody());
        return post(raw.replace('hello', 'hellO'), signedHeaders(secrets.chatWebhookSecret, raw, Date.now()));
      },
      status: 401,
      code: 'bad_signature',
      message: /signature does not match/,
    },
    {
      name: 'a timestamp 301 s old',
      send: () => signed(JSON.stringify(eventBody()), Date.now() - 301_000),
      status: 401,
      code: 'stale_timestamp',
      message: /5 minutes/,
    },
    {
      name: 'a timestamp 301 s in the future',
      send: () => signed(JSON.stringify(eventBody()), Date.now() + 301_000),
      status: 401,
      code: 'stale_timestamp',
      message: /5 minutes/,
    },
    { name: 'malformed JSON', send: () => signed('{"id": "evt_1", '), status: 400, code: 'invalid_json', message: /not valid JSON/ },
    { name: 'an empty body', send: () => signed(''), status: 400, code: 'invalid_json', message: /empty/ },
    {
      name: 'an unknown event type',
      send: () => signed(JSON.stringify(eventBody({ type: 'visitor.teleported' }))),
      status: 400,
      code: 'unknown_event_type',
      message: /"visitor\.teleported" is not one of conversation\.started/,
    },
    {
      name: 'a message without seq',
      send: () => {
        const body = eventBody();
        delete (body.data as { message: Record<string, unknown> }).message.seq;
        return signed(JSON.stringify(body));
      },
      status: 400,
      code: 'invalid_payload',
      message: /data\.message\.seq/,
    },
    {
      name: 'a body over the size limit',
      send: () => signed(JSON.stringify(eventBody({ padding: 'x'.repeat(300 * 1024) }))),
      status: 413,
      code: 'body_too_large',
      message: /larger than allowed/,
    },
    {
      name: 'a non-JSON content type',
      send: () => {
        const raw = JSON.stringify(eventBody());
        return post(raw, { ...signedHeaders(secrets.chatWebhookSecret, raw, Date.now()), 'content-type': 'text/plain' });
      },
      status: 415,
      code: 'unsupported_media_type',
      message: /Content-Type/,
    },
  ];

  it.each(rejected)('rejects $name with $status $code and queues nothing', async ({ send, status, code, message }) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body).toEqual({ error: { code, message: expect.stringMatching(message) } });
    expect(await queuedJobs()).toBe(0);
  });

  it('signs over the exact bytes: the same event re-serialised with other spacing is still accepted when signed as sent', async () => {
    const raw = JSON.stringify(eventBody(), null, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await post(raw, {
      'content-type': 'application/json; charset=utf-8',
      'x-chat-timestamp': String(timestamp),
      'x-chat-signature': signatureFor(secrets.chatWebhookSecret, timestamp, raw),
    });
    expect(res.statusCode).toBe(202);
  });
});

describe('POST /webhooks/chat while Redis is unreachable', () => {
  it('answers 503 queue_unavailable so that the platform delivers again later', async () => {
    const deadRedis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    const down = await buildTestApp({ name: 'chat-webhook-down', secrets, ...NO_SLACK, producerRedis: deadRedis });
    try {
      const raw = JSON.stringify(eventBody());
      const res = await down.app.inject({
        method: 'POST',
        url: '/webhooks/chat',
        payload: raw,
        headers: signedHeaders(secrets.chatWebhookSecret, raw, Date.now()),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'queue_unavailable', message: expect.stringMatching(/could not be queued/) } });
      // No internal detail (Redis' own error text, hosts, ports): that goes to the log.
      expect(res.json().error.message).toBe('The event could not be queued; deliver it again later');
      expect(down.logs()).toContain('answered queue_unavailable');
    } finally {
      await down.close();
    }
  });
});

describe('POST /webhooks/chat while Redis takes commands and never answers', () => {
  it('answers 503 queue_unavailable within the enqueue timeout rather than holding the request', async () => {
    // Accepts the connection and reads whatever is sent, answering nothing: a wedged Redis.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    // Connected, never ready: every command waits, as on a Redis that stopped answering.
    const wedged = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
    const down = await buildTestApp({ name: 'chat-webhook-wedged', secrets, ...NO_SLACK, producerRedis: wedged });
    try {
      const raw = JSON.stringify(eventBody());
      const started = Date.now();
      const res = await down.app.inject({
        method: 'POST',
        url: '/webhooks/chat',
        payload: raw,
        headers: signedHeaders(secrets.chatWebhookSecret, raw, Date.now()),
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'queue_unavailable', message: 'The event could not be queued; deliver it again later' } });
      // Within the senders' 3 s patience.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(down.logs()).toContain('did not answer within');
    } finally {
      // First, so that the test app's cleanup commands fail at once instead of waiting on it too.
      wedged.disconnect();
      await down.close();
      silent.close();
    }
  });
});

describe('GET /metrics', () => {
  it('shows the undeliverable-chat gauge and the queue backlog in Prometheus format', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE threadbridge_undeliverable_chats gauge\nthreadbridge_undeliverable_chats 0\n');
    expect(res.body).toMatch(/threadbridge_queue_jobs\{queue="chat-events",state="waiting"\} \d+/);
  });

  it('counts the webhooks accepted and refused by reason, with their latency, and the age of the oldest waiting job', async () => {
    const count = (body: string, outcome: string) =>
      Number(new RegExp(`threadbridge_webhooks_total\\{route="/webhooks/chat",outcome="${outcome}"\\} (\\d+)`).exec(body)?.[1] ?? 0);
    const before = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect((await signed(JSON.stringify(eventBody()))).statusCode).toBe(202);
    const raw = JSON.stringify(eventBody());
    expect((await post(raw, { ...signedHeaders(secrets.chatWebhookSecret, raw, Date.now()), 'x-chat-signature': `v1=${'0'.repeat(64)}` })).statusCode).toBe(
      401,
    );
    expect((await signed(JSON.stringify(eventBody()), Date.now() - 10 * 60_000)).statusCode).toBe(401);
    // The accepted event's job has been waiting a while by the next scrape.
    await new Promise((r) => setTimeout(r, 600));
    const after = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(count(after, 'accepted') - count(before, 'accepted')).toBe(1);
    expect(count(after, 'bad_signature') - count(before, 'bad_signature')).toBe(1);
    expect(count(after, 'stale_timestamp') - count(before, 'stale_timestamp')).toBe(1);
    expect(after).toMatch(/threadbridge_ingress_duration_seconds_count\{route="\/webhooks\/chat"\} \d+/);
    // No worker runs in this test: the accepted event waits in its queue.
    const oldest = Number(/threadbridge_queue_oldest_waiting_seconds\{queue="chat-events"\} ([\d.e-]+)/.exec(after)?.[1]);
    expect(oldest).toBeGreaterThan(0.5);
    expect(after).toContain('process_cpu_user_seconds_total');
  });
});
