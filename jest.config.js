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
  // A bound on liveness, not a speed check: a test that starts server processes (a cluster is
  // three Node processes) on a machine whose cores are busy elsewhere needs its time.
  testTimeout: 120_000,
  // Transpile only (tsconfig.jest.json: isolatedModules): `npm run typecheck` checks the types.
  // jose ships ES modules only: Jest's CommonJS runtime needs them transpiled (Node itself loads
  // them with require() and needs nothing).
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, isolatedModules: true }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
