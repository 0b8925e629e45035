// The platform's side of the contract's "Admin handoff": the org's admins, and the launch token the
// integrations page's Setup button puts in Threadbridge's settings link. `mintLaunchToken` signs any
// payload (tests use it to play a platform that gets it wrong); `launchToken` mints what the
// platform itself would: role "admin", a fresh nonce, at most 300 s of life, and the org's and the
// admin's display names (`orgName`, `userName`; `names: false` plays an older release without them).

import { createHmac, randomBytes } from 'node:crypto';
import { ChatPlatformError } from './errors.ts';
import { newId } from './ids.ts';
import { getOrg, type Store } from './store.ts';

/** The contract's payload; `role` is a plain string so that a wrong one can be minted too. */
export interface LaunchPayload {
  orgId: string;
  userId: string;
  role: string;
  /** Unix seconds. */
  iat: number;
  /** Unix seconds, at most iat + 300. */
  exp: number;
  nonce: string;
  /** Display names, at most 200 characters each; `unknown` so that a wrong one can be minted too. */
  orgName?: unknown;
  userName?: unknown;
}

/** The contract's longest life of a launch token. */
export const MAX_LAUNCH_TOKEN_SECONDS = 300;

/** `v1.` + base64url(payload JSON) + `.` + base64url(HMAC-SHA256(secret, `v1.` + base64url(payload JSON))), no padding. */
export function mintLaunchToken(secret: string, payload: LaunchPayload): string {
  const signed = `v1.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return `${signed}.${createHmac('sha256', secret).update(signed, 'utf8').digest('base64url')}`;
}

export interface OrgAdmin {
  id: string;
  name: string;
  email: string;
}

export interface LaunchTokenOptions {
  ttlSeconds?: number;
  names?: boolean;
}

/** The contract's longest display name in a token: longer ones are cut, as the platform does. */
const MAX_NAME_LENGTH = 200;

export interface AdminLaunch {
  addAdmin(orgId: string, input: { id?: string; name: string; email: string }): OrgAdmin;
  admins(orgId: string): OrgAdmin[];
  /**
   * A fresh token for one of the org's admins, living `ttlSeconds` (300 by default, the most
   * allowed), with the org's and the admin's names unless `names` is false (an older release).
   */
  launchToken(orgId: string, adminId: string, opts?: LaunchTokenOptions): string;
  /** What the Setup button opens: `{threadbridgeUrl}/settings/{orgId}?launch={a fresh token}`. */
  setupUrl(orgId: string, adminId: string): string;
  setThreadbridgeUrl(url: string): void;
}

export function createAdminLaunch(deps: { store: Store; now: () => number; secret: string | undefined; threadbridgeUrl: string | undefined }): AdminLaunch {
  const adminsByOrg = new Map<string, Map<string, OrgAdmin>>();
  let threadbridgeUrl = deps.threadbridgeUrl;

  function admin(orgId: string, adminId: string): OrgAdmin {
    getOrg(deps.store, orgId);
    const found = adminsByOrg.get(orgId)?.get(adminId);
    // The platform shows the Setup button to the org's admins only.
    if (!found) throw new ChatPlatformError('not_found', `no admin ${adminId} in org ${orgId}`);
    return found;
  }

  function launchToken(orgId: string, adminId: string, opts: LaunchTokenOptions = {}): string {
    if (!deps.secret) throw new Error('chat-platform emulator: launch tokens need the adminLaunchSecret option');
    const ttl = opts.ttlSeconds ?? MAX_LAUNCH_TOKEN_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_LAUNCH_TOKEN_SECONDS)
      throw new Error(`launchToken: ttlSeconds must be 1 to ${MAX_LAUNCH_TOKEN_SECONDS}`);
    const { id, name } = admin(orgId, adminId);
    const iat = Math.floor(deps.now() / 1000);
    const names =
      opts.names === false ? {} : { orgName: getOrg(deps.store, orgId).org.name.slice(0, MAX_NAME_LENGTH), userName: name.slice(0, MAX_NAME_LENGTH) };
    return mintLaunchToken(deps.secret, { orgId, userId: id, role: 'admin', iat, exp: iat + ttl, nonce: randomBytes(16).toString('base64url'), ...names });
  }

  return {
    addAdmin(orgId, input) {
      getOrg(deps.store, orgId);
      const id = input.id ?? newId('usr', deps.now());
      const admins = adminsByOrg.get(orgId) ?? new Map<string, OrgAdmin>();
      if (admins.has(id)) throw new ChatPlatformError('invalid_request', `id: admin ${id} already exists in org ${orgId}`);
      const created = { id, name: input.name, email: input.email };
      admins.set(id, created);
      adminsByOrg.set(orgId, admins);
      return { ...created };
    },
    admins: (orgId) => [...(adminsByOrg.get(orgId)?.values() ?? [])].map((a) => ({ ...a })),
    launchToken,
    setupUrl(orgId, adminId) {
      if (!threadbridgeUrl) throw new Error('chat-platform emulator: the Setup link needs the threadbridgeUrl option (or setThreadbridgeUrl)');
      const url = new URL(`/settings/${encodeURIComponent(orgId)}`, threadbridgeUrl);
      url.searchParams.set('launch', launchToken(orgId, adminId));
      return url.toString();
    },
    setThreadbridgeUrl(url) {
      threadbridgeUrl = url;
    },
  };
}
