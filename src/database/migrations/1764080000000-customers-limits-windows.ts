import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer identity, per-customer limits and sale windows. Holds and orders remember their
 * customer (`sub` of the bearer token; NULL when anonymous), compared byte for byte (utf8mb4_bin),
 * and indexed by product first: the limit is counted per product under its row lock. An
 * Idempotency-Key belongs to its owner (a hash of the customer or admin credential; '' anonymous),
 * so the owner joins the primary key.
 */
export class CustomersLimitsWindows1764080000000 implements MigrationInterface {
  name = 'CustomersLimitsWindows1764080000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE products
        ADD COLUMN sale_starts_at DATETIME(3) NULL,
        ADD COLUMN sale_ends_at DATETIME(3) NULL,
        ADD COLUMN max_per_customer INT UNSIGNED NULL,
        ADD CONSTRAINT chk_products_sale_window
          CHECK (sale_starts_at IS NULL OR sale_ends_at IS NULL OR sale_starts_at < sale_ends_at),
        ADD CONSTRAINT chk_products_max_per_customer CHECK (max_per_customer IS NULL OR max_per_customer > 0)`);
    await queryRunner.query(`
      ALTER TABLE holds
        ADD COLUMN customer_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        ADD KEY idx_holds_product_customer (product_id, customer_id, status)`);
    await queryRunner.query(`
      ALTER TABLE orders
        ADD COLUMN customer_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
        ADD KEY idx_orders_product_customer (product_id, customer_id, status)`);
    await queryRunner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN owner CHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '' AFTER scope,
        DROP PRIMARY KEY,
        ADD PRIMARY KEY (scope, owner, idempotency_key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM idempotency_keys WHERE owner <> ''`);
    await queryRunner.query(
      'ALTER TABLE idempotency_keys DROP PRIMARY KEY, DROP COLUMN owner, ADD PRIMARY KEY (scope, idempotency_key)',
    );
    await queryRunner.query('ALTER TABLE orders DROP KEY idx_orders_product_customer, DROP COLUMN customer_id');
    await queryRunner.query('ALTER TABLE holds DROP KEY idx_holds_product_customer, DROP COLUMN customer_id');
    await queryRunner.query(`
      ALTER TABLE products
        DROP CONSTRAINT chk_products_max_per_customer,
        DROP CONSTRAINT chk_products_sale_window,
        DROP COLUMN max_per_customer,
        DROP COLUMN sale_ends_at,
        DROP COLUMN sale_starts_at`);
  }
}
