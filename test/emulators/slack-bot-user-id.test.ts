// The app's bot user id in a workspace is the same on every run for the same app and workspace
// ids, as a real workspace's stays across reinstalls: the sandbox prints it, and saved commands
// that name it keep working the next day.
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';

const running: SlackEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function botUserIdIn(teamId: string): Promise<string> {
  const slack = await startSlackEmulator({ signingSecret: 's', clientId: 'c', clientSecret: 'x', port: 0 });
  running.push(slack);
  slack.createTeam({ name: 'Acme', id: teamId });
  return slack.install(teamId).botUserId;
}

describe('the app’s bot user id', () => {
  it('is the same for the same workspace on two runs, and differs between workspaces', async () => {
    const first = await botUserIdIn('T0STABLE1');
    expect(first).toMatch(/^U[0-9A-F]{10}$/);
    expect(await botUserIdIn('T0STABLE1')).toBe(first);
    expect(await botUserIdIn('T0STABLE2')).not.toBe(first);
  });
});
