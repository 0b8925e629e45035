// loadConfig: the environment is checked once, as a whole; one ConfigError names every missing
// or malformed variable. The environment is passed in, never read from process.env here.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.ts';
import { hasHashTag, loadConfig } from '../../src/config.ts';
import { metricsAccess } from '../../src/metrics-access.ts';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

const required = {
  PUBLIC_URL: 'https://bridge.example',
  REDIS_URL: 'redis://127.0.0.1:6379',
  MONGODB_URL: 'mongodb://127.0.0.1:27017',
  TOKEN_ENCRYPTION_KEY: HEX_KEY,
  SLACK_SIGNING_SECRET: 'slack-signing',
  SLACK_CLIENT_ID: '123.456',
  SLACK_CLIENT_SECRET: 'slack-client-secret',
  CHAT_API_URL: 'https://chat.example/api/',
  CHAT_API_TOKEN: 'chat-token',
  CHAT_WEBHOOK_SECRET: 'chat-webhook',
} as const;

const requiredNames = Object.keys(required);

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('all required variables set: defaults fill the rest', () => {
    const config = loadConfig({ ...required });
    const { TOKEN_ENCRYPTION_KEY: _key, ...others } = required;
    expect(config).toEqual({
      ...others,
      TOKEN_ENCRYPTION_KEYS: [Buffer.from(HEX_KEY, 'hex')],
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: 3000,
      HOST: '0.0.0.0',
      MONGODB_DB: 'threadbridge',
      MONGODB_SOCKET_TIMEOUT_MS: 30_000,
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: 10_000,
      MONGODB_CONNECT_TIMEOUT_MS: 10_000,
      QUEUE_PREFIX: 'threadbridge',
      REDIS_TLS_SKIP_VERIFY: false,
      SLACK_API_URL: 'https://slack.com/api/',
      SLACK_AUTHORIZE_URL: 'https://slack.com/oauth/v2/authorize',
      WORKER_CONCURRENCY: 16,
      THREAD_GAP_WAIT_MS: 3000,
      WEBHOOK_BODY_LIMIT_BYTES: 262_144,
      ACTIVITY_RETENTION_DAYS: 90,
      ACTIVITY_ROLLUP_DELAY_MS: 30_000,
      SLACK_CHANNEL_POSTS_PER_SECOND: 1,
      SLACK_WORKSPACE_POSTS_PER_SECOND: 8,
      SLACK_RATE_WINDOW_MS: 60_000,
      DIRECTORY_RESYNC_HOURS: 6,
      TRUST_PROXY: 0,
      BULL_BOARD_READ_ONLY: true,
    });
  });

  it('every variable set: values are parsed and kept', () => {
    const config = loadConfig({
      ...required,
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      PORT: '8080',
      HOST: '127.0.0.1',
      MONGODB_URL: 'mongodb+srv://cluster.example/db',
      MONGODB_DB: 'tb',
      MONGODB_SOCKET_TIMEOUT_MS: '60000',
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '5000',
      MONGODB_CONNECT_TIMEOUT_MS: '2000',
      QUEUE_PREFIX: 'tbq',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      SLACK_AUTHORIZE_URL: 'http://127.0.0.1:9999/oauth',
      WORKER_CONCURRENCY: '4',
      THREAD_GAP_WAIT_MS: '250',
      WEBHOOK_BODY_LIMIT_BYTES: '1024',
      ACTIVITY_RETENTION_DAYS: '30',
      ACTIVITY_ROLLUP_DELAY_MS: '500',
      SLACK_RATE_WINDOW_MS: '3000',
      DIRECTORY_RESYNC_HOURS: '24',
      ADMIN_API_TOKEN: 'a'.repeat(32),
      CHAT_ADMIN_LAUNCH_SECRET: 'l'.repeat(40),
      TRUST_PROXY: '1',
      METRICS_TOKEN: 'm'.repeat(24),
      METRICS_PUBLIC: 'false',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'p'.repeat(12),
      BULL_BOARD_READ_ONLY: 'false',
    });
    expect(config).toMatchObject({
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      PORT: 8080,
      HOST: '127.0.0.1',
      MONGODB_URL: 'mongodb+srv://cluster.example/db',
      MONGODB_DB: 'tb',
      MONGODB_SOCKET_TIMEOUT_MS: 60_000,
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: 5000,
      MONGODB_CONNECT_TIMEOUT_MS: 2000,
      QUEUE_PREFIX: 'tbq',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      SLACK_AUTHORIZE_URL: 'http://127.0.0.1:9999/oauth',
      WORKER_CONCURRENCY: 4,
      THREAD_GAP_WAIT_MS: 250,
      WEBHOOK_BODY_LIMIT_BYTES: 1024,
      ACTIVITY_RETENTION_DAYS: 30,
      ACTIVITY_ROLLUP_DELAY_MS: 500,
      SLACK_RATE_WINDOW_MS: 3000,
      DIRECTORY_RESYNC_HOURS: 24,
      ADMIN_API_TOKEN: 'a'.repeat(32),
      CHAT_ADMIN_LAUNCH_SECRET: 'l'.repeat(40),
      TRUST_PROXY: 1,
      METRICS_TOKEN: 'm'.repeat(24),
      METRICS_PUBLIC: false,
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'p'.repeat(12),
      BULL_BOARD_READ_ONLY: false,
    });
  });

  it.each([
    { name: '64 hex chars', key: HEX_KEY, bytes: Buffer.from(HEX_KEY, 'hex') },
    { name: '64 upper-case hex chars', key: HEX_KEY.toUpperCase(), bytes: Buffer.from(HEX_KEY, 'hex') },
    { name: 'base64 of 32 bytes', key: Buffer.alloc(32, 0xab).toString('base64'), bytes: Buffer.alloc(32, 0xab) },
    { name: 'base64url of 32 bytes', key: Buffer.alloc(32, 0xfb).toString('base64url'), bytes: Buffer.alloc(32, 0xfb) },
  ])('TOKEN_ENCRYPTION_KEY as $name decodes to 32 bytes: a one-key list', ({ key, bytes }) => {
    const config = loadConfig({ ...required, TOKEN_ENCRYPTION_KEY: key });
    expect(config.TOKEN_ENCRYPTION_KEYS).toHaveLength(1);
    expect(config.TOKEN_ENCRYPTION_KEYS[0]!.equals(bytes)).toBe(true);
  });

  it('an empty environment: one ConfigError naming every required variable, and only those', () => {
    const problems = problemsOf({});
    expect(problems.sort()).toEqual(requiredNames.map((n) => `${n} is required but not set`).sort());
  });

  it('the ConfigError message lists every problem', () => {
    try {
      loadConfig({});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { message, name } = error as ConfigError;
      expect(name).toBe('ConfigError');
      expect(message.startsWith('Invalid configuration:\n')).toBe(true);
      for (const n of requiredNames) expect(message).toContain(`  - ${n} is required but not set`);
    }
  });

  it.each(requiredNames)('%s missing alone is named', (variable) => {
    expect(problemsOf({ ...required, [variable]: undefined })).toEqual([`${variable} is required but not set`]);
  });

  it.each(requiredNames)('%s set to the empty string counts as unset', (variable) => {
    expect(problemsOf({ ...required, [variable]: '' })).toEqual([`${variable} is required but not set`]);
  });

  it.each([
    ['PORT', 3000],
    ['HOST', '0.0.0.0'],
    ['NODE_ENV', 'production'],
    ['WORKER_CONCURRENCY', 16],
    ['THREAD_GAP_WAIT_MS', 3000],
    ['SLACK_API_URL', 'https://slack.com/api/'],
  ] as const)('optional %s set to the empty string takes its default', (variable, value) => {
    expect(loadConfig({ ...required, [variable]: '' })[variable]).toBe(value);
  });

  it.each([
    { variable: 'PUBLIC_URL', value: 'not a url' },
    { variable: 'REDIS_URL', value: '127.0.0.1 6379' },
    { variable: 'CHAT_API_URL', value: '/api' },
    { variable: 'SLACK_API_URL', value: 'slack dot com' },
    { variable: 'MONGODB_URL', value: 'postgres://db.example/x' },
    { variable: 'TOKEN_ENCRYPTION_KEY', value: 'abcd' },
    { variable: 'TOKEN_ENCRYPTION_KEY', value: HEX_KEY.slice(0, 62) },
    { variable: 'TOKEN_ENCRYPTION_KEY', value: `${HEX_KEY}00` },
    { variable: 'TOKEN_ENCRYPTION_KEY', value: Buffer.alloc(31).toString('base64') },
    { variable: 'TOKEN_ENCRYPTION_KEY', value: Buffer.alloc(33).toString('base64') },
    { variable: 'TOKEN_ENCRYPTION_KEYS', value: 'abcd' },
    { variable: 'TOKEN_ENCRYPTION_KEYS', value: `${HEX_KEY},abcd` },
    { variable: 'TOKEN_ENCRYPTION_KEYS', value: ',' },
    { variable: 'TOKEN_ENCRYPTION_KEYS', value: `${HEX_KEY},${HEX_KEY.toUpperCase()}` },
    { variable: 'PORT', value: 'http' },
    { variable: 'PORT', value: '3000abc' },
    { variable: 'PORT', value: '-1' },
    { variable: 'PORT', value: '65536' },
    { variable: 'PORT', value: '80.5' },
    { variable: 'WORKER_CONCURRENCY', value: '0' },
    { variable: 'WORKER_CONCURRENCY', value: 'many' },
    { variable: 'THREAD_GAP_WAIT_MS', value: '-5' },
    { variable: 'WEBHOOK_BODY_LIMIT_BYTES', value: '1.5' },
    { variable: 'ACTIVITY_RETENTION_DAYS', value: '1' },
    { variable: 'ACTIVITY_RETENTION_DAYS', value: 'forever' },
    { variable: 'ACTIVITY_ROLLUP_DELAY_MS', value: '0' },
    { variable: 'NODE_ENV', value: 'staging' },
    { variable: 'LOG_LEVEL', value: 'verbose' },
    // (with the launch secret it needs, so that only the token's length is wrong)
    { variable: 'ADMIN_API_TOKEN', value: 'short-token', with: { CHAT_ADMIN_LAUNCH_SECRET: 'l'.repeat(40) } },
    { variable: 'CHAT_ADMIN_LAUNCH_SECRET', value: 'too-short' },
    { variable: 'TRUST_PROXY', value: 'true' },
    { variable: 'TRUST_PROXY', value: '-1' },
    { variable: 'METRICS_TOKEN', value: 'short' },
    { variable: 'METRICS_PUBLIC', value: 'yes' },
    { variable: 'METRICS_PUBLIC', value: 'TRUE' },
    { variable: 'BULL_BOARD_READ_ONLY', value: 'no' },
    { variable: 'BULL_BOARD_READ_ONLY', value: '0' },
    { variable: 'SLACK_RATE_WINDOW_MS', value: '0' },
    { variable: 'DIRECTORY_RESYNC_HOURS', value: 'daily' },
    { variable: 'MONGODB_SOCKET_TIMEOUT_MS', value: '0' },
    { variable: 'MONGODB_SOCKET_TIMEOUT_MS', value: '30s' },
    { variable: 'MONGODB_SERVER_SELECTION_TIMEOUT_MS', value: '-1' },
    { variable: 'MONGODB_CONNECT_TIMEOUT_MS', value: '999' },
  ] as Array<{ variable: string; value: string; with?: Record<string, string> }>)(
    'malformed $variable=$value is named (not as missing)',
    ({ variable, value, with: others }) => {
      const problems = problemsOf({ ...required, ...others, [variable]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]!.startsWith(`${variable} `)).toBe(true);
      expect(problems[0]).not.toContain('is required but not set');
    },
  );

  it('a retention under two days says what it takes', () => {
    expect(problemsOf({ ...required, ACTIVITY_RETENTION_DAYS: '1' })).toEqual(['ACTIVITY_RETENTION_DAYS must be at least 2 (days)']);
  });

  it('a store timeout given in seconds by mistake says it takes milliseconds', () => {
    expect(problemsOf({ ...required, MONGODB_SOCKET_TIMEOUT_MS: '30' })).toEqual(['MONGODB_SOCKET_TIMEOUT_MS must be at least 1000 (milliseconds)']);
  });

  it('a store timeout in MONGODB_URL is refused, naming the variable that sets it (the client’s options would override it)', () => {
    const url = 'mongodb://user:pw-in-url@db-1.example:27017,db-2.example:27017/?replicaSet=rs0&socketTimeoutMS=5000&ConnectTimeoutMS=1000';
    const problems = problemsOf({ ...required, MONGODB_URL: url });
    expect(problems).toEqual([
      'MONGODB_URL sets socketTimeoutMS: set MONGODB_SOCKET_TIMEOUT_MS instead, which the processes go by',
      'MONGODB_URL sets ConnectTimeoutMS: set MONGODB_CONNECT_TIMEOUT_MS instead, which the processes go by',
    ]);
    expect(loadConfig({ ...required, MONGODB_URL: 'mongodb://db.example/?replicaSet=rs0&retryWrites=true&w=majority' }).MONGODB_URL).toContain('rs0');
  });

  it('the key-length problem says what is expected', () => {
    expect(problemsOf({ ...required, TOKEN_ENCRYPTION_KEY: 'abcd' })).toEqual(['TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64']);
  });

  it('missing and malformed variables are reported together', () => {
    const problems = problemsOf({ ...required, PUBLIC_URL: undefined, CHAT_API_TOKEN: '', PORT: 'abc', TOKEN_ENCRYPTION_KEY: 'short' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['CHAT_API_TOKEN', 'PORT', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY']);
    expect(problems).toContain('PUBLIC_URL is required but not set');
    expect(problems).toContain('CHAT_API_TOKEN is required but not set');
  });

  it('variables it does not know are ignored', () => {
    expect(() => loadConfig({ ...required, PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});

describe('the token encryption keys (TOKEN_ENCRYPTION_KEYS, or TOKEN_ENCRYPTION_KEY alone)', () => {
  const { TOKEN_ENCRYPTION_KEY: _single, ...withoutKey } = required;
  const NEW = Buffer.alloc(32, 0x02);
  const OLD = Buffer.from(HEX_KEY, 'hex');

  it('TOKEN_ENCRYPTION_KEYS: comma-separated, newest first, hex or base64, spaces ignored', () => {
    const config = loadConfig({ ...withoutKey, TOKEN_ENCRYPTION_KEYS: ` ${NEW.toString('base64')} , ${HEX_KEY} ` });
    expect(config.TOKEN_ENCRYPTION_KEYS).toEqual([NEW, OLD]);
    expect(config).not.toHaveProperty('TOKEN_ENCRYPTION_KEY');
  });

  it('one key in TOKEN_ENCRYPTION_KEYS is a one-key list, as TOKEN_ENCRYPTION_KEY is', () => {
    expect(loadConfig({ ...withoutKey, TOKEN_ENCRYPTION_KEYS: HEX_KEY }).TOKEN_ENCRYPTION_KEYS).toEqual([OLD]);
    expect(loadConfig({ ...required }).TOKEN_ENCRYPTION_KEYS).toEqual([OLD]);
  });

  it('both set, the single key listed (the middle of a move from one to the other): the list decides', () => {
    const config = loadConfig({ ...required, TOKEN_ENCRYPTION_KEYS: `${NEW.toString('hex')},${HEX_KEY}` });
    expect(config.TOKEN_ENCRYPTION_KEYS).toEqual([NEW, OLD]);
  });

  it('both set, the single key not listed: both are named, since tokens sealed with it would stop opening', () => {
    expect(problemsOf({ ...required, TOKEN_ENCRYPTION_KEYS: NEW.toString('hex') })).toEqual([
      'TOKEN_ENCRYPTION_KEY is not in TOKEN_ENCRYPTION_KEYS, which replaces it when both are set: list it there (after the newest key) while tokens are sealed with it, or unset TOKEN_ENCRYPTION_KEY',
    ]);
  });

  it('neither set: TOKEN_ENCRYPTION_KEY is named missing (app.json generates it), along with anything else', () => {
    expect(problemsOf({ ...withoutKey, PUBLIC_URL: undefined }).sort()).toEqual([
      'PUBLIC_URL is required but not set',
      'TOKEN_ENCRYPTION_KEY is required but not set',
    ]);
    expect(problemsOf({ ...withoutKey, TOKEN_ENCRYPTION_KEYS: '' })).toEqual(['TOKEN_ENCRYPTION_KEY is required but not set']);
  });

  it('a bad key in the list is named by its place, and no key of the list is repeated in the error', () => {
    const good = NEW.toString('hex');
    const problems = problemsOf({ ...withoutKey, TOKEN_ENCRYPTION_KEYS: `${good},not-a-key-but-secret,${HEX_KEY.slice(0, 60)}` });
    expect(problems).toEqual([
      'TOKEN_ENCRYPTION_KEYS must be comma-separated keys, newest first, each 32 bytes, as 64 hex characters or base64 (not one: key 2, 3)',
    ]);
    for (const secret of [good, 'not-a-key-but-secret', HEX_KEY.slice(0, 60)]) expect(problems.join('\n')).not.toContain(secret);
  });

  it('one key listed twice is refused (by place), in any of its spellings', () => {
    expect(problemsOf({ ...withoutKey, TOKEN_ENCRYPTION_KEYS: `${HEX_KEY},${NEW.toString('hex')},${OLD.toString('base64')}` })).toEqual([
      'TOKEN_ENCRYPTION_KEYS lists one key twice (keys 1 and 3)',
    ]);
  });

  it('a malformed single key with a list set is still named', () => {
    expect(problemsOf({ ...required, TOKEN_ENCRYPTION_KEY: 'abcd', TOKEN_ENCRYPTION_KEYS: HEX_KEY })).toEqual([
      'TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64',
    ]);
  });
});

describe('the admin surfaces (settings page and admin API)', () => {
  const launchSecret = 'l'.repeat(40);

  it('are served with the admin launch secret alone; the operator token is optional', () => {
    const config = loadConfig({ ...required, CHAT_ADMIN_LAUNCH_SECRET: launchSecret });
    expect(config.CHAT_ADMIN_LAUNCH_SECRET).toBe(launchSecret);
    expect(config.ADMIN_API_TOKEN).toBeUndefined();
  });

  it('the operator token without the admin launch secret names CHAT_ADMIN_LAUNCH_SECRET', () => {
    expect(problemsOf({ ...required, ADMIN_API_TOKEN: 'a'.repeat(32) })).toEqual([
      'CHAT_ADMIN_LAUNCH_SECRET is required when ADMIN_API_TOKEN is set (the admin API and the settings page are served)',
    ]);
  });

  it('the admin launch secret must not be the webhook secret', () => {
    expect(problemsOf({ ...required, CHAT_WEBHOOK_SECRET: launchSecret, CHAT_ADMIN_LAUNCH_SECRET: launchSecret })).toEqual([
      'CHAT_ADMIN_LAUNCH_SECRET must differ from CHAT_WEBHOOK_SECRET (the platform shares two distinct secrets)',
    ]);
  });

  it('TRUST_PROXY is a hop count, off (0) by default', () => {
    expect(loadConfig({ ...required }).TRUST_PROXY).toBe(0);
    expect(loadConfig({ ...required, TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
  });
});

describe('the operator surfaces: /metrics and Bull Board', () => {
  const production = { ...required, NODE_ENV: 'production' };

  it.each([
    { name: 'production, neither variable: closed to everyone', env: production, access: { kind: 'closed' } },
    {
      name: 'production with METRICS_TOKEN: the token',
      env: { ...production, METRICS_TOKEN: 'm'.repeat(24) },
      access: { kind: 'token', token: 'm'.repeat(24) },
    },
    { name: 'production with METRICS_PUBLIC=true: public', env: { ...production, METRICS_PUBLIC: 'true' }, access: { kind: 'public' } },
    { name: 'production with METRICS_PUBLIC=false: closed', env: { ...production, METRICS_PUBLIC: 'false' }, access: { kind: 'closed' } },
    { name: 'NODE_ENV unset (production by default): closed', env: { ...required }, access: { kind: 'closed' } },
    { name: 'development, neither variable: public', env: { ...required, NODE_ENV: 'development' }, access: { kind: 'public' } },
    { name: 'test with METRICS_PUBLIC=false: closed', env: { ...required, NODE_ENV: 'test', METRICS_PUBLIC: 'false' }, access: { kind: 'closed' } },
    {
      name: 'development with METRICS_TOKEN: the token',
      env: { ...required, NODE_ENV: 'development', METRICS_TOKEN: 't'.repeat(30) },
      access: { kind: 'token', token: 't'.repeat(30) },
    },
  ])('metrics access, $name', ({ env, access }) => {
    expect(metricsAccess(loadConfig(env))).toEqual(access);
  });

  it('METRICS_PUBLIC=true next to METRICS_TOKEN is refused, naming both: which one is meant is not a guess', () => {
    expect(problemsOf({ ...production, METRICS_PUBLIC: 'true', METRICS_TOKEN: 'm'.repeat(24) })).toEqual([
      'METRICS_PUBLIC is true while METRICS_TOKEN is set: unset METRICS_TOKEN to serve the metrics to anyone, or METRICS_PUBLIC to need the token',
    ]);
  });

  it.each(['METRICS_PUBLIC', 'BULL_BOARD_READ_ONLY'])('%s takes only true or false, and says so', (variable) => {
    for (const value of ['1', 'yes', 'True', 'on']) expect(problemsOf({ ...required, [variable]: value })).toEqual([`${variable} must be true or false`]);
  });

  it('Bull Board is read-only unless BULL_BOARD_READ_ONLY=false', () => {
    expect(loadConfig({ ...required }).BULL_BOARD_READ_ONLY).toBe(true);
    expect(loadConfig({ ...required, BULL_BOARD_READ_ONLY: '' }).BULL_BOARD_READ_ONLY).toBe(true);
    expect(loadConfig({ ...required, BULL_BOARD_READ_ONLY: 'true' }).BULL_BOARD_READ_ONLY).toBe(true);
    expect(loadConfig({ ...required, BULL_BOARD_READ_ONLY: 'false' }).BULL_BOARD_READ_ONLY).toBe(false);
  });
});

describe('Redis Cluster', () => {
  const { REDIS_URL: _single, ...withoutRedis } = required;
  const nodes = 'redis://10.0.0.1:6379, redis://10.0.0.2:6379,redis://10.0.0.3:6379';

  it('REDIS_CLUSTER_NODES instead of REDIS_URL: the nodes listed, the prefix hash-tagged by default', () => {
    const config = loadConfig({ ...withoutRedis, REDIS_CLUSTER_NODES: nodes });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.REDIS_CLUSTER_NODES).toEqual(['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379', 'redis://10.0.0.3:6379']);
    expect(config.QUEUE_PREFIX).toBe('{threadbridge}');
  });

  it('one Redis keeps the plain prefix of earlier releases (its queued jobs stay where they are)', () => {
    expect(loadConfig({ ...required }).QUEUE_PREFIX).toBe('threadbridge');
  });

  it.each([
    { prefix: '{threadbridge}', ok: true },
    { prefix: 'tb{eu-1}', ok: true },
    { prefix: '{a}:{b}', ok: true },
    { prefix: 'threadbridge', ok: false },
    { prefix: '{}threadbridge', ok: false },
    { prefix: 'thread{bridge', ok: false },
    { prefix: 'thread}{bridge', ok: false },
  ])('QUEUE_PREFIX=$prefix on a cluster: accepted $ok', ({ prefix, ok }) => {
    expect(hasHashTag(prefix)).toBe(ok);
    const env = { ...withoutRedis, REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: prefix };
    if (ok) expect(loadConfig(env).QUEUE_PREFIX).toBe(prefix);
    else expect(problemsOf(env)).toEqual(['QUEUE_PREFIX must carry a Redis Cluster hash tag, such as {threadbridge}, when REDIS_CLUSTER_NODES is set']);
  });

  it('both set: named, since which Redis the queues are on must not be a guess', () => {
    expect(problemsOf({ ...required, REDIS_CLUSTER_NODES: nodes })).toEqual([
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis, REDIS_CLUSTER_NODES for Redis Cluster',
    ]);
  });

  it('neither set: REDIS_URL is named missing, along with anything else', () => {
    expect(problemsOf({ ...withoutRedis, PUBLIC_URL: undefined }).sort()).toEqual(['PUBLIC_URL is required but not set', 'REDIS_URL is required but not set']);
  });

  it.each(['10.0.0.1:6379', 'redis://10.0.0.1', 'http://10.0.0.1:6379', ','])('a malformed node list (%j) is refused', (value) => {
    expect(problemsOf({ ...withoutRedis, REDIS_CLUSTER_NODES: value })).toEqual([
      expect.stringMatching(/^REDIS_CLUSTER_NODES must be comma-separated redis:\/\/host:port or rediss:\/\/host:port URLs/),
    ]);
  });

  it('a refused node list does not repeat a password it carries', () => {
    const [problem] = problemsOf({ ...withoutRedis, REDIS_CLUSTER_NODES: 'rediss://default:s3cret-pass@10.0.0.1' });
    expect(problem).toContain('rediss://…@10.0.0.1');
    expect(problem).not.toContain('s3cret-pass');
  });
});

describe('regressions', () => {
  it.each([
    ['PUBLIC_URL', 'localhost:3000', /PUBLIC_URL must be a http:\/\/ or https:\/\/ URL/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['PORT', ' ', /PORT must be a whole number/],
  ])('names %s=%j as malformed instead of accepting it', (name, value, message) => {
    expect(problemsOf({ ...required, [name]: value })).toEqual([expect.stringMatching(message)]);
  });
});
