// Local services: a throwaway Redis Cluster of three masters (no replicas, no persistence) on
// free loopback ports, for the end-to-end test that runs the product on a cluster. The slots are
// split in three and the nodes introduced with CLUSTER ADDSLOTSRANGE / CLUSTER MEET, so nothing
// beyond redis-server is needed (`redis-cli --cluster create` does the same).
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { findOnPath, makeTempDir, removeDir, spawnChild, waitUntilReady, type ChildHandle } from './spawn.ts';

export interface StartedCluster {
  /** The masters as REDIS_CLUSTER_NODES takes them: `redis://127.0.0.1:port,…`. */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

const SLOTS = 16384;

export async function startRedisCluster(masters = 3): Promise<StartedCluster> {
  const bin = findOnPath(process.env.REDIS_SERVER_BIN ?? 'redis-server');
  if (bin === undefined) throw new Error('redis-server not found on PATH: run `bash scripts/ensure-deps.sh`');
  const dir = await makeTempDir('redis-cluster');
  const handles: ChildHandle[] = [];
  const ports: number[] = [];
  const busPorts: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(handles.map((h) => h.stop()));
    await removeDir(dir);
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The cluster bus has its own port (Redis 7): port + 10000 may be taken or past 65535.
      const [port, busPort] = [await freePort(), await freePort()];
      const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000');
      args.push('--dir', dir, '--daemonize', 'no', '--logfile', '');
      const handle = spawnChild(bin, args, join(dir, `redis-${port}.log`));
      handles.push(handle);
      ports.push(port);
      busPorts.push(busPort);
      await waitUntilReady(`cluster node on port ${port}`, handle, () => withNode(port, async (r) => void (await r.ping())), 15_000);
    }
    await Promise.all(
      ports.map((port, i) => {
        const from = Math.floor((SLOTS * i) / masters);
        const to = Math.floor((SLOTS * (i + 1)) / masters) - 1;
        return withNode(port, (r) => r.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to)));
      }),
    );
    await withNode(ports[0]!, async (r) => {
      // The bus port is named: MEET assumes port + 10000 otherwise.
      for (let i = 1; i < ports.length; i++) await r.call('CLUSTER', 'MEET', '127.0.0.1', String(ports[i]), String(busPorts[i]));
    });
    await waitUntilReady(
      'the cluster (cluster_state:ok on every node)',
      handles[0]!,
      async () => {
        for (const port of ports) {
          const info = String(await withNode(port, (r) => r.call('CLUSTER', 'INFO')));
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${masters}`)) throw new Error(`node ${port} not ready`);
        }
      },
      30_000,
      200,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), ports, stop };
}

async function withNode<T>(port: number, use: (r: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}
