// A worker keeps bot tokens in memory, and never uses one that another process replaced or
// disconnected once that write completed: two "processes" here are two compositions of the same
// store, each with its own wrappers, as web-main and worker-main compose them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { installationVersions, memoizedTokens, withVersionBumps } from '../../src/installations/bot-token-memo.ts';

describe('the bot token memo', () => {
  let w: JobWorld;
  const finds: string[] = [];
  const count = (e: CommandStartedEvent) => {
    if (e.commandName === 'find' && (e.command as { find?: string }).find === 'installations') finds.push(e.commandName);
  };
  beforeAll(async () => {
    w = await startJobWorld('bot-token-memo', { monitorCommands: true });
    w.mongo.client.on('commandStarted', count);
  }, 60_000);
  afterAll(async () => {
    w?.mongo.client.off('commandStarted', count);
    await w?.close();
  });

  function processes() {
    const versions = installationVersions(w.redis, w.prefix);
    const installations = withVersionBumps(w.store.installations, versions);
    const web = installations;
    const worker = memoizedTokens(installations, versions, { ttlMs: 60_000, now: () => Date.now() });
    return { web, worker };
  }

  it('reads the installation once for many posts, and again after another process changed it', async () => {
    const { web, worker } = processes();
    const before = (await w.store.installations.tokens(w.teamId))!.botToken;
    finds.length = 0;
    for (let i = 0; i < 5; i++) expect(await worker.botToken(w.teamId, w.orgId)).toBe(before);
    expect(finds).toHaveLength(1);
    // The memo answers for the org the workspace is installed for, never for another org's work.
    expect(await worker.botToken(w.teamId, 'org-elsewhere')).toBeNull();
    expect(finds).toHaveLength(1);

    // A reconnect in the web process stores a new token: the worker's next call has it.
    const { status: _s, installedAt: _i, updatedAt: _u, ...installation } = (await w.store.installations.findByTeam(w.teamId))!;
    const saved = await web.save({ ...installation, botToken: 'xoxb-reconnected', refreshToken: null, tokenExpiresAt: null }, new Date());
    expect(saved.ok).toBe(true);
    expect(await worker.botToken(w.teamId, w.orgId)).toBe('xoxb-reconnected');

    // An admin disconnects: no token at all, at once.
    await web.markDisconnected(w.teamId, 'disconnected_by_admin', new Date());
    expect(await worker.botToken(w.teamId, w.orgId)).toBeNull();

    // Connected again: the token is handed out (and memoized) again.
    await web.save({ ...installation, botToken: before, refreshToken: null, tokenExpiresAt: null }, new Date());
    finds.length = 0;
    expect(await worker.botToken(w.teamId, w.orgId)).toBe(before);
    expect(await worker.botToken(w.teamId, w.orgId)).toBe(before);
    expect(finds).toHaveLength(1);
  });

  it('lets a memo lapse after its time, for writes made around this code', async () => {
    const versions = installationVersions(w.redis, w.prefix);
    let clock = Date.now();
    const worker = memoizedTokens(w.store.installations, versions, { ttlMs: 1000, now: () => clock });
    const token = await worker.botToken(w.teamId, w.orgId);
    finds.length = 0;
    await worker.botToken(w.teamId, w.orgId);
    expect(finds).toHaveLength(0);
    clock += 1001;
    expect(await worker.botToken(w.teamId, w.orgId)).toBe(token);
    expect(finds).toHaveLength(1);
  });
});
