// The platform's REST API (Threadbridge → platform) on Fastify: bearer auth, per-org rate limit, fault injection,
// contract routes, and a record of every call. Anything under /_emulator/ is the control surface and skips all this.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiActions } from './api-actions.ts';
import { headersWithoutAuth, type createCallLog } from './call-log.ts';
import { ChatPlatformError, errorBody } from './errors.ts';
import type { Fault, createFaultInjector } from './fault-injection.ts';
import type { createRateLimiter } from './rate-limiter.ts';
import { formRequestBody, meetingRequestBody, parseBody, postMessageBody, qualificationBody, transcriptBody } from './rest-schemas.ts';

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

  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('not_found', `No route ${req.method} ${pathOf(req.url)}`)));

  const conv = '/orgs/:orgId/conversations/:conversationId';

  app.post<{ Params: ConvParams }>(`${conv}/messages`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const { message, created } = await actions.postSlackMessage(orgId, conversationId, parseBody(postMessageBody, req.body));
    return reply.code(created ? 201 : 200).send({ message });
  });

  // clientRequestId (the contract): a repeat answers 200 with the first request and shows the
  // visitor nothing new. Scoped per conversation and kind, like clientMessageId; a repeat is
  // answered even after the conversation ended (a retry after a lost answer must succeed) and
  // whatever its other fields say (the first request stands). Only a request that succeeded is
  // kept, so a conversation a repeat names always exists.
  const requestsById = new Map<string, unknown>();
  function splitClientRequestId(body: unknown): { rest: unknown; clientRequestId: string | undefined } {
    if (!body || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'clientRequestId')) return { rest: body, clientRequestId: undefined };
    const { clientRequestId, ...rest } = body as Record<string, unknown>;
    if (typeof clientRequestId !== 'string' || clientRequestId.length === 0) {
      throw new ChatPlatformError('invalid_request', `clientRequestId: must be ${typeof clientRequestId === 'string' ? 'not empty' : 'a string'}`);
    }
    return { rest, clientRequestId };
  }
  function once<T>(kind: string, orgId: string, conversationId: string, body: unknown, create: (rest: unknown) => T): { created: boolean; value: T } {
    const { rest, clientRequestId } = splitClientRequestId(body);
    if (clientRequestId === undefined) return { created: true, value: create(rest) };
    const key = `${kind}\u0000${orgId}\u0000${conversationId}\u0000${clientRequestId}`;
    if (requestsById.has(key)) return { created: false, value: structuredClone(requestsById.get(key)) as T };
    const value = create(rest);
    requestsById.set(key, structuredClone(value));
    return { created: true, value };
  }

  app.post<{ Params: ConvParams }>(`${conv}/meeting-requests`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const { created, value: meetingRequest } = once('meeting', orgId, conversationId, req.body, (rest) =>
      actions.offerMeeting(orgId, conversationId, parseBody(meetingRequestBody, rest)),
    );
    return reply.code(created ? 201 : 200).send({ meetingRequest });
  });

  app.post<{ Params: ConvParams }>(`${conv}/form-requests`, async (req, reply) => {
    const { orgId, conversationId } = req.params;
    const { created, value: formRequest } = once('form', orgId, conversationId, req.body, (rest) =>
      actions.requestForm(orgId, conversationId, parseBody(formRequestBody, rest)),
    );
    return reply.code(created ? 201 : 200).send({ formRequest });
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
