// chat.postMessage, chat.postEphemeral, chat.update, chat.delete, chat.getPermalink with
// Slack's argument rules, errors, warnings and the message events they cause.

import { validateBlocks, MAX_MESSAGE_BLOCKS } from '../blocks.ts';
import { fail, failWithMessages } from '../errors.ts';
import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { apiMessage } from '../message-format.ts';
import { bool, jsonParam, str } from '../params.ts';
import { attachReply, channelByName, channelMessages, findMessage, inTeam, nextTs, openIm } from '../state.ts';
import type { Channel, StoredMessage } from '../types.ts';
import { visibleChannel } from './visibility.ts';

/**
 * Docs: "Provide no more than 40,000 characters or risk truncation" (Slack truncates with a
 * message_truncated warning); the emulator takes the stricter reading and answers msg_too_long,
 * one of chat.postMessage's documented errors, so over-long text fails loudly in tests.
 */
export const MAX_TEXT = 40_000;
export const MAX_ATTACHMENTS = 100;

interface Content {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  warnings: string[];
}

function readContent(params: Params): Content {
  const blocks = jsonParam(params, 'blocks', 'invalid_blocks_format');
  if (blocks !== undefined) {
    const problem = validateBlocks(blocks, MAX_MESSAGE_BLOCKS);
    if (problem) failWithMessages(problem.code, problem.messages);
  }
  const attachments = jsonParam(params, 'attachments', 'invalid_attachments');
  if (attachments !== undefined && !Array.isArray(attachments)) fail('invalid_attachments');
  if (Array.isArray(attachments) && attachments.length > MAX_ATTACHMENTS) fail('too_many_attachments');
  const text = str(params, 'text') ?? '';
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (text.trim() === '' && !hasBlocks && !hasAttachments) fail('no_text');
  const warnings: string[] = [];
  if (text.length > MAX_TEXT) fail('msg_too_long');
  return {
    text,
    warnings,
    ...(hasBlocks ? { blocks: blocks as unknown[] } : {}),
    ...(hasAttachments ? { attachments: attachments as unknown[] } : {}),
  };
}

/** Resolves chat.postMessage's `channel`: an ID, a #name, or a user ID meaning the app's DM. */
function postTarget(ctx: MethodContext, params: Params): Channel {
  const raw = str(params, 'channel');
  if (!raw) fail('channel_not_found');
  if (/^[UW][A-Z0-9]+$/.test(raw)) {
    const user = ctx.state.users.get(raw);
    const workspace = user ? ctx.workspaceOf(user) : undefined;
    if (!user || !workspace || user.deleted) fail('channel_not_found');
    return openIm(ctx.state, workspace, raw, ctx.install.botUserId, ctx.config.now()).channel;
  }
  if (!/^[CGD][A-Z0-9]+$/.test(raw)) {
    // A #name names a channel of one workspace: an org-wide token says which with team_id.
    const name = raw.replace(/^#/, '');
    return visibleChannel(ctx, channelByName(ctx.state, ctx.workspaceParam(params).id, name)?.id);
  }
  return visibleChannel(ctx, raw);
}

function assertCanPost(ctx: MethodContext, ch: Channel): void {
  if (ch.isArchived) fail('is_archived');
  if (!ch.isIm && !ch.isPrivate && !ch.members.has(ctx.install.botUserId) && !ctx.hasScope('chat:write.public')) {
    fail('not_in_channel');
  }
}

function withWarnings(body: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  if (!warnings.length) return body;
  return { ...body, warning: warnings.join(','), response_metadata: { warnings } };
}

function postMessage(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = postTarget(ctx, params);
  assertCanPost(ctx, ch);
  const content = readContent(params);
  const threadTs = str(params, 'thread_ts');
  let parent: StoredMessage | undefined;
  if (threadTs) {
    // Slack silently accepts an unknown thread_ts and the reply is never seen; the emulator is
    // stricter and answers thread_not_found so a lost thread reference shows up in tests.
    const found = findMessage(ctx.state, ch.id, threadTs);
    if (!found) fail('thread_not_found');
    parent = found.thread_ts && found.thread_ts !== found.ts ? findMessage(ctx.state, ch.id, found.thread_ts) : found;
    if (!parent) fail('thread_not_found');
  }
  const metadata = jsonParam(params, 'metadata', 'invalid_metadata_format');
  if (metadata !== undefined) {
    const md = metadata as Record<string, unknown>;
    if (typeof md !== 'object' || md === null || typeof md['event_type'] !== 'string' || typeof md['event_payload'] !== 'object') {
      fail('invalid_metadata_format');
    }
  }
  const customize = ctx.hasScope('chat:write.customize');
  const username = customize ? str(params, 'username') : undefined;
  const iconUrl = customize ? str(params, 'icon_url') : undefined;
  const iconEmoji = customize ? str(params, 'icon_emoji') : undefined;
  const ts = nextTs(ctx.state, ctx.config.now());
  const m: StoredMessage = {
    type: 'message',
    ts,
    channel: ch.id,
    team: ch.teamId,
    text: content.text,
    user: ctx.install.botUserId,
    bot_id: ctx.install.botId,
    app_id: ctx.install.appId,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.attachments ? { attachments: content.attachments } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(username ? { username } : {}),
    ...(iconUrl ? { icon_url: iconUrl } : {}),
    ...(iconEmoji ? { icon_emoji: iconEmoji } : {}),
    // The app posts as the channel's workspace (its bot user is in it through the host's install).
    ...(ch.sharedTeamIds?.length ? { user_team: ch.teamId, source_team: ch.teamId } : {}),
  };
  if (parent) {
    attachReply(parent, m);
    if (bool(params, 'reply_broadcast')) m.subtype = 'thread_broadcast';
  }
  channelMessages(ctx.state, ch.id).push(m);
  ctx.events.messagePosted(ch.teamId, ch.id, ts);
  return withWarnings({ ok: true, channel: ch.id, ts, message: apiMessage(ctx.state, m) }, content.warnings);
}

function postEphemeral(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  assertCanPost(ctx, ch);
  const userId = str(params, 'user');
  const user = userId ? ctx.state.users.get(userId) : undefined;
  if (!user || !(inTeam(user, ch.teamId) || ch.members.has(user.id))) fail('user_not_found');
  if (!ch.members.has(user.id)) fail('user_not_in_channel');
  const content = readContent(params);
  // Ephemeral messages are not stored in history: only the recorded call shows them.
  return withWarnings({ ok: true, message_ts: nextTs(ctx.state, ctx.config.now()) }, content.warnings);
}

function ownMessage(ctx: MethodContext, ch: Channel, ts: string | undefined, notOwn: string): StoredMessage {
  const m = ts ? findMessage(ctx.state, ch.id, ts) : undefined;
  if (!m) fail('message_not_found');
  if (m.bot_id !== ctx.install.botId) fail(notOwn);
  return m;
}

function update(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  const m = ownMessage(ctx, ch, str(params, 'ts'), 'cant_update_message');
  if (ch.isArchived) fail('is_archived');
  const content = readContent(params);
  const before = { ...m } as Record<string, unknown>;
  delete before['deleted'];
  m.text = content.text;
  if (params['blocks'] !== undefined) {
    if (content.blocks) m.blocks = content.blocks;
    else delete m.blocks;
  }
  if (content.attachments) m.attachments = content.attachments;
  m.edited = { user: ctx.install.botUserId, ts: nextTs(ctx.state, ctx.config.now()) };
  ctx.events.messageChanged(ch.teamId, ch.id, before, m.ts);
  const { ts: _ts, ...message } = apiMessage(ctx.state, m);
  return withWarnings({ ok: true, channel: ch.id, ts: m.ts, text: m.text, message }, content.warnings);
}

function del(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  const m = ownMessage(ctx, ch, str(params, 'ts'), 'cant_delete_message');
  const before = { ...m } as Record<string, unknown>;
  delete before['deleted'];
  m.deleted = true;
  ctx.events.messageDeleted(ch.teamId, ch.id, before);
  return { ok: true, channel: ch.id, ts: m.ts };
}

function getPermalink(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ch = visibleChannel(ctx, str(params, 'channel'));
  const ts = str(params, 'message_ts');
  const m = ts ? findMessage(ctx.state, ch.id, ts) : undefined;
  if (!m) fail('message_not_found');
  const domain = ctx.state.teams.get(ch.teamId)?.domain ?? ctx.team.domain;
  const base = `https://${domain}.slack.com/archives/${ch.id}/p${m.ts.replace('.', '')}`;
  const permalink = m.thread_ts && m.thread_ts !== m.ts ? `${base}?thread_ts=${m.thread_ts}&cid=${ch.id}` : base;
  return { ok: true, channel: ch.id, permalink };
}

export const chatMethods: MethodTable = {
  'chat.postMessage': { tier: 'post_message', scopes: ['chat:write'], handler: postMessage },
  'chat.postEphemeral': { tier: 4, scopes: ['chat:write'], handler: postEphemeral },
  'chat.update': { tier: 3, scopes: ['chat:write'], handler: update },
  'chat.delete': { tier: 3, scopes: ['chat:write'], handler: del },
  // Docs: "Special" (generous); platform-facts: treat as Tier 3 when in doubt — the stricter one.
  'chat.getPermalink': { tier: 3, scopes: [], handler: getPermalink },
};
