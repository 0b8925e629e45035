// A person acting on the app's interactive surfaces: clicking a button on a message, using a
// message shortcut or a global shortcut. Builds the payload Slack documents for each and hands it
// to the deliverer (form-encoded payload=…, signed, trigger_id registered, recorded).

import { createHash } from 'node:crypto';
import type { Deliverer } from './event-delivery.ts';
import { apiMessage } from './message-format.ts';
import { findMessage } from './state.ts';
import type { EmulatorState } from './state.ts';
import type {
  Channel, ClickButtonInput, GlobalShortcutInput, MessageShortcutInput, StoredMessage, User,
} from './types.ts';

export interface InteractionDeps {
  state: EmulatorState;
  deliverer: Deliverer;
  now: () => number;
}

type Json = Record<string, unknown>;
type Reply = Promise<{ status: number; body: string }>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** action_ts has microseconds, like message timestamps: "1548426417.840180". */
function actionTs(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000).padStart(6, '0')}`;
}

/**
 * Slack gives every block without a block_id a generated one (short, e.g. "=qXel"). The emulator
 * stores blocks as posted, so it derives one per (message, position), the same on every click.
 */
function generatedBlockId(ts: string, index: number): string {
  return createHash('sha1').update(`${ts}:${index}`).digest('base64').slice(0, 5);
}

function shownBlocks(m: StoredMessage): unknown[] | undefined {
  return m.blocks?.map((b, i) => (isObj(b) && typeof b['block_id'] !== 'string' ? { ...b, block_id: generatedBlockId(m.ts, i) } : b));
}

/** In interaction payloads Slack names private channels "privategroup" and DMs "directmessage". */
function channelName(ch: Channel): string {
  if (ch.isIm) return 'directmessage';
  return ch.isPrivate ? 'privategroup' : ch.name;
}

/** The interactive elements of a message's blocks that a person can press, with their block_id. */
function pressable(blocks: unknown[]): { blockId: string; element: Json }[] {
  const out: { blockId: string; element: Json }[] = [];
  for (const b of blocks) {
    if (!isObj(b)) continue;
    const blockId = String(b['block_id']);
    if (b['type'] === 'actions' && Array.isArray(b['elements'])) {
      for (const el of b['elements']) if (isObj(el)) out.push({ blockId, element: el });
    } else if (b['type'] === 'section' && isObj(b['accessory'])) {
      out.push({ blockId, element: b['accessory'] });
    }
  }
  return out;
}

export function createInteractions(d: InteractionDeps) {
  const { state } = d;

  function checkTeam(teamId: string): void {
    const team = state.teams.get(teamId);
    if (!team) throw new Error(`unknown team ${teamId}`);
    if (team.deleted) throw new Error(`team ${teamId} is deleted`);
    const inst = state.installations.get(teamId);
    if (!inst || state.tokens.get(inst.botToken)?.revoked !== false) throw new Error(`app is not installed on ${teamId}`);
  }

  function person(teamId: string, userId: string): User {
    const u = state.users.get(userId);
    if (!u || u.teamId !== teamId) throw new Error(`unknown user ${userId} in ${teamId}`);
    if (u.deleted) throw new Error(`user ${userId} is deactivated`);
    if (u.isBot) throw new Error(`user ${userId} is a bot user: only people click buttons and use shortcuts`);
    return u;
  }

  /** The channel, if the person can see it: any public channel of the team, else members only. */
  function visibleTo(u: User, channelId: string): Channel {
    const ch = state.channels.get(channelId);
    if (!ch || ch.teamId !== u.teamId) throw new Error(`unknown channel ${channelId} in ${u.teamId}`);
    if ((ch.isIm || ch.isPrivate) && !ch.members.has(u.id)) throw new Error(`user ${u.id} cannot see channel ${channelId}`);
    return ch;
  }

  function message(ch: Channel, ts: string): StoredMessage {
    const m = findMessage(state, ch.id, ts);
    if (!m) throw new Error(`no message ${ts} in ${ch.id}`);
    return m;
  }

  /** The message as the payload shows it: as the Web API returns it, blocks with their block_id. */
  function shownMessage(m: StoredMessage): Json {
    const out = apiMessage(state, m);
    const blocks = shownBlocks(m);
    if (blocks) out['blocks'] = blocks;
    return out;
  }

  async function clickButton(input: ClickButtonInput): Reply {
    checkTeam(input.teamId);
    const u = person(input.teamId, input.userId);
    const ch = visibleTo(u, input.channel);
    const m = message(ch, input.messageTs);
    const candidates = pressable(shownBlocks(m) ?? []);
    const sameId = candidates.filter((c) => c.element['action_id'] === input.actionId);
    const buttons = sameId.filter((c) => c.element['type'] === 'button');
    const hit = buttons.find((c) => input.value === undefined || c.element['value'] === input.value);
    if (!hit) {
      const ids = candidates.filter((c) => c.element['type'] === 'button').map((c) => c.element['action_id']);
      if (sameId.length && !buttons.length) {
        throw new Error(`action_id ${input.actionId} on message ${m.ts} is a ${String(sameId[0]!.element['type'])}, not a button`);
      }
      if (buttons.length) throw new Error(`no button ${input.actionId} with value ${JSON.stringify(input.value)} on message ${m.ts}`);
      throw new Error(`no button with action_id ${input.actionId} on message ${m.ts} in ${ch.id} (buttons: ${ids.length ? ids.join(', ') : 'none'})`);
    }
    const el = hit.element;
    const action: Json = {
      action_id: input.actionId,
      block_id: hit.blockId,
      text: el['text'],
      ...(typeof el['value'] === 'string' ? { value: el['value'] } : {}),
      type: 'button',
      action_ts: actionTs(d.now()),
    };
    return d.deliverer.deliverInteraction(input.teamId, {
      type: 'block_actions',
      user: { id: u.id, username: u.name, name: u.name, team_id: u.teamId },
      container: {
        type: 'message', message_ts: m.ts, channel_id: ch.id, is_ephemeral: false,
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      },
      channel: { id: ch.id, name: channelName(ch) },
      message: shownMessage(m),
      state: { values: {} },
      actions: [action],
    });
  }

  async function messageShortcut(input: MessageShortcutInput): Reply {
    checkTeam(input.teamId);
    if (!input.callbackId) throw new Error('callbackId is required');
    const u = person(input.teamId, input.userId);
    const ch = visibleTo(u, input.channel);
    const m = message(ch, input.messageTs);
    return d.deliverer.deliverInteraction(input.teamId, {
      type: 'message_action',
      action_ts: actionTs(d.now()),
      user: { id: u.id, name: u.name, team_id: u.teamId },
      channel: { id: ch.id, name: channelName(ch) },
      callback_id: input.callbackId,
      message_ts: m.ts,
      message: shownMessage(m),
    });
  }

  async function globalShortcut(input: GlobalShortcutInput): Reply {
    checkTeam(input.teamId);
    if (!input.callbackId) throw new Error('callbackId is required');
    const u = person(input.teamId, input.userId);
    return d.deliverer.deliverInteraction(input.teamId, {
      type: 'shortcut',
      action_ts: actionTs(d.now()),
      user: { id: u.id, username: u.name, team_id: u.teamId },
      callback_id: input.callbackId,
    });
  }

  return { clickButton, messageShortcut, globalShortcut };
}

export type Interactions = ReturnType<typeof createInteractions>;
