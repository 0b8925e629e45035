// The calls made for every chat message (chat.postMessage, chat.update) go out without
// @slack/web-api's client (src/slack/slack-http.ts): each of Slack's answers must still become
// the error the job machinery acts on (a 429 waits its Retry-After, a 5xx or a dead connection is
// an outage, Slack's own code fails or retries by its kind), against the Slack emulator.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';
import { SlackApiError, SlackRateLimitedError } from '../../src/errors/index.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';
import { createSlackApi, type SlackApi } from '../../src/slack/slack-api.ts';

describe('chat.postMessage and chat.update: Slack’s answers as the job machinery reads them', () => {
  let slack: SlackEmulator;
  let api: SlackApi;
  let token: string;
  let channel: string;
  let faults: ReturnType<typeof slackFaults>;

  beforeAll(async () => {
    slack = await startSlackEmulator({ signingSecret: 's', clientId: 'c', clientSecret: 'cs' });
    const team = slack.createTeam({ name: 'T', domain: 't' });
    const user = slack.createUser(team.id, { name: 'u' });
    const install = slack.install(team.id);
    token = install.botToken;
    channel = slack.createChannel(team.id, { name: 'outcomes', memberIds: [user.id, install.botUserId] }).id;
    api = createSlackApi({ apiUrl: slack.apiUrl, clientId: 'c', clientSecret: 'cs' });
    faults = slackFaults(slack.url);
  });
  afterAll(async () => {
    await slack?.close();
  });
  beforeEach(async () => {
    slack.resetRateLimits();
    await faults.clear();
  });

  it('a post Slack accepts answers its channel and ts, and the text, thread and blocks arrive as sent', async () => {
    const parent = await api.postMessage(token, { channel, text: 'parent' });
    const reply = await api.postMessage(token, {
      channel,
      text: 'a reply with ünïcode & = + signs',
      threadTs: parent.ts,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }],
    });
    expect(reply.channel).toBe(channel);
    const posted = slack.messages(channel).find((m) => m.ts === reply.ts);
    expect(posted).toMatchObject({
      text: 'a reply with ünïcode & = + signs',
      thread_ts: parent.ts,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }],
    });
    await api.updateMessage(token, { channel, ts: parent.ts, text: 'parent, edited' });
    expect(slack.messages(channel).find((m) => m.ts === parent.ts)?.text).toBe('parent, edited');
  });

  it('a 429 is ratelimited with the Retry-After Slack sent, waited out without using an attempt', async () => {
    await faults.add({ method: 'chat.postMessage', status: 429, retryAfterSeconds: 7 });
    const error = await api.postMessage(token, { channel, text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ method: 'chat.postMessage', retryAfterSeconds: 7 });
    expect(classifyFailure(error, 0.5).kind).toBe('delay');
  });

  it('a 5xx is http_<status> and an outage; Slack’s own error code is that code', async () => {
    await faults.add({ method: 'chat.update', status: 503 });
    const outage = await api.updateMessage(token, { channel, ts: '1.1', text: 'x' }).catch((e: unknown) => e);
    expect(outage).toMatchObject({ method: 'chat.update', code: 'http_503', transient: true });
    expect(classifyFailure(outage, 0.5).kind).toBe('outage');

    const refused = await api.postMessage(token, { channel: 'C0NOSUCH', text: 'x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlackApiError);
    expect(refused).toMatchObject({ code: 'channel_not_found', transient: false });
  });

  describe('a Slack that does not answer', () => {
    let silent: Server;
    let url: string;
    beforeAll(async () => {
      // Accepts the request and never answers; or, at /gone/, closes the connection at once.
      silent = createServer((request) => {
        if (request.url?.startsWith('/gone/')) request.socket.destroy();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('within the timeout, or with the connection closed, is request_failed: an outage', async () => {
      const slow = createSlackApi({ apiUrl: `${url}/api/`, clientId: 'c', clientSecret: 's', timeoutMs: 200 });
      const started = Date.now();
      const timedOut = await slow.postMessage(token, { channel, text: 'x' }).catch((e: unknown) => e);
      expect(timedOut).toMatchObject({ method: 'chat.postMessage', code: 'request_failed', transient: true });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(classifyFailure(timedOut, 0.5).kind).toBe('outage');

      const gone = createSlackApi({ apiUrl: `${url}/gone/`, clientId: 'c', clientSecret: 's' });
      expect(await gone.postMessage(token, { channel, text: 'x' }).catch((e: unknown) => e)).toMatchObject({ code: 'request_failed', transient: true });
    });
  });
});
