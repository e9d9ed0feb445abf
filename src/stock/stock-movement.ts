/** Why a product's `stock` changed: the contract's list, and no other. */
export type StockMovementReason =
  'restock' | 'write_off' | 'order_created' | 'payment_failed' | 'order_expired' | 'order_cancelled' | 'late_payment';

/** One change of a product's `stock`, written in the transaction that made it: a row of `stock_movements`. */
export interface StockMovement {
  /** BIGINT, as a string (it may pass 2^53 one day). */
  id: string;
  productId: number;
  delta: number;
  reason: StockMovementReason;
  orderId: string | null;
  note: string | null;
  createdAt: Date;
}
