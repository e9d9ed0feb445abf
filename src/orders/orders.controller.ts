import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiProblems } from '../http/problem.schema';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderResponse } from './order.response';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 for a new order; 200 with the same order when this hold was already converted. */
  @Post()
  @ApiOperation({ summary: 'Turn a hold into an order' })
  @ApiCreatedResponse({ type: OrderResponse, description: 'A new order' })
  @ApiOkResponse({ type: OrderResponse, description: 'The order this hold already became' })
  @ApiProblems({
    400: true,
    404: 'Unknown hold',
    409: 'The hold was released, or the same Idempotency-Key is still running',
    410: true,
    413: true,
    415: true,
    422: 'The Idempotency-Key was used with another body',
    429: true,
  })
  @Idempotent('orders')
  async convert(
    @Body() body: CreateOrderDto,
    @IdempotencyKeyClaim() claim: IdempotencyClaim | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse> {
    const { order, created } = await this.orders.convertToOrder(body.hold_id, claim?.record);
    reply.status(created ? 201 : 200);
    return order;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an order' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems({ 404: 'Unknown order' })
  get(@Param('id') id: string): Promise<OrderResponse> {
    return this.orders.get(id);
  }
}
