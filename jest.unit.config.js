// `npm run test:unit`: the pure rules (batch grant decisions, signatures, config parsing, ...), no
// database, no Redis, no built server: the inner loop. No global setup or teardown, so nothing
// connects anywhere.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  transform: base.transform,
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/*.spec.ts'],
};
