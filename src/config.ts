// Configuration: read from the environment once, at start-up, and validated as a whole so
// that an operator sees every missing or malformed variable in one message.
import { z } from 'zod';
import { ConfigError } from './errors/index.ts';

// Digits only: z.coerce would read '' or ' ' as 0.
const digits = z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number);
const positiveInt = digits.pipe(z.number().int().positive());

/** A URL with one of the given schemes ("localhost:3000" parses as scheme "localhost:", so check). */
const urlWith = (...schemes: string[]) =>
  z.string().refine((v) => URL.canParse(v) && schemes.includes(new URL(v).protocol), `must be a ${schemes.map((s) => `${s}//`).join(' or ')} URL`);
const url = urlWith('http:', 'https:');

/** "true" or "false", nothing else: a flag that guards something must not be guessed from "yes" or "1". */
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** REDIS_CLUSTER_NODES: comma-separated redis:// or rediss:// URLs (user, password and TLS from the first). */
const clusterNodes = z.string().transform((value, ctx) => {
  const nodes = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = nodes.filter((n) => !URL.canParse(n) || !['redis:', 'rediss:'].includes(new URL(n).protocol) || !new URL(n).port);
  if (nodes.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated redis://host:port or rediss://host:port URLs${bad.length ? ` (not one: ${bad.map((n) => n.replace(/\/\/[^@/]*@/, '//…@')).join(', ')})` : ''}`,
    });
    return z.NEVER;
  }
  return nodes;
});

// 32 bytes for AES-256-GCM, given as 64 hex chars or base64 so that it survives env files.
const decodeKey = (value: string): Buffer | undefined => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return bytes.length === 32 ? bytes : undefined;
};
const keyFormat = '32 bytes, as 64 hex characters or base64';

const encryptionKey = z.string().transform((value, ctx) => {
  const key = decodeKey(value);
  if (!key) {
    ctx.addIssue({ code: 'custom', message: `must be ${keyFormat}` });
    return z.NEVER;
  }
  return key;
});

/** TOKEN_ENCRYPTION_KEYS: newest first. A bad key is named by its place in the list, never echoed. */
const encryptionKeys = z.string().transform((value, ctx) => {
  const items = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const keys = items.map(decodeKey);
  const bad = keys.flatMap((key, i) => (key ? [] : [i + 1]));
  if (items.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated keys, newest first, each ${keyFormat}${bad.length ? ` (not one: key ${bad.join(', ')})` : ''}`,
    });
    return z.NEVER;
  }
  const valid = keys as Buffer[];
  const twice = valid.flatMap((key, i) => {
    const first = valid.findIndex((k) => k.equals(key));
    return first < i ? [`${first + 1} and ${i + 1}`] : [];
  });
  if (twice.length > 0) {
    ctx.addIssue({ code: 'custom', message: `lists one key twice (keys ${twice.join(', ')})` });
    return z.NEVER;
  }
  return valid;
});

type KeyFields = { TOKEN_ENCRYPTION_KEY?: Buffer | undefined; TOKEN_ENCRYPTION_KEYS?: Buffer[] | undefined };
// Both may be set while a deployment moves from one to the other; the list decides, so the single
// key must be in it, or tokens sealed with it would stop opening without a word.
const singleKeyListed = (c: KeyFields) =>
  !c.TOKEN_ENCRYPTION_KEY || !c.TOKEN_ENCRYPTION_KEYS || c.TOKEN_ENCRYPTION_KEYS.some((k) => k.equals(c.TOKEN_ENCRYPTION_KEY!));
const singleKeyListedProblem = {
  message:
    'is not in TOKEN_ENCRYPTION_KEYS, which replaces it when both are set: list it there (after the newest key) while tokens are sealed with it, or unset TOKEN_ENCRYPTION_KEY',
  path: ['TOKEN_ENCRYPTION_KEY'],
};
/** One list of keys, newest first, whichever variable gave it (the single key is a one-key list). */
const withKeyList = <C extends KeyFields>({ TOKEN_ENCRYPTION_KEY: single, TOKEN_ENCRYPTION_KEYS: list, ...rest }: C) => ({
  ...rest,
  TOKEN_ENCRYPTION_KEYS: list ?? (single ? [single] : []),
});

/**
 * The store's timeouts, in ms, unless MONGODB_*_TIMEOUT_MS say otherwise (src/store/mongo.ts).
 * A hot-path operation takes milliseconds on MongoDB and tens of them on FerretDB, seconds on a
 * loaded CI machine: 30 s without a byte back is a server that is wedged, not one that is slow.
 * Finding a server and opening a connection take well under a second when the store is there.
 */
export const storeTimeoutDefaults = { socketMs: 30_000, serverSelectionMs: 10_000, connectMs: 10_000 } as const;

// At least a second: a timeout given in seconds by mistake would fail every operation.
const timeoutMs = positiveInt.pipe(z.number().min(1000, 'must be at least 1000 (milliseconds)'));

// The driver takes the client's options over the URL's: the same timeout in MONGODB_URL would be overridden without a word.
const timeoutsInUrl: Record<string, string> = {
  sockettimeoutms: 'MONGODB_SOCKET_TIMEOUT_MS',
  serverselectiontimeoutms: 'MONGODB_SERVER_SELECTION_TIMEOUT_MS',
  connecttimeoutms: 'MONGODB_CONNECT_TIMEOUT_MS',
};
const mongoUrl = z
  .string()
  .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL')
  .superRefine((value, ctx) => {
    // Not new URL(): a replica set's hosts (a:1,b:2) are no WHATWG host. The option's name only: the URL may hold a password.
    const query = value.includes('?') ? value.slice(value.indexOf('?') + 1) : '';
    for (const name of query.split('&').map((pair) => pair.split('=')[0]!)) {
      const variable = timeoutsInUrl[name.toLowerCase()];
      if (variable) ctx.addIssue({ code: 'custom', message: `sets ${name}: set ${variable} instead, which the processes go by` });
    }
  });

/** What the release phase needs (src/store/release-main.ts): the store and the log level. */
const storeFields = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URL: mongoUrl,
  MONGODB_DB: z.string().min(1).default('threadbridge'),
  // Not the release phase's: its index builds answer only when done (src/store/mongo.ts, 'upkeep').
  MONGODB_SOCKET_TIMEOUT_MS: timeoutMs.default(storeTimeoutDefaults.socketMs),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: timeoutMs.default(storeTimeoutDefaults.serverSelectionMs),
  MONGODB_CONNECT_TIMEOUT_MS: timeoutMs.default(storeTimeoutDefaults.connectMs),
};

/** Where Redis is, and the prefix of every key there: the processes' and scripts/replay.ts's. */
const redisFields = {
  REDIS_URL: urlWith('redis:', 'rediss:').optional(),
  // Redis Cluster instead of one Redis: some of its nodes (any of them; the client finds the rest).
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  // Heroku Redis serves TLS (rediss://) with a self-signed certificate: 'true' accepts it unverified.
  REDIS_TLS_SKIP_VERIFY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // Every Redis key starts with it; on a cluster it must carry a hash tag (src/redis-connection.ts).
  QUEUE_PREFIX: z.string().min(1).optional(),
};

type RedisFields = { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: string[] | undefined; QUEUE_PREFIX?: string | undefined };
const notBothRedis = (c: RedisFields) => !(c.REDIS_URL && c.REDIS_CLUSTER_NODES);
const notBothRedisProblem = {
  message: 'and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis, REDIS_CLUSTER_NODES for Redis Cluster',
  path: ['REDIS_URL'],
};
// Threadbridge's scripts and BullMQ's touch several keys at once: on a cluster they must hash to one slot.
const taggedOnCluster = (c: RedisFields) => !c.REDIS_CLUSTER_NODES || c.QUEUE_PREFIX === undefined || hasHashTag(c.QUEUE_PREFIX);
const taggedOnClusterProblem = {
  message: 'must carry a Redis Cluster hash tag, such as {threadbridge}, when REDIS_CLUSTER_NODES is set',
  path: ['QUEUE_PREFIX'],
};
/** One Redis keeps the plain prefix of earlier releases, so that the jobs queued under it stay found. */
const withPrefixDefault = <C extends RedisFields>(c: C) => ({
  ...c,
  QUEUE_PREFIX: c.QUEUE_PREFIX ?? (c.REDIS_CLUSTER_NODES ? '{threadbridge}' : 'threadbridge'),
});

const shape = z.object({
  ...storeFields,
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: digits.pipe(z.number().int().min(0).max(65535)).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url,
  ...redisFields,
  // The key that seals Slack tokens, or TOKEN_ENCRYPTION_KEYS: several, newest first, to rotate it.
  TOKEN_ENCRYPTION_KEY: encryptionKey.optional(),
  TOKEN_ENCRYPTION_KEYS: encryptionKeys.optional(),
  SLACK_SIGNING_SECRET: z.string().min(1),
  SLACK_CLIENT_ID: z.string().min(1),
  SLACK_CLIENT_SECRET: z.string().min(1),
  SLACK_API_URL: url.default('https://slack.com/api/'),
  SLACK_AUTHORIZE_URL: url.default('https://slack.com/oauth/v2/authorize'),
  CHAT_API_URL: url,
  CHAT_API_TOKEN: z.string().min(1),
  CHAT_WEBHOOK_SECRET: z.string().min(1),
  WORKER_CONCURRENCY: positiveInt.default(16),
  // How long a conversation's thread waits for a missing seq before asking the platform.
  THREAD_GAP_WAIT_MS: positiveInt.default(3000),
  // How long each chat's activity facts are kept (days after each step); the per-day figures are kept forever.
  ACTIVITY_RETENTION_DAYS: positiveInt.pipe(z.number().min(2, 'must be at least 2 (days)')).default(90),
  // How long an org's activity facts gather before they are rolled up into its per-day figures.
  ACTIVITY_ROLLUP_DELAY_MS: positiveInt.default(30_000),
  WEBHOOK_BODY_LIMIT_BYTES: positiveInt.default(256 * 1024),
  // chat.postMessage budgets shared by all workers: Slack allows about 1 per second per channel,
  // and has an unpublished workspace-wide limit.
  SLACK_CHANNEL_POSTS_PER_SECOND: digits.pipe(z.number().positive()).default(1),
  SLACK_WORKSPACE_POSTS_PER_SECOND: digits.pipe(z.number().positive()).default(8),
  // Slack's rate-limit window for tiered methods; only tests shorten it (with the emulator's clock).
  SLACK_RATE_WINDOW_MS: positiveInt.default(60_000),
  // How often every workspace's channels and users are synced in full, to repair missed events.
  DIRECTORY_RESYNC_HOURS: positiveInt.default(6),
  // The admin launch secret shared with the chat platform (its Admin handoff): the settings page and
  // the admin API are served only when set, and org admins reach them only through launch tokens
  // signed with it.
  CHAT_ADMIN_LAUNCH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // The operators' credential across all orgs (scripts, support): a Bearer token for the admin API.
  // Never put in a page's URL or handed to an org's admin.
  ADMIN_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  // Reverse proxies in front of the web process whose X-Forwarded-For is believed (1 on Heroku).
  // 0, the default, believes none: the client is the TCP peer, so rate limits cannot be dodged.
  TRUST_PROXY: digits.pipe(z.number().int().min(0).max(10)).default(0),
  // When set, each worker process serves its own GET /metrics on this port (the web's is on PORT).
  METRICS_PORT: digits.pipe(z.number().int().min(1).max(65535)).optional(),
  // The Bearer token GET /metrics needs, the web's and each worker's (src/metrics-access.ts).
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  // true: /metrics is served to anyone without a token, on purpose. Unset: so only outside production.
  METRICS_PUBLIC: flag.optional(),
  // Bull Board is mounted at /admin/queues only when both are set.
  BULL_BOARD_USER: z.string().min(1).optional(),
  BULL_BOARD_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  // Bull Board only shows the queues unless this is false: its write actions (clean, empty,
  // obliterate, retry, promote, add or edit a job) reach jobs that hold visitors' messages.
  BULL_BOARD_READ_ONLY: flag.default(true),
});

const schema = shape
  .refine(notBothRedis, notBothRedisProblem)
  .refine(taggedOnCluster, taggedOnClusterProblem)
  .refine(singleKeyListed, singleKeyListedProblem)
  .transform(withPrefixDefault)
  .transform(withKeyList)
  .refine((c) => Boolean(c.BULL_BOARD_USER) === Boolean(c.BULL_BOARD_PASSWORD), {
    message: 'BULL_BOARD_USER and BULL_BOARD_PASSWORD must be set together',
    path: ['BULL_BOARD_PASSWORD'],
  })
  .refine((c) => !c.ADMIN_API_TOKEN || Boolean(c.CHAT_ADMIN_LAUNCH_SECRET), {
    // ADMIN_API_TOKEN serves the admin API, and wherever it is served org admins sign in with launch tokens.
    message: 'is required when ADMIN_API_TOKEN is set (the admin API and the settings page are served)',
    path: ['CHAT_ADMIN_LAUNCH_SECRET'],
  })
  .refine((c) => c.CHAT_ADMIN_LAUNCH_SECRET === undefined || c.CHAT_ADMIN_LAUNCH_SECRET !== c.CHAT_WEBHOOK_SECRET, {
    message: 'must differ from CHAT_WEBHOOK_SECRET (the platform shares two distinct secrets)',
    path: ['CHAT_ADMIN_LAUNCH_SECRET'],
  })
  .refine((c) => !(c.METRICS_PUBLIC === true && c.METRICS_TOKEN), {
    // Which of the two the operator meant is not ours to guess: one of them is a mistake.
    message: 'is true while METRICS_TOKEN is set: unset METRICS_TOKEN to serve the metrics to anyone, or METRICS_PUBLIC to need the token',
    path: ['METRICS_PUBLIC'],
  });

export type Config = z.infer<typeof schema>;

/**
 * Whether every key starting with `prefix` hashes to one Redis Cluster slot: Redis hashes only the
 * part between the key's first `{` and the first `}` after it, when that part is not empty.
 */
export function hasHashTag(prefix: string): boolean {
  return /^[^{]*\{[^}]+\}/.test(prefix);
}

/** Every variable the processes read: docs/reference/configuration.md's table and .env.example name the same (a test checks). */
export const configVariables: readonly string[] = Object.keys(shape.shape);

/** Parses the given environment (process.env by default); throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  return parseEnv(schema, env, [...redisMissing(env), ...keyMissing(env)]);
}

/** One of two is required, which the schema's refinements would report only once all else is valid. */
function redisMissing(env: Record<string, string | undefined>): string[] {
  return !env.REDIS_URL && !env.REDIS_CLUSTER_NODES ? ['REDIS_URL is required but not set'] : [];
}

/** The same for the token key: the single one is named, as app.json generates it. */
function keyMissing(env: Record<string, string | undefined>): string[] {
  return !env.TOKEN_ENCRYPTION_KEY && !env.TOKEN_ENCRYPTION_KEYS ? ['TOKEN_ENCRYPTION_KEY is required but not set'] : [];
}

export type RedisConfig = z.infer<typeof redisSchema>;
const redisSchema = z
  .object(redisFields)
  .refine(notBothRedis, notBothRedisProblem)
  .refine(taggedOnCluster, taggedOnClusterProblem)
  .transform(withPrefixDefault);

/** Redis's part of the configuration, checked as the processes check it (for scripts/replay.ts). */
export function loadRedisConfig(env: Record<string, string | undefined> = process.env): RedisConfig {
  return parseEnv(redisSchema, env, redisMissing(env));
}

export type StoreConfig = z.infer<typeof storeSchema>;
const storeSchema = z.object(storeFields);

/** The release phase's part of the configuration: it runs before the rest may be set (app.json's postdeploy). */
export function loadStoreConfig(env: Record<string, string | undefined> = process.env): StoreConfig {
  return parseEnv(storeSchema, env);
}

function parseEnv<T extends z.ZodType>(parser: T, env: Record<string, string | undefined>, known: string[] = []): z.infer<T> {
  // Empty strings count as unset, as in most env-file tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = parser.safeParse(cleaned);
  if (result.success && known.length === 0) return result.data;
  const problems = (result.error?.issues ?? []).map((issue) => {
    const name = issue.path.join('.');
    const missing = issue.code === 'invalid_type' && cleaned[name] === undefined;
    return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
  });
  throw new ConfigError([...known, ...problems]);
}
