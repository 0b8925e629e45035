// Pure classification of a Slack `message` event: a rep's reply in a thread that should reach
// the visitor, an edit or deletion of one (the visitor keeps the original, and the rep is told),
// a message to the app in its DM outside any thread (answered), or something to ignore (and
// why). No I/O: the bot user id is passed in. `readSlackMessageEvent` reads a raw event into
// that shape first, so a field of the wrong type from outside is absent rather than a crash.
import { z } from 'zod';
import type { AuthorTeams } from './slack-connect-authors.ts';

export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  /** 'channel', 'group', 'im' or 'mpim': where the message was written. */
  channel_type?: string;
  hidden?: boolean;
  files?: Array<{ name?: string; title?: string; mimetype?: string; size?: number; public_url_shared?: boolean; permalink_public?: string }>;
  deleted_ts?: string;
  /** The author's team: another company's in a Slack Connect channel (absent from older payloads). */
  user_team?: string;
  /** The team the message was written in. */
  source_team?: string;
  /** message_changed: the message as it is now. */
  message?: Omit<SlackMessageEvent, 'message' | 'previous_message'>;
  /** message_changed and message_deleted: the message as it was. */
  previous_message?: Omit<SlackMessageEvent, 'message' | 'previous_message'>;
}

// Lenient on purpose: a field of the wrong type (a text that is an object, a ts that is a number)
// is read as absent, so the event is classified as what is left of it (usually: ignored).
const str = z.string().optional().catch(undefined);
const fileSchema = z.object({
  name: str,
  title: str,
  mimetype: str,
  size: z.number().finite().nonnegative().optional().catch(undefined),
  public_url_shared: z.boolean().optional().catch(undefined),
  permalink_public: str,
});
const coreFields = {
  type: z.string().catch(''),
  subtype: str,
  user: str,
  bot_id: str,
  app_id: str,
  text: str,
  ts: str,
  thread_ts: str,
  channel: str,
  channel_type: str,
  hidden: z.boolean().optional().catch(undefined),
  files: z.array(fileSchema.catch({})).optional().catch(undefined),
  deleted_ts: str,
  user_team: str,
  source_team: str,
};
const innerSchema = z.object(coreFields);
const messageEventSchema = z.object({
  ...coreFields,
  message: innerSchema.optional().catch(undefined),
  previous_message: innerSchema.optional().catch(undefined),
});

/** A raw `message` event as the classifier reads it; fields of the wrong type left out. */
export function readSlackMessageEvent(raw: unknown): SlackMessageEvent {
  const parsed = messageEventSchema.safeParse(raw);
  const event = (parsed.success ? parsed.data : { type: '' }) as Record<string, unknown>;
  // Absent, not undefined-valued: the shape callers and tests compare against.
  for (const [k, v] of Object.entries(event)) if (v === undefined) delete event[k];
  for (const key of ['message', 'previous_message'] as const) {
    const inner = event[key] as Record<string, unknown> | undefined;
    if (inner) for (const [k, v] of Object.entries(inner)) if (v === undefined) delete inner[k];
  }
  return event as unknown as SlackMessageEvent;
}

interface InThread {
  channel: string;
  threadTs: string;
  ts: string;
  user: string;
}

/** A file shared with a reply. Only a file shared publicly has a URL the platform can fetch. */
export interface SharedFile {
  name: string;
  mimeType: string;
  size: number;
  publicUrl: string | null;
}

export type SlackMessageVerdict =
  | ({ kind: 'reply'; text: string; files: SharedFile[]; inDm: boolean } & InThread & AuthorTeams)
  /** Someone wrote to the app in its DM, outside any thread: it answers (never silence). */
  | { kind: 'direct'; channel: string; ts: string; user: string }
  | ({ kind: 'edited' } & InThread)
  | ({ kind: 'deleted' } & InThread)
  | { kind: 'ignore'; reason: string };

// Subtypes that are still a person writing in the thread. Everything else (joins, topic
// changes, bot_message...) is Slack telling us about something else.
const replySubtypes = new Set(['thread_broadcast', 'file_share']);

export function classifySlackMessage(event: SlackMessageEvent, botUserId: string): SlackMessageVerdict {
  if (event.type !== 'message') return { kind: 'ignore', reason: `not a message event (${event.type})` };
  if (event.bot_id || event.subtype === 'bot_message') return { kind: 'ignore', reason: 'posted by a bot' };
  if (event.user === botUserId) return { kind: 'ignore', reason: 'posted by Threadbridge itself' };
  if (event.subtype === 'message_changed') return changeOf('edited', event.message, event.previous_message, event.channel, botUserId);
  if (event.subtype === 'message_deleted')
    return changeOf('deleted', event.previous_message, event.previous_message, event.channel, botUserId, event.deleted_ts);
  if (event.subtype && !replySubtypes.has(event.subtype)) return { kind: 'ignore', reason: `subtype ${event.subtype}` };
  if (event.hidden) return { kind: 'ignore', reason: 'hidden message' };
  const inDm = event.channel_type === 'im';
  if (!event.thread_ts || event.thread_ts === event.ts) {
    if (inDm && event.user && event.channel && event.ts) return { kind: 'direct', channel: event.channel, ts: event.ts, user: event.user };
    return { kind: 'ignore', reason: 'not a thread reply' };
  }
  if (!event.user || !event.channel || !event.ts) return { kind: 'ignore', reason: 'missing user, channel or ts' };
  return {
    kind: 'reply',
    inDm,
    channel: event.channel,
    threadTs: event.thread_ts,
    ts: event.ts,
    user: event.user,
    text: event.text ?? '',
    files: sharedFiles(event),
    ...(event.user_team ? { userTeam: event.user_team } : {}),
    ...(event.source_team ? { sourceTeam: event.source_team } : {}),
  };
}

function sharedFiles(event: SlackMessageEvent): SharedFile[] {
  // A file_share event without its files (trimmed by Slack or a proxy) still shared something.
  if (!event.files?.length) return event.subtype === 'file_share' ? [{ name: 'file', mimeType: 'application/octet-stream', size: 0, publicUrl: null }] : [];
  return event.files.map((f) => ({
    name: f.name || f.title || 'file',
    mimeType: f.mimetype || 'application/octet-stream',
    size: f.size ?? 0,
    publicUrl: f.public_url_shared && f.permalink_public ? f.permalink_public : null,
  }));
}

function changeOf(
  kind: 'edited' | 'deleted',
  message: SlackMessageEvent['message'],
  previous: SlackMessageEvent['previous_message'],
  channel: string | undefined,
  botUserId: string,
  deletedTs?: string,
): SlackMessageVerdict {
  if (!message) return { kind: 'ignore', reason: `${kind === 'edited' ? 'an edit' : 'a deletion'} without the message` };
  if (message.bot_id || message.user === botUserId) return { kind: 'ignore', reason: `${kind === 'edited' ? 'an edit' : 'a deletion'} of a bot message` };
  const ts = deletedTs ?? message.ts;
  if (!message.thread_ts || message.thread_ts === ts) return { kind: 'ignore', reason: 'not a thread reply' };
  if (!message.user || !channel || !ts) return { kind: 'ignore', reason: 'missing user, channel or ts' };
  // Slack also sends message_changed when it adds a link preview: the words did not change.
  if (kind === 'edited' && previous && previous.text === message.text) return { kind: 'ignore', reason: 'text unchanged' };
  return { kind, channel, threadTs: message.thread_ts, ts, user: message.user };
}

/** The note's text when a reply starts with the org's internal-note prefix (any case), else null. */
export function internalNoteText(text: string, prefix: string): string | null {
  const trimmed = text.trimStart();
  if (!prefix || !trimmed.toLowerCase().startsWith(prefix.toLowerCase())) return null;
  return trimmed.slice(prefix.length).trim();
}
