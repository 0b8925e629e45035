// The installer's problem DM as text: names from outside are escaped and clipped, the fix fits
// the cause, and whatever goes in, the message stays within Slack's limits.
import { describe, expect, it } from 'vitest';
import { problemNotice, type ProblemNoticeInput } from '../../src/slack/format/problem-notices.ts';
import { SLACK_LIMITS } from '../../src/slack/format/slack-limits.ts';

const base: ProblemNoticeInput = {
  kind: 'channel_archived',
  channel: { id: 'C1', name: 'sales' },
  usedBy: { groupNames: ['Sales'], globalChannel: false },
  detail: null,
  subject: 'C1',
  healthUrl: 'https://tb.example/settings/org_1#health',
};

describe('problemNotice', () => {
  it('an archived group channel: names it and the group, says to unarchive or choose another, links the Health section', () => {
    const { text, blocks } = problemNotice(base);
    expect(text).toContain('The Slack channel #sales, where chats of routing group *Sales* are announced, was archived');
    expect(text).toContain('Unarchive #sales in Slack');
    expect(text).toContain('<https://tb.example/settings/org_1#health|Settings → Health>');
    expect(text).toContain('from your chat platform');
    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text } }]);
  });

  it('a group or channel name cannot mention, broadcast or link', () => {
    const { text } = problemNotice({
      ...base,
      channel: { id: 'C1', name: '<!channel>' },
      usedBy: { groupNames: ['<@U1> & <https://evil.example|x>'], globalChannel: true },
    });
    expect(text).not.toMatch(/<!channel>|<@U1>|<https:\/\/evil/);
    expect(text).toContain('#&lt;!channel&gt;');
    expect(text).toContain('*&lt;@U1&gt; &amp; &lt;https://evil.example|x&gt;* and the global channel');
  });

  it('a channel the directory does not know is a mention Slack shows by name', () => {
    expect(problemNotice({ ...base, channel: { id: 'C9', name: null } }).text).toContain('The Slack channel <#C9>,');
  });

  it.each([
    ['is_archived', 'Unarchive #sales in Slack'],
    ['not_in_channel', 'Add the app to #sales'],
    ['channel_not_found', 'If #sales is private, add the app to it'],
  ])('Slack refusing the channel with %s says what fixes it', (code, fix) => {
    const { text } = problemNotice({ ...base, kind: 'channel_refused', detail: code });
    expect(text).toContain(`(Slack said \`${code}\`)`);
    expect(text).toContain(fix);
  });

  it('undeliverable chats: the reason in words, and the fix for the cause', () => {
    const { text } = problemNotice({
      ...base,
      kind: 'chats_undeliverable',
      channel: null,
      usedBy: { groupNames: [], globalChannel: false },
      subject: 'no_target',
      detail: 'nowhere to notify: routing group <Sales> has no channel',
    });
    expect(text).toContain('A chat could not be delivered to anyone in Slack: nowhere to notify: routing group &lt;Sales&gt; has no channel');
    expect(text).toContain('*Route again*');
  });

  it('stays within Slack’s section limit with many long group names and a long reason', () => {
    const long = 'x'.repeat(5000);
    for (const kind of ['channel_archived', 'app_removed_from_channel', 'channel_refused', 'chats_undeliverable'] as const) {
      const { text } = problemNotice({
        ...base,
        kind,
        channel: { id: 'C1', name: long },
        usedBy: { groupNames: Array(40).fill(long), globalChannel: true },
        detail: long,
      });
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(text).toContain('<https://tb.example/settings/org_1#health|Settings → Health>');
    }
  });
});
