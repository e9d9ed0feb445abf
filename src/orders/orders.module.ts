import { Module } from '@nestjs/common';
import { HoldsModule } from '../holds/holds.module';
import { ProductsModule } from '../products/products.module';
import { StockModule } from '../stock/stock.module';
import { OrderLifecycle } from './order-lifecycle';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [ProductsModule, HoldsModule, StockModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, OrderLifecycle],
  exports: [OrdersRepository, OrderLifecycle, OrdersService],
})
export class OrdersModule {}
