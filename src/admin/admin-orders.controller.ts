import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problem.schema';
import { OrderResponse } from '../orders/order.response';
import { OrdersService } from '../orders/orders.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { ListOrdersQuery } from './dto/list-orders.query';

export const DEFAULT_ORDERS_PAGE = 20;

class OrderListResponse {
  @ApiProperty({ type: [OrderResponse] })
  data: OrderResponse[];
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiProblems({ 401: true, 403: true, 404: 'The admin API is not enabled' })
@UseGuards(AdminAuthGuard)
@Controller('admin/orders')
export class AdminOrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({ summary: 'The orders of every customer, oldest first, with filters (operators)' })
  @ApiOkResponse({ type: OrderListResponse, description: 'Oldest first (by id); page on with ?after_id=' })
  @ApiProblems({ 400: true })
  list(@Query() query: ListOrdersQuery): Promise<{ data: OrderResponse[] }> {
    return this.orders.list({
      status: query.status,
      productId: query.product_id,
      limit: query.limit ?? DEFAULT_ORDERS_PAGE,
      afterId: query.after_id,
    });
  }

  /** As the customer's cancel, for any customer's order. */
  @Post(':id/cancel')
  @ApiOperation({ summary: 'Cancel any order (operators)' })
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponse, description: 'The order, cancelled (or expired, as it was)' })
  @ApiProblems({ 409: 'The order is paid, failed or owed a refund' })
  cancel(@Param('id') id: string): Promise<OrderResponse> {
    return this.orders.cancel(id, null);
  }
}
