import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SQLite twin of ../1764060000000-create-idempotency-keys.ts: the same primary key (what stops
 * two requests with one key from both running), CHECKs and expiry index; SMALLINT UNSIGNED becomes
 * CHECK (response_status >= 0).
 */
export class CreateIdempotencyKeys1764060000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764060000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        scope VARCHAR(16) NOT NULL,
        idempotency_key VARCHAR(255) NOT NULL,
        fingerprint CHAR(64) NOT NULL,
        status VARCHAR(16) NOT NULL,
        owner_token CHAR(36) NULL,
        lease_until DATETIME NULL,
        response_status SMALLINT NULL,
        response_body TEXT NULL,
        created_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        PRIMARY KEY (scope, idempotency_key),
        CONSTRAINT chk_idempotency_keys_status CHECK (status IN ('in_progress', 'completed')),
        CONSTRAINT chk_idempotency_keys_answer CHECK (status = 'in_progress' OR response_status IS NOT NULL),
        CONSTRAINT chk_idempotency_keys_response_status CHECK (response_status >= 0)
      )`);
    await queryRunner.query('CREATE INDEX idx_idempotency_keys_expiry ON idempotency_keys (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
