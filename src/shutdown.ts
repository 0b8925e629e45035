// How both processes stop on SIGTERM (Heroku sends it, then SIGKILL 30 s later) and SIGINT: the
// steps in order (stop taking work, finish or hand back what is held, close connections), once
// however many signals come, and an exit within the deadline whatever hangs. A step that cannot
// finish (Redis or MongoDB unreachable: BullMQ's close and the driver's wait for them) is cut
// short; the jobs it held are not lost: BullMQ hands a job whose lock lapses to another worker,
// and every job is safe to run twice.
import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/** Within Heroku's 30 s, with room for the process to exit. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export function stopOnSignals(options: { logger: Logger; steps: ShutdownStep[]; deadlineMs?: number; exit?: (code: number) => void }): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
    options.logger.info({ signal, deadlineMs }, 'stopping');
    let current = 'starting';
    const deadline = setTimeout(() => {
      options.logger.error({ step: current, deadlineMs }, 'shutdown did not finish in time: exiting anyway');
      exit(1);
    }, deadlineMs);
    let failed = false;
    for (const step of options.steps) {
      current = step.name;
      try {
        await step.run();
      } catch (error) {
        failed = true;
        options.logger.warn({ step: step.name, err: error }, 'shutdown step failed; going on');
      }
    }
    clearTimeout(deadline);
    options.logger.info('stopped');
    exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
