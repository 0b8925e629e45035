// package.json's allowScripts (npm's install-script policy, npm ≥ 11.16: advisory now, enforced
// from npm 12) names every dependency package-lock.json says has an install script, so `npm ci`
// warns about none, and allows only the two the sandbox and tests need: esbuild (tsx runs every
// TypeScript file through it) and deno (the Deno worker). The others are optional native builds
// (msgpackr-extract: msgpackr falls back to its prebuilt or JavaScript code; ssh2, cpu-features:
// testcontainers' SSH transport, unused) and protobufjs's version notice. Entries are name-only:
// the lockfile keeps no `resolved` URLs, and npm matches a pinned `pkg@1.2.3` only against one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as unknown;

const manifest = read('package.json') as { allowScripts?: Record<string, boolean | string>; engines: { node: string } };
const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean; engines?: { node?: string } }> };

function namesWithInstallScripts(): string[] {
  const names = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

describe('install scripts', () => {
  it('allowScripts decides for every dependency with an install script, and for no other', () => {
    expect(Object.keys(manifest.allowScripts ?? {}).sort()).toEqual(namesWithInstallScripts());
  });

  it('allows only esbuild and deno, by name', () => {
    const allowed = Object.entries(manifest.allowScripts ?? {}).filter(([, allow]) => allow !== false);
    expect(Object.fromEntries(allowed)).toEqual({ deno: true, esbuild: true });
  });

  it("package-lock.json's root engines are package.json's", () => {
    expect(lock.packages['']?.engines).toEqual(manifest.engines);
  });
});
