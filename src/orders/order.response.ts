import { Order } from './order.entity';

export interface OrderResponse {
  id: string;
  hold_id: string;
  product_id: number;
  qty: number;
  amount: string;
  status: Order['status'];
  created_at: string;
}

export function toOrderResponse(order: Order): OrderResponse {
  return {
    id: order.id,
    hold_id: order.holdId,
    product_id: order.productId,
    qty: order.qty,
    amount: order.amount,
    status: order.status,
    created_at: order.createdAt.toISOString(),
  };
}
