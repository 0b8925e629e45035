// withInternalNotes: the transcript's order, chat messages by seq with reps' internal notes placed
// by time and marked internal.
import { describe, expect, it } from 'vitest';
import { withInternalNotes } from '../../src/jobs/processors/transcript.processor.ts';
import type { TranscriptMessage } from '../../src/platform/platform-api.ts';

const message = (seq: number, createdAt: string): TranscriptMessage => ({
  id: `m${seq}`,
  seq,
  createdAt,
  text: `message ${seq}`,
  author: { type: 'visitor', id: 'v', name: 'V', avatarUrl: null },
  origin: 'web',
  attachments: [],
  clientMessageId: null,
});
const note = (id: string, createdAt: string) => ({
  id,
  createdAt,
  text: `note ${id}`,
  author: { type: 'agent' as const, id: 'a1', name: 'Alice', avatarUrl: null },
  clientMessageId: `slack-${id}`,
});

describe('withInternalNotes', () => {
  it('places notes after the message they follow, with its seq (the first message’s before any), marked internal', () => {
    const out = withInternalNotes(
      [message(2, '2026-11-25T12:00:02Z'), message(1, '2026-11-25T12:00:01Z'), message(3, '2026-11-25T12:00:05Z')],
      [note('late', '2026-11-25T12:00:09Z'), note('mid', '2026-11-25T12:00:03+00:00'), note('first', '2026-11-25T12:00:00.500Z')],
    );
    expect(out.map((m) => [m.id, m.seq, m.internal ?? false])).toEqual([
      ['first', 1, true],
      ['m1', 1, false],
      ['m2', 2, false],
      ['mid', 2, true],
      ['m3', 3, false],
      ['late', 3, true],
    ]);
    expect(out.find((m) => m.id === 'mid')).toMatchObject({ origin: 'slack', attachments: [], text: 'note mid', author: { name: 'Alice' } });
  });

  it('places a note by when it was written in Slack against a reply from Slack, however late a worker relayed the reply', () => {
    // The note was written at :01 and the reply at :02; the reply reached the platform at :05 and
    // the note's event was handled after that.
    const reply = { ...message(1, '2026-11-25T12:00:05Z'), origin: 'slack' as const, clientMessageId: 'slack-reply' };
    const out = withInternalNotes([reply], [note('before', '2026-11-25T12:00:01Z')], (m) =>
      m.clientMessageId === 'slack-reply' ? Date.parse('2026-11-25T12:00:02Z') : undefined,
    );
    expect(out.map((m) => [m.id, m.internal ?? false])).toEqual([
      ['before', true],
      ['m1', false],
    ]);
  });

  it('leaves a transcript without notes as the messages in seq order', () => {
    expect(withInternalNotes([message(2, '2026-11-25T12:00:02Z'), message(1, '2026-11-25T12:00:01Z')], []).map((m) => m.seq)).toEqual([1, 2]);
  });
});
