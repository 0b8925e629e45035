// Encryption at rest for Slack tokens: AES-256-GCM with a random 96-bit nonce per value, bound to
// the workspace and kind of token it was sealed for, under one of several keys so that the key
// can be rotated (docs/reference/operations.md, "Rotating the token encryption key").
//
// Stored form "v2.<keyId>.<iv>.<tag>.<ciphertext>" (base64url). keyId is a fingerprint of the key
// (never the key), so opening goes straight to the key that sealed it. The additional
// authenticated data names the workspace and the kind of token: a value copied to another
// installation's row, or from the refresh token's field to the bot token's, fails to open.
// The first form, "v1.<iv>.<tag>.<ciphertext>" (one key, bound to nothing), still opens with any
// of the keys, and is reported for resealing, as is a v2 value under any key but the newest.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SealedTokenError } from '../errors/index.ts';

export type TokenKind = 'bot' | 'refresh';

/** What a sealed token belongs to: opening it for anything else fails. */
export interface TokenBinding {
  teamId: string;
  kind: TokenKind;
}

export interface OpenedToken {
  token: string;
  /** Sealed in the unbound v1 form or with an older key: seal it again (with the newest key). */
  resealDue: boolean;
}

export interface TokenCipher {
  /** The newest key's fingerprint: the one seal() uses. */
  readonly keyId: string;
  seal(token: string, binding: TokenBinding): string;
  /** Throws SealedTokenError (naming the workspace, never the value) when it does not open. */
  open(sealed: string, binding: TokenBinding): OpenedToken;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short public name for a key: a keyed hash, so it says nothing about the key's bytes. */
export function tokenKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('threadbridge:token-key-id').digest().subarray(0, 6).toString('base64url');
}

const additionalData = ({ teamId, kind }: TokenBinding) => Buffer.from(`threadbridge:slack-token:v2:${kind}:${teamId}`, 'utf8');

/** `keys`: newest first (TOKEN_ENCRYPTION_KEYS); one key is a one-key list. */
export function createTokenCipher(keys: Buffer | readonly Buffer[]): TokenCipher {
  const list = Buffer.isBuffer(keys) ? [keys] : [...keys];
  if (list.length === 0) throw new Error('TokenCipher needs at least one key');
  if (list.some((key) => key.length !== 32)) throw new Error('TokenCipher needs a 32-byte key');
  const byId = new Map(list.map((key) => [tokenKeyId(key), key]));
  if (byId.size !== list.length) throw new Error('TokenCipher was given one key twice');
  const newestId = tokenKeyId(list[0]!);
  const newest = list[0]!;

  function open(sealed: string, binding: TokenBinding): OpenedToken {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (!key) {
        throw new SealedTokenError(
          'unknown_key',
          binding.teamId,
          `sealed with key ${keyId}, which is not in TOKEN_ENCRYPTION_KEYS (its keys: ${[...byId.keys()].join(', ')})`,
        );
      }
      const token = decrypt(key, iv, tag, body, additionalData(binding));
      if (token === undefined) {
        throw new SealedTokenError('not_for_this_workspace', binding.teamId, `the ${binding.kind} token was sealed for another workspace or token, or altered`);
      }
      return { token, resealDue: keyId !== newestId };
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, iv, tag, body] = parts as [string, string, string, string];
      for (const key of list) {
        const token = decrypt(key, iv, tag, body);
        if (token !== undefined) return { token, resealDue: true };
      }
      throw new SealedTokenError(
        'unknown_key',
        binding.teamId,
        'sealed in the unbound v1 form, and none of TOKEN_ENCRYPTION_KEYS opens it (sealed with a key no longer listed, or altered)',
      );
    }
    throw new SealedTokenError('malformed', binding.teamId, `the ${binding.kind} token is not in a sealed form this release reads`);
  }

  return {
    keyId: newestId,
    seal(token, binding) {
      if (!binding.teamId) throw new Error('A sealed token is bound to its workspace: teamId is empty');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(binding));
      const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return ['v2', newestId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open,
  };
}

/** The plaintext, or undefined when the value does not authenticate under this key (and data). */
function decrypt(key: Buffer, iv: string, tag: string, body: string, aad?: Buffer): string | undefined {
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  // A fixed tag length: GCM would otherwise accept a truncated (weaker) tag.
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A separate key for another purpose (e.g. signing OAuth state), so one secret never serves two roles. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', masterKey).update(`threadbridge:${purpose}`).digest();
}
