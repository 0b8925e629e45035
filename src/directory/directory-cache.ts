// The directory's hot copy in Redis, shared by every web and worker process: per workspace and
// kind (channels, users) and per sync run, four lexicographic indexes (lex-blocks.ts): the
// entities by id, their full names, the later words of their names (for prefix search) and, for
// users, their emails (several people may share one, a deleted account and its successor; for
// the mapping suggestions). Lookups by name read the names index: no separate name → id map.
// A run is built under its own keys while it syncs and becomes current in one SET when it
// completes, so readers never see half a directory swapped in. MongoDB holds the durable copy
// (src/store/slack-directory.repository.ts); this cache is rebuilt from it when Redis loses it.
//
// Hand-written rather than RediSearch: Debian's and most managed Redis servers do not ship the
// module, and prefix search over sorted members is a few lines.
import type { RedisClient } from '../redis-connection.ts';
import type { DirectoryChannel, DirectoryUser } from '../slack/slack-api.ts';
import type { DirectoryChange, DirectoryEntity, DirectoryKind } from '../store/index.ts';
import { createLexBlocks, type LexEdit } from './lex-blocks.ts';
import { MATCH, normaliseEmail, normaliseQuery, orderMatches, personNameTerms, wordSuffixes, type RankedMatch } from './search-terms.ts';

export interface SearchOptions {
  limit: number;
  /** Channels: archived ones are left out unless asked for. Users: deleted users and bots likewise. */
  includeInactive?: boolean;
}

export interface DirectoryCache {
  /** The run lookups read, or null (never synced, or Redis lost it). */
  currentRun(teamId: string, kind: DirectoryKind): Promise<string | null>;
  /** The run being synced now, if any; read when there is no current run yet. */
  buildingRun(teamId: string, kind: DirectoryKind): Promise<string | null>;
  /** Both, as they read at one moment, in one Redis command. */
  runs(teamId: string, kind: DirectoryKind): Promise<{ current: string | null; building: string | null }>;
  setBuilding(teamId: string, kind: DirectoryKind, runId: string): Promise<void>;
  /** Makes `runId` current; returns the run it replaced. */
  makeCurrent(teamId: string, kind: DirectoryKind, runId: string): Promise<string | null>;
  writePage(teamId: string, kind: DirectoryKind, runId: string, entities: DirectoryEntity[]): Promise<void>;
  apply(teamId: string, runId: string, change: DirectoryChange): Promise<void>;
  dropRun(teamId: string, kind: DirectoryKind, runId: string): Promise<void>;
  get(teamId: string, kind: DirectoryKind, runId: string, id: string): Promise<DirectoryEntity | null>;
  getByName(teamId: string, kind: DirectoryKind, runId: string, name: string): Promise<DirectoryEntity | null>;
  /** Every entity with exactly this name: an org-wide install's workspaces may each have a #sales. */
  getAllByName(teamId: string, kind: DirectoryKind, runId: string, name: string): Promise<DirectoryEntity[]>;
  search(teamId: string, kind: DirectoryKind, runId: string, query: string, options: SearchOptions): Promise<DirectoryEntity[]>;
  /** Every user of the run with this email (compared trimmed, in lower case), deleted ones and bots included. */
  usersByEmail(teamId: string, runId: string, email: string): Promise<DirectoryUser[]>;
  /**
   * Of these ids, those a sync page of the run has not written yet (`markSynced`): an org-wide
   * install lists each workspace in turn, and a person (or a channel shared across the org's
   * workspaces) is in several lists but stored once.
   */
  notSyncedYet(teamId: string, kind: DirectoryKind, runId: string, ids: string[]): Promise<string[]>;
  markSynced(teamId: string, kind: DirectoryKind, runId: string, ids: string[]): Promise<void>;
  /** Bytes Redis holds for one run (MEMORY USAGE of its keys, every element sampled). */
  memoryBytes(teamId: string, kind: DirectoryKind, runId: string): Promise<number>;
  /** A per-workspace sequence: orders changes across processes. */
  nextChangeSeq(teamId: string): Promise<number>;
  changeSeq(teamId: string): Promise<number>;
  /**
   * The app joined (or was found in) a public channel: remembered for an hour, so that chats
   * starting there do not each call conversations.join (Tier 3) while the directory has no copy.
   */
  rememberAppInChannel(teamId: string, channelId: string): Promise<void>;
  appInChannelRemembered(teamId: string, channelId: string): Promise<boolean>;
  /** The app left or was removed: forgotten, so the next thread there joins again. */
  forgetAppInChannel(teamId: string, channelId: string): Promise<void>;
}

const APP_IN_CHANNEL_TTL_SEC = 3600;

const SEP = '\u0000';

function nameOf(kind: DirectoryKind, e: DirectoryEntity): string {
  return kind === 'channels' ? (e as DirectoryChannel).name : (e as DirectoryUser).username;
}

/** The later-word terms an entity is indexed under (its name is indexed on its own). */
function wordTerms(kind: DirectoryKind, e: DirectoryEntity): string[] {
  if (kind === 'channels') return wordSuffixes((e as DirectoryChannel).name);
  const u = e as DirectoryUser;
  const username = u.username.toLowerCase();
  return [...new Set([...wordSuffixes(username), ...personNameTerms(u.displayName, u.realName)])].filter((t) => t !== username);
}

/** Every term an entity is found by: its name, in lower case, and its later words. */
function termsOf(kind: DirectoryKind, e: DirectoryEntity): Set<string> {
  return new Set([nameOf(kind, e).toLowerCase(), ...wordTerms(kind, e)]);
}

/** The email index's member for a user, or null when Slack showed no email. */
function emailTerm(kind: DirectoryKind, e: DirectoryEntity): string | null {
  if (kind !== 'users') return null;
  const email = normaliseEmail((e as DirectoryUser).email);
  return email ? `${email}${SEP}${e.id}` : null;
}

/** What a picker may offer: a private channel only where the app is a member. */
function offerable(kind: DirectoryKind, e: DirectoryEntity, includeInactive: boolean): boolean {
  if (kind === 'channels') {
    const c = e as DirectoryChannel;
    return (!c.isPrivate || c.isMember) && (includeInactive || !c.isArchived);
  }
  const u = e as DirectoryUser;
  return includeInactive || (!u.deleted && !u.isBot);
}

/**
 * An entity as the id index stores it: its id, NUL, its fields as a JSON array without their
 * names (a third the bytes of the object: most members then fit a compact block's 64 bytes).
 */
function encodeEntity(kind: DirectoryKind, e: DirectoryEntity): string {
  // An org-wide install's channel names its workspace last, after Slack Connect's flag (then 0 or 1).
  if (kind === 'channels' && (e as DirectoryChannel).workspaceId) {
    const c = e as DirectoryChannel;
    return `${c.id}${SEP}${JSON.stringify([c.name, c.isPrivate ? 1 : 0, c.isArchived ? 1 : 0, c.isMember ? 1 : 0, c.memberCount, c.isExtShared ? 1 : 0, c.workspaceId])}`;
  }
  if (kind === 'channels') {
    const c = e as DirectoryChannel;
    // Slack Connect's flag only when set (most channels are not shared): older members lack it.
    const shared = c.isExtShared ? [1] : [];
    return `${c.id}${SEP}${JSON.stringify([c.name, c.isPrivate ? 1 : 0, c.isArchived ? 1 : 0, c.isMember ? 1 : 0, c.memberCount, ...shared])}`;
  }
  const u = e as DirectoryUser;
  return `${u.id}${SEP}${JSON.stringify([u.username, u.displayName, u.realName, u.email, u.deleted ? 1 : 0, u.isBot ? 1 : 0])}`;
}

function decodeEntity(kind: DirectoryKind, member: string): DirectoryEntity {
  const at = member.indexOf(SEP);
  const id = member.slice(0, at);
  const f = JSON.parse(member.slice(at + 1)) as [string, ...unknown[]];
  if (kind === 'channels') {
    const [name, isPrivate, isArchived, isMember, memberCount, isExtShared] = f as [string, number, number, number, number | null, number?];
    const channel: DirectoryChannel = { id, name, isPrivate: isPrivate === 1, isArchived: isArchived === 1, isMember: isMember === 1, memberCount };
    return isExtShared === 1 ? { ...channel, isExtShared: true } : channel;
  }
  const [username, displayName, realName, email, deleted, isBot] = f as [string, string, string, string | null, number, number];
  return { id, username, displayName, realName, email, deleted: deleted === 1, isBot: isBot === 1 };
}

/** An id index member as an entity: a channel's workspace, when it names one, is its last field (a string). */
function decodeMember(kind: DirectoryKind, member: string): DirectoryEntity {
  const entity = decodeEntity(kind, member);
  if (kind !== 'channels' || !member.endsWith('"]')) return entity;
  const fields = JSON.parse(member.slice(member.indexOf(SEP) + 1)) as unknown[];
  return { ...entity, workspaceId: fields[6] as string };
}

/** The id part of an index member `term NUL id` (terms may hold anything, ids never a NUL). */
const idOf = (member: string) => member.slice(member.lastIndexOf(SEP) + 1);

/**
 * Bumped when the layout of a run's keys changes: a deployment's older copies are then not read
 * (lookups find no current run and rebuild the directory from MongoDB) and are freed at the next
 * sync. 'blocks1': the indexes kept in small blocks (lex-blocks.ts); before it, one hash and one
 * sorted set per index, and a hash of names.
 */
const LAYOUT = 'blocks1';

export function createDirectoryCache(redis: RedisClient, prefix: string): DirectoryCache {
  const lex = createLexBlocks(redis);
  const base = (teamId: string, kind: DirectoryKind) => `${prefix}:dir:${teamId}:${kind}`;
  const pointer = (teamId: string, kind: DirectoryKind, which: 'current' | 'building') => `${base(teamId, kind)}:${which}:${LAYOUT}`;
  // One root per index of a run; the braces make the run's keys one Redis Cluster slot.
  const roots = (teamId: string, kind: DirectoryKind, runId: string) => {
    const k = `${base(teamId, kind)}:{${LAYOUT}:${runId}}`;
    return { byId: `${k}:id`, names: `${k}:names`, words: `${k}:words`, emails: `${k}:emails` };
  };
  type Roots = ReturnType<typeof roots>;

  /**
   * The index members an entity is stored under, as edits of one kind. In the id index the
   * entity replaces (or removes) whatever the run has under its id: a page written after a change
   * to the same entity, or two processes writing it at once, leave one entity, not two.
   */
  function editsFor(op: 'add' | 'remove', kind: DirectoryKind, r: Roots, e: DirectoryEntity): LexEdit[] {
    const edits: LexEdit[] = [
      { op: op === 'add' ? 'put' : 'removeKey', root: r.byId, member: encodeEntity(kind, e) },
      { op, root: r.names, member: `${nameOf(kind, e).toLowerCase()}${SEP}${e.id}` },
    ];
    for (const t of wordTerms(kind, e)) edits.push({ op, root: r.words, member: `${t}${SEP}${e.id}` });
    const email = emailTerm(kind, e);
    if (email) edits.push({ op, root: r.emails, member: email });
    return edits;
  }

  async function entitiesById(kind: DirectoryKind, r: Roots, ids: string[]): Promise<Map<string, DirectoryEntity>> {
    const unique = [...new Set(ids)];
    const found = await lex.firstWithPrefix(
      r.byId,
      unique.map((id) => `${id}${SEP}`),
    );
    const out = new Map<string, DirectoryEntity>();
    found.forEach((member, i) => {
      if (member) out.set(unique[i]!, decodeMember(kind, member));
    });
    return out;
  }

  async function allByName(kind: DirectoryKind, r: Roots, name: string): Promise<DirectoryEntity[]> {
    // Names are indexed in lower case: the exact name is among the few sharing it.
    const ids = (await lex.withPrefix(r.names, `${name.toLowerCase()}${SEP}`, 10)).map(idOf);
    const found = await entitiesById(kind, r, ids);
    return ids.flatMap((id) => {
      const e = found.get(id);
      return e && nameOf(kind, e) === name ? [e] : [];
    });
  }

  /** Members of an index whose term starts with `q`, in term order, read in chunks. */
  async function* prefixIds(root: string, q: string, chunk: number): AsyncGenerator<Array<{ id: string; term: string }>> {
    let after: string | undefined;
    for (;;) {
      const members = await lex.withPrefix(root, q, chunk, after);
      if (members.length === 0) return;
      yield members.map((m) => ({ term: m.slice(0, m.lastIndexOf(SEP)), id: idOf(m) }));
      if (members.length < chunk) return;
      after = members.at(-1);
    }
  }

  async function runKeys(teamId: string, kind: DirectoryKind, runId: string): Promise<string[]> {
    return (await Promise.all(Object.values(roots(teamId, kind, runId)).map((root) => lex.keys(root)))).flat();
  }

  // The ids an org-wide run's pages wrote; a run left for good (its cursor refused) expires with it.
  const syncedKey = (teamId: string, kind: DirectoryKind, runId: string) => `${base(teamId, kind)}:{${LAYOUT}:${runId}}:synced`;
  const SYNCED_TTL_SEC = 7 * 24 * 3600;

  /** Frees what the layout before LAYOUT kept for this kind (once: its pointer goes with it). */
  async function dropEarlierLayout(teamId: string, kind: DirectoryKind): Promise<void> {
    const old = await redis.get(`${base(teamId, kind)}:current`);
    const building = await redis.get(`${base(teamId, kind)}:building`);
    const runs = [old, building].filter((r): r is string => r !== null);
    const keysOf = (run: string) => ['id', 'name', 'names', 'words', 'emails', 'emails-indexed'].map((s) => `${base(teamId, kind)}:run:${run}:${s}`);
    await redis.unlink(`${base(teamId, kind)}:current`, `${base(teamId, kind)}:building`, ...runs.flatMap(keysOf));
  }

  const appInChannelKey = (teamId: string, channelId: string) => `${prefix}:dir:${teamId}:app-in:${channelId}`;

  return {
    async rememberAppInChannel(teamId, channelId) {
      await redis.set(appInChannelKey(teamId, channelId), '1', 'EX', APP_IN_CHANNEL_TTL_SEC);
    },
    async appInChannelRemembered(teamId, channelId) {
      return (await redis.exists(appInChannelKey(teamId, channelId))) === 1;
    },
    async forgetAppInChannel(teamId, channelId) {
      await redis.del(appInChannelKey(teamId, channelId));
    },
    async currentRun(teamId, kind) {
      return redis.get(pointer(teamId, kind, 'current'));
    },
    async buildingRun(teamId, kind) {
      return redis.get(pointer(teamId, kind, 'building'));
    },
    async runs(teamId, kind) {
      const [current = null, building = null] = await redis.mget(pointer(teamId, kind, 'current'), pointer(teamId, kind, 'building'));
      return { current, building };
    },
    async setBuilding(teamId, kind, runId) {
      await redis.set(pointer(teamId, kind, 'building'), runId);
    },
    async makeCurrent(teamId, kind, runId) {
      const [[, previous]] = (await redis
        .multi()
        .getset(pointer(teamId, kind, 'current'), runId)
        .del(pointer(teamId, kind, 'building'))
        .exec()) as [[Error | null, string | null], unknown];
      await dropEarlierLayout(teamId, kind);
      await redis.unlink(syncedKey(teamId, kind, runId)); // complete: no page of it comes any more
      return previous === runId ? null : previous;
    },
    async writePage(teamId, kind, runId, entities) {
      const r = roots(teamId, kind, runId);
      await lex.edit(entities.flatMap((e) => editsFor('add', kind, r, e)));
    },
    async apply(teamId, runId, change) {
      const kind = change.kind;
      const r = roots(teamId, kind, runId);
      const id = change.op === 'put' || change.op === 'add' ? change.entity.id : change.id;
      const old = (await entitiesById(kind, r, [id])).get(id) ?? null;
      if (change.op === 'patch' && !old) return; // a change to something this run never saw
      if (change.op === 'add' && old) return;
      let next: DirectoryEntity | null;
      if (change.op === 'put' || change.op === 'add') next = change.entity;
      else if (change.op === 'patch') next = { ...old!, ...change.fields } as DirectoryEntity;
      else next = null;
      // One script: readers see the entity before or after, in every index at once.
      await lex.edit([...(old ? editsFor('remove', kind, r, old) : []), ...(next ? editsFor('add', kind, r, next) : [])]);
    },
    async dropRun(teamId, kind, runId) {
      const keys = await runKeys(teamId, kind, runId);
      await redis.unlink(...keys, syncedKey(teamId, kind, runId));
    },
    async notSyncedYet(teamId, kind, runId, ids) {
      if (ids.length === 0) return [];
      const seen = await redis.smismember(syncedKey(teamId, kind, runId), ...ids);
      return ids.filter((_, i) => seen[i] !== 1);
    },
    async markSynced(teamId, kind, runId, ids) {
      if (ids.length === 0) return;
      const key = syncedKey(teamId, kind, runId);
      await redis
        .multi()
        .sadd(key, ...ids)
        .expire(key, SYNCED_TTL_SEC)
        .exec();
    },
    async get(teamId, kind, runId, id) {
      return (await entitiesById(kind, roots(teamId, kind, runId), [id])).get(id) ?? null;
    },
    async getByName(teamId, kind, runId, name) {
      return (await allByName(kind, roots(teamId, kind, runId), name))[0] ?? null;
    },
    async getAllByName(teamId, kind, runId, name) {
      return allByName(kind, roots(teamId, kind, runId), name);
    },
    async search(teamId, kind, runId, query, options) {
      const r = roots(teamId, kind, runId);
      const q = normaliseQuery(query);
      const includeInactive = options.includeInactive ?? false;
      const limit = options.limit;
      const chunk = Math.max(50, limit * 3);
      const ranked: RankedMatch[] = [];
      const entities = new Map<string, DirectoryEntity>();

      // Each index in term order, until it has given `limit` offerable entities: best matches
      // come first within an index, and the indexes are asked best first.
      const fromIndex = async (root: string, rankOf: (term: string) => RankedMatch['rank']) => {
        let taken = 0;
        for await (const batch of prefixIds(root, q, chunk)) {
          const found = await entitiesById(
            kind,
            r,
            batch.map((b) => b.id),
          );
          for (const { id, term } of batch) {
            const e = found.get(id);
            if (!e || !offerable(kind, e, includeInactive) || entities.has(id)) continue;
            // A term a page wrote for an entity changed meanwhile (renamed) is not its own any more.
            if (!termsOf(kind, e).has(term)) continue;
            entities.set(id, e);
            ranked.push({ id, name: nameOf(kind, e), term, rank: rankOf(term) });
            if (++taken >= limit) return;
          }
        }
      };
      await fromIndex(r.names, (term) => (term === q ? MATCH.exact : MATCH.namePrefix));
      if (ranked.length < limit && q !== '') await fromIndex(r.words, () => MATCH.word);
      return orderMatches(ranked)
        .slice(0, limit)
        .map((m) => entities.get(m.id)!);
    },
    async usersByEmail(teamId, runId, email) {
      const wanted = normaliseEmail(email);
      if (!wanted) return [];
      const r = roots(teamId, 'users', runId);
      const ids = (await lex.withPrefix(r.emails, `${wanted}${SEP}`, 100)).map(idOf);
      const found = await entitiesById('users', r, ids);
      // An entry a concurrent change made stale is dropped by checking the user's email itself.
      return ids.flatMap((id) => {
        const u = found.get(id) as DirectoryUser | undefined;
        return u && normaliseEmail(u.email) === wanted ? [u] : [];
      });
    },
    async memoryBytes(teamId, kind, runId) {
      const keys = await runKeys(teamId, kind, runId);
      const p = redis.pipeline();
      for (const key of keys) p.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      const answers = (await p.exec()) ?? [];
      return answers.reduce((sum, [, bytes]) => sum + Number(bytes ?? 0), 0);
    },
    async nextChangeSeq(teamId) {
      return redis.incr(`${prefix}:dir:${teamId}:change-seq`);
    },
    async changeSeq(teamId) {
      return Number((await redis.get(`${prefix}:dir:${teamId}:change-seq`)) ?? 0);
    },
  };
}
