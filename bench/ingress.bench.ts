// `npm run bench` (ingress part): how many chat-platform webhooks a second the web process takes
// (verified, validated, deduplicated, queued, answered 202), autocannon with 50 connections and a
// unique signed event per request. The anchor, measured in the same run against the same Redis,
// is bench/ingress-anchor.ts: a bare Fastify route with the raw-body HMAC check and one BullMQ
// add, in its own process like the web process. No worker runs: the ingress alone is measured.
// Writes bench-results/ingress.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { signedHeaders } from '../emulators/chat-platform/index.ts';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { round } from './stats.ts';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_INGRESS_SECONDS ?? 10);

export interface IngressRun { requestsPerSecond: number; p50Ms: number; p99Ms: number; non2xx: number; errors: number }

/** autocannon against `url`, every request a new message.created event for one of 200 chats, signed with `secret`. */
async function hammer(url: string, secret: string, orgId: string, tag: string): Promise<IngressRun> {
  let n = 0;
  const result = await autocannon({
    url: `${url}/webhooks/chat`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [{
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
            message: { id: `msg_${tag}_${i}`, seq: Math.floor(i / 200) + 1, createdAt: new Date().toISOString(), text: `ingress ${i}`, author: { type: 'visitor', id: 'v', name: 'Bench', avatarUrl: null }, origin: 'web', attachments: [], clientMessageId: null },
          },
        });
        return { ...request, body, headers: signedHeaders(secret, body, Date.now()) };
      },
    }],
  });
  return { requestsPerSecond: round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
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
    let anchorRun: IngressRun;
    try {
      anchorRun = await hammer(anchor.url, secret, product.world.orgId, 'anchor');
    } finally {
      anchor.stop();
    }
    const webRun = await hammer(product.webUrl, secret, product.world.orgId, 'web');
    const results = {
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      connections: CONNECTIONS,
      seconds: DURATION_S,
      web: webRun,
      anchor: anchorRun,
      ratio: round(webRun.requestsPerSecond / anchorRun.requestsPerSecond),
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/ingress.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(`ingress, bare Fastify + HMAC + BullMQ add (anchor): ${anchorRun.requestsPerSecond} req/s, p50 ${anchorRun.p50Ms} ms, p99 ${anchorRun.p99Ms} ms`);
    console.log(`ingress, the web process (POST /webhooks/chat → 202): ${webRun.requestsPerSecond} req/s, p50 ${webRun.p50Ms} ms, p99 ${webRun.p99Ms} ms, non-2xx ${webRun.non2xx}; ×${results.ratio} of the anchor`);
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
