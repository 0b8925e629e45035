// Reading the channel and user directory, for the admin API and the workers: lookups by id and
// by name, search, and the sync's progress. Reads the run that completed last; before the
// first run completes, the pages synced so far, and for lookups by id a single Slack call
// (conversations.info / users.info) inside the same shared per-minute budget as the sync.
import type { SlackApi, DirectoryChannel, DirectoryUser } from '../slack/slack-api.ts';
import type { InstallationsRepository, InstalledWorkspace, SlackDirectoryRepository, DirectorySyncState } from '../store/index.ts';
import { DirectoryRateLimitedError, SlackApiError } from '../errors/index.ts';
import { callWithinBudget, type SlackCallBudget } from '../slack/tiered-call-budget.ts';
import type { DirectoryCache, SearchOptions } from './directory-cache.ts';
import type { DirectoryKind } from '../store/index.ts';

export interface DirectoryKindStatus {
  /** `never-synced`: nothing yet; `syncing`: the first run is under way; `ready`; `ready-resyncing`. */
  state: 'never-synced' | 'syncing' | 'ready' | 'ready-resyncing';
  /** The run in progress, if any. */
  sync: { startedAt: Date | null; pages: number; items: number } | null;
  /** Items in the directory as of the last completed run. */
  items: number | null;
  lastCompletedAt: Date | null;
  ageSeconds: number | null;
  lastSyncTookMs: number | null;
}

export interface DirectoryStatus {
  channels: DirectoryKindStatus;
  users: DirectoryKindStatus;
}

export interface DirectoryLookupDeps {
  cache: DirectoryCache;
  directory: SlackDirectoryRepository;
  installations: Pick<InstallationsRepository, 'botToken' | 'findByTeam'>;
  slack: Pick<SlackApi, 'channelInfo' | 'userInfo'>;
  callBudget: SlackCallBudget;
  now: () => Date;
  /** How long a single lookup may wait for Slack's budget before giving up. */
  maxBudgetWaitMs: number;
  /** Called when a completed sync exists but Redis has no copy of it (lost): asks for a rebuild. */
  onCacheLost?: (teamId: string) => Promise<void>;
}

export interface DirectoryLookup {
  channel(teamId: string, channelId: string): Promise<DirectoryChannel | null>;
  channelByName(teamId: string, name: string): Promise<DirectoryChannel | null>;
  /** Every channel with exactly this name: on an org-wide install, one per workspace that has it. */
  channelsByName(teamId: string, name: string): Promise<DirectoryChannel[]>;
  /**
   * An org-wide install's granted workspaces, which its channels name; null for a workspace
   * install (its channels are all its own workspace's).
   */
  orgWorkspaces(teamId: string): Promise<InstalledWorkspace[] | null>;
  user(teamId: string, userId: string): Promise<DirectoryUser | null>;
  userByUsername(teamId: string, username: string): Promise<DirectoryUser | null>;
  /**
   * The person (not deleted, not a bot) with this email, compared trimmed and in lower case;
   * null when there is none. From the directory only: never a Slack call.
   */
  userByEmail(teamId: string, email: string): Promise<DirectoryUser | null>;
  searchChannels(teamId: string, query: string, options: SearchOptions): Promise<DirectoryChannel[]>;
  searchUsers(teamId: string, query: string, options: SearchOptions): Promise<DirectoryUser[]>;
  status(teamId: string): Promise<DirectoryStatus>;
  /** Bytes the cache holds for the workspace's current runs. */
  memoryBytes(teamId: string): Promise<number>;
}

/** `#sales` and `@ana` as people type them. */
function bareName(name: string): string {
  return name.trim().replace(/^[#@]/, '');
}

export function kindStatus(state: DirectorySyncState, now: Date): DirectoryKindStatus {
  const ready = state.currentRunId !== null;
  const syncing = state.runId !== null;
  return {
    state: ready ? (syncing ? 'ready-resyncing' : 'ready') : syncing ? 'syncing' : 'never-synced',
    sync: syncing ? { startedAt: state.runStartedAt, pages: state.pages, items: state.items } : null,
    items: state.lastCompletedItems,
    lastCompletedAt: state.lastCompletedAt,
    ageSeconds: state.lastCompletedAt ? Math.max(0, Math.round((now.getTime() - state.lastCompletedAt.getTime()) / 1000)) : null,
    lastSyncTookMs: state.lastCompletedTookMs,
  };
}

export function createDirectoryLookup(deps: DirectoryLookupDeps): DirectoryLookup {
  const { cache } = deps;

  /** The runs to read, best first: the completed one, else the one being built. */
  async function runs(teamId: string, kind: DirectoryKind): Promise<{ current: string | null; readable: string[] }> {
    const { current, building } = await cache.runs(teamId, kind);
    // Nothing at all in Redis (a first sync under way has its building run): was it lost?
    if (!current && !building && deps.onCacheLost && (await deps.directory.syncState(teamId, kind)).currentRunId) {
      // MongoDB has a completed run that Redis does not: rebuild now rather than at the next sweep.
      await deps.onCacheLost(teamId).catch(() => undefined);
    }
    return { current, readable: current ? [current] : building ? [building] : [] };
  }

  async function fromCache<T>(teamId: string, kind: DirectoryKind, read: (runId: string) => Promise<unknown>): Promise<T | null> {
    for (const runId of (await runs(teamId, kind)).readable) {
      const found = await read(runId);
      if (found) return found as T;
    }
    return null;
  }

  /** One Slack call by id, inside the shared budget; null when Slack does not know the id. */
  async function fromSlack<T>(teamId: string, method: 'conversations.info' | 'users.info', call: (token: string) => Promise<T>): Promise<T | null> {
    const token = await deps.installations.botToken(teamId, null); // the workspace's directory is no org's data
    if (!token) return null;
    try {
      const fetched = await callWithinBudget(deps.callBudget, teamId, method, { maxWaitMs: deps.maxBudgetWaitMs }, () => call(token));
      if (!fetched.ok) throw new DirectoryRateLimitedError(method, fetched.retryAfterMs);
      return fetched.value;
    } catch (error) {
      if (error instanceof SlackApiError && ['channel_not_found', 'user_not_found'].includes(error.code)) return null;
      throw error;
    }
  }

  return {
    async channel(teamId, channelId) {
      const cached = await fromCache<DirectoryChannel>(teamId, 'channels', (run) => cache.get(teamId, 'channels', run, channelId));
      if (cached) return cached;
      // Not synced (yet), or a channel ID typed in channel-ID mode: ask Slack about this one.
      return fromSlack(teamId, 'conversations.info', (token) => deps.slack.channelInfo(token, channelId));
    },
    async channelByName(teamId, name) {
      return fromCache<DirectoryChannel>(teamId, 'channels', (run) => cache.getByName(teamId, 'channels', run, bareName(name)));
    },
    async channelsByName(teamId, name) {
      for (const runId of (await runs(teamId, 'channels')).readable) {
        const found = await cache.getAllByName(teamId, 'channels', runId, bareName(name));
        if (found.length > 0) return found as DirectoryChannel[];
      }
      return [];
    },
    async orgWorkspaces(teamId) {
      const installation = await deps.installations.findByTeam(teamId);
      return installation?.kind === 'enterprise' ? installation.workspaces : null;
    },
    async user(teamId, userId) {
      const cached = await fromCache<DirectoryUser>(teamId, 'users', (run) => cache.get(teamId, 'users', run, userId));
      if (cached) return cached;
      return fromSlack(teamId, 'users.info', (token) => deps.slack.userInfo(token, userId));
    },
    async userByUsername(teamId, username) {
      return fromCache<DirectoryUser>(teamId, 'users', (run) => cache.getByName(teamId, 'users', run, bareName(username)));
    },
    async userByEmail(teamId, email) {
      return fromCache<DirectoryUser>(
        teamId,
        'users',
        async (run) => (await cache.usersByEmail(teamId, run, email)).find((u) => !u.deleted && !u.isBot) ?? null,
      );
    },
    async searchChannels(teamId, query, options) {
      const [runId] = (await runs(teamId, 'channels')).readable;
      return runId ? ((await cache.search(teamId, 'channels', runId, query, options)) as DirectoryChannel[]) : [];
    },
    async searchUsers(teamId, query, options) {
      const [runId] = (await runs(teamId, 'users')).readable;
      return runId ? ((await cache.search(teamId, 'users', runId, query, options)) as DirectoryUser[]) : [];
    },
    async status(teamId) {
      const [channels, users] = await Promise.all([deps.directory.syncState(teamId, 'channels'), deps.directory.syncState(teamId, 'users')]);
      const now = deps.now();
      return { channels: kindStatus(channels, now), users: kindStatus(users, now) };
    },
    async memoryBytes(teamId) {
      let total = 0;
      for (const kind of ['channels', 'users'] as const) {
        const { current } = await runs(teamId, kind);
        if (current) total += await cache.memoryBytes(teamId, kind, current);
      }
      return total;
    },
  };
}
