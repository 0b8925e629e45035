// Vitest global setup: starts (or finds) Redis and the MongoDB-compatible server once per run.
// Hands their URLs to every test file via provide/inject and REDIS_URL / MONGODB_URL; stops them at the end.
import type { TestProject } from 'vitest/node';
import { ensureServices } from '../local-services/index.ts';
import type {} from './support/provided-context.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await ensureServices();
  // Env vars as well as provide(): forks inherit them, so code that reads process.env works too.
  process.env.REDIS_URL = services.redis.url;
  process.env.MONGODB_URL = services.mongo.url;
  project.provide('redisUrl', services.redis.url);
  project.provide('mongoUrl', services.mongo.url);
  return async () => {
    await services.stop();
  };
}
