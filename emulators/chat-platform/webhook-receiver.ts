// A minimal webhook receiver for tests of the emulator itself: records each POST and checks its signature.
// Answers are scripted per request (status, or never answer to provoke a timeout); no product code involved.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from './signing.ts';
import type { WebhookEvent } from './types.ts';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  event: WebhookEvent;
  signatureValid: boolean;
}

/** What to answer: a status, or 'hang' to never answer (until close). */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides each answer; default 200. Called with the parsed event and how many of its id came before. */
  answer: (event: WebhookEvent, previousOfSameId: number) => Answer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(opts: { secret: string; now: () => number }): Promise<WebhookReceiver> {
  const hanging = new Set<http.ServerResponse>();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answer: () => 200,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(rawBody) as WebhookEvent;
      const previous = receiver.received.filter((r) => r.event.id === event.id).length;
      receiver.received.push({
        headers: req.headers,
        rawBody,
        event,
        signatureValid: verifySignature({
          secret: opts.secret,
          rawBody,
          timestamp: header(req.headers['x-chat-timestamp']),
          signature: header(req.headers['x-chat-signature']),
          nowMs: opts.now(),
        }),
      });
      const answer = receiver.answer(event, previous);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chat`;
  return receiver;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
