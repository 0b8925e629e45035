// Fault: a worker sent SIGTERM mid-burst (Heroku's stop), two workers, on Node.js and on Deno
// (test/e2e/faults/). It exits by itself, 0, within 25 s; every message once, in order.
import { describe, expect, it } from 'vitest';
import { workerTerminated } from './faults/fault-scenarios.ts';

describe.each(['node', 'deno'] as const)('a %s worker sent SIGTERM mid-burst', (runtime) => {
  it('exits within 25 s, and every message reaches its thread once, in order', async () => {
    const row = await workerTerminated(runtime);
    console.log(JSON.stringify(row));
    expect(row.exitCode).toBe(0);
    expect(row.exitSeconds).toBeLessThanOrEqual(25);
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, notes: [] });
    expect(row.deliveredOnce).toBe(row.sent);
  }, 240_000);
});
