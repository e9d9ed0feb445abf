import { Module } from '@nestjs/common';
import { HoldsModule } from '../holds/holds.module';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { HoldSweeper } from './hold-sweeper';
import { OrderSweeper } from './order-sweeper';
import { StockModule } from '../stock/stock.module';

/** The background sweeps that give units back: expired holds and unpaid orders. */
@Module({
  imports: [ProductsModule, StockModule, HoldsModule, OrdersModule],
  providers: [HoldSweeper, OrderSweeper],
})
export class SweepsModule {}
