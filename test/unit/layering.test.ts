// The layers of src/, lowest first: a module imports only from its own layer or lower ones, so a
// reader knows from a file's folder what it may depend on (README, "How it fits together").
// The same holds between folders: each folder sits in one layer and imports no folder of a higher
// one, and no folders import one another round in a cycle (two of one layer importing each other
// are one). Routing stays pure (no I/O packages, nothing outside itself), and the web process
// hands work to the workers through the queues, never by calling a worker's code. The table names
// every file; a new folder must be placed in it.
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
  ['src/redis-write-coalescing.ts', 0, 'base utilities'],
  ['src/redis-script.ts', 0, 'base utilities'],
  ['src/metrics-access.ts', 0, 'base utilities'],
  ['src/crypto/', 0, 'base utilities'],
  ['src/locks/', 1, 'Redis locks'],
  ['src/platform/', 1, 'the chat platform’s client and webhook schemas'],
  ['src/slack/', 2, 'the Slack client, its budgets and message formats'],
  ['src/store/', 3, 'MongoDB repositories'],
  ['src/installations/', 4, 'bot tokens: rotation and memo (store and Slack)'],
  ['src/directory/', 4, 'the channel and user directory (Redis cache, lookups, the app joining channels, changes recorded)'],
  ['src/queues/', 5, 'queue contracts: names, payloads, producer, what a job failure becomes, dead letters'],
  ['src/conversations/', 6, 'the conversation domain (and the one way it posts into Slack)'],
  ['src/directory-sync/', 6, 'keeping directories in step with Slack'],
  ['src/health/', 6, 'the facts of an org’s integration health, gathered cheaply'],
  ['src/activity/', 6, 'chats’ activity: facts recorded, per-day roll-ups, the activity report'],
  ['src/jobs/', 7, 'workers, processors and the deps the worker assembles'],
  ['src/http/', 7, 'the web process'],
  ['src/http/pages/browser/', 7, 'the pages’ scripts, run in the browser (tsconfig.browser.json)'],
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

/** Every module a file imports (for its effects too) or re-exports: relative ones resolved to repo paths, packages by name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? relative(root, normalize(join(root, dirname(file), s))) : s));
}

type Edge = { from: string; to: string };

/** A file's folder: `src/conversations/` for everything under it; a file at the top of src/ is its own. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : file;
}

/** The folders each folder imports from (itself left out), from the file-level edges within src/. */
function folderGraph(edges: Edge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!to.startsWith('src/') || folderOf(from) === folderOf(to)) continue;
    graph.set(folderOf(from), (graph.get(folderOf(from)) ?? new Set()).add(folderOf(to)));
  }
  return graph;
}

/** Folders whose files are not all in one layer, each with its layers. */
function foldersAcrossLayers(files: string[], layerOfFile: (file: string) => number): string[] {
  const seen = new Map<string, Set<number>>();
  for (const file of files) seen.set(folderOf(file), (seen.get(folderOf(file)) ?? new Set()).add(layerOfFile(file)));
  return [...seen].filter(([, found]) => found.size > 1).map(([folder, found]) => `${folder} spans layers ${[...found].sort().join(', ')}`);
}

/** Each folder-level import of a folder in a higher layer, said once per pair of folders. */
function upwardFolderImports(edges: Edge[], layerOfFile: (file: string) => number): string[] {
  const layerOfFolder = new Map(edges.flatMap(({ from, to }) => [[folderOf(from), layerOfFile(from)] as const, [folderOf(to), layerOfFile(to)] as const]));
  return [...folderGraph(edges)].flatMap(([from, tos]) =>
    [...tos]
      .filter((to) => layerOfFolder.get(to)! > layerOfFolder.get(from)!)
      .map((to) => `${from} (layer ${layerOfFolder.get(from)}) imports ${to} (layer ${layerOfFolder.get(to)})`),
  );
}

/** Every cycle of folders importing one another, each as `a → b → a`, found once. */
function folderCycles(edges: Edge[]): string[] {
  const graph = folderGraph(edges);
  const cycles = new Set<string>();
  const walk = (path: string[]) => {
    for (const next of graph.get(path.at(-1)!) ?? []) {
      if (next === path[0]) cycles.add([...path, next].join(' → '));
      // Only through folders that sort after the first, so each cycle is found from its least folder.
      else if (next > path[0]! && !path.includes(next)) walk([...path, next]);
    }
  };
  for (const folder of [...graph.keys()].sort()) walk([folder]);
  return [...cycles];
}

const files = sourceFiles('src');
const edges: Edge[] = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const inSrc = edges.filter(({ to }) => to.startsWith('src/'));

describe('layering of src/', () => {
  it('places every source file in a layer', () => {
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  it('imports only from the same layer or lower ones', () => {
    const upward = inSrc
      .filter(({ from, to }) => layerOf(to)![1] > layerOf(from)![1])
      .map(({ from, to }) => `${from} (layer ${layerOf(from)![1]}) imports ${to} (layer ${layerOf(to)![1]})`);
    expect(upward).toEqual([]);
  });

  it('keeps each folder in one layer', () => {
    expect(foldersAcrossLayers(files, (f) => layerOf(f)![1])).toEqual([]);
  });

  it('has no folder import a folder of a higher layer', () => {
    expect(upwardFolderImports(inSrc, (f) => layerOf(f)![1])).toEqual([]);
  });

  it('has no folders importing one another in a cycle', () => {
    expect(folderCycles(inSrc)).toEqual([]);
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

  it('keeps the pages’ browser scripts apart: they import nothing, and no Node module imports them', () => {
    const browser = (file: string) => file.startsWith('src/http/pages/browser/');
    expect(edges.filter(({ from, to }) => browser(from) || browser(to))).toEqual([]);
  });
});

// The folder rules above, tried on made-up folders: each must catch what it is there for.
describe('the folder rules', () => {
  const layersOf: Record<string, number> = { 'src/base/': 0, 'src/domain/': 1, 'src/sync/': 1, 'src/other/': 1, 'src/app/': 2 };
  const layer = (file: string) => layersOf[folderOf(file)] ?? 0;

  it('catch a folder importing one of a higher layer', () => {
    const made = [
      { from: 'src/domain/a.ts', to: 'src/base/b.ts' },
      { from: 'src/domain/a.ts', to: 'src/app/worker-deps.ts' },
      { from: 'src/domain/c.ts', to: 'src/app/queues.ts' },
    ];
    expect(upwardFolderImports(made, layer)).toEqual(['src/domain/ (layer 1) imports src/app/ (layer 2)']);
  });

  it('catch two folders of one layer importing each other, and a longer cycle', () => {
    expect(
      folderCycles([
        { from: 'src/domain/a.ts', to: 'src/sync/b.ts' },
        { from: 'src/sync/c.ts', to: 'src/domain/d.ts' },
      ]),
    ).toEqual(['src/domain/ → src/sync/ → src/domain/']);
    expect(
      folderCycles([
        { from: 'src/sync/a.ts', to: 'src/other/b.ts' },
        { from: 'src/other/c.ts', to: 'src/domain/d.ts' },
        { from: 'src/domain/e.ts', to: 'src/sync/f.ts' },
      ]),
    ).toEqual(['src/domain/ → src/sync/ → src/other/ → src/domain/']);
  });

  it('let a folder import one of its own layer one way, and lower ones', () => {
    const made = [
      { from: 'src/domain/a.ts', to: 'src/sync/b.ts' },
      { from: 'src/app/c.ts', to: 'src/domain/a.ts' },
      { from: 'src/domain/a.ts', to: 'src/domain/e.ts' },
    ];
    expect(upwardFolderImports(made, layer)).toEqual([]);
    expect(folderCycles(made)).toEqual([]);
  });

  it('catch a folder whose files sit in two layers', () => {
    expect(foldersAcrossLayers(['src/app/a.ts', 'src/app/queues.ts'], (f) => (f.endsWith('queues.ts') ? 1 : 2))).toEqual(['src/app/ spans layers 1, 2']);
  });
});
