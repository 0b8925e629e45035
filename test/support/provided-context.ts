// Test support: types of the values test/global-setup.ts provides to test files via inject().
// Type-only (no runtime import of vitest), so global setup can rely on it too.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUrl: string;
  }
}
