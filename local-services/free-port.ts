// Local services: finds a free TCP port on the loopback interface.
// Used by the Redis and FerretDB launchers (a launcher retries if the port is taken meanwhile).
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('free-port: no port assigned'))));
    });
  });
}
