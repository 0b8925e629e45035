// The history of changes made to an org's Slack integration through the admin API: what changed,
// who made it (the org admin the platform vouched for, or an operator) and when. Insert-only, one
// document per change; the settings page shows the last change of each section.
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';

/** The settings page's sections. */
export const ADMIN_CHANGE_SECTIONS = ['connection', 'settings', 'chatHandling', 'agents', 'routingGroups', 'digest'] as const;
export type AdminChangeSection = (typeof ADMIN_CHANGE_SECTIONS)[number];

/**
 * Who made a change: an org admin (the launch token's userId, and its userName when the platform
 * sent one; records from before have none) or an operator with ADMIN_API_TOKEN.
 */
export type AdminActor = { kind: 'org-admin'; userId: string; userName?: string } | { kind: 'operator' };

export interface AdminChange {
  orgId: string;
  section: AdminChangeSection;
  /** What was done, e.g. `slack.disconnected`, `agent.mapped`. */
  action: string;
  /** What it was done to (an agent or routing group id, a Slack workspace), when there is one. */
  subject: string | null;
  actor: AdminActor;
  at: Date;
}

interface AdminChangeDocument extends AdminChange {
  _id: string;
}

export interface AdminChangesRepository {
  record(change: AdminChange): Promise<void>;
  /** The newest change of each section (null for a section never changed). */
  lastBySection(orgId: string): Promise<Record<AdminChangeSection, AdminChange | null>>;
  /** The newest changes first. */
  recent(orgId: string, limit: number): Promise<AdminChange[]>;
}

export function createAdminChangesRepository(db: Db): AdminChangesRepository {
  const collection = db.collection<AdminChangeDocument>('admin_changes');
  const toChange = ({ _id, ...change }: AdminChangeDocument): AdminChange => ({ ...change, subject: change.subject ?? null });
  // Ties within one millisecond: the _id (time-ordered UUIDs are not available everywhere) breaks them.
  const newestFirst = { at: -1, _id: -1 } as const;

  return {
    async record(change) {
      await collection.insertOne({ _id: `${change.at.getTime().toString(36).padStart(9, '0')}-${randomUUID()}`, ...change });
    },
    async lastBySection(orgId) {
      // One indexed lookup per section: FerretDB serves neither $first nor $top in $group.
      const last = await Promise.all(
        ADMIN_CHANGE_SECTIONS.map(async (section) => {
          const doc = await collection.findOne({ orgId, section }, { sort: newestFirst });
          return [section, doc ? toChange(doc) : null] as const;
        }),
      );
      return Object.fromEntries(last) as Record<AdminChangeSection, AdminChange | null>;
    },
    async recent(orgId, limit) {
      return (await collection.find({ orgId }).sort(newestFirst).limit(limit).toArray()).map(toChange);
    },
  };
}
