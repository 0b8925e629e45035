// The directory tests' workspace (slack-directory-*.test.ts): Acme with alice (real name and email),
// bob (a display name) and #general, the app installed (not in #general), events delivered to the
// receiver (useDirectoryWorkspace, which hands back the test's clock); the events received (all, or
// since the last look), a Web API client, and a second workspace installed with chosen scopes.
import type { WebClient } from '@slack/web-api';
import type { Installation, Team, User } from '../../emulators/slack/index.ts';
import { alice, bob, emu, general, inst, rx, T0, team, useAcmeWorkspace, webClient, type TestClock } from './emulator-test-helpers.ts';

export { alice, bob, emu, general, inst, rx, team };
export const EVENT_TS = `${Math.floor(T0 / 1000)}.000000`;
// Set by useDirectoryWorkspace before each test; the tests import it as a live binding.
export let c: WebClient;

export type Ev = Record<string, any>;
export type Envelope = { type: string; team_id: string; event: Ev };

/** Inner events the app received, in arrival order, after settling deliveries. */
export async function received(): Promise<Ev[]> {
  await emu.idle();
  return rx.requests.filter((r) => r.path === '/slack/events').map((r) => (r.json() as Envelope).event);
}

/** Events received since the last call. */
export let seen = 0;
export async function fresh(): Promise<Ev[]> {
  const all = await received();
  const out = all.slice(seen);
  seen = all.length;
  return out;
}

export function client(token: string): WebClient {
  return webClient(emu, token);
}

/** A second workspace installed with `scopes`, its own receiver-visible events filtered by team. */
export function otherInstall(scopes: string[]): { team: Team; inst: Installation; user: User } {
  const tm = emu.createTeam({ name: `Other ${Math.random()}` });
  const user = emu.createUser(tm.id, { name: 'olga' });
  return { team: tm, inst: emu.install(tm.id, { scopes }), user };
}

export async function eventsOf(teamId: string): Promise<Ev[]> {
  await emu.idle();
  return rx.requests
    .filter((r) => r.path === '/slack/events')
    .map((r) => r.json() as Envelope)
    .filter((e) => e.team_id === teamId)
    .map((e) => e.event);
}

/** Registers the hooks that start the workspace before each test and stop it after; returns the test's clock. */
export function useDirectoryWorkspace(): TestClock {
  return useAcmeWorkspace({
    workspace: {
      eventsPath: '/slack/events',
      emulator: { eventRetryDelaysMs: [], eventResponseTimeoutMs: 5000 },
      alice: { name: 'alice', realName: 'Alice Archer', email: 'alice@acme.test' },
    },
    bob: { name: 'bob', realName: 'Bob Baker', displayName: 'bobby' },
    setUp: () => {
      seen = 0;
      c = client(inst.botToken);
    },
  });
}
