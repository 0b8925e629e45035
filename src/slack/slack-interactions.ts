// Slack interactivity payloads (POST /slack/interactions: a form with one `payload` field of
// JSON). The ingress validates what queueing the job needs (interactionPayloadSchema); the
// worker parses each kind it handles with its schema below, once, when it takes the job, and
// hands the parsed payload on. The schemas hold only the fields Threadbridge reads (Slack's
// documented ones) and let every other field through: Slack adds fields over time.
import { z } from 'zod';

const optionalId = z.string().min(1).nullable().optional();

/**
 * `team`: the workspace, null for an org-wide (Enterprise Grid) install, whose payloads name
 * `enterprise` and the user's `team_id` instead (src/slack/slack-source.ts reads which
 * installation and workspace a payload names).
 */
const teamSchema = z
  .object({ id: z.string().min(1), enterprise_id: optionalId })
  .passthrough()
  .nullable();
const userSchema = z.object({ id: z.string().min(1), team_id: optionalId }).passthrough();

export const interactionPayloadSchema = z
  .object({
    type: z.string().min(1),
    team: teamSchema.optional(),
    enterprise: z
      .object({ id: z.string().min(1) })
      .passthrough()
      .nullable()
      .optional(),
    is_enterprise_install: z.union([z.boolean(), z.string()]).nullable().optional(),
    user: userSchema,
    view: z.object({ app_installed_team_id: optionalId }).passthrough().nullable().optional(),
    trigger_id: z.string().optional(),
  })
  .passthrough();

export type InteractionPayload = z.infer<typeof interactionPayloadSchema>;

/** A block_actions payload as the qualification buttons need it (Slack's documented fields). */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: teamSchema.optional(),
  user: userSchema,
  container: z.object({ channel_id: z.string(), message_ts: z.string(), thread_ts: z.string().optional() }).passthrough(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() }).passthrough()),
});

export type BlockActionsPayload = z.infer<typeof blockActionsSchema>;

/** A message shortcut (type message_action): the message it was used on, and where. */
export const messageActionSchema = z.object({
  type: z.literal('message_action'),
  callback_id: z.string(),
  trigger_id: z.string(),
  team: teamSchema.optional(),
  user: userSchema,
  channel: z.object({ id: z.string() }).passthrough(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).passthrough(),
});

export type MessageActionPayload = z.infer<typeof messageActionSchema>;

/** A modal's submission: the view submitted, with its id and hash (which name this submission) and its input values. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  team: teamSchema.optional(),
  user: userSchema,
  view: z
    .object({
      id: z.string().optional(),
      hash: z.string().optional(),
      callback_id: z.string(),
      private_metadata: z.string().optional(),
      state: z.object({ values: z.record(z.string(), z.record(z.string(), z.any())) }).passthrough(),
    })
    .passthrough(),
});

export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;

export interface SlackInteractionJob {
  /** The installation key (src/slack/slack-source.ts): a workspace's T… id, or an org-wide install's E… id. */
  teamId: string;
  /** The workspace the person acted in (`team.id`, else `user.team_id`). Absent on jobs queued before org-wide installs. */
  workspaceId?: string | null;
  payload: InteractionPayload;
}

/** The action id of the end-of-chat rating buttons; each button's value is the rating. */
export const QUALIFY_ACTION_ID = 'qualify_lead';
