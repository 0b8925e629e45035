// The emulator's own JSON control surface under /_emulator/, for the sandbox and for processes
// that cannot share memory with it: seed workspaces, act as humans, inspect calls and deliveries.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorState } from './state.ts';
import type { Channel, ChannelInput, SlackEmulator, UserChanges, UserInput, ViewValuesInput } from './types.ts';

function json(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string' || body === '') return {};
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
  return parsed as Record<string, unknown>;
}

function need(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new Error(`"${key}" (string) is required`);
  return v;
}

function optional(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`"${key}" must be a non-empty string`);
  return v;
}

/** `values` of a submit/close: block_id → action_id → value (checked in detail by the emulator). */
function viewValues(o: Record<string, unknown>): { values?: ViewValuesInput } {
  const v = o['values'];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('"values" must be an object: block_id → action_id → value');
  return { values: v as ViewValuesInput };
}

/** The new Grid / Slack Connect routes refuse fields they do not know, naming them. */
function only(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const unknown = Object.keys(o).filter((k) => !keys.includes(k));
  if (unknown.length)
    throw new Error(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (expected: ${keys.join(', ')})`);
  return o;
}

function ids(o: Record<string, unknown>, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || x === '')) throw new Error(`"${key}" (non-empty array of ids) is required`);
  return v as string[];
}

function scopesOf(o: Record<string, unknown>): { scopes?: string[] } {
  const v = o['scopes'];
  if (v === undefined) return {};
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new Error('"scopes" must be an array of scope names');
  return { scopes: v as string[] };
}

function list(o: Record<string, unknown>, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new Error(`"${key}" (array) is required`);
  return v;
}

/** A channel as JSON: its members Set as an array. */
function channelJson(c: Channel): Record<string, unknown> {
  return { ...c, members: [...c.members] };
}

async function guard(reply: FastifyReply, fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (e) {
    return reply.code(400).send({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

export function registerControlRoutes(app: FastifyInstance, state: EmulatorState, now: () => number, emu: () => SlackEmulator): void {
  const base = '/_emulator';

  app.get(`${base}/state`, async () => ({
    enterprises: [...state.enterprises.values()],
    teams: [...state.teams.values()],
    users: [...state.users.values()],
    channels: [...state.channels.values()].map((c) => ({ ...c, members: [...c.members] })),
    installations: [...state.installations.values()],
  }));
  app.get(`${base}/calls`, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return emu().calls({ ...(q.method ? { method: q.method } : {}), ...(q.team ? { teamId: q.team } : {}) });
  });
  app.get(`${base}/deliveries`, async () => emu().deliveries());
  app.get<{ Params: { id: string } }>(`${base}/channels/:id/messages`, async (req) => emu().messages(req.params.id));

  app.post(`${base}/teams`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      const enterpriseId = optional(b, 'enterpriseId');
      return emu().createTeam({
        name: need(b, 'name'),
        ...(b['domain'] ? { domain: String(b['domain']) } : {}),
        ...(b['id'] ? { id: String(b['id']) } : {}),
        ...(enterpriseId ? { enterpriseId } : {}),
      });
    }),
  );
  // Enterprise Grid: {name, id?, domain?} → {id, name, domain}.
  app.post(`${base}/enterprises`, (req, reply) =>
    guard(reply, () => {
      const b = only(json(req.body), ['name', 'id', 'domain']);
      const id = optional(b, 'id');
      const domain = optional(b, 'domain');
      return emu().createEnterprise({ name: need(b, 'name'), ...(id ? { id } : {}), ...(domain ? { domain } : {}) });
    }),
  );
  // The org-wide install: {scopes?, installerUserId?} → the Installation (teamId = the enterprise id).
  app.post<{ Params: { id: string } }>(`${base}/enterprises/:id/install`, (req, reply) =>
    guard(reply, () => {
      const b = only(json(req.body), ['scopes', 'installerUserId']);
      const installerUserId = optional(b, 'installerUserId');
      return emu().installOrg(req.params.id, { ...scopesOf(b), ...(installerUserId ? { installerUserId } : {}) });
    }),
  );
  // An admin adds / removes the org-wide app in workspaces: {teamIds} → the Installation.
  app.post<{ Params: { id: string } }>(`${base}/enterprises/:id/grants`, (req, reply) =>
    guard(reply, () => emu().grantTeamAccess(req.params.id, ids(only(json(req.body), ['teamIds']), 'teamIds'))),
  );
  app.post<{ Params: { id: string } }>(`${base}/enterprises/:id/grants/revoke`, (req, reply) =>
    guard(reply, () => emu().revokeTeamAccess(req.params.id, ids(only(json(req.body), ['teamIds']), 'teamIds'))),
  );
  // Grid: an org user joins another workspace of the organization: {teamId} → the user.
  app.post<{ Params: { id: string } }>(`${base}/users/:id/teams`, (req, reply) =>
    guard(reply, () => emu().addUserToTeam(req.params.id, need(only(json(req.body), ['teamId']), 'teamId'))),
  );
  // Slack Connect: the channel is shared with another company's workspace: {teamId} → the channel.
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/share`, (req, reply) =>
    guard(reply, () => channelJson(emu().shareChannel(req.params.id, need(only(json(req.body), ['teamId']), 'teamId')))),
  );
  app.post(`${base}/users`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      const { teamId: _t, ...rest } = b;
      return emu().createUser(need(b, 'teamId'), { ...(rest as unknown as UserInput), name: need(b, 'name') });
    }),
  );
  // Silent bulk seeding: {teamId, users: [UserInput…]} → {ok, ids}. Body limit 5 MB: batch large seeds.
  app.post(`${base}/seed/users`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return {
        ok: true,
        ids: emu()
          .seedUsers(need(b, 'teamId'), list(b, 'users') as UserInput[])
          .map((u) => u.id),
      };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/users/:id/update`, (req, reply) =>
    guard(reply, () => {
      return emu().updateUser(req.params.id, json(req.body) as UserChanges);
    }),
  );
  app.post(`${base}/channels`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      const { teamId: _t, ...rest } = b;
      return channelJson(emu().createChannel(need(b, 'teamId'), { ...(rest as unknown as ChannelInput), name: need(b, 'name') }));
    }),
  );
  // Silent bulk seeding: {teamId, channels: [ChannelInput…]} → {ok, ids}. Body limit 5 MB: batch large seeds.
  app.post(`${base}/seed/channels`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return {
        ok: true,
        ids: emu()
          .seedChannels(need(b, 'teamId'), list(b, 'channels') as ChannelInput[])
          .map((c) => c.id),
      };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/rename`, (req, reply) =>
    guard(reply, () => {
      emu().renameChannel(req.params.id, need(json(req.body), 'name'));
      return { ok: true };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/members`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      emu().addToChannel(req.params.id, need(b, 'userId'), optional(b, 'byUserId'));
      return { ok: true };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/members/remove`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      emu().removeFromChannel(req.params.id, need(b, 'userId'), optional(b, 'byUserId'));
      return { ok: true };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/archive`, (req, reply) =>
    guard(reply, () => {
      emu().archiveChannel(req.params.id, optional(json(req.body), 'byUserId'));
      return { ok: true };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/unarchive`, (req, reply) =>
    guard(reply, () => {
      emu().unarchiveChannel(req.params.id, optional(json(req.body), 'byUserId'));
      return { ok: true };
    }),
  );
  app.post<{ Params: { id: string } }>(`${base}/channels/:id/delete`, (req, reply) =>
    guard(reply, () => {
      emu().deleteChannel(req.params.id, optional(json(req.body), 'byUserId'));
      return { ok: true };
    }),
  );
  app.post(`${base}/install`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().install(need(b, 'teamId'), {
        ...(Array.isArray(b['scopes']) ? { scopes: b['scopes'] as string[] } : {}),
        ...(b['installerUserId'] ? { installerUserId: String(b['installerUserId']) } : {}),
      });
    }),
  );
  app.post(`${base}/uninstall`, (req, reply) =>
    guard(reply, () => {
      emu().uninstall(need(json(req.body), 'teamId'));
      return { ok: true };
    }),
  );
  app.post(`${base}/messages`, (req, reply) =>
    guard(reply, async () => {
      const b = json(req.body);
      const ts = await emu().postAsUser({
        teamId: need(b, 'teamId'),
        channel: need(b, 'channel'),
        user: need(b, 'user'),
        text: need(b, 'text'),
        ...(b['threadTs'] ? { threadTs: String(b['threadTs']) } : {}),
        ...(b['subtype'] ? { subtype: String(b['subtype']) } : {}),
      });
      return { ok: true, ts };
    }),
  );
  app.post(`${base}/events`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().deliverEvent(need(b, 'teamId'), (b['event'] ?? {}) as object);
    }),
  );
  app.post(`${base}/interactions`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().deliverInteraction(need(b, 'teamId'), (b['payload'] ?? {}) as object);
    }),
  );
  // A person clicking a button / using a shortcut; answers what the app answered ({status, body}).
  app.post(`${base}/interactions/click-button`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().clickButton({
        teamId: need(b, 'teamId'),
        userId: need(b, 'userId'),
        channel: need(b, 'channel'),
        messageTs: need(b, 'messageTs'),
        actionId: need(b, 'actionId'),
        ...(typeof b['value'] === 'string' ? { value: b['value'] } : {}),
      });
    }),
  );
  app.post(`${base}/interactions/message-shortcut`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().messageShortcut({
        teamId: need(b, 'teamId'),
        userId: need(b, 'userId'),
        channel: need(b, 'channel'),
        messageTs: need(b, 'messageTs'),
        callbackId: need(b, 'callbackId'),
      });
    }),
  );
  app.post(`${base}/interactions/global-shortcut`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().globalShortcut({ teamId: need(b, 'teamId'), userId: need(b, 'userId'), callbackId: need(b, 'callbackId') });
    }),
  );
  // A person submitting / closing their visible modal view; answers {status, body, outcome} /
  // {closedViewIds, openViewIds, notified, status, body}.
  app.post(`${base}/interactions/submit-view`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().submitView({ teamId: need(b, 'teamId'), userId: need(b, 'userId'), viewId: need(b, 'viewId'), ...viewValues(b) });
    }),
  );
  app.post(`${base}/interactions/close-view`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      return emu().closeView({ teamId: need(b, 'teamId'), userId: need(b, 'userId'), viewId: need(b, 'viewId'), ...viewValues(b) });
    }),
  );
  // A person opening the App Home: {channel, view, event}.
  app.post(`${base}/interactions/open-app-home`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      const tab = optional(b, 'tab');
      if (tab !== undefined && tab !== 'home' && tab !== 'messages') throw new Error('"tab" must be "home" or "messages"');
      return emu().openAppHome({ teamId: need(b, 'teamId'), userId: need(b, 'userId'), ...(tab ? { tab } : {}) });
    }),
  );
  // What a person sees: ?teamId=…&userId=… → {view} (Home tab or null) / {views} (modal stack, top last).
  app.get(`${base}/views/home`, (req, reply) =>
    guard(reply, () => {
      const q = req.query as Record<string, unknown>;
      return { view: emu().homeView(need(q, 'teamId'), need(q, 'userId')) };
    }),
  );
  app.get(`${base}/views/open`, (req, reply) =>
    guard(reply, () => {
      const q = req.query as Record<string, unknown>;
      return { views: emu().openViews(need(q, 'teamId'), need(q, 'userId')) };
    }),
  );
  app.post(`${base}/url-verification`, (_req, reply) => guard(reply, () => emu().sendUrlVerification()));
  app.post(`${base}/approve-install`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      // {authorizeUrl, userId} and teamId (a workspace) or enterpriseId (org-wide), not both.
      if (b['teamId'] !== undefined && b['enterpriseId'] !== undefined)
        throw new Error('give "teamId" (a workspace install) or "enterpriseId" (org-wide), not both');
      const target = b['enterpriseId'] !== undefined ? { enterpriseId: need(b, 'enterpriseId') } : { teamId: need(b, 'teamId') };
      return { location: emu().approveInstall(need(b, 'authorizeUrl'), { ...target, userId: need(b, 'userId') }) };
    }),
  );
  app.post(`${base}/config`, (req, reply) =>
    guard(reply, () => {
      const b = json(req.body);
      if (typeof b['eventsUrl'] === 'string') emu().setEventsUrl(b['eventsUrl']);
      if (typeof b['interactivityUrl'] === 'string') emu().setInteractivityUrl(b['interactivityUrl']);
      return { ok: true };
    }),
  );
  // A response_url target: records what the app sent, answers as Slack does.
  app.post<{ Params: { id: string } }>(`${base}/response-url/:id`, async (req) => {
    state.calls.push({
      seq: ++state.seq.call,
      at: now(),
      method: 'response_url',
      teamId: null,
      params: (() => {
        try {
          return json(req.body);
        } catch {
          return { raw: req.body };
        }
      })(),
      httpStatus: 200,
      response: { ok: true },
    });
    return { ok: true };
  });
}
