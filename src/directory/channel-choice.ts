// Turning what an admin typed into a channel for notifications: a name (from the directory) or,
// in channel-ID mode, an ID (from the directory, else asked of Slack), and whether the app can
// post there. Used by the admin API for the global channel and the routing groups' channels.
// On an org-wide install two workspaces may each have a #sales: the pickers offer
// `sales (Workspace name)`, and a bare name several workspaces have is refused naming them.
import type { DirectoryChannel } from '../slack/slack-api.ts';
import type { ErrorCode } from '../errors/index.ts';
import type { InstalledWorkspace } from '../store/index.ts';
import type { DirectoryLookup } from './directory-lookup.ts';

export type ChannelChoice = { ok: true; channel: DirectoryChannel } | { ok: false; error: ErrorCode; detail: string };

/** What a Slack channel id looks like (C… public, G… private, as Slack issues them). */
export const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** `sales (Acme West)`: a channel name (never a space or a parenthesis in it) and its workspace's. */
const QUALIFIED_NAME = /^#?([^\s()]+)\s+\((.+)\)$/;

/** Pure: why notifications could not be posted to this channel, or null when they can. */
export function channelProblem(channel: DirectoryChannel): 'channel_archived' | 'channel_app_not_member' | null {
  if (channel.isArchived) return 'channel_archived';
  if (channel.isPrivate && !channel.isMember) return 'channel_app_not_member';
  return null;
}

/** The workspace an org-wide install's channel is in, as the pickers name it (null: Slack did not say). */
/**
 * Whether an org-wide install (`workspaces`) may still use the channel: not one of a workspace taken
 * out of it since the directory's last sync. Any channel of a workspace install.
 */
export function inGrantedWorkspace(c: DirectoryChannel, workspaces: InstalledWorkspace[] | null): boolean {
  return !workspaces || !c.workspaceId || workspaces.some((w) => w.id === c.workspaceId);
}

export function workspaceOf(channel: DirectoryChannel, workspaces: InstalledWorkspace[]): { id: string; name: string | null } | null {
  if (!channel.workspaceId) return null;
  return workspaces.find((w) => w.id === channel.workspaceId) ?? { id: channel.workspaceId, name: null };
}

/**
 * The channel with the typed name: `sales` or `#sales`, and on an org-wide install (`workspaces`)
 * also `sales (Workspace name)`. A bare name more than one workspace has is ambiguous.
 */
export async function channelNamed(
  lookup: Pick<DirectoryLookup, 'channelByName' | 'channelsByName'>,
  teamId: string,
  typed: string,
  workspaces: InstalledWorkspace[] | null,
): Promise<ChannelChoice> {
  const bare = typed.trim().replace(/^#/, '');
  if (!workspaces) {
    const channel = await lookup.channelByName(teamId, bare);
    return channel ? { ok: true, channel } : { ok: false, error: 'channel_unknown', detail: `#${bare}` };
  }
  const qualified = QUALIFIED_NAME.exec(typed.trim());
  const name = qualified ? qualified[1]! : bare;
  const wanted = qualified ? qualified[2]!.trim().toLowerCase() : null;
  const workspaceName = (c: DirectoryChannel) => workspaceOf(c, workspaces)?.name ?? null;
  const found = (await lookup.channelsByName(teamId, name)).filter(
    (c) => inGrantedWorkspace(c, workspaces) && (wanted === null || workspaceName(c)?.toLowerCase() === wanted),
  );
  if (found.length === 0) return { ok: false, error: 'channel_unknown', detail: qualified ? `#${name} in ${qualified[2]!.trim()}` : `#${name}` };
  if (found.length > 1) {
    const names = found.map((c) => workspaceName(c) ?? c.workspaceId ?? 'a workspace');
    return { ok: false, error: 'channel_name_ambiguous', detail: `#${name} is in ${names.join(' and ')}; e.g. "${name} (${names[0]})"` };
  }
  return { ok: true, channel: found[0]! };
}

export async function chooseChannel(lookup: DirectoryLookup, teamId: string, input: string, channelIdMode: boolean): Promise<ChannelChoice> {
  const typed = input.trim();
  let channel: DirectoryChannel | null;
  if (channelIdMode) {
    if (!CHANNEL_ID.test(typed)) return { ok: false, error: 'channel_id_expected', detail: `"${typed}" is not a channel ID` };
    channel = await lookup.channel(teamId, typed);
    if (!channel) return { ok: false, error: 'channel_id_unknown', detail: typed };
  } else {
    const named = await channelNamed(lookup, teamId, typed, await lookup.orgWorkspaces(teamId));
    if (!named.ok) return named;
    channel = named.channel;
  }
  const problem = channelProblem(channel);
  return problem ? { ok: false, error: problem, detail: `#${channel.name}` } : { ok: true, channel };
}
