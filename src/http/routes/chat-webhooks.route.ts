// POST /webhooks/chat: the chat platform's events. Verified, validated, queued, and answered
// 2xx only once the job is in Redis; a duplicate delivery (same event id) queues nothing new.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { assertSigned, parseJsonBody } from '../signed-body.ts';
import { parseChatEvent } from '../../platform/webhook-events.ts';
import { appError } from '../../errors.ts';
import { enqueueWithin } from '../enqueue.ts';

export function registerChatWebhookRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/webhooks/chat', { bodyLimit: deps.webhookBodyLimitBytes }, async (request, reply) => {
    const body = assertSigned(
      request,
      { version: 'v1', secret: deps.chatWebhookSecret, timestampHeader: 'x-chat-timestamp', signatureHeader: 'x-chat-signature' },
      deps.now().getTime(),
    );
    const parsed = parseChatEvent(parseJsonBody(body));
    if (!parsed.ok) throw appError(parsed.reason === 'unknown_event_type' ? 'UNKNOWN_EVENT_TYPE' : 'INVALID_PAYLOAD', parsed.detail);
    await enqueueWithin(() => deps.producer.addChatEvent(parsed.event), deps.enqueueTimeoutMs);
    request.log.info({ eventId: parsed.event.id, type: parsed.event.type, orgId: parsed.event.orgId }, 'chat event queued');
    return reply.status(202).send({ accepted: true, id: parsed.event.id });
  });
}
