// Authentication of the admin API: a bearer token the operator configures (ADMIN_API_TOKEN),
// compared in constant time. The admin API is mounted only when the token is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseJsonBody } from '../signed-body.ts';
import { appError } from '../../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function adminAuth(token: string) {
  const expected = digest(token);
  return async function checkAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Hashing first makes the comparison constant-time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), expected)) throw appError('ADMIN_UNAUTHORIZED');
  };
}

/**
 * Registers admin routes in their own scope: the admin token checked first, and JSON bodies
 * parsed as JSON (the app-wide parsers keep raw bytes for signed webhooks).
 */
export function adminScope(app: FastifyInstance, token: string, routes: (scope: FastifyInstance) => void): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', adminAuth(token));
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
      try {
        done(null, parseJsonBody(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    routes(scope);
  });
}
