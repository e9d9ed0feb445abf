// The pure rule of a hold batch: who of the waiting requests gets units. Kept free of I/O so that
// every branch is pinned by a unit test (and by mutation testing).

export interface GrantInput {
  qty: number;
  customerId: string | null;
}

export interface GrantState {
  /** Units free for holds now (expired holds already given back). */
  available: number;
  /** The product's per-customer limit; null: none. */
  maxPerCustomer: number | null;
  /** Units each customer of the batch already has in active holds and pending or paid orders. */
  owned: ReadonlyMap<string, number>;
}

export type GrantDecision =
  { kind: 'granted' } | { kind: 'insufficient'; available: number } | { kind: 'limit-reached'; limit: number; remaining: number };

/**
 * Decides requests in arrival order. A customer's allowance shrinks with every unit granted to
 * them earlier in the same batch, so the limit is exact inside a batch as it is across batches
 * (those are serialized by the product lock). The limit is checked before the stock: a customer
 * at their limit is told so, whatever the stock.
 */
export function decideGrants(requests: readonly GrantInput[], state: GrantState): GrantDecision[] {
  let available = state.available;
  const owned = new Map(state.owned);
  return requests.map(({ qty, customerId }): GrantDecision => {
    const limit = state.maxPerCustomer;
    if (limit !== null && customerId !== null) {
      const remaining = Math.max(0, limit - (owned.get(customerId) ?? 0));
      if (qty > remaining) return { kind: 'limit-reached', limit, remaining };
    }
    if (qty > available) return { kind: 'insufficient', available };
    available -= qty;
    if (customerId !== null) owned.set(customerId, (owned.get(customerId) ?? 0) + qty);
    return { kind: 'granted' };
  });
}
