// Signed webhook bodies must be verified over their exact bytes, so inside the signed ingress
// scope (signed-ingress.ts) the JSON and form content types are read as raw Buffers and parsed
// only after the signature checks out. The rest of the app keeps Fastify's own parsers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifySignature } from './verify-signature.ts';
import { appError } from '../errors/index.ts';
import { parseJson } from '../parse-json.ts';

/** Only these two content types are accepted in `scope` (anything else: 415), both as raw bytes. */
export function registerRawBodyParsers(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  const asBuffer = (_req: FastifyRequest, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, asBuffer);
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, asBuffer);
}

export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** How one sender signs: the scheme's version tag, its secret and the two headers it sends. */
export interface SigningScheme {
  version: 'v0' | 'v1';
  secret: string;
  timestampHeader: string;
  signatureHeader: string;
}

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Throws the catalogue error for a missing, stale or wrong signature (all 401). */
export function assertSigned(request: FastifyRequest, scheme: SigningScheme, nowMs: number): Buffer {
  const body = rawBody(request);
  const verdict = verifySignature({
    version: scheme.version,
    secret: scheme.secret,
    timestampHeader: firstHeader(request, scheme.timestampHeader),
    signatureHeader: firstHeader(request, scheme.signatureHeader),
    rawBody: body,
    nowMs,
  });
  if (verdict.ok) return body;
  switch (verdict.reason) {
    case 'missing_signature':
      throw appError('missing_signature', `expected ${scheme.timestampHeader} and ${scheme.signatureHeader}`);
    case 'stale_timestamp':
      throw appError('stale_timestamp');
    case 'bad_signature':
      throw appError('bad_signature');
  }
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw appError('invalid_json', 'the body is empty');
  try {
    return parseJson(body.toString('utf8'));
  } catch (error) {
    throw appError('invalid_json', error instanceof Error ? error.message : undefined);
  }
}
