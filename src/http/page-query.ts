import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * Query strings are text: accept only plain digits (up to `maxDigits`), and only then make them
 * numbers; anything else stays a string for the validators to refuse.
 */
export const digitsToNumber =
  (maxDigits = 10) =>
  ({ value }: { value: unknown }) =>
    typeof value === 'string' && new RegExp(`^\\d{1,${maxDigits}}$`).test(value) ? Number(value) : value;

/** `?limit=` of every paged list: 1 to 100, default 20. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(digitsToNumber())
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(100)
  limit?: number;
}
