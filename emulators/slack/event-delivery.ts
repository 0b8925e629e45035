// Delivers Events API callbacks, interactivity payloads and url_verification to the app as Slack
// does: signed, 3 s deadline, 3 retries with X-Slack-Retry-Num/Reason, concurrent per event.

import { randomBytes } from 'node:crypto';
import { eventId as newEventId, triggerId } from './ids.ts';
import { postToApp } from './http-post.ts';
import type { PostOutcome } from './http-post.ts';
import { signedHeaders } from './signing.ts';
import { installFor } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { DeliveryKind, DeliveryReason, DeliveryResult, RecordedDelivery } from './types.ts';

export interface DeliveryConfig {
  state: EmulatorState;
  signingSecret: string;
  appId: string;
  verificationToken: string;
  retryDelaysMs: number[];
  responseTimeoutMs: number;
  now: () => number;
  eventsUrl: () => string | undefined;
  interactivityUrl: () => string | undefined;
  /** Base URL for response_url links put in interaction payloads. */
  baseUrl: () => string;
}

export interface Deliverer {
  deliverEvent(teamId: string, event: Record<string, unknown>): Promise<DeliveryResult>;
  deliverInteraction(teamId: string, payload: Record<string, unknown>): Promise<{ status: number; body: string }>;
  /**
   * deliverInteraction with the outcome's reason (how the POST failed, or 'not_delivered' when no
   * interactivity URL is set); `withTrigger: false` leaves trigger_id out (view_closed has none).
   */
  sendInteraction(teamId: string, payload: Record<string, unknown>, opts?: { withTrigger?: boolean }): Promise<InteractionReply>;
  sendUrlVerification(): Promise<{ ok: boolean; status: number; body: string }>;
  /** Starts a delivery in the background; idle() waits for it. */
  track<T>(p: Promise<T>): Promise<T>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface InteractionReply {
  status: number;
  body: string;
  reason: DeliveryReason | 'not_delivered';
}

function eventTs(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000).padStart(6, '0')}`;
}

export function createDeliverer(cfg: DeliveryConfig): Deliverer {
  const pending = new Set<Promise<unknown>>();
  const sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  const abortAll = new AbortController();
  let closed = false;

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  }

  /** A retry wait that close() can cut short. */
  function sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const s = {
        timer: setTimeout(() => {
          sleepers.delete(s);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(s);
    });
  }

  function record(d: Omit<RecordedDelivery, 'seq' | 'at'>): void {
    cfg.state.deliveries.push({ seq: ++cfg.state.seq.delivery, at: cfg.now(), ...d });
  }

  async function attempt(
    kind: DeliveryKind,
    url: string,
    rawBody: string,
    contentType: string,
    teamId: string | null,
    evId: string | null,
    evType: string | null,
    body: unknown,
    attemptNo: number,
    retryReason: DeliveryReason | null,
  ): Promise<PostOutcome> {
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signedHeaders(cfg.signingSecret, cfg.now(), rawBody),
    };
    if (attemptNo > 1) {
      headers['X-Slack-Retry-Num'] = String(attemptNo - 1);
      headers['X-Slack-Retry-Reason'] = retryReason ?? 'unknown_error';
    }
    const out = await postToApp(url, rawBody, headers, cfg.responseTimeoutMs, abortAll.signal);
    record({
      kind,
      url,
      teamId,
      eventId: evId,
      eventType: evType,
      attempt: attemptNo,
      retryNum: attemptNo - 1,
      retryReason: attemptNo > 1 ? retryReason : null,
      status: out.status,
      reason: out.reason,
      noRetry: out.noRetry,
      body,
      responseBody: out.body,
    });
    return out;
  }

  /**
   * Who the event is for (docs: api.slack.com/enterprise/apps/changes-events). `teamId` is the
   * workspace it happened in, or an enterprise id for an event about the org-wide install itself
   * (team_access_granted/revoked, tokens_revoked, app_uninstalled): then no workspace, team_id null.
   */
  function audience(teamId: string) {
    const install = installFor(cfg.state, teamId);
    const orgEvent = cfg.state.enterprises.has(teamId);
    const workspaceId = orgEvent ? null : teamId;
    const enterpriseId = orgEvent ? teamId : (cfg.state.teams.get(teamId)?.enterpriseId ?? null);
    const orgWide = install?.isEnterpriseInstall === true;
    return { install, workspaceId, enterpriseId, orgWide };
  }

  /** Slack Connect: whether the event's channel is shared with another company. */
  function extShared(event: Record<string, unknown>): boolean {
    const id = typeof event['channel'] === 'string' ? event['channel'] : null;
    return !!(id && cfg.state.channels.get(id)?.sharedTeamIds?.length);
  }

  function envelope(teamId: string, event: Record<string, unknown>): Record<string, unknown> {
    const { install, workspaceId, enterpriseId, orgWide } = audience(teamId);
    const now = cfg.now();
    const ev: Record<string, unknown> = { ...event, event_ts: event['event_ts'] ?? eventTs(now) };
    const context = Buffer.from(
      JSON.stringify({
        et: ev['type'],
        tid: teamId,
        aid: cfg.appId,
        ...(typeof ev['channel'] === 'string' ? { cid: ev['channel'] } : {}),
      }),
    ).toString('base64url');
    return {
      token: cfg.verificationToken,
      team_id: workspaceId,
      // Grid only (a standalone workspace's envelope has no enterprise_id).
      ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
      context_team_id: workspaceId,
      context_enterprise_id: enterpriseId,
      api_app_id: cfg.appId,
      event: ev,
      type: 'event_callback',
      event_id: newEventId(),
      event_time: Math.floor(now / 1000),
      authorizations: [
        {
          enterprise_id: enterpriseId,
          // The org-wide installation is the organization's, not one workspace's.
          team_id: orgWide ? null : workspaceId,
          user_id: install?.botUserId ?? null,
          is_bot: true,
          is_enterprise_install: orgWide,
        },
      ],
      is_ext_shared_channel: extShared(ev),
      event_context: `4-${context}`,
    };
  }

  async function runEvent(teamId: string, event: Record<string, unknown>): Promise<DeliveryResult> {
    const env = envelope(teamId, event);
    const evId = env['event_id'] as string;
    const url = cfg.eventsUrl();
    if (!url || closed) return { eventId: evId, ok: false, attempts: 0, reason: 'not_delivered' };
    const raw = JSON.stringify(env);
    let reason: DeliveryReason | null = null;
    const maxAttempts = 1 + cfg.retryDelaysMs.length;
    for (let n = 1; n <= maxAttempts; n++) {
      if (n > 1) {
        await sleep(cfg.retryDelaysMs[n - 2] ?? 0);
        if (closed) return { eventId: evId, ok: false, attempts: n - 1, reason: reason ?? 'unknown_error' };
      }
      const out = await attempt('event', url, raw, 'application/json', teamId, evId, String(event['type'] ?? ''), env, n, reason);
      if (out.reason === 'ok') return { eventId: evId, ok: true, attempts: n, reason: 'ok' };
      reason = out.reason;
      if (out.noRetry) return { eventId: evId, ok: false, attempts: n, reason };
    }
    return { eventId: evId, ok: false, attempts: maxAttempts, reason: reason ?? 'unknown_error' };
  }

  async function runInteraction(teamId: string, payload: Record<string, unknown>, withTrigger = true): Promise<InteractionReply> {
    const url = cfg.interactivityUrl();
    if (!url) return { status: 0, body: '', reason: 'not_delivered' };
    const team = cfg.state.teams.get(teamId);
    const user = payload['user'] as { id?: string } | undefined;
    const org = team?.enterpriseId ? cfg.state.enterprises.get(team.enterpriseId) : undefined;
    const orgWide = installFor(cfg.state, teamId)?.isEnterpriseInstall === true;
    // Docs (enterprise/apps reference; bolt-js buildSource): to an org-wide install `team` is null
    // and the workspace is user.team_id; a Grid workspace's own install names its organization.
    const full: Record<string, unknown> = {
      team: orgWide ? null : { id: teamId, domain: team?.domain ?? '', ...(org ? { enterprise_id: org.id, enterprise_name: org.name } : {}) },
      api_app_id: cfg.appId,
      token: cfg.verificationToken,
      is_enterprise_install: orgWide,
      enterprise: org ? { id: org.id, name: org.name } : null,
      ...payload,
    };
    if (withTrigger) {
      const trigger = typeof payload['trigger_id'] === 'string' ? payload['trigger_id'] : triggerId();
      cfg.state.triggers.set(trigger, { id: trigger, teamId, userId: user?.id ?? '', issuedAt: cfg.now(), used: false });
      full['trigger_id'] = trigger;
    }
    // Docs: response_url comes with block_actions from messages and with message shortcuts; a
    // global shortcut ("shortcut") has none.
    if (['block_actions', 'message_action'].includes(String(full['type'])) && !full['view'] && !full['response_url']) {
      full['response_url'] = `${cfg.baseUrl()}/_emulator/response-url/${randomBytes(8).toString('hex')}`;
    }
    const raw = new URLSearchParams({ payload: JSON.stringify(full) }).toString();
    const out = await attempt('interaction', url, raw, 'application/x-www-form-urlencoded', teamId, null, String(full['type'] ?? ''), full, 1, null);
    return { status: out.status ?? 0, body: out.body, reason: out.reason };
  }

  async function runUrlVerification(): Promise<{ ok: boolean; status: number; body: string }> {
    const url = cfg.eventsUrl();
    if (!url) return { ok: false, status: 0, body: '' };
    const challenge = randomBytes(24).toString('base64url');
    const payload = { token: cfg.verificationToken, challenge, type: 'url_verification' };
    const out = await attempt('url_verification', url, JSON.stringify(payload), 'application/json', null, null, 'url_verification', payload, 1, null);
    // Slack accepts the challenge as plain text, as form data, or as JSON {challenge}.
    let echoed = out.body.trim() === challenge;
    if (!echoed) {
      try {
        echoed = (JSON.parse(out.body) as { challenge?: string }).challenge === challenge;
      } catch {
        /* not JSON */
      }
    }
    if (!echoed) echoed = new URLSearchParams(out.body).get('challenge') === challenge;
    return { ok: out.reason === 'ok' && echoed, status: out.status ?? 0, body: out.body };
  }

  return {
    deliverEvent: (teamId, event) => track(runEvent(teamId, event)),
    deliverInteraction: (teamId, payload) => track(runInteraction(teamId, payload)).then(({ status, body }) => ({ status, body })),
    sendInteraction: (teamId, payload, opts) => track(runInteraction(teamId, payload, opts?.withTrigger ?? true)),
    sendUrlVerification: () => track(runUrlVerification()),
    track,
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close() {
      closed = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      sleepers.clear();
      abortAll.abort();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
