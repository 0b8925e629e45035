// The integration's health as an org admin sees it (GET /api/orgs/:orgId/health, the settings
// page's Health section): from the facts gathered about the org (src/health/org-health.ts), each
// thing that keeps chats from reaching a person, in words naming only the org's own things, with
// what to do and where on the settings page it is done. Pure.
//
// CONTRACT (shared by the API, the page and the tests; change all three together):
// - `anchor` is the id of the element on the settings page where the fix is made:
//   'connection' (Connect again), 'chat-handling', 'global-channel', `group-${groupId}` (a
//   routing group's row), `agent-${agentId}` (an agent's row), `chat-${conversationId}` (the
//   health section's own row of an undeliverable or waiting chat).
// - `action`, when present, is a button the page shows on the item: Connect again (a link to
//   the install URL) or Route again (a POST to `path`, answered 202).

export type HealthItemKind =
  | 'slack_not_connected'
  | 'connection_lost'
  | 'scopes_missing'
  | 'group_without_channel'
  | 'channel_missing'
  | 'channel_archived'
  | 'channel_private_without_app'
  | 'channel_refused'
  | 'agent_unmapped'
  | 'chat_undeliverable'
  | 'chat_waiting';

/** 'problem': chats are (or will be) lost or unanswered because of it; 'warning': worth a look. */
export type HealthSeverity = 'problem' | 'warning';

export type HealthAction = { kind: 'connect-again'; url: string } | { kind: 'route-again'; method: 'POST'; path: string };

export interface HealthItem {
  kind: HealthItemKind;
  severity: HealthSeverity;
  /** What is wrong, one sentence. */
  message: string;
  /** What to do about it, one sentence. */
  fix: string;
  anchor: string;
  action: HealthAction | null;
  /** Since when it is known to be so (ISO 8601), when known. */
  since: string | null;
  /** What it is about, for a script: only the ones that apply are present. */
  subject: {
    routingGroup?: { id: string; name: string };
    /** `global: true` for the global channel. */
    channel?: { id: string; name: string | null; global?: boolean };
    agent?: { id: string; name: string };
    conversation?: { id: string; visitor: string; routingGroup: { id: string; name: string } | null; waitingSince: string };
    scopes?: string[];
    /** Slack's error code or the stored reason, when one says why. */
    code?: string;
  };
}

export interface OrgHealth {
  /** 'ok' with no items; otherwise the worst item's severity. */
  status: 'ok' | HealthSeverity;
  checkedAt: string;
  connection: {
    status: 'connected' | 'not-connected' | 'disconnected';
    /** Why it is disconnected: 'tokens_revoked', 'app_uninstalled', 'token_refresh_failed', 'disconnected_by_admin'; null otherwise. */
    reason: string | null;
    workspace: { id: string; name: string } | null;
    /** Bot scopes the current manifest asks for that the install lacks. */
    missingScopes: string[];
  };
  lastSlackEventAt: string | null;
  lastPlatformWebhookAt: string | null;
  items: HealthItem[];
}
