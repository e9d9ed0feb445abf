import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PositiveIntPipe } from '../http/positive-int.pipe';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { ApiProblems } from '../http/problem.schema';
import { ProductResponse } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdjustStockDto } from './dto/adjust-stock.dto';
import { ListMovementsQuery } from './dto/list-movements.query';
import { MovementListResponse, MovementResponse } from './movement.response';
import { StockAdjustmentsService } from './stock-adjustments.service';
import { CreateProductDto, toNewProductSettings, toProductChanges, UpdateProductDto } from './dto/product-settings.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiProblems({ 401: true, 403: true, 404: 'The admin API is not enabled (or: unknown product)' })
@UseGuards(AdminAuthGuard)
@Controller('admin/products')
export class AdminProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly stock: StockAdjustmentsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a product (operators)' })
  @ApiCreatedResponse({ type: ProductResponse })
  @ApiProblems({ 400: 'Invalid body, or a sale window whose start is not before its end' })
  create(@Body() body: CreateProductDto): Promise<ProductResponse> {
    return this.products.create(toNewProductSettings(body), body.stock);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the name, price, sale window or limit of a product (operators)' })
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: ProductResponse, description: 'The product as changed; the cache is invalidated at once' })
  @ApiProblems({ 400: 'Invalid body, or a sale window whose start is not before its end' })
  update(@Param('id', PositiveIntPipe) id: number, @Body() body: UpdateProductDto): Promise<ProductResponse> {
    return this.products.update(id, toProductChanges(body));
  }

  @Post(':id/stock')
  @ApiOperation({ summary: 'Restock or write off units, through the stock ledger (operators)' })
  @HttpCode(200)
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: ProductResponse, description: 'The product after the restock or write-off' })
  @ApiProblems({
    400: 'Invalid body: delta 0, a reason that does not match the sign of delta, a note over 500 characters',
    409: 'The write-off would take stock below the units held (`stock-below-reserved`), or the same Idempotency-Key is still running',
    422: 'The Idempotency-Key was used with another body',
  })
  @Idempotent('stock')
  adjustStock(
    @Param('id', PositiveIntPipe) id: number,
    @Body() body: AdjustStockDto,
    @IdempotencyKeyClaim() claim: IdempotencyClaim | null,
  ): Promise<ProductResponse> {
    return this.stock.adjust(id, body, claim?.record);
  }

  @Get(':id/movements')
  @ApiOperation({ summary: 'The stock ledger of a product, newest first (operators)' })
  @ApiParam({ name: 'id', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: MovementListResponse, description: 'The stock ledger of the product, newest first' })
  @ApiProblems({ 400: true })
  movements(@Param('id', PositiveIntPipe) id: number, @Query() query: ListMovementsQuery): Promise<{ data: MovementResponse[] }> {
    return this.stock.movements(id, { limit: query.limit ?? 20, beforeId: query.before_id });
  }
}
