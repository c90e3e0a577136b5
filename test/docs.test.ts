/**
 * The construct reference, generated from the code: docs/reference/constructs.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, constructReference } from '../lib/docs/construct-reference';
import { REPO_ROOT } from './support/platform';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

describe('the construct reference', () => {
  it('is what TypeDoc reads from the props and their @default docs now (npm run docs:reference)', async () => {
    expect(read(REFERENCE_FILE), `${REFERENCE_FILE} is stale: run npm run docs:reference`).toBe(await constructReference());
  }, 120_000);

  it('lists every prop of the constructs a chart composes, with its default', () => {
    const reference = read(REFERENCE_FILE);
    for (const props of ['WebServiceProps', 'PostgresProps', 'ValkeyProps', 'VolumeClaimProps', 'RoutesProps', 'HelmChartProps', 'ManifestsProps', 'AppChartProps']) {
      expect(reference, props).toContain(`#### \`${props}\``);
    }
    expect(reference).toMatch(/\| `replicas` \| `number` \| `2` \(seed 000: two replicas for zero-downtime deploys\) \|/);
  });
});
