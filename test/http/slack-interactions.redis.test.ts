// POST /slack/interactions through app.inject, against the test Redis: a signed click is queued on
// the interactive queue and answered 200 at once; bad requests get a specific error and queue nothing.
import { describe, expect, it } from 'vitest';
import { newSecrets } from '../support/test-app.ts';
import { jobCount, NO_SLACK, slackSignedHeaders, testAppPerFile } from '../support/http-test-app.ts';

const secrets = newSecrets();
const t = testAppPerFile({ name: 'interactions', secrets, ...NO_SLACK }, { emptied: (queues) => queues.slackInteractions });

const click = {
  type: 'block_actions',
  team: { id: 'T0001', domain: 'acme' },
  user: { id: 'U1', username: 'alice', team_id: 'T0001' },
  api_app_id: 'A0001',
  trigger_id: '123.456.abc',
  container: { type: 'message', message_ts: '1764075605.000300', channel_id: 'C1', is_ephemeral: false, thread_ts: '1764075600.000100' },
  channel: { id: 'C1', name: 'website-chats' },
  actions: [{ action_id: 'qualify_lead:hot', block_id: 'qualification', value: 'hot', type: 'button', action_ts: '1764075610.1' }],
};

function post(raw: string, contentType = 'application/x-www-form-urlencoded', secret = secrets.slackSigningSecret, nowMs = Date.now()) {
  return t.app.inject({
    method: 'POST',
    url: '/slack/interactions',
    payload: raw,
    headers: { 'content-type': contentType, ...slackSignedHeaders(secret, raw, nowMs) },
  });
}
const form = (payload: unknown) => `payload=${encodeURIComponent(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
const queued = () => jobCount(t.queues.slackInteractions);

describe('POST /slack/interactions', () => {
  it('queues a signed button click on the interactive queue, once however often it is sent, and answers 200 with an empty body', async () => {
    const first = await post(form(click));
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe('');
    expect((await post(form(click))).statusCode).toBe(200);
    const jobs = await t.queues.slackInteractions.getJobs(['waiting', 'prioritized']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({ teamId: 'T0001', payload: { type: 'block_actions', actions: [{ value: 'hot' }] } });
  });

  it('queues an org-wide install’s click (team null) under the organization’s key, with the workspace the person acted in', async () => {
    const orgWide = {
      ...click,
      team: null,
      enterprise: { id: 'E0GRID', name: 'Acme Group' },
      is_enterprise_install: true,
      user: { ...click.user, team_id: 'T0002' },
    };
    expect((await post(form(orgWide))).statusCode).toBe(200);
    const jobs = await t.queues.slackInteractions.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => j.data)).toEqual([{ teamId: 'E0GRID', workspaceId: 'T0002', payload: orgWide }]);
  });

  it('queues an org-wide install’s modal submission under the organization’s key, its workspace from the view', async () => {
    const submission = {
      type: 'view_submission',
      team: null,
      enterprise: { id: 'E0GRID', name: 'Acme Group' },
      is_enterprise_install: true,
      user: { id: 'W1', team_id: 'T0002' },
      view: { id: 'V1', hash: 'h1', callback_id: 'note', app_installed_team_id: 'T0002', state: { values: {} } },
      trigger_id: '1.2.3',
    };
    expect((await post(form(submission))).statusCode).toBe(200);
    const jobs = await t.queues.slackInteractions.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => j.data)).toEqual([{ teamId: 'E0GRID', workspaceId: 'T0002', payload: submission }]);
  });

  it('refuses a payload naming no installation with the fields it lacks', async () => {
    const res = await post(form({ ...click, team: null, user: { id: 'U1' } }));
    expect(res.json()).toEqual({
      error: { code: 'invalid_payload', message: expect.stringContaining('team.id, view.app_installed_team_id and user.team_id are all missing') },
    });
  });

  it.each([
    { name: 'a wrong signing secret', send: () => post(form(click), undefined, 'wrong'), status: 401, code: 'bad_signature' },
    {
      name: 'a stale timestamp',
      send: () => post(form(click), undefined, secrets.slackSigningSecret, Date.now() - 400_000),
      status: 401,
      code: 'stale_timestamp',
    },
    { name: 'a form without payload', send: () => post('foo=bar'), status: 400, code: 'invalid_payload' },
    { name: 'a payload that is not JSON', send: () => post(form('{"type":')), status: 400, code: 'invalid_json' },
    {
      name: 'a payload that names no installation (no team, no user.team_id)',
      send: () => post(form({ ...click, team: null, user: { id: 'U1' } })),
      status: 400,
      code: 'invalid_payload',
    },
    {
      name: 'an org-wide install’s payload without its organization',
      send: () => post(form({ ...click, team: null, is_enterprise_install: true })),
      status: 400,
      code: 'invalid_payload',
    },
    { name: 'a JSON body', send: () => post(JSON.stringify(click), 'application/json'), status: 415, code: 'unsupported_media_type' },
  ])('rejects $name with $status $code and queues nothing', async ({ send, status, code }) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
    expect(await queued()).toBe(0);
  });
});
