// End to end: the admin API's agents, against the emulators, with the operator token: agents mapped
// by Slack username, suggestions by email (following Slack's changes), and every error with the
// field it concerns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';
import { h, daveAgentId, ids, api, startAdminApiHarness, stopAdminApiHarness } from './admin-api-fixture.ts';

beforeAll(() => startAdminApiHarness('admin-api-agents'), 120_000);
afterAll(stopAdminApiHarness);

describe('agents', () => {
  it('lists agents with their mapping and status; unmapped ones say why it matters', async () => {
    const { status, body } = await api('GET', '/agents');
    expect(status).toBe(200);
    expect(body.agents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          agentId: h.agents.alice.agentId,
          status: 'online',
          mapped: true,
          slackUser: expect.objectContaining({ id: h.agents.alice.slackUserId, username: 'alice' }),
          hint: null,
        }),
        expect.objectContaining({
          agentId: daveAgentId,
          name: 'Dave Newhire',
          mapped: false,
          slackUser: null,
          hint: expect.stringContaining('cannot answer visitors from Slack'),
        }),
      ]),
    );
  });

  it('suggests, for each unmapped agent, the Slack user with the same email (any case), never a deactivated one, a bot or someone mapped already', async () => {
    const { status, body } = await api('GET', '/agents');
    expect(status).toBe(200);
    const suggestionOf = (agentId: string) => body.agents.find((a: { agentId: string }) => a.agentId === agentId).suggestion;
    expect(suggestionOf(ids['erinAgent']!)).toMatchObject({ id: ids['erin'], username: 'erin.c', email: 'Erin.Case@ACME.test' });
    // The current account, not the deactivated one with the same email.
    expect(suggestionOf(ids['hanaAgent']!)).toMatchObject({ id: ids['hana'], username: 'hana' });
    expect(suggestionOf(ids['gusAgent']!)).toBeNull();
    expect(suggestionOf(ids['roboAgent']!)).toBeNull();
    expect(suggestionOf(ids['aliceTwinAgent']!)).toBeNull();
    // Dave's Slack user has no email; a mapped agent needs no suggestion.
    expect(suggestionOf(daveAgentId)).toBeNull();
    expect(suggestionOf(h.agents.alice.agentId)).toBeNull();
  });

  it('a suggestion is mapped like any username, and is gone once mapped', async () => {
    const suggested = (await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === ids['erinAgent']).suggestion;
    expect(await api('PUT', `/agents/${ids['erinAgent']}/slack-user`, { username: suggested.username })).toMatchObject({
      status: 200,
      body: { mapped: true, slackUser: { id: ids['erin'] } },
    });
    expect((await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === ids['erinAgent'])).toMatchObject({
      mapped: true,
      suggestion: null,
      slackUser: { id: ids['erin'] },
    });
    expect(await api('DELETE', `/agents/${ids['erinAgent']}/slack-user`)).toMatchObject({ status: 204 });
  });

  it("follows Slack: a user who changes their email to an agent's becomes that agent's suggestion", async () => {
    h.slack.updateUser(ids['dave']!, { email: 'Dave@Acme.test' });
    const listed = await waitFor(
      () => api('GET', '/agents'),
      (r) => r.body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId).suggestion !== null,
      { what: 'dave suggested' },
    );
    expect(listed.body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId).suggestion).toMatchObject({ id: ids['dave'], username: 'dave' });
  });

  it('maps an agent by Slack username and unmaps it', async () => {
    expect(await api('PUT', `/agents/${daveAgentId}/slack-user`, { username: '@dave' })).toMatchObject({
      status: 200,
      body: { mapped: true, slackUser: { id: ids['dave'], username: 'dave' } },
    });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toMatchObject({ slackUserId: ids['dave'], teamId: h.teamId });
    expect((await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId)).toMatchObject({ mapped: true });
    expect(await api('DELETE', `/agents/${daveAgentId}/slack-user`)).toMatchObject({ status: 204 });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
  });

  it.each([
    { why: 'an unknown username', username: 'nobody', status: 422, code: 'slack_user_unknown', message: '@nobody' },
    { why: 'a deactivated user', username: 'gone', status: 422, code: 'slack_user_deactivated', message: '@gone' },
    { why: 'a bot', username: 'threadbridge', status: 422, code: 'slack_user_is_bot', message: '@threadbridge' },
    { why: 'a user mapped to another agent', username: 'alice', status: 409, code: 'slack_user_already_mapped', message: '@alice' },
  ])('refuses $why, naming it', async ({ username, status, code, message }) => {
    const answer = await api('PUT', `/agents/${daveAgentId}/slack-user`, { username });
    expect(answer).toMatchObject({ status, body: { error: { code, field: 'username', message: expect.stringContaining(message) } } });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
  });

  it('refuses an unknown field with invalid_payload naming it, mapping nothing', async () => {
    // Unmapped (the test before unmapped dave): a dropped field would have mapped him to @dave.
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
    expect(await api('PUT', `/agents/${daveAgentId}/slack-user`, { username: 'dave', notify: true })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload', field: 'notify', message: expect.stringContaining('unknown field notify (the body takes username)') } },
    });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
    expect((await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId)).toMatchObject({
      mapped: false,
      slackUser: null,
    });
  });

  it('refuses an unknown agent and an empty username', async () => {
    expect(await api('PUT', '/agents/agent_nope/slack-user', { username: 'dave' })).toMatchObject({
      status: 404,
      body: { error: { code: 'agent_not_found' } },
    });
    expect(await api('PUT', `/agents/${daveAgentId}/slack-user`, { username: '' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload' } },
    });
  });
});
