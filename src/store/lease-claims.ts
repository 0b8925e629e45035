// "Do this once" claims that survive a worker dying half-way. A claim is a document with a
// unique _id, inserted (atomic on MongoDB and FerretDB alike) as `held` before the work and
// settled `done` after it. A job that finds a claim `held` for longer than its lease knows the
// holder died (a live one finishes or gives it back well within the lease) and takes it over, so
// the work is done after a crash instead of never; one that finds it held within the lease is
// told to come back later. Claims written before leases existed have no state: they read as done.
import type { Collection } from 'mongodb';

export type ClaimResult = 'claimed' | 'done' | 'busy';

/** Longer than any work under a claim may take while its process lives (a post waits ≤ 60 s for Slack's budget). */
export const CLAIM_LEASE_MS = 120_000;

export interface LeaseClaimDocument {
  _id: string;
  at: Date;
  state?: 'held' | 'done';
  [field: string]: unknown;
}

export async function leaseClaim(
  collection: Collection<LeaseClaimDocument>,
  id: string,
  now: Date,
  extra: Record<string, unknown> = {},
  leaseMs: number = CLAIM_LEASE_MS,
): Promise<ClaimResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await collection.insertOne({ ...extra, _id: id, at: now, state: 'held' });
      return 'claimed';
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    const doc = await collection.findOne({ _id: id });
    if (!doc) continue; // given back meanwhile: try again
    if (doc.state !== 'held') return 'done';
    if (now.getTime() - doc.at.getTime() < leaseMs) return 'busy';
    // Its holder died: the stale claim goes, and whoever inserts next holds it (still atomic).
    await collection.deleteOne({ _id: id, state: 'held', at: doc.at });
  }
  return 'busy';
}

export async function settleLeaseClaim(collection: Collection<LeaseClaimDocument>, id: string, now: Date, extra: Record<string, unknown> = {}): Promise<void> {
  await collection.updateOne({ _id: id }, { $set: { ...extra, state: 'done', at: now } });
}

export async function releaseLeaseClaim(collection: Collection<LeaseClaimDocument>, id: string): Promise<void> {
  await collection.deleteOne({ _id: id, state: 'held' });
}

/** One kind of lease claim: claimed, settled and released by a key that `idOf` turns into its _id. */
export interface Lease<Key> {
  claim(key: Key, now: Date): Promise<ClaimResult>;
  settle(key: Key, now: Date): Promise<void>;
  release(key: Key): Promise<void>;
}

export function leaseFor<Key>(collection: Collection<LeaseClaimDocument>, idOf: (key: Key) => string): Lease<Key> {
  return {
    claim: (key, now) => leaseClaim(collection, idOf(key), now),
    settle: (key, now) => settleLeaseClaim(collection, idOf(key), now),
    release: (key) => releaseLeaseClaim(collection, idOf(key)),
  };
}
