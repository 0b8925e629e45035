// Request body schemas of the platform's REST API, and the 400 message that names the offending field.
// Strict objects: a field the contract does not list is an error, so a typo in the product fails in tests.

import { z } from 'zod';
import { ChatPlatformError } from './errors.ts';

const nonEmpty = z.string().min(1);

export const attachmentSchema = z.strictObject({
  name: nonEmpty,
  url: nonEmpty,
  mimeType: nonEmpty,
  size: z.number().int().nonnegative(),
});

export const messageSchema = z.strictObject({
  id: nonEmpty,
  seq: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  text: z.string(),
  author: z.strictObject({
    type: z.enum(['visitor', 'agent', 'bot', 'system']),
    id: nonEmpty,
    name: z.string(),
    avatarUrl: z.string().nullable(),
  }),
  origin: z.enum(['web', 'mobile_app', 'console', 'slack', 'bot']),
  attachments: z.array(attachmentSchema),
  clientMessageId: z.string().nullable(),
});

export const postMessageBody = z.strictObject({
  agentId: nonEmpty,
  text: z.string(),
  clientMessageId: nonEmpty,
  attachments: z.array(attachmentSchema).optional(),
});

export const meetingRequestBody = z.strictObject({
  agentId: nonEmpty,
  durationMinutes: z.number().int().positive().optional(),
});

export const FORM_FIELDS = ['email', 'phone', 'name', 'company', 'title'] as const;

export const formRequestBody = z.strictObject({
  agentId: nonEmpty,
  fields: z
    .array(z.enum(FORM_FIELDS))
    .min(1)
    .refine((fields) => new Set(fields).size === fields.length, { message: 'must not repeat a field' }),
});

export const qualificationBody = z.strictObject({
  agentId: nonEmpty,
  rating: z.enum(['hot', 'warm', 'cold', 'not_a_lead']),
  note: z.string().optional(),
});

export const transcriptBody = z.strictObject({
  messages: z.array(messageSchema.extend({ internal: z.boolean().optional() })),
  slack: z.strictObject({ teamId: nonEmpty, channelId: nonEmpty, threadTs: nonEmpty, permalink: nonEmpty }),
});

/** Parses or throws a 400 `invalid_request` whose message names every offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const message = result.error.issues.map((issue) => describeIssue(issue, body)).join('; ');
  throw new ChatPlatformError('invalid_request', message);
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  const path = formatPath(issue.path);
  const at = path || 'body';
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(body, issue.path) === undefined && path) return `${at}: is required`;
      return `${at}: must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `${at}: must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${path ? `${path}.` : ''}${k}: is not a known field`).join('; ');
    case 'too_small':
      if (issue.origin === 'string' || (issue.origin === 'array' && Number(issue.minimum) === 1)) {
        return `${at}: must not be empty`;
      }
      return `${at}: must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'invalid_format':
      return `${at}: must be ${issue.format === 'datetime' ? 'an ISO time' : `a valid ${issue.format}`}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
