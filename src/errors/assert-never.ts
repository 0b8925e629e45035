// Exhaustive switches, after bolt-js: the `default` branch takes `never`, so a new union member
// fails to compile until it is handled (and throws if a value slips past the types at run time).

/** For exhaustive switches: a new union member fails to compile until it is handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
