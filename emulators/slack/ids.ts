// Identifier generators shaped like Slack's (E…, T…, U…, W…, C…, G-less private C…, D…, B…, Ev…, V…).
// Random but well-formed, so products that validate ID prefixes behave as against Slack.

import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Bytes below this map evenly onto ALNUM (252 = 7 × 36); the rest are drawn again. */
const UNBIASED = 256 - (256 % ALNUM.length);
/** Random bytes drawn 4 KB at a time: seeding 100,000 channels makes 100,000 ids. */
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    const b = randomByte();
    if (b < UNBIASED) out += ALNUM[b % ALNUM.length];
  }
  return out;
}

/** Slack IDs are a type letter followed by 8 to 10 upper-case alphanumerics. */
export function slackId(prefix: 'T' | 'U' | 'C' | 'D' | 'B' | 'A' | 'V' | 'W' | 'E'): string {
  return prefix + randomAlnum(10);
}

export function eventId(): string {
  return `Ev${randomAlnum(10)}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Trigger IDs look like "13345224609.738474920.8088930838d88f008e0". */
export function triggerId(): string {
  return `${randomInt(1e9, 9e9)}.${randomInt(1e8, 9e8)}.${randomHex(10)}`;
}
