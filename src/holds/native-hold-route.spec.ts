import {
  Body,
  CanActivate,
  Catch,
  ExceptionFilter,
  NestInterceptor,
  Param,
  ParseIntPipe,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { CustomerAuthGuard } from '../auth/customer-auth.guard';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { HoldsController } from './holds.controller';
import { nativeHoldRouteMismatches } from './native-hold-route';

class ExtraGuard implements CanActivate {
  canActivate() {
    return true;
  }
}
class ExtraInterceptor implements NestInterceptor {
  intercept(_context: never, next: { handle(): never }) {
    return next.handle();
  }
}
@Catch()
class ExtraFilter implements ExceptionFilter {
  catch() {}
}

describe('nativeHoldRouteMismatches', () => {
  it('finds nothing on HoldsController.reserve as it is: the native route mirrors all it declares', () => {
    expect(nativeHoldRouteMismatches(HoldsController, 'reserve')).toEqual([]);
  });

  it('reports a guard added on the method or on the class', () => {
    @UseGuards(CustomerAuthGuard)
    class OnMethod {
      @UseGuards(ExtraGuard)
      @Idempotent('holds')
      reserve() {}
    }
    expect(nativeHoldRouteMismatches(OnMethod, 'reserve')).toEqual([
      'guards: declared [CustomerAuthGuard, ExtraGuard], mirrored [CustomerAuthGuard]',
    ]);
    @UseGuards(CustomerAuthGuard, ExtraGuard)
    class OnClass {
      @Idempotent('holds')
      reserve() {}
    }
    expect(nativeHoldRouteMismatches(OnClass, 'reserve')).toEqual([
      'guards: declared [CustomerAuthGuard, ExtraGuard], mirrored [CustomerAuthGuard]',
    ]);
  });

  it('reports a removed guard or interceptor, an extra interceptor, pipe, parameter pipe or filter', () => {
    class Bare {
      reserve() {}
    }
    expect(nativeHoldRouteMismatches(Bare, 'reserve')).toEqual([
      'guards: declared [], mirrored [CustomerAuthGuard]',
      'interceptors: declared [], mirrored [IdempotencyInterceptor]',
    ]);
    @UseGuards(CustomerAuthGuard)
    @UseFilters(new ExtraFilter())
    class Extras {
      @Idempotent('holds')
      @UseInterceptors(ExtraInterceptor)
      @UsePipes(new ValidationPipe())
      reserve(@Body() body: unknown, @Param('id', ParseIntPipe) id: number) {
        return [body, id];
      }
    }
    expect(nativeHoldRouteMismatches(Extras, 'reserve')).toEqual([
      'interceptors: declared [ExtraInterceptor, IdempotencyInterceptor], mirrored [IdempotencyInterceptor]',
      'pipes: declared [ValidationPipe, ParseIntPipe], mirrored []',
      'filters: declared [ExtraFilter], mirrored []',
    ]);
  });
});
