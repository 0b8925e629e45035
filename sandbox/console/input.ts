// The console's input checks: a body or query with unknown or wrong fields is refused with a 400
// naming the field, before any emulator is called.

const MAX_TEXT = 4000;

/** Throws the 400 the console's error handler answers with. */
export function refuse(field: string, why: string): never {
  throw Object.assign(new Error(`${field}: ${why}`), { statusCode: 400, code: 'invalid_request', field });
}

/** The body as an object holding only `allowed` fields. */
export function bodyOf(body: unknown, allowed: string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse('body', 'send a JSON object');
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!allowed.includes(key)) refuse(key, `is not a field here (${allowed.join(', ')})`);
  return record;
}

export function textField(record: Record<string, unknown>, field: string, opts: { required: true; max?: number }): string;
export function textField(record: Record<string, unknown>, field: string, opts: { required: boolean; max?: number }): string | undefined;
export function textField(record: Record<string, unknown>, field: string, opts: { required: boolean; max?: number }): string | undefined {
  const value = record[field];
  if (value === undefined || value === '') {
    if (opts.required) refuse(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') refuse(field, 'must be a string');
  if (value.trim() === '' && opts.required) refuse(field, 'is required');
  if (value.length > (opts.max ?? MAX_TEXT)) refuse(field, `must be at most ${opts.max ?? MAX_TEXT} characters`);
  return value;
}

/** What a person entered in a modal: block_id → action_id → a string, a list of strings, or null. */
export function viewValues(record: Record<string, unknown>, field: string): Record<string, Record<string, string | string[] | null>> {
  const value = record[field];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(field, 'must be an object of block_id → action_id → value');
  for (const [blockId, actions] of Object.entries(value)) {
    if (typeof actions !== 'object' || actions === null || Array.isArray(actions)) refuse(`${field}.${blockId}`, 'must be an object of action_id → value');
    for (const [actionId, v] of Object.entries(actions)) {
      const ok = v === null || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok) refuse(`${field}.${blockId}.${actionId}`, 'must be a string, a list of strings, or null');
    }
  }
  return value as Record<string, Record<string, string | string[] | null>>;
}
