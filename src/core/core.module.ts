import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { DomainEvents } from './domain-events';

/** What every feature may depend on: the clock its rules are decided by, and the domain events. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(clock: Clock = new Clock()): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: Clock, useValue: clock }, DomainEvents],
      exports: [Clock, DomainEvents],
    };
  }
}
