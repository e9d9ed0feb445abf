// What several scenarios check after their load, and the products they share it over.
import { Connection } from 'mysql2/promise';
import { insertProduct, invariantViolations } from './database';
import { check, Check } from './scenario';

/** Share of the crowd on the first (hot) product of a multi-product scenario; the rest spread over the others. */
const HOT_SHARE = 0.6;
export const OTHER_PRODUCTS = 3;

/** The hot product and OTHER_PRODUCTS others, `${name} 0` to `${name} 3`, at 19.99. */
export async function insertCrowdProducts(db: Connection, name: string, stock: number): Promise<number[]> {
  const products: number[] = [];
  for (let i = 0; i <= OTHER_PRODUCTS; i++) products.push(await insertProduct(db, `${name} ${i}`, stock, '19.99'));
  return products;
}

/** A buyer's product: the first (hot) one HOT_SHARE of the time, else one of the others. */
export function pickCrowdProduct(products: number[]): number {
  return Math.random() < HOT_SHARE ? products[0] : products[1 + Math.floor(Math.random() * (products.length - 1))];
}

/**
 * Stored rows against answers seen: a duration run stops with up to one request per connection
 * still in flight, which the server may commit without the load generator seeing the answer.
 */
export function withinInFlight(stored: number, answered: number, connections: number): boolean {
  return stored >= answered && stored <= answered + connections;
}

/** withinInFlight as a check: "`stored` stored (or `noun`), `answered` answered". */
export function storedCheck(name: string, stored: number, answered: number, connections: number, noun = 'stored'): Check {
  return check(name, withinInFlight(stored, answered, connections), `${stored} ${noun}, ${answered} answered`);
}

/** Products that all started with `stock` units, as invariantsCheck takes them. */
export function sameStock(products: number[], stock: number): Map<number, number> {
  return new Map(products.map((id): [number, number] => [id, stock]));
}

/** The contract's invariants for the given products (id → initial stock), as one check. */
export async function invariantsCheck(db: Connection, initialStock: Map<number, number>): Promise<Check> {
  const violations = await invariantViolations(db, initialStock);
  return check('invariants', violations.length === 0, violations.join('; ') || 'hold');
}
