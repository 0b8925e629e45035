// The layers of src/, lowest first: a module imports only from its own layer or lower ones, so a
// reader knows from a file's folder what it may depend on (README, "How it fits together").
// Routing stays pure (no I/O packages, nothing outside itself), and the web process hands work to
// the workers through the queues, never by calling a worker's code. The table names every file;
// a new folder must be placed in it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Path prefixes (relative to the repo) and their layer; the longest matching prefix decides. */
const layers: Array<[prefix: string, layer: number, what: string]> = [
  ['src/routing/', 0, 'pure decisions'],
  ['src/errors/', 0, 'every error class and the HTTP error catalogue'],
  ['src/parse-json.ts', 0, 'base utilities'],
  ['src/config.ts', 0, 'base utilities'],
  ['src/logger.ts', 0, 'base utilities'],
  ['src/shutdown.ts', 0, 'base utilities'],
  ['src/redis-connection.ts', 0, 'base utilities'],
  ['src/metrics-access.ts', 0, 'base utilities'],
  ['src/crypto/', 0, 'base utilities'],
  ['src/locks/', 1, 'Redis locks'],
  ['src/platform/', 1, 'the chat platform’s client and webhook schemas'],
  ['src/slack/', 2, 'the Slack client, its budgets and message formats'],
  ['src/store/', 3, 'MongoDB repositories'],
  ['src/installations/', 4, 'bot tokens: rotation and memo (store and Slack)'],
  ['src/directory/', 4, 'the channel and user directory (Redis cache, lookups)'],
  ['src/queues/', 5, 'queue contracts: names, payloads, producer, what a job failure becomes, dead letters'],
  ['src/conversations/', 6, 'the conversation domain'],
  ['src/directory-sync/', 6, 'keeping directories in step with Slack'],
  ['src/jobs/', 7, 'workers and processors'],
  ['src/http/', 7, 'the web process'],
];

function layerOf(file: string): [prefix: string, layer: number] | undefined {
  const match = layers.filter(([prefix]) => file === prefix || file.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
  return match ? [match[0], match[1]] : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

/** Every module a file imports or re-exports: relative ones resolved to repo paths, packages by name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(root, normalize(join(root, dirname(file), s))) : s));
}

const files = sourceFiles('src');
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

describe('layering of src/', () => {
  it('places every source file in a layer', () => {
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  it('imports only from the same layer or lower ones', () => {
    const upward = edges
      .filter(({ to }) => to.startsWith('src/'))
      .filter(({ from, to }) => layerOf(to)![1] > layerOf(from)![1])
      .map(({ from, to }) => `${from} (layer ${layerOf(from)![1]}) imports ${to} (layer ${layerOf(to)![1]})`);
    expect(upward).toEqual([]);
  });

  it('keeps routing pure: nothing outside src/routing but zod', () => {
    const outside = edges.filter(({ from, to }) => from.startsWith('src/routing/') && !to.startsWith('src/routing/') && to !== 'zod');
    expect(outside).toEqual([]);
  });

  it('has the web process queue work for the workers, never run a worker’s code', () => {
    const runners = (to: string) => to.startsWith('src/jobs/') && layerOf(to)![1] === 7;
    expect(edges.filter(({ from, to }) => from.startsWith('src/http/') && runners(to))).toEqual([]);
    expect(edges.filter(({ from, to }) => from.startsWith('src/jobs/') && to.startsWith('src/http/'))).toEqual([]);
  });
});
