// The browser side of OAuth: GET /oauth/v2/authorize renders a small consent page listing the
// workspaces; its form posts back here and is redirected to redirect_uri with code or error.

import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './method-types.ts';
import { AuthorizeError, parseAuthorize } from './oauth.ts';
import type { OAuth } from './oauth.ts';
import type { EmulatorState } from './state.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function errorPage(message: string): string {
  return `<!doctype html><html><head><title>Slack: error</title></head><body><h1>Something went wrong</h1><p id="error">${esc(message)}</p></body></html>`;
}

function consentPage(state: EmulatorState, appName: string, query: URLSearchParams, scopes: string[], onlyTeam: string | null, orgReady: boolean): string {
  const teams = [...state.teams.values()].filter((t) => !t.deleted && (!onlyTeam || t.id === onlyTeam));
  // An org-ready app can be installed on a whole Grid organization (its admins pick it here).
  const orgs = orgReady ? [...state.enterprises.values()].filter((e) => !onlyTeam || e.id === onlyTeam) : [];
  const hidden = [...query.entries()].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const options = teams
    .map((t, i) => {
      const users = [...state.users.values()].filter((u) => u.teamId === t.id && !u.isBot && !u.deleted);
      const userOptions = users.map((u) => `<option value="${esc(u.id)}">${esc(u.realName)} (${esc(u.id)})</option>`).join('');
      return `<li><label><input type="radio" name="team_id" value="${esc(t.id)}"${i === 0 ? ' checked' : ''}> ${esc(t.name)} (${esc(t.domain)}.slack.com)</label>
      <select name="user_id_${esc(t.id)}">${userOptions}</select></li>`;
    })
    .join('');
  const orgOptions = orgs
    .map((e) => {
      const users = [...state.users.values()].filter((u) => u.enterpriseId === e.id && !u.isBot && !u.deleted);
      const userOptions = users.map((u) => `<option value="${esc(u.id)}">${esc(u.realName)} (${esc(u.id)})</option>`).join('');
      return `<li><label><input type="radio" name="team_id" value="${esc(e.id)}"${teams.length === 0 && e === orgs[0] ? ' checked' : ''}> ${esc(e.name)} (the whole organization: org-wide install)</label>
      <select name="user_id_${esc(e.id)}">${userOptions}</select></li>`;
    })
    .join('');
  return `<!doctype html><html><head><title>${esc(appName)} is requesting permission</title></head><body>
<h1>${esc(appName)} is requesting permission to access a Slack workspace</h1>
<p>Scopes: <code id="scopes">${esc(scopes.join(', '))}</code></p>
<form method="post" action="/oauth/v2/authorize">${hidden}
<ul id="teams">${options || '<li>No workspace available</li>'}</ul>
${orgOptions ? `<ul id="organizations">${orgOptions}</ul>` : ''}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
</form></body></html>`;
}

export function registerOAuthRoutes(app: FastifyInstance, state: EmulatorState, config: AppConfig, oauth: OAuth, orgReady: boolean): void {
  app.get('/oauth/v2/authorize', async (req, reply) => {
    const query = new URLSearchParams(req.url.split('?')[1] ?? '');
    try {
      const parsed = parseAuthorize(query, config);
      return reply.type('text/html; charset=utf-8').send(consentPage(state, config.appName, query, parsed.scopes, parsed.team, orgReady));
    } catch (e) {
      if (!(e instanceof AuthorizeError)) throw e;
      return reply.code(400).type('text/html; charset=utf-8').send(errorPage(e.message));
    }
  });

  app.post('/oauth/v2/authorize', async (req, reply) => {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    try {
      const parsed = parseAuthorize(form, config);
      if (form.get('decision') !== 'allow') return reply.redirect(oauth.deny(parsed), 302);
      const teamId = form.get('team_id') ?? '';
      const userId = form.get(`user_id_${teamId}`) ?? '';
      if (state.enterprises.has(teamId)) return reply.redirect(oauth.approveOrg(parsed, teamId, userId), 302);
      return reply.redirect(oauth.approve(parsed, teamId, userId), 302);
    } catch (e) {
      if (!(e instanceof AuthorizeError)) throw e;
      return reply.code(400).type('text/html; charset=utf-8').send(errorPage(e.message));
    }
  });
}
