import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order lifecycle (payment deadline, cancellation, late payments) and the stock ledger.
 *
 * - `orders.pay_by`: existing orders get created_at + 900 s (the default timeout; a migration
 *   cannot see the configuration), so pending orders older than that expire on the first sweep.
 * - `stock_movements`: one row per change of `stock`.
 * - `products.initial_stock`: the stock a product was created with, which `stock − Σ delta` must
 *   always equal. External tools insert products with just name, price and stock, so a trigger
 *   fills it in from `stock` on insert.
 *
 * Backfill, so that both invariants hold for the rows that exist before the ledger does: each
 * existing product's initial stock is its stock plus the units of its pending and paid orders,
 * and every existing order gets the movements it would have written (`order_created`, plus
 * `payment_failed` for a failed one), dated when the order was created and last updated.
 * So `stock − Σ delta = initial_stock` from the first row of history on.
 */
export class OrderLifecycleAndStockLedger1764070000000 implements MigrationInterface {
  name = 'OrderLifecycleAndStockLedger1764070000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE orders
        ADD COLUMN pay_by DATETIME(3) NULL AFTER status,
        DROP CONSTRAINT chk_orders_status`);
    await queryRunner.query('UPDATE orders SET pay_by = created_at + INTERVAL 900 SECOND');
    await queryRunner.query(`
      ALTER TABLE orders
        MODIFY pay_by DATETIME(3) NOT NULL,
        ADD KEY idx_orders_status_pay_by (status, pay_by),
        ADD CONSTRAINT chk_orders_status
          CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'cancelled', 'refund_due'))`);

    await queryRunner.query(`
      CREATE TABLE stock_movements (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        product_id INT UNSIGNED NOT NULL,
        delta INT NOT NULL,
        reason VARCHAR(16) CHARACTER SET ascii NOT NULL,
        order_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
        note VARCHAR(500) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_stock_movements_product (product_id, id),
        KEY idx_stock_movements_order (order_id),
        CONSTRAINT fk_stock_movements_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_stock_movements_delta CHECK (delta <> 0),
        CONSTRAINT chk_stock_movements_reason CHECK (reason IN
          ('restock', 'write_off', 'order_created', 'payment_failed', 'order_expired', 'order_cancelled', 'late_payment'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await queryRunner.query('ALTER TABLE products ADD COLUMN initial_stock INT UNSIGNED NULL AFTER stock');
    await queryRunner.query(`
      UPDATE products p SET initial_stock = stock +
        (SELECT COALESCE(SUM(o.qty), 0) FROM orders o WHERE o.product_id = p.id AND o.status IN ('pending', 'paid'))`);
    await queryRunner.query(`
      INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at)
      SELECT product_id, -CAST(qty AS SIGNED), 'order_created', id, 'backfilled', created_at FROM orders ORDER BY created_at, id`);
    await queryRunner.query(`
      INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at)
      SELECT product_id, qty, 'payment_failed', id, 'backfilled', updated_at FROM orders WHERE status = 'failed' ORDER BY updated_at, id`);
    // COALESCE: a product inserted with an explicit initial_stock keeps it.
    await queryRunner.query(`
      CREATE TRIGGER trg_products_initial_stock BEFORE INSERT ON products
      FOR EACH ROW SET NEW.initial_stock = COALESCE(NEW.initial_stock, NEW.stock)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER trg_products_initial_stock');
    await queryRunner.query('ALTER TABLE products DROP COLUMN initial_stock');
    await queryRunner.query('DROP TABLE stock_movements');
    await queryRunner.query(`
      ALTER TABLE orders DROP CONSTRAINT chk_orders_status, DROP KEY idx_orders_status_pay_by, DROP COLUMN pay_by`);
    await queryRunner.query(
      "ALTER TABLE orders ADD CONSTRAINT chk_orders_status CHECK (status IN ('pending', 'paid', 'failed'))",
    );
  }
}
