// The web surface's hardening: the pages' security headers (a CSP with no inline script, no
// framing, no Referer) and their served script and styles; /metrics behind METRICS_TOKEN in production; /readyz
// naming the dependency that is down without its error text; rate limits per client that a forged
// X-Forwarded-For cannot dodge (TRUST_PROXY hops believed, none by default), per client and org on
// the admin API, and on failed admin credentials per client before they are checked; no launch
// token, session id or cookie in the logs, URLs included.
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { NO_SLACK, startChatPlatformFor } from '../support/http-test-app.ts';
import { metricsAccess } from '../../src/metrics-access.ts';
import { FAILED_LOGIN_LIMITS } from '../../src/http/failed-logins.ts';

const secrets = newSecrets();
let platform: ChatPlatformEmulator;
let t: TestApp;
let adminA: string;
const apps: TestApp[] = [];

async function app(name: string, extra: Parameters<typeof buildTestApp>[0]['overrides'] = {}, trustProxy?: number): Promise<TestApp> {
  const built = await buildTestApp({ name, secrets, ...NO_SLACK, overrides: extra, ...(trustProxy ? { trustProxy } : {}) });
  apps.push(built);
  return built;
}

beforeAll(async () => {
  platform = await startChatPlatformFor(secrets);
  platform.createOrg({ id: 'org_a' });
  adminA = platform.addAdmin('org_a', { name: 'Ada', email: 'ada@a.test' }).id;
  t = await app('hardening');
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await platform?.close();
});

describe('the pages’ headers', () => {
  const csp = (value: unknown) =>
    String(value)
      .split(';')
      .map((d) => d.trim());

  it.each([
    ['the settings page', '/settings/org_a'],
    ['a refused Setup link', '/settings/org_a?launch=v1.bad'],
    ['an install result page', '/slack/install'],
    ['the settings page’s script', '/assets/settings-page.js'],
  ])('%s: a CSP without inline script, no framing, no Referer', async (_name, url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(csp(res.headers['content-security-policy'])).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ]),
    );
    expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the settings page has no inline script or style: both are served files', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/settings/org_a' });
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<script src="/assets/settings-page.js" defer></script>');
    expect(page.body).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/);
    expect(page.body).toContain('data-org-id="org_a"');
    const script = await t.app.inject({ method: 'GET', url: '/assets/settings-page.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain('document.body.dataset.orgId');
    const css = await t.app.inject({ method: 'GET', url: '/assets/settings-page.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('the settings page’s script is JavaScript for a classic <script>: its TypeScript compiled', async () => {
    const script = await t.app.inject({ method: 'GET', url: '/assets/settings-page.js' });
    // Compiled as a browser compiles a classic script: TypeScript's types or an `export` would not parse.
    expect(() => new Script(script.body, { filename: 'settings-page.js' })).not.toThrow();
  });

  it('the pages’ files are revalidated against an ETag: an unchanged one is a 304, a deploy’s new one is sent', async () => {
    for (const url of ['/assets/settings-page.js', '/assets/settings-page.css', '/assets/result-page.css']) {
      const first = await t.app.inject({ method: 'GET', url });
      expect(first.headers['cache-control']).toBe('no-cache');
      const etag = String(first.headers['etag']);
      expect(etag).toMatch(/^"[\w-]{16,}"$/);
      const unchanged = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
      expect(unchanged.statusCode).toBe(304);
      expect(unchanged.body).toBe('');
      expect(unchanged.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
      const older = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': '"from-an-older-deploy"' } });
      expect(older.statusCode).toBe(200);
      expect(older.body).toBe(first.body);
    }
  });

  it('an org id is HTML-escaped into the page', async () => {
    const page = await t.app.inject({ method: 'GET', url: `/settings/${encodeURIComponent('"><img src=x>')}` });
    expect(page.body).toContain('data-org-id="&#34;&#62;&#60;img src=x&#62;"');
  });

  it('JSON APIs are left as they were (no page CSP on webhooks)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});

describe('GET /metrics', () => {
  const token = 'm'.repeat(32);
  const production = (env: { METRICS_TOKEN?: string; METRICS_PUBLIC?: boolean } = {}) => ({ metricsAccess: metricsAccess({ NODE_ENV: 'production', ...env }) });

  it('in production with METRICS_TOKEN: only with it as a Bearer token', async () => {
    const guarded = await app('metrics', production({ METRICS_TOKEN: token }));
    expect(await guarded.app.inject({ method: 'GET', url: '/metrics' })).toMatchObject({ statusCode: 401 });
    const wrong = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(wrong.json()).toMatchObject({ error: { code: 'metrics_unauthorized' } });
    const ok = await guarded.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('threadbridge_undeliverable_chats');
  });

  it('in production with neither METRICS_TOKEN nor METRICS_PUBLIC: 401 to everyone, saying what to set', async () => {
    const closed = await app('metrics-closed', production());
    for (const headers of [{}, { authorization: `Bearer ${token}` }]) {
      const res = await closed.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect(res.json()).toEqual({
        error: {
          code: 'metrics_unauthorized',
          message:
            'The metrics need the metrics token as a Bearer token: none is set on this deployment (set METRICS_TOKEN, or METRICS_PUBLIC=true to serve them without one)',
        },
      });
    }
  });

  it('in production with METRICS_PUBLIC=true: served without a token', async () => {
    const open = await app('metrics-public', production({ METRICS_PUBLIC: true }));
    const res = await open.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('threadbridge_undeliverable_chats');
  });

  it('outside production (the test app is NODE_ENV=test) without METRICS_TOKEN it stays open', async () => {
    expect(await t.app.inject({ method: 'GET', url: '/metrics' })).toMatchObject({ statusCode: 200 });
  });
});

describe('GET /readyz', () => {
  it('names the dependency that is down, without its error text', async () => {
    const sick = await app('readyz', {
      healthChecks: {
        redis: async () => {
          throw new Error('connect ECONNREFUSED 10.1.2.3:6379');
        },
        mongodb: async () => undefined,
      },
    });
    const res = await sick.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ok: false, checks: { redis: 'down', mongodb: 'ok' } });
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(sick.logs()).toContain('ECONNREFUSED');
  });
});

describe('rate limits and proxies', () => {
  const launchFrom = (target: TestApp, headers: Record<string, string>, remoteAddress = '203.0.113.7') =>
    target.app.inject({ method: 'GET', url: '/settings/org_a?launch=v1.x.y', headers, remoteAddress });

  it('without TRUST_PROXY a forged X-Forwarded-For changes nothing: Setup links are limited per client (30 a minute)', async () => {
    const direct = await app('no-proxy');
    for (let i = 0; i < 30; i++) expect((await launchFrom(direct, { 'x-forwarded-for': `198.51.100.${i}` })).statusCode).not.toBe(429);
    const limited = await launchFrom(direct, { 'x-forwarded-for': '198.51.100.99' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['x-error-code']).toBe('rate_limited');
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    // Another client is not affected; loading the page itself is never limited.
    expect((await launchFrom(direct, {}, '203.0.113.8')).statusCode).not.toBe(429);
    expect((await direct.app.inject({ method: 'GET', url: '/settings/org_a', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });

  it('with TRUST_PROXY=1 the client is the address the proxy saw, whatever the client wrote before it', async () => {
    const proxied = await app('one-proxy', {}, 1);
    // The proxy (the TCP peer) appends the real client; the forged part in front is ignored.
    for (let i = 0; i < 30; i++) expect((await launchFrom(proxied, { 'x-forwarded-for': `10.0.0.${i}, 192.0.2.1` }, '10.9.9.9')).statusCode).not.toBe(429);
    expect((await launchFrom(proxied, { 'x-forwarded-for': '10.0.0.200, 192.0.2.1' }, '10.9.9.9')).statusCode).toBe(429);
    expect((await launchFrom(proxied, { 'x-forwarded-for': '192.0.2.2' }, '10.9.9.9')).statusCode).not.toBe(429);
  });

  it('wrong operator tokens: after the limit, that client is refused (429, Retry-After) even with the right token; others are not', async () => {
    const guarded = await app('failed-operator-tokens');
    const { max, windowMs } = FAILED_LOGIN_LIMITS.admin;
    const get = (remoteAddress: string, token: string, headers: Record<string, string> = {}, url = '/api/orgs/org_a/slack') =>
      guarded.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers }, remoteAddress });
    // Successful requests are not counted.
    for (let i = 0; i < 5; i++) expect((await get('203.0.113.70', secrets.adminApiToken)).statusCode).toBe(200);
    // Without TRUST_PROXY a forged X-Forwarded-For does not make each guess another client's.
    for (let i = 0; i < max; i++) expect((await get('203.0.113.70', `wrong-token-${i}`, { 'x-forwarded-for': `198.51.100.${i}` })).statusCode).toBe(401);
    const locked = await get('203.0.113.70', secrets.adminApiToken);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toEqual({
      error: { code: 'too_many_failed_attempts', message: 'Too many failed sign-in attempts from this address; try again after the time in Retry-After' },
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(windowMs / 1000);
    // The operators-only routes too (the dead letters).
    expect(await get('203.0.113.70', secrets.adminApiToken, {}, '/api/dead-letters')).toMatchObject({ statusCode: 429 });
    // Another client with the right token is let in, on both.
    expect((await get('203.0.113.71', secrets.adminApiToken)).statusCode).toBe(200);
    expect((await get('203.0.113.71', secrets.adminApiToken, {}, '/api/dead-letters')).statusCode).toBe(200);
  });

  it('unknown admin sessions are failed attempts too, requests without a credential are not; the window passing lets the client in again', async () => {
    const guarded = await app('failed-sessions', { failedLoginLimits: { ...FAILED_LOGIN_LIMITS, admin: { max: 3, windowMs: 1000 } } });
    const client = '203.0.113.80';
    const launched = await guarded.app.inject({ method: 'GET', url: `/settings/org_a?launch=${platform.launchToken('org_a', adminA)}`, remoteAddress: client });
    const session = String(launched.headers['set-cookie']).split(';')[0]!;
    const get = (headers: Record<string, string>) => guarded.app.inject({ method: 'GET', url: '/api/orgs/org_a/slack', headers, remoteAddress: client });
    for (let i = 0; i < 5; i++) expect((await get({})).statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await get({ cookie: `tb_admin=${String(i).repeat(43)}` })).statusCode).toBe(401);
    const locked = await get({ cookie: session });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'too_many_failed_attempts' } });
    expect(locked.headers['retry-after']).toBe('1');
    expect((await get({})).statusCode).toBe(429);
    // The configured window (1 s here, 15 minutes in production) passes.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await get({ cookie: session })).statusCode).toBe(200);
  });

  it('the admin API is limited per client and org (600 a minute); operators are not', async () => {
    const limitedApp = await app('admin-limit');
    const launched = await limitedApp.app.inject({ method: 'GET', url: `/settings/org_a?launch=${platform.launchToken('org_a', adminA)}` });
    const cookie = String(launched.headers['set-cookie']).split(';')[0]!;
    const get = (headers: Record<string, string>, url = '/api/orgs/org_a/slack') =>
      limitedApp.app.inject({ method: 'GET', url, headers, remoteAddress: '203.0.113.50' });
    for (let i = 0; i < 600; i++) expect((await get({ cookie })).statusCode).toBe(200);
    expect(await get({ cookie })).toMatchObject({ statusCode: 429 });
    expect((await get({ cookie })).json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await get({ authorization: `Bearer ${secrets.adminApiToken}` })).statusCode).toBe(200);
    expect((await get({ authorization: `Bearer ${secrets.adminApiToken}` }, '/api/orgs/org_other/slack')).statusCode).toBe(200);
  }, 60_000);
});

describe('logs', () => {
  it('never show a launch token, a session id or a cookie, request URLs included', async () => {
    const quiet = await app('quiet-logs');
    const token = platform.launchToken('org_a', adminA);
    const launched = await quiet.app.inject({ method: 'GET', url: `/settings/org_a?launch=${token}`, remoteAddress: '203.0.113.60' });
    const sessionId = String(launched.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
    await quiet.app.inject({ method: 'GET', url: '/api/orgs/org_a/slack', headers: { cookie: `tb_admin=${sessionId}` } });
    // Refused and unknown URLs are logged too.
    await quiet.app.inject({ method: 'GET', url: `/settings/org_a?launch=${token}`, remoteAddress: '203.0.113.60' });
    await quiet.app.inject({ method: 'GET', url: `/no/such/page?launch=${token}&ticket=tick-secret` });
    const logs = quiet.logs();
    expect(logs).toContain('/settings/org_a?launch=[redacted]');
    expect(logs).toContain('/no/such/page?launch=[redacted]&ticket=[redacted]');
    for (const secret of [token, token.split('.')[1]!, token.split('.')[2]!, sessionId, 'tick-secret']) expect(logs).not.toContain(secret);
  });
});
