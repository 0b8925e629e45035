// POST/GET /api/{method}: body parsing (form or JSON), token auth, injected faults, rate limits,
// scopes, dispatch and recording — the order and the error bodies Slack uses, 429 with
// Retry-After included. Also the fault-injection control routes (/_emulator/faults).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlackApiError } from './errors.ts';
import type { AppConfig, AppEvents, MethodContext, MethodTable, Params } from './method-types.ts';
import type { OAuth } from './oauth.ts';
import { redactForRecord } from './params.ts';
import type { RateLimiter } from './rate-limits.ts';
import type { EmulatorState } from './state.ts';
import { createSlackFaults } from './fault-injection.ts';
import type { Team } from './types.ts';
import { workspaceAccess } from './workspace-access.ts';

export interface WebApiDeps {
  state: EmulatorState;
  config: AppConfig;
  events: AppEvents;
  methods: MethodTable;
  oauth: OAuth;
  limiter: RateLimiter;
}

interface Parsed {
  params: Params;
  warnings: string[];
  /** Whether a `token` in the params may be used (not for JSON bodies: Slack ignores it there). */
  tokenParamAllowed: boolean;
}

function parseRequest(req: FastifyRequest): Parsed {
  const query = Object.fromEntries(new URLSearchParams(req.url.split('?')[1] ?? ''));
  const raw = typeof req.body === 'string' ? req.body : '';
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.method !== 'POST' || raw === '') return { params: query, warnings: [], tokenParamAllowed: true };
  if (!contentType) throw new SlackApiError('missing_post_type');
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return { params: { ...query, ...Object.fromEntries(new URLSearchParams(raw)) }, warnings: [], tokenParamAllowed: true };
  }
  if (contentType.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SlackApiError('invalid_json');
    const { token: _ignored, ...rest } = body as Params;
    const warnings = contentType.includes('charset=') ? [] : ['missing_charset'];
    return { params: { ...query, ...rest }, warnings, tokenParamAllowed: false };
  }
  throw new SlackApiError('invalid_post_type');
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

function addWarnings(body: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  if (!warnings.length) return body;
  const meta = (body['response_metadata'] ?? {}) as { warnings?: string[] };
  const all = [...warnings, ...(meta.warnings ?? [])];
  return { ...body, warning: all.join(','), response_metadata: { ...meta, warnings: all } };
}

export function registerWebApi(app: FastifyInstance, d: WebApiDeps): void {
  const { state, config } = d;
  const faults = createSlackFaults();

  function record(method: string, teamId: string | null, params: Params, httpStatus: number, response: Record<string, unknown>): void {
    state.calls.push({ seq: ++state.seq.call, at: config.now(), method, teamId, params: redactForRecord(params), httpStatus, response });
  }

  async function handle(req: FastifyRequest<{ Params: { method: string } }>, reply: FastifyReply): Promise<void> {
    const method = req.params.method;
    let params: Params = {};
    let teamId: string | null = null;
    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
      record(method, teamId, params, status, body);
      void reply
        .code(status)
        .headers({ 'content-type': 'application/json; charset=utf-8', ...headers })
        .send(JSON.stringify(body));
    };
    let parsed: Parsed;
    try {
      parsed = parseRequest(req);
      params = parsed.params;
    } catch (e) {
      return send(200, { ok: false, error: (e as SlackApiError).code });
    }

    if (method === 'oauth.v2.access') {
      try {
        const out = d.oauth.access(params, req.headers.authorization);
        teamId = out.teamId;
        return send(200, addWarnings(out.body, parsed.warnings));
      } catch (e) {
        if (!(e instanceof SlackApiError)) throw e;
        return send(200, { ok: false, error: e.code, ...e.extra });
      }
    }

    // Own properties only: /api/constructor or /api/__proto__ is an unknown method, not Object's.
    const spec = Object.hasOwn(d.methods, method) ? d.methods[method] : undefined;
    if (!spec) return send(404, { ok: false, error: 'unknown_method', req_method: method });

    const token = bearer(req) ?? (parsed.tokenParamAllowed && typeof params['token'] === 'string' ? params['token'] : undefined);
    if (!token) return send(200, { ok: false, error: 'not_authed' });
    const tok = state.tokens.get(token);
    if (!tok) return send(200, { ok: false, error: 'invalid_auth' });
    teamId = tok.teamId;
    if (tok.revoked) return send(200, { ok: false, error: 'token_revoked' });
    if (tok.expiresAt !== undefined && config.now() >= tok.expiresAt) return send(200, { ok: false, error: 'token_expired' });
    const install = state.installations.get(tok.teamId);
    const enterprise = install?.isEnterpriseInstall ? (state.enterprises.get(tok.teamId) ?? null) : null;
    // An org-wide token belongs to no workspace: the organization stands in for one.
    const team: Team | undefined = enterprise
      ? { id: enterprise.id, name: enterprise.name, domain: enterprise.domain, deleted: false }
      : state.teams.get(tok.teamId);
    const botUser = install ? state.users.get(install.botUserId) : undefined;
    if (!team || !install || team.deleted || botUser?.deleted) return send(200, { ok: false, error: 'account_inactive' });
    const access = workspaceAccess(state, team, install, enterprise);

    // Slack down, refusing or slow, as a test asked (fault-injection.ts): on a failure nothing below runs.
    const fault = faults.take(method, params);
    if (fault && fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.failure) return send(fault.failure.status, fault.failure.body, fault.failure.headers);

    const channelKey = typeof params['channel'] === 'string' ? params['channel'] : null;
    const admission = d.limiter.admit(access.rateLimitKey(params), method, spec.tier, channelKey);
    if (!admission.ok) {
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(admission.retryAfterSec) });
    }

    const accepted = (spec.acceptedScopes ?? spec.scopes).join(',');
    const scopeHeaders: Record<string, string> = {
      'x-oauth-scopes': install.scopes.join(','),
      ...(accepted ? { 'x-accepted-oauth-scopes': accepted } : {}),
    };
    const missing = (scope: string): SlackApiError => new SlackApiError('missing_scope', { needed: scope, provided: install.scopes.join(',') });
    const ctx: MethodContext = {
      state,
      config,
      events: d.events,
      team,
      install,
      enterprise,
      reaches: access.reaches,
      workspaceOf: access.workspaceOf,
      workspaceParam: access.workspaceParam,
      hasScope: (s) => install.scopes.includes(s),
      requireScope: (s) => {
        if (!install.scopes.includes(s)) throw missing(s);
      },
    };
    try {
      for (const s of spec.scopes) ctx.requireScope(s);
      const body = spec.handler(ctx, params);
      return send(200, addWarnings(body, parsed.warnings), scopeHeaders);
    } catch (e) {
      if (e instanceof SlackApiError) return send(200, addWarnings({ ok: false, error: e.code, ...e.extra }, parsed.warnings), scopeHeaders);
      req.log.error(e);
      return send(500, { ok: false, error: 'internal_error', detail: String(e) });
    }
  }

  app.route<{ Params: { method: string } }>({ method: ['GET', 'POST'], url: '/api/:method', handler: handle });

  app.post('/_emulator/faults', async (req, reply) => {
    try {
      faults.add(JSON.parse(typeof req.body === 'string' && req.body !== '' ? req.body : 'null'));
    } catch (e) {
      return reply.code(400).send({ ok: false, error: (e as Error).message });
    }
    return reply.send({ ok: true });
  });
  app.delete('/_emulator/faults', async (_req, reply) => {
    faults.clear();
    return reply.send({ ok: true });
  });
}
