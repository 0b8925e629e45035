// Encryption at rest for Slack tokens: AES-256-GCM with a random 96-bit nonce per value.
// Stored form "v1.<iv>.<tag>.<ciphertext>" (base64url) so the scheme can change later.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('TokenCipher needs a 32-byte key');
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const parts = sealed.split('.');
      const [version, iv, tag, body] = parts;
      if (parts.length !== 4 || version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unrecognised sealed token format');
      // A fixed tag length: GCM would otherwise accept a truncated (weaker) tag.
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** A separate key for another purpose (e.g. signing OAuth state), so one secret never serves two roles. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', masterKey).update(`threadbridge:${purpose}`).digest();
}
