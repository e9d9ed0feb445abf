import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { decimalString } from '../database/decimal-column';

@Entity('products')
export class Product {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  @Column({ length: 255 })
  name: string;

  /** DECIMAL(12,2), read as a string ("99.00"), which is how money travels here. */
  @Column({ type: 'decimal', precision: 12, scale: 2, transformer: decimalString(2) })
  price: string;

  /** Physical units in the warehouse. Changed only through the stock ledger (src/stock/). */
  @Column({ unsigned: true })
  stock: number;

  /**
   * The stock the product was created with (set by a trigger on insert): `stock − Σ` of its
   * stock_movements deltas always equals it.
   */
  @Column({ name: 'initial_stock', type: 'int', unsigned: true, nullable: true })
  initialStock: number | null;

  /** Units held by active holds; always the sum of their qty, moved in the same transaction. */
  @Column({ unsigned: true, default: 0 })
  reserved: number;

  /** The sale window; either side may be open (NULL). Holds outside it are refused. */
  @Column({ name: 'sale_starts_at', type: 'datetime', precision: 3, nullable: true })
  saleStartsAt: Date | null;

  @Column({ name: 'sale_ends_at', type: 'datetime', precision: 3, nullable: true })
  saleEndsAt: Date | null;

  /** Most units one customer may have in active holds plus pending or paid orders; NULL: no limit. */
  @Column({ name: 'max_per_customer', type: 'int', unsigned: true, nullable: true })
  maxPerCustomer: number | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}
