// Slack Connect channels on the settings page (a classic script sharing its top-level names with
// settings-page.ts, which calls these): a channel shared with another company is marked in the
// channel pickers, and choosing one for a routing group or as the global channel shows a labelled
// checkbox confirming that visitor details will be visible to that company's people; checked, the
// Save sends confirmSharedChannel. The admin API refuses such a channel without it
// (channel_shared_externally): the refusal is shown at the field, and the checkbox with it.
// biome-ignore lint/suspicious/noRedundantUseStrict: served as a classic script, which is not strict unless it says so
'use strict';

/** Who confirmed a shared channel and when, as the admin API shows it. */
interface SharingConfirmation {
  by: { kind: 'operator' } | { kind: 'org-admin'; userId: string; userName?: string };
  at: string;
}

/** Names of channels the pickers' searches found shared with another company, while the page is open. */
const sharedChannelNames = new Set<string>();

/**
 * A picker option's words for a channel shared with another company; '' for any other. Kept to
 * itself so other marks in the option (the workspace's name) add their own words next to it.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function sharedChannelMarker(c: { sharedExternally?: boolean }): string {
  return c.sharedExternally ? ' (shared with another company)' : '';
}

/**
 * Remembers which channels of a search are shared, so typing or picking one shows the confirmation:
 * by name, and on an org-wide install as its suggestion is typed (`sales (Acme West)`).
 */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function noteSharedChannels(channels: Array<{ name: string; sharedExternally?: boolean; workspace?: Channel['workspace'] }>) {
  for (const c of channels) {
    for (const name of new Set([c.name, qualifiedName(c)])) {
      if (c.sharedExternally) sharedChannelNames.add(name);
      else sharedChannelNames.delete(name);
    }
  }
}

/** The field's channel name as typed (without its #). */
function typedChannelName(input: HTMLInputElement): string {
  return input.value.trim().replace(/^#/, '');
}

/**
 * The place under a channel field for its Slack Connect note and confirmation. The checkbox
 * itself is added only while it is asked for (so a row's one input is its channel's otherwise).
 * `place` names the setting in the checkbox's label.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function sharedConfirmBox(id: string, place: string): HTMLElement {
  const box = el('div', { className: 'shared-confirm', id: `${id}-box` });
  box.dataset.checkId = id;
  box.dataset.place = place;
  box.append(el('span', { className: 'shared-note', id: `${id}-note` }));
  return box;
}

/**
 * The checkbox with its label (a native control, so the keyboard reaches and toggles it), shown
 * or taken away.
 */
function showSharedAsk(box: HTMLElement, shown: boolean) {
  const ask = box.querySelector<HTMLElement>('.shared-ask');
  if (!shown) {
    ask?.remove();
    return;
  }
  if (ask) return;
  const id = box.dataset.checkId ?? '';
  box.append(
    el('div', { className: 'shared-ask' }, [
      el('input', { type: 'checkbox', id, className: 'shared-confirm-check', 'aria-describedby': `${id}-note` }),
      el('label', {
        for: id,
        text: `I confirm that visitor details (name, email, company, messages) of chats sent to this channel will be visible to people of another company (${box.dataset.place ?? ''}).`,
      }),
    ]),
  );
}

/**
 * Shows the note on the stored channel and, when the field holds a channel shared with another
 * company that is not confirmed (typed, or stored and shared since it was chosen), the checkbox.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function updateSharedConfirm(box: HTMLElement, input: HTMLInputElement, stored: Channel | null, confirmation: SharingConfirmation | null) {
  const unchanged = input.value === input.dataset.original;
  const storedShared = unchanged && stored?.sharedExternally === true;
  const note = box.querySelector<HTMLElement>('.shared-note');
  if (note) note.textContent = storedShared ? sharedChannelNote(confirmation) : '';
  showSharedAsk(box, unchanged ? storedShared && !confirmation : sharedChannelNames.has(typedChannelName(input)));
}

/** The stored shared channel's note: who can see what, and who confirmed it. */
function sharedChannelNote(confirmation: SharingConfirmation | null): string {
  if (!confirmation)
    return 'Shared with another company (Slack Connect) since it was chosen, and not confirmed: its chats are held until you confirm below or choose another channel.';
  const who = confirmation.by.kind === 'operator' ? 'an operator' : confirmation.by.userName || confirmation.by.userId;
  return `Shared with another company (Slack Connect): visitor details are visible to its people. Confirmed by ${who} on ${new Date(confirmation.at).toLocaleDateString()}.`;
}

/** The admin API refused the field's channel for want of a confirmation: the checkbox is shown with the refusal. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function askSharedConfirm(box: HTMLElement, input: HTMLInputElement) {
  sharedChannelNames.add(typedChannelName(input));
  showSharedAsk(box, true);
}

/** Whether the Save confirms the field's shared channel. */
// biome-ignore lint/correctness/noUnusedVariables: called by settings-page.ts, the other half of the same classic script
function sharedConfirmChecked(box: HTMLElement): boolean {
  return box.querySelector<HTMLInputElement>('input.shared-confirm-check')?.checked ?? false;
}
