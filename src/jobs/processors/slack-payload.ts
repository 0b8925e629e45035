// Reading a Slack payload where a worker takes its job: parsed once with its schema (from
// src/slack/slack-events.ts or slack-interactions.ts), and the parsed value handed on. A payload
// that does not parse would not parse on any retry either, so its job fails for good at once
// (UnrecoverableError: dead-lettered with why, replayable once the reading is fixed) instead of
// being retried; the log says which type and which fields, never their values (people's words).
import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '../../logger.ts';
import { describeIssues } from '../../platform/webhook-events.ts';

/** `raw` parsed with `schema`; a payload that does not parse is logged (type and problems) and its job failed for good. */
export function readSlackPayload<T>(schema: z.ZodType<T>, raw: unknown, what: { kind: 'event' | 'interaction'; type: string; log: Logger }): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error, what.kind);
  what.log.warn({ type: what.type, problems }, `Slack ${what.kind} not understood; dropped`);
  throw new UnrecoverableError(`Slack ${what.kind} ${what.type} not understood: ${problems}`);
}
