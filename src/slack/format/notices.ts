// The ephemeral notices reps get when Slack cannot do what they asked; one wording everywhere.

/** `what` is what did not happen, e.g. "Your reply was not sent". */
export function unmappedUserNotice(what: string): string {
  return (
    `${what}: your Slack account isn't linked to a chat agent, so it can't act on chats. ` +
    'Ask an admin of the chat platform to map your Slack username to your agent in the Slack integration settings.'
  );
}

export const ENDED_CONVERSATION_NOTICE = 'Your reply was not sent: this chat has ended, so the visitor can no longer receive messages.';

export const ALERTS_ONLY_NOTICE =
  'Your reply was not sent: this workspace gets chat alerts only, so nothing written in Slack reaches visitors. Answer in the chat console.';

export const FILES_NOT_SENT_NOTICE =
  "Files shared in Slack can't be sent to the visitor unless they are shared publicly: upload them in the chat console, or paste a link the visitor can open.";

export function changeNotice(kind: 'edited' | 'deleted'): string {
  return kind === 'edited'
    ? 'You edited a reply the visitor already has: they still see the original. Send a new reply to correct it.'
    : 'You deleted a reply the visitor already has: they still see it. Send a new reply to correct it.';
}

/** Posted in the thread under a reps' internal note, so everyone sees it stayed internal. */
export const INTERNAL_NOTE_REACTION = 'lock';

/**
 * A thread, button or form of a chat that belongs to another Slack connection (the workspace was
 * connected to another org since): nothing reaches that chat, and nothing names whose it is.
 */
export function foreignChatNotice(what: string): string {
  return `${what}: this chat belongs to a Slack connection that is no longer active, so nothing written or clicked here reaches its visitor. New chats arrive in new threads.`;
}

/**
 * To a person of another company (Slack Connect) who wrote in a chat's thread in a shared channel:
 * only the org's own people answer its website chats; no word of theirs reached the visitor.
 */
export const EXTERNAL_PERSON_NOTICE =
  'Your message was not sent to the visitor: people outside this workspace cannot answer its website chats. This channel is shared with your company through Slack Connect; nothing you write in a chat’s thread reaches the visitor.';

/** To a person of another company who clicked a chat's button or used a shortcut on it. */
export const EXTERNAL_PERSON_ACTION_NOTICE =
  'Nothing was done: people outside this workspace cannot answer or act on its website chats. This channel is shared with your company through Slack Connect.';
