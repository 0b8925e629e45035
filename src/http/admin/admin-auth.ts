// Authentication of the admin API: a bearer token the operator configures (ADMIN_API_TOKEN),
// compared in constant time. The admin API is mounted only when the token is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError } from '../errors.ts';

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
