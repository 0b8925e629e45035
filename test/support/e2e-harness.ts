// The whole product for end-to-end tests: Slack and chat-platform emulators, the web app on a
// real port, and a worker process on Node.js or Deno, all against the shared test Redis and
// FerretDB with a fresh queue prefix and database. Seeds one org, one workspace installed
// through the real OAuth flow, two agents mapped to Slack users, and a notification channel.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import type { Mongo, Store } from '../../src/store/index.ts';
import type { Queues } from '../../src/jobs/queues.ts';
import { mongoUrl, redisUrl } from './services.ts';
import { buildTestApp, newSecrets } from './test-app.ts';
import { waitFor } from './wait-for.ts';

export type WorkerRuntime = 'node' | 'deno';

export interface Harness {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  app: FastifyInstance;
  webUrl: string;
  store: Store;
  mongo: Mongo;
  queues: Queues;
  orgId: string;
  teamId: string;
  channelId: string;
  botUserId: string;
  agents: { alice: { agentId: string; slackUserId: string }; bob: { agentId: string; slackUserId: string } };
  unmappedSlackUserId: string;
  secrets: { slackSigningSecret: string; chatWebhookSecret: string };
  stop(): Promise<void>;
}

const repoRoot = new URL('../../', import.meta.url).pathname;

export async function startHarness(options: { runtime: WorkerRuntime; name: string; gapWaitMs?: number }): Promise<Harness> {
  const secrets = newSecrets();
  const slack = await startSlackEmulator({
    signingSecret: secrets.slackSigningSecret,
    clientId: secrets.slackClientId,
    clientSecret: secrets.slackClientSecret,
    eventRetryDelaysMs: [0, 200, 400],
  });
  const platform = await startChatPlatformEmulator({
    webhookSecret: secrets.chatWebhookSecret,
    apiToken: secrets.chatApiToken,
    webhookRetryDelaysMs: [100, 200, 400, 800],
  });

  // The web app listens first: its URL is the redirect URL and the emulators' delivery target.
  const web = await buildTestApp({ name: options.name, secrets, slackApiUrl: slack.apiUrl, slackAuthorizeUrl: slack.authorizeUrl });
  const { app, store, mongo, queues } = web;
  const webUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  web.setPublicUrl(webUrl);
  slack.setEventsUrl(`${webUrl}/slack/events`);
  platform.setWebhookUrl(`${webUrl}/webhooks/chat`);

  // Slack side: a workspace with two reps, one person nobody mapped, and the notification channel.
  const team = slack.createTeam({ name: 'Acme Sales', domain: 'acme-sales' });
  const aliceSlack = slack.createUser(team.id, { name: 'alice', realName: 'Alice Agent', email: 'alice@acme.test' });
  const bobSlack = slack.createUser(team.id, { name: 'bob', realName: 'Bob Agent', email: 'bob@acme.test' });
  const carol = slack.createUser(team.id, { name: 'carol', realName: 'Carol Unmapped', email: 'carol@acme.test' });
  const channel = slack.createChannel(team.id, { name: 'website-chats', memberIds: [aliceSlack.id, bobSlack.id, carol.id] });

  // Platform side: the org and its agents.
  const org = platform.createOrg({ name: 'Acme' });
  const alice = platform.addAgent(org.id, { name: 'Alice Agent', email: 'alice@acme.test', status: 'online' });
  const bob = platform.addAgent(org.id, { name: 'Bob Agent', email: 'bob@acme.test', status: 'online' });

  // Connect the workspace the way an admin does: install link → Slack's Allow → callback.
  const install = await fetch(`${webUrl}/slack/install?orgId=${encodeURIComponent(org.id)}`, { redirect: 'manual' });
  if (install.status !== 302) throw new Error(`install answered ${install.status}`);
  const callback = slack.approveInstall(install.headers.get('location')!, { teamId: team.id, userId: aliceSlack.id });
  const connected = await fetch(callback);
  if (connected.status !== 200) throw new Error(`OAuth callback answered ${connected.status}: ${await connected.text()}`);
  const installation = await store.installations.findByTeam(team.id);
  if (!installation) throw new Error('installation not stored');
  slack.addToChannel(channel.id, installation.botUserId);

  const now = new Date();
  await store.orgSettings.save({ orgId: org.id, channelIdMode: false, globalChannelEnabled: true, globalChannelId: channel.id }, now);
  await store.agentMappings.map({ orgId: org.id, agentId: alice.id, teamId: team.id, slackUserId: aliceSlack.id }, now);
  await store.agentMappings.map({ orgId: org.id, agentId: bob.id, teamId: team.id, slackUserId: bobSlack.id }, now);

  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    PUBLIC_URL: webUrl,
    REDIS_URL: redisUrl(),
    MONGODB_URL: mongoUrl(),
    MONGODB_DB: web.dbName,
    QUEUE_PREFIX: web.prefix,
    TOKEN_ENCRYPTION_KEY: secrets.encryptionKeyHex,
    SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
    SLACK_CLIENT_ID: secrets.slackClientId,
    SLACK_CLIENT_SECRET: secrets.slackClientSecret,
    SLACK_API_URL: slack.apiUrl,
    CHAT_API_URL: platform.url,
    CHAT_API_TOKEN: secrets.chatApiToken,
    CHAT_WEBHOOK_SECRET: secrets.chatWebhookSecret,
    WORKER_CONCURRENCY: '8',
    THREAD_GAP_WAIT_MS: String(options.gapWaitMs ?? 1500),
  };
  const worker = spawnWorker(options.runtime, env, `${options.name}-${options.runtime}`);
  await waitFor(() => worker.ready, (ready) => ready, { timeoutMs: 60_000, what: `${options.runtime} worker to be ready` });

  return {
    slack,
    platform,
    app,
    webUrl,
    store,
    mongo,
    queues,
    orgId: org.id,
    teamId: team.id,
    channelId: channel.id,
    botUserId: installation.botUserId,
    agents: { alice: { agentId: alice.id, slackUserId: aliceSlack.id }, bob: { agentId: bob.id, slackUserId: bobSlack.id } },
    unmappedSlackUserId: carol.id,
    secrets: { slackSigningSecret: secrets.slackSigningSecret, chatWebhookSecret: secrets.chatWebhookSecret },
    async stop() {
      await worker.stop();
      await web.close();
      await slack.close();
      await platform.close();
    },
  };
}

interface SpawnedWorker {
  readonly ready: boolean;
  stop(): Promise<void>;
}

function spawnWorker(runtime: WorkerRuntime, env: NodeJS.ProcessEnv, logName: string): SpawnedWorker {
  const [command, args] =
    runtime === 'deno'
      ? [`${repoRoot}node_modules/.bin/deno`, ['run', '-A', 'src/jobs/worker-main.ts']]
      : [process.execPath, ['--import', 'tsx', 'src/jobs/worker-main.ts']];
  mkdirSync(`${repoRoot}test-artifacts`, { recursive: true });
  const log = createWriteStream(`${repoRoot}test-artifacts/${logName}.log`);
  const child: ChildProcess = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test process that dies must not leave a worker behind polling a stale queue.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let ready = false;
  let exited = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    if (chunk.toString().includes('worker ready')) ready = true;
  });
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      process.off('exit', killOnExit);
      log.end();
      if (!ready) console.error(`${runtime} worker exited with ${code} before it was ready; see test-artifacts/${logName}.log`);
      resolve();
    }),
  );
  return {
    get ready() {
      if (exited && !ready) throw new Error(`${runtime} worker exited before it was ready; see test-artifacts/${logName}.log`);
      return ready;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
