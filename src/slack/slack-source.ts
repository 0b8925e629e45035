// Which installation and which workspace a Slack event or interaction names, read as bolt-js's
// buildSource reads it (App.ts): an org-wide (Enterprise Grid) install is keyed by its enterprise
// id, a workspace install by its workspace id, so every job carries the installation key the
// tenant gate looks up. On Grid the workspace the person acted in is a separate fact (an org-wide
// install's payloads name no installed team: `team` is null, `authorizations[0].team_id` is null).
// Pure: the ingress refuses a payload that names no installation with the fields it looked at.

/** The installation a payload is for, and the workspace it happened in (null when it names none, e.g. team_access_granted). */
export interface SlackSource {
  /** The installation key: the workspace's T… id, or the Grid organization's E… id for an org-wide install. */
  installKey: string;
  workspaceId: string | null;
}

export type SlackSourceResult = { ok: true; source: SlackSource } | { ok: false; missing: string };

type MaybeId = string | null | undefined;

/** The fields of an Events API envelope that name its installation (Slack's documented ones). */
export interface EventSourceFields {
  event?: { type?: string };
  team_id?: MaybeId;
  enterprise_id?: MaybeId;
  is_enterprise_install?: boolean | null;
  authorizations?: Array<{ team_id?: MaybeId; enterprise_id?: MaybeId; is_enterprise_install?: boolean | null }> | null;
}

/** The fields of an interactivity payload that name its installation. */
export interface InteractionSourceFields {
  team?: { id?: MaybeId; enterprise_id?: MaybeId } | null;
  enterprise?: { id?: MaybeId } | null;
  /** Slack sends a boolean; slash commands (not handled here) a string, as bolt-js notes. */
  is_enterprise_install?: boolean | string | null;
  user?: { team_id?: MaybeId } | null;
  view?: { app_installed_team_id?: MaybeId } | null;
}

/** Events about an org-wide install's access to workspaces: nothing else receives them. */
const ORG_INSTALL_EVENTS: ReadonlySet<string> = new Set(['team_access_granted', 'team_access_revoked']);

const present = (id: MaybeId): string | null => (typeof id === 'string' && id.length > 0 ? id : null);

function named(installKey: string | null, workspaceId: string | null, lookedAt: string): SlackSourceResult {
  return installKey ? { ok: true, source: { installKey, workspaceId } } : { ok: false, missing: lookedAt };
}

/**
 * An event's installation: `authorizations[0]` (the installation Slack delivers it for) when
 * present, the envelope otherwise; its workspace: the envelope's `team_id`.
 */
export function eventSource(envelope: EventSourceFields): SlackSourceResult {
  const auth = envelope.authorizations?.[0];
  const workspaceId = present(envelope.team_id);
  const enterpriseInstall =
    // Sent only to org-wide installs, whatever the rest says: Slack's own example of them names a
    // workspace in authorizations[0] with is_enterprise_install false, which would key the event to
    // that workspace's installation (possibly another org's).
    ORG_INSTALL_EVENTS.has(envelope.event?.type ?? '') ||
    (auth ? auth.is_enterprise_install === true : envelope.is_enterprise_install === true) ||
    // Nothing names a workspace but the envelope names its organization: the org-wide install's.
    (!auth && !workspaceId && present(envelope.enterprise_id) !== null);
  if (enterpriseInstall) {
    return named(
      present(auth?.enterprise_id) ?? present(envelope.enterprise_id),
      workspaceId,
      'an org-wide install’s event names its organization in authorizations[0].enterprise_id or enterprise_id, and this one has neither',
    );
  }
  return named(
    present(auth?.team_id) ?? workspaceId,
    workspaceId,
    'the event names no workspace: authorizations[0].team_id and team_id are both missing (an org-wide install’s event says authorizations[0].is_enterprise_install: true)',
  );
}

/**
 * An interaction's installation: the organization for an org-wide install; otherwise the view's
 * `app_installed_team_id` (a modal opened from another workspace names the installed one there),
 * `team.id`, or the user's `team_id`. Its workspace: `team.id`, else the user's.
 */
export function interactionSource(payload: InteractionSourceFields): SlackSourceResult {
  const team = present(payload.team?.id);
  const workspaceId = team ?? present(payload.user?.team_id) ?? present(payload.view?.app_installed_team_id);
  const enterpriseInstall = payload.is_enterprise_install === true || payload.is_enterprise_install === 'true';
  if (enterpriseInstall) {
    return named(
      present(payload.enterprise?.id) ?? present(payload.team?.enterprise_id),
      workspaceId,
      'an org-wide install’s interaction names its organization in enterprise.id, and this one has none',
    );
  }
  return named(
    present(payload.view?.app_installed_team_id) ?? team ?? present(payload.user?.team_id),
    workspaceId,
    'the interaction names no workspace: team.id, view.app_installed_team_id and user.team_id are all missing (an org-wide install’s says is_enterprise_install: true and enterprise.id)',
  );
}
