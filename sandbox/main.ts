// `npm run sandbox`: the whole product on this machine. Starts Redis and the MongoDB-compatible
// server (unless REDIS_URL / MONGODB_URL are set), the Slack and chat-platform emulators (unless
// real ones are configured), the web and worker processes as the Procfile would, seeds a demo
// org, and prints where to look. Ctrl-C stops everything it started.
import { ensureServices } from '../local-services/index.ts';
import { connectMongo, ensureIndexes, createStore } from '../src/store/index.ts';
import { createTokenCipher } from '../src/crypto/token-cipher.ts';
import { seedWorld } from './seed.ts';
import { newSecrets, productEnv, startEmulators } from './product-env.ts';
import { startProductProcess, type Runtime } from './processes.ts';

const env = process.env;
const webPort = Number(env.PORT ?? 3000);
const slackPort = Number(env.SANDBOX_SLACK_PORT ?? 4100);
const platformPort = Number(env.SANDBOX_PLATFORM_PORT ?? 4200);
const workerRuntime: Runtime = env.SANDBOX_WORKER_RUNTIME === 'deno' ? 'deno' : 'node';

async function main(): Promise<void> {
  if (env.SLACK_CLIENT_ID || env.CHAT_API_URL) {
    console.error(
      'The sandbox runs against its own Slack and chat-platform emulators. With a real Slack app or platform configured, run the\n' +
        'web and worker processes directly (see README: "Running against real Slack").',
    );
    process.exit(2);
  }
  const services = await ensureServices();
  const secrets = newSecrets();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const emulators = await startEmulators(secrets, {
    slack: { port: slackPort, eventsUrl: `${webUrl}/slack/events`, interactivityUrl: `${webUrl}/slack/interactions` },
    platform: { port: platformPort, webhookUrl: `${webUrl}/webhooks/chat` },
  });
  const { slack, platform } = emulators;

  const dbName = `threadbridge_sandbox_${Date.now()}`;
  const processEnv: NodeJS.ProcessEnv = {
    ...env,
    ...productEnv({
      secrets,
      emulators,
      publicUrl: webUrl,
      redisUrl: services.redis.url,
      mongoUrl: services.mongo.url,
      mongoDb: dbName,
      queuePrefix: 'threadbridge-sandbox',
    }),
    NODE_ENV: 'development',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    PORT: String(webPort),
    HOST: '127.0.0.1',
  };
  const web = startProductProcess({ kind: 'web', runtime: 'node', env: processEnv });
  const worker = startProductProcess({ kind: 'worker', runtime: workerRuntime, env: processEnv });
  await waitUntil(() => web.ready && worker.ready, 60_000, 'the web and worker processes');

  const mongo = await connectMongo(services.mongo.url, dbName);
  await ensureIndexes(mongo.db);
  const store = createStore(mongo.db, createTokenCipher(Buffer.from(secrets.encryptionKeyHex, 'hex')));
  const world = await seedWorld({ slack, platform, store, webUrl });

  // One demo chat, so the thread and the logs show the flow at once.
  const demo = await platform.startConversation(world.orgId, {
    source: 'web',
    pageUrl: 'https://acme.test/pricing',
    visitor: { name: 'Vera Visitor', email: 'vera@example.com', company: 'Example Co' },
  });
  await platform.visitorSays(world.orgId, demo.id, 'Hi! Do you integrate with Salesforce?');

  const c = `${platform.url}/_emulator/orgs/${world.orgId}/conversations`;
  console.log(`
Threadbridge sandbox is running (worker on ${workerRuntime}).

  Threadbridge web     ${webUrl}          (GET /readyz; logs above, prefixed web| and worker|)
  Slack emulator       ${slack.url}       (recorded Web API calls: ${slack.url}/_emulator/calls)
  Chat-platform emu.   ${platform.url}    (REST calls Threadbridge made: ${platform.url}/_emulator/calls)
  Redis                ${services.redis.url}
  MongoDB (FerretDB)   ${services.mongo.url}${dbName}

  Org ${world.orgId}, Slack workspace ${world.teamId}, channel #website-chats (${world.channelId})
  Reps: alice (${world.agents.alice.slackUserId}, mapped), bob (${world.agents.bob.slackUserId}, mapped), carol (${world.unmappedSlackUserId}, not mapped)

Try it:
  # the thread of the demo chat, as Slack holds it
  curl -s ${slack.url}/_emulator/channels/${world.channelId}/messages
  # a visitor starts a chat, then writes
  curl -s -XPOST ${c} -H 'content-type: application/json' -d '{"visitor":{"name":"Sam"}}'
  curl -s -XPOST ${c}/CONVERSATION_ID/visitor-messages -H 'content-type: application/json' -d '{"text":"Hello?"}'
  # alice answers in the thread (use the parent message's ts as threadTs)
  curl -s -XPOST ${slack.url}/_emulator/messages -H 'content-type: application/json' \\
    -d '{"teamId":"${world.teamId}","channel":"${world.channelId}","user":"${world.agents.alice.slackUserId}","threadTs":"PARENT_TS","text":"Hi Sam!"}'
  # what the visitor sees
  curl -s ${c}/CONVERSATION_ID

Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the sandbox…');
    await Promise.allSettled([web.stop(), worker.stop()]);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await emulators.close();
    await services.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // A product process that dies takes the sandbox down with a clear message, not a silent half-system.
  const watch = setInterval(() => {
    if (web.exited || worker.exited) {
      clearInterval(watch);
      console.error(`${web.exited ? 'web' : 'worker'} process exited; stopping the sandbox`);
      void stop();
    }
  }, 500);
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

main().catch((error) => {
  console.error('sandbox failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
