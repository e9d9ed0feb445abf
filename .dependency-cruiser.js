// The layers of src/, written down and checked (`npm run lint:deps`, run by `npm run lint` and CI).
// From the bottom: core/ and config/ know nothing of the app; database/ knows core/ and config/;
// the HTTP edge (http/) knows core/; the features know those four and each other's public
// faces (modules, services, decorators, types); the composition root (main.ts, app.ts,
// app.module.ts, cli/, cluster/) knows everything and nothing knows it.
// Every folder of src/ that is neither the ground (core, config, database, http) nor the root.
const FEATURES =
  '(products|holds|orders|payments|stock|sweeps|admin|auth|idempotency|rate-limit|metrics|health|audit|live|storefront)';
const TOP = '^src/(main\\.ts|app\\.ts|app\\.module\\.ts|cli/|cluster/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A loop of imports: neither side can be read, tested or moved without the other.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file nothing imports is dead code (entry points, specs and migrations excepted).',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '\\.spec\\.ts$', '^src/main\\.ts$', '^src/cli/[^/]+\\.cli\\.ts$'],
      },
      to: {},
    },
    {
      name: 'core-is-the-ground',
      severity: 'error',
      comment: 'core/ (clock, domain events, errors, ids, money) imports nothing else of the app.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'config-is-the-ground',
      severity: 'error',
      comment: 'config/ validates the environment and imports nothing else of the app.',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/config/' },
    },
    {
      name: 'database-knows-no-feature',
      severity: 'error',
      comment: 'database/ is the foundation: it may use core/ and config/, never a feature, the HTTP edge or the root.',
      from: { path: '^src/database/' },
      to: { path: '^src/', pathNot: '^src/(database|core|config)/' },
    },
    {
      name: 'http-edge-knows-only-core',
      severity: 'error',
      comment: 'http/ (filter, pipes, headers, request logging, OpenAPI) may use core/ only.',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(http|core)/' },
    },
    {
      name: 'nothing-imports-the-root',
      severity: 'error',
      comment: 'The composition root (main, app, app.module, cli/, cluster/) sits on top; features never reach up to it.',
      from: { path: '^src/', pathNot: TOP },
      to: { path: TOP },
    },
    {
      name: 'features-talk-through-services',
      severity: 'error',
      comment:
        "A feature uses another feature's module, service, decorators and types, never its repository, " +
        'controller or DTOs: the queries of a table belong to the feature that owns it.',
      from: { path: `^src/${FEATURES}/` },
      to: {
        path: `^src/${FEATURES}/(.+\\.repository\\.ts|.+\\.controller\\.ts|dto/)`,
        pathNot: '^src/$1/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
