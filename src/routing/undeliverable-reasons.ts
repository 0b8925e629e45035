// Why a chat's notification reached no one, in words (stored with the chat, shown to admins and
// in logs) and as a code (the label of the undeliverable-chats metric). The words are made here
// only, so the code read back from them is exact for every reason this release writes; a reason
// stored by an older release that none of these match counts as 'other'. Pure.

export type UndeliverableCode = 'slack_not_connected' | 'slack_connection_lost' | 'no_target' | 'slack_refused' | 'channel_shared_unconfirmed' | 'other';

export const undeliverableReasons = {
  notConnected: (): string => 'Slack is not connected for this org',
  /** Slack answered a post with a code meaning the app lost the workspace (account_inactive, …). */
  connectionLost: (code: string): string => `Slack connection lost: ${code}`,
  /** The routing rules found no usable target; `skipped` says why each candidate was passed over. */
  nowhere: (skipped: string[]): string => `nowhere to notify: ${skipped.join('; ')}`,
  /** Slack refused the notification's content itself (too long, invalid blocks), even as plain text. */
  refusedContent: (code: string): string => `Slack refused the notification (${code})`,
  refusedEveryTarget: (): string => 'Slack refused every target the routing rules allowed',
  /**
   * Held: the channel the chat would go to (`where`, e.g. "the channel of Sales (C123)") became
   * shared with another company (Slack Connect) after it was chosen, and nobody confirmed it.
   */
  sharedChannelUnconfirmed: (where: string): string =>
    `held: ${where} is shared with another company (Slack Connect) and nobody confirmed its visitors' details may be shown there`,
};

const byPrefix: Array<[string, UndeliverableCode]> = [
  [undeliverableReasons.notConnected(), 'slack_not_connected'],
  ['Slack connection lost: ', 'slack_connection_lost'],
  ['nowhere to notify: ', 'no_target'],
  ['Slack refused the notification (', 'slack_refused'],
  [undeliverableReasons.refusedEveryTarget(), 'slack_refused'],
  ['held: ', 'channel_shared_unconfirmed'],
];

export function undeliverableCode(reason: string): UndeliverableCode {
  return byPrefix.find(([prefix]) => reason.startsWith(prefix))?.[1] ?? 'other';
}
