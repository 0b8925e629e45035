// Fault: Redis (AOF on, its own server) restarted mid-burst, on Node.js and on Deno workers:
// no webhook the web answered 2xx is lost, every message once, in order (test/e2e/faults/).
import { describe, expect, it } from 'vitest';
import { redisRestarted } from './faults/fault-scenarios.ts';

describe.each(['node', 'deno'] as const)('Redis restarted under a %s worker', (runtime) => {
  it('every webhook answered 2xx in the end, every message once, in order', async () => {
    const row = await redisRestarted(runtime);
    console.log(JSON.stringify(row));
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, notes: [] });
    expect(row.deliveredOnce).toBe(row.sent);
    expect(row.secondsToRecover).not.toBeNull();
  }, 240_000);
});
