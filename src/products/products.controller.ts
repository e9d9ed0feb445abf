import { Controller, Get, Param, Query } from '@nestjs/common';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { ListProductsQuery } from './dto/list-products.query';
import { ProductResponse } from './product.response';
import { ProductsService } from './products.service';

@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  list(@Query() query: ListProductsQuery): Promise<{ data: ProductResponse[] }> {
    return this.products.list(query.limit, query.after_id);
  }

  @Get(':id')
  get(@Param('id', PositiveIntPipe) id: number): Promise<ProductResponse> {
    return this.products.get(id);
  }
}
