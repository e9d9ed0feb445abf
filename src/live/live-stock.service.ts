import { Inject, Injectable } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ProductNotFoundError, StreamCapacityError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProductsService } from '../products/products.service';
import { parseLastEventId } from './event-ids';
import { LiveStockFeed } from './live-stock.feed';
import { HEAD_ONLY, ProductStream } from './product-stream';
import { takeSocket } from './take-socket';

/** What a refused stream is told to wait: streams come and go fast during a drop. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

/** Opens live-stock streams: the refusals first (as problem+json), then the event stream itself. */
@Injectable()
export class LiveStockService {
  /** Streams past the capacity check whose first read is still running: they count against it. */
  private opening = 0;

  constructor(
    private readonly products: ProductsService,
    private readonly feed: LiveStockFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async open(productId: number, lastEventIdHeader: string | undefined, reply: FastifyReply): Promise<void> {
    if (this.feed.streamCount + this.opening >= this.config.streamMaxClients) {
      throw new StreamCapacityError(STREAM_RETRY_AFTER_SECONDS);
    }
    this.opening++;
    let product;
    try {
      product = await this.products.readFresh(productId);
    } finally {
      this.opening--;
    }
    if (!product) throw new ProductNotFoundError(productId);

    // From here on the response is ours, written straight to the socket: a Fastify reply (or
    // even Node's ServerResponse) per stream would cost far more than the few hundred bytes
    // 10,000 streams can afford each.
    reply.hijack();
    const socket = takeSocket(reply.raw);
    if (!socket) return; // the client left during the read
    if (reply.request.method === 'HEAD') {
      // Fastify serves HEAD through this GET route: the same head a stream would get, no body,
      // and no subscription (HTTP: a HEAD answer has no body, and this one would never end).
      socket.end(HEAD_ONLY);
      return;
    }
    const stream = new ProductStream(productId, socket, parseLastEventId(lastEventIdHeader), this.feed);
    stream.open();
    this.feed.subscribe(stream, product);
  }
}
