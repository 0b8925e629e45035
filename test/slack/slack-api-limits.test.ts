// The Slack client (src/slack/slack-api.ts) against the Slack emulator: every payload goes out
// within Slack's limits whoever built it, and when Slack still refuses a message's blocks the
// text goes out alone (once: Slack posted nothing the first time).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { createSlackApi, type SlackApi, type SlackBlock } from '../../src/slack/slack-api.ts';
import { SlackApiError } from '../../src/errors/index.ts';

describe('the Slack client keeps every payload within Slack’s limits', () => {
  let slack: SlackEmulator;
  let api: SlackApi;
  let token: string;
  let channel: string;

  beforeAll(async () => {
    slack = await startSlackEmulator({ signingSecret: 's', clientId: 'c', clientSecret: 'cs' });
    const team = slack.createTeam({ name: 'T', domain: 't' });
    const user = slack.createUser(team.id, { name: 'u' });
    const install = slack.install(team.id);
    token = install.botToken;
    channel = slack.createChannel(team.id, { name: 'limits', memberIds: [user.id, install.botUserId] }).id;
    api = createSlackApi({ apiUrl: slack.apiUrl, clientId: 'c', clientSecret: 'cs' });
  });
  afterAll(async () => {
    await slack?.close();
  });
  // chat.postMessage's per-channel bucket holds three posts; each test starts with it full.
  beforeEach(() => slack.resetRateLimits());

  const posts = () => slack.calls({ method: 'chat.postMessage' });

  it('a message of any size, with oversized blocks, is cut to fit and accepted', async () => {
    const before = posts().length;
    const blocks = [...Array.from({ length: 60 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(5000) } }))] as SlackBlock[];
    const posted = await api.postMessage(token, { channel, text: 'y'.repeat(50_000), blocks, username: 'n'.repeat(200) });
    expect(posted.plainText).toBeUndefined();
    const [call] = posts().slice(before);
    expect(call!.response.ok).toBe(true);
    expect(String(call!.params.text).length).toBeLessThanOrEqual(4000);
    expect((call!.params.blocks as unknown[]).length).toBe(50);
  });

  it('blocks Slack refuses anyway: the text goes out alone, once', async () => {
    const before = posts().length;
    const posted = await api.postMessage(token, { channel, text: 'the words', blocks: [{ type: 'no_such_block' } as unknown as SlackBlock] });
    expect(posted.plainText).toBe(true);
    const calls = posts().slice(before);
    expect(calls.map((c) => (c.response.ok === true ? 'ok' : c.response.error))).toEqual(['invalid_blocks', 'ok']);
    expect(calls[1]!.params.blocks).toBeUndefined();
    expect(calls[1]!.params.text).toBe('the words');
    expect(slack.messages(channel).filter((m) => m.text === 'the words')).toHaveLength(1);
  });

  it('a post that asks for no fallback (a combined post) is refused as it is', async () => {
    const before = posts().length;
    const refused = await api
      .postMessage(token, { channel, text: 'combined', blocks: [{ type: 'no_such_block' } as unknown as SlackBlock], plainFallback: false })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlackApiError);
    expect((refused as SlackApiError).code).toBe('invalid_blocks');
    expect(posts().slice(before)).toHaveLength(1);
  });

  it('chat.update falls back to the text too', async () => {
    const { ts } = await api.postMessage(token, { channel, text: 'to update' });
    await api.updateMessage(token, { channel, ts, text: 'updated', blocks: [{ type: 'no_such_block' } as unknown as SlackBlock] });
    expect(slack.messages(channel).find((m) => m.ts === ts)?.text).toBe('updated');
  });
});
