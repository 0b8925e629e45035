// Names the fields a refused request held that its schema does not declare (ajv's
// additionalProperties error), so an admin or a script learns which setting was not taken. ajv
// stops at the first error (Fastify keeps allErrors off against slow hostile inputs) and so names
// one unknown field; its siblings at the same level are read off the route's schema, so one answer
// names them all.
import type { FastifyRequest } from 'fastify';

interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
}

/** Where Fastify validated (its `validationContext`), and the request's property holding it. */
const PARTS: Record<string, { holder: 'body' | 'query'; noun: string; whole: string }> = {
  body: { holder: 'body', noun: 'field', whole: 'the body' },
  querystring: { holder: 'query', noun: 'query parameter', whole: 'the query' },
};

export interface UnknownFields {
  /** Paths as the error's `field` names them: `globalChannel.colour`. */
  fields: string[];
  /** Says which fields are unknown and which ones their object takes. */
  detail: string;
}

/** The segments of a JSON pointer (`/globalChannel/colour`, `#/properties/x`), unescaped. */
const segmentsOf = (pointer: string) =>
  pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

function valueAt(root: unknown, segments: string[]): unknown {
  let value = root;
  for (const segment of segments) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

/** The unknown fields of a validation error, or null when the error is about something else. */
export function unknownFields(request: FastifyRequest, validation: readonly AjvError[] | undefined, context: string | undefined): UnknownFields | null {
  const error = validation?.find((e) => e.keyword === 'additionalProperties');
  const part = context ? PARTS[context] : undefined;
  if (!error || !part) return null;
  const at = segmentsOf(error.instancePath);
  const prefix = at.map((s) => `${s}.`).join('');
  // The schema object whose additionalProperties refused the field: the error's schemaPath ends there.
  const routeSchema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context!];
  const properties = valueAt(routeSchema, [...segmentsOf(error.schemaPath).slice(0, -1), 'properties']);
  const declared = properties && typeof properties === 'object' ? Object.keys(properties) : [];
  const data = valueAt(request[part.holder], at);
  const found = data && typeof data === 'object' ? Object.keys(data).filter((key) => !declared.includes(key)) : [];
  const fields = (found.length > 0 ? found : [String(error.params['additionalProperty'])]).map((key) => `${prefix}${key}`);
  const owner = at.length > 0 ? at.join('.') : part.whole;
  const takes = declared.length > 0 ? ` (${owner} takes ${declared.join(', ')})` : '';
  return { fields, detail: `unknown ${part.noun}${fields.length > 1 ? 's' : ''} ${fields.join(', ')}${takes}` };
}
