import { ApiProperty } from '@nestjs/swagger';
import { Product } from './product';

export class ProductResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Flash Sneaker' })
  name: string;

  @ApiProperty({ description: 'Decimal string with two places, never a float', example: '99.00', pattern: '^\\d+\\.\\d{2}$' })
  price: string;

  @ApiProperty({ description: 'Physical units in the warehouse', example: 100, minimum: 0 })
  stock: number;

  @ApiProperty({ description: 'stock minus the units held by active holds; never negative', example: 97, minimum: 0 })
  available: number;
}

export class ProductListResponse {
  @ApiProperty({ type: [ProductResponse] })
  data: ProductResponse[];
}

export function toProductResponse(product: Product): ProductResponse {
  return {
    id: product.id,
    name: product.name,
    price: product.price,
    stock: product.stock,
    available: product.stock - product.reserved,
  };
}
