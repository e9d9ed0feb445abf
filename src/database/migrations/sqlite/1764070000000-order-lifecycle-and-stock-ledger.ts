import { MigrationInterface, QueryRunner } from 'typeorm';
import { SQLITE_NOW } from './1764050000000-create-schema';

const ORDER_STATUSES = "('pending', 'paid', 'failed', 'expired', 'cancelled', 'refund_due')";

/**
 * The SQLite twin of ../1764070000000-order-lifecycle-and-stock-ledger.ts (the backfill is
 * explained there). SQLite cannot change a CHECK in place, so `orders` is rebuilt with the new
 * statuses and `pay_by` (nothing references `orders` by foreign key, so the swap is safe).
 */
export class OrderLifecycleAndStockLedger1764070000000 implements MigrationInterface {
  name = 'OrderLifecycleAndStockLedger1764070000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders_new (
        id CHAR(36) NOT NULL PRIMARY KEY,
        hold_id CHAR(36) NOT NULL,
        product_id INTEGER NOT NULL,
        qty INTEGER NOT NULL,
        amount DECIMAL(14,2) NOT NULL,
        status VARCHAR(16) NOT NULL,
        pay_by DATETIME NOT NULL,
        created_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        updated_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        CONSTRAINT uq_orders_hold UNIQUE (hold_id),
        CONSTRAINT fk_orders_hold FOREIGN KEY (hold_id) REFERENCES holds (id),
        CONSTRAINT fk_orders_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_orders_qty CHECK (qty > 0),
        CONSTRAINT chk_orders_amount CHECK (amount >= 0),
        CONSTRAINT chk_orders_status CHECK (status IN ${ORDER_STATUSES})
      )`);
    await queryRunner.query(`
      INSERT INTO orders_new (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at)
      SELECT id, hold_id, product_id, qty, amount, status,
             strftime('%Y-%m-%d %H:%M:%f', created_at, '+900 seconds'), created_at, updated_at
        FROM orders`);
    await queryRunner.query('DROP TABLE orders');
    await queryRunner.query('ALTER TABLE orders_new RENAME TO orders');
    await queryRunner.query('CREATE INDEX idx_orders_product_status ON orders (product_id, status)');
    await queryRunner.query('CREATE INDEX idx_orders_status_pay_by ON orders (status, pay_by)');
    await queryRunner.query(`
      CREATE TRIGGER trg_orders_updated_at AFTER UPDATE ON orders
      FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
      BEGIN
        UPDATE orders SET updated_at = ${SQLITE_NOW} WHERE id = NEW.id;
      END`);

    await queryRunner.query(`
      CREATE TABLE stock_movements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        product_id INTEGER NOT NULL,
        delta INTEGER NOT NULL,
        reason VARCHAR(16) NOT NULL,
        order_id CHAR(36) NULL,
        note VARCHAR(500) NULL,
        created_at DATETIME NOT NULL,
        CONSTRAINT fk_stock_movements_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_stock_movements_delta CHECK (delta <> 0),
        CONSTRAINT chk_stock_movements_reason CHECK (reason IN
          ('restock', 'write_off', 'order_created', 'payment_failed', 'order_expired', 'order_cancelled', 'late_payment'))
      )`);
    await queryRunner.query('CREATE INDEX idx_stock_movements_product ON stock_movements (product_id, id)');
    await queryRunner.query('CREATE INDEX idx_stock_movements_order ON stock_movements (order_id)');

    await queryRunner.query(
      'ALTER TABLE products ADD COLUMN initial_stock INTEGER NULL CONSTRAINT chk_products_initial_stock_unsigned CHECK (initial_stock >= 0)',
    );
    await queryRunner.query(`
      UPDATE products SET initial_stock = stock +
        (SELECT COALESCE(SUM(o.qty), 0) FROM orders o WHERE o.product_id = products.id AND o.status IN ('pending', 'paid'))`);
    await queryRunner.query(`
      INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at)
      SELECT product_id, -qty, 'order_created', id, 'backfilled', created_at FROM orders ORDER BY created_at, id`);
    await queryRunner.query(`
      INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at)
      SELECT product_id, qty, 'payment_failed', id, 'backfilled', updated_at FROM orders WHERE status = 'failed' ORDER BY updated_at, id`);
    // SQLite triggers cannot change NEW: the row is completed right after its insert, in the
    // same statement (a product inserted with an explicit initial_stock keeps it).
    await queryRunner.query(`
      CREATE TRIGGER trg_products_initial_stock AFTER INSERT ON products
      FOR EACH ROW WHEN NEW.initial_stock IS NULL
      BEGIN
        UPDATE products SET initial_stock = NEW.stock, updated_at = NEW.updated_at WHERE id = NEW.id;
      END`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER trg_products_initial_stock');
    await queryRunner.query('ALTER TABLE products DROP COLUMN initial_stock');
    await queryRunner.query('DROP TABLE stock_movements');
    await queryRunner.query('DROP INDEX idx_orders_status_pay_by');
    await queryRunner.query('ALTER TABLE orders DROP COLUMN pay_by');
  }
}
