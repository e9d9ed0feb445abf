// `npm run test:sqlite`: the same suite on the embedded SQLite engine (TEST_DB_ENGINE=sqlite gives
// every test file a SQLite file of its own), plus test/sqlite/. Left out, by selection only: the
// tests of what only MySQL does or can stage.
const base = require('./jest.config');

if (process.env.TEST_DB_ENGINE !== 'sqlite') {
  throw new Error('jest.sqlite.config.js runs with TEST_DB_ENGINE=sqlite (npm run test:sqlite)');
}

const MYSQL_ONLY = [
  // test/mysql/: split out of files that otherwise run on both engines (a request held inside its
  // transaction by a row lock taken from outside the service; two instances on one database).
  '<rootDir>/test/mysql/',
  // The same staging with an outside row lock, whole files.
  '<rootDir>/test/graceful-shutdown.e2e-spec.ts',
  '<rootDir>/test/hold-batching.e2e-spec.ts',
  '<rootDir>/test/hold-batching-limits.e2e-spec.ts',
  // Several processes on one database (instances, cluster workers): SQLite refuses them by design
  // (test/sqlite/instances.e2e-spec.ts checks that refusal).
  '<rootDir>/test/multi-instance.e2e-spec.ts',
  '<rootDir>/test/hold-batching-instances.e2e-spec.ts',
  '<rootDir>/test/cluster.e2e-spec.ts',
  '<rootDir>/test/sweep-many-instances.e2e-spec.ts',
  // The database behind a TCP proxy that refuses or blackholes: a local file has no network.
  '<rootDir>/test/database-outage.e2e-spec.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', ...MYSQL_ONLY],
};
