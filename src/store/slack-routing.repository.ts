// The Slack side of the platform's routing: each routing group's Slack channel (set by admins),
// and the DM channel of each Slack user with the app (from conversations.open, cached because
// it never changes for a pair).
import type { Db } from 'mongodb';
import { upsertWithRetry } from './mongo.ts';

export interface SlackRoutingRepository {
  setGroupChannel(orgId: string, groupId: string, channelId: string | null, now: Date): Promise<void>;
  groupChannel(orgId: string, groupId: string): Promise<string | null>;
  dmChannel(teamId: string, slackUserId: string): Promise<string | null>;
  saveDmChannel(teamId: string, slackUserId: string, channelId: string): Promise<void>;
}

export function createSlackRoutingRepository(db: Db): SlackRoutingRepository {
  const groupChannels = db.collection<{ _id: string; orgId: string; groupId: string; channelId: string | null; updatedAt: Date }>('routing_group_channels');
  const dmChannels = db.collection<{ _id: string; channelId: string }>('slack_dm_channels');
  const key = (a: string, b: string) => `${a}\u0000${b}`;
  return {
    async setGroupChannel(orgId, groupId, channelId, now) {
      await upsertWithRetry(() => groupChannels.updateOne({ _id: key(orgId, groupId) }, { $set: { orgId, groupId, channelId, updatedAt: now } }, { upsert: true }));
    },
    async groupChannel(orgId, groupId) {
      return (await groupChannels.findOne({ _id: key(orgId, groupId) }))?.channelId ?? null;
    },
    async dmChannel(teamId, slackUserId) {
      return (await dmChannels.findOne({ _id: key(teamId, slackUserId) }))?.channelId ?? null;
    },
    async saveDmChannel(teamId, slackUserId, channelId) {
      await upsertWithRetry(() => dmChannels.updateOne({ _id: key(teamId, slackUserId) }, { $set: { channelId } }, { upsert: true }));
    },
  };
}
