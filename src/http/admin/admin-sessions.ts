// Server-side sessions of org admins, created from a launch token: one org, one admin, revocable
// (a key in Redis), sliding (each use extends it by the idle time) and never older than 12 hours.
// The browser holds only a random id; Redis holds its digest.
import { randomBytes } from 'node:crypto';
import { digestKey, type KeyValueStore } from '../kv-store.ts';

export interface AdminSession {
  orgId: string;
  userId: string;
  /** The launch token's display names, when the platform sent them (sessions from before have none). */
  orgName?: string;
  userName?: string;
  createdAtMs: number;
}

/** Who a session is for, as a launch token says it. */
export type SessionSubject = Pick<AdminSession, 'orgId' | 'userId' | 'orgName' | 'userName'>;

/** A session unused this long ends. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** No session lives longer than this, however much it is used. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export interface AdminSessions {
  create(session: SessionSubject): Promise<string>;
  /** The live session of this id (extended by the idle time), or null. */
  find(id: string): Promise<AdminSession | null>;
  revoke(id: string): Promise<void>;
}

export function createAdminSessions(kv: KeyValueStore, now: () => Date, limits = { idleMs: SESSION_IDLE_MS, maxAgeMs: SESSION_MAX_AGE_MS }): AdminSessions {
  const key = (id: string) => digestKey('admin-session', id);
  const ttlFor = (createdAtMs: number) => Math.min(limits.idleMs, createdAtMs + limits.maxAgeMs - now().getTime());

  return {
    async create({ orgId, userId, orgName, userName }) {
      const id = randomBytes(32).toString('base64url');
      const createdAtMs = now().getTime();
      const session: AdminSession = { orgId, userId, ...(orgName ? { orgName } : {}), ...(userName ? { userName } : {}), createdAtMs };
      await kv.set(key(id), JSON.stringify(session), ttlFor(createdAtMs));
      return id;
    },
    async find(id) {
      if (!/^[\w-]{43}$/.test(id)) return null;
      const raw = await kv.get(key(id));
      if (!raw) return null;
      const session = JSON.parse(raw) as AdminSession;
      const ttl = ttlFor(session.createdAtMs);
      if (ttl <= 0) {
        await kv.del(key(id));
        return null;
      }
      // Sliding: in use, it lives on, up to its 12 hours.
      return (await kv.expire(key(id), ttl)) ? session : null;
    },
    async revoke(id) {
      await kv.del(key(id));
    },
  };
}
