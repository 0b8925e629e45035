// The one pino logger factory. Redaction is configured here so that no token, secret or
// signature reaches the logs whatever a caller passes in.
import { pino, type Logger, type DestinationStream } from 'pino';

export const redactedPaths = [
  'token', '*.token', 'botToken', '*.botToken', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'client_secret', '*.client_secret',
  '*.secret', 'secret',
  'req.headers.authorization', 'req.headers["x-slack-signature"]', 'req.headers["x-chat-signature"]',
  'headers.authorization',
];

// OAuth `code` and `state` arrive in the callback's query string; they are one-time secrets.
// They are removed from URLs here rather than by a redaction path on `code`, which would also
// hide every Slack error code (`{ code: 'channel_not_found' }`) an operator needs to read.
export const redactQuery = (url: string) => url.replace(/([?&](?:code|state)=)[^&]*/g, '$1[redacted]');

interface RequestLike {
  method?: string;
  url?: string;
  id?: string;
  headers?: Record<string, unknown>;
}

export function createLogger(options: { level: string; name: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      err: pino.stdSerializers.err,
      // Only what an operator needs to follow a request; never headers (signatures, auth).
      req: (req: RequestLike) => ({
        id: req.id,
        method: req.method,
        url: req.url ? redactQuery(req.url) : undefined,
        retryNum: req.headers?.['x-slack-retry-num'],
      }),
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
