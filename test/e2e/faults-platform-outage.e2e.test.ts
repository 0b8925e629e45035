// Fault: the chat platform's API down for 60 s while reps answer in Slack: their replies reach
// the visitor afterwards, once each, in the order they were written (test/e2e/faults/).
import { describe, expect, it } from 'vitest';
import { platformDown } from './faults/fault-scenarios.ts';

describe('the platform down for a minute', () => {
  it('the replies written meanwhile reach the visitor afterwards, once, in order', async () => {
    const row = await platformDown('node', { outageMs: 60_000 });
    console.log(JSON.stringify(row));
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, notes: [] });
    expect(row.deliveredOnce).toBe(row.sent);
    expect(row.secondsToRecover).not.toBeNull();
  }, 300_000);
});
