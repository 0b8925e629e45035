// Fault: Slack answering 500s, then a storm of 429s with Retry-After (the emulator's fault
// injection): every message delivered, never twice, in order (test/e2e/faults/).
import { describe, expect, it } from 'vitest';
import { slackStorms } from './faults/fault-scenarios.ts';

describe('Slack 500s and 429 storms', () => {
  it('every message delivered once, in order', async () => {
    const row = await slackStorms('node');
    console.log(JSON.stringify(row));
    expect(row).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(row.deliveredOnce).toBe(row.sent);
    // The storm was real: Slack refused calls, and nothing was dead-lettered for it.
    expect(row.notes).toHaveLength(1);
    expect(row.notes[0]).toMatch(/^[1-9]\d* calls refused by Slack$/);
  }, 240_000);
});
