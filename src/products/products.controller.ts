import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problem.schema';
import { PositiveIntPipe } from '../http/positive-int.pipe';
import { PRODUCT_JSON_CONTENT_TYPE } from './product-json';
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
  // The cached JSON bytes go out as they are (Fastify sends a string unchanged): the read the
  // whole crowd refreshes serializes nothing. A hit in this process's cache does not even come
  // here: cached-read-route.ts answers it in the Fastify route (the same bytes and headers).
  @Header('content-type', PRODUCT_JSON_CONTENT_TYPE)
  get(@Param('id', PositiveIntPipe) id: number): Promise<string> {
    return this.products.getJson(id);
  }
}
