// One Slack Web API call over node:http(s) with kept-alive connections, for the calls the worker
// makes for every chat message (chat.postMessage, chat.update). @slack/web-api's WebClient costs
// ~0.8 ms of CPU per call here (the worker's profile under the throughput bench): fetch (undici)
// makes a request object, streams and an abort signal per call, and the client builds its debug
// lines (JSON of the redacted body and headers) even when debug logging is off, through a queue
// and a retry wrapper the product turns off. This is the same request on the wire (form-encoded
// arguments, objects as JSON, the token as a Bearer header) and the same outcomes as the client's,
// mapped to Threadbridge's errors as src/slack/slack-api.ts maps the client's: Slack's error code;
// `ratelimited` with Retry-After; `http_<status>`; `request_failed` for a connection that failed,
// timed out or was redirected; `invalid_arguments` for arguments that cannot be encoded.
import http from 'node:http';
import https from 'node:https';
import { stringify } from 'node:querystring';
import { SlackApiError, SlackRateLimitedError, isTransientSlackCode } from '../errors/index.ts';

export type SlackCallResult = Record<string, unknown>;

export type SlackPost = (method: string, token: string, args: Record<string, unknown>) => Promise<SlackCallResult>;

/** Arguments as the WebClient sends them: absent ones left out, objects as JSON, the rest as text. */
function formBody(method: string, args: Record<string, unknown>): string {
  const fields: Record<string, string | number | boolean> = {};
  for (const key in args) {
    const value = args[key];
    if (value === undefined || value === null) continue;
    fields[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
  }
  try {
    return stringify(fields);
  } catch (error) {
    // A lone UTF-16 surrogate (hostile but signed input): Slack's answer to malformed arguments, and no retry would change it.
    if (error instanceof URIError) throw new SlackApiError(method, 'invalid_arguments', false);
    throw error;
  }
}

export function createSlackPost(options: { apiUrl: string; timeoutMs: number }): SlackPost {
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const secure = base.startsWith('https:');
  const transport = secure ? https : http;
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });

  return (method, token, args) => {
    const body = formBody(method, args);
    return new Promise<SlackCallResult>((resolve, reject) => {
      const request = transport.request(`${base}${method}`, {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      request.on('error', () => fail(new SlackApiError(method, 'request_failed', true)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => fail(new SlackApiError(method, 'request_failed', true)));
        response.on('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          if (status === 429) {
            const seconds = Number.parseInt(String(response.headers['retry-after'] ?? ''), 10);
            return reject(
              Number.isNaN(seconds)
                ? new Error(`Slack ${method} answered 429 without a valid Retry-After (${response.headers['retry-after']})`)
                : new SlackRateLimitedError(method, seconds),
            );
          }
          // The client follows no redirect: one is a failed request, as it was there.
          if (status >= 300 && status < 400) return reject(new SlackApiError(method, 'request_failed', true));
          if (status !== 200) return reject(new SlackApiError(method, `http_${status}`, status >= 500));
          const text = Buffer.concat(chunks).toString('utf8');
          let result: SlackCallResult;
          try {
            result = JSON.parse(text) as SlackCallResult;
          } catch {
            // As the client does: an answer that is not JSON is Slack's error, its text the code.
            result = { ok: false, error: text };
          }
          if (result.ok !== true) {
            const code = String(result.error);
            return reject(new SlackApiError(method, code, isTransientSlackCode(code)));
          }
          resolve(result);
        });
      });
      request.end(body);
    });
  };
}
