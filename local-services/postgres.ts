// Local services: starts a throwaway PostgreSQL (Debian's package) on a free loopback port, for
// FerretDB's PostgreSQL backend (see ferretdb.ts). Durability is off (fsync, synchronous_commit,
// full_page_writes): tests and the sandbox want speed, and their data is thrown away.
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package creates.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { endOf, findOnPath, makeTempDir, removeDir, spawnChild, waitUntilReady } from './spawn.ts';
import type { StartedService } from './spawn.ts';

export interface StartPostgresOptions {
  /** Fixed port; default: a free one (retried if it gets taken before PostgreSQL binds it). */
  port?: number;
  /** Directory with initdb and postgres; default $POSTGRES_BIN_DIR, PATH, then the newest /usr/lib/postgresql/N/bin. */
  binDir?: string;
  /** How long to wait for the server to accept connections; default 30 s. */
  startTimeoutMs?: number;
}

/** Where PostgreSQL's server programs are, or undefined when none is installed. */
export function findPostgresBinDir(explicit = process.env.POSTGRES_BIN_DIR): string | undefined {
  if (explicit) return existsSync(join(explicit, 'postgres')) ? explicit : undefined;
  const onPath = findOnPath('initdb');
  if (onPath !== undefined && existsSync(join(onPath, '..', 'postgres'))) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<StartedService> {
  const binDir = opts.binDir ?? findPostgresBinDir();
  if (binDir === undefined) {
    throw new Error('PostgreSQL not found (initdb/postgres). Run `bash scripts/ensure-deps.sh` to install it, or set FERRETDB_BACKEND=sqlite.');
  }
  const attempts = opts.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binDir, opts.port ?? (await freePort()), opts.startTimeoutMs ?? 30_000);
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('in use')) throw err;
    }
  }
}

async function startOnce(binDir: string, port: number, timeoutMs: number): Promise<StartedService> {
  const dir = await makeTempDir('postgres');
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], {
    encoding: 'utf8',
    ...runAs,
  });
  if (init.status !== 0) {
    await removeDir(dir);
    throw new Error(`initdb failed (exit ${init.status}): ${init.error?.message ?? ''}${init.stderr}`);
  }
  let ready = false;
  // SIGTERM only asks PostgreSQL to stop once its clients (FerretDB) have gone: it says so at once.
  let shutdownRequested: (line: string) => void = () => undefined;
  const shuttingDown = new Promise<string>((resolve) => {
    shutdownRequested = resolve;
  });
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300');
  const handle = spawnChild(join(binDir, 'postgres'), args, join(dir, `postgres-${Date.now()}.log`), {
    runAs,
    onLine: (line) => {
      if (line.includes('database system is ready to accept connections')) ready = true;
      if (/received (smart|fast|immediate) shutdown request/.test(line)) shutdownRequested(`postgres on port ${port}: ${line}`);
    },
  });
  const stop = async (): Promise<void> => {
    await handle.stop();
    await removeDir(dir);
  };
  try {
    await waitUntilReady(
      `postgres on port ${port}`,
      handle,
      async () => {
        if (!ready) throw new Error('not accepting connections yet');
      },
      timeoutMs,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, ended: Promise.race([endOf(handle), shuttingDown]) };
}

/** The `postgres` system user (Debian's package creates it), to run the server as when we are root. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as (install Debian's postgresql package)");
  }
  return { uid: Number(uid), gid: Number(gid) };
}
