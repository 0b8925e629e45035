// Builds the Fastify app of the web process: the signed ingress (its own scope, where bodies stay
// raw bytes until verified), the error catalogue, cookies, the pages' security headers, rate
// limits (per client, behind only as many proxies as TRUST_PROXY says), and the routes. No
// listening here, so tests use app.inject or listen on port 0 themselves.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { HttpDeps } from './http-deps.ts';
import { registerSignedIngress, SIGNED_INGRESS_PATHS } from './signed-ingress.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { registerSlackOAuthRoutes } from './routes/slack-oauth.route.ts';
import { registerHealthRoutes } from './routes/health.route.ts';
import { registerMetricsRoute } from './routes/metrics.route.ts';
import { registerBullBoard } from './bull-board.ts';
import { failedLoginLimiter } from './failed-logins.ts';
import { registerAdminDirectoryRoutes } from './admin/directory.route.ts';
import { registerAdminSettingsRoutes } from './admin/settings.route.ts';
import { registerAdminDigestRoutes } from './admin/digest.route.ts';
import { registerAdminAgentRoutes } from './admin/agents.route.ts';
import { registerDeadLetterRoutes } from './admin/dead-letters.route.ts';
import { registerAdminConnectionRoutes } from './admin/connection.route.ts';
import { registerAdminHealthRoutes } from './admin/health.route.ts';
import { registerActivityRoutes } from './admin/activity.route.ts';
import { orgAdminScope, sessionCookieName } from './admin/admin-auth.ts';
import type { OrgScope } from './admin/admin-org.ts';
import { registerSettingsPageRoute } from './routes/settings-page.route.ts';
import { registerPageAssets } from './routes/page-assets.route.ts';

/**
 * The signed ingress routes: Slack and the platform send thousands of requests
 * a minute. Their success is logged once, by the route, with the event's ids ("… queued"); Fastify's
 * own two lines per request (incoming, completed) are left out for them, and a refused one (4xx,
 * 5xx) still gets its "request completed" line. Measured: the ingress went from ×0.45 to ×0.57 of a
 * bare route (npm run bench).
 */
const isIngress = (request: FastifyRequest) => {
  // By path, without allocating: `request.routeOptions` builds an object of a dozen fields at each read.
  const url = request.url;
  const query = url.indexOf('?');
  return SIGNED_INGRESS_PATHS.has(query === -1 ? url : url.slice(0, query));
};

// A subclass because that is how Fastify lets an app shape its own request log lines
// (the `logController` option; `disableRequestLogging` alone is deprecated).
class IngressLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!isIngress(request)) super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!isIngress(request) || error || reply.statusCode >= 400) super.requestCompleted(error, request, reply);
  }
}

/**
 * The request's id in every log line of it: the caller's `X-Request-Id` (a proxy's, Heroku's
 * router's) when it looks like one, so a request can be followed across both; a fresh one otherwise.
 * Anything else (too long, odd characters) is not trusted into the logs.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : randomUUID();
}

/** Requests to the admin API per minute, per client and org (the settings page's type-ahead stays far below). */
const ADMIN_REQUESTS_PER_MINUTE = 600;

export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  // TRUST_PROXY hops are believed: the client address is the one the outermost trusted proxy
  // saw, and whatever X-Forwarded-For the client wrote itself changes nothing (rate limits stay
  // per client). Fastify reads a bare number as "trust nothing", hence the function.
  const hops = deps.trustProxy;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: hops ? (_address: string, hop: number) => hop < hops : false,
    logController: new IngressLogController(),
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // A path parameter may be a channel as pickers name it on an org-wide install, `name (Workspace)`,
    // URL-encoded (admin-org.ts channelChoice: 200 characters, each up to 4 UTF-8 bytes of 3
    // characters encoded); Fastify's default of 100 would answer 414 for a long one.
    maxParamLength: 2400,
    // Fastify's ajv drops a field a schema does not declare (removeAdditional) and answers 200, so a
    // script believes a setting took effect that was never stored. Off, `additionalProperties: false`
    // refuses it: invalid_payload naming the field (error-handler.ts). The signed ingress declares no
    // schema, so Slack's and the platform's new fields are still accepted there.
    ajv: { customOptions: { removeAdditional: false } },
  });
  // Set by sendError on any refusal; the signed ingress counts its requests by it.
  app.decorateRequest('refusal', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('adminPrincipal', null);
  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerSignedIngress(app, deps);
  // Cookies, pages' security headers and rate limits in a scope of their own: plugins add their
  // hooks to every route of the scope they are registered in, and on the signed ingress each was a
  // call or two (helmet's, a promise) on every webhook for things it has none of.
  await app.register(async (web) => registerBrowserRoutes(web, deps));
  return app;
}

/** The routes a browser or an admin's script calls: install flow, pages, admin API, Bull Board. */
async function registerBrowserRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  await app.register(cookie);
  // Per route: pages and their assets get the headers (pageHeaders); JSON APIs and Bull Board keep theirs.
  await app.register(helmet, { global: false });
  // Only routes that opt in are limited: Slack and the platform must never be throttled here.
  await app.register(rateLimit, { global: false });

  registerSlackOAuthRoutes(app, deps);
  registerPageAssets(app, Boolean(deps.admin));
  if (deps.admin) {
    const admin = deps.admin;
    // The admin API's OpenAPI description, generated from the route schemas (tagged 'admin').
    await app.register(swagger, {
      hideUntagged: true,
      openapi: {
        info: {
          title: 'Threadbridge admin API',
          version: '1',
          description:
            'Connect Slack and configure an org: settings, agent mapping, routing groups, the channel and user directory, Disconnect, the change history, the integration’s health (and Route again). An org admin’s session (opened by the chat platform’s Setup link) reaches its own org only, and its changes need an Origin equal to PUBLIC_URL’s; operators send ADMIN_API_TOKEN as a Bearer token. Errors are `{ error: { code, message, field? } }`.',
        },
        components: {
          securitySchemes: {
            adminSession: {
              type: 'apiKey',
              in: 'cookie',
              name: sessionCookieName(deps.publicUrl),
              description: 'An org admin’s session, from the chat platform’s Setup link (GET /settings/{orgId}?launch=…)',
            },
            operatorToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN (operators, every org)' },
          },
        },
      },
    });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    const orgIdOf = (request: FastifyRequest) => (request.params as { orgId?: string } | undefined)?.orgId ?? '';
    const limiter = app.rateLimit({
      max: ADMIN_REQUESTS_PER_MINUTE,
      timeWindow: '1 minute',
      keyGenerator: (request) => `${request.ip}|${orgIdOf(request)}`,
      // Operators' scripts (seeding, support) are not throttled.
      allowList: (request) => request.adminPrincipal?.kind === 'operator',
    });
    const failedLogins = failedLoginLimiter(deps.kv, 'admin', deps.failedLoginLimits.admin);
    const access = { operatorToken: admin.token, sessions: admin.sessions, publicUrl: () => deps.publicUrl, failedLogins };
    const orgScope: OrgScope = (target, routes) => orgAdminScope(target, access, routes, [limiter]);
    registerAdminConnectionRoutes(app, deps, admin, orgScope);
    registerAdminDirectoryRoutes(app, deps, admin, orgScope);
    registerAdminSettingsRoutes(app, deps, admin, orgScope);
    registerAdminDigestRoutes(app, deps, admin, orgScope);
    registerAdminAgentRoutes(app, deps, admin, orgScope);
    registerAdminHealthRoutes(app, deps, admin, orgScope);
    registerActivityRoutes(app, admin, orgScope);
    registerDeadLetterRoutes(app, deps, failedLogins);
    registerSettingsPageRoute(app, deps, admin);
  }
  if (deps.bullBoard) await registerBullBoard(app, deps.bullBoard, failedLoginLimiter(deps.kv, 'queues', deps.failedLoginLimits.queues));
}
