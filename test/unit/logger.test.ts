// The logger: secrets are redacted whatever a caller passes in; what operators need stays.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactQuery } from '../../src/logger.ts';

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

  it('logs requests by method and URL with OAuth code and state removed, and never their headers', () => {
    const { logger, text } = capture();
    logger.info({ req: { id: 'r1', method: 'GET', url: '/slack/oauth/callback?code=abc123&state=xyz', headers: { 'x-slack-signature': 'v0=deadbeef' } } }, 'incoming request');
    const line = JSON.parse(text());
    expect(line.req).toEqual({ id: 'r1', method: 'GET', url: '/slack/oauth/callback?code=[redacted]&state=[redacted]' });
    expect(text()).not.toContain('deadbeef');
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
