// The chat platform's launch tokens (shared/chat-platform-api.md, "Admin handoff"): how it vouches
// for an org's admin. Pure, clock passed in, after bolt-js's verify-request: the signature in
// constant time first, then what the payload claims. Whether the nonce was used is the caller's
// question (it needs Redis); this says until when it must be remembered.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LaunchClaims {
  orgId: string;
  userId: string;
  role: 'admin';
  iat: number;
  exp: number;
  nonce: string;
  /** The org's and the admin's display names: optional (older platform releases send none). */
  orgName?: string;
  userName?: string;
}

/** The display names a token may carry, each at most this long. */
export const LAUNCH_NAME_CLAIMS = ['orgName', 'userName'] as const;
export const MAX_LAUNCH_NAME_LENGTH = 200;

/** The contract's longest life of a token. */
export const MAX_LAUNCH_LIFETIME_SECONDS = 300;
/** How far ahead of our clock the platform's `iat` may be (clocks drift). */
export const LAUNCH_CLOCK_SKEW_SECONDS = 60;

export type LaunchRefusal = 'malformed' | 'bad_name' | 'bad_signature' | 'wrong_org' | 'not_admin' | 'expired' | 'too_long_lived';

export type LaunchVerdict =
  | { ok: true; claims: LaunchClaims }
  | { ok: false; reason: Exclude<LaunchRefusal, 'bad_name'> }
  /** A display name that is not a string of at most 200 characters: `field` names it. */
  | { ok: false; reason: 'bad_name'; field: (typeof LAUNCH_NAME_CLAIMS)[number] };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed, 'utf8').digest();
}

function parsePayload(encoded: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const seconds = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function verifyLaunchToken(input: { token: string; secret: string; orgId: string; nowMs: number }): LaunchVerdict {
  const parts = input.token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return { ok: false, reason: 'malformed' };
  const [, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature) || payload.length > 4096) return { ok: false, reason: 'malformed' };
  const expected = mac(input.secret, `v1.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  // timingSafeEqual needs equal lengths; a wrong length says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };

  const claims = parsePayload(payload);
  if (
    !claims ||
    !text(claims['orgId'], 200) ||
    !text(claims['userId'], 200) ||
    !text(claims['nonce'], 200) ||
    !seconds(claims['iat']) ||
    !seconds(claims['exp'])
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const badName = LAUNCH_NAME_CLAIMS.find(
    (name) => claims[name] !== undefined && !(typeof claims[name] === 'string' && claims[name].length <= MAX_LAUNCH_NAME_LENGTH),
  );
  if (badName) return { ok: false, reason: 'bad_name', field: badName };
  const { orgId, userId, role, iat, exp, nonce } = claims as { orgId: string; userId: string; role: unknown; iat: number; exp: number; nonce: string };
  if (orgId !== input.orgId) return { ok: false, reason: 'wrong_org' };
  if (role !== 'admin') return { ok: false, reason: 'not_admin' };
  const now = input.nowMs / 1000;
  if (exp <= now) return { ok: false, reason: 'expired' };
  // Longer than the contract allows, or issued in our future: either way it would live too long.
  if (exp - iat > MAX_LAUNCH_LIFETIME_SECONDS || exp <= iat || iat > now + LAUNCH_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'too_long_lived' };
  // An empty (or blank) name says nothing: the ids stand in for it, as for a platform sending none.
  const names = Object.fromEntries(
    LAUNCH_NAME_CLAIMS.flatMap((name) => (typeof claims[name] === 'string' && claims[name].trim() ? [[name, claims[name].trim()]] : [])),
  );
  return { ok: true, claims: { orgId, userId, role: 'admin', iat, exp, nonce, ...names } };
}
