// The layering of src/ (docs/architecture.md), checked in CI by `npm run check:layers`.
// Data moves one way: source (centra/) → domain → decide (emails/) → route (routing/) → map (esp/)
// → outbox (delivery/, storage/). The edges (server/, cli/, demo/) and the composition root (app/)
// sit on top; nothing below imports them.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle means two modules cannot be understood (or changed) one without the other.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'stages-read-the-domain-not-centra',
      severity: 'error',
      comment: "Decisions, routing, mappers and the sync planners read the domain (src/domain/), never Centra's shapes.",
      from: { path: '^src/(emails|routing|esp|engage|domain)/' },
      to: { path: '^src/centra/' },
    },
    {
      name: 'nothing-imports-the-edges',
      severity: 'error',
      comment: 'cli/, server/, demo/ and app/ (the composition root) are on top: only they import one another.',
      from: { path: '^src/', pathNot: '^src/(cli|server|demo|app)/' },
      to: { path: '^src/(cli|server|demo|app)/' },
    },
    {
      name: 'only-storage-talks-to-databases',
      severity: 'error',
      comment: 'SQL and database drivers live in src/storage/<engine>/.',
      from: { path: '^src/', pathNot: '^src/storage/' },
      to: { path: '^node_modules/(better-sqlite3|pg)/' },
    },
    {
      name: 'an-esp-is-its-folder',
      severity: 'error',
      comment: 'Outside src/esp/, an ESP is reached through the registry (src/esp/modules.ts) and the contract (plugin.ts, common-settings.ts).',
      from: { path: '^src/', pathNot: '^src/esp/' },
      to: { path: '^src/esp/', pathNot: '^src/esp/(modules|plugin|common-settings)\\.ts$' },
    },
    {
      name: 'esp-folders-do-not-know-each-other',
      severity: 'error',
      comment: 'One ESP folder never imports another.',
      from: { path: '^src/esp/([^/]+)/' },
      to: { path: '^src/esp/[^/]+/', pathNot: '^src/esp/$1/' },
    },
    {
      name: 'lower-layers-do-not-import-the-pipeline',
      severity: 'error',
      comment: 'domain/, delivery/ and storage/ are below the pipeline stages.',
      from: { path: '^src/(domain|delivery|storage)/' },
      // The catalog of email types and recipients (src/emails/catalog.ts) is vocabulary every layer shares.
      to: { path: '^src/(centra|emails|routing|esp|pipeline|ingest|config/schema)', pathNot: '^src/emails/catalog\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
