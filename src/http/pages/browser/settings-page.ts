// The settings page's script: it runs in the admin's browser, not in Node. Served as
// /assets/settings-page.js (the page's CSP allows no inline script) by routes/page-assets.route.ts,
// which gets the JavaScript from ../settings-page-script.ts. Type-checked against the DOM by
// tsconfig.browser.json (the Node code's tsconfig has no DOM). A classic script, not a module: it
// imports nothing, and its top-level names are the page's own, shared with health-section.ts (the
// Health section), activity-section.ts (Activity) and digest-section.ts (Time zone and weekly
// digest), served in the same script before this one. It talks to the admin API with the
// session cookie the Setup link opened.
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, which is not strict unless it says so
'use strict'; // as tsc's build would make it anyway; said here so esbuild's copy (from source) is strict too

/** An answer's JSON as the page reads it (only the fields it uses); see src/http/admin/. */
interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}
interface Named {
  id: string;
  name: string | null;
}
interface Session {
  kind: 'org-admin' | 'operator';
  org: Named;
  user: Named;
}
interface Workspace {
  id: string;
  name: string;
}
type Connection =
  | { status: 'not-connected'; installUrl: string }
  | {
      status: 'connected' | 'disconnected';
      /** 'enterprise': org-wide on an Enterprise Grid organization (`workspace` is then the organization). Absent from an older server: 'workspace'. */
      kind?: 'workspace' | 'enterprise';
      workspace: Workspace;
      /** The workspaces the app was added to (an org-wide install's: possibly none yet). */
      workspaces?: Workspace[];
      /** Slack's page where an org admin adds an org-wide install to workspaces. */
      addToWorkspacesUrl?: string | null;
      installUrl: string;
    };
interface Channel {
  id: string;
  name: string | null;
  /** On an org-wide install (Enterprise Grid): the workspace it is in (name null: no longer granted). */
  workspace?: { id: string; name: string | null } | null;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** null: not checked yet (Slack's rate limit). */
  appInChannel: boolean | null;
  warning: string | null;
  /** Slack Connect: shared with another company (null: not checked yet). */
  sharedExternally?: boolean | null;
}
interface ChatHandling {
  /** null: no reminders or escalation. */
  answerTimeSeconds: number | null;
  /** null: the default (the global channel while it is on, else online members). */
  escalation: 'global-channel' | 'online-members' | 'off' | null;
  bridgeMode: 'two-way' | 'alerts-only';
  internalNotePrefix: string;
}
interface Settings extends ChatHandling {
  channelIdMode: boolean;
  /** The org's time zone (IANA); absent or null: UTC. Its calendar days are the Activity section's. */
  timeZone?: string | null;
  globalChannel: { enabled: boolean; channel: Channel | null; sharingConfirmed?: SharingConfirmation | null };
}
interface SlackUser {
  id: string;
  username: string | null;
  displayName?: string;
  realName?: string;
}
interface Suggestion {
  username: string;
  displayName: string;
  realName: string;
}
interface Agent {
  agentId: string;
  name: string;
  email: string;
  status: string;
  slackUser: SlackUser | null;
  mapped: boolean;
  hint: string | null;
  suggestion: Suggestion | null;
}
interface RoutingGroup {
  groupId: string;
  name: string;
  channel: Channel | null;
  sharingConfirmed?: SharingConfirmation | null;
}
interface SyncStatus {
  state: 'never-synced' | 'syncing' | 'ready' | 'ready-resyncing';
  sync: { items: number } | null;
  items: number | null;
  ageSeconds: number | null;
}
interface Change {
  action: string;
  at: string;
  actor: { kind: 'operator' } | { kind: 'org-admin'; userId: string; userName?: string };
}
type ChangeSection = 'connection' | 'settings' | 'chatHandling' | 'agents' | 'routingGroups' | 'digest';
/** An answer: its JSON, or on a refusal the API's error body. */
type ApiAnswer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; data: ApiErrorBody };

const ORG = document.body.dataset.orgId ?? '';

/** An element of the page, which the page's HTML (settings-page.ts) always has. */
function $(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}
function $select(id: string): HTMLSelectElement {
  const found = $(id);
  if (!(found instanceof HTMLSelectElement)) throw new Error(`#${id} is not a select`);
  return found;
}
function $input(id: string): HTMLInputElement {
  const found = $(id);
  if (!(found instanceof HTMLInputElement)) throw new Error(`#${id} is not an input`);
  return found;
}
/** A table row's input (every row of #agents and #groups has one). */
function inputOf(row: Element): HTMLInputElement {
  const found = row.querySelector('input');
  if (!found) throw new Error('a row without an input');
  return found;
}

const state = {
  idMode: false,
  agents: [] as Agent[],
  groups: [] as RoutingGroup[],
  global: { enabled: false, channel: null } as Settings['globalChannel'],
  workspace: null as Workspace | null,
  account: null as Session | null,
};

/** No session (expired, signed out, never opened from Setup) or one for another org: say what to do. */
function signedOut(why: 'expired' | 'other-org') {
  const account = state.account;
  $('signed-out-reason').textContent =
    why === 'other-org'
      ? `This window is signed in for another organization${account ? ` (${nameOf(account.org)}, as ${nameOf(account.user)})` : ''}, not for this one.`
      : 'Your session has ended, or this window was not opened from the chat platform.';
  $('signed-out').hidden = false;
  for (const id of ['health', 'activity', 'connection', 'settings', 'account']) $(id).hidden = true;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const res = await fetch(path.startsWith('/api/') ? path : `/api/orgs/${encodeURIComponent(ORG)}${path}`, {
    method,
    credentials: 'same-origin',
    // JSON asked for by name: the activity API answers CSV to a client that prefers it.
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401) {
    signedOut('expired');
    throw new Error('unauthorized');
  }
  if (res.status === 403 && data && data.error && data.error.code === 'admin_forbidden') {
    signedOut('other-org');
    throw new Error('forbidden');
  }
  return { ok: res.ok, status: res.status, data };
}

/** An answer the page cannot go on without: a refusal is said where load() says why it failed. */
function needed<T>(answer: ApiAnswer<T>): T {
  if (!answer.ok) throw new Error(answer.data?.error ? answer.data.error.message : `the server answered ${answer.status}`);
  return answer.data;
}

/** An org or an admin as the page names it: the platform's name, or its id from a platform that sends none. */
const nameOf = (x: Named) => x.name || x.id;

/**
 * Which org and which admin this window is signed in for, named at the top and on Connect. Asked
 * alongside the settings (load): a session of another org is said there too, this names it.
 */
async function showAccount() {
  const r = await api<Session>('GET', '/api/session');
  if (!r.ok || r.data.kind !== 'org-admin') return;
  state.account = r.data;
  if (r.data.org.id !== ORG) {
    signedOut('other-org');
    return;
  }
  $('org-name').textContent = nameOf(r.data.org);
  $('user-name').textContent = nameOf(r.data.user);
  $('connect-org').textContent = nameOf(r.data.org);
  document.title = `Slack integration settings · ${nameOf(r.data.org)}`;
}

const ACTIONS: Record<string, string> = {
  'slack.connected': 'Slack connected',
  'slack.disconnected': 'Slack disconnected',
  'settings.saved': 'settings saved',
  'chat-handling.saved': 'chat handling saved',
  'agent.mapped': 'agent mapped',
  'agent.unmapped': 'agent unmapped',
  'routing-group.channel-set': 'channel set',
  'routing-group.channel-cleared': 'channel cleared',
  'shared-channel.confirmed': 'channel shared with another company confirmed',
  'digest.saved': 'weekly digest saved',
  'digest.turned-off': 'weekly digest turned off',
};
/** "Last change: …, on …, by …" of a section, from the change history. */
function showLastChange(el: HTMLElement, change: Change | null) {
  if (!change) {
    el.textContent = '';
    return;
  }
  // Records from before names were kept carry the admin's id only.
  const who = change.actor.kind === 'operator' ? 'an operator (Threadbridge support)' : change.actor.userName || `admin ${change.actor.userId}`;
  el.textContent = `Last change: ${ACTIONS[change.action] || change.action}, ${new Date(change.at).toLocaleString()}, by ${who}.`;
}
async function loadChanges() {
  const r = await api<{ lastChanges: Record<ChangeSection, Change | null> }>('GET', '/changes');
  if (!r.ok) return;
  const last = r.data.lastChanges;
  showLastChange($('connection-change'), last.connection);
  showLastChange($('settings-change'), last.settings);
  showLastChange($('chat-handling-change'), last.chatHandling);
  showLastChange($('agents-change'), last.agents);
  showLastChange($('groups-change'), last.routingGroups);
  showLastChange($('digest-change'), last.digest);
}

/** A channel's name as typed: on an org-wide install with its workspace (`sales (Acme West)`), as two may each have a #sales. */
const qualifiedName = (c: { name: string; workspace?: Channel['workspace'] }) => (c.workspace?.name ? `${c.name} (${c.workspace.name})` : c.name);
const channelValue = (c: Channel | null) => (c ? (state.idMode ? c.id : c.name ? qualifiedName({ ...c, name: c.name }) : c.id) : '');
function setError(el: HTMLElement | null, message: string) {
  if (el) el.textContent = message || '';
}
/** An element with its properties (or attributes, for what is not a property) and children. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, children?: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  // The properties set this way are strings (type, className, value, placeholder, autocomplete).
  const props = e as unknown as Record<string, string>;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v;
    else if (k in e && k !== 'list') props[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children || []) e.append(c);
  return e;
}

let suggestTimer: number | undefined;
function suggest(input: HTMLInputElement, kind: 'channels' | 'users') {
  clearTimeout(suggestTimer);
  if (kind === 'channels' && state.idMode) return;
  suggestTimer = setTimeout(async () => {
    const q = input.value.trim();
    const r = await api<{ channels: Array<{ name: string; isPrivate: boolean; sharedExternally?: boolean }>; users: Suggestion[] }>(
      'GET',
      `/directory/${kind}?limit=10&q=${encodeURIComponent(q)}`,
    );
    if (!r.ok) return;
    if (kind === 'channels') {
      noteSharedChannels(r.data.channels as Array<{ name: string; sharedExternally?: boolean; workspace?: Channel['workspace'] }>);
      input.dispatchEvent(new Event('shared-channels-known'));
    }
    const list = $(kind === 'channels' ? 'channel-suggestions' : 'user-suggestions');
    list.replaceChildren(
      ...(kind === 'channels'
        ? r.data.channels.map((c) => el('option', { value: c.name, text: (c.isPrivate ? '🔒 ' : '#') + c.name + sharedChannelMarker(c) }))
        : r.data.users.map((u) => el('option', { value: u.username, text: `${u.displayName || u.realName || u.username} (@${u.username})` }))),
    );
    if (kind === 'channels') nameWorkspaces(list, r.data.channels as Array<{ name: string; workspace?: Channel['workspace'] }>);
  }, 150);
}

/**
 * On an org-wide install two workspaces may each have a #sales: each suggestion (in the order of
 * `channels`) is offered as `sales (Workspace name)`, which the API resolves to that workspace's.
 */
function nameWorkspaces(list: HTMLElement, channels: Array<{ name: string; workspace?: Channel['workspace'] }>) {
  list.querySelectorAll('option').forEach((option, i) => {
    const c = channels[i];
    if (!c?.workspace?.name) return;
    option.value = qualifiedName(c);
    option.textContent = `${option.textContent} — ${c.workspace.name}`;
  });
}

const ADD_APP = 'in Slack, type @Threadbridge in the channel and click “Add to Channel”.';
/** Whether the app is in the stored channel, as a person reads it; '' when there is nothing to say. */
function membership(c: Channel | null): { text: string; cls: '' | 'in' | 'out' } {
  if (!c?.name) return { text: '', cls: '' };
  if (c.appInChannel === true) return { text: 'Threadbridge is in this channel.', cls: 'in' };
  if (c.appInChannel === null) return { text: 'Not checked yet (Slack’s rate limit): reload in a minute.', cls: 'out' };
  if (c.isArchived || c.warning) return { text: '', cls: '' }; // the warning next to it says what to do
  return c.isPrivate
    ? { text: `Threadbridge is not in this private channel: ${ADD_APP}`, cls: 'out' }
    : { text: 'Threadbridge is not in this channel yet: it joins when you save.', cls: 'out' };
}
/** Shows the stored channel's mark while the field holds it; a changed field is checked on Save. */
function showMembership(mark: HTMLElement, input: HTMLInputElement, channel: Channel | null) {
  const m = input.value === input.dataset.original ? membership(channel) : { text: '', cls: '' };
  mark.textContent = m.text;
  mark.className = `membership ${m.cls}`;
}
/** A stored public channel the app is not in: sent again on Save, so the app joins it. */
function needsJoin(c: Channel | null) {
  return Boolean(c?.name && c.appInChannel === false && !c.isPrivate && !c.isArchived);
}

function channelPlaceholder() {
  return state.idMode ? 'Channel ID, e.g. C0123ABCD' : 'Type to search channels';
}
/** The stored channel of a #groups row's routing group. */
function storedChannelOf(row: HTMLElement) {
  return state.groups.find((g) => g.groupId === row.dataset.groupId)?.channel ?? null;
}

/** The global channel's Slack Connect confirmation, under its field (made once). */
function globalSharedBox(): HTMLElement {
  const found = document.getElementById('global-shared-box');
  if (found) return found;
  const box = sharedConfirmBox('global-shared', 'the global channel');
  $('global-field').append(box);
  return box;
}

function render() {
  $input('channel-id-mode').checked = state.idMode;
  $input('global-enabled').checked = state.global.enabled;
  $('global-field').hidden = !state.global.enabled;
  const g = $input('global-channel');
  g.value = channelValue(state.global.channel);
  g.placeholder = channelPlaceholder();
  g.dataset.original = g.value;
  const globalShared = globalSharedBox();
  const showGlobalShared = () => updateSharedConfirm(globalShared, g, state.global.channel, state.global.sharingConfirmed ?? null);
  g.oninput = () => {
    suggest(g, 'channels');
    showMembership($('global-membership'), g, state.global.channel);
    showGlobalShared();
  };
  // Once: render runs again after every Save, on the same field.
  if (!g.dataset.sharedListener) {
    g.dataset.sharedListener = 'yes';
    g.addEventListener('shared-channels-known', () => updateSharedConfirm(globalSharedBox(), g, state.global.channel, state.global.sharingConfirmed ?? null));
  }
  showMembership($('global-membership'), g, state.global.channel);
  showGlobalShared();
  $('global-warning').textContent = state.global.channel?.warning ? state.global.channel.warning : '';
  $('agents').replaceChildren(
    ...state.agents.map((a) => {
      const errorId = `agent-${a.agentId}-error`;
      const input = el('input', {
        type: 'text',
        className: 'username',
        value: a.slackUser?.username ? a.slackUser.username : '',
        placeholder: 'Slack username',
        autocomplete: 'off',
        list: 'user-suggestions',
        'aria-label': `Slack username of ${a.name}`,
        'aria-describedby': errorId,
      });
      input.dataset.original = input.value;
      input.oninput = () => suggest(input, 'users');
      const cell = el('td', { 'data-label': 'Slack username' }, [input]);
      if (!a.mapped)
        cell.append(
          el('span', { className: 'unmapped', text: ' Not mapped' }),
          el('span', { className: 'hint unmapped-hint', text: 'Cannot answer visitors from Slack until mapped.' }),
        );
      else if (a.hint) cell.append(el('span', { className: 'warning', text: a.hint }));
      if (a.suggestion) {
        const u = a.suggestion;
        const use = el('button', { type: 'button', className: 'secondary use-suggestion', text: 'Use', 'aria-label': `Use @${u.username} for ${a.name}` });
        use.onclick = () => {
          input.value = u.username;
        };
        cell.append(el('div', { className: 'suggestion' }, [`Suggested (same email): ${u.realName || u.displayName || u.username} (@${u.username})`, use]));
      }
      cell.append(el('span', { className: 'error', id: errorId }));
      return el('tr', { id: `agent-${a.agentId}`, 'data-agent-id': a.agentId }, [
        el('td', { 'data-label': 'Agent' }, [el('div', { text: a.name }), el('div', { className: 'hint', text: a.email })]),
        el('td', { 'data-label': 'Status', text: a.status }),
        cell,
      ]);
    }),
  );
  $('groups').replaceChildren(
    ...state.groups.map((grp) => {
      const errorId = `group-${grp.groupId}-error`;
      const input = el('input', {
        type: 'text',
        className: 'channel-input',
        value: channelValue(grp.channel),
        placeholder: channelPlaceholder(),
        autocomplete: 'off',
        list: 'channel-suggestions',
        'aria-label': `Slack channel of ${grp.name}`,
        'aria-describedby': errorId,
      });
      input.dataset.original = input.value;
      const mark = el('span', { className: 'membership' });
      const shared = sharedConfirmBox(`group-${grp.groupId}-shared`, `routing group ${grp.name}`);
      const showShared = () => updateSharedConfirm(shared, input, grp.channel, grp.sharingConfirmed ?? null);
      input.oninput = () => {
        suggest(input, 'channels');
        showMembership(mark, input, grp.channel);
        showShared();
      };
      input.addEventListener('shared-channels-known', showShared);
      showMembership(mark, input, grp.channel);
      showShared();
      return el('tr', { id: `group-${grp.groupId}`, 'data-group-id': grp.groupId }, [
        el('td', { 'data-label': 'Routing group', text: grp.name }),
        el('td', { 'data-label': 'Slack channel' }, [
          input,
          mark,
          el('span', { className: 'warning', text: grp.channel?.warning ? grp.channel.warning : '' }),
          el('span', { className: 'error', id: errorId }),
          shared,
        ]),
      ]);
    }),
  );
  $('suggested-bar').hidden = !state.agents.some((a) => a.suggestion);
  // An empty table says what to do instead (the platform's agents and groups are read live).
  $('agents-empty').hidden = state.agents.length > 0;
  $('agents-table').hidden = state.agents.length === 0;
  $('groups-empty').hidden = state.groups.length > 0;
  $('groups-table').hidden = state.groups.length === 0;
}

/** A link that opens in a new tab, and says so (Slack's own pages). */
function newTabLink(href: string, text: string, className = ''): HTMLAnchorElement {
  const link = el('a', { href, className, text: `${text} (opens in a new tab)` });
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}

/** Which workspace is connected; for an org-wide install, the organization and the workspaces the app was added to, or the step that comes first. */
function showConnected(conn: Extract<Connection, { workspace: Workspace }>) {
  const name = el('strong', { id: 'workspace-name', text: conn.workspace.name });
  const workspaces = conn.workspaces ?? [];
  const addUrl = conn.addToWorkspacesUrl;
  if (conn.kind !== 'enterprise') {
    $('connection-status').replaceChildren('Connected to the Slack workspace ', name, '.');
    return;
  }
  if (workspaces.length === 0) {
    $('connection-status').replaceChildren(
      el('span', { id: 'no-workspace-yet' }, [
        'The app is installed on the Slack organization ',
        name,
        ', but it is in no workspace yet: no chat reaches Slack until an admin of the organization adds it to the workspaces your team works in. ',
      ]),
    );
    if (addUrl) {
      const add = newTabLink(addUrl, 'Add the app to workspaces in Slack', 'button');
      add.id = 'add-to-workspaces';
      $('connection-status').append(add);
    }
    return;
  }
  $('connection-status').replaceChildren(
    'Connected to the Slack organization ',
    name,
    `, in ${workspaces.length === 1 ? 'the workspace' : 'the workspaces'} `,
    el('span', { id: 'granted-workspaces', text: workspaces.map((w) => w.name).join(', ') }),
    '. ',
  );
  if (addUrl) $('connection-status').append(newTabLink(addUrl, 'Add it to more workspaces'));
}

async function load() {
  const conn = needed(await api<Connection>('GET', '/slack'));
  $('account').hidden = false;
  $('disconnect-confirm').hidden = true;
  const connect = $('connect') as HTMLAnchorElement;
  if (conn.status !== 'connected') {
    state.workspace = null;
    $('connection-status').textContent =
      conn.status === 'disconnected'
        ? 'Slack is disconnected (from here, or the app was removed from the workspace or its token revoked). Connect it again, or another workspace in its place; your settings are kept.'
        : 'Slack is not connected yet.';
    connect.href = conn.installUrl;
    connect.hidden = false;
    $('connect-hint').hidden = false;
    $('settings').hidden = true;
    $('disconnect-bar').hidden = true;
    $('directory-status').textContent = '';
    $('activity').hidden = true;
    if (conn.status === 'not-connected') showHealthNotConnected();
    else void loadHealth();
    await loadChanges();
    return;
  }
  state.workspace = conn.workspace;
  connect.hidden = true;
  $('connect-hint').hidden = true;
  $('disconnect-bar').hidden = false;
  showConnected(conn);
  const [settings, agents, groups, dir, digest] = await Promise.all([
    api<Settings>('GET', '/settings').then(needed),
    api<{ agents: Agent[] }>('GET', '/agents').then(needed),
    api<{ routingGroups: RoutingGroup[] }>('GET', '/routing-groups').then(needed),
    api<{ channels: SyncStatus; users: SyncStatus }>('GET', '/directory').then(needed),
    api<{ digest: Digest | null }>('GET', '/digest').then(needed),
  ]);
  const describe = (k: string, s: SyncStatus) =>
    s.state === 'syncing'
      ? `${k}: syncing, ${s.sync ? s.sync.items : 0} so far`
      : s.state === 'never-synced'
        ? `${k}: not synced yet`
        : `${k}: ${s.items} (synced ${Math.round((s.ageSeconds ?? 0) / 60)} min ago)`;
  $('directory-status').textContent = `Directory — ${describe('channels', dir.channels)}; ${describe('users', dir.users)}.`;
  state.idMode = settings.channelIdMode;
  state.global = settings.globalChannel;
  showChatHandling(settings);
  state.agents = agents.agents;
  state.groups = groups.routingGroups;
  $('settings').hidden = false;
  render();
  const timeZone = settings.timeZone || 'UTC';
  showDigestSection(timeZone, digest.digest);
  void loadHealth();
  // Once per page, and again in another time zone (its days are other days): a Save of anything else changes no figure.
  if (!activityStarted || timeZone !== activityTimeZone) {
    activityStarted = true;
    showActivity(timeZone);
  } else $('activity').hidden = false;
  await loadChanges();
}
let activityStarted = false;

/** The chat-handling fields as saved; "No reminders" greys out the answer time. */
function showChatHandling(s: ChatHandling) {
  const off = s.answerTimeSeconds === null;
  $input('reminders-off').checked = off;
  $input('answer-time').value = off ? '' : String(s.answerTimeSeconds);
  $input('answer-time').disabled = off;
  $select('escalation').value = s.escalation ?? '';
  $select('bridge-mode').value = s.bridgeMode;
  $input('note-prefix').value = s.internalNotePrefix;
}
$input('reminders-off').onchange = () => {
  const off = $input('reminders-off').checked;
  $input('answer-time').disabled = off;
  if (!off && !$input('answer-time').value) $input('answer-time').value = '120';
};

/** The chat-handling fields as the API takes them; a field the browser cannot read as a number is sent as typed, to be refused by name. */
function chatHandlingBody(): Record<string, unknown> {
  const typed = $input('answer-time').value.trim();
  const seconds = typed === '' ? Number.NaN : Number(typed);
  return {
    answerTimeSeconds: $input('reminders-off').checked ? null : Number.isFinite(seconds) ? seconds : 0,
    escalation: $select('escalation').value || null,
    bridgeMode: $select('bridge-mode').value,
    internalNotePrefix: $input('note-prefix').value,
  };
}

/** Where each chat-handling field's refusal (and the time zone's) is shown, by the field the API names. */
const CHAT_HANDLING_ERRORS: Record<string, { error: string; input: string }> = {
  answerTimeSeconds: { error: 'answer-time-error', input: 'answer-time' },
  escalation: { error: 'escalation-error', input: 'escalation' },
  bridgeMode: { error: 'bridge-mode-error', input: 'bridge-mode' },
  internalNotePrefix: { error: 'note-prefix-error', input: 'note-prefix' },
  timeZone: { error: 'time-zone-error', input: 'time-zone' },
};

// Disconnect: asked once more, then Slack takes the app's access back; the settings stay.
// The keyboard goes to Cancel, and back to Disconnect Slack when it closes (Cancel or Escape).
$('disconnect').onclick = () => {
  $('disconnect-workspace').textContent = state.workspace ? state.workspace.name : 'this workspace';
  $('disconnect-confirm').hidden = false;
  $('disconnect-status').textContent = '';
  $('disconnect-no').focus();
};
function closeDisconnectConfirm() {
  $('disconnect-confirm').hidden = true;
  $('disconnect').focus();
}
$('disconnect-no').onclick = closeDisconnectConfirm;
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('disconnect-confirm').hidden) closeDisconnectConfirm();
});
$('disconnect-yes').onclick = async () => {
  $('disconnect-status').textContent = 'Disconnecting…';
  const r = await api<{ workspace: Workspace }>('DELETE', '/slack');
  if (!r.ok) {
    $('disconnect-status').textContent = r.data?.error ? r.data.error.message : 'Could not disconnect: try again.';
    return;
  }
  $('connected-note').hidden = true;
  await load();
  $('connection-status').textContent =
    `Slack is disconnected from ${r.data.workspace.name}. Your settings are kept: connect Slack again (this workspace or another) when you are ready.`;
};
// Connect (and the Health section's Connect again) asks for a fresh install link on each click: a
// link is good once, for 10 minutes, so the one the page loaded with may be used or old by now.
async function openInstall(e: Event) {
  e.preventDefault();
  const r = await api<Connection>('GET', '/slack');
  if (r.ok && r.data.installUrl) location.assign(r.data.installUrl);
  else $('connection-status').textContent = 'Could not start the install: reload the page and try again.';
}
$('connect').onclick = openInstall;
$('sign-out').onclick = async () => {
  await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' });
  signedOut('expired');
  $('signed-out-reason').textContent = 'You are signed out.';
};

$input('channel-id-mode').onchange = () => {
  // Untouched fields switch between a channel's name and its ID with the mode.
  const before = state.idMode;
  state.idMode = $input('channel-id-mode').checked;
  const swap = (input: HTMLInputElement, channel: Channel | null) => {
    if (input.value === input.dataset.original && channel) {
      input.value = channelValue(channel);
      input.dataset.original = input.value;
    }
    input.placeholder = channelPlaceholder();
  };
  swap($input('global-channel'), state.global.channel);
  swap($input('digest-channel'), digestChannel());
  for (const row of document.querySelectorAll<HTMLElement>('#groups tr')) swap(inputOf(row), storedChannelOf(row));
  if (before !== state.idMode) $('save-status').textContent = '';
};
$input('global-enabled').onchange = () => {
  $('global-field').hidden = !$input('global-enabled').checked;
};

/** A mapped row: its value is the saved one, and its not-mapped marks and suggestion go. */
function settleAgentRow(row: Element, value: string) {
  const input = inputOf(row);
  input.value = value;
  input.dataset.original = value;
  if (value) for (const mark of row.querySelectorAll('.unmapped, .unmapped-hint, .suggestion')) mark.remove();
}

// Every suggested agent mapped in one click, each through the same PUT as a typed username (so
// each is checked the same way), errors next to their rows. A row the admin typed another
// username into is left to Save.
$('map-suggested').onclick = async () => {
  $('map-suggested-status').textContent = 'Mapping…';
  let mapped = 0,
    failed = 0;
  for (const a of state.agents) {
    if (!a.suggestion) continue;
    const row = document.querySelector(`#agents tr[data-agent-id="${CSS.escape(a.agentId)}"]`);
    if (!row) continue;
    const input = inputOf(row);
    if (!row.querySelector('.suggestion') || (input.value.trim() && input.value.trim() !== a.suggestion.username)) continue;
    showError(row, '');
    const r = await api('PUT', `/agents/${encodeURIComponent(a.agentId)}/slack-user`, { username: a.suggestion.username });
    if (!r.ok) {
      failed++;
      input.value = a.suggestion.username;
      showError(row, r.data.error.message);
      continue;
    }
    mapped++;
    settleAgentRow(row, a.suggestion.username);
  }
  $('map-suggested-status').textContent =
    (mapped === 1 ? 'Mapped 1 agent.' : `Mapped ${mapped} agents.`) + (failed ? ` ${failed} could not be mapped: see the row${failed === 1 ? '.' : 's.'}` : '');
  $('suggested-bar').hidden = !document.querySelector('#agents .suggestion') && !failed;
  await loadChanges();
};

function showError(row: Element, message: string) {
  markInvalid(inputOf(row), row.querySelector<HTMLElement>('.error'), message);
}
/** A refused field: its error next to it (and named by its aria-describedby), marked invalid; '' clears it. */
function markInvalid(field: HTMLElement, error: HTMLElement | null, message: string) {
  field.classList.toggle('invalid', Boolean(message));
  if (message) field.setAttribute('aria-invalid', 'true');
  else field.removeAttribute('aria-invalid');
  setError(error, message);
}

// Save (the button, or Enter in a field): then the keyboard goes to the first refused field, or to
// the status that says it is saved; the health is checked again either way (a fix may have landed).
// A Save while one runs saves again once it is done (with the fields as they are then), not alongside.
let saving = false;
let saveAgain = false;
$('settings').onsubmit = async (e) => {
  e.preventDefault();
  if (saving) {
    saveAgain = true;
    return;
  }
  saving = true;
  try {
    do {
      saveAgain = false;
      await save();
    } while (saveAgain);
  } finally {
    saving = false;
  }
};

async function save() {
  $('save-status').textContent = 'Saving…';
  $('save-status').className = '';
  let failed = 0;
  for (const e of document.querySelectorAll('#settings .error')) e.textContent = '';
  for (const i of document.querySelectorAll('#settings .invalid')) markInvalid(i as HTMLElement, null, '');
  const globalInput = $input('global-channel');
  // Off means off: with the toggle off no channel is sent, whatever the hidden field holds.
  const globalOn = $input('global-enabled').checked;
  const zone = timeZoneChange();
  const s = await api<Settings>('PUT', '/settings', {
    channelIdMode: $input('channel-id-mode').checked,
    globalChannel: {
      enabled: globalOn,
      channel: globalOn ? globalInput.value.trim() || null : null,
      ...(globalOn && sharedConfirmChecked(globalSharedBox()) ? { confirmSharedChannel: true } : {}),
    },
    ...chatHandlingBody(),
    ...zone,
  });
  if (!s.ok) {
    failed++;
    // A chat-handling field's error (or the time zone's) goes next to it; any other concerns the global channel.
    const where = CHAT_HANDLING_ERRORS[s.data.error.field ?? ''];
    markInvalid(where ? $(where.input) : globalInput, where ? $(where.error) : $('global-channel-error'), s.data.error.message);
    if (s.data.error.code === 'channel_shared_externally') askSharedConfirm(globalSharedBox(), globalInput);
  }
  if (s.ok) {
    if ('timeZone' in zone) timeZoneSaved(s.data.timeZone || 'UTC');
    for (const row of document.querySelectorAll<HTMLElement>('#agents tr')) {
      const input = inputOf(row);
      const value = input.value.trim();
      if (value === input.dataset.original) continue;
      const path = `/agents/${encodeURIComponent(row.dataset.agentId ?? '')}/slack-user`;
      const r = value ? await api('PUT', path, { username: value }) : await api('DELETE', path);
      if (!r.ok) {
        failed++;
        showError(row, r.data.error.message);
        continue;
      }
      // Saved: this row is settled even if another one fails.
      settleAgentRow(row, value);
    }
    for (const row of document.querySelectorAll<HTMLElement>('#groups tr')) {
      const input = inputOf(row);
      const value = input.value.trim();
      const stored = storedChannelOf(row);
      const shared = row.querySelector<HTMLElement>('.shared-confirm');
      const confirm = Boolean(shared && sharedConfirmChecked(shared));
      if (value === input.dataset.original && !(value && (needsJoin(stored) || confirm))) continue;
      const path = `/routing-groups/${encodeURIComponent(row.dataset.groupId ?? '')}/slack-channel`;
      const r = value ? await api('PUT', path, { channel: value, ...(confirm ? { confirmSharedChannel: true } : {}) }) : await api('DELETE', path);
      if (!r.ok) {
        failed++;
        showError(row, r.data.error.message);
        if (shared && r.data.error.code === 'channel_shared_externally') askSharedConfirm(shared, input);
        continue;
      }
      input.dataset.original = value;
    }
    // After the settings: the digest's channel is read in the channel-ID mode they just saved.
    failed += await saveDigest();
  }
  if (failed) {
    $('save-status').textContent = failed === 1 ? 'One field needs attention.' : `${failed} fields need attention.`;
    $('save-status').className = 'error-summary';
    const first = [...document.querySelectorAll<HTMLElement>('#settings [aria-invalid="true"]')].find((f) => f.offsetParent !== null);
    (first ?? $('save-status')).focus();
    void loadHealth();
    return;
  }
  await load();
  $('save-status').textContent = 'Saved.';
  $('save-status').className = 'ok';
  $('save-status').focus();
}

// Back from Slack's Allow (the OAuth callback's redirect): say so once, and tidy the address.
if (new URLSearchParams(location.search).get('slack') === 'connected') {
  $('connected-note').hidden = false;
  history.replaceState(null, '', location.pathname);
}
showAccount().catch(() => {});
load().catch((e: Error) => {
  if (e.message !== 'unauthorized' && e.message !== 'forbidden') $('connection-status').textContent = `Could not load the settings: ${e.message}`;
});
