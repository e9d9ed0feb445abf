import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '../core/errors';

/**
 * Strict input: unknown fields are rejected, and nothing is coerced ("2" is not 2), so what the
 * service acts on is exactly what the client meant. Path parameters are left to their own pipes
 * (PositiveIntPipe): converting "01" or "1.5" to a number here would hide what the client sent.
 */
class StrictValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return Promise.resolve(value);
    return super.transform(value, metadata);
  }
}

export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      out[path] = Object.entries(error.constraints).map(([rule, message]) =>
        rule === 'whitelistValidation' ? `${error.property} is not an accepted field` : message,
      );
    }
    if (error.children?.length) Object.assign(out, flatten(error.children, path));
  }
  return out;
}
