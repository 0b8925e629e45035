// `npm run bench` (ingress part): how many chat-platform webhooks a second the web process takes
// (verified, validated, deduplicated, queued, answered 202), autocannon with 50 connections and a
// unique signed event per request. The anchor, measured in the same run against the same Redis,
// is bench/ingress-anchor.ts: a bare Fastify route with the raw-body HMAC check and one BullMQ
// add, in its own process like the web process. No worker runs: the ingress alone is measured.
// This machine's speed drifts by up to ×2 within a minute (a shared VM), so the two are measured
// in alternating rounds and the ratio is the median of the rounds' ratios: a drift then moves both
// sides of a round together instead of deciding the figure. Writes bench-results/ingress.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { signedHeaders } from '../emulators/chat-platform/index.ts';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { ratioOf, round } from './stats.ts';
import { cpuBetween, sampleCpu } from './cpu-usage.ts';

const CONNECTIONS = 50;
// Many short rounds rather than a few long ones, in the same time: this VM's speed drifts by half
// within a minute. Two runs of seven 3 s pairs gave medians of 0.68 and 0.71; runs of three 5 s
// pairs of the same web process gave anything from 0.59 to 0.84.
const DURATION_S = Number(process.env.BENCH_INGRESS_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_INGRESS_ROUNDS ?? 7);

export interface IngressRun {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  cpuPercent: Record<string, number>;
}

/** autocannon against `url`, every request a new message.created event for one of 200 chats, signed with `secret`. */
async function hammer(url: string, secret: string, orgId: string, tag: string, seconds = DURATION_S): Promise<IngressRun> {
  let n = 0;
  tag = `${tag}_${Date.now()}`;
  const before = sampleCpu();
  const result = await autocannon({
    url: `${url}/webhooks/chat`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = n++;
          const body = JSON.stringify({
            id: `evt_${tag}_${i}`,
            type: 'message.created',
            orgId,
            occurredAt: new Date().toISOString(),
            data: {
              conversationId: `conv_${tag}_${i % 200}`,
              message: {
                id: `msg_${tag}_${i}`,
                seq: Math.floor(i / 200) + 1,
                createdAt: new Date().toISOString(),
                text: `ingress ${i}`,
                author: { type: 'visitor', id: 'v', name: 'Bench', avatarUrl: null },
                origin: 'web',
                attachments: [],
                clientMessageId: null,
              },
            },
          });
          return { ...request, body, headers: signedHeaders(secret, body, Date.now()) };
        },
      },
    ],
  });
  const cpuPercent = cpuBetween(before, sampleCpu());
  return {
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuPercent,
  };
}

/** The server process's CPU time per request answered, in µs: what the ratio costs, less drift-prone than req/s alone. */
function cpuPerRequest(run: IngressRun, process: string): number {
  return Math.round((((run.cpuPercent[process] ?? 0) / 100) * 1e6) / run.requestsPerSecond);
}

async function startAnchor(redisUrl: string, secret: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingress-anchor.ts'], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, ANCHOR_SECRET: secret, QUEUE_PREFIX: `anchor-${Date.now()}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ingress anchor exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('anchor listening')) resolve();
    });
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 0, logDir });
  try {
    const secret = product.secrets.chatWebhookSecret;
    const anchor = await startAnchor(product.redisUrl, secret);
    const rounds: Array<{ anchor: IngressRun; web: IngressRun; ratio: number }> = [];
    try {
      // Unmeasured: both processes' code gets compiled by V8 before either is timed.
      await hammer(anchor.url, secret, product.world.orgId, 'warm-anchor', 2);
      await hammer(product.webUrl, secret, product.world.orgId, 'warm-web', 2);
      for (let i = 0; i < ROUNDS; i++) {
        const anchorRun = await hammer(anchor.url, secret, product.world.orgId, 'anchor');
        const webRun = await hammer(product.webUrl, secret, product.world.orgId, 'web');
        rounds.push({ anchor: anchorRun, web: webRun, ratio: ratioOf(webRun.requestsPerSecond, anchorRun.requestsPerSecond) });
        console.log(
          `round ${i + 1}: anchor ${anchorRun.requestsPerSecond} req/s (${cpuPerRequest(anchorRun, 'ingress anchor')} µs CPU a request), web ${webRun.requestsPerSecond} req/s (${cpuPerRequest(webRun, 'web')} µs), ×${rounds.at(-1)!.ratio}`,
        );
      }
    } finally {
      anchor.stop();
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
    const anchorRun = median.anchor;
    const webRun = median.web;
    const results = {
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      connections: CONNECTIONS,
      seconds: DURATION_S,
      rounds,
      // The median round's figures.
      web: webRun,
      anchor: anchorRun,
      ratio: median.ratio,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/ingress.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `ingress, median of ${ROUNDS} rounds, bare Fastify + HMAC + BullMQ add (anchor): ${anchorRun.requestsPerSecond} req/s, p50 ${anchorRun.p50Ms} ms, p99 ${anchorRun.p99Ms} ms; CPU % of a core: ${JSON.stringify(anchorRun.cpuPercent)}`,
    );
    console.log(
      `ingress, the web process (POST /webhooks/chat → 202): ${webRun.requestsPerSecond} req/s, p50 ${webRun.p50Ms} ms, p99 ${webRun.p99Ms} ms, non-2xx ${webRun.non2xx}; ×${results.ratio} of the anchor; CPU % of a core: ${JSON.stringify(webRun.cpuPercent)}`,
    );
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
