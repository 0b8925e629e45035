// GET /settings/:orgId: the Slack integration settings page (src/http/pages/settings-page.ts), and
// the platform's way in. With `?launch=<token>` (the integrations page's Setup button) the launch
// token is checked as the contract says, single-use, and becomes a session for that org and
// admin: a cookie, then a 303 to the bare page so the token leaves the address bar and history.
// Every refusal is a page that says what to do. The page itself holds no data: what it shows
// comes from the admin API, with the session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import { settingsPage } from '../pages/settings-page.ts';
import { resultPage } from '../pages/result-page.ts';
import { pageHeaders } from '../pages/page-headers.ts';
import { verifyLaunchToken, type LaunchRefusal } from '../admin/launch-token.ts';
import { isHttps, sessionCookieName } from '../admin/admin-auth.ts';
import { digestKey } from '../kv-store.ts';
import { errors, type AppErrorDefinition } from '../../errors/index.ts';
import { settingsPath } from './slack-oauth.route.ts';

const OPEN_SETUP_AGAIN = 'Open the chat platform’s integrations page and click Setup for the Slack integration again: each Setup link works once, for a few minutes.';

const REFUSALS: Record<LaunchRefusal | 'used', { error: AppErrorDefinition; detail: string; hint: string }> = {
  malformed: { error: errors.launch_invalid, detail: 'The link is incomplete or was altered.', hint: OPEN_SETUP_AGAIN },
  bad_signature: { error: errors.launch_bad_signature, detail: 'Its signature does not match.', hint: OPEN_SETUP_AGAIN },
  expired: { error: errors.launch_expired, detail: 'Setup links work for a few minutes only.', hint: OPEN_SETUP_AGAIN },
  too_long_lived: { error: errors.launch_too_long_lived, detail: 'It was not accepted.', hint: OPEN_SETUP_AGAIN },
  used: { error: errors.launch_already_used, detail: 'A Setup link opens the settings once (this one may have been opened before, or reloaded from the history).', hint: OPEN_SETUP_AGAIN },
  wrong_org: { error: errors.launch_wrong_org, detail: 'It does not open this organization’s settings.', hint: 'Open Setup from the integrations page of the organization you want to set up.' },
  not_admin: { error: errors.launch_not_admin, detail: 'The chat platform did not vouch for you as an admin.', hint: 'Ask an admin of your organization to set up the Slack integration, or to make you an admin.' },
};

const orgParams = { type: 'object', required: ['orgId'], properties: { orgId: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const pageQuery = { type: 'object', properties: { launch: { type: 'string', maxLength: 8192 }, slack: { type: 'string', maxLength: 40 } } } as const;

function refusalPage(reply: FastifyReply, definition: AppErrorDefinition, detail: string, hint: string) {
  return reply
    .status(definition.statusCode)
    .type('text/html; charset=utf-8')
    .header('x-error-code', definition.code)
    .header('cache-control', 'no-store')
    .send(resultPage({ title: 'The Slack integration settings did not open', message: `${definition.message}. ${detail}`, hint, ok: false }));
}

export function registerSettingsPageRoute(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  /** The launch: checked, its nonce taken, a session opened (any earlier one of this browser ended). */
  async function launch(request: FastifyRequest<{ Params: { orgId: string } }>, reply: FastifyReply, token: string) {
    const { orgId } = request.params;
    const nowMs = deps.now().getTime();
    const verdict = verifyLaunchToken({ token, secret: admin.launchSecret, orgId, nowMs });
    if (!verdict.ok) {
      request.log.warn({ orgId, reason: verdict.reason }, 'launch token refused');
      const refusal = REFUSALS[verdict.reason];
      return refusalPage(reply, refusal.error, refusal.detail, refusal.hint);
    }
    const { claims } = verdict;
    const cookieName = sessionCookieName(deps.publicUrl);
    let sessionId: string;
    try {
      // Remembered until the token would expire anyway: after that, its exp refuses it.
      if (!(await deps.kv.setIfAbsent(digestKey('launch-nonce', claims.nonce), claims.orgId, claims.exp * 1000 - nowMs))) {
        request.log.warn({ orgId, userId: claims.userId }, 'launch token used again');
        return refusalPage(reply, REFUSALS.used.error, REFUSALS.used.detail, REFUSALS.used.hint);
      }
      const earlier = request.cookies[cookieName];
      if (earlier) await admin.sessions.revoke(earlier);
      sessionId = await admin.sessions.create({ orgId: claims.orgId, userId: claims.userId });
    } catch (error) {
      request.log.error({ err: error }, 'could not open an admin session');
      return refusalPage(reply, errors.session_unavailable, 'Threadbridge could not open the settings.', `Try again in a moment. ${OPEN_SETUP_AGAIN}`);
    }
    request.log.info({ orgId, userId: claims.userId }, 'org admin signed in from the platform');
    return reply
      .setCookie(cookieName, sessionId, { httpOnly: true, sameSite: 'strict', secure: isHttps(deps.publicUrl), path: '/' })
      .header('cache-control', 'no-store')
      .redirect(settingsPath(orgId), 303);
  }

  app.get<{ Params: { orgId: string }; Querystring: { launch?: string; slack?: string } }>(
    '/settings/:orgId',
    {
      schema: { params: orgParams, querystring: pageQuery },
      helmet: pageHeaders,
      // Launches are limited per client; loading the page is not (it holds nothing).
      config: { page: true, rateLimit: { max: 30, timeWindow: '1 minute', allowList: (request) => !(request.query as { launch?: string }).launch } },
    },
    async (request, reply) => {
      const token = request.query.launch;
      if (token !== undefined) return launch(request, reply, token);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(settingsPage(request.params.orgId));
    },
  );
}
