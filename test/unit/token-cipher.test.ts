// Token encryption at rest (AES-256-GCM, "v1.<iv>.<tag>.<ciphertext>") and purpose-bound key derivation.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, deriveKey } from '../../src/crypto/token-cipher.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const OTHER_KEY = Buffer.alloc(32, 0xee);
const cipher = createTokenCipher(KEY);

/** Flips one bit of the base64url part at `index` (0 version, 1 iv, 2 tag, 3 ciphertext). */
function tamper(sealed: string, index: number, byte = 0): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createTokenCipher', () => {
  it.each([
    { name: 'a bot token', plain: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx' },
    { name: 'the empty string', plain: '' },
    { name: 'unicode', plain: 'clé secrète 🔑 日本語' },
    { name: 'dots and separators', plain: 'v1.a.b.c' },
    { name: 'a long value', plain: 'x'.repeat(10_000) },
  ])('round trip: $name', ({ plain }) => {
    const sealed = cipher.encrypt(plain);
    expect(cipher.decrypt(sealed)).toBe(plain);
    expect(createTokenCipher(Buffer.from(KEY)).decrypt(sealed)).toBe(plain);
  });

  it('stores "v1.<iv>.<tag>.<ciphertext>" with a 12-byte iv and a 16-byte tag', () => {
    const parts = cipher.encrypt('xoxb-secret').split('.');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe('v1');
    expect(Buffer.from(parts[1]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[3]!, 'base64url')).toHaveLength('xoxb-secret'.length);
  });

  it('encrypting the same value twice gives different ciphertexts (fresh iv)', () => {
    const a = cipher.encrypt('xoxb-secret');
    const b = cipher.encrypt('xoxb-secret');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('the sealed form contains neither the plaintext nor its base64/base64url/hex forms', () => {
    const plain = 'xoxb-very-secret-token-value';
    const sealed = cipher.encrypt(plain);
    for (const form of [plain, Buffer.from(plain).toString('base64url'), Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('hex')]) {
      expect(sealed).not.toContain(form);
    }
  });

  it.each([
    { name: 'a ciphertext bit flipped', change: (s: string) => tamper(s, 3) },
    { name: 'the last ciphertext byte flipped', change: (s: string) => tamper(s, 3, 'xoxb-secret'.length - 1) },
    { name: 'an iv bit flipped', change: (s: string) => tamper(s, 1) },
    { name: 'a tag bit flipped', change: (s: string) => tamper(s, 2) },
    { name: 'ciphertext truncated', change: (s: string) => { const p = s.split('.'); p[3] = Buffer.from(p[3]!, 'base64url').subarray(0, -1).toString('base64url'); return p.join('.'); } },
    { name: 'ciphertext swapped with another value\'s', change: (s: string) => { const p = s.split('.'); p[3] = cipher.encrypt('xoxb-other!').split('.')[3]!; return p.join('.'); } },
  ])('tampering detected: $name', ({ change }) => {
    const sealed = cipher.encrypt('xoxb-secret');
    expect(() => cipher.decrypt(change(sealed))).toThrow();
  });

  it.each([
    { name: 'empty string', sealed: '' },
    { name: 'plaintext token', sealed: 'xoxb-123' },
    { name: 'unknown version', sealed: 'v2.aaaa.bbbb.cccc' },
    { name: 'missing parts', sealed: 'v1.aaaa' },
    { name: 'empty iv', sealed: 'v1..bbbb.cccc' },
    { name: 'empty tag', sealed: 'v1.aaaa..cccc' },
  ])('unrecognised sealed form throws: $name', ({ sealed }) => {
    expect(() => cipher.decrypt(sealed)).toThrow();
  });

  it('decrypting with the wrong key throws', () => {
    const sealed = cipher.encrypt('xoxb-secret');
    expect(() => createTokenCipher(OTHER_KEY).decrypt(sealed)).toThrow();
  });

  it.each([0, 16, 24, 31, 33, 64])('a %i-byte key is refused', (size) => {
    expect(() => createTokenCipher(randomBytes(size))).toThrow('TokenCipher needs a 32-byte key');
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

  it('a derived key works as a cipher key, and the cipher of one purpose cannot open another\'s values', () => {
    const a = createTokenCipher(deriveKey(master, 'a'));
    const b = createTokenCipher(deriveKey(master, 'b'));
    expect(() => b.decrypt(a.encrypt('xoxb-secret'))).toThrow();
  });
});

describe('regressions', () => {
  it('rejects a sealed token whose auth tag was truncated to 4 bytes (GCM would accept a short tag)', () => {
    const parts = cipher.encrypt('xoxb-secret').split('.');
    parts[2] = Buffer.from(parts[2]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('rejects a sealed token with extra parts appended', () => {
    expect(() => cipher.decrypt(`${cipher.encrypt('xoxb-secret')}.zzz`)).toThrow(/format/);
  });
});
