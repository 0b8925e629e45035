// The signed ingress: the routes Slack and the chat platform call, in one encapsulated Fastify
// scope. Only inside it are bodies read as raw bytes (the signature covers the exact bytes), and
// each route says who signs it (`config: { signedBy }`, as @fastify/rate-limit routes say their
// limits); the scope gives every route a preHandler checking that sender's signature before any
// handler sees the body, so no route can forget to. The rest of the app keeps Fastify's own parsers.
import type { FastifyInstance, onResponseHookHandler, preHandlerHookHandler } from 'fastify';
import type { HttpDeps } from './http-deps.ts';
import { assertSigned, registerRawBodyParsers, type SigningScheme } from './signed-body.ts';
import { registerChatWebhookRoute } from './routes/chat-webhooks.route.ts';
import { registerSlackEventsRoute } from './routes/slack-events.route.ts';
import { registerSlackInteractionsRoute } from './routes/slack-interactions.route.ts';
import { deferredChildLogger } from './request-log.ts';

export type Signer = 'slack' | 'chat';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who signs the route's requests: every route of the signed ingress says it, no other route does. */
    signedBy?: Signer;
  }
}

/** What the scope needs of the web's deps (tests build it with less). */
export type SignedIngressDeps = Pick<HttpDeps, 'slackSigningSecret' | 'chatWebhookSecret' | 'now'> & { metrics: Pick<HttpDeps['metrics'], 'ingress'> };

// Built per request from the deps, as the routes used to: a secret is never copied at start.
const schemes: Record<Signer, (deps: SignedIngressDeps) => SigningScheme> = {
  slack: (deps) => ({ version: 'v0', secret: deps.slackSigningSecret, timestampHeader: 'x-slack-request-timestamp', signatureHeader: 'x-slack-signature' }),
  chat: (deps) => ({ version: 'v1', secret: deps.chatWebhookSecret, timestampHeader: 'x-chat-timestamp', signatureHeader: 'x-chat-signature' }),
};

// Both hooks take `done` rather than being async: a promise and a turn of the microtask queue less per request.
function signatureCheck(deps: SignedIngressDeps, signer: Signer): preHandlerHookHandler {
  return (request, _reply, done) => {
    try {
      assertSigned(request, schemes[signer](deps), deps.now().getTime());
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}

/** Counts each answer of `route` by outcome, with its latency; sendError names a refusal (error-handler.ts). */
function answerCount(deps: SignedIngressDeps, route: string): onResponseHookHandler {
  return (request, reply, done) => {
    deps.metrics.ingress(route, reply.statusCode < 400 ? 'accepted' : (request.refusal ?? String(reply.statusCode)), reply.elapsedTime / 1000);
    done();
  };
}

/** The signed routes' paths, for the request log (app.ts), which decides before any route is matched. */
export const SIGNED_INGRESS_PATHS: ReadonlySet<string> = new Set(['/webhooks/chat', '/slack/events', '/slack/interactions']);

/**
 * An encapsulated scope whose routes are all signed: raw-body parsers, the signature check by
 * `config.signedBy`, each request counted by outcome with its latency, and a request logger made
 * only when the request logs through it (request-log.ts).
 */
export function signedScope(app: FastifyInstance, deps: SignedIngressDeps, routes: (scope: FastifyInstance) => void): void {
  app.register(async (scope) => {
    registerRawBodyParsers(scope);
    scope.setChildLoggerFactory(deferredChildLogger);
    // Each route gets its signer's check and its count from its config, once at start (a route
    // that names no signer is refused then, rather than left open at run time): per request,
    // `request.routeOptions` would build an object of a dozen fields at each read.
    scope.addHook('onRoute', (route) => {
      const signer = route.config?.signedBy;
      if (signer === undefined || !Object.hasOwn(schemes, signer)) {
        throw new Error(`${route.method} ${route.url} is in the signed ingress without config.signedBy ('slack' or 'chat')`);
      }
      route.preHandler = [signatureCheck(deps, signer), ...[route.preHandler ?? []].flat()];
      route.onResponse = [answerCount(deps, route.url), ...[route.onResponse ?? []].flat()];
    });
    routes(scope);
  });
}

/** POST /webhooks/chat, /slack/events and /slack/interactions. */
export function registerSignedIngress(app: FastifyInstance, deps: HttpDeps): void {
  signedScope(app, deps, (scope) => {
    registerChatWebhookRoute(scope, deps);
    registerSlackEventsRoute(scope, deps);
    registerSlackInteractionsRoute(scope, deps);
  });
}
