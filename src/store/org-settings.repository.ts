// Per-org Slack settings, as the integration settings page edits them: channel-ID mode, the
// global channel, and how chats are handled (answer time, escalation, bridge mode, note prefix).
// Routing reads them on every new chat; reminders and replies when they run.
import type { Db } from 'mongodb';
import type { Weekday } from '../routing/org-calendar.ts';
import type { AdminActor } from './admin-changes.repository.ts';

export interface OrgSettings {
  orgId: string;
  /** Pick channels by ID instead of by name (meant for workspaces with 1,000+ channels). */
  channelIdMode: boolean;
  globalChannelEnabled: boolean;
  globalChannelId: string | null;
  /** How long a new chat may wait for an answer before its targets are reminded; null turns reminders off. */
  answerTimeMs?: number | null;
  /** A reply starting with this stays in Slack as the reps' internal note (default "note:"). */
  internalNotePrefix?: string;
  /** 'alerts-only': nothing written in Slack reaches visitors. Default 'two-way'. */
  bridgeMode?: 'two-way' | 'alerts-only';
  /** Where an unanswered chat escalates; unset: the global channel when it is on, else online members' DMs. */
  escalation?: EscalationTarget | null;
  /** The weekly digest: last week's activity figures posted in a channel on a weekday; unset or null: off. */
  digest?: DigestSetting | null;
  /** The org's calendar for its activity figures (an IANA name); unset: UTC. */
  timeZone?: string;
  /**
   * Slack Connect channels (shared with another company) an admin confirmed may show visitor
   * details to that company, by channel id: a channel chosen without one is refused, and one that
   * became shared after it was chosen holds its chats until it is confirmed or replaced.
   */
  sharedChannelConfirmations?: Record<string, SharedChannelConfirmation>;
  updatedAt: Date;
}

export interface SharedChannelConfirmation {
  by: AdminActor;
  at: Date;
}

export interface DigestSetting {
  channelId: string;
  weekday: Weekday;
}

export const ESCALATION_TARGETS = ['global-channel', 'online-members', 'off'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

export const DEFAULT_INTERNAL_NOTE_PREFIX = 'note:';

export const DEFAULT_ANSWER_TIME_MS = 2 * 60 * 1000;

/** The org's answer time: its own, the default when never set, or null when switched off. */
export function answerTimeOf(settings: Pick<OrgSettings, 'answerTimeMs'> | null): number | null {
  if (!settings || settings.answerTimeMs === undefined) return DEFAULT_ANSWER_TIME_MS;
  return settings.answerTimeMs;
}

/** The time zone the org's activity days are counted in. */
export function timeZoneOf(settings: Pick<OrgSettings, 'timeZone'> | null): string {
  return settings?.timeZone ?? 'UTC';
}

/** Where the org's unanswered chats escalate: its choice, or the mapping from before there was one. */
export function escalationOf(settings: Pick<OrgSettings, 'escalation' | 'globalChannelEnabled'> | null): EscalationTarget {
  if (settings?.escalation) return settings.escalation;
  return settings?.globalChannelEnabled ? 'global-channel' : 'online-members';
}

interface OrgSettingsDocument extends Omit<OrgSettings, 'orgId'> {
  _id: string;
}

export interface OrgSettingsRepository {
  get(orgId: string): Promise<OrgSettings | null>;
  save(settings: Omit<OrgSettings, 'updatedAt'>, now: Date): Promise<void>;
  /** Every org whose weekly digest is on, with it (the digest sweep reads them). */
  withDigest(): Promise<Array<{ orgId: string; digest: DigestSetting }>>;
  /** Records an admin's confirmation that a channel shared with another company may be chosen. */
  confirmSharedChannel(orgId: string, channelId: string, confirmation: SharedChannelConfirmation): Promise<void>;
  /** The channel was shared with one more company (or no longer with any): a confirmation given before no longer holds. */
  forgetSharedChannelConfirmation(orgId: string, channelId: string): Promise<void>;
}

export function createOrgSettingsRepository(db: Db): OrgSettingsRepository {
  const collection = db.collection<OrgSettingsDocument>('org_settings');
  return {
    async get(orgId) {
      const doc = await collection.findOne({ _id: orgId });
      if (!doc) return null;
      const { _id, ...rest } = doc;
      // FerretDB leaves out a field an upsert's $setOnInsert sets to null (confirmSharedChannel's).
      return { orgId: _id, ...rest, globalChannelId: rest.globalChannelId ?? null };
    },
    async save({ orgId, ...fields }, now) {
      await collection.updateOne({ _id: orgId }, { $set: { ...fields, updatedAt: now } }, { upsert: true });
    },
    async withDigest() {
      const docs = await collection.find({ 'digest.channelId': { $exists: true } }, { projection: { digest: 1 } }).toArray();
      return docs.flatMap((d) => (d.digest ? [{ orgId: d._id, digest: d.digest }] : []));
    },
    async confirmSharedChannel(orgId, channelId, confirmation) {
      // Channel ids are letters and digits only, so one is a safe field name. An org that never
      // saved its settings gets the defaults every reader assumes.
      if (!/^[A-Z0-9]+$/.test(channelId)) throw new Error(`not a Slack channel id: ${JSON.stringify(channelId)}`);
      await collection.updateOne(
        { _id: orgId },
        {
          $set: { [`sharedChannelConfirmations.${channelId}`]: confirmation },
          $setOnInsert: { channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, updatedAt: confirmation.at },
        },
        { upsert: true },
      );
    },
    async forgetSharedChannelConfirmation(orgId, channelId) {
      if (!/^[A-Z0-9]+$/.test(channelId)) throw new Error(`not a Slack channel id: ${JSON.stringify(channelId)}`);
      await collection.updateOne({ _id: orgId }, { $unset: { [`sharedChannelConfirmations.${channelId}`]: '' } });
    },
  };
}
