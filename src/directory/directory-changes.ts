// Writing one change (from an event, or the app joining a channel) into a workspace's
// directory: appended to the durable change log, then applied to the cached runs (the current
// one, and the one being synced, if any). Serialised per workspace and kind with a short Redis
// lock, shared with the moment a sync run becomes current: the run then replays every change
// logged since it started, so nothing that happened during a sync is lost or applied out of order.
import type { Store } from '../store/index.ts';
import type { DirectoryChange, DirectoryKind } from '../store/index.ts';
import { acquireWithin, type Lock, type Locks } from '../locks/redis-locks.ts';
import { LockBusyError } from '../errors/index.ts';
import type { DirectoryCache } from './directory-cache.ts';

const WRITE_LOCK_WAIT_MS = 5_000;

/** What writing a change needs: little, so the web process records the app's joins too. */
export interface DirectoryWriteDeps {
  locks: Locks;
  directoryCache: DirectoryCache;
  now: () => Date;
  store: Pick<Store, 'slackDirectory'>;
}

export async function withDirectoryWriteLock<T>(
  deps: Pick<DirectoryWriteDeps, 'locks'>,
  teamId: string,
  kind: DirectoryKind,
  work: () => Promise<T>,
): Promise<T> {
  const name = `directory-write:${teamId}:${kind}`;
  const lock: Lock | null = await acquireWithin(deps.locks, name, { waitMs: WRITE_LOCK_WAIT_MS });
  if (!lock) throw new LockBusyError(name);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

export async function recordDirectoryChange(deps: DirectoryWriteDeps, teamId: string, change: DirectoryChange): Promise<void> {
  const cache = deps.directoryCache;
  await withDirectoryWriteLock(deps, teamId, change.kind, async () => {
    const seq = await cache.nextChangeSeq(teamId);
    await deps.store.slackDirectory.addChange(teamId, { seq, at: deps.now(), change });
    const { current, building } = await cache.runs(teamId, change.kind);
    for (const runId of new Set([current, building])) if (runId) await cache.apply(teamId, runId, change);
  });
}
