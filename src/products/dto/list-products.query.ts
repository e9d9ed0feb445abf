import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings are text: accept only plain digits, and only then make them numbers. */
const digitsToNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

export class ListProductsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The last id of the previous page' })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt({ message: 'after_id must be an integer' })
  @Min(0)
  after_id?: number;
}
