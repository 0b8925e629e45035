// Fault: a worker SIGKILLed mid-burst, two workers, on Node.js and on Deno (test/e2e/faults/).
// Every message once, in order; nothing dead-lettered.
import { describe, expect, it } from 'vitest';
import { workerKilled } from './faults/fault-scenarios.ts';

describe.each(['node', 'deno'] as const)('a %s worker SIGKILLed mid-burst', (runtime) => {
  it('every message reaches its thread once, in order', async () => {
    const row = await workerKilled(runtime);
    console.log(JSON.stringify(row));
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, notes: [] });
    expect(row.deliveredOnce).toBe(row.sent);
    expect(row.secondsToRecover).not.toBeNull();
  }, 240_000);
});
