// The one pino logger factory. Redaction is configured here so that no token, secret, signature,
// launch token, install ticket, OAuth code or state, session id or cookie reaches the logs,
// whatever a caller passes in: by field name, in request URLs, and inside any logged text.
import { pino, type Logger, type DestinationStream } from 'pino';

export const redactedPaths = [
  'token', '*.token', 'botToken', '*.botToken', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'client_secret', '*.client_secret',
  '*.secret', 'secret',
  'req.headers.authorization', 'req.headers["x-slack-signature"]', 'req.headers["x-chat-signature"]',
  'headers.authorization',
  // Browser credentials and one-time links: admin sessions, the OAuth nonce, launch tokens, install tickets.
  'cookie', '*.cookie', 'req.headers.cookie', 'headers.cookie', 'res.headers["set-cookie"]', 'headers["set-cookie"]',
  'sessionId', '*.sessionId', 'launch', '*.launch', 'ticket', '*.ticket', 'installUrl', '*.installUrl',
];

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

export function redactText(text: string): string {
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
  return serialized;
};

export function createLogger(options: { level: string; name: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
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
        return method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)));
      },
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
