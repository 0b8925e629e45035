// The signed ingress as one encapsulated scope (src/http/signed-ingress.ts): raw bodies and the
// signature check stay inside it, so the admin API parses JSON with Fastify's own parser; a route's
// `config.signedBy` picks the secret it is checked against, and a route that names none is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { signatureFor } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { NO_SLACK, slackSignedHeaders, testAppPerFile } from '../support/http-test-app.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { rawBody } from '../../src/http/signed-body.ts';
import { signedScope, type SignedIngressDeps } from '../../src/http/signed-ingress.ts';

const secrets = newSecrets();

/** Headers of a body signed the way `signer` signs, with `secret` (the right one or not). */
function signedAs(signer: 'slack' | 'chat', secret: string, raw: string, nowMs = Date.now()): Record<string, string> {
  if (signer === 'slack') return { 'content-type': 'application/json', ...slackSignedHeaders(secret, raw, nowMs) };
  const ts = Math.floor(nowMs / 1000);
  return { 'content-type': 'application/json', 'x-chat-timestamp': String(ts), 'x-chat-signature': signatureFor(secret, ts, raw) };
}

describe('the web app: signed routes in their scope, the admin API on Fastify’s JSON parser', () => {
  const t = testAppPerFile({ name: 'signed-ingress', secrets, ...NO_SLACK });
  const operator = { authorization: `Bearer ${secrets.adminApiToken}` };

  it('an admin JSON route gets its body parsed as an object', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: JSON.stringify({ queue: 'chat-events', since: '2999-01-01T00:00:00.000Z' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ queue: 'chat-events', replayed: [] });
  });

  it('an admin JSON route’s malformed body is invalid_json, as before the signed ingress had its own parser', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: '{"queue": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('an admin JSON body loses its NUL characters before validation (a store on PostgreSQL refuses them)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: JSON.stringify({ queue: 'chat-\u0000events', since: '2999-01-01T00:00:00.000Z' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ queue: 'chat-events', replayed: [] });
  });

  it('an admin JSON route’s empty body is refused by Fastify’s parser, not by the signed ingress’s', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/dead-letters/replay',
      headers: { ...operator, 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
    // Fastify's own words (FST_ERR_CTP_EMPTY_JSON_BODY); the signed routes say "the body is empty".
    expect(res.json().error.message).toMatch(/Body cannot be empty when content-type is set to 'application\/json'/);
  });

  it.each([
    { url: '/slack/events', signer: 'slack' as const },
    { url: '/slack/interactions', signer: 'slack' as const },
    { url: '/webhooks/chat', signer: 'chat' as const },
  ])('$url still refuses an unsigned body and a bad signature (401)', async ({ url, signer }) => {
    const raw = JSON.stringify({ type: 'url_verification', challenge: 'c' });
    const unsigned = await t.app.inject({ method: 'POST', url, payload: raw, headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.code).toBe('missing_signature');
    const headers = signedAs(signer, signer === 'slack' ? secrets.slackSigningSecret : secrets.chatWebhookSecret, raw);
    const tampered = await t.app.inject({ method: 'POST', url, payload: `${raw} `, headers });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().error.code).toBe('bad_signature');
  });

  it('a signed route verifies the exact bytes sent (spacing and key order kept), then parses them', async () => {
    const raw = '{ "challenge" : "c-1",\n  "type": "url_verification" }';
    const res = await t.app.inject({ method: 'POST', url: '/slack/events', payload: raw, headers: signedAs('slack', secrets.slackSigningSecret, raw) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ challenge: 'c-1' });
  });

  it('a signed route still accepts only its two content types (415 for text/plain, which the rest of the app parses)', async () => {
    const raw = JSON.stringify({ type: 'url_verification', challenge: 'c' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: raw,
      headers: { ...signedAs('slack', secrets.slackSigningSecret, raw), 'content-type': 'text/plain' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });

  it('each real route checks its own sender’s secret: the other sender’s is a bad signature', async () => {
    const raw = JSON.stringify({ type: 'url_verification', challenge: 'c' });
    const slackWithChatSecret = await t.app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: raw,
      headers: signedAs('slack', secrets.chatWebhookSecret, raw),
    });
    expect(slackWithChatSecret.json().error.code).toBe('bad_signature');
    const chatWithSlackSecret = await t.app.inject({
      method: 'POST',
      url: '/webhooks/chat',
      payload: raw,
      headers: signedAs('chat', secrets.slackSigningSecret, raw),
    });
    expect(chatWithSlackSecret.json().error.code).toBe('bad_signature');
  });
});

describe('signedScope: config.signedBy picks the secret', () => {
  // A clock an hour behind the real one: a signature is judged by the clock the scope is given.
  const nowMs = Date.now() - 3600_000;
  const counted: Array<{ route: string; outcome: string }> = [];
  const deps: SignedIngressDeps = {
    slackSigningSecret: 'slack-secret-for-the-probe',
    chatWebhookSecret: 'chat-secret-for-the-probe',
    now: () => new Date(nowMs),
    metrics: { ingress: (route, outcome) => void counted.push({ route, outcome }) },
  };
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler(errorHandler);
    app.decorateRequest('refusal', null);
    signedScope(app, deps, (scope) => {
      for (const signer of ['slack', 'chat'] as const) {
        scope.post(`/probe/${signer}`, { config: { signedBy: signer } }, async (request) => ({ bytes: rawBody(request).toString('utf8') }));
      }
    });
    await app.ready();
  });
  afterAll(async () => app?.close());

  it.each([
    { signer: 'slack' as const, own: 'slack-secret-for-the-probe', other: 'chat-secret-for-the-probe' },
    { signer: 'chat' as const, own: 'chat-secret-for-the-probe', other: 'slack-secret-for-the-probe' },
  ])('signedBy: $signer accepts its own secret and refuses the other sender’s', async ({ signer, own, other }) => {
    const raw = '{"n": 1}';
    const url = `/probe/${signer}`;
    const accepted = await app.inject({ method: 'POST', url, payload: raw, headers: signedAs(signer, own, raw, nowMs) });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ bytes: raw });
    const refused = await app.inject({ method: 'POST', url, payload: raw, headers: signedAs(signer, other, raw, nowMs) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('bad_signature');
    // Signed with the other sender's headers: this route does not read them.
    const otherHeaders = await app.inject({ method: 'POST', url, payload: raw, headers: signedAs(signer === 'slack' ? 'chat' : 'slack', own, raw, nowMs) });
    expect(otherHeaders.json().error.code).toBe('missing_signature');
    // The scope's clock, not the machine's: a signature made by the real clock is an hour away from it.
    const realNow = await app.inject({ method: 'POST', url, payload: raw, headers: signedAs(signer, own, raw) });
    expect(realNow.json().error.code).toBe('stale_timestamp');
    expect(
      counted
        .filter((c) => c.route === url)
        .map((c) => c.outcome)
        .slice(-4),
    ).toEqual(['accepted', 'bad_signature', 'missing_signature', 'stale_timestamp']);
  });

  it('a route in the scope without signedBy stops the app from starting', async () => {
    const open = Fastify();
    signedScope(open, deps, (scope) => {
      scope.post('/probe/unsigned', async () => ({ ok: true }));
    });
    await expect(open.ready()).rejects.toThrow(/without config.signedBy/);
    await open.close().catch(() => {});
  });
});
