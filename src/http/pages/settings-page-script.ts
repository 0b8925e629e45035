// The settings page's script as the web process serves it (/assets/settings-page.js): the
// JavaScript of browser/settings-page.ts, a TypeScript file tsconfig.browser.json checks against
// the DOM. Two ways to run the web process, one way each to get that JavaScript:
// - built (`npm run build`: the Dockerfile, Heroku's heroku-postbuild, then `node dist/...`): the
//   build's second tsc run (tsconfig.browser.json) writes dist/src/http/pages/browser/settings-page.js
//   next to this module's own dist copy; it is read at start, so a build without it fails to start
//   rather than serve a page that does nothing. Production needs no compiler.
// - from source (tsx, vitest: the tests and the sandbox run the .ts files, no build step): the
//   source's types are stripped by esbuild, once, on first use (a test process that never serves
//   the page does not pay for it). esbuild is a dependency of its own (tsx, which runs the
//   .ts files in production from source, uses it too, as does vitest's vite). Preferred to typescript's
//   transpileModule (a devDependency, and a second or more to load in each test process) and to
//   Node's own type stripping (not in every Node the tests run on).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const fromSource = import.meta.url.endsWith('.ts');

const built = fromSource ? null : readFileSync(new URL('./browser/settings-page.js', import.meta.url), 'utf8');
let transpiled: string | undefined;

/** The script's JavaScript, the same for every request. */
export function settingsPageScript(): string {
  if (built !== null) return built;
  transpiled ??= transpileSource();
  return transpiled;
}

function transpileSource(): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const source = readFileSync(new URL('./browser/settings-page.ts', import.meta.url), 'utf8');
  // Types stripped, nothing else: no module wrapper (a classic script), the syntax as written.
  return esbuild.transformSync(source, { loader: 'ts', sourcefile: 'settings-page.ts', target: 'es2022' }).code;
}
