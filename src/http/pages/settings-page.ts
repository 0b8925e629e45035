// The Slack integration settings page an org admin uses: at the top the integration's health
// (GET /api/orgs/:orgId/health: the connection, the last event from Slack and webhook from the
// platform, and each thing keeping chats from a person, with what to do, a link to where on this
// page it is done, and Connect again or Route again); then connect (and disconnect) Slack, the two
// toggles, how chats are handled (answer time, escalation, alerts-only, the internal-note
// prefix), the agent-to-Slack-user mapping (with suggestions by email, one by one or all at once),
// and each routing group's channel, each channel saying whether the app is in it; Save (or Enter
// in a field) with errors next to the field they concern; the last change of each section, by whom;
// which org and which admin the window is signed in for (from GET /api/session). The page holds
// no data and no credential: its script (/assets/settings-page.js) reads everything from the admin
// API with the session cookie the platform's Setup link opened, so Connect opens Slack in this same
// tab and the OAuth callback's redirect back finds the page signed in.
// The ids the health items' anchors name (src/routing/health-items.ts) are this page's: 'connection',
// 'chat-handling', 'global-channel' here, `agent-…` and `group-…` on the rows the script draws,
// `chat-…` on the health section's own rows. Every field has a label (a visible one, or, in the
// tables, an aria-label naming its row); status texts are live regions; under 600 px the tables
// become stacked rows (settings-page-style.ts).
// Below Health, the Activity section (browser/activity-section.ts): the last 30 days of
// GET /api/orgs/:orgId/activity as a summary, two charts (each role="img" with its description,
// every day's figures in a table under them) and tables by routing group and by agent.
// Last in the form, Time zone and weekly digest (browser/digest-section.ts): the org's time zone
// (the Activity figures' calendar and the digest's; PUT settings `timeZone`) and the weekly digest
// (off, or a channel typed like the others and a weekday; PUT /api/orgs/:orgId/digest), saved with
// the page's Save like every other field.
import { escapeHtml } from './result-page.ts';

export function settingsPage(orgId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Slack integration settings</title>
<link rel="stylesheet" href="/assets/settings-page.css">
<script src="/assets/settings-page.js" defer></script></head>
<body data-org-id="${escapeHtml(orgId)}">
<header><p id="account" hidden><span id="who"><strong id="org-name"></strong> · signed in as <strong id="user-name"></strong></span> <button type="button" id="sign-out" class="secondary">Sign out</button></p>
<h1>Slack integration</h1></header>
<main>
<section id="signed-out" hidden><p id="signed-out-reason"></p>
<p>Open the chat platform’s integrations page and click <strong>Setup</strong> for the Slack integration: it opens this page signed in for your organization. Each Setup link works once, for a few minutes.</p></section>
<section id="health" aria-labelledby="health-title" hidden><h2 id="health-title">Health</h2>
<p id="health-summary" role="status" tabindex="-1">Checking…</p>
<p id="health-error" class="error" role="alert"></p>
<p id="health-activity" class="hint"></p>
<ul id="health-items"></ul>
<p><button type="button" id="health-check" class="secondary">Check again</button></p></section>
<section id="activity" aria-labelledby="activity-title" hidden><h2 id="activity-title">Activity</h2>
<p id="activity-summary" role="status">Loading the last 30 days…</p>
<p id="activity-error" class="error" role="alert"></p>
<p id="activity-empty" class="empty" hidden>No chats in the last 30 days. Each chat a visitor starts on your website is counted here from the day it starts: how many, how many were missed (ended with no answer), and how fast your team answered.</p>
<div id="activity-body" hidden>
<figure class="chart"><figcaption id="activity-chats-title">Chats a day <span class="legend"><span class="swatch swatch-chats"></span>answered or open <span class="swatch swatch-missed"></span>missed</span></figcaption><div id="activity-chats-chart" class="chart-area"></div></figure>
<figure class="chart"><figcaption id="activity-response-title">First response <span class="legend"><span class="swatch swatch-p50"></span>p50 <span class="swatch swatch-p90"></span>p90</span></figcaption><div id="activity-response-chart" class="chart-area"></div></figure>
<details id="activity-days-details"><summary>Every day’s figures</summary>
<table id="activity-days-table"><caption class="visually-hidden">Chats, missed chats and first response by day, last 30 days</caption><thead><tr><th scope="col">Day</th><th scope="col">Chats</th><th scope="col">Missed</th><th scope="col">First response p50</th><th scope="col">First response p90</th></tr></thead><tbody id="activity-days"></tbody></table></details>
<h3 id="activity-groups-title">By routing group</h3>
<p id="activity-groups-empty" class="hint" hidden>No chat of a routing group in these 30 days.</p>
<table id="activity-groups-table" aria-labelledby="activity-groups-title"><thead><tr><th scope="col">Routing group</th><th scope="col">Chats</th><th scope="col">Answered</th><th scope="col">Missed</th><th scope="col">Within answer time</th><th scope="col">First response p50 / p90</th></tr></thead><tbody id="activity-groups"></tbody></table>
<h3 id="activity-agents-title">By agent</h3>
<p id="activity-agents-empty" class="hint" hidden>No agent answered a chat first in these 30 days.</p>
<table id="activity-agents-table" aria-labelledby="activity-agents-title"><thead><tr><th scope="col">Agent</th><th scope="col">Answered first</th><th scope="col">In Slack / console</th><th scope="col">Within answer time</th><th scope="col">First response p50 / p90</th></tr></thead><tbody id="activity-agents"></tbody></table>
<p id="activity-note" class="hint"></p></div>
<p><button type="button" id="activity-reload" class="secondary">Load again</button></p></section>
<section id="connection" aria-labelledby="connection-title"><h2 id="connection-title">Connection</h2>
<p id="connected-note" hidden>Slack is connected. Next, map your agents to Slack users and choose channels.</p>
<p id="connection-status" aria-live="polite">Loading…</p>
<a id="connect" class="button" hidden href="#">Connect Slack</a>
<p id="connect-hint" class="hint" hidden>Connects a Slack workspace to <strong id="connect-org"></strong>. Opens Slack in this window: pick the workspace and click Allow, and you come back here.</p>
<p id="disconnect-bar" hidden><button type="button" id="disconnect" class="secondary">Disconnect Slack</button></p>
<div id="disconnect-confirm" hidden><p id="disconnect-question">Disconnect Slack from <strong id="disconnect-workspace"></strong>? Threadbridge stops sending to Slack and gives its access to the workspace back to Slack. Your settings are kept: you can connect Slack again afterwards.</p>
<button type="button" id="disconnect-yes" class="danger">Disconnect</button> <button type="button" id="disconnect-no" class="secondary">Cancel</button> <span id="disconnect-status" role="status"></span></div>
<p id="connection-change" class="last-change"></p>
<p id="directory-status" class="hint"></p></section>
<form id="settings" hidden novalidate>
<section aria-labelledby="channels-title"><h2 id="channels-title">Channels</h2>
<label class="toggle"><input type="checkbox" id="channel-id-mode"> Use channel IDs instead of names</label>
<p class="hint">Meant for workspaces with 1,000+ channels, where picking channels by name is slow. You then enter each channel's ID (in Slack: open the channel's details; the ID is at the bottom).</p>
<label class="toggle"><input type="checkbox" id="global-enabled"> Send all notifications to one global channel</label>
<p class="hint">For teams that use one routing group everywhere. A channel dedicated to chat notifications works best.</p>
<div id="global-field" class="field" hidden><label for="global-channel">Global channel</label> <input type="text" id="global-channel" class="channel-input" list="channel-suggestions" autocomplete="off" aria-describedby="global-channel-error">
<span class="membership" id="global-membership"></span><span class="warning" id="global-warning"></span><span class="error" id="global-channel-error"></span></div>
<p id="settings-change" class="last-change"></p></section>
<section id="chat-handling" aria-labelledby="chat-handling-title"><h2 id="chat-handling-title">Chat handling</h2>
<div class="field"><label for="answer-time">Answer time (seconds)</label> <input type="number" id="answer-time" min="30" max="3600" step="1" aria-describedby="answer-time-error answer-time-hint">
<label class="toggle"><input type="checkbox" id="reminders-off"> No reminders</label><span class="error" id="answer-time-error"></span></div>
<p class="hint" id="answer-time-hint">A chat nobody answered within this time reminds the people it notified, and escalates after twice it. 30 to 3,600 seconds; applies to chats already waiting.</p>
<div class="field"><label for="escalation">Escalate unanswered chats to</label> <select id="escalation" aria-describedby="escalation-error">
<option value="">Automatic: the global channel while it is on, else online members</option>
<option value="global-channel">The global channel</option>
<option value="online-members">The group’s online members, in their DMs</option>
<option value="off">Nobody (no escalation)</option></select><span class="error" id="escalation-error"></span></div>
<div class="field"><label for="bridge-mode">Replies from Slack</label> <select id="bridge-mode" aria-describedby="bridge-mode-error bridge-mode-hint">
<option value="two-way">Reach the visitor (two-way)</option>
<option value="alerts-only">Are not sent: Slack gets alerts only</option></select><span class="error" id="bridge-mode-error"></span></div>
<p class="hint" id="bridge-mode-hint">In alerts-only mode a rep who replies in Slack is told to answer in the chat console instead.</p>
<div class="field"><label for="note-prefix">Internal-note prefix</label> <input type="text" id="note-prefix" maxlength="20" aria-describedby="note-prefix-error note-prefix-hint"><span class="error" id="note-prefix-error"></span></div>
<p class="hint" id="note-prefix-hint">A reply starting with this stays in Slack as a note for the team (1 to 20 characters; default “note:”).</p>
<p id="chat-handling-change" class="last-change"></p></section>
<section aria-labelledby="users-title"><h2 id="users-title">Users</h2>
<p class="hint">Enter each agent's Slack username. Only mapped agents can answer visitors from Slack; an unmapped Slack user who tries gets an error.</p>
<p id="agents-change" class="last-change"></p>
<p id="suggested-bar" hidden><button type="button" id="map-suggested" class="secondary">Map all suggested</button> <span id="map-suggested-status" role="status"></span></p>
<p id="agents-empty" class="empty" hidden>No agents yet. Add your team as agents on the chat platform; they appear here when you reload this page, each to be mapped to their Slack user.</p>
<table id="agents-table"><thead><tr><th scope="col">Agent</th><th scope="col">Status</th><th scope="col">Slack username</th></tr></thead><tbody id="agents"></tbody></table></section>
<section aria-labelledby="groups-title"><h2 id="groups-title">Routing groups</h2>
<p class="hint">Notifications for a group go to its Slack channel, mentioning its members. Threadbridge joins a public channel when you save it, so it hears the replies there. Private channels appear only once the app is a member: in Slack, type @Threadbridge in the channel and click “Add to Channel”.</p>
<p id="groups-change" class="last-change"></p>
<p id="groups-empty" class="empty" hidden>No routing groups yet. Create them on the chat platform under <strong>Routing Groups</strong> (each with the agents it notifies); they appear here when you reload this page, each to be given a Slack channel. Or send every chat to one global channel (above).</p>
<table id="groups-table"><thead><tr><th scope="col">Routing group</th><th scope="col">Slack channel</th></tr></thead><tbody id="groups"></tbody></table></section>
<section id="weekly-digest" aria-labelledby="weekly-digest-title"><h2 id="weekly-digest-title">Time zone and weekly digest</h2>
<div class="field"><label for="time-zone">Time zone</label> <input type="text" id="time-zone" list="time-zones" autocomplete="off" spellcheck="false" placeholder="UTC" aria-describedby="time-zone-error time-zone-hint"><span class="error" id="time-zone-error"></span></div>
<p class="hint" id="time-zone-hint">The calendar of the Activity figures and of the weekly digest: the day each chat counts on, the week from Monday to Sunday, and 09:00. A name such as Europe/Berlin or America/New_York (type to search); empty for UTC. A change counts the days from now on in it; days already counted stay as they were.</p>
<label class="toggle"><input type="checkbox" id="digest-enabled" aria-describedby="digest-hint"> Post a weekly digest in Slack</label>
<p class="hint" id="digest-hint"></p>
<div id="digest-fields" hidden>
<div class="field"><label for="digest-channel">Digest channel</label> <input type="text" id="digest-channel" class="channel-input" list="channel-suggestions" autocomplete="off" aria-describedby="digest-channel-error digest-membership digest-warning">
<span class="membership" id="digest-membership"></span><span class="warning" id="digest-warning"></span><span class="error" id="digest-channel-error"></span></div>
<div class="field"><label for="digest-weekday">Posted on</label> <select id="digest-weekday" aria-describedby="digest-weekday-error">
<option value="monday">Monday</option><option value="tuesday">Tuesday</option><option value="wednesday">Wednesday</option><option value="thursday">Thursday</option><option value="friday">Friday</option><option value="saturday">Saturday</option><option value="sunday">Sunday</option></select><span class="error" id="digest-weekday-error"></span></div></div>
<p id="digest-change" class="last-change"></p></section>
<datalist id="channel-suggestions"></datalist><datalist id="user-suggestions"></datalist><datalist id="time-zones"></datalist>
<div id="save-bar"><span id="save-status" role="status" tabindex="-1"></span><button type="submit" id="save">Save</button></div>
</form>
</main>
</body></html>`;
}
