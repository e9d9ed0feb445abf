import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SQLite twin of ../1764080000000-customers-limits-windows.ts. SQLite cannot change a primary
 * key in place, so idempotency_keys is rebuilt with `owner` in it (its rows copied, owner '').
 */
export class CustomersLimitsWindows1764080000000 implements MigrationInterface {
  name = 'CustomersLimitsWindows1764080000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE products ADD COLUMN sale_starts_at DATETIME NULL');
    await queryRunner.query(
      `ALTER TABLE products ADD COLUMN sale_ends_at DATETIME NULL
         CONSTRAINT chk_products_sale_window CHECK (sale_starts_at IS NULL OR sale_ends_at IS NULL OR sale_starts_at < sale_ends_at)`,
    );
    await queryRunner.query(
      `ALTER TABLE products ADD COLUMN max_per_customer INTEGER NULL
         CONSTRAINT chk_products_max_per_customer CHECK (max_per_customer IS NULL OR max_per_customer > 0)`,
    );
    await queryRunner.query('ALTER TABLE holds ADD COLUMN customer_id VARCHAR(255) NULL');
    await queryRunner.query('CREATE INDEX idx_holds_product_customer ON holds (product_id, customer_id, status)');
    await queryRunner.query('ALTER TABLE orders ADD COLUMN customer_id VARCHAR(255) NULL');
    await queryRunner.query('CREATE INDEX idx_orders_product_customer ON orders (product_id, customer_id, status)');

    await queryRunner.query(`
      CREATE TABLE idempotency_keys_new (
        scope VARCHAR(16) NOT NULL,
        owner CHAR(64) NOT NULL DEFAULT '',
        idempotency_key VARCHAR(255) NOT NULL,
        fingerprint CHAR(64) NOT NULL,
        status VARCHAR(16) NOT NULL,
        owner_token CHAR(36) NULL,
        lease_until DATETIME NULL,
        response_status SMALLINT NULL,
        response_body TEXT NULL,
        created_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        PRIMARY KEY (scope, owner, idempotency_key),
        CONSTRAINT chk_idempotency_keys_status CHECK (status IN ('in_progress', 'completed')),
        CONSTRAINT chk_idempotency_keys_answer CHECK (status = 'in_progress' OR response_status IS NOT NULL),
        CONSTRAINT chk_idempotency_keys_response_status CHECK (response_status >= 0)
      )`);
    await queryRunner.query(`
      INSERT INTO idempotency_keys_new
        (scope, owner, idempotency_key, fingerprint, status, owner_token, lease_until, response_status, response_body, created_at, expires_at)
      SELECT scope, '', idempotency_key, fingerprint, status, owner_token, lease_until, response_status, response_body, created_at, expires_at
        FROM idempotency_keys`);
    await queryRunner.query('DROP TABLE idempotency_keys');
    await queryRunner.query('ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys');
    await queryRunner.query('CREATE INDEX idx_idempotency_keys_expiry ON idempotency_keys (expires_at)');
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error('CustomersLimitsWindows1764080000000 is not reversible on SQLite: restore the file from a backup'),
    );
  }
}
