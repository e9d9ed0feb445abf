import { Injectable } from '@nestjs/common';
import { DatabaseUnavailableError } from '../core/errors';
import { withTimeout } from '../core/with-timeout';
import { DatabaseReader } from '../database/database-reader';

const READY_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(private readonly reader: DatabaseReader) {}

  async checkReady(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await withTimeout(this.reader.rows('SELECT 1'), READY_TIMEOUT_MS, 'readiness check timed out');
      return { status: 'ok', database: 'up' };
    } catch {
      throw new DatabaseUnavailableError();
    }
  }
}
