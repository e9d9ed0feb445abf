import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { InvalidSaleWindowError, ProductNotFoundError } from '../core/errors';
import { TransactionRunner } from '../database/transaction-runner';
import { ProductCache } from './product-cache';
import { productJson } from './product-json';
import { ProductResponse, toProductSnapshot, withOnSale } from './product.response';
import { Product, ProductSettings } from './product';
import { ProductsRepository, StockRow } from './products.repository';

export const DEFAULT_PAGE_SIZE = 20;

/** What PATCH may change; an absent field keeps its value, `null` clears a nullable one. */
export type ProductChanges = Partial<ProductSettings>;

@Injectable()
export class ProductsService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /** The product's answer as JSON, from the cache (prepared when the entry was filled). */
  async getJson(id: number): Promise<string> {
    const product = await this.cache.read(id, async () => {
      const row = await this.products.findById(id);
      return row ? toProductSnapshot(row) : null;
    });
    if (product === null) throw new ProductNotFoundError(id);
    return productJson(product, this.clock.now());
  }

  /**
   * The answer of a hit in this process's own cache entries, with no promise and no database;
   * undefined when it must be read through getJson (a miss, Redis, the cache off).
   */
  cachedJson(id: number): string | undefined {
    const product = this.cache.peekLocal(id);
    return product === undefined ? undefined : productJson(product, this.clock.now());
  }

  /** The same answer as an object, for the operator's routes (which are not the crowd's). */
  async get(id: number): Promise<ProductResponse> {
    return JSON.parse(await this.getJson(id)) as ProductResponse;
  }

  /** The product as it is now in the database, never from the cache (the live streams' source). */
  async readFresh(id: number): Promise<ProductResponse | null> {
    const row = await this.products.findById(id);
    return row ? withOnSale(toProductSnapshot(row), this.clock.now()) : null;
  }

  async list(limit = DEFAULT_PAGE_SIZE, afterId = 0): Promise<{ data: ProductResponse[] }> {
    const rows = await this.products.list(limit, afterId);
    const now = this.clock.now();
    return { data: rows.map((row) => withOnSale(toProductSnapshot(row), now)) };
  }

  /**
   * Locks the product row for the rest of the caller's transaction (null: no such product) and
   * returns what a use case decides with. Every use case that changes a product's units takes
   * this lock first, so they serialize per product and never deadlock each other; holds, orders
   * and payments take it here rather than through the repository, which is this feature's own.
   */
  lockForUpdate(manager: EntityManager, id: number): Promise<StockRow | null> {
    return this.products.lockForUpdate(manager, id);
  }

  /** Like lockForUpdate, but null at once when another transaction holds the row (the sweeps). */
  tryLock(manager: EntityManager, id: number): Promise<StockRow | null> {
    return this.products.tryLock(manager, id);
  }

  /** The product row itself, uncached (inside the caller's transaction when given its manager). */
  find(id: number, manager?: EntityManager): Promise<Product | null> {
    return this.products.findById(id, manager);
  }

  /** An operator's new product. Its first stock is not a movement: it is where the ledger starts. */
  async create(settings: ProductSettings, stock: number): Promise<ProductResponse> {
    assertWindow(settings);
    const id = await this.tx.run((manager) => this.products.insert(manager, settings, stock));
    await this.cache.invalidate(id);
    return this.get(id);
  }

  /**
   * An operator's change of name, price, window or limit, under the product lock (so a hold
   * batch decides with either the old settings or the new ones, never a mix); the cache is
   * invalidated before the answer, so the next read sees it.
   */
  async update(id: number, changes: ProductChanges): Promise<ProductResponse> {
    await this.tx.run(async (manager) => {
      if (!(await this.products.lockForUpdate(manager, id))) throw new ProductNotFoundError(id);
      const current = (await this.products.findById(id, manager))!;
      const settings: ProductSettings = {
        name: current.name,
        price: current.price,
        saleStartsAt: current.saleStartsAt,
        saleEndsAt: current.saleEndsAt,
        maxPerCustomer: current.maxPerCustomer,
        ...changes,
      };
      assertWindow(settings);
      await this.products.updateSettings(manager, id, settings);
    });
    await this.cache.invalidate(id);
    return this.get(id);
  }
}

function assertWindow({ saleStartsAt, saleEndsAt }: ProductSettings): void {
  if (saleStartsAt !== null && saleEndsAt !== null && saleStartsAt.getTime() >= saleEndsAt.getTime()) {
    throw new InvalidSaleWindowError();
  }
}
