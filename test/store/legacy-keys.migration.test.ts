// Upgrading from the release whose store keys joined IDs with NUL: after migrateLegacyKeys, an
// open chat's thread, its messages, its facts and the agents' mappings are found as before, and
// a second run (or two processes at once) moves nothing twice and loses nothing.
// Runs on the shared server when it is a real MongoDB (MONGODB_URL), else on a FerretDB with the
// SQLite backend that the test starts itself: the legacy format is what MongoDB and that backend
// stored, and PostgreSQL's JSONB (under the shared FerretDB) cannot hold a NUL at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { startFerretDb, type StartedService } from '../../local-services/index.ts';
import { connectMongo, createStore, ensureIndexes, migrateLegacyKeys, type Mongo, type Store } from '../../src/store/index.ts';
import { COMPOUND_KEY_COLLECTIONS } from '../../src/store/legacy-keys.migration.ts';
import { splitCompoundKey } from '../../src/store/compound-key.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { isRealMongoDb, mongoUrl, uniqueDbName } from '../support/services.ts';

const now = new Date('2026-12-01T10:00:00Z');
const thread = { teamId: 'T1', channelId: 'C1', threadTs: '1700000000.000100' };

let server: StartedService | undefined;
let mongo: Mongo;
let store: Store;

beforeAll(async () => {
  if (!(await isRealMongoDb(mongoUrl()))) server = await startFerretDb({ backend: 'sqlite' });
  mongo = await connectMongo(server?.url ?? mongoUrl(), uniqueDbName('legacy_keys'));
  await ensureIndexes(mongo.db);
  store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 7)));
});
afterAll(async () => {
  await mongo?.db.dropDatabase().catch(() => undefined);
  await mongo?.close();
  await server?.stop();
});

/** What the previous release would have stored: the same documents, keys joined with NUL. */
async function rewriteAsLegacy(db: Db): Promise<number> {
  let rewritten = 0;
  for (const name of COMPOUND_KEY_COLLECTIONS) {
    const collection = db.collection<{ _id: string; conv?: string }>(name);
    for (const doc of await collection.find({}).toArray()) {
      const legacy = { ...doc, _id: splitCompoundKey(doc._id).join('\u0000') };
      if (doc.conv !== undefined) legacy.conv = splitCompoundKey(doc.conv).join('\u0000');
      await collection.deleteOne({ _id: doc._id });
      await collection.insertOne(legacy);
      rewritten++;
    }
  }
  return rewritten;
}

async function writeOpenChat(conversationId: string): Promise<void> {
  await store.conversations.ensure('org:1', conversationId, now);
  await store.conversations.setAssigned('org:1', conversationId, 'agent_1', now);
  await store.conversations.linkThread('org:1', conversationId, thread);
  await store.threadMessages.add(
    'org:1',
    conversationId,
    {
      id: `m_${conversationId}`,
      seq: 1,
      createdAt: now.toISOString(),
      text: 'hello',
      author: { type: 'visitor', id: 'v1', name: 'Visitor', avatarUrl: null },
      origin: 'web',
      attachments: [],
      clientMessageId: null,
    },
    now,
  );
}

describe('migrating legacy NUL-joined keys', () => {
  it('finds every fact, thread, message and mapping of the previous release through the repositories', async () => {
    await writeOpenChat('conv_a');
    await store.agentMappings.map({ orgId: 'org:1', agentId: 'agent_1', teamId: 'T1', slackUserId: 'U1' }, now);
    await store.slackRouting.setGroupChannel('org:1', 'group_1', 'C1', now);
    const rewritten = await rewriteAsLegacy(mongo.db);
    expect(rewritten).toBeGreaterThan(5);
    // Before the migration, this release cannot see the old documents.
    expect(await store.conversations.get('org:1', 'conv_a')).toBeNull();

    expect(await migrateLegacyKeys(mongo.db)).toEqual({ moved: rewritten });

    expect(await store.conversations.get('org:1', 'conv_a')).toMatchObject({ assignedAgentId: 'agent_1', status: 'open' });
    expect(await store.conversations.findByThread(thread)).toEqual({ orgId: 'org:1', conversationId: 'conv_a' });
    expect(await store.conversations.linkedThreads('org:1', 'conv_a')).toEqual([thread]);
    expect((await store.threadMessages.pending('org:1', 'conv_a', 10)).map((m) => m.seq)).toEqual([1]);
    expect(await store.agentMappings.findByAgent('org:1', 'agent_1')).toEqual({ orgId: 'org:1', agentId: 'agent_1', teamId: 'T1', slackUserId: 'U1' });
    expect(await store.slackRouting.groupChannel('org:1', 'group_1')).toBe('C1');
    // Nothing left in the old format.
    for (const name of COMPOUND_KEY_COLLECTIONS) {
      expect(await mongo.db.collection<{ _id: string }>(name).countDocuments({ _id: { $regex: '\\x00' } })).toBe(0);
    }
  });

  it('runs once per database: a later start reads only its marker', async () => {
    expect(await migrateLegacyKeys(mongo.db)).toEqual({ moved: 0 });
  });

  it('loses nothing when two processes migrate the same database at once', async () => {
    const db = mongo.client.db(uniqueDbName('legacy_keys_race'));
    await ensureIndexes(db);
    const raced = createStore(db, createTokenCipher(Buffer.alloc(32, 7)));
    for (const id of ['conv_b', 'conv_c', 'conv_d']) {
      await raced.conversations.ensure('org:1', id, now);
      await raced.conversations.setAssigned('org:1', id, `agent_${id}`, now);
    }
    const rewritten = await rewriteAsLegacy(db);
    const [first, second] = await Promise.all([migrateLegacyKeys(db), migrateLegacyKeys(db)]);
    // Each legacy document was moved by at least one of them (both count the ones they raced on).
    expect(first.moved + second.moved).toBeGreaterThanOrEqual(rewritten);
    for (const id of ['conv_b', 'conv_c', 'conv_d']) {
      expect(await raced.conversations.get('org:1', id)).toMatchObject({ assignedAgentId: `agent_${id}` });
    }
    expect(await db.collection<{ _id: string }>('conversation_facts').countDocuments({ _id: { $regex: '\\x00' } })).toBe(0);
    await db.dropDatabase();
  });

  it('starts cleanly when the web and several workers migrate a fresh database at the same moment', async () => {
    // Nothing to move: every process reaches the marker write together (CI: E11000 on it stopped a worker).
    const db = mongo.client.db(uniqueDbName('legacy_keys_fresh'));
    await ensureIndexes(db);
    const runs = await Promise.all(Array.from({ length: 4 }, () => migrateLegacyKeys(db)));
    expect(runs.map((r) => r.moved)).toEqual([0, 0, 0, 0]);
    expect(await db.collection('schema_migrations').countDocuments({})).toBe(1);
    await db.dropDatabase();
  });
});
