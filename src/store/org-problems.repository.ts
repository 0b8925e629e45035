// Problems with an org's integration that appeared after setup, as the workers met them: a channel
// the org notifies in archived or the app removed from it, Slack refusing a post there, the
// connection lost, chats that could not be delivered. One document per problem (org, kind,
// subject), seen again and again; the health section lists them, and `claimNotice` lets the
// installer's DM about each go out at most once a day, whichever worker sees it.
import type { Db } from 'mongodb';
import { compoundKey } from './compound-key.ts';

export const ORG_PROBLEM_KINDS = ['channel_archived', 'app_removed_from_channel', 'channel_refused', 'connection_lost', 'chats_undeliverable'] as const;
export type OrgProblemKind = (typeof ORG_PROBLEM_KINDS)[number];

export interface OrgProblemKey {
  orgId: string;
  kind: OrgProblemKind;
  /**
   * What the problem is about: a channel id (channel kinds), the Slack team id (connection_lost),
   * the undeliverable code (chats_undeliverable, src/routing/undeliverable-reasons.ts).
   */
  subject: string;
}

export interface OrgProblem extends OrgProblemKey {
  /** Slack's error code, the disconnect reason or the undeliverable reason in words; null when none. */
  detail: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** When the installer was last told by DM; null when never. */
  notifiedAt: Date | null;
}

interface OrgProblemDocument extends OrgProblem {
  _id: string;
}

export interface OrgProblemsRepository {
  /** Records that the problem is (still) there: first seen once, last seen now, the detail refreshed. */
  record(problem: OrgProblemKey & { detail: string | null }, now: Date): Promise<void>;
  /**
   * Claims the right to tell the installer now: true (and notifiedAt set to `now`) when nobody was
   * told within `minGapMs`, false otherwise. Concurrent callers: one wins.
   */
  claimNotice(key: OrgProblemKey, now: Date, minGapMs: number): Promise<boolean>;
  /** Gives a claim back (the DM could not be sent), when `claimedAt` is still the last notice. */
  releaseNotice(key: OrgProblemKey, claimedAt: Date): Promise<void>;
  /** The problem is gone (the admin chose another channel, the workspace connected again). */
  resolve(key: OrgProblemKey): Promise<void>;
  /** Every problem of the org still recorded, newest first. */
  list(orgId: string): Promise<OrgProblem[]>;
}

export function createOrgProblemsRepository(db: Db): OrgProblemsRepository {
  const collection = db.collection<OrgProblemDocument>('org_problems');
  const idOf = (key: OrgProblemKey) => compoundKey(key.orgId, key.kind, key.subject);
  // FerretDB v1.24 leaves out a null set by $setOnInsert: a problem never told reads back without notifiedAt.
  const toProblem = ({ _id, ...problem }: OrgProblemDocument): OrgProblem => ({ ...problem, notifiedAt: problem.notifiedAt ?? null });

  return {
    async record(problem, now) {
      const { orgId, kind, subject, detail } = problem;
      await collection.updateOne(
        { _id: idOf(problem) },
        { $set: { orgId, kind, subject, detail, lastSeenAt: now }, $setOnInsert: { firstSeenAt: now, notifiedAt: null } },
        { upsert: true },
      );
    },
    async claimNotice(key, now, minGapMs) {
      const claimed = await collection.updateOne(
        { _id: idOf(key), $or: [{ notifiedAt: null }, { notifiedAt: { $lte: new Date(now.getTime() - minGapMs) } }] },
        { $set: { notifiedAt: now } },
      );
      return claimed.modifiedCount === 1;
    },
    async releaseNotice(key, claimedAt) {
      await collection.updateOne({ _id: idOf(key), notifiedAt: claimedAt }, { $set: { notifiedAt: null } });
    },
    async resolve(key) {
      await collection.deleteOne({ _id: idOf(key) });
    },
    async list(orgId) {
      return (await collection.find({ orgId }).sort({ lastSeenAt: -1 }).limit(500).toArray()).map(toProblem);
    },
  };
}
