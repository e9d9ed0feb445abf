import { Module } from '@nestjs/common';
import { ProductsModule } from '../products/products.module';
import { StockLedger } from './stock-ledger.service';
import { StockRepository } from './stock.repository';

/** The stock ledger: the one writer of `stock` and `reserved`. The sweeps live in sweeps.module.ts. */
@Module({
  imports: [ProductsModule],
  providers: [StockLedger, StockRepository],
  exports: [StockLedger],
})
export class StockModule {}
