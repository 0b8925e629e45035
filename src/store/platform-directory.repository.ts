// The chat platform's agents (with their chat status) and routing groups, as last fetched from
// its API and kept current by agent.status_changed. Shared by all worker processes, so a status
// change takes effect at the next routing decision anywhere without a restart.
import type { Db } from 'mongodb';
import type { AgentStatus } from '../routing/notification-router.ts';
import { bulkUpsert, upsertWithRetry } from './mongo.ts';
import { compoundKey } from './compound-key.ts';

export interface DirectoryAgent {
  agentId: string;
  name: string;
  email: string;
  status: AgentStatus;
}

export interface DirectoryGroup {
  groupId: string;
  name: string;
  memberAgentIds: string[];
}

export interface PlatformDirectory {
  agents: DirectoryAgent[];
  groups: DirectoryGroup[];
  fetchedAt: Date | null;
}

interface AgentDocument extends DirectoryAgent {
  _id: string;
  orgId: string;
  /** When this status was true: an event's time, or the fetch's. The newer one wins. */
  statusAt: Date;
}
interface GroupDocument extends DirectoryGroup {
  _id: string;
  orgId: string;
}
interface MetaDocument {
  _id: string;
  fetchedAt: Date;
}

export interface PlatformDirectoryRepository {
  load(orgId: string): Promise<PlatformDirectory>;
  saveSnapshot(orgId: string, agents: DirectoryAgent[], groups: DirectoryGroup[], fetchedAt: Date): Promise<void>;
  setAgentStatus(orgId: string, agentId: string, status: AgentStatus, at: Date): Promise<void>;
}

const key = (orgId: string, id: string) => compoundKey(orgId, id);

export function createPlatformDirectoryRepository(db: Db): PlatformDirectoryRepository {
  const agents = db.collection<AgentDocument>('platform_agents');
  const groups = db.collection<GroupDocument>('platform_groups');
  const meta = db.collection<MetaDocument>('platform_directory_meta');

  return {
    async load(orgId) {
      const [agentDocs, groupDocs, metaDoc] = await Promise.all([
        agents.find({ orgId }).toArray(),
        groups.find({ orgId }).toArray(),
        meta.findOne({ _id: orgId }),
      ]);
      return {
        agents: agentDocs.map(({ agentId, name, email, status }) => ({ agentId, name, email, status })),
        groups: groupDocs.map(({ groupId, name, memberAgentIds }) => ({ groupId, name, memberAgentIds })),
        fetchedAt: metaDoc?.fetchedAt ?? null,
      };
    },
    async saveSnapshot(orgId, agentList, groupList, fetchedAt) {
      // One round trip per collection however many agents an org has (a refresh runs every minute).
      if (agentList.length > 0) {
        await bulkUpsert(
          agents,
          agentList.flatMap((agent) => {
            const _id = key(orgId, agent.agentId);
            return [
              {
                updateOne: {
                  filter: { _id },
                  update: {
                    $set: { orgId, agentId: agent.agentId, name: agent.name, email: agent.email },
                    $setOnInsert: { status: agent.status, statusAt: fetchedAt },
                  },
                  upsert: true,
                },
              },
              // A status event newer than this fetch keeps its word.
              { updateOne: { filter: { _id, statusAt: { $lt: fetchedAt } }, update: { $set: { status: agent.status, statusAt: fetchedAt } } } },
            ];
          }),
        );
      }
      await agents.deleteMany({ orgId, agentId: { $nin: agentList.map((a) => a.agentId) } });
      if (groupList.length > 0) {
        await bulkUpsert(
          groups,
          groupList.map((group) => ({ updateOne: { filter: { _id: key(orgId, group.groupId) }, update: { $set: { orgId, ...group } }, upsert: true } })),
        );
      }
      await groups.deleteMany({ orgId, groupId: { $nin: groupList.map((g) => g.groupId) } });
      await upsertWithRetry(() => meta.updateOne({ _id: orgId }, { $set: { fetchedAt } }, { upsert: true }));
    },
    async setAgentStatus(orgId, agentId, status, at) {
      const _id = key(orgId, agentId);
      const updated = await agents.updateOne({ _id, statusAt: { $lte: at } }, { $set: { status, statusAt: at } });
      if (updated.matchedCount === 0 && !(await agents.findOne({ _id }))) {
        // Not fetched yet: keep the status; name and email arrive with the next fetch.
        await upsertWithRetry(() =>
          agents.updateOne({ _id }, { $setOnInsert: { orgId, agentId, name: agentId, email: '', status, statusAt: at } }, { upsert: true }),
        );
      }
    },
  };
}
