import { InsufficientStockError, InvalidFieldError, ProductNotFoundError } from '../../src/core/errors';
import { queryRows } from '../../src/database/sql';
import { HoldsService } from '../../src/holds/holds.service';
import { newHold, newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { MediumContext, startMedium } from '../support/medium';

// The hold grant rules, HoldsService.reserve against the real database (batched, as in production).
describe('HoldsService.reserve (medium: real database, no HTTP)', () => {
  let ctx: MediumContext;
  let holds: HoldsService;

  beforeAll(async () => {
    ctx = await startMedium({ MAX_QTY_PER_HOLD: '4' });
    holds = ctx.module.get(HoldsService);
  });
  afterAll(() => ctx.close());

  const reservedOf = async (id: number) =>
    Number(
      (await queryRows<{ reserved: number }>(ctx.dataSource, 'SELECT reserved FROM products WHERE id = ?', [id]))[0].reserved,
    );

  it('grants up to exactly the available units, then refuses with the count still available', async () => {
    const product = await newProduct(ctx.dataSource, { stock: 7 });
    await expect(holds.reserve(product.id, 4, null)).resolves.toMatchObject({ product_id: product.id, qty: 4, status: 'active' });
    await expect(holds.reserve(product.id, 3, null)).resolves.toMatchObject({ qty: 3 });
    const refused = holds.reserve(product.id, 1, null);
    await expect(refused).rejects.toBeInstanceOf(InsufficientStockError);
    await expect(refused).rejects.toMatchObject({ code: 'insufficient-stock', status: 409 });
    expect(await reservedOf(product.id)).toBe(7);
    await expectInvariants(ctx.dataSource, new Map([[product.id, 7]]));
  });

  it('takes MAX_QTY_PER_HOLD from the configuration: 4 passes, 5 is refused before any write', async () => {
    const product = await newProduct(ctx.dataSource, { stock: 20 });
    await expect(holds.reserve(product.id, 4, null)).resolves.toMatchObject({ qty: 4 });
    await expect(holds.reserve(product.id, 5, null)).rejects.toBeInstanceOf(InvalidFieldError);
    expect(await reservedOf(product.id)).toBe(4);
  });

  it('refuses an unknown product', async () => {
    await expect(holds.reserve(987_654, 1, null)).rejects.toBeInstanceOf(ProductNotFoundError);
  });

  it('does not count an overdue hold, even before any sweep, and expires it in the same transaction', async () => {
    const product = await newProduct(ctx.dataSource, { stock: 3 });
    const overdue = await newHold(ctx.dataSource, product, { qty: 3, expiresAt: new Date(ctx.clock.now().getTime() - 1000) });
    await expect(holds.reserve(product.id, 3, null)).resolves.toMatchObject({ qty: 3 });
    const [row] = await queryRows<{ status: string }>(ctx.dataSource, 'SELECT status FROM holds WHERE id = ?', [overdue.id]);
    expect(row.status).toBe('expired');
    expect(await reservedOf(product.id)).toBe(3);
    expect(ctx.logs.events('holds_expired').at(-1)).toMatchObject({ count: 1, products: [product.id] });
    await expectInvariants(ctx.dataSource, new Map([[product.id, 3]]));
  });
});
