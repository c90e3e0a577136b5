import { describe, expect, it } from 'vitest';
import { ChartFactory, PLATFORM_APPS, PLATFORM_DERIVED, PLATFORM_SETTINGS, buildPlatform } from '../charts/platform';
import { renderAndValidate } from '../lib/synth/synthesize';

/** A small seeded generator (mulberry32), so a failing order can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const next = random(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const ALL = [...PLATFORM_APPS, ...PLATFORM_DERIVED];
/** The charts whose content derives from the others: what used to have to come last. */
const DERIVING = ALL.filter(f => /Monitoring|Cloudflared|Edge|NetworkPolicies|ResourceQuotas|GitOps/.test(f.toString()));

const files = (charts: readonly ChartFactory[], settings = PLATFORM_SETTINGS) =>
  Object.fromEntries(renderAndValidate(() => buildPlatform(settings, charts)).rendering.files);

describe('composition', () => {
  const reference = files(ALL);

  it('finds the charts that derive from the others among the platform\'s charts', () => {
    expect(DERIVING.length).toBe(6);
  });

  it('renders the same bytes whatever order the charts are created in', () => {
    const orders: [string, readonly ChartFactory[]][] = [
      ['reversed', [...ALL].reverse()],
      ['deriving charts first', [...DERIVING, ...ALL.filter(f => !DERIVING.includes(f))]],
      ...[1, 2, 3, 4].map((seed): [string, ChartFactory[]] => [`shuffled with seed ${seed}`, shuffled(ALL, seed)]),
    ];
    for (const [name, order] of orders) {
      const got = files(order);
      expect(Object.keys(got), name).toEqual(Object.keys(reference));
      for (const [file, text] of Object.entries(reference)) expect(got[file], `${name}: ${file}`).toBe(text);
    }
  });

  it('renders the same bytes in any order with Gateway API routes too', () => {
    const settings = { ...PLATFORM_SETTINGS, entryPoints: { ...PLATFORM_SETTINGS.entryPoints, routes: 'gateway-api' as const } };
    expect(files([...ALL].reverse(), settings)).toEqual(files(ALL, settings));
  });
});
