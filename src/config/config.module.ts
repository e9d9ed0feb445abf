import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../common/domain-events';
import { AppConfig } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * What every module may depend on from its environment: the configuration validated at boot
 * (`@Inject(APP_CONFIG)`), the clock, and the domain events (log lines and counters).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock = new Clock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        DomainEvents,
      ],
      exports: [APP_CONFIG, Clock, DomainEvents],
    };
  }
}
