export type OrderStatus = 'pending' | 'paid' | 'failed';

/** A row of `orders` (migrations/…-create-schema.ts), as the repository reads it. */
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
  createdAt: Date;
  updatedAt: Date;
}
