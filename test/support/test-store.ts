// A store on its own database of the test MongoDB-compatible server, for one test file:
// `const t = useTestStore('name')`, then `t.store` inside tests. Dropped after the file.
import { afterAll, beforeAll } from 'vitest';
import { connectMongo, createStore, ensureIndexes, type Mongo, type NotificationRecord, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { mongoUrl, uniqueDbName } from './services.ts';

export function useTestStore(name: string, options: { monitorCommands?: boolean } = {}): { readonly store: Store; readonly mongo: Mongo } {
  let mongo: Mongo | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    mongo = await connectMongo(mongoUrl(), uniqueDbName(name), options);
    await ensureIndexes(mongo.db);
    store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 5)));
  });
  afterAll(async () => {
    await mongo?.db.dropDatabase();
    await mongo?.close();
  });
  return {
    get store() {
      return store!;
    },
    get mongo() {
      return mongo!;
    },
  };
}

/** A notification record as the routing writes one into a channel (attachThread's argument). */
export function channelNotification(rule: string, groupName: string | null): NotificationRecord {
  return { rule, reason: 'r', targetKind: 'channel', mentionSlackUserIds: [], unmappedMemberNames: [], groupName, dmSlackUserIds: [] };
}
