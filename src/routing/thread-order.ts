// Pure decision of what a conversation's thread does next with its stored messages, so that
// messages appear in `seq` order although webhooks arrive out of order, twice, or not at all.
// A missing seq is waited for briefly, then repaired from the platform, then skipped.

export interface ThreadOrderInput {
  /** Highest seq already handled (posted or skipped); null before the first message. */
  lastSeq: number | null;
  /** Seqs of stored messages not yet handled, any order. */
  pendingSeqs: readonly number[];
  /** When the thread started waiting on the current gap, or null. */
  gapSinceMs: number | null;
  nowMs: number;
  gapWaitMs: number;
  /** True once the platform's own list was fetched for this gap: what is still missing never will be. */
  repaired: boolean;
}

export type ThreadStep =
  /** Post (or skip) this message now. `late`: it arrived after the thread moved past it;
   * `skippedSeq`: the seq given up on, because even the platform does not have it. */
  | { kind: 'handle'; seq: number; late: boolean; skippedSeq: number | null }
  | { kind: 'wait'; missingSeq: number; retryAtMs: number }
  | { kind: 'repair'; missingSeq: number }
  | { kind: 'idle' };

export function nextThreadStep(input: ThreadOrderInput): ThreadStep {
  const sorted = [...input.pendingSeqs].sort((a, b) => a - b);
  const lowest = sorted[0];
  if (lowest === undefined) return { kind: 'idle' };

  // A message at or below the cursor arrived after its gap was skipped: post it rather than lose it.
  if (input.lastSeq !== null && lowest <= input.lastSeq) return { kind: 'handle', seq: lowest, late: true, skippedSeq: null };

  // Platforms number from 1; a first message numbered 0 is accepted as the start too.
  const expected = input.lastSeq === null ? Math.min(1, lowest) : input.lastSeq + 1;
  if (lowest === expected) return { kind: 'handle', seq: lowest, late: false, skippedSeq: null };

  if (input.repaired) return { kind: 'handle', seq: lowest, late: false, skippedSeq: expected };
  const since = input.gapSinceMs ?? input.nowMs;
  const retryAtMs = since + input.gapWaitMs;
  if (input.nowMs < retryAtMs) return { kind: 'wait', missingSeq: expected, retryAtMs };
  return { kind: 'repair', missingSeq: expected };
}

/**
 * The seqs that can go out together from `fromSeq`: consecutive ones present in `pendingSeqs`,
 * at most `max`. Messages that queued up behind Slack's per-channel limit are sent as one
 * combined post rather than one per second.
 */
export function consecutiveRun(pendingSeqs: readonly number[], fromSeq: number, max: number): number[] {
  const present = new Set(pendingSeqs);
  const run: number[] = [];
  for (let seq = fromSeq; present.has(seq) && run.length < max; seq++) run.push(seq);
  return run;
}
