// verifySignature: Slack's v0 and the chat platform's v1 request signatures. The known-good
// signature is computed here with node:crypto, independently of the module's own `sign`.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verifySignature } from '../../src/http/verify-signature.ts';
import type { SignatureVerdict, SignedRequest } from '../../src/http/verify-signature.ts';

const SECRET = 'signing-secret-8f3a';
const TS = 1_764_000_000; // seconds
const NOW_MS = TS * 1000;
const BODY = Buffer.from('{"type":"event_callback","event":{"text":"héllo"}}', 'utf8');

function hmacHeader(version: string, secret: string, timestamp: string, body: Buffer): string {
  const digest = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${version}:${timestamp}:`, 'utf8'), body]))
    .digest('hex');
  return `${version}=${digest}`;
}

function request(version: 'v0' | 'v1', over: Partial<SignedRequest> = {}): SignedRequest {
  return {
    version,
    secret: SECRET,
    timestampHeader: String(TS),
    signatureHeader: hmacHeader(version, SECRET, String(TS), BODY),
    rawBody: BODY,
    nowMs: NOW_MS,
    ...over,
  };
}

const ok: SignatureVerdict = { ok: true };
const missing: SignatureVerdict = { ok: false, reason: 'missing_signature' };
const stale: SignatureVerdict = { ok: false, reason: 'stale_timestamp' };
const bad: SignatureVerdict = { ok: false, reason: 'bad_signature' };

function signedAt(version: 'v0' | 'v1', tsSeconds: number, nowMs: number): Partial<SignedRequest> {
  return { timestampHeader: String(tsSeconds), signatureHeader: hmacHeader(version, SECRET, String(tsSeconds), BODY), nowMs };
}

const alteredBody = Buffer.from(BODY);
alteredBody[alteredBody.length - 2] = alteredBody[alteredBody.length - 2]! ^ 0x01;

type Case = { name: string; over: (v: 'v0' | 'v1') => Partial<SignedRequest>; out: SignatureVerdict };

const cases: Case[] = [
  { name: 'good signature', over: () => ({}), out: ok },
  {
    name: 'good signature on an empty body',
    over: (v) => ({ rawBody: Buffer.alloc(0), signatureHeader: hmacHeader(v, SECRET, String(TS), Buffer.alloc(0)) }),
    out: ok,
  },

  { name: 'missing timestamp header', over: () => ({ timestampHeader: undefined }), out: missing },
  { name: 'missing signature header', over: () => ({ signatureHeader: undefined }), out: missing },
  { name: 'both headers missing', over: () => ({ timestampHeader: undefined, signatureHeader: undefined }), out: missing },
  { name: 'empty timestamp header', over: () => ({ timestampHeader: '' }), out: missing },
  { name: 'empty signature header', over: () => ({ signatureHeader: '' }), out: missing },

  { name: 'timestamp 301 s in the past', over: (v) => signedAt(v, TS - 301, NOW_MS), out: stale },
  { name: 'timestamp 301 s in the future', over: (v) => signedAt(v, TS + 301, NOW_MS), out: stale },
  { name: 'timestamp a day old', over: (v) => signedAt(v, TS - 86_400, NOW_MS), out: stale },
  { name: 'timestamp exactly 300 s in the past', over: (v) => signedAt(v, TS - 300, NOW_MS), out: ok },
  { name: 'timestamp exactly 300 s in the future', over: (v) => signedAt(v, TS + 300, NOW_MS), out: ok },
  { name: 'timestamp 300.001 s in the past (clock has milliseconds)', over: (v) => signedAt(v, TS - 300, NOW_MS + 1), out: stale },
  { name: 'custom tolerance: 60 s allowed, 61 s stale', over: (v) => ({ ...signedAt(v, TS - 61, NOW_MS), toleranceSeconds: 60 }), out: stale },
  { name: 'custom tolerance: exactly 60 s allowed', over: (v) => ({ ...signedAt(v, TS - 60, NOW_MS), toleranceSeconds: 60 }), out: ok },

  { name: 'non-numeric timestamp', over: () => ({ timestampHeader: 'abc' }), out: stale },
  { name: 'fractional timestamp', over: (v) => ({ timestampHeader: `${TS}.5`, signatureHeader: hmacHeader(v, SECRET, `${TS}.5`, BODY) }), out: stale },
  { name: 'negative timestamp', over: () => ({ timestampHeader: `-${TS}` }), out: stale },
  { name: 'timestamp with spaces', over: () => ({ timestampHeader: ` ${TS}` }), out: stale },
  {
    name: 'timestamp in milliseconds',
    over: (v) => ({ timestampHeader: String(NOW_MS), signatureHeader: hmacHeader(v, SECRET, String(NOW_MS), BODY) }),
    out: stale,
  },

  { name: 'signed with the wrong secret', over: (v) => ({ signatureHeader: hmacHeader(v, 'other-secret', String(TS), BODY) }), out: bad },
  { name: 'body altered by one byte', over: () => ({ rawBody: alteredBody }), out: bad },
  { name: 'body with one byte appended', over: () => ({ rawBody: Buffer.concat([BODY, Buffer.from(' ')]) }), out: bad },
  {
    name: 'signature for another timestamp within tolerance',
    over: (v) => ({ timestampHeader: String(TS - 1), signatureHeader: hmacHeader(v, SECRET, String(TS), BODY) }),
    out: bad,
  },
  {
    name: "the other scheme's signature (version mixed into the MAC)",
    over: (v) => ({ signatureHeader: hmacHeader(v === 'v0' ? 'v1' : 'v0', SECRET, String(TS), BODY) }),
    out: bad,
  },
  {
    name: 'right digest under the wrong version prefix',
    over: (v) => ({ signatureHeader: hmacHeader(v, SECRET, String(TS), BODY).replace(/^v\d=/, v === 'v0' ? 'v1=' : 'v0=') }),
    out: bad,
  },
  { name: 'digest without a version prefix', over: (v) => ({ signatureHeader: hmacHeader(v, SECRET, String(TS), BODY).slice(3) }), out: bad },
  { name: 'upper-case hex digest', over: (v) => ({ signatureHeader: hmacHeader(v, SECRET, String(TS), BODY).toUpperCase().replace(/^V/, 'v') }), out: bad },
  { name: 'signature one character short', over: (v) => ({ signatureHeader: hmacHeader(v, SECRET, String(TS), BODY).slice(0, -1) }), out: bad },
  { name: 'signature one character long', over: (v) => ({ signatureHeader: `${hmacHeader(v, SECRET, String(TS), BODY)}0` }), out: bad },
  { name: 'short garbage signature', over: () => ({ signatureHeader: 'v0=abc' }), out: bad },
];

describe.each(['v0', 'v1'] as const)('verifySignature (%s)', (version) => {
  it.each(cases)('$name', ({ over, out }) => {
    expect(verifySignature(request(version, over(version)))).toEqual(out);
  });

  it('a multi-byte signature header of the same character length does not throw', () => {
    const good = hmacHeader(version, SECRET, String(TS), BODY);
    const sameChars = `${good.slice(0, -1)}é`;
    expect(sameChars.length).toBe(good.length);
    expect(verifySignature(request(version, { signatureHeader: sameChars }))).toEqual(bad);
  });
});

describe('sign', () => {
  it.each([
    { version: 'v0' as const, body: BODY },
    { version: 'v1' as const, body: BODY },
    { version: 'v0' as const, body: Buffer.alloc(0) },
  ])('matches an independently computed $version HMAC', ({ version, body }) => {
    expect(sign(version, SECRET, String(TS), body)).toBe(hmacHeader(version, SECRET, String(TS), body));
  });

  it('gives the same signature for a string body as for its UTF-8 bytes', () => {
    expect(sign('v1', SECRET, String(TS), BODY.toString('utf8'))).toBe(hmacHeader('v1', SECRET, String(TS), BODY));
  });
});
