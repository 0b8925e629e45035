// Slack token rotation, for apps that have it turned on: bot tokens expire (after 12 hours) and
// are renewed with the refresh token (oauth.v2.access, grant_type=refresh_token). Two wrappers,
// put together where the processes are composed, so the rest of the code keeps asking for "the
// bot token" and calling Slack as before:
// - the installations repository hands out a renewed token when the stored one expires within
//   ten minutes;
// - the Slack API renews and retries once when Slack answers `token_expired` anyway (a clock
//   that disagrees with Slack's, a token that outlived what Slack said).
// Renewal is single-flight across processes (a short Redis lock), and a process that finds the
// token already renewed by another takes that one instead of renewing again.
import type { Logger } from 'pino';
import type { InstallationsRepository } from '../store/index.ts';
import type { Locks } from '../locks/redis-locks.ts';
import { acquireWithin } from '../locks/redis-locks.ts';
import type { SlackApi } from '../slack/slack-api.ts';
import { SlackApiError } from '../errors/index.ts';

const RENEW_BEFORE_EXPIRY_MS = 10 * 60_000;
const LOCK_WAIT_MS = 10_000;

export interface TokenRotationDeps {
  slack: Pick<SlackApi, 'refreshBotToken'>;
  locks: Locks;
  logger: Logger;
  now: () => Date;
  /** Slack refused the renewal, so the connection is lost: reported for the Health section (the caller queues it). */
  onRefreshRefused?: (lost: { orgId: string; teamId: string; reason: string }) => Promise<void>;
}

export interface RotatingInstallations extends InstallationsRepository {
  /** Slack said `token` expired: renew it (or take a renewal another process made). */
  renewExpired(token: string): Promise<string | null>;
}

export function rotatingInstallations(installations: InstallationsRepository, deps: TokenRotationDeps): RotatingInstallations {
  // Which workspace each token handed out in this process belongs to, for renewing after a
  // `token_expired` (the Slack client sees only the token). Bounded: one entry per workspace.
  const teamOfToken = new Map<string, string>();
  const remember = (teamId: string, token: string) => {
    for (const [t, team] of teamOfToken) if (team === teamId && t !== token) teamOfToken.delete(t);
    teamOfToken.set(token, teamId);
    return token;
  };
  const expiresSoon = (expiresAt: Date | null) => expiresAt !== null && expiresAt.getTime() - deps.now().getTime() < RENEW_BEFORE_EXPIRY_MS;

  async function renew(teamId: string, staleToken: string): Promise<string | null> {
    const lock = await acquireWithin(deps.locks, `bot-token:${teamId}`, { waitMs: LOCK_WAIT_MS });
    try {
      const current = await installations.tokens(teamId);
      if (!current) return null;
      // Another process renewed it while we waited for the lock.
      if (current.botToken !== staleToken && !expiresSoon(current.expiresAt)) return current.botToken;
      if (!current.refreshToken) return current.botToken; // not a rotating app: nothing to renew
      if (!lock) return current.botToken; // someone else is renewing; this call may fail and be retried
      const fresh = await deps.slack.refreshBotToken(current.refreshToken);
      const expiresAt = new Date(deps.now().getTime() + fresh.expiresInSeconds * 1000);
      await installations.saveRotatedTokens(teamId, { botToken: fresh.botToken, refreshToken: fresh.refreshToken, expiresAt }, deps.now());
      deps.logger.info({ teamId, expiresAt }, 'Slack bot token renewed');
      return fresh.botToken;
    } catch (error) {
      if (error instanceof SlackApiError && ['invalid_refresh_token', 'token_revoked', 'invalid_client_id', 'bad_client_secret'].includes(error.code)) {
        // Renewal is impossible until the app is installed again: stop sending, keep the settings.
        const reason = `token_refresh_failed:${error.code}`;
        await installations.markDisconnected(teamId, reason, deps.now());
        const orgId = (await installations.findByTeam(teamId))?.orgId;
        if (orgId) await deps.onRefreshRefused?.({ orgId, teamId, reason });
        deps.logger.error(
          { teamId, code: error.code },
          'Slack bot token could not be renewed; the connection is marked disconnected until Slack is connected again',
        );
        return null;
      }
      throw error;
    } finally {
      await lock?.release();
    }
  }

  return {
    ...installations,
    async botToken(teamId, orgId) {
      const tokens = await installations.tokens(teamId);
      // Installed for another org now: this org's work gets no token of that workspace.
      if (!tokens || (orgId !== null && tokens.orgId !== orgId)) return null;
      if (tokens.refreshToken && expiresSoon(tokens.expiresAt)) {
        const renewed = await renew(teamId, tokens.botToken);
        return renewed ? remember(teamId, renewed) : null;
      }
      return remember(teamId, tokens.botToken);
    },
    async renewExpired(token) {
      const teamId = teamOfToken.get(token);
      if (!teamId) return null;
      const renewed = await renew(teamId, token);
      return renewed ? remember(teamId, renewed) : null;
    },
  };
}

/**
 * The Slack API with one renewal and retry when Slack answers `token_expired`. Every method but
 * the OAuth ones takes the bot token first, which is what this relies on.
 */
export function renewingSlackApi(slack: SlackApi, installations: Pick<RotatingInstallations, 'renewExpired'>): SlackApi {
  const withRenewal =
    <A extends unknown[], R>(call: (token: string, ...args: A) => Promise<R>) =>
    async (token: string, ...args: A): Promise<R> => {
      try {
        return await call(token, ...args);
      } catch (error) {
        if (!(error instanceof SlackApiError && error.code === 'token_expired')) throw error;
        const renewed = await installations.renewExpired(token);
        if (!renewed || renewed === token) throw error;
        return call(renewed, ...args);
      }
    };
  return {
    ...slack,
    listChannels: withRenewal(slack.listChannels),
    channelInfo: withRenewal(slack.channelInfo),
    userInfo: withRenewal(slack.userInfo),
    listUsers: withRenewal(slack.listUsers),
    postMessage: withRenewal(slack.postMessage),
    updateMessage: withRenewal(slack.updateMessage),
    postEphemeral: withRenewal(slack.postEphemeral),
    getPermalink: withRenewal(slack.getPermalink),
    userDisplayName: withRenewal(slack.userDisplayName),
    addReaction: withRenewal(slack.addReaction),
    isChannelMember: withRenewal(slack.isChannelMember),
    joinChannel: withRenewal(slack.joinChannel),
    openDm: withRenewal(slack.openDm),
    openView: withRenewal(slack.openView),
    publishHome: withRenewal(slack.publishHome),
    listGrantedWorkspaces: withRenewal(slack.listGrantedWorkspaces),
  };
}
