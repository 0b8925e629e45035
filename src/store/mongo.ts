// MongoDB connection and indexes. Production runs MongoDB; tests run FerretDB v1.24 (SQLite),
// so repositories use only what both serve: single-document atomic updates, findOneAndUpdate
// with upsert, unique and compound indexes. Not used, because FerretDB lacks them: transactions,
// change streams, partial/sparse indexes, arrayFilters, aggregation beyond $match/$group/$sort.
// Keys never contain '.' or start with '$' (ids from Slack and the platform are used as values,
// or inside composite string _ids, never as field names).
// FerretDB applies concurrent updates of one document as read-modify-write and loses all but one
// (FerretDB issue #3040), and a conditional update is no claim there: state that many jobs write
// at once is kept as one document per fact, and "first one wins" is an insert of a unique _id
// (see conversations.repository.ts).
// FerretDB leaves out fields whose $setOnInsert value is null when an upsert inserts; MongoDB
// stores them. Repositories therefore read such fields back with their null default, and query
// them with `{ field: null }` (which matches a missing field on both).
import { retireStrayMappings } from './agent-mappings.repository.ts';
import { storeTimeoutDefaults, type StoreConfig } from '../config.ts';
import { groupCommit, type ItemOutcome } from './group-commit.ts';
import {
  MongoBulkWriteError,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type AnyBulkWriteOperation,
  type MongoClientOptions,
  type Collection,
  type Db,
  type Document,
  type OptionalUnlessRequiredId,
  type UpdateFilter,
} from 'mongodb';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** How long an operation may wait on the store before it fails (MONGODB_*_TIMEOUT_MS, src/config.ts). */
export interface StoreTimeouts {
  /** An open connection that answers nothing for this long is dropped and the operation fails. */
  socketMs: number;
  /** No server to send an operation to (down, unreachable) for this long: it fails. */
  serverSelectionMs: number;
  /** Opening a connection (TCP, TLS, the handshake) takes at most this. */
  connectMs: number;
}

/** The timeouts the configuration sets (its defaults: src/config.ts). */
export function storeTimeouts(config: StoreConfig): StoreTimeouts {
  return {
    socketMs: config.MONGODB_SOCKET_TIMEOUT_MS,
    serverSelectionMs: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    connectMs: config.MONGODB_CONNECT_TIMEOUT_MS,
  };
}

/**
 * 'serving', the web's and the workers' client: a server that takes a command and never answers
 * fails the operation within the socket timeout, so a job ends in BullMQ's outage path
 * (src/queues/job-errors.ts) instead of holding its lock, active, forever. The driver's
 * heartbeats alone do not end it: a server that answers them (MongoDB answers `hello` from memory,
 * whatever holds its commands) looks healthy; only one silent altogether fails them, and the
 * driver then interrupts the operations in flight. 'upkeep', the client of the release phase and
 * of each process's start-up steps (index builds, migrations): no socket timeout, since an index
 * build on a large collection answers only when done; the other two timeouts still apply.
 */
export type MongoProfile = 'serving' | 'upkeep';

export interface ConnectOptions {
  profile?: MongoProfile;
  timeouts?: StoreTimeouts;
  /** Makes the client emit commandStarted events (tests count round trips with them). */
  monitorCommands?: boolean;
}

/** The one way to make a client: 'serving' with the configuration's defaults unless told otherwise. */
function mongoClientOptions(options: ConnectOptions = {}): MongoClientOptions {
  const timeouts = options.timeouts ?? storeTimeoutDefaults;
  return {
    appName: 'threadbridge',
    monitorCommands: options.monitorCommands ?? false,
    serverSelectionTimeoutMS: timeouts.serverSelectionMs,
    connectTimeoutMS: timeouts.connectMs,
    // 0: no timeout. The driver's own CSOT option (timeoutMS) does nothing in this driver (v7).
    socketTimeoutMS: (options.profile ?? 'serving') === 'serving' ? timeouts.socketMs : 0,
  };
}

export async function connectMongo(url: string, dbName: string, options: ConnectOptions = {}): Promise<Mongo> {
  const client = new MongoClient(url, mongoClientOptions(options));
  await client.connect();
  const db = client.db(dbName);
  return { client, db, close: () => client.close() };
}

export async function ensureIndexes(db: Db): Promise<void> {
  await ensureMappingsUnique(db);
  await Promise.all([
    db.collection('installations').createIndex({ orgId: 1 }, { unique: true, name: 'org_unique' }),
    // An install's conflicts within an Enterprise Grid organization (installations.repository.ts save()).
    db.collection('installations').createIndex({ enterpriseId: 1 }, { name: 'by_enterprise' }),
    db.collection('slack_directory_pages').createIndex({ teamId: 1, kind: 1, runId: 1, pageNo: 1 }, { name: 'by_run_page' }),
    db.collection('slack_directory_changes').createIndex({ teamId: 1, kind: 1, seq: 1 }, { name: 'by_seq' }),
    db.collection('agent_mappings').createIndex({ orgId: 1, agentId: 1 }, { unique: true, name: 'org_agent_unique' }),
    db.collection('conversation_facts').createIndex({ conv: 1 }, { name: 'by_conversation' }),
    db.collection('conversation_facts').createIndex({ field: 1, orgId: 1 }, { name: 'by_field_org' }),
    db.collection('routing_group_channels').createIndex({ orgId: 1, channelId: 1 }, { name: 'by_org_channel' }),
    db.collection('thread_messages').createIndex({ orgId: 1, conversationId: 1, state: 1, seq: 1 }, { name: 'by_state_seq' }),
    db.collection('threads').createIndex({ orgId: 1, conversationId: 1 }, { name: 'by_conversation' }),
    db.collection('admin_changes').createIndex({ orgId: 1, section: 1, at: -1 }, { name: 'by_org_section_time' }),
    db.collection('org_problems').createIndex({ orgId: 1, lastSeenAt: -1 }, { name: 'by_org_last_seen' }),
    db.collection('chat_activity').createIndex({ orgId: 1, step: 1, at: 1 }, { name: 'by_org_step_time' }),
    db.collection('chat_activity').createIndex({ orgId: 1, recordedAt: 1 }, { name: 'by_org_recorded' }),
    db.collection('activity_days').createIndex({ orgId: 1, date: 1 }, { name: 'by_org_date' }),
    db.collection('activity_day_breakdowns').createIndex({ orgId: 1, month: 1 }, { name: 'by_org_month' }),
    db.collection('activity_months').createIndex({ orgId: 1, month: 1 }, { name: 'by_org_month' }),
  ]);
}

/**
 * Live agent mappings are unique per Slack user of a workspace (agent-mappings.repository.ts). A
 * database from before that rule may hold mappings the rule retires: they are retired first, once
 * (while the unique index does not exist yet), and the old non-unique index gives way to it.
 */
async function ensureMappingsUnique(db: Db): Promise<void> {
  const mappings = db.collection('agent_mappings');
  const existing = await mappings
    .listIndexes()
    .toArray()
    .catch(() => [] as Document[]); // no collection yet: no index
  if (existing.some((i) => i['name'] === 'team_user_unique')) return;
  await retireStrayMappings(db, new Date());
  if (existing.some((i) => i['name'] === 'team_user')) await mappings.dropIndex('team_user').catch(() => undefined); // another process dropped it first
  await mappings.createIndex({ teamId: 1, slackUserId: 1 }, { unique: true, name: 'team_user_unique' });
}

/**
 * Whether `error` says the database is unreachable (down, restarting, the network between),
 * rather than that this operation is wrong: the same operation may well succeed later.
 */
export function isStoreUnavailable(error: unknown): boolean {
  // A bulk write wraps the driver's own error (the network's, say) in a MongoBulkWriteError.
  if (error instanceof MongoBulkWriteError && error.errorResponse instanceof Error) return isStoreUnavailable(error.errorResponse);
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  )
    return true;
  if (error instanceof MongoError) {
    return (
      error.name === 'MongoPoolClearedError' ||
      error.hasErrorLabel('RetryableWriteError') ||
      error.hasErrorLabel('ResetPool') ||
      error.hasErrorLabel('TransientTransactionError')
    );
  }
  return false;
}

/**
 * Two concurrent upserts of the same new _id: one inserts, the other fails with E11000.
 * MongoDB retries such upserts itself; FerretDB does not. One retry turns the loser into an
 * update of the document the winner just inserted.
 */
export async function upsertWithRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return run();
    throw error;
  }
}

/**
 * A bulk of single-document upserts. FerretDB v1.24 stops answering (every later command of the
 * database hangs) when a bulk of upserts that failed with E11000 is sent again while others
 * write the same documents (reproduced: 16 writers of the same 50 _ids); sent one by one, each
 * with its own retry, the same writes go through. So a bulk that meets E11000 is sent again one
 * document at a time, in order. MongoDB takes either path.
 */
export async function bulkUpsert<T extends Document>(collection: Collection<T>, ops: AnyBulkWriteOperation<T>[]): Promise<void> {
  if (ops.length === 0) return;
  try {
    await collection.bulkWrite(ops, { ordered: true });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    for (const op of ops) {
      if ('deleteOne' in op && op.deleteOne) {
        await collection.deleteOne(op.deleteOne.filter);
        continue;
      }
      if (!('updateOne' in op) || !op.updateOne) throw error;
      const { filter, update, upsert } = op.updateOne;
      await upsertWithRetry(() => collection.updateOne(filter, update as UpdateFilter<T>, { upsert: upsert ?? false }));
    }
  }
}

/** A document to insert, and what to write instead when one with its _id exists (null: leave that one be). */
export interface InsertOrElse<T extends Document> {
  doc: OptionalUnlessRequiredId<T>;
  otherwise: AnyBulkWriteOperation<T> | null;
}

/** At most this many callers' documents go in one grouped insert (a worker runs 16 jobs at once). */
const INSERT_GROUP_MAX = 64;

/** One collection's inserts, grouped across the process's concurrent callers (group-commit.ts). */
export interface GroupedInserts<T extends Document> {
  /**
   * Inserts `docs` (in one insertMany with whatever other callers' documents are waiting, unordered):
   * per document, true when this call wrote it, false when one with its _id was there (an earlier
   * delivery, a racing writer). Any other refusal of one of them fails the call.
   */
  insert(docs: OptionalUnlessRequiredId<T>[]): Promise<boolean[]>;
  /**
   * Writes documents that are usually new (a chat's first facts, a thread's lookup): inserted as
   * `insert` does, then `otherwise` for those whose _id exists. FerretDB answers each upsert with a
   * read and a write of its own, and an insert of several documents with one statement
   * (docs/store-access-paths.md); on MongoDB either is one round trip. A writer racing this one
   * for the same document meets the duplicate key too and writes its own `otherwise`, as with upserts.
   */
  insertElse(items: InsertOrElse<T>[]): Promise<void>;
}

/**
 * Each store round trip costs the MongoDB-compatible server far more CPU than a further document
 * in the same command, so the inserts a process's jobs make while one is in flight go together
 * (a chat start's facts, its activity fact, its thread's lookup and claim: under a burst of starts,
 * a few commands instead of one per job). Unloaded, an insert goes out at once, alone.
 */
export function groupedInserts<T extends Document>(collection: Collection<T>): GroupedInserts<T> {
  const write = groupCommit<OptionalUnlessRequiredId<T>[], boolean[]>(async (calls) => {
    let refused = new Map<number, { code?: number; errmsg?: string }>();
    try {
      await collection.insertMany(calls.flat(), { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) throw error;
      const writeErrors = [error.writeErrors].flat();
      if (writeErrors.length === 0) throw error;
      refused = new Map(writeErrors.map((e) => [e.index, e]));
    }
    let offset = 0;
    return calls.map((docs): ItemOutcome<boolean[]> => {
      const failures = docs.map((_, i) => refused.get(offset + i));
      offset += docs.length;
      // Named by this call's own document only: the group holds other orgs' documents.
      const other = failures.findIndex((f) => f !== undefined && f.code !== 11000);
      if (other >= 0) return { ok: false, error: new Error(`inserting into ${collection.collectionName} failed: ${failures[other]!.errmsg}`) };
      return { ok: true, value: failures.map((f) => f === undefined) };
    });
  }, INSERT_GROUP_MAX);
  const insert = (docs: OptionalUnlessRequiredId<T>[]) => (docs.length === 0 ? Promise.resolve([]) : write(docs));
  return {
    insert,
    async insertElse(items) {
      const written = await insert(items.map((i) => i.doc));
      await bulkUpsert(
        collection,
        items.flatMap((item, i) => (written[i] ? [] : (item.otherwise ?? []))),
      );
    },
  };
}
