// Pure text rules of the directory's search: which strings a channel or user can be found by,
// how a query is normalised, and the order matches are shown in. The Redis index
// (directory-cache.ts) stores the terms; this module decides what they are.

/** Separators Slack names use between words: `sales-emea_leads.2026` has four words. */
const WORD_BREAK = /[-_.\s]+/;

/** Lower case, no leading `#`/`@`, trimmed: what people type into a picker. */
export function normaliseQuery(query: string): string {
  return query
    .trim()
    .replace(/^[#@]+/, '')
    .trim()
    .toLowerCase();
}

/** An email as the directory compares it: trimmed, in lower case; null when there is none. */
export function normaliseEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
}

/**
 * Each later word of a name, with the rest of the name after it: `sales-emea-leads` →
 * [`emea-leads`, `leads`]. A prefix search over these finds `lea` and `emea-l`, but the name
 * itself is indexed separately (full-name prefixes rank first).
 */
export function wordSuffixes(name: string): string[] {
  const lower = name.toLowerCase();
  const out = new Set<string>();
  const re = new RegExp(WORD_BREAK.source, 'g');
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    const rest = lower.slice(m.index + m[0].length);
    if (rest) out.add(rest);
  }
  return [...out];
}

/** Terms a user is found by besides the username: the words of the display and real names. */
export function personNameTerms(...names: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const lower = name?.trim().toLowerCase();
    if (!lower) continue;
    out.add(lower);
    for (const suffix of wordSuffixes(lower)) out.add(suffix);
  }
  return [...out];
}

/** Match quality, best first. */
export type MatchRank = 0 | 1 | 2;
export const MATCH = { exact: 0, namePrefix: 1, word: 2 } as const satisfies Record<string, MatchRank>;

export interface RankedMatch {
  id: string;
  name: string;
  /** The indexed text that matched: the name, or the part of it from the matching word on. */
  term: string;
  rank: MatchRank;
}

/**
 * Best matches first: exact name, then names starting with the query, then names with a word
 * starting with it; within each, A–Z by the matched text (so `sales` comes before
 * `sales-emea`, the order the lexicographic index yields, which lets a search stop early).
 * One entry per id, at its best rank.
 */
export function orderMatches(matches: RankedMatch[]): RankedMatch[] {
  const best = new Map<string, RankedMatch>();
  for (const m of matches) {
    const seen = best.get(m.id);
    if (!seen || m.rank < seen.rank) best.set(m.id, m);
  }
  const byText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...best.values()].sort((a, b) => a.rank - b.rank || byText(a.term, b.term) || byText(a.name, b.name));
}
