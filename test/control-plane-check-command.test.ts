/**
 * `npm run cluster:check` on a folder of YAML: what it proves, and what it says it did not check.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_CHECKED } from '../lib/cluster/not-checked';
import { REPO_ROOT, tempDir } from './support/platform';

describe('npm run cluster:check', () => {
  const dir = tempDir('cluster-check-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies a folder, and closes by saying plainly that images, processes and probes were not checked, and what would check them', () => {
    // An image that does not exist and a probe nothing answers: simulated nodes roll it out all the same.
    fs.writeFileSync(path.join(dir, 'app.yaml'), [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: scratchy', 'spec:', '  replicas: 1',
      '  selector:', '    matchLabels: { app: scratchy }', '  template:', '    metadata:', '      labels: { app: scratchy }', '    spec:',
      '      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }',
      '      containers:', '        - name: scratchy', '          image: registry.example.com/scratchy:0.1.0',
      '          readinessProbe: { httpGet: { path: /health/, port: 8080 } }',
      '          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }',
      '          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 100m, memory: 32Mi } }', '',
    ].join('\n'));
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/launch.cjs'), 'scripts/cluster-check.ts', dir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(-NOT_CHECKED.length - 1)[0]).toMatch(/^\d+ objects applied: 0 refused, 0 warning\(s\); every workload rolled out on simulated nodes \(\d+\.\d s\)$/);
    expect(lines.slice(-NOT_CHECKED.length)).toEqual(NOT_CHECKED);
    expect(run.stdout).not.toContain('not rolled out');
  }, 900_000);
});
