// Coalesced writes on a Redis connection: the commands a process writes in one turn of the event
// loop leave in one socket write. Each write is a system call that also wakes Redis, and here
// it led the worker's CPU profile (a tenth of its time in writing commands one by one: a worker's
// sixteen concurrent jobs each send theirs as the replies they waited for arrive together).
// Hand-written because ioredis's own answer, `enableAutoPipelining`, breaks with commands defined
// by `defineCommand` (ioredis issue #1931: "results[i] is not iterable"), which BullMQ's scripts and
// ours are; this changes no command and no reply, only how many system calls carry them.
import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';

/**
 * When a corked socket's writes leave. 'tick': at the next tick, which runs after every microtask
 * already queued, so what the jobs woken by one read of replies write goes out together (a
 * worker's case). 'turn': at the end of the event loop's turn (setImmediate), so what all the I/O
 * callbacks of the turn write goes out together: the web's requests each arrive in a callback of
 * their own, and each webhook's job add left in a write of its own at the next tick.
 */
export type WriteFlush = 'tick' | 'turn';

/**
 * Corks the socket at the first write of a tick (or turn) and uncorks it at the next (Node's own
 * pattern for several small chunks written in rapid succession, `writable.cork`).
 */
function coalesce(socket: Socket, flush: WriteFlush): void {
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
      if (flush === 'tick') process.nextTick(uncork);
      else setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** Applies to each connection `client` makes (a reconnection makes a new socket). */
export function coalesceRedisWrites(client: Redis, flush: WriteFlush = 'tick'): void {
  client.on('connect', () => {
    if (client.stream) coalesce(client.stream as Socket, flush);
  });
}

/** The same for each node's connection of a cluster, as the cluster adds them. */
export function coalesceClusterWrites(cluster: Cluster, flush: WriteFlush = 'tick'): void {
  cluster.on('+node', (node: Redis) => coalesceRedisWrites(node, flush));
}
