// Helpers the conversation-message tests share (test/slack/conversation-*.test.ts): a conversation
// and a chat message with overrides, the text of each block, and the check that split text lost
// nothing; Slack's section text limit.
import { expect } from 'vitest';
import type { Conversation, Message } from '../../src/platform/webhook-events.ts';
import type { SlackBlock } from '../../src/slack/slack-api.ts';

export const LIMIT = 3000;

export function conversation(over: Partial<Conversation> = {}, visitor: Partial<Conversation['visitor']> = {}): Conversation {
  return {
    id: 'conv_1',
    orgId: 'org_1',
    routingGroupId: null,
    source: 'web',
    pageUrl: null,
    startedAt: '2026-11-24T12:00:00.000Z',
    visitor: { id: 'vis_1', name: null, email: null, company: null, ...visitor },
    account: null,
    ...over,
  };
}

export function message(over: Partial<Message> = {}, author: Partial<Message['author']> = {}): Message {
  return {
    id: 'msg_1',
    seq: 1,
    createdAt: '2026-11-24T12:00:01.000Z',
    text: 'Hello',
    author: { type: 'visitor', id: 'vis_1', name: 'Ada', avatarUrl: null, ...author },
    origin: 'web',
    attachments: [],
    clientMessageId: null,
    ...over,
  };
}

/** The mrkdwn text of each section / context block, in order. */
export function texts(blocks: SlackBlock[]): Array<{ type: string; text: string }> {
  return blocks.map((block) => {
    const b = block as { type: string; text?: { text: string }; elements?: Array<{ text: string }> };
    return { type: b.type, text: b.text?.text ?? b.elements?.map((e) => e.text).join('') ?? '' };
  });
}

/**
 * Asserts the chunks, joined, are exactly `input` except for at most one space or newline
 * dropped at each cut, and that each chunk is non-empty and within the limit.
 */
export function expectLossless(chunks: string[], input: string, limit: number): void {
  let pos = 0;
  chunks.forEach((chunk, i) => {
    expect(chunk.length, `chunk ${i} length`).toBeLessThanOrEqual(limit);
    expect(chunk.length, `chunk ${i} is empty`).toBeGreaterThan(0);
    if (i > 0 && !input.startsWith(chunk, pos)) {
      expect([' ', '\n'], `dropped char before chunk ${i}`).toContain(input[pos]);
      pos += 1;
    }
    expect(input.startsWith(chunk, pos), `chunk ${i} continues the input at ${pos}`).toBe(true);
    pos += chunk.length;
  });
  expect(pos).toBe(input.length);
}

export function baseMessageForRegression() {
  return {
    id: 'msg_r',
    seq: 1,
    createdAt: '2026-11-24T12:00:00.000Z',
    text: 'see attached',
    author: { type: 'visitor' as const, id: 'v1', name: 'Vera', avatarUrl: null },
    origin: 'web' as const,
    attachments: [],
    clientMessageId: null,
  };
}
