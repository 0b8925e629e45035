// The platform's REST API (Threadbridge → platform) on Fastify: bearer auth, per-org rate limit, fault injection,
// contract routes, and a record of every call. Anything under /_emulator/ is the control surface and skips all this.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiActions } from './api-actions.ts';
import { headersWithoutAuth, type createCallLog } from './call-log.ts';
import { ChatPlatformError, errorBody } from './errors.ts';
import type { Fault, createFaultInjector } from './fault-injection.ts';
import type { createRateLimiter } from './rate-limiter.ts';
import {
  formRequestBody,
  meetingRequestBody,
  parseBody,
  postMessageBody,
  qualificationBody,
  transcriptBody,
} from './rest-schemas.ts';

export interface RestApiDeps {
  actions: ApiActions;
  apiToken: string;
  now: () => number;
  limiter: ReturnType<typeof createRateLimiter>;
  faults: ReturnType<typeof createFaultInjector>;
  callLog: ReturnType<typeof createCallLog>;
}

export const CONTROL_PREFIX = '/_emulator/';

interface CallContext {
  at: number;
  lateFault: Fault | undefined;
}
const contexts = new WeakMap<FastifyRequest, CallContext>();

type ConvParams = { orgId: string; conversationId: string };
type OrgParams = { orgId: string };

export function registerRestApi(app: FastifyInstance, deps: RestApiDeps): void {
  const { actions } = deps;
  const isControl = (req: FastifyRequest) => req.url.startsWith(CONTROL_PREFIX);

  app.addHook('onRequest', async (req, reply) => {
    if (isControl(req)) return;
    const ctx: CallContext = { at: deps.now(), lateFault: undefined };
    contexts.set(req, ctx);
    if (!isAuthorized(req.headers.authorization, deps.apiToken)) {
      return reply.code(401).send(errorBody('unauthorized', 'Missing or invalid bearer token'));
    }
    const orgId = orgIdOf(req.url);
    if (orgId !== null) {
      const decision = deps.limiter.take(orgId, ctx.at);
      if (!decision.allowed) {
        return reply
          .code(429)
          .header('retry-after', String(decision.retryAfterSeconds))
          .send(errorBody('rate_limited', `Org ${orgId} is over its requests per second; retry after ${decision.retryAfterSeconds} s`));
      }
    }
    const fault = deps.faults.take(req.method, pathOf(req.url));
    if (fault?.afterProcessing) ctx.lateFault = fault;
    else if (fault) return sendFault(reply, fault);
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = contexts.get(req);
    if (!ctx) return payload;
    let out = payload;
    if (ctx.lateFault) {
      // The work is done; only the answer is replaced, as when a proxy drops it on the way back.
      const f = ctx.lateFault;
      reply.code(f.status);
      if (f.retryAfterSeconds !== undefined) reply.header('retry-after', String(f.retryAfterSeconds));
      out = JSON.stringify(errorBody(f.code, `Injected failure (${f.status})`));
    }
    deps.callLog.record({
      method: req.method,
      path: pathOf(req.url),
      orgId: orgIdOf(req.url),
      headers: headersWithoutAuth(req.headers),
      body: req.body,
      status: reply.statusCode,
      response: parseJson(out),
      at: ctx.at,
    });
    return out;
  });

  app.setErrorHandler((err: FastifyError | ChatPlatformError, req, reply) => {
    if (err instanceof ChatPlatformError) return reply.code(err.statusCode).send(errorBody(err.code, err.message));
    // On the control surface a plain Error is a misuse (unknown event id, bad fault rule): say so, with its message.
    if (isControl(req) && err.statusCode === undefined) return reply.code(400).send(errorBody('invalid_request', err.message));
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return reply.code(400).send(errorBody('invalid_request', 'body: is not valid JSON'));
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send(errorBody('invalid_request', 'body: is empty'));
    if (status === 400) return reply.code(400).send(errorBody('invalid_request', `body: ${err.message}`));
    if (status === 413) return reply.code(413).send(errorBody('payload_too_large', err.message));
    if (status === 415) return reply.code(415).send(errorBody('unsupported_media_type', err.message));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('invalid_request', err.message));
    return reply.code(500).send(errorBody('internal_error', 'Internal error'));
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody('not_found', `No route ${req.method} ${pathOf(req.url)}`)),
  );

  const conv = '/orgs/:orgId/conversations/:conversationId';

  app.post<{ Params: ConvParams }>(`${conv}/messages`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const { message, created } = await actions.postSlackMessage(orgId, conversationId, parseBody(postMessageBody, req.body));
    return reply.code(created ? 201 : 200).send({ message });
  });

  app.post<{ Params: ConvParams }>(`${conv}/meeting-requests`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const meetingRequest = actions.offerMeeting(orgId, conversationId, parseBody(meetingRequestBody, req.body));
    return reply.code(201).send({ meetingRequest });
  });

  app.post<{ Params: ConvParams }>(`${conv}/form-requests`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const formRequest = actions.requestForm(orgId, conversationId, parseBody(formRequestBody, req.body));
    return reply.code(201).send({ formRequest });
  });

  app.put<{ Params: ConvParams }>(`${conv}/qualification`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    actions.qualify(orgId, conversationId, parseBody(qualificationBody, req.body));
    return reply.code(200).send({});
  });

  app.put<{ Params: ConvParams }>(`${conv}/transcript`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    actions.saveTranscript(orgId, conversationId, parseBody(transcriptBody, req.body));
    return reply.code(200).send({});
  });

  app.get<{ Params: ConvParams }>(conv, async (req) => actions.read(req.params.orgId, req.params.conversationId));
  app.get<{ Params: OrgParams }>('/orgs/:orgId/agents', async (req) => ({ agents: actions.agents(req.params.orgId) }));
  app.get<{ Params: OrgParams }>('/orgs/:orgId/routing-groups', async (req) => ({
    routingGroups: actions.routingGroups(req.params.orgId),
  }));
}

function sendFault(reply: FastifyReply, fault: Fault): FastifyReply {
  if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
  return reply.code(fault.status).send(errorBody(fault.code, `Injected failure (${fault.status})`));
}

function isAuthorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  return match?.[1] === token;
}

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function orgIdOf(url: string): string | null {
  const match = /^\/orgs\/([^/?]+)/.exec(url);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

function parseJson(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
