// HTTP control surface under /_emulator/: the programmatic controls as JSON routes, for the sandbox and scripts.
// No bearer token (it plays the platform's own people, not Threadbridge) and no recording or rate limit.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatPlatformEmulator } from './emulator-api.ts';
import { attachmentSchema, FORM_FIELDS, parseBody } from './rest-schemas.ts';

const str = z.string().min(1);
const nullableStr = z.string().nullable().optional();
const agentStatus = z.enum(['online', 'dnd', 'offline']);
const account = z.strictObject({ id: str, name: str, ownerAgentId: z.string().nullable() });
const visitorPatch = z.strictObject({ name: nullableStr, email: nullableStr, company: nullableStr });

const schemas = {
  webhookUrl: z.strictObject({ url: z.url() }),
  org: z.strictObject({ id: str.optional(), name: str.optional() }),
  agent: z.strictObject({
    id: str.optional(),
    name: str,
    email: str,
    status: agentStatus.optional(),
    avatarUrl: nullableStr,
  }),
  agentStatus: z.strictObject({ status: agentStatus }),
  admin: z.strictObject({ id: str.optional(), name: str, email: str }),
  routingGroup: z.strictObject({ id: str.optional(), name: str, memberAgentIds: z.array(str) }),
  start: z.strictObject({
    id: str.optional(),
    routingGroupId: nullableStr,
    source: z.enum(['web', 'mobile_app']).optional(),
    pageUrl: nullableStr,
    visitor: visitorPatch.extend({ id: str.optional() }).optional(),
    account: account.nullable().optional(),
  }),
  patch: z.strictObject({
    routingGroupId: nullableStr,
    pageUrl: nullableStr,
    visitor: visitorPatch.optional(),
    account: account.nullable().optional(),
  }),
  visitorMessage: z.strictObject({
    text: z.string(),
    origin: z.enum(['web', 'mobile_app']).optional(),
    attachments: z.array(attachmentSchema).optional(),
  }),
  agentMessage: z.strictObject({ agentId: str, text: z.string() }),
  text: z.strictObject({ text: z.string() }),
  assign: z.strictObject({ agentId: str }),
  end: z.strictObject({ endedBy: z.enum(['visitor', 'agent', 'timeout']), agentId: nullableStr }),
  book: z.strictObject({ startsAt: z.iso.datetime() }),
  submit: z.strictObject({ values: z.record(z.enum(FORM_FIELDS), z.string()) }),
  release: z
    .strictObject({
      order: z.enum(['as-is', 'reverse', 'shuffle']).optional(),
      duplicate: z.boolean().optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
  failNext: z.strictObject({
    method: str,
    pathPattern: str,
    status: z.number().int().min(400).max(599),
    times: z.number().int().positive(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    afterProcessing: z.boolean().optional(),
    code: str.optional(),
  }),
};

type Org = { orgId: string };
type Conv = { orgId: string; conversationId: string };

/** Drops keys whose value is undefined, so optional inputs stay absent rather than explicitly undefined. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function registerControlApi(app: FastifyInstance, emu: ChatPlatformEmulator): void {
  const p = '/_emulator';
  const c = `${p}/orgs/:orgId/conversations/:conversationId`;

  app.put(`${p}/webhook-url`, async (req) => {
    emu.setWebhookUrl(parseBody(schemas.webhookUrl, req.body).url);
    return {};
  });
  app.post(`${p}/orgs`, async (req, reply) => reply.code(201).send({ org: emu.createOrg(defined(parseBody(schemas.org, req.body ?? {}))) }));
  app.post<{ Params: Org }>(`${p}/orgs/:orgId/agents`, async (req, reply) =>
    reply.code(201).send({ agent: emu.addAgent(req.params.orgId, defined(parseBody(schemas.agent, req.body))) }),
  );
  app.put(`${p}/threadbridge-url`, async (req) => {
    emu.setThreadbridgeUrl(parseBody(schemas.webhookUrl, req.body).url);
    return {};
  });
  app.post<{ Params: Org }>(`${p}/orgs/:orgId/admins`, async (req, reply) =>
    reply.code(201).send({ admin: emu.addAdmin(req.params.orgId, defined(parseBody(schemas.admin, req.body))) }),
  );
  // The integrations page's Setup button: each click mints a fresh launch token and opens
  // Threadbridge's settings page with it.
  app.get<{ Params: Org & { adminId: string } }>(`${p}/orgs/:orgId/admins/:adminId/setup`, async (req, reply) =>
    reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(emu.setupUrl(req.params.orgId, req.params.adminId)),
  );
  app.put<{ Params: Org & { agentId: string } }>(`${p}/orgs/:orgId/agents/:agentId/status`, async (req) => {
    await emu.setAgentStatus(req.params.orgId, req.params.agentId, parseBody(schemas.agentStatus, req.body).status);
    return {};
  });
  app.post<{ Params: Org }>(`${p}/orgs/:orgId/routing-groups`, async (req, reply) => {
    const input = defined(parseBody(schemas.routingGroup, req.body));
    return reply.code(201).send({ routingGroup: emu.addRoutingGroup(req.params.orgId, input) });
  });
  app.post<{ Params: Org }>(`${p}/orgs/:orgId/conversations`, async (req, reply) => {
    const { visitor, ...rest } = parseBody(schemas.start, req.body ?? {});
    const input = defined({ ...rest, visitor: visitor ? defined(visitor) : undefined });
    return reply.code(201).send({ conversation: await emu.startConversation(req.params.orgId, input) });
  });
  app.patch<{ Params: Conv }>(c, async (req) => {
    const { visitor, ...rest } = parseBody(schemas.patch, req.body);
    const patch = defined({ ...rest, visitor: visitor ? defined(visitor) : undefined });
    return { conversation: await emu.updateConversation(req.params.orgId, req.params.conversationId, patch) };
  });
  app.get<{ Params: Conv }>(c, async (req) => emu.conversation(req.params.orgId, req.params.conversationId));
  app.post<{ Params: Conv }>(`${c}/visitor-messages`, async (req, reply) => {
    const { text, ...opts } = parseBody(schemas.visitorMessage, req.body);
    const message = await emu.visitorSays(req.params.orgId, req.params.conversationId, text, defined(opts));
    return reply.code(201).send({ message });
  });
  app.post<{ Params: Conv }>(`${c}/agent-messages`, async (req, reply) => {
    const { agentId, text } = parseBody(schemas.agentMessage, req.body);
    return reply.code(201).send({ message: await emu.agentSays(req.params.orgId, req.params.conversationId, agentId, text) });
  });
  app.post<{ Params: Conv }>(`${c}/bot-messages`, async (req, reply) => {
    const { text } = parseBody(schemas.text, req.body);
    return reply.code(201).send({ message: await emu.botSays(req.params.orgId, req.params.conversationId, text) });
  });
  app.post<{ Params: Conv }>(`${c}/system-messages`, async (req, reply) => {
    const { text } = parseBody(schemas.text, req.body);
    return reply.code(201).send({ message: await emu.systemSays(req.params.orgId, req.params.conversationId, text) });
  });
  app.post<{ Params: Conv }>(`${c}/assign`, async (req) => {
    await emu.assign(req.params.orgId, req.params.conversationId, parseBody(schemas.assign, req.body).agentId);
    return {};
  });
  app.post<{ Params: Conv }>(`${c}/end`, async (req) => {
    const { endedBy, agentId } = parseBody(schemas.end, req.body);
    await emu.end(req.params.orgId, req.params.conversationId, endedBy, agentId ?? null);
    return {};
  });
  app.post<{ Params: Org & { id: string } }>(`${p}/orgs/:orgId/meeting-requests/:id/book`, async (req) => {
    await emu.bookMeeting(req.params.orgId, req.params.id, parseBody(schemas.book, req.body).startsAt);
    return {};
  });
  app.post<{ Params: Org & { id: string } }>(`${p}/orgs/:orgId/form-requests/:id/submit`, async (req) => {
    const { values } = parseBody(schemas.submit, req.body);
    await emu.submitForm(req.params.orgId, req.params.id, defined(values) as Record<string, string>);
    return {};
  });

  app.post(`${p}/deliveries/hold`, async () => {
    emu.holdDeliveries();
    return {};
  });
  app.post(`${p}/deliveries/release`, async (req) => {
    await emu.releaseDeliveries(defined(parseBody(schemas.release, req.body) ?? {}));
    return {};
  });
  app.post<{ Params: { eventId: string } }>(`${p}/events/:eventId/redeliver`, async (req) => ({
    status: await emu.redeliver(req.params.eventId),
  }));
  app.post(`${p}/fail-next-api-calls`, async (req) => {
    const { pathPattern, ...rest } = parseBody(schemas.failNext, req.body);
    emu.failNextApiCalls(defined({ ...rest, pathPattern: new RegExp(pathPattern) }));
    return {};
  });
  app.get<{ Querystring: { type?: string; orgId?: string } }>(`${p}/events`, async (req) => ({
    events: emu.events().filter((e) => (!req.query.type || e.type === req.query.type) && (!req.query.orgId || e.orgId === req.query.orgId)),
  }));
  app.get(`${p}/deliveries`, async () => ({ deliveries: emu.deliveries() }));
  app.get<{ Querystring: { method?: string; path?: string; pathPattern?: string } }>(`${p}/calls`, async (req) => {
    const { method, path, pathPattern } = req.query;
    const pathFilter = pathPattern ? new RegExp(pathPattern) : path;
    return { calls: emu.calls(defined({ method, path: pathFilter })) };
  });
  app.post(`${p}/idle`, async () => {
    await emu.idle();
    return {};
  });
}
