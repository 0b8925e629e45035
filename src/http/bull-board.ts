// Bull Board at /admin/queues, for operators to inspect the queues (and, when BULL_BOARD_READ_ONLY
// is false, retry and clean jobs). Mounted only when credentials are configured, behind HTTP Basic
// auth: job payloads hold visitors' messages. Read-only by default because its write actions
// (obliterate, empty, clean, retry, promote, add a job, edit a job's data…) reach those jobs.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { AppError, appError } from '../errors/index.ts';
import { sendError } from './error-handler.ts';
import type { FailedLogins } from './failed-logins.ts';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardOptions {
  queues: Queue[];
  user: string;
  password: string;
  /** BULL_BOARD_READ_ONLY: every request but GET and HEAD is refused. */
  readOnly: boolean;
}

// Hashing both sides first makes the comparison constant-time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

const READING = new Set(['GET', 'HEAD']);

export async function registerBullBoard(app: FastifyInstance, board: BullBoardOptions, failedLogins: FailedLogins): Promise<void> {
  const expected = digest(`${board.user}:${board.password}`);

  /** Throws the refusal, in order: a client that failed too often is refused before its credentials are checked. */
  async function admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await failedLogins.guard(request, reply);
    const header = request.headers.authorization;
    const given = header?.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    if (!timingSafeEqual(digest(given), expected)) {
      // A browser's first request carries no credentials: only a wrong one is a failed attempt.
      if (header !== undefined) await failedLogins.failed(request);
      reply.header('www-authenticate', 'Basic realm="Threadbridge queues", charset="UTF-8"');
      throw appError('unauthorized');
    }
    // Bull Board's own read-only mode hides the buttons and answers 405 on most write routes, but
    // its pause-all and resume-all answer 200 having done nothing: one refusal for all of them here.
    if (board.readOnly && !READING.has(request.method)) throw appError('queue_dashboard_read_only');
  }

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      try {
        await admit(request, reply);
      } catch (error) {
        // Bull Board's routes have an error handler of their own, with its own body: the refusal
        // is answered here, as the app's handler answers it elsewhere.
        if (error instanceof AppError) return sendError(reply, error, error.message);
        throw error;
      }
    });
    const serverAdapter = new FastifyAdapter();
    createBullBoard({ queues: board.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: board.readOnly })), serverAdapter });
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    await scope.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
