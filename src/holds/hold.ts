export type HoldStatus = 'active' | 'expired' | 'released' | 'converted';

/** A row of `holds` (migrations/…-create-schema.ts), as the repository reads it. */
export interface Hold {
  /** UUIDv7, CHAR(36): unguessable, yet time-ordered so inserts stay at the end of the primary key. */
  id: string;
  productId: number;
  qty: number;
  status: HoldStatus;
  expiresAt: Date;
  /** The customer (the token's `sub`) whose it is; null when it was made anonymously. */
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
}
