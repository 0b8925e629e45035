// `npm run bench` (ingress part): how many chat-platform webhooks a second the web process takes
// (verified, validated, deduplicated, queued, logged, counted, answered 202), autocannon with 50
// connections and a unique signed event per request. The anchor, measured in the same run against
// the same Redis, is bench/ingress-anchor.ts: a bare Fastify route with the raw-body HMAC check and
// one BullMQ add, in its own process like the web process. No worker runs: the ingress alone is
// measured. The anchor leaves out what users need of the product and the web process does on each
// request: the event's validation (a 400 naming the field), the deduplication of redeliveries
// (BullMQ's deduplication id), the job's retries and retention (defaultJobOptions), the signature's
// 5-minute window, the request id, one log line with secrets censored, and the metrics. The
// figure is what all of that costs next to the least a receiver can do.
// This machine's speed drifts by up to ×2 within a minute (a shared VM), so the two are measured
// in alternating rounds and the ratio is the median of the rounds' ratios: a drift then moves both
// sides of a round together instead of deciding the figure. Each side's CPU per request is read
// from its own process (/proc/<pid>/stat), so another web process on the machine (another run, a
// test) is not counted as this one's. Writes bench-results/ingress.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** The server's own CPU time per request answered, in µs (its process only). */
  serverCpuUsPerRequest: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process, in ticks. */
function cpuTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The web process this bench launched: the one whose QUEUE_PREFIX is the product's. */
function webPid(queuePrefix: string): number {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/http/web-main.ts')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`QUEUE_PREFIX=${queuePrefix}`)) return Number(pid);
    } catch {
      // Ended between listing and reading.
    }
  }
  throw new Error(`no web process with QUEUE_PREFIX=${queuePrefix}`);
}

/** autocannon against `url`, every request a new message.created event for one of 200 chats, signed with `secret`. */
async function hammer(url: string, server: number, secret: string, orgId: string, tag: string, seconds = DURATION_S): Promise<IngressRun> {
  let n = 0;
  tag = `${tag}_${Date.now()}`;
  const before = sampleCpu();
  const serverBefore = cpuTicksOf(server);
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
  const serverTicks = cpuTicksOf(server) - serverBefore;
  const cpuPercent = cpuBetween(before, sampleCpu());
  return {
    serverCpuUsPerRequest: Math.round(((serverTicks / TICKS_PER_SECOND) * 1e6) / (result.requests.average * seconds)),
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuPercent,
  };
}

async function startAnchor(redisUrl: string, secret: string): Promise<{ url: string; pid: number; stop(): void }> {
  const port = await freePort();
  // PRODUCT_CPU_PROFILE_DIR (sandbox/processes.ts) profiles the anchor too, beside the web process.
  const profileDir = process.env.PRODUCT_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/anchor`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/ingress-anchor.ts'], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, ANCHOR_SECRET: secret, QUEUE_PREFIX: `anchor-${Date.now()}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ingress anchor exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('anchor listening')) resolve();
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 0, logDir });
  try {
    const secret = product.secrets.chatWebhookSecret;
    const anchor = await startAnchor(product.redisUrl, secret);
    const web = webPid(product.queuePrefix);
    const rounds: Array<{ anchor: IngressRun; web: IngressRun; ratio: number }> = [];
    try {
      // Unmeasured: both processes' code gets compiled by V8 before either is timed.
      await hammer(anchor.url, anchor.pid, secret, product.world.orgId, 'warm-anchor', 2);
      await hammer(product.webUrl, web, secret, product.world.orgId, 'warm-web', 2);
      for (let i = 0; i < ROUNDS; i++) {
        const anchorRun = await hammer(anchor.url, anchor.pid, secret, product.world.orgId, 'anchor');
        const webRun = await hammer(product.webUrl, web, secret, product.world.orgId, 'web');
        rounds.push({ anchor: anchorRun, web: webRun, ratio: ratioOf(webRun.requestsPerSecond, anchorRun.requestsPerSecond) });
        console.log(
          `round ${i + 1}: anchor ${anchorRun.requestsPerSecond} req/s (${anchorRun.serverCpuUsPerRequest} µs CPU a request), web ${webRun.requestsPerSecond} req/s (${webRun.serverCpuUsPerRequest} µs), ×${rounds.at(-1)!.ratio}`,
        );
      }
    } finally {
      anchor.stop();
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
    // The same comparison by CPU: the anchor's CPU per request over the web's, median of the rounds.
    const cpuRatio = rounds.map((r) => ratioOf(r.anchor.serverCpuUsPerRequest, r.web.serverCpuUsPerRequest)).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
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
      cpuRatio,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/ingress.json', `${JSON.stringify(results, null, 2)}\n`);
    console.log(
      `ingress, median of ${ROUNDS} rounds, bare Fastify + HMAC + BullMQ add (anchor): ${anchorRun.requestsPerSecond} req/s, p50 ${anchorRun.p50Ms} ms, p99 ${anchorRun.p99Ms} ms; CPU % of a core: ${JSON.stringify(anchorRun.cpuPercent)}`,
    );
    console.log(
      `ingress, the web process (POST /webhooks/chat → 202): ${webRun.requestsPerSecond} req/s, p50 ${webRun.p50Ms} ms, p99 ${webRun.p99Ms} ms, non-2xx ${webRun.non2xx}; ×${results.ratio} of the anchor (median of the rounds; by CPU per request ×${cpuRatio}: ${webRun.serverCpuUsPerRequest} µs against ${anchorRun.serverCpuUsPerRequest}); CPU % of a core: ${JSON.stringify(webRun.cpuPercent)}`,
    );
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error('benchmark failed:', error);
  process.exit(1);
});
