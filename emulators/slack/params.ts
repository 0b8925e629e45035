// Reading Web API arguments the way Slack does: form strings or JSON values, JSON-in-a-string
// for blocks/attachments/view, "true"/"1" booleans. Also the redaction used when recording calls.

import { fail } from './errors.ts';
import type { Params } from './method-types.ts';

/** Arguments Slack accepts as a JSON document inside a form field. */
export const JSON_STRING_PARAMS = ['blocks', 'attachments', 'view', 'metadata'] as const;

export function str(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function requireStr(params: Params, name: string, errorCode = 'invalid_arguments'): string {
  const v = str(params, name);
  if (v === undefined || v === '') fail(errorCode);
  return v;
}

export function bool(params: Params, name: string, fallback = false): boolean {
  const v = params[name];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  return v === 'true' || v === '1' || v === 1;
}

/** Parses a JSON-or-string argument; `undefined` when absent. Throws `errorCode` when malformed. */
export function jsonParam(params: Params, name: string, errorCode: string): unknown {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return fail(errorCode);
  }
}

/** A copy fit for RecordedCall.params: token removed, JSON strings parsed where they parse. */
export function redactForRecord(params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'token' || k === 'client_secret') continue;
    if ((JSON_STRING_PARAMS as readonly string[]).includes(k) && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string: the product sent something that is not JSON, which is worth seeing
      }
    }
    out[k] = v;
  }
  return out;
}
