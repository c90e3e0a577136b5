/**
 * Argo CD as an app of the platform: the install manifests are the pinned module's, the rendered
 * install runs the pinned images, and the health checks argocd-cm adds are what the real Argo CD
 * (built at the pinned version) evaluates.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { IMAGES } from '../lib/images';
import { argocdBinaries } from '../lib/cluster/argocd-binaries';
import { readObjects } from '../lib/cluster/sources';
import { parseImage } from '../lib/k8s/image';
import { REPO_ROOT, tempDir } from './support/platform';

const version = parseImage(IMAGES.argocd).tag!;
const installDir = path.join(REPO_ROOT, 'dist/system/argocd');
const argocdCm = path.join(installDir, 'configmap-argocd-cm.yaml');

describe('the install manifests', () => {
  it("are Argo CD's own of the pinned version: its Go module's manifests/install.yaml, byte for byte", () => {
    argocdBinaries();
    const cache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
    const upstream = path.join(cache, `github.com/argoproj/argo-cd/v3@${version}`, 'manifests/install.yaml');
    expect(fs.existsSync(upstream), `${upstream} (scripts/build-argocd.sh downloads the module)`).toBe(true);
    expect(fs.readFileSync(path.join(REPO_ROOT, `vendor/manifests/argo-cd-${version}/install.yaml`)).equals(fs.readFileSync(upstream))).toBe(true);
  });

  it('render into a Deployment or StatefulSet per component, each container running a pinned image of lib/images.ts', () => {
    const pins = new Set<string>(Object.values(IMAGES));
    const containers = readObjects(installDir).map(s => s.object).filter(o => ['Deployment', 'StatefulSet'].includes(o.kind))
      .flatMap(o => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers].map(c => `${o.metadata.name}/${c.name} ${c.image}`));
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.filter(c => !pins.has(c.split(' ')[1]))).toEqual([]);
  });
});

/** What the real Argo CD says of `object`'s health with the rendered argocd-cm (or another). */
function health(object: unknown, cm = argocdCm): { status: string; message: string; output: string } {
  const dir = tempDir('argocd-health-');
  try {
    fs.writeFileSync(path.join(dir, 'object.yaml'), stringify(object));
    const run = spawnSync(path.join(argocdBinaries(), 'argocd'), ['admin', 'settings', 'resource-overrides', 'health', path.join(dir, 'object.yaml'), '--argocd-cm-path', cm],
      { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    const output = `${run.stdout}${run.stderr}`;
    return { status: /STATUS: (\w+)/.exec(output)?.[1] ?? '', message: /MESSAGE: (.*)/.exec(output)?.[1] ?? '', output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cluster = (status?: Record<string, unknown>) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'demo' }, spec: { instances: 3 }, ...(status ? { status } : {}) });
const application = (status?: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'demo', namespace: 'argocd' }, spec: {}, ...(status ? { status } : {}) });

describe("the health checks argocd-cm adds, as Argo CD evaluates them", () => {
  it("read a CloudNativePG Cluster the operator has not reported on as Progressing, where Argo CD's own check fails", () => {
    const dir = tempDir('argocd-cm-');
    const withoutOurs = path.join(dir, 'argocd-cm.yaml');
    fs.writeFileSync(withoutOurs, fs.readFileSync(argocdCm, 'utf8').replace(/resource\.customizations\.health\.postgresql\.cnpg\.io_Cluster/, 'unused'));
    expect(health(cluster(), withoutOurs).output).toMatch(/attempt to index a non-table object\(nil\) with key 'phaseReason'/);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(health(cluster())).toMatchObject({ status: 'Progressing', message: 'waiting for the CloudNativePG operator to report on the cluster' });
  });

  it('read a Cluster as the operator reports it: healthy, setting up, or failing over', () => {
    expect(health(cluster({ phase: 'Cluster in healthy state' }))).toMatchObject({ status: 'Healthy' });
    expect(health(cluster({ phase: 'Setting up primary', phaseReason: 'Creating primary instance pg-1' }))).toMatchObject({ status: 'Progressing', message: 'Setting up primary: Creating primary instance pg-1' });
    expect(health(cluster({ phase: 'Failing over', phaseReason: 'Failing over from pg-1 to pg-2' }))).toMatchObject({ status: 'Degraded' });
  });

  it("read an Application as healthy as its resources, so the root Application's sync waves wait for each", () => {
    expect(health(application())).toMatchObject({ status: 'Progressing' });
    expect(health(application({ health: { status: 'Degraded', message: 'Deployment x has no ready pod' } }))).toMatchObject({ status: 'Degraded', message: 'Deployment x has no ready pod' });
    expect(health(application({ health: { status: 'Healthy' } }))).toMatchObject({ status: 'Healthy' });
  });
});
