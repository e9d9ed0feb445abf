import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, NotEquals } from 'class-validator';

/** Far above any real correction, and far from the INT UNSIGNED bounds of `stock`. */
const MAX_DELTA = 1_000_000_000;

export class AdjustStockDto {
  @ApiProperty({ type: 'integer', description: '> 0 restock, < 0 write-off; never 0', example: 50 })
  @IsInt({ message: 'delta must be an integer' })
  @NotEquals(0, { message: 'delta must not be 0' })
  @Min(-MAX_DELTA)
  @Max(MAX_DELTA)
  delta: number;

  @ApiProperty({ enum: ['restock', 'write_off'], description: 'restock for delta > 0, write_off for delta < 0' })
  @IsIn(['restock', 'write_off'])
  reason: 'restock' | 'write_off';

  @ApiPropertyOptional({ maxLength: 500, example: 'pallet 7 arrived' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
