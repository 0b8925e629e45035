// The pure parts of the activity figures: the first-response histogram (its buckets and the
// error its percentiles carry), calendar days in an org's time zone, and a day's counts from its
// chats' facts.
import { describe, expect, it } from 'vitest';
import { addToHistogram, bucketOf, FIRST_RESPONSE_BOUNDS, percentile, type Histogram } from '../../src/routing/first-response-histogram.ts';
import { dateIn, datesBetween, daysInRange, isDate, isTimeZone, startOfDate } from '../../src/routing/activity-dates.ts';
import { countDay, figuresOf, sumBreakdowns, type ActivityCounts, type ChatActivity } from '../../src/routing/activity-counts.ts';

const histogramOf = (seconds: number[]): Histogram => {
  const h: Histogram = {};
  for (const s of seconds) addToHistogram(h, s);
  return h;
};

describe('first-response histogram', () => {
  it('bounds rise by at most 1 s or 25 %, from 1 s to 7 days', () => {
    expect(FIRST_RESPONSE_BOUNDS[0]).toBe(1);
    expect(FIRST_RESPONSE_BOUNDS.at(-1)).toBe(7 * 24 * 3600);
    for (let i = 1; i < FIRST_RESPONSE_BOUNDS.length; i++) {
      const [prev, bound] = [FIRST_RESPONSE_BOUNDS[i - 1]!, FIRST_RESPONSE_BOUNDS[i]!];
      expect(bound).toBeGreaterThan(prev);
      expect(bound - prev <= 1 || bound <= prev * 1.25).toBe(true);
    }
  });

  it.each([
    [0, 1],
    [0.4, 1],
    [1, 1],
    [1.01, 2],
    [2, 2],
    [4.2, 5],
    [61, 63],
    [3600, 4241],
    [30 * 24 * 3600, 7 * 24 * 3600],
  ])('%s s falls in the bucket ending at %s s', (seconds, bound) => {
    expect(FIRST_RESPONSE_BOUNDS[bucketOf(seconds)]).toBe(bound);
  });

  it.each([
    { name: 'empty', values: [], p: 0.5, expected: null },
    { name: 'one value', values: [2], p: 0.5, expected: 2 },
    { name: 'one value, p90', values: [2], p: 0.9, expected: 2 },
    { name: 'two values, p50 is the lower', values: [2, 4], p: 0.5, expected: 2 },
    { name: 'two values, p90 is the higher', values: [2, 4], p: 0.9, expected: 4 },
    { name: 'ten values, p90 is the ninth', values: [1, 2, 3, 4, 5, 6, 8, 10, 12, 100], p: 0.9, expected: 12 },
    { name: 'fractional seconds round up to their bucket', values: [2.3, 4.5], p: 0.9, expected: 5 },
  ])('$name: p$p = $expected', ({ values, p, expected }) => {
    expect(percentile(histogramOf(values), p)).toBe(expected);
  });

  it('a percentile is never below the true value and at most 1 s or 25 % above it', () => {
    for (let seconds = 0.5; seconds < 200_000; seconds *= 1.07) {
      const read = percentile(histogramOf([seconds]), 0.5)!;
      expect(read).toBeGreaterThanOrEqual(seconds);
      expect(read <= seconds + 1 || read <= seconds * 1.25).toBe(true);
    }
  });
});

describe('calendar days', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('%s is a time zone: %s', (name, valid) => {
    expect(isTimeZone(name)).toBe(valid);
  });

  it.each([
    ['2026-12-07', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['yesterday', false],
  ])('%s is a date: %s', (value, valid) => {
    expect(isDate(value)).toBe(valid);
  });

  it.each([
    { at: '2026-12-06T23:30:00Z', zone: 'UTC', date: '2026-12-06' },
    { at: '2026-12-06T23:30:00Z', zone: 'Europe/Berlin', date: '2026-12-07' },
    { at: '2026-12-07T03:30:00Z', zone: 'America/New_York', date: '2026-12-06' },
    { at: '2026-03-29T00:30:00Z', zone: 'Europe/Berlin', date: '2026-03-29' },
  ])('$at is on $date in $zone', ({ at, zone, date }) => {
    expect(dateIn(new Date(at), zone)).toBe(date);
  });

  it.each([
    { date: '2026-12-07', zone: 'UTC', start: '2026-12-07T00:00:00.000Z' },
    { date: '2026-12-07', zone: 'Europe/Berlin', start: '2026-12-06T23:00:00.000Z' },
    { date: '2026-07-07', zone: 'Europe/Berlin', start: '2026-07-06T22:00:00.000Z' },
    // The day the clocks go forward (02:00 → 03:00) still starts at midnight; the next at 22:00 UTC.
    { date: '2026-03-29', zone: 'Europe/Berlin', start: '2026-03-28T23:00:00.000Z' },
    { date: '2026-03-30', zone: 'Europe/Berlin', start: '2026-03-29T22:00:00.000Z' },
    { date: '2026-12-07', zone: 'Asia/Kolkata', start: '2026-12-06T18:30:00.000Z' },
  ])('$date starts at $start in $zone', ({ date, zone, start }) => {
    expect(startOfDate(date, zone).toISOString()).toBe(start);
  });

  it('a range lists every day, across a month and a year end', () => {
    expect(datesBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(daysInRange('2026-01-01', '2026-12-31')).toBe(365);
    expect(daysInRange('2024-01-01', '2024-12-31')).toBe(366);
  });
});

describe("a day's counts", () => {
  const start = new Date('2026-12-07T10:00:00Z');
  const secondsIn = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const chat = (id: string, over: Partial<ChatActivity> = {}): ChatActivity => ({
    conversationId: id,
    startedAt: start,
    routingGroupId: 'grp_sales',
    answerTimeMs: 120_000,
    firstAnswer: null,
    ended: false,
    ...over,
  });

  it('counts chats, answered (by where), missed, within the answer time, and percentiles, for the day, each group and each agent', () => {
    const counts = countDay([
      chat('c1', { firstAnswer: { at: secondsIn(2), agentId: 'agt_a', agentName: 'Alice', origin: 'slack' } }),
      chat('c2', { firstAnswer: { at: secondsIn(300), agentId: 'agt_b', agentName: 'Bob', origin: 'console' }, ended: true }),
      chat('c3', { ended: true, routingGroupId: 'grp_support' }),
      chat('c4', { routingGroupId: null }),
      chat('c5', { answerTimeMs: null, firstAnswer: { at: secondsIn(4000), agentId: 'agt_a', agentName: 'Alice A.', origin: 'console' } }),
    ]);
    expect(figuresOf(counts.day)).toEqual({
      chats: 5,
      answered: 3,
      missed: 1,
      answeredInSlack: 1,
      answeredInConsole: 2,
      answeredWithinAnswerTime: 2,
      firstResponseSeconds: { p50: 366, p90: 4241 },
    });
    const groups = Object.fromEntries(counts.groups.map((g) => [g.routingGroupId, figuresOf(g)]));
    expect(Object.keys(groups).sort()).toEqual(['grp_sales', 'grp_support']);
    expect(groups['grp_sales']).toMatchObject({ chats: 3, answered: 3, missed: 0 });
    expect(groups['grp_support']).toMatchObject({ chats: 1, answered: 0, missed: 1, firstResponseSeconds: { p50: null, p90: null } });
    const agents = Object.fromEntries(counts.agents.map((a) => [a.agentId, { name: a.name, ...figuresOf(a) }]));
    expect(agents['agt_a']).toMatchObject({ name: 'Alice', chats: 2, answered: 2, missed: 0, answeredInSlack: 1, answeredInConsole: 1 });
    expect(agents['agt_b']).toMatchObject({ name: 'Bob', chats: 1, answered: 1, answeredWithinAnswerTime: 0 });
  });

  it('a chat still open and unanswered is neither answered nor missed', () => {
    expect(figuresOf(countDay([chat('c1')]).day)).toMatchObject({ chats: 1, answered: 0, missed: 0 });
  });

  it("days' breakdowns add up to the breakdown of all their chats, each group and agent with the name it had last", () => {
    const monday = [
      chat('c1', { firstAnswer: { at: secondsIn(2), agentId: 'agt_a', agentName: 'Alice', origin: 'slack' } }),
      chat('c2', { ended: true, routingGroupId: 'grp_support' }),
    ];
    const tuesday = [
      chat('c3', { firstAnswer: { at: secondsIn(90), agentId: 'agt_a', agentName: 'Alice Adams', origin: 'console' } }),
      chat('c4', { firstAnswer: { at: secondsIn(7), agentId: 'agt_b', agentName: 'Bob', origin: 'slack' }, routingGroupId: 'grp_support' }),
    ];
    const sum = sumBreakdowns([
      { ...countDay(monday), groupNames: { grp_sales: 'Sales', grp_support: 'Support' } },
      { ...countDay(tuesday), groupNames: { grp_support: 'Customer care' } },
    ]);
    const all = countDay([...monday, ...tuesday]);
    const figures = (rows: Array<ActivityCounts & { routingGroupId?: string; agentId?: string }>) =>
      Object.fromEntries(rows.map((r) => [r.routingGroupId ?? r.agentId, figuresOf(r)]));
    expect(figures(sum.groups)).toEqual(figures(all.groups));
    expect(figures(sum.agents)).toEqual(figures(all.agents));
    expect(Object.fromEntries(sum.agents.map((a) => [a.agentId, a.name]))).toEqual({ agt_a: 'Alice Adams', agt_b: 'Bob' });
    expect(sum.groupNames).toEqual({ grp_sales: 'Sales', grp_support: 'Customer care' });
  });
});
