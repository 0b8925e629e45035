// `npm run sandbox` stopped the ways a person stops it: SIGTERM to the npm process's PID (a
// sandbox started in the background), SIGKILL to it (nothing forwarded: the sandbox notices its
// parent is gone), SIGINT to the sandbox's own process, SIGTERM to one of the servers it started.
// Each time, within 10 s, no process of the tree is left, none of the ports they listened on is
// still listened on, and the servers' temporary directories are gone. The sandbox starts its own
// Redis, PostgreSQL and FerretDB here (no REDIS_URL / MONGODB_URL), on free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../local-services/index.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const BANNER = 'Threadbridge sandbox is running';

interface RunningSandbox {
  npm: ChildProcess;
  tmp: string;
  output: () => string;
}

const started: RunningSandbox[] = [];

afterEach(() => {
  // Whatever a failed assertion left: the whole tree is in the npm process's own process group.
  for (const sandbox of started.splice(0)) {
    try {
      process.kill(-sandbox.npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(sandbox.tmp, { recursive: true, force: true });
  }
});

/** Starts `npm run sandbox` and waits for its banner, or, with `until`, for that to hold. */
async function startSandbox(until: (sandbox: RunningSandbox) => boolean = (s) => s.output().includes(BANNER)): Promise<RunningSandbox> {
  const tmp = mkdtempSync(join(tmpdir(), 'sandbox-stop-'));
  // As root, PostgreSQL runs as the postgres user, which must reach its directory in here.
  chmodSync(tmp, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    SANDBOX_SLACK_PORT: String(await freePort()),
    SANDBOX_PLATFORM_PORT: String(await freePort()),
    SANDBOX_CONSOLE_PORT: String(await freePort()),
    // The servers' temporary directories land here, where the test can see they are removed.
    TMPDIR: tmp,
    LOCAL_SERVICES: 'process',
    SANDBOX_LOG_FORMAT: 'json',
  };
  for (const name of ['REDIS_URL', 'MONGODB_URL', 'REDIS_CLUSTER_NODES']) delete env[name];
  const npm = spawn('npm', ['run', 'sandbox'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  npm.stdout!.on('data', keep);
  npm.stderr!.on('data', keep);
  const sandbox = { npm, tmp, output: () => output };
  started.push(sandbox);
  const deadline = Date.now() + 90_000;
  while (!until(sandbox)) {
    if (npm.exitCode !== null || npm.signalCode !== null) throw new Error(`npm run sandbox exited early:\n${output.slice(-4_000)}`);
    if (Date.now() > deadline) throw new Error(`not there in 90 s:\n${output.slice(-4_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The banner is printed last: give it its final lines.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return sandbox;
}

/** Every process's parent and process group, from /proc (zombies, already gone, left out). */
function processes(): Map<number, { ppid: number; pgrp: number }> {
  const result = new Map<number, { ppid: number; pgrp: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') result.set(Number(entry), { ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // exited meanwhile
    }
  }
  return result;
}

function tree(rootPid: number): number[] {
  const all = processes();
  const found = [rootPid];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, { ppid }] of all) if (ppid === found[i]) found.push(pid);
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** The TCP ports in LISTEN state, by socket inode. */
function listeningPorts(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] !== '0A') continue;
      ports.set(fields[9]!, Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

function portsListenedOnBy(pids: number[]): number[] {
  const listening = listeningPorts();
  const ports = new Set<number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        const port = inode ? listening.get(inode) : undefined;
        if (port !== undefined) ports.add(port);
      } catch {
        // closed meanwhile
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

const serverDirs = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('threadbridge-'));

/**
 * Signals one process of the sandbox, then waits up to 10 s for the whole tree (and anything else
 * in npm's process group, started after the PIDs were read), its ports and its directories to be gone.
 */
async function expectCleanStop(sandbox: RunningSandbox, signal: NodeJS.Signals, pick: (pids: number[]) => number, running = true): Promise<void> {
  const pids = tree(sandbox.npm.pid!);
  const ports = portsListenedOnBy(pids);
  if (running) {
    // The web, both emulators, Redis, PostgreSQL and FerretDB, and their data directories.
    expect(ports.length).toBeGreaterThanOrEqual(6);
    expect(serverDirs(sandbox.tmp).sort()).toEqual([
      expect.stringMatching(/^threadbridge-ferretdb-/),
      expect.stringMatching(/^threadbridge-postgres-/),
      expect.stringMatching(/^threadbridge-redis-/),
    ]);
  }

  const signalled = Date.now();
  process.kill(pick(pids), signal);
  const alive = () => {
    const now = processes();
    const inGroup = [...now].filter(([, { pgrp }]) => pgrp === sandbox.npm.pid).map(([pid]) => pid);
    return [...new Set([...pids.filter((pid) => now.has(pid)), ...inGroup])];
  };
  while (alive().length > 0 && Date.now() - signalled < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));

  const left = alive().map((pid) => `${pid} ${commandOf(pid)}`);
  expect(left, `still running 10 s after ${signal}; the sandbox said:\n${sandbox.output().slice(-3_000)}`).toEqual([]);
  const stillListening = [...new Set(listeningPorts().values())].filter((port) => ports.includes(port));
  expect(stillListening).toEqual([]);
  expect(serverDirs(sandbox.tmp)).toEqual([]);
}

const inner = (pids: number[]) => {
  // The process running sandbox/main.ts: npm's child (the script execs it).
  const pid = pids.find((p) => commandOf(p).includes('sandbox/main.ts'));
  if (pid === undefined) throw new Error(`no sandbox/main.ts among ${pids.map((p) => `${p} ${commandOf(p)}`).join(', ')}`);
  return pid;
};

describe('stopping npm run sandbox', () => {
  it('SIGTERM to the npm process stops everything it started and removes the servers’ data', { timeout: 120_000 }, async () => {
    const sandbox = await startSandbox();
    await expectCleanStop(sandbox, 'SIGTERM', () => sandbox.npm.pid!);
  });

  it('SIGKILL to the npm process: the sandbox sees its parent gone and stops as well', { timeout: 120_000 }, async () => {
    const sandbox = await startSandbox();
    await expectCleanStop(sandbox, 'SIGKILL', () => sandbox.npm.pid!);
  });

  it('SIGTERM to the Redis it started takes the whole sandbox down', { timeout: 120_000 }, async () => {
    const sandbox = await startSandbox();
    await expectCleanStop(sandbox, 'SIGTERM', (pids) => {
      const redis = pids.find((p) => commandOf(p).startsWith('redis-server') || commandOf(p).includes('/redis-server'));
      if (redis === undefined) throw new Error('no redis-server in the tree');
      return redis;
    });
  });

  it('SIGINT to the process running sandbox/main.ts stops everything too', { timeout: 120_000 }, async () => {
    const sandbox = await startSandbox();
    await expectCleanStop(sandbox, 'SIGINT', inner);
  });

  it('SIGTERM to the npm process while the sandbox starts (its servers up, the web starting) stops what it started', { timeout: 120_000 }, async () => {
    const sandbox = await startSandbox((s) => tree(s.npm.pid!).some((pid) => commandOf(pid).includes('web-main.ts')));
    expect(serverDirs(sandbox.tmp)).toHaveLength(3);
    expect(sandbox.output()).not.toContain(BANNER);
    await expectCleanStop(sandbox, 'SIGTERM', () => sandbox.npm.pid!, false);
  });
});
