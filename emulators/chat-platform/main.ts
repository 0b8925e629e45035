// Standalone chat-platform emulator for the sandbox and manual runs: `tsx emulators/chat-platform/main.ts`.
// Env: PORT, CHAT_WEBHOOK_URL, CHAT_WEBHOOK_SECRET, CHAT_API_TOKEN, CHAT_ADMIN_LAUNCH_SECRET and
// THREADBRIDGE_URL (for the Setup button's launch links); prints the base URL once listening.

import { startChatPlatformEmulator } from './index.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`chat-platform emulator: ${name} must be set`);
    process.exit(1);
  }
  return value;
}

function port(): number {
  const raw = process.env['PORT'];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`chat-platform emulator: PORT must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return n;
}

const webhookUrl = process.env['CHAT_WEBHOOK_URL'];
const adminLaunchSecret = process.env['CHAT_ADMIN_LAUNCH_SECRET'];
const threadbridgeUrl = process.env['THREADBRIDGE_URL'];
const emulator = await startChatPlatformEmulator({
  port: port(),
  webhookSecret: required('CHAT_WEBHOOK_SECRET'),
  apiToken: required('CHAT_API_TOKEN'),
  ...(webhookUrl ? { webhookUrl } : {}),
  ...(adminLaunchSecret ? { adminLaunchSecret } : {}),
  ...(threadbridgeUrl ? { threadbridgeUrl } : {}),
});
console.log(`chat-platform emulator listening on ${emulator.url}`);
if (!webhookUrl) console.log('CHAT_WEBHOOK_URL not set: events wait until PUT /_emulator/webhook-url {"url": ...}');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
