import { IsDefined, IsIn, IsString, Length } from 'class-validator';

export class PaymentWebhookDto {
  @IsDefined()
  @IsString({ message: 'order_id must be a string' })
  @Length(1, 64)
  order_id: string;

  @IsDefined()
  @IsIn(['success', 'failed'], { message: 'status must be "success" or "failed"' })
  status: 'success' | 'failed';

  @IsDefined()
  @IsString({ message: 'idempotency_key must be a string' })
  @Length(1, 255)
  idempotency_key: string;
}
