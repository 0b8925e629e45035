// The release phase (Procfile `release`, app.json's postdeploy) as Heroku runs it: a process that
// creates the store's indexes with nothing but MONGODB_URL set, says so, and exits 0; and exits 1
// with the reason, no URL in it, when the database cannot be reached.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMongo } from '../../src/store/index.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';

const entry = new URL('../../src/store/release-main.ts', import.meta.url).pathname;
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', entry], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });

describe('the release phase', () => {
  const dbName = uniqueDbName('release');
  afterAll(async () => {
    const mongo = await connectMongo(mongoUrl(), dbName);
    await mongo.db.dropDatabase();
    await mongo.close();
  });

  it('creates the indexes from MONGODB_URL alone and exits 0', async () => {
    const result = run({ MONGODB_URL: mongoUrl(), MONGODB_DB: dbName });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/release: indexes in place/);
    const mongo = await connectMongo(mongoUrl(), dbName);
    try {
      const names = (await mongo.db.collection('installations').listIndexes().toArray()).map((i) => i.name);
      expect(names).toContain('org_unique');
    } finally {
      await mongo.close();
    }
    // Again: nothing to do, still 0.
    expect(run({ MONGODB_URL: mongoUrl(), MONGODB_DB: dbName }).status).toBe(0);
  }, 120_000);

  it('exits 1 naming the problem, without the URL’s password, when MongoDB is unreachable or not configured', () => {
    const unreachable = run({ MONGODB_URL: 'mongodb://admin:s3cret-pw@127.0.0.1:9/', MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1000', MONGODB_DB: dbName });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/release failed/);
    expect(unreachable.stderr).not.toContain('s3cret-pw');
    const unset = run({});
    expect(unset.status).toBe(1);
    expect(unset.stderr).toMatch(/MONGODB_URL is required but not set/);
  }, 60_000);
});
