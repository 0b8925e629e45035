// verifyLaunchToken: the contract's checks on the platform's launch token, with the clock passed
// in. Tokens are minted the platform's way (the chat-platform emulator's mintLaunchToken).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mintLaunchToken, type LaunchPayload } from '../../emulators/chat-platform/index.ts';
import { verifyLaunchToken } from '../../src/http/admin/launch-token.ts';

const SECRET = 'launch-secret-of-at-least-32-characters';
const NOW = Date.parse('2026-12-01T10:00:00Z');
const now = NOW / 1000;
const payload = (p: Partial<LaunchPayload> = {}): LaunchPayload => ({
  orgId: 'org_1',
  userId: 'usr_1',
  role: 'admin',
  iat: now,
  exp: now + 300,
  nonce: 'nonce-1',
  ...p,
});
/** A correctly signed token around any payload text. */
const signedRaw = (text: string) => {
  const signed = `v1.${Buffer.from(text).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', SECRET).update(signed).digest('base64url')}`;
};
const verify = (token: string, orgId = 'org_1', nowMs = NOW) => verifyLaunchToken({ token, secret: SECRET, orgId, nowMs });

describe('verifyLaunchToken', () => {
  it('accepts a token of the contract: its claims come back', () => {
    expect(verify(mintLaunchToken(SECRET, payload()))).toEqual({ ok: true, claims: payload() });
  });

  it.each([
    { name: 'exactly 300 s of life', p: { iat: now - 10, exp: now + 290 }, ok: true },
    { name: '301 s of life', p: { iat: now - 10, exp: now + 291 }, reason: 'too_long_lived' },
    { name: 'exp at now', p: { iat: now - 100, exp: now }, reason: 'expired' },
    { name: 'exp before iat', p: { iat: now + 10, exp: now + 5 }, reason: 'too_long_lived' },
    { name: 'iat a minute ahead (clock skew)', p: { iat: now + 60, exp: now + 300 }, ok: true },
    { name: 'iat two minutes ahead', p: { iat: now + 120, exp: now + 300 }, reason: 'too_long_lived' },
    { name: 'another org', p: { orgId: 'org_2' }, reason: 'wrong_org' },
    { name: 'role agent', p: { role: 'agent' }, reason: 'not_admin' },
    { name: 'role Admin', p: { role: 'Admin' }, reason: 'not_admin' },
    { name: 'no nonce', p: { nonce: '' }, reason: 'malformed' },
    { name: 'fractional exp', p: { exp: now + 10.5 }, reason: 'malformed' },
    { name: 'exp as a string', p: { exp: String(now + 10) as unknown as number }, reason: 'malformed' },
  ])('$name', ({ p, ok, reason }) => {
    const verdict = verify(mintLaunchToken(SECRET, payload(p)));
    if (ok) expect(verdict.ok).toBe(true);
    else expect(verdict).toEqual({ ok: false, reason });
  });

  it('keeps the optional orgName and userName (trimmed); absent or blank, the claims have none', () => {
    expect(verify(mintLaunchToken(SECRET, payload({ orgName: ' Acme Inc ', userName: 'Ada Admin' })))).toEqual({
      ok: true,
      claims: { ...payload(), orgName: 'Acme Inc', userName: 'Ada Admin' },
    });
    const blank = verify(mintLaunchToken(SECRET, payload({ orgName: '', userName: '   ' })));
    expect(blank.ok && Object.keys(blank.claims)).toEqual(['orgId', 'userId', 'role', 'iat', 'exp', 'nonce']);
  });

  it.each([
    { name: 'an orgName of 201 characters', p: { orgName: 'x'.repeat(201) }, field: 'orgName' },
    { name: 'a userName that is a number', p: { userName: 7 }, field: 'userName' },
    { name: 'a userName that is null', p: { userName: null }, field: 'userName' },
    { name: 'an orgName that is an array', p: { orgName: ['Acme'] }, field: 'orgName' },
  ])('refuses $name, naming it', ({ p, field }) => {
    expect(verify(mintLaunchToken(SECRET, payload(p)))).toEqual({ ok: false, reason: 'bad_name', field });
  });

  const good = mintLaunchToken(SECRET, payload());
  const [, body, mac] = good.split('.') as [string, string, string];
  it.each([
    { name: 'another secret', token: mintLaunchToken('another-secret-entirely-0000000000000', payload()), reason: 'bad_signature' },
    {
      name: 'a payload swapped, the signature kept',
      token: `v1.${Buffer.from(JSON.stringify(payload({ orgId: 'org_1', userId: 'usr_evil' }))).toString('base64url')}.${mac}`,
      reason: 'bad_signature',
    },
    { name: 'a signature cut short', token: `v1.${body}.${mac.slice(0, 20)}`, reason: 'bad_signature' },
    { name: 'version v2', token: `v2.${body}.${mac}`, reason: 'malformed' },
    { name: 'padding', token: `v1.${body}=.${mac}`, reason: 'malformed' },
    { name: 'four parts', token: `${good}.x`, reason: 'malformed' },
    { name: 'empty', token: '', reason: 'malformed' },
    { name: 'signed JSON that is not an object', token: signedRaw('[1]'), reason: 'malformed' },
    { name: 'signed text that is not JSON', token: signedRaw('not json'), reason: 'malformed' },
  ])('refuses $name', ({ token, reason }) => {
    expect(verify(token)).toEqual({ ok: false, reason });
  });
});
