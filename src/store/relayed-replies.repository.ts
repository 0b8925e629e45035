// Replies written in Slack and relayed to the visitor, keyed by the clientMessageId Threadbridge
// gave them. The record is written before the platform is called, so the platform's echo of the
// message (origin "slack") is always recognised, and a retried relay reuses the same id.
import type { Db } from 'mongodb';
import { upsertWithRetry } from './mongo.ts';

export interface RelayedReply {
  clientMessageId: string;
  orgId: string;
  conversationId: string;
  teamId: string;
  channelId: string;
  /** The thread it was written in (one chat can have several); missing on records from before. */
  threadTs?: string;
  slackTs: string;
  slackUserId: string;
  agentId: string | null;
  /** 'internal': a reps' note that stays in Slack (and goes into the transcript as internal). */
  state: 'sending' | 'sent' | 'refused' | 'internal';
  refusal: string | null;
  platformMessageId: string | null;
  /** Kept for internal notes only: the transcript needs their words. */
  noteText?: string;
  /**
   * A sent reply's message at the platform: when it was written there and under whose name, so a
   * retry of a job that died right after the send can still record the chat's first answer.
   */
  sent?: { at: Date; authorName: string };
  createdAt?: Date;
}

interface RelayedReplyDocument extends Omit<RelayedReply, 'clientMessageId'> {
  _id: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RelayedRepliesRepository {
  /** Inserts the reply if new; returns the stored record (new or earlier) either way. */
  claim(reply: Omit<RelayedReply, 'state' | 'refusal' | 'platformMessageId'>, now: Date): Promise<RelayedReply>;
  markSent(clientMessageId: string, platformMessageId: string, sent: { at: Date; authorName: string }, now: Date): Promise<void>;
  markRefused(clientMessageId: string, refusal: string, now: Date): Promise<void>;
  /**
   * Where a reply relayed from Slack was written, when `clientMessageId` is one (being sent or
   * sent): the platform's echo of it is not posted back into that thread, only into the others.
   */
  relayedFrom(orgId: string, clientMessageId: string): Promise<{ channelId: string; threadTs: string | null } | null>;
  find(clientMessageId: string): Promise<RelayedReply | null>;
  /** Records a reply as a reps' internal note; false when it already was. */
  markInternal(clientMessageId: string, noteText: string, now: Date): Promise<boolean>;
  internalNotes(orgId: string, conversationId: string): Promise<RelayedReply[]>;
  /** The chat's replies written in Slack that were sent to the visitor or kept as internal notes (the transcript's). */
  sentAndNotes(orgId: string, conversationId: string): Promise<RelayedReply[]>;
  /**
   * Replies of the chat written before `slackTs` (Slack's time of the message) that are still
   * being sent, claimed since `notBefore`: the visitor gets a chat's replies in the order they
   * were written, so a later one waits for these.
   */
  earlierSending(orgId: string, conversationId: string, slackTs: string, notBefore: Date): Promise<RelayedReply[]>;
}

/** Slack's ts ("1700000000.000100"), compared as seconds then microseconds (not as a float: 16 digits). */
export function tsBefore(a: string, b: string): boolean {
  const [as = '', au = ''] = a.split('.');
  const [bs = '', bu = ''] = b.split('.');
  if (as.length !== bs.length) return as.length < bs.length;
  if (as !== bs) return as < bs;
  const width = Math.max(au.length, bu.length);
  return au.padEnd(width, '0') < bu.padEnd(width, '0');
}

export function createRelayedRepliesRepository(db: Db): RelayedRepliesRepository {
  const collection = db.collection<RelayedReplyDocument>('relayed_replies');
  // Nulls written by $setOnInsert are missing on FerretDB (see mongo.ts): read them back as null.
  const strip = ({ _id, updatedAt: _u, ...rest }: RelayedReplyDocument): RelayedReply => ({
    clientMessageId: _id,
    ...rest,
    agentId: rest.agentId ?? null,
    refusal: rest.refusal ?? null,
    platformMessageId: rest.platformMessageId ?? null,
  });

  return {
    async claim({ clientMessageId, ...fields }, now) {
      const doc = await upsertWithRetry(() =>
        collection.findOneAndUpdate(
          { _id: clientMessageId },
          { $setOnInsert: { ...fields, state: 'sending', refusal: null, platformMessageId: null, createdAt: now, updatedAt: now } },
          { upsert: true, returnDocument: 'after' },
        ),
      );
      return strip(doc!);
    },
    async markSent(clientMessageId, platformMessageId, sent, now) {
      await collection.updateOne({ _id: clientMessageId }, { $set: { state: 'sent', platformMessageId, sent, updatedAt: now } });
    },
    async markRefused(clientMessageId, refusal, now) {
      await collection.updateOne({ _id: clientMessageId }, { $set: { state: 'refused', refusal, updatedAt: now } });
    },
    async find(clientMessageId) {
      const doc = await collection.findOne({ _id: clientMessageId });
      return doc ? strip(doc) : null;
    },
    async markInternal(clientMessageId, noteText, now) {
      const result = await collection.updateOne({ _id: clientMessageId, state: 'sending' }, { $set: { state: 'internal', noteText, updatedAt: now } });
      return result.modifiedCount === 1;
    },
    async earlierSending(orgId, conversationId, slackTs, notBefore) {
      const docs = await collection.find({ orgId, conversationId, state: 'sending', createdAt: { $gte: notBefore } }).toArray();
      return docs.filter((d) => typeof d.slackTs === 'string' && tsBefore(d.slackTs, slackTs)).map(strip);
    },
    async internalNotes(orgId, conversationId) {
      return (await collection.find({ orgId, conversationId, state: 'internal' }).sort({ createdAt: 1 }).toArray()).map(strip);
    },
    async sentAndNotes(orgId, conversationId) {
      return (await collection.find({ orgId, conversationId, state: { $in: ['sent', 'internal'] } }).toArray()).map(strip);
    },
    async relayedFrom(orgId, clientMessageId) {
      const doc = await collection.findOne({ _id: clientMessageId, orgId, state: { $in: ['sending', 'sent'] } }, { projection: { channelId: 1, threadTs: 1 } });
      return doc ? { channelId: doc.channelId, threadTs: doc.threadTs ?? null } : null;
    },
  };
}
