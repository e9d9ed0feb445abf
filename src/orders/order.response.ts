import { ApiProperty } from '@nestjs/swagger';
import { Order } from './order';

export class OrderResponse {
  @ApiProperty({ example: '0193a4f3-5a10-7c02-9f3e-7f4f3b8d2a61' })
  id: string;

  @ApiProperty({ example: '0193a4f2-2f4a-7d3b-b1d6-2a5c8f0e91c4' })
  hold_id: string;

  @ApiProperty({ example: 1 })
  product_id: number;

  @ApiProperty({ example: 2, minimum: 1 })
  qty: number;

  @ApiProperty({ description: 'price × qty, a decimal string with two places', example: '198.00' })
  amount: string;

  @ApiProperty({ enum: ['pending', 'paid', 'failed'], example: 'pending' })
  status: Order['status'];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T06:15:40.000Z' })
  created_at: string;
}

export function toOrderResponse(order: Order): OrderResponse {
  return {
    id: order.id,
    hold_id: order.holdId,
    product_id: order.productId,
    qty: order.qty,
    amount: order.amount,
    status: order.status,
    created_at: order.createdAt.toISOString(),
  };
}
