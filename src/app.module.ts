import { CacheModule } from '@nestjs/cache-manager';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Clock } from './core/clock';
import { loggerOptions, wantsPrettyLogs } from './http/logging';
import { IS_CONNECTION_ERROR, ProblemDetailsFilter } from './http/problem-details.filter';
import { AppConfig } from './config/app-config';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { CoreModule } from './core/core.module';
import { DatabaseModule } from './database/database.module';
import { isConnectionError } from './database/db-errors';
import { HealthModule } from './health/health.module';
import { HoldsModule } from './holds/holds.module';
import { MetricsModule } from './metrics/metrics.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LiveStockModule } from './live/live-stock.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { cacheModuleOptions } from './products/cache-stores';
import { ProductsModule } from './products/products.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SweepsModule } from './sweeps/sweeps.module';

export interface AppOverrides {
  /** Replaces the system clock (tests move time instead of sleeping). */
  clock?: Clock;
  /** Where the JSON log lines go instead of stdout (tests read the events back). */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule.forRoot(overrides.clock),
        LoggerModule.forRoot(
          loggerOptions(
            { level: config.logLevel, pretty: wantsPrettyLogs(config.nodeEnv, process.stdout.isTTY === true) },
            overrides.logDestination,
          ),
        ),
        DatabaseModule.forRoot(config),
        CacheModule.register(cacheModuleOptions(config)),
        MetricsModule,
        ScheduleModule.forRoot(),
        RateLimitModule,
        AuthModule,
        IdempotencyModule,
        ProductsModule,
        HoldsModule,
        OrdersModule,
        PaymentsModule,
        SweepsModule,
        AdminModule,
        LiveStockModule,
        HealthModule,
      ],
      providers: [
        { provide: IS_CONNECTION_ERROR, useValue: isConnectionError },
        // A provider of its own as well, so the native POST /api/holds handler answers through it.
        ProblemDetailsFilter,
        { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
      ],
    };
  }
}
