/**
 * Import boundaries, checked by `npm run lint` (docs/architecture.md draws them):
 *
 *   domain   ← pure: the protocol, shared errors and a few pure libraries; no IO, no clock
 *   ports    ← domain, shared
 *   app      ← domain, ports, shared
 *   adapters ← ports, domain, shared; the HTTP adapter (a driving adapter) also app
 *   main     ← anything (the one assembly point)
 *   tools    ← anything (the CLI, infra, demo, dlq, event-log import)
 *   shared   ← nothing of the collector
 *
 * kafkajs, @elastic/elasticsearch, better-sqlite3 and nodemailer are imported by their
 * adapter only. Cycles are refused between modules; folder cycles by
 * scripts/check-folder-cycles.mjs.
 */
const SRC = '^collector/src/';
const layer = (name) => `${SRC}${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: break it (move the shared piece down a layer).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports only the protocol, shared/errors and pure libraries.',
      from: { path: layer('domain') },
      to: {
        pathNot: [
          layer('domain'),
          `${SRC}shared/errors\\.ts$`,
          '^sdk/src/protocol/',
          'node_modules/(@sinclair/typebox|yaml)/',
          '^node:crypto$',
          '^crypto$',
        ],
      },
    },
    {
      name: 'ports-see-domain-only',
      severity: 'error',
      from: { path: layer('ports') },
      to: { pathNot: [layer('ports'), layer('domain'), layer('shared'), '^sdk/src/protocol/'] },
    },
    {
      name: 'app-sees-domain-and-ports',
      severity: 'error',
      comment: 'app/ uses domain/ and ports/; IO happens in adapters it is given.',
      from: { path: layer('app') },
      to: {
        pathNot: [
          layer('app'),
          layer('domain'),
          layer('ports'),
          layer('shared'),
          '^sdk/src/protocol/',
        ],
      },
    },
    {
      name: 'driven-adapters-see-ports-and-domain',
      severity: 'error',
      comment: 'A driven adapter implements ports; it never reaches into app/, main/ or tools/.',
      from: { path: layer('adapters'), pathNot: layer('adapters/http') },
      to: { path: [layer('app'), layer('main'), layer('tools')] },
    },
    {
      name: 'adapters-stay-apart',
      severity: 'error',
      comment: 'Adapters do not use each other; main/ combines them.',
      from: { path: `${SRC}adapters/([^/]+)/` },
      to: { path: `${SRC}adapters/`, pathNot: `${SRC}adapters/$1/` },
    },
    {
      name: 'http-adapter-drives-app',
      severity: 'error',
      comment: 'The HTTP adapter calls app/ and ports/; it never reaches main/ or tools/.',
      from: { path: layer('adapters/http') },
      to: { path: [layer('main'), layer('tools')] },
    },
    {
      name: 'shared-depends-on-nothing',
      severity: 'error',
      from: { path: layer('shared') },
      to: { path: SRC, pathNot: layer('shared') },
    },
    {
      name: 'main-does-not-use-tools',
      severity: 'error',
      comment:
        'main/ is below tools/: a tool passes what it adds (demo traffic, the dashboard) in.',
      from: { path: layer('main') },
      to: { path: layer('tools') },
    },
    {
      name: 'tool-folders-through-their-index',
      severity: 'error',
      comment:
        'tools/infra and tools/eventlog are used through their index.ts (their public surface).',
      from: { path: SRC, pathNot: `${SRC}tools/(infra|eventlog)/` },
      to: {
        path: `${SRC}tools/(infra|eventlog)/`,
        pathNot: `${SRC}tools/(infra|eventlog)/index\\.ts$`,
      },
    },
    {
      name: 'kafkajs-in-the-kafka-adapter',
      severity: 'error',
      from: { path: '^(collector|bench)/', pathNot: [layer('adapters/kafka'), '^bench/'] },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 'elasticsearch-client-in-its-adapter',
      severity: 'error',
      from: { path: '^collector/', pathNot: layer('adapters/elasticsearch') },
      to: { path: 'node_modules/@elastic/elasticsearch/' },
    },
    {
      name: 'sqlite-in-its-adapter',
      severity: 'error',
      from: { path: '^collector/', pathNot: layer('adapters/sqlite') },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^(collector|sdk|dashboard)/(src|lib|app|components)/' },
      to: { path: '/test/' },
    },
    {
      name: 'sdk-core-does-not-reach-transports',
      severity: 'error',
      comment: "The SDK's protocol is the shared contract: it imports nothing else of the SDK.",
      from: { path: '^sdk/src/protocol/' },
      to: { path: '^sdk/src/', pathNot: '^sdk/src/protocol/' },
    },
    {
      name: 'dashboard-lib-below-the-ui',
      severity: 'error',
      comment: 'dashboard/lib/ (IO, pure geometry) never imports pages or components.',
      from: { path: '^dashboard/lib/' },
      to: { path: ['^dashboard/app/', '^dashboard/components/'] },
    },
    {
      name: 'dashboard-io-in-lib',
      severity: 'error',
      comment: 'Dashboard components render; IO lives in dashboard/lib/.',
      from: { path: '^dashboard/components/' },
      to: { path: ['^dashboard/app/', '^collector/'] },
    },
    {
      name: 'dashboard-components-without-node',
      severity: 'error',
      comment: "Dashboard components render; Node's IO modules belong in dashboard/lib/.",
      from: { path: '^dashboard/components/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.next/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
