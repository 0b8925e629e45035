// Who may use the admin API. Org admins come with the session a launch token opened (a cookie),
// which reaches its own org only; changes (PUT, POST, DELETE) also need an Origin equal to
// PUBLIC_URL's, so another site cannot make an admin's browser send them. Operators send
// ADMIN_API_TOKEN as a Bearer token (compared in constant time) and reach every org; routes
// without an org are theirs alone unless they say otherwise. A wrong operator token or a session
// that does not exist is a failed attempt: a client with too many is refused before it is checked
// (failed-logins.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { appError, type AppError } from '../../errors/index.ts';
import { withoutNul } from '../../parse-json.ts';
import type { AdminActor } from '../../store/index.ts';
import type { AdminSessions } from './admin-sessions.ts';
import type { FailedLogins } from '../failed-logins.ts';

export type AdminPrincipal =
  | { kind: 'operator' }
  | { kind: 'org-admin'; orgId: string; userId: string; orgName?: string; userName?: string; sessionId: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin scopes' authentication, null elsewhere. */
    adminPrincipal: AdminPrincipal | null;
  }
  interface FastifyContextConfig {
    /** An admin route without an org that org sessions may use too (their own session, e.g. sign-out). */
    anySession?: boolean;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The session cookie: `__Host-` (Secure, Path=/, no Domain, so no other host can set it) on https. */
export function sessionCookieName(publicUrl: string): string {
  return isHttps(publicUrl) ? '__Host-tb_admin' : 'tb_admin';
}

export const isHttps = (publicUrl: string) => new URL(publicUrl).protocol === 'https:';

/** The Bearer token of the request, undefined when it has none. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
}

/** Whether `given` is the operator token (hashing first makes the comparison constant-time whatever the lengths). */
function isOperatorToken(expected: Buffer | null, given: string): boolean {
  return Boolean(expected && given && timingSafeEqual(digest(given), expected));
}

/** Who made a change, for the change history. */
export function actorOf(request: FastifyRequest): AdminActor {
  return actorFor(principalOf(request));
}

export function actorFor(principal: AdminPrincipal): AdminActor {
  if (principal.kind === 'operator') return { kind: 'operator' };
  return { kind: 'org-admin', userId: principal.userId, ...(principal.userName ? { userName: principal.userName } : {}) };
}

/** The authenticated principal of a route behind the admin scopes. */
export function principalOf(request: FastifyRequest): AdminPrincipal {
  if (!request.adminPrincipal) throw new Error('the route is not behind admin authentication');
  return request.adminPrincipal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AdminAccess {
  /** ADMIN_API_TOKEN; undefined: no operator access. */
  operatorToken: string | undefined;
  sessions: AdminSessions;
  /** PUBLIC_URL (read per request: tests learn it once the app listens). */
  publicUrl: () => string;
  failedLogins: FailedLogins;
}

/** Who may use the operators' routes: the operator token; undefined, nobody. */
export interface OperatorAccess {
  operatorToken: string | undefined;
  failedLogins: FailedLogins;
}

/**
 * The admin API's JSON bodies (read by Fastify's parser, which keeps NULs) lose their NUL
 * characters before validation, as the signed routes' parseJson does: a store on PostgreSQL
 * refuses any string holding one. Only in the admin scopes, so the ingress pays nothing for it.
 */
async function dropNuls(request: FastifyRequest): Promise<void> {
  if (request.body !== null && typeof request.body === 'object' && JSON.stringify(request.body).includes('\\u0000')) request.body = withoutNul(request.body);
}

/** The refusal of a request whose credential is wrong or absent; a wrong one counts as a failed attempt. */
async function unauthorized(request: FastifyRequest, failedLogins: FailedLogins, credentialGiven: boolean): Promise<AppError> {
  if (credentialGiven) await failedLogins.failed(request);
  return appError('admin_unauthorized');
}

/**
 * Admin routes for operators only (the operator token as a Bearer token), in their own scope.
 * `operatorToken` undefined: nobody gets in.
 */
export function adminScope(app: FastifyInstance, access: OperatorAccess, routes: (scope: FastifyInstance) => void): void {
  const expected = access.operatorToken ? digest(access.operatorToken) : null;
  app.register(async (scope) => {
    scope.addHook('preValidation', dropNuls);
    scope.addHook('onRequest', access.failedLogins.guard);
    scope.addHook('onRequest', async (request) => {
      const bearer = bearerOf(request);
      if (!isOperatorToken(expected, bearer ?? '')) throw await unauthorized(request, access.failedLogins, bearer !== undefined);
      request.adminPrincipal = { kind: 'operator' };
    });
    routes(scope);
  });
}

/**
 * Admin routes of one org (`:orgId` in the path): its admins' sessions and operators. Hooks run in
 * order: the failed attempts' limit, authentication, then the scope's own (`extraOnRequest`, e.g.
 * rate limits by principal).
 */
export function orgAdminScope(
  app: FastifyInstance,
  access: AdminAccess,
  routes: (scope: FastifyInstance) => void,
  extraOnRequest: Array<(request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = [],
): void {
  const expected = access.operatorToken ? digest(access.operatorToken) : null;
  app.register(async (scope) => {
    scope.addHook('preValidation', dropNuls);
    scope.addHook('onRequest', access.failedLogins.guard);
    scope.addHook('onRequest', async (request) => {
      const bearer = bearerOf(request);
      if (bearer !== undefined) {
        // A Bearer token is the operator's: a wrong one is refused, never tried as something else.
        if (!isOperatorToken(expected, bearer)) throw await unauthorized(request, access.failedLogins, true);
        request.adminPrincipal = { kind: 'operator' };
        return;
      }
      const sessionId = request.cookies[sessionCookieName(access.publicUrl())];
      if (!sessionId) throw appError('admin_unauthorized');
      let session;
      try {
        session = await access.sessions.find(sessionId);
      } catch (error) {
        request.log.error({ err: error }, 'admin sessions unavailable');
        throw appError('session_unavailable');
      }
      if (!session) throw await unauthorized(request, access.failedLogins, true);
      const orgId = (request.params as { orgId?: string } | undefined)?.orgId;
      // Nothing of another org, not even whether it exists.
      if (orgId === undefined ? !request.routeOptions.config.anySession : orgId !== session.orgId) {
        throw appError(orgId === undefined ? 'operators_only' : 'admin_forbidden');
      }
      if (!SAFE_METHODS.has(request.method) && request.headers.origin !== new URL(access.publicUrl()).origin) {
        throw appError('cross_site_request');
      }
      const { orgName, userName } = session;
      request.adminPrincipal = {
        kind: 'org-admin',
        orgId: session.orgId,
        userId: session.userId,
        ...(orgName ? { orgName } : {}),
        ...(userName ? { userName } : {}),
        sessionId,
      };
    });
    for (const hook of extraOnRequest) scope.addHook('onRequest', async (request, reply) => void (await hook(request, reply)));
    routes(scope);
  });
}
