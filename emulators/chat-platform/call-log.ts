// Record of every REST call made to the emulated API, so tests assert exactly what Threadbridge sent.
// The Authorization header is left out: recordings end up in test output and artifacts.

export interface RecordedCall {
  method: string;
  path: string;
  orgId: string | null;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  /** Emulator clock (ms) when the call arrived. */
  at: number;
}

export interface CallFilter {
  method?: string;
  path?: string | RegExp;
}

export function createCallLog() {
  const calls: RecordedCall[] = [];
  return {
    record(call: RecordedCall): void {
      calls.push(call);
    },
    list(filter: CallFilter = {}): RecordedCall[] {
      return calls.filter((c) => {
        if (filter.method && c.method !== filter.method.toUpperCase()) return false;
        if (typeof filter.path === 'string' && c.path !== filter.path) return false;
        if (filter.path instanceof RegExp) {
          filter.path.lastIndex = 0;
          if (!filter.path.test(c.path)) return false;
        }
        return true;
      });
    },
  };
}

export function headersWithoutAuth(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
