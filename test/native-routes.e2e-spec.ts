import request from 'supertest';
import { CustomerAuthGuard } from '../src/auth/customer-auth.guard';
import { IdempotencyInterceptor } from '../src/idempotency/idempotency.interceptor';
import { ProductsService } from '../src/products/products.service';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * POST /api/holds (holds/native-hold-route.ts) and a cached GET /api/products/:id
 * (products/cached-read-route.ts) answer outside Nest's pipeline; Nest's would give the same
 * answers, so the other suites cannot tell which one served. These spy on the pieces of Nest's
 * pipeline (spied on the prototypes before the app is built, so Nest's router calls the spies)
 * and check that the native paths skip them while the routes next to them still run them.
 */
describe('native routes (e2e)', () => {
  let t: TestApp;
  const guard = jest.spyOn(CustomerAuthGuard.prototype, 'canActivate');
  const interceptor = jest.spyOn(IdempotencyInterceptor.prototype, 'intercept');
  // Not ProductsController.get itself: a spy in place of a decorated method loses its route metadata.
  const productRead = jest.spyOn(ProductsService.prototype, 'getJson');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
    jest.restoreAllMocks();
  });
  beforeEach(() => jest.clearAllMocks());

  it("serves POST /api/holds without Nest's guard and interceptor, which GET /api/holds/:id still runs", async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await request(t.url)
      .post('/api/holds')
      .set('idempotency-key', `native-${product.id}`)
      .send({ product_id: product.id, qty: 1 })
      .expect(201);
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 0 }).expect(400);
    expect(guard).not.toHaveBeenCalled();
    expect(interceptor).not.toHaveBeenCalled();

    // The same class-level guard on the next route of the controller: the spy does see Nest's pipeline.
    await request(t.url).get(`/api/holds/${hold.body.id}`).expect(200);
    expect(guard).toHaveBeenCalledTimes(1);
  });

  it("answers a cached product read without Nest's handler, which fills the cache on the first read", async () => {
    const product = await newProduct(t.dataSource, { stock: 7 });
    const first = await request(t.url).get(`/api/products/${product.id}`).expect(200);
    expect(productRead).toHaveBeenCalledTimes(1);
    const second = await request(t.url).get(`/api/products/${product.id}`).expect(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(productRead).toHaveBeenCalledTimes(1);
  });
});
