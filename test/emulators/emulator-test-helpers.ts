// Helpers the Slack emulator's tests share: the body of a Web API error, and an interaction as
// the app receives it.
import { expect } from 'vitest';
import type { WebAPIPlatformError } from '@slack/web-api';
import type { ReceivedRequest } from '../../emulators/slack/test-receiver.ts';

/** The body of the Slack error a call failed with (`{ ok: false, error, ... }`); throws if it succeeded. */
export async function slackErrorBody(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return (e as WebAPIPlatformError).data as unknown as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/** The Slack error code a call failed with. */
export async function slackErrorCode(p: Promise<unknown>): Promise<string> {
  return String((await slackErrorBody(p))['error']);
}

/** The receiver's view of an interaction: signature checked, form body parsed, payload decoded. */
export function payloadOf(req: ReceivedRequest): Record<string, any> {
  expect(req.signatureValid).toBe(true);
  expect(req.path).toBe('/slack/interactions');
  expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
  const form = new URLSearchParams(req.rawBody);
  expect([...form.keys()]).toEqual(['payload']);
  return JSON.parse(form.get('payload')!) as Record<string, any>;
}
