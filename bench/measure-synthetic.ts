/**
 * Child process of the benchmark: builds, renders and validates a synthetic platform of N apps in
 * memory and prints one JSON line with the time and this process's peak memory.
 * Usage: node --import tsx bench/measure-synthetic.ts <apps> [diff]
 */
import { performance } from 'node:perf_hooks';
import { diffTrees } from '../lib/diff/object-diff';
import { renderAndValidate } from '../lib/synth/synthesize';
import { syntheticPlatform } from './synthetic-platform';

const apps = Number(process.argv[2]);
if (process.argv[3] === 'diff') {
  const before = renderAndValidate(() => syntheticPlatform(apps)).rendering;
  const after = renderAndValidate(() => syntheticPlatform(apps, 1)).rendering;
  const start = performance.now();
  const diff = diffTrees(before.files, after.files);
  const ms = performance.now() - start;
  console.log(JSON.stringify({ apps, objects: before.objects.length, ms, changed: diff.totals.changed, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const start = performance.now();
  const { rendering } = renderAndValidate(() => syntheticPlatform(apps));
  const ms = performance.now() - start;
  console.log(JSON.stringify({ apps, objects: rendering.objects.length, ms, maxRssKb: process.resourceUsage().maxRSS }));
}
