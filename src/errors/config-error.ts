// The configuration refused at start: one error naming every bad variable at once (src/config.ts
// collects them), so an operator fixes them in one go.

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
