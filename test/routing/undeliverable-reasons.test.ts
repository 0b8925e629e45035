// Undeliverable reasons: every reason this release writes reads back as its metric code, and a
// reason worded some other way (an older release's) as 'other'.
import { describe, expect, it } from 'vitest';
import { undeliverableCode, undeliverableReasons } from '../../src/routing/undeliverable-reasons.ts';

describe('undeliverableCode', () => {
  it.each([
    { reason: undeliverableReasons.notConnected(), code: 'slack_not_connected' },
    { reason: undeliverableReasons.connectionLost('account_inactive'), code: 'slack_connection_lost' },
    { reason: undeliverableReasons.nowhere(['the global channel is off', 'no routing group has a channel']), code: 'no_target' },
    { reason: undeliverableReasons.nowhere([]), code: 'no_target' },
    { reason: undeliverableReasons.refusedContent('msg_too_long'), code: 'slack_refused' },
    { reason: undeliverableReasons.refusedEveryTarget(), code: 'slack_refused' },
    { reason: undeliverableReasons.sharedChannelUnconfirmed('the channel of Sales (C1)'), code: 'channel_shared_unconfirmed' },
    { reason: 'Slack is not connected', code: 'other' },
    { reason: 'something an older release wrote', code: 'other' },
    { reason: '', code: 'other' },
  ])('$reason → $code', ({ reason, code }) => {
    expect(undeliverableCode(reason)).toBe(code);
  });
});
