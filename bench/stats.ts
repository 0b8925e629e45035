// Percentile summaries of latency samples, shared by the benchmarks.

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const round = (n: number) => Math.round(n * 10) / 10;
/** a / b to two decimals: a ratio compared with a target such as 0.8 must not be rounded up to it. */
export const ratioOf = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? NaN) };
}
