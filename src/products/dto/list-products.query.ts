import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { digitsToNumber, PageQuery } from '../../http/page-query';

export class ListProductsQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'The last id of the previous page' })
  @IsOptional()
  @Transform(digitsToNumber())
  @IsInt({ message: 'after_id must be an integer' })
  @Min(0)
  after_id?: number;
}
