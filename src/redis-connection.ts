// The connection options both processes give ioredis for REDIS_URL, beyond their own retry
// policies: with rediss:// and REDIS_TLS_SKIP_VERIFY (Heroku Redis, whose certificate is
// self-signed), TLS without verifying the certificate; otherwise ioredis's defaults.
import type { RedisOptions } from 'ioredis';

export function redisTlsOptions(url: string, skipVerify: boolean): Pick<RedisOptions, 'tls'> {
  return url.startsWith('rediss:') && skipVerify ? { tls: { rejectUnauthorized: false } } : {};
}
