// Local services: shared plumbing for launching a server as a child process.
// Temp dirs, log capture, readiness polling, and a stop() that escalates SIGTERM to SIGKILL.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running service: where to reach it, and how to stop it (idempotent). */
export interface StartedService {
  url: string;
  stop(): Promise<void>;
  /** FerretDB on PostgreSQL: the PostgreSQL it keeps its data in (benchmarks seed it directly). */
  postgresqlUrl?: string;
  /**
   * Settles, saying what happened, once the server's process exits (or PostgreSQL starts shutting
   * down), stopped or not: the sandbox stops everything when one of its servers goes. Absent for a
   * URL from the environment and for a container.
   */
  ended?: Promise<string>;
}

export interface ChildHandle {
  child: ChildProcess;
  /** Last lines the process wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** Rejects as soon as the process exits (or fails to start); for racing against readiness checks. */
  exited: Promise<never>;
  /** The error `exited` rejected with, once it has. */
  exitError(): Error | undefined;
  stop(): Promise<void>;
}

export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `threadbridge-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
}

/** Resolves a command name against PATH (like `command -v`); undefined when absent. */
export function findOnPath(command: string): string | undefined {
  if (command.includes('/')) return existsSync(command) ? command : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin']);
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/**
 * Spawns `bin args`, writing its output to `logFile` and keeping a short tail in memory.
 * The child is killed if this process exits without stopping it.
 */
export function spawnChild(
  bin: string,
  args: string[],
  logFile: string,
  opts: { keepStdinOpen?: boolean; onLine?: (line: string) => void; runAs?: { uid: number; gid: number } } = {},
): ChildHandle {
  const child = spawn(bin, args, { stdio: [opts.keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'], ...opts.runAs });
  // An open stdin pipe must not keep this process alive; its EOF tells the child we are gone.
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const log = createWriteStream(logFile);
  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    log.write(chunk);
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      opts.onLine?.(line);
      lines.push(line);
      if (lines.length > 40) lines.shift();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let exitError: Error | undefined;
  const exited = new Promise<never>((_, reject) => {
    const fail = (why: string): void => {
      exitError ??= new Error(`${bin} ${why}; last output:\n${[...lines, partial].join('\n').trim() || '(none)'}`);
      reject(exitError);
    };
    child.once('error', (err) => fail(`failed to start: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
  exited.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(() => resolve()));
    })();
    return stopping;
  };

  return { child, tail: () => [...lines, partial].join('\n').trim(), exited, exitError: () => exitError, stop };
}

/** What `exited` says, once the child has exited. */
export function endOf(handle: ChildHandle): Promise<string> {
  return handle.exited.catch((err: Error) => err.message);
}

/** Calls `probe` every `intervalMs` until it resolves, the child exits, or `timeoutMs` passes. */
export async function waitUntilReady(name: string, handle: ChildHandle, probe: () => Promise<void>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = 'no attempt finished';
  while (Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('probe timed out')), Math.max(deadline - Date.now(), 1));
    });
    try {
      await Promise.race([probe(), handle.exited, timeout]);
      return;
    } catch (err) {
      const exitError = handle.exitError();
      if (exitError) throw exitError;
      lastError = err;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${name} did not become ready within ${timeoutMs} ms (${why}); last output:\n${handle.tail() || '(none)'}`);
}
