import { Module } from '@nestjs/common';
import { ProductCache } from './product-cache';
import { ProductsController } from './products.controller';
import { ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';

@Module({
  controllers: [ProductsController],
  providers: [ProductsService, ProductsRepository, ProductCache],
  exports: [ProductsRepository, ProductCache, ProductsService],
})
export class ProductsModule {}
