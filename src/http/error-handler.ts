// Turns every error into { error: { code, message } }: catalogue errors as they are, Fastify's
// own 4xx errors mapped to catalogue codes (a field the schema does not declare: invalid_payload
// naming it), and anything else into a generic 500 (logged, never echoed, so internals do not leak). On a page route (config.page) the same answer is a small
// HTML page saying what to do, never a stack trace. A 5xx of the catalogue is logged with the
// cause it hides from the caller.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors, type AppErrorDefinition } from '../errors/index.ts';
import { resultPage } from './pages/result-page.ts';
import { unknownFields } from './unknown-fields.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code the request was answered with, null until then (the ingress metrics read it). */
    refusal: string | null;
  }
}

const fastifyCodes: Record<string, AppErrorDefinition> = {
  FST_ERR_CTP_BODY_TOO_LARGE: errors.body_too_large,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: errors.unsupported_media_type,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: errors.invalid_payload,
  FST_ERR_CTP_EMPTY_JSON_BODY: errors.invalid_json,
  FST_ERR_CTP_INVALID_JSON_BODY: errors.invalid_json,
  FST_ERR_VALIDATION: errors.invalid_payload,
};

/** An error answered as a page (a browser's request): its code in a header, never cached. */
export function sendErrorPage(reply: FastifyReply, definition: { code: string; statusCode: number }, page: Omit<Parameters<typeof resultPage>[0], 'ok'>) {
  return reply
    .status(definition.statusCode)
    .type('text/html; charset=utf-8')
    .header('x-error-code', definition.code)
    .header('cache-control', 'no-store')
    .send(resultPage({ ...page, ok: false }));
}

export function sendError(reply: FastifyReply, definition: { code: string; statusCode: number }, message: string, field?: string) {
  // The ingress metrics count a refusal by its code (app.ts).
  reply.request.refusal = definition.code;
  if (reply.request.routeOptions?.config?.page) {
    return sendErrorPage(reply, definition, {
      title: 'Something went wrong',
      message: definition.statusCode >= 500 ? 'Threadbridge could not answer this request.' : 'This link is not one Threadbridge can open.',
      hint: 'Open the chat platform’s integrations page and click Setup for the Slack integration again.',
    });
  }
  return reply
    .status(definition.statusCode)
    .type('application/json')
    .send({ error: { code: definition.code, message, ...(field ? { field } : {}) } });
}

export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.statusCode >= 500) request.log.warn({ code: error.code, err: error.cause ?? error }, `answered ${error.code}`);
    return sendError(reply, error, error.message, error.field);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_VALIDATION') {
    const unknown = unknownFields(request, fastifyError.validation, fastifyError.validationContext);
    if (unknown) return sendError(reply, errors.invalid_payload, `${errors.invalid_payload.message}: ${unknown.detail}`, unknown.fields[0]);
  }
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped) return sendError(reply, mapped, `${mapped.message}: ${fastifyError.message}`);
  if (fastifyError.statusCode === 429) return sendError(reply, errors.rate_limited, errors.rate_limited.message);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return sendError(reply, { code: errors.bad_request.code, statusCode: fastifyError.statusCode }, fastifyError.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, errors.internal_error, errors.internal_error.message);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, errors.not_found, `${errors.not_found.message}: ${request.method} ${request.url.split('?')[0]}`);
}
