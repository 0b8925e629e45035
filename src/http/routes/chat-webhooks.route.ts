// POST /webhooks/chat: the chat platform's events. Verified, validated, queued, and answered
// 2xx only once the job is in Redis; a duplicate delivery (same event id) queues nothing new.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { parseJsonBody, rawBody } from '../signed-body.ts';
import { parseChatEvent } from '../../platform/webhook-events.ts';
import { appError } from '../../errors/index.ts';
import { enqueueWithin } from '../enqueue.ts';

// The answer's schema, so Fastify writes it with a compiled serializer (fast-json-stringify) rather than JSON.stringify.
const acceptedSchema = {
  response: {
    202: { type: 'object', properties: { accepted: { type: 'boolean' }, id: { type: 'string' } }, required: ['accepted', 'id'] },
  },
} as const;

export function registerChatWebhookRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/webhooks/chat', { bodyLimit: deps.webhookBodyLimitBytes, config: { signedBy: 'chat' }, schema: acceptedSchema }, async (request, reply) => {
    // Verified by the signed ingress's preHandler (signed-ingress.ts) before this runs.
    const body = rawBody(request);
    const parsed = parseChatEvent(parseJsonBody(body));
    if (!parsed.ok) throw appError(parsed.reason === 'unknown_event_type' ? 'unknown_event_type' : 'invalid_payload', parsed.detail);
    await enqueueWithin(() => deps.producer.addChatEvent(parsed.event), deps.enqueueTimeoutMs);
    // Through the process's logger, with the request id as request.log would bind it: request.log is made on first use (request-log.ts).
    deps.logger.info({ reqId: request.id, eventId: parsed.event.id, type: parsed.event.type, orgId: parsed.event.orgId }, 'chat event queued');
    return reply.status(202).send({ accepted: true, id: parsed.event.id });
  });
}
