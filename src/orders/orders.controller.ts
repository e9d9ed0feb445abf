import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderResponse } from './order.response';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 for a new order; 200 with the same order when this hold was already converted. */
  @Post()
  async convert(@Body() body: CreateOrderDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrderResponse> {
    const { order, created } = await this.orders.convertToOrder(body.hold_id);
    reply.status(created ? 201 : 200);
    return order;
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<OrderResponse> {
    return this.orders.get(id);
  }
}
