import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance } from 'fastify';
import { ProductsModule } from '../products/products.module';
import { LiveStockBus } from './live-stock-bus';
import { LiveStockController } from './live-stock.controller';
import { LiveStockFeed } from './live-stock.feed';
import { LiveStockService } from './live-stock.service';

/** Live stock over Server-Sent Events: GET /api/products/:id/stream. */
@Module({
  imports: [ProductsModule],
  controllers: [LiveStockController],
  providers: [LiveStockFeed, LiveStockService, LiveStockBus],
})
export class LiveStockModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly feed: LiveStockFeed,
  ) {}

  /**
   * Open streams never finish by themselves, so the HTTP server's close would wait on them for
   * ever: they are ended before it (preClose), and their clients reconnect to another instance.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preClose', (done) => {
      this.feed.closeAll();
      done();
    });
  }
}
