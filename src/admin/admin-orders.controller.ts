import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problem.schema';
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
}
