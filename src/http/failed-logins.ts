// Failed sign-ins per client (Bull Board's password, the operator token, an admin session that
// does not exist): a client that failed too often within the window is refused, 429 with
// Retry-After, before its credentials are looked at, right ones included, until the window ends.
// Only failures count. The counts live in Redis, shared by every web process. Not through
// @fastify/rate-limit, although it can peek and count only failures: its store is chosen once,
// where app.ts registers it (in memory, for the per-process limits there), and this limit must
// hold across processes, which the web's Redis key-value store already does.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError } from '../errors/index.ts';
import type { KeyValueStore } from './kv-store.ts';

export interface FailedLoginLimit {
  /** Failures a client may have within the window; the next attempt is refused. */
  max: number;
  windowMs: number;
}

/** Where credentials are checked, each with its own counts. */
export type SignInSurface = 'queues' | 'admin';

export const FAILED_LOGIN_LIMITS: Readonly<Record<SignInSurface, FailedLoginLimit>> = {
  // Bull Board: a person typing a password.
  queues: { max: 10, windowMs: 15 * 60_000 },
  // The admin API: a settings page whose session has ended fails several requests at each load.
  admin: { max: 30, windowMs: 15 * 60_000 },
};

export interface FailedLogins {
  /** Refuses (too_many_failed_attempts, Retry-After) a client that failed too often; runs before authentication. */
  guard(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts a failed attempt of the request's client. */
  failed(request: FastifyRequest): Promise<void>;
}

/**
 * The client is request.ip: the TCP peer, or with TRUST_PROXY the address the outermost trusted
 * proxy saw (app.ts), so an X-Forwarded-For the client wrote itself does not make it another client.
 */
export function failedLoginLimiter(kv: KeyValueStore, surface: SignInSurface, limit: FailedLoginLimit): FailedLogins {
  const key = (request: FastifyRequest) => `failed-logins:${surface}:${request.ip}`;
  return {
    async guard(request, reply) {
      let tally;
      try {
        tally = await kv.tally(key(request));
      } catch (error) {
        // Closed while the counts cannot be read: otherwise an outage would allow any number of guesses.
        request.log.error({ err: error }, 'failed sign-in counts unavailable');
        throw appError('session_unavailable');
      }
      if (tally.count < limit.max) return;
      reply.header('retry-after', String(Math.max(1, Math.ceil(tally.ttlMs / 1000))));
      throw appError('too_many_failed_attempts');
    },
    async failed(request) {
      try {
        await kv.increment(key(request), limit.windowMs);
      } catch (error) {
        // The attempt is refused all the same; the next one's guard meets the outage.
        request.log.error({ err: error }, 'a failed sign-in could not be counted');
      }
    },
  };
}
