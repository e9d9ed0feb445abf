import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { StockModule } from '../stock/stock.module';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminOrdersController } from './admin-orders.controller';
import { AdminProductsController } from './admin-products.controller';
import { StockAdjustmentsService } from './stock-adjustments.service';

/** The operators' API under /api/admin: thin controllers over the features' own services. */
@Module({
  imports: [ProductsModule, OrdersModule, StockModule],
  controllers: [AdminProductsController, AdminOrdersController],
  providers: [AdminAuthGuard, StockAdjustmentsService],
})
export class AdminModule {}
