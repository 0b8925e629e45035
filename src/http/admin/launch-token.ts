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
}

/** The contract's longest life of a token. */
export const MAX_LAUNCH_LIFETIME_SECONDS = 300;
/** How far ahead of our clock the platform's `iat` may be (clocks drift). */
export const LAUNCH_CLOCK_SKEW_SECONDS = 60;

export type LaunchRefusal = 'malformed' | 'bad_signature' | 'wrong_org' | 'not_admin' | 'expired' | 'too_long_lived';

export type LaunchVerdict = { ok: true; claims: LaunchClaims } | { ok: false; reason: LaunchRefusal };

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
  if (!claims || !text(claims['orgId'], 200) || !text(claims['userId'], 200) || !text(claims['nonce'], 200) || !seconds(claims['iat']) || !seconds(claims['exp'])) {
    return { ok: false, reason: 'malformed' };
  }
  const { orgId, userId, role, iat, exp, nonce } = claims as { orgId: string; userId: string; role: unknown; iat: number; exp: number; nonce: string };
  if (orgId !== input.orgId) return { ok: false, reason: 'wrong_org' };
  if (role !== 'admin') return { ok: false, reason: 'not_admin' };
  const now = input.nowMs / 1000;
  if (exp <= now) return { ok: false, reason: 'expired' };
  // Longer than the contract allows, or issued in our future: either way it would live too long.
  if (exp - iat > MAX_LAUNCH_LIFETIME_SECONDS || exp <= iat || iat > now + LAUNCH_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'too_long_lived' };
  return { ok: true, claims: { orgId, userId, role: 'admin', iat, exp, nonce } };
}
