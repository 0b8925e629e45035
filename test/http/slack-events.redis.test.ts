// POST /slack/events through app.inject, against the test Redis: url_verification, signature
// checks, deduplication of Slack's retries by event_id, and events acknowledged but not queued.
import { describe, expect, it } from 'vitest';
import { newSecrets } from '../support/test-app.ts';
import { jobCount, NO_SLACK, slackSignedHeaders, testAppPerFile } from '../support/http-test-app.ts';

const secrets = newSecrets();
const t = testAppPerFile({ name: 'slack-events', secrets, ...NO_SLACK }, { emptied: (queues) => queues.slackEvents });

function envelope(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`) {
  return {
    token: 'legacy',
    team_id: 'T0001',
    api_app_id: 'A0001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: 1764075600,
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
}

const threadReply = {
  type: 'message',
  user: 'U1',
  text: 'hi',
  ts: '1764075601.000200',
  thread_ts: '1764075600.000100',
  channel: 'C1',
  channel_type: 'channel',
};

function post(raw: string, extraHeaders: Record<string, string> = {}, nowMs = Date.now(), secret = secrets.slackSigningSecret) {
  return t.app.inject({
    method: 'POST',
    url: '/slack/events',
    payload: raw,
    headers: { 'content-type': 'application/json', ...slackSignedHeaders(secret, raw, nowMs), ...extraHeaders },
  });
}

const queued = () => jobCount(t.queues.slackEvents);

describe('POST /slack/events', () => {
  it('echoes the challenge of a signed url_verification', async () => {
    const res = await post(JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('queues a thread reply once, also when Slack retries it with the same event_id', async () => {
    const raw = JSON.stringify(envelope(threadReply, 'Ev0RETRY01'));
    expect((await post(raw)).statusCode).toBe(200);
    const retry = await post(raw, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.statusCode).toBe(200);
    const jobs = await t.queues.slackEvents.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual({ teamId: 'T0001', workspaceId: 'T0001', eventId: 'Ev0RETRY01', eventTime: 1764075600, event: threadReply });
  });

  // An org-wide (Enterprise Grid) install: Slack names the organization in authorizations, with
  // team_id null there; the envelope's team_id is the workspace the reply was written in.
  const orgWide = { enterprise_id: 'E0GRID', team_id: null, user_id: 'WBOT', is_bot: true, is_enterprise_install: true };

  it('queues an org-wide install’s event under the organization’s key, with the workspace it happened in', async () => {
    const raw = JSON.stringify({
      ...envelope(threadReply, 'Ev0ORGWIDE'),
      team_id: 'T0002',
      enterprise_id: 'E0GRID',
      context_team_id: 'T0002',
      context_enterprise_id: 'E0GRID',
      authorizations: [orgWide],
    });
    expect((await post(raw)).statusCode).toBe(200);
    const jobs = await t.queues.slackEvents.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([{ teamId: 'E0GRID', workspaceId: 'T0002', eventId: 'Ev0ORGWIDE', eventTime: 1764075600, event: threadReply }]);
  });

  it('queues team_access_granted, whose envelope has no team_id, under the organization’s key', async () => {
    const granted = { type: 'team_access_granted', team_ids: ['T0002', 'T0003'], event_ts: '1764075600.000000' };
    const { team_id: _, ...withoutTeam } = envelope(granted, 'Ev0GRANTED');
    expect((await post(JSON.stringify({ ...withoutTeam, enterprise_id: 'E0GRID', authorizations: [orgWide] }))).statusCode).toBe(200);
    const jobs = await t.queues.slackEvents.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([{ teamId: 'E0GRID', workspaceId: null, eventId: 'Ev0GRANTED', eventTime: 1764075600, event: granted }]);
  });

  it('refuses an event that names no installation, saying which fields it lacks, and queues nothing', async () => {
    const res = await post(JSON.stringify({ ...envelope(threadReply), team_id: null, authorizations: [] }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_payload', message: expect.stringContaining('authorizations[0].team_id and team_id are both missing') },
    });
    expect(await queued()).toBe(0);
  });

  it('accepts and queues an event with fields Slack added that Threadbridge does not know (only the admin API refuses unknown fields)', async () => {
    const raw = JSON.stringify({
      ...envelope({ ...threadReply, client_msg_id: 'c1', blocks_v9: [] }, 'Ev0NEWFIELD'),
      context_team_id: 'T0001',
      is_ext_shared_channel: false,
    });
    expect((await post(raw)).statusCode).toBe(200);
    const jobs = await t.queues.slackEvents.getJobs(['waiting']);
    expect(jobs.map((j) => j.data)).toEqual([
      expect.objectContaining({ teamId: 'T0001', eventId: 'Ev0NEWFIELD', event: expect.objectContaining({ text: 'hi' }) }),
    ]);
  });

  it('acknowledges event types it does not act on without queueing them', async () => {
    const res = await post(JSON.stringify(envelope({ type: 'reaction_added', user: 'U1', reaction: 'thumbsup' })));
    expect(res.statusCode).toBe(200);
    expect(await queued()).toBe(0);
  });

  it('acknowledges the echo of a bot message without queueing it', async () => {
    const res = await post(JSON.stringify(envelope({ ...threadReply, user: 'UBOT', bot_id: 'B0001', app_id: 'A0001' })));
    expect(res.statusCode).toBe(200);
    expect(await queued()).toBe(0);
  });

  it('acknowledges app_rate_limited without queueing', async () => {
    const res = await post(JSON.stringify({ token: 'x', type: 'app_rate_limited', team_id: 'T0001', minute_rate_limited: 1518467820, api_app_id: 'A0001' }));
    expect(res.statusCode).toBe(200);
    expect(await queued()).toBe(0);
  });

  const rejected = [
    {
      name: 'an unsigned url_verification',
      send: () =>
        t.app.inject({
          method: 'POST',
          url: '/slack/events',
          payload: JSON.stringify({ type: 'url_verification', challenge: 'c' }),
          headers: { 'content-type': 'application/json' },
        }),
      status: 401,
      code: 'missing_signature',
    },
    { name: 'a wrong signing secret', send: () => post(JSON.stringify(envelope(threadReply)), {}, Date.now(), 'wrong'), status: 401, code: 'bad_signature' },
    {
      name: 'a timestamp six minutes old',
      send: () => post(JSON.stringify(envelope(threadReply)), {}, Date.now() - 360_000),
      status: 401,
      code: 'stale_timestamp',
    },
    { name: 'malformed JSON', send: () => post('{"type":'), status: 400, code: 'invalid_json' },
    {
      name: 'an unknown envelope type',
      send: () => post(JSON.stringify({ type: 'block_actions_v9', team_id: 'T1' })),
      status: 400,
      code: 'unknown_event_type',
    },
    {
      name: 'an event_callback without event_id',
      send: () => post(JSON.stringify({ ...envelope(threadReply), event_id: undefined })),
      status: 400,
      code: 'invalid_payload',
    },
    {
      name: 'an oversized body',
      send: () => post(JSON.stringify(envelope({ ...threadReply, text: 'x'.repeat(300 * 1024) }))),
      status: 413,
      code: 'body_too_large',
    },
  ];

  it.each(rejected)('rejects $name with $status $code and queues nothing', async ({ send, status, code }) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect(await queued()).toBe(0);
  });

  it('never writes the signing secret or signatures into its logs', async () => {
    const raw = JSON.stringify(envelope(threadReply));
    const res = await post(raw);
    expect(res.statusCode).toBe(200);
    const logs = t.logs();
    expect(logs).toContain('Slack event queued');
    expect(logs).not.toContain(secrets.slackSigningSecret);
    expect(logs).not.toMatch(/v0=[0-9a-f]{64}/);
  });
});
