import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { decimalString } from '../database/decimal-column';

/** Every status the contract names (the orders list filters by them). */
export const ORDER_STATUSES = ['pending', 'paid', 'failed', 'expired', 'cancelled', 'refund_due'] as const;
export type OrderStatus = 'pending' | 'paid' | 'failed';

@Entity('orders')
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Unique: one hold makes at most one order, and the database is what promises it. */
  @Column({ name: 'hold_id', type: 'varchar', length: 36, unique: true })
  holdId: string;

  @Column({ name: 'product_id', unsigned: true })
  productId: number;

  @Column({ unsigned: true })
  qty: number;

  @Column({ type: 'decimal', precision: 14, scale: 2, transformer: decimalString(2) })
  amount: string;

  @Column({ type: 'varchar', length: 16 })
  status: OrderStatus;

  /** The customer (the token's `sub`) whose it is; NULL when it was made anonymously. */
  @Column({ name: 'customer_id', type: 'varchar', length: 255, nullable: true })
  customerId: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}
