// Someone wrote to the app in its DM, but not in a chat's thread: the app answers, once, with
// what it does and that person's open chats (each linked where they can open it), or, for a
// Slack user no agent is mapped to, how to get mapped. Nobody else reads that DM, so silence
// would leave the person guessing.
import type { ConversationDeps } from './conversation-deps.ts';
import { unmappedUserNotice } from '../slack/format/notices.ts';
import { openChatsText, type OpenChatLine } from '../slack/format/direct-answer.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { threadOpenableBy } from './chat-threads.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { ClaimBusyError } from '../errors/index.ts';
import { agentOf, tenantToken, type SlackTenant } from './slack-tenant.ts';

export type DirectMessagesDeps = Pick<ConversationDeps, 'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

const LISTED = 10;

export interface DirectMessage {
  channel: string;
  ts: string;
  /** The thread it was written in (one that is no chat's), or null at the top of the DM. */
  threadTs: string | null;
  user: string;
}

export async function answerDirectMessage(deps: DirectMessagesDeps, tenant: SlackTenant, message: DirectMessage): Promise<void> {
  const { teamId } = tenant;
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  const claimed = await deps.store.slackRouting.claimDirectAnswer(teamId, message.channel, message.ts, deps.now());
  if (claimed === 'done') return;
  if (claimed === 'busy') throw new ClaimBusyError(`answer to ${message.channel}/${message.ts}`);
  try {
    const text = await answerFor(deps, tenant, message, token);
    await postJoiningIfNeeded(deps, teamId, token, { channel: message.channel, text, ...(message.threadTs ? { threadTs: message.threadTs } : {}) });
  } catch (error) {
    await deps.store.slackRouting.releaseDirectAnswer(teamId, message.channel, message.ts);
    throw error;
  }
  await deps.store.slackRouting.settleDirectAnswer(teamId, message.channel, message.ts, deps.now());
  deps.logger.info({ teamId, slackUser: message.user }, 'answered a message in the app’s DM');
}

async function answerFor(deps: DirectMessagesDeps, tenant: SlackTenant, message: DirectMessage, token: string): Promise<string> {
  const mapping = await agentOf(deps, tenant, message.user);
  if (!mapping) return openChatsText({ mapped: false, unmappedNotice: unmappedUserNotice('You cannot answer chats from Slack yet'), chats: [], more: 0 });
  const records = await deps.store.conversations.listOpenForAgent(mapping.orgId, mapping.agentId, LISTED + 1);
  const now = deps.now().getTime();
  const chats: OpenChatLine[] = [];
  for (const record of records.slice(0, LISTED)) {
    const thread = threadOpenableBy(record, message.user);
    chats.push({
      visitorName: visitorDisplayName(record.conversation),
      waitingMinutes: Math.max(0, Math.floor((now - record.createdAt.getTime()) / 60_000)),
      link: thread ? await deps.slack.getPermalink(token, { channel: thread.ref.channelId, ts: thread.ref.threadTs }).catch(() => null) : null,
    });
  }
  return openChatsText({ mapped: true, unmappedNotice: null, chats, more: Math.max(0, records.length - LISTED) });
}
