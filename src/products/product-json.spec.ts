import { prepareProduct, productJson } from './product-json';
import { ProductSnapshot, withOnSale } from './product.response';

const base: ProductSnapshot = {
  id: 7,
  name: 'Flash "Sneaker" ✓',
  price: '99.00',
  stock: 100,
  available: 97,
  sale_starts_at: '2026-12-01T10:00:00.000Z',
  sale_ends_at: '2026-12-01T12:00:00.000Z',
  max_per_customer: 2,
};

describe('prepared product JSON', () => {
  it.each([
    ['before the window', base, '2026-12-01T09:59:59.999Z'],
    ['at its start (inside)', base, '2026-12-01T10:00:00.000Z'],
    ['inside', base, '2026-12-01T11:00:00.000Z'],
    ['at its end (outside)', base, '2026-12-01T12:00:00.000Z'],
    [
      'without a window',
      { ...base, sale_starts_at: null, sale_ends_at: null, max_per_customer: null },
      '2026-12-01T11:00:00.000Z',
    ],
    ['open on one side', { ...base, sale_ends_at: null }, '2030-01-01T00:00:00.000Z'],
  ])('is byte for byte the uncached answer %s', (_label, snapshot, now) => {
    const at = new Date(now);
    expect(productJson(prepareProduct(snapshot), at)).toBe(JSON.stringify(withOnSale(snapshot, at)));
  });

  it('survives a round trip through a shared cache (JSON) unchanged', () => {
    const prepared = prepareProduct(base);
    expect(JSON.parse(JSON.stringify(prepared))).toEqual(prepared);
  });
});
