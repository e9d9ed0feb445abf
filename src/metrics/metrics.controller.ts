import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOperation } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { askPrimaryForMetrics } from './cluster-metrics';
import { Metrics } from './metrics.service';

/** Prometheus scrape endpoint (outside the `api` prefix, like the health checks). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(MetricsController.name);
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.registry.contentType);
    const fromCluster = askPrimaryForMetrics();
    if (fromCluster) {
      try {
        return await fromCluster;
      } catch (err) {
        // Better this worker's own numbers than no scrape at all.
        this.logger.warn({ err }, 'cluster metrics unavailable; answering with this worker only');
      }
    }
    return this.metrics.registry.metrics();
  }
}
