// Renewing rotating bot tokens: once per expiry however many processes ask at the same moment,
// never for an app without rotation, and a refresh token Slack refuses disconnects the workspace
// (settings kept) instead of failing every job forever.
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { rotatingInstallations } from '../../src/installations/token-rotation.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { SlackApiError } from '../../src/errors/index.ts';
import { useTestStore } from '../support/test-store.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

const t = useTestStore('token-rotation');
const redis = new Redis(redisUrl());
afterAll(() => redis.disconnect());
const logger = pino({ level: 'silent' });

async function install(teamId: string, tokens: { refreshToken: string | null; expiresInMs: number | null }) {
  await t.store.installations.save(
    {
      teamId,
      teamName: 'T',
      enterpriseId: null,
      orgId: `org-${teamId}`,
      appId: 'A1',
      botUserId: 'UBOT',
      scopes: [],
      installerUserId: null,
      botToken: 'xoxe.xoxb-old',
      refreshToken: tokens.refreshToken,
      tokenExpiresAt: tokens.expiresInMs === null ? null : new Date(Date.now() + tokens.expiresInMs),
    },
    new Date(),
  );
}

describe('bot token rotation', () => {
  it('five processes asking at once near expiry: one renewal, and all get the new token', async () => {
    await install('T1', { refreshToken: 'xoxe-1-refresh', expiresInMs: 60_000 });
    let refreshes = 0;
    const slack = {
      async refreshBotToken(refreshToken: string) {
        refreshes++;
        expect(refreshToken).toBe('xoxe-1-refresh');
        await new Promise((r) => setTimeout(r, 50));
        return { botToken: `xoxe.xoxb-new-${refreshes}`, refreshToken: 'xoxe-1-refresh', expiresInSeconds: 43_200 };
      },
    };
    const prefix = uniquePrefix('tokens');
    const processes = Array.from({ length: 5 }, () =>
      rotatingInstallations(t.store.installations, { slack, locks: createLocks(redis, prefix), logger, now: () => new Date() }),
    );
    const tokens = await Promise.all(processes.map((p) => p.botToken('T1', null)));
    expect(refreshes).toBe(1);
    expect(tokens).toEqual(Array(5).fill('xoxe.xoxb-new-1'));
    expect((await t.store.installations.tokens('T1'))?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
  });

  it('an app without rotation: its token as stored, never a renewal', async () => {
    await install('T2', { refreshToken: null, expiresInMs: null });
    const slack = { refreshBotToken: async () => expect.unreachable() as never };
    const installations = rotatingInstallations(t.store.installations, {
      slack,
      locks: createLocks(redis, uniquePrefix('tokens')),
      logger,
      now: () => new Date(),
    });
    expect(await installations.botToken('T2', null)).toBe('xoxe.xoxb-old');
    expect(await installations.renewExpired('xoxe.xoxb-old')).toBe('xoxe.xoxb-old');
  });

  it('a refresh token Slack refuses: the workspace is disconnected, its settings untouched, the lost connection reported', async () => {
    await install('T3', { refreshToken: 'xoxe-1-revoked', expiresInMs: 1000 });
    await t.store.orgSettings.save({ orgId: 'org-T3', channelIdMode: true, globalChannelEnabled: false, globalChannelId: null }, new Date());
    const slack = { refreshBotToken: async () => Promise.reject(new SlackApiError('oauth.v2.access', 'invalid_refresh_token', false)) };
    const reported: unknown[] = [];
    const installations = rotatingInstallations(t.store.installations, {
      slack,
      locks: createLocks(redis, uniquePrefix('tokens')),
      logger,
      now: () => new Date(),
      onRefreshRefused: async (lost) => {
        reported.push(lost);
      },
    });
    expect(await installations.botToken('T3', null)).toBeNull();
    expect(await t.store.installations.findByTeam('T3')).toMatchObject({ status: 'disconnected' });
    expect(await t.store.orgSettings.get('org-T3')).toMatchObject({ channelIdMode: true });
    expect(reported).toEqual([{ orgId: 'org-T3', teamId: 'T3', reason: 'token_refresh_failed:invalid_refresh_token' }]);
  });
});
