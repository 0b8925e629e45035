// One process's locks, in memory, for tests that run jobs one after another in a single process
// (the activity roll-ups): a lock held is refused until released; leases never lapse.
import type { Locks } from '../../src/locks/redis-locks.ts';

export function memoryLocks(): Locks {
  const held = new Set<string>();
  return {
    async tryAcquire(name) {
      if (held.has(name)) return null;
      held.add(name);
      return {
        extend: async () => true,
        confirm: async () => true,
        release: async () => void held.delete(name),
        renewWhileHeld: () => undefined,
        lost: false,
      };
    },
  };
}
