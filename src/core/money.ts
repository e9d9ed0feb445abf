// Money travels as a decimal string with two places ("99.00") and is computed in whole cents
// (BigInt), so no float ever touches an amount.

const MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;

export function toCents(amount: string): bigint {
  const match = MONEY.exec(amount);
  if (!match) throw new Error(`not a money amount: ${amount}`);
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function multiplyMoney(unitPrice: string, qty: number): string {
  return fromCents(toCents(unitPrice) * BigInt(qty));
}
