import { Platform } from '../../lib/platform/platform';
import { SynthesisFailed } from '../../lib/synth/render';
import { renderAndValidate } from '../../lib/synth/synthesize';

/** The findings synthesis refuses a platform with (none when it synthesizes). */
export function findingsOf(build: () => Platform): string[] {
  try {
    renderAndValidate(build);
  } catch (error) {
    if (error instanceof SynthesisFailed) return error.findings;
    if (error instanceof Error) return [error.message];
  }
  return [];
}

/** The message `f` throws; fails the test when it throws nothing. */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
