// The Slack integration settings page an org admin uses: connect (and disconnect) Slack, the two
// toggles, how chats are handled (answer time, escalation, alerts-only, the internal-note
// prefix), the agent-to-Slack-user mapping (with suggestions by email, one by one or all at once),
// and each routing group's channel, each channel saying whether the app is in it; Save with errors
// next to the field they concern; the last change of each section, by whom; which org and which
// admin the window is signed in for (from GET /api/session). The page holds no data
// and no credential: its script (/assets/settings-page.js) reads everything from the admin API with
// the session cookie the platform's Setup link opened, so Connect opens Slack in this same tab and
// the OAuth callback's redirect back finds the page signed in.
import { escapeHtml } from './result-page.ts';

export function settingsPage(orgId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Slack integration settings</title>
<link rel="stylesheet" href="/assets/settings-page.css">
<script src="/assets/settings-page.js" defer></script></head>
<body data-org-id="${escapeHtml(orgId)}">
<p id="account" hidden><span id="who"><strong id="org-name"></strong> · signed in as <strong id="user-name"></strong></span> <button type="button" id="sign-out" class="secondary">Sign out</button></p>
<h1>Slack integration</h1>
<section id="signed-out" hidden><p id="signed-out-reason"></p>
<p>Open the chat platform’s integrations page and click <strong>Setup</strong> for the Slack integration: it opens this page signed in for your organization. Each Setup link works once, for a few minutes.</p></section>
<section id="connection"><p id="connected-note" hidden>Slack is connected. Next, map your agents to Slack users and choose channels.</p>
<p id="connection-status">Loading…</p>
<a id="connect" class="button" hidden href="#">Connect Slack</a>
<p id="connect-hint" class="hint" hidden>Connects a Slack workspace to <strong id="connect-org"></strong>. Opens Slack in this window: pick the workspace and click Allow, and you come back here.</p>
<p id="disconnect-bar" hidden><button type="button" id="disconnect" class="secondary">Disconnect Slack</button></p>
<div id="disconnect-confirm" hidden><p>Disconnect Slack from <strong id="disconnect-workspace"></strong>? Threadbridge stops sending to Slack and gives its access to the workspace back to Slack. Your settings are kept: you can connect Slack again afterwards.</p>
<button type="button" id="disconnect-yes" class="danger">Disconnect</button> <button type="button" id="disconnect-no" class="secondary">Cancel</button> <span id="disconnect-status"></span></div>
<p id="connection-change" class="last-change"></p>
<p id="directory-status" class="hint"></p></section>
<section id="settings" hidden>
<label class="toggle"><input type="checkbox" id="channel-id-mode"> Use channel IDs instead of names</label>
<p class="hint">Meant for workspaces with 1,000+ channels, where picking channels by name is slow. You then enter each channel's ID (in Slack: open the channel's details; the ID is at the bottom).</p>
<label class="toggle"><input type="checkbox" id="global-enabled"> Send all notifications to one global channel</label>
<p class="hint">For teams that use one routing group everywhere. A channel dedicated to chat notifications works best.</p>
<div id="global-field" hidden><input type="text" id="global-channel" class="channel-input" list="channel-suggestions" autocomplete="off">
<span class="membership" id="global-membership"></span><span class="warning" id="global-warning"></span><span class="error" id="global-channel-error"></span></div>
<p id="settings-change" class="last-change"></p>
<h2>Chat handling</h2>
<div class="field"><label for="answer-time">Answer time (seconds)</label> <input type="number" id="answer-time" min="30" max="3600" step="1">
<label class="toggle"><input type="checkbox" id="reminders-off"> No reminders</label><span class="error" id="answer-time-error"></span></div>
<p class="hint">A chat nobody answered within this time reminds the people it notified, and escalates after twice it. 30 to 3,600 seconds; applies to chats already waiting.</p>
<div class="field"><label for="escalation">Escalate unanswered chats to</label> <select id="escalation">
<option value="">Automatic: the global channel while it is on, else online members</option>
<option value="global-channel">The global channel</option>
<option value="online-members">The group’s online members, in their DMs</option>
<option value="off">Nobody (no escalation)</option></select><span class="error" id="escalation-error"></span></div>
<div class="field"><label for="bridge-mode">Replies from Slack</label> <select id="bridge-mode">
<option value="two-way">Reach the visitor (two-way)</option>
<option value="alerts-only">Are not sent: Slack gets alerts only</option></select><span class="error" id="bridge-mode-error"></span></div>
<p class="hint">In alerts-only mode a rep who replies in Slack is told to answer in the chat console instead.</p>
<div class="field"><label for="note-prefix">Internal-note prefix</label> <input type="text" id="note-prefix" maxlength="20"><span class="error" id="note-prefix-error"></span></div>
<p class="hint">A reply starting with this stays in Slack as a note for the team (1 to 20 characters; default “note:”).</p>
<p id="chat-handling-change" class="last-change"></p>
<h2>Users</h2>
<p class="hint">Enter each agent's Slack username. Only mapped agents can answer visitors from Slack; an unmapped Slack user who tries gets an error.</p>
<p id="agents-change" class="last-change"></p>
<p id="suggested-bar" hidden><button type="button" id="map-suggested" class="secondary">Map all suggested</button> <span id="map-suggested-status"></span></p>
<table><thead><tr><th>Agent</th><th>Status</th><th>Slack username</th></tr></thead><tbody id="agents"></tbody></table>
<h2>Routing groups</h2>
<p class="hint">Notifications for a group go to its Slack channel, mentioning its members. Threadbridge joins a public channel when you save it, so it hears the replies there. Private channels appear only once the app is a member: in Slack, type @Threadbridge in the channel and click “Add to Channel”.</p>
<p id="groups-change" class="last-change"></p>
<table><thead><tr><th>Routing group</th><th>Slack channel</th></tr></thead><tbody id="groups"></tbody></table>
<datalist id="channel-suggestions"></datalist><datalist id="user-suggestions"></datalist>
<div id="save-bar"><span id="save-status"></span><button id="save">Save</button></div>
</section>
</body></html>`;
}
