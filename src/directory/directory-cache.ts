// The directory's hot copy in Redis, shared by every web and worker process: per workspace and
// kind (channels, users) and per sync run, a hash id → entity, a hash name → id, and two sorted
// sets used as lexicographic indexes (full names; later words of names) for prefix search; for
// users also a lexicographic index of emails (several people may share one, a deleted account
// and its successor), for the mapping suggestions.
// A run is built under its own keys while it syncs and becomes current in one SET when it
// completes, so readers never see half a directory swapped in. MongoDB holds the durable copy
// (src/store/slack-directory.repository.ts); this cache is rebuilt from it when Redis loses it.
//
// Hand-written rather than RediSearch: Debian's and most managed Redis servers do not ship the
// module, and prefix search over ZRANGEBYLEX is a few lines.
import type { Redis } from 'ioredis';
import type { DirectoryChannel, DirectoryUser } from '../slack/slack-api.ts';
import { MATCH, normaliseEmail, normaliseQuery, orderMatches, personNameTerms, wordSuffixes, type RankedMatch } from './search-terms.ts';

export type DirectoryKind = 'channels' | 'users';
export type DirectoryEntity = DirectoryChannel | DirectoryUser;

/** One change to the directory, from an event or a single lookup; applying it twice is harmless. */
export type DirectoryChange =
  | { op: 'put'; kind: 'channels'; entity: DirectoryChannel }
  | { op: 'put'; kind: 'users'; entity: DirectoryUser }
  | { op: 'patch'; kind: 'channels'; id: string; fields: Partial<Omit<DirectoryChannel, 'id'>> }
  | { op: 'remove'; kind: DirectoryKind; id: string };

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
  setBuilding(teamId: string, kind: DirectoryKind, runId: string): Promise<void>;
  /** Makes `runId` current; returns the run it replaced. */
  makeCurrent(teamId: string, kind: DirectoryKind, runId: string): Promise<string | null>;
  writePage(teamId: string, kind: DirectoryKind, runId: string, entities: DirectoryEntity[]): Promise<void>;
  apply(teamId: string, runId: string, change: DirectoryChange): Promise<void>;
  dropRun(teamId: string, kind: DirectoryKind, runId: string): Promise<void>;
  get(teamId: string, kind: DirectoryKind, runId: string, id: string): Promise<DirectoryEntity | null>;
  getByName(teamId: string, kind: DirectoryKind, runId: string, name: string): Promise<DirectoryEntity | null>;
  search(teamId: string, kind: DirectoryKind, runId: string, query: string, options: SearchOptions): Promise<DirectoryEntity[]>;
  /** Every user of the run with this email (compared trimmed, in lower case), deleted ones and bots included. */
  usersByEmail(teamId: string, runId: string, email: string): Promise<DirectoryUser[]>;
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

/** The end of a lexicographic prefix range: the prefix followed by byte 0xFF. */
function prefixRange(prefix: string): [Buffer, Buffer] {
  const p = Buffer.from(prefix, 'utf8');
  return [Buffer.concat([Buffer.from('['), p]), Buffer.concat([Buffer.from('['), p, Buffer.from([0xff])])];
}

export function createDirectoryCache(redis: Redis, prefix: string): DirectoryCache {
  const base = (teamId: string, kind: DirectoryKind) => `${prefix}:dir:${teamId}:${kind}`;
  const keys = (teamId: string, kind: DirectoryKind, runId: string) => {
    const k = `${base(teamId, kind)}:run:${runId}`;
    // `emailsIndexed` marks a users run written with the email index (runs cached before it
    // existed get theirs built on first use).
    return { byId: `${k}:id`, byName: `${k}:name`, names: `${k}:names`, words: `${k}:words`, emails: `${k}:emails`, emailsIndexed: `${k}:emails-indexed` };
  };

  async function entitiesById(k: ReturnType<typeof keys>, ids: string[]): Promise<Map<string, DirectoryEntity>> {
    const out = new Map<string, DirectoryEntity>();
    if (ids.length === 0) return out;
    const raw = await redis.hmget(k.byId, ...ids);
    raw.forEach((json, i) => {
      if (json) out.set(ids[i]!, JSON.parse(json) as DirectoryEntity);
    });
    return out;
  }

  /** Ids from a lex index whose term starts with `q`, in term order, scanning in chunks. */
  async function* prefixIds(key: string, q: string, chunk: number): AsyncGenerator<Array<{ id: string; term: string }>> {
    const [min, max] = prefixRange(q);
    for (let offset = 0; ; offset += chunk) {
      const members = await redis.zrangebylex(key, min, max, 'LIMIT', offset, chunk);
      if (members.length === 0) return;
      yield members.map((m) => {
        const at = m.lastIndexOf(SEP);
        return { term: m.slice(0, at), id: m.slice(at + 1) };
      });
      if (members.length < chunk) return;
    }
  }

  /** Builds the email index of a users run cached before the index existed. */
  async function indexEmails(k: ReturnType<typeof keys>): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(k.byId, cursor, 'COUNT', 1000);
      cursor = next;
      const emails: Array<number | string> = [];
      for (let i = 1; i < flat.length; i += 2) {
        const email = emailTerm('users', JSON.parse(flat[i]!) as DirectoryUser);
        if (email) emails.push(0, email);
      }
      if (emails.length > 0) await redis.zadd(k.emails, ...emails);
    } while (cursor !== '0');
    await redis.set(k.emailsIndexed, '1');
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
      return redis.get(`${base(teamId, kind)}:current`);
    },
    async buildingRun(teamId, kind) {
      return redis.get(`${base(teamId, kind)}:building`);
    },
    async setBuilding(teamId, kind, runId) {
      await redis.set(`${base(teamId, kind)}:building`, runId);
    },
    async makeCurrent(teamId, kind, runId) {
      const [[, previous]] = (await redis
        .multi()
        .getset(`${base(teamId, kind)}:current`, runId)
        .del(`${base(teamId, kind)}:building`)
        .exec()) as [[Error | null, string | null], unknown];
      return previous === runId ? null : previous;
    },
    async writePage(teamId, kind, runId, entities) {
      if (entities.length === 0) return;
      const k = keys(teamId, kind, runId);
      const byId: string[] = [];
      const byName: string[] = [];
      const names: Array<number | string> = [];
      const words: Array<number | string> = [];
      const emails: Array<number | string> = [];
      for (const e of entities) {
        const name = nameOf(kind, e);
        byId.push(e.id, JSON.stringify(e));
        byName.push(name, e.id);
        names.push(0, `${name.toLowerCase()}${SEP}${e.id}`);
        for (const t of wordTerms(kind, e)) words.push(0, `${t}${SEP}${e.id}`);
        const email = emailTerm(kind, e);
        if (email) emails.push(0, email);
      }
      const p = redis.pipeline().hset(k.byId, ...byId).hset(k.byName, ...byName).zadd(k.names, ...names);
      if (words.length > 0) p.zadd(k.words, ...words);
      if (emails.length > 0) p.zadd(k.emails, ...emails);
      if (kind === 'users') p.set(k.emailsIndexed, '1');
      await p.exec();
    },
    async apply(teamId, runId, change) {
      const kind = change.kind;
      const k = keys(teamId, kind, runId);
      const id = change.op === 'put' ? change.entity.id : change.id;
      const oldJson = await redis.hget(k.byId, id);
      const old = oldJson ? (JSON.parse(oldJson) as DirectoryEntity) : null;
      let next: DirectoryEntity | null;
      if (change.op === 'put') next = change.entity;
      else if (change.op === 'patch') next = old ? ({ ...old, ...change.fields } as DirectoryEntity) : null;
      else next = null;
      if (change.op === 'patch' && !old) return; // a change to something this run never saw

      const m = redis.multi();
      if (old) {
        const oldName = nameOf(kind, old);
        m.zrem(k.names, `${oldName.toLowerCase()}${SEP}${id}`);
        const oldWords = wordTerms(kind, old);
        if (oldWords.length > 0) m.zrem(k.words, ...oldWords.map((t) => `${t}${SEP}${id}`));
        const oldEmail = emailTerm(kind, old);
        if (oldEmail) m.zrem(k.emails, oldEmail);
        m.hdel(k.byId, id);
      }
      if (next) {
        const name = nameOf(kind, next);
        m.hset(k.byId, id, JSON.stringify(next)).hset(k.byName, name, id).zadd(k.names, 0, `${name.toLowerCase()}${SEP}${id}`);
        const words = wordTerms(kind, next);
        if (words.length > 0) m.zadd(k.words, ...words.flatMap((t) => [0, `${t}${SEP}${id}`]));
        const email = emailTerm(kind, next);
        if (email) m.zadd(k.emails, 0, email);
      }
      await m.exec();
      // The old name may now belong to another entity (two renames crossing): only drop our own.
      if (old && (!next || nameOf(kind, next) !== nameOf(kind, old))) {
        const oldName = nameOf(kind, old);
        if ((await redis.hget(k.byName, oldName)) === id) await redis.hdel(k.byName, oldName);
      }
    },
    async dropRun(teamId, kind, runId) {
      const k = keys(teamId, kind, runId);
      await redis.unlink(...Object.values(k));
    },
    async get(teamId, kind, runId, id) {
      const json = await redis.hget(keys(teamId, kind, runId).byId, id);
      return json ? (JSON.parse(json) as DirectoryEntity) : null;
    },
    async getByName(teamId, kind, runId, name) {
      const k = keys(teamId, kind, runId);
      const id = await redis.hget(k.byName, name);
      if (!id) return null;
      const found = (await entitiesById(k, [id])).get(id) ?? null;
      return found && nameOf(kind, found) === name ? found : null;
    },
    async search(teamId, kind, runId, query, options) {
      const k = keys(teamId, kind, runId);
      const q = normaliseQuery(query);
      const includeInactive = options.includeInactive ?? false;
      const limit = options.limit;
      const chunk = Math.max(50, limit * 3);
      const ranked: RankedMatch[] = [];
      const entities = new Map<string, DirectoryEntity>();

      // Each index in term order, until it has given `limit` offerable entities: best matches
      // come first within an index, and the indexes are asked best first.
      const fromIndex = async (key: string, rankOf: (term: string) => RankedMatch['rank']) => {
        let taken = 0;
        for await (const batch of prefixIds(key, q, chunk)) {
          const found = await entitiesById(k, batch.map((b) => b.id));
          for (const { id, term } of batch) {
            const e = found.get(id);
            if (!e || !offerable(kind, e, includeInactive) || entities.has(id)) continue;
            entities.set(id, e);
            ranked.push({ id, name: nameOf(kind, e), term, rank: rankOf(term) });
            if (++taken >= limit) return;
          }
        }
      };
      await fromIndex(k.names, (term) => (term === q ? MATCH.exact : MATCH.namePrefix));
      if (ranked.length < limit && q !== '') await fromIndex(k.words, () => MATCH.word);
      return orderMatches(ranked).slice(0, limit).map((m) => entities.get(m.id)!);
    },
    async usersByEmail(teamId, runId, email) {
      const wanted = normaliseEmail(email);
      if (!wanted) return [];
      const k = keys(teamId, 'users', runId);
      if (!(await redis.exists(k.emailsIndexed))) await indexEmails(k);
      const [min, max] = prefixRange(`${wanted}${SEP}`);
      const ids = (await redis.zrangebylex(k.emails, min, max)).map((m) => m.slice(m.lastIndexOf(SEP) + 1));
      const found = await entitiesById(k, ids);
      // An entry a concurrent change made stale is dropped by checking the user's email itself.
      return ids.flatMap((id) => {
        const u = found.get(id) as DirectoryUser | undefined;
        return u && normaliseEmail(u.email) === wanted ? [u] : [];
      });
    },
    async memoryBytes(teamId, kind, runId) {
      const k = keys(teamId, kind, runId);
      let total = 0;
      for (const key of Object.values(k)) total += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
      return total;
    },
    async nextChangeSeq(teamId) {
      return redis.incr(`${prefix}:dir:${teamId}:change-seq`);
    },
    async changeSeq(teamId) {
      return Number((await redis.get(`${prefix}:dir:${teamId}:change-seq`)) ?? 0);
    },
  };
}
