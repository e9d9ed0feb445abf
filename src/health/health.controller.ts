import { Controller, Get } from '@nestjs/common';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. Never touches the database. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers; 503 when it does not. */
  @Get('ready')
  ready(): Promise<{ status: 'ok'; database: 'up' }> {
    return this.health.checkReady();
  }
}
