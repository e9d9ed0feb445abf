// `npm run test:mutation`: StrykerJS over the decision rules, run against the pure unit specs
// (jest.unit.config.js: no database), so it finishes in minutes. CPU heavy: not in CI.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/database/product-batcher.ts',
    'src/payments/webhook-signature.ts',
    'src/idempotency/idempotency-key.ts',
    'src/config/app-config.ts',
    'src/holds/grant-decision.ts',
    'src/payments/payment-decision.ts',
    'src/orders/order-transitions.ts',
  ],
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
