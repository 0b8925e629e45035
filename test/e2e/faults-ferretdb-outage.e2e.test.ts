// Fault: FerretDB (its own server) stopped for 60 s while chats start and visitors write, then
// started again: every chat delivered afterwards, once, in order, none dead-lettered (test/e2e/faults/).
import { describe, expect, it } from 'vitest';
import { mongoStopped } from './faults/fault-scenarios.ts';

describe('FerretDB stopped for a minute', () => {
  it('every chat delivered afterwards, none dead-lettered', async () => {
    const row = await mongoStopped('node', { outageMs: 60_000 });
    console.log(JSON.stringify(row));
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, notes: [] });
    expect(row.deliveredOnce).toBe(row.sent);
    expect(row.secondsToRecover).not.toBeNull();
  }, 300_000);
});
