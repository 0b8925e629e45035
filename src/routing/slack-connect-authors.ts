// Whether a message in a chat's thread was written by a person of another company (Slack
// Connect): such a person cannot answer the org's website chats, so nothing they write reaches the
// visitor or the transcript. Decided from the team Slack names for the author (`user_team`, else
// `source_team`) against the installation: its key (a workspace's T… id, or an org-wide install's
// E… id) and the workspaces it was granted. Pure.

/** The teams of an installation whose people count as the org's own. */
export interface InstallationTeams {
  /** The installation's key: the workspace id, or the Grid organization's id for an org-wide install. */
  key: string;
  /** The granted workspaces (for a workspace install, the workspace itself). */
  workspaceIds: readonly string[];
}

/** The teams Slack names for a message's author. */
export interface AuthorTeams {
  userTeam?: string;
  sourceTeam?: string;
}

/**
 * True when the author's team is neither the installation nor one of its workspaces. A message
 * that names no team (older payloads, DMs) is the workspace's own.
 */
export function isExternalAuthor(author: AuthorTeams, installation: InstallationTeams): boolean {
  const team = author.userTeam || author.sourceTeam;
  if (!team) return false;
  return team !== installation.key && !installation.workspaceIds.includes(team);
}
