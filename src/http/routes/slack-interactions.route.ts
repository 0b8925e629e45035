// POST /slack/interactions: Slack's interactivity requests (button clicks, shortcuts, modals).
// Signed like events but form-encoded, with the JSON in `payload`. Queued on the interactive
// queue and answered 200 at once; what a click does is the worker's job.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { parseJsonBody, rawBody } from '../signed-body.ts';
import { interactionPayloadSchema } from '../../slack/slack-interactions.ts';
import { interactionSource } from '../../slack/slack-source.ts';
import { describeIssues } from '../../platform/webhook-events.ts';
import { appError } from '../../errors/index.ts';
import { enqueueWithin } from '../enqueue.ts';

export function registerSlackInteractionsRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/slack/interactions', { bodyLimit: deps.webhookBodyLimitBytes, config: { signedBy: 'slack' } }, async (request, reply) => {
    // Verified by the signed ingress's preHandler (signed-ingress.ts) before this runs.
    const body = rawBody(request);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw appError('unsupported_media_type', 'interactivity requests are application/x-www-form-urlencoded');
    }
    const field = new URLSearchParams(body.toString('utf8')).get('payload');
    if (!field) throw appError('invalid_payload', 'the form has no payload field');
    const parsed = interactionPayloadSchema.safeParse(parseJsonBody(Buffer.from(field, 'utf8')));
    if (!parsed.success) throw appError('invalid_payload', describeIssues(parsed.error, 'payload'));
    const payload = parsed.data;
    const source = interactionSource(payload);
    // Never dropped for want of a team (an org-wide install's `team` is null): one that names no installation is refused, saying which fields it lacks.
    if (!source.ok) throw appError('invalid_payload', source.missing);
    const { installKey, workspaceId } = source.source;
    await enqueueWithin(() => deps.producer.addSlackInteraction({ teamId: installKey, workspaceId, payload }), deps.enqueueTimeoutMs);
    // Through the process's logger, with the request id as request.log would bind it: request.log is made on first use (request-log.ts).
    deps.logger.info({ reqId: request.id, teamId: installKey, workspaceId, type: payload.type }, 'Slack interaction queued');
    return reply.status(200).send();
  });
}
