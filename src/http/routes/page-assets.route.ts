// The pages' script and styles as files of Threadbridge's own origin: the pages'
// Content-Security-Policy allows no inline script or style. Each at a fixed path, revalidated on
// each load (no-cache) against an ETag of its content, so a deploy's new script is picked up at
// once and an unchanged one costs a 304.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pageHeaders } from '../pages/page-headers.ts';
import { RESULT_PAGE_CSS } from '../pages/result-page.ts';
import { SETTINGS_PAGE_CSS } from '../pages/settings-page-style.ts';
import { settingsPageScript } from '../pages/settings-page-script.ts';

const CSS = 'text/css; charset=utf-8';
const ASSETS: Record<string, { type: string; body: () => string }> = {
  'result-page.css': { type: CSS, body: () => RESULT_PAGE_CSS },
  'settings-page.css': { type: CSS, body: () => SETTINGS_PAGE_CSS },
  'settings-page.js': { type: 'text/javascript; charset=utf-8', body: settingsPageScript },
};

/** `withSettingsPage`: the settings page's files too (served only where the page is). */
export function registerPageAssets(app: FastifyInstance, withSettingsPage: boolean): void {
  for (const [name, asset] of Object.entries(ASSETS)) {
    if (!withSettingsPage && name.startsWith('settings-page')) continue;
    let served: { body: string; etag: string } | undefined;
    app.get(`/assets/${name}`, { helmet: pageHeaders }, async (request, reply) => {
      served ??= withEtag(asset.body());
      const { body, etag } = served;
      reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').header('etag', etag);
      const known = request.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag);
      return known ? reply.status(304).send() : reply.send(body);
    });
  }
}

function withEtag(body: string): { body: string; etag: string } {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
