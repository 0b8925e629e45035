// The Slack emulator's fault injection: 5xx and 429 storms with Retry-After answer before the
// method runs (nothing is posted), error codes only for calls carrying a marker, slow calls,
// counted and timed rules, and the control routes' checks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';

describe('Slack emulator fault injection', () => {
  let slack: SlackEmulator;
  let token: string;
  let channel: string;
  let faults: ReturnType<typeof slackFaults>;

  beforeAll(async () => {
    slack = await startSlackEmulator({ signingSecret: 's', clientId: 'c', clientSecret: 'cs' });
    const team = slack.createTeam({ name: 'T', domain: 't' });
    const install = slack.install(team.id);
    token = install.botToken;
    channel = slack.createChannel(team.id, { name: 'faults', memberIds: [install.botUserId] }).id;
    faults = slackFaults(slack.url);
  });
  afterAll(async () => {
    await slack?.close();
  });
  beforeEach(async () => {
    await faults.clear();
    slack.resetRateLimits();
  });

  const post = async (text: string) => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel, text }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { ok: boolean; error?: string } };
  };

  it('a 500 answers before the method runs: nothing is posted, the next call works', async () => {
    await faults.add({ method: 'chat.postMessage', status: 500, times: 1 });
    expect(await post('first')).toMatchObject({ status: 500, body: { ok: false, error: 'internal_error' } });
    expect((await post('second')).body.ok).toBe(true);
    expect(slack.messages(channel).map((m) => m.text)).toEqual(['second']);
    expect(
      slack
        .calls({ method: 'chat.postMessage' })
        .slice(-2)
        .map((c) => c.httpStatus),
    ).toEqual([500, 200]);
  });

  it('a 429 storm answers ratelimited with Retry-After for as long as it lasts', async () => {
    await faults.add({ method: '*', status: 429, retryAfterSeconds: 2, forMs: 300 });
    expect(await post('a')).toMatchObject({ status: 429, retryAfter: '2', body: { error: 'ratelimited' } });
    expect(await post('b')).toMatchObject({ status: 429 });
    await new Promise((r) => setTimeout(r, 350));
    expect((await post('c')).body.ok).toBe(true);
  });

  it('an error code only for calls whose parameters carry the marker', async () => {
    await faults.add({ method: 'chat.postMessage', error: 'invalid_blocks', paramsContaining: 'POISON', times: 2 });
    expect((await post('clean')).body.ok).toBe(true);
    expect(await post('POISON')).toMatchObject({ status: 200, body: { ok: false, error: 'invalid_blocks' } });
    expect((await post('POISON')).body.error).toBe('invalid_blocks');
    expect((await post('POISON')).body.ok).toBe(true);
  });

  it('a slow call is answered late and then runs as usual; the next one is answered at once', async () => {
    await faults.add({ method: 'chat.postMessage', delayMs: 300, paramsContaining: 'SLOW', times: 1 });
    const started = Date.now();
    const slow = post('SLOW one');
    const quick = await post('quick');
    expect(Date.now() - started).toBeLessThan(300);
    expect((await slow).body.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((await post('SLOW two')).body.ok).toBe(true);
    expect(quick.body.ok).toBe(true);
    expect(
      slack
        .messages(channel)
        .map((m) => m.text)
        .slice(-3),
    ).toEqual(['quick', 'SLOW one', 'SLOW two']);
  });

  it('a slow failure fails late', async () => {
    await faults.add({ method: 'chat.postMessage', status: 503, delayMs: 200, times: 1 });
    const started = Date.now();
    expect(await post('late')).toMatchObject({ status: 503, body: { ok: false, error: 'service_unavailable' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it.each([
    [{ method: '' }, 'method'],
    [{ method: 'x', status: 404 }, 'status'],
    [{ method: 'x', status: 200 }, 'error code'],
    [{ method: 'x', status: 500, times: 0 }, 'times'],
    [{ method: 'x', status: 500, forMs: -1 }, 'forMs'],
    [{ method: 'x', delayMs: 0 }, 'delayMs'],
  ])('refuses a malformed rule %j (400 naming %s)', async (rule, word) => {
    const res = await fetch(`${slack.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(word);
  });
});
