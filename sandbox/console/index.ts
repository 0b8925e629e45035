// The sandbox console (http://localhost:3999/ by default): a visitor's chat widget on the left and
// Slack as the emulator holds it on the right, so a newcomer can play both sides by clicking.
// It is a view over the two emulators' state and an interface to their control APIs, nothing
// more: no product logic lives here and nothing the product or its tests rely on. Every button
// goes through the same emulator call a test would make (a click through slack.clickButton reaches
// the product's signed interactivity ingress, a visitor's message becomes the platform's webhook).
import Fastify, { type FastifyError, type FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { readManifestFile, type SlackEmulator } from '../../emulators/slack/index.ts';
import { PRODUCT_MANIFEST_URL } from '../product-env.ts';
import { registerConsoleActions } from './actions.ts';
import { consoleState, type StateQuery } from './state-view.ts';
import { refuse, textField } from './input.ts';

export interface SandboxConsoleInput {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  orgId: string;
  teamId: string;
  port: number;
  host?: string;
  /** A fresh link to the org's settings page (a launch link is good once), for the header's link. */
  settingsLink?: () => string;
}

export interface SandboxConsole {
  url: string;
  close(): Promise<void>;
}

const asset = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');

/** As the product's pages: no inline script or style, nothing from elsewhere, no framing, no Referer. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startSandboxConsole(input: SandboxConsoleInput): Promise<SandboxConsole> {
  const { slack, platform, orgId, teamId } = input;
  const shortcuts = (readManifestFile(PRODUCT_MANIFEST_URL).features?.shortcuts ?? [])
    .filter((s) => s.type === 'message')
    .map((s) => ({ callbackId: s.callback_id, name: s.name ?? s.callback_id }));
  const files = { html: asset('console.html'), js: asset('console.js'), css: asset('console.css') };

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((error: FastifyError, _req, reply) => sendError(reply, error));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No ${req.method} ${req.url.split('?')[0]} here: the console serves / and /api/…` } }),
  );

  const send = (reply: FastifyReply, type: string, body: string) => reply.headers(PAGE_HEADERS).type(type).send(body);
  app.get('/', (_req, reply) => send(reply, 'text/html; charset=utf-8', files.html));
  app.get('/console.js', (_req, reply) => send(reply, 'text/javascript; charset=utf-8', files.js));
  app.get('/console.css', (_req, reply) => send(reply, 'text/css; charset=utf-8', files.css));
  app.get('/settings', (_req, reply) => {
    if (!input.settingsLink) return reply.code(404).send({ error: { code: 'not_found', message: 'This console was started without a settings link.' } });
    return reply.redirect(input.settingsLink());
  });

  app.get('/api/state', (req) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(query))
      if (!['user', 'channel', 'conversation'].includes(key)) refuse(key, 'is not a parameter of /api/state (user, channel, conversation)');
    const q: StateQuery = {
      user: textField(query, 'user', { required: false }),
      channel: textField(query, 'channel', { required: false }),
      conversation: textField(query, 'conversation', { required: false }),
    };
    return { ...consoleState({ slack, platform, orgId, teamId }, q), shortcuts, settings: Boolean(input.settingsLink) };
  });
  registerConsoleActions(app, { slack, platform, orgId, teamId });

  await app.listen({ host: input.host ?? '127.0.0.1', port: input.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : input.port;
  const shownHost = input.host === undefined || input.host === '127.0.0.1' || input.host === '0.0.0.0' ? 'localhost' : input.host;
  return { url: `http://${shownHost}:${port}/`, close: () => app.close() };
}

/** Every refusal as `{ error: { code, message, field? } }`; the emulators' own refusals keep their words. */
function sendError(reply: FastifyReply, error: FastifyError & { field?: string; code?: string }): FastifyReply {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 422;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.name === 'SyntaxError') {
    return reply.code(400).send({ error: { code: 'invalid_json', message: `The body is not JSON: ${error.message}` } });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'Send JSON (content-type: application/json).' } });
  }
  if (error.statusCode === undefined) {
    // An emulator refused the action (an ended chat, a button no longer there): its message says why.
    return reply.code(422).send({ error: { code: 'refused', message: error.message } });
  }
  const code = typeof error.code === 'string' && !error.code.startsWith('FST_') ? error.code : 'invalid_request';
  return reply.code(status).send({ error: { code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
}
