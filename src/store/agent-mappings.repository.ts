// Which chat-platform agent each Slack user is. Only mapped Slack users may answer visitors.
// A mapping is live only for the pair its org's installation joins (org, workspace): when a
// workspace is connected by another org, or an org connects another workspace, the mappings on
// either side that no longer fit are retired (moved to `agent_mappings_retired`, kept for
// history, read by nothing that routes or replies). Live mappings are unique per Slack user of a
// workspace (the `team_user_unique` index), so a lookup by Slack user can never find another
// org's agent. Retired ones live in their own collection because FerretDB has no partial index
// to leave them out of that uniqueness.
import type { Db } from 'mongodb';
import { compoundKey } from './compound-key.ts';

export interface AgentMapping {
  orgId: string;
  agentId: string;
  teamId: string;
  slackUserId: string;
}

interface AgentMappingDocument extends AgentMapping {
  _id: string; // compoundKey(orgId, agentId)
  updatedAt: Date;
}

interface RetiredMappingDocument extends AgentMapping {
  _id: string; // compoundKey(orgId, agentId, retiredAt)
  updatedAt: Date;
  retiredAt: Date;
  /** Why: the workspace went to another org, or the org connected another workspace. */
  reason: MappingRetirement;
}

export type MappingRetirement = 'workspace_moved' | 'org_moved' | 'migration';

/** 'taken': another live mapping holds this Slack user (a concurrent map, never another org's once retired). */
export type MapResult = { ok: true } | { ok: false; reason: 'taken' };

export interface AgentMappingsRepository {
  map(mapping: AgentMapping, now: Date): Promise<MapResult>;
  unmap(orgId: string, agentId: string): Promise<void>;
  /** The org's agent this Slack user of the workspace is; never another org's. */
  findBySlackUser(orgId: string, teamId: string, slackUserId: string): Promise<AgentMapping | null>;
  findByAgent(orgId: string, agentId: string): Promise<AgentMapping | null>;
  listForOrg(orgId: string): Promise<AgentMapping[]>;
  /**
   * `orgId` now holds `teamId`: retires every mapping that does not fit that pair (the workspace's
   * mappings of other orgs, the org's mappings of other workspaces). Returns how many.
   */
  retireOutside(orgId: string, teamId: string, now: Date): Promise<number>;
}

const COLLECTION = 'agent_mappings';
const RETIRED = 'agent_mappings_retired';

/** Moves the matching mappings to the retired collection (insert first: a crash in between leaves a copy, never a loss). */
async function retire(db: Db, filter: Record<string, unknown>, reason: MappingRetirement, now: Date): Promise<number> {
  const live = db.collection<AgentMappingDocument>(COLLECTION);
  const retired = db.collection<RetiredMappingDocument>(RETIRED);
  const docs = await live.find(filter).toArray();
  if (docs.length === 0) return 0;
  // One by one: few per retirement, and FerretDB mishandles a bulk of upserts that meets E11000
  // (mongo.ts, bulkUpsert). Two processes retiring the same mapping at once write the same _id.
  for (const { _id, ...rest } of docs) {
    const doc: RetiredMappingDocument = { ...rest, _id: compoundKey(rest.orgId, rest.agentId, now.toISOString()), retiredAt: now, reason };
    const write = () => retired.updateOne({ _id: doc._id }, { $set: doc }, { upsert: true });
    await write().catch((error: { code?: number }) => (error.code === 11000 ? write() : Promise.reject(error)));
  }
  await live.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
  return docs.length;
}

export function createAgentMappingsRepository(db: Db): AgentMappingsRepository {
  const collection = db.collection<AgentMappingDocument>(COLLECTION);
  const key = (orgId: string, agentId: string) => compoundKey(orgId, agentId);
  const strip = ({ orgId, agentId, teamId, slackUserId }: AgentMappingDocument): AgentMapping => ({ orgId, agentId, teamId, slackUserId });

  return {
    async map(mapping, now) {
      // One Slack user speaks for one agent per org: drop any other agent mapped to this user.
      await collection.deleteMany({ orgId: mapping.orgId, teamId: mapping.teamId, slackUserId: mapping.slackUserId, agentId: { $ne: mapping.agentId } });
      try {
        await collection.updateOne({ _id: key(mapping.orgId, mapping.agentId) }, { $set: { ...mapping, updatedAt: now } }, { upsert: true });
      } catch (error) {
        // team_user_unique: someone mapped this Slack user meanwhile.
        if ((error as { code?: number }).code === 11000) return { ok: false, reason: 'taken' };
        throw error;
      }
      return { ok: true };
    },
    async unmap(orgId, agentId) {
      await collection.deleteOne({ _id: key(orgId, agentId) });
    },
    async findBySlackUser(orgId, teamId, slackUserId) {
      const doc = await collection.findOne({ teamId, slackUserId, orgId });
      return doc ? strip(doc) : null;
    },
    async findByAgent(orgId, agentId) {
      const doc = await collection.findOne({ _id: key(orgId, agentId) });
      return doc ? strip(doc) : null;
    },
    async listForOrg(orgId) {
      return (await collection.find({ orgId }).toArray()).map(strip);
    },
    retireOutside: (orgId, teamId, now) => retireMappingsOutside(db, orgId, teamId, now),
  };
}

/** What `retireOutside` does, for the installations repository to call when it connects a workspace. */
export async function retireMappingsOutside(db: Db, orgId: string, teamId: string, now: Date): Promise<number> {
  const [fromWorkspace, fromOrg] = await Promise.all([
    retire(db, { teamId, orgId: { $ne: orgId } }, 'workspace_moved', now),
    retire(db, { orgId, teamId: { $ne: teamId } }, 'org_moved', now),
  ]);
  return fromWorkspace + fromOrg;
}

/**
 * Before live mappings were unique per Slack user, a workspace that moved between orgs kept its
 * old org's mappings beside the new one's. Retires every mapping whose workspace is installed for
 * another org (or whose org is installed on another workspace), then duplicates by Slack user
 * (the newest kept), so the unique index can be built. Run before that index exists; idempotent.
 */
export async function retireStrayMappings(db: Db, now: Date): Promise<number> {
  const installations = await db
    .collection<{ _id: string; orgId: string }>('installations')
    .find({}, { projection: { _id: 1, orgId: 1 } })
    .toArray();
  const orgOfTeam = new Map(installations.map((i) => [i._id, i.orgId]));
  const teamOfOrg = new Map(installations.map((i) => [i.orgId, i._id]));
  const live = await db.collection<AgentMappingDocument>(COLLECTION).find({}).toArray();
  const stray = live.filter((m) => {
    const owner = orgOfTeam.get(m.teamId);
    const team = teamOfOrg.get(m.orgId);
    return (owner !== undefined && owner !== m.orgId) || (team !== undefined && team !== m.teamId);
  });
  const kept = live.filter((m) => !stray.includes(m)).sort((a, b) => (b.updatedAt?.getTime() ?? 0) - (a.updatedAt?.getTime() ?? 0));
  const seen = new Set<string>();
  const duplicates = kept.filter((m) => {
    const user = compoundKey(m.teamId, m.slackUserId);
    if (seen.has(user)) return true;
    seen.add(user);
    return false;
  });
  const ids = [...stray, ...duplicates].map((m) => m._id);
  return ids.length === 0 ? 0 : retire(db, { _id: { $in: ids } }, 'migration', now);
}
