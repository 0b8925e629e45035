// JSON.parse for text from outside (webhooks, Slack payloads, platform API answers) that drops
// NUL characters from every string. A NUL is never meaningful in a chat message or a name, and
// a store on PostgreSQL (FerretDB's main backend, JSONB) refuses any string holding one
// (SQLSTATE 22P05): a visitor's message with a NUL in it would then never be stored, or posted.
// A NUL can only appear in JSON text escaped as \u0000, so text without that escape takes plain
// JSON.parse: the reviver, which slows parsing, runs only for the rare body that needs it.

const NUL = '\u0000';

/**
 * `value` with NUL characters dropped from every string in it (a new object only where one had
 * some): for bodies that Fastify's own parser read (the admin API), which keeps them.
 */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  }
  return value;
}

export function parseJson(text: string): unknown {
  if (!text.includes('\\u0000')) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) => (typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, '') : value));
}
