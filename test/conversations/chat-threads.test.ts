// Which of a chat's threads a person is shown a link to (App Home, the DM answer): their own
// DM's thread first, else one in a channel; never one in someone else's DM with the app.
import { describe, expect, it } from 'vitest';
import { threadOpenableBy, threadsOf, notifiedIn } from '../../src/conversations/chat-threads.ts';
import type { ConversationRecord, MirrorThread, NotificationRecord } from '../../src/store/index.ts';

const note = (kind: 'channel' | 'dm', who: string[] = []): NotificationRecord => ({
  rule: 'r',
  reason: 'why',
  targetKind: kind,
  mentionSlackUserIds: kind === 'channel' ? who : [],
  unmappedMemberNames: [],
  groupName: null,
  dmSlackUserIds: kind === 'dm' ? who : [],
});
const mirror = (channelId: string, n: NotificationRecord): MirrorThread => ({
  ref: { teamId: 'T', channelId, threadTs: `${channelId}.1` },
  notification: n,
  opened: 'notification',
  openedAt: new Date(0),
  shownThroughSeq: null,
});

function chat(primary: { channelId: string; n: NotificationRecord } | null, mirrors: MirrorThread[] = []): ConversationRecord {
  return {
    thread: primary ? { teamId: 'T', channelId: primary.channelId, threadTs: `${primary.channelId}.1` } : null,
    notification: primary?.n ?? null,
    mirrors,
  } as unknown as ConversationRecord;
}

const cases: Array<{ name: string; record: ConversationRecord; viewer: string; channel: string | null }> = [
  { name: 'no thread yet', record: chat(null), viewer: 'UA', channel: null },
  { name: 'a channel thread is offered to anyone', record: chat({ channelId: 'C1', n: note('channel', ['UA']) }), viewer: 'UZ', channel: 'C1' },
  { name: 'the viewer’s own DM thread', record: chat({ channelId: 'DA', n: note('dm', ['UA']) }), viewer: 'UA', channel: 'DA' },
  { name: 'never another person’s DM', record: chat({ channelId: 'DA', n: note('dm', ['UA']) }), viewer: 'UB', channel: null },
  {
    name: 'their own DM among several, wherever it is',
    record: chat({ channelId: 'DA', n: note('dm', ['UA']) }, [mirror('DB', note('dm', ['UB']))]),
    viewer: 'UB',
    channel: 'DB',
  },
  {
    name: 'someone else’s DM is skipped for a channel mirror',
    record: chat({ channelId: 'DA', n: note('dm', ['UA']) }, [mirror('CG', note('channel', ['UA', 'UB']))]),
    viewer: 'UC',
    channel: 'CG',
  },
  {
    name: 'own DM beats a channel',
    record: chat({ channelId: 'C1', n: note('channel', ['UA']) }, [mirror('DA', note('dm', ['UA']))]),
    viewer: 'UA',
    channel: 'DA',
  },
];

describe('threadOpenableBy', () => {
  it.each(cases)('$name', ({ record, viewer, channel }) => {
    expect(threadOpenableBy(record, viewer)?.ref.channelId ?? null).toBe(channel);
  });
});

describe('threadsOf and notifiedIn', () => {
  it('lists the primary thread first, then the others, with whom each notified', () => {
    const record = chat({ channelId: 'C1', n: note('channel', ['UA', 'UB']) }, [mirror('DC', note('dm', ['UC']))]);
    expect(threadsOf(record).map((t) => [t.ref.channelId, t.primary, notifiedIn(t)])).toEqual([
      ['C1', true, ['UA', 'UB']],
      ['DC', false, ['UC']],
    ]);
  });
});
