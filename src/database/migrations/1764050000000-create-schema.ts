import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema of the contract. Every unit counter is unsigned and the CHECKs restate the
 * invariants, so a bug in the code fails a statement instead of corrupting the stock.
 */
export class CreateSchema1764050000000 implements MigrationInterface {
  name = 'CreateSchema1764050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(255) NOT NULL,
        price DECIMAL(12,2) NOT NULL,
        stock INT UNSIGNED NOT NULL,
        reserved INT UNSIGNED NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        CONSTRAINT chk_products_price CHECK (price >= 0),
        CONSTRAINT chk_products_reserved CHECK (reserved <= stock)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await queryRunner.query(`
      CREATE TABLE holds (
        id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        product_id INT UNSIGNED NOT NULL,
        qty INT UNSIGNED NOT NULL,
        status VARCHAR(16) CHARACTER SET ascii NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY idx_holds_product_status_expiry (product_id, status, expires_at),
        KEY idx_holds_status_expiry (status, expires_at),
        CONSTRAINT fk_holds_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_holds_qty CHECK (qty > 0),
        CONSTRAINT chk_holds_status CHECK (status IN ('active', 'expired', 'released', 'converted'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await queryRunner.query(`
      CREATE TABLE orders (
        id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        hold_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        product_id INT UNSIGNED NOT NULL,
        qty INT UNSIGNED NOT NULL,
        amount DECIMAL(14,2) NOT NULL,
        status VARCHAR(16) CHARACTER SET ascii NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_orders_hold (hold_id),
        KEY idx_orders_product_status (product_id, status),
        CONSTRAINT fk_orders_hold FOREIGN KEY (hold_id) REFERENCES holds (id),
        CONSTRAINT fk_orders_product FOREIGN KEY (product_id) REFERENCES products (id),
        CONSTRAINT chk_orders_qty CHECK (qty > 0),
        CONSTRAINT chk_orders_amount CHECK (amount >= 0),
        CONSTRAINT chk_orders_status CHECK (status IN ('pending', 'paid', 'failed'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    await queryRunner.query(`
      CREATE TABLE webhook_logs (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        idempotency_key VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
        consumed_key VARCHAR(255) COLLATE utf8mb4_bin NULL,
        order_id VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
        payment_status VARCHAR(16) NOT NULL,
        result VARCHAR(16) CHARACTER SET ascii NOT NULL,
        order_status VARCHAR(16) CHARACTER SET ascii NULL,
        payload TEXT NOT NULL,
        received_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_webhook_logs_consumed_key (consumed_key),
        KEY idx_webhook_logs_key (idempotency_key),
        KEY idx_webhook_logs_order (order_id),
        CONSTRAINT chk_webhook_logs_result CHECK (result IN ('processed', 'duplicate', 'ignored', 'not_found'))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_logs');
    await queryRunner.query('DROP TABLE orders');
    await queryRunner.query('DROP TABLE holds');
    await queryRunner.query('DROP TABLE products');
  }
}
