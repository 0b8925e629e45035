// Each worker keeps the org facts a chat start routes by (settings, the platform's agents and
// groups, agent mappings, group channels, the installation) in memory instead of reading them
// for every chat: six of a chat start's store round trips, the same for every chat of an org
// (docs/store-access-paths.md).
//
// Never stale: every write of those facts, in any process, goes through `withOrgFactBumps`, which
// gives the org's version of that kind of fact a new value in Redis once the write is done; a
// memoized fact is used only while its version still reads what it read before the fact was
// read. The check costs one Redis read per use, and the uses asked for together (a chat start's
// directory, mappings and installation, side by side) share one MGET sent once they have all
// asked: each version is still read after its use began, so after every write done by then. A
// version is a random value, not a counter, so one that Redis lost (a restart) comes back as a
// value no memo holds. A memo also lapses after `ttlMs`, for writes made outside this code (an
// operator editing a collection by hand).
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';
import type { Store } from './index.ts';

/** The kinds of org facts, each with its own version: an agent's status change leaves the memoized settings alone. */
export type OrgFactKind = 'settings' | 'directory' | 'mappings' | 'group-channels' | 'installation';

export interface OrgFactVersions {
  /** The version of the org's facts of `kind` as it reads now. */
  current(kind: OrgFactKind, orgId: string): Promise<string>;
  bump(kind: OrgFactKind, orgId: string): Promise<void>;
}

/** A month: long after any memo has lapsed; written again with each write. */
const VERSION_TTL_SECONDS = 30 * 24 * 3600;

export function orgFactVersions(redis: RedisClient, prefix: string): OrgFactVersions {
  const key = (kind: OrgFactKind, orgId: string) => `${prefix}:org-facts-version:${kind}:${orgId}`;
  async function created(k: string): Promise<string> {
    // None yet (or lost): a new value, which no memo can hold.
    await redis.set(k, randomUUID(), 'EX', VERSION_TTL_SECONDS, 'NX');
    return (await redis.get(k)) ?? randomUUID();
  }
  // The keys asked for since the last read went out: read in one MGET once this tick's callers have asked.
  let pending: { keys: string[]; values: Promise<Array<string | null>> } | null = null;
  function batch() {
    const keys: string[] = [];
    const values = new Promise<Array<string | null>>((resolve, reject) =>
      process.nextTick(() => {
        pending = null;
        redis.mget(keys).then(resolve, reject);
      }),
    );
    return { keys, values };
  }
  async function read(k: string): Promise<string | null> {
    pending ??= batch();
    const { keys, values } = pending;
    const at = keys.includes(k) ? keys.indexOf(k) : keys.push(k) - 1;
    return (await values)[at] ?? null;
  }
  return {
    async current(kind, orgId) {
      const k = key(kind, orgId);
      return (await read(k)) ?? created(k);
    },
    async bump(kind, orgId) {
      await redis.set(key(kind, orgId), randomUUID(), 'EX', VERSION_TTL_SECONDS);
    },
  };
}

/** Runs `write`, then bumps each org's version of `kind` (also when the write failed: it may have landed). */
async function thenBump<T>(versions: OrgFactVersions, bumps: Array<[OrgFactKind, string | null | undefined]>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    await Promise.all(bumps.flatMap(([kind, orgId]) => (orgId ? [versions.bump(kind, orgId)] : [])));
  }
}

/** The store with every write of an org fact bumping its version (compose it in every process that writes them). */
export function withOrgFactBumps(store: Store, versions: OrgFactVersions): Store {
  const { orgSettings, platformDirectory, agentMappings, slackRouting, installations } = store;
  /** The org a workspace is installed for, as it reads after a write keyed by the workspace. */
  const orgOfTeam = async (teamId: string) => (await installations.findByTeam(teamId))?.orgId ?? null;
  const installationWrite = async <T>(teamId: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } finally {
      const orgId = await orgOfTeam(teamId);
      if (orgId) await versions.bump('installation', orgId);
    }
  };
  return {
    ...store,
    orgSettings: {
      ...orgSettings,
      save: (settings, now) => thenBump(versions, [['settings', settings.orgId]], () => orgSettings.save(settings, now)),
      confirmSharedChannel: (orgId, channelId, confirmation) =>
        thenBump(versions, [['settings', orgId]], () => orgSettings.confirmSharedChannel(orgId, channelId, confirmation)),
      forgetSharedChannelConfirmation: (orgId, channelId) =>
        thenBump(versions, [['settings', orgId]], () => orgSettings.forgetSharedChannelConfirmation(orgId, channelId)),
    },
    platformDirectory: {
      ...platformDirectory,
      saveSnapshot: (orgId, agents, groups, fetchedAt) =>
        thenBump(versions, [['directory', orgId]], () => platformDirectory.saveSnapshot(orgId, agents, groups, fetchedAt)),
      setAgentStatus: (orgId, agentId, status, at) =>
        thenBump(versions, [['directory', orgId]], () => platformDirectory.setAgentStatus(orgId, agentId, status, at)),
    },
    agentMappings: {
      ...agentMappings,
      map: (mapping, now) => thenBump(versions, [['mappings', mapping.orgId]], () => agentMappings.map(mapping, now)),
      unmap: (orgId, agentId) => thenBump(versions, [['mappings', orgId]], () => agentMappings.unmap(orgId, agentId)),
      retireOutside: async (orgId, teamId, now) => {
        // The workspace's mappings of another org go too: that org is the one it was installed for.
        const before = await orgOfTeam(teamId);
        return thenBump(
          versions,
          [
            ['mappings', orgId],
            ['mappings', before],
          ],
          () => agentMappings.retireOutside(orgId, teamId, now),
        );
      },
    },
    slackRouting: {
      ...slackRouting,
      setGroupChannel: (orgId, groupId, channelId, now) =>
        thenBump(versions, [['group-channels', orgId]], () => slackRouting.setGroupChannel(orgId, groupId, channelId, now)),
    },
    installations: {
      ...installations,
      // A save may move a disconnected workspace from its org (whose mappings of it retire) to this one.
      save: async (input, now) => {
        const before = await orgOfTeam(input.teamId);
        return thenBump(
          versions,
          [
            ['installation', input.orgId],
            ['mappings', input.orgId],
            ['installation', before],
            ['mappings', before],
          ],
          () => installations.save(input, now),
        );
      },
      markDisconnected: (teamId, reason, now, happenedAt) => installationWrite(teamId, () => installations.markDisconnected(teamId, reason, now, happenedAt)),
      saveRotatedTokens: (teamId, tokens, now) => installationWrite(teamId, () => installations.saveRotatedTokens(teamId, tokens, now)),
      setWorkspaces: (teamId, workspaces, now) => installationWrite(teamId, () => installations.setWorkspaces(teamId, workspaces, now)),
    },
  };
}

const SWEEP_AT = 10_000;

interface Entry<T> {
  value: T;
  version: string;
  until: number;
}

/**
 * The store with the org facts a chat routes by answered from memory while their version is
 * unchanged. Compose it in the worker over `withOrgFactBumps`. What it hands out is shared by
 * every job of the process: read-only.
 */
export function memoizedOrgFacts(store: Store, versions: OrgFactVersions, options: { ttlMs: number; now: () => number }): Store {
  // One entry per org (and routing group) this process routed a chat for within the last ttlMs, or SWEEP_AT.
  const entries = new Map<string, Entry<unknown>>();
  async function through<T>(kind: OrgFactKind, orgId: string, key: string, read: () => Promise<T>): Promise<T> {
    const memoKey = `${kind}\u241f${key}`;
    const version = await versions.current(kind, orgId);
    const hit = entries.get(memoKey) as Entry<T> | undefined;
    if (hit && hit.version === version && hit.until > options.now()) return hit.value;
    // The version is read before the facts: a write landing in between changes it past what is
    // memoized here, so the next use reads again.
    const value = await read();
    const now = options.now();
    // Thousands of orgs share a deployment: past this many, the lapsed entries go.
    if (entries.size >= SWEEP_AT) for (const [k, e] of entries) if (e.until <= now) entries.delete(k);
    entries.set(memoKey, { value, version, until: now + options.ttlMs });
    return value;
  }
  const { orgSettings, platformDirectory, agentMappings, slackRouting, installations } = store;
  return {
    ...store,
    orgSettings: { ...orgSettings, get: (orgId) => through('settings', orgId, orgId, () => orgSettings.get(orgId)) },
    platformDirectory: { ...platformDirectory, load: (orgId) => through('directory', orgId, orgId, () => platformDirectory.load(orgId)) },
    agentMappings: { ...agentMappings, listForOrg: (orgId) => through('mappings', orgId, orgId, () => agentMappings.listForOrg(orgId)) },
    slackRouting: {
      ...slackRouting,
      groupChannel: (orgId, groupId) => through('group-channels', orgId, `${orgId}\u241f${groupId}`, () => slackRouting.groupChannel(orgId, groupId)),
    },
    installations: { ...installations, findByOrg: (orgId) => through('installation', orgId, orgId, () => installations.findByOrg(orgId)) },
  };
}
