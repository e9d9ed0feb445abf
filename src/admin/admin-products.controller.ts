import { Body, Controller, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { ApiProblems } from '../openapi/problem.schema';
import { ProductResponse } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { CreateProductDto, toNewProductSettings, toProductChanges, UpdateProductDto } from './dto/product-settings.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiProblems({ 401: true, 403: true, 404: 'The admin API is not enabled (or: unknown product)' })
@UseGuards(AdminAuthGuard)
@Controller('admin/products')
export class AdminProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiProblems({ 400: 'Invalid body, or a sale window whose start is not before its end' })
  create(@Body() body: CreateProductDto): Promise<ProductResponse> {
    return this.products.create(toNewProductSettings(body), body.stock);
  }

  @Patch(':id')
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: ProductResponse, description: 'The product as changed; the cache is invalidated at once' })
  @ApiProblems({ 400: 'Invalid body, or a sale window whose start is not before its end' })
  update(@Param('id', PositiveIntPipe) id: number, @Body() body: UpdateProductDto): Promise<ProductResponse> {
    return this.products.update(id, toProductChanges(body));
  }
}
