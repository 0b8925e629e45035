// Pure verification of signed inbound requests (Slack's v0 scheme and the chat platform's
// v1 scheme are the same construction with a different version tag). No I/O, clock passed in,
// after bolt-js's verify-request.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  /** 'v0' for Slack, 'v1' for the chat platform. */
  version: 'v0' | 'v1';
  secret: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: Buffer;
  nowMs: number;
  /** Both Slack and the platform allow five minutes of skew. */
  toleranceSeconds?: number;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing_signature' | 'stale_timestamp' | 'bad_signature' };

export function sign(version: 'v0' | 'v1', secret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${version}:${timestamp}:`);
  hmac.update(rawBody);
  return `${version}=${hmac.digest('hex')}`;
}

export function verifySignature(req: SignedRequest): SignatureVerdict {
  const { timestampHeader, signatureHeader } = req;
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'stale_timestamp' };
  const skew = Math.abs(req.nowMs / 1000 - Number(timestampHeader));
  if (skew > (req.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale_timestamp' };

  const expected = Buffer.from(sign(req.version, req.secret, timestampHeader, req.rawBody), 'utf8');
  const given = Buffer.from(signatureHeader, 'utf8');
  // timingSafeEqual throws on different lengths; a length mismatch reveals nothing secret.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}
