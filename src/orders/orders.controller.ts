import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerAuthGuard } from '../auth/customer-auth.guard';
import { CustomerId } from '../auth/principal';
import { FastifyReply } from 'fastify';
import { ApiProblems } from '../http/problem.schema';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderResponse } from './order.response';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@ApiBearerAuth()
@ApiProblems({ 401: true })
@UseGuards(CustomerAuthGuard)
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
    @CustomerId() customerId: string | null,
    @IdempotencyKeyClaim() claim: IdempotencyClaim | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse> {
    const { order, created } = await this.orders.convertToOrder(body.hold_id, customerId, claim?.record);
    reply.status(created ? 201 : 200);
    return order;
  }

  /** 200 cancelled (or already cancelled, or expired: as it is); 409 paid, failed or refund_due. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an unpaid order: its units go back into stock' })
  @ApiOkResponse({ type: OrderResponse, description: 'The order, cancelled (or expired, as it was)' })
  @ApiProblems({ 404: 'Unknown order', 409: 'The order is paid, failed or owed a refund', 429: true })
  cancel(@Param('id') id: string, @CustomerId() customerId: string | null): Promise<OrderResponse> {
    return this.orders.cancel(id, customerId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an order' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblems({ 404: 'Unknown order' })
  get(@Param('id') id: string, @CustomerId() customerId: string | null): Promise<OrderResponse> {
    return this.orders.get(id, customerId);
  }
}
