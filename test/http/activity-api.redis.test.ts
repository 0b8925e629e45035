// GET /api/orgs/:orgId/activity through the web app: an org's figures over a range of its days,
// as JSON (every day of the range, groups and agents with their names) or as CSV; refusals that
// name the parameter at fault; another org's session gets 403 and nothing of the org; one org's
// report never holds another's chats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { NO_SLACK, startChatPlatformFor, testAppPerFile } from '../support/http-test-app.ts';
import { countDay, type ChatActivity } from '../../src/routing/activity-counts.ts';
import { PERCENTILE_ERROR } from '../../src/routing/first-response-histogram.ts';

const secrets = newSecrets();
let platform: ChatPlatformEmulator;
beforeAll(async () => {
  platform = await startChatPlatformFor(secrets);
});
afterAll(async () => {
  await platform?.close();
});
const t = testAppPerFile(() => ({ name: 'activity-api', secrets, ...NO_SLACK, chatApiUrl: platform.url }));

const operator = { authorization: `Bearer ${secrets.adminApiToken}` };
const get = (path: string, headers: Record<string, string> = operator) => t.app.inject({ method: 'GET', url: path, headers });

const chat = (
  id: string,
  startedAt: string,
  answer: { after: number; agentId: string; agentName: string; origin: 'slack' | 'console' } | null,
  ended = true,
  routingGroupId = 'grp_sales',
): ChatActivity => ({
  conversationId: id,
  startedAt: new Date(startedAt),
  routingGroupId,
  answerTimeMs: 120_000,
  firstAnswer: answer
    ? { at: new Date(Date.parse(startedAt) + answer.after * 1000), agentId: answer.agentId, agentName: answer.agentName, origin: answer.origin }
    : null,
  ended,
});

async function saveDay(orgId: string, date: string, chats: ChatActivity[], groupNames: Record<string, string> = {}) {
  await t.store.chatActivity.saveDay({ orgId, date, timeZone: 'UTC', ...countDay(chats), groupNames, rolledAt: new Date() });
}

beforeAll(async () => {
  platform.createOrg({ id: 'org_a', name: 'Acme' });
  platform.createOrg({ id: 'org_b', name: 'Bravo' });
  await saveDay(
    'org_a',
    '2026-12-01',
    [
      chat('a1', '2026-12-01T09:00:00Z', { after: 2, agentId: 'agt_alice', agentName: 'Alice', origin: 'slack' }),
      chat('a2', '2026-12-01T10:00:00Z', { after: 4, agentId: 'agt_bob', agentName: 'Bob', origin: 'console' }),
      chat('a3', '2026-12-01T11:00:00Z', null, true, 'grp_support'),
    ],
    { grp_sales: 'Sales', grp_support: 'Support' },
  );
  await saveDay('org_a', '2026-12-03', [chat('a4', '2026-12-03T09:00:00Z', { after: 30, agentId: 'agt_alice', agentName: 'Alice Adams', origin: 'slack' })], {
    grp_sales: 'Sales team',
  });
  // Another org, its own names: none of it may show in org_a's report.
  await saveDay(
    'org_b',
    '2026-12-01',
    [chat('b1', '2026-12-01T09:00:00Z', { after: 1, agentId: 'agt_bravo', agentName: 'Bravo Agent', origin: 'slack' }, true, 'grp_bravo')],
    {
      grp_bravo: 'Bravo secret group',
    },
  );
});

describe('the activity API', () => {
  it('answers every day of the range, then groups by chats and agents by answers, with their latest names', async () => {
    const res = await get('/api/orgs/org_a/activity?from=2026-11-30&to=2026-12-03');
    expect(res.statusCode).toBe(200);
    const zero = {
      chats: 0,
      answered: 0,
      missed: 0,
      answeredInSlack: 0,
      answeredInConsole: 0,
      answeredWithinAnswerTime: 0,
      firstResponseSeconds: { p50: null, p90: null },
    };
    expect(res.json()).toEqual({
      from: '2026-11-30',
      to: '2026-12-03',
      timeZone: 'UTC',
      percentileError: PERCENTILE_ERROR,
      days: [
        { date: '2026-11-30', ...zero },
        {
          date: '2026-12-01',
          chats: 3,
          answered: 2,
          missed: 1,
          answeredInSlack: 1,
          answeredInConsole: 1,
          answeredWithinAnswerTime: 2,
          firstResponseSeconds: { p50: 2, p90: 4 },
        },
        { date: '2026-12-02', ...zero },
        {
          date: '2026-12-03',
          chats: 1,
          answered: 1,
          missed: 0,
          answeredInSlack: 1,
          answeredInConsole: 0,
          answeredWithinAnswerTime: 1,
          firstResponseSeconds: { p50: 33, p90: 33 },
        },
      ],
      groups: [
        {
          routingGroupId: 'grp_sales',
          name: 'Sales team',
          chats: 3,
          answered: 3,
          missed: 0,
          answeredInSlack: 2,
          answeredInConsole: 1,
          answeredWithinAnswerTime: 3,
          firstResponseSeconds: { p50: 4, p90: 33 },
        },
        {
          routingGroupId: 'grp_support',
          name: 'Support',
          chats: 1,
          answered: 0,
          missed: 1,
          answeredInSlack: 0,
          answeredInConsole: 0,
          answeredWithinAnswerTime: 0,
          firstResponseSeconds: { p50: null, p90: null },
        },
      ],
      agents: [
        {
          agentId: 'agt_alice',
          name: 'Alice Adams',
          chats: 2,
          answered: 2,
          missed: 0,
          answeredInSlack: 2,
          answeredInConsole: 0,
          answeredWithinAnswerTime: 2,
          firstResponseSeconds: { p50: 2, p90: 33 },
        },
        {
          agentId: 'agt_bob',
          name: 'Bob',
          chats: 1,
          answered: 1,
          missed: 0,
          answeredInSlack: 0,
          answeredInConsole: 1,
          answeredWithinAnswerTime: 1,
          firstResponseSeconds: { p50: 4, p90: 4 },
        },
      ],
    });
    expect(res.body).not.toMatch(/bravo/i);
  });

  it('Accept: text/csv gives the same figures as one table, its scope column saying day, group or agent', async () => {
    const res = await get('/api/orgs/org_a/activity?from=2026-12-01&to=2026-12-02', { ...operator, accept: 'text/csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="activity-2026-12-01-2026-12-02.csv"');
    expect(res.body.split('\r\n')).toEqual([
      'scope,date,id,name,chats,answered,missed,answeredInSlack,answeredInConsole,answeredWithinAnswerTime,firstResponseP50Seconds,firstResponseP90Seconds',
      'day,2026-12-01,,,3,2,1,1,1,2,2,4',
      'day,2026-12-02,,,0,0,0,0,0,0,,',
      'group,,grp_sales,Sales,2,2,0,1,1,2,2,4',
      'group,,grp_support,Support,1,0,1,0,0,0,,',
      'agent,,agt_alice,Alice,1,1,0,1,0,1,2,2',
      'agent,,agt_bob,Bob,1,1,0,0,1,1,4,4',
      '',
    ]);
  });

  it('a name a spreadsheet would run as a formula, or holding a comma or quote, is written as text', async () => {
    await saveDay('org_a', '2026-10-01', [
      chat('f1', '2026-10-01T09:00:00Z', { after: 1, agentId: 'agt_eve', agentName: '=HYPERLINK("x"),1', origin: 'slack' }),
    ]);
    const res = await get('/api/orgs/org_a/activity?from=2026-10-01&to=2026-10-01', { ...operator, accept: 'text/csv' });
    expect(res.body).toContain(`agent,,agt_eve,"'=HYPERLINK(""x""),1",1,1`);
  });

  it.each([
    { query: '', field: 'from', says: 'from is required' },
    { query: '?from=2026-12-01', field: 'to', says: 'to is required' },
    { query: '?from=2026-12-1&to=2026-12-02', field: 'from', says: 'from "2026-12-1" is not a day written YYYY-MM-DD' },
    { query: '?from=2026-12-01&to=2026-02-30', field: 'to', says: 'to "2026-02-30" is not a day written YYYY-MM-DD' },
    { query: '?from=2026-12-02&to=2026-12-01', field: 'to', says: 'to (2026-12-01) is before from (2026-12-02)' },
    { query: '?from=2025-01-01&to=2026-01-02', field: 'to', says: '367 days asked for, at most 366' },
  ])('refuses $query with invalid_range naming $field', async ({ query, field, says }) => {
    const res = await get(`/api/orgs/org_a/activity${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'invalid_range',
        field,
        message: `The date range is not valid: from and to are days written YYYY-MM-DD, to not before from, at most 366 days: ${says}`,
      },
    });
  });

  it('takes 366 days (a leap year)', async () => {
    const res = await get('/api/orgs/org_a/activity?from=2024-01-01&to=2024-12-31');
    expect(res.statusCode).toBe(200);
    expect(res.json().days).toHaveLength(366);
  });

  it('refuses an unknown query parameter, naming it', async () => {
    const res = await get('/api/orgs/org_a/activity?from=2026-12-01&to=2026-12-02&groupBy=agent');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'invalid_payload', field: 'groupBy', message: expect.stringContaining('unknown query parameter groupBy') },
    });
  });

  it('needs a credential', async () => {
    const res = await get('/api/orgs/org_a/activity?from=2026-12-01&to=2026-12-02', {});
    expect(res.statusCode).toBe(401);
  });

  it("another org's admin session gets 403 and nothing of the org; its own org's figures only", async () => {
    const adminB = platform.addAdmin('org_b', { name: 'Bea B', email: 'bea@b.test' }).id;
    const launched = await t.app.inject({ method: 'GET', url: `/settings/org_b?launch=${encodeURIComponent(platform.launchToken('org_b', adminB))}` });
    expect(launched.statusCode).toBe(303);
    const cookie = String(launched.headers['set-cookie']).split(';')[0]!;
    const elsewhere = await get('/api/orgs/org_a/activity?from=2026-12-01&to=2026-12-03', { cookie });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ error: { code: 'admin_forbidden' } });
    expect(elsewhere.body).not.toMatch(/Alice|Sales|agt_|grp_/);
    const own = await get('/api/orgs/org_b/activity?from=2026-12-01&to=2026-12-01', { cookie });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      days: [{ chats: 1 }],
      groups: [{ routingGroupId: 'grp_bravo', name: 'Bravo secret group' }],
      agents: [{ agentId: 'agt_bravo' }],
    });
    expect(own.body).not.toMatch(/Alice|agt_alice|grp_sales/);
  });
});
