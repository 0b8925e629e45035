// Each worker keeps the workspaces' decrypted tokens in memory instead of reading and
// decrypting the installation before every Slack call: that read was one of a visitor message's
// store round trips, the same for every chat of a workspace (docs/store-access-paths.md).
//
// Never stale: every write of an installation, in any process, goes through `withVersionBumps`,
// which bumps the workspace's counter in Redis once the write is done; a memoized token is used
// only while the counter still reads what it read when the token was memoized. So a token
// replaced by a reconnect, renewed by rotation, or disconnected by an admin in the web process is
// not used once that write completed, as before. The check costs one Redis GET, against a MongoDB
// find and an AES-GCM open. A memo also lapses after `ttlMs`, for writes made outside this code
// (an operator editing the collection by hand).
import type { RedisClient } from '../redis-connection.ts';
import type { InstallationsRepository, InstallationTokens } from '../store/index.ts';

export interface InstallationVersions {
  /** The workspace's counter as it reads now ('0' before its first write). */
  current(teamId: string): Promise<string>;
  bump(teamId: string): Promise<void>;
}

/** A month: long after any memo has lapsed; written again with each write of the installation. */
const VERSION_TTL_SECONDS = 30 * 24 * 3600;

export function installationVersions(redis: RedisClient, prefix: string): InstallationVersions {
  const key = (teamId: string) => `${prefix}:installation-version:${teamId}`;
  return {
    async current(teamId) {
      return (await redis.get(key(teamId))) ?? '0';
    },
    async bump(teamId) {
      await redis.multi().incr(key(teamId)).expire(key(teamId), VERSION_TTL_SECONDS).exec();
    },
  };
}

/** The repository with its workspace's counter bumped after each write (compose it in every process). */
export function withVersionBumps(installations: InstallationsRepository, versions: InstallationVersions): InstallationsRepository {
  return {
    ...installations,
    async save(input, now) {
      try {
        return await installations.save(input, now);
      } finally {
        await versions.bump(input.teamId);
      }
    },
    async markDisconnected(teamId, reason, now, happenedAt) {
      try {
        await installations.markDisconnected(teamId, reason, now, happenedAt);
      } finally {
        await versions.bump(teamId);
      }
    },
    async saveRotatedTokens(teamId, tokens, now) {
      try {
        await installations.saveRotatedTokens(teamId, tokens, now);
      } finally {
        await versions.bump(teamId);
      }
    },
  };
}

/**
 * `installations` with the tokens answered from memory while the workspace's counter is
 * unchanged. Compose it under the token rotation (src/installations/token-rotation.ts), which then still
 * checks each use against the token's expiry and renews in time.
 */
export function memoizedTokens(
  installations: InstallationsRepository,
  versions: InstallationVersions,
  options: { ttlMs: number; now: () => number },
): InstallationsRepository {
  // Bounded: one entry per workspace this process posts to.
  const memo = new Map<string, { tokens: InstallationTokens; version: string; until: number }>();
  async function tokens(teamId: string): Promise<InstallationTokens | null> {
    const version = await versions.current(teamId);
    const hit = memo.get(teamId);
    if (hit && hit.version === version && hit.until > options.now()) return hit.tokens;
    // The counter is read before the installation: a write landing in between bumps it past
    // what is memoized here, so the next call reads again.
    const found = await installations.tokens(teamId);
    if (found) memo.set(teamId, { tokens: found, version, until: options.now() + options.ttlMs });
    else memo.delete(teamId);
    return found;
  }
  return {
    ...installations,
    tokens,
    async botToken(teamId, orgId) {
      const found = await tokens(teamId);
      return found && (orgId === null || found.orgId === orgId) ? found.botToken : null;
    },
  };
}
