// A person acting on the app's interactive surfaces: clicking a button on a message, using a
// message shortcut or a global shortcut, submitting or closing a modal, opening the App Home.
// Builds the payload Slack documents for each and hands it to the deliverer (form-encoded
// payload=…, signed, trigger_id registered, recorded); for a submission, acts on the app's answer.

import { createHash, randomBytes } from 'node:crypto';
import type { WorkspaceEvents } from './app-events.ts';
import type { Deliverer, InteractionReply } from './event-delivery.ts';
import type { AppManifestConfig } from './manifest.ts';
import { apiMessage } from './message-format.ts';
import { pushModalView, slackErrorCode, storeView, viewJson, viewProblems } from './methods/views.ts';
import { findMessage, installFor, inTeam, modalStack, openIm, popModalViews } from './state.ts';
import type { EmulatorState, ViewRecord } from './state.ts';
import type {
  AppHomeOpenedResult,
  Channel,
  ClickButtonInput,
  CloseViewInput,
  CloseViewResult,
  GlobalShortcutInput,
  MessageShortcutInput,
  OpenAppHomeInput,
  StoredMessage,
  SubmitViewInput,
  SubmitViewResult,
  User,
  ViewSubmissionOutcome,
} from './types.ts';
import { enteredState, interactiveElements, isEmptyState, stateValues } from './view-state.ts';
import type { StateValues } from './view-state.ts';

export interface InteractionDeps {
  state: EmulatorState;
  deliverer: Deliverer;
  events: Pick<WorkspaceEvents, 'appHomeOpened'>;
  now: () => number;
  /** The emulator's base URL, for response_urls. */
  baseUrl: () => string;
  /** The app's manifest: interactivity, shortcuts, App Home tabs. */
  app: AppManifestConfig;
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
    const inst = installFor(state, teamId);
    if (!inst && team.enterpriseId && state.installations.has(team.enterpriseId)) {
      throw new Error(`the app is installed org-wide on ${team.enterpriseId} but not granted ${teamId}: grantTeamAccess first`);
    }
    if (!inst || state.tokens.get(inst.botToken)?.revoked !== false) throw new Error(`app is not installed on ${teamId}`);
  }

  function person(teamId: string, userId: string): User {
    const u = state.users.get(userId);
    if (!u || !inTeam(u, teamId)) throw new Error(`unknown user ${userId} in ${teamId}`);
    if (u.deleted) throw new Error(`user ${userId} is deactivated`);
    if (u.isBot) throw new Error(`user ${userId} is a bot user: only people click buttons, use shortcuts and fill in modals`);
    return u;
  }

  /** The channel, if the person can see it: any public channel of the team, else members only. */
  function visibleTo(u: User, channelId: string): Channel {
    const ch = state.channels.get(channelId);
    if (!ch || !inTeam(u, ch.teamId)) throw new Error(`unknown channel ${channelId} in ${u.teamId}`);
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

  /** A person cannot use what the app's manifest does not have: buttons and shortcuts need interactivity. */
  function checkInteractivity(what: string): void {
    if (!d.app.interactivityEnabled) {
      throw new Error(`${what}: the app's interactivity is off (settings.interactivity.is_enabled is not true), so Slack sends the app nothing`);
    }
  }

  function checkShortcut(type: 'message' | 'global', callbackId: string): void {
    checkInteractivity(`${type} shortcut ${callbackId}`);
    const declared = d.app.shortcuts;
    if (declared && !declared.some((s) => s.type === type && s.callbackId === callbackId)) {
      const mine = declared.filter((s) => s.type === type).map((s) => s.callbackId);
      throw new Error(`the app has no ${type} shortcut ${callbackId} in its manifest (features.shortcuts of type ${type}: ${mine.join(', ') || 'none'})`);
    }
  }

  async function clickButton(input: ClickButtonInput): Reply {
    checkTeam(input.teamId);
    checkInteractivity(`button ${input.actionId}`);
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
      user: { id: u.id, username: u.name, name: u.name, team_id: input.teamId },
      container: {
        type: 'message',
        message_ts: m.ts,
        channel_id: ch.id,
        is_ephemeral: false,
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
    checkShortcut('message', input.callbackId);
    const u = person(input.teamId, input.userId);
    const ch = visibleTo(u, input.channel);
    const m = message(ch, input.messageTs);
    return d.deliverer.deliverInteraction(input.teamId, {
      type: 'message_action',
      action_ts: actionTs(d.now()),
      user: { id: u.id, name: u.name, team_id: input.teamId },
      channel: { id: ch.id, name: channelName(ch) },
      callback_id: input.callbackId,
      message_ts: m.ts,
      message: shownMessage(m),
    });
  }

  async function globalShortcut(input: GlobalShortcutInput): Reply {
    checkTeam(input.teamId);
    if (!input.callbackId) throw new Error('callbackId is required');
    checkShortcut('global', input.callbackId);
    const u = person(input.teamId, input.userId);
    return d.deliverer.deliverInteraction(input.teamId, {
      type: 'shortcut',
      action_ts: actionTs(d.now()),
      user: { id: u.id, username: u.name, team_id: input.teamId },
      callback_id: input.callbackId,
    });
  }

  /** The person's user object in view payloads (docs' view_submission / view_closed examples). */
  /** `teamId`: the workspace the person acts in (on Grid a person may be in several). */
  function viewUser(u: User, teamId: string): Json {
    return { id: u.id, username: u.name, name: u.name, team_id: teamId };
  }

  /** The modal view the person can act on: open, theirs, and the top (visible) one of their stack. */
  function visibleModalView(teamId: string, u: User, viewId: string, verb: 'submitted' | 'closed'): ViewRecord {
    if (typeof viewId !== 'string' || !viewId) throw new Error('viewId is required');
    const rec = state.views.get(viewId);
    if (!rec || rec.teamId !== teamId) throw new Error(`no open view ${viewId} in ${teamId} (never opened, or its modal was closed)`);
    if (rec.view['type'] !== 'modal') throw new Error(`view ${viewId} is a Home tab: only modal views are ${verb}`);
    if (rec.userId !== u.id) throw new Error(`view ${viewId} is open for ${rec.userId}, not ${u.id}`);
    const stack = modalStack(state, teamId, u.id);
    if (!stack.includes(viewId)) throw new Error(`no open view ${viewId} in ${teamId} (its modal was closed)`);
    const top = stack[stack.length - 1];
    if (top !== viewId) throw new Error(`view ${viewId} is not the one ${u.id} sees: ${top} is on top of it, and only the visible view can be ${verb}`);
    return rec;
  }

  /** Records what the person entered into the view (all checked first: nothing is kept on an error). */
  function enter(rec: ViewRecord, u: User, values: unknown): void {
    if (values === undefined || values === null) return;
    if (!isObj(values)) throw new Error('values must be an object: block_id → action_id → value');
    const blocks = Array.isArray(rec.view['blocks']) ? rec.view['blocks'] : [];
    const blockIds = blocks.filter(isObj).map((b) => String(b['block_id']));
    const elements = interactiveElements(blocks);
    const entered: StateValues = structuredClone(rec.entered ?? {});
    for (const [blockId, actions] of Object.entries(values)) {
      if (!blockIds.includes(blockId)) throw new Error(`no block ${blockId} in view ${rec.id} (blocks: ${blockIds.join(', ') || 'none'})`);
      if (!isObj(actions)) throw new Error(`values.${blockId} must be an object: action_id → value`);
      const inBlock = elements.filter((s) => s.blockId === blockId);
      for (const [actionId, raw] of Object.entries(actions)) {
        const hit = inBlock.find((s) => s.actionId === actionId);
        if (!hit) {
          throw new Error(
            `block ${blockId} of view ${rec.id} has no element with action_id ${actionId} (action_ids: ${inBlock.map((s) => s.actionId).join(', ') || 'none'})`,
          );
        }
        // biome-ignore lint/suspicious/noAssignInExpressions: `??=` makes the block's record on first use
        (entered[blockId] ??= {})[actionId] = enteredState(hit, raw, { state, teamId: rec.teamId, userId: u.id });
      }
    }
    rec.entered = entered;
  }

  /** Slack's client does not send a submission with a required input left empty; it marks the input. */
  function checkRequired(rec: ViewRecord, values: StateValues): void {
    const missing = interactiveElements(rec.view['blocks']).filter((s) => s.input && !s.input.optional && isEmptyState(values[s.blockId]?.[s.actionId]));
    if (!missing.length) return;
    const named = missing.map((s) => `${s.blockId} ("${s.input!.label}", ${String(s.element['type'])})`).join(', ');
    throw new Error(
      `Slack would not submit view ${rec.id}: required input block${missing.length > 1 ? 's' : ''} ${named} ${missing.length > 1 ? 'are' : 'is'} empty`,
    );
  }

  /** Docs: response_urls lists the input blocks' conversation/channel selects with response_url_enabled. */
  function responseUrls(rec: ViewRecord, values: StateValues): Json[] {
    const out: Json[] = [];
    for (const s of interactiveElements(rec.view['blocks'])) {
      if (!s.input || s.element['response_url_enabled'] !== true) continue;
      const v = values[s.blockId]?.[s.actionId];
      const channel = v?.['selected_conversation'] ?? v?.['selected_channel'];
      if (typeof channel !== 'string') continue;
      out.push({
        block_id: s.blockId,
        action_id: s.actionId,
        channel_id: channel,
        response_url: `${d.baseUrl()}/_emulator/response-url/${randomBytes(8).toString('hex')}`,
      });
    }
    return out;
  }

  /** Closes `viewId` and anything above it; returns the closed ids. */
  function closeFrom(teamId: string, userId: string, viewId: string): string[] {
    const stack = modalStack(state, teamId, userId);
    const at = stack.indexOf(viewId);
    return at < 0 ? [] : popModalViews(state, teamId, userId, stack.length - at);
  }

  /** What the person sees once the app answered the submission (docs: "response_action"). */
  function outcomeOf(teamId: string, u: User, viewId: string, reply: InteractionReply): ViewSubmissionOutcome {
    const openIds = (): string[] => [...modalStack(state, teamId, u.id)];
    const shown = (reason: Extract<ViewSubmissionOutcome, { action: 'error_shown' }>['reason'], detail: string): ViewSubmissionOutcome => ({
      action: 'error_shown',
      reason,
      detail,
      openViewIds: openIds(),
    });
    if (reply.reason === 'not_delivered') return shown('not_delivered', 'no interactivity URL is set, so Slack cannot deliver the submission');
    if (reply.reason !== 'ok') {
      return shown(
        reply.reason,
        reply.status ? `the app answered HTTP ${reply.status}` : `the app did not answer within the deadline or at all (${reply.reason})`,
      );
    }
    if (reply.status !== 200) return shown('http_error', `the app answered HTTP ${reply.status}; Slack expects 200`);
    const text = reply.body.trim();
    const close = (): ViewSubmissionOutcome => ({ action: 'closed', closedViewIds: closeFrom(teamId, u.id, viewId), openViewIds: openIds() });
    if (text === '') return close();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return shown('invalid_response', `the body is neither empty nor JSON: ${JSON.stringify(text.slice(0, 200))}`);
    }
    if (!isObj(answer)) return shown('invalid_response', `the body is JSON but not an object: ${JSON.stringify(text.slice(0, 200))}`);
    const action = answer['response_action'];
    if (action === undefined) return close();
    const rec = state.views.get(viewId);
    if (!rec) return shown('invalid_response', `view ${viewId} was closed while the app handled its submission`);
    switch (action) {
      case 'errors': {
        const errors = answer['errors'];
        if (!isObj(errors) || Object.keys(errors).length === 0)
          return shown('invalid_response', 'response_action "errors" needs a non-empty "errors" object: block_id → message');
        const inputs = new Set(
          (Array.isArray(rec.view['blocks']) ? rec.view['blocks'] : [])
            .filter((b) => isObj(b) && b['type'] === 'input')
            .map((b) => String((b as Json)['block_id'])),
        );
        const notInputs = Object.keys(errors).filter((k) => !inputs.has(k));
        if (notInputs.length) {
          return shown(
            'invalid_response',
            `"errors" names ${notInputs.join(', ')}, not input blocks of view ${viewId} (input blocks: ${[...inputs].join(', ') || 'none'}); Slack shows errors only under input blocks`,
          );
        }
        const bad = Object.entries(errors)
          .filter(([, m]) => typeof m !== 'string' || m === '')
          .map(([k]) => k);
        if (bad.length) return shown('invalid_response', `"errors" messages must be non-empty strings (${bad.join(', ')})`);
        return { action: 'errors', errors: errors as Record<string, string>, openViewIds: openIds() };
      }
      case 'update':
      case 'push': {
        const problems = viewProblems(answer['view'], 'modal');
        if (problems.length) return shown('invalid_response', `response_action "${action}" with an invalid view: ${problems.join('; ')}`);
        const view = answer['view'] as Json;
        try {
          const next =
            action === 'update'
              ? storeView(state, { teamId, userId: u.id, view, now: d.now(), existing: rec })
              : pushModalView(state, teamId, u.id, view, d.now());
          const body = viewJson(state, next, stateValues(next.view['blocks'], next.entered));
          return action === 'update' ? { action: 'updated', view: body, openViewIds: openIds() } : { action: 'pushed', view: body, openViewIds: openIds() };
        } catch (e) {
          const code = slackErrorCode(e);
          return shown(
            'invalid_response',
            code === 'push_limit_reached'
              ? `response_action "push" on a modal already holding 3 views (Slack: push_limit_reached)`
              : `response_action "${action}": Slack refused the view (${code})`,
          );
        }
      }
      case 'clear': {
        const closed = popModalViews(state, teamId, u.id, Number.POSITIVE_INFINITY);
        return { action: 'cleared', closedViewIds: closed, openViewIds: openIds() };
      }
      default:
        return shown('invalid_response', `unknown response_action ${JSON.stringify(action)} (Slack knows errors, update, push, clear)`);
    }
  }

  async function submitView(input: SubmitViewInput): Promise<SubmitViewResult> {
    checkTeam(input.teamId);
    const u = person(input.teamId, input.userId);
    const rec = visibleModalView(input.teamId, u, input.viewId, 'submitted');
    if (rec.view['submit'] === undefined || rec.view['submit'] === null) {
      throw new Error(`view ${rec.id} has no Submit button (no "submit" in the view): the person can only close it`);
    }
    enter(rec, u, input.values);
    const values = stateValues(rec.view['blocks'], rec.entered);
    checkRequired(rec, values);
    const reply = await d.deliverer.sendInteraction(input.teamId, {
      type: 'view_submission',
      user: viewUser(u, input.teamId),
      view: viewJson(state, rec, values),
      response_urls: responseUrls(rec, values),
    });
    return { status: reply.status, body: reply.body, outcome: outcomeOf(input.teamId, u, rec.id, reply) };
  }

  async function closeView(input: CloseViewInput): Promise<CloseViewResult> {
    checkTeam(input.teamId);
    const u = person(input.teamId, input.userId);
    const rec = visibleModalView(input.teamId, u, input.viewId, 'closed');
    enter(rec, u, input.values);
    const shownView = viewJson(state, rec, stateValues(rec.view['blocks'], rec.entered, true));
    // Docs: clear_on_close "clicking on the close button will clear all views in a modal and close it";
    // otherwise the person goes back to the previous view.
    const closedViewIds = popModalViews(state, input.teamId, u.id, rec.view['clear_on_close'] === true ? Number.POSITIVE_INFINITY : 1);
    const openViewIds = [...modalStack(state, input.teamId, u.id)];
    if (rec.view['notify_on_close'] !== true) return { closedViewIds, openViewIds, notified: false, status: null, body: null };
    // view_closed carries no trigger_id; is_cleared tells whether the whole modal is gone.
    const reply = await d.deliverer.sendInteraction(
      input.teamId,
      {
        type: 'view_closed',
        user: viewUser(u, input.teamId),
        view: shownView,
        is_cleared: openViewIds.length === 0,
      },
      { withTrigger: false },
    );
    return { closedViewIds, openViewIds, notified: reply.reason !== 'not_delivered', status: reply.status, body: reply.body };
  }

  function homeRecord(teamId: string, userId: string): ViewRecord | undefined {
    for (const r of state.views.values()) if (r.teamId === teamId && r.userId === userId && r.view['type'] === 'home') return r;
    return undefined;
  }

  function homeView(teamId: string, userId: string): Json | null {
    const rec = homeRecord(teamId, userId);
    return rec ? viewJson(state, rec) : null;
  }

  function openViews(teamId: string, userId: string): Json[] {
    return (state.modalStacks.get(`${teamId}:${userId}`) ?? []).flatMap((id) => {
      const rec = state.views.get(id);
      return rec ? [viewJson(state, rec, stateValues(rec.view['blocks'], rec.entered))] : [];
    });
  }

  function openAppHome(input: OpenAppHomeInput): AppHomeOpenedResult {
    checkTeam(input.teamId);
    const u = person(input.teamId, input.userId);
    const tab = input.tab ?? 'home';
    if (tab !== 'home' && tab !== 'messages') throw new Error(`tab must be "home" or "messages", got ${JSON.stringify(tab)}`);
    // The App Home shows only the tabs the manifest turns on.
    if (tab === 'home' && !d.app.homeTabEnabled) throw new Error('the app has no Home tab (features.app_home.home_tab_enabled is not true)');
    if (tab === 'messages' && !d.app.messagesTabEnabled) throw new Error('the app has no Messages tab (features.app_home.messages_tab_enabled is not true)');
    const inst = installFor(state, input.teamId)!;
    const dm = openIm(state, input.teamId, u.id, inst.botUserId, d.now()).channel;
    const view = tab === 'home' ? homeView(input.teamId, u.id) : null;
    const event = d.events.appHomeOpened(input.teamId, u.id, dm.id, tab, view);
    return { channel: dm.id, view, event };
  }

  return { clickButton, messageShortcut, globalShortcut, submitView, closeView, openAppHome, homeView, openViews };
}

export type Interactions = ReturnType<typeof createInteractions>;
