// Turns stored messages into the JSON Slack shows apps: API responses (no `channel`) and
// `message` events (with channel, event_ts, channel_type); bot messages carry bot_profile.

import type { EmulatorState } from './state.ts';
import type { StoredMessage } from './types.ts';

export function botProfile(state: EmulatorState, botId: string): Record<string, unknown> | undefined {
  for (const inst of state.installations.values()) {
    if (inst.botId !== botId) continue;
    const bot = state.users.get(inst.botUserId);
    return {
      id: botId,
      app_id: inst.appId,
      name: bot?.name ?? 'app',
      icons: {
        image_36: 'https://a.slack-edge.com/80588/img/plugins/app/bot_36.png',
        image_48: 'https://a.slack-edge.com/80588/img/plugins/app/bot_48.png',
        image_72: 'https://a.slack-edge.com/80588/img/plugins/app/service_72.png',
      },
      deleted: false,
      updated: Math.floor((bot?.updated ?? 0) / 1000),
      team_id: inst.teamId,
    };
  }
  return undefined;
}

/** The message as conversations.history / chat.postMessage return it. */
export function apiMessage(state: EmulatorState, m: StoredMessage): Record<string, unknown> {
  const { channel: _channel, deleted: _deleted, icon_url, icon_emoji, ...rest } = m;
  const out: Record<string, unknown> = { ...rest };
  if (icon_url || icon_emoji) out['icons'] = icon_emoji ? { emoji: icon_emoji } : { image_48: icon_url };
  if (m.bot_id) {
    const profile = botProfile(state, m.bot_id);
    if (profile) out['bot_profile'] = profile;
  }
  return out;
}

/** The `event` object of a `message` event for this stored message. */
export function messageEvent(state: EmulatorState, m: StoredMessage, channelType: string): Record<string, unknown> {
  const { reply_count: _rc, reply_users: _ru, reply_users_count: _ruc, latest_reply: _lr, ...base } = apiMessage(state, m);
  return { ...base, channel: m.channel, event_ts: m.ts, channel_type: channelType };
}

/** Slack renders a human's plain text as one rich_text block. */
export function richTextBlocks(text: string, blockId: string): unknown[] {
  return [
    {
      type: 'rich_text',
      block_id: blockId,
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }],
    },
  ];
}
