// `npm run test:sqlite`: the same suite on the embedded SQLite engine (TEST_DB_ENGINE=sqlite gives
// every test file a SQLite file of its own), plus test/sqlite/. Left out: the tests of what only
// MySQL does (several processes sharing one database), which SQLite refuses by design.
const base = require('./jest.config');

if (process.env.TEST_DB_ENGINE !== 'sqlite') {
  throw new Error('jest.sqlite.config.js runs with TEST_DB_ENGINE=sqlite (npm run test:sqlite)');
}

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
};
