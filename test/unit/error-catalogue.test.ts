// The error catalogue and what the app answers stay in step, as Fastify's errors test keeps its
// catalogue and docs: each key is its code, every code an HTTP answer carries (the catalogue's,
// and any written inline in a JSON error body by the web's routes or the worker's metrics server)
// is in the catalogue and in the Error codes list (docs/reference/errors.md), and that list names
// nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errors } from '../../src/errors/index.ts';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const sorted = (codes: Iterable<string>) => [...new Set(codes)].sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
}

/** The files that write HTTP answers: the web process and the worker's metrics server. */
const answeringFiles = [...sourceFiles('src/http'), 'src/jobs/worker-metrics.ts'];

/** Every `code: '…'` literal in those files, i.e. a code sent without going through the catalogue. */
function inlineCodes(): Array<{ file: string; code: string }> {
  return answeringFiles.flatMap((file) => [...read(file).matchAll(/\bcode:\s*(['"`])([^'"`]+)\1/g)].map((m) => ({ file, code: m[2]! })));
}

/** The Error codes table (docs/reference/errors.md): code and status of each row. */
function listedRows(): Array<{ code: string; status: string }> {
  const list = read('docs/reference/errors.md');
  expect(list).toContain('\n| code | status | meaning |\n');
  return list
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const cells = row.split('|').map((cell) => cell.trim());
      return { code: /^`([a-z_]+)`$/.exec(cells[1]!)?.[1] ?? cells[1]!, status: cells[2]! };
    });
}

const catalogued: string[] = Object.values(errors).map((e) => e.code);

describe('error catalogue', () => {
  it('keys every entry by its code, each code once', () => {
    for (const [key, definition] of Object.entries(errors)) expect(definition.code, key).toBe(key);
    expect(new Set(catalogued).size).toBe(catalogued.length);
  });

  it('has every code the web and the worker metrics server send inline', () => {
    expect(answeringFiles).toContain('src/http/error-handler.ts');
    const missing = inlineCodes().filter(({ code }) => !catalogued.includes(code));
    expect(missing).toEqual([]);
  });

  it('is listed in docs/reference/errors.md, which lists no code the catalogue lacks', () => {
    const rows = listedRows();
    expect(rows.length).toBeGreaterThan(0);
    const listed = rows.map((r) => r.code);
    expect(new Set(listed).size).toBe(listed.length);
    expect(sorted(listed)).toEqual(sorted([...catalogued, ...inlineCodes().map((c) => c.code)]));
  });

  it('gives each code in docs/reference/errors.md the status the catalogue answers it with', () => {
    const statusOf = new Map<string, string>(Object.values(errors).map((e) => [e.code, String(e.statusCode)]));
    // bad_request carries the status of Fastify's own 4xx error, whatever it is.
    const mismatched = listedRows().filter(({ code, status }) => (code === 'bad_request' ? status !== '4xx' : status !== statusOf.get(code)));
    expect(mismatched).toEqual([]);
  });
});
