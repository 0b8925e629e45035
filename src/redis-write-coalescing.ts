// Coalesced writes on a Redis connection: the commands a process writes in one turn of the event
// loop leave in one socket write. Each write is a system call that also wakes Redis, and here it
// led both processes' CPU profiles: a worker's sixteen concurrent jobs each sent their commands as
// the replies they waited for arrived, and the web wrote each webhook's job add on its own (~54 µs
// of a webhook's ~200). Hand-written because ioredis's own answer, `enableAutoPipelining`, breaks
// with commands defined by `defineCommand` (ioredis #1931: "results[i] is not iterable"), which
// BullMQ's scripts and ours are, and groups a cluster's scripts by their first argument (#2109);
// this changes no command and no reply, only how many system calls carry them.
import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';

/**
 * Corks the socket at the first write of a turn and uncorks it when the turn's I/O callbacks have
 * run (setImmediate; Node's own pattern for several small chunks written in rapid succession,
 * `writable.cork`): what the web's requests of a turn, each in a callback of its own, and a
 * worker's jobs woken by the replies of a turn write goes out together. Measured against
 * uncorking at the next tick (which gathers only one callback's microtasks): the worker's CPU per
 * chat start 8 % lower, the web's Redis writes ~12 µs a webhook instead of ~54.
 */
function coalesce(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** Applies to each connection `client` makes (a reconnection makes a new socket). */
export function coalesceRedisWrites(client: Redis): void {
  client.on('connect', () => {
    if (client.stream) coalesce(client.stream as Socket);
  });
}

/** The same for each node's connection of a cluster, as the cluster adds them. */
export function coalesceClusterWrites(cluster: Cluster): void {
  cluster.on('+node', (node: Redis) => coalesceRedisWrites(node));
}
