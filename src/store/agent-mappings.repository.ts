// Which chat-platform agent each Slack user is. Only mapped Slack users may answer visitors.
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

export interface AgentMappingsRepository {
  map(mapping: AgentMapping, now: Date): Promise<void>;
  unmap(orgId: string, agentId: string): Promise<void>;
  findBySlackUser(teamId: string, slackUserId: string): Promise<AgentMapping | null>;
  findByAgent(orgId: string, agentId: string): Promise<AgentMapping | null>;
  listForOrg(orgId: string): Promise<AgentMapping[]>;
}

export function createAgentMappingsRepository(db: Db): AgentMappingsRepository {
  const collection = db.collection<AgentMappingDocument>('agent_mappings');
  const key = (orgId: string, agentId: string) => compoundKey(orgId, agentId);
  const strip = ({ orgId, agentId, teamId, slackUserId }: AgentMappingDocument): AgentMapping => ({ orgId, agentId, teamId, slackUserId });

  return {
    async map(mapping, now) {
      // One Slack user speaks for one agent per org: drop any other agent mapped to this user.
      await collection.deleteMany({ orgId: mapping.orgId, teamId: mapping.teamId, slackUserId: mapping.slackUserId, agentId: { $ne: mapping.agentId } });
      await collection.updateOne({ _id: key(mapping.orgId, mapping.agentId) }, { $set: { ...mapping, updatedAt: now } }, { upsert: true });
    },
    async unmap(orgId, agentId) {
      await collection.deleteOne({ _id: key(orgId, agentId) });
    },
    async findBySlackUser(teamId, slackUserId) {
      const doc = await collection.findOne({ teamId, slackUserId });
      return doc ? strip(doc) : null;
    },
    async findByAgent(orgId, agentId) {
      const doc = await collection.findOne({ _id: key(orgId, agentId) });
      return doc ? strip(doc) : null;
    },
    async listForOrg(orgId) {
      return (await collection.find({ orgId }).toArray()).map(strip);
    },
  };
}
