// dependency-cruiser: the "must not" table of the architecture guide as rules (`npm run lint`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes load order matter and hides which room owns a concern.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'invoicy-knows-no-sefaz-xml',
      comment: 'invoicy/ speaks the InvoiCy contract only; SEFAZ XML is built by layout/ and sent by sefaz/.',
      severity: 'error',
      from: { path: '^src/invoicy/' },
      to: { path: '^src/(sefaz|layout)/' },
    },
    {
      name: 'layout-does-no-io',
      comment: 'layout/ is parsing and rendering; only its definition loader reads the layouts/ files.',
      severity: 'error',
      from: { path: '^src/layout/', pathNot: '^src/layout/definition\\.ts$' },
      to: { path: ['^src/(store|sefaz|emission|invoicy|contingency|jobs|signing|simulator|log)/', '^src/(project|config|app|http-server)\\.ts$', '^(node:)?(fs|fs/promises|http|https|http2|net|tls|child_process|dgram)$'] },
    },
    {
      name: 'layout-loader-reads-files-only',
      comment: 'The definition loader may read files, but talks to no other room with side effects.',
      severity: 'error',
      from: { path: '^src/layout/definition\\.ts$' },
      to: { path: ['^src/(store|sefaz|emission|invoicy|contingency|jobs|signing|simulator|log)/', '^(node:)?(http|https|http2|net|tls|child_process|dgram)$'] },
    },
    {
      name: 'fiscal-is-pure',
      comment: 'fiscal/ holds pure rules reused by the simulator: it imports only itself (node:crypto for hashes and the cNF draw).',
      severity: 'error',
      from: { path: '^src/fiscal/' },
      to: { dependencyTypesNot: ['type-only'], pathNot: ['^src/fiscal/', '^(node:)?crypto$'] },
    },
    {
      name: 'emission-talks-no-http',
      comment: 'emission/ orchestrates over ports; the wire belongs to sefaz/ (SEFAZ) and invoicy/ (ERPs).',
      severity: 'error',
      from: { path: '^src/emission/' },
      to: { path: ['^(node:)?(http|https|http2|net|tls)$', '(^|/)node_modules/(express|soap|undici)/', '^src/(invoicy/(service|wsdl)|http-server)\\.ts$'] },
    },
    {
      name: 'sql-stays-in-store',
      comment: "The storage port hides SQL: only store/ adapters load the database drivers. The simulator's state.ts is the other product's own store (a SEFAZ keeps its own books; it never goes through the gateway's port).",
      severity: 'error',
      from: { pathNot: ['^src/store/', '^src/simulator/state\\.ts$'] },
      to: { path: '(^|/)node_modules/(better-sqlite3|mssql|tedious)/' },
    },
    {
      name: 'sefaz-knows-no-invoicy',
      comment: 'sefaz/ is the SEFAZ transport and messages; the InvoiCy layout and contract stay out.',
      severity: 'error',
      from: { path: '^src/sefaz/' },
      to: { path: '^src/(invoicy|layout|emission|jobs)/' },
    },
    {
      name: 'simulator-uses-no-gateway-use-case',
      comment: 'The simulator stands in for SEFAZ; it shares pure rules, XML/signing helpers and the SEFAZ service descriptors and messages, never gateway logic, storage, or the client side of the wire.',
      severity: 'error',
      from: { path: '^src/simulator/' },
      to: { path: ['^src/(emission|invoicy|contingency|jobs|store|layout)/', '^src/(app|http-server)\\.ts$', '^src/sefaz/(transport|client|endpoints)\\.ts$'] },
    },
    {
      name: 'jobs-hold-no-business-rules',
      comment: 'jobs/ schedule and lease; what a job does is an emission/ (or contingency/) use case.',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/(sefaz|layout|signing|invoicy|simulator|xml|fiscal)/' },
    },
    {
      name: 'generic-emission-is-kind-neutral',
      comment: 'Generic emission and layout code reaches a document kind only through the registries.',
      severity: 'error',
      from: {
        path: '^src/(emission|layout)/',
        pathNot: ['^src/(emission|layout)/nfe/', '^src/emission/document-types\\.ts$', '^src/layout/index\\.ts$'],
      },
      to: { path: '^src/(emission|layout)/nfe/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
