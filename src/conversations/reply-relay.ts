// A rep's reply in a conversation's Slack thread, relayed to the visitor through the platform.
// The clientMessageId is derived from the Slack message itself, so a retried job or a
// redelivered event sends the same id and the platform answers with the same message.
import { createHash } from 'node:crypto';
import type { ConversationDeps } from './conversation-deps.ts';
import { slackMarkupToPlainText } from '../slack/format/escape.ts';
import { ClaimBusyError, PlatformApiError, ReplyOrderError } from '../errors/index.ts';
import { markAnswered } from './answers.ts';
import { mentionedUserIds, slackUserNames } from './slack-user-names.ts';
import {
  ALERTS_ONLY_NOTICE,
  ENDED_CONVERSATION_NOTICE,
  EXTERNAL_PERSON_NOTICE,
  FILES_NOT_SENT_NOTICE,
  INTERNAL_NOTE_REACTION,
  changeNotice,
  foreignChatNotice,
  unmappedUserNotice,
} from '../slack/format/notices.ts';
import { internalNoteText, type SharedFile } from '../routing/slack-message-classifier.ts';
import { ofAnotherCompany } from './slack-connect-people.ts';
import { DEFAULT_INTERNAL_NOTE_PREFIX } from '../store/org-settings.repository.ts';
import { answerDirectMessage } from './direct-messages.ts';
import { OUTAGE_RETRY_FOR_MS } from '../queues/job-errors.ts';
import { agentOf, chatInThread, tenantToken, type SlackTenant } from './slack-tenant.ts';

export type ReplyRelayDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'activity' | 'observe'
>;

export interface SlackReply {
  channel: string;
  threadTs: string;
  ts: string;
  user: string;
  text: string;
  /** Files shared with the reply: forwarded when shared publicly, else the rep is told. */
  files: SharedFile[];
  /** Written in the person's DM with the app (where a thread that is no chat's still gets an answer). */
  inDm?: boolean;
  /** The author's team, when Slack names it: another company's in a Slack Connect channel. */
  userTeam?: string;
  sourceTeam?: string;
}

export function clientMessageIdFor(reply: { teamId: string; channel: string; ts: string }): string {
  return `slack-${createHash('sha256').update(`${reply.teamId}/${reply.channel}/${reply.ts}`).digest('hex').slice(0, 32)}`;
}

export async function relayReply(deps: ReplyRelayDeps, tenant: SlackTenant, reply: SlackReply): Promise<void> {
  // The reads that do not depend on each other go out together (each is a store round trip the
  // visitor waits for): the rep's mapping alongside the thread's conversation, then the org's
  // settings, this reply's claim and the earlier replies still on their way.
  const mappingRead = agentOf(deps, tenant, reply.user);
  mappingRead.catch(() => undefined); // awaited below; not unhandled while the thread is looked up
  const conversation = await chatInThread(deps, tenant, { channelId: reply.channel, threadTs: reply.threadTs });
  if (conversation.kind !== 'none' && (await ofAnotherCompany(deps, tenant, { userTeam: reply.userTeam, sourceTeam: reply.sourceTeam }))) {
    // A person of another company in a Slack Connect channel: nothing of theirs reaches the visitor
    // or the transcript, and they are told why (never how to get mapped: they cannot be).
    await tell(deps, tenant, reply, EXTERNAL_PERSON_NOTICE);
    deps.logger.info(
      { teamId: tenant.teamId, slackUser: reply.user, userTeam: reply.userTeam ?? reply.sourceTeam },
      'message from a person of another company refused',
    );
    return;
  }
  if (conversation.kind === 'foreign') {
    // Another org's chat (the workspace moved since): nothing reaches it, and the rep is told.
    await tell(deps, tenant, reply, foreignChatNotice('Your reply was not sent'));
    deps.logger.info({ teamId: tenant.teamId, slackUser: reply.user }, 'reply in a thread of another Slack connection refused');
    return;
  }
  if (conversation.kind === 'none') {
    // In a channel, a thread that is not a chat's: reps may talk anywhere. In the app's DM,
    // nobody else is listening, so the app answers.
    if (reply.inDm) await answerDirectMessage(deps, tenant, { channel: reply.channel, ts: reply.ts, threadTs: reply.threadTs, user: reply.user });
    return;
  }
  const { orgId, conversationId } = conversation;
  const log = deps.logger.child({ orgId, conversationId, slackUser: reply.user, ts: reply.ts });
  const clientMessageId = clientMessageIdFor({ teamId: tenant.teamId, ...reply });
  const mapping = await mappingRead;
  // An earlier reply still on its way (the platform down, a retry waiting) goes first. One older
  // than an outage is waited out for is not waited for. Read next to this reply's own claim, which
  // it leaves out: whichever of two concurrent replies claims first, the later one in Slack's
  // order sees the earlier one only if that claim is already written, exactly as when read after.
  const notBefore = new Date(deps.now().getTime() - OUTAGE_RETRY_FOR_MS - 3600_000);
  const [settings, claimed, earlier] = await Promise.all([
    deps.store.orgSettings.get(orgId),
    deps.store.relayedReplies.claim(
      {
        clientMessageId,
        orgId,
        conversationId,
        teamId: tenant.teamId,
        channelId: reply.channel,
        threadTs: reply.threadTs,
        slackTs: reply.ts,
        slackUserId: reply.user,
        agentId: mapping?.agentId ?? null,
      },
      deps.now(),
    ),
    deps.store.relayedReplies.earlierSending(orgId, conversationId, reply.ts, notBefore),
  ]);
  if (claimed.state === 'sent' && claimed.sent && claimed.agentId) {
    // Sent by an earlier delivery of this event, which may have died before it recorded the
    // answer: recorded now (markAnswered does nothing twice).
    await markAnswered(deps, orgId, conversationId, {
      agentId: claimed.agentId,
      name: claimed.sent.authorName,
      slackUserId: reply.user,
      thread: { channelId: reply.channel, threadTs: reply.threadTs },
      at: claimed.sent.at,
    });
    return;
  }
  if (claimed.state !== 'sending') return; // done by an earlier delivery of this event

  const note = internalNoteText(reply.text, settings?.internalNotePrefix ?? DEFAULT_INTERNAL_NOTE_PREFIX);
  // Notes go into the transcript under the rep's name: like replies, they need a mapped rep.
  if (!mapping) {
    const what = note !== null ? 'Your internal note was not kept' : 'Your reply was not sent';
    await refuse(deps, tenant, reply, clientMessageId, 'unmapped_slack_user', unmappedUserNotice(what));
    log.info({ note: note !== null }, 'message from an unmapped Slack user refused');
    return;
  }
  if (note !== null) {
    await keepInternal(deps, tenant, reply, clientMessageId, note, conversationId);
    log.info('internal note kept in Slack');
    return;
  }
  if (settings?.bridgeMode === 'alerts-only') {
    await refuse(deps, tenant, reply, clientMessageId, 'alerts_only', ALERTS_ONLY_NOTICE);
    return;
  }
  const token = await tenantToken(deps, tenant);
  const names = token ? await slackUserNames(deps, tenant.teamId, token, mentionedUserIds(reply.text)) : new Map<string, string>();
  const forwarded = reply.files.filter((f) => f.publicUrl);
  const kept = reply.files.length - forwarded.length;
  const written = slackMarkupToPlainText(reply.text, (id) => names.get(id)).trim();
  const text = written || forwarded.map((f) => f.name).join(', ');
  if (text === '') {
    await refuse(deps, tenant, reply, clientMessageId, 'files_only', kept > 0 ? FILES_NOT_SENT_NOTICE : 'Your reply was not sent: it was empty.');
    return;
  }
  // In the order they were written.
  const ahead = earlier.filter((r) => r.clientMessageId !== clientMessageId);
  if (ahead.length > 0) throw new ReplyOrderError(conversationId, ahead[0]!.slackTs);
  try {
    const message = await deps.platform.sendAgentMessage({
      orgId,
      conversationId,
      agentId: mapping.agentId,
      text,
      clientMessageId,
      attachments: forwarded.map((f) => ({ name: f.name, url: f.publicUrl!, mimeType: f.mimeType, size: f.size })),
    });
    await deps.store.relayedReplies.markSent(clientMessageId, message.id, { at: new Date(message.createdAt), authorName: message.author.name }, deps.now());
    log.info({ messageId: message.id, seq: message.seq, files: forwarded.length }, 'reply relayed to the visitor');
    if (kept > 0) await tell(deps, tenant, reply, FILES_NOT_SENT_NOTICE);
    await markAnswered(deps, orgId, conversationId, {
      agentId: mapping.agentId,
      name: message.author.name,
      slackUserId: reply.user,
      thread: { channelId: reply.channel, threadTs: reply.threadTs },
      at: new Date(message.createdAt),
    });
  } catch (error) {
    if (error instanceof PlatformApiError && error.status === 409 && error.code === 'conversation_ended') {
      await refuse(deps, tenant, reply, clientMessageId, 'conversation_ended', ENDED_CONVERSATION_NOTICE);
      return;
    }
    // Refused for good: recorded as such, so the chat's later replies do not wait for it.
    if (error instanceof PlatformApiError && !error.transient)
      await deps.store.relayedReplies.markRefused(clientMessageId, `platform_${error.code}`, deps.now());
    throw error;
  }
}

/** A reply edited or deleted in Slack after it reached the visitor: tell the rep the visitor still sees the original. */
export async function noticeChange(
  deps: ReplyRelayDeps,
  tenant: SlackTenant,
  change: Omit<SlackReply, 'text' | 'files'> & { kind: 'edited' | 'deleted' },
): Promise<void> {
  const relayed = await deps.store.relayedReplies.find(clientMessageIdFor({ teamId: tenant.teamId, ...change }));
  // A reply relayed for another org (the workspace moved since) is that org's: not a word of it here.
  if (!relayed || relayed.orgId !== tenant.orgId) return;
  // Still on its way to the visitor (the edit came right after it): ask again once the send settles,
  // rather than lose the notice.
  if (relayed.state === 'sending') throw new ClaimBusyError(`relay of ${relayed.clientMessageId}`);
  if (relayed.state !== 'sent') return;
  await tell(deps, tenant, change, changeNotice(change.kind));
}

async function keepInternal(
  deps: ReplyRelayDeps,
  tenant: SlackTenant,
  reply: SlackReply,
  clientMessageId: string,
  note: string,
  conversationId: string,
): Promise<void> {
  const { orgId } = tenant;
  const token = await tenantToken(deps, tenant);
  if (token) await deps.slack.addReaction(token, { channel: reply.channel, ts: reply.ts, name: INTERNAL_NOTE_REACTION });
  await deps.store.relayedReplies.markInternal(clientMessageId, note, deps.now());
  // A note written after the end changes the transcript the platform already has.
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (record?.status === 'ended') await deps.producer.pushTranscript({ orgId, conversationId });
}

async function tell(deps: ReplyRelayDeps, tenant: SlackTenant, where: Pick<SlackReply, 'channel' | 'threadTs' | 'user'>, notice: string): Promise<void> {
  const token = await tenantToken(deps, tenant);
  if (token) await deps.slack.postEphemeral(token, { channel: where.channel, user: where.user, text: notice, threadTs: where.threadTs });
}

async function refuse(deps: ReplyRelayDeps, tenant: SlackTenant, reply: SlackReply, clientMessageId: string, refusal: string, notice: string): Promise<void> {
  // Tell the rep before recording the refusal: a retry after a failed notice tries again.
  await tell(deps, tenant, reply, notice);
  await deps.store.relayedReplies.markRefused(clientMessageId, refusal, deps.now());
}
