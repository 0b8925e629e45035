// views.open / push / publish / update: trigger_id rules (valid 3 s, single use), view
// validation (≤100 blocks, title/submit/close ≤24 chars), hash and external_id handling, and the
// person's modal stack (at most 3 views) that submissions and closes (interactions.ts) act on.

import { createHash } from 'node:crypto';
import { MAX_VIEW_BLOCKS, validateBlocks } from '../blocks.ts';
import { fail, failWithMessages, SlackApiError } from '../errors.ts';
import { slackId } from '../ids.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { jsonParam, str } from '../params.ts';
import { installFor, modalStack } from '../state.ts';
import type { EmulatorState, ViewRecord } from '../state.ts';
import { isActionElement, keepEnteredFor } from '../view-state.ts';

/** Docs: "trigger_id … expires in 3 seconds" and may be exchanged once. */
export const TRIGGER_TTL_MS = 3000;
export const MAX_VIEW_TITLE = 24;
export const MAX_PRIVATE_METADATA = 3000;
export const MAX_CALLBACK_ID = 255;
/** Docs: "A modal can hold up to 3 views at a time in a view stack" (views.open, then 2 pushes). */
export const MAX_MODAL_VIEWS = 3;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The person and workspace the trigger came from. */
function consumeTrigger(ctx: MethodContext, params: Params): { userId: string; teamId: string } {
  const id = str(params, 'trigger_id');
  if (!id) fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
  const t = ctx.state.triggers.get(id);
  if (!t || !ctx.reaches(t.teamId)) fail('invalid_trigger_id');
  if (t.used) fail('exchanged_trigger_id');
  if (ctx.config.now() - t.issuedAt > TRIGGER_TTL_MS) fail('expired_trigger_id');
  t.used = true;
  return { userId: t.userId, teamId: t.teamId };
}

function checkPlain(messages: string[], v: unknown, pointer: string, required: boolean): void {
  if (v === undefined) {
    if (required) messages.push(`[ERROR] missing required field: ${pointer.split('/').pop()} [json-pointer:${pointer}]`);
    return;
  }
  const o = v as { type?: unknown; text?: unknown };
  if (typeof o !== 'object' || o === null || o.type !== 'plain_text') messages.push(`[ERROR] must be a valid enum value [json-pointer:${pointer}/type]`);
  else if (typeof o.text !== 'string' || o.text.length === 0) messages.push(`[ERROR] must be more than 0 characters [json-pointer:${pointer}/text]`);
  else if (o.text.length > MAX_VIEW_TITLE) messages.push(`[ERROR] must be less than ${MAX_VIEW_TITLE + 1} characters [json-pointer:${pointer}/text]`);
}

/**
 * What is wrong with a view object, as Slack's "[ERROR] … [json-pointer:…]" lines (empty when
 * valid). `pointer` is where the view sits in the request: `/view` for the Web API, `/view` too
 * for a response_action's view.
 */
export function viewProblems(view: unknown, expected: 'modal' | 'home', pointer = '/view'): string[] {
  if (!isObj(view)) return [`[ERROR] missing required field: view [json-pointer:${pointer}]`];
  const messages: string[] = [];
  if (view['type'] !== expected) messages.push(`[ERROR] must be a valid enum value [json-pointer:${pointer}/type]`);
  if (expected === 'modal') {
    checkPlain(messages, view['title'], `${pointer}/title`, true);
    checkPlain(messages, view['submit'], `${pointer}/submit`, false);
    checkPlain(messages, view['close'], `${pointer}/close`, false);
    // Docs (modal view fields): "submit is required when an input block is within the blocks array".
    const hasInput = Array.isArray(view['blocks']) && view['blocks'].some((b) => isObj(b) && b['type'] === 'input');
    if (hasInput && view['submit'] === undefined) {
      messages.push(`[ERROR] submit is required when an input block is within the blocks array [json-pointer:${pointer}/submit]`);
    }
  }
  const problem = validateBlocks(view['blocks'] ?? null, MAX_VIEW_BLOCKS, `${pointer}/blocks`);
  if (problem) messages.push(...problem.messages);
  const pm = view['private_metadata'];
  if (pm !== undefined && typeof pm !== 'string') messages.push(`[ERROR] must provide a string [json-pointer:${pointer}/private_metadata]`);
  else if (typeof pm === 'string' && pm.length > MAX_PRIVATE_METADATA) {
    messages.push(`[ERROR] must be less than ${MAX_PRIVATE_METADATA + 1} characters [json-pointer:${pointer}/private_metadata]`);
  }
  const cb = view['callback_id'];
  if (cb !== undefined && typeof cb !== 'string') messages.push(`[ERROR] must provide a string [json-pointer:${pointer}/callback_id]`);
  else if (typeof cb === 'string' && cb.length > MAX_CALLBACK_ID) {
    messages.push(`[ERROR] must be less than ${MAX_CALLBACK_ID + 1} characters [json-pointer:${pointer}/callback_id]`);
  }
  return messages;
}

function readView(params: Params, expected: 'modal' | 'home'): Json {
  const view = jsonParam(params, 'view', 'invalid_arguments');
  if (!isObj(view)) fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  const messages = viewProblems(view, expected);
  if (messages.length) failWithMessages('invalid_arguments', messages);
  return view;
}

/**
 * The view as Slack returns it (views.* responses, interaction payloads, app_home_opened).
 * `values` is view.state.values: {} in Web API responses, the person's input in payloads.
 */
export function viewJson(state: EmulatorState, rec: ViewRecord, values: Json = {}): Json {
  const v = rec.view;
  const inst = installFor(state, rec.teamId);
  return {
    id: rec.id,
    team_id: rec.teamId,
    type: v['type'],
    blocks: v['blocks'] ?? [],
    private_metadata: v['private_metadata'] ?? '',
    callback_id: v['callback_id'] ?? '',
    state: { values },
    hash: rec.hash,
    title: v['title'] ?? null,
    clear_on_close: v['clear_on_close'] ?? false,
    notify_on_close: v['notify_on_close'] ?? false,
    close: v['close'] ?? null,
    submit: v['submit'] ?? null,
    previous_view_id: rec.previousViewId,
    root_view_id: rec.rootViewId,
    app_id: inst?.appId ?? null,
    external_id: rec.externalId ?? '',
    app_installed_team_id: rec.teamId,
    bot_id: inst?.botId ?? null,
  };
}

function hashOf(view: unknown, salt: number): string {
  return `${Math.floor(salt / 1000)}.${createHash('sha1')
    .update(JSON.stringify(view) + salt)
    .digest('hex')
    .slice(0, 8)}`;
}

function shortId(seed: string): string {
  return createHash('sha1').update(seed).digest('base64').slice(0, 5);
}

/**
 * Slack fills in a block_id for every block and an action_id for every interactive element that
 * lacks one (e.g. "4j/Gd"), and shows them in every response and payload. Random at Slack; here
 * derived from the view's id and hash, so an update gets new ones and, as at Slack, loses what the
 * person typed into blocks that had none.
 */
function withGeneratedIds(view: Json, seed: string): Json {
  if (!Array.isArray(view['blocks'])) return view;
  const blocks = view['blocks'].map((b, i) => {
    if (!isObj(b)) return b;
    const out: Json = { ...b, block_id: typeof b['block_id'] === 'string' ? b['block_id'] : shortId(`${seed}:${i}`) };
    const withAction = (el: unknown, j: number): unknown =>
      isObj(el) && isActionElement(el) && typeof el['action_id'] !== 'string' ? { ...el, action_id: shortId(`${seed}:${i}:${j}`) } : el;
    if (b['type'] === 'input') out['element'] = withAction(b['element'], 0);
    if (b['type'] === 'section' && b['accessory'] !== undefined) out['accessory'] = withAction(b['accessory'], 0);
    if (b['type'] === 'actions' && Array.isArray(b['elements'])) out['elements'] = b['elements'].map(withAction);
    return out;
  });
  return { ...view, blocks };
}

export interface StoreViewInput {
  teamId: string;
  userId: string;
  view: Json;
  now: number;
  /** The view being replaced in place (views.update, views.publish again, response_action update). */
  existing?: ViewRecord;
  rootViewId?: string;
  previousViewId?: string | null;
}

/** Stores a new or replaced view; throws SlackApiError duplicate_external_id. */
export function storeView(state: EmulatorState, input: StoreViewInput): ViewRecord {
  const { existing } = input;
  const externalId = typeof input.view['external_id'] === 'string' ? input.view['external_id'] : null;
  if (externalId) {
    for (const r of state.views.values()) {
      if (r.teamId === input.teamId && r.externalId === externalId && r.id !== existing?.id) fail('duplicate_external_id');
    }
  }
  const id = existing?.id ?? slackId('V');
  const hash = hashOf(input.view, input.now);
  const view = withGeneratedIds(input.view, `${id}:${hash}`);
  const rec: ViewRecord = {
    id,
    teamId: input.teamId,
    userId: input.userId,
    view,
    externalId,
    hash,
    rootViewId: existing?.rootViewId ?? input.rootViewId ?? id,
    previousViewId: existing ? existing.previousViewId : (input.previousViewId ?? null),
  };
  // Docs: what the person entered survives an update that keeps the block_id and action_id.
  const kept = existing?.entered ? keepEnteredFor(existing.entered, view) : undefined;
  if (kept) rec.entered = kept;
  state.views.set(id, rec);
  return rec;
}

/** Pushes a view onto the person's modal; throws SlackApiError push_limit_reached at 3 views. */
export function pushModalView(state: EmulatorState, teamId: string, userId: string, view: Json, now: number): ViewRecord {
  const stack = modalStack(state, teamId, userId);
  if (stack.length >= MAX_MODAL_VIEWS) fail('push_limit_reached');
  const top = stack.length ? state.views.get(stack[stack.length - 1]!) : undefined;
  const rec = storeView(state, {
    teamId,
    userId,
    view,
    now,
    ...(top ? { rootViewId: top.rootViewId, previousViewId: top.id } : {}),
  });
  stack.push(rec.id);
  return rec;
}

function openView(ctx: MethodContext, params: Params): Json {
  const view = readView(params, 'modal');
  const { userId, teamId } = consumeTrigger(ctx, params);
  const rec = storeView(ctx.state, { teamId, userId, view, now: ctx.config.now() });
  // A person sees one modal at a time: opening one replaces whatever modal they had open.
  const stack = modalStack(ctx.state, teamId, userId);
  for (const old of stack.splice(0)) ctx.state.views.delete(old);
  stack.push(rec.id);
  return { ok: true, view: viewJson(ctx.state, rec) };
}

function push(ctx: MethodContext, params: Params): Json {
  const view = readView(params, 'modal');
  const { userId, teamId } = consumeTrigger(ctx, params);
  return { ok: true, view: viewJson(ctx.state, pushModalView(ctx.state, teamId, userId, view, ctx.config.now())) };
}

function publish(ctx: MethodContext, params: Params): Json {
  const userId = str(params, 'user_id');
  const user = userId ? ctx.state.users.get(userId) : undefined;
  const teamId = user ? ctx.workspaceOf(user) : undefined;
  if (!user || !teamId) fail('user_not_found');
  const view = readView(params, 'home');
  const existing = [...ctx.state.views.values()].find((r) => r.teamId === teamId && r.userId === user.id && r.view['type'] === 'home');
  const hash = str(params, 'hash');
  if (existing && hash && hash !== existing.hash) fail('hash_conflict');
  return {
    ok: true,
    view: viewJson(ctx.state, storeView(ctx.state, { teamId, userId: user.id, view, now: ctx.config.now(), ...(existing ? { existing } : {}) })),
  };
}

function update(ctx: MethodContext, params: Params): Json {
  const viewId = str(params, 'view_id');
  const externalId = str(params, 'external_id');
  if (!viewId && !externalId) fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id required'] } });
  // A modal's views are forgotten when it closes, so updating one answers not_found.
  const existing = viewId ? ctx.state.views.get(viewId) : [...ctx.state.views.values()].find((r) => r.externalId === externalId && ctx.reaches(r.teamId));
  if (!existing || !ctx.reaches(existing.teamId)) fail('not_found');
  const hash = str(params, 'hash');
  if (hash && hash !== existing.hash) fail('hash_conflict');
  const view = readView(params, existing.view['type'] === 'home' ? 'home' : 'modal');
  return {
    ok: true,
    view: viewJson(ctx.state, storeView(ctx.state, { teamId: existing.teamId, userId: existing.userId, view, now: ctx.config.now(), existing })),
  };
}

/** A SlackApiError's code, or rethrows anything else. */
export function slackErrorCode(e: unknown): string {
  if (e instanceof SlackApiError) return e.code;
  throw e;
}

export const viewsMethods: MethodTable = {
  'views.open': { tier: 4, scopes: [], handler: openView },
  'views.push': { tier: 4, scopes: [], handler: push },
  'views.publish': { tier: 4, scopes: [], handler: publish },
  'views.update': { tier: 4, scopes: [], handler: update },
};
