// The shortcut modals and what their submissions say, and the rep's Home tab. Pure Block Kit.
import { describe, expect, it } from 'vitest';
import {
  bookMeetingModal,
  collectInfoModal,
  readMeetingSubmission,
  readFormSubmission,
  readShortcutContext,
  formAnswersText,
  fieldList,
} from '../../src/slack/format/shortcut-views.ts';
import { appHomeView } from '../../src/slack/format/app-home.ts';

const context = { orgId: 'org_1', conversationId: 'conv_1', channelId: 'C1', threadTs: '1.000001' };

describe('Book a meeting modal', () => {
  const calendars = [
    { agentId: 'ag_1', name: 'Alice' },
    { agentId: 'ag_2', name: 'Bob' },
  ];
  it('offers 15–60 minutes (30 by default) and the mapped reps’ calendars, the clicker’s first and chosen', () => {
    const view = bookMeetingModal({ context, visitorName: 'Quinn <Q>', calendars, defaultAgentId: 'ag_2' }) as unknown as {
      blocks: Array<Record<string, any>>;
      private_metadata: string;
      callback_id: string;
    };
    expect(view.callback_id).toBe('book_meeting_modal');
    expect(JSON.parse(view.private_metadata)).toEqual(context);
    expect(view.blocks[0]!.text.text).toContain('*Quinn &lt;Q&gt;*');
    const duration = view.blocks[1]!.element;
    expect(duration.options.map((o: { value: string }) => o.value)).toEqual(['15', '30', '45', '60']);
    expect(duration.initial_option.value).toBe('30');
    const calendar = view.blocks[2]!.element;
    expect(calendar.options.map((o: { value: string }) => o.value)).toEqual(['ag_2', 'ag_1']);
    expect(calendar.initial_option.value).toBe('ag_2');
  });

  it('keeps to Slack’s 100 options a select', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ agentId: `ag_${i}`, name: `Rep ${i}` }));
    const view = bookMeetingModal({ context, visitorName: 'Q', calendars: many, defaultAgentId: 'ag_149' }) as unknown as {
      blocks: Array<Record<string, any>>;
    };
    expect(view.blocks[2]!.element.options).toHaveLength(100);
    expect(view.blocks[2]!.element.options[0].value).toBe('ag_149');
  });
});

describe('Collect info modal', () => {
  it.each([
    { known: [], checked: ['email', 'phone', 'name', 'company', 'title'] },
    { known: ['email', 'name'] as const, checked: ['phone', 'company', 'title'] },
  ])('asks for what is not known yet, by default ($known known)', ({ known, checked }) => {
    const view = collectInfoModal({ context, visitorName: 'Q', alreadyKnown: [...known] }) as unknown as { blocks: Array<Record<string, any>> };
    expect(view.blocks[1]!.element.options.map((o: { value: string }) => o.value)).toEqual(['email', 'phone', 'name', 'company', 'title']);
    expect(view.blocks[1]!.element.initial_options.map((o: { value: string }) => o.value)).toEqual(checked);
  });
});

describe('reading submissions', () => {
  it.each([
    {
      values: { duration: { minutes: { selected_option: { value: '45' } } }, calendar: { agent: { selected_option: { value: 'ag_1' } } } },
      out: { durationMinutes: 45, agentId: 'ag_1' },
    },
    { values: { duration: { minutes: { selected_option: { value: '42' } } }, calendar: { agent: { selected_option: { value: 'ag_1' } } } }, out: null },
    { values: { duration: { minutes: { selected_option: { value: '30' } } }, calendar: { agent: { selected_option: null } } }, out: null },
    { values: {}, out: null },
  ])('meeting: $values → $out', ({ values, out }) => {
    expect(readMeetingSubmission(values as Parameters<typeof readMeetingSubmission>[0])).toEqual(out);
  });

  it.each([
    { selected: ['phone', 'email'], out: ['email', 'phone'] },
    { selected: ['email', 'fax'], out: ['email'] },
    { selected: [], out: null },
  ])('form: $selected → $out', ({ selected, out }) => {
    expect(readFormSubmission({ fields: { fields: { selected_options: selected.map((value) => ({ value })) } } })).toEqual(out);
  });

  it.each([
    { metadata: JSON.stringify(context), out: context },
    { metadata: JSON.stringify({ orgId: 'o' }), out: null },
    { metadata: 'not json', out: null },
    { metadata: undefined, out: null },
  ])('context from private_metadata $metadata', ({ metadata, out }) => {
    expect(readShortcutContext(metadata)).toEqual(out);
  });

  it('shows the visitor’s answers escaped, with labels', () => {
    expect(formAnswersText('Quinn', { email: 'q@x.example', company: '<!channel> Co' })).toBe(
      ':memo: *Quinn* filled in the form:\n*Email:* q@x.example\n*Company:* &lt;!channel&gt; Co',
    );
    expect(fieldList(['email', 'title'])).toBe('email, job title');
  });
});

describe('App Home', () => {
  const chat = (n: number, more: Partial<{ answered: boolean; accountName: string | null; threadLink: string | null }> = {}) => ({
    visitorName: `Visitor ${n}`,
    accountName: null,
    waitingMinutes: n,
    answered: false,
    threadLink: `https://x.slack.com/archives/C1/p${n}`,
    ...more,
  });
  const texts = (view: ReturnType<typeof appHomeView>) => JSON.stringify(view.blocks);

  it.each([
    {
      why: 'unmapped: says so and what to do',
      input: { mapped: null, chats: [], moreChats: 0 },
      has: ["isn't linked to a chat agent", 'Slack integration settings'],
      blocks: 2,
    },
    { why: 'mapped, no chats', input: { mapped: { agentName: 'Alice' }, chats: [], moreChats: 0 }, has: ['*Alice*', 'No open chats'], blocks: 3 },
    {
      why: 'two chats: visitor, account, waiting or open time, thread link',
      input: { mapped: { agentName: 'Alice' }, chats: [chat(3, { accountName: 'Acme' }), chat(12, { answered: true })], moreChats: 0 },
      has: ['*Visitor 3* · Acme', 'waiting 3 min', 'Open thread', 'open for 12 min'],
      blocks: 2 + 2 * 2,
    },
    { why: 'more than shown', input: { mapped: { agentName: 'A' }, chats: [chat(1)], moreChats: 4 }, has: ['And 4 more.'], blocks: 5 },
  ])('$why', ({ input, has, blocks }) => {
    const view = appHomeView(input);
    expect(view.type).toBe('home');
    for (const text of has) expect(texts(view)).toContain(text);
    expect(view.blocks).toHaveLength(blocks);
  });

  it('stays under Slack’s 100 blocks a Home tab', () => {
    const view = appHomeView({ mapped: { agentName: 'A' }, chats: Array.from({ length: 60 }, (_, i) => chat(i)), moreChats: 0 });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(texts(view)).toContain('And 35 more.');
  });
});
