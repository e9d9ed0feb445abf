import { Module } from '@nestjs/common';
import { ProductsModule } from '../products/products.module';
import { StockModule } from '../stock/stock.module';
import { HoldsController } from './holds.controller';
import { HoldsRepository } from './holds.repository';
import { HoldsService } from './holds.service';

@Module({
  imports: [ProductsModule, StockModule],
  controllers: [HoldsController],
  providers: [HoldsService, HoldsRepository],
  exports: [HoldsRepository, HoldsService],
})
export class HoldsModule {}
