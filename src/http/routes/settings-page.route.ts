// GET /settings/:orgId: the Slack integration settings page (src/http/pages/settings-page.ts).
// The page holds no data; everything it shows comes from the admin API with the admin token.
import type { FastifyInstance } from 'fastify';
import { settingsPage } from '../pages/settings-page.ts';

export function registerSettingsPageRoute(app: FastifyInstance): void {
  app.get<{ Params: { orgId: string } }>(
    '/settings/:orgId',
    { schema: { params: { type: 'object', required: ['orgId'], properties: { orgId: { type: 'string', minLength: 1, maxLength: 200 } } } } },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        // The token travels in the URL fragment; keep it out of Referer headers too.
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(settingsPage(request.params.orgId)),
  );
}
