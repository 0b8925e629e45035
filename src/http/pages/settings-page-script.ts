// The settings page's script as the web process serves it (/assets/settings-page.js): the
// JavaScript of browser/health-section.ts, browser/activity-section.ts, browser/digest-section.ts,
// browser/shared-channels.ts, then browser/settings-page.ts, one classic script (they share their top-level names), TypeScript files tsconfig.browser.json checks against the DOM.
// Two ways to run the web process, one way each to get that JavaScript:
// - built (`npm run build`: the Dockerfile, Heroku's heroku-postbuild, then `node dist/...`): the
//   build's second tsc run (tsconfig.browser.json) writes their .js into dist/src/http/pages/browser/
//   next to this module's own dist copy; they are read at start, so a build without them fails to
//   start rather than serve a page that does nothing. Production needs no compiler.
// - from source (tsx, vitest: the tests and the sandbox run the .ts files, no build step): the
//   source's types are stripped by esbuild, once, on first use (a test process that never serves
//   the page does not pay for it). esbuild is a dependency of its own (tsx, which runs the
//   .ts files in production from source, uses it too, as does vitest's vite). Preferred to typescript's
//   transpileModule (a devDependency, and a second or more to load in each test process) and to
//   Node's own type stripping (not in every Node the tests run on).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const fromSource = import.meta.url.endsWith('.ts');

/** In this order: the sections' files wire only their own buttons and fields at the top level; settings-page.ts then starts the page. */
const PARTS = ['health-section', 'activity-section', 'digest-section', 'shared-channels', 'settings-page'];

const built = fromSource ? null : PARTS.map((part) => readFileSync(new URL(`./browser/${part}.js`, import.meta.url), 'utf8')).join('\n');
let transpiled: string | undefined;

/** The script's JavaScript, the same for every request. */
export function settingsPageScript(): string {
  if (built !== null) return built;
  transpiled ??= transpileSource();
  return transpiled;
}

function transpileSource(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  return PARTS.map((part) => {
    const source = readFileSync(new URL(`./browser/${part}.ts`, import.meta.url), 'utf8');
    // Types stripped, nothing else: no module wrapper (a classic script), the syntax as written.
    return esbuild.transformSync(source, { loader: 'ts', sourcefile: `${part}.ts`, target: 'es2022' }).code;
  }).join('\n');
}
