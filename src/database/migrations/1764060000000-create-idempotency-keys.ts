import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records: the stored answer of a POST /api/holds or /api/orders, replayed for
 * 24 hours. One row per (route scope, key); the primary key is what stops two requests with one
 * key from both running. `owner_token` and `lease_until` mark a claim still in progress.
 */
export class CreateIdempotencyKeys1764060000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764060000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        scope VARCHAR(16) CHARACTER SET ascii NOT NULL,
        idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
        status VARCHAR(16) CHARACTER SET ascii NOT NULL,
        owner_token CHAR(36) CHARACTER SET ascii NULL,
        lease_until DATETIME(3) NULL,
        response_status SMALLINT UNSIGNED NULL,
        response_body MEDIUMTEXT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (scope, idempotency_key),
        KEY idx_idempotency_keys_expiry (expires_at),
        CONSTRAINT chk_idempotency_keys_status CHECK (status IN ('in_progress', 'completed')),
        CONSTRAINT chk_idempotency_keys_answer CHECK (status = 'in_progress' OR response_status IS NOT NULL)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
