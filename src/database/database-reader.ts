import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from './sql';

/** The data source that serves reads outside transactions (on SQLite, the read-only connection). */
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

/**
 * Reads outside a transaction. On SQLite they go to a connection of their own that sees the last
 * committed state and never waits for the writer; on MySQL to the one pool. It only reads: there
 * is no way to write through it, so a write can never reach the read-only connection (writes take
 * the manager that TransactionRunner hands out).
 */
@Injectable()
export class DatabaseReader {
  constructor(@Inject(READ_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Rows of a SELECT: in the caller's transaction when one is given, on the reader otherwise. */
  rows<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], within?: EntityManager): Promise<T[]> {
    return queryRows<T>(within ?? this.dataSource, sql, params);
  }
}
