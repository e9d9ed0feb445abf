import request from 'supertest';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('products (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reads a product inserted by an external tool with just name, price and stock', async () => {
    const p = await newProduct(t.dataSource, { name: 'Flash Sneaker', price: '99.00', stock: 100 });
    await request(t.url)
      .get(`/api/products/${p.id}`)
      .expect('content-type', /^application\/json/)
      .expect(200, {
        id: p.id,
        name: 'Flash Sneaker',
        price: '99.00',
        stock: 100,
        available: 100,
        sale_starts_at: null,
        sale_ends_at: null,
        on_sale: true,
        max_per_customer: null,
      });
  });

  it('lists by id, 20 by default, up to ?limit=, and pages with ?after_id=', async () => {
    await t.dataSource.query('DELETE FROM products');
    const created = [];
    for (let i = 0; i < 25; i++) created.push(await newProduct(t.dataSource, { stock: i }));
    const ids = created.map((p) => p.id);

    const first = await request(t.url).get('/api/products').expect(200);
    expect(first.body.data.map((p: { id: number }) => p.id)).toEqual(ids.slice(0, 20));
    expect(first.body.data[0]).toEqual({
      id: ids[0],
      name: created[0].name,
      price: '10.00',
      stock: 0,
      available: 0,
      sale_starts_at: null,
      sale_ends_at: null,
      on_sale: true,
      max_per_customer: null,
    });

    const page = await request(t.url).get(`/api/products?limit=10&after_id=${ids[19]}`).expect(200);
    expect(page.body.data.map((p: { id: number }) => p.id)).toEqual(ids.slice(20));

    const all = await request(t.url).get('/api/products?limit=100').expect(200);
    expect(all.body.data).toHaveLength(25);
  });
});
