// Pure classification of a Slack `message` event: is it a rep's reply in a thread that should
// reach the visitor, or something to ignore (and why)? No I/O: the bot user id is passed in.

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
  hidden?: boolean;
}

export type SlackMessageVerdict =
  | { kind: 'reply'; channel: string; threadTs: string; ts: string; user: string; text: string }
  | { kind: 'ignore'; reason: string };

// Subtypes that are still a person writing in the thread. Everything else (joins, edits,
// deletions, bot_message, channel topic changes...) is Slack telling us about something else.
const replySubtypes = new Set(['thread_broadcast']);

export function classifySlackMessage(event: SlackMessageEvent, botUserId: string): SlackMessageVerdict {
  if (event.type !== 'message') return { kind: 'ignore', reason: `not a message event (${event.type})` };
  if (event.bot_id || event.subtype === 'bot_message') return { kind: 'ignore', reason: 'posted by a bot' };
  if (event.user === botUserId) return { kind: 'ignore', reason: 'posted by Threadbridge itself' };
  if (event.subtype && !replySubtypes.has(event.subtype)) return { kind: 'ignore', reason: `subtype ${event.subtype}` };
  if (event.hidden) return { kind: 'ignore', reason: 'hidden message' };
  if (!event.thread_ts || event.thread_ts === event.ts) return { kind: 'ignore', reason: 'not a thread reply' };
  if (!event.user || !event.channel || !event.ts) return { kind: 'ignore', reason: 'missing user, channel or ts' };
  return { kind: 'reply', channel: event.channel, threadTs: event.thread_ts, ts: event.ts, user: event.user, text: event.text ?? '' };
}
