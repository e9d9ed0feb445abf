import { ApiProperty } from '@nestjs/swagger';
import { Order, ORDER_STATUSES } from './order';

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

  @ApiProperty({ enum: ORDER_STATUSES, example: 'pending' })
  status: Order['status'];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T06:15:40.000Z' })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-25T06:30:40.000Z',
    description: 'created_at + ORDER_PAYMENT_TIMEOUT_SECONDS: a pending order not paid by then expires',
  })
  pay_by: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The customer (token `sub`); null when anonymous',
    example: 'cus_42',
  })
  customer_id: string | null;
}

/**
 * A pending order past its `pay_by` is reported as expired straight away, even before the sweep
 * has marked it: no payment can make it an ordinary pending order again.
 */
export function toOrderResponse(order: Order, now: Date): OrderResponse {
  const overdue = order.status === 'pending' && order.payBy.getTime() <= now.getTime();
  return {
    id: order.id,
    hold_id: order.holdId,
    product_id: order.productId,
    qty: order.qty,
    amount: order.amount,
    status: overdue ? 'expired' : order.status,
    created_at: order.createdAt.toISOString(),
    pay_by: order.payBy.toISOString(),
    customer_id: order.customerId ?? null,
  };
}
