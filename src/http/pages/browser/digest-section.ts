// The settings page's Time zone and weekly digest section: the org's time zone (its `timeZone`
// setting: the calendar of the Activity figures and of the digest) and the weekly digest (off, or
// a channel and a weekday: GET/PUT /api/orgs/:orgId/digest). Both are saved with the page's Save
// (settings-page.ts's save(): the time zone in the settings' PUT, then the digest's own PUT), only
// when changed, each refusal next to its field. Part of the page's one classic script
// (../settings-page-script.ts serves it before settings-page.ts, whose helpers it uses); nothing
// here runs at the top level but the section's own wiring.
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, which is not strict unless it says so
'use strict';

type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
/** The digest as GET/PUT /api/orgs/:orgId/digest answer it (src/http/admin/digest.route.ts). */
interface Digest {
  channel: Channel;
  weekday: Weekday;
}

/** The digest as last loaded or saved; null: off. */
let digestSaved: Digest | null = null;

/** The stored digest channel (whether the app is in it, its warning). */
const digestChannel = () => digestSaved?.channel ?? null;

/** Called by settings-page.ts's load(): the section as saved. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function showDigestSection(timeZone: string, digest: Digest | null) {
  fillTimeZones();
  const zone = $input('time-zone');
  zone.value = timeZone;
  zone.dataset.original = timeZone;
  digestSaved = digest;
  $input('digest-enabled').checked = digest !== null;
  $('digest-fields').hidden = digest === null;
  const channel = $input('digest-channel');
  channel.value = channelValue(digest?.channel ?? null);
  channel.dataset.original = channel.value;
  channel.placeholder = channelPlaceholder();
  $select('digest-weekday').value = digest?.weekday ?? 'monday';
  showDigestChannel();
  describeDigest();
}

/** The zones this browser knows, offered as the field is typed in; any other name is the API's to refuse. */
function fillTimeZones() {
  const list = $('time-zones');
  if (list.childElementCount > 0) return;
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  list.replaceChildren(...['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => el('option', { value: z })));
}

function showDigestChannel() {
  const channel = $input('digest-channel');
  showMembership($('digest-membership'), channel, digestChannel());
  $('digest-warning').textContent = digestChannel()?.warning ?? '';
}

/** What is posted and when, with the weekday and the time zone as the fields hold them. */
function describeDigest() {
  const weekday = $select('digest-weekday');
  const day = weekday.selectedOptions[0]?.textContent ?? 'Monday';
  const zone = $input('time-zone').value.trim() || 'UTC';
  $('digest-hint').textContent =
    `Every ${day} from 09:00 (${zone} time), Threadbridge posts last week’s figures in the channel: the chats from Monday to Sunday, ` +
    'how many were answered and missed, how many within the answer time, in Slack or in the console, and the first response by routing group and by agent.';
}

/** The time zone for the settings' PUT, when the field changed: the name typed, or null for UTC. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function timeZoneChange(): { timeZone: string | null } | Record<string, never> {
  const zone = $input('time-zone');
  const typed = zone.value.trim();
  return typed === zone.dataset.original ? {} : { timeZone: typed || null };
}

/** The settings' PUT took the time zone: the field holds it as saved, and the Activity section is drawn in it again. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function timeZoneSaved(timeZone: string) {
  const zone = $input('time-zone');
  zone.value = timeZone;
  zone.dataset.original = timeZone;
  if (timeZone !== activityTimeZone) showActivity(timeZone);
}

/**
 * Saves the digest when it changed (or its stored public channel still lacks the app, so the app
 * joins it), after the settings (their channel-ID mode is the one its channel is read in).
 * Returns how many fields were refused, each marked next to its field.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
async function saveDigest(): Promise<number> {
  const on = $input('digest-enabled').checked;
  const channel = $input('digest-channel');
  const typed = channel.value.trim();
  const weekday = $select('digest-weekday').value;
  const saved = digestSaved;
  const unchanged = saved ? on && typed === channel.dataset.original && weekday === saved.weekday && !needsJoin(saved.channel) : !on;
  if (unchanged) return 0;
  if (on && !typed) {
    markInvalid(channel, $('digest-channel-error'), 'Choose the channel the digest is posted in, or turn the digest off.');
    return 1;
  }
  // Off means off: no channel is sent, whatever the hidden field holds.
  const r = await api<{ digest: Digest | null }>('PUT', '/digest', { digest: on ? { channel: typed, weekday } : null });
  if (!r.ok) {
    // A refusal of the weekday goes next to it; any other concerns the channel.
    const onWeekday = r.data.error.field === 'digest.weekday';
    markInvalid(onWeekday ? $select('digest-weekday') : channel, $(onWeekday ? 'digest-weekday-error' : 'digest-channel-error'), r.data.error.message);
    return 1;
  }
  digestSaved = r.data.digest;
  channel.dataset.original = typed;
  return 0;
}

$input('digest-enabled').onchange = () => {
  $('digest-fields').hidden = !$input('digest-enabled').checked;
};
$input('digest-channel').oninput = () => {
  suggest($input('digest-channel'), 'channels');
  showDigestChannel();
};
$select('digest-weekday').onchange = describeDigest;
$input('time-zone').oninput = describeDigest;
