import { describe, expect, it } from 'vitest';
import { syntheticPlatform } from '../bench/synthetic-platform';
import { renderAndValidate } from '../lib/synth/synthesize';

// The growth benchmark measures a platform every check accepts; a new check must not break it unseen.
describe('the benchmark\'s synthetic platform', () => {
  it('passes every check synthesis runs, with one folder per app', () => {
    const { rendering, warnings } = renderAndValidate(() => syntheticPlatform(3));
    expect(warnings).toEqual([]);
    expect(new Set(rendering.objects.map(o => o.chart.outputDir).filter(d => d.startsWith('dist/')))).toEqual(new Set(['dist/layer-0/app-0', 'dist/layer-1/app-1', 'dist/layer-2/app-2']));
  });
});
