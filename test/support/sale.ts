import request from 'supertest';
import { TestApp } from './test-app';

/** The steps of a sale through HTTP, for tests that need an order to work on. */
export async function holdAndOrder(t: TestApp, productId: number, qty = 1): Promise<{ holdId: string; orderId: string }> {
  const hold = await request(t.url).post('/api/holds').send({ product_id: productId, qty }).expect(201);
  const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
  return { holdId: hold.body.id, orderId: order.body.id };
}

export function deliver(t: TestApp, orderId: string, status: 'success' | 'failed', key: string) {
  return request(t.url).post('/api/payments/webhook').send({ order_id: orderId, status, idempotency_key: key });
}
