// Pure choice of where a new chat's notification (the parent message of its thread) goes.
// This is the walking skeleton's rule, the org's one configured channel; the full routing
// (groups, DND, owners, fallbacks) replaces it with the same input and output shapes.

export interface NotificationSettings {
  globalChannelId: string | null;
}

export type NotificationTarget =
  | { kind: 'channel'; channelId: string; mentionUserIds: string[]; reason: string }
  | { kind: 'undeliverable'; reason: string };

export function chooseNotificationTarget(settings: NotificationSettings | null): NotificationTarget {
  if (settings?.globalChannelId) {
    return { kind: 'channel', channelId: settings.globalChannelId, mentionUserIds: [], reason: "the org's notification channel" };
  }
  return { kind: 'undeliverable', reason: 'no Slack channel is configured for this org' };
}
