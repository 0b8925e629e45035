// Token encryption at rest: AES-256-GCM, "v2.<keyId>.<iv>.<tag>.<ciphertext>", bound to the
// workspace and kind of token; several keys, newest first, for rotation; the unbound v1 form of
// earlier releases still opens. And purpose-bound key derivation.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, deriveKey, tokenKeyId, type TokenBinding } from '../../src/crypto/token-cipher.ts';
import { SealedTokenError } from '../../src/errors/index.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const OTHER_KEY = Buffer.alloc(32, 0xee);
const cipher = createTokenCipher(KEY);
const T1: TokenBinding = { teamId: 'T111', kind: 'bot' };
const T2: TokenBinding = { teamId: 'T222', kind: 'bot' };

/** Flips one bit of the base64url part at `index` (0 version, 1 key id, 2 iv, 3 tag, 4 ciphertext). */
function tamper(sealed: string, index: number, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

/** A value as releases before the binding sealed it: "v1.<iv>.<tag>.<ciphertext>", no additional data. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** The error open() throws, for assertions on its reason and message. */
function openError(run: () => unknown): SealedTokenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SealedTokenError);
    return error as SealedTokenError;
  }
  throw new Error('expected open() to throw');
}

describe('createTokenCipher', () => {
  it.each([
    { name: 'a bot token', plain: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx' },
    { name: 'the empty string', plain: '' },
    { name: 'unicode', plain: 'clé secrète 🔑 日本語' },
    { name: 'dots and separators', plain: 'v2.a.b.c.d' },
    { name: 'a long value', plain: 'x'.repeat(10_000) },
  ])('round trip: $name', ({ plain }) => {
    const sealed = cipher.seal(plain, T1);
    expect(cipher.open(sealed, T1)).toEqual({ token: plain, resealDue: false });
    expect(createTokenCipher(Buffer.from(KEY)).open(sealed, T1)).toEqual({ token: plain, resealDue: false });
  });

  it('stores "v2.<keyId>.<iv>.<tag>.<ciphertext>" with the key\'s fingerprint, a 12-byte iv and a 16-byte tag', () => {
    const parts = cipher.seal('xoxb-secret', T1).split('.');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v2');
    expect(parts[1]).toBe(tokenKeyId(KEY));
    expect(cipher.keyId).toBe(tokenKeyId(KEY));
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength('xoxb-secret'.length);
  });

  it('the key id is short and says nothing of the key (not a prefix of any of its encodings)', () => {
    const id = tokenKeyId(KEY);
    expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    for (const form of [KEY.toString('hex'), KEY.toString('base64'), KEY.toString('base64url')]) expect(form).not.toContain(id);
    expect(tokenKeyId(OTHER_KEY)).not.toBe(id);
  });

  it('sealing the same value twice gives different ciphertexts (fresh iv)', () => {
    const a = cipher.seal('xoxb-secret', T1);
    const b = cipher.seal('xoxb-secret', T1);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('the sealed form contains neither the plaintext nor its base64/base64url/hex forms', () => {
    const plain = 'xoxb-very-secret-token-value';
    const sealed = cipher.seal(plain, T1);
    for (const form of [plain, Buffer.from(plain).toString('base64url'), Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('hex')]) {
      expect(sealed).not.toContain(form);
    }
  });

  it('refuses to seal for no workspace', () => {
    expect(() => cipher.seal('xoxb-secret', { teamId: '', kind: 'bot' })).toThrow(/teamId/);
  });

  it.each([0, 16, 24, 31, 33, 64])('a %i-byte key is refused', (size) => {
    expect(() => createTokenCipher(randomBytes(size))).toThrow('TokenCipher needs a 32-byte key');
    expect(() => createTokenCipher([KEY, randomBytes(size)])).toThrow('TokenCipher needs a 32-byte key');
  });

  it('an empty key list, or one key listed twice, is refused', () => {
    expect(() => createTokenCipher([])).toThrow('at least one key');
    expect(() => createTokenCipher([KEY, OTHER_KEY, Buffer.from(KEY)])).toThrow('one key twice');
  });
});

describe('a sealed token is bound to its workspace and kind', () => {
  it('opening it for another workspace fails, naming the workspace and neither the value nor the token', () => {
    const sealed = cipher.seal('xoxb-secret-of-T111', T1);
    const error = openError(() => cipher.open(sealed, T2));
    expect(error.reason).toBe('not_for_this_workspace');
    expect(error.teamId).toBe('T222');
    expect(error.message).toBe('The sealed Slack token of workspace T222 does not open: the bot token was sealed for another workspace or token, or altered');
    expect(error.message).not.toContain(sealed);
    expect(error.message).not.toContain('xoxb');
  });

  it('a workspace id that only starts or ends the same is another workspace', () => {
    const sealed = cipher.seal('xoxb-secret', T1);
    for (const teamId of ['T11', 'T1111', 't111', ' T111'])
      expect(openError(() => cipher.open(sealed, { teamId, kind: 'bot' })).reason).toBe('not_for_this_workspace');
  });

  it('a refresh token does not open as the bot token, nor the other way round', () => {
    const refresh = cipher.seal('xoxe-1-refresh', { teamId: 'T111', kind: 'refresh' });
    expect(openError(() => cipher.open(refresh, T1)).reason).toBe('not_for_this_workspace');
    expect(openError(() => cipher.open(cipher.seal('xoxb-secret', T1), { teamId: 'T111', kind: 'refresh' })).reason).toBe('not_for_this_workspace');
    expect(cipher.open(refresh, { teamId: 'T111', kind: 'refresh' }).token).toBe('xoxe-1-refresh');
  });
});

describe('key rotation (keys newest first)', () => {
  const OLD = KEY;
  const NEW = OTHER_KEY;
  const rotated = createTokenCipher([NEW, OLD]);

  it('seals with the newest key', () => {
    expect(rotated.keyId).toBe(tokenKeyId(NEW));
    expect(rotated.seal('xoxb-secret', T1).split('.')[1]).toBe(tokenKeyId(NEW));
    expect(createTokenCipher(NEW).open(rotated.seal('xoxb-secret', T1), T1).token).toBe('xoxb-secret');
  });

  it('a token sealed with the old key opens with [new, old], reported for resealing; resealed, it opens with [new] alone', () => {
    const sealedOld = createTokenCipher(OLD).seal('xoxb-secret', T1);
    expect(rotated.open(sealedOld, T1)).toEqual({ token: 'xoxb-secret', resealDue: true });
    const resealed = rotated.seal(rotated.open(sealedOld, T1).token, T1);
    expect(rotated.open(resealed, T1)).toEqual({ token: 'xoxb-secret', resealDue: false });
    expect(createTokenCipher(NEW).open(resealed, T1)).toEqual({ token: 'xoxb-secret', resealDue: false });
  });

  it('a key listed second seals nothing, but opens what it sealed (the first step of a rotation: [old, new])', () => {
    const both = createTokenCipher([OLD, NEW]);
    expect(both.keyId).toBe(tokenKeyId(OLD));
    expect(both.open(rotated.seal('xoxb-secret', T1), T1)).toEqual({ token: 'xoxb-secret', resealDue: true });
  });

  it('a token sealed with a key no longer listed fails with [new] alone, naming the key ids and not the keys', () => {
    const sealedOld = createTokenCipher(OLD).seal('xoxb-secret', T1);
    const error = openError(() => createTokenCipher(NEW).open(sealedOld, T1));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toBe(
      `The sealed Slack token of workspace T111 does not open: sealed with key ${tokenKeyId(OLD)}, which is not in TOKEN_ENCRYPTION_KEYS (its keys: ${tokenKeyId(NEW)})`,
    );
    for (const secret of [OLD.toString('hex'), NEW.toString('hex'), OLD.toString('base64'), sealedOld]) expect(error.message).not.toContain(secret);
  });

  it('a key id pointing at another listed key does not open (the key id only picks the key)', () => {
    const sealedOld = createTokenCipher(OLD).seal('xoxb-secret', T1);
    const parts = sealedOld.split('.');
    parts[1] = tokenKeyId(NEW);
    expect(openError(() => rotated.open(parts.join('.'), T1)).reason).toBe('not_for_this_workspace');
  });
});

describe('the unbound v1 form of earlier releases', () => {
  it('opens, with any of the keys, and is reported for resealing', () => {
    expect(cipher.open(sealV1(KEY, 'xoxb-legacy'), T1)).toEqual({ token: 'xoxb-legacy', resealDue: true });
    expect(createTokenCipher([OTHER_KEY, KEY]).open(sealV1(KEY, 'xoxb-legacy'), T1)).toEqual({ token: 'xoxb-legacy', resealDue: true });
  });

  it('resealed, it is bound: it no longer opens for another workspace', () => {
    const resealed = cipher.seal(cipher.open(sealV1(KEY, 'xoxb-legacy'), T1).token, T1);
    expect(cipher.open(resealed, T1)).toEqual({ token: 'xoxb-legacy', resealDue: false });
    expect(() => cipher.open(resealed, T2)).toThrow(SealedTokenError);
  });

  it('sealed with a key not listed, it fails as an unknown key', () => {
    const error = openError(() => createTokenCipher(OTHER_KEY).open(sealV1(KEY, 'xoxb-legacy'), T1));
    expect(error.reason).toBe('unknown_key');
    expect(error.message).toContain('v1');
    expect(error.message).toContain('TOKEN_ENCRYPTION_KEYS');
  });

  it.each([
    { name: 'a ciphertext bit flipped', index: 3 },
    { name: 'an iv bit flipped', index: 1 },
    { name: 'a tag bit flipped', index: 2 },
  ])('tampering detected: $name', ({ index }) => {
    expect(() => cipher.open(tamper(sealV1(KEY, 'xoxb-legacy'), index), T1)).toThrow(SealedTokenError);
  });
});

describe('tampering and malformed values', () => {
  it.each([
    { name: 'a ciphertext bit flipped', change: (s: string) => tamper(s, 4) },
    { name: 'the last ciphertext byte flipped', change: (s: string) => tamper(s, 4, 'xoxb-secret'.length - 1) },
    { name: 'an iv bit flipped', change: (s: string) => tamper(s, 2) },
    { name: 'a tag bit flipped', change: (s: string) => tamper(s, 3) },
    {
      name: 'ciphertext truncated',
      change: (s: string) => {
        const p = s.split('.');
        p[4] = Buffer.from(p[4]!, 'base64url').subarray(0, -1).toString('base64url');
        return p.join('.');
      },
    },
    {
      name: "ciphertext swapped with another value's",
      change: (s: string) => {
        const p = s.split('.');
        p[4] = cipher.seal('xoxb-other!', T1).split('.')[4]!;
        return p.join('.');
      },
    },
    {
      name: 'the auth tag truncated to 4 bytes (GCM would accept a short tag)',
      change: (s: string) => {
        const p = s.split('.');
        p[3] = Buffer.from(p[3]!, 'base64url').subarray(0, 4).toString('base64url');
        return p.join('.');
      },
    },
    {
      name: 'downgraded to the unbound v1 form',
      change: (s: string) => {
        const [, , iv, tag, body] = s.split('.');
        return ['v1', iv, tag, body].join('.');
      },
    },
  ])('tampering detected: $name', ({ change }) => {
    const sealed = cipher.seal('xoxb-secret', T1);
    expect(() => cipher.open(change(sealed), T1)).toThrow(SealedTokenError);
  });

  it.each([
    { name: 'empty string', sealed: '' },
    { name: 'plaintext token', sealed: 'xoxb-123' },
    { name: 'unknown version', sealed: 'v3.aaaa.bbbb.cccc.dddd' },
    { name: 'missing parts', sealed: 'v2.aaaa.bbbb' },
    { name: 'extra parts appended', sealed: `${cipher.seal('xoxb-secret', T1)}.zzz` },
  ])('an unrecognised sealed form is refused as malformed: $name', ({ sealed }) => {
    const error = openError(() => cipher.open(sealed, T1));
    expect(error.reason).toBe('malformed');
    if (sealed) expect(error.message).not.toContain(sealed);
  });

  it.each([
    {
      name: 'empty iv',
      sealed: (s: string) =>
        s
          .split('.')
          .map((p, i) => (i === 2 ? '' : p))
          .join('.'),
    },
    {
      name: 'empty tag',
      sealed: (s: string) =>
        s
          .split('.')
          .map((p, i) => (i === 3 ? '' : p))
          .join('.'),
    },
  ])('a v2 value with a missing part does not open: $name', ({ sealed }) => {
    expect(() => cipher.open(sealed(cipher.seal('xoxb-secret', T1)), T1)).toThrow(SealedTokenError);
  });

  it('decrypting with the wrong key throws', () => {
    const sealed = cipher.seal('xoxb-secret', T1);
    expect(openError(() => createTokenCipher(OTHER_KEY).open(sealed, T1)).reason).toBe('unknown_key');
  });
});

describe('deriveKey', () => {
  const master = Buffer.alloc(32, 0x11);

  it.each(['oauth-state', 'token-encryption', ''])('gives 32 bytes for purpose %j', (purpose) => {
    expect(deriveKey(master, purpose)).toHaveLength(32);
  });

  it('is deterministic', () => {
    expect(deriveKey(master, 'oauth-state').equals(deriveKey(Buffer.from(master), 'oauth-state'))).toBe(true);
  });

  it('gives a different key per purpose, and none equal to the master key', () => {
    const keys = ['oauth-state', 'token-encryption', 'oauth-state ', 'OAUTH-STATE'].map((p) => deriveKey(master, p).toString('hex'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain(master.toString('hex'));
  });

  it('gives a different key per master key', () => {
    expect(deriveKey(master, 'oauth-state').equals(deriveKey(Buffer.alloc(32, 0x12), 'oauth-state'))).toBe(false);
  });

  it("a derived key works as a cipher key, and the cipher of one purpose cannot open another's values", () => {
    const a = createTokenCipher(deriveKey(master, 'a'));
    const b = createTokenCipher(deriveKey(master, 'b'));
    expect(() => b.open(a.seal('xoxb-secret', T1), T1)).toThrow(SealedTokenError);
  });
});
