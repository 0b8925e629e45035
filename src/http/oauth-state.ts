// The OAuth `state` parameter: a signed, expiring token that carries the org through Slack's
// install flow, so the callback knows which org is connecting. The callback also makes it
// single-use (its nonce, remembered in Redis) and bound to the browser that started the install
// (`browser`: the digest of a cookie set by /slack/install).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminActor } from '../store/index.ts';

export interface OAuthState {
  orgId: string;
  expiresAtMs: number;
  nonce: string;
  /** Who asked for the install link (the change history's "who"). */
  by?: AdminActor;
  /** The digest of the nonce cookie of the browser that started the install. */
  browser?: string;
  /** Install tickets of an org admin: a digest of the session they were made for (operators' have none). */
  session?: string;
}

export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** Install links handed to admins: good once, for this long (Connect asks for a fresh one each click). */
export const INSTALL_TICKET_TTL_MS = 10 * 60 * 1000;

/**
 * A signed, expiring token naming an org. The OAuth state and the install ticket are both of
 * this form, each under its own key, so one can never be passed off as the other.
 */
export function createOAuthState(
  key: Buffer,
  orgId: string,
  nowMs: number,
  ttlMs = OAUTH_STATE_TTL_MS,
  extra: Pick<OAuthState, 'by' | 'browser' | 'session'> = {},
): string {
  const state: OAuthState = { orgId, expiresAtMs: nowMs + ttlMs, nonce: randomBytes(12).toString('base64url'), ...extra };
  const payload = Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** Returns the org of a valid, unexpired state, or null: the caller answers every failure the same way. */
export function readOAuthState(key: Buffer, token: string | undefined, nowMs: number): OAuthState | null {
  if (!token) return null;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OAuthState;
    if (typeof state.orgId !== 'string' || typeof state.expiresAtMs !== 'number') return null;
    return state.expiresAtMs > nowMs ? state : null;
  } catch {
    return null;
  }
}
