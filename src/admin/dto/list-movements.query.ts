import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { digitsToNumber, PageQuery } from '../../http/page-query';

export class ListMovementsQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'The last id of the previous page (newest first)' })
  @IsOptional()
  // Movement ids are BIGINT: up to 15 digits stay exact as a JavaScript number.
  @Transform(digitsToNumber(15))
  @IsInt({ message: 'before_id must be an integer' })
  @Min(1)
  before_id?: number;
}
