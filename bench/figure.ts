/** One figure of `npm run bench`, as bench/run.ts prints it and writes it to docs/benchmarks.md. */
export interface Figure {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
  detail?: string;
  /** Names a figure of issue #24's table, which docs/benchmarks.md shows beside its figure before the work. */
  before?: BeforeId;
}

/**
 * Issue #24's table as it stood before the work (measured on this machine, 2 cores), which
 * docs/benchmarks.md keeps beside the same figures of the latest run.
 */
export const BEFORE = [
  { id: 'synth', what: '`npm run synth`, warm, ÷ the floor (node loading cdk8s and cdk8s-plus-30 alone)', before: '0.78 s ÷ 0.16 s = 5.0x (4.1x a turn earlier)' },
  { id: 'validate', what: '`npm run validate -- dist argocd` ÷ the same floor', before: '0.69 s ÷ 0.16 s = 4.5x' },
  { id: 'fresh', what: 'first `npm run synth` on a fresh clone, after `npm ci`', before: '4 min 25 s, of which 225 s built Helm' },
  { id: 'thousand', what: '1,000-app synth + validate', before: '9.09 s, 1.13 ms/object' },
  { id: 'test', what: '`npm test` besides the one-time Go builds', before: '21 min 14 s on a fresh machine: control-plane build 544 s, release tooling, tests 395 s' },
  { id: 'ci', what: '`.ci/run` with the builds cached', before: '12 to 14 min' },
] as const;
type BeforeId = (typeof BEFORE)[number]['id'];
