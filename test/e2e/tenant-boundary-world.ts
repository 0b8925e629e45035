// The tenant-boundary end-to-end tests' world (test/e2e/tenant-boundary.scenarios.ts): the
// harness's org (A, in workspace TA) and a second org B, seeded here in its own workspace TB,
// connected through the real OAuth flow and set up through the admin API. Also: the admin API as
// an org's operator calls it (every answer kept, so a test can check none names another org),
// platform webhooks signed as any org naming any conversation, and the probes that say when the
// worker has handled an event or a click, so that a test can then assert that nothing happened.
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { connectThroughOAuth, installLink } from '../../sandbox/seed.ts';
import { signedHeaders } from '../../emulators/chat-platform/index.ts';
import type { RecordedDelivery } from '../../emulators/slack/types.ts';

export interface Person {
  agentId: string;
  slackUserId: string;
}

/** Org B: its workspace TB with Bea and Ben, their agents, and a routing group whose channel is #bravo-chats. */
export interface Bravo {
  orgId: string;
  adminUserId: string;
  teamId: string;
  channelId: string;
  groupId: string;
  bea: Person;
  ben: Person;
  /** The names B's agents have on the platform (B's data, unlike the names Slack shows for Bea and Ben). */
  agentNames: string[];
}

export interface AdminAnswer {
  status: number;
  body: any;
  text: string;
}

/**
 * The admin API with the operator token. Every answer to `recordedOrg`'s routes is kept
 * (`recorded`), whatever the test does with it.
 */
export function adminApi(h: Harness, recordedOrg: string) {
  const recorded: Array<{ request: string; answer: AdminAnswer }> = [];
  async function call(orgId: string, method: string, path: string, body?: unknown): Promise<AdminAnswer> {
    const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
      method,
      headers: { authorization: `Bearer ${h.secrets.adminApiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const answer = { status: response.status, body: text ? JSON.parse(text) : null, text };
    if (orgId === recordedOrg) recorded.push({ request: `${method} ${path}`, answer });
    return answer;
  }
  /** Calls and throws unless the answer has `status`. */
  async function expectStatus(orgId: string, status: number, method: string, path: string, body?: unknown): Promise<AdminAnswer> {
    const answer = await call(orgId, method, path, body);
    if (answer.status !== status) throw new Error(`${method} /api/orgs/${orgId}${path} answered ${answer.status} (expected ${status}): ${answer.text}`);
    return answer;
  }
  /** Waits until the org's directory (its connected workspace's) knows a user or a channel. */
  async function directoryKnows(orgId: string, kind: 'users/by-username' | 'channels/by-name', name: string): Promise<void> {
    await waitFor(
      () => call(orgId, 'GET', `/directory/${kind}/${name}`),
      (r) => r.status === 200,
      { what: `the directory of ${orgId} to know ${name}`, timeoutMs: 30_000 },
    );
  }
  return { call, expectStatus, directoryKnows, recorded };
}

export type AdminApi = ReturnType<typeof adminApi>;

/** Org B in workspace TB: connected through OAuth, Bea and Ben mapped and #bravo-chats its group's channel, all through the admin API. */
export async function seedBravo(h: Harness, api: AdminApi): Promise<Bravo> {
  const team = h.slack.createTeam({ name: 'Bravo Works', domain: 'bravo-works' });
  const beaSlack = h.slack.createUser(team.id, { name: 'bea', realName: 'Bea Baker', email: 'bea@bravo.test' });
  const benSlack = h.slack.createUser(team.id, { name: 'ben', realName: 'Ben Brown', email: 'ben@bravo.test' });
  const channel = h.slack.createChannel(team.id, { name: 'bravo-chats', memberIds: [beaSlack.id, benSlack.id] });

  const org = h.platform.createOrg({ name: 'Bravo' });
  const admin = h.platform.addAdmin(org.id, { name: 'Bo Admin', email: 'bo@bravo.test' });
  const agentNames = ['Beatrix of Bravo', 'Benedikt of Bravo'];
  const beaAgent = h.platform.addAgent(org.id, { name: agentNames[0]!, email: 'bea@bravo.test', status: 'online' });
  const benAgent = h.platform.addAgent(org.id, { name: agentNames[1]!, email: 'ben@bravo.test', status: 'online' });
  const group = h.platform.addRoutingGroup(org.id, { name: 'Bravo Sales', memberAgentIds: [beaAgent.id, benAgent.id] });

  await connectThroughOAuth(h.slack, await installLink(h.webUrl, h.secrets.adminApiToken, org.id), { teamId: team.id, userId: beaSlack.id });
  await api.directoryKnows(org.id, 'users/by-username', 'bea');
  await api.directoryKnows(org.id, 'users/by-username', 'ben');
  await api.directoryKnows(org.id, 'channels/by-name', 'bravo-chats');
  await api.expectStatus(org.id, 200, 'PUT', `/agents/${beaAgent.id}/slack-user`, { username: 'bea' });
  await api.expectStatus(org.id, 200, 'PUT', `/agents/${benAgent.id}/slack-user`, { username: 'ben' });
  await api.expectStatus(org.id, 200, 'PUT', `/routing-groups/${group.id}/slack-channel`, { channel: 'bravo-chats' });

  return {
    orgId: org.id,
    adminUserId: admin.id,
    teamId: team.id,
    channelId: channel.id,
    groupId: group.id,
    bea: { agentId: beaAgent.id, slackUserId: beaSlack.id },
    ben: { agentId: benAgent.id, slackUserId: benSlack.id },
    agentNames,
  };
}

/** The conversation's thread, once the worker has opened it. */
export async function threadOf(h: Harness, orgId: string, conversationId: string): Promise<{ teamId: string; channelId: string; threadTs: string }> {
  const record = await waitFor(
    () => h.store.conversations.get(orgId, conversationId),
    (r) => Boolean(r?.thread),
    { what: `the thread of ${conversationId}`, timeoutMs: 30_000 },
  );
  return record!.thread!;
}

/** A platform webhook as the platform signs it, for `orgId`, with whatever `data` the test names; answered 202. */
export async function sendWebhook(h: Harness, orgId: string, type: string, data: Record<string, unknown>): Promise<string> {
  const id = `evt_tenant_${randomUUID()}`;
  const raw = JSON.stringify({ id, type, orgId, occurredAt: new Date().toISOString(), data });
  const response = await fetch(`${h.webUrl}/webhooks/chat`, {
    method: 'POST',
    headers: signedHeaders(h.secrets.chatWebhookSecret, raw, Date.now()),
    body: raw,
  });
  if (response.status !== 202) throw new Error(`POST /webhooks/chat (${type}) answered ${response.status}: ${await response.text()}`);
  return id;
}

/**
 * Waits until the worker has run a job of `queue` that `match` picks out at least once: completed,
 * failed for good, or back in delayed after an attempt (a retry would do what the attempt did).
 * What the job itself calls (Slack, the platform) is then recorded by the emulators.
 */
export async function jobRan<T>(queue: Queue<T>, match: (data: T) => boolean, what: string): Promise<void> {
  await waitFor(
    async () => {
      const jobs = await queue.getJobs(['completed', 'failed', 'delayed']);
      return jobs.some((job) => job && match(job.data) && (job.finishedOn !== undefined || (job.attemptsStarted ?? 0) >= 1));
    },
    (ran) => ran,
    { what: `the worker to have handled ${what}`, timeoutMs: 30_000 },
  );
}

/**
 * Nothing waiting or running in the queues an event's follow-ups go through; with `delayedToo`,
 * nothing delayed either (a post waiting for its channel's budget is a delayed job, and would land
 * in its thread after a mark taken now).
 */
export async function queuesSettled(h: Harness, options: { delayedToo?: boolean } = {}): Promise<void> {
  const { chatEvents, chatStarts, slackEvents, slackInteractions, threadSync, transcripts, orgChanges } = h.queues;
  await h.platform.idle();
  await waitFor(
    async () => {
      const counts = await Promise.all(
        [chatEvents, chatStarts, slackEvents, slackInteractions, threadSync, transcripts, orgChanges].map((q) =>
          q.getJobCounts('waiting', 'active', 'prioritized', ...(options.delayedToo ? (['delayed'] as const) : [])),
        ),
      );
      return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    },
    (n) => n === 0,
    { what: 'the queues to be settled', timeoutMs: 30_000 },
  );
}

/** The Slack event delivery `match` picks out, once the app answered it; then the worker's handling of it. */
export async function slackEventHandled(
  h: Harness,
  match: (delivery: RecordedDelivery, event: Record<string, unknown>) => boolean,
  what: string,
): Promise<void> {
  const delivery = await waitFor(
    () => h.slack.deliveries().find((d) => d.kind === 'event' && d.status !== null && match(d, (d.body as { event: Record<string, unknown> }).event)),
    (d) => Boolean(d),
    { what: `Slack's delivery of ${what} to the app` },
  );
  if (delivery!.status !== 200) throw new Error(`the app answered ${delivery!.status} to ${what}`);
  await jobRan(h.queues.slackEvents, (data) => data.eventId === delivery!.eventId, what);
  await queuesSettled(h);
}

/** The interaction delivered after `afterSeq` that `match` picks out; then the worker's handling of it. */
export async function interactionHandled(h: Harness, afterSeq: number, match: (payload: Record<string, any>) => boolean, what: string): Promise<void> {
  const delivery = h.slack.deliveries().find((d) => d.kind === 'interaction' && d.seq > afterSeq && match(d.body as Record<string, any>));
  if (!delivery) throw new Error(`no interaction delivery for ${what}`);
  if (delivery.status !== 200) throw new Error(`the app answered ${delivery.status} to ${what}`);
  const trigger = (delivery.body as { trigger_id: string }).trigger_id;
  await jobRan(h.queues.slackInteractions, (data) => data.payload.trigger_id === trigger, what);
  await queuesSettled(h);
}

export const lastDeliverySeq = (h: Harness): number => h.slack.deliveries().at(-1)?.seq ?? 0;
