// POST /slack/events: Slack's Events API. Verified over the raw body, url_verification echoed,
// events the workers act on queued (deduplicated by event_id, which Slack keeps across its
// retries), everything else acknowledged, all well inside Slack's 3 seconds.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { parseJsonBody, rawBody } from '../signed-body.ts';
import { slackEnvelopeSchema, worthQueueing } from '../../slack/slack-events.ts';
import { eventSource } from '../../slack/slack-source.ts';
import { describeIssues } from '../../platform/webhook-events.ts';
import { appError, assertNever } from '../../errors/index.ts';
import { enqueueWithin } from '../enqueue.ts';

export function registerSlackEventsRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/slack/events', { bodyLimit: deps.webhookBodyLimitBytes, config: { signedBy: 'slack' } }, async (request, reply) => {
    // Verified by the signed ingress's preHandler (signed-ingress.ts) before this runs.
    const body = rawBody(request);
    const parsed = slackEnvelopeSchema.safeParse(parseJsonBody(body));
    if (!parsed.success) {
      const unknownType = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'type');
      throw appError(unknownType ? 'unknown_event_type' : 'invalid_payload', describeIssues(parsed.error));
    }
    const envelope = parsed.data;
    switch (envelope.type) {
      case 'url_verification':
        return reply.send({ challenge: envelope.challenge });
      case 'app_rate_limited':
        request.log.warn({ teamId: envelope.team_id, minute: envelope.minute_rate_limited }, 'Slack is dropping events for this workspace (app_rate_limited)');
        return reply.send({ ok: true });
      case 'event_callback': {
        const retryNum = request.headers['x-slack-retry-num'];
        // Events no worker acts on are acknowledged whatever they name: refusing one would only
        // make Slack retry it.
        if (!worthQueueing(envelope.event)) {
          request.log.debug({ eventId: envelope.event_id, type: envelope.event.type, retryNum }, 'Slack event acknowledged, not handled');
          return reply.send({ ok: true });
        }
        const source = eventSource(envelope);
        // Never dropped for want of a team: an event that names no installation is refused, saying which fields it lacks.
        if (!source.ok) throw appError('invalid_payload', source.missing);
        const { installKey, workspaceId } = source.source;
        await enqueueWithin(
          () =>
            deps.producer.addSlackEvent({
              teamId: installKey,
              workspaceId,
              eventId: envelope.event_id,
              eventTime: envelope.event_time ?? null,
              event: envelope.event,
            }),
          deps.enqueueTimeoutMs,
        );
        // Through the process's logger, with the request id as request.log would bind it: request.log is made on first use (request-log.ts).
        deps.logger.info(
          { reqId: request.id, eventId: envelope.event_id, teamId: installKey, workspaceId, type: envelope.event.type, retryNum },
          'Slack event queued',
        );
        return reply.send({ ok: true });
      }
      default:
        return assertNever(envelope, 'Slack envelope');
    }
  });
}
