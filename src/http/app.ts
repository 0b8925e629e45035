// Builds the Fastify app of the web process: raw-body parsing for signed webhooks, the error
// catalogue, rate limits, and the routes. No listening here, so tests use app.inject or listen
// on port 0 themselves.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { HttpDeps } from './http-deps.ts';
import { registerRawBodyParsers } from './signed-body.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { registerChatWebhookRoute } from './routes/chat-webhooks.route.ts';
import { registerSlackEventsRoute } from './routes/slack-events.route.ts';
import { registerSlackOAuthRoutes } from './routes/slack-oauth.route.ts';
import { registerSlackInteractionsRoute } from './routes/slack-interactions.route.ts';
import { registerHealthRoutes } from './routes/health.route.ts';
import { registerMetricsRoute } from './routes/metrics.route.ts';
import { registerBullBoard } from './bull-board.ts';
import { registerAdminDirectoryRoutes } from './admin/directory.route.ts';
import { registerAdminSettingsRoutes } from './admin/settings.route.ts';
import { registerAdminAgentRoutes } from './admin/agents.route.ts';
import { registerSettingsPageRoute } from './routes/settings-page.route.ts';

export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, trustProxy: true });
  registerRawBodyParsers(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Only routes that opt in are limited: Slack and the platform must never be throttled here.
  await app.register(rateLimit, { global: false });

  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerChatWebhookRoute(app, deps);
  registerSlackEventsRoute(app, deps);
  registerSlackOAuthRoutes(app, deps);
  registerSlackInteractionsRoute(app, deps);
  if (deps.admin) {
    // The admin API's OpenAPI description, generated from the route schemas (tagged 'admin').
    await app.register(swagger, {
      hideUntagged: true,
      openapi: {
        info: { title: 'Threadbridge admin API', version: '1', description: 'Connect Slack and configure an org: settings, agent mapping, routing groups, the channel and user directory. Errors are `{ error: { code, message, field? } }`.' },
        components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN' } } },
      },
    });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    registerAdminDirectoryRoutes(app, deps, deps.admin);
    registerAdminSettingsRoutes(app, deps, deps.admin);
    registerAdminAgentRoutes(app, deps, deps.admin);
    registerSettingsPageRoute(app);
  }
  if (deps.bullBoard) await registerBullBoard(app, deps.bullBoard.queues, deps.bullBoard);
  return app;
}
