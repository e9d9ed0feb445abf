import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { decimalString } from '../database/decimal-column';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refund_due';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'paid', 'failed', 'expired', 'cancelled', 'refund_due'];

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

  /** created_at + ORDER_PAYMENT_TIMEOUT_SECONDS: a pending order not paid by then expires. */
  @Column({ name: 'pay_by', type: 'datetime', precision: 3 })
  payBy: Date;

  /** The customer (the token's `sub`) whose it is; NULL when it was made anonymously. */
  @Column({ name: 'customer_id', type: 'varchar', length: 255, nullable: true })
  customerId: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}
