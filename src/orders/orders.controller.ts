import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiProblems } from '../openapi/problem.schema';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderResponse } from './order.response';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 201 for a new order; 200 with the same order when this hold was already converted. */
  @Post()
  @ApiCreatedResponse({ type: OrderResponse, description: 'A new order' })
  @ApiOkResponse({ type: OrderResponse, description: 'The order this hold already became' })
  @ApiProblems({ 400: true, 404: 'Unknown hold', 409: 'The hold was released', 410: true, 413: true, 415: true })
  async convert(@Body() body: CreateOrderDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrderResponse> {
    const { order, created } = await this.orders.convertToOrder(body.hold_id);
    reply.status(created ? 201 : 200);
    return order;
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems({ 404: 'Unknown order' })
  get(@Param('id') id: string): Promise<OrderResponse> {
    return this.orders.get(id);
  }
}
