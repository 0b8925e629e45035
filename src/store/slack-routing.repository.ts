// The Slack side of the platform's routing: each routing group's Slack channel (set by admins),
// the DM channel of each Slack user with the app (from conversations.open, cached because it
// never changes for a pair), Slack users' display names (users.info, cached for a day), and
// which messages written to the app in its DM were answered.
import type { Db } from 'mongodb';
import { upsertWithRetry } from './mongo.ts';
import { compoundKey } from './compound-key.ts';
import { leaseFor, type ClaimResult, type LeaseClaimDocument } from './lease-claims.ts';

export interface SlackRoutingRepository {
  setGroupChannel(orgId: string, groupId: string, channelId: string | null, now: Date): Promise<void>;
  groupChannel(orgId: string, groupId: string): Promise<string | null>;
  /** Every routing group's channel the org has chosen, by group id (one query: the health check). */
  groupChannels(orgId: string): Promise<Map<string, string>>;
  dmChannel(teamId: string, slackUserId: string): Promise<string | null>;
  saveDmChannel(teamId: string, slackUserId: string, channelId: string): Promise<void>;
  /** A Slack user's display name as cached, if fetched after `freshAfter`. */
  userName(teamId: string, slackUserId: string, freshAfter: Date): Promise<string | null>;
  saveUserName(teamId: string, slackUserId: string, name: string, now: Date): Promise<void>;
  /** Whether the channel is one of the org's routing groups' channels. */
  isGroupChannel(orgId: string, channelId: string): Promise<boolean>;
  /** The org's routing groups (ids) whose channel this is. */
  groupsOfChannel(orgId: string, channelId: string): Promise<string[]>;
  /**
   * Claims answering one message someone wrote to the app in its DM, so a redelivered event is
   * answered once: 'done' once answered, 'busy' while another job holds it (taken over after its
   * lease). Released when the answer could not be posted.
   */
  claimDirectAnswer(teamId: string, channelId: string, ts: string, now: Date): Promise<ClaimResult>;
  settleDirectAnswer(teamId: string, channelId: string, ts: string, now: Date): Promise<void>;
  releaseDirectAnswer(teamId: string, channelId: string, ts: string): Promise<void>;
}

export function createSlackRoutingRepository(db: Db): SlackRoutingRepository {
  const groupChannels = db.collection<{ _id: string; orgId: string; groupId: string; channelId: string | null; updatedAt: Date }>('routing_group_channels');
  const dmChannels = db.collection<{ _id: string; channelId: string }>('slack_dm_channels');
  const userNames = db.collection<{ _id: string; name: string; fetchedAt: Date }>('slack_user_names');
  const directAnswers = leaseFor(db.collection<LeaseClaimDocument>('slack_direct_answers'), ([teamId, channelId, ts]: [string, string, string]) =>
    compoundKey(teamId, channelId, ts),
  );
  const key = (a: string, b: string) => compoundKey(a, b);
  return {
    async isGroupChannel(orgId, channelId) {
      return (await groupChannels.countDocuments({ orgId, channelId }, { limit: 1 })) > 0;
    },
    async claimDirectAnswer(teamId, channelId, ts, now) {
      return directAnswers.claim([teamId, channelId, ts], now);
    },
    async settleDirectAnswer(teamId, channelId, ts, now) {
      await directAnswers.settle([teamId, channelId, ts], now);
    },
    async releaseDirectAnswer(teamId, channelId, ts) {
      await directAnswers.release([teamId, channelId, ts]);
    },
    async setGroupChannel(orgId, groupId, channelId, now) {
      await upsertWithRetry(() =>
        groupChannels.updateOne({ _id: key(orgId, groupId) }, { $set: { orgId, groupId, channelId, updatedAt: now } }, { upsert: true }),
      );
    },
    async groupsOfChannel(orgId, channelId) {
      return (await groupChannels.find({ orgId, channelId }).limit(100).toArray()).map((g) => g.groupId);
    },
    async groupChannel(orgId, groupId) {
      return (await groupChannels.findOne({ _id: key(orgId, groupId) }))?.channelId ?? null;
    },
    async groupChannels(orgId) {
      const chosen = await groupChannels.find({ orgId, channelId: { $ne: null } }).toArray();
      return new Map(chosen.map((c) => [c.groupId, c.channelId!]));
    },
    async dmChannel(teamId, slackUserId) {
      return (await dmChannels.findOne({ _id: key(teamId, slackUserId) }))?.channelId ?? null;
    },
    async userName(teamId, slackUserId, freshAfter) {
      return (await userNames.findOne({ _id: key(teamId, slackUserId), fetchedAt: { $gt: freshAfter } }))?.name ?? null;
    },
    async saveUserName(teamId, slackUserId, name, now) {
      await upsertWithRetry(() => userNames.updateOne({ _id: key(teamId, slackUserId) }, { $set: { name, fetchedAt: now } }, { upsert: true }));
    },
    async saveDmChannel(teamId, slackUserId, channelId) {
      await upsertWithRetry(() => dmChannels.updateOne({ _id: key(teamId, slackUserId) }, { $set: { channelId } }, { upsert: true }));
    },
  };
}
