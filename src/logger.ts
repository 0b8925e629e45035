// The one pino logger factory. Redaction is configured here so that no token, secret, signature,
// launch token, install ticket, OAuth code or state, session id or cookie reaches the logs,
// whatever a caller passes in: by field name, in request URLs, and inside any logged text.
//
// Field names are censored at the top level by pino's own `redact` and one level down (what
// `*.token` means in its path syntax) by `censorNested` below. The reason for the hand-written
// half: a single `*.`-path makes pino pass every field of every line, and the bindings of every
// child logger (Fastify makes one per request), through its wildcard redactor, which measured
// 26 µs a line against 6 µs without (npm run bench's ingress spends it on each webhook). A walk
// of one level over a set of names costs well under a microsecond.
import { pino, type Bindings, type ChildLoggerOptions, type Logger, type DestinationStream } from 'pino';

/** Field names whose values are secret, censored at the top level and one level down. */
export const secretFieldNames = [
  'token',
  'botToken',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'client_secret',
  'secret',
  // Browser credentials and one-time links: admin sessions, the OAuth nonce, launch tokens, install tickets.
  'cookie',
  'sessionId',
  'launch',
  'ticket',
  'installUrl',
];

export const redactedPaths = [
  ...secretFieldNames,
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'req.headers["x-chat-signature"]',
  'headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
];

const CENSOR = '[redacted]';
const nestedSecrets = new Set(secretFieldNames);

/**
 * Plain objects and arrays only. Anything built by a class is left to its serializer: Fastify
 * logs `{ res: reply }`, whose prototype has a `cookie` method (@fastify/cookie) and the
 * `statusCode` getter; a spread copy would keep the first and lose the second. Errors likewise:
 * the `err` serializer censors the same names in what it makes of them.
 */
function isPlainData(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `fields` with every secret-named field of its plain-object values censored (the
 * caller's objects are left as they were).
 */
export function censorNested(fields: Record<string, unknown>): Record<string, unknown> {
  let out = fields;
  for (const key in fields) {
    const value = fields[key];
    if (!isPlainData(value)) continue;
    let censored: Record<string, unknown> | undefined;
    for (const inner in value) {
      if (!nestedSecrets.has(inner)) continue;
      censored ??= (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
      censored[inner] = CENSOR;
    }
    if (!censored) continue;
    if (out === fields) out = { ...fields };
    out[key] = censored;
  }
  return out;
}

/** Query parameters that carry one-time secrets: OAuth code and state, launch tokens, install tickets. */
const SECRET_PARAMS = ['code', 'state', 'launch', 'ticket', 'token'];

// OAuth `code` and `state` arrive in the callback's query string; they are one-time secrets.
// They are removed from URLs here rather than by a redaction path on `code`, which would also
// hide every Slack error code (`{ code: 'channel_not_found' }`) an operator needs to read.
const secretParam = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#\\s"']*`, 'g');
export const redactQuery = (url: string) => url.replace(secretParam, '$1[redacted]');

/** Secrets that may sit anywhere in a text (a message, an error's message or stack). */
const secretShapes: Array<[RegExp, string]> = [
  [secretParam, '$1[redacted]'],
  // A launch token: v1.<base64url payload>.<base64url HMAC>.
  [/\bv1\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, '[redacted launch token]'],
  // Slack tokens (bot, user, rotated, refresh).
  [/\bxox[a-z]?(?:\.[a-z]+)?-[A-Za-z0-9-]{6,}/g, '[redacted Slack token]'],
  // Threadbridge's own cookies (admin session, OAuth nonce), as a Cookie or Set-Cookie header has them.
  [/((?:__Host-)?tb_[a-z_]+=)[^;\s"',]*/g, '$1[redacted]'],
];

// Each shape above needs one of these (a `=` of a query parameter or a cookie, a launch token's
// `v1.`, a Slack token's `xox`): a text with none, as most log messages are, skips the four
// replaces, which cost about a microsecond a line (the ingress writes one line per webhook).
const mayHoldSecret = /=|v1\.|xox/;

export function redactText(text: string): string {
  if (!mayHoldSecret.test(text)) return text;
  return secretShapes.reduce((out, [shape, replacement]) => out.replace(shape, replacement), text);
}

interface RequestLike {
  method?: string;
  url?: string;
  id?: string;
  headers?: Record<string, unknown>;
}

const errSerializer = (err: Error) => {
  const serialized = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    if (typeof serialized[key] === 'string') serialized[key] = redactText(serialized[key]);
  }
  for (const key in serialized) if (nestedSecrets.has(key)) serialized[key] = CENSOR;
  return censorNested(serialized);
};

export function createLogger(options: { level: string; name: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: CENSOR },
    formatters: { log: censorNested },
    serializers: {
      err: errSerializer,
      // Only what an operator needs to follow a request; never headers (signatures, auth, cookies).
      req: (req: RequestLike) => ({
        id: req.id,
        method: req.method,
        url: req.url ? redactText(req.url) : undefined,
        retryNum: req.headers?.['x-slack-retry-num'],
      }),
    },
    hooks: {
      // The message text too: a URL or an error text interpolated into it must not carry a secret.
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        return method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? redactText(a) : a)),
        );
      },
    },
  };
  const logger = options.destination ? pino(settings, options.destination) : pino(settings);
  // A child's bindings skip `formatters` (pino applies them to the root's only), so they are
  // censored on their way in. Children inherit this `child` from the root, grandchildren too.
  // A binding the parent already has with the same value is left out: pino would write the key
  // twice in each line (a job's logger binds its org and conversation, and so do the helpers it calls).
  const child = logger.child;
  logger.child = function censoredChild(this: Logger, bindings, childOptions) {
    const bound = this.bindings();
    const fresh = Object.fromEntries(Object.entries(bindings).filter(([key, value]) => !(key in bound && bound[key] === value)));
    return child.call(this, censorNested(fresh), childOptions);
  } as typeof logger.child;
  return logger;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const lazyState = Symbol('lazy child');

interface LazyState {
  parent: Logger;
  bindings: Bindings;
  real: Logger | undefined;
  /** The nearest logger up the line that is not lazy: the prototype, for level and the like. */
  base: Logger;
}

/** The pino logger a lazy child stands for, made on first need (a logger that is not lazy is itself). */
function realOf(logger: Logger): Logger {
  if (!Object.hasOwn(logger, lazyState)) return logger;
  const state = (logger as Logger & { [lazyState]: LazyState })[lazyState];
  state.real ??= realOf(state.parent).child(state.bindings);
  return state.real;
}

// Shared by every lazy child (no closures a job): each reaches its own pino child through `this`.
const lazyMethods: Record<string, unknown> = {
  child(this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    return options ? realOf(this).child(bindings, options) : lazyChild(this, bindings);
  },
  bindings(this: Logger) {
    return realOf(this).bindings();
  },
  setBindings(this: Logger, bindings: Bindings) {
    realOf(this).setBindings(bindings);
  },
};
for (const level of LEVELS) {
  lazyMethods[level] = function log(this: Logger, ...args: Parameters<Logger['info']>) {
    if (this.isLevelEnabled(level)) realOf(this)[level](...args);
  };
}

/**
 * A child logger made only when something is logged through it (or it is asked for its
 * bindings): each worker job binds its queue, id, org and conversation, and most jobs log
 * nothing, yet making a pino child (its bindings serialized and censored, the parent's parsed
 * back to leave out what it has) was ~1 % of the worker's CPU under the throughput bench.
 * What it does not override (level, isLevelEnabled) it reads from the nearest logger up the
 * line that is not lazy, as a child has the same. A child of it is deferred the same way.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  // Never a lazy child as a prototype: V8 makes an object used as one slow to create and read.
  const base = Object.hasOwn(parent, lazyState) ? (parent as Logger & { [lazyState]: LazyState })[lazyState].base : parent;
  const state: LazyState = { parent, bindings, real: undefined, base };
  return Object.assign(Object.create(base) as Logger, lazyMethods, { [lazyState]: state });
}

export type { Logger };
