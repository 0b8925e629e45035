// The directory tests' workspace (slack-directory-*.test.ts): Acme with alice (real name and email),
// bob (a display name) and #general, the app installed (not in #general), events delivered to the
// receiver; the events received (all, or since the last look), a Web API client, and a second
// workspace installed with chosen scopes.
import type { WebClient } from '@slack/web-api';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { startSlackWorkspace, stopSlackWorkspace, T0, webClient } from './emulator-test-helpers.ts';

export const EVENT_TS = `${Math.floor(T0 / 1000)}.000000`;
// Set by startDirectoryWorkspace before each test; the tests import them as live bindings.
export let emu: SlackEmulator;
export let rx: TestReceiver;
export let team: Team;
export let alice: User;
export let bob: User;
export let general: Channel;
export let inst: Installation;
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
  return rx.requests.filter((r) => r.path === '/slack/events').map((r) => r.json() as Envelope)
    .filter((e) => e.team_id === teamId).map((e) => e.event);
}

/** Starts the workspace on the test's clock `now`. */
export async function startDirectoryWorkspace(now: () => number): Promise<void> {
  seen = 0;
  ({ rx, emu, team, alice } = await startSlackWorkspace({
    now, eventsPath: '/slack/events', emulator: { eventRetryDelaysMs: [], eventResponseTimeoutMs: 5000 },
    alice: { name: 'alice', realName: 'Alice Archer', email: 'alice@acme.test' },
  }));
  bob = emu.createUser(team.id, { name: 'bob', realName: 'Bob Baker', displayName: 'bobby' });
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, bob.id] });
  inst = emu.install(team.id);
  c = client(inst.botToken);
}

export const stopDirectoryWorkspace = (): Promise<void> => stopSlackWorkspace({ emu, rx });
