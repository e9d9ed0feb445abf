import { EntityManager } from 'typeorm';
import { DomainError, IdempotencyKeyInUseError } from '../core/errors';
import { toProblemDocument } from '../http/problem-document';
import { IdempotencyKeysRepository, KeyId, StoredAnswer } from './idempotency-keys.repository';

/** What a use case answered: a status and response body, or a refusal. */
export type UseCaseAnswer = { status: number; body: unknown } | DomainError;

/**
 * Called by a use case inside its transaction, before the commit, with its answer: whatever must
 * commit together with the answer (an Idempotency-Key's record) is written here.
 */
export type AnswerRecorder = (manager: EntityManager, answer: UseCaseAnswer) => Promise<void>;

/**
 * A request's claim on its Idempotency-Key, handed to the use case. The use case records its
 * answer with it inside its own transaction, so the answer commits together with the hold or
 * order it describes, or not at all.
 */
export class IdempotencyClaim {
  constructor(
    private readonly repository: IdempotencyKeysRepository,
    readonly id: KeyId,
    readonly token: string,
  ) {}

  /**
   * Stores the answer in the caller's transaction; a refusal as the very problem document the
   * exception filter sends, so a replay is the first answer again.
   */
  readonly record: AnswerRecorder = (manager, answer) =>
    this.store(manager, answer instanceof DomainError ? { status: answer.status, body: toProblemDocument(answer) } : answer);

  private async store(manager: EntityManager, answer: StoredAnswer): Promise<void> {
    // Lost only when this request outlived its lease and a retry took the key over: this
    // transaction then rolls back, so the request is executed once, by the retry.
    if (!(await this.repository.complete(manager, this.id, this.token, answer))) {
      throw new IdempotencyKeyInUseError();
    }
  }
}
