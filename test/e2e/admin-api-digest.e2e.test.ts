// End to end: the admin API's weekly digest setting (PUT/GET /api/orgs/:orgId/digest) against the
// emulators: turned on with a channel (resolved like the settings' channels, a public one joined)
// and a weekday, read back, turned off with null, each change in the history under `digest`; every
// refusal with the field it concerns, unknown fields named, nothing stored; an admin of one org
// never reaching another's, an org without Slack told to connect it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { cookiesOf } from '../../sandbox/seed.ts';

let h: Harness;
const ids: Record<string, string> = {};

async function api(method: string, path: string, body?: unknown, orgId = h.orgId): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.secrets.adminApiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'admin-api-digest' });
  ids['weekly'] = h.slack.createChannel(h.teamId, { name: 'weekly-figures' }).id;
  ids['archived'] = h.slack.createChannel(h.teamId, { name: 'old-figures', isArchived: true }).id;
  for (const name of ['weekly-figures', 'old-figures'])
    await waitFor(
      () => api('GET', `/directory/channels/by-name/${name}`),
      (r) => r.status === 200,
      { what: `the directory to know #${name}`, timeoutMs: 60_000 },
    );
}, 120_000);

afterAll(async () => h?.stop());

const joinsOf = (channel: string) => h.slack.calls({ method: 'conversations.join', teamId: h.teamId }).filter((c) => c.params['channel'] === channel);

describe('the weekly digest setting', () => {
  it('off until set; on with a channel by name (the app joins it) and a weekday; read back; off again with null', async () => {
    expect(await api('GET', '/digest')).toEqual({ status: 200, body: { digest: null } });

    const saved = await api('PUT', '/digest', { digest: { channel: '#weekly-figures', weekday: 'monday' } });
    expect(saved).toMatchObject({
      status: 200,
      body: {
        digest: {
          channel: { id: ids['weekly'], name: 'weekly-figures', isPrivate: false, isArchived: false, appInChannel: true, warning: null },
          weekday: 'monday',
        },
      },
    });
    expect(joinsOf(ids['weekly']!)).toHaveLength(1);
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toEqual({ channelId: ids['weekly'], weekday: 'monday' });
    // The other settings are kept.
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: true, globalChannelId: h.channelId });
    expect(await api('GET', '/digest')).toMatchObject({
      status: 200,
      body: { digest: { channel: { id: ids['weekly'], appInChannel: true }, weekday: 'monday' } },
    });
    expect((await api('GET', '/changes')).body.lastChanges.digest).toMatchObject({ action: 'digest.saved', actor: { kind: 'operator' } });

    expect(await api('PUT', '/digest', { digest: { channel: 'weekly-figures', weekday: 'friday' } })).toMatchObject({
      status: 200,
      body: { digest: { weekday: 'friday' } },
    });
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toEqual({ channelId: ids['weekly'], weekday: 'friday' });

    expect(await api('PUT', '/digest', { digest: null })).toEqual({ status: 200, body: { digest: null } });
    expect((await h.store.orgSettings.get(h.orgId))?.digest).toBeNull();
    expect(await api('GET', '/digest')).toEqual({ status: 200, body: { digest: null } });
    expect((await api('GET', '/changes')).body.lastChanges.digest).toMatchObject({ action: 'digest.turned-off' });
  });

  it.each([
    {
      why: 'an unknown weekday',
      body: { digest: { channel: 'weekly-figures', weekday: 'funday' } },
      status: 400,
      code: 'setting_invalid',
      field: 'digest.weekday',
    },
    {
      why: 'a weekday written otherwise',
      body: { digest: { channel: 'weekly-figures', weekday: 'Monday' } },
      status: 400,
      code: 'setting_invalid',
      field: 'digest.weekday',
    },
    {
      why: 'an unknown channel',
      body: { digest: { channel: 'no-such-channel', weekday: 'monday' } },
      status: 422,
      code: 'channel_unknown',
      field: 'digest.channel',
    },
    {
      why: 'an archived channel',
      body: { digest: { channel: 'old-figures', weekday: 'monday' } },
      status: 422,
      code: 'channel_archived',
      field: 'digest.channel',
    },
    {
      why: 'a channel ID while the org picks channels by name',
      body: { digest: { channel: 'C0NOSUCH1', weekday: 'monday' } },
      status: 422,
      code: 'channel_unknown',
      field: 'digest.channel',
    },
    { why: 'no weekday', body: { digest: { channel: 'weekly-figures' } }, status: 400, code: 'invalid_payload', field: undefined },
    { why: 'no digest field', body: {}, status: 400, code: 'invalid_payload', field: undefined },
  ])('refuses $why, storing nothing', async ({ body, status, code, field }) => {
    const before = await h.store.orgSettings.get(h.orgId);
    const answer = await api('PUT', '/digest', body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.field).toBe(field);
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);
  });

  it('the weekday refusal says which values it takes', async () => {
    expect((await api('PUT', '/digest', { digest: { channel: 'weekly-figures', weekday: 'funday' } })).body.error.message).toContain(
      '"funday": one of "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"',
    );
  });

  it.each([
    { why: 'an unknown top-level field', body: { digest: null, colour: 'red' }, field: 'colour', message: 'unknown field colour (the body takes digest)' },
    {
      why: 'an unknown nested field',
      body: { digest: { channel: 'weekly-figures', weekday: 'monday', hour: 7 } },
      field: 'digest.hour',
      message: 'unknown field digest.hour (digest takes channel, weekday)',
    },
  ])('refuses $why with invalid_payload naming it, storing nothing', async ({ body, field, message }) => {
    const before = await h.store.orgSettings.get(h.orgId);
    const answer = await api('PUT', '/digest', body);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', field, message: expect.stringContaining(message) } } });
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);
  });

  it('needs a credential: a wrong operator token is refused', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { digest: null }],
    ] as const) {
      const answer = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}/digest`, {
        method,
        headers: { authorization: 'Bearer not-the-token', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: { code: 'admin_unauthorized' } });
    }
  });

  it('an org without Slack is told to connect it; an admin of one org never reaches another’s digest', async () => {
    const other = h.platform.createOrg({ name: 'Someone Else' });
    expect(await api('GET', '/digest', undefined, other.id)).toMatchObject({ status: 409, body: { error: { code: 'slack_not_connected' } } });
    expect(await api('PUT', '/digest', { digest: null }, other.id)).toMatchObject({ status: 409, body: { error: { code: 'slack_not_connected' } } });

    const launched = await fetch(h.launchLink(), { redirect: 'manual' });
    const cookie = cookiesOf(launched);
    const asAdmin = (orgId: string, method: string, body?: unknown) =>
      fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}/digest`, {
        method,
        headers: { cookie, origin: h.webUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const own = await asAdmin(h.orgId, 'PUT', { digest: { channel: 'weekly-figures', weekday: 'sunday' } });
    expect(own.status).toBe(200);
    expect((await api('GET', '/changes')).body.lastChanges.digest).toMatchObject({
      action: 'digest.saved',
      actor: { kind: 'org-admin', userId: h.adminUserId },
    });
    for (const method of ['GET', 'PUT'] as const) {
      const elsewhere = await asAdmin(other.id, method, method === 'PUT' ? { digest: null } : undefined);
      expect(elsewhere.status).toBe(403);
      const body = await elsewhere.json();
      expect(body).toEqual({ error: { code: 'admin_forbidden', message: expect.any(String) } });
      expect(JSON.stringify(body)).not.toContain(other.id);
    }
    expect((await h.store.orgSettings.get(other.id))?.digest).toBeUndefined();
  });
});
