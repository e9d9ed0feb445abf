import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute, lockRows, toDate } from '../database/sql';

export type IdempotencyScope = 'holds' | 'orders' | 'stock';

/** Which key: its route scope, its owner (idempotencyOwner(); '' anonymous) and the key itself. */
export interface KeyId {
  scope: IdempotencyScope;
  owner: string;
  key: string;
}

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

export interface NewClaim extends KeyId {
  fingerprint: string;
  token: string;
  leaseUntil: Date;
  now: Date;
  expiresAt: Date;
}

/** Every query on `idempotency_keys`. */
@Injectable()
export class IdempotencyKeysRepository {
  /** Throws the driver's duplicate-key error when the key is already recorded. */
  async insertClaim(manager: EntityManager, claim: NewClaim): Promise<void> {
    await execute(
      manager,
      `INSERT INTO idempotency_keys
         (scope, owner, idempotency_key, fingerprint, status, owner_token, lease_until, created_at, expires_at)
       VALUES (?, ?, ?, ?, 'in_progress', ?, ?, ?, ?)`,
      [claim.scope, claim.owner, claim.key, claim.fingerprint, claim.token, claim.leaseUntil, claim.now, claim.expiresAt],
    );
  }

  async lock(manager: EntityManager, { scope, owner, key }: KeyId): Promise<KeyRecord | null> {
    const rows = await lockRows(
      manager,
      `SELECT fingerprint, status, lease_until, response_status, response_body, expires_at
         FROM idempotency_keys WHERE scope = ? AND owner = ? AND idempotency_key = ?`,
      [scope, owner, key],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      fingerprint: String(row.fingerprint),
      status: row.status as KeyRecord['status'],
      leaseUntil: toDate(row.lease_until),
      answer:
        row.response_status === null
          ? null
          : { status: Number(row.response_status), body: JSON.parse(String(row.response_body)) },
      expiresAt: toDate(row.expires_at)!,
    };
  }

  /** Makes the locked row a fresh claim of `claim.token` (an expired record, or a dead owner's). */
  async reclaim(manager: EntityManager, claim: NewClaim): Promise<void> {
    await execute(
      manager,
      `UPDATE idempotency_keys
          SET fingerprint = ?, status = 'in_progress', owner_token = ?, lease_until = ?,
              response_status = NULL, response_body = NULL, created_at = ?, expires_at = ?
        WHERE scope = ? AND owner = ? AND idempotency_key = ?`,
      [claim.fingerprint, claim.token, claim.leaseUntil, claim.now, claim.expiresAt, claim.scope, claim.owner, claim.key],
    );
  }

  /** Stores the answer if `token` still owns the claim; false when another request took it over. */
  async complete(manager: EntityManager, { scope, owner, key }: KeyId, token: string, answer: StoredAnswer): Promise<boolean> {
    const { affected } = await execute(
      manager,
      `UPDATE idempotency_keys
          SET status = 'completed', owner_token = NULL, lease_until = NULL, response_status = ?, response_body = ?
        WHERE scope = ? AND owner = ? AND idempotency_key = ? AND owner_token = ? AND status = 'in_progress'`,
      [answer.status, JSON.stringify(answer.body), scope, owner, key, token],
    );
    return affected === 1;
  }

  /** Gives up a claim whose request failed without an answer, so that a retry runs at once. */
  async release(manager: EntityManager, { scope, owner, key }: KeyId, token: string): Promise<void> {
    await execute(
      manager,
      `DELETE FROM idempotency_keys
        WHERE scope = ? AND owner = ? AND idempotency_key = ? AND owner_token = ? AND status = 'in_progress'`,
      [scope, owner, key, token],
    );
  }

  /** Deletes up to `limit` records past their 24 hours; returns how many. */
  async deleteExpired(manager: EntityManager, now: Date, limit: number): Promise<number> {
    const { affected } = await execute(manager, 'DELETE FROM idempotency_keys WHERE expires_at <= ? LIMIT ?', [now, limit]);
    return affected;
  }
}
