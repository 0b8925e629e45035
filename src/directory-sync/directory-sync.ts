// Full syncs of a workspace's channels (conversations.list) and users (users.list) into the
// directory, and the periodic sweep that schedules them. One run per workspace and kind at a
// time (a Redis lock with a short lease, renewed while it works or waits), pages as large as
// Slack allows, inside the per-minute budget every process shares, the next pages fetched while
// the last one is written, and the cursor saved after each page so a run killed mid-way resumes
// where it was. A completed run becomes current in one step, with the changes logged since it
// started replayed on it; the previous run is then deleted.
//
// An org-wide (Enterprise Grid) install's token lists one workspace at a time (Slack requires
// team_id with it): a run lists each granted workspace in turn, its saved state naming the
// workspace its cursor belongs to and those already listed, so a resumed run goes on there. Grid
// user ids are org-wide, so a person in two workspaces is in both lists: kept once, from the first.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DirectorySyncDeps } from './directory-sync-deps.ts';
import type { DirectoryKind } from '../store/index.ts';
import type { DirectorySyncState, Installation } from '../store/index.ts';
import type { Page, DirectoryChannel, DirectoryUser } from '../slack/slack-api.ts';
import { SlackApiError, LockBusyError, ThreadLockLostError } from '../errors/index.ts';
import { callWithinBudget } from '../slack/tiered-call-budget.ts';
import { withDirectoryWriteLock } from '../directory/directory-changes.ts';

export type SyncRunDeps = Pick<
  DirectorySyncDeps,
  'store' | 'slack' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'directoryResyncHours' | 'observe'
>;

/** Slack's page limit is "under 1,000" (platform-facts); 999 keeps to the letter of that. */
export const DIRECTORY_PAGE_SIZE = 999;
/** The sync lock's lease: short, so a run killed with its process is taken over quickly. */
export const SYNC_LEASE_MS = 15_000;
const methodOf = { channels: 'conversations.list', users: 'users.list' } as const;
const PROGRESS_LOG_EVERY_PAGES = 10;
/** Pages fetched ahead of the one being written. */
export const PAGES_AHEAD = 8;

/**
 * Pulls up to `ahead` items from an async generator before they are asked for (its own next()
 * calls queue, so the generator still runs one step at a time). Hand-written: ten lines, where
 * stream libraries bring their own buffering rules.
 */
async function* readAhead<T>(source: AsyncGenerator<T>, ahead: number): AsyncGenerator<T> {
  const pending: Array<Promise<IteratorResult<T>>> = [];
  for (;;) {
    while (pending.length < ahead) {
      const next = source.next();
      next.catch(() => undefined); // awaited in turn below; never left unhandled
      pending.push(next);
    }
    const result = await pending.shift()!;
    if (result.done) return;
    yield result.value;
  }
}

export async function syncDirectoryKind(deps: SyncRunDeps, teamId: string, kind: DirectoryKind, requestedAt: number): Promise<void> {
  const lockName = `directory-sync:${teamId}:${kind}`;
  const lock = await deps.locks.tryAcquire(lockName, SYNC_LEASE_MS);
  // Held: a run is under way (it finishes the work), or its process died and the lease has not
  // run out yet; either way, look again shortly.
  if (!lock) throw new LockBusyError(lockName);
  const renew = async () => {
    if (!(await lock.extend())) throw new ThreadLockLostError(lockName);
  };
  try {
    const repo = deps.store.slackDirectory;
    let state = await repo.syncState(teamId, kind);
    if (!state.runId && state.lastCompletedAt && state.lastCompletedAt.getTime() >= requestedAt) return; // done since asked
    const found = await deps.store.installations.botToken(teamId, null);
    if (!found) return;
    const token: string = found;
    const installation = await deps.store.installations.findByTeam(teamId);
    const orgWide = installation?.kind === 'enterprise';

    const log = deps.logger.child({ teamId, kind });
    if (state.runId) {
      log.info(
        { runId: state.runId, pages: state.pages, items: state.items, workspaceId: state.workspaceId },
        'directory sync resumes from its last saved page',
      );
    } else {
      state = {
        ...state,
        runId: randomUUID(),
        runStartedAt: deps.now(),
        runStartSeq: await deps.directoryCache.changeSeq(teamId),
        workspaceId: null,
        workspacesDone: [],
        cursor: null,
        pages: 0,
        items: 0,
      };
      await repo.saveSyncState(state);
      log.info({ runId: state.runId }, 'directory sync starts');
    }
    const runId = state.runId!;
    await deps.directoryCache.setBuilding(teamId, kind, runId);

    // Pages are fetched ahead of the writes (a few at most), so Slack's budget, not the
    // database, paces the run; the cursor saved is always that of the page after the last one
    // written, so a resumed run refetches only what was fetched and not yet written.
    async function* slackPages(workspaceId: string | null, cursor: string | null): AsyncGenerator<Page<DirectoryChannel | DirectoryUser>> {
      for (;;) {
        const args = { cursor, limit: DIRECTORY_PAGE_SIZE, ...(workspaceId ? { teamId: workspaceId } : {}) };
        const fetched = await callWithinBudget(
          deps.callBudget,
          teamId,
          methodOf[kind],
          { maxWaitMs: Number.POSITIVE_INFINITY, stepMs: SYNC_LEASE_MS / 3, beforeStep: renew },
          (): Promise<Page<DirectoryChannel | DirectoryUser>> =>
            kind === 'channels' ? deps.slack.listChannels(token, args) : deps.slack.listUsers(token, args),
        );
        if (!fetched.ok) throw new Error('unreachable: the sync waits as long as the budget needs');
        const page = fetched.value;
        yield page;
        if (!page.nextCursor) return;
        cursor = page.nextCursor;
      }
    }

    /**
     * What a page adds to the run. An org-wide install's lists overlap (Grid user ids are
     * org-wide, and a channel may be shared by several of its workspaces): each is kept once, from
     * the first list it was in. A page refetched after a crash is stored as first written.
     */
    async function writePage(items: Array<DirectoryChannel | DirectoryUser>): Promise<number> {
      const ids = items.map((e) => e.id);
      const fresh = orgWide ? new Set(await deps.directoryCache.notSyncedYet(teamId, kind, runId, ids)) : null;
      const kept = fresh ? items.filter((e) => fresh.delete(e.id)) : items;
      const [stored] = await Promise.all([
        repo.insertRunPage(teamId, kind, runId, state.pages + 1, kept),
        deps.directoryCache.writePage(teamId, kind, runId, kept),
      ]);
      if (orgWide) await deps.directoryCache.markSynced(teamId, kind, runId, ids);
      return stored;
    }

    /** The workspace is listed: a run resumed after this goes on with the next one. */
    async function workspaceDone(workspaceId: string): Promise<void> {
      state = { ...state, workspaceId: null, cursor: null, workspacesDone: [...state.workspacesDone, workspaceId] };
      await repo.saveSyncState(state);
    }

    try {
      // Each workspace granted now and not yet listed, read again after each: one granted
      // meanwhile is listed too, one revoked is not.
      let workspaceId = orgWide ? nextWorkspace(state, installation) : null;
      while (workspaceId !== undefined) {
        // The cursor saved is the workspace's it was at: another workspace starts at its first page.
        const cursor = workspaceId === state.workspaceId ? state.cursor : null;
        state = { ...state, workspaceId };
        try {
          for await (const page of readAhead(slackPages(workspaceId, cursor), PAGES_AHEAD)) {
            const stored = await writePage(page.items);
            state = { ...state, cursor: page.nextCursor, pages: state.pages + 1, items: state.items + stored };
            // Its last page: the workspace is done, and a run resumed after this starts the next one.
            if (workspaceId && !page.nextCursor) state = { ...state, workspaceId: null, workspacesDone: [...state.workspacesDone, workspaceId] };
            await repo.saveSyncState(state);
            deps.observe?.directorySyncPage(kind, page.items.length);
            await renew();
            if (state.pages % PROGRESS_LOG_EVERY_PAGES === 0) log.info({ runId, pages: state.pages, items: state.items }, 'directory sync progress');
          }
        } catch (error) {
          // Taken out of the install before team_access_revoked reached us: nothing of it to list.
          if (!(workspaceId && error instanceof SlackApiError && error.code === 'team_access_not_granted')) throw error;
          log.warn({ runId, workspaceId }, 'directory sync skips a workspace the install is no longer granted');
          await workspaceDone(workspaceId);
        }
        workspaceId = orgWide ? nextWorkspace(state, await deps.store.installations.findByTeam(teamId)) : undefined;
      }
    } catch (error) {
      if (error instanceof SlackApiError && error.code === 'invalid_cursor') {
        // Slack no longer accepts the saved cursor (a run left too long): start over.
        log.warn({ runId }, 'directory sync cursor no longer valid; the run starts over');
        await repo.saveSyncState({ ...state, runId: null, workspaceId: null, workspacesDone: [], cursor: null, pages: 0, items: 0 });
      }
      throw error;
    }
    await completeRun(deps, state, log);
  } finally {
    await lock.release();
  }
}

/**
 * The workspace an org-wide install's run lists next: the one it was at (resumed), else the first
 * granted one it has not listed; undefined when none is left (none granted: an empty directory).
 * A workspace revoked while the run was at it is left, with its cursor.
 */
export function nextWorkspace(
  state: Pick<DirectorySyncState, 'workspaceId' | 'workspacesDone'>,
  installation: Pick<Installation, 'workspaces'> | null,
): string | undefined {
  const left = (installation?.workspaces ?? []).map((w) => w.id).filter((id) => !state.workspacesDone.includes(id));
  return left.find((id) => id === state.workspaceId) ?? left[0];
}

async function completeRun(deps: SyncRunDeps, state: DirectorySyncState, log: Logger): Promise<void> {
  const { teamId, kind } = state;
  const runId = state.runId!;
  const repo = deps.store.slackDirectory;
  const previousRun = state.currentRunId;
  const completedAt = deps.now();
  const completed: DirectorySyncState = {
    ...state,
    runId: null,
    runStartedAt: null,
    workspaceId: null,
    workspacesDone: [],
    cursor: null,
    pages: 0,
    items: 0,
    currentRunId: runId,
    currentRunStartSeq: state.runStartSeq,
    lastCompletedAt: completedAt,
    lastCompletedItems: state.items,
    lastCompletedTookMs: state.runStartedAt ? completedAt.getTime() - state.runStartedAt.getTime() : null,
  };
  const replaced = await withDirectoryWriteLock(deps, teamId, kind, async () => {
    // Changes since the run started may postdate the pages they concern: replay them in order.
    for (const { change } of await repo.changesAfter(teamId, kind, state.runStartSeq)) await deps.directoryCache.apply(teamId, runId, change);
    const replacedInCache = await deps.directoryCache.makeCurrent(teamId, kind, runId);
    await repo.saveSyncState(completed);
    return replacedInCache;
  });
  for (const old of new Set([previousRun, replaced])) {
    if (!old || old === runId) continue;
    await deps.directoryCache.dropRun(teamId, kind, old);
    await repo.deleteRun(teamId, kind, old);
  }
  await repo.deleteChangesUpTo(teamId, kind, state.runStartSeq);
  deps.observe?.directorySyncCompleted(kind);
  log.info({ runId, pages: state.pages, items: state.items, tookMs: completed.lastCompletedTookMs }, 'directory sync completed');
}

/** Redis lost the cached directory (a flush, a failover): rebuild it from MongoDB. */
export async function restoreDirectoryCache(deps: SyncRunDeps, teamId: string, kind: DirectoryKind): Promise<boolean> {
  const repo = deps.store.slackDirectory;
  const state = await repo.syncState(teamId, kind);
  if (!state.currentRunId || (await deps.directoryCache.currentRun(teamId, kind))) return false;
  const lock = await deps.locks.tryAcquire(`directory-sync:${teamId}:${kind}`, SYNC_LEASE_MS);
  if (!lock) return false; // a sync holds it; its completion makes a run current
  try {
    const runId = state.currentRunId;
    let items = 0;
    for await (const batch of repo.runPages(teamId, kind, runId)) {
      await deps.directoryCache.writePage(teamId, kind, runId, batch);
      items += batch.length;
      await lock.extend();
    }
    await withDirectoryWriteLock(deps, teamId, kind, async () => {
      for (const { change } of await repo.changesAfter(teamId, kind, state.currentRunStartSeq)) await deps.directoryCache.apply(teamId, runId, change);
      await deps.directoryCache.makeCurrent(teamId, kind, runId);
    });
    deps.logger.warn({ teamId, kind, runId, items }, 'directory cache was missing in Redis; rebuilt from MongoDB');
    return true;
  } finally {
    await lock.release();
  }
}

/**
 * Every few minutes: for each connected workspace, rebuild a lost cache, resume a run nobody is
 * working on, and start a full sync when there never was one or the last is older than the
 * resync interval (which repairs whatever events were missed).
 */
export async function sweepDirectories(deps: SyncRunDeps): Promise<void> {
  const maxAgeMs = deps.directoryResyncHours * 3600_000;
  for (const teamId of await deps.store.installations.activeTeamIds()) {
    for (const kind of ['channels', 'users'] as const) {
      await restoreDirectoryCache(deps, teamId, kind);
      const state = await deps.store.slackDirectory.syncState(teamId, kind);
      const stale = !state.lastCompletedAt || deps.now().getTime() - state.lastCompletedAt.getTime() > maxAgeMs;
      if (stale || state.runId) await deps.producer.syncDirectory({ teamId, kind });
    }
  }
}
