// Helpers the Slack emulator's tests share: a workspace to start each test on (a receiver for the
// app's side, an emulator delivering to it on the test's clock, Acme with alice in it), the test's
// clock with the hooks that start and stop Acme with bob, #general and the app installed (the
// directory and modal fixtures' workspace), a Web API client, the body of a Web API error, and an
// interaction as the app receives it.
import { afterEach, beforeEach, expect } from 'vitest';
import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { Channel, Installation, SlackEmulator, SlackEmulatorOptions, Team, User, UserInput } from '../../emulators/slack/index.ts';
import { startTestReceiver, type ReceivedRequest, type TestReceiver } from '../../emulators/slack/test-receiver.ts';

/** The signing secret between the emulator and the receiver. */
export const SECRET = 'signing-secret';
/** The clock every test starts at. */
export const T0 = 1_764_075_600_000;

export interface SlackWorkspace {
  rx: TestReceiver;
  emu: SlackEmulator;
  team: Team;
  alice: User;
}

/** What startSlackWorkspace is given. */
export interface SlackWorkspaceInput {
  now: () => number;
  eventsPath?: string;
  interactivityPath?: string;
  emulator?: Partial<SlackEmulatorOptions>;
  alice?: UserInput;
}

/**
 * A receiver for the app's side and a Slack emulator posting to it, signed with SECRET, on the
 * test's clock: events to `eventsPath`, interactions to `interactivityPath` (each only when given).
 * The workspace Acme (domain acme) has alice in it (`alice`, default `{ name: 'alice' }`).
 */
export async function startSlackWorkspace(input: SlackWorkspaceInput): Promise<SlackWorkspace> {
  const rx = await startTestReceiver(SECRET, input.now);
  const emu = await startSlackEmulator({
    signingSecret: SECRET,
    clientId: '1.2',
    clientSecret: 'sec',
    now: input.now,
    ...(input.eventsPath ? { eventsUrl: `${rx.url}${input.eventsPath}` } : {}),
    ...(input.interactivityPath ? { interactivityUrl: `${rx.url}${input.interactivityPath}` } : {}),
    ...input.emulator,
  });
  const team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  const alice = emu.createUser(team.id, input.alice ?? { name: 'alice' });
  return { rx, emu, team, alice };
}

/** Closes what startSlackWorkspace started. */
export async function stopSlackWorkspace(w: { emu: SlackEmulator; rx: TestReceiver }): Promise<void> {
  await w.emu.close();
  await w.rx.close();
}

/** A test's clock, back at T0 before each test: `now()` reads it, `advance(ms)` moves it on. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

// Set by useAcmeWorkspace before each test; the fixtures re-export them and the tests import them
// as live bindings.
export let emu: SlackEmulator;
export let rx: TestReceiver;
export let team: Team;
export let alice: User;
export let bob: User;
export let general: Channel;
export let inst: Installation;

/**
 * Registers the hooks of a test file on Acme: before each test the clock goes back to T0 and the
 * workspace starts on it (startSlackWorkspace with `workspace`), with bob (`bob`), #general (alice
 * and bob in it) and the app installed, then `setUp` runs; after each test the workspace closes.
 * Returns the clock.
 */
export function useAcmeWorkspace(input: { workspace: Omit<SlackWorkspaceInput, 'now'>; bob: UserInput; setUp?: () => void | Promise<void> }): TestClock {
  let t = T0;
  const clock: TestClock = {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
  beforeEach(async () => {
    t = T0;
    ({ rx, emu, team, alice } = await startSlackWorkspace({ ...input.workspace, now: clock.now }));
    bob = emu.createUser(team.id, input.bob);
    general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, bob.id] });
    inst = emu.install(team.id);
    await input.setUp?.();
  });
  afterEach(() => stopSlackWorkspace({ emu, rx }));
  return clock;
}

/** A WebClient on the emulator that neither retries nor waits out a rate limit. */
export function webClient(emu: SlackEmulator, token: string): WebClient {
  return new WebClient(token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

/** The body of the Slack error a call failed with (`{ ok: false, error, ... }`); throws if it succeeded. */
export async function slackErrorBody(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return (e as WebAPIPlatformError).data as unknown as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/** The Slack error code a call failed with. */
export async function slackErrorCode(p: Promise<unknown>): Promise<string> {
  return String((await slackErrorBody(p))['error']);
}

/** The receiver's view of an interaction: signature checked, form body parsed, payload decoded. */
export function payloadOf(req: ReceivedRequest): Record<string, any> {
  expect(req.signatureValid).toBe(true);
  expect(req.path).toBe('/slack/interactions');
  expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
  const form = new URLSearchParams(req.rawBody);
  expect([...form.keys()]).toEqual(['payload']);
  return JSON.parse(form.get('payload')!) as Record<string, any>;
}
