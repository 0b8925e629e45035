// The Slack integration settings page an org admin uses: connect Slack, the two toggles, the
// agent-to-Slack-user mapping (with suggestions by email, one by one or all at once), and each
// routing group's channel, each channel saying whether the app is in it; Save with errors next to
// the field they concern. One self-contained page (no build step, no framework) that talks to the
// admin API with the admin token, which it takes from the link's #token=… fragment (never sent
// to the server, so never in a log) or asks for, and keeps for the browser tab's session: so
// Connect opens Slack in this same tab, and the OAuth callback's redirect back finds the token.
export function settingsPage(orgId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Slack integration settings</title>
<style>
[hidden]{display:none !important}
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.hint{color:#616061;font-size:.9rem;margin:.2rem 0 .6rem}
.error{color:#b00020;font-size:.9rem;display:block}.error:empty{display:none}
.warning{color:#8a5a00;font-size:.9rem;display:block}.warning:empty{display:none}
.unmapped{color:#b00020;font-size:.85rem;font-weight:600;margin-left:.5rem}
td .hint{display:block;margin:.2rem 0 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
input[type=text]{font:inherit;padding:.3rem .4rem;width:16rem;border:1px solid #bbb;border-radius:4px}
input.invalid{border-color:#b00020}
.button,button{font:inherit;background:#007a5a;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
#save-bar{padding:1rem 0;text-align:right;border-top:1px solid #ddd;margin-top:2rem}
#save-status{margin-right:1rem}.ok{color:#007a5a}
.toggle{display:block;margin-top:1rem;font-weight:600}
.membership{font-size:.85rem;display:block;margin-top:.2rem}.membership:empty{display:none}
.membership.in{color:#007a5a}.membership.out{color:#8a5a00}
.suggestion{font-size:.85rem;margin-top:.3rem;color:#1d1c1d}.suggestion button{padding:.15rem .5rem;margin-left:.4rem;font-size:.85rem}
button.secondary{background:#fff;color:#007a5a;border:1px solid #007a5a}
#connected-note{color:#007a5a;font-weight:600}
</style></head>
<body>
<h1>Slack integration</h1>
<div id="token-form" hidden><p>Enter the admin token to manage this organization's Slack integration.</p>
<input type="text" id="token-input" autocomplete="off"> <button id="token-save">Continue</button></div>
<section id="connection"><p id="connected-note" hidden>Slack is connected. Next, map your agents to Slack users and choose channels.</p>
<p id="connection-status">Loading…</p>
<a id="connect" class="button" hidden href="#">Connect Slack</a>
<p id="connect-hint" class="hint" hidden>Opens Slack in this window: pick the workspace and click Allow, and you come back here.</p>
<p id="directory-status" class="hint"></p></section>
<section id="settings" hidden>
<label class="toggle"><input type="checkbox" id="channel-id-mode"> Use channel IDs instead of names</label>
<p class="hint">Meant for workspaces with 1,000+ channels, where picking channels by name is slow. You then enter each channel's ID (in Slack: open the channel's details; the ID is at the bottom).</p>
<label class="toggle"><input type="checkbox" id="global-enabled"> Send all notifications to one global channel</label>
<p class="hint">For teams that use one routing group everywhere. A channel dedicated to chat notifications works best.</p>
<div id="global-field" hidden><input type="text" id="global-channel" class="channel-input" list="channel-suggestions" autocomplete="off">
<span class="membership" id="global-membership"></span><span class="warning" id="global-warning"></span><span class="error" id="global-channel-error"></span></div>
<h2>Users</h2>
<p class="hint">Enter each agent's Slack username. Only mapped agents can answer visitors from Slack; an unmapped Slack user who tries gets an error.</p>
<p id="suggested-bar" hidden><button type="button" id="map-suggested" class="secondary">Map all suggested</button> <span id="map-suggested-status"></span></p>
<table><thead><tr><th>Agent</th><th>Status</th><th>Slack username</th></tr></thead><tbody id="agents"></tbody></table>
<h2>Routing groups</h2>
<p class="hint">Notifications for a group go to its Slack channel, mentioning its members. Threadbridge joins a public channel when you save it, so it hears the replies there. Private channels appear only once the app is a member: in Slack, type @Threadbridge in the channel and click “Add to Channel”.</p>
<table><thead><tr><th>Routing group</th><th>Slack channel</th></tr></thead><tbody id="groups"></tbody></table>
<datalist id="channel-suggestions"></datalist><datalist id="user-suggestions"></datalist>
<div id="save-bar"><span id="save-status"></span><button id="save">Save</button></div>
</section>
<script>
const ORG = ${JSON.stringify(orgId).replace(/</g, '\\u003c')};
const $ = (id) => document.getElementById(id);
const state = { idMode: false, agents: [], groups: [] };

function token() {
  const m = location.hash.match(/token=([^&]+)/);
  if (m) { sessionStorage.setItem('tb-admin-token', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname); }
  return sessionStorage.getItem('tb-admin-token');
}
async function api(method, path, body) {
  const res = await fetch('/api/orgs/' + encodeURIComponent(ORG) + path, {
    method, headers: Object.assign({ authorization: 'Bearer ' + token() }, body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401) { sessionStorage.removeItem('tb-admin-token'); askToken(); throw new Error('unauthorized'); }
  return { ok: res.ok, status: res.status, data };
}
function askToken() { $('token-form').hidden = false; $('connection').hidden = true; }
$('token-save').onclick = () => { sessionStorage.setItem('tb-admin-token', $('token-input').value.trim()); location.reload(); };

const channelValue = (c) => (c ? (state.idMode ? c.id : c.name || c.id) : '');
function setError(el, message) { el.textContent = message || ''; }
function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k === 'text') e.textContent = v; else if (k in e && k !== 'list') e[k] = v; else e.setAttribute(k, v); }
  for (const c of children || []) e.append(c);
  return e;
}

let suggestTimer;
function suggest(input, kind) {
  clearTimeout(suggestTimer);
  if (kind === 'channels' && state.idMode) return;
  suggestTimer = setTimeout(async () => {
    const q = input.value.trim();
    const r = await api('GET', '/directory/' + kind + '?limit=10&q=' + encodeURIComponent(q));
    if (!r.ok) return;
    const list = $(kind === 'channels' ? 'channel-suggestions' : 'user-suggestions');
    list.replaceChildren(...(kind === 'channels'
      ? r.data.channels.map((c) => el('option', { value: c.name, text: (c.isPrivate ? '🔒 ' : '#') + c.name }))
      : r.data.users.map((u) => el('option', { value: u.username, text: (u.displayName || u.realName || u.username) + ' (@' + u.username + ')' }))));
  }, 150);
}

const ADD_APP = 'in Slack, type @Threadbridge in the channel and click “Add to Channel”.';
/** Whether the app is in the stored channel, as a person reads it; '' when there is nothing to say. */
function membership(c) {
  if (!c || !c.name) return { text: '', cls: '' };
  if (c.appInChannel === true) return { text: 'Threadbridge is in this channel.', cls: 'in' };
  if (c.appInChannel === null) return { text: 'Not checked yet (Slack’s rate limit): reload in a minute.', cls: 'out' };
  if (c.isArchived || c.warning) return { text: '', cls: '' }; // the warning next to it says what to do
  return c.isPrivate
    ? { text: 'Threadbridge is not in this private channel: ' + ADD_APP, cls: 'out' }
    : { text: 'Threadbridge is not in this channel yet: it joins when you save.', cls: 'out' };
}
/** Shows the stored channel's mark while the field holds it; a changed field is checked on Save. */
function showMembership(mark, input, channel) {
  const m = input.value === input.dataset.original ? membership(channel) : { text: '', cls: '' };
  mark.textContent = m.text; mark.className = 'membership ' + m.cls;
}
/** A stored public channel the app is not in: sent again on Save, so the app joins it. */
function needsJoin(c) { return Boolean(c && c.name && c.appInChannel === false && !c.isPrivate && !c.isArchived); }

function channelPlaceholder() { return state.idMode ? 'Channel ID, e.g. C0123ABCD' : 'Type to search channels'; }

function render() {
  $('channel-id-mode').checked = state.idMode;
  $('global-enabled').checked = state.global.enabled;
  $('global-field').hidden = !state.global.enabled;
  const g = $('global-channel');
  g.value = channelValue(state.global.channel); g.placeholder = channelPlaceholder(); g.dataset.original = g.value;
  g.oninput = () => { suggest(g, 'channels'); showMembership($('global-membership'), g, state.global.channel); };
  showMembership($('global-membership'), g, state.global.channel);
  $('global-warning').textContent = state.global.channel && state.global.channel.warning ? state.global.channel.warning : '';
  $('agents').replaceChildren(...state.agents.map((a) => {
    const input = el('input', { type: 'text', className: 'username', value: a.slackUser && a.slackUser.username ? a.slackUser.username : '', placeholder: 'Slack username', autocomplete: 'off', list: 'user-suggestions' });
    input.dataset.original = input.value;
    input.oninput = () => suggest(input, 'users');
    const cell = el('td', {}, [input]);
    if (!a.mapped) cell.append(el('span', { className: 'unmapped', text: ' Not mapped' }), el('span', { className: 'hint unmapped-hint', text: 'Cannot answer visitors from Slack until mapped.' }));
    else if (a.hint) cell.append(el('span', { className: 'warning', text: a.hint }));
    if (a.suggestion) {
      const u = a.suggestion;
      const use = el('button', { type: 'button', className: 'secondary use-suggestion', text: 'Use' });
      use.onclick = () => { input.value = u.username; };
      cell.append(el('div', { className: 'suggestion' }, ['Suggested (same email): ' + (u.realName || u.displayName || u.username) + ' (@' + u.username + ')', use]));
    }
    cell.append(el('span', { className: 'error' }));
    return el('tr', { 'data-agent-id': a.agentId }, [el('td', {}, [el('div', { text: a.name }), el('div', { className: 'hint', text: a.email })]), el('td', { text: a.status }), cell]);
  }));
  $('groups').replaceChildren(...state.groups.map((grp) => {
    const input = el('input', { type: 'text', className: 'channel-input', value: channelValue(grp.channel), placeholder: channelPlaceholder(), autocomplete: 'off', list: 'channel-suggestions' });
    input.dataset.original = input.value;
    const mark = el('span', { className: 'membership' });
    input.oninput = () => { suggest(input, 'channels'); showMembership(mark, input, grp.channel); };
    showMembership(mark, input, grp.channel);
    return el('tr', { 'data-group-id': grp.groupId }, [el('td', { text: grp.name }), el('td', {}, [input, mark, el('span', { className: 'warning', text: grp.channel && grp.channel.warning ? grp.channel.warning : '' }), el('span', { className: 'error' })])]);
  }));
  $('suggested-bar').hidden = !state.agents.some((a) => a.suggestion);
}

async function load() {
  const conn = await api('GET', '/slack');
  if (conn.data.status !== 'connected') {
    $('connection-status').textContent = conn.data.status === 'disconnected'
      ? 'Slack was disconnected (the app was removed from the workspace or its token revoked). Connect it again; your settings are kept.'
      : 'Slack is not connected yet.';
    $('connect').href = conn.data.installUrl; $('connect').hidden = false; $('connect-hint').hidden = false; $('settings').hidden = true;
    return;
  }
  $('connect').hidden = true; $('connect-hint').hidden = true;
  $('connection-status').replaceChildren('Connected to the Slack workspace ', el('strong', { id: 'workspace-name', text: conn.data.workspace.name }), '.');
  const [settings, agents, groups, dir] = await Promise.all([api('GET', '/settings'), api('GET', '/agents'), api('GET', '/routing-groups'), api('GET', '/directory')]);
  const describe = (k, s) => s.state === 'syncing' ? k + ': syncing, ' + s.sync.items + ' so far' : s.state === 'never-synced' ? k + ': not synced yet' : k + ': ' + s.items + ' (synced ' + Math.round(s.ageSeconds / 60) + ' min ago)';
  $('directory-status').textContent = 'Directory — ' + describe('channels', dir.data.channels) + '; ' + describe('users', dir.data.users) + '.';
  state.idMode = settings.data.channelIdMode;
  state.global = settings.data.globalChannel;
  state.agents = agents.data.agents;
  state.groups = groups.data.routingGroups;
  $('settings').hidden = false;
  render();
}

$('channel-id-mode').onchange = (e) => {
  // Untouched fields switch between a channel's name and its ID with the mode.
  const before = state.idMode; state.idMode = e.target.checked;
  const swap = (input, channel) => { if (input.value === input.dataset.original && channel) { input.value = channelValue(channel); input.dataset.original = input.value; } input.placeholder = channelPlaceholder(); };
  swap($('global-channel'), state.global.channel);
  for (const row of document.querySelectorAll('#groups tr')) swap(row.querySelector('input'), state.groups.find((g) => g.groupId === row.dataset.groupId).channel);
  if (before !== state.idMode) $('save-status').textContent = '';
};
$('global-enabled').onchange = (e) => { $('global-field').hidden = !e.target.checked; };

/** A mapped row: its value is the saved one, and its not-mapped marks and suggestion go. */
function settleAgentRow(row, value) {
  const input = row.querySelector('input');
  input.value = value; input.dataset.original = value;
  if (value) for (const mark of row.querySelectorAll('.unmapped, .unmapped-hint, .suggestion')) mark.remove();
}

// Every suggested agent mapped in one click, each through the same PUT as a typed username (so
// each is checked the same way), errors next to their rows. A row the admin typed another
// username into is left to Save.
$('map-suggested').onclick = async () => {
  $('map-suggested-status').textContent = 'Mapping…';
  let mapped = 0, failed = 0;
  for (const a of state.agents) {
    if (!a.suggestion) continue;
    const row = document.querySelector('#agents tr[data-agent-id="' + CSS.escape(a.agentId) + '"]');
    const input = row.querySelector('input');
    if (!row.querySelector('.suggestion') || (input.value.trim() && input.value.trim() !== a.suggestion.username)) continue;
    showError(row, '');
    const r = await api('PUT', '/agents/' + encodeURIComponent(a.agentId) + '/slack-user', { username: a.suggestion.username });
    if (!r.ok) { failed++; input.value = a.suggestion.username; showError(row, r.data.error.message); continue; }
    mapped++;
    settleAgentRow(row, a.suggestion.username);
  }
  $('map-suggested-status').textContent = (mapped === 1 ? 'Mapped 1 agent.' : 'Mapped ' + mapped + ' agents.') + (failed ? ' ' + failed + ' could not be mapped: see the row' + (failed === 1 ? '.' : 's.') : '');
  $('suggested-bar').hidden = !document.querySelector('#agents .suggestion') && !failed;
};

function showError(row, message) {
  const input = row.querySelector('input');
  input.classList.toggle('invalid', Boolean(message));
  setError(row.querySelector('.error'), message);
}

$('save').onclick = async () => {
  $('save-status').textContent = 'Saving…'; $('save-status').className = '';
  let failed = 0;
  for (const e of document.querySelectorAll('.error')) e.textContent = '';
  for (const i of document.querySelectorAll('input.invalid')) i.classList.remove('invalid');
  const globalInput = $('global-channel');
  // Off means off: with the toggle off no channel is sent, whatever the hidden field holds.
  const globalOn = $('global-enabled').checked;
  const s = await api('PUT', '/settings', { channelIdMode: $('channel-id-mode').checked, globalChannel: { enabled: globalOn, channel: globalOn ? globalInput.value.trim() || null : null } });
  if (!s.ok) { failed++; globalInput.classList.add('invalid'); setError($('global-channel-error'), s.data.error.message); }
  if (s.ok) {
    for (const row of document.querySelectorAll('#agents tr')) {
      const input = row.querySelector('input');
      const value = input.value.trim();
      if (value === input.dataset.original) continue;
      const path = '/agents/' + encodeURIComponent(row.dataset.agentId) + '/slack-user';
      const r = value ? await api('PUT', path, { username: value }) : await api('DELETE', path);
      if (!r.ok) { failed++; showError(row, r.data.error.message); continue; }
      // Saved: this row is settled even if another one fails.
      settleAgentRow(row, value);
    }
    for (const row of document.querySelectorAll('#groups tr')) {
      const input = row.querySelector('input');
      const value = input.value.trim();
      const stored = state.groups.find((g) => g.groupId === row.dataset.groupId).channel;
      if (value === input.dataset.original && !(value && needsJoin(stored))) continue;
      const path = '/routing-groups/' + encodeURIComponent(row.dataset.groupId) + '/slack-channel';
      const r = value ? await api('PUT', path, { channel: value }) : await api('DELETE', path);
      if (!r.ok) { failed++; showError(row, r.data.error.message); continue; }
      input.dataset.original = value;
    }
  }
  if (failed) { $('save-status').textContent = failed === 1 ? 'One field needs attention.' : failed + ' fields need attention.'; $('save-status').className = 'error-summary'; return; }
  await load();
  $('save-status').textContent = 'Saved.'; $('save-status').className = 'ok';
};

// Back from Slack's Allow (the OAuth callback's redirect): say so once, and tidy the address.
if (new URLSearchParams(location.search).get('slack') === 'connected') {
  $('connected-note').hidden = false;
  history.replaceState(null, '', location.pathname);
}
if (token()) load().catch((e) => { if (e.message !== 'unauthorized') $('connection-status').textContent = 'Could not load the settings: ' + e.message; });
else askToken();
</script>
</body></html>`;
}
