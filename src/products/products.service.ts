import { Injectable } from '@nestjs/common';
import { ProductNotFoundError } from '../core/errors';
import { ProductCache } from './product-cache';
import { ProductResponse, toProductResponse } from './product.response';
import { ProductsRepository } from './products.repository';

export const DEFAULT_PAGE_SIZE = 20;

@Injectable()
export class ProductsService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
  ) {}

  async get(id: number): Promise<ProductResponse> {
    const product = await this.cache.read(id, async () => {
      const row = await this.products.findById(id);
      return row ? toProductResponse(row) : null;
    });
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  async list(limit = DEFAULT_PAGE_SIZE, afterId = 0): Promise<{ data: ProductResponse[] }> {
    const rows = await this.products.list(limit, afterId);
    return { data: rows.map(toProductResponse) };
  }
}
