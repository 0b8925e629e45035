// The chat-platform emulator's side of the Admin handoff: launch tokens exactly as the contract
// builds them (v1, base64url payload, HMAC-SHA256 with the admin launch secret, no padding, the org's
// and the admin's names), for the org's admins only, living at most 300 s; and the Setup button's link over the control surface.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintLaunchToken, startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';

const SECRET = 'admin-launch-secret';
let t = Date.parse('2026-12-01T10:00:00.000Z');
let emu: ChatPlatformEmulator;

beforeEach(async () => {
  t = Date.parse('2026-12-01T10:00:00.000Z');
  emu = await startChatPlatformEmulator({
    webhookSecret: 'webhook-secret',
    apiToken: 'tok',
    adminLaunchSecret: SECRET,
    threadbridgeUrl: 'https://bridge.example',
    now: () => t,
  });
});
afterEach(async () => emu.close());

/** The contract's checks, written out independently of the emulator's code. */
function decode(token: string) {
  const [version, payload, mac, extra] = token.split('.');
  expect(version).toBe('v1');
  expect(extra).toBeUndefined();
  expect(token).not.toContain('=');
  const expected = createHmac('sha256', SECRET).update(`v1.${payload}`).digest('base64url');
  expect(mac).toBe(expected);
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('launch tokens', () => {
  it('for an admin of the org: signed with the admin launch secret, role admin, 300 s, a fresh nonce each time, naming the org and the admin', () => {
    const org = emu.createOrg({ id: 'org_1', name: 'Acme Inc' });
    const ada = emu.addAdmin(org.id, { name: 'Ada Admin', email: 'ada@acme.test' });
    expect(emu.admins(org.id)).toEqual([ada]);
    const first = decode(emu.launchToken(org.id, ada.id));
    expect(first).toStrictEqual({
      orgId: 'org_1',
      userId: ada.id,
      role: 'admin',
      iat: t / 1000,
      exp: t / 1000 + 300,
      nonce: expect.stringMatching(/^[\w-]{16,}$/),
      orgName: 'Acme Inc',
      userName: 'Ada Admin',
    });
    const second = decode(emu.launchToken(org.id, ada.id, { ttlSeconds: 60 }));
    expect(second['exp']).toBe(t / 1000 + 60);
    expect(second['nonce']).not.toBe(first['nonce']);
  });

  it('names: false plays an older platform release (no names); a name longer than the contract allows is cut to 200 characters', () => {
    const org = emu.createOrg({ id: 'org_1', name: 'O'.repeat(250) });
    const ada = emu.addAdmin(org.id, { name: 'A'.repeat(201), email: 'ada@acme.test' });
    const older = decode(emu.launchToken(org.id, ada.id, { names: false }));
    expect(Object.keys(older).sort()).toEqual(['exp', 'iat', 'nonce', 'orgId', 'role', 'userId']);
    expect(decode(emu.launchToken(org.id, ada.id))).toMatchObject({ orgName: 'O'.repeat(200), userName: 'A'.repeat(200) });
  });

  it('refuses anyone who is not an admin of that org, and a life over 300 s', () => {
    const a = emu.createOrg({ id: 'org_a' });
    emu.createOrg({ id: 'org_b' });
    const ada = emu.addAdmin(a.id, { id: 'usr_ada', name: 'Ada', email: 'ada@a.test' });
    expect(() => emu.launchToken('org_b', ada.id)).toThrow(/no admin usr_ada in org org_b/);
    expect(() => emu.launchToken('org_nope', ada.id)).toThrow();
    expect(() => emu.launchToken(a.id, ada.id, { ttlSeconds: 301 })).toThrow(/ttlSeconds/);
  });

  it('mintLaunchToken signs whatever payload it is given (a platform getting it wrong, for tests)', () => {
    const token = mintLaunchToken(SECRET, { orgId: 'org_1', userId: 'u', role: 'agent', iat: 1, exp: 1000, nonce: 'n' });
    expect(decode(token)).toEqual({ orgId: 'org_1', userId: 'u', role: 'agent', iat: 1, exp: 1000, nonce: 'n' });
  });

  it('the Setup link opens Threadbridge’s settings page of the org with a fresh token', () => {
    const org = emu.createOrg({ id: 'org 1/x' });
    const ada = emu.addAdmin(org.id, { name: 'Ada', email: 'ada@acme.test' });
    const url = new URL(emu.setupUrl(org.id, ada.id));
    expect(`${url.origin}${url.pathname}`).toBe('https://bridge.example/settings/org%201%2Fx');
    expect(decode(url.searchParams.get('launch')!)).toMatchObject({ orgId: 'org 1/x', userId: ada.id, role: 'admin', orgName: 'Org org 1/x', userName: 'Ada' });
  });

  it('the control surface adds admins and its Setup route redirects to a fresh launch link', async () => {
    emu.createOrg({ id: 'org_1' });
    emu.setThreadbridgeUrl('http://127.0.0.1:3000');
    const added = await fetch(`${emu.url}/_emulator/orgs/org_1/admins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'usr_1', name: 'Ada', email: 'ada@acme.test' }),
    });
    expect(added.status).toBe(201);
    const links = await Promise.all(
      [1, 2].map(async () => {
        const res = await fetch(`${emu.url}/_emulator/orgs/org_1/admins/usr_1/setup`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        expect(res.headers.get('cache-control')).toBe('no-store');
        return new URL(res.headers.get('location')!);
      }),
    );
    expect(links.map((l) => `${l.origin}${l.pathname}`)).toEqual(['http://127.0.0.1:3000/settings/org_1', 'http://127.0.0.1:3000/settings/org_1']);
    expect(links[0]!.searchParams.get('launch')).not.toBe(links[1]!.searchParams.get('launch'));
    const unknown = await fetch(`${emu.url}/_emulator/orgs/org_1/admins/usr_nobody/setup`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });

  it('checks its options: the launch secret must differ from the webhook secret', async () => {
    await expect(startChatPlatformEmulator({ webhookSecret: 'same', apiToken: 'tok', adminLaunchSecret: 'same' })).rejects.toThrow(
      /adminLaunchSecret must differ from webhookSecret/,
    );
    const without = await startChatPlatformEmulator({ webhookSecret: 'w', apiToken: 'tok' });
    try {
      const org = without.createOrg();
      const ada = without.addAdmin(org.id, { name: 'Ada', email: 'ada@acme.test' });
      expect(() => without.launchToken(org.id, ada.id)).toThrow(/adminLaunchSecret/);
    } finally {
      await without.close();
    }
  });
});
