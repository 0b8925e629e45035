// Ordering of held webhook deliveries on release: as queued, reversed, or a seeded shuffle.
// Seeded so a test that finds an ordering bug can replay exactly that ordering.

export type ReleaseOrder = 'as-is' | 'reverse' | 'shuffle';

/** mulberry32: tiny, deterministic, good enough to permute a test's handful of events. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function arrange<T>(items: readonly T[], order: ReleaseOrder, seed: number): T[] {
  const out = [...items];
  switch (order) {
    case 'as-is':
      return out;
    case 'reverse':
      return out.reverse();
    case 'shuffle': {
      const random = seededRandom(seed);
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    }
    default:
      return assertNever(order);
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
