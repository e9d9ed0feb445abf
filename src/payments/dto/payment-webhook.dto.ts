import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, IsString, Length } from 'class-validator';

export class PaymentWebhookDto {
  @ApiProperty({ minLength: 1, maxLength: 64, example: '0193a4f3-5a10-7c02-9f3e-7f4f3b8d2a61' })
  @IsDefined()
  @IsString({ message: 'order_id must be a string' })
  @Length(1, 64)
  order_id: string;

  @ApiProperty({ enum: ['success', 'failed'] })
  @IsDefined()
  @IsIn(['success', 'failed'], { message: 'status must be "success" or "failed"' })
  status: 'success' | 'failed';

  @ApiProperty({ minLength: 1, maxLength: 255, example: 'evt_123' })
  @IsDefined()
  @IsString({ message: 'idempotency_key must be a string' })
  @Length(1, 255)
  idempotency_key: string;
}
