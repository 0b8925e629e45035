// Slack interactivity payloads (POST /slack/interactions: a form with one `payload` field of
// JSON). Only what routing the job needs is validated here; each kind is read by its worker.
import { z } from 'zod';

export const interactionPayloadSchema = z
  .object({
    type: z.string().min(1),
    team: z.object({ id: z.string().min(1) }).passthrough(),
    user: z.object({ id: z.string().min(1) }).passthrough(),
    trigger_id: z.string().optional(),
  })
  .passthrough();

export type InteractionPayload = z.infer<typeof interactionPayloadSchema>;

/** A block_actions payload as the qualification buttons need it (Slack's documented fields). */
export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }).passthrough(),
  user: z.object({ id: z.string() }).passthrough(),
  container: z.object({ channel_id: z.string(), message_ts: z.string(), thread_ts: z.string().optional() }).passthrough(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() }).passthrough()),
});

export interface SlackInteractionJob {
  teamId: string;
  payload: InteractionPayload;
}

/** The action id of the end-of-chat rating buttons; each button's value is the rating. */
export const QUALIFY_ACTION_ID = 'qualify_lead';
