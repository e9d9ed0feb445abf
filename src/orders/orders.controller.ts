import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderResponse } from './order.response';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 for a new order; 200 with the same order when this hold was already converted. */
  @Post()
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
  get(@Param('id') id: string): Promise<OrderResponse> {
    return this.orders.get(id);
  }
}
