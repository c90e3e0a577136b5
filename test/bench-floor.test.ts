import { describe, expect, it } from 'vitest';
import { floorGuard } from '../bench/floor';

// npm run bench exits 1 with this message; it must never pass for want of a figure.
describe('the bench\'s guard against a synth far from the floor', () => {
  it('passes a warm synth with nothing changed at 3x the floor of the same run or less, and one run in full at 6x or less', () => {
    expect(floorGuard({ floorMs: 200, synthMs: 600, fullSynthMs: 1200, validateMs: 900 })).toBeUndefined();
  });

  it('fails a warm synth with nothing changed above 3x the floor, saying both figures', () => {
    expect(floorGuard({ floorMs: 160, synthMs: 780, fullSynthMs: 780, validateMs: 690 })).toBe(
      'warm synth with nothing changed took 0.78 s, 4.88x the floor of 0.16 s measured in the same run (node loading cdk8s and cdk8s-plus-30 alone); issue #24 allows at most 3x',
    );
  });

  it('fails a warm synth run in full above 6x the floor, however fast the replay', () => {
    expect(floorGuard({ floorMs: 150, synthMs: 200, fullSynthMs: 960, validateMs: 200 })).toBe(
      'warm synth run in full took 0.96 s, 6.40x the floor of 0.15 s measured in the same run; it stood at 4.0x to 5.7x, and the bench fails above 6x',
    );
  });

  it('fails when the floor or synth was not measured', () => {
    const unmeasured = 'the floor or warm synth was not measured, so synth was not compared with the floor';
    expect(floorGuard(undefined)).toBe(unmeasured);
    expect(floorGuard({ floorMs: NaN, synthMs: 500, fullSynthMs: 500, validateMs: 500 })).toBe(unmeasured);
    expect(floorGuard({ floorMs: 200, synthMs: Infinity, fullSynthMs: 500, validateMs: 500 })).toBe(unmeasured);
    expect(floorGuard({ floorMs: 200, synthMs: 300, fullSynthMs: NaN, validateMs: 500 })).toBe(unmeasured);
    expect(floorGuard({ floorMs: 200, synthMs: 0, fullSynthMs: 500, validateMs: 500 })).toBe('warm synth took 0 ms, and 500 ms in full: it was not measured');
  });

  it('fails a floor too small to have loaded cdk8s-plus-30', () => {
    expect(floorGuard({ floorMs: 3, synthMs: 5, fullSynthMs: 5, validateMs: 5 })).toBe('the floor took 3 ms, too little for a node process that loaded cdk8s and cdk8s-plus-30: it was not measured');
  });
});
