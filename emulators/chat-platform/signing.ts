// Webhook signing as the contract defines it: "v1=" + hex HMAC-SHA256(secret, "v1:" + ts + ":" + body).
// Pure functions with the clock passed in, so tests can sign and verify without the server.

import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureFor(secret: string, timestamp: number | string, rawBody: string): string {
  const mac = createHmac('sha256', secret).update(`v1:${timestamp}:${rawBody}`, 'utf8').digest('hex');
  return `v1=${mac}`;
}

/** Headers for one delivery attempt; each attempt gets a fresh timestamp, hence a fresh signature. */
export function signedHeaders(secret: string, rawBody: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'x-chat-timestamp': String(timestamp),
    'x-chat-signature': signatureFor(secret, timestamp, rawBody),
  };
}

/** The receiver side, used by the emulator's own tests: constant-time compare and a 300 s window. */
export function verifySignature(input: {
  secret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  toleranceSeconds?: number;
}): boolean {
  const { secret, rawBody, timestamp, signature, nowMs } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureFor(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
