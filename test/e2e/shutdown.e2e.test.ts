// Stopping as Heroku stops a dyno: SIGTERM, then SIGKILL 30 s later. Both processes exit within
// 25 s of SIGTERM even when Redis or MongoDB has gone away (a worker's BullMQ close used to wait
// for Redis forever), and exit cleanly (code 0) when everything is up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../local-services/redis.ts';
import { startFerretDb } from '../../local-services/index.ts';
import { freePort } from '../../local-services/index.ts';
import { newSecrets, productEnv, startEmulators, type Emulators } from '../../sandbox/product-env.ts';
import { startProductProcess, type ProductProcess } from '../../sandbox/processes.ts';
import { mongoUrl, uniqueDbName, uniquePrefix } from '../support/services.ts';

const SIGKILL_AFTER_MS = 30_000;
const DEADLINE_MS = 25_000;

async function untilReady(processes: ProductProcess[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!processes.every((p) => p.ready)) {
    if (Date.now() > deadline) throw new Error('the processes did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, and how it ended within Heroku's 30 s: the exit code and how long it took, or null. */
async function terminated(p: ProductProcess): Promise<{ code: number | null; ms: number } | null> {
  const started = Date.now();
  const exited = p.terminate().then((code) => ({ code, ms: Date.now() - started }));
  const killed = new Promise<null>((resolve) => setTimeout(() => resolve(null), SIGKILL_AFTER_MS));
  return Promise.race([exited, killed]);
}

describe('stopping on SIGTERM', () => {
  const secrets = newSecrets();
  let emulators: Emulators;
  const started: ProductProcess[] = [];
  beforeAll(async () => {
    emulators = await startEmulators(secrets);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(started.map((p) => p.kill()));
    await emulators?.close();
  });

  async function launch(redisUrl: string, mongo = mongoUrl()) {
    const webPort = await freePort();
    const env = {
      ...process.env,
      ...productEnv({
        secrets,
        emulators,
        publicUrl: `http://127.0.0.1:${webPort}`,
        redisUrl,
        mongoUrl: mongo,
        mongoDb: uniqueDbName('shutdown'),
        queuePrefix: uniquePrefix('shutdown'),
      }),
      PORT: String(webPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    const logDir = `${process.cwd()}/test-artifacts/shutdown`;
    const tag = Date.now();
    const web = startProductProcess({ kind: 'web', runtime: 'node', env, logFile: `${logDir}/web-${tag}.log` });
    const worker = startProductProcess({ kind: 'worker', runtime: 'node', env, logFile: `${logDir}/worker-${tag}.log` });
    started.push(web, worker);
    await untilReady([web, worker]);
    return { web, worker };
  }

  /** A moment after a dependency went away, SIGTERM: both exit (never killed) within the deadline. */
  async function expectBothExitInTime(web: ProductProcess, worker: ProductProcess): Promise<void> {
    await new Promise((r) => setTimeout(r, 500));
    const [w, k] = await Promise.all([terminated(web), terminated(worker)]);
    expect(w).not.toBeNull();
    expect(k).not.toBeNull();
    expect(w!.ms).toBeLessThanOrEqual(DEADLINE_MS + 2000);
    expect(k!.ms).toBeLessThanOrEqual(DEADLINE_MS + 2000);
  }

  it('with everything up: both exit 0, soon', async () => {
    const redis = await startRedis();
    try {
      const { web, worker } = await launch(redis.url);
      const [w, k] = await Promise.all([terminated(web), terminated(worker)]);
      expect(w).toMatchObject({ code: 0 });
      expect(k).toMatchObject({ code: 0 });
    } finally {
      await redis.stop();
    }
  }, 120_000);

  it('with Redis gone: both still exit within 25 s', async () => {
    const redis = await startRedis();
    const { web, worker } = await launch(redis.url);
    await redis.stop();
    await expectBothExitInTime(web, worker);
  }, 120_000);

  it('with MongoDB gone: both still exit within 25 s', async () => {
    const redis = await startRedis();
    // A MongoDB-compatible server of their own, stopped under them.
    const mongo = await startFerretDb({ backend: 'sqlite' });
    try {
      const { web, worker } = await launch(redis.url, mongo.url);
      await mongo.stop();
      await expectBothExitInTime(web, worker);
    } finally {
      await mongo.stop();
      await redis.stop();
    }
  }, 120_000);
});
