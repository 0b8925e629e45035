// The logger: secrets are redacted whatever a caller passes in; what operators need stays.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChild, redactQuery, redactText } from '../../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', name: 'test', destination }), text: () => lines.join('') };
}

describe('createLogger', () => {
  it('keeps Slack error codes readable (a redaction of `code` once hid them all)', () => {
    const { logger, text } = capture();
    logger.warn({ code: 'channel_not_found', channel: 'C1' }, 'Slack refused the notification channel');
    expect(JSON.parse(text())).toMatchObject({ code: 'channel_not_found', channel: 'C1' });
  });

  it.each([
    ['token', { token: 'xoxb-secret-1' }],
    ['a nested botToken', { installation: { botToken: 'xoxb-secret-1' } }],
    ['access_token', { response: { access_token: 'xoxb-secret-1' } }],
    ['client_secret', { client_secret: 'xoxb-secret-1' }],
  ])('redacts %s', (_name, fields) => {
    const { logger, text } = capture();
    logger.info(fields, 'something happened');
    expect(text()).not.toContain('xoxb-secret-1');
    expect(text()).toContain('[redacted]');
  });

  it('redacts one level down in child bindings and in an error’s own fields, and leaves the caller’s objects as they were', () => {
    const { logger, text } = capture();
    const installation = { teamId: 'T1', botToken: 'xoxb-secret-2' };
    logger.child({ reqId: 'r1' }).child({ installation }).info('grandchild with a token in its bindings');
    const err = Object.assign(new Error('Slack refused'), { token: 'xoxb-secret-3', data: { access_token: 'xoxb-secret-4', error: 'invalid_auth' } });
    logger.error({ err }, 'call failed');
    expect(text()).not.toMatch(/xoxb-secret-[234]/);
    const [first, second] = text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first.installation).toEqual({ teamId: 'T1', botToken: '[redacted]' });
    expect(second.err).toMatchObject({ message: 'Slack refused', data: { error: 'invalid_auth', access_token: '[redacted]' } });
    expect(second.err.stack).toContain('Slack refused');
    expect(installation.botToken).toBe('xoxb-secret-2');
    expect(err.data.access_token).toBe('xoxb-secret-4');
  });

  it('leaves class instances to their serializers (a Fastify reply with a cookie method keeps its status code)', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', name: 'test', destination });
    class FakeReply {
      get statusCode() {
        return 401;
      }
    }
    // Fastify's decorateReply assigns to the prototype, so the decoration is enumerable.
    (FakeReply.prototype as unknown as Record<string, unknown>).cookie = () => undefined;
    logger.child({}, { serializers: { res: (r: FakeReply) => ({ statusCode: r.statusCode }) } }).info({ res: new FakeReply() }, 'request completed');
    expect(JSON.parse(lines.join('')).res).toEqual({ statusCode: 401 });
  });

  it('logs requests by method and URL with OAuth code and state removed, and never their headers', () => {
    const { logger, text } = capture();
    logger.info(
      { req: { id: 'r1', method: 'GET', url: '/slack/oauth/callback?code=abc123&state=xyz', headers: { 'x-slack-signature': 'v0=deadbeef' } } },
      'incoming request',
    );
    const line = JSON.parse(text());
    expect(line.req).toEqual({ id: 'r1', method: 'GET', url: '/slack/oauth/callback?code=[redacted]&state=[redacted]' });
    expect(text()).not.toContain('deadbeef');
  });
});

describe('one-time links and browser credentials', () => {
  const launch = `v1.${Buffer.from(JSON.stringify({ orgId: 'org_1', userId: 'u', role: 'admin', iat: 1, exp: 2, nonce: 'n0nce' })).toString('base64url')}.${'s'.repeat(43)}`;

  it.each([
    ['a launch link', `/settings/org_1?launch=${launch}`, '/settings/org_1?launch=[redacted]'],
    ['an install link', '/slack/install?ticket=eyJvcmdJZCI6Im9yZ18xIn0.c2lnbmF0dXJl', '/slack/install?ticket=[redacted]'],
    ['a launch link to an unknown path', `/nowhere?x=1&launch=${launch}`, '/nowhere?x=1&launch=[redacted]'],
  ])('removes the secret from the URL of %s', (_name, url, expected) => {
    const { logger, text } = capture();
    logger.info({ req: { id: 'r1', method: 'GET', url } }, 'incoming request');
    expect(JSON.parse(text()).req.url).toBe(expected);
  });

  it('redacts cookies, session ids, launch tokens and install links given as fields', () => {
    const { logger, text } = capture();
    logger.info(
      {
        sessionId: 'sess-secret-1',
        cookie: 'tb_admin=sess-secret-2',
        admin: { launch: 'launch-secret-3', installUrl: '/slack/install?ticket=ticket-secret-4' },
        headers: { cookie: 'tb_admin=sess-secret-5' },
      },
      'admin signed in',
    );
    for (const secret of ['sess-secret-1', 'sess-secret-2', 'launch-secret-3', 'ticket-secret-4', 'sess-secret-5']) expect(text()).not.toContain(secret);
  });

  it('redacts secrets inside the message text and inside errors', () => {
    const { logger, text } = capture();
    logger.warn(`could not open /settings/org_1?launch=${launch} (cookie __Host-tb_admin=sess-secret-6; other=1)`);
    logger.error({ err: new Error(`fetch failed for /slack/oauth/callback?code=code-secret-7&state=state-secret-8 with xoxb-1234-5678-abcdef`) }, 'oops');
    for (const secret of [launch, 'sess-secret-6', 'code-secret-7', 'state-secret-8', 'xoxb-1234-5678-abcdef']) expect(text()).not.toContain(secret);
    expect(text()).toContain('other=1');
  });

  it('a child binding its parent already has, with the same value, is written once; a different value is written', () => {
    const { logger, text } = capture();
    const job = logger.child({ queue: 'chat-events', orgId: 'org_1', conversationId: 'conv_1' });
    job.child({ orgId: 'org_1', conversationId: 'conv_1', stage: 2 }).info('thread opened');
    const line = text();
    expect(line.match(/"orgId"/g)).toHaveLength(1);
    expect(line.match(/"conversationId"/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ queue: 'chat-events', orgId: 'org_1', conversationId: 'conv_1', stage: 2 });
    const other = capture();
    other.logger.child({ orgId: 'org_1' }).child({ orgId: 'org_2' }).info('moved');
    expect(other.text()).toContain('"orgId":"org_2"');
  });

  it('a job’s lazy child writes the lines a child would, its children’s and its redaction included', () => {
    const { logger, text } = capture();
    const job = lazyChild(logger, { queue: 'chat-events', orgId: 'org_1', conversationId: 'conv_1', token: 'xoxb-secret-123456' });
    job.debug('off at level info');
    expect(text()).toBe('');
    job.child({ orgId: 'org_1', stage: 2 }).warn({ botToken: 'xoxb-other-123456' }, 'thread opened');
    job.info('done');
    const [first, second] = text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      level: 40,
      queue: 'chat-events',
      orgId: 'org_1',
      conversationId: 'conv_1',
      stage: 2,
      token: '[redacted]',
      botToken: '[redacted]',
      msg: 'thread opened',
    });
    expect(text().match(/"orgId"/g)).toHaveLength(2); // once a line
    expect(second).toMatchObject({ level: 30, queue: 'chat-events', conversationId: 'conv_1', msg: 'done' });
    expect(second).not.toHaveProperty('stage');
    expect(job.bindings()).toMatchObject({ queue: 'chat-events', conversationId: 'conv_1' });
    expect(job.isLevelEnabled('debug')).toBe(false);
  });

  it('child loggers (Fastify’s per-request ones) redact the same', () => {
    const { logger, text } = capture();
    logger.child({ reqId: 'r2' }).info(`launch=${launch}`);
    expect(text()).not.toContain(launch);
  });

  it.each([
    ['a launch token alone', `token ${launch} was refused`, 'token [redacted launch token] was refused'],
    ['a Slack token alone', 'Slack refused xoxb-1234-5678-abcdef', 'Slack refused [redacted Slack token]'],
    ['a cookie alone', 'sent tb_admin=sess-secret-9', 'sent tb_admin=[redacted]'],
  ])('redactText redacts %s in a text with nothing else of a secret in it', (_name, text, redacted) => {
    expect(redactText(text)).toBe(redacted);
  });

  it('redactText leaves ordinary text alone', () => {
    expect(redactText('channel_not_found in C123 for org_1 (v1 of the page)')).toBe('channel_not_found in C123 for org_1 (v1 of the page)');
  });
});

describe('redactQuery', () => {
  it.each([
    ['/slack/oauth/callback?code=abc&state=def', '/slack/oauth/callback?code=[redacted]&state=[redacted]'],
    ['/slack/oauth/callback?state=def&error=access_denied', '/slack/oauth/callback?state=[redacted]&error=access_denied'],
    ['/webhooks/chat', '/webhooks/chat'],
  ])('%s → %s', (url, expected) => {
    expect(redactQuery(url)).toBe(expected);
  });
});
