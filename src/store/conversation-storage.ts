// How a conversation is laid out in MongoDB, shared by the parts of the conversations repository
// (chat-facts, conversation-threads, conversation-claims): one document per fact in
// `conversation_facts`, and "only the first wins" claims in `conversation_claims`. Why it is kept
// this way is in conversations.repository.ts.
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { bulkUpsert, groupedInserts, type GroupedInserts, type InsertOrElse } from './mongo.ts';
import { compoundKey } from './compound-key.ts';
import type { LeaseClaimDocument } from './lease-claims.ts';
import type { ConversationRecord } from './conversation-records.ts';

/** A record's fields, and `openChat`: the chat listed as open (OpenChat), which no record shows. */
export type Field = Exclude<keyof ConversationRecord, 'orgId' | 'conversationId'> | 'openChat';

export interface FactDocument {
  _id: string;
  conv: string;
  orgId: string;
  conversationId: string;
  field: Field;
  value: unknown;
  /**
   * On the `thread` fact only: the notification and the threads planned with it, written in the
   * same insert as the thread (attachThread). A `notification` or `plannedThreads` fact of their
   * own, written later (or by releases before), takes their place.
   */
  notification?: unknown;
  planned?: unknown;
  at?: Date;
}

export const conversationKey = (orgId: string, conversationId: string) => compoundKey(orgId, conversationId);

/**
 * The primary thread's fact, which is also its claim: inserted once (only the first insert of its
 * _id succeeds, on both servers), carrying what was decided with it, so that one write records it
 * all. `at`: when, in place of an updatedAt fact. Written by conversation-threads.repository.ts,
 * and by thread-claims.migration.ts for the claims of releases before.
 */
export function threadFact(
  orgId: string,
  conversationId: string,
  decided: { thread: unknown; notification: unknown; planned: unknown },
  at: Date,
): FactDocument {
  return {
    _id: compoundKey(orgId, conversationId, 'thread'),
    conv: conversationKey(orgId, conversationId),
    orgId,
    conversationId,
    field: 'thread',
    value: decided.thread,
    notification: decided.notification,
    planned: decided.planned,
    at,
  };
}

export interface ConversationStorage {
  facts: Collection<FactDocument>;
  /** Inserts of facts, grouped with the process's other jobs' (mongo.ts groupedInserts). */
  factInserts: GroupedInserts<FactDocument>;
  claims: Collection<LeaseClaimDocument>;
  factId(orgId: string, conversationId: string, field: Field): string;
  /** The _id of the conversation's claim `name` (a stage, a notice, 'thread'...). */
  claimId(orgId: string, conversationId: string, name: string): string;
  /** Upserts of `values` and updatedAt, in the given order: callers put the fact that readers act on last (e.g. `thread`). */
  factOps(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): AnyBulkWriteOperation<FactDocument>[];
  /** Writes createdAt once; later writes leave it. */
  createOp(orgId: string, conversationId: string, now: Date): AnyBulkWriteOperation<FactDocument>;
  /**
   * createdAt once, then `values` and updatedAt, for a chat's first write of them (its start):
   * inserted where new, else written as `createOp` and `factOps` write them (`factInserts.insertElse`).
   */
  firstFacts(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): InsertOrElse<FactDocument>[];
  set(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): Promise<void>;
  create(orgId: string, conversationId: string, now: Date): Promise<void>;
  /** The record made of its facts, each field its default until a fact sets it; null before createdAt. */
  get(orgId: string, conversationId: string): Promise<ConversationRecord | null>;
  /** The records of several conversations of one org, in one query (those without createdAt left out). */
  getMany(orgId: string, conversationIds: string[]): Promise<ConversationRecord[]>;
  /** Inserts the claim `name` for good (no lease: it is never taken over); false when it exists. */
  claimOnce(orgId: string, conversationId: string, name: string, now: Date, data?: { by?: unknown }): Promise<boolean>;
  /** What the claim `name` was made with (its `by`), if it exists. */
  claimedBy(orgId: string, conversationId: string, name: string): Promise<unknown>;
}

/** Each field's value before anything set it. */
function defaults(orgId: string, conversationId: string, createdAt: Date): ConversationRecord {
  return {
    orgId,
    conversationId,
    conversation: null,
    status: 'open',
    thread: null,
    gapSince: null,
    undeliverableReason: null,
    notification: null,
    answeredBy: null,
    answerAnnounced: false,
    assignedAgentId: null,
    endedBy: null,
    endPrompt: null,
    qualification: null,
    backlogged: false,
    soloThroughSeq: null,
    reminderStage: 0,
    claimedBy: null,
    meeting: null,
    mirrors: [],
    plannedThreads: [],
    createdAt,
    updatedAt: createdAt,
  };
}

/** The record made of a conversation's facts; null before createdAt. */
function recordOf(orgId: string, conversationId: string, docs: FactDocument[]): ConversationRecord | null {
  const createdAt = docs.find((d) => d.field === 'createdAt');
  if (!createdAt) return null;
  const record = defaults(orgId, conversationId, createdAt.value as Date) as unknown as Record<string, unknown>;
  // Only the record's own fields: a stored field name is never read as anything else.
  for (const doc of docs) if (Object.hasOwn(record, doc.field)) record[doc.field] = doc.value;
  const thread = docs.find((d) => d.field === 'thread');
  if (thread?.notification !== undefined && !docs.some((d) => d.field === 'notification')) record['notification'] = thread.notification;
  if (thread?.planned !== undefined && !docs.some((d) => d.field === 'plannedThreads')) record['plannedThreads'] = thread.planned;
  return record as unknown as ConversationRecord;
}

export function createConversationStorage(db: Db): ConversationStorage {
  const facts = db.collection<FactDocument>('conversation_facts');
  const claims = db.collection<LeaseClaimDocument>('conversation_claims');
  const factId = (orgId: string, conversationId: string, field: Field) => compoundKey(orgId, conversationId, field);
  const claimId = (orgId: string, conversationId: string, name: string) => compoundKey(orgId, conversationId, name);

  function factDoc(orgId: string, conversationId: string, field: Field, value: unknown): FactDocument {
    return { _id: factId(orgId, conversationId, field), conv: conversationKey(orgId, conversationId), orgId, conversationId, field, value };
  }

  const entriesOf = (values: Partial<Record<Field, unknown>>, now: Date): Array<[Field, unknown]> => [
    ...(Object.entries(values) as Array<[Field, unknown]>),
    ['updatedAt', now],
  ];

  function upsertOf({ _id, ...fields }: FactDocument): AnyBulkWriteOperation<FactDocument> {
    return { updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } };
  }

  function factOps(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): AnyBulkWriteOperation<FactDocument>[] {
    return entriesOf(values, now).map(([field, value]) => upsertOf(factDoc(orgId, conversationId, field, value)));
  }

  function createOp(orgId: string, conversationId: string, now: Date): AnyBulkWriteOperation<FactDocument> {
    const { _id, ...fields } = factDoc(orgId, conversationId, 'createdAt', now);
    return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
  }

  function firstFacts(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): InsertOrElse<FactDocument>[] {
    return [
      { doc: factDoc(orgId, conversationId, 'createdAt', now), otherwise: null },
      ...entriesOf(values, now).map(([field, value]) => {
        const doc = factDoc(orgId, conversationId, field, value);
        return { doc, otherwise: upsertOf(doc) };
      }),
    ];
  }

  return {
    facts,
    factInserts: groupedInserts(facts),
    claims,
    factId,
    claimId,
    factOps,
    createOp,
    firstFacts,
    async set(orgId, conversationId, values, now) {
      await bulkUpsert(facts, factOps(orgId, conversationId, values, now));
    },
    async create(orgId, conversationId, now) {
      await bulkUpsert(facts, [createOp(orgId, conversationId, now)]);
    },
    async get(orgId, conversationId) {
      return recordOf(orgId, conversationId, await facts.find({ conv: conversationKey(orgId, conversationId) }).toArray());
    },
    async getMany(orgId, conversationIds) {
      if (conversationIds.length === 0) return [];
      const docs = await facts.find({ conv: { $in: conversationIds.map((id) => conversationKey(orgId, id)) } }).toArray();
      const byConversation = new Map<string, FactDocument[]>();
      for (const doc of docs) byConversation.set(doc.conversationId, [...(byConversation.get(doc.conversationId) ?? []), doc]);
      return conversationIds.flatMap((id) => recordOf(orgId, id, byConversation.get(id) ?? []) ?? []);
    },
    async claimOnce(orgId, conversationId, name, now, data = {}) {
      try {
        await claims.insertOne({ _id: claimId(orgId, conversationId, name), at: now, ...data });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    async claimedBy(orgId, conversationId, name) {
      return (await claims.findOne({ _id: claimId(orgId, conversationId, name) }))?.['by'];
    },
  };
}
