// The release phase (`release` in the Procfile, app.json's postdeploy): creates MongoDB's
// indexes and moves documents from the legacy key format, then exits, before any web or worker
// process of the new release starts. Both processes still do the same at start (each step is
// idempotent), so a deployment without a release phase (docker compose) works too; this makes a
// slow index build happen once, in the deploy, not in the first process to start.
import { ConfigError } from '../errors/index.ts';
import { loadStoreConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { connectMongo, ensureIndexes, migrateLegacyKeys, recordClaimedThreads, storeTimeouts } from './index.ts';

async function main(): Promise<void> {
  const config = loadStoreConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'release' });
  const started = Date.now();
  // No socket timeout: an index build on a large collection answers only when it is done.
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { profile: 'upkeep', timeouts: storeTimeouts(config) });
  try {
    await ensureIndexes(mongo.db);
    const migrated = await migrateLegacyKeys(mongo.db);
    const threads = await recordClaimedThreads(mongo.db);
    logger.info(
      { database: config.MONGODB_DB, movedFromLegacyKeys: migrated.moved, claimedThreadsRecorded: threads.recorded, tookMs: Date.now() - started },
      'release: indexes in place',
    );
  } finally {
    await mongo.close();
  }
}

main().catch((error: unknown) => {
  // The message only: a connection error's fields could hold the URL and its password.
  console.error(error instanceof ConfigError ? error.message : `release failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
