import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock';
import { ProductNotFoundError } from '../core/errors';
import { AnswerRecorder } from '../idempotency/idempotency-claim';
import { ProductResponse, toProductSnapshot, withOnSale } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';
import { AdjustStockDto } from './dto/adjust-stock.dto';
import { MovementResponse, toMovementResponse } from './movement.response';

/** The operators' stock corrections, through the one stock ledger (src/stock/). */
@Injectable()
export class StockAdjustmentsService {
  constructor(
    private readonly stock: StockLedger,
    private readonly products: ProductsService,
    private readonly clock: Clock,
  ) {}

  /**
   * A restock or write-off under the product lock (the fixed lock order: a hold batch and a
   * write-off never interleave, so "not below reserved" is exact). The answer is recorded for the
   * Idempotency-Key in the same transaction; a refusal is not (nothing happened, a retry runs again).
   */
  async adjust(productId: number, change: AdjustStockDto, onAnswered?: AnswerRecorder): Promise<ProductResponse> {
    return this.stock.transaction(async (manager) => {
      if (!(await this.products.lockForUpdate(manager, productId))) throw new ProductNotFoundError(productId);
      await this.stock.adjust(manager, productId, change.delta, change.reason, change.note);
      const product = withOnSale(toProductSnapshot((await this.products.find(productId, manager))!), this.clock.now());
      if (onAnswered) await onAnswered(manager, { status: 200, body: product });
      return product;
    });
  }

  async movements(productId: number, page: { limit: number; beforeId?: number }): Promise<{ data: MovementResponse[] }> {
    if (!(await this.products.find(productId))) throw new ProductNotFoundError(productId);
    return { data: (await this.stock.listMovements(productId, page)).map(toMovementResponse) };
  }
}
