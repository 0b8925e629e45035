// TLS without certificate verification only when asked for, and only over rediss://.
import { describe, expect, it } from 'vitest';
import { redisTlsOptions } from '../../src/redis-connection.ts';
import { loadConfig } from '../../src/config.ts';

describe('redisTlsOptions', () => {
  it.each([
    { url: 'rediss://h:6380', skip: true, expected: { tls: { rejectUnauthorized: false } } },
    { url: 'rediss://h:6380', skip: false, expected: {} },
    { url: 'redis://h:6379', skip: true, expected: {} },
    { url: 'redis://h:6379', skip: false, expected: {} },
  ])('$url, skip verify $skip', ({ url, skip, expected }) => {
    expect(redisTlsOptions(url, skip)).toEqual(expected);
  });

  it('REDIS_TLS_SKIP_VERIFY is false unless set to true, and refuses anything else', () => {
    const base = {
      PUBLIC_URL: 'https://x.example',
      REDIS_URL: 'rediss://r.example:6380',
      MONGODB_URL: 'mongodb://m.example',
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      SLACK_SIGNING_SECRET: 's',
      SLACK_CLIENT_ID: 'i',
      SLACK_CLIENT_SECRET: 'c',
      CHAT_API_URL: 'https://p.example',
      CHAT_API_TOKEN: 't',
      CHAT_WEBHOOK_SECRET: 'w',
    };
    expect(loadConfig(base).REDIS_TLS_SKIP_VERIFY).toBe(false);
    expect(loadConfig({ ...base, REDIS_TLS_SKIP_VERIFY: 'true' }).REDIS_TLS_SKIP_VERIFY).toBe(true);
    expect(() => loadConfig({ ...base, REDIS_TLS_SKIP_VERIFY: 'yes' })).toThrow(/REDIS_TLS_SKIP_VERIFY/);
  });
});
