import { Product } from './product.entity';

export interface ProductResponse {
  id: number;
  name: string;
  price: string;
  stock: number;
  available: number;
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
