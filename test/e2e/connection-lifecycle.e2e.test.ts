// End to end: a Slack connection over its life. The app removed from the workspace, or the org's
// admin clicking Disconnect (the bot token revoked at Slack), stops all sending for the org and
// keeps its settings; connecting again resumes, routes what waited, and threads from before still
// carry replies to the visitor. With token rotation on, expired bot tokens are renewed with the
// refresh token, whether the product sees the expiry coming or Slack answers `token_expired`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { Redis } from 'ioredis';
import { redisUrl } from '../support/services.ts';
import { installationVersions } from '../../src/installations/bot-token-memo.ts';
import { cookiesOf, installLink, startInstall } from '../../sandbox/seed.ts';

/** Connects the workspace again through an install link (an operator's unless one is given, with its admin's session), in one browser. */
async function connectAgain(h: Harness, link?: string, sessionCookie?: string) {
  const install = await startInstall(link ?? (await installLink(h.webUrl, h.secrets.adminApiToken, h.orgId)), sessionCookie ? { sessionCookie } : {});
  const callback = h.slack.approveInstall(install.authorizeUrl, { teamId: h.teamId, userId: h.agents.alice.slackUserId });
  const page = await install.callBack(callback, { redirect: 'follow' });
  expect(page.status).toBe(200);
}

async function newThread(h: Harness, visitor: string) {
  const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: visitor } });
  const record = await waitFor(
    () => h.store.conversations.get(h.orgId, conversation.id),
    (r) => Boolean(r?.thread),
    { what: `the thread of ${visitor}` },
  );
  return { conversation, threadTs: record!.thread!.threadTs };
}

const fromSlack = (h: Harness, conversationId: string) =>
  h.platform
    .conversation(h.orgId, conversationId)
    .messages.filter((m) => m.origin === 'slack')
    .map((m) => m.text);

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
    await waitFor(
      () => h.store.installations.findByTeam(h.teamId),
      (i) => i?.status === 'disconnected',
      { what: 'the connection marked disconnected' },
    );

    // A chat meanwhile: nothing is sent to Slack, and the chat waits as undeliverable.
    const postsBefore = h.slack.calls({ method: 'chat.postMessage' }).length;
    const waiting = await h.platform.startConversation(h.orgId, { visitor: { name: 'Wanda' } });
    await waitFor(
      () => h.store.conversations.get(h.orgId, waiting.id),
      (r) => Boolean(r?.undeliverableReason),
      { what: 'the chat stored as undeliverable' },
    );
    expect(h.slack.calls({ method: 'chat.postMessage' }).length).toBe(postsBefore);
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);

    await connectAgain(h);
    expect(await h.store.installations.findByTeam(h.teamId)).toMatchObject({ status: 'active', orgId: h.orgId });
    // What waited is routed now, with the settings it had.
    await waitFor(
      () => h.store.conversations.get(h.orgId, waiting.id),
      (r) => Boolean(r?.thread),
      { what: 'the waiting chat routed after reconnecting' },
    );
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);

    // A reply in a thread from before the reinstall still reaches its visitor.
    await h.slack.postAsUser({
      teamId: h.teamId,
      channel: h.channelId,
      user: h.agents.alice.slackUserId,
      threadTs: before.threadTs,
      text: 'Back online, Olga!',
    });
    await waitFor(
      () => fromSlack(h, before.conversation.id),
      (texts) => texts.includes('Back online, Olga!'),
      { what: 'the reply at the visitor' },
    );
  }, 90_000);
});

describe('Disconnect from the settings, then connected again', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ runtime: 'node', name: 'connection-disconnect' });
  }, 120_000);
  afterAll(async () => h?.stop());

  it('revokes the bot token at Slack, stops sending, keeps the settings, records who; reconnecting resumes everything', async () => {
    const before = await newThread(h, 'Olga');
    const settings = await h.store.orgSettings.get(h.orgId);
    const oldToken = await h.store.installations.botToken(h.teamId, null);

    // The org's admin, signed in from the platform's Setup link, clicks Disconnect.
    const launched = await fetch(h.launchLink(), { redirect: 'manual' });
    expect(launched.status).toBe(303);
    const cookie = cookiesOf(launched);
    const asAdmin = (method: string, path: string) =>
      fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}${path}`, { method, headers: { cookie, origin: h.webUrl } });
    const disconnected = await asAdmin('DELETE', '/slack');
    expect(disconnected.status).toBe(200);
    expect(await disconnected.json()).toMatchObject({ status: 'disconnected', workspace: { id: h.teamId, name: 'Acme Sales' } });
    expect(h.slack.calls({ method: 'auth.revoke', teamId: h.teamId })).toEqual([
      expect.objectContaining({ httpStatus: 200, response: { ok: true, revoked: true } }),
    ]);
    expect(await h.store.installations.findByTeam(h.teamId)).toMatchObject({ status: 'disconnected' });

    // Slack tells the app (tokens_revoked, app_uninstalled); the worker has nothing left to end.
    await waitFor(
      () => h.slack.deliveries().filter((d) => d.eventType === 'tokens_revoked' || d.eventType === 'app_uninstalled'),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 200),
      { what: 'Slack’s revocation events answered' },
    );
    await waitFor(
      () => h.queues.slackEvents.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
      (c) => Object.values(c).every((n) => n === 0),
      { what: 'the revocation events handled' },
    );
    const revoked = await fetch(`${h.slack.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${oldToken}` } });
    expect(await revoked.json()).toEqual({ ok: false, error: 'token_revoked' });

    // A chat meanwhile: nothing is sent to Slack, and the chat waits as undeliverable.
    const postsBefore = h.slack.calls({ method: 'chat.postMessage' }).length;
    const waiting = await h.platform.startConversation(h.orgId, { visitor: { name: 'Wanda' } });
    await waitFor(
      () => h.store.conversations.get(h.orgId, waiting.id),
      (r) => Boolean(r?.undeliverableReason),
      { what: 'the chat stored as undeliverable' },
    );
    expect(h.slack.calls({ method: 'chat.postMessage' }).length).toBe(postsBefore);
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);
    const changes = (await (await asAdmin('GET', '/changes')).json()) as { lastChanges: { connection: unknown } };
    expect(changes.lastChanges.connection).toMatchObject({
      action: 'slack.disconnected',
      subject: h.teamId,
      actor: { kind: 'org-admin', userId: h.adminUserId },
    });

    // Connect again from the settings page: the install link of the admin's session.
    const conn = (await (await asAdmin('GET', '/slack')).json()) as { status: string; installUrl: string };
    expect(conn.status).toBe('disconnected');
    await connectAgain(h, new URL(conn.installUrl, h.webUrl).toString(), cookie);
    expect(await h.store.installations.findByTeam(h.teamId)).toMatchObject({ status: 'active', orgId: h.orgId });
    expect(await h.store.installations.botToken(h.teamId, null)).not.toBe(oldToken);
    expect(((await (await asAdmin('GET', '/changes')).json()) as { lastChanges: { connection: unknown } }).lastChanges.connection).toMatchObject({
      action: 'slack.connected',
      actor: { kind: 'org-admin', userId: h.adminUserId },
    });
    // What waited is routed now (the app, which left its channels with the revoked token, joins again).
    await waitFor(
      () => h.store.conversations.get(h.orgId, waiting.id),
      (r) => Boolean(r?.thread),
      { what: 'the waiting chat routed after reconnecting' },
    );
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(settings);
    // A reply in a thread from before the disconnect still reaches its visitor.
    await h.slack.postAsUser({
      teamId: h.teamId,
      channel: h.channelId,
      user: h.agents.alice.slackUserId,
      threadTs: before.threadTs,
      text: 'Back again, Olga!',
    });
    await waitFor(
      () => fromSlack(h, before.conversation.id),
      (texts) => texts.includes('Back again, Olga!'),
      { what: 'the reply at the visitor' },
    );
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
      () =>
        h.slack
          .messages(h.channelId)
          .filter((m) => m.thread_ts === first.threadTs)
          .map((m) => m.text)
          .join('\n'),
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
    await waitFor(
      () => fromSlack(h, first.conversation.id),
      (texts) => texts.includes('Yes, Rita!'),
      { what: 'the reply at the visitor' },
    );
  }, 90_000);

  it('renews ahead of expiry without waiting for Slack to refuse', async () => {
    const before = refreshes().length;
    const expiredBefore = h.slack.calls().filter((c) => c.response['error'] === 'token_expired').length;
    // Our clock reaches the last ten minutes of the token's life (it was renewed above for 15).
    await h.mongo.db.collection('installations').updateOne({ _id: h.teamId as never }, { $set: { tokenExpiresAt: new Date(Date.now() + 5 * 60_000) } });
    // The product's own writes of an installation tell the workers' token memos
    // (src/installations/bot-token-memo.ts); this edit goes around the product, so it tells them itself.
    const redis = new Redis(redisUrl());
    await installationVersions(redis, h.prefix).bump(h.teamId);
    redis.disconnect();
    await newThread(h, 'Sam');
    expect(refreshes().length).toBe(before + 1);
    expect(h.slack.calls().filter((c) => c.response['error'] === 'token_expired').length).toBe(expiredBefore);
  }, 60_000);
});
