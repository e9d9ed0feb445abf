/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // test/sqlite/: what only the embedded engine does (one instance per file): `npm run test:sqlite`.
  // test/mysql/ runs here only (MySQL-only staging); the SQLite run leaves it out.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/sqlite/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // One `transform` key (a second one silently replaced the first, and ts-jest went back to
  // type-checking every file: 20-30 s for one small unit file). TypeScript is transpiled only
  // (tsconfig.jest.json: isolatedModules): `npm run typecheck` checks the types. jose ships ES
  // modules only: Jest's CommonJS runtime needs them transpiled (Node loads them with require()).
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
