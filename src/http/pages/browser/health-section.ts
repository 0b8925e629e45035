// The settings page's Health section: GET /api/orgs/:orgId/health drawn as the admin reads it (a
// summary, when Slack and the platform were last heard from, then each item with what to do, a
// link to where on the page it is done, and its Connect again or Route again). Part of the page's
// one classic script: ../settings-page-script.ts serves this file first, then settings-page.ts,
// whose helpers ($, el, api, openInstall) this file uses. Nothing here runs at the top level but
// the Check again button's wiring (settings-page.ts's top-level constants do not exist yet then).
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, which is not strict unless it says so
'use strict';

/**
 * The health as the page reads it. The contract is OrgHealth in src/routing/health-items.ts,
 * which a browser script cannot import: keep these in step with it.
 */
type HealthAction = { kind: 'connect-again'; url: string } | { kind: 'route-again'; method: 'POST'; path: string } | { kind: 'add-to-workspaces'; url: string };
interface HealthItem {
  kind: string;
  /** 'info': nothing wrong, worth knowing (a channel shared with another company, as confirmed). */
  severity: 'problem' | 'warning' | 'info';
  message: string;
  fix: string;
  anchor: string;
  action: HealthAction | null;
  since: string | null;
  subject: {
    routingGroup?: { id: string; name: string };
    agent?: { id: string; name: string };
    conversation?: { id: string; visitor: string; routingGroup: { id: string; name: string } | null; waitingSince: string };
  };
}
interface OrgHealth {
  status: 'ok' | 'problem' | 'warning';
  checkedAt: string;
  connection: { status: 'connected' | 'not-connected' | 'disconnected' };
  lastSlackEventAt: string | null;
  lastPlatformWebhookAt: string | null;
  items: HealthItem[];
}

/** Route again answers at once (202); the chat is routed by a worker a moment later, then checked again. */
const RECHECK_AFTER_ROUTE_AGAIN_MS = 2000;
/** How long the place a link leads to stays highlighted. */
const HIGHLIGHT_MS = 2500;

/** Only the latest check is drawn: a Save's and a Route again's checks can cross. */
let healthCheck = 0;

/** The section's border says the state at a glance (the words say it too). */
function showHealthState(state: '' | 'ok' | 'problem' | 'warning' | 'unknown') {
  $('health').hidden = false;
  $('health').className = state ? `health-${state}` : '';
}

/** Before a workspace is connected there is nothing to check: the section says what comes first. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function showHealthNotConnected() {
  healthCheck++;
  showHealthState('');
  $('health-summary').textContent =
    'Slack is not connected yet: connect it first (Connect Slack, below). This section then shows whether chats reach your team.';
  $('health-error').textContent = '';
  $('health-activity').textContent = '';
  $('health-items').replaceChildren();
  $('health-check').hidden = true;
}

async function loadHealth() {
  const check = ++healthCheck;
  $('health').hidden = false;
  $('health-check').hidden = false;
  $('health-summary').textContent = 'Checking…';
  let answer: ApiAnswer<OrgHealth>;
  try {
    answer = await api<OrgHealth>('GET', '/health');
  } catch (e) {
    // A session that ended is said by the page as a whole (signedOut); anything else is said here.
    if (check !== healthCheck || (e as Error).message === 'unauthorized' || (e as Error).message === 'forbidden') return;
    showHealthFailure('Threadbridge could not be reached. Check your network connection, then press Check again or reload the page.');
    return;
  }
  if (check !== healthCheck) return;
  if (!answer.ok) {
    const why = answer.data?.error ? answer.data.error.message : `the server answered ${answer.status}`;
    showHealthFailure(
      `The health check failed (${why}). Press Check again in a minute, or reload the page; if your session ended, open Setup again from the chat platform.`,
    );
    return;
  }
  renderHealth(answer.data);
}

/** Never a blank section: what failed, and what to do. */
function showHealthFailure(message: string) {
  showHealthState('unknown');
  $('health-summary').textContent = 'The health could not be checked.';
  $('health-error').textContent = message;
  $('health-activity').textContent = '';
  $('health-items').replaceChildren();
}

function renderHealth(health: OrgHealth) {
  showHealthState(health.status);
  $('health-error').textContent = '';
  const problems = health.items.filter((i) => i.severity === 'problem').length;
  const warnings = health.items.filter((i) => i.severity === 'warning').length;
  const notes = health.items.length - problems - warnings;
  const counted = listed([plural(problems, 'problem'), plural(warnings, 'warning'), plural(notes, 'note')].filter(Boolean));
  $('health-summary').replaceChildren(
    problems + warnings === 0
      ? `All good: nothing keeps chats from reaching your team.${notes ? ` ${counted} below.` : ''} `
      : `${counted}: each says what to do. `,
    el('span', { className: 'checked' }, ['Checked ', ...moment(health.checkedAt), '.']),
  );
  $('health-activity').replaceChildren(
    'Last event from Slack: ',
    ...moment(health.lastSlackEventAt),
    '. Last webhook from the chat platform: ',
    ...moment(health.lastPlatformWebhookAt),
    '.',
  );
  // A Route again that took its item away leaves the keyboard on the summary, not lost on the page.
  const focused = document.activeElement;
  const focusedItem = focused && $('health-items').contains(focused) ? focused.closest('li')?.id : undefined;
  $('health-items').replaceChildren(...health.items.map(healthItem));
  if (focusedItem !== undefined) {
    const again = focusedItem ? document.getElementById(focusedItem)?.querySelector<HTMLElement>('button, a') : null;
    (again ?? $('health-summary')).focus();
  }
}

const plural = (n: number, word: string) => (n === 0 ? '' : `${n} ${word}${n === 1 ? '' : 's'}`);
/** "a", "a and b", "a, b and c". */
const listed = (parts: string[]) => (parts.length < 2 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);
const SEVERITY_WORD = { problem: 'Problem:', warning: 'Warning:', info: 'Note:' } as const;

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
/** "5 minutes ago (12/7/2026, 3:22:31 AM)", or "never". */
function moment(iso: string | null): Array<Node | string> {
  if (!iso) return ['never'];
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  const relative =
    abs < 45
      ? 'just now'
      : abs < 3600
        ? RELATIVE.format(Math.round(seconds / 60), 'minute')
        : abs < 86_400
          ? RELATIVE.format(Math.round(seconds / 3600), 'hour')
          : RELATIVE.format(Math.round(seconds / 86_400), 'day');
  return [el('time', { dateTime: iso, text: `${relative} (${new Date(iso).toLocaleString()})` })];
}

function healthItem(item: HealthItem): HTMLLIElement {
  const li = el('li', { className: `health-item severity-${item.severity}` });
  // A chat's item is the place its anchor names (there is no other row for it on the page).
  const own = item.anchor.startsWith('chat-');
  if (own) li.id = item.anchor;
  li.append(
    el('p', { className: 'message' }, [el('span', { className: 'severity', text: SEVERITY_WORD[item.severity] }), item.message]),
    el('p', { className: 'fix', text: item.fix }),
  );
  if (item.since) li.append(el('p', { className: 'since' }, ['Since ', ...moment(item.since), '.']));
  const actions = el('p', { className: 'health-actions' });
  const place = own ? groupOfChat(item) : { anchor: item.anchor, label: placeLabel(item) };
  if (place && onPage(place.anchor)) {
    const link = el('a', { href: `#${place.anchor}`, className: 'goto', text: place.label });
    link.onclick = (e) => {
      e.preventDefault();
      goTo(place.anchor);
    };
    actions.append(link);
  }
  if (item.action?.kind === 'connect-again') {
    const connect = el('a', { href: item.action.url, className: 'button connect-again', text: 'Connect again' });
    connect.onclick = openInstall;
    actions.append(connect);
  } else if (item.action?.kind === 'add-to-workspaces') {
    // Slack's own page (an org admin signs in there): a new tab, so this page stays to check again.
    actions.append(newTabLink(item.action.url, 'Add to workspaces in Slack', 'button add-to-workspaces'));
  } else if (item.action?.kind === 'route-again') {
    const action = item.action;
    const button = el('button', { type: 'button', className: 'route-again', text: 'Route again' });
    button.onclick = () => routeAgain(action, li, button);
    actions.append(button);
  }
  actions.append(el('span', { className: 'action-status', role: 'status' }), el('span', { className: 'action-error', role: 'alert' }));
  li.append(actions);
  return li;
}

/** The words of an item's link, naming the place. */
function placeLabel(item: HealthItem): string {
  if (item.anchor === 'connection') return 'Go to Connection';
  if (item.anchor === 'chat-handling') return 'Go to Chat handling';
  if (item.anchor === 'global-channel') return 'Go to the global channel';
  if (item.anchor.startsWith('group-')) return `Go to the routing group ${item.subject.routingGroup?.name ?? ''}`.trimEnd();
  if (item.anchor.startsWith('agent-')) return item.subject.agent ? `Go to ${item.subject.agent.name}` : 'Go to the agent';
  return 'Go there';
}

/** A chat's routing group, where its channel is set: the link a chat's item shows. */
function groupOfChat(item: HealthItem): { anchor: string; label: string } | null {
  const group = item.subject.conversation?.routingGroup;
  return group ? { anchor: `group-${group.id}`, label: `Go to the routing group ${group.name}` } : null;
}

/** A place a link can lead to: on the page and shown (a disconnected org's settings are not). */
function onPage(anchor: string): boolean {
  const target = document.getElementById(anchor);
  return Boolean(target && !target.closest('[hidden]'));
}

/** Focus to the place (a row: its field), scrolled to and highlighted for a moment. */
function goTo(anchor: string) {
  const target = document.getElementById(anchor);
  if (!target) return;
  const field = target.matches('input, select, button, a[href]') ? target : target.tagName === 'TR' ? target.querySelector<HTMLElement>('input') : null;
  const focus = field ?? target;
  if (!field) focus.tabIndex = -1;
  const shown = target.matches('input, select') ? (target.closest<HTMLElement>('.field') ?? target) : target;
  shown.scrollIntoView({ block: 'center' });
  focus.focus({ preventScroll: true });
  shown.classList.add('highlight');
  setTimeout(() => shown.classList.remove('highlight'), HIGHLIGHT_MS);
}

async function routeAgain(action: { method: 'POST'; path: string }, li: HTMLElement, button: HTMLButtonElement) {
  // Not disabled while it runs: a disabled button would drop the keyboard's focus.
  if (button.getAttribute('aria-disabled') === 'true') return;
  const status = li.querySelector<HTMLElement>('.action-status');
  const error = li.querySelector<HTMLElement>('.action-error');
  setError(error, '');
  setError(status, '');
  button.setAttribute('aria-disabled', 'true');
  try {
    const r = await api<unknown>(action.method, action.path, {});
    if (r.ok) {
      setError(status, 'Routing again…');
      setTimeout(() => void loadHealth(), RECHECK_AFTER_ROUTE_AGAIN_MS);
      return;
    }
    setError(error, r.data?.error ? r.data.error.message : `Could not route it again: the server answered ${r.status}. Press Check again, then try once more.`);
  } catch (e) {
    if ((e as Error).message !== 'unauthorized' && (e as Error).message !== 'forbidden')
      setError(error, 'Threadbridge could not be reached: check your network connection and try again.');
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

$('health-check').onclick = () => void loadHealth();
