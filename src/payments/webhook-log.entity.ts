import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type WebhookResult = 'processed' | 'duplicate' | 'ignored' | 'not_found';

/** The audit trail: every delivery with a valid body, whatever became of it. */
@Entity('webhook_logs')
export class WebhookLog {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'idempotency_key', length: 255 })
  idempotencyKey: string;

  /**
   * Set to the idempotency key on the one delivery that consumed it (processed or ignored), NULL
   * on the others. Unique, so two deliveries of one key can never both be acted upon.
   */
  @Column({ name: 'consumed_key', type: 'varchar', length: 255, nullable: true, unique: true })
  consumedKey: string | null;

  @Column({ name: 'order_id', length: 64 })
  orderId: string;

  @Column({ name: 'payment_status', length: 16 })
  paymentStatus: string;

  @Column({ type: 'varchar', length: 16 })
  result: WebhookResult;

  @Column({ name: 'order_status', type: 'varchar', length: 16, nullable: true })
  orderStatus: string | null;

  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt: Date;
}
