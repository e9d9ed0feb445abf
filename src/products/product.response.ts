import { ApiProperty } from '@nestjs/swagger';
import { Product } from './product';

export class ProductResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Flash Sneaker' })
  name: string;

  @ApiProperty({ description: 'Decimal string with two places, never a float', example: '99.00', pattern: '^\\d+\\.\\d{2}$' })
  price: string;

  @ApiProperty({ description: 'Physical units in the warehouse', example: 100, minimum: 0 })
  stock: number;

  @ApiProperty({ description: 'stock minus the units held by active holds; never negative', example: 97, minimum: 0 })
  available: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Start of the sale window; null: open',
    example: '2026-12-01T10:00:00.000Z',
  })
  sale_starts_at: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'End of the sale window; null: open',
    example: null,
  })
  sale_ends_at: string | null;

  @ApiProperty({ description: 'Whether now is inside the sale window (computed at every read)', example: true })
  on_sale: boolean;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 1,
    description: 'Most units one customer may have in active holds plus pending or paid orders; null: no limit',
    example: 2,
  })
  max_per_customer: number | null;
}

export class ProductListResponse {
  @ApiProperty({ type: [ProductResponse] })
  data: ProductResponse[];
}

/**
 * A product as cached: everything but `on_sale`, which depends on when it is read, so a cached
 * entry never freezes it (withOnSale adds it on the way out).
 */
export type ProductSnapshot = Omit<ProductResponse, 'on_sale'>;

export function toProductSnapshot(product: Product): ProductSnapshot {
  return {
    id: product.id,
    name: product.name,
    price: product.price,
    stock: product.stock,
    available: product.stock - product.reserved,
    sale_starts_at: product.saleStartsAt?.toISOString() ?? null,
    sale_ends_at: product.saleEndsAt?.toISOString() ?? null,
    max_per_customer: product.maxPerCustomer,
  };
}

export function withOnSale(snapshot: ProductSnapshot, now: Date): ProductResponse {
  const startsAt = snapshot.sale_starts_at === null ? null : new Date(snapshot.sale_starts_at);
  const endsAt = snapshot.sale_ends_at === null ? null : new Date(snapshot.sale_ends_at);
  const { max_per_customer, ...rest } = snapshot;
  return { ...rest, on_sale: saleWindowState(startsAt, endsAt, now) === 'open', max_per_customer };
}

/** Where `now` is relative to a sale window: the start is inside it, the end is not. */
export function saleWindowState(startsAt: Date | null, endsAt: Date | null, now: Date): 'not-started' | 'open' | 'ended' {
  if (startsAt !== null && now.getTime() < startsAt.getTime()) return 'not-started';
  if (endsAt !== null && now.getTime() >= endsAt.getTime()) return 'ended';
  return 'open';
}
