// Standalone Slack emulator for the sandbox: configured from the environment, prints its URLs.
// Env: PORT, SLACK_SIGNING_SECRET, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, EVENTS_URL, INTERACTIVITY_URL,
// SLACK_MANIFEST (path of the app manifest to run as; DEFAULT_MANIFEST without it).

import { readManifestFile, startSlackEmulator } from './index.ts';

function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    console.error(`slack emulator: environment variable ${name} is required`);
    process.exit(2);
  }
  return v;
}

const portRaw = process.env['PORT'] ?? '0';
const port = Number(portRaw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`slack emulator: PORT must be an integer 0-65535, got ${JSON.stringify(portRaw)}`);
  process.exit(2);
}

const emu = await startSlackEmulator({
  host: process.env['HOST'] ?? '127.0.0.1',
  port,
  signingSecret: required('SLACK_SIGNING_SECRET'),
  clientId: required('SLACK_CLIENT_ID'),
  clientSecret: required('SLACK_CLIENT_SECRET'),
  ...(process.env['EVENTS_URL'] ? { eventsUrl: process.env['EVENTS_URL'] } : {}),
  ...(process.env['INTERACTIVITY_URL'] ? { interactivityUrl: process.env['INTERACTIVITY_URL'] } : {}),
  ...(process.env['SLACK_MANIFEST'] ? { manifest: readManifestFile(process.env['SLACK_MANIFEST']) } : {}),
});

console.log(JSON.stringify({ url: emu.url, apiUrl: emu.apiUrl, authorizeUrl: emu.authorizeUrl, control: `${emu.url}/_emulator/state` }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emu.close().then(() => process.exit(0));
  });
}
