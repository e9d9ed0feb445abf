import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Why a product's `stock` changed: the contract's list, and no other. */
export type StockMovementReason =
  | 'restock'
  | 'write_off'
  | 'order_created'
  | 'payment_failed'
  | 'order_expired'
  | 'order_cancelled'
  | 'late_payment';

/** One change of a product's `stock`, written in the transaction that made it (the ledger). */
@Entity('stock_movements')
export class StockMovement {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'product_id', unsigned: true })
  productId: number;

  @Column({ type: 'int' })
  delta: number;

  @Column({ type: 'varchar', length: 16 })
  reason: StockMovementReason;

  @Column({ name: 'order_id', type: 'varchar', length: 36, nullable: true })
  orderId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
