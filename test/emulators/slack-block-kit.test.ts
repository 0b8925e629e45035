// Slack emulator Block Kit limits (docs.slack.dev block and element reference; platform-facts):
// each limit passes exactly at it and fails one over, with Slack's "[ERROR] … [json-pointer:…]"
// message, in messages (chat.postMessage, chat.update), modals (views.open) and the Home tab.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS, validateBlocks } from '../../emulators/slack/blocks.ts';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { slackErrorBody } from './emulator-test-helpers.ts';

type Block = Record<string, unknown>;

const plain = (text: string): Block => ({ type: 'plain_text', text });
const mrkdwn = (text: string): Block => ({ type: 'mrkdwn', text });
/** A URL of exactly `n` characters. */
const url = (n: number): string => `https://x.test/${'a'.repeat(n - 15)}`;
const button = (over: Block = {}): Block => ({ type: 'button', action_id: 'go', text: plain('Go'), ...over });
const image = (over: Block = {}): Block => ({ type: 'image', image_url: url(30), alt_text: 'a picture', ...over });

interface LimitCase {
  what: string;
  limit: number;
  /** The blocks with the limited thing at size `n`. */
  blocks(n: number): Block[];
  /** Where Slack points when it is one over, and what it says. */
  pointer: string;
  message: (limit: number) => string;
}

const chars = (limit: number): string => `must be less than ${limit + 1} characters`;
const items = (limit: number): string => `must be no more than ${limit} items`;

const CASES: LimitCase[] = [
  { what: 'section text', limit: 3000, pointer: '/blocks/0/text/text', message: chars, blocks: (n) => [{ type: 'section', text: mrkdwn('s'.repeat(n)) }] },
  {
    what: 'section fields (count)',
    limit: 10,
    pointer: '/blocks/0/fields',
    message: items,
    blocks: (n) => [{ type: 'section', fields: Array.from({ length: n }, (_, i) => mrkdwn(`f${i}`)) }],
  },
  {
    what: 'section field text',
    limit: 2000,
    pointer: '/blocks/0/fields/1/text',
    message: chars,
    blocks: (n) => [{ type: 'section', fields: [mrkdwn('ok'), mrkdwn('f'.repeat(n))] }],
  },
  { what: 'header text', limit: 150, pointer: '/blocks/0/text/text', message: chars, blocks: (n) => [{ type: 'header', text: plain('h'.repeat(n)) }] },
  {
    what: 'context elements',
    limit: 10,
    pointer: '/blocks/0/elements',
    message: items,
    blocks: (n) => [{ type: 'context', elements: Array.from({ length: n }, (_, i) => mrkdwn(`c${i}`)) }],
  },
  {
    what: 'button text (actions block)',
    limit: 75,
    pointer: '/blocks/0/elements/1/text/text',
    message: chars,
    blocks: (n) => [{ type: 'actions', elements: [button({ action_id: 'a' }), button({ text: plain('b'.repeat(n)) })] }],
  },
  {
    what: 'button text (section accessory)',
    limit: 75,
    pointer: '/blocks/0/accessory/text/text',
    message: chars,
    blocks: (n) => [{ type: 'section', text: mrkdwn('x'), accessory: button({ text: plain('b'.repeat(n)) }) }],
  },
  {
    what: 'button value (actions block)',
    limit: 2000,
    pointer: '/blocks/0/elements/0/value',
    message: chars,
    blocks: (n) => [{ type: 'actions', elements: [button({ value: 'v'.repeat(n) })] }],
  },
  {
    what: 'button value (section accessory)',
    limit: 2000,
    pointer: '/blocks/0/accessory/value',
    message: chars,
    blocks: (n) => [{ type: 'section', text: mrkdwn('x'), accessory: button({ value: 'v'.repeat(n) }) }],
  },
  {
    what: 'button url (actions block)',
    limit: 3000,
    pointer: '/blocks/0/elements/0/url',
    message: chars,
    blocks: (n) => [{ type: 'actions', elements: [button({ url: url(n) })] }],
  },
  {
    what: 'button url (section accessory)',
    limit: 3000,
    pointer: '/blocks/0/accessory/url',
    message: chars,
    blocks: (n) => [{ type: 'section', text: mrkdwn('x'), accessory: button({ url: url(n) }) }],
  },
  { what: 'image block image_url', limit: 3000, pointer: '/blocks/0/image_url', message: chars, blocks: (n) => [image({ image_url: url(n) })] },
  {
    what: 'image element image_url (section accessory)',
    limit: 3000,
    pointer: '/blocks/0/accessory/image_url',
    message: chars,
    blocks: (n) => [{ type: 'section', text: mrkdwn('x'), accessory: image({ image_url: url(n) }) }],
  },
  {
    what: 'image element image_url (context)',
    limit: 3000,
    pointer: '/blocks/0/elements/0/image_url',
    message: chars,
    blocks: (n) => [{ type: 'context', elements: [image({ image_url: url(n) })] }],
  },
  { what: 'image block alt_text', limit: 2000, pointer: '/blocks/0/alt_text', message: chars, blocks: (n) => [image({ alt_text: 'a'.repeat(n) })] },
  {
    what: 'image element alt_text (section accessory)',
    limit: 2000,
    pointer: '/blocks/0/accessory/alt_text',
    message: chars,
    blocks: (n) => [{ type: 'section', text: mrkdwn('x'), accessory: image({ alt_text: 'a'.repeat(n) }) }],
  },
  {
    what: 'image element alt_text (context)',
    limit: 2000,
    pointer: '/blocks/0/elements/0/alt_text',
    message: chars,
    blocks: (n) => [{ type: 'context', elements: [image({ alt_text: 'a'.repeat(n) })] }],
  },
];

describe('validateBlocks: each limit, exactly at it and one over', () => {
  it.each(CASES)('$what: $limit', ({ limit, blocks, pointer, message }) => {
    expect(validateBlocks(blocks(limit), MAX_MESSAGE_BLOCKS)).toBeNull();
    expect(validateBlocks(blocks(limit + 1), MAX_MESSAGE_BLOCKS)).toEqual({
      code: 'invalid_blocks',
      messages: [`[ERROR] ${message(limit)} [json-pointer:${pointer}]`],
    });
  });

  it('at most 50 blocks a message and 100 in a view', () => {
    const dividers = (n: number): Block[] => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(validateBlocks(dividers(50), MAX_MESSAGE_BLOCKS)).toBeNull();
    expect(validateBlocks(dividers(51), MAX_MESSAGE_BLOCKS)?.messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
    expect(validateBlocks(dividers(100), MAX_VIEW_BLOCKS, '/view/blocks')).toBeNull();
    expect(validateBlocks(dividers(101), MAX_VIEW_BLOCKS, '/view/blocks')?.messages).toEqual([
      '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
    ]);
  });

  it('a button needs plain_text text; an image needs alt_text', () => {
    expect(validateBlocks([{ type: 'actions', elements: [button({ text: mrkdwn('*Go*') })] }], 50)?.messages).toEqual([
      '[ERROR] must be a valid enum value [json-pointer:/blocks/0/elements/0/text/type]',
    ]);
    expect(validateBlocks([{ type: 'image', image_url: url(30) }], 50)?.messages).toEqual([
      '[ERROR] missing required field: alt_text [json-pointer:/blocks/0/alt_text]',
    ]);
  });
});

describe('the limits where Slack checks blocks', () => {
  let t = 1_764_075_600_000;
  let emu: SlackEmulator;
  let team: Team;
  let alice: User;
  let general: Channel;
  let inst: Installation;
  let c: WebClient;
  const tooLongButton = [{ type: 'actions', elements: [button({ text: plain('b'.repeat(76)) })] }];
  const tooLongMessage = '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]';

  beforeEach(async () => {
    t = 1_764_075_600_000;
    emu = await startSlackEmulator({ signingSecret: 'sig', clientId: '1.2', clientSecret: 'sec', now: () => t });
    team = emu.createTeam({ name: 'Acme', domain: 'acme' });
    alice = emu.createUser(team.id, { name: 'alice' });
    inst = emu.install(team.id);
    general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, inst.botUserId] });
    c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await emu.close();
  });

  it('chat.postMessage and chat.update answer invalid_blocks with the message, and keep the message as it was', async () => {
    expect(await slackErrorBody(c.chat.postMessage({ channel: general.id, text: 'x', blocks: tooLongButton as never }))).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: [tooLongMessage] },
    });
    const posted = await c.chat.postMessage({ channel: general.id, text: 'x', blocks: CASES[5]!.blocks(75) as never });
    expect(posted.ok).toBe(true);
    expect(await slackErrorBody(c.chat.update({ channel: general.id, ts: posted.ts!, text: 'y', blocks: tooLongButton as never }))).toMatchObject({
      error: 'invalid_blocks',
      response_metadata: { messages: [tooLongMessage] },
    });
    expect(emu.messages(general.id).map((m) => m.text)).toEqual(['x']);
  });

  it('views.open and views.publish answer invalid_arguments (Slack’s code for a bad view) with the same message under /view', async () => {
    const modal = { type: 'modal', title: plain('Hi'), blocks: tooLongButton };
    expect(await slackErrorBody(c.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: modal as never }))).toMatchObject({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/elements/0/text/text]'] },
    });
    const home = { type: 'home', blocks: [image({ alt_text: 'a'.repeat(2001) })] };
    expect(await slackErrorBody(c.views.publish({ user_id: alice.id, view: home as never }))).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: ['[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/alt_text]'] },
    });
    expect(emu.homeView(team.id, alice.id)).toBeNull();
  });
});
