// One outgoing POST as Slack makes it to an app: a response deadline, at most two redirects
// followed, and the failure classified into Slack's X-Slack-Retry-Reason vocabulary.

import type { DeliveryReason } from './types.ts';

export const MAX_REDIRECTS = 2;

export interface PostOutcome {
  status: number | null;
  reason: DeliveryReason;
  body: string;
  noRetry: boolean;
}

function classifyError(e: unknown, timedOut: boolean): DeliveryReason {
  if (timedOut) return 'http_timeout';
  const cause = (e as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? '';
  if (/CERT|SSL|TLS/i.test(code)) return 'ssl_error';
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EHOSTUNREACH|EAI_AGAIN|UND_ERR_SOCKET|ENETUNREACH/.test(code)) return 'connection_failed';
  if (e instanceof TypeError) return 'connection_failed';
  return 'unknown_error';
}

export async function postToApp(url: string, body: string, headers: Record<string, string>, timeoutMs: number, abortAll: AbortSignal): Promise<PostOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbortAll = (): void => controller.abort();
  abortAll.addEventListener('abort', onAbortAll);
  try {
    let target = url;
    for (let hop = 0; ; hop++) {
      const res = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: controller.signal });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        if (hop >= MAX_REDIRECTS) return { status: res.status, reason: 'too_many_redirects', body: '', noRetry: false };
        target = new URL(res.headers.get('location')!, target).toString();
        continue;
      }
      const text = await res.text();
      const noRetry = res.headers.get('x-slack-no-retry') === '1';
      const ok = res.status >= 200 && res.status < 300;
      return { status: res.status, reason: ok ? 'ok' : 'http_error', body: text, noRetry };
    }
  } catch (e) {
    return { status: null, reason: classifyError(e, timedOut), body: '', noRetry: false };
  } finally {
    clearTimeout(timer);
    abortAll.removeEventListener('abort', onAbortAll);
  }
}
