import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseUnavailableError } from '../core/errors';
import { withTimeout } from '../core/with-timeout';

const READY_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async checkReady(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), READY_TIMEOUT_MS, 'readiness check timed out');
      return { status: 'ok', database: 'up' };
    } catch {
      throw new DatabaseUnavailableError();
    }
  }
}
