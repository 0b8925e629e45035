// The signed ingress's request logger, made when something first logs through it. Fastify makes a
// child logger per request to bind its id, and ours (src/logger.ts, which censors the bindings)
// measured ~5 µs to make, as much as the log line itself. An accepted webhook writes its one line
// through the process's logger with the request id in it (`reqId`, as the child would bind it), so
// on that path no child is made; a refused request (its "request completed" line, the error
// handler's) gets its child, with the same bindings, the first time it logs.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LogArgs = Parameters<FastifyBaseLogger['info']>;

// A class, not a function returning closures: one is made per request, and its methods are then
// shared rather than eight closures made each time. Not logger.ts's lazyChild, which needs a pino
// parent: Fastify hands this factory whatever logger its app has (its own null logger in a test's).
class DeferredChild implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  #child(): FastifyBaseLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  get level() {
    return this.#child().level;
  }

  set level(level) {
    this.#child().level = level;
  }

  fatal(...args: LogArgs) {
    this.#child().fatal(...args);
  }

  error(...args: LogArgs) {
    this.#child().error(...args);
  }

  warn(...args: LogArgs) {
    this.#child().warn(...args);
  }

  info(...args: LogArgs) {
    this.#child().info(...args);
  }

  debug(...args: LogArgs) {
    this.#child().debug(...args);
  }

  trace(...args: LogArgs) {
    this.#child().trace(...args);
  }

  silent(...args: LogArgs) {
    this.#child().silent(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, options);
  }
}

/** For `setChildLoggerFactory`: the child Fastify would make, made when it first logs. */
export function deferredChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new DeferredChild(parent, bindings, options);
}
