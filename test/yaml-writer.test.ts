/**
 * The YAML writer of synthesis (lib/synth/yaml.ts) must give exactly the bytes of the `yaml`
 * package (YAML 1.1, keys in reading order, no folding), which dist/ was written with: on every
 * object the platform renders, on a corpus of values YAML 1.1 treats specially, and on random
 * trees. Where the fast writer is unsure it gives up, and the package writes the document.
 */
import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { renderAndValidate } from '../lib/synth/synthesize';
import { fastYaml, referenceYaml, toYamlDocument } from '../lib/synth/yaml';

const wrap = (v: unknown) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { a: 'b' } }, data: { k: v, list: [v, [v], { name: v, v }] }, z: v });

// Strings YAML 1.1 reads as something else, indicators, quotes, blank lines, line ends, Unicode.
const ODD: unknown[] = [
  '', ' ', 'a', 'on', 'On', 'OFF', 'yes', 'Y', 'n', 'No', 'true', 'False', 'null', 'Null', '~', '0755', '0o17', '0b101', '0x1F', '12:30', '190:20:30',
  '1e3', '.5', '1.5', '-0', '+1', '1_000', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14 21:59:43.10 -5',
  '- a', '-', '?', '? a', ':', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#a', 'a ', ' a', '\ta', 'a\tb', "it's", 'say "hi"', `both ' and "`, '%x', '@a', '`a',
  '!a', '&a', '*a', '|', '>', '[a]', '{a}', ',a', 'a,b', 'a]', '---', '--- a', '...', '---x',
  'x\ny', 'x\ny\n', 'x\ny\n\n', 'x\ny\n\n\n', '\nx', '\n\nx\n', ' x\ny', '  x\ny', 'x\n  y', 'x\n\n\ny', 'x \ny', 'x\n y', 'x\n \n', 'x\n\t', 'x\n---\ny', '#!/bin/sh\nexit 0\n',
  'é', '😀', 'a\u0007b', 'a\u0085b', 'a\u2028b', 'a\r\nb', 'x'.repeat(1100),
  0, 1, -1, 1.5, 0.1, 1e21, -0, 2 ** 60, Number.MAX_SAFE_INTEGER, true, false, null,
  [], {}, [[]], [{}], [[1, 2], [3]], [{ a: 1, b: [] }], { 1: 'a', b: 'c', 0: 'd', 10: 'e' }, { 'a b': 1 }, { on: 1 }, { '': 1 }, { 'a:b': 1 }, { '- a': 1 }, { ['x'.repeat(1100)]: 1 },
  [null], [undefined], { a: undefined, b: 1 }, { a: { b: undefined } }, { name: 'n', namespace: 'x', a: 1, Z: 2 },
];

/** A pseudo-random generator with a fixed seed, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const PIECES = ['a', 'b', 'on', 'yes', '0', '1', '7', '.', ':', ': ', ' ', '  ', '-', '- ', '#', ' #', "'", '"', '\n', '\n\n', '\t', '---', '{', '[', ',', '*', '&', '!', '|', '>', '%', '@', 'é', '\\', 'x'];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 3 || r < 0.55) {
    const kind = next();
    if (kind < 0.7) return Array.from({ length: Math.floor(next() * 6) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
    if (kind < 0.8) return Math.floor((next() - 0.5) * 1e6);
    if (kind < 0.9) return next() < 0.5;
    return next() < 0.5 ? null : Math.round(next() * 1000) / 100;
  }
  if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    const key = next() < 0.7 ? ['name', 'namespace', 'image', 'b', 'a', 'z', '10', '2'][Math.floor(next() * 8)] : String(randomValue(next, 9));
    object[key] = randomValue(next, depth + 1);
  }
  return object;
}

describe('the YAML writer of synthesis', () => {
  it('writes every object of the platform itself, byte for byte as the yaml package does', () => {
    const { rendering } = renderAndValidate(buildPlatform);
    const differing = rendering.objects.filter(o => fastYaml(o.manifest) !== referenceYaml(o.manifest)).map(o => o.file);
    expect(differing).toEqual([]);
    expect(rendering.objects.length).toBeGreaterThan(100);
  });

  it.each(ODD.map(v => [JSON.stringify(v)?.slice(0, 40) ?? String(v), v]))('writes %s as the yaml package does, in a mapping, a list and a list item', (_, value) => {
    const object = wrap(value);
    expect(toYamlDocument(object, ['x'])).toBe(`# x\n${referenceYaml(object)}`);
    const fast = fastYaml(object);
    if (fast !== undefined) expect(fast).toBe(referenceYaml(object));
  });

  it('gives up rather than guess: keys that need quotes, floats, control characters', () => {
    for (const value of [{ on: 1 }, 1.5, 'a\u0007b', { '': 1 }, 'x\n ']) expect(fastYaml(wrap(value))).toBeUndefined();
    expect(fastYaml(wrap('plain'))).toBeDefined();
  });

  it('agrees with the yaml package on 3,000 random trees', () => {
    const next = random(24);
    const differing: string[] = [];
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const object = { apiVersion: 'v1', kind: 'X', metadata: { name: `n${i}` }, spec: randomValue(next, 0) };
      const fast = fastYaml(object);
      if (fast === undefined) continue;
      written++;
      if (fast !== referenceYaml(object)) differing.push(JSON.stringify(object));
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Most trees are written by the fast writer, so the comparison means something.
    expect(written).toBeGreaterThan(1500);
  });
});
