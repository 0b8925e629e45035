// The README is the front door and docs/ the rooms behind it: a link that leads nowhere strands a
// reader, and moving or renaming a file or a heading breaks links silently. So every relative link
// in README.md and docs/**/*.md must reach a file that exists and, for `#anchor` links into
// markdown, a heading of that file, named as GitHub names it; and every repository path they quote
// as code must name a file that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function markdownFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(`${dir}/${e.name}`) : e.name.endsWith('.md') ? [`${dir}/${e.name}`] : [],
  );
}

const documents = ['README.md', ...markdownFiles('docs')];

/** The text outside fenced code blocks, line by line; a link or heading inside one is code. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces to '-'; repeats get -1, -2, … */
function headingSlugs(text: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

function slug(heading: string): string {
  const visible = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
  return visible
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every link target in a document's prose: inline links and images, and reference definitions. */
function linkTargets(text: string): string[] {
  return proseLines(text).flatMap((line) => {
    const prose = line.replace(/`[^`]*`/g, '');
    const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(prose)?.[1];
    return definition === undefined ? inline : [...inline, definition];
  });
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** What is wrong with a relative link from `from`, or null when it leads somewhere. */
function brokenBecause(from: string, target: string): string | null {
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? from : pathPart.startsWith('/') ? pathPart.slice(1) : relative(root, join(root, dirname(from), decodeURIComponent(pathPart)));
  if (path.startsWith('..')) return 'leads outside the repository';
  if (!existsSync(join(root, path))) return `${path} does not exist`;
  if (anchor !== undefined && path.endsWith('.md') && !headingSlugs(read(path)).has(anchor.toLowerCase())) return `${path} has no heading #${anchor}`;
  return null;
}

describe('links in README.md and docs/', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug("When things go wrong: Slack's limits, outages, dead letters, faults")).toBe('when-things-go-wrong-slacks-limits-outages-dead-letters-faults');
    expect(slug('Bull Board, health and metrics')).toBe('bull-board-health-and-metrics');
    expect(slug('The `store_access` paths — 2 of them')).toBe('the-store_access-paths--2-of-them');
    expect([...headingSlugs('# A\n## Notes\n```\n## Not a heading\n```\n### Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('all lead to a file that exists and, for #anchors into markdown, to one of its headings', () => {
    const links = documents.flatMap((from) =>
      linkTargets(read(from))
        .filter((t) => !isExternal(t))
        .map((target) => ({ from, target })),
    );
    expect(links.length).toBeGreaterThan(10);
    const broken = links.flatMap(({ from, target }) => {
      const why = brokenBecause(from, target);
      return why === null ? [] : [`${from}: (${target}) ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('name, in code, only files of the repository that exist (src/…, test/…, docs/…)', () => {
    // A path quoted as code (`test/slack/x.test.ts`) is how these pages point at code; a moved
    // file leaves it naming nothing. Globs and placeholders (`*`, `<…>`, `…`) are patterns, not paths.
    const quoted = documents.flatMap((from) =>
      proseLines(read(from)).flatMap((line) =>
        [...line.matchAll(/`((?:src|test|docs|emulators|sandbox|scripts|bench|tools|local-services)\/[^`\s]+)`/g)].map((m) => ({ from, path: m[1]! })),
      ),
    );
    expect(quoted.length).toBeGreaterThan(20);
    const missing = quoted.filter(({ path }) => !/[*<>…{}]/.test(path) && !existsSync(join(root, path.replace(/[:#].*$/, '').replace(/\/$/, ''))));
    expect(missing.map(({ from, path }) => `${from}: ${path}`)).toEqual([]);
  });

  it('include, from README.md, every page of docs/reference/', () => {
    const linked = new Set(linkTargets(read('README.md')).map((t) => t.split('#')[0]));
    const unlinked = markdownFiles('docs/reference').filter((page) => !linked.has(page));
    expect(unlinked).toEqual([]);
  });
});
