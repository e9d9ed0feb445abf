import { IsDefined, IsInt, Min } from 'class-validator';

export class CreateHoldDto {
  @IsDefined()
  @IsInt({ message: 'product_id must be an integer' })
  @Min(1)
  product_id: number;

  /** The upper bound is MAX_QTY_PER_HOLD, checked by the service (it is configuration). */
  @IsDefined()
  @IsInt({ message: 'qty must be an integer' })
  @Min(1)
  qty: number;
}
