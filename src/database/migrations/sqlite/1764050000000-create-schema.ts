import { MigrationInterface, QueryRunner } from 'typeorm';

/** Now, as DATETIME(3) text in UTC (`2026-11-25 06:15:22.000`): the format every datetime here uses. */
export const SQLITE_NOW = "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";

/**
 * The SQLite twin of ../1764050000000-create-schema.ts (same name, so both engines keep the same
 * migration history). SQLite has no UNSIGNED, so every unit counter gets CHECK (x >= 0); the
 * other CHECKs, unique keys and foreign keys are the MySQL ones. `updated_at` is kept by a
 * trigger, as MySQL's ON UPDATE CURRENT_TIMESTAMP(3) does.
 */
export class CreateSchema1764050000000 implements MigrationInterface {
  name = 'CreateSchema1764050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name VARCHAR(255) NOT NULL,
        price DECIMAL(12,2) NOT NULL,
        stock INTEGER NOT NULL,
        reserved INTEGER NOT NULL DEFAULT 0,
        created_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        updated_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        CONSTRAINT chk_products_price CHECK (price >= 0),
        CONSTRAINT chk_products_stock_unsigned CHECK (stock >= 0),
        CONSTRAINT chk_products_reserved_unsigned CHECK (reserved >= 0),
        CONSTRAINT chk_products_reserved CHECK (reserved <= stock)
      )`);

    await queryRunner.query(`
      CREATE TABLE holds (
        id CHAR(36) NOT NULL PRIMARY KEY,
        product_id INTEGER NOT NULL,
        qty INTEGER NOT NULL,
        status VARCHAR(16) NOT NULL,
        expires_at DATETIME NOT NULL,
        created_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        updated_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        CONSTRAINT fk_holds_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_holds_qty CHECK (qty > 0),
        CONSTRAINT chk_holds_status CHECK (status IN ('active', 'expired', 'released', 'converted'))
      )`);
    await queryRunner.query('CREATE INDEX idx_holds_product_status_expiry ON holds (product_id, status, expires_at)');
    await queryRunner.query('CREATE INDEX idx_holds_status_expiry ON holds (status, expires_at)');

    await queryRunner.query(`
      CREATE TABLE orders (
        id CHAR(36) NOT NULL PRIMARY KEY,
        hold_id CHAR(36) NOT NULL,
        product_id INTEGER NOT NULL,
        qty INTEGER NOT NULL,
        amount DECIMAL(14,2) NOT NULL,
        status VARCHAR(16) NOT NULL,
        created_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        updated_at DATETIME NOT NULL DEFAULT ${SQLITE_NOW},
        CONSTRAINT uq_orders_hold UNIQUE (hold_id),
        CONSTRAINT fk_orders_hold FOREIGN KEY (hold_id) REFERENCES holds (id),
        CONSTRAINT fk_orders_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_orders_qty CHECK (qty > 0),
        CONSTRAINT chk_orders_amount CHECK (amount >= 0),
        CONSTRAINT chk_orders_status CHECK (status IN ('pending', 'paid', 'failed'))
      )`);
    await queryRunner.query('CREATE INDEX idx_orders_product_status ON orders (product_id, status)');

    await queryRunner.query(`
      CREATE TABLE webhook_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key VARCHAR(255) NOT NULL,
        consumed_key VARCHAR(255) NULL,
        order_id VARCHAR(64) NOT NULL,
        payment_status VARCHAR(16) NOT NULL,
        result VARCHAR(16) NOT NULL,
        order_status VARCHAR(16) NULL,
        payload TEXT NOT NULL,
        received_at DATETIME NOT NULL,
        CONSTRAINT uq_webhook_logs_consumed_key UNIQUE (consumed_key),
        CONSTRAINT chk_webhook_logs_result CHECK (result IN ('processed', 'duplicate', 'ignored', 'not_found'))
      )`);
    await queryRunner.query('CREATE INDEX idx_webhook_logs_key ON webhook_logs (idempotency_key)');
    await queryRunner.query('CREATE INDEX idx_webhook_logs_order ON webhook_logs (order_id)');

    for (const table of ['products', 'holds', 'orders']) {
      // Skipped when the statement set updated_at itself; recursive triggers are off, so the
      // trigger's own UPDATE does not fire it again.
      await queryRunner.query(`
        CREATE TRIGGER trg_${table}_updated_at AFTER UPDATE ON ${table}
        FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
        BEGIN
          UPDATE ${table} SET updated_at = ${SQLITE_NOW} WHERE id = NEW.id;
        END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_logs');
    await queryRunner.query('DROP TABLE orders');
    await queryRunner.query('DROP TABLE holds');
    await queryRunner.query('DROP TABLE products');
  }
}
