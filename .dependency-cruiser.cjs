/**
 * The layers, as dependency-cruiser checks them (test/layers.test.ts runs it; so can
 * `npx depcruise --config .dependency-cruiser.cjs lib charts main.ts scripts bench`).
 *
 *   lib/k8s, lib/errors, lib/rules, lib/model/manifest   the base: imported by all, importing none above
 *   constructs: charts/ and the lib/ folders below       what a user composes
 *   tools: the lib/ folders of TOOLS                     what runs over the rendered objects
 */
const CONSTRUCTS = '^(charts|lib/(ai|data|gitops|k8s|monitoring|networking|operators|platform|secrets|storage|web|workloads|upstream))/';
const TOOLS = '^lib/(synth|validate|diff|cluster|release|report|checks|scaffold|docs)/';

module.exports = {
  forbidden: [
    {
      name: 'constructs-not-tools',
      comment: 'A construct never imports a tool: what constructs and tools share lives in lib/rules, lib/model or lib/k8s.',
      severity: 'error',
      from: { path: CONSTRUCTS },
      to: { path: TOOLS },
    },
    {
      name: 'no-runtime-cycle',
      comment: 'No module takes part in an import cycle of values: the order modules load in never matters.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-cycle',
      comment: 'Nor in one through types; test/layers.test.ts lists the cycles left, which may only shrink.',
      severity: 'warn',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|imports)/' },
  },
};
