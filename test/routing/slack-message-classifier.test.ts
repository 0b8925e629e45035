// classifySlackMessage: which Slack message events are a rep's reply in a conversation thread
// (relayed to the visitor) and which are ignored, with the reason logged for each.
import { describe, expect, it } from 'vitest';
import { classifySlackMessage, internalNoteText, readSlackMessageEvent } from '../../src/routing/slack-message-classifier.ts';
import type { SlackMessageEvent, SlackMessageVerdict } from '../../src/routing/slack-message-classifier.ts';

const BOT_USER = 'UBOT';

/** A rep's plain reply in a thread. */
const reply: SlackMessageEvent = {
  type: 'message',
  user: 'UREP',
  text: 'Hello there',
  ts: '1700000002.000200',
  thread_ts: '1700000001.000100',
  channel: 'C123',
};

const expectedReply: SlackMessageVerdict = {
  kind: 'reply',
  channel: 'C123',
  threadTs: '1700000001.000100',
  ts: '1700000002.000200',
  user: 'UREP',
  text: 'Hello there',
  files: [],
  inDm: false,
};

const ignore = (reason: string): SlackMessageVerdict => ({ kind: 'ignore', reason });

/** `read`: the raw event is read (readSlackMessageEvent) before it is classified, as the worker does. */
const cases: Array<{ name: string; event: SlackMessageEvent; out: SlackMessageVerdict; read?: boolean }> = [
  { name: "a rep's thread reply", event: reply, out: expectedReply },
  { name: 'thread_broadcast ("also send to channel") counts as a reply', event: { ...reply, subtype: 'thread_broadcast' }, out: expectedReply },
  { name: 'a reply without text relays empty text', event: { ...reply, text: undefined }, out: { ...expectedReply, text: '' } as SlackMessageVerdict },
  { name: "a reply from another app's user is still a reply when it has no bot_id", event: { ...reply, app_id: 'A999' }, out: expectedReply },
  {
    name: "a reply in a thread of the app's DM says so",
    event: { ...reply, channel: 'D123', channel_type: 'im' },
    out: { ...expectedReply, channel: 'D123', inDm: true } as SlackMessageVerdict,
  },
  {
    name: 'a message to the app in its DM, outside any thread, is answered',
    event: { ...reply, channel: 'D123', channel_type: 'im', thread_ts: undefined },
    out: { kind: 'direct', channel: 'D123', ts: reply.ts!, user: 'UREP' },
  },
  {
    name: "a top-level message in a channel is not the app's business",
    event: { ...reply, channel_type: 'channel', thread_ts: undefined },
    out: ignore('not a thread reply'),
  },
  {
    name: "the app's own message in its DM is not answered",
    event: { ...reply, user: BOT_USER, channel: 'D123', channel_type: 'im', thread_ts: undefined },
    out: ignore('posted by Threadbridge itself'),
  },

  { name: 'not a message event', event: { ...reply, type: 'app_mention' }, out: ignore('not a message event (app_mention)') },
  { name: 'bot_id set', event: { ...reply, bot_id: 'B1' }, out: ignore('posted by a bot') },
  { name: 'bot_message subtype without bot_id', event: { ...reply, subtype: 'bot_message' }, out: ignore('posted by a bot') },
  { name: "Threadbridge's own bot user", event: { ...reply, user: BOT_USER }, out: ignore('posted by Threadbridge itself') },
  {
    name: "Threadbridge's own thread_broadcast",
    event: { ...reply, user: BOT_USER, subtype: 'thread_broadcast' },
    out: ignore('posted by Threadbridge itself'),
  },
  { name: 'message_changed without the message', event: { ...reply, subtype: 'message_changed' }, out: ignore('an edit without the message') },
  {
    name: 'message_deleted without the previous message',
    event: { ...reply, subtype: 'message_deleted', hidden: true },
    out: ignore('a deletion without the message'),
  },
  {
    name: 'a rep edits a reply in a thread',
    event: {
      type: 'message',
      subtype: 'message_changed',
      channel: 'C123',
      hidden: true,
      message: { type: 'message', user: 'UREP', text: 'Hello!', ts: reply.ts, thread_ts: reply.thread_ts },
      previous_message: { type: 'message', user: 'UREP', text: 'Hello there', ts: reply.ts, thread_ts: reply.thread_ts },
    },
    out: { kind: 'edited', channel: 'C123', threadTs: '1700000001.000100', ts: '1700000002.000200', user: 'UREP' },
  },
  {
    name: 'a link preview added to a reply (text unchanged)',
    event: {
      type: 'message',
      subtype: 'message_changed',
      channel: 'C123',
      message: { type: 'message', user: 'UREP', text: 'Hello there', ts: reply.ts, thread_ts: reply.thread_ts },
      previous_message: { type: 'message', user: 'UREP', text: 'Hello there', ts: reply.ts, thread_ts: reply.thread_ts },
    },
    out: ignore('text unchanged'),
  },
  {
    name: 'Threadbridge updating its own parent message',
    event: {
      type: 'message',
      subtype: 'message_changed',
      channel: 'C123',
      message: { type: 'message', user: BOT_USER, bot_id: 'B1', text: 'x', ts: reply.thread_ts, thread_ts: reply.thread_ts },
    },
    out: ignore('an edit of a bot message'),
  },
  {
    name: 'a rep deletes a reply in a thread',
    event: {
      type: 'message',
      subtype: 'message_deleted',
      channel: 'C123',
      hidden: true,
      deleted_ts: reply.ts,
      previous_message: { type: 'message', user: 'UREP', text: 'Hello there', ts: reply.ts, thread_ts: reply.thread_ts },
    },
    out: { kind: 'deleted', channel: 'C123', threadTs: '1700000001.000100', ts: '1700000002.000200', user: 'UREP' },
  },
  {
    name: 'a top-level message deleted',
    event: {
      type: 'message',
      subtype: 'message_deleted',
      channel: 'C123',
      deleted_ts: reply.ts,
      previous_message: { type: 'message', user: 'UREP', text: 'x', ts: reply.ts },
    },
    out: ignore('not a thread reply'),
  },
  { name: 'channel_join subtype', event: { ...reply, subtype: 'channel_join' }, out: ignore('subtype channel_join') },
  { name: 'channel_topic subtype', event: { ...reply, subtype: 'channel_topic' }, out: ignore('subtype channel_topic') },
  {
    name: 'a file shared in the thread is a reply with its files, public ones with the URL the platform can fetch',
    event: {
      ...reply,
      subtype: 'file_share',
      files: [
        { name: 'a.pdf', mimetype: 'application/pdf', size: 10, public_url_shared: true, permalink_public: 'https://slack-files.com/T-F-x' },
        { title: 'b.png', mimetype: 'image/png', size: 20 },
      ],
    },
    out: {
      ...expectedReply,
      files: [
        { name: 'a.pdf', mimeType: 'application/pdf', size: 10, publicUrl: 'https://slack-files.com/T-F-x' },
        { name: 'b.png', mimeType: 'image/png', size: 20, publicUrl: null },
      ],
    } as SlackMessageVerdict,
  },
  {
    name: 'a file_share whose files were left out still counts one private file',
    event: { ...reply, subtype: 'file_share' },
    out: { ...expectedReply, files: [{ name: 'file', mimeType: 'application/octet-stream', size: 0, publicUrl: null }] } as SlackMessageVerdict,
  },
  {
    name: 'a reply in a Slack Connect channel names its author’s team (user_team) and the team it was written in (source_team)',
    event: { ...reply, user_team: 'T_PARTNER', source_team: 'T_PARTNER' },
    out: { ...expectedReply, userTeam: 'T_PARTNER', sourceTeam: 'T_PARTNER' } as SlackMessageVerdict,
  },
  {
    name: 'a user_team of the wrong type is read as absent',
    event: { ...reply, user_team: { id: 'T_PARTNER' } } as unknown as SlackMessageEvent,
    out: expectedReply,
    read: true,
  },
  { name: 'hidden message without a subtype', event: { ...reply, hidden: true }, out: ignore('hidden message') },
  { name: 'top-level channel message (no thread_ts)', event: { ...reply, thread_ts: undefined }, out: ignore('not a thread reply') },
  { name: 'the thread parent itself (ts === thread_ts)', event: { ...reply, ts: reply.thread_ts }, out: ignore('not a thread reply') },
  { name: 'empty thread_ts', event: { ...reply, thread_ts: '' }, out: ignore('not a thread reply') },
  { name: 'missing user', event: { ...reply, user: undefined }, out: ignore('missing user, channel or ts') },
  { name: 'empty user', event: { ...reply, user: '' }, out: ignore('missing user, channel or ts') },
  { name: 'missing channel', event: { ...reply, channel: undefined }, out: ignore('missing user, channel or ts') },
  { name: 'missing ts', event: { ...reply, ts: undefined }, out: ignore('missing user, channel or ts') },
];

describe('classifySlackMessage', () => {
  it.each(cases)('$name', ({ event, out, read }) => {
    expect(classifySlackMessage(read ? readSlackMessageEvent(event) : event, BOT_USER)).toEqual(out);
  });

  it('a bot check wins over a subtype: a bot\'s edit is "posted by a bot"', () => {
    expect(classifySlackMessage({ ...reply, bot_id: 'B1', subtype: 'message_changed' }, BOT_USER)).toEqual(ignore('posted by a bot'));
  });

  it('the bot user id is the one passed in, not a fixed value', () => {
    expect(classifySlackMessage(reply, 'UREP')).toEqual(ignore('posted by Threadbridge itself'));
    expect(classifySlackMessage({ ...reply, user: BOT_USER }, 'UOTHER')).toEqual({ ...expectedReply, user: BOT_USER });
  });
});

describe('internalNoteText', () => {
  it.each([
    ['note: call them back tomorrow', 'note:', 'call them back tomorrow'],
    ['  NOTE:   big account', 'note:', 'big account'],
    ['Note:', 'note:', ''],
    ['a note: not at the start', 'note:', null],
    ['internal> vip', 'internal>', 'vip'],
    ['note: anything', '', null],
  ])('%j with prefix %j → %j', (text, prefix, expected) => {
    expect(internalNoteText(text, prefix)).toBe(expected);
  });
});
