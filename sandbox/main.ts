// `npm run sandbox`: the whole product on this machine. Starts Redis and the MongoDB-compatible
// server (unless REDIS_URL / MONGODB_URL are set), the Slack and chat-platform emulators (unless
// real ones are configured), the web and worker processes as the Procfile would, seeds a demo
// org, and prints where to look. Ctrl-C stops everything it started.
import { startSandboxConsole } from './console/index.ts';
import { launchProduct } from './launch.ts';
import type { ProductProcess, Runtime } from './processes.ts';

const env = process.env;
const webPort = Number(env.PORT ?? 3000);
const slackPort = Number(env.SANDBOX_SLACK_PORT ?? 4100);
const platformPort = Number(env.SANDBOX_PLATFORM_PORT ?? 4200);
const consolePort = Number(env.SANDBOX_CONSOLE_PORT ?? 3999);
const workerRuntime: Runtime = env.SANDBOX_WORKER_RUNTIME === 'deno' ? 'deno' : 'node';

async function main(): Promise<void> {
  if (env.SLACK_CLIENT_ID || env.CHAT_API_URL) {
    console.error(
      'The sandbox runs against its own Slack and chat-platform emulators. With a real Slack app or platform configured, run the\n' +
        'web and worker processes directly (see docs/reference/operations.md, "Running it for real").',
    );
    process.exit(2);
  }
  const launched = await launchProduct({ webPort, slackPort, platformPort, workerRuntime });
  const { webUrl, world, emulators, dbName } = launched;
  const { slack, platform } = emulators;
  const [web, worker] = launched.processes as [ProductProcess, ProductProcess];

  // One demo chat, so the thread and the logs show the flow at once.
  const demo = await platform.startConversation(world.orgId, {
    source: 'web',
    pageUrl: 'https://acme.test/pricing',
    visitor: { name: 'Vera Visitor', email: 'vera@example.com', company: 'Example Co' },
  });
  await platform.visitorSays(world.orgId, demo.id, 'Hi! Do you integrate with Salesforce?');

  const sandboxConsole = await startSandboxConsole({
    slack,
    platform,
    orgId: world.orgId,
    teamId: world.teamId,
    port: consolePort,
    settingsLink: () => platform.setupUrl(world.orgId, world.adminUserId),
  });

  const c = `${platform.url}/_emulator/orgs/${world.orgId}/conversations`;
  console.log(`
Threadbridge sandbox is running (worker on ${workerRuntime}).

  Console              ${sandboxConsole.url}   (the visitor's widget and Slack side by side: play both in the browser)

  Threadbridge web     ${webUrl}          (GET /readyz; logs above, prefixed web| and worker|)
  Slack emulator       ${slack.url}       (recorded Web API calls: ${slack.url}/_emulator/calls)
  Chat-platform emu.   ${platform.url}    (REST calls Threadbridge made: ${platform.url}/_emulator/calls)
  Redis                ${launched.redisUrl}
  MongoDB (FerretDB)   ${launched.mongoUrl}${dbName}

  Org ${world.orgId}, Slack workspace ${world.teamId}, channel #website-chats (${world.channelId})
  Reps: alice (${world.agents.alice.slackUserId}, mapped), bob (${world.agents.bob.slackUserId}, mapped), carol (${world.unmappedSlackUserId}, not mapped)

  Settings page        ${platform.url}/_emulator/orgs/${world.orgId}/admins/${world.adminUserId}/setup
                       (the platform's Setup button for admin Ada: each visit mints a fresh launch link, good once for 5 minutes)
                       or this one, good once until ${new Date(Date.now() + 300_000).toLocaleTimeString()}: ${platform.setupUrl(world.orgId, world.adminUserId)}
  Admin API (OpenAPI)  ${webUrl}/api/openapi.json   (operators: Authorization: Bearer ${launched.secrets.adminApiToken})

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
    await sandboxConsole.close();
    await launched.stop();
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

main().catch((error) => {
  console.error('sandbox failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
