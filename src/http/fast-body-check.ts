// A body check compiled once per DTO from its class-validator rules, for the common case of a
// well-formed body: such a body skips class-transformer and class-validator altogether.
import { Type } from '@nestjs/common';
import { TransformationType } from 'class-transformer';
import type { defaultMetadataStorage as TransformerStorage } from 'class-transformer/types/storage';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-transformer keeps its decorators' metadata here and exports no public accessor for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: typeof TransformerStorage;
};

/** True only when the body certainly passes the DTO's rules; false means "ask class-validator". */
export type BodyCheck = (value: unknown) => boolean;

type FieldCheck = (value: unknown) => boolean;

const compiled = new WeakMap<Type, BodyCheck | null>();

/**
 * The compiled check of a DTO, or null when the DTO uses a rule this compiler does not know (or a
 * class-transformer decorator that changes values): those bodies always take the full path.
 *
 * The check may only be stricter than class-validator, never looser: a body it refuses goes on to
 * the full validation, which accepts it or answers the same problem+json as ever. So errors keep
 * their exact messages, and what the service acts on is exactly what it was before.
 */
export function fastBodyCheck(metatype: Type): BodyCheck | null {
  let check = compiled.get(metatype);
  if (check === undefined) {
    check = compile(metatype);
    compiled.set(metatype, check);
  }
  return check;
}

function compile(metatype: Type): BodyCheck | null {
  const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  if (rules.length === 0) return null;
  const fields = new Map<string, FieldCheck[]>();
  for (const rule of rules) {
    const check = compileRule(rule);
    if (check === null || changedByTransformer(metatype, rule.propertyName)) return null;
    const checks = fields.get(rule.propertyName) ?? [];
    if (check !== 'presence') checks.push(check);
    fields.set(rule.propertyName, checks);
  }
  const names = [...fields.keys()];
  const checks = names.map((name) => fields.get(name)!);
  return (value) => {
    if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
    // Every declared field present, nothing else: an optional or unknown field takes the full path.
    if (Object.keys(value).length !== names.length) return false;
    for (let i = 0; i < names.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, names[i])) return false;
      const field = (value as Record<string, unknown>)[names[i]];
      if (field === undefined || field === null) return false;
      for (const check of checks[i]) if (!check(field)) return false;
    }
    return true;
  };
}

/** One rule as a predicate; 'presence' for IsDefined (checked for every field); null: unknown. */
function compileRule(rule: ValidationMetadata): FieldCheck | 'presence' | null {
  if (rule.each || (rule.groups?.length ?? 0) > 0 || rule.always) return null;
  if (rule.type === 'isDefined') return 'presence';
  if (rule.type !== 'customValidation') return null;
  const [a, b] = (rule.constraints ?? []) as unknown[];
  switch (rule.name) {
    case 'isInt':
      return (v) => typeof v === 'number' && Number.isInteger(v);
    case 'isString':
      return (v) => typeof v === 'string';
    case 'min':
      return typeof a === 'number' ? (v) => typeof v === 'number' && v >= a : null;
    case 'max':
      return typeof a === 'number' ? (v) => typeof v === 'number' && v <= a : null;
    case 'isIn':
      return Array.isArray(a) ? (v) => a.some((allowed) => allowed === v) : null;
    case 'isLength': {
      const max = typeof b === 'number' ? b : Infinity;
      if (typeof a !== 'number') return null;
      // validator.js counts a surrogate pair or a variation selector as one character: such
      // strings are left to it rather than counted differently here.
      return (v) => typeof v === 'string' && !/[\uD800-\uDFFF]|\uFE0E|\uFE0F/.test(v) && v.length >= a && v.length <= max;
    }
    default:
      return null;
  }
}

function changedByTransformer(metatype: Type, property: string): boolean {
  return (
    defaultMetadataStorage.findTransformMetadatas(metatype, property, TransformationType.PLAIN_TO_CLASS).length > 0 ||
    defaultMetadataStorage.findTypeMetadata(metatype, property) !== undefined ||
    defaultMetadataStorage.findExposeMetadata(metatype, property) !== undefined ||
    defaultMetadataStorage.findExcludeMetadata(metatype, property) !== undefined
  );
}
