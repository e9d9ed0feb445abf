import { Module } from '@nestjs/common';
import { HoldsModule } from '../holds/holds.module';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { StockModule } from '../stock/stock.module';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { WebhookLogsRepository } from './webhook-logs.repository';

@Module({
  imports: [ProductsModule, OrdersModule, HoldsModule, StockModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, WebhookLogsRepository],
})
export class PaymentsModule {}
