import { ValueTransformer } from 'typeorm';

/**
 * A DECIMAL column read as a string with its scale ("99.00"), which is how money travels here.
 * mysql2 hands DECIMALs over as such strings already; SQLite stores them as numbers (99, 59.9),
 * so they are formatted back. Every DECIMAL(p,2) here has at most 14 digits, well inside a
 * double's exact range, so toFixed recovers the stored value exactly.
 */
export function decimalString(scale: number): ValueTransformer {
  return { to: (value: unknown) => value, from: (value: unknown) => toDecimalString(value, scale) };
}

/** The same for a DECIMAL read by raw SQL. */
export function toDecimalString<T>(value: T, scale: number): T | string {
  return typeof value === 'number' ? value.toFixed(scale) : value;
}
