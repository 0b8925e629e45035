// What the sandbox and the end-to-end tests both need to run the product against emulators:
// fresh secrets, the two emulators started with them, and the environment the web and worker
// processes read (the same variables docs/reference/configuration.md documents).
import { createHmac, randomBytes } from 'node:crypto';
import { readManifestFile, startSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from '../emulators/slack/index.ts';
import { startChatPlatformEmulator, type ChatPlatformEmulator, type ChatPlatformEmulatorOptions } from '../emulators/chat-platform/index.ts';

export interface ProductSecrets {
  slackSigningSecret: string;
  slackClientId: string;
  slackClientSecret: string;
  chatWebhookSecret: string;
  chatApiToken: string;
  /** TOKEN_ENCRYPTION_KEY, as 64 hex characters. */
  encryptionKeyHex: string;
  /** ADMIN_API_TOKEN: the operators' bearer token for the admin API, across orgs. */
  adminApiToken: string;
  /** CHAT_ADMIN_LAUNCH_SECRET: the platform's key for the launch tokens of org admins (not the webhook secret). */
  adminLaunchSecret: string;
}

export function newSecrets(): ProductSecrets {
  return {
    slackSigningSecret: randomBytes(16).toString('hex'),
    slackClientId: `${Date.now()}.${randomBytes(4).readUInt32BE()}`,
    slackClientSecret: randomBytes(16).toString('hex'),
    chatWebhookSecret: randomBytes(16).toString('hex'),
    chatApiToken: randomBytes(16).toString('hex'),
    encryptionKeyHex: randomBytes(32).toString('hex'),
    adminApiToken: randomBytes(24).toString('hex'),
    adminLaunchSecret: randomBytes(32).toString('hex'),
  };
}

/**
 * The same secrets on every run from one seed (the sandbox's SANDBOX_SEED), so that an operator
 * token, a signing secret or a client id in a command saved from one run still works on the next.
 * Only for the sandbox: a seed anyone can read makes secrets anyone can compute.
 */
export function secretsFromSeed(seed: string): ProductSecrets {
  const derive = (name: string, bytes: number) => createHmac('sha256', seed).update(name).digest().subarray(0, bytes);
  // SHA-256 gives 32 bytes, as many as the longest secret needs.
  const hex = (name: string, bytes: number) => derive(name, bytes).toString('hex');
  return {
    slackSigningSecret: hex('slack-signing-secret', 16),
    slackClientId: `${derive('slack-client-id/1', 4).readUInt32BE()}.${derive('slack-client-id/2', 4).readUInt32BE()}`,
    slackClientSecret: hex('slack-client-secret', 16),
    chatWebhookSecret: hex('chat-webhook-secret', 16),
    chatApiToken: hex('chat-api-token', 16),
    encryptionKeyHex: hex('token-encryption-key', 32),
    adminApiToken: hex('admin-api-token', 24),
    adminLaunchSecret: hex('admin-launch-secret', 32),
  };
}

/** A password derived from the seed like the secrets above (the sandbox's Bull Board password). */
export function passwordFromSeed(seed: string, name: string): string {
  return createHmac('sha256', seed).update(name).digest('base64url').slice(0, 20);
}

export interface Emulators {
  slack: SlackEmulator;
  platform: ChatPlatformEmulator;
  close(): Promise<void>;
}

/** The product's Slack app manifest (the repository's manifest.yml), which the Slack emulator enforces. */
export const PRODUCT_MANIFEST_URL = new URL('../manifest.yml', import.meta.url);

/**
 * Both emulators, sharing the product's secrets; options beyond the secrets pass through. The Slack
 * emulator runs as the app manifest.yml describes (its events, scopes, App Home) unless the caller
 * passes a `manifest` of its own.
 */
export async function startEmulators(
  secrets: ProductSecrets,
  options: {
    slack?: Omit<SlackEmulatorOptions, 'signingSecret' | 'clientId' | 'clientSecret'>;
    platform?: Omit<ChatPlatformEmulatorOptions, 'webhookSecret' | 'apiToken' | 'adminLaunchSecret'>;
  } = {},
): Promise<Emulators> {
  const slack = await startSlackEmulator({
    ...options.slack,
    manifest: options.slack?.manifest ?? readManifestFile(PRODUCT_MANIFEST_URL),
    signingSecret: secrets.slackSigningSecret,
    clientId: secrets.slackClientId,
    clientSecret: secrets.slackClientSecret,
  });
  const platform = await startChatPlatformEmulator({
    ...options.platform,
    webhookSecret: secrets.chatWebhookSecret,
    apiToken: secrets.chatApiToken,
    adminLaunchSecret: secrets.adminLaunchSecret,
  });
  return {
    slack,
    platform,
    async close() {
      await Promise.allSettled([slack.close(), platform.close()]);
    },
  };
}

/** The product's environment for running against the emulators. */
export function productEnv(input: {
  secrets: ProductSecrets;
  emulators: Emulators;
  publicUrl: string;
  redisUrl: string;
  mongoUrl: string;
  mongoDb: string;
  queuePrefix: string;
}): Record<string, string> {
  const { secrets, emulators } = input;
  return {
    PUBLIC_URL: input.publicUrl,
    REDIS_URL: input.redisUrl,
    MONGODB_URL: input.mongoUrl,
    MONGODB_DB: input.mongoDb,
    QUEUE_PREFIX: input.queuePrefix,
    TOKEN_ENCRYPTION_KEY: secrets.encryptionKeyHex,
    SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
    SLACK_CLIENT_ID: secrets.slackClientId,
    SLACK_CLIENT_SECRET: secrets.slackClientSecret,
    SLACK_API_URL: emulators.slack.apiUrl,
    SLACK_AUTHORIZE_URL: emulators.slack.authorizeUrl,
    CHAT_API_URL: emulators.platform.url,
    CHAT_API_TOKEN: secrets.chatApiToken,
    CHAT_WEBHOOK_SECRET: secrets.chatWebhookSecret,
    ADMIN_API_TOKEN: secrets.adminApiToken,
    CHAT_ADMIN_LAUNCH_SECRET: secrets.adminLaunchSecret,
  };
}
