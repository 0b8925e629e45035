// The weekly digest's claims: one document per org and ISO week, inserted by whichever worker
// posts that week's digest, so it goes out once however many workers sweep and however often
// they restart. A post that failed gives its claim back, to be tried at the next sweep.
import type { Db } from 'mongodb';
import { compoundKey } from './compound-key.ts';

interface DigestClaimDocument {
  _id: string;
  orgId: string;
  week: string;
  claimedAt: Date;
}

export interface DigestClaimsRepository {
  /** True for the one caller that claims the org's week (e.g. "2026-W50"); false when it is taken. */
  claim(orgId: string, week: string, now: Date): Promise<boolean>;
  /** Gives the claim back (the post failed): the next sweep tries again. */
  release(orgId: string, week: string): Promise<void>;
}

export function createDigestClaimsRepository(db: Db): DigestClaimsRepository {
  const collection = db.collection<DigestClaimDocument>('digest_claims');
  return {
    async claim(orgId, week, now) {
      try {
        await collection.insertOne({ _id: compoundKey(orgId, week), orgId, week, claimedAt: now });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    async release(orgId, week) {
      await collection.deleteOne({ _id: compoundKey(orgId, week) });
    },
  };
}
