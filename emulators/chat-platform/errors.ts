// The one catalogue of error codes the emulated REST API and control surface answer with.
// Every error body is `{ error: { code, message } }`; the status comes from the catalogue, never ad hoc.

export const API_ERRORS = {
  unauthorized: 401,
  invalid_request: 400,
  unknown_org: 404,
  unknown_conversation: 404,
  not_found: 404,
  conversation_ended: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** A coded failure: thrown by the store and actions, turned into a JSON error body by the HTTP layers. */
export class ChatPlatformError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ChatPlatformError';
    this.code = code;
    this.statusCode = API_ERRORS[code];
  }
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** The catalogue code an injected failure of this status carries, so it looks like the platform's own. */
export function codeForStatus(status: number): ApiErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 404:
      return 'not_found';
    case 409:
      return 'conversation_ended'; // the contract's only 409
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'service_unavailable';
    default:
      return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}
