import { once } from 'node:events';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { freePort } from './server-process';

export interface TcpProxy {
  url: string;
  port: number;
  /** Drops every connection and refuses new ones: the service behind it "goes away". */
  cut(): Promise<void>;
  /** Keeps the connections open but stops forwarding: the service behind it hangs. */
  freeze(): void;
  /** Accepts (or forwards) again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target` (host:port) that a test can cut and restore, e.g. for Redis. */
export async function startTcpProxy(target: { host: string; port: number }, scheme = 'redis'): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let frozen = false;

  const listen = async () => {
    server = createServer((client) => {
      const upstream = createConnection(target);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      // Forward chunk by chunk, dropping what arrives while frozen (a hung server answers nothing).
      client.on('data', (chunk) => frozen || upstream.write(chunk));
      upstream.on('data', (chunk) => frozen || client.write(chunk));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  const stop = async () => {
    if (!server) return;
    const closing = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closing;
    server = null;
  };

  const restore = async () => {
    if (frozen) {
      // Whatever was dropped left the open connections out of step: start them afresh.
      frozen = false;
      for (const socket of sockets) socket.destroy();
    }
    if (!server) await listen();
  };

  await listen();
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    cut: stop,
    freeze: () => (frozen = true),
    restore,
    close: stop,
  };
}
