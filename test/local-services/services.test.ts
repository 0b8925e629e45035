// Smoke test of the local-services layer: Redis answers, and the MongoDB-compatible server
// supports what the product relies on (insert/find, unique indexes, findOneAndUpdate upsert).
import { Redis } from 'ioredis';
import { MongoClient, MongoServerError } from 'mongodb';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongoUrl, redisUrl, uniqueDbName, uniquePrefix } from '../support/services.ts';

describe('redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('answers PING and keeps a value', async () => {
    expect(await redis.ping()).toBe('PONG');
    const key = `${uniquePrefix('redis')}:k`;
    await redis.set(key, 'v', 'EX', 60);
    expect(await redis.get(key)).toBe('v');
  });

  it('is reachable through REDIS_URL as well', () => {
    expect(process.env.REDIS_URL).toBe(redisUrl());
  });
});

describe('mongodb', () => {
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    client = new MongoClient(mongoUrl());
    await client.connect();
    db = client.db(uniqueDbName('services'));
  });
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  it('inserts and finds documents', async () => {
    const things = db.collection<{ name: string; n: number }>('things');
    await things.insertMany([
      { name: 'a', n: 1 },
      { name: 'b', n: 2 },
    ]);
    const found = await things.find({ n: { $gte: 2 } }, { projection: { _id: 0 } }).toArray();
    expect(found).toEqual([{ name: 'b', n: 2 }]);
  });

  it('rejects a duplicate on a unique index', async () => {
    const links = db.collection<{ conversationId: string }>('links');
    await links.createIndex({ conversationId: 1 }, { unique: true });
    await links.insertOne({ conversationId: 'c1' });
    const err = await links.insertOne({ conversationId: 'c1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(11000);
    expect(await links.countDocuments({})).toBe(1);
  });

  it('upserts with findOneAndUpdate and returns the new document', async () => {
    const cursors = db.collection<{ key: string; value: number; createdAt?: Date }>('cursors');
    const first = await cursors.findOneAndUpdate(
      { key: 'k' },
      { $set: { value: 1 }, $setOnInsert: { createdAt: new Date(0) } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(first).toMatchObject({ key: 'k', value: 1, createdAt: new Date(0) });
    const second = await cursors.findOneAndUpdate(
      { key: 'k' },
      { $inc: { value: 1 }, $setOnInsert: { createdAt: new Date(1) } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(second).toMatchObject({ key: 'k', value: 2, createdAt: new Date(0) });
    expect(await cursors.countDocuments({ key: 'k' })).toBe(1);
  });
});
