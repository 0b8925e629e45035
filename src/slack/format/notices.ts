// The ephemeral notices reps get when Slack cannot do what they asked; one wording everywhere.

/** `what` is what did not happen, e.g. "Your reply was not sent". */
export function unmappedUserNotice(what: string): string {
  return (
    `${what}: your Slack account isn't linked to a chat agent, so it can't act on chats. ` +
    'Ask an admin of the chat platform to map your Slack username to your agent in the Slack integration settings.'
  );
}

export const ENDED_CONVERSATION_NOTICE = 'Your reply was not sent: this chat has ended, so the visitor can no longer receive messages.';
