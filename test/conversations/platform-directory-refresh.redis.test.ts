// The org's agents and groups as routing reads them: fetched from the platform again once older
// than a minute, by one process at a time. While another process holds that refresh, a chat
// routes at once with the directory there is (it is only old, not missing), instead of lining
// up behind the lock with every other chat starting meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { DIRECTORY_MAX_AGE_MS, freshDirectory } from '../../src/conversations/notification-delivery.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

describe('refreshing the org’s agents and groups', () => {
  let w: JobWorld;
  let deps: WorkerDeps;
  beforeAll(async () => {
    w = await startJobWorld('platform-directory-refresh');
    deps = w.deps();
  }, 60_000);
  afterAll(async () => w?.close());

  const agentFetches = () => w.platform.calls({ method: 'GET', path: new RegExp(`/orgs/${w.orgId}/agents$`) }).length;

  it('an old directory routes as it is while another process refreshes it, and is refreshed by the next chat after that', async () => {
    const before = await freshDirectory(deps, w.orgId);
    w.platform.addAgent(w.orgId, { name: 'Cleo New', email: 'cleo@example.test', status: 'online' });
    w.clock.advance(DIRECTORY_MAX_AGE_MS + 1000);
    const fetches = agentFetches();

    const held = (await deps.locks.tryAcquire(`platform-directory:${w.orgId}`))!;
    expect(held).not.toBeNull();
    // The holder lets go a moment later without having refreshed: a chat that waited for the lock
    // would take it then and fetch; this one has routed already, with the old directory.
    const letGo = new Promise((resolve) => setTimeout(resolve, 300)).then(() => held.release());
    const meanwhile = await freshDirectory(deps, w.orgId);
    await letGo;
    expect(meanwhile.agents.map((a) => a.name).sort()).toEqual(before.agents.map((a) => a.name).sort());
    expect(agentFetches()).toBe(fetches);

    const after = await freshDirectory(deps, w.orgId);
    expect(after.agents.map((a) => a.name)).toContain('Cleo New');
    expect(agentFetches()).toBe(fetches + 1);
  });
});
