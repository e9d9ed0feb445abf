import { ApiProperty } from '@nestjs/swagger';
import { StockMovement, StockMovementReason } from '../stock/stock-movement';

export class MovementResponse {
  @ApiProperty({ example: 41 })
  id: number;

  @ApiProperty({ example: 1 })
  product_id: number;

  @ApiProperty({ description: 'Change of stock (negative: units out)', example: 50 })
  delta: number;

  @ApiProperty({
    enum: ['restock', 'write_off', 'order_created', 'payment_failed', 'order_expired', 'order_cancelled', 'late_payment'],
  })
  reason: StockMovementReason;

  @ApiProperty({ type: String, nullable: true, example: null })
  order_id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'pallet 7 arrived' })
  note: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export class MovementListResponse {
  @ApiProperty({ type: [MovementResponse] })
  data: MovementResponse[];
}

export function toMovementResponse(m: StockMovement): MovementResponse {
  return {
    id: Number(m.id),
    product_id: m.productId,
    delta: m.delta,
    reason: m.reason,
    order_id: m.orderId,
    note: m.note,
    created_at: m.createdAt.toISOString(),
  };
}
