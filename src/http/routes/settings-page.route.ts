// GET /settings/:orgId: the Slack integration settings page (src/http/pages/settings-page.ts), and
// the platform's way in. With `?launch=<token>` (the integrations page's Setup button) the launch
// token is checked as the contract says, single-use, and becomes a session for that org and
// admin (with the names the token gives): a cookie, then a 303 to the bare page so the token
// leaves the address bar and history. A browser signed in already for another org or as another
// admin is asked first (switch-page.ts): only the prompt's same-origin POST to
// /settings/:orgId/switch takes the token and switches. Every refusal is a page that says what to
// do. The page itself holds no data: what it shows comes from the admin API, with the session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from '../admin/admin-deps.ts';
import type { AdminSession } from '../admin/admin-sessions.ts';
import { settingsPage } from '../pages/settings-page.ts';
import { resultPage } from '../pages/result-page.ts';
import { switchPage } from '../pages/switch-page.ts';
import { pageHeaders } from '../pages/page-headers.ts';
import { MAX_LAUNCH_NAME_LENGTH, verifyLaunchToken, type LaunchClaims, type LaunchRefusal } from '../admin/launch-token.ts';
import { isHttps, sessionCookieName } from '../admin/admin-auth.ts';
import { digestKey } from '../kv-store.ts';
import { errors, type AppErrorDefinition } from '../../errors/index.ts';
import { settingsPath } from './slack-oauth.route.ts';

const OPEN_SETUP_AGAIN =
  'Open the chat platform’s integrations page and click Setup for the Slack integration again: each Setup link works once, for a few minutes.';

const REFUSALS: Record<Exclude<LaunchRefusal, 'bad_name'> | 'used', { error: AppErrorDefinition; detail: string; hint: string }> = {
  malformed: { error: errors.launch_invalid, detail: 'The link is incomplete or was altered.', hint: OPEN_SETUP_AGAIN },
  bad_signature: { error: errors.launch_bad_signature, detail: 'Its signature does not match.', hint: OPEN_SETUP_AGAIN },
  expired: { error: errors.launch_expired, detail: 'Setup links work for a few minutes only.', hint: OPEN_SETUP_AGAIN },
  too_long_lived: { error: errors.launch_too_long_lived, detail: 'It was not accepted.', hint: OPEN_SETUP_AGAIN },
  used: {
    error: errors.launch_already_used,
    detail: 'A Setup link opens the settings once (this one may have been opened before, or reloaded from the history).',
    hint: OPEN_SETUP_AGAIN,
  },
  wrong_org: {
    error: errors.launch_wrong_org,
    detail: 'It does not open this organization’s settings.',
    hint: 'Open Setup from the integrations page of the organization you want to set up.',
  },
  not_admin: {
    error: errors.launch_not_admin,
    detail: 'The chat platform did not vouch for you as an admin.',
    hint: 'Ask an admin of your organization to set up the Slack integration, or to make you an admin.',
  },
};

const orgParams = { type: 'object', required: ['orgId'], properties: { orgId: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const pageQuery = { type: 'object', properties: { launch: { type: 'string', maxLength: 8192 }, slack: { type: 'string', maxLength: 40 } } } as const;
/** The switch form's body: the launch token, nothing else (a form Threadbridge wrote itself). */
const SWITCH_FIELDS = new Set(['launch']);
const MAX_TOKEN_LENGTH = 8192;

const switchPath = (orgId: string) => `/settings/${encodeURIComponent(orgId)}/switch`;

function refusalPage(reply: FastifyReply, definition: AppErrorDefinition, detail: string, hint: string) {
  return reply
    .status(definition.statusCode)
    .type('text/html; charset=utf-8')
    .header('x-error-code', definition.code)
    .header('cache-control', 'no-store')
    .send(resultPage({ title: 'The Slack integration settings did not open', message: `${definition.message}. ${detail}`, hint, ok: false }));
}

/** Whether a live session stands for someone else than the token: another org, or another admin. */
const isSomeoneElse = (session: AdminSession, claims: LaunchClaims) => session.orgId !== claims.orgId || session.userId !== claims.userId;

export function registerSettingsPageRoute(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps): void {
  const cookieName = () => sessionCookieName(deps.publicUrl);

  /**
   * The launch: checked, its nonce taken, a session opened (any earlier one of this browser ended).
   * Not `confirmed` (a GET) over a live session of someone else: the switch prompt instead, the
   * nonce left untaken.
   */
  async function launch(request: FastifyRequest<{ Params: { orgId: string } }>, reply: FastifyReply, token: string, confirmed: boolean) {
    const { orgId } = request.params;
    const nowMs = deps.now().getTime();
    const verdict = verifyLaunchToken({ token, secret: admin.launchSecret, orgId, nowMs });
    if (!verdict.ok) {
      request.log.warn({ orgId, reason: verdict.reason }, 'launch token refused');
      if (verdict.reason === 'bad_name') {
        return refusalPage(
          reply,
          errors.launch_invalid,
          `The chat platform sent a ${verdict.field} that is not text of at most ${MAX_LAUNCH_NAME_LENGTH} characters.`,
          `${OPEN_SETUP_AGAIN} If it happens again, tell the chat platform’s support.`,
        );
      }
      const refusal = REFUSALS[verdict.reason];
      return refusalPage(reply, refusal.error, refusal.detail, refusal.hint);
    }
    const { claims } = verdict;
    const nonceKey = digestKey('launch-nonce', claims.nonce);
    const earlier = request.cookies[cookieName()];
    let sessionId: string;
    try {
      if (!confirmed && earlier) {
        const current = await admin.sessions.find(earlier);
        if (current && isSomeoneElse(current, claims)) {
          // A used link is refused here already, rather than after the admin confirmed it.
          if (await deps.kv.get(nonceKey)) return refusalPage(reply, REFUSALS.used.error, REFUSALS.used.detail, REFUSALS.used.hint);
          request.log.info({ orgId, userId: claims.userId }, 'launch over another session: asking before switching');
          // Referrer-Policy strict-origin, not no-referrer: under no-referrer a browser sends
          // `Origin: null` with the form's POST, which the switch refuses. The Referer then
          // carries Threadbridge's origin only, never this URL's token.
          return reply
            .type('text/html; charset=utf-8')
            .header('cache-control', 'no-store')
            .header('referrer-policy', 'strict-origin')
            .send(
              switchPage({
                current: { org: { id: current.orgId, name: current.orgName }, user: { id: current.userId, name: current.userName } },
                next: { org: { id: claims.orgId, name: claims.orgName }, user: { id: claims.userId, name: claims.userName } },
                action: switchPath(orgId),
                launch: token,
                stayHref: settingsPath(current.orgId),
              }),
            );
        }
      }
      // Remembered until the token would expire anyway: after that, its exp refuses it.
      if (!(await deps.kv.setIfAbsent(nonceKey, claims.orgId, claims.exp * 1000 - nowMs))) {
        request.log.warn({ orgId, userId: claims.userId }, 'launch token used again');
        return refusalPage(reply, REFUSALS.used.error, REFUSALS.used.detail, REFUSALS.used.hint);
      }
      if (earlier) await admin.sessions.revoke(earlier);
      sessionId = await admin.sessions.create({ orgId: claims.orgId, userId: claims.userId, orgName: claims.orgName, userName: claims.userName });
    } catch (error) {
      request.log.error({ err: error }, 'could not open an admin session');
      return refusalPage(reply, errors.session_unavailable, 'Threadbridge could not open the settings.', `Try again in a moment. ${OPEN_SETUP_AGAIN}`);
    }
    request.log.info({ orgId, userId: claims.userId, switched: confirmed }, 'org admin signed in from the platform');
    return reply
      .setCookie(cookieName(), sessionId, { httpOnly: true, sameSite: 'strict', secure: isHttps(deps.publicUrl), path: '/' })
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
      if (token !== undefined) return launch(request, reply, token, false);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(settingsPage(request.params.orgId));
    },
  );

  // The switch prompt's form: a same-origin POST only (the Origin checked as the admin API's changes
  // are), so another site cannot switch an admin's window by posting a token of its own.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_TOKEN_LENGTH * 2 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.post<{ Params: { orgId: string }; Body: Record<string, string> | undefined }>(
      '/settings/:orgId/switch',
      { schema: { params: orgParams }, helmet: pageHeaders, config: { page: true, rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (request, reply) => {
        if (request.headers.origin !== new URL(deps.publicUrl).origin) {
          request.log.warn({ orgId: request.params.orgId }, 'switch refused: not from Threadbridge’s own page');
          return refusalPage(reply, errors.cross_site_request, 'The switch was not asked from Threadbridge’s own page, so nothing changed.', OPEN_SETUP_AGAIN);
        }
        const body = request.body ?? {};
        const unknown = Object.keys(body).filter((field) => !SWITCH_FIELDS.has(field));
        const token = body['launch'];
        if (unknown.length > 0 || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
          const detail = unknown.length > 0 ? `The form sent fields it does not have: ${unknown.join(', ')}.` : 'The form sent no launch token.';
          return refusalPage(reply, errors.launch_invalid, detail, OPEN_SETUP_AGAIN);
        }
        return launch(request, reply, token, true);
      },
    );
  });
}
