// The Slack side's tenant gate is one place (src/conversations/slack-tenant.ts): a chat is found
// from a Slack thread, and an agent from a Slack user, only through it, so a new Slack action
// cannot forget to check the org of the workspace's installation. The admin API looks a Slack
// user up within its session's org (the org is in the call), which the repository requires.
// Slack-side handlers take a SlackTenant, which only the gate makes.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: relative(root, join(root, 'src', f)), text: readFileSync(join(root, 'src', f), 'utf8') }));

const callers = (pattern: RegExp) =>
  sources
    .filter((s) => pattern.test(s.text))
    .map((s) => s.file)
    .sort();

describe('the Slack-side tenant gate', () => {
  it.each([
    ['a chat by its Slack thread', /\.findByThread\(/, ['src/conversations/slack-tenant.ts']],
    ['an agent by Slack user', /\.findBySlackUser\(/, ['src/conversations/slack-tenant.ts', 'src/http/admin/agents.route.ts']],
    ['a tenant made', /as SlackTenant\b/, ['src/conversations/slack-tenant.ts']],
  ])('finds %s only through the gate', (_what, pattern, allowed) => {
    expect(callers(pattern)).toEqual(allowed);
  });

  it('is passed by every Slack processor before it acts', () => {
    for (const file of ['src/jobs/processors/slack-event.processor.ts', 'src/jobs/processors/slack-interaction.processor.ts']) {
      const text = sources.find((s) => s.file === file)!.text;
      const gate = text.indexOf('await slackTenantOf(');
      expect(gate, file).toBeGreaterThan(0);
      // Nothing is handed a payload before the gate answered.
      expect(text.slice(0, gate).match(/await (?!slackTenantOf)\w+\(deps/g), file).toBeNull();
    }
  });
});
