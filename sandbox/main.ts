// `npm run sandbox`: the whole product on this machine. Starts Redis and the MongoDB-compatible
// server (unless REDIS_URL / MONGODB_URL are set), the Slack and chat-platform emulators (unless
// real ones are configured), the web and worker processes as the Procfile would, seeds the demo
// org (the same ids and secrets on every run, from SANDBOX_SEED), and prints where to look.
// SIGINT (Ctrl-C), SIGTERM or SIGHUP to this process or to npm, npm's death, or the death of any
// process it started stops everything it started and removes their temporary data.
import { startSandboxConsole, type SandboxConsole } from './console/index.ts';
import { seedDemoOrg, DEMO_WORLD_IDS } from './demo-org.ts';
import { launchProduct, type Launched } from './launch.ts';
import type { ProductProcess, Runtime } from './processes.ts';
import { passwordFromSeed, secretsFromSeed } from './product-env.ts';

const env = process.env;
const webPort = Number(env.PORT ?? 3000);
const slackPort = Number(env.SANDBOX_SLACK_PORT ?? 4100);
const platformPort = Number(env.SANDBOX_PLATFORM_PORT ?? 4200);
const consolePort = Number(env.SANDBOX_CONSOLE_PORT ?? 3999);
const workerRuntime: Runtime = env.SANDBOX_WORKER_RUNTIME === 'deno' ? 'deno' : 'node';
const seed = env.SANDBOX_SEED || 'threadbridge-sandbox';
const bullBoard = { user: 'sandbox', password: passwordFromSeed(seed, 'bull-board') };
/** Whatever hangs, the sandbox is gone within 10 s of being told to stop. */
const STOP_DEADLINE_MS = 9_000;

let launched: Launched | undefined;
let sandboxConsole: SandboxConsole | undefined;
/** Aborted by a stop asked for while the product starts: launchProduct then stops what it started. */
const starting = new AbortController();
let stopping = false;

function requestStop(why: string, code = 0): void {
  if (launched) void stop(why, code);
  else starting.abort(new Error(`${why} while it started`));
}

async function stop(why: string, code = 0, graceMs?: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\nStopping the sandbox (${why})…`);
  // The children still running then are SIGKILLed by their 'exit' handlers (processes.ts, local-services).
  setTimeout(() => {
    console.error('the sandbox did not stop in time: exiting anyway');
    process.exit(1);
  }, STOP_DEADLINE_MS).unref();
  await sandboxConsole?.close().catch(() => undefined);
  await launched?.stop(graceMs);
  process.exit(code);
}

// From the start, so that a signal during the launch is not a default death that leaves its children behind.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => requestStop(signal));

// npm forwards SIGINT and SIGTERM, but a SIGKILLed npm forwards nothing: this process is then
// handed to another parent, which is how it notices.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) requestStop(`its parent process ${parentPid} exited`, 1);
}, 500).unref();

async function main(): Promise<void> {
  if (env.SLACK_CLIENT_ID || env.CHAT_API_URL) {
    console.error(
      'The sandbox runs against its own Slack and chat-platform emulators. With a real Slack app or platform configured, run the\n' +
        'web and worker processes directly (see docs/reference/operations.md, "Running it for real").',
    );
    process.exit(2);
  }
  const secrets = secretsFromSeed(seed);
  launched = await launchProduct({
    webPort,
    slackPort,
    platformPort,
    workerRuntime,
    secrets,
    worldIds: DEMO_WORLD_IDS,
    stopGraceMs: 5_000,
    env: { BULL_BOARD_USER: bullBoard.user, BULL_BOARD_PASSWORD: bullBoard.password },
    abort: starting.signal,
  });
  watch(launched);
  const { webUrl, world, emulators } = launched;
  const { slack, platform } = emulators;
  const demoOrg = await seedDemoOrg(launched);

  // Two demo chats, so Slack shows both kinds of notification at once: a group's channel, an account owner's DMs.
  const sales = await platform.startConversation(world.orgId, {
    routingGroupId: demoOrg.routingGroups.sales.id,
    pageUrl: 'https://acme.test/pricing',
    visitor: { name: 'Vera Visitor', email: 'vera@example.com', company: 'Example Co' },
  });
  await platform.visitorSays(world.orgId, sales.id, 'Hi! Do you integrate with Salesforce?');
  const owned = await platform.startConversation(world.orgId, {
    routingGroupId: demoOrg.routingGroups.sales.id,
    pageUrl: 'https://acme.test/enterprise',
    visitor: { name: 'Peter Gibbons', email: 'peter@initech.test', company: demoOrg.account.name },
    account: demoOrg.account,
  });
  await platform.visitorSays(world.orgId, owned.id, 'We would like to add 40 seats before the renewal.');

  // The browser console: the visitor's widget and Slack side by side, over the emulators.
  sandboxConsole = await startSandboxConsole({
    slack,
    platform,
    orgId: world.orgId,
    teamId: world.teamId,
    port: consolePort,
    settingsLink: () => platform.setupUrl(world.orgId, world.adminUserId),
  });

  const chats = `${platform.url}/_emulator/orgs/${world.orgId}/conversations`;
  const metricsAccess = env.METRICS_TOKEN ? 'Authorization: Bearer $METRICS_TOKEN' : 'no token needed outside production';
  const lines = [
    `Threadbridge sandbox is running (worker on ${workerRuntime}; ids and secrets from SANDBOX_SEED=${seed}, the same every run).`,
    '',
    `  Console         ${sandboxConsole.url}  (the visitor's widget and Slack side by side: play both sides in the browser)`,
    `  Settings page   ${platform.url}/_emulator/orgs/${world.orgId}/admins/${world.adminUserId}/setup  (admin Ada's Setup button: a fresh launch link each visit)`,
    `  Bull Board      ${webUrl}/admin/queues  (user ${bullBoard.user}, password ${bullBoard.password})`,
    `  Metrics         ${webUrl}/metrics  (${metricsAccess})`,
    `  Admin API       ${webUrl}/api/openapi.json  (operator token: Authorization: Bearer ${secrets.adminApiToken})`,
    '',
    `  Org ${world.orgId} (Acme), Slack workspace ${world.teamId}; reps alice ${world.agents.alice.slackUserId} and bob ${world.agents.bob.slackUserId} (mapped), carol ${world.unmappedSlackUserId} (not mapped)`,
    `  Routing groups  Sales → #website-chats (the app is in it), Support → #support (the app is not, yet), Enterprise → Bob's DMs`,
    `  Account         ${demoOrg.account.name} (${demoOrg.account.id}) → its owner Alice's DMs; #acme-globex is shared with Globex (Slack Connect)`,
    `  Emulators       Slack ${slack.url}, chat platform ${platform.url}; Redis ${launched.redisUrl}, MongoDB ${launched.mongoUrl}${launched.dbName}`,
    '',
    'For scripts: a visitor starts a chat in Sales, and the thread as Slack holds it',
    `  curl -s -XPOST ${chats} -H 'content-type: application/json' -d '{"routingGroupId":"${demoOrg.routingGroups.sales.id}","visitor":{"name":"Sam"}}'`,
    `  curl -s ${slack.url}/_emulator/channels/${world.channelId}/messages`,
    '',
    'Press Ctrl-C to stop (or send SIGTERM to any of its processes).',
  ];
  console.log(`\n${lines.join('\n')}`);
}

/** A process or server that dies takes the sandbox down with a clear message, not a silent half-system. */
function watch(running: Launched): void {
  const [web, worker] = running.processes as [ProductProcess, ProductProcess];
  const timer = setInterval(() => {
    if (web.exited || worker.exited) {
      clearInterval(timer);
      void stop(`the ${web.exited ? 'web' : 'worker'} process exited`, 1);
    }
  }, 500);
  // Without its Redis or database the web and worker cannot finish their work: they get 1 s.
  void running.servicesEnded.then((what) => stop(what.split('\n')[0] ?? what, 1, 1_000));
}

main().catch((error) => {
  const why = error instanceof Error ? error.message : String(error);
  if (starting.signal.aborted) return void stop(why);
  console.error('sandbox failed:', why);
  // What was started is stopped (and its data removed) before the exit: by launchProduct when it
  // failed, here when what came after it did.
  void stop('it failed to start', 1);
});
