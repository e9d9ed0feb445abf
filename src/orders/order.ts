export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refund_due';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'paid', 'failed', 'expired', 'cancelled', 'refund_due'];

/** A row of `orders` (migrations/…-create-schema.ts, …-order-lifecycle-and-stock-ledger.ts), as the repository reads it. */
export interface Order {
  /** UUIDv7, CHAR(36). */
  id: string;
  /** Unique: one hold makes at most one order, and the database is what promises it. */
  holdId: string;
  productId: number;
  qty: number;
  /** DECIMAL(14,2), as a string with two places ("198.00"). */
  amount: string;
  status: OrderStatus;
  /** created_at + ORDER_PAYMENT_TIMEOUT_SECONDS: a pending order not paid by then expires. */
  payBy: Date;
  /** The customer (the token's `sub`) whose it is; null when it was made anonymously. */
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
