import { CreateSchema1764050000000 } from './1764050000000-create-schema';
import { CreateIdempotencyKeys1764060000000 } from './1764060000000-create-idempotency-keys';
import { OrderLifecycleAndStockLedger1764070000000 } from './1764070000000-order-lifecycle-and-stock-ledger';
import { CustomersLimitsWindows1764080000000 } from './1764080000000-customers-limits-windows';

/** The SQLite twins of the MySQL migrations (../), in the same order and under the same names. */
export const SQLITE_MIGRATIONS = [
  CreateSchema1764050000000,
  CreateIdempotencyKeys1764060000000,
  OrderLifecycleAndStockLedger1764070000000,
  CustomersLimitsWindows1764080000000,
];
