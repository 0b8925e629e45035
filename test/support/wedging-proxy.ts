// A TCP proxy in front of the test store that can wedge it, two ways. 'silent': it accepts
// connections and reads what clients send, and answers nothing at all (a paused machine, a broken
// middlebox). 'commands': it still answers the handshake and the driver's heartbeats (`hello`),
// so the server looks healthy to the driver's monitoring, and answers no command (a stuck disk or
// lock: MongoDB answers `hello` from memory): only a socket timeout ends an operation then. Until
// wedged, and again after `unwedge` for new connections, it passes bytes through both ways.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type Wedge = 'silent' | 'commands';

export interface WedgingProxy {
  /** The store's URL through the proxy. */
  url: string;
  wedge(how?: Wedge): void;
  /** Passes everything again (a connection that met a 'silent' wedge stays silent until closed). */
  unwedge(): void;
  close(): Promise<void>;
}

const OP_QUERY = 2004;
const OP_MSG = 2013;
const heartbeats = new Set(['hello', 'isMaster', 'ismaster']);

/** The command a whole wire message carries (its document's first key), or null for another kind of message. */
function commandOf(message: Buffer): string | null {
  const opCode = message.readInt32LE(12);
  let documentAt: number;
  // OP_MSG: flag bits, then the body section (kind 0) first; OP_QUERY (the legacy handshake): flags, collection name, skip, return.
  if (opCode === OP_MSG && message[20] === 0) documentAt = 21;
  else if (opCode === OP_QUERY) documentAt = message.indexOf(0, 20) + 1 + 8;
  else return null;
  const nameAt = documentAt + 4 + 1; // the document's length, the first element's type
  return message.toString('utf8', nameAt, message.indexOf(0, nameAt));
}

export async function startWedgingProxy(storeUrl: string): Promise<WedgingProxy> {
  const target = new URL(storeUrl);
  let wedged: Wedge | null = null;
  const sockets = new Set<Socket>();
  // The passing connections: a 'silent' wedge silences each for good (bytes half passed would garble the next answer).
  const passing = new Set<{ silent: boolean }>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (wedged === 'silent') {
      client.resume(); // reads and drops
      return;
    }
    const pair = { silent: false };
    passing.add(pair);
    const upstream = connect(Number(target.port), target.hostname);
    track(upstream);
    client.on('close', () => {
      passing.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    // Requests are passed on whole, one wire message at a time, so that 'commands' can hold back all but heartbeats.
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const held = pair.silent || (wedged === 'commands' && !heartbeats.has(commandOf(message) ?? ''));
        if (!held) upstream.write(message);
      }
    });
    upstream.on('data', (chunk) => void (pair.silent || client.write(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    wedge: (how = 'silent') => {
      wedged = how;
      if (how === 'silent') for (const pair of passing) pair.silent = true;
    },
    unwedge: () => {
      wedged = null;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
