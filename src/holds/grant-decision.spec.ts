import { decideGrants } from './grant-decision';

const none = new Map<string, number>();

describe('decideGrants', () => {
  it('grants in arrival order while units remain, and says how many are left to the others', () => {
    const decisions = decideGrants(
      [
        { qty: 2, customerId: null },
        { qty: 2, customerId: null },
        { qty: 1, customerId: null },
      ],
      { available: 3, maxPerCustomer: null, owned: none },
    );
    expect(decisions).toEqual([{ kind: 'granted' }, { kind: 'insufficient', available: 1 }, { kind: 'granted' }]);
  });

  it('grants exactly the available units (qty equal to available is granted)', () => {
    expect(decideGrants([{ qty: 3, customerId: 'a' }], { available: 3, maxPerCustomer: 3, owned: none })).toEqual([
      { kind: 'granted' },
    ]);
  });

  it('counts earlier grants of the same batch against a customer limit', () => {
    const decisions = decideGrants(
      [
        { qty: 1, customerId: 'a' },
        { qty: 1, customerId: 'b' },
        { qty: 1, customerId: 'a' },
        { qty: 1, customerId: 'a' },
      ],
      { available: 100, maxPerCustomer: 2, owned: none },
    );
    expect(decisions).toEqual([
      { kind: 'granted' },
      { kind: 'granted' },
      { kind: 'granted' },
      { kind: 'limit-reached', limit: 2, remaining: 0 },
    ]);
  });

  it('starts from what the customer already owns, and reports what remains', () => {
    const decisions = decideGrants(
      [
        { qty: 2, customerId: 'a' },
        { qty: 1, customerId: 'a' },
      ],
      {
        available: 100,
        maxPerCustomer: 3,
        owned: new Map([['a', 2]]),
      },
    );
    expect(decisions).toEqual([{ kind: 'limit-reached', limit: 3, remaining: 1 }, { kind: 'granted' }]);
  });

  it('never reports a negative remainder when the limit was lowered below what is owned', () => {
    expect(decideGrants([{ qty: 1, customerId: 'a' }], { available: 9, maxPerCustomer: 1, owned: new Map([['a', 3]]) })).toEqual([
      { kind: 'limit-reached', limit: 1, remaining: 0 },
    ]);
  });

  it('leaves anonymous requests and unlimited products to the stock alone', () => {
    expect(decideGrants([{ qty: 5, customerId: null }], { available: 5, maxPerCustomer: 1, owned: none })).toEqual([
      { kind: 'granted' },
    ]);
    expect(
      decideGrants([{ qty: 5, customerId: 'a' }], { available: 5, maxPerCustomer: null, owned: new Map([['a', 9]]) }),
    ).toEqual([{ kind: 'granted' }]);
  });

  it('refuses on the limit before the stock, and a refused request uses no allowance', () => {
    const decisions = decideGrants(
      [
        { qty: 3, customerId: 'a' },
        { qty: 2, customerId: 'a' },
      ],
      { available: 2, maxPerCustomer: 2, owned: none },
    );
    expect(decisions).toEqual([{ kind: 'limit-reached', limit: 2, remaining: 2 }, { kind: 'granted' }]);
  });
});
