// First-response times as a fixed-bucket histogram: counts per bucket add up across days, groups
// and workers (a sum of stored counts, never a scan of chats), and a percentile is read back as
// the upper bound of the bucket it falls in.
//
// Buckets end at 1, 2, 3, 4 s, then each bound is the last one × 1.25 rounded down, up to 7 days:
// a percentile is at most 1 s or 25 % above the true value, whichever is more, and never below
// it (a first response beyond 7 days is counted in the last bucket and read as 7 days).

const LAST_BOUND_SECONDS = 7 * 24 * 3600;

function buildBounds(): number[] {
  const bounds: number[] = [];
  for (let bound = 1; bound < LAST_BOUND_SECONDS; bound = Math.max(bound + 1, Math.floor(bound * 1.25))) bounds.push(bound);
  bounds.push(LAST_BOUND_SECONDS);
  return bounds;
}

/** Each bucket's upper bound in seconds, ascending; bucket i holds (bounds[i-1], bounds[i]]. */
export const FIRST_RESPONSE_BOUNDS: readonly number[] = buildBounds();

export const PERCENTILE_ERROR =
  'at most 1 s or 25 % above the true value, whichever is more, never below it (a first response beyond 7 days is shown as 7 days)';

/** Counts by bucket index; buckets without chats are absent (stored as is, so keys are strings). */
export type Histogram = Record<string, number>;

export function bucketOf(seconds: number): number {
  const index = FIRST_RESPONSE_BOUNDS.findIndex((bound) => seconds <= bound);
  return index === -1 ? FIRST_RESPONSE_BOUNDS.length - 1 : index;
}

export function addToHistogram(histogram: Histogram, seconds: number, count = 1): void {
  const key = String(bucketOf(seconds));
  histogram[key] = (histogram[key] ?? 0) + count;
}

export function mergeHistograms(into: Histogram, from: Histogram): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/**
 * The p-th percentile (0 < p ≤ 1) as the upper bound of its bucket: the smallest bound with at
 * least ceil(p × n) of the n values at or below it. Null for an empty histogram.
 */
export function percentile(histogram: Histogram, p: number): number | null {
  const buckets = Object.entries(histogram)
    .map(([key, count]) => [Number(key), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [index, count] of buckets) {
    seen += count;
    if (seen >= rank) return FIRST_RESPONSE_BOUNDS[index] ?? LAST_BOUND_SECONDS;
  }
  return LAST_BOUND_SECONDS;
}
