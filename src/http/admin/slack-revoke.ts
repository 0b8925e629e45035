// auth.revoke for the admin API's Disconnect: the web process gives the org's bot token back to
// Slack while the admin waits. Slack then tells the app tokens_revoked (and app_uninstalled).
// A small interface, so routes depend on what they use. (It would sit well in SlackApi, as
// `revokeToken`; it lives here while that file is another engineer's.)
import { SlackApiError, SlackRateLimitedError, connectionLostCodes, isTransientSlackCode } from '../../errors/index.ts';

export interface SlackTokenRevoker {
  /** 'revoked' when Slack revoked it now; 'gone' when Slack says the token was dead already. */
  revoke(botToken: string): Promise<'revoked' | 'gone'>;
}

export function slackTokenRevoker(apiUrl: string, timeoutMs = 5000): SlackTokenRevoker {
  const url = new URL('auth.revoke', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  return {
    async revoke(botToken) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: '',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw new SlackApiError('auth.revoke', 'request_failed', true);
      }
      if (response.status === 429) throw new SlackRateLimitedError('auth.revoke', Number(response.headers.get('retry-after') ?? 1) || 1);
      const body = (await response.json().catch(() => null)) as { ok?: boolean; error?: string; revoked?: boolean } | null;
      if (!response.ok || !body) throw new SlackApiError('auth.revoke', `http_${response.status}`, response.status >= 500);
      if (body.ok) return 'revoked';
      const code = body.error ?? 'unknown_error';
      if (connectionLostCodes.has(code) && code !== 'token_expired') return 'gone';
      throw new SlackApiError('auth.revoke', code, isTransientSlackCode(code));
    },
  };
}
