// What the console's page polls: the emulators' state, read only, shaped for drawing. For the
// Slack pane what the picked person sees (their channels and DMs with the app, the messages with
// their Block Kit, the ephemeral messages sent to them and nobody else, their open modal); for the
// widget the demo org's chats and the one shown.
import type { ChatPlatformEmulator, ConversationSnapshot } from '../../emulators/chat-platform/index.ts';
import type { Channel, SlackEmulator, StoredMessage } from '../../emulators/slack/index.ts';
import { refuse } from './input.ts';

export interface StateQuery {
  user: string | undefined;
  channel: string | undefined;
  conversation: string | undefined;
}

interface Sources {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  orgId: string;
  teamId: string;
}

/** One line of the Slack pane: a stored message, or an ephemeral one (no ts; only its user sees it). */
export interface SlackItem {
  ts: string | null;
  /** Epoch ms, to place ephemeral messages among the stored ones. */
  time: number;
  threadTs: string | null;
  author: string;
  bot: boolean;
  text: string;
  blocks: unknown[];
  reactions: { name: string; count: number; users: string[] }[];
  edited: boolean;
  replyCount: number;
  ephemeral: boolean;
}

export function consoleState(sources: Sources, q: StateQuery) {
  return { ...slackState(sources, q), visitor: visitorState(sources, q.conversation) };
}

function slackState({ slack, teamId }: Sources, q: StateQuery) {
  const { users, channels } = slack.workspace(teamId);
  const people = users.filter((u) => !u.isBot && !u.deleted);
  const names = Object.fromEntries(users.map((u) => [u.id, u.realName || u.name]));
  if (q.user !== undefined && !people.some((p) => p.id === q.user)) refuse('user', `no person ${q.user} in the workspace`);
  const user = q.user ?? people[0]?.id ?? null;
  if (q.channel !== undefined && !channels.some((c) => c.id === q.channel)) refuse('channel', `no channel ${q.channel} in the workspace`);
  const theirs = user === null ? [] : channels.filter((c) => !c.isArchived && (c.isIm ? c.imUser === user : c.members.has(user))).sort(byKindThenName);
  const channel = theirs.find((c) => c.id === q.channel) ?? theirs.find((c) => !c.isIm) ?? theirs[0] ?? null;
  const items = channel && user ? [...stored(slack, channel.id, names), ...ephemerals(slack, channel.id, user)] : [];
  items.sort((a, b) => a.time - b.time);
  return {
    team: { id: teamId },
    people: people.map((p) => ({ id: p.id, name: p.name, realName: p.realName })),
    names,
    slack: {
      user,
      channels: theirs.map((c) => ({ id: c.id, name: c.isIm ? 'Threadbridge' : c.name, isIm: c.isIm, isPrivate: c.isPrivate })),
      hasAppDm: theirs.some((c) => c.isIm),
      channel: channel?.id ?? null,
      items,
      modal: user ? (slack.openViews(teamId, user).at(-1) ?? null) : null,
    },
  };
}

/** Channels by name, then the DM with the app. */
function byKindThenName(a: Channel, b: Channel): number {
  if (a.isIm !== b.isIm) return a.isIm ? 1 : -1;
  return a.name.localeCompare(b.name);
}

function stored(slack: SlackEmulator, channelId: string, names: Record<string, string>): SlackItem[] {
  return slack.messages(channelId).map((m: StoredMessage) => ({
    ts: m.ts,
    time: Number(m.ts) * 1000,
    threadTs: m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null,
    author: m.user && !m.bot_id ? (names[m.user] ?? m.user) : (m.username ?? (m.user ? names[m.user] : undefined) ?? 'Threadbridge'),
    bot: Boolean(m.bot_id),
    text: m.text,
    blocks: Array.isArray(m.blocks) ? m.blocks : [],
    reactions: (m.reactions ?? []).map((r) => ({ name: r.name, count: r.count, users: r.users.map((u) => names[u] ?? u) })),
    edited: Boolean(m.edited),
    replyCount: m.reply_count ?? 0,
    ephemeral: false,
  }));
}

/** chat.postEphemeral calls the emulator accepted for this person in this channel. */
function ephemerals(slack: SlackEmulator, channelId: string, userId: string): SlackItem[] {
  return slack
    .calls({ method: 'chat.postEphemeral' })
    .filter((c) => c.response['ok'] === true && c.params['channel'] === channelId && c.params['user'] === userId)
    .map((c) => ({
      ts: null,
      time: c.at,
      threadTs: typeof c.params['thread_ts'] === 'string' && c.params['thread_ts'] !== '' ? c.params['thread_ts'] : null,
      author: 'Threadbridge',
      bot: true,
      text: typeof c.params['text'] === 'string' ? c.params['text'] : '',
      blocks: blocksOf(c.params['blocks']),
      reactions: [],
      edited: false,
      replyCount: 0,
      ephemeral: true,
    }));
}

/** A recorded call's blocks: a list from a JSON body, a JSON string from a form body. */
function blocksOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function visitorState({ platform, orgId }: Sources, wanted: string | undefined) {
  const started = platform
    .events()
    .filter((e) => e.type === 'conversation.started' && e.orgId === orgId)
    .map((e) => (e.type === 'conversation.started' ? e.data.conversation : null))
    .filter((c) => c !== null)
    .reverse();
  if (wanted !== undefined && !started.some((c) => c.id === wanted)) refuse('conversation', `no chat ${wanted} in the demo org`);
  const id = wanted ?? started[0]?.id;
  const shown: ConversationSnapshot | null = id === undefined ? null : platform.conversation(orgId, id);
  return {
    orgId,
    chats: started.map((c) => ({ id: c.id, visitor: c.visitor.name ?? 'Visitor', startedAt: c.startedAt })),
    chat: shown && {
      id: shown.conversation.id,
      visitor: shown.conversation.visitor,
      account: shown.conversation.account,
      ended: shown.ended,
      endedBy: shown.endedBy,
      messages: shown.messages.map((m) => ({
        id: m.id,
        text: m.text,
        author: { type: m.author.type, name: m.author.name },
        createdAt: m.createdAt,
        attachments: m.attachments.map((a) => ({ name: a.name, url: a.url })),
      })),
      meetings: shown.meetingRequests,
      forms: shown.formRequests,
    },
  };
}
