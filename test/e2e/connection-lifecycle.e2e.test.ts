// End to end: a Slack connection over its life. The app removed from the workspace stops all
// sending for the org and keeps its settings; connecting again resumes, routes what waited, and
// threads from before still carry replies to the visitor. With token rotation on, expired bot
// tokens are renewed with the refresh token, whether the product sees the expiry coming or
// Slack answers `token_expired`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { installLink } from '../../sandbox/seed.ts';

async function connectAgain(h: Harness) {
  const install = await fetch(await installLink(h.webUrl, h.secrets.adminApiToken, h.orgId), { redirect: 'manual' });
  const callback = h.slack.approveInstall(install.headers.get('location')!, { teamId: h.teamId, userId: h.agents.alice.slackUserId });
  const page = await fetch(callback);
  expect(page.status).toBe(200);
}

async function newThread(h: Harness, visitor: string) {
  const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: visitor } });
  const record = await waitFor(() => h.store.conversations.get(h.orgId, conversation.id), (r) => Boolean(r?.thread), { what: `the thread of ${visitor}` });
  return { conversation, threadTs: record!.thread!.threadTs };
}

const fromSlack = (h: Harness, conversationId: string) => h.platform.conversation(h.orgId, conversationId).messages.filter((m) => m.origin === 'slack').map((m) => m.text);

describe('the app removed, then connected again', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ runtime: 'node', name: 'connection-lifecycle' });
  }, 120_000);
  afterAll(async () => h?.stop());

  it('stops sending, keeps the settings, and resumes with old threads still working', async () => {
    const before = await newThread(h, 'Olga');
    const settings = await h.store.orgSettings.get(h.orgId);

    h.slack.uninstall(h.teamId);
    await waitFor(() => h.store.installations.findByTeam(h.teamId), (i) => i?.status === 'disconnected', { what: 'the connection marked disconnected' });

    // A chat meanwhile: nothing is sent to Slack, and the chat waits as undeliverable.
    const postsBefore = h.slack.calls({ method: 'chat.postMessage' }).length;
    const waiting = await h.platform.startConversation(h.orgId, { visitor: { name: 'Wanda' } });
    await waitFor(() => h.store.conversations.get(h.orgId, waiting.id), (r) => Boolean(r?.undeliverableReason), { what: 'the chat stored as undeliverable' });
    expect(h.slack.calls({ method: 'chat.postMessage' }).length).toBe(postsBefore);
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);

    await connectAgain(h);
    expect(await h.store.installations.findByTeam(h.teamId)).toMatchObject({ status: 'active', orgId: h.orgId });
    // What waited is routed now, with the settings it had.
    await waitFor(() => h.store.conversations.get(h.orgId, waiting.id), (r) => Boolean(r?.thread), { what: 'the waiting chat routed after reconnecting' });
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);

    // A reply in a thread from before the reinstall still reaches its visitor.
    await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs: before.threadTs, text: 'Back online, Olga!' });
    await waitFor(() => fromSlack(h, before.conversation.id), (texts) => texts.includes('Back online, Olga!'), { what: 'the reply at the visitor' });
  }, 90_000);
});

describe('token rotation', () => {
  let h: Harness;
  let skewMs = 0;
  beforeAll(async () => {
    // Tokens live 15 minutes here: within ten minutes of expiry the product renews them.
    h = await startHarness({ runtime: 'node', name: 'token-rotation', slackTokenRotation: { expiresInSec: 15 * 60 }, slackNow: () => Date.now() + skewMs });
  }, 120_000);
  afterAll(async () => h?.stop());

  const refreshes = () => h.slack.calls({ method: 'oauth.v2.access' }).filter((c) => c.params['grant_type'] === 'refresh_token');

  it('renews a token Slack says has expired, and sends with the new one', async () => {
    const first = await newThread(h, 'Rita');
    expect(refreshes()).toHaveLength(0);
    // Slack's clock is an hour ahead of ours: the token we believe valid has expired there.
    skewMs = 60 * 60_000;
    await h.platform.visitorSays(h.orgId, first.conversation.id, 'Still there?');
    await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.thread_ts === first.threadTs).map((m) => m.text).join('\n'),
      (t) => t.includes('Still there?'),
      { what: 'the message posted after renewing the token' },
    );
    expect(refreshes().length).toBeGreaterThanOrEqual(1);
    expect(refreshes().every((c) => c.httpStatus === 200 && c.response['ok'] === true)).toBe(true);
    const failed = h.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.response['error'] === 'token_expired');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    // Back to agreeing clocks (Slack signs its event deliveries with its clock, and the ingress
    // refuses timestamps five minutes away).
    skewMs = 0;
    // The renewed token is what is stored (sealed), and replies still flow both ways.
    const tokens = await h.store.installations.tokens(h.teamId);
    expect(tokens?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 5 * 60_000);
    await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs: first.threadTs, text: 'Yes, Rita!' });
    await waitFor(() => fromSlack(h, first.conversation.id), (texts) => texts.includes('Yes, Rita!'), { what: 'the reply at the visitor' });
  }, 90_000);

  it('renews ahead of expiry without waiting for Slack to refuse', async () => {
    const before = refreshes().length;
    const expiredBefore = h.slack.calls().filter((c) => c.response['error'] === 'token_expired').length;
    // Our clock reaches the last ten minutes of the token's life (it was renewed above for 15).
    await h.mongo.db.collection('installations').updateOne({ _id: h.teamId as never }, { $set: { tokenExpiresAt: new Date(Date.now() + 5 * 60_000) } });
    await newThread(h, 'Sam');
    expect(refreshes().length).toBe(before + 1);
    expect(h.slack.calls().filter((c) => c.response['error'] === 'token_expired').length).toBe(expiredBefore);
  }, 60_000);
});
