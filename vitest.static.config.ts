// Vitest configuration for the checks that need no server (npm run check:layers, its own step in
// .ci/run): vitest.config.ts without its global setup, so no Redis or MongoDB-compatible server
// is started or looked for. A test that needs one fails here with "REDIS_URL is not set".
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({ ...base, test: { ...base.test, globalSetup: [] } });
