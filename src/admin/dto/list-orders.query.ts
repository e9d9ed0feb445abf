import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Min } from 'class-validator';
import { digitsToNumber, PageQuery } from '../../http/page-query';
import { ORDER_STATUSES, OrderStatus } from '../../orders/order';

export class ListOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional()
  @Transform(digitsToNumber())
  @IsInt({ message: 'product_id must be an integer' })
  @Min(1)
  product_id?: number;

  @ApiPropertyOptional({ description: 'The last id of the previous page (ids are UUIDv7: time-ordered)' })
  @IsOptional()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'after_id must be an order id' })
  after_id?: string;
}
