// Queueing from a request handler, bounded in time: both senders give up after 3 s, so a slow
// Redis must become a fast 503 (and a redelivery later) rather than a hung request. The answer
// names no internal detail; the cause goes to the log (error-handler.ts).
import { AppError, appError } from '../errors/index.ts';

function unavailable(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const error = appError('queue_unavailable');
  error.cause = cause;
  return error;
}

/** One promise and one timer per add (no Promise.race over a second promise): it runs on every webhook. */
export function enqueueWithin(add: () => Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(new Error(`Redis did not answer within ${timeoutMs} ms`))), timeoutMs);
    let adding: Promise<void>;
    try {
      adding = add();
    } catch (error) {
      clearTimeout(timer);
      reject(unavailable(error));
      return;
    }
    adding.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(unavailable(error));
      },
    );
  });
}
