// failNextApiCalls(): make the next N matching REST calls fail (or every one for a while: the
// platform down), to exercise the product's retry paths. A fault either rejects the call before
// it runs, or (afterProcessing) runs it and loses the answer.

import { codeForStatus } from './errors.ts';

export interface FaultInput {
  method: string;
  pathPattern: RegExp;
  status: number;
  /** How many matching calls fail; with `forMs`, ignored (give 1). */
  times: number;
  /** Every matching call fails for this long from now, however many there are (an outage). */
  forMs?: number;
  retryAfterSeconds?: number;
  /** Run the request, then answer with the failure anyway: the "done but the answer was lost" case. */
  afterProcessing?: boolean;
  /** Error code in the body; default: the catalogue's code for the status (503 → service_unavailable, …). */
  code?: string;
}

export interface Fault {
  status: number;
  code: string;
  retryAfterSeconds: number | undefined;
  afterProcessing: boolean;
}

export function createFaultInjector() {
  const rules: Array<FaultInput & { left: number; until: number | null }> = [];
  return {
    add(input: FaultInput): void {
      if (!Number.isInteger(input.times) || input.times < 1) throw new Error('failNextApiCalls: times must be a positive integer');
      if (!Number.isInteger(input.status) || input.status < 400 || input.status > 599) {
        throw new Error('failNextApiCalls: status must be an HTTP error status (400-599)');
      }
      if (input.forMs !== undefined && (!Number.isFinite(input.forMs) || input.forMs <= 0)) throw new Error('failNextApiCalls: forMs must be positive');
      // A timed outage runs on real time: the emulator's clock may be frozen in tests.
      rules.push({ ...input, left: input.times, until: input.forMs !== undefined ? Date.now() + input.forMs : null });
    },
    /** Takes one use of the first rule matching this call, if any. */
    take(method: string, path: string): Fault | undefined {
      const now = Date.now();
      for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.until !== null && rules[i]!.until! <= now) rules.splice(i, 1);
      const rule = rules.find((r) => (r.until !== null || r.left > 0) && r.method.toUpperCase() === method.toUpperCase() && matches(r.pathPattern, path));
      if (!rule) return undefined;
      if (rule.until === null) {
        rule.left -= 1;
        if (rule.left === 0) rules.splice(rules.indexOf(rule), 1);
      }
      return {
        status: rule.status,
        code: rule.code ?? codeForStatus(rule.status),
        retryAfterSeconds: rule.retryAfterSeconds,
        afterProcessing: rule.afterProcessing ?? false,
      };
    },
  };
}

function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
  return pattern.test(path);
}
