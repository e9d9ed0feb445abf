// `npm run audit [-- --fix]`: checks the contract's invariants on the configured database
// (DATABASE_URL), prints every drift, and exits 1 if there is any (2 if it could not check).
// `--fix` first repairs `reserved` from the active holds, under each product's lock.
import 'reflect-metadata';
import { auditStock, repairReserved } from '../audit/stock-audit';
import { withDataSource } from '../database/open-data-source';
import { queryRows } from '../database/sql';
import { runCli } from './bootstrap';

runCli(
  (config) =>
    withDataSource(config.database, async (dataSource) => {
      const fix = process.argv.includes('--fix');
      if (fix) {
        for (const r of await repairReserved(dataSource)) {
          console.log(
            r.repaired
              ? `fixed reserved product_id=${r.productId} ${r.from} -> ${r.to}`
              : `cannot fix reserved product_id=${r.productId}: active holds (${r.to}) exceed stock`,
          );
        }
      }
      // Invariant 6: no pending order is older than its pay_by plus one sweep interval.
      const overdueBefore = new Date(Date.now() - config.holdSweepIntervalSeconds * 1000);
      const drifts = await auditStock(dataSource, { overdueBefore });
      for (const { check, detail } of drifts) {
        const fields = Object.entries(detail).map(([k, v]) => `${k}=${String(v)}`);
        console.log(`drift ${check} ${fields.join(' ')}`);
      }
      const [{ n }] = await queryRows<{ n: number }>(dataSource, 'SELECT COUNT(*) AS n FROM products');
      console.log(
        drifts.length === 0
          ? `audit ok: ${n} product(s), no drift in ${config.database.display}`
          : `audit failed: ${drifts.length} drift(s) in ${config.database.display}`,
      );
      return drifts.length === 0 ? 0 : 1;
    }),
  { failureExitCode: 2, failurePrefix: 'audit could not run:' },
);
