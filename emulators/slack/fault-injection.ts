// Fault injection for the Slack emulator's Web API, to exercise a product's handling of Slack
// being down, refusing or slow: HTTP 5xx (nothing done), 429 storms with Retry-After, `ok:false`
// error codes (invalid_blocks, …) for calls whose parameters contain a marker, and calls answered
// late. A failure answers before the method runs, as Slack does when it is unavailable: nothing is
// posted or changed; a slow call alone runs, late.
// Rules are added over the control surface (POST /_emulator/faults, DELETE /_emulator/faults),
// or in-process through `slackFaults(baseUrl)`.

export interface SlackFaultInput {
  /** A Web API method (`chat.postMessage`) or `*` for every method. */
  method: string;
  /** HTTP status: 500/502/503 (body `{ok:false, error:"internal_error"|…}`), 429 (`ratelimited` with Retry-After), or 200 with `error`. */
  status?: number;
  /** Slack's error code in the body; default by status (500 internal_error, 503 service_unavailable, 429 ratelimited). */
  error?: string;
  /** With 429: the Retry-After header in seconds (default 1). */
  retryAfterSeconds?: number;
  /** How many matching calls fail (default 1); ignored with `forMs`. */
  times?: number;
  /** Every matching call fails for this long from now (a storm, an outage). */
  forMs?: number;
  /** Only calls whose parameters, as JSON, contain this text. */
  paramsContaining?: string;
  /**
   * The call is answered this many ms late (a slow Slack). Without `status` or `error` it then
   * runs as usual; with them it fails, late.
   */
  delayMs?: number;
}

export interface SlackFailure {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** What a call meets: a wait before it is answered, and a failure instead of the method, or not. */
export interface SlackFault {
  delayMs: number;
  failure: SlackFailure | null;
}

interface Rule extends SlackFaultInput {
  left: number;
  until: number | null;
}

const defaultError: Record<number, string> = {
  429: 'ratelimited',
  500: 'internal_error',
  502: 'internal_error',
  503: 'service_unavailable',
  504: 'request_timeout',
};

export function checkFaultInput(input: unknown): SlackFaultInput {
  const i = input as Partial<SlackFaultInput> | null;
  if (!i || typeof i !== 'object' || typeof i.method !== 'string' || i.method === '') throw new Error('fault: method must be a Web API method or "*"');
  const status = i.status ?? 200;
  if (!Number.isInteger(status) || !(status === 200 || status === 429 || (status >= 500 && status <= 599)))
    throw new Error('fault: status must be 200, 429 or 5xx');
  if (i.delayMs !== undefined && (!Number.isFinite(i.delayMs) || i.delayMs <= 0)) throw new Error('fault: delayMs must be positive');
  if (status === 200 && i.error !== undefined && (typeof i.error !== 'string' || i.error === '')) throw new Error('fault: error must be a Slack error code');
  if (status === 200 && i.error === undefined && i.delayMs === undefined)
    throw new Error('fault: status 200 needs an error code (or delayMs, for a slow call)');
  if (i.times !== undefined && (!Number.isInteger(i.times) || i.times < 1)) throw new Error('fault: times must be a positive integer');
  if (i.forMs !== undefined && (!Number.isFinite(i.forMs) || i.forMs <= 0)) throw new Error('fault: forMs must be positive');
  if (i.retryAfterSeconds !== undefined && (!Number.isInteger(i.retryAfterSeconds) || i.retryAfterSeconds < 0))
    throw new Error('fault: retryAfterSeconds must be a non-negative integer');
  if (i.paramsContaining !== undefined && typeof i.paramsContaining !== 'string') throw new Error('fault: paramsContaining must be a string');
  return { ...i, method: i.method, status } as SlackFaultInput;
}

export function createSlackFaults() {
  let rules: Rule[] = [];
  return {
    add(input: SlackFaultInput): void {
      const checked = checkFaultInput(input);
      rules.push({ ...checked, left: checked.times ?? 1, until: checked.forMs !== undefined ? Date.now() + checked.forMs : null });
    },
    clear(): void {
      rules = [];
    },
    /** The fault this call meets, if any (one use of a counted rule). */
    take(method: string, params: Record<string, unknown>): SlackFault | undefined {
      const t = Date.now();
      rules = rules.filter((r) => (r.until !== null ? r.until > t : r.left > 0));
      const json = rules.some((r) => r.paramsContaining !== undefined) ? JSON.stringify(params) : '';
      const rule = rules.find((r) => (r.method === '*' || r.method === method) && (r.paramsContaining === undefined || json.includes(r.paramsContaining)));
      if (!rule) return undefined;
      if (rule.until === null) rule.left -= 1;
      const delayMs = rule.delayMs ?? 0;
      const status = rule.status ?? 200;
      if (status === 200 && rule.error === undefined) return { delayMs, failure: null };
      const error = rule.error ?? defaultError[status] ?? 'internal_error';
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(rule.retryAfterSeconds ?? 1) } : {};
      return { delayMs, failure: { status, body: { ok: false, error, injected: true }, headers } };
    },
  };
}

export type SlackFaults = ReturnType<typeof createSlackFaults>;

/** The control surface as a small client, for tests and benchmarks in this process or another. */
export function slackFaults(baseUrl: string) {
  const url = `${baseUrl.replace(/\/+$/, '')}/_emulator/faults`;
  return {
    async add(input: SlackFaultInput): Promise<void> {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      if (res.status !== 200) throw new Error(`adding a Slack fault answered ${res.status}: ${await res.text()}`);
    },
    async clear(): Promise<void> {
      const res = await fetch(url, { method: 'DELETE' });
      if (res.status !== 200) throw new Error(`clearing Slack faults answered ${res.status}: ${await res.text()}`);
    },
  };
}
