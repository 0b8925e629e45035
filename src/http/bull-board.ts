// Bull Board at /admin/queues, for operators to inspect, retry and clean jobs. Mounted only
// when credentials are configured, behind HTTP Basic auth: job payloads hold visitors' messages.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';

export const BULL_BOARD_PATH = '/admin/queues';

// Hashing both sides first makes the comparison constant-time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

export async function registerBullBoard(app: FastifyInstance, queues: Queue[], credentials: { user: string; password: string }): Promise<void> {
  const expected = digest(`${credentials.user}:${credentials.password}`);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
      if (!timingSafeEqual(digest(given), expected)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Basic realm="Threadbridge queues", charset="UTF-8"')
          .send({ error: { code: 'unauthorized', message: 'Queue dashboard credentials required' } });
      }
    });
    const serverAdapter = new FastifyAdapter();
    createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    await scope.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
