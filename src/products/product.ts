/** A row of `products` (migrations/…-create-schema.ts), as the repository reads it. */
export interface Product {
  id: number;
  name: string;
  /** DECIMAL(12,2), as a string with two places ("99.00"), which is how money travels here. */
  price: string;
  /** Physical units in the warehouse. Only an order takes units out; a failed order puts them back. */
  stock: number;
  /** Units held by active holds; always the sum of their qty, moved in the same transaction. */
  reserved: number;
  createdAt: Date;
  updatedAt: Date;
}
