import { Module } from '@nestjs/common';
import { ProductsModule } from '../products/products.module';
import { HoldSweeper } from './hold-sweeper';
import { HoldsController } from './holds.controller';
import { HoldsRepository } from './holds.repository';
import { HoldsService } from './holds.service';

@Module({
  imports: [ProductsModule],
  controllers: [HoldsController],
  providers: [HoldsService, HoldsRepository, HoldSweeper],
  exports: [HoldsRepository],
})
export class HoldsModule {}
