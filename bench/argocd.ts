/**
 * The Argo CD figure of `npm run bench`: on the tests' control plane, the time from the start of
 * `npm run bootstrap` to every Application the platform declares Synced by the real Argo CD.
 */
import * as path from 'node:path';
import { PLATFORM_SETTINGS } from '../charts/platform';
import { startArgoCdSync, waitForApplications } from '../lib/cluster/argocd-sync';
import { startControlPlane } from '../lib/cluster/control-plane';
import { declaredShape } from '../lib/cluster/sync';
import type { Figure } from './figure';

const ROOT = path.resolve(__dirname, '..');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function argocdFigures(figures: Figure[]): Promise<void> {
  const cp = await startControlPlane();
  try {
    const started = Date.now();
    const sync = await startArgoCdSync(cp, ROOT, declaredShape(PLATFORM_SETTINGS.capacity));
    try {
      const result = await waitForApplications(cp, sync, 600_000, started);
      const ms = result.syncedMs ?? Date.now() - started;
      figures.push({ name: `Argo CD: bootstrap to all ${result.apps.length} Applications Synced (Argo CD up after ${s(sync.bootstrapMs)})`, value: `${s(ms)}${result.outcome === 'synced' ? '' : `, ${result.outcome.toUpperCase()}`}`, target: '≤ 60 s', met: result.outcome === 'synced' && ms <= 60_000 });
      figures.push({ name: 'Argo CD: bootstrap to every Application generated', value: result.generatedMs === undefined ? 'never' : s(result.generatedMs) });
    } finally {
      await sync.stop();
    }
  } finally {
    await cp.stop();
  }
}
