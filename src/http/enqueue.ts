// Queueing from a request handler, bounded in time: both senders give up after 3 s, so a slow
// Redis must become a fast 503 (and a redelivery later) rather than a hung request. The answer
// names no internal detail; the cause goes to the log (error-handler.ts).
import { AppError, appError } from '../errors/index.ts';

export async function enqueueWithin(add: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([add(), timeout]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const unavailable = appError('queue_unavailable');
    unavailable.cause = error;
    throw unavailable;
  } finally {
    clearTimeout(timer);
  }
}
