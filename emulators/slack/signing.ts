// Slack's request signing for Events API and interactivity deliveries:
// "v0=" + hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")).

import { createHmac } from 'node:crypto';

export function signature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export function signedHeaders(signingSecret: string, nowMs: number, rawBody: string): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    'X-Slack-Request-Timestamp': String(ts),
    'X-Slack-Signature': signature(signingSecret, ts, rawBody),
  };
}
