// Local services: starts a throwaway redis-server (no persistence) on a free loopback port.
// For tests and the sandbox when neither REDIS_URL nor a Docker engine is available. Fault tests
// start one with AOF on, in a directory they keep, and restart it on the same port and data.
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { endOf, findOnPath, makeTempDir, removeDir, spawnChild, waitUntilReady } from './spawn.ts';
import type { StartedService } from './spawn.ts';

export interface StartRedisOptions {
  /** Fixed port; default: a free one (retried if it gets taken before redis binds it). */
  port?: number;
  /** redis-server binary; default: $REDIS_SERVER_BIN or `redis-server` on PATH. */
  bin?: string;
  /** How long to wait for PING to answer; default 15 s. */
  startTimeoutMs?: number;
  /** Persist with AOF (`appendfsync everysec`, as docs/reference/configuration.md recommends for production); default off. */
  appendOnly?: boolean;
  /** Data directory, kept when the server stops (to start it again with its data); default a temporary one, removed. */
  dir?: string;
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<StartedService> {
  const name = opts.bin ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const bin = findOnPath(name);
  if (bin === undefined) {
    throw new Error(
      `redis-server not found (looked for "${name}" on PATH). Run \`bash scripts/ensure-deps.sh\` to install it, or set REDIS_URL to a running Redis.`,
    );
  }
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, opts.port ?? (await freePort()), opts.startTimeoutMs ?? 15_000, opts);
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('in use')) throw err;
    }
  }
}

async function startOnce(bin: string, port: number, timeoutMs: number, opts: StartRedisOptions): Promise<StartedService> {
  const dir = opts.dir ?? (await makeTempDir('redis'));
  const persistence = opts.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence];
  args.push('--dir', dir, '--daemonize', 'no', '--logfile', '');
  const handle = spawnChild(bin, args, join(dir, `redis-${Date.now()}.log`));
  const stop = async (): Promise<void> => {
    await handle.stop();
    if (!opts.dir) await removeDir(dir);
  };
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`redis-server on port ${port}`, handle, () => ping(url), timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop, ended: endOf(handle) };
}

async function ping(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  } finally {
    client.disconnect();
  }
}
