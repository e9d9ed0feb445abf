import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { PositiveIntPipe } from '../http/positive-int.pipe';
import { ApiProblems } from '../http/problem.schema';
import { LiveStockService } from './live-stock.service';

@ApiTags('products')
@Controller('products')
export class LiveStockController {
  constructor(private readonly liveStock: LiveStockService) {}

  @Get(':id/stream')
  @ApiOperation({ summary: 'Follow a product live (Server-Sent Events)' })
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received; the current state comes at once',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'Server-Sent Events: a `product` event with the product body at once, then one per change of stock, ' +
      'available or on_sale (at most one per 250 ms), and a comment line every 15 s',
    schema: { type: 'string' },
  })
  @ApiProblems({
    400: 'id is not a positive integer',
    404: 'Unknown product',
    503: 'STREAM_MAX_CLIENTS streams are open already (Retry-After)',
  })
  stream(
    @Param('id', PositiveIntPipe) id: number,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.liveStock.open(id, lastEventId, reply);
  }
}
