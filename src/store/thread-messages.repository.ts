// The messages of each conversation, keyed by seq, waiting to be posted into its Slack thread
// in order. A message is stored once whatever how often its webhook is delivered; its state
// records what the thread did with it.
import type { Db } from 'mongodb';
import type { Message } from '../platform/webhook-events.ts';
import { compoundKey } from './compound-key.ts';
import { groupCommit } from './group-commit.ts';
import { groupedInserts } from './mongo.ts';

export type ThreadMessageState = 'pending' | 'posted' | 'skipped';

export interface ThreadMessage {
  orgId: string;
  conversationId: string;
  seq: number;
  message: Message;
  state: ThreadMessageState;
  slackTs: string | null;
  skipReason: string | null;
}

/** What the thread did with one pending message: posted (in the Slack post `slackTs`), or skipped and why. */
export type ThreadMessageMark = { seq: number; slackTs: string } | { seq: number; skipReason: string };

interface ThreadMessageDocument extends ThreadMessage {
  _id: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ThreadMessagesRepository {
  /**
   * Stores the message unless one with its seq is already there. Returns it as stored when this
   * call inserted it, null when it was there already (in whatever state).
   */
  add(orgId: string, conversationId: string, message: Message, now: Date): Promise<ThreadMessage | null>;
  /** Pending messages, lowest seq first. */
  pending(orgId: string, conversationId: string, limit: number): Promise<ThreadMessage[]>;
  /** The thread's cursor: the highest seq posted or skipped, or null. Derived, never stored,
   * so that a crash between two writes cannot leave it behind the messages. */
  lastHandledSeq(orgId: string, conversationId: string): Promise<number | null>;
  /**
   * Records what the thread did with pending messages, in one write however many (a combined
   * post's messages, the replies skipped before it). A message no longer pending keeps its state.
   */
  markHandled(orgId: string, conversationId: string, marks: readonly ThreadMessageMark[], now: Date): Promise<void>;
  /**
   * Stores a message the thread has handled already (posted before it was stored: the thread
   * writer's lone next message), in one insert. One stored before (an earlier delivery, a job that
   * died) is marked instead, as `markHandled` marks it.
   */
  addHandled(orgId: string, conversationId: string, message: Message, mark: ThreadMessageMark, now: Date): Promise<void>;
  /**
   * Resolves once the store has answered a ping (one shared by the callers that ask while it is
   * in flight), and fails as any command would when it cannot answer. Asked before a post that is
   * stored only after it (addHandled): a store that is down is found before Slack has the post,
   * which would otherwise go out again when the job is retried. What is left is the post's own
   * duration, as with a mark after a post.
   */
  reachable(): Promise<void>;
  /**
   * Whether this process's last write of thread messages failed (a duplicate key aside): the
   * store may answer pings and still refuse writes (a full disk), and a post made before its
   * insert would then go out again on every retry. The thread writer stores first while so.
   */
  lastWriteFailed(): boolean;
  list(orgId: string, conversationId: string): Promise<ThreadMessage[]>;
  /** Messages the primary thread has handled (posted or skipped) with a seq above `afterSeq`, lowest first. */
  handledAfter(orgId: string, conversationId: string, afterSeq: number, limit: number): Promise<ThreadMessage[]>;
}

/** At most this many marks in one grouped write (a worker runs 16 jobs at once). */
const GROUP_MAX = 64;

/**
 * One message's mark by its _id, or the marks of several messages of one chat that are the same
 * (a combined post's) by their seqs: on FerretDB every update command reads its matches with one
 * query before it writes each, so one command for the post's messages reads once, not once each.
 */
type MarkWrite =
  | { many: false; filter: { _id: string; state: 'pending' }; update: { $set: Partial<ThreadMessageDocument> } }
  | {
      many: true;
      filter: { orgId: string; conversationId: string; state: 'pending'; seq: { $in: number[] } };
      update: { $set: Partial<ThreadMessageDocument> };
    };

const key = (orgId: string, conversationId: string, seq: number) => compoundKey(orgId, conversationId, String(seq));

export function createThreadMessagesRepository(db: Db): ThreadMessagesRepository {
  const collection = db.collection<ThreadMessageDocument>('thread_messages');
  // Nulls written by $setOnInsert are missing on FerretDB (see mongo.ts): read them back as null.
  const strip = ({ _id, createdAt: _c, updatedAt: _u, ...rest }: ThreadMessageDocument): ThreadMessage => ({
    ...rest,
    slackTs: rest.slackTs ?? null,
    skipReason: rest.skipReason ?? null,
  });

  const handled = (mark: ThreadMessageMark, updatedAt: Date): Partial<ThreadMessageDocument> =>
    'slackTs' in mark ? { state: 'posted', slackTs: mark.slackTs, updatedAt } : { state: 'skipped', skipReason: mark.skipReason, updatedAt };

  // Inserts (not upserts: FerretDB answers an upsert with a read and a write) of the messages that
  // concurrent jobs bring, one command per group (mongo.ts groupedInserts). A duplicate key is a
  // message stored before, by an earlier delivery: false, not a failure.
  const inserts = groupedInserts(collection);
  const insert = async (doc: ThreadMessageDocument) => (await inserts.insert([doc]))[0] === true;
  // The states of what the thread did, of every conversation this process writes, one command per group.
  const mark = groupCommit<MarkWrite, void>(async (writes) => {
    const [only] = writes;
    if (writes.length === 1 && only) await (only.many ? collection.updateMany(only.filter, only.update) : collection.updateOne(only.filter, only.update));
    else
      await collection.bulkWrite(
        writes.map(({ many, filter, update }) => (many ? { updateMany: { filter, update } } : { updateOne: { filter, update } })),
        { ordered: false },
      );
    return writes.map(() => ({ ok: true, value: undefined }));
  }, GROUP_MAX);

  let writeFailed = false;
  async function written<T>(write: Promise<T>): Promise<T> {
    try {
      const result = await write;
      writeFailed = false;
      return result;
    } catch (error) {
      writeFailed = true;
      throw error;
    }
  }

  // The ping in flight, if any: concurrent jobs share it.
  let ping: Promise<void> | null = null;
  function reachable(): Promise<void> {
    ping ??= db
      .command({ ping: 1 })
      .then(() => undefined)
      .finally(() => {
        ping = null;
      });
    return ping;
  }

  async function markHandled(orgId: string, conversationId: string, marks: readonly ThreadMessageMark[], now: Date): Promise<void> {
    // Alike marks (a combined post's) in one update by the chat and their seqs, the chat's pending
    // messages being what FerretDB reads for it (equalities it pushes down; `$in` it does not); a
    // mark alone by its _id.
    const alike = new Map<string, { set: Partial<ThreadMessageDocument>; seqs: number[] }>();
    for (const m of marks) {
      const set = handled(m, now);
      const same = JSON.stringify(set);
      const group = alike.get(same);
      if (group) group.seqs.push(m.seq);
      else alike.set(same, { set, seqs: [m.seq] });
    }
    await written(
      Promise.all(
        [...alike.values()].map(({ set, seqs }) =>
          mark(
            seqs.length === 1
              ? { many: false, filter: { _id: key(orgId, conversationId, seqs[0]!), state: 'pending' }, update: { $set: set } }
              : { many: true, filter: { orgId, conversationId, state: 'pending', seq: { $in: seqs } }, update: { $set: set } },
          ),
        ),
      ),
    );
  }

  return {
    async add(orgId, conversationId, message, now) {
      const stored: ThreadMessage = { orgId, conversationId, seq: message.seq, message, state: 'pending', slackTs: null, skipReason: null };
      const inserted = await written(insert({ _id: key(orgId, conversationId, message.seq), ...stored, createdAt: now, updatedAt: now }));
      return inserted ? stored : null;
    },
    async pending(orgId, conversationId, limit) {
      const docs = await collection.find({ orgId, conversationId, state: 'pending' }).sort({ seq: 1 }).limit(limit).toArray();
      return docs.map(strip);
    },
    async lastHandledSeq(orgId, conversationId) {
      const doc = await collection
        .find({ orgId, conversationId, state: { $in: ['posted', 'skipped'] } }, { projection: { seq: 1 } })
        .sort({ seq: -1 })
        .limit(1)
        .next();
      return doc ? doc.seq : null;
    },
    markHandled,
    reachable,
    lastWriteFailed: () => writeFailed,
    async addHandled(orgId, conversationId, message, mark, now) {
      const outcome =
        'slackTs' in mark
          ? { state: 'posted' as const, slackTs: mark.slackTs, skipReason: null }
          : { state: 'skipped' as const, slackTs: null, skipReason: mark.skipReason };
      const doc = {
        _id: key(orgId, conversationId, message.seq),
        orgId,
        conversationId,
        seq: message.seq,
        message,
        ...outcome,
        createdAt: now,
        updatedAt: now,
      };
      if (!(await written(insert(doc)))) await markHandled(orgId, conversationId, [mark], now);
    },
    async handledAfter(orgId, conversationId, afterSeq, limit) {
      const docs = await collection
        .find({ orgId, conversationId, state: { $in: ['posted', 'skipped'] }, seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(limit)
        .toArray();
      return docs.map(strip);
    },
    async list(orgId, conversationId) {
      return (await collection.find({ orgId, conversationId }).sort({ seq: 1 }).toArray()).map(strip);
    },
  };
}
