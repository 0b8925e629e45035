// The chat-platform emulator down for a while (failNextApiCalls with forMs): every matching call
// fails until the time is up, whatever how many there are; then calls work again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';

const TOKEN = 'tok';
let emu: ChatPlatformEmulator;

beforeEach(async () => {
  emu = await startChatPlatformEmulator({ webhookSecret: 's', apiToken: TOKEN });
  emu.createOrg({ id: 'org_1', name: 'Acme' });
});
afterEach(async () => {
  await emu.close();
});

const agents = async () => (await fetch(`${emu.url}/orgs/org_1/agents`, { headers: { authorization: `Bearer ${TOKEN}` } })).status;

describe('the platform down for a while', () => {
  it('answers the outage status to every matching call until forMs has passed', async () => {
    // A window wide enough that three local calls fit in it on a loaded machine (250 ms did not, once).
    emu.failNextApiCalls({ method: 'GET', pathPattern: /\/agents$/, status: 503, times: 1, forMs: 2_000 });
    expect([await agents(), await agents(), await agents()]).toEqual([503, 503, 503]);
    await new Promise((r) => setTimeout(r, 2_050));
    expect(await agents()).toBe(200);
  });

  it('refuses a forMs that is not positive', () => {
    expect(() => emu.failNextApiCalls({ method: 'GET', pathPattern: /x/, status: 503, times: 1, forMs: 0 })).toThrow('forMs must be positive');
  });
});
