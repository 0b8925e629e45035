// Queueing from a request handler, bounded in time: both senders give up after 3 s, so a slow
// Redis must become a fast 503 (and a redelivery later) rather than a hung request.
import { AppError, appError } from '../errors.ts';

export async function enqueueWithin(add: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(appError('QUEUE_UNAVAILABLE', `Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([add(), timeout]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw appError('QUEUE_UNAVAILABLE', error instanceof Error ? error.message : undefined);
  } finally {
    clearTimeout(timer);
  }
}
