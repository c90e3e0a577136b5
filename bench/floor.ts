/**
 * The floor of `npm run bench` (issue #24): a node process that only loads the two packages every
 * synth loads. Synth and validate are given as ratios to the floor measured in the same run, so that
 * the machine's load falls on both sides. The bench fails when a warm synth with nothing changed
 * (replayed by scripts/run-memo.cjs) is above 3x it, or a synth run in full above 6x.
 */

/** Issue #24's targets, as ratios to the floor of the same run. */
export const SYNTH_FLOOR_RATIO = 3;
export const VALIDATE_FLOOR_RATIO = 2;
/**
 * A fence for the synth that runs in full (after an edit), just above where it stands (4.0x to 5.7x
 * in the runs of December 2026): what the replay saves must not hide the full run growing.
 */
export const FULL_SYNTH_FLOOR_RATIO = 6;

/** What the floor process runs (`node -e`): it prints `loaded` only once both packages are loaded. */
export const FLOOR_SCRIPT = "require('cdk8s'); require('cdk8s-plus-30'); process.stdout.write('loaded')";

/** Less than this is no node process that loaded cdk8s-plus-30: a floor so small was not measured. */
export const FLOOR_MIN_MS = 20;

/** Medians of one run, in milliseconds. */
export interface Floor { floorMs: number; synthMs: number; fullSynthMs: number; validateMs: number }

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * Why the run fails, or undefined: warm synth above 3x the floor of the same run, or no floor (or
 * no synth) to compare, so that the guard never passes for want of a figure.
 */
export function floorGuard(m: Floor | undefined): string | undefined {
  if (!m || !Number.isFinite(m.floorMs) || !Number.isFinite(m.synthMs) || !Number.isFinite(m.fullSynthMs)) return 'the floor or warm synth was not measured, so synth was not compared with the floor';
  if (m.floorMs < FLOOR_MIN_MS) return `the floor took ${m.floorMs.toFixed(0)} ms, too little for a node process that loaded cdk8s and cdk8s-plus-30: it was not measured`;
  if (!(m.synthMs > 0) || !(m.fullSynthMs > 0)) return `warm synth took ${m.synthMs} ms, and ${m.fullSynthMs} ms in full: it was not measured`;
  const ratio = m.synthMs / m.floorMs;
  if (!(ratio <= SYNTH_FLOOR_RATIO)) {
    return `warm synth with nothing changed took ${s(m.synthMs)}, ${ratio.toFixed(2)}x the floor of ${s(m.floorMs)} measured in the same run (node loading cdk8s and cdk8s-plus-30 alone); issue #24 allows at most ${SYNTH_FLOOR_RATIO}x`;
  }
  const full = m.fullSynthMs / m.floorMs;
  if (!(full <= FULL_SYNTH_FLOOR_RATIO)) {
    return `warm synth run in full took ${s(m.fullSynthMs)}, ${full.toFixed(2)}x the floor of ${s(m.floorMs)} measured in the same run; it stood at 4.0x to 5.7x, and the bench fails above ${FULL_SYNTH_FLOOR_RATIO}x`;
  }
  return undefined;
}
