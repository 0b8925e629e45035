// Local services: starts the embedded FerretDB (MongoDB wire protocol) on a free port, on its
// PostgreSQL backend (a throwaway PostgreSQL started beside it, postgres.ts) or its SQLite one.
// For tests and the sandbox when neither MONGODB_URL nor a Docker engine is available.
// The default is PostgreSQL: it pushes equality filters down instead of filtering whole tables
// in Go, measured several times faster on the product's hot path (docs/store-access-paths.md).
import { MongoClient } from 'mongodb';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { startPostgres } from './postgres.ts';
import { endOf, makeTempDir, removeDir, spawnChild, waitUntilReady } from './spawn.ts';
import type { StartedService } from './spawn.ts';

/** Where scripts/ensure-deps.sh builds tools/ferretdb. */
export const FERRETDB_BIN = fileURLToPath(new URL('../.bin/ferretdb-embedded', import.meta.url));

export interface StartFerretDbOptions {
  /** Fixed port; default: a free one (retried if it gets taken before FerretDB binds it). */
  port?: number;
  /** Binary; default: $FERRETDB_BIN or .bin/ferretdb-embedded in the repository. */
  bin?: string;
  /** FerretDB log level on its log file: debug, info, warn (default) or error. */
  logLevel?: string;
  /** How long to wait for `ping` to answer; default 30 s. */
  startTimeoutMs?: number;
  /** SQLite data directory, kept when the server stops (fault tests start it again with its data); default a temporary one, removed. Implies the SQLite backend. */
  dir?: string;
  /** "postgresql" (default, or $FERRETDB_BACKEND) or "sqlite". */
  backend?: FerretDbBackend;
  /** With the PostgreSQL backend: this PostgreSQL instead of one started (and stopped) with FerretDB. */
  postgresqlUrl?: string;
  /** With the PostgreSQL backend: add the GIN index twins (tools/ferretdb/index-twins.sql); default true. False only to measure FerretDB without them. */
  indexTwins?: boolean;
}

export type FerretDbBackend = 'postgresql' | 'sqlite';

/** The backend asked for by $FERRETDB_BACKEND (default postgresql); an unknown name is an error, not a silent default. */
export function ferretDbBackendFromEnv(value = process.env.FERRETDB_BACKEND): FerretDbBackend {
  if (value === undefined || value === '' || value === 'postgresql') return 'postgresql';
  if (value === 'sqlite') return 'sqlite';
  throw new Error(`FERRETDB_BACKEND must be "postgresql" or "sqlite", not ${JSON.stringify(value)}`);
}

export async function startFerretDb(opts: StartFerretDbOptions = {}): Promise<StartedService> {
  const bin = opts.bin ?? process.env.FERRETDB_BIN ?? FERRETDB_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `ferretdb-embedded not found at ${bin}. Run \`bash scripts/ensure-deps.sh\` to build it from tools/ferretdb, ` +
        'or set MONGODB_URL to a running MongoDB.',
    );
  }
  const backend = opts.dir !== undefined ? 'sqlite' : (opts.backend ?? ferretDbBackendFromEnv());
  const postgres = backend === 'postgresql' && opts.postgresqlUrl === undefined ? await startPostgres() : undefined;
  const storage = backend === 'sqlite' ? { sqliteDir: opts.dir } : { postgresqlUrl: opts.postgresqlUrl ?? postgres!.url, indexTwins: opts.indexTwins ?? true };
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      const port = opts.port ?? (await freePort());
      const service = await startOnce(bin, port, opts.logLevel ?? 'warn', opts.startTimeoutMs ?? 30_000, storage);
      const postgresqlUrl = storage.postgresqlUrl;
      if (postgres === undefined) return postgresqlUrl === undefined ? service : { ...service, postgresqlUrl };
      return {
        url: service.url,
        postgresqlUrl: postgres.url,
        ended: Promise.race([service.ended, postgres.ended].filter((e) => e !== undefined)),
        stop: async () => {
          await service.stop();
          await postgres.stop();
        },
      };
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('in use')) {
        await postgres?.stop();
        throw err;
      }
    }
  }
}

async function startOnce(
  bin: string,
  port: number,
  logLevel: string,
  timeoutMs: number,
  storage: { sqliteDir?: string | undefined; postgresqlUrl?: string; indexTwins?: boolean },
): Promise<StartedService> {
  const keptDir = storage.sqliteDir;
  const dir = keptDir ?? (await makeTempDir('ferretdb'));
  const backendArgs =
    storage.postgresqlUrl !== undefined
      ? ['-postgresql-url', storage.postgresqlUrl, `-index-twins=${storage.indexTwins !== false}`]
      : ['-dir', join(dir, 'data')];
  const args = ['-listen', `127.0.0.1:${port}`, ...backendArgs, '-log-level', logLevel, '-exit-on-stdin-eof'];
  let listening = false;
  const handle = spawnChild(bin, args, join(dir, `ferretdb-${Date.now()}.log`), {
    keepStdinOpen: true,
    onLine: (line) => {
      if (line.startsWith('ferretdb-embedded listening')) listening = true;
    },
  });
  const stop = async (): Promise<void> => {
    await handle.stop();
    if (!keptDir) await removeDir(dir);
  };
  const url = `mongodb://127.0.0.1:${port}/`;
  try {
    const probe = async (): Promise<void> => {
      if (!listening) throw new Error("no 'listening' line yet");
      await ping(url);
    };
    await waitUntilReady(`ferretdb-embedded on port ${port}`, handle, probe, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop, ended: endOf(handle) };
}

async function ping(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}
