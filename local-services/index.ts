// Local services: entry point that hands tests and the sandbox a Redis URL and a MongoDB URL.
// Order: env var (REDIS_URL / MONGODB_URL) → Docker via testcontainers → local process (redis-server / ferretdb-embedded).
import { dockerAvailable, startMongoContainer, startRedisContainer } from './containers.ts';
import { startFerretDb } from './ferretdb.ts';
import { startRedis } from './redis.ts';
import type { StartedService } from './spawn.ts';

export type { StartedService } from './spawn.ts';
export type { StartRedisOptions } from './redis.ts';
export type { StartFerretDbOptions } from './ferretdb.ts';
export { startRedis } from './redis.ts';
export { startFerretDb, ferretDbBackendFromEnv, FERRETDB_BIN, type FerretDbBackend } from './ferretdb.ts';
export { startPostgres, findPostgresBinDir, type StartPostgresOptions } from './postgres.ts';
export { dockerAvailable, startMongoContainer, startRedisContainer } from './containers.ts';
export { freePort } from './free-port.ts';

export interface EnsureOptions {
  /**
   * "auto" (default): env var, then Docker, then a local process. "docker" / "process" force one
   * (the env var still wins). Default from $LOCAL_SERVICES ("auto" when unset).
   */
  mode?: 'auto' | 'docker' | 'process';
  /** Where the one line saying what was chosen goes; default stderr. */
  log?: (line: string) => void;
}

const noop = async (): Promise<void> => undefined;

function defaults(opts: EnsureOptions): { mode: 'auto' | 'docker' | 'process'; log: (line: string) => void } {
  const env = process.env.LOCAL_SERVICES;
  const mode = opts.mode ?? (env === 'docker' || env === 'process' ? env : 'auto');
  return { mode, log: opts.log ?? ((line) => process.stderr.write(`[local-services] ${line}\n`)) };
}

async function ensure(
  what: string,
  envVar: string,
  opts: EnsureOptions,
  inDocker: () => Promise<StartedService>,
  asProcess: () => Promise<StartedService>,
  processName: string,
): Promise<StartedService> {
  const { mode, log } = defaults(opts);
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    log(`${what}: using ${envVar} from the environment (${redact(fromEnv)})`);
    return { url: fromEnv, stop: noop };
  }
  if (mode === 'docker' || (mode === 'auto' && (await dockerAvailable()))) {
    const service = await inDocker();
    log(`${what}: started a container via testcontainers at ${redact(service.url)}`);
    return service;
  }
  const service = await asProcess();
  log(`${what}: started local ${processName} at ${service.url} (no ${envVar}, no Docker engine)`);
  return service;
}

/** A Redis URL for tests/sandbox; stop() tears down what was started (no-op for $REDIS_URL). */
export function ensureRedisUrl(opts: EnsureOptions = {}): Promise<StartedService> {
  return ensure(
    'redis',
    'REDIS_URL',
    opts,
    () => startRedisContainer(),
    () => startRedis(),
    'redis-server',
  );
}

/** A MongoDB URL for tests/sandbox; stop() tears down what was started (no-op for $MONGODB_URL). */
export function ensureMongoUrl(opts: EnsureOptions = {}): Promise<StartedService> {
  return ensure(
    'mongodb',
    'MONGODB_URL',
    opts,
    () => startMongoContainer(),
    () => startFerretDb(),
    'ferretdb-embedded',
  );
}

/** Both at once; if one fails the other is stopped before the error is rethrown. */
export async function ensureServices(
  opts: EnsureOptions = {},
): Promise<{ redis: StartedService; mongo: StartedService; stop(): Promise<void>; ended: Promise<string> }> {
  const [redis, mongo] = await Promise.allSettled([ensureRedisUrl(opts), ensureMongoUrl(opts)]);
  if (redis.status === 'rejected' || mongo.status === 'rejected') {
    await Promise.allSettled([redis, mongo].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    const reasons = [redis, mongo].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'starting local services failed');
  }
  const ended = [redis.value.ended, mongo.value.ended].filter((e) => e !== undefined);
  return {
    redis: redis.value,
    mongo: mongo.value,
    // Never settles when nothing was started here.
    ended: ended.length > 0 ? Promise.race(ended) : new Promise<string>(() => undefined),
    stop: async () => {
      await Promise.allSettled([redis.value.stop(), mongo.value.stop()]);
    },
  };
}

/** Hides a password in a URL before it is logged. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
