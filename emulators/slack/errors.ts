// Slack's way of failing a Web API call: HTTP 200 with {ok:false, error, ...extra}.
// Handlers throw SlackApiError; the HTTP layer turns it into Slack's body without flattening the code.

export class SlackApiError extends Error {
  readonly code: string;
  readonly extra: Record<string, unknown>;
  constructor(code: string, extra: Record<string, unknown> = {}) {
    super(code);
    this.code = code;
    this.extra = extra;
  }
}

export function fail(code: string, extra: Record<string, unknown> = {}): never {
  throw new SlackApiError(code, extra);
}

/** An [ERROR] line in response_metadata.messages, as Slack adds for invalid_blocks and friends. */
export function failWithMessages(code: string, messages: string[]): never {
  throw new SlackApiError(code, { response_metadata: { messages } });
}
