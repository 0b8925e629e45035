// Which of the channels a new chat could go to are held: shared with another company (Slack
// Connect: the directory's copy of Slack's is_ext_shared) with no admin's confirmation for that
// channel, as happens when a channel becomes shared after it was chosen. Read from the directory's
// Redis copy only (no Slack call on a chat's way to its first post); a channel it does not know is
// not held. The settings are read only when one of them is shared.
import type { ConversationDeps } from './conversation-deps.ts';
import type { DirectoryChannel } from '../slack/slack-api.ts';

export type SharedChannelHoldDeps = Pick<ConversationDeps, 'directoryCache' | 'store'>;

export async function heldSharedChannels(
  deps: SharedChannelHoldDeps,
  teamId: string,
  orgId: string,
  candidates: ReadonlyArray<string | null>,
): Promise<Set<string>> {
  const ids = [...new Set(candidates.filter((id): id is string => id !== null))];
  const shared = (await Promise.all(ids.map(async (id) => ((await cachedChannel(deps, teamId, id))?.isExtShared ? id : null)))).filter(
    (id): id is string => id !== null,
  );
  if (shared.length === 0) return new Set();
  const confirmations = (await deps.store.orgSettings.get(orgId))?.sharedChannelConfirmations ?? {};
  return new Set(shared.filter((id) => !confirmations[id]));
}

async function cachedChannel(deps: SharedChannelHoldDeps, teamId: string, channelId: string): Promise<DirectoryChannel | null> {
  const cache = deps.directoryCache;
  const run = await cache.currentRun(teamId, 'channels');
  return run ? ((await cache.get(teamId, 'channels', run, channelId)) as DirectoryChannel | null) : null;
}
