import { once } from 'node:events';
import { connect, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a shared service (MariaDB, Redis), so that a test can take
 * "the service" away without touching the real one:
 * - `refuse()` drops every connection and stops listening (connections refused: the service is down);
 * - `blackhole()` drops them, then accepts new ones that never answer (a dead network);
 * - `freeze()` keeps the connections open but forwards nothing (the service hangs);
 * - `restore()` forwards again on the same port.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'blackhole' | 'frozen' = 'forward';

  private constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** The proxy's address as a URL of the given scheme (`redis://127.0.0.1:<port>`). */
  url(scheme: string): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  async refuse(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.dropAll();
    if (server) {
      server.close();
      await once(server, 'close');
    }
  }

  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    this.dropAll();
    if (!this.server) await this.listen();
  }

  freeze(): void {
    this.mode = 'frozen';
  }

  async restore(): Promise<void> {
    // Connections that lived through a freeze are out of step (bytes were dropped): start afresh.
    this.mode = 'forward';
    this.dropAll();
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = this.track(connect(this.target.port, this.target.host));
    // Chunk by chunk rather than pipe(), so that a freeze can drop what arrives.
    client.on('data', (chunk) => this.mode === 'forward' && upstream.write(chunk));
    upstream.on('data', (chunk) => this.mode === 'forward' && client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
