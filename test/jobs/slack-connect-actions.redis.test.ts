// A person of another company in a Slack Connect channel who clicks a chat's Join button or uses a
// shortcut on its thread: nothing is done (the chat is not taken, no modal opens) and they are told,
// privately, that people outside the workspace cannot act on its chats; never that they should get
// mapped. Refused before any handler runs, so what the button or shortcut would do is never reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { processSlackInteraction } from '../../src/jobs/processors/slack-interaction.processor.ts';
import { CLAIM_ACTION_ID } from '../../src/slack/format/conversation-messages.ts';
import { BOOK_MEETING_SHORTCUT } from '../../src/slack/format/shortcut-views.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

const REFUSED =
  'Nothing was done: people outside this workspace cannot answer or act on its website chats. This channel is shared with your company through Slack Connect.';

let w: JobWorld;
let deps: WorkerDeps;
let channel: string;
let partnerTeam: string;
let pat: string;
let threadTs: string;

beforeAll(async () => {
  w = await startJobWorld('slack-connect-actions');
  deps = w.deps();
  channel = await w.freshChannel('partner-desk');
  partnerTeam = w.slack.createTeam({ name: 'Partner Co', domain: 'partner' }).id;
  pat = w.slack.createUser(partnerTeam, { name: 'pat' }).id;
  w.slack.shareChannel(channel, partnerTeam);
  w.slack.addToChannel(channel, pat);
  // A chat's thread in the shared channel, its parent posted by the app.
  threadTs = await w.slack.postAsUser({ teamId: w.teamId, channel, user: w.agents.alice.slackUserId, text: 'A chat’s notification' });
}, 60_000);
afterAll(async () => w?.close());

const ephemeralsTo = (user: string) => w.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params.user === user);

const claimClick = (user: string, team: string) => ({
  teamId: w.teamId,
  payload: {
    type: 'block_actions',
    user: { id: user, username: 'someone', name: 'someone', team_id: team },
    team: { id: team },
    container: { type: 'message', message_ts: threadTs, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'partner-desk' },
    message: { ts: threadTs, text: 'A chat’s notification' },
    state: { values: {} },
    actions: [{ action_id: CLAIM_ACTION_ID, block_id: 'b', type: 'button', value: 'conv_any', action_ts: '1.1' }],
  },
});

describe('a person of another company acting on a chat', () => {
  it('a Join click does nothing and is told why, with no word of mapping', async () => {
    await processSlackInteraction(deps, claimClick(pat, partnerTeam) as never);
    expect(ephemeralsTo(pat).map((c) => c.params)).toEqual([expect.objectContaining({ channel, user: pat, text: REFUSED, thread_ts: threadTs })]);
    expect(String(ephemeralsTo(pat)[0]!.params.text)).not.toMatch(/map|agent|admin/i);
  });

  it('a message shortcut on the thread opens nothing and is told why', async () => {
    await processSlackInteraction(deps, {
      teamId: w.teamId,
      payload: {
        type: 'message_action',
        callback_id: BOOK_MEETING_SHORTCUT,
        trigger_id: 'trigger-1',
        user: { id: pat, username: 'pat', name: 'pat', team_id: partnerTeam },
        team: { id: partnerTeam },
        channel: { id: channel, name: 'partner-desk' },
        message: { ts: threadTs, text: 'A chat’s notification' },
        response_url: 'https://hooks.slack.test/response',
      },
    } as never);
    expect(ephemeralsTo(pat)).toHaveLength(2);
    expect(ephemeralsTo(pat)[1]!.params).toMatchObject({ text: REFUSED, thread_ts: threadTs });
    expect(w.slack.calls({ method: 'views.open' })).toEqual([]);
  });
});
