import { fromCents, multiplyMoney, toCents } from './money';

describe('money', () => {
  it.each([
    ['99.00', 2, '198.00'],
    ['19.99', 3, '59.97'],
    ['0.10', 3, '0.30'],
    ['59.9', 10, '599.00'],
    ['1', 7, '7.00'],
    ['9999999999.99', 10, '99999999999.90'],
  ])('%s × %d = %s, exactly', (price, qty, amount) => {
    expect(multiplyMoney(price, qty)).toBe(amount);
  });

  it('round-trips cents', () => {
    expect(toCents('12.34')).toBe(1234n);
    expect(fromCents(5n)).toBe('0.05');
  });

  it('refuses what is not a decimal amount', () => {
    expect(() => toCents('1.234')).toThrow();
    expect(() => toCents('-1.00')).toThrow();
    expect(() => toCents('1e3')).toThrow();
  });
});
