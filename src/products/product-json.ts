// A product's answer prepared for the wire once, when its cache entry is filled. Everything but
// `on_sale` is fixed for the entry's life; `on_sale` depends on when the product is read, so it is
// spliced in per read and a cached entry never freezes it.
import { ProductSnapshot, saleWindowState } from './product.response';

/** What a product read answers with (the JSON is sent as prepared, never serialized again). */
export const PRODUCT_JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface PreparedProduct {
  /** The JSON up to where `on_sale` goes, without the closing brace. */
  head: string;
  /** The JSON after `on_sale`, closing brace included. */
  tail: string;
  saleStartsAtMs: number | null;
  saleEndsAtMs: number | null;
}

/** Same keys, same order as withOnSale's object: a cached answer is byte for byte an uncached one. */
export function prepareProduct(snapshot: ProductSnapshot): PreparedProduct {
  const { max_per_customer, ...rest } = snapshot;
  const head = JSON.stringify(rest);
  return {
    head: head.slice(0, -1),
    tail: `,"max_per_customer":${JSON.stringify(max_per_customer)}}`,
    saleStartsAtMs: snapshot.sale_starts_at === null ? null : Date.parse(snapshot.sale_starts_at),
    saleEndsAtMs: snapshot.sale_ends_at === null ? null : Date.parse(snapshot.sale_ends_at),
  };
}

export function productJson(product: PreparedProduct, now: Date): string {
  const startsAt = product.saleStartsAtMs === null ? null : new Date(product.saleStartsAtMs);
  const endsAt = product.saleEndsAtMs === null ? null : new Date(product.saleEndsAtMs);
  const onSale = saleWindowState(startsAt, endsAt, now) === 'open';
  return `${product.head},"on_sale":${onSale}${product.tail}`;
}
