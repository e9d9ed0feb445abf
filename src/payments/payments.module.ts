import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { WebhookLogsRepository } from './webhook-logs.repository';

@Module({
  imports: [ProductsModule, OrdersModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, WebhookLogsRepository],
})
export class PaymentsModule {}
