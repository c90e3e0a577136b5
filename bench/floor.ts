/**
 * The floor of `npm run bench` (issue #24): a node process that only loads the two packages every
 * synth loads. Synth and validate are given as ratios to the floor measured in the same run, so that
 * the machine's load falls on both sides; the bench fails when warm synth is above 3x it.
 */

/** Issue #24's targets, as ratios to the floor of the same run. */
export const SYNTH_FLOOR_RATIO = 3;
export const VALIDATE_FLOOR_RATIO = 2;

/** What the floor process runs (`node -e`): it prints `loaded` only once both packages are loaded. */
export const FLOOR_SCRIPT = "require('cdk8s'); require('cdk8s-plus-30'); process.stdout.write('loaded')";

/** Less than this is no node process that loaded cdk8s-plus-30: a floor so small was not measured. */
export const FLOOR_MIN_MS = 20;

/** Medians of one run, in milliseconds. */
export interface Floor { floorMs: number; synthMs: number; validateMs: number }

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Why the run fails, or undefined: warm synth above 3x the floor of the same run, or no floor (or
 * no synth) to compare, so that the guard never passes for want of a figure.
 */
export function floorGuard(m: Floor | undefined): string | undefined {
  if (!m || !Number.isFinite(m.floorMs) || !Number.isFinite(m.synthMs)) return 'the floor or warm synth was not measured, so synth was not compared with the floor';
  if (m.floorMs < FLOOR_MIN_MS) return `the floor took ${m.floorMs.toFixed(0)} ms, too little for a node process that loaded cdk8s and cdk8s-plus-30: it was not measured`;
  if (!(m.synthMs > 0)) return `warm synth took ${m.synthMs} ms: it was not measured`;
  const ratio = m.synthMs / m.floorMs;
  if (!(ratio <= SYNTH_FLOOR_RATIO)) {
    return `warm synth took ${s(m.synthMs)}, ${ratio.toFixed(2)}x the floor of ${s(m.floorMs)} measured in the same run (node loading cdk8s and cdk8s-plus-30 alone); issue #24 allows at most ${SYNTH_FLOOR_RATIO}x`;
  }
  return undefined;
}
