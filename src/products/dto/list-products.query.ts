import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings are text: accept only plain digits, and only then make them numbers. */
const digitsToNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

export class ListProductsQuery {
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt({ message: 'after_id must be an integer' })
  @Min(0)
  after_id?: number;
}
