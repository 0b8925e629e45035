// The Redis client both processes use: one Redis (REDIS_URL) or a Redis Cluster
// (REDIS_CLUSTER_NODES), with the caller's retry policy. Cluster mode works because every key
// Threadbridge and BullMQ write starts with QUEUE_PREFIX, which must then carry a hash tag
// (config.ts refuses one without): all keys hash to one slot, so the multi-key Lua scripts,
// MULTIs and pipelines (BullMQ's and ours) never span slots. With rediss:// and
// REDIS_TLS_SKIP_VERIFY (Heroku Redis, whose certificate is self-signed), TLS without verifying
// the certificate; otherwise ioredis's defaults.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { coalesceClusterWrites, coalesceRedisWrites } from './redis-write-coalescing.ts';

/** One Redis or a cluster: both serve every command Threadbridge sends (its keys share one slot). */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: string[] | undefined;
  REDIS_TLS_SKIP_VERIFY: boolean;
}

export function redisTlsOptions(url: string, skipVerify: boolean): Pick<RedisOptions, 'tls'> {
  return url.startsWith('rediss:') && skipVerify ? { tls: { rejectUnauthorized: false } } : {};
}

/**
 * A client for the configured Redis. `options` is the caller's policy (a worker waits out
 * outages, the web fails fast); on a cluster it applies to each node's connection, and
 * enableOfflineQueue to the cluster's own queue too. Its writes are coalesced per turn of the
 * event loop (redis-write-coalescing.ts).
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions): RedisClient {
  if (target.REDIS_CLUSTER_NODES) {
    const [first] = target.REDIS_CLUSTER_NODES.map((n) => new URL(n));
    const nodes = target.REDIS_CLUSTER_NODES.map((n) => {
      const u = new URL(n);
      return { host: u.hostname, port: Number(u.port) };
    });
    const tls = first!.protocol === 'rediss:' ? { tls: target.REDIS_TLS_SKIP_VERIFY ? { rejectUnauthorized: false } : {} } : {};
    const cluster = new Cluster(nodes, {
      ...(options.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: options.enableOfflineQueue }),
      // TLS certificates name the cluster's hostname, not the node addresses it announces.
      ...(first!.protocol === 'rediss:' ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
      redisOptions: {
        ...options,
        ...(first!.username ? { username: decodeURIComponent(first!.username) } : {}),
        ...(first!.password ? { password: decodeURIComponent(first!.password) } : {}),
        ...tls,
      },
    });
    coalesceClusterWrites(cluster);
    return cluster;
  }
  const url = target.REDIS_URL!;
  const client = new Redis(url, { ...options, ...redisTlsOptions(url, target.REDIS_TLS_SKIP_VERIFY) });
  coalesceRedisWrites(client);
  return client;
}
