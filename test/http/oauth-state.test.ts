// OAuth `state`: a signed, expiring token carrying the org through Slack's install flow.
// Every failure reads as null, so each row only asks "accepted or not".
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OAUTH_STATE_TTL_MS, createOAuthState, readOAuthState } from '../../src/http/oauth-state.ts';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const NOW = Date.parse('2026-11-24T12:00:00.000Z');

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const macOf = (key: Buffer, payload: string): string => createHmac('sha256', key).update(payload).digest('base64url');
/** A token signed correctly with KEY around an arbitrary payload string. */
const signedPayload = (payloadJson: string): string => `${b64(payloadJson)}.${macOf(KEY, b64(payloadJson))}`;

function flipChar(s: string, index: number): string {
  const c = s[index]!;
  return `${s.slice(0, index)}${c === 'A' ? 'B' : 'A'}${s.slice(index + 1)}`;
}

describe('createOAuthState / readOAuthState', () => {
  it('round trip: the org, an expiry TTL from now and a nonce come back', () => {
    const token = createOAuthState(KEY, 'org_42', NOW);
    const state = readOAuthState(KEY, token, NOW);
    expect(state).toEqual({ orgId: 'org_42', expiresAtMs: NOW + OAUTH_STATE_TTL_MS, nonce: expect.any(String) });
    expect(state!.nonce.length).toBeGreaterThan(0);
  });

  it.each(['org_42', 'org with spaces & ünïcode', '"quotes"', ''])('round trip of orgId %j', (orgId) => {
    expect(readOAuthState(KEY, createOAuthState(KEY, orgId, NOW), NOW)?.orgId).toBe(orgId);
  });

  it('two states for the same org and instant differ (nonce)', () => {
    expect(createOAuthState(KEY, 'org_42', NOW)).not.toBe(createOAuthState(KEY, 'org_42', NOW));
  });

  it('the token is URL-safe', () => {
    expect(createOAuthState(KEY, 'org/+=?&', NOW)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it.each([
    { name: 'just created', atMs: NOW, valid: true },
    { name: '1 ms before expiry', atMs: NOW + OAUTH_STATE_TTL_MS - 1, valid: true },
    { name: 'exactly at expiry', atMs: NOW + OAUTH_STATE_TTL_MS, valid: false },
    { name: 'an hour later', atMs: NOW + 60 * 60 * 1000, valid: false },
  ])('expiry: $name → valid $valid', ({ atMs, valid }) => {
    const token = createOAuthState(KEY, 'org_42', NOW);
    expect(readOAuthState(KEY, token, atMs) !== null).toBe(valid);
  });

  it('the TTL is ten minutes', () => {
    expect(OAUTH_STATE_TTL_MS).toBe(600_000);
  });

  const token = createOAuthState(KEY, 'org_42', NOW);
  const [payload = '', signature = ''] = token.split('.');
  const forgedPayload = b64(JSON.stringify({ orgId: 'org_evil', expiresAtMs: NOW + OAUTH_STATE_TTL_MS, nonce: 'x' }));

  it.each([
    { name: 'payload swapped for another org, signature kept', token: `${forgedPayload}.${signature}` },
    { name: 'payload with one character changed', token: `${flipChar(payload, 5)}.${signature}` },
    { name: 'payload with a character appended', token: `${payload}A.${signature}` },
    { name: 'signature with its first character changed', token: `${payload}.${flipChar(signature, 0)}` },
    { name: 'signature with its last character changed', token: `${payload}.${flipChar(signature, signature.length - 1)}` },
    { name: 'signature truncated', token: `${payload}.${signature.slice(0, -1)}` },
    { name: 'signature from another payload', token: `${forgedPayload}.${createOAuthState(KEY, 'org_evil', NOW).split('.')[1]}` },
    { name: 'extended expiry, re-signed with the wrong key', token: `${forgedPayload}.${macOf(OTHER_KEY, forgedPayload)}` },
  ])('tampered: $name → null', ({ token: t }) => {
    expect(readOAuthState(KEY, t, NOW)).toBeNull();
  });

  it('a token made with another key is refused', () => {
    expect(readOAuthState(OTHER_KEY, token, NOW)).toBeNull();
    expect(readOAuthState(KEY, createOAuthState(OTHER_KEY, 'org_42', NOW), NOW)).toBeNull();
  });

  it.each([
    { name: 'undefined', token: undefined },
    { name: 'empty string', token: '' },
    { name: 'no dot', token: 'abcdef' },
    { name: 'just a dot', token: '.' },
    { name: 'empty payload', token: `.${signature}` },
    { name: 'empty signature', token: `${payload}.` },
    { name: 'three parts', token: `${token}.extra` },
    { name: 'random bytes', token: randomBytes(40).toString('base64url') },
    { name: 'non-ASCII garbage', token: 'ü.ö' },
    { name: 'validly signed, not JSON', token: signedPayload('not json') },
    { name: 'validly signed JSON null', token: signedPayload('null') },
    { name: 'validly signed, orgId missing', token: signedPayload(JSON.stringify({ expiresAtMs: NOW + 1000, nonce: 'n' })) },
    { name: 'validly signed, orgId a number', token: signedPayload(JSON.stringify({ orgId: 42, expiresAtMs: NOW + 1000, nonce: 'n' })) },
    { name: 'validly signed, expiry a string', token: signedPayload(JSON.stringify({ orgId: 'o', expiresAtMs: String(NOW + 1000), nonce: 'n' })) },
  ])('garbage: $name → null', ({ token: t }) => {
    expect(readOAuthState(KEY, t, NOW)).toBeNull();
  });

  it('a validly signed, well-formed payload from elsewhere is accepted (the key is what is trusted)', () => {
    const t = signedPayload(JSON.stringify({ orgId: 'org_9', expiresAtMs: NOW + 1000, nonce: 'n' }));
    expect(readOAuthState(KEY, t, NOW)).toEqual({ orgId: 'org_9', expiresAtMs: NOW + 1000, nonce: 'n' });
  });
});
