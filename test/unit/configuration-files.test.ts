// The files an operator configures Threadbridge from say the same thing as the code: the
// Configuration table (docs/reference/configuration.md), .env.example and app.json name exactly
// the variables src/config.ts reads; app.json asks for every variable the processes cannot start
// without; the Procfile has the release phase that creates the indexes, and the compose file
// needs nothing beyond a .env.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../../src/config.ts';
import { metricsAccess } from '../../src/metrics-access.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

function documentedVariables(): string[] {
  const table = read('docs/reference/configuration.md');
  expect(table).toContain('\n| variable | required | default | meaning |\n');
  const rows = table.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
}

function envExampleVariables(): string[] {
  return read('.env.example')
    .split('\n')
    .flatMap((line) => {
      const m = /^#? ?([A-Z][A-Z0-9_]*)=/.exec(line);
      return m ? [m[1]!] : [];
    });
}

const appJson = JSON.parse(read('app.json')) as {
  env: Record<string, { required?: boolean; generator?: string; value?: string }>;
  scripts: { postdeploy: string };
};

describe('configuration files', () => {
  it('docs/reference/configuration.md, .env.example and app.json name the variables src/config.ts reads', () => {
    expect(sorted(documentedVariables())).toEqual(sorted(configVariables));
    expect(sorted(envExampleVariables())).toEqual(sorted(configVariables));
    // app.json: every variable but the ones the Redis add-on, or nobody on Heroku, sets (a worker dyno's port is not reachable
    // there; Heroku Redis has no cluster mode).
    const notOnHeroku = [
      'REDIS_URL',
      'REDIS_CLUSTER_NODES',
      'PORT',
      'HOST',
      'SLACK_API_URL',
      'SLACK_AUTHORIZE_URL',
      'SLACK_RATE_WINDOW_MS',
      'QUEUE_PREFIX',
      'THREAD_GAP_WAIT_MS',
      'WEBHOOK_BODY_LIMIT_BYTES',
      'SLACK_CHANNEL_POSTS_PER_SECOND',
      'SLACK_WORKSPACE_POSTS_PER_SECOND',
      'DIRECTORY_RESYNC_HOURS',
      'METRICS_PORT',
    ];
    expect(sorted(Object.keys(appJson.env))).toEqual(sorted(configVariables.filter((v) => !notOnHeroku.includes(v))));
  });

  it('app.json asks for, or generates, every variable the processes need, and its generated secrets are valid', () => {
    // What loadConfig reports missing from an empty environment, but for the add-on's REDIS_URL.
    let missing: string[] = [];
    try {
      loadConfig({});
    } catch (error) {
      missing = (error as { problems: string[] }).problems.filter((p) => p.endsWith('is required but not set')).map((p) => p.split(' ')[0]!);
    }
    expect(missing.length).toBeGreaterThan(5);
    for (const name of missing.filter((n) => n !== 'REDIS_URL')) {
      const entry = appJson.env[name];
      expect(entry, name).toBeDefined();
      expect(entry!.required === true || entry!.generator === 'secret', name).toBe(true);
    }
    // Heroku's generated secrets are 64 hex characters: each such variable must take one.
    const generated = Object.fromEntries(
      Object.entries(appJson.env)
        .filter(([, e]) => e.generator === 'secret')
        .map(([name]) => [name, 'ab'.repeat(32)]),
    );
    const given = Object.fromEntries(
      missing.map((name) => [
        name,
        name.endsWith('_URL')
          ? name === 'MONGODB_URL'
            ? 'mongodb://db.example'
            : name === 'REDIS_URL'
              ? 'rediss://redis.example:6380'
              : 'https://x.example'
          : 'set',
      ]),
    );
    const defaults = Object.fromEntries(
      Object.entries(appJson.env)
        .filter(([, e]) => e.value !== undefined)
        .map(([name, e]) => [name, e.value!]),
    );
    expect(() => loadConfig({ ...given, ...defaults, ...generated, CHAT_WEBHOOK_SECRET: 'another secret' })).not.toThrow();
  });

  it('a deployment from app.json serves /metrics only with its generated token, and Bull Board read-only', () => {
    expect(appJson.env['METRICS_TOKEN']).toMatchObject({ generator: 'secret' });
    expect(appJson.env['METRICS_PUBLIC']?.value).toBeUndefined();
    const generated = Object.fromEntries(
      Object.entries(appJson.env)
        .filter(([, e]) => e.generator === 'secret')
        .map(([name], i) => [name, `${i}`.padStart(2, '0').repeat(32)]),
    );
    const defaults = Object.fromEntries(
      Object.entries(appJson.env)
        .filter(([, e]) => e.value !== undefined)
        .map(([name, e]) => [name, e.value!]),
    );
    const config = loadConfig({
      ...defaults,
      ...generated,
      PUBLIC_URL: 'https://tb.example',
      REDIS_URL: 'rediss://redis.example:6380',
      MONGODB_URL: 'mongodb://db.example',
      SLACK_SIGNING_SECRET: 's',
      SLACK_CLIENT_ID: 'c',
      SLACK_CLIENT_SECRET: 'cs',
      CHAT_API_URL: 'https://chat.example',
      CHAT_API_TOKEN: 't',
      CHAT_WEBHOOK_SECRET: 'w',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'p'.repeat(12),
    });
    expect(config.NODE_ENV).toBe('production');
    expect(metricsAccess(config)).toEqual({ kind: 'token', token: generated['METRICS_TOKEN'] });
    expect(config.BULL_BOARD_READ_ONLY).toBe(true);
  });

  it('the Procfile runs the release phase app.json runs after the first deploy, and the compose file reads .env', () => {
    const procfile = Object.fromEntries(
      read('Procfile')
        .trim()
        .split('\n')
        .map((line) => line.split(/:\s+/, 2) as [string, string]),
    );
    expect(Object.keys(procfile).sort()).toEqual(['release', 'web', 'worker']);
    expect(procfile['release']).toBe(appJson.scripts.postdeploy);
    expect(read('docker-compose.yml')).toMatch(/env_file: \.env/);
  });
});
