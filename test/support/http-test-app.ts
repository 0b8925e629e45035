// What the web app's route tests (test/http/*.redis.test.ts) share: the test app built once per
// file and closed after it (testAppPerFile, on buildTestApp), an address no Slack listens on, the
// Slack and chat-platform emulators started with a file's secrets, Slack-signed request headers,
// and the number of jobs a queue holds.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Queue } from 'bullmq';
import { signature, startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import type { Queues } from '../../src/queues/queues.ts';
import { buildTestApp, type TestApp, type TestSecrets } from './test-app.ts';

/** Slack's API and authorize page for an app that never reaches Slack (nothing listens there). */
export const NO_SLACK = { slackApiUrl: 'http://127.0.0.1:9/api/', slackAuthorizeUrl: 'http://127.0.0.1:9/oauth' };

type TestAppInput = Parameters<typeof buildTestApp>[0];

/**
 * The file's test app: built before its tests (beforeAll), closed after them (afterAll). `input` is
 * read in that beforeAll, so it may use emulators an earlier beforeAll started. The TestApp returned
 * stands for the built one, for use inside tests and hooks. `emptied`: a queue emptied before each test.
 */
export function testAppPerFile(input: TestAppInput | (() => TestAppInput), options: { emptied?: (queues: Queues) => Queue } = {}): TestApp {
  let built: TestApp | undefined;
  const app = (): TestApp => {
    if (!built) throw new Error('the test app is built in beforeAll: use it inside tests and hooks');
    return built;
  };
  beforeAll(async () => {
    built = await buildTestApp(typeof input === 'function' ? input() : input);
  });
  afterAll(async () => built?.close());
  const { emptied } = options;
  if (emptied) {
    beforeEach(async () => {
      await emptied(app().queues).obliterate({ force: true });
    });
  }
  return {
    get app() {
      return app().app;
    },
    get store() {
      return app().store;
    },
    get mongo() {
      return app().mongo;
    },
    get queues() {
      return app().queues;
    },
    get prefix() {
      return app().prefix;
    },
    get dbName() {
      return app().dbName;
    },
    logs: () => app().logs(),
    setPublicUrl: (url) => app().setPublicUrl(url),
    close: () => app().close(),
  };
}

/** A Slack emulator for the app built with `secrets`. */
export function startSlackEmulatorFor(secrets: TestSecrets): Promise<SlackEmulator> {
  return startSlackEmulator({ signingSecret: secrets.slackSigningSecret, clientId: secrets.slackClientId, clientSecret: secrets.slackClientSecret });
}

/** A chat-platform emulator for the app built with `secrets`. */
export function startChatPlatformFor(secrets: TestSecrets): Promise<ChatPlatformEmulator> {
  return startChatPlatformEmulator({ webhookSecret: secrets.chatWebhookSecret, apiToken: secrets.chatApiToken, adminLaunchSecret: secrets.adminLaunchSecret });
}

/** The timestamp and signature headers Slack sends with `raw`, signed with `secret` at `nowMs`. */
export function slackSignedHeaders(secret: string, raw: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(secret, ts, raw) };
}

/** The jobs `queue` holds, in every state. */
export function jobCount(queue: Queue): Promise<number> {
  return queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
}
