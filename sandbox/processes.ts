// Starting the product's own processes (web, worker) as children, the way the Procfile runs
// them, with their output prefixed or sent to a log file, and stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { prettyFactory } from 'pino-pretty';

export type Runtime = 'node' | 'deno';

export const repoRoot = new URL('../', import.meta.url).pathname;

export interface ProductProcess {
  /** True once the process printed its ready line. */
  readonly ready: boolean;
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (10 s by default) if the process has not exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, for tests of what survives one. */
  kill(): Promise<void>;
  /** SIGTERM and nothing more: the exit code, whenever the process exits by itself. */
  terminate(): Promise<number | null>;
}

const entryPoints = { web: 'src/http/web-main.ts', worker: 'src/jobs/worker-main.ts' } as const;
const readyLines = { web: 'Server listening', worker: 'worker ready' } as const;

/**
 * `PRODUCT_CPU_PROFILE_DIR=/some/dir`: each Node process writes a V8 CPU profile there when it
 * stops (Node refuses --cpu-prof in NODE_OPTIONS, so it is passed here). For finding where a
 * benchmark's worker spends its time; open the .cpuprofile in Chrome's DevTools.
 */
function profileArgs(kind: 'web' | 'worker'): string[] {
  const dir = process.env.PRODUCT_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${kind}`] : [];
}

/** A fresh log file (each run starts its own, as before), opened for the child to write. */
function openLog(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  return openSync(path, 'w');
}

export function startProductProcess(input: {
  kind: 'web' | 'worker';
  runtime: Runtime;
  env: NodeJS.ProcessEnv;
  /** A file for stdout and stderr; without it output goes to this terminal, prefixed. */
  logFile?: string;
}): ProductProcess {
  const entry = entryPoints[input.kind];
  const [command, args] =
    input.runtime === 'deno'
      ? [`${repoRoot}node_modules/.bin/deno`, ['run', '-A', entry]]
      : [process.execPath, [...profileArgs(input.kind), '--import', 'tsx', entry]];
  // With a log file the child writes to it itself. Through a pipe, the parent (a benchmark, busy
  // with its own load) had to carry every line, and a full pipe stalled the child's synchronous
  // log writes: the ingress bench measured the web process waiting on its own logging.
  const logFd = input.logFile ? openLog(input.logFile) : undefined;
  const child: ChildProcess = spawn(command, args, { cwd: repoRoot, env: input.env, stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe'] });
  if (logFd !== undefined) closeSync(logFd);
  // A parent that dies must not leave a worker behind polling its queues.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let ready = false;
  let exited = false;
  const readyLine = readyLines[input.kind];
  if (!input.logFile) {
    // On a terminal (the sandbox) the JSON lines are shown through pino-pretty; a line that is
    // not JSON (a crash's stack) as it is. SANDBOX_LOG_FORMAT=json keeps them raw.
    const pretty =
      process.env.SANDBOX_LOG_FORMAT === 'json'
        ? null
        : prettyFactory({ colorize: Boolean(process.stdout.isTTY), translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name' });
    const show = (line: string) => (pretty && line.startsWith('{') ? pretty(line).trimEnd() : line);
    const write = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        for (const shown of show(line).split('\n')) process.stdout.write(`${input.kind.padEnd(6)}| ${shown}\n`);
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      write(chunk);
      if (chunk.toString().includes(readyLine)) ready = true;
    });
    child.stderr!.on('data', write);
  }
  // Polled only until the ready line appears; a starting process has written little.
  const checkReady = () => {
    if (!ready && input.logFile) ready = readFileSync(input.logFile, 'utf8').includes(readyLine);
    return ready;
  };
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  return {
    get ready() {
      checkReady();
      if (exited && !ready) throw new Error(`${input.kind} (${input.runtime}) exited before it was ready${input.logFile ? `; see ${input.logFile}` : ''}`);
      return ready;
    },
    get exited() {
      return exited;
    },
    async kill() {
      if (exited) return;
      child.kill('SIGKILL');
      await exit;
    },
    async terminate() {
      if (!exited) child.kill('SIGTERM');
      return exit;
    },
    async stop(graceMs = 10_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(killer);
    },
  };
}
