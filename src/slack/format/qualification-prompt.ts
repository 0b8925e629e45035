// The end-of-chat message in a conversation's thread: how the chat ended, and the buttons a rep
// uses to rate the lead (Hot, Warm, Cold, Not a lead). Once rated it says who rated it and how;
// the buttons stay so the rating can be changed.
import type { SlackBlock } from '../slack-api.ts';
import type { QualificationRating } from '../../platform/platform-api.ts';
import { QUALIFY_ACTION_ID } from '../slack-interactions.ts';
import { mention } from './mrkdwn.ts';

export const ratingLabels: Record<QualificationRating, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold', not_a_lead: 'Not a lead' };
const endedByText = { visitor: 'the visitor', agent: 'an agent', timeout: 'inactivity' } as const;

export function isRating(value: string | undefined): value is QualificationRating {
  return value !== undefined && Object.hasOwn(ratingLabels, value);
}

export function qualificationPrompt(input: { endedBy: keyof typeof endedByText | null; rated: { rating: QualificationRating; slackUserId: string } | null }): {
  text: string;
  blocks: SlackBlock[];
} {
  const ended =
    input.endedBy && Object.hasOwn(endedByText, input.endedBy)
      ? `:checkered_flag: Chat ended by ${endedByText[input.endedBy]}.`
      : ':checkered_flag: Chat ended.';
  const question = input.rated
    ? `*Lead rated ${ratingLabels[input.rated.rating]}* by ${mention(input.rated.slackUserId)}. Change it:`
    : 'How qualified was this lead?';
  return {
    text: input.rated ? `${ended} Lead rated ${ratingLabels[input.rated.rating]}.` : `${ended} How qualified was this lead?`,
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: ended }] },
      { type: 'section', text: { type: 'mrkdwn', text: question } },
      {
        type: 'actions',
        block_id: 'qualification',
        elements: (Object.keys(ratingLabels) as QualificationRating[]).map((rating) => ({
          type: 'button',
          action_id: `${QUALIFY_ACTION_ID}:${rating}`,
          text: { type: 'plain_text', text: ratingLabels[rating] },
          value: rating,
          ...(input.rated?.rating === rating ? { style: 'primary' as const } : {}),
        })),
      },
    ],
  };
}
