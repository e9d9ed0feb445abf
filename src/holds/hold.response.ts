import { ApiProperty } from '@nestjs/swagger';
import { Hold, HoldStatus } from './hold';

export class HoldResponse {
  @ApiProperty({ description: 'Opaque, unguessable (UUIDv7)', example: '0193a4f2-2f4a-7d3b-b1d6-2a5c8f0e91c4' })
  id: string;

  @ApiProperty({ example: 1 })
  product_id: number;

  @ApiProperty({ example: 2, minimum: 1 })
  qty: number;

  @ApiProperty({ enum: ['active', 'expired', 'released', 'converted'], example: 'active' })
  status: HoldStatus;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T06:17:22.000Z' })
  expires_at: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The customer (token `sub`); null when anonymous',
    example: 'cus_42',
  })
  customer_id: string | null;
}

/**
 * An active hold past its expiry is reported as expired straight away, even before the sweep
 * has marked it: it no longer holds anything for anyone.
 */
export function toHoldResponse(hold: Hold, now: Date): HoldResponse {
  const overdue = hold.status === 'active' && hold.expiresAt.getTime() <= now.getTime();
  return {
    id: hold.id,
    product_id: hold.productId,
    qty: hold.qty,
    status: overdue ? 'expired' : hold.status,
    expires_at: hold.expiresAt.toISOString(),
    customer_id: hold.customerId ?? null,
  };
}
