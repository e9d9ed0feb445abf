import { TransactionRunner } from '../../src/database/transaction-runner';
import { lockProductRow, until } from './row-lock';
import { TEST_ENGINE } from './test-database';
import { TestApp } from './test-app';

/**
 * Keeps every write on a product waiting, on either engine, until `release()`: how a race with a
 * slow transaction is staged without sleeping.
 */
export interface HeldProductWrites {
  /** Resolves once `n` transactions of the service wait behind the held lock. */
  waitForWaiters(n: number): Promise<void>;
  release(): Promise<void>;
}

export async function holdProductWrites(t: TestApp, productId: number): Promise<HeldProductWrites> {
  if (TEST_ENGINE === 'mysql') {
    // The product's row lock, held from another connection as another instance would.
    const lock = await lockProductRow(t.config.database, productId);
    return { waitForWaiters: (n) => lock.waitForWaiters(n), release: () => lock.release() };
  }
  // SQLite has no row locks: the service's write transactions take turns on one writer
  // (TransactionRunner), so a transaction of its own that waits on a gate holds them all back.
  const runner = t.app.get(TransactionRunner);
  const calls = jest.spyOn(runner, 'run');
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const holding = runner.run(async () => {
    entered();
    await gate;
  });
  await inside;
  return {
    // `run` queues for the writer as soon as it is called; the first call is the gate's own.
    waitForWaiters: (n) => until(() => calls.mock.calls.length - 1 >= n),
    async release() {
      open();
      await holding;
      calls.mockRestore();
    },
  };
}
