// The catalogue of errors Threadbridge answers over HTTP. Each has a stable code, a status
// and a message; the HTTP error handler sends { error: { code, message } } from them.
// Codes are part of the public surface: add new ones, never rename.

export interface AppErrorDefinition {
  code: string;
  statusCode: number;
  message: string;
}

function define(code: string, statusCode: number, message: string): AppErrorDefinition {
  return { code, statusCode, message };
}

export const errors = {
  INVALID_JSON: define('invalid_json', 400, 'The request body is not valid JSON'),
  INVALID_PAYLOAD: define('invalid_payload', 400, 'The request body does not match the expected schema'),
  UNKNOWN_EVENT_TYPE: define('unknown_event_type', 400, 'The event type is not one Threadbridge knows'),
  UNSUPPORTED_MEDIA_TYPE: define('unsupported_media_type', 415, 'The Content-Type is not accepted here'),
  BODY_TOO_LARGE: define('body_too_large', 413, 'The request body is larger than allowed'),
  MISSING_SIGNATURE: define('missing_signature', 401, 'The signature or timestamp header is missing'),
  STALE_TIMESTAMP: define('stale_timestamp', 401, 'The request timestamp is more than 5 minutes away from now'),
  BAD_SIGNATURE: define('bad_signature', 401, 'The signature does not match the request body'),
  INVALID_INSTALL_LINK: define('invalid_install_link', 400, 'The install link is invalid or has expired'),
  INVALID_OAUTH_STATE: define('invalid_oauth_state', 400, 'The install link is invalid or has expired; start the install again'),
  MISSING_PARAMETER: define('missing_parameter', 400, 'A required parameter is missing'),
  WORKSPACE_TAKEN: define('workspace_taken', 409, 'This Slack workspace is already connected to another organization'),
  SLACK_OAUTH_FAILED: define('slack_oauth_failed', 502, 'Slack refused the install'),
  INSTALL_CANCELLED: define('install_cancelled', 400, 'The install was cancelled in Slack'),
  QUEUE_UNAVAILABLE: define('queue_unavailable', 503, 'The event could not be queued; deliver it again later'),
  NOT_FOUND: define('not_found', 404, 'No such route'),
  ADMIN_UNAUTHORIZED: define('admin_unauthorized', 401, 'The admin API needs a session: open Setup again from the chat platform’s integrations page (operators: the operator token as a Bearer token)'),
  ADMIN_FORBIDDEN: define('admin_forbidden', 403, 'This session is for another organization: open Setup from that organization’s integrations page'),
  OPERATORS_ONLY: define('operators_only', 403, 'Only operators may do this, with the operator token'),
  CROSS_SITE_REQUEST: define('cross_site_request', 403, 'Changes are accepted only from Threadbridge’s own pages (the request’s Origin is not Threadbridge’s)'),
  LAUNCH_INVALID: define('launch_invalid', 400, 'The Setup link is not a valid launch link'),
  LAUNCH_BAD_SIGNATURE: define('launch_bad_signature', 401, 'The Setup link was not signed by the chat platform'),
  LAUNCH_EXPIRED: define('launch_expired', 401, 'The Setup link has expired'),
  LAUNCH_TOO_LONG_LIVED: define('launch_too_long_lived', 401, 'The Setup link claims to live longer than the 5 minutes allowed'),
  LAUNCH_ALREADY_USED: define('launch_already_used', 401, 'The Setup link was used already'),
  LAUNCH_WRONG_ORG: define('launch_wrong_org', 403, 'The Setup link is for another organization'),
  LAUNCH_NOT_ADMIN: define('launch_not_admin', 403, 'Only an admin of the organization can set up its Slack integration'),
  SESSION_UNAVAILABLE: define('session_unavailable', 503, 'Sign-in is unavailable for a moment; try again'),
  INSTALL_STARTED_ELSEWHERE: define('install_started_elsewhere', 400, 'The install was not started in this browser'),
  OAUTH_STATE_USED: define('oauth_state_used', 400, 'This return from Slack was used already'),
  SLACK_REVOKE_FAILED: define('slack_revoke_failed', 502, 'Slack did not revoke the connection; try again'),
  METRICS_UNAUTHORIZED: define('metrics_unauthorized', 401, 'The metrics need the metrics token as a Bearer token'),
  SLACK_NOT_CONNECTED: define('slack_not_connected', 409, 'This organization has no connected Slack workspace; connect Slack first'),
  CHANNEL_NOT_FOUND: define('channel_not_found', 404, 'No channel with this ID is visible to the app'),
  USER_NOT_FOUND: define('user_not_found', 404, 'No Slack user with this ID'),
  CHANNEL_NAME_NOT_FOUND: define('channel_name_not_found', 404, 'No channel with this name in the workspace directory (private channels appear once the app is a member)'),
  USERNAME_NOT_FOUND: define('username_not_found', 404, 'No Slack user with this username in the workspace directory'),
  UNKNOWN_AGENT: define('agent_not_found', 404, 'The chat platform has no agent with this ID in the organization'),
  UNKNOWN_ROUTING_GROUP: define('routing_group_not_found', 404, 'The chat platform has no routing group with this ID in the organization'),
  SLACK_USER_UNKNOWN: define('slack_user_unknown', 422, 'No Slack user with this username in the connected workspace'),
  SLACK_USER_DEACTIVATED: define('slack_user_deactivated', 422, 'This Slack user is deactivated'),
  SLACK_USER_IS_BOT: define('slack_user_is_bot', 422, 'This Slack user is a bot; map agents to people'),
  SLACK_USER_TAKEN: define('slack_user_already_mapped', 409, 'This Slack user is already mapped to another agent'),
  CHANNEL_ID_EXPECTED: define('channel_id_expected', 422, 'Channel-ID mode is on: give the channel ID (it starts with C or G; in Slack, open the channel details and copy it from the bottom)'),
  CHANNEL_NAME_UNKNOWN: define('channel_unknown', 422, 'No channel with this name in the connected workspace'),
  CHANNEL_ID_UNKNOWN: define('channel_id_unknown', 422, 'No channel with this ID is visible to the app'),
  CHANNEL_APP_NOT_MEMBER: define('channel_app_not_member', 422, 'The app is not a member of this private channel: in Slack, type @Threadbridge in the channel and click "Add to Channel", then save again'),
  CHANNEL_JOIN_FAILED: define('channel_join_failed', 422, 'Slack did not let the app join this public channel, so it could not hear replies there'),
  CHANNEL_ARCHIVED: define('channel_archived', 422, 'This channel is archived; notifications cannot be posted there'),
  GLOBAL_CHANNEL_REQUIRED: define('global_channel_required', 422, 'The global channel is on: choose its channel'),
  PLATFORM_UNAVAILABLE: define('platform_unavailable', 502, 'The chat platform did not answer; try again'),
  SLACK_BUDGET_EXHAUSTED: define('slack_rate_limited', 503, 'Slack’s rate limit for this lookup is used up for the workspace; try again shortly'),
  DIRECTORY_BUSY: define('directory_busy', 503, 'The workspace’s channel list is being updated by other changes; try again in a few seconds'),
  RATE_LIMITED: define('rate_limited', 429, 'Too many requests'),
  INTERNAL: define('internal_error', 500, 'Internal error'),
} as const;

export type ErrorName = keyof typeof errors;

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

export function appError(name: ErrorName, detail?: string, field?: string): AppError {
  return new AppError(errors[name], detail, field);
}

/** For exhaustive switches: a new union member fails to compile until it is handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
