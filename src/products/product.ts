/** A row of `products` (migrations/…-create-schema.ts), as the repository reads it. */
export interface Product {
  id: number;
  name: string;
  /** DECIMAL(12,2), as a string with two places ("99.00"), which is how money travels here. */
  price: string;
  /** Physical units in the warehouse. Changed only through the stock ledger (src/stock/). */
  stock: number;
  /** Units held by active holds; always the sum of their qty, moved in the same transaction. */
  reserved: number;
  /** The sale window; either side may be open (null). Holds outside it are refused. */
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  /** Most units one customer may have in active holds plus pending or paid orders; null: no limit. */
  maxPerCustomer: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What an operator sets on a product (PATCH: every field, merged with the current ones). */
export interface ProductSettings {
  name: string;
  price: string;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  maxPerCustomer: number | null;
}
