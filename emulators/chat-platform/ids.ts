// ULID-like identifiers (`evt_01J…`) for everything the emulated platform creates.
// Time-prefixed so ids sort roughly by creation, with 80 random bits so they never collide in practice.

import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'org' | 'agt' | 'rg' | 'conv' | 'msg' | 'evt' | 'vis' | 'mtg' | 'form' | 'usr';

export function newId(prefix: IdPrefix, nowMs: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += CROCKFORD[b % 32];
  return `${prefix}_${time}${rand}`;
}
