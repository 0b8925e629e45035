// A local three-master Redis Cluster for a test file's tests, and a client of it made as the
// product makes one (src/redis-connection.ts). Keys under `prefix` carry its hash tag, as the
// product's QUEUE_PREFIX must: one slot, so one node.
import { afterAll, beforeAll } from 'vitest';
import { createRedisClient, type RedisClient } from '../../src/redis-connection.ts';
import { startRedisCluster, type StartedCluster } from '../../local-services/redis-cluster.ts';
import { uniquePrefix } from './services.ts';

export function useRedisCluster(name: string): { readonly cluster: StartedCluster; readonly client: RedisClient; readonly prefix: string } {
  let cluster: StartedCluster | undefined;
  let client: RedisClient | undefined;
  const prefix = `{${uniquePrefix(name)}}`;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = createRedisClient({ REDIS_CLUSTER_NODES: cluster.nodes.split(','), REDIS_TLS_SKIP_VERIFY: false }, {});
  }, 60_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });
  return {
    get cluster() {
      return cluster!;
    },
    get client() {
      return client!;
    },
    prefix,
  };
}
