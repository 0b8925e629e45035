// The settings page's Activity section: the last 30 days of GET /api/orgs/:orgId/activity as an
// admin reads them at a glance (a one-line summary, chats a day with the missed ones, the first
// response's p50 and p90 by day), then the figures by routing group and by agent. Part of the
// page's one classic script (../settings-page-script.ts serves it after health-section.ts and
// before settings-page.ts, whose helpers $, el and api it uses, as it does health-section.ts's goTo);
// nothing here runs at the top level but the Load again button's wiring.
// The charts are SVG drawn here with DOM APIs, not a library: two charts of 30 points need a few
// dozen elements, a library would be the largest file the page loads and one more dependency to
// keep patched, and none is installed. They are drawn at the width they get (drawn again when the
// window's width changes), so their words stay legible at 400 px. Each chart is role="img" with a
// description a screen reader reads, and the figures of every day are in a table under them.
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, which is not strict unless it says so
'use strict';

/**
 * The figures as the page reads them. The contract is ActivityReport in
 * src/routing/activity-figures.ts, which a browser script cannot import: keep these in step with it.
 */
interface ActivityFigures {
  chats: number;
  answered: number;
  missed: number;
  answeredInSlack: number;
  answeredInConsole: number;
  answeredWithinAnswerTime: number;
  firstResponseSeconds: { p50: number | null; p90: number | null };
}
interface ActivityReport {
  from: string;
  to: string;
  timeZone: string;
  percentileError: string;
  days: Array<{ date: string } & ActivityFigures>;
  groups: Array<{ routingGroupId: string; name: string | null } & ActivityFigures>;
  agents: Array<{ agentId: string; name: string | null } & ActivityFigures>;
}

const ACTIVITY_DAYS = 30;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Only the latest load is drawn. */
let activityLoad = 0;
let activityShown: ActivityReport | null = null;
/** The org's time zone (its `timeZone` setting, UTC when unset): "today" is the org's today. */
let activityTimeZone = 'UTC';

/** The org's calendar date of `at`, YYYY-MM-DD. */
function orgDate(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  } catch {
    // A zone this browser does not know: UTC, the API's own default.
    return at.toISOString().slice(0, 10);
  }
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const DAY_LABEL = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const WEEKDAY_LABEL = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
/** "Dec 3": a report's date (the org's calendar day) as written. */
const dayLabel = (date: string) => DAY_LABEL.format(new Date(`${date}T00:00:00Z`));

/** "45 s", "2 min 5 s", "1 h 10 min"; "—" when nothing was answered. */
function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round(s / 60);
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}
/** A chart axis's short form: "45s", "2m", "1.5h". */
function shortDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round((seconds / 60) * 10) / 10}m`;
  if (seconds < 86_400) return `${Math.round((seconds / 3600) * 10) / 10}h`;
  return `${Math.round((seconds / 86_400) * 10) / 10}d`;
}
const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${Math.round((part / whole) * 100)} %)`);
const count = (n: number) => n.toLocaleString('en');

/** Called by settings-page.ts once the settings say the org's time zone, and again when it changes. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function showActivity(timeZone: string | null) {
  activityTimeZone = timeZone || 'UTC';
  void loadActivity();
}

async function loadActivity() {
  const load = ++activityLoad;
  $('activity').hidden = false;
  $('activity-summary').textContent = 'Loading the last 30 days…';
  $('activity-error').textContent = '';
  const to = orgDate(new Date(), activityTimeZone);
  const from = addDays(to, -(ACTIVITY_DAYS - 1));
  let answer: ApiAnswer<ActivityReport>;
  try {
    answer = await api<ActivityReport>('GET', `/activity?from=${from}&to=${to}`);
  } catch (e) {
    // A session that ended is said by the page as a whole (signedOut).
    if (load !== activityLoad || (e as Error).message === 'unauthorized' || (e as Error).message === 'forbidden') return;
    showActivityFailure('Threadbridge could not be reached. Check your network connection, then press Load again or reload the page.');
    return;
  }
  if (load !== activityLoad) return;
  if (!answer.ok) {
    const why = answer.data?.error ? answer.data.error.message : `the server answered ${answer.status}`;
    showActivityFailure(
      `The activity could not be loaded (${why}). Press Load again in a minute, or reload the page; if it keeps failing, tell Threadbridge support.`,
    );
    return;
  }
  renderActivity(answer.data);
}

/** Never a blank section: what failed, and what to do. */
function showActivityFailure(message: string) {
  activityShown = null;
  $('activity-summary').textContent = 'The activity of the last 30 days could not be loaded.';
  $('activity-error').textContent = message;
  $('activity-body').hidden = true;
  $('activity-empty').hidden = true;
}

function renderActivity(report: ActivityReport) {
  activityShown = report;
  const total = sum(report.days);
  const range = `${dayLabel(report.from)} to ${dayLabel(report.to)}`;
  $('activity-error').textContent = '';
  if (total.chats === 0) {
    $('activity-summary').textContent = `Last 30 days (${range}): no chats.`;
    $('activity-empty').hidden = false;
    $('activity-body').hidden = true;
    return;
  }
  $('activity-empty').hidden = true;
  $('activity-body').hidden = false;
  $('activity-summary').replaceChildren(
    `Last 30 days (${range}): `,
    el('strong', { text: `${count(total.chats)} chats` }),
    `, ${count(total.answered)} answered${share(total.answered, total.chats)}, `,
    el('strong', { className: total.missed ? 'missed' : '', text: `${count(total.missed)} missed` }),
    `${share(total.missed, total.chats)}; ${count(total.answeredWithinAnswerTime)} of the answered within the answer time${share(total.answeredWithinAnswerTime, total.answered)}.`,
  );
  drawActivityCharts(report);
  $('activity-days').replaceChildren(
    ...report.days.map((d) =>
      el('tr', {}, [
        el('th', { scope: 'row', 'data-label': 'Day', text: WEEKDAY_LABEL.format(new Date(`${d.date}T00:00:00Z`)) }),
        el('td', { 'data-label': 'Chats', text: count(d.chats) }),
        el('td', { 'data-label': 'Missed', text: count(d.missed) }),
        el('td', { 'data-label': 'First response p50', text: duration(d.firstResponseSeconds.p50) }),
        el('td', { 'data-label': 'First response p90', text: duration(d.firstResponseSeconds.p90) }),
      ]),
    ),
  );
  $('activity-groups-empty').hidden = report.groups.length > 0;
  $('activity-groups-table').hidden = report.groups.length === 0;
  $('activity-groups').replaceChildren(
    ...report.groups.map((g) =>
      el('tr', {}, [
        el('th', { scope: 'row', 'data-label': 'Routing group', text: g.name || `Group ${g.routingGroupId}` }),
        el('td', { 'data-label': 'Chats', text: count(g.chats) }),
        el('td', { 'data-label': 'Answered', text: `${count(g.answered)}${share(g.answered, g.chats)}` }),
        el('td', { 'data-label': 'Missed', className: g.missed ? 'missed' : '', text: count(g.missed) }),
        el('td', { 'data-label': 'Within answer time', text: `${count(g.answeredWithinAnswerTime)}${share(g.answeredWithinAnswerTime, g.answered)}` }),
        el('td', { 'data-label': 'First response p50 / p90', text: percentiles(g) }),
      ]),
    ),
  );
  $('activity-agents-empty').hidden = report.agents.length > 0;
  $('activity-agents-table').hidden = report.agents.length === 0;
  $('activity-agents').replaceChildren(
    ...report.agents.map((a) =>
      el('tr', {}, [
        el('th', { scope: 'row', 'data-label': 'Agent', text: a.name || `Agent ${a.agentId}` }),
        el('td', { 'data-label': 'Answered first', text: count(a.answered) }),
        el('td', { 'data-label': 'In Slack / console', text: `${count(a.answeredInSlack)} / ${count(a.answeredInConsole)}` }),
        el('td', { 'data-label': 'Within answer time', text: `${count(a.answeredWithinAnswerTime)}${share(a.answeredWithinAnswerTime, a.answered)}` }),
        el('td', { 'data-label': 'First response p50 / p90', text: percentiles(a) }),
      ]),
    ),
  );
  // The time zone is set in the form below (digest-section.ts): the link takes the keyboard there.
  const change = el('a', { href: '#time-zone', text: 'Change the time zone' });
  change.onclick = (e) => {
    e.preventDefault();
    goTo('time-zone');
  };
  $('activity-note').replaceChildren(
    `Days are calendar days in ${report.timeZone}. A chat counts on the day it started; missed: it ended with no answer. ` +
      `p50: half of the answered chats had their first answer within this; p90: nine in ten. Percentiles are ${report.percentileError}. `,
    change,
    '.',
  );
}

const percentiles = (f: ActivityFigures) => `${duration(f.firstResponseSeconds.p50)} / ${duration(f.firstResponseSeconds.p90)}`;

function sum(days: ActivityFigures[]) {
  const total = { chats: 0, answered: 0, missed: 0, answeredWithinAnswerTime: 0 };
  for (const d of days) {
    total.chats += d.chats;
    total.answered += d.answered;
    total.missed += d.missed;
    total.answeredWithinAnswerTime += d.answeredWithinAnswerTime;
  }
  return total;
}

/** A round top for a duration axis, whose half is round too: 1 min, 10 min, 2 h. */
function niceDuration(seconds: number): number {
  for (const top of [10, 20, 60, 120, 240, 600, 1200, 1800, 3600, 7200, 14_400, 28_800, 86_400]) if (top >= seconds) return top;
  return Math.ceil(seconds / 86_400) * 86_400;
}

/** A round top for an axis (its half is round too): 1, 2, 4, 5 or 8 times a power of ten, at least `value`. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 5, 8, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  children: Array<Node | string> = [],
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}

interface Plot {
  width: number;
  height: number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  /** The centre of day i's band. */
  x(i: number): number;
  y(value: number): number;
  band: number;
}

/** A chart's frame: gridlines with their values, and a date under every 7th day (the last one labelled). */
function frame(container: HTMLElement, days: ActivityReport['days'], top: number, label: (v: number) => string): { root: SVGSVGElement; plot: Plot } {
  const width = Math.max(260, Math.floor(container.clientWidth));
  const height = 170;
  const left = 40;
  const bottom = 22;
  const plotWidth = width - left - 8;
  const plotHeight = height - 10 - bottom;
  const band = plotWidth / days.length;
  const plot: Plot = {
    width,
    height,
    left,
    top: 10,
    plotWidth,
    plotHeight,
    band,
    x: (i) => left + band * i + band / 2,
    y: (v) => 10 + plotHeight - (v / top) * plotHeight,
  };
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', focusable: 'false' });
  for (const v of [0, top / 2, top]) {
    const y = plot.y(v);
    root.append(
      svg('line', { x1: left, x2: width - 8, y1: y, y2: y, class: v === 0 ? 'axis' : 'grid' }),
      svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, [label(v)]),
    );
  }
  // Few enough dates to stay apart at 400 px: every 7th day, counted back from the last.
  const last = days.length - 1;
  for (let i = last; i >= 0; i -= 7) {
    const anchor = i === last ? 'end' : i < 3 ? 'start' : 'middle';
    const x = i === last ? Math.min(plot.x(i) + band / 2, width - 8) : plot.x(i);
    root.append(svg('text', { x, y: height - 6, 'text-anchor': anchor, class: 'tick' }, [dayLabel(days[i]?.date ?? '')]));
  }
  return { root, plot };
}

function drawActivityCharts(report: ActivityReport) {
  const days = report.days;
  const chats = $('activity-chats-chart');
  const chatsTop = niceMax(Math.max(...days.map((d) => d.chats)));
  const { root: chatsSvg, plot } = frame(chats, days, chatsTop, (v) => (Number.isInteger(v) ? count(v) : ''));
  const barWidth = Math.max(2, plot.band * 0.7);
  for (const [i, d] of days.entries()) {
    const x = plot.x(i) - barWidth / 2;
    const answeredTop = plot.y(d.chats);
    const missedTop = plot.y(d.missed);
    const title = svg('title', {}, [`${dayLabel(d.date)}: ${d.chats} chats, ${d.missed} missed`]);
    const bar = svg('g', { class: 'day' }, [title]);
    if (d.chats > d.missed) bar.append(svg('rect', { x, y: answeredTop, width: barWidth, height: missedTop - answeredTop, class: 'bar-chats' }));
    if (d.missed > 0) bar.append(svg('rect', { x, y: missedTop, width: barWidth, height: plot.y(0) - missedTop, class: 'bar-missed' }));
    chatsSvg.append(bar);
  }
  const total = sum(days);
  const busiest = days.reduce((a, b) => (b.chats > a.chats ? b : a));
  chatsSvg.setAttribute(
    'aria-label',
    `Chats a day from ${dayLabel(report.from)} to ${dayLabel(report.to)}, a bar a day with its missed chats at its foot: ` +
      `${count(total.chats)} chats in all, ${count(total.missed)} missed; the busiest day ${dayLabel(busiest.date)} with ${count(busiest.chats)} chats (${count(busiest.missed)} missed). Every day's figures are in the table below.`,
  );
  chats.replaceChildren(chatsSvg);

  const response = $('activity-response-chart');
  const values = days.flatMap((d) => [d.firstResponseSeconds.p50, d.firstResponseSeconds.p90]).filter((v): v is number => v !== null);
  const responseTop = niceDuration(Math.max(1, ...values));
  const { root: responseSvg, plot: rp } = frame(response, days, responseTop, (v) => shortDuration(v));
  for (const which of ['p90', 'p50'] as const) {
    // A day without an answer breaks the line: no first response to draw there.
    let path = '';
    let drawing = false;
    for (const [i, d] of days.entries()) {
      const v = d.firstResponseSeconds[which];
      if (v === null) {
        drawing = false;
        continue;
      }
      path += `${drawing ? 'L' : 'M'}${rp.x(i).toFixed(1)} ${rp.y(v).toFixed(1)}`;
      drawing = true;
      responseSvg.append(
        svg('circle', { cx: rp.x(i).toFixed(1), cy: rp.y(v).toFixed(1), r: 2.5, class: `point-${which}` }, [
          svg('title', {}, [`${dayLabel(d.date)}: ${which} ${duration(v)}`]),
        ]),
      );
    }
    if (path) responseSvg.insertBefore(svg('path', { d: path, class: `line-${which}` }), responseSvg.querySelector('circle'));
  }
  responseSvg.setAttribute('aria-label', responseDescription(report));
  response.replaceChildren(responseSvg);
}

/** The first-response chart in words: the range of each percentile over the days, and the slowest day. */
function responseDescription(report: ActivityReport): string {
  const answered = report.days.filter((d) => d.firstResponseSeconds.p50 !== null);
  const head = `First response by day from ${dayLabel(report.from)} to ${dayLabel(report.to)}, two lines: p50 (half of the day's answered chats within it) and p90 (nine in ten)`;
  if (answered.length === 0) return `${head}: no chat was answered.`;
  const range = (which: 'p50' | 'p90') => {
    const v = answered.map((d) => d.firstResponseSeconds[which] ?? 0);
    return `${which} from ${duration(Math.min(...v))} to ${duration(Math.max(...v))}`;
  };
  const slowest = answered.reduce((a, b) => ((b.firstResponseSeconds.p90 ?? 0) > (a.firstResponseSeconds.p90 ?? 0) ? b : a));
  return `${head}: ${range('p50')}, ${range('p90')}; the slowest day ${dayLabel(slowest.date)} (p90 ${duration(slowest.firstResponseSeconds.p90)}). Every day's figures are in the table below.`;
}

$('activity-reload').onclick = () => void loadActivity();
// The charts are drawn at the width they get: a window made narrower or wider gets them again.
let activityResize: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(activityResize);
  activityResize = setTimeout(() => {
    if (activityShown && !$('activity-body').hidden) drawActivityCharts(activityShown);
  }, 150);
});
