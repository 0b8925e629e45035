// reactions.add and reactions.remove on messages (channel + timestamp; the retired file and
// file_comment items answer not_reactable), with the reaction_added / reaction_removed events.

import { fail } from '../errors.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { str } from '../params.ts';
import { findMessage } from '../state.ts';
import type { Channel, Reaction, StoredMessage } from '../types.ts';
import { visibleChannel } from './visibility.ts';

/**
 * Docs name the errors (too_many_emoji: "the limit for distinct reactions on the item",
 * too_many_reactions: "the limit for reactions a person may add to the item") but not the numbers:
 * these are the emulator's.
 */
export const MAX_DISTINCT_EMOJI = 50;
export const MAX_REACTIONS_PER_USER = 23;

/**
 * An emoji name without colons, optionally with a skin tone (`thumbsup::skin-tone-6`, docs).
 * The emulator knows no emoji list, so it checks the shape only: Slack also answers invalid_name
 * for a well-formed name it does not know (python-slack-sdk#1588).
 */
const NAME = /^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/;
const TIMESTAMP = /^\d+\.\d+$/;

interface Target {
  ch: Channel;
  m: StoredMessage;
  name: string;
}

function target(ctx: MethodContext, params: Params): Target {
  if (params['file'] !== undefined || params['file_comment'] !== undefined) fail('not_reactable');
  const channel = str(params, 'channel');
  const ts = str(params, 'timestamp');
  if (!channel || !ts) fail('no_item_specified');
  const name = str(params, 'name') ?? '';
  if (!NAME.test(name)) fail('invalid_name');
  if (!TIMESTAMP.test(ts)) fail('bad_timestamp');
  const ch = visibleChannel(ctx, channel);
  const m = findMessage(ctx.state, ch.id, ts);
  if (!m) fail('message_not_found');
  return { ch, m, name };
}

function add(ctx: MethodContext, params: Params): Record<string, unknown> {
  const { ch, m, name } = target(ctx, params);
  if (ch.isArchived) fail('is_archived');
  const me = ctx.install.botUserId;
  const list = m.reactions ?? [];
  const existing = list.find((r) => r.name === name);
  if (existing?.users.includes(me)) fail('already_reacted');
  if (!existing && list.length >= MAX_DISTINCT_EMOJI) fail('too_many_emoji');
  if (list.filter((r) => r.users.includes(me)).length >= MAX_REACTIONS_PER_USER) fail('too_many_reactions');
  const next: Reaction[] = existing
    ? list.map((r) => (r === existing ? { name, users: [...r.users, me], count: r.count + 1 } : r))
    : [...list, { name, users: [me], count: 1 }];
  m.reactions = next;
  ctx.events.reactionAdded(ch.teamId, ch.id, m.ts, me, name);
  return { ok: true };
}

function remove(ctx: MethodContext, params: Params): Record<string, unknown> {
  const { ch, m, name } = target(ctx, params);
  const me = ctx.install.botUserId;
  const list = m.reactions ?? [];
  const existing = list.find((r) => r.name === name);
  if (!existing?.users.includes(me)) fail('no_reaction');
  const next = list.map((r) => (r === existing ? { name, users: r.users.filter((u) => u !== me), count: r.count - 1 } : r)).filter((r) => r.count > 0);
  if (next.length) m.reactions = next;
  else delete m.reactions;
  ctx.events.reactionRemoved(ch.teamId, ch.id, m.ts, me, name);
  return { ok: true };
}

export const reactionsMethods: MethodTable = {
  'reactions.add': { tier: 3, scopes: ['reactions:write'], handler: add },
  // docs.slack.dev gives no tier on the reactions.remove page; the Java SDK's MethodsRateLimits says Tier 2.
  'reactions.remove': { tier: 2, scopes: ['reactions:write'], handler: remove },
};
