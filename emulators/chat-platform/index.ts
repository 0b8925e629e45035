// The chat-platform emulator: plays the live-chat platform of shared/chat-platform-api.md in tests and the sandbox.
// startChatPlatformEmulator() checks its options once, wires store, webhooks and HTTP, and returns the control handle.

import Fastify from 'fastify';
import { createAdminLaunch } from './admin-launch.ts';
import { createApiActions } from './api-actions.ts';
import { createCallLog } from './call-log.ts';
import { registerControlApi } from './control-api.ts';
import type { ChatPlatformEmulator, ChatPlatformEmulatorOptions } from './emulator-api.ts';
import { createFaultInjector } from './fault-injection.ts';
import { newId } from './ids.ts';
import { createPlatformActions, type Emit } from './platform-actions.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { registerRestApi } from './rest-api.ts';
import { createStore, getConversation, getOrg } from './store.ts';
import type { WebhookEvent } from './types.ts';
import { createDeliveryEngine } from './webhook-delivery.ts';

export type * from './types.ts';
export type { ChatPlatformEmulator, ChatPlatformEmulatorOptions, ConversationSnapshot } from './emulator-api.ts';
export type { RecordedCall, CallFilter } from './call-log.ts';
export type { RecordedDelivery, DeliveryKind, ReleaseOptions } from './webhook-delivery.ts';
export type { FaultInput } from './fault-injection.ts';
export type { StartConversationInput, ConversationPatch } from './platform-actions.ts';
export { signatureFor, signedHeaders, verifySignature } from './signing.ts';
export { mintLaunchToken, MAX_LAUNCH_TOKEN_SECONDS, type LaunchPayload, type LaunchTokenOptions, type OrgAdmin } from './admin-launch.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** 8 retries over about an hour (61 min in all), as the contract says. */
export const DEFAULT_RETRY_DELAYS_MS = [10 * SECOND, 30 * SECOND, 1 * MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 27 * MINUTE];
const MAX_RETRIES = 8;

export async function startChatPlatformEmulator(opts: ChatPlatformEmulatorOptions): Promise<ChatPlatformEmulator> {
  const config = checkOptions(opts);
  const now = config.now;
  let webhookUrl = config.webhookUrl;

  const store = createStore();
  const delivery = createDeliveryEngine({
    secret: config.webhookSecret,
    retryDelaysMs: config.webhookRetryDelaysMs,
    timeoutMs: config.webhookTimeoutMs,
    now,
    webhookUrl: () => webhookUrl,
  });
  const emit: Emit = (orgId, type, data) => {
    // Snapshot now: later changes to the conversation must not leak into an event already generated.
    const event = {
      id: newId('evt', now()),
      type,
      orgId,
      occurredAt: new Date(now()).toISOString(),
      data: structuredClone(data),
    } as WebhookEvent;
    return delivery.enqueue(event);
  };
  const platform = createPlatformActions({ store, now, emit });
  const api = createApiActions({ store, now, emit });
  const adminLaunch = createAdminLaunch({ store, now, secret: config.adminLaunchSecret, threadbridgeUrl: config.threadbridgeUrl });
  const faults = createFaultInjector();
  const callLog = createCallLog();

  const app = Fastify({ logger: false });
  registerRestApi(app, {
    actions: api,
    apiToken: config.apiToken,
    now,
    limiter: createRateLimiter(config.requestsPerSecondPerOrg),
    faults,
    callLog,
  });

  const emulator: ChatPlatformEmulator = {
    url: '',
    setWebhookUrl(url) {
      checkUrl('webhookUrl', url);
      webhookUrl = url;
      delivery.flushWaiting();
    },
    setThreadbridgeUrl(url) {
      checkUrl('threadbridgeUrl', url);
      adminLaunch.setThreadbridgeUrl(url);
    },
    ...platform,
    addAdmin: adminLaunch.addAdmin,
    admins: adminLaunch.admins,
    launchToken: adminLaunch.launchToken,
    setupUrl: adminLaunch.setupUrl,
    holdDeliveries: () => delivery.hold(),
    releaseDeliveries: (releaseOpts) => delivery.release(releaseOpts),
    redeliver: (eventId) => delivery.redeliver(eventId),
    failNextApiCalls: (input) => faults.add(input),
    events: () => delivery.events(),
    deliveries: () => delivery.deliveries(),
    calls: (filter) => callLog.list(filter),
    conversation(orgId, id) {
      const org = getOrg(store, orgId);
      const conv = getConversation(store, orgId, id);
      return structuredClone({
        conversation: conv.conversation,
        messages: conv.messages,
        ...(conv.transcript ? { transcript: conv.transcript } : {}),
        ...(conv.qualification ? { qualification: conv.qualification } : {}),
        meetingRequests: conv.meetingRequestIds.map((m) => org.meetingRequests.get(m)!),
        formRequests: conv.formRequestIds.map((f) => org.formRequests.get(f)!),
        ended: conv.ended,
        endedBy: conv.endedBy,
        assignedAgentId: conv.assignedAgentId,
      });
    },
    idle: () => delivery.idle(),
    async close() {
      delivery.close();
      await app.close();
    },
  };
  registerControlApi(app, emulator);

  const address = await app.listen({ host: config.host, port: config.port });
  emulator.url = address.replace('://[::1]', '://localhost');
  return emulator;
}

interface CheckedOptions extends Required<Omit<ChatPlatformEmulatorOptions, 'webhookUrl' | 'adminLaunchSecret' | 'threadbridgeUrl'>> {
  webhookUrl: string | undefined;
  adminLaunchSecret: string | undefined;
  threadbridgeUrl: string | undefined;
}

/** Options are checked once, up front, with errors naming the option; nothing is silently replaced. */
function checkOptions(opts: ChatPlatformEmulatorOptions): CheckedOptions {
  const fail = (name: string, why: string): never => {
    throw new Error(`startChatPlatformEmulator: ${name} ${why}`);
  };
  if (typeof opts.webhookSecret !== 'string' || opts.webhookSecret === '') fail('webhookSecret', 'must be a non-empty string');
  if (typeof opts.apiToken !== 'string' || opts.apiToken === '') fail('apiToken', 'must be a non-empty string');
  if (opts.webhookUrl !== undefined) checkUrl('webhookUrl', opts.webhookUrl);
  if (opts.threadbridgeUrl !== undefined) checkUrl('threadbridgeUrl', opts.threadbridgeUrl);
  if (opts.adminLaunchSecret !== undefined && (typeof opts.adminLaunchSecret !== 'string' || opts.adminLaunchSecret === ''))
    fail('adminLaunchSecret', 'must be a non-empty string');
  if (opts.adminLaunchSecret !== undefined && opts.adminLaunchSecret === opts.webhookSecret)
    fail('adminLaunchSecret', 'must differ from webhookSecret (the contract: a second, distinct secret)');
  const delays = opts.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (!Array.isArray(delays) || delays.length > MAX_RETRIES || delays.some((d) => !Number.isFinite(d) || d < 0)) {
    fail('webhookRetryDelaysMs', `must be at most ${MAX_RETRIES} non-negative numbers (the contract retries up to 8 times)`);
  }
  const timeout = opts.webhookTimeoutMs ?? 3000;
  if (!Number.isFinite(timeout) || timeout <= 0) fail('webhookTimeoutMs', 'must be a positive number');
  const rps = opts.requestsPerSecondPerOrg ?? 50;
  if (!Number.isInteger(rps) || rps < 1) fail('requestsPerSecondPerOrg', 'must be a positive integer');
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('port', 'must be an integer from 0 to 65535');
  return {
    host: opts.host ?? '127.0.0.1',
    port,
    webhookUrl: opts.webhookUrl,
    adminLaunchSecret: opts.adminLaunchSecret,
    threadbridgeUrl: opts.threadbridgeUrl,
    webhookSecret: opts.webhookSecret,
    apiToken: opts.apiToken,
    webhookRetryDelaysMs: [...delays],
    webhookTimeoutMs: timeout,
    requestsPerSecondPerOrg: rps,
    now: opts.now ?? Date.now,
  };
}

function checkUrl(name: string, url: string): void {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new Error(`startChatPlatformEmulator: ${name} must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
}
