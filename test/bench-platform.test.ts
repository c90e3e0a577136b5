import { describe, expect, it } from 'vitest';
import { syntheticPlatform } from '../bench/synthetic-platform';
import { renderAndValidate } from '../lib/synth/synthesize';

// The growth benchmark measures a platform every check accepts; a new check must not break it unseen.
describe('the benchmark\'s synthetic platform', () => {
  it('passes every check synthesis runs, with one folder per app, the operators it requires among them', () => {
    const platform = syntheticPlatform(3);
    const { rendering, warnings } = renderAndValidate(() => platform);
    expect(warnings).toEqual([]);
    const folders = new Set(rendering.objects.map(o => o.chart.outputDir).filter(d => d.startsWith('dist/')));
    expect(folders).toEqual(new Set(platform.apps.map(a => a.outputDir)));
    expect([...folders].filter(f => !f.startsWith('dist/system/')).sort()).toEqual(['dist/layer-0/app-0', 'dist/layer-1/app-1', 'dist/layer-2/app-2']);
  });
});
