// views.open / push / publish / update: trigger_id rules (valid 3 s, single use), view
// validation (≤100 blocks, title/submit/close ≤24 chars), hash and external_id handling.

import { createHash } from 'node:crypto';
import { MAX_VIEW_BLOCKS, validateBlocks } from '../blocks.ts';
import { fail, failWithMessages } from '../errors.ts';
import { slackId } from '../ids.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { jsonParam, str } from '../params.ts';
import type { ViewRecord } from '../state.ts';

/** Docs: "trigger_id … expires in 3 seconds" and may be exchanged once. */
export const TRIGGER_TTL_MS = 3000;
export const MAX_VIEW_TITLE = 24;
export const MAX_PRIVATE_METADATA = 3000;

function consumeTrigger(ctx: MethodContext, params: Params): string {
  const id = str(params, 'trigger_id');
  if (!id) fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
  const t = ctx.state.triggers.get(id);
  if (!t || t.teamId !== ctx.team.id) fail('invalid_trigger_id');
  if (t.used) fail('exchanged_trigger_id');
  if (ctx.config.now() - t.issuedAt > TRIGGER_TTL_MS) fail('expired_trigger_id');
  t.used = true;
  return t.userId;
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

function readView(params: Params, expected: 'modal' | 'home'): Record<string, unknown> {
  const view = jsonParam(params, 'view', 'invalid_arguments');
  if (typeof view !== 'object' || view === null || Array.isArray(view)) {
    fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
  }
  const v = view as Record<string, unknown>;
  const messages: string[] = [];
  if (v['type'] !== expected) messages.push('[ERROR] must be a valid enum value [json-pointer:/view/type]');
  if (expected === 'modal') {
    checkPlain(messages, v['title'], '/view/title', true);
    checkPlain(messages, v['submit'], '/view/submit', false);
    checkPlain(messages, v['close'], '/view/close', false);
  }
  const problem = validateBlocks(v['blocks'] ?? null, MAX_VIEW_BLOCKS, '/view/blocks');
  if (problem) messages.push(...problem.messages);
  const pm = v['private_metadata'];
  if (typeof pm === 'string' && pm.length > MAX_PRIVATE_METADATA) {
    messages.push(`[ERROR] must be less than ${MAX_PRIVATE_METADATA + 1} characters [json-pointer:/view/private_metadata]`);
  }
  if (messages.length) failWithMessages('invalid_arguments', messages);
  return v;
}

function viewBody(ctx: MethodContext, rec: ViewRecord): Record<string, unknown> {
  const v = rec.view;
  return {
    id: rec.id, team_id: rec.teamId, type: v['type'], blocks: v['blocks'] ?? [],
    private_metadata: v['private_metadata'] ?? '', callback_id: v['callback_id'] ?? '',
    state: { values: {} }, hash: rec.hash, title: v['title'] ?? null, clear_on_close: v['clear_on_close'] ?? false,
    notify_on_close: v['notify_on_close'] ?? false, close: v['close'] ?? null, submit: v['submit'] ?? null,
    previous_view_id: rec.previousViewId, root_view_id: rec.rootViewId, app_id: ctx.config.appId,
    external_id: rec.externalId ?? '', app_installed_team_id: ctx.team.id, bot_id: ctx.install.botId,
  };
}

function hashOf(view: unknown, salt: number): string {
  return `${Math.floor(salt / 1000)}.${createHash('sha1').update(JSON.stringify(view) + salt).digest('hex').slice(0, 8)}`;
}

function store(ctx: MethodContext, view: Record<string, unknown>, userId: string, existing?: ViewRecord, root?: string): ViewRecord {
  const externalId = typeof view['external_id'] === 'string' ? view['external_id'] : null;
  if (externalId) {
    for (const r of ctx.state.views.values()) {
      if (r.teamId === ctx.team.id && r.externalId === externalId && r.id !== existing?.id) fail('duplicate_external_id');
    }
  }
  const id = existing?.id ?? slackId('V');
  const rec: ViewRecord = {
    id, teamId: ctx.team.id, userId, view, externalId, hash: hashOf(view, ctx.config.now()),
    rootViewId: existing?.rootViewId ?? root ?? id, previousViewId: existing?.previousViewId ?? null,
  };
  ctx.state.views.set(id, rec);
  return rec;
}

function openView(ctx: MethodContext, params: Params): Record<string, unknown> {
  const view = readView(params, 'modal');
  const userId = consumeTrigger(ctx, params);
  return { ok: true, view: viewBody(ctx, store(ctx, view, userId)) };
}

function push(ctx: MethodContext, params: Params): Record<string, unknown> {
  const view = readView(params, 'modal');
  const userId = consumeTrigger(ctx, params);
  const open = [...ctx.state.views.values()].filter((r) => r.userId === userId && r.view['type'] === 'modal').pop();
  const rec = store(ctx, view, userId, undefined, open?.rootViewId);
  rec.previousViewId = open?.id ?? null;
  return { ok: true, view: viewBody(ctx, rec) };
}

function publish(ctx: MethodContext, params: Params): Record<string, unknown> {
  const userId = str(params, 'user_id');
  const user = userId ? ctx.state.users.get(userId) : undefined;
  if (!user || user.teamId !== ctx.team.id) fail('user_not_found');
  const view = readView(params, 'home');
  const existing = [...ctx.state.views.values()].find((r) => r.userId === user.id && r.view['type'] === 'home');
  const hash = str(params, 'hash');
  if (existing && hash && hash !== existing.hash) fail('hash_conflict');
  return { ok: true, view: viewBody(ctx, store(ctx, view, user.id, existing)) };
}

function update(ctx: MethodContext, params: Params): Record<string, unknown> {
  const viewId = str(params, 'view_id');
  const externalId = str(params, 'external_id');
  if (!viewId && !externalId) fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id required'] } });
  const existing = viewId
    ? ctx.state.views.get(viewId)
    : [...ctx.state.views.values()].find((r) => r.externalId === externalId && r.teamId === ctx.team.id);
  if (!existing || existing.teamId !== ctx.team.id) fail('not_found');
  const hash = str(params, 'hash');
  if (hash && hash !== existing.hash) fail('hash_conflict');
  const view = readView(params, existing.view['type'] === 'home' ? 'home' : 'modal');
  return { ok: true, view: viewBody(ctx, store(ctx, view, existing.userId, existing)) };
}

export const viewsMethods: MethodTable = {
  'views.open': { tier: 4, scopes: [], handler: openView },
  'views.push': { tier: 4, scopes: [], handler: push },
  'views.publish': { tier: 4, scopes: [], handler: publish },
  'views.update': { tier: 4, scopes: [], handler: update },
};
