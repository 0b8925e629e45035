// The durable copy of each workspace's Slack channel and user directory, and the state of its
// syncs. Lookups are served from Redis (src/directory/directory-cache.ts); this copy rebuilds
// that cache when Redis loses it, and survives restarts.
//
// Insert-only, one document per fetched page: each full sync run inserts its pages as they come
// (up to 999 channels or users each, a few hundred KB), the run becomes current when it
// completes, and the previous run's pages are deleted in one go. Events between syncs are
// appended to a small change log, replayed on top of the run. The reason is FerretDB v1.24
// (SQLite), our test server: every update scans its whole collection, even by _id (11 ms per
// update at 1,000 documents, 74 ms at 20,000), and inserting one document per channel slowed
// from 0.1 s to over 2 s a page as the collection grew to 40,000; a page document is one small
// insert whatever the size. A page's entities are stored as one gzip'd JSON blob: FerretDB
// converts every field of every subdocument on insert and on each scan, which made a page of
// 999 subdocuments take ~250 ms to insert; a blob of ~30 KB takes a few ms, and MongoDB does not
// mind. MongoDB would be happy either way; this suits both. Only the sync
// state (two small documents per workspace) is ever updated, by the one process holding that
// sync's lock. Nothing queries single channels here: lookups are Redis's job.
import { promisify } from 'node:util';
import { gzip, gunzip } from 'node:zlib';
import { Binary, type Db } from 'mongodb';
import type { DirectoryChannel, DirectoryUser } from '../slack/slack-api.ts';

// What a directory holds and how it changes: the shapes this copy stores and the Redis cache
// (src/directory/directory-cache.ts) serves.
export type DirectoryKind = 'channels' | 'users';
export type DirectoryEntity = DirectoryChannel | DirectoryUser;

/** One change to the directory, from an event or a single lookup; applying it twice is harmless. */
export type DirectoryChange =
  | { op: 'put'; kind: 'channels'; entity: DirectoryChannel }
  | { op: 'put'; kind: 'users'; entity: DirectoryUser }
  // From channel_created, which knows the channel only as it was created: stored when the run
  // lacks it, and otherwise nothing (a sync page, a join or a rename the run has is as new or newer;
  // the event may be handled after them, or replayed over a page fetched after it).
  | { op: 'add'; kind: 'channels'; entity: DirectoryChannel }
  | { op: 'patch'; kind: 'channels'; id: string; fields: Partial<Omit<DirectoryChannel, 'id'>> }
  | { op: 'remove'; kind: DirectoryKind; id: string };

export interface DirectorySyncState {
  teamId: string;
  kind: DirectoryKind;
  /** The run being fetched now (null when none): resumes from `cursor` after a crash. */
  runId: string | null;
  runStartedAt: Date | null;
  /** The workspace's change sequence when the run started: later changes are replayed on it. */
  runStartSeq: number;
  /**
   * An org-wide install's run lists each granted workspace in turn (Slack wants its team_id with
   * an org token): the one `cursor` belongs to, and those already listed. A workspace install's
   * run lists its own workspace: null and none.
   */
  workspaceId: string | null;
  workspacesDone: string[];
  cursor: string | null;
  pages: number;
  items: number;
  /** The last completed run: what lookups read. */
  currentRunId: string | null;
  currentRunStartSeq: number;
  lastCompletedAt: Date | null;
  lastCompletedItems: number | null;
  lastCompletedTookMs: number | null;
}

export interface DirectoryChangeRecord {
  seq: number;
  at: Date;
  change: DirectoryChange;
}

export interface SlackDirectoryRepository {
  syncState(teamId: string, kind: DirectoryKind): Promise<DirectorySyncState>;
  saveSyncState(state: DirectorySyncState): Promise<void>;
  /**
   * Page `pageNo` of a run. Idempotent: a page inserted again (after a crash) keeps its first
   * copy. Returns how many entities the stored copy holds.
   */
  insertRunPage(teamId: string, kind: DirectoryKind, runId: string, pageNo: number, entities: DirectoryEntity[]): Promise<number>;
  /** A run's entities page by page, for rebuilding the cache. */
  runPages(teamId: string, kind: DirectoryKind, runId: string): AsyncGenerator<DirectoryEntity[]>;
  deleteRun(teamId: string, kind: DirectoryKind, runId: string): Promise<void>;
  addChange(teamId: string, record: DirectoryChangeRecord): Promise<void>;
  /** Changes of one kind with a sequence above `afterSeq`, oldest first. */
  changesAfter(teamId: string, kind: DirectoryKind, afterSeq: number): Promise<DirectoryChangeRecord[]>;
  deleteChangesUpTo(teamId: string, kind: DirectoryKind, seq: number): Promise<void>;
}

interface StateDocument extends Omit<DirectorySyncState, 'teamId' | 'kind'> {
  _id: string;
  teamId: string;
  kind: DirectoryKind;
}
interface PageDocument {
  _id: string;
  teamId: string;
  kind: DirectoryKind;
  runId: string;
  pageNo: number;
  count: number;
  /** gzip(JSON of DirectoryEntity[]). */
  entities: Binary;
}
interface ChangeDocument extends DirectoryChangeRecord {
  _id: string;
  teamId: string;
  kind: DirectoryKind;
}

const DUPLICATE_KEY = 11000;
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export function emptySyncState(teamId: string, kind: DirectoryKind): DirectorySyncState {
  return {
    teamId,
    kind,
    runId: null,
    runStartedAt: null,
    runStartSeq: 0,
    workspaceId: null,
    workspacesDone: [],
    cursor: null,
    pages: 0,
    items: 0,
    currentRunId: null,
    currentRunStartSeq: 0,
    lastCompletedAt: null,
    lastCompletedItems: null,
    lastCompletedTookMs: null,
  };
}

export function createSlackDirectoryRepository(db: Db): SlackDirectoryRepository {
  const states = db.collection<StateDocument>('slack_directory_sync');
  const pages = db.collection<PageDocument>('slack_directory_pages');
  const changes = db.collection<ChangeDocument>('slack_directory_changes');
  const stateId = (teamId: string, kind: DirectoryKind) => `${teamId}:${kind}`;

  return {
    async syncState(teamId, kind) {
      const doc = await states.findOne({ _id: stateId(teamId, kind) });
      if (!doc) return emptySyncState(teamId, kind);
      const { _id, ...rest } = doc;
      // FerretDB may drop fields written as null; read them back as null.
      return { ...emptySyncState(teamId, kind), ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    },
    async saveSyncState(state) {
      await states.replaceOne({ _id: stateId(state.teamId, state.kind) }, { ...state }, { upsert: true });
    },
    async insertRunPage(teamId, kind, runId, pageNo, entities) {
      const _id = `${teamId}:${kind}:${runId}:${pageNo}`;
      try {
        const blob = new Binary(await gzipAsync(JSON.stringify(entities)));
        await pages.insertOne({ _id, teamId, kind, runId, pageNo, count: entities.length, entities: blob });
        return entities.length;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        // The page refetched after a crash may have been filtered against itself (an org's users
        // already seen): the count is the first copy's.
        return (await pages.findOne({ _id }, { projection: { count: 1 } }))?.count ?? 0;
      }
    },
    async *runPages(teamId, kind, runId) {
      for await (const doc of pages.find({ teamId, kind, runId }).sort({ pageNo: 1 })) {
        yield JSON.parse((await gunzipAsync(doc.entities.buffer)).toString('utf8')) as DirectoryEntity[];
      }
    },
    async deleteRun(teamId, kind, runId) {
      await pages.deleteMany({ teamId, kind, runId });
    },
    async addChange(teamId, record) {
      await changes.insertOne({ _id: `${teamId}:${String(record.seq).padStart(12, '0')}`, teamId, kind: record.change.kind, ...record });
    },
    async changesAfter(teamId, kind, afterSeq) {
      const docs = await changes
        .find({ teamId, kind, seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .toArray();
      return docs.map(({ seq, at, change }) => ({ seq, at, change }));
    },
    async deleteChangesUpTo(teamId, kind, seq) {
      await changes.deleteMany({ teamId, kind, seq: { $lte: seq } });
    },
  };
}
