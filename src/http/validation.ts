import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { RequestValidationError } from '../core/errors';
import { fastBodyCheck } from './fast-body-check';

/**
 * Strict input: unknown fields are rejected, and nothing is coerced ("2" is not 2), so what the
 * service acts on is exactly what the client meant. Path parameters are left to their own pipes
 * (PositiveIntPipe): converting "01" or "1.5" to a number here would hide what the client sent.
 */
class StrictValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return Promise.resolve(value);
    // A well-formed body (the crowd's case) is taken by its compiled check; anything else goes
    // through class-transformer and class-validator below, which word the errors.
    if (metadata.type === 'body' && metadata.metatype && fastBodyCheck(metadata.metatype)?.(value)) {
      return Promise.resolve(Object.assign(new metadata.metatype(), value));
    }
    const unknown = undeclaredFields(value, metadata.metatype);
    if (unknown.length > 0) {
      return Promise.reject(
        new RequestValidationError(Object.fromEntries(unknown.map((f) => [f, [`${f} is not an accepted field`]]))),
      );
    }
    return super.transform(value, metadata);
  }
}

/**
 * The keys of a body or query that its DTO does not declare, read from the plain object before
 * class-transformer sees it. Neither library can be trusted with this on its own when a key is
 * named like an Object.prototype member (`constructor`, `toString`, `valueOf`, `hasOwnProperty`):
 * class-transformer silently drops a key that names a method of the target, and the whitelist of
 * class-validator looks keys up in a plain object, where such a name is always found.
 */
function undeclaredFields(value: unknown, metatype: Type | undefined): string[] {
  if (!metatype || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const declared = declaredFields(metatype);
  // No rules at all: not a DTO (a primitive, or a parameter read raw), so not this check's to judge.
  if (declared.size === 0) return [];
  return Object.keys(value).filter((key) => !declared.has(key));
}

const declaredByType = new WeakMap<Type, Set<string>>();

function declaredFields(metatype: Type): Set<string> {
  let declared = declaredByType.get(metatype);
  if (declared === undefined) {
    declared = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(metatype, '', true, false)
        .map((rule) => rule.propertyName),
    );
    declaredByType.set(metatype, declared);
  }
  return declared;
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
