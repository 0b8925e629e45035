// Test support: where the shared Redis and MongoDB-compatible server are, plus name helpers.
// The URLs come from test/global-setup.ts (vitest provide/inject; also exported as REDIS_URL / MONGODB_URL).
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { inject } from 'vitest';
import './provided-context.ts';

/** URL of the Redis shared by all test files (one server per run: isolate with uniquePrefix). */
export function redisUrl(): string {
  return pick(inject('redisUrl'), 'REDIS_URL');
}

/** URL of the MongoDB(-compatible) server shared by all test files (isolate with uniqueDbName). */
export function mongoUrl(): string {
  return pick(inject('mongoUrl'), 'MONGODB_URL');
}

/** A key / queue-name prefix no other test uses: `test-${name}-${uuid}`. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${randomUUID()}`;
}

/** A database name no other test uses, valid for MongoDB and FerretDB (≤ 63 chars, [A-Za-z0-9_]). */
export function uniqueDbName(name = 'db'): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 24);
  return `test_${safe}_${randomUUID().replace(/-/g, '')}`;
}

/** Whether the server at `url` is MongoDB itself (FerretDB's buildInfo adds `ferretdbVersion`). */
export async function isRealMongoDb(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return !('ferretdbVersion' in info);
  } finally {
    await client.close();
  }
}

function pick(provided: string | undefined, envVar: string): string {
  const url = provided ?? process.env[envVar];
  if (url === undefined || url === '') {
    throw new Error(`${envVar} is not set: run tests through vitest with test/global-setup.ts (npm test)`);
  }
  return url;
}
