// Starting the product's own processes (web, worker) as children, the way the Procfile runs
// them, with their output prefixed or sent to a log file, and stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Runtime = 'node' | 'deno';

export const repoRoot = new URL('../', import.meta.url).pathname;

export interface ProductProcess {
  /** True once the process printed its ready line. */
  readonly ready: boolean;
  readonly exited: boolean;
  stop(): Promise<void>;
  /** SIGKILL: a crash, for tests of what survives one. */
  kill(): Promise<void>;
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
  const child: ChildProcess = spawn(command, args, { cwd: repoRoot, env: input.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A parent that dies must not leave a worker behind polling its queues.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let write: (chunk: Buffer) => void;
  let end = () => {};
  if (input.logFile) {
    mkdirSync(dirname(input.logFile), { recursive: true });
    const log = createWriteStream(input.logFile);
    write = (chunk) => log.write(chunk);
    end = () => log.end();
  } else {
    write = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) process.stdout.write(`${input.kind.padEnd(6)}| ${line}\n`);
    };
  }

  let ready = false;
  let exited = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    write(chunk);
    if (chunk.toString().includes(readyLines[input.kind])) ready = true;
  });
  child.stderr!.on('data', write);
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      process.off('exit', killOnExit);
      end();
      resolve(code);
    }),
  );
  return {
    get ready() {
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
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
