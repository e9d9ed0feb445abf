import { IncomingMessage, request } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface SseClient {
  status: number;
  headers: IncomingMessage['headers'];
  /** For a refused stream: the problem document. */
  body: any;
  events: SseEvent[];
  /** Comment lines received (keep-alives). */
  comments: string[];
  /** Resolves with the first event (from index `from` on) that matches; rejects after `waitMs`. */
  waitFor(match: (event: SseEvent) => boolean, waitMs?: number, from?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A Server-Sent Events client over plain HTTP, keeping every event it receives so a test can
 * assert on the whole sequence. `waitMs` bounds a wait for an event; it is not a speed check.
 */
export function openStream(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let raw = '';
      const ended = new Promise<void>((done) => res.on('close', done));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.includes(':')) fields[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).trimStart();
          }
          if (fields.data !== undefined)
            events.push({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) });
        }
        for (const wake of [...waiters]) wake();
      });
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: undefined,
        events,
        comments,
        ended,
        waitFor(match, waitMs = 5_000, from = 0) {
          return new Promise((found, fail) => {
            const check = () => {
              const event = events.slice(from).find(match);
              if (!event) return;
              cleanup();
              found(event);
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error(`no matching event within ${waitMs} ms; got ${JSON.stringify(events.map((e) => e.data))}`));
            }, waitMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      };
      if (client.status !== 200) {
        res.on('end', () => {
          client.body = raw ? JSON.parse(raw) : undefined;
          resolve(client);
        });
        return;
      }
      resolve(client);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The product as it is in the database, in the shape the stream sends (stock, available). */
export function stockState(event: SseEvent): { stock: number; available: number } {
  return { stock: event.data.stock, available: event.data.available };
}
