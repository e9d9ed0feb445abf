import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type HoldStatus = 'active' | 'expired' | 'released' | 'converted';

@Entity('holds')
export class Hold {
  /** UUIDv7: unguessable, yet time-ordered so inserts stay at the end of the primary key. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'product_id', unsigned: true })
  productId: number;

  @Column({ unsigned: true })
  qty: number;

  @Column({ type: 'varchar', length: 16 })
  status: HoldStatus;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  /** The customer (the token's `sub`) whose it is; NULL when it was made anonymously. */
  @Column({ name: 'customer_id', type: 'varchar', length: 255, nullable: true })
  customerId: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt: Date;
}
