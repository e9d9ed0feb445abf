import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsInt, Min } from 'class-validator';

export class CreateHoldDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  @IsDefined()
  @IsInt({ message: 'product_id must be an integer' })
  @Min(1)
  product_id: number;

  /** The upper bound is MAX_QTY_PER_HOLD, checked by the service (it is configuration). */
  @ApiProperty({ type: 'integer', minimum: 1, description: 'At most MAX_QTY_PER_HOLD (default 10)', example: 2 })
  @IsDefined()
  @IsInt({ message: 'qty must be an integer' })
  @Min(1)
  qty: number;
}
