// A small HTTP receiver standing in for the app in emulator tests: records each request with its
// raw body and whether Slack's signature verifies, and answers as the test scripts it.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { signature } from './signing.ts';

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** The signature checks against the secret and the timestamp is within 5 minutes of `now`. */
  signatureValid: boolean;
  json(): unknown;
}

/** What to answer: a response, or 'hang' to never answer (until close). */
export type Answer = { status?: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  respond(fn: (req: ReceivedRequest, index: number) => Answer): void;
  close(): Promise<void>;
}

export function verifySignature(secret: string, headers: ReceivedRequest['headers'], rawBody: string, nowMs: number): boolean {
  const ts = Number(headers['x-slack-request-timestamp']);
  const sig = String(headers['x-slack-signature'] ?? '');
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > 300) return false;
  const expected = Buffer.from(signature(secret, ts, rawBody));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startTestReceiver(signingSecret: string, now: () => number = Date.now): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let answer: (req: ReceivedRequest, index: number) => Answer = () => ({ status: 200, body: '' });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const rec: ReceivedRequest = {
        path: req.url ?? '/',
        headers: req.headers,
        rawBody,
        signatureValid: verifySignature(signingSecret, req.headers, rawBody, now()),
        json: () => JSON.parse(rawBody),
      };
      requests.push(rec);
      const a = answer(rec, requests.length - 1);
      if (a === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(a.status ?? 200, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(fn) {
      answer = fn;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
