// The directory's Redis copy: lookups by id and name, search order and what a picker may offer,
// changes (renames, archives, deletions) reflected in every index, and runs swapped whole.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import type { DirectoryChannel, DirectoryUser } from '../../src/slack/slack-api.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());

const ch = (id: string, name: string, more: Partial<DirectoryChannel> = {}): DirectoryChannel => ({
  id,
  name,
  isPrivate: false,
  isArchived: false,
  isMember: false,
  memberCount: 3,
  ...more,
});
const user = (id: string, username: string, more: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  username,
  displayName: '',
  realName: '',
  email: null,
  deleted: false,
  isBot: false,
  ...more,
});

async function channelsIn(run: string, channels: DirectoryChannel[]) {
  const cache = createDirectoryCache(redis, uniquePrefix('dir'));
  await cache.writePage('T1', 'channels', run, channels);
  const names = async (q: string, options: { limit?: number; includeInactive?: boolean } = {}) =>
    (await cache.search('T1', 'channels', run, q, { limit: options.limit ?? 10, ...options })).map((c) => (c as DirectoryChannel).name);
  return { cache, names };
}

describe('directory cache: search', () => {
  const channels = [
    ch('C1', 'sales'),
    ch('C2', 'sales-emea'),
    ch('C3', 'sales-us'),
    ch('C4', 'eu-sales'),
    ch('C5', 'team_sales_leads'),
    ch('C6', 'salesforce-alerts'),
    ch('C7', 'random'),
    ch('G1', 'sales-secret', { isPrivate: true, isMember: false }),
    ch('G2', 'sales-vip', { isPrivate: true, isMember: true }),
    ch('C8', 'sales-old', { isArchived: true }),
  ];

  it.each([
    { q: 'sales', expected: ['sales', 'sales-emea', 'sales-us', 'sales-vip', 'salesforce-alerts', 'eu-sales', 'team_sales_leads'] },
    { q: '#Sales-E', expected: ['sales-emea'] },
    { q: 'lead', expected: ['team_sales_leads'] },
    { q: 'alerts', expected: ['salesforce-alerts'] },
    { q: 'sales_l', expected: ['team_sales_leads'] },
    { q: 'nothing', expected: [] },
    { q: 'secret', expected: [] },
  ])('$q → $expected (exact, then name prefixes, then word prefixes; private only where the app is in)', async ({ q, expected }) => {
    const { names } = await channelsIn('r1', channels);
    expect(await names(q)).toEqual(expected);
  });

  it('limits results, keeping the best', async () => {
    const { names } = await channelsIn('r1', channels);
    expect(await names('sales', { limit: 2 })).toEqual(['sales', 'sales-emea']);
  });

  it('archived channels only when asked for', async () => {
    const { names } = await channelsIn('r1', channels);
    expect(await names('sales-o')).toEqual([]);
    expect(await names('sales-o', { includeInactive: true })).toEqual(['sales-old']);
  });

  it('an empty query lists names A–Z', async () => {
    const { names } = await channelsIn('r1', channels);
    expect(await names('', { limit: 3 })).toEqual(['eu-sales', 'random', 'sales']);
  });

  it('finds users by username, display name and real name words; not deleted users or bots', async () => {
    const cache = createDirectoryCache(redis, uniquePrefix('dir'));
    await cache.writePage('T1', 'users', 'r1', [
      user('U1', 'ana.lopez', { displayName: 'Ana', realName: 'Ana María López' }),
      user('U2', 'bob', { realName: 'Bob Marley' }),
      user('U3', 'maria', { realName: 'María Pérez' }),
      user('U4', 'gone', { realName: 'Ana Gone', deleted: true }),
      user('U5', 'threadbridge', { realName: 'Threadbridge', isBot: true }),
    ]);
    const usernames = async (q: string) => (await cache.search('T1', 'users', 'r1', q, { limit: 10 })).map((u) => (u as DirectoryUser).username);
    expect(await usernames('ana')).toEqual(['ana.lopez']);
    expect(await usernames('lop')).toEqual(['ana.lopez']);
    expect(await usernames('marí')).toEqual(['ana.lopez', 'maria']);
    expect(await usernames('maria')).toEqual(['maria']);
    expect(await usernames('@bob')).toEqual(['bob']);
    expect(await usernames('thread')).toEqual([]);
    expect(await cache.getByName('T1', 'users', 'r1', 'gone')).toMatchObject({ id: 'U4', deleted: true });
  });
});

describe('directory cache: changes', () => {
  it('a rename moves the channel in every index; the old name finds nothing', async () => {
    const { cache, names } = await channelsIn('r1', [ch('C1', 'old-deals'), ch('C2', 'other')]);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { name: 'new-deals' } });
    expect(await cache.getByName('T1', 'channels', 'r1', 'old-deals')).toBeNull();
    expect(await cache.getByName('T1', 'channels', 'r1', 'new-deals')).toMatchObject({ id: 'C1', memberCount: 3 });
    expect(await names('old')).toEqual([]);
    expect(await names('deals')).toEqual(['new-deals']);
  });

  it('a channel shared with another company (Slack Connect) keeps the flag in every lookup, and loses it when unshared', async () => {
    const { cache } = await channelsIn('r1', [ch('C1', 'partner-deals', { isExtShared: true }), ch('C2', 'deals')]);
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toEqual(ch('C1', 'partner-deals', { isExtShared: true }));
    expect(await cache.getByName('T1', 'channels', 'r1', 'partner-deals')).toMatchObject({ isExtShared: true });
    expect(await cache.search('T1', 'channels', 'r1', 'deals', { limit: 5 })).toEqual([ch('C2', 'deals'), ch('C1', 'partner-deals', { isExtShared: true })]);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C2', fields: { isExtShared: true } });
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { isExtShared: false } });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toEqual(ch('C1', 'partner-deals'));
    expect(await cache.get('T1', 'channels', 'r1', 'C2')).toEqual(ch('C2', 'deals', { isExtShared: true }));
  });

  it('names passed between channels (a → tmp, b → a, tmp → b) end up right', async () => {
    const { cache } = await channelsIn('r1', [ch('C1', 'alpha'), ch('C2', 'beta')]);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { name: 'tmp' } });
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C2', fields: { name: 'alpha' } });
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { name: 'beta' } });
    expect(await cache.getByName('T1', 'channels', 'r1', 'alpha')).toMatchObject({ id: 'C2' });
    expect(await cache.getByName('T1', 'channels', 'r1', 'beta')).toMatchObject({ id: 'C1' });
    expect(await cache.getByName('T1', 'channels', 'r1', 'tmp')).toBeNull();
  });

  it('archive, unarchive, removal; a patch of a channel the run never saw does nothing; applying twice is harmless', async () => {
    const { cache, names } = await channelsIn('r1', [ch('C1', 'deals')]);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { isArchived: true } });
    expect(await names('deals')).toEqual([]);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { isArchived: false } });
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { isArchived: false } });
    expect(await names('deals')).toEqual(['deals']);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C9', fields: { name: 'ghost' } });
    expect(await cache.get('T1', 'channels', 'r1', 'C9')).toBeNull();
    await cache.apply('T1', 'r1', { op: 'remove', kind: 'channels', id: 'C1' });
    await cache.apply('T1', 'r1', { op: 'remove', kind: 'channels', id: 'C1' });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toBeNull();
    expect(await names('')).toEqual([]);
  });

  it('a channel_created handled after the app joined (or replayed over a fresher page) keeps what the run knows', async () => {
    const { cache } = await channelsIn('r1', []);
    const created = ch('C1', 'bench-1', { isMember: false, memberCount: null });
    await cache.apply('T1', 'r1', { op: 'add', kind: 'channels', entity: created });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toEqual(created);
    await cache.apply('T1', 'r1', { op: 'put', kind: 'channels', entity: ch('C1', 'bench-1', { isMember: true, memberCount: 3 }) });
    // The creation event again, late: the app is still in the channel.
    await cache.apply('T1', 'r1', { op: 'add', kind: 'channels', entity: created });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toMatchObject({ isMember: true, memberCount: 3 });
  });

  it('the run holds one entity an id: a page written over a change replaces it, and a change after that replaces the page’s', async () => {
    const { cache, names } = await channelsIn('r1', [ch('C1', 'alpha')]);
    await cache.apply('T1', 'r1', { op: 'put', kind: 'channels', entity: ch('C1', 'alpha', { isMember: true }) });
    // A sync page fetched before the change, written after it (the sync's end replays the change).
    await cache.writePage('T1', 'channels', 'r1', [ch('C1', 'alpha', { isMember: false })]);
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toMatchObject({ isMember: false });
    await cache.apply('T1', 'r1', { op: 'put', kind: 'channels', entity: ch('C1', 'alpha', { isMember: true }) });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toMatchObject({ isMember: true });
    expect(await cache.getByName('T1', 'channels', 'r1', 'alpha')).toMatchObject({ isMember: true });
    // A rename, then a stale page with the old name: the entity is the page's, and the new
    // name's terms it left behind find nothing.
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'C1', fields: { name: 'beta-team' } });
    await cache.writePage('T1', 'channels', 'r1', [ch('C1', 'alpha')]);
    expect(await names('beta')).toEqual([]);
    expect(await names('team')).toEqual([]);
    expect(await names('alpha')).toEqual(['alpha']);
    await cache.apply('T1', 'r1', { op: 'remove', kind: 'channels', id: 'C1' });
    expect(await cache.get('T1', 'channels', 'r1', 'C1')).toBeNull();
  });

  it('the app added to a private channel: offered from then on', async () => {
    const { cache, names } = await channelsIn('r1', []);
    await cache.apply('T1', 'r1', { op: 'put', kind: 'channels', entity: ch('G1', 'vip-deals', { isPrivate: true, isMember: true }) });
    expect(await names('vip')).toEqual(['vip-deals']);
    await cache.apply('T1', 'r1', { op: 'patch', kind: 'channels', id: 'G1', fields: { isMember: false } });
    expect(await names('vip')).toEqual([]);
  });

  it('runs are swapped whole: makeCurrent names the replaced run, dropRun frees it', async () => {
    const { cache } = await channelsIn('r1', [ch('C1', 'deals')]);
    expect(await cache.makeCurrent('T1', 'channels', 'r1')).toBeNull();
    await cache.setBuilding('T1', 'channels', 'r2');
    expect(await cache.buildingRun('T1', 'channels')).toBe('r2');
    expect(await cache.runs('T1', 'channels')).toEqual({ current: 'r1', building: 'r2' });
    await cache.writePage('T1', 'channels', 'r2', [ch('C1', 'deals-2026')]);
    expect(await cache.makeCurrent('T1', 'channels', 'r2')).toBe('r1');
    expect(await cache.currentRun('T1', 'channels')).toBe('r2');
    expect(await cache.buildingRun('T1', 'channels')).toBeNull();
    expect(await cache.runs('T1', 'channels')).toEqual({ current: 'r2', building: null });
    expect(await cache.memoryBytes('T1', 'channels', 'r1')).toBeGreaterThan(0);
    await cache.dropRun('T1', 'channels', 'r1');
    expect(await cache.memoryBytes('T1', 'channels', 'r1')).toBe(0);
    expect(await cache.getByName('T1', 'channels', 'r2', 'deals-2026')).toMatchObject({ id: 'C1' });
  });
});

describe('directory cache: users by email', () => {
  const emailsOf = async (cache: ReturnType<typeof createDirectoryCache>, run: string, email: string) =>
    (await cache.usersByEmail('T1', run, email)).map((u) => u.id).sort();

  it('finds users by email trimmed and in any case, deleted ones and bots included (the lookup decides)', async () => {
    const cache = createDirectoryCache(redis, uniquePrefix('dir'));
    await cache.writePage('T1', 'users', 'r1', [
      user('U1', 'ana', { email: 'Ana.Lopez@Example.com' }),
      user('U2', 'ana.old', { email: 'ana.lopez@example.com ', deleted: true }),
      user('U3', 'bob', { email: 'bob@example.com' }),
      user('U4', 'nobody', { email: null }),
    ]);
    expect(await emailsOf(cache, 'r1', '  ANA.LOPEZ@example.COM ')).toEqual(['U1', 'U2']);
    expect(await emailsOf(cache, 'r1', 'bob@example.com')).toEqual(['U3']);
    // Not a prefix search: a longer or shorter address is another address.
    expect(await emailsOf(cache, 'r1', 'bob@example.co')).toEqual([]);
    expect(await emailsOf(cache, 'r1', '')).toEqual([]);
  });

  it('follows changes: a new email replaces the old one, a removed user is gone', async () => {
    const cache = createDirectoryCache(redis, uniquePrefix('dir'));
    await cache.writePage('T1', 'users', 'r1', [user('U1', 'ana', { email: 'ana@old.example' })]);
    await cache.apply('T1', 'r1', { op: 'put', kind: 'users', entity: user('U1', 'ana', { email: 'ana@new.example' }) });
    expect(await emailsOf(cache, 'r1', 'ana@old.example')).toEqual([]);
    expect(await emailsOf(cache, 'r1', 'ana@new.example')).toEqual(['U1']);
    await cache.apply('T1', 'r1', { op: 'put', kind: 'users', entity: user('U2', 'cy', { email: 'cy@example.com' }) });
    expect(await emailsOf(cache, 'r1', 'cy@example.com')).toEqual(['U2']);
    await cache.apply('T1', 'r1', { op: 'remove', kind: 'users', id: 'U2' });
    expect(await emailsOf(cache, 'r1', 'cy@example.com')).toEqual([]);
  });

  it('a run the previous layout cached is not read, and the next completed sync frees it', async () => {
    const prefix = uniquePrefix('dir');
    // What the layout before the block indexes left in Redis: a current run's hashes and sets.
    const old = `${prefix}:dir:T1:users`;
    await redis.set(`${old}:current`, 'r0');
    await redis.hset(`${old}:run:r0:id`, 'U1', JSON.stringify(user('U1', 'ana', { email: 'ana@example.com' })));
    await redis.zadd(`${old}:run:r0:names`, 0, 'ana\u0000U1');
    const cache = createDirectoryCache(redis, prefix);
    // No current run: the lookup rebuilds the directory from MongoDB (directory-lookup.ts).
    expect(await cache.currentRun('T1', 'users')).toBeNull();
    await cache.writePage('T1', 'users', 'r1', [user('U1', 'ana', { email: 'ana@example.com' })]);
    await cache.makeCurrent('T1', 'users', 'r1');
    expect(await emailsOf(cache, 'r1', 'ANA@example.com')).toEqual(['U1']);
    expect(await redis.exists(`${old}:current`, `${old}:run:r0:id`, `${old}:run:r0:names`)).toBe(0);
  });

  it('dropRun frees every key of the run', async () => {
    const prefix = uniquePrefix('dir');
    const cache = createDirectoryCache(redis, prefix);
    await cache.writePage(
      'T1',
      'users',
      'r1',
      Array.from({ length: 500 }, (_, i) => user(`U${i}`, `user${i}`, { email: `user${i}@example.com`, realName: `Person ${i}` })),
    );
    expect(await redis.keys(`${prefix}:*`)).not.toHaveLength(0);
    await cache.dropRun('T1', 'users', 'r1');
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await cache.memoryBytes('T1', 'users', 'r1')).toBe(0);
  });
});
