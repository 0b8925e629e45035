// The pages' script and styles as files of Threadbridge's own origin: the pages'
// Content-Security-Policy allows no inline script or style.
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
    app.get(`/assets/${name}`, { helmet: pageHeaders }, async (_request, reply) =>
      // Revalidated on each load, so a deploy's new script is picked up at once.
      reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(asset.body()),
    );
  }
}
