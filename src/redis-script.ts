// Lua scripts run by their SHA through ioredis's `defineCommand`: a connection sends a script's
// text once (EVAL), then only its SHA (EVALSHA), and the text again when Redis answers NOSCRIPT (a
// restart, SCRIPT FLUSH, a failover), on one Redis and on a Cluster's nodes alike. `defineCommand`
// adds a method to one client under a name; this wraps it once, typed, for any client a module is given.
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';

export interface LuaScript {
  /** Redis's answer to the script run with `keys` as KEYS and `args` as ARGV. */
  run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<unknown>;
}

type DefinedScript = (numberOfKeys: number, ...keysAndArgs: Array<string | number | Buffer>) => Promise<unknown>;

export function luaScript(lua: string): LuaScript {
  // Named by its text: a client given the same script by two modules defines it once.
  const name = `threadbridgeScript${createHash('sha1').update(lua).digest('hex')}`;
  return {
    run(redis, keys, args) {
      const defined = redis as unknown as Record<string, DefinedScript | undefined>;
      if (!defined[name]) redis.defineCommand(name, { lua });
      return defined[name]!(keys.length, ...keys, ...args);
    },
  };
}
