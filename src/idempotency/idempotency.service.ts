import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../core/clock';
import { TransactionRunner } from '../database/transaction-runner';
import { isDuplicateKey } from '../database/db-errors';
import { IdempotencyClaim } from './idempotency-claim';
import { IdempotencyKeysRepository, KeyId, NewClaim, StoredAnswer } from './idempotency-keys.repository';

/** How long a stored answer is replayed (the contract: 24 hours). */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600;
/**
 * How long a claim is protected while its request runs. A request is answered within seconds
 * (bounded pool wait, lock waits); past this its owner is taken to have died (a crash before the
 * commit), and a retry may take the key over. Should the owner still be alive, its commit fails
 * on the lost claim, so the work is done once either way.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 30;

export type ClaimDecision =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'reused-with-other-body' }
  | { kind: 'in-progress' };

@Injectable()
export class IdempotencyService {
  constructor(
    private readonly repository: IdempotencyKeysRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims a key before the use case runs, committed on its own: the unique (scope, key) row
   * decides between concurrent requests, not a prior read. A key already there is replayed, refused (other body:
   * 422; still running: 409), or taken over (its 24 hours are over, or its owner's lease ran out).
   */
  async claim(id: KeyId, fingerprint: string): Promise<ClaimDecision> {
    const now = this.clock.now();
    const claim: NewClaim = {
      ...id,
      fingerprint,
      token: randomUUID(),
      leaseUntil: new Date(now.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000),
      now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_RETENTION_SECONDS * 1000),
    };
    const claimed: ClaimDecision = {
      kind: 'claimed',
      claim: new IdempotencyClaim(this.repository, id, claim.token),
    };
    try {
      // The common case, one statement: the key is new.
      await this.tx.autocommit((manager) => this.repository.insertClaim(manager, claim));
      return claimed;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return this.tx.run(async (manager): Promise<ClaimDecision> => {
      const existing = await this.repository.lock(manager, id);
      if (existing === null) {
        // Swept between our insert and this read: claim it now (a racing claimer waits on us).
        try {
          await this.repository.insertClaim(manager, claim);
          return claimed;
        } catch (error) {
          if (isDuplicateKey(error)) return { kind: 'in-progress' };
          throw error;
        }
      }
      const expired = existing.expiresAt.getTime() <= now.getTime();
      const abandoned = existing.status === 'in_progress' && (existing.leaseUntil?.getTime() ?? 0) <= now.getTime();
      if (!expired && existing.fingerprint !== fingerprint) return { kind: 'reused-with-other-body' };
      if (!expired && existing.status === 'completed') return { kind: 'replay', answer: existing.answer! };
      if (!expired && !abandoned) return { kind: 'in-progress' };
      await this.repository.reclaim(manager, claim);
      return claimed;
    });
  }

  /** Best effort: a claim that cannot be released is taken over once its lease runs out. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.tx.autocommit((manager) => this.repository.release(manager, claim.id, claim.token)).catch(() => undefined);
  }
}
