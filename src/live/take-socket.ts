import { ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/** Node's own HTTP parser release, as its `upgrade` path uses it (lib/_http_common.js). */
type FreeParser = (parser: unknown, req: unknown, socket: Socket) => void;
const httpCommon = process.getBuiltinModule('_http_common') as { freeParser?: FreeParser } | undefined;

/**
 * The listeners Node's HTTP server puts on every connection (lib/_http_server.js): bound to the
 * connection's parser state, which holds the request and the response. Node's `upgrade` path
 * removes the same ones before it hands a socket over.
 */
const HTTP_SERVER_LISTENERS: Record<string, string> = {
  data: 'bound socketOnData',
  end: 'bound socketOnEnd',
  close: 'bound socketOnClose',
  drain: 'bound socketOnDrain',
  error: 'socketOnError',
  timeout: 'socketOnTimeout',
};

/**
 * Takes the connection of a response away from Node's HTTP server, as an `upgrade` does: the
 * parser goes back to Node's pool, the request, the response and the per-connection state become
 * garbage, and what remains of the stream is the bare socket (some 2 KB, against 7 KB with
 * them). From here on the caller owns the socket: it writes the whole response, head included,
 * and ends or destroys it. Returns the socket as it is (still Node's) when this Node keeps its
 * parser elsewhere, and null when the client has left.
 */
export function takeSocket(res: ServerResponse): Socket | null {
  const socket = res.socket;
  if (res.destroyed || !socket || socket.destroyed) return null;
  const parser = (socket as Socket & { parser?: unknown }).parser;
  if (!parser || typeof httpCommon?.freeParser !== 'function') {
    // The response never finishes: Fastify's listeners on it would keep its request and reply alive.
    res.removeAllListeners('finish');
    res.removeAllListeners('error');
    res.on('error', () => undefined);
    return socket;
  }
  res.detachSocket(socket);
  for (const [event, name] of Object.entries(HTTP_SERVER_LISTENERS)) {
    for (const listener of socket.listeners(event)) {
      if (listener.name === name) socket.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  httpCommon.freeParser(parser, res.req, socket);
  // Node's server listened for these: the socket reads on (so a client that leaves is seen at
  // once), closes when the client does, and an error (a reset) only closes it.
  socket.on('error', destroySocket);
  socket.on('end', destroySocket);
  socket.resume();
  return socket;
}

function destroySocket(this: Socket): void {
  this.destroy();
}
