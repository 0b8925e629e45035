// The Slack emulator: a Fastify server faithful to Slack's Web API, Events API, interactivity
// and OAuth v2 for one app, with a programmatic and /_emulator/ HTTP control surface.

import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import { createAppEvents } from './app-events.ts';
import { registerControlRoutes } from './control-routes.ts';
import { createDeliverer } from './event-delivery.ts';
import { triggerId } from './ids.ts';
import { createInteractions } from './interactions.ts';
import { DEFAULT_MANIFEST, manifestConfig } from './manifest.ts';
import type { AppConfig, MethodTable } from './method-types.ts';
import { authMethods } from './methods/auth-test.ts';
import { chatMethods } from './methods/chat.ts';
import { conversationsMethods } from './methods/conversations.ts';
import { reactionsMethods } from './methods/reactions.ts';
import { usersMethods } from './methods/users.ts';
import { viewsMethods } from './methods/views.ts';
import { AuthorizeError, createOAuth, parseAuthorize } from './oauth.ts';
import { registerOAuthRoutes } from './oauth-routes.ts';
import { createRateLimiter, type RateLimiter } from './rate-limits.ts';
import { createState, installFor, inTeam, openIm } from './state.ts';
import type { SlackEmulator, SlackEmulatorOptions } from './types.ts';
import { registerWebApi } from './web-api-routes.ts';
import { createWorld } from './world.ts';

export type {
  AppHomeOpenedResult,
  Channel,
  ChannelInput,
  Enterprise,
  ClickButtonInput,
  CloseViewInput,
  CloseViewResult,
  DeliveryResult,
  GlobalShortcutInput,
  Installation,
  MessageShortcutInput,
  OpenAppHomeInput,
  PostAsUserInput,
  Reaction,
  RecordedCall,
  RecordedDelivery,
  SlackEmulator,
  SlackEmulatorOptions,
  StoredMessage,
  SubmitViewInput,
  SubmitViewResult,
  Team,
  User,
  UserChanges,
  UserInput,
  ViewSubmissionFailure,
  ViewSubmissionOutcome,
  ViewValuesInput,
} from './types.ts';
export { checkChannelName, MAX_CHANNEL_NAME } from './world.ts';
export {
  DEFAULT_BOT_SCOPES,
  DEFAULT_MANIFEST,
  EMULATED_BOT_EVENTS,
  manifestConfig,
  readManifestFile,
} from './manifest.ts';
export type { AppManifestConfig, SlackAppManifest } from './manifest.ts';
export { signature } from './signing.ts';

export const METHODS: MethodTable = {
  ...authMethods,
  ...chatMethods,
  ...conversationsMethods,
  ...reactionsMethods,
  ...usersMethods,
  ...viewsMethods,
};

/** Admits every call: `rateLimits: false`, for throughput benchmarks only. */
const unlimited: RateLimiter = { admit: () => ({ ok: true }), reset: () => undefined };

const DEFAULT_RETRY_DELAYS_MS = [0, 60_000, 300_000];

function checkOptions(opts: SlackEmulatorOptions): void {
  for (const key of ['signingSecret', 'clientId', 'clientSecret'] as const) {
    if (typeof opts[key] !== 'string' || opts[key] === '') throw new Error(`startSlackEmulator: option "${key}" is required`);
  }
  if (opts.eventRetryDelaysMs?.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error('startSlackEmulator: "eventRetryDelaysMs" must be non-negative numbers');
  }
  if (opts.eventResponseTimeoutMs !== undefined && !(opts.eventResponseTimeoutMs > 0)) {
    throw new Error('startSlackEmulator: "eventResponseTimeoutMs" must be positive');
  }
}

export async function startSlackEmulator(opts: SlackEmulatorOptions): Promise<SlackEmulator> {
  checkOptions(opts);
  const appConfig = opts.manifest === undefined ? manifestConfig(DEFAULT_MANIFEST, true) : manifestConfig(opts.manifest);
  const now = opts.now ?? Date.now;
  const state = createState();
  let eventsUrl = opts.eventsUrl;
  let interactivityUrl = opts.interactivityUrl;
  let baseUrl = '';
  const config: AppConfig = {
    appId: opts.appId ?? 'A0TBRIDGE1',
    appName: opts.appName ?? 'Threadbridge',
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    tokenRotation: opts.tokenRotation ?? false,
    tokenExpiresInSec: opts.tokenExpiresInSec ?? 43_200,
    now,
    baseUrl: () => baseUrl,
  };
  const deliverer = createDeliverer({
    state,
    signingSecret: opts.signingSecret,
    appId: config.appId,
    verificationToken: opts.verificationToken ?? randomBytes(12).toString('base64url'),
    retryDelaysMs: opts.eventRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    responseTimeoutMs: opts.eventResponseTimeoutMs ?? 3000,
    now,
    eventsUrl: () => eventsUrl,
    // With interactivity off in the manifest Slack has no Request URL to send interactions to.
    interactivityUrl: () => (appConfig.interactivityEnabled ? interactivityUrl : undefined),
    baseUrl: () => baseUrl,
  });
  const events = createAppEvents(state, deliverer, now, appConfig);
  const world = createWorld({
    state,
    appId: config.appId,
    appName: config.appName,
    tokenRotation: config.tokenRotation,
    tokenExpiresInSec: config.tokenExpiresInSec,
    now,
    events,
    app: appConfig,
  });
  const oauth = createOAuth(state, config, world);
  const interactions = createInteractions({ state, deliverer, events, now, baseUrl: () => baseUrl, app: appConfig });
  const limiter = opts.rateLimits === false ? unlimited : createRateLimiter(now);

  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
  // Every body is kept as text: the Web API must see form and JSON exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  registerWebApi(app, { state, config, events, methods: METHODS, oauth, limiter });
  registerOAuthRoutes(app, state, config, oauth, appConfig.orgDeployEnabled);

  const emulator: SlackEmulator = {
    url: '',
    apiUrl: '',
    authorizeUrl: '',
    setEventsUrl: (u) => {
      eventsUrl = u;
    },
    setInteractivityUrl: (u) => {
      interactivityUrl = u;
    },
    createEnterprise: world.createEnterprise,
    createTeam: world.createTeam,
    addUserToTeam: world.addUserToTeam,
    createUser: world.createUser,
    seedUsers: world.seedUsers,
    updateUser: world.updateUser,
    createChannel: world.createChannel,
    seedChannels: world.seedChannels,
    renameChannel: world.renameChannel,
    addToChannel: world.addToChannel,
    removeFromChannel: world.removeFromChannel,
    archiveChannel: world.archiveChannel,
    unarchiveChannel: world.unarchiveChannel,
    deleteChannel: world.deleteChannel,
    install: world.install,
    installOrg: world.installOrg,
    approveInstall(authorizeRedirect, input) {
      const query = new URL(authorizeRedirect).searchParams;
      const parsed = parseAuthorize(query, config);
      const target = 'enterpriseId' in input ? input.enterpriseId : input.teamId;
      if (parsed.team && parsed.team !== target) throw new AuthorizeError(`authorize URL is for team ${parsed.team}`);
      return 'enterpriseId' in input ? oauth.approveOrg(parsed, input.enterpriseId, input.userId) : oauth.approve(parsed, input.teamId, input.userId);
    },
    grantTeamAccess: world.grantTeamAccess,
    revokeTeamAccess: world.revokeTeamAccess,
    shareChannel: world.shareChannel,
    uninstall: world.uninstall,
    deleteTeam(teamId) {
      const t = state.teams.get(teamId);
      if (!t) throw new Error(`unknown team ${teamId}`);
      t.deleted = true;
    },
    postAsUser: async (input) => world.postAsUser(input),
    editAsUser: async (input) => world.editAsUser(input),
    deleteAsUser: async (input) => world.deleteAsUser(input),
    deliverEvent: (teamId, event) => deliverer.deliverEvent(teamId, event as Record<string, unknown>),
    deliverInteraction: (teamId, payload) => deliverer.deliverInteraction(teamId, payload as Record<string, unknown>),
    clickButton: (input) => interactions.clickButton(input),
    messageShortcut: (input) => interactions.messageShortcut(input),
    globalShortcut: (input) => interactions.globalShortcut(input),
    submitView: (input) => interactions.submitView(input),
    closeView: (input) => interactions.closeView(input),
    openAppHome: (input) => interactions.openAppHome(input),
    homeView: (teamId, userId) => interactions.homeView(teamId, userId),
    openViews: (teamId, userId) => interactions.openViews(teamId, userId),
    sendUrlVerification: () => deliverer.sendUrlVerification(),
    openAppDm(teamId, userId) {
      // The workspace's own install, or the org-wide one granted the workspace.
      const inst = installFor(state, teamId);
      if (!inst) throw new Error(`app is not installed on ${teamId}`);
      const u = state.users.get(userId);
      if (!u || !inTeam(u, teamId)) throw new Error(`unknown user ${userId} in ${teamId}`);
      return openIm(state, teamId, userId, inst.botUserId, now()).channel;
    },
    issueTriggerId(teamId, userId) {
      const id = triggerId();
      state.triggers.set(id, { id, teamId, userId, issuedAt: now(), used: false });
      return id;
    },
    calls: (filter) => state.calls.filter((c) => (!filter?.method || c.method === filter.method) && (!filter?.teamId || c.teamId === filter.teamId)),
    deliveries: () => [...state.deliveries],
    messages: (channelId) =>
      (state.messages.get(channelId) ?? [])
        .filter((m) => !m.deleted)
        .map((m) => ({
          ...m,
          ...(m.reactions ? { reactions: m.reactions.map((r) => ({ ...r, users: [...r.users] })) } : {}),
        })),
    workspace: (teamId) => ({
      users: [...state.users.values()].filter((u) => inTeam(u, teamId)).map((u) => ({ ...u })),
      channels: [...state.channels.values()]
        .filter((c) => c.teamId === teamId || (c.sharedTeamIds?.includes(teamId) ?? false))
        .map((c) => ({ ...c, members: new Set(c.members) })),
    }),
    resetRateLimits: () => limiter.reset(),
    idle: () => deliverer.idle(),
    async close() {
      await deliverer.close();
      await app.close();
    },
  };
  registerControlRoutes(app, state, now, () => emulator);

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  baseUrl = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  emulator.url = baseUrl;
  emulator.apiUrl = `${baseUrl}/api/`;
  emulator.authorizeUrl = `${baseUrl}/oauth/v2/authorize`;
  return emulator;
}
