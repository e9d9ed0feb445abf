import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problem.schema';
import { PositiveIntPipe } from '../http/positive-int.pipe';
import { ListProductsQuery } from './dto/list-products.query';
import { ProductListResponse, ProductResponse } from './product.response';
import { ProductsService } from './products.service';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: 'List products' })
  @ApiOkResponse({ type: ProductListResponse, description: 'Products ordered by id' })
  @ApiProblems({ 400: true })
  list(@Query() query: ListProductsQuery): Promise<{ data: ProductResponse[] }> {
    return this.products.list(query.limit, query.after_id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a product' })
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: ProductResponse, description: 'The product (served from the cache)' })
  @ApiProblems({ 400: 'id is not a positive integer', 404: 'Unknown product' })
  get(@Param('id', PositiveIntPipe) id: number): Promise<ProductResponse> {
    return this.products.get(id);
  }
}
