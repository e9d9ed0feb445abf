import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type IdempotencyScope = 'holds' | 'orders';

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface KeyRecord {
  fingerprint: string;
  status: 'in_progress' | 'completed';
  leaseUntil: Date | null;
  answer: StoredAnswer | null;
  expiresAt: Date;
}

export interface NewClaim {
  scope: IdempotencyScope;
  key: string;
  fingerprint: string;
  token: string;
  leaseUntil: Date;
  now: Date;
  expiresAt: Date;
}

/** Every query on `idempotency_keys`. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Throws the driver's duplicate-key error when the key is already recorded. */
  async insertClaim(claim: NewClaim, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO idempotency_keys
         (scope, idempotency_key, fingerprint, status, owner_token, lease_until, created_at, expires_at)
       VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?)`,
      [claim.scope, claim.key, claim.fingerprint, claim.token, claim.leaseUntil, claim.now, claim.expiresAt],
    );
  }

  async lock(manager: EntityManager, scope: IdempotencyScope, key: string): Promise<KeyRecord | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT fingerprint, status, lease_until, response_status, response_body, expires_at
         FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? FOR UPDATE`,
      [scope, key],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      fingerprint: String(row.fingerprint),
      status: row.status as KeyRecord['status'],
      leaseUntil: (row.lease_until as Date | null) ?? null,
      answer:
        row.response_status === null
          ? null
          : { status: Number(row.response_status), body: JSON.parse(String(row.response_body)) },
      expiresAt: row.expires_at as Date,
    };
  }

  /** Makes the locked row a fresh claim of `claim.token` (an expired record, or a dead owner's). */
  async reclaim(manager: EntityManager, claim: NewClaim): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys
          SET fingerprint = ?, status = 'in_progress', owner_token = ?, lease_until = ?,
              response_status = NULL, response_body = NULL, created_at = ?, expires_at = ?
        WHERE scope = ? AND idempotency_key = ?`,
      [claim.fingerprint, claim.token, claim.leaseUntil, claim.now, claim.expiresAt, claim.scope, claim.key],
    );
  }

  /** Stores the answer if `token` still owns the claim; false when another request took it over. */
  async complete(
    manager: EntityManager,
    scope: IdempotencyScope,
    key: string,
    token: string,
    answer: StoredAnswer,
  ): Promise<boolean> {
    const result = await manager.query(
      `UPDATE idempotency_keys
          SET status = 'completed', owner_token = NULL, lease_until = NULL, response_status = ?, response_body = ?
        WHERE scope = ? AND idempotency_key = ? AND owner_token = ? AND status = 'in_progress'`,
      [answer.status, JSON.stringify(answer.body), scope, key, token],
    );
    return (result as { affectedRows: number }).affectedRows === 1;
  }

  /** Gives up a claim whose request failed without an answer, so that a retry runs at once. */
  async release(scope: IdempotencyScope, key: string, token: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE scope = ? AND idempotency_key = ? AND owner_token = ? AND status = 'in_progress'`,
      [scope, key, token],
    );
  }

  /** Deletes up to `limit` records past their 24 hours; returns how many. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const result = await this.dataSource.query('DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?', [
      now,
      limit,
    ]);
    return (result as { affectedRows: number }).affectedRows;
  }
}
