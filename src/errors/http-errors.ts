// The catalogue of errors Threadbridge answers over HTTP, after Fastify's lib/errors.js: each
// entry is keyed by its code and has a status and a message; the HTTP error handler sends
// { error: { code, message } } from them. Codes are part of the public surface: add new ones,
// never rename. docs/reference/errors.md lists them, kept in step by test/unit/error-catalogue.test.ts.

export interface AppErrorDefinition {
  code: string;
  statusCode: number;
  message: string;
}

function define<const Code extends string>(code: Code, statusCode: number, message: string): Readonly<AppErrorDefinition & { code: Code }> {
  return { code, statusCode, message };
}

/** Compiles only when every key is its entry's code, so `errors.<code>` is the code it answers. */
function catalogue<T extends { [Key in keyof T]: AppErrorDefinition & { code: Key } }>(entries: T): Readonly<T> {
  return entries;
}

export const errors = catalogue({
  invalid_json: define('invalid_json', 400, 'The request body is not valid JSON'),
  invalid_payload: define('invalid_payload', 400, 'The request body does not match the expected schema'),
  unknown_event_type: define('unknown_event_type', 400, 'The event type is not one Threadbridge knows'),
  unsupported_media_type: define('unsupported_media_type', 415, 'The Content-Type is not accepted here'),
  body_too_large: define('body_too_large', 413, 'The request body is larger than allowed'),
  missing_signature: define('missing_signature', 401, 'The signature or timestamp header is missing'),
  stale_timestamp: define('stale_timestamp', 401, 'The request timestamp is more than 5 minutes away from now'),
  bad_signature: define('bad_signature', 401, 'The signature does not match the request body'),
  invalid_install_link: define('invalid_install_link', 400, 'The install link is invalid or has expired'),
  install_link_used: define('install_link_used', 400, 'The install link was used already'),
  install_link_signed_out: define(
    'install_link_signed_out',
    401,
    'The install link needs the settings session it was made for, which this browser does not hold',
  ),
  install_link_other_session: define('install_link_other_session', 403, 'The install link was made for another session'),
  invalid_oauth_state: define('invalid_oauth_state', 400, 'The install link is invalid or has expired; start the install again'),
  missing_parameter: define('missing_parameter', 400, 'A required parameter is missing'),
  workspace_taken: define('workspace_taken', 409, 'This Slack workspace is already connected to another organization'),
  slack_oauth_failed: define('slack_oauth_failed', 502, 'Slack refused the install'),
  install_cancelled: define('install_cancelled', 400, 'The install was cancelled in Slack'),
  queue_unavailable: define('queue_unavailable', 503, 'The event could not be queued; deliver it again later'),
  not_found: define('not_found', 404, 'No such route'),
  // Fastify's own 4xx errors the catalogue has no code for; answered with that error's status.
  bad_request: define('bad_request', 400, 'The request is not one Threadbridge can answer'),
  admin_unauthorized: define(
    'admin_unauthorized',
    401,
    'The admin API needs a session: open Setup again from the chat platform’s integrations page (operators: the operator token as a Bearer token)',
  ),
  admin_forbidden: define('admin_forbidden', 403, 'This session is for another organization: open Setup from that organization’s integrations page'),
  operators_only: define('operators_only', 403, 'Only operators may do this, with the operator token'),
  cross_site_request: define('cross_site_request', 403, 'Changes are accepted only from Threadbridge’s own pages (the request’s Origin is not Threadbridge’s)'),
  launch_invalid: define('launch_invalid', 400, 'The Setup link is not a valid launch link'),
  launch_bad_signature: define('launch_bad_signature', 401, 'The Setup link was not signed by the chat platform'),
  launch_expired: define('launch_expired', 401, 'The Setup link has expired'),
  launch_too_long_lived: define('launch_too_long_lived', 401, 'The Setup link claims to live longer than the 5 minutes allowed'),
  launch_already_used: define('launch_already_used', 401, 'The Setup link was used already'),
  launch_wrong_org: define('launch_wrong_org', 403, 'The Setup link is for another organization'),
  launch_not_admin: define('launch_not_admin', 403, 'Only an admin of the organization can set up its Slack integration'),
  session_unavailable: define('session_unavailable', 503, 'Sign-in is unavailable for a moment; try again'),
  install_started_elsewhere: define('install_started_elsewhere', 400, 'The install was not started in this browser'),
  oauth_state_used: define('oauth_state_used', 400, 'This return from Slack was used already'),
  slack_revoke_failed: define('slack_revoke_failed', 502, 'Slack did not revoke the connection; try again'),
  metrics_unauthorized: define('metrics_unauthorized', 401, 'The metrics need the metrics token as a Bearer token'),
  unauthorized: define('unauthorized', 401, 'Queue dashboard credentials required'),
  queue_dashboard_read_only: define(
    'queue_dashboard_read_only',
    403,
    'The queue dashboard is read-only: it shows jobs but does not change them (BULL_BOARD_READ_ONLY=false allows retrying, cleaning and editing)',
  ),
  too_many_failed_attempts: define(
    'too_many_failed_attempts',
    429,
    'Too many failed sign-in attempts from this address; try again after the time in Retry-After',
  ),
  slack_not_connected: define('slack_not_connected', 409, 'This organization has no connected Slack workspace; connect Slack first'),
  channel_not_found: define('channel_not_found', 404, 'No channel with this ID is visible to the app'),
  user_not_found: define('user_not_found', 404, 'No Slack user with this ID'),
  channel_name_not_found: define(
    'channel_name_not_found',
    404,
    'No channel with this name in the workspace directory (private channels appear once the app is a member)',
  ),
  username_not_found: define('username_not_found', 404, 'No Slack user with this username in the workspace directory'),
  agent_not_found: define('agent_not_found', 404, 'The chat platform has no agent with this ID in the organization'),
  routing_group_not_found: define('routing_group_not_found', 404, 'The chat platform has no routing group with this ID in the organization'),
  conversation_not_found: define('conversation_not_found', 404, 'The organization has no chat with this ID'),
  conversation_not_undeliverable: define(
    'conversation_not_undeliverable',
    409,
    'This chat is not waiting undeliverable: it reached Slack already, or it has ended',
  ),
  slack_user_unknown: define('slack_user_unknown', 422, 'No Slack user with this username in the connected workspace'),
  slack_user_deactivated: define('slack_user_deactivated', 422, 'This Slack user is deactivated'),
  slack_user_is_bot: define('slack_user_is_bot', 422, 'This Slack user is a bot; map agents to people'),
  slack_user_already_mapped: define('slack_user_already_mapped', 409, 'This Slack user is already mapped to another agent'),
  channel_id_expected: define(
    'channel_id_expected',
    422,
    'Channel-ID mode is on: give the channel ID (it starts with C or G; in Slack, open the channel details and copy it from the bottom)',
  ),
  channel_unknown: define('channel_unknown', 422, 'No channel with this name in the connected workspace'),
  channel_name_ambiguous: define(
    'channel_name_ambiguous',
    422,
    'Channels with this name are in several workspaces of the organization: choose one from the list, or type the name with its workspace in parentheses',
  ),
  channel_id_unknown: define('channel_id_unknown', 422, 'No channel with this ID is visible to the app'),
  channel_app_not_member: define(
    'channel_app_not_member',
    422,
    'The app is not a member of this private channel: in Slack, type @Threadbridge in the channel and click "Add to Channel", then save again',
  ),
  channel_join_failed: define('channel_join_failed', 422, 'Slack did not let the app join this public channel, so it could not hear replies there'),
  channel_archived: define('channel_archived', 422, 'This channel is archived; notifications cannot be posted there'),
  channel_shared_externally: define(
    'channel_shared_externally',
    409,
    'This channel is shared with another company (Slack Connect): visitor details (name, email, company, messages) would be visible to their people; confirm it to choose the channel',
  ),
  global_channel_required: define('global_channel_required', 422, 'The global channel is on: choose its channel'),
  setting_invalid: define('setting_invalid', 400, 'This setting does not take that value'),
  invalid_range: define('invalid_range', 400, 'The date range is not valid: from and to are days written YYYY-MM-DD, to not before from, at most 366 days'),
  escalation_needs_global_channel: define(
    'escalation_needs_global_channel',
    422,
    'Escalation to the global channel needs the global channel on: turn it on with its channel, or escalate to online members or not at all',
  ),
  platform_unavailable: define('platform_unavailable', 502, 'The chat platform did not answer; try again'),
  slack_rate_limited: define('slack_rate_limited', 503, 'Slack’s rate limit for this lookup is used up for the workspace; try again shortly'),
  directory_busy: define('directory_busy', 503, 'The workspace’s channel list is being updated by other changes; try again in a few seconds'),
  rate_limited: define('rate_limited', 429, 'Too many requests'),
  internal_error: define('internal_error', 500, 'Internal error'),
  // The worker's metrics server says `internal` where the web says `internal_error`; codes never change.
  internal: define('internal', 500, 'Metrics could not be read'),
});

export type ErrorCode = keyof typeof errors;

/** An error with a catalogue entry; `detail` refines the message for this occurrence. */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** The input field the error concerns (e.g. `globalChannel.channel`), for forms to show it there. */
  readonly field: string | undefined;
  constructor(definition: AppErrorDefinition, detail?: string, field?: string) {
    super(detail ? `${definition.message}: ${detail}` : definition.message);
    this.name = 'AppError';
    this.code = definition.code;
    this.statusCode = definition.statusCode;
    this.field = field;
  }
}

export function appError(code: ErrorCode, detail?: string, field?: string): AppError {
  return new AppError(errors[code], detail, field);
}
