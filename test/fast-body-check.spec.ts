import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { strictValidationPipe } from '../src/http/validation';
import { CreateHoldDto } from '../src/holds/dto/create-hold.dto';
import { CreateOrderDto } from '../src/orders/dto/create-order.dto';
import { PaymentWebhookDto } from '../src/payments/dto/payment-webhook.dto';
import { ListProductsQuery } from '../src/products/dto/list-products.query';
import { fastBodyCheck } from '../src/http/fast-body-check';

/** The full path alone: class-transformer + class-validator, as every body went before. */
async function fullPathAccepts(metatype: Type, body: unknown): Promise<boolean> {
  // As a query the compiled check never runs (it is for bodies): the same rules, the full path only.
  try {
    await strictValidationPipe().transform(body, { type: 'query', metatype });
    return true;
  } catch {
    return false;
  }
}

const long = (n: number) => 'x'.repeat(n);

const SAMPLES: Array<[Type, unknown[]]> = [
  [
    CreateHoldDto,
    [
      { product_id: 1, qty: 1 },
      { product_id: 7, qty: 10 },
      { qty: 2, product_id: 3 },
      { product_id: 0, qty: 1 },
      { product_id: 1, qty: 0 },
      { product_id: -1, qty: 1 },
      { product_id: 1.5, qty: 1 },
      { product_id: '1', qty: 1 },
      { product_id: 1, qty: '2' },
      { product_id: 1, qty: null },
      { product_id: 1 },
      {},
      { product_id: 1, qty: 1, extra: true },
      { product_id: 1, qty: 1, constructor: 1 },
      { product_id: 1, qty: true },
      { product_id: [1], qty: 1 },
      { product_id: Number.MAX_SAFE_INTEGER, qty: 1 },
      [1, 2],
      'text',
      7,
      null,
    ],
  ],
  [
    CreateOrderDto,
    [
      { hold_id: '0193a4f2-2f4a-7d3b-b1d6-2a5c8f0e91c4' },
      { hold_id: 'x' },
      { hold_id: '' },
      { hold_id: long(64) },
      { hold_id: long(65) },
      { hold_id: '😀'.repeat(33) },
      { hold_id: 1 },
      { hold_id: null },
      { hold_id: 'x', other: 1 },
      {},
    ],
  ],
  [
    PaymentWebhookDto,
    [
      { order_id: 'o', status: 'success', idempotency_key: 'evt_1' },
      { order_id: 'o', status: 'failed', idempotency_key: long(255) },
      { order_id: 'o', status: 'failed', idempotency_key: long(256) },
      { order_id: 'o', status: 'refunded', idempotency_key: 'k' },
      { order_id: 'o', status: 'SUCCESS', idempotency_key: 'k' },
      { order_id: '', status: 'success', idempotency_key: 'k' },
      { order_id: 'o', status: 'success', idempotency_key: '' },
      { order_id: 'o', status: 'success' },
      { order_id: 'o', status: 'success', idempotency_key: 'k', amount: 1 },
      { order_id: 'o', status: 'success', idempotency_key: 5 },
    ],
  ],
];

describe('the compiled body check', () => {
  it.each(SAMPLES.flatMap(([metatype, bodies]) => bodies.map((body) => [metatype.name, body, metatype] as const)))(
    '%s %j: never accepts what class-validator refuses',
    async (_name, body, metatype) => {
      const check = fastBodyCheck(metatype)!;
      expect(check).not.toBeNull();
      if (check(body)) await expect(fullPathAccepts(metatype, body)).resolves.toBe(true);
    },
  );

  it('takes the well-formed bodies of every POST route', () => {
    expect(fastBodyCheck(CreateHoldDto)!({ product_id: 1, qty: 2 })).toBe(true);
    expect(fastBodyCheck(CreateOrderDto)!({ hold_id: '0193a4f2-2f4a-7d3b-b1d6-2a5c8f0e91c4' })).toBe(true);
    expect(fastBodyCheck(PaymentWebhookDto)!({ order_id: 'o', status: 'failed', idempotency_key: 'evt_1' })).toBe(true);
  });

  it('refuses to compile a DTO whose values class-transformer changes (the query with @Transform)', () => {
    expect(fastBodyCheck(ListProductsQuery)).toBeNull();
  });

  it('hands the service an instance of the DTO with the same fields, by either path', async () => {
    const pipe = strictValidationPipe();
    const fast = await pipe.transform({ product_id: 3, qty: 2 }, { type: 'body', metatype: CreateHoldDto });
    expect(fast).toBeInstanceOf(CreateHoldDto);
    expect({ ...(fast as object) }).toEqual({ product_id: 3, qty: 2 });
  });

  it('leaves refusals to the full path, with its messages', async () => {
    const pipe = strictValidationPipe();
    await expect(pipe.transform({ product_id: '1', qty: 1 }, { type: 'body', metatype: CreateHoldDto })).rejects.toMatchObject({
      code: 'validation-failed',
    });
  });
});
