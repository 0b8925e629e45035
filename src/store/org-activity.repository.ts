// When an org's integration last showed signs of life: the last event from its Slack workspace
// (past the tenant gate) and the last webhook from the chat platform. The health check shows both.
// Every event would be a write; a process writes an org's time at most once a minute instead
// (an in-process memo), so under load it costs nothing and the time shown is at most a minute old.
import type { Db } from 'mongodb';

export interface OrgActivity {
  lastSlackEventAt: Date | null;
  lastPlatformWebhookAt: Date | null;
}

type ActivityField = keyof OrgActivity;

export interface OrgActivityRepository {
  /** An event from the org's Slack workspace was handled now. */
  noteSlackEvent(orgId: string, now: Date): Promise<void>;
  /** A webhook from the chat platform for the org was handled now. */
  notePlatformWebhook(orgId: string, now: Date): Promise<void>;
  get(orgId: string): Promise<OrgActivity>;
}

/** How often a process writes one org's time. */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;
/** Past this many orgs in the memo, entries older than the interval are dropped (they would be written again anyway). */
const MEMO_PRUNE_AT = 10_000;

export function createOrgActivityRepository(db: Db): OrgActivityRepository {
  const collection = db.collection<OrgActivity & { _id: string }>('org_activity');
  const lastWritten = new Map<string, number>();

  async function note(field: ActivityField, orgId: string, now: Date): Promise<void> {
    const key = `${field}\u0000${orgId}`;
    const last = lastWritten.get(key);
    if (last !== undefined && now.getTime() - last < ACTIVITY_WRITE_INTERVAL_MS) return;
    if (lastWritten.size >= MEMO_PRUNE_AT) {
      for (const [k, at] of lastWritten) if (now.getTime() - at >= ACTIVITY_WRITE_INTERVAL_MS) lastWritten.delete(k);
    }
    lastWritten.set(key, now.getTime());
    try {
      // Never moves back: another process may have written a later time.
      await collection.updateOne({ _id: orgId }, { $max: { [field]: now } }, { upsert: true });
    } catch (error) {
      lastWritten.delete(key);
      throw error;
    }
  }

  return {
    noteSlackEvent: (orgId, now) => note('lastSlackEventAt', orgId, now),
    notePlatformWebhook: (orgId, now) => note('lastPlatformWebhookAt', orgId, now),
    async get(orgId) {
      const doc = await collection.findOne({ _id: orgId });
      return { lastSlackEventAt: doc?.lastSlackEventAt ?? null, lastPlatformWebhookAt: doc?.lastPlatformWebhookAt ?? null };
    },
  };
}
