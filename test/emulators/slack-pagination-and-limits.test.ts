// Slack emulator: cursor pagination over large workspaces and the per-method, per-channel rate
// limits (429 + Retry-After), driven by an injected clock — no sleeps.
import { WebClient } from '@slack/web-api';
import type { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { Installation, SlackEmulator, Team } from '../../emulators/slack/index.ts';
import { createRateLimiter, POST_MESSAGE_CHANNEL_BUCKET_CAPACITY } from '../../emulators/slack/rate-limits.ts';

let t = 1_764_075_600_000;
const now = (): number => t;
let emu: SlackEmulator;
let team: Team;
let inst: Installation;
let c: WebClient;

async function failure(p: Promise<unknown>): Promise<{ error?: string; retryAfter?: number }> {
  try {
    await p;
  } catch (e) {
    if ((e as WebAPIRateLimitedError).code === 'slack_webapi_rate_limited_error') {
      return { error: 'ratelimited', retryAfter: (e as WebAPIRateLimitedError).retryAfter };
    }
    return { error: (e as WebAPIPlatformError).data.error };
  }
  throw new Error('expected a failure');
}

beforeEach(async () => {
  t = 1_764_075_600_000;
  emu = await startSlackEmulator({ signingSecret: 'sig', clientId: '1.2', clientSecret: 'sec', now });
  team = emu.createTeam({ name: 'Big' });
  inst = emu.install(team.id);
  c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
});

afterEach(async () => {
  await emu.close();
});

describe('pagination', () => {
  it('walks 2,500 channels with limit 1000 and opaque cursors, then an empty next_cursor', async () => {
    for (let i = 0; i < 2500; i++) emu.createChannel(team.id, { name: `ch-${i}` });
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.conversations.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      seen.push(...page.channels!.map((ch) => ch.id!));
      cursor = page.response_metadata?.next_cursor;
      cursors.push(cursor ?? '');
      t += 3_000; // Tier 2: 20 a minute; three calls stay far below it
    } while (cursor);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect(cursors.at(-1)).toBe('');
    expect(cursors[0]).not.toMatch(/^C/); // opaque, not a raw channel id
  });

  it('answers invalid_cursor, invalid_limit over 1000, and limit_required for large user lists', async () => {
    emu.createChannel(team.id, { name: 'a' });
    expect((await failure(c.conversations.list({ cursor: 'garbage!!' }))).error).toBe('invalid_cursor');
    expect((await failure(c.conversations.list({ cursor: Buffer.from('user:U1').toString('base64') }))).error).toBe('invalid_cursor');
    expect((await failure(c.conversations.list({ limit: 1001 }))).error).toBe('invalid_limit');
    for (let i = 0; i < 1001; i++) emu.createChannel(team.id, { name: `more-${i}` });
    expect((await failure(c.conversations.list({}))).error).toBe('limit_required');
    for (let i = 0; i < 1001; i++) emu.createUser(team.id, { name: `u${i}` });
    expect((await failure(c.users.list({}))).error).toBe('limit_required');
    const page = await c.users.list({ limit: 200 });
    expect(page.members).toHaveLength(200);
    expect(page.response_metadata?.next_cursor).not.toBe('');
  });

  it('lists private channels only where the bot is a member, so pages can come back short', async () => {
    const mine = emu.createChannel(team.id, { name: 'mine', isPrivate: true });
    emu.addToChannel(mine.id, inst.botUserId);
    for (let i = 0; i < 5; i++) emu.createChannel(team.id, { name: `hidden-${i}`, isPrivate: true });
    const res = await c.conversations.list({ types: 'private_channel', limit: 1000 });
    expect(res.channels!.map((ch) => ch.id)).toEqual([mine.id]);
    expect(res.channels![0]!.is_member).toBe(true);
  });
});

describe('rate limits', () => {
  it('Tier 2 conversations.list: 20 a minute, then 429 with Retry-After; rejected calls do not consume', async () => {
    for (let i = 0; i < 20; i++) await c.conversations.list({});
    const first = await failure(c.conversations.list({}));
    expect(first).toEqual({ error: 'ratelimited', retryAfter: 60 });
    t += 30_000;
    expect((await failure(c.conversations.list({}))).retryAfter).toBe(30);
    t += 30_000;
    expect((await c.conversations.list({})).ok).toBe(true);
    const limited = emu.calls({ method: 'conversations.list' }).filter((x) => x.httpStatus === 429);
    expect(limited).toHaveLength(2);
    expect(limited[0]!.response).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('sends Retry-After as an integer header of at least 1 second', async () => {
    const ch = emu.createChannel(team.id, { name: 'h' });
    emu.addToChannel(ch.id, inst.botUserId);
    await emu.postAsUser({ teamId: team.id, channel: ch.id, user: emu.createUser(team.id, { name: 'h' }).id, text: 'x' });
    await c.conversations.history({ channel: ch.id });
    t += 59_999;
    const res = await fetch(`${emu.apiUrl}conversations.history?channel=${ch.id}`, { headers: { authorization: `Bearer ${inst.botToken}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('limits per method and per workspace independently', async () => {
    const other = emu.createTeam({ name: 'Other' });
    const oi = emu.install(other.id);
    const oc = new WebClient(oi.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    for (let i = 0; i < 20; i++) await c.conversations.list({});
    expect((await failure(c.conversations.list({}))).error).toBe('ratelimited');
    expect((await oc.conversations.list({})).ok).toBe(true);
    expect((await c.auth.test()).ok).toBe(true);
  });

  it('chat.postMessage: a burst of 3 per channel, then about one a second; other channels unaffected', async () => {
    const a = emu.createChannel(team.id, { name: 'a', memberIds: [inst.botUserId] });
    const b = emu.createChannel(team.id, { name: 'b', memberIds: [inst.botUserId] });
    for (let i = 0; i < POST_MESSAGE_CHANNEL_BUCKET_CAPACITY; i++) await c.chat.postMessage({ channel: a.id, text: `m${i}` });
    expect(await failure(c.chat.postMessage({ channel: a.id, text: 'over' }))).toEqual({ error: 'ratelimited', retryAfter: 1 });
    expect((await c.chat.postMessage({ channel: b.id, text: 'other channel' })).ok).toBe(true);
    t += 1000;
    expect((await c.chat.postMessage({ channel: a.id, text: 'refilled' })).ok).toBe(true);
    expect((await failure(c.chat.postMessage({ channel: a.id, text: 'again' }))).error).toBe('ratelimited');
    expect(emu.messages(a.id).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'refilled']);
  });
});

describe('rate limiter (pure)', () => {
  it('admits Tier 1 once a minute and computes the wait from the oldest hit', () => {
    let clock = 0;
    const rl = createRateLimiter(() => clock);
    expect(rl.admit('T1', 'conversations.history', 1, null)).toEqual({ ok: true });
    clock = 10_500;
    expect(rl.admit('T1', 'conversations.history', 1, null)).toEqual({ ok: false, retryAfterSec: 50 });
    clock = 60_001;
    expect(rl.admit('T1', 'conversations.history', 1, null)).toEqual({ ok: true });
  });

  it('caps chat.postMessage workspace-wide at 600 a minute across channels', () => {
    let clock = 0;
    const rl = createRateLimiter(() => clock);
    for (let i = 0; i < 600; i++) expect(rl.admit('T1', 'chat.postMessage', 'post_message', `C${i}`).ok).toBe(true);
    expect(rl.admit('T1', 'chat.postMessage', 'post_message', 'Cnew')).toEqual({ ok: false, retryAfterSec: 60 });
    clock = 60_000;
    expect(rl.admit('T1', 'chat.postMessage', 'post_message', 'Cnew').ok).toBe(true);
  });
});
