// `npm run test:unit`: the pure rules (batch grant decisions, signatures, config parsing, ...), no
// database, no Redis, no built server: the inner loop. No global setup or teardown, so nothing
// connects anywhere.
const base = require('./jest.config');

// Node's on-disk compile cache: what loads from here on (ts-jest, typescript, Jest's runtime) is
// compiled once, not on every run (a third of the CPU of a one-file run).
require('node:module').enableCompileCache?.();

/** @type {import('jest').Config} */
module.exports = {
  transform: base.transform,
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/*.spec.ts'],
};
